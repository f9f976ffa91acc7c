"""Step 14, participation: aware → stated willingness → member → active, kept apart.

Awareness. A resident who does not know the scheme hears of it from community
notices (weekly probability ``awareness_base``), from each tie who is a member
(``awareness_per_member_tie`` each), and through interventions (activities,
platform outreach, pairing):
    P(aware) = 1 − (1 − base)·(1 − per_tie)^(member ties)·(1 − min(1, Σ p_intervention)),
where Σ p_intervention adds the weekly outreach probabilities of the running
interventions that have one (the platform; activities and pairings make attendees
and supported residents aware directly).

Stated willingness is a disposition, not behaviour:
    w = σ(β0 + β_T·T_gen + β_n·n + β_s·self-worth + β_L·loneliness + β_b·belonging + incentive)
and a resident *states* they are willing when w ≥ ``willing_threshold``. The same w
scales every acceptance decision in the helping step, so stated willingness and
actual activity are different variables (targets.md).

Joining. An aware, willing non-member joins with weekly probability ``join_rate``
(not within ``rejoin_delay`` weeks of quitting).

Quitting. Dissatisfaction accumulates D ← μ·D + unanswered request + violations
suffered + (belonging < ``low_belonging``, for members); a member with D > ``quit_threshold`` quits with weekly
probability ``quit_rate``, and may return later.

Active means having given or received help in the last ``active_window`` weeks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core import kernels
from sim.core.util import sigmoid

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Participation
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels


def willingness(pop, p, incentive: np.ndarray | float = 0.0) -> np.ndarray:
    """Stated-willingness score per resident."""
    return (
        sigmoid(
            p.willingness_intercept
            + p.willingness_trust * pop.generalized_trust
            + p.willingness_norm * pop.norm_internalization
            + p.willingness_self_worth * pop.self_worth
            + p.willingness_loneliness * pop.loneliness
            + p.willingness_belonging * pop.belonging
            + incentive
        )
        * pop.occupied
    )


def member_ties(net: EdgeStore, pop: Population) -> np.ndarray:
    """Number of ties each resident has to members."""
    return kernels.flagged_per_row(net.indptr, net.other, pop.member)


def initialize(pop: Population, p: Participation, rng: np.random.Generator) -> None:
    """Initial awareness, willingness and membership (``rng``: the population stream)."""
    pop.aware = pop.occupied & (rng.random(pop.n) < p.initial_aware)
    pop.willingness = willingness(pop, p)
    willing = pop.aware & (pop.willingness >= p.willing_threshold)
    pop.member = willing & (rng.random(pop.n) < p.initial_member_share)


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    p: Participation,
) -> None:
    week = community.week
    n = pop.n
    u_aware, u_join, u_quit = rng.random((3, n))

    outreach = np.minimum(channels.hook_sum("awareness_probability", pop), 1.0)
    stay_unaware = (
        (1.0 - p.awareness_base) * (1.0 - p.awareness_per_member_tie) ** member_ties(net, pop) * (1.0 - outreach)
    )
    pop.aware |= pop.occupied & (u_aware < 1.0 - stay_unaware)

    pop.willingness = willingness(pop, p, channels.hook_sum("willingness_bonus", pop))
    willing = pop.aware & (pop.willingness >= p.willing_threshold)
    may_join = willing & ~pop.member & (week - pop.quit_week >= p.rejoin_delay)
    pop.member |= may_join & (u_join < p.join_rate)

    suffered = np.bincount(tally.victims, minlength=n)
    low_belonging = pop.belonging < p.low_belonging
    pop.dissatisfaction = (
        p.dissatisfaction_memory * pop.dissatisfaction + tally.unanswered + suffered + low_belonging * pop.member
    )
    quits = pop.member & (pop.dissatisfaction > p.quit_threshold) & (u_quit < p.quit_rate)
    pop.member &= ~quits
    pop.quit_week[quits] = week
    pop.dissatisfaction[quits] = 0.0
