"""Step 15, network dynamics (关系网络).

- Decay: a tie's strength falls by its kind's weekly rate (``sim.core.community.tie_decay``:
  ``decay_neighbour``, ``decay_friend``, and ``decay_acquaintance`` for ties formed by
  a pairing, an exchange, at an activity or by an introduction) a week without contact, and every contact closes
  ``contact_boost`` of the gap to 1 (applied lazily, see sim.core.network). Every
  ``prune_interval`` weeks ties weaker than ``prune_strength`` are dropped.
- Everyday contact is drawn earlier in the week (``everyday_contact``, called by the
  motives step, whose loneliness and belonging it feeds); it is the one rule by which
  a tie is kept up without an exchange, an activity or a visit.
- Neighbour acquaintance: each resident meets a random occupant of their building
  with weekly probability ``neighbour_meeting``·(1 + ``public_space_gain``·I)·π_i,
  forming a neighbour tie; I is the infrastructure level (public space: squares,
  activity rooms — [@socialcapital_mutualaid, §4.3]).
- Triadic closure: with weekly probability ``triadic_closure``·π_i a resident is
  introduced to a random tie's random tie, and they become acquainted with probability
  exp(−homophily·distance) (age, education). One introduction makes an acquaintance
  (kind ``introduced``), not a friend: like a tie formed at an activity it fades at
  ``decay_acquaintance`` and lasts only if contact keeps it up.
π_i is the tie propensity: sociability^a·(1 + b·education)·health^c — sociable and
educated residents gain ties faster, the frail stay isolated ([@socialcapital_mutualaid, §3.3.2]).
Ties of residents who leave go with them (demography step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.community import add_ties
from sim.core.network import INTRODUCED, NEIGHBOUR
from sim.core.population import homophily_weight, random_mates

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Network, Trust
    from sim.core.population import Population
    from sim.interventions.base import Channels


def random_neighbour(net, slots: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A uniformly random tie of each slot (slots must have at least one tie)."""
    start = net.indptr[slots]
    deg = net.indptr[slots + 1] - start
    return net.other[start + np.floor(u * deg).astype(np.int64)]


def everyday_contact(
    *,
    pop: Population,
    net: EdgeStore,
    community: CommunityState,
    rng: np.random.Generator,
    propensity: np.ndarray,
    nw: Network,
) -> np.ndarray:
    """This week's everyday contacts with one's ties; returns the contacts per resident.

    Each tie {i, j} (current strength s) is met this week with probability
        p = min(1, ``contact_rate``·s·min(β_i, β_j)),   β_i = min(1, B_i / S_i),
    one uniform draw per tie, in the order of its half-edge i→j with i < j. Strong ties
    meet more often; S_i is the summed current strength of i's ties and
    B_i = ``contact_budget``·π_i / mean π the strength i has time to keep up
    (Dunbar 2018: the time a relationship needs limits how many one keeps), so a
    resident with more ties than time meets each less often, and the ties of the frail
    and unsociable (low π) fade. A met tie is refreshed (``contact_boost`` of its gap
    to 1) and counts one contact for each end."""
    n = pop.n
    contacts = np.zeros(n)
    if len(net) == 0:
        return contacts
    week = community.week
    strength = net.strength_now(week, community.decay_by_kind)
    total = np.bincount(net.owner, weights=strength, minlength=n)
    occupied = propensity[pop.occupied]
    budget = nw.contact_budget * propensity / max(occupied.mean() if len(occupied) else 0.0, 1e-12)
    share = np.ones(n)
    busy = total > budget
    share[busy] = budget[busy] / total[busy]
    first = np.flatnonzero(net.owner < net.other)
    i, j = net.owner[first], net.other[first]
    p = np.minimum(nw.contact_rate * strength[first] * np.minimum(share[i], share[j]), 1.0)
    met = first[rng.random(len(first)) < p]
    if len(met):
        net.touch(week, community.decay_by_kind, met, nw.contact_boost)
        contacts += np.bincount(net.owner[met], minlength=n) + np.bincount(net.other[met], minlength=n)
    return contacts


def step(
    *,
    pop: Population,
    net: EdgeStore,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    propensity: np.ndarray,
    nw: Network,
    trust: Trust,
) -> None:
    """A week of pruning and new ties; ``propensity`` is each resident's tie
    propensity π this week (``sim.core.population.tie_propensity``)."""
    week = community.week
    n = pop.n
    u_meet, u_mate, u_close, u_pick1, u_pick2, u_accept = rng.random((6, n))

    if week % nw.prune_interval == 0 and len(net):
        net.remove(net.strength_now(week, community.decay_by_kind) < nw.prune_strength)

    prop = propensity
    public_space = 1.0 + nw.public_space_gain * channels.infrastructure_level(community.infrastructure_base)
    meets = np.flatnonzero(pop.occupied & (u_meet < nw.neighbour_meeting * public_space * prop))
    mate = random_mates(u_mate[meets], meets, community.building_slots)
    ok = pop.occupied[mate]
    new_a, new_b = [meets[ok]], [mate[ok]]
    new_kind = [np.full(int(ok.sum()), NEIGHBOUR)]

    deg = net.degree()
    closers = np.flatnonzero(pop.occupied & (deg > 0) & (u_close < nw.triadic_closure * prop))
    j = random_neighbour(net, closers, u_pick1[closers])
    has = deg[j] > 0
    closers, j = closers[has], j[has]
    k = random_neighbour(net, j, u_pick2[closers])
    ok = (k != closers) & (u_accept[closers] < homophily_weight(pop, closers, k, nw.homophily))
    new_a.append(closers[ok])
    new_b.append(k[ok])
    new_kind.append(np.full(int(ok.sum()), INTRODUCED))

    a = np.concatenate(new_a)
    if len(a):
        add_ties(net, pop, week, trust, a, np.concatenate(new_b), np.concatenate(new_kind), nw.new_tie_strength)
