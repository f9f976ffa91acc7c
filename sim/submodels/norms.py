"""Steps 10-11: reciprocity norms 互惠规范, supervision, sanctions and service modes.

Violations of the week are free riding (declining, while able, a request from someone
one owes more than ``helping.free_ride_balance`` hours) and shirking (a helper who took
on a service and shirked it); the helping step lists them with their victims and
kinds (``sim.core.tally.FREE_RIDING``, ``SHIRKING``). An honest failed service (hidden
skill) is not a violation, nor is a dispute: they are quality outcomes (step 9).

Detection and sanction. Without a supervision body a violation is noticed and
sanctioned informally (gossip, exclusion) with probability ``informal_detection``; a
professional supervision body (intervention, [@socialcapital_mutualaid, §4.2]) adds capacity-limited
formal detection. Every sanction adds ``sanction_reputation`` bad reports to the
offender's public reputation; an informal sanction also cuts the victim's tie to the
offender with probability ``informal_tie_cut`` (social exclusion).

Witnessing. The victim witnesses their own case, and each of the victim's ties other
than the offender hears of it with probability ``trust.gossip_rate`` (stream ``norms``).
The offender knows their own case too: being sanctioned, or getting away with it, is
the personal experience of punishment and of its avoidance that shapes one's own
perceived risk of sanction (specific deterrence, [@stafford1993]; a test:
[@paternoster1995]); it counts in their authority, not in their trust. Each resident keeps
counts of the cases they witnessed or committed that were sanctioned and that went
unpunished, forgotten at ``witness_forgetting`` a week. Norm authority is then each resident's
own: the perceived probability that a violation is sanctioned,
    A_i = (sanctioned_i + a)/(sanctioned_i + unpunished_i + a + b),
with the prior a = initial_authority·m, b = (1 − initial_authority)·m, m =
``authority_prior_weight`` ([@socialcapital_mutualaid, §3.2.1]; Axelrod's 1986 norms game, where
seeing defection go unpunished erodes the norm). ``community.norm_authority`` only
reports the mean of A_i over residents aware of the scheme.

Individual internalization n_i moves toward a mix of own authority and observed
reciprocity: n_i ← n_i + ι·(ω·A_i + (1 − ω)·R_i − n_i). R_i is the accepted share of
the week's requests i knows of — their own, and their ties' at the expected weight of
what a tie tells (``trust.gossip_rate``·``trust.hearsay_weight``, the same word of
mouth as in the trust step, in expectation so that no draw is added):
    R_i = (acc_i + w·Σ_j acc_j)/(made_i + w·Σ_j made_j),   j over i's ties;
a resident who knows of no request this week observes nothing, and R_i = n_i (only
authority pulls). No community-wide share reaches anyone.

Generalized trust responds to the violations a resident witnessed: with k_s sanctioned
and k_u unpunished cases this week (a case heard of counts ``trust.hearsay_weight``),
T ← 1 − (1 − T)·(1 − σ_s)^k_s, then T ← T·(1 − σ_v)^k_u.

Service modes (step 11). New modes appear every ``mode_interval`` weeks — online
companionship, smart devices (errands), telehealth — up to ``max_modes``. A share
``mode_uptake`` of the exchanges of the mode's need type use it, reduced by
``unregulated_uptake_factor`` while norms do not regulate it; in an unregulated mode
a failed service becomes a dispute ``unregulated_dispute_factor`` times as often. A
mode becomes regulated by custom after ``informal_regulation_weeks``, or earlier when
the norm revision group (intervention) reviews it ([@socialcapital_mutualaid, §3.2.2, §4.2]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.core.util import add_at
from sim.submodels.needs import COMPANIONSHIP, ERRANDS, HEALTH
from sim.submodels.trust import hearsay

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Norms, Trust
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels

MODE_TYPES = (COMPANIONSHIP, ERRANDS, HEALTH)
MODE_NAMES = ("online companionship", "smart devices", "telehealth")


@dataclass
class Mode:
    name: str
    need_type: int
    appear_week: int
    regulated_week: int


class ServiceModes:
    """The new service modes of a run and whether norms regulate them yet."""

    def __init__(self, norms):
        self.params = norms
        self.modes = [
            Mode(
                MODE_NAMES[k % 3],
                MODE_TYPES[k % 3],
                (k + 1) * norms.mode_interval,
                (k + 1) * norms.mode_interval + norms.informal_regulation_weeks,
            )
            for k in range(norms.max_modes)
        ]

    def present(self, week: int) -> list[Mode]:
        return [m for m in self.modes if m.appear_week <= week]

    def unregulated(self, week: int) -> list[Mode]:
        return [m for m in self.present(week) if week < m.regulated_week]

    def assign(self, need_type: np.ndarray, u: np.ndarray, week: int) -> tuple[np.ndarray, np.ndarray]:
        """Which exchanges use a new mode, and which of those are unregulated.
        The newest mode of a need type is the one in use."""
        new_mode = np.zeros(len(need_type), dtype=bool)
        unregulated = np.zeros(len(need_type), dtype=bool)
        for m in self.present(week):
            free = week < m.regulated_week
            share = self.params.mode_uptake * (self.params.unregulated_uptake_factor if free else 1.0)
            hit = (need_type == m.need_type) & (u < share)
            new_mode = np.where(need_type == m.need_type, hit, new_mode)
            unregulated = np.where(need_type == m.need_type, hit & free, unregulated)
        return new_mode, unregulated


def perceived_authority(sanctioned: np.ndarray, unpunished: np.ndarray, nm: Norms) -> np.ndarray:
    """Each resident's norm authority A_i: the Beta expectation of a violation being
    sanctioned, from the cases they witnessed and the prior (module docstring)."""
    a = nm.initial_authority * nm.authority_prior_weight
    return (sanctioned + a) / (sanctioned + unpunished + nm.authority_prior_weight)


def observed_reciprocity(
    net: EdgeStore, made: np.ndarray, accepted: np.ndarray, weight: float, nothing_seen: np.ndarray
) -> np.ndarray:
    """R_i, the accepted share of the week's requests resident i knows of: their own
    (``made``, ``accepted`` per resident) and their ties' at ``weight``; ``nothing_seen``
    where i knows of none (module docstring)."""
    n = len(made)
    known = made + weight * np.bincount(net.owner, weights=made[net.other], minlength=n)
    known_accepted = accepted + weight * np.bincount(net.owner, weights=accepted[net.other], minlength=n)
    return np.where(known > 0, np.divide(known_accepted, known, out=np.zeros(n), where=known > 0), nothing_seen)


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    nm: Norms,
    t: Trust,
) -> None:
    offenders, victims, kinds = tally.violators, tally.victims, tally.violation_kind
    v = len(offenders)
    informal = rng.random(v) < nm.informal_detection
    cut = informal & (rng.random(v) < nm.informal_tie_cut)
    detection = channels.detection
    formal = detection.detect(pop, offenders, victims, kinds) if detection is not None else np.zeros(v, dtype=bool)
    detected = informal | formal
    tally.sanctions = int(detected.sum())
    add_at(pop.reputation_bad, offenders[detected], nm.sanction_reputation)
    # the victim's ties hear of the case (before an informal sanction cuts a tie);
    # the offender knows their own case and is no witness of it
    listener, event = hearsay(net, victims, rng, t.gossip_rate)
    bystander = listener != offenders[event]
    listener, event = listener[bystander], event[bystander]
    if cut.any():
        edges = net.find(victims[cut], offenders[cut])
        net.remove_edges(edges[edges >= 0])

    n = pop.n
    own_s = np.bincount(victims[detected], minlength=n)
    own_u = np.bincount(victims[~detected], minlength=n)
    heard_s = np.bincount(listener[detected[event]], minlength=n)
    heard_u = np.bincount(listener[~detected[event]], minlength=n)
    # the offender's own case: punished, or got away with it (specific deterrence)
    done_s = np.bincount(offenders[detected], minlength=n)
    done_u = np.bincount(offenders[~detected], minlength=n)
    pop.seen_sanctioned = nm.witness_forgetting * pop.seen_sanctioned + own_s + heard_s + done_s
    pop.seen_unpunished = nm.witness_forgetting * pop.seen_unpunished + own_u + heard_u + done_u

    k_s = own_s + t.hearsay_weight * heard_s
    k_u = own_u + t.hearsay_weight * heard_u
    raised = 1.0 - (1.0 - pop.generalized_trust) * (1.0 - t.sanction_signal) ** k_s
    pop.generalized_trust = np.clip(raised * (1.0 - t.violation_signal) ** k_u, 0.0, 1.0)

    authority = perceived_authority(pop.seen_sanctioned, pop.seen_unpunished, nm)
    aware = pop.occupied & pop.aware
    community.norm_authority = float(authority[aware].mean()) if aware.any() else nm.initial_authority

    observed = observed_reciprocity(
        net, tally.requests_made, tally.requests_accepted, t.gossip_rate * t.hearsay_weight, pop.norm_internalization
    )
    target = nm.authority_weight * authority + (1.0 - nm.authority_weight) * observed
    pop.norm_internalization += nm.internalization_rate * (target - pop.norm_internalization) * pop.occupied
