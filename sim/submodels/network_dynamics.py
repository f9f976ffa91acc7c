"""Step 15, network dynamics (关系网络).

- Decay: a tie's strength falls by ``decay_neighbour`` (neighbours) or
  ``decay_friend`` (other kinds) a week without contact, and every contact closes
  ``contact_boost`` of the gap to 1 (applied lazily, see sim.core.network). Every
  ``prune_interval`` weeks ties weaker than ``prune_strength`` are dropped.
- Everyday contact: with weekly probability ``casual_contact``·π_i a resident meets
  one random tie, which refreshes it (this keeps active people's ties alive while
  the ties of the frail and unsociable fade).
- Neighbour acquaintance: each resident meets a random occupant of their building
  with weekly probability ``neighbour_meeting``·(1 + ``public_space_gain``·I)·π_i,
  forming a neighbour tie; I is the infrastructure level (public space: squares,
  activity rooms — [@socialcapital_mutualaid, §4.3]).
- Triadic closure: with weekly probability ``triadic_closure``·π_i a resident meets a
  random friend's random friend, and they befriend with probability
  exp(−homophily·distance) (age, education).
π_i is the tie propensity: sociability^a·(1 + b·education)·health^c — sociable and
educated residents gain ties faster, the frail stay isolated ([@socialcapital_mutualaid, §3.3.2]).
Ties of residents who leave go with them (demography step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.community import add_ties
from sim.core.network import FRIEND, NEIGHBOUR
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
    """A week of pruning, contact and new ties; ``propensity`` is each resident's tie
    propensity π this week (``sim.core.population.tie_propensity``)."""
    week = community.week
    n = pop.n
    u_meet, u_mate, u_close, u_pick1, u_pick2, u_accept, u_casual, u_which = rng.random((8, n))

    if week % nw.prune_interval == 0 and len(net):
        net.remove(net.strength_now(week, community.decay_by_kind) < nw.prune_strength)

    prop = propensity
    meeting = np.flatnonzero(pop.occupied & (net.degree() > 0) & (u_casual < nw.casual_contact * prop))
    if len(meeting):
        start = net.indptr[meeting]
        edge = start + np.floor(u_which[meeting] * (net.indptr[meeting + 1] - start)).astype(np.int64)
        net.touch(week, community.decay_by_kind, edge, nw.contact_boost)
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
    new_kind.append(np.full(int(ok.sum()), FRIEND))

    a = np.concatenate(new_a)
    if len(a):
        add_ties(net, pop, week, trust, a, np.concatenate(new_b), np.concatenate(new_kind), nw.new_tie_strength)
