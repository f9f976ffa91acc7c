"""Step 14, participation: aware → stated willingness → member → active, kept apart.

Awareness. A resident who does not know the scheme hears of it from community
notices (weekly probability ``awareness_base``), from each tie who is a member
(``awareness_per_member_tie`` each), and through interventions (activities,
platform outreach, pairing):
    P(aware) = 1 − (1 − base)·(1 − per_tie)^(member ties)·(1 − min(1, Σ p_intervention)),
where Σ p_intervention adds the weekly outreach probabilities of the running
interventions that have one (the platform; activities and pairings make attendees
and supported residents aware directly).

The scheme's record (口碑, its standing). Every resident keeps Beta counts of the
requests to the scheme they know were answered (a) or left unanswered (b): their own
requests this week count one each, and every tie of an asker hears of that asker's
outcome with probability ``trust.gossip_rate`` (stream ``standing``; one draw per tie)
and counts it ``trust.hearsay_weight``. The counts are forgotten at ``standing_memory``
a week, and the resident expects a request to the scheme to be answered with
    S = (a + 1)/(a + b + 2)        (0.5, the no-information prior, with no record).
Word of mouth about a scheme that fails its users is the trust crisis of information
asymmetry that makes schemes wither ([@socialcapital_mutualaid, §3.1.2]).

Stated willingness is an attitude every resident holds, aware of the scheme or not
(a survey asks everyone):
    w = σ(ψ + incentive),
    ψ = β0 + u + β_T·T_gen + β_n·n + β_s·self-worth + β_L·loneliness + β_b·belonging + β_S·(S − 0.5)
with u the resident's lasting propensity to volunteer, drawn on arrival from
N(0, ``propensity_sd``²) ([@wilson2000]: volunteering is concentrated in people with a
lasting inclination beyond their circumstances), and a resident *states* they are
willing when w ≥ ``willing_threshold``. ψ, the
disposition, is also the helper's side of every acceptance in the helping step, where
the request adds its own terms; stated willingness and actual activity are different
variables (targets.md). The record term is conditional cooperation: people give to a
common pool as far as they believe others do ([@fischbacher2001]); it enters once, in
ψ, so it moves both the willingness to join and the readiness to answer a request —
the loop by which unanswered requests, heard of, make further requests go unanswered
and hold a damaged scheme down (docs/tipping.md). Centred on the prior, it leaves the
disposition of a resident who knows nothing of the scheme's record unchanged.

Joining (registration), one rule: a non-member registers with weekly probability
    join_rate·[aware]·[w ≥ willing_threshold]·[week − quit_week ≥ rejoin_delay];
rejoining is joining after the delay. ``join_week`` records the registration.

Quitting, one rule: dissatisfaction accumulates D ← μ·D + unanswered request +
violations suffered + (belonging < ``low_belonging``, for members); a member with
D > ``quit_threshold`` quits with weekly probability ``quit_rate``.

Registration is a standing status, not activity: asking needs actual unmet need and
giving needs being asked, so a registrant may never exchange.

Active means having given or received help in the last ``active_window`` weeks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core import kernels
from sim.core.util import sigmoid
from sim.submodels.trust import hearsay, own_and_heard

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Participation
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels


def disposition(pop, p, who: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The willingness logit without incentives, for residents ``who``: the one place
    a resident's inclination to take part (their propensity, their motives and what
    they know of the scheme's record) is computed. Stated willingness adds the
    incentives to join; the helping step adds, once each, the terms of a particular
    request (sim.submodels.helping.acceptance_probability)."""
    return (
        p.willingness_intercept
        + pop.propensity[who]
        + p.willingness_trust * pop.generalized_trust[who]
        + p.willingness_norm * pop.norm_internalization[who]
        + p.willingness_self_worth * pop.self_worth[who]
        + p.willingness_loneliness * pop.loneliness[who]
        + p.willingness_belonging * pop.belonging[who]
        + p.willingness_standing * (expected_answer(pop, who) - 0.5)
    )


def willingness(pop, p, incentive: np.ndarray | float = 0.0) -> np.ndarray:
    """Stated willingness of every resident, aware of the scheme or not (a survey asks
    everyone): σ(disposition + incentive), 0 in empty dwellings."""
    return sigmoid(disposition(pop, p) + incentive) * pop.occupied


def expected_answer(pop, who: np.ndarray | slice = slice(None)) -> np.ndarray:
    """S = (a + 1)/(a + b + 2): the chance residents ``who`` expect a request to the
    scheme to be answered, from the record they know (0.5 with no information)."""
    good, bad = pop.standing_good[who], pop.standing_bad[who]
    return (good + 1.0) / (good + bad + 2.0)


def hear_record(
    pop: Population,
    net: EdgeStore,
    asked: np.ndarray,
    unanswered: np.ndarray,
    rng: np.random.Generator,
    memory: float,
    gossip_rate: float,
    hearsay_weight: float,
) -> None:
    """Forget the known record at ``memory`` a week, then add this week's requests:
    each asker's own outcome (weight 1) and, for every tie that hears of it
    (``hearsay``: probability ``gossip_rate`` per tie), ``hearsay_weight``."""
    askers = np.flatnonzero(asked)
    answered = ~unanswered[askers]
    listener, event = hearsay(net, askers, rng, gossip_rate)
    good = own_and_heard(pop.n, askers, answered.astype(np.float64), listener, event, hearsay_weight)
    bad = own_and_heard(pop.n, askers, (~answered).astype(np.float64), listener, event, hearsay_weight)
    pop.standing_good = memory * pop.standing_good + good
    pop.standing_bad = memory * pop.standing_bad + bad


def member_ties(net: EdgeStore, pop: Population) -> np.ndarray:
    """Number of ties each resident has to members."""
    return kernels.flagged_per_row(net.indptr, net.other, pop.member)


def initialize(pop: Population, p: Participation, rng: np.random.Generator) -> None:
    """Initial awareness, willingness and membership (``rng``: the population stream)."""
    pop.aware = pop.occupied & (rng.random(pop.n) < p.initial_aware)
    pop.willingness = willingness(pop, p)
    willing = pop.aware & (pop.willingness >= p.willing_threshold)
    pop.member = willing & (rng.random(pop.n) < p.initial_member_share)
    pop.join_week = np.where(pop.member, pop.moved_in, pop.join_week)


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    word_rng: np.random.Generator,
    p: Participation,
    gossip_rate: float,
    hearsay_weight: float,
) -> None:
    """A week of participation (``rng``: stream ``participation``; ``word_rng``: stream
    ``standing``, word of mouth about the scheme's record)."""
    week = community.week
    n = pop.n
    hear_record(pop, net, tally.asked, tally.unanswered, word_rng, p.standing_memory, gossip_rate, hearsay_weight)
    u_aware, u_join, u_quit = rng.random((3, n))

    outreach = np.minimum(channels.hook_sum("awareness_probability", pop), 1.0)
    stay_unaware = (
        (1.0 - p.awareness_base) * (1.0 - p.awareness_per_member_tie) ** member_ties(net, pop) * (1.0 - outreach)
    )
    pop.aware |= pop.occupied & (u_aware < 1.0 - stay_unaware)

    pop.willingness = willingness(pop, p, channels.hook_sum("willingness_bonus", pop))
    willing = pop.aware & (pop.willingness >= p.willing_threshold)
    may_join = willing & ~pop.member & (week - pop.quit_week >= p.rejoin_delay)
    joins = may_join & (u_join < p.join_rate)
    pop.member |= joins
    pop.join_week[joins] = week

    suffered = np.bincount(tally.victims, minlength=n)
    low_belonging = pop.belonging < p.low_belonging
    pop.dissatisfaction = (
        p.dissatisfaction_memory * pop.dissatisfaction + tally.unanswered + suffered + low_belonging * pop.member
    )
    quits = pop.member & (pop.dissatisfaction > p.quit_threshold) & (u_quit < p.quit_rate)
    pop.member &= ~quits
    pop.quit_week[quits] = week
    pop.dissatisfaction[quits] = 0.0
