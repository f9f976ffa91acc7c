"""Steps 10-11: reciprocity norms 互惠规范, supervision, sanctions and service modes.

Violations of the week are free riding (declining, while able, a request from someone
one owes more than ``helping.free_ride_balance`` hours) and disputes (a failed service that turned into a
conflict); the helping step lists them with their victims.

Detection and sanction. Without a supervision body a violation is noticed and
sanctioned informally (gossip, exclusion) with probability ``informal_detection``; a
professional supervision body (intervention, [@socialcapital_mutualaid, §4.2]) adds capacity-limited
formal detection. Every sanction adds ``sanction_reputation`` bad reports to the
offender's public reputation; an informal sanction also cuts the victim's tie to the
offender with probability ``informal_tie_cut`` (social exclusion).

Norm authority A ∈ [0, 1] is the community's perceived probability that a violation
is sanctioned. In a week with V > 0 violations of which S were sanctioned it moves
toward the enforcement ratio:  A ← A + κ·(S/V − A). It therefore rises with
consistent enforcement and decays with unpunished violations ([@socialcapital_mutualaid, §3.2.1]; the
community-level counterpart of vengefulness in Axelrod's 1986 norms game).

Individual internalization n_i moves toward a mix of authority and observed
reciprocity: n_i ← n_i + ι·(ω·A + (1 − ω)·R_i − n_i), with R_i the share of i's own
requests accepted this week if i asked, else the community's acceptance share
(in a week with no requests at all R_i = n_i: only authority pulls).

Generalized trust responds to what residents who know the scheme see: per resident,
s = S/residents visible sanctions and v = (V − S)/residents unpunished violations move
T ← T + σ_s·s·(1 − T) − σ_v·v·T for aware residents.

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


def update_authority(authority: float, violations: int, sanctioned: int, rate: float) -> float:
    """Norm authority after a week with ``violations`` of which ``sanctioned``."""
    if violations == 0:
        return authority
    return authority + rate * (sanctioned / violations - authority)


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
    s = int(detected.sum())
    tally.sanctions = s
    add_at(pop.reputation_bad, offenders[detected], nm.sanction_reputation)
    if cut.any():
        edges = net.find(victims[cut], offenders[cut])
        net.remove_edges(edges[edges >= 0])

    residents = int(pop.occupied.sum())
    if residents and v:
        gt = pop.generalized_trust
        delta = t.sanction_signal * (s / residents) * (1.0 - gt) - t.violation_signal * ((v - s) / residents) * gt
        pop.generalized_trust = np.clip(gt + pop.aware * delta, 0.0, 1.0)
    community.norm_authority = update_authority(community.norm_authority, v, s, nm.authority_rate)

    made, acc = tally.requests_made, tally.requests_accepted
    total_made = made.sum()
    if total_made > 0:
        community_rate = acc.sum() / total_made
        observed = np.where(made > 0, np.divide(acc, made, out=np.zeros_like(acc), where=made > 0), community_rate)
    else:  # nothing observed this week: only authority pulls
        observed = pop.norm_internalization
    target = nm.authority_weight * community.norm_authority + (1.0 - nm.authority_weight) * observed
    pop.norm_internalization += nm.internalization_rate * (target - pop.norm_internalization) * pop.occupied
