"""Step 9, trust and reputation (社会信任): local trust.

Particularized trust. Each end of a tie keeps Beta-reputation counts (r successes,
s failures) about the other, forgotten at rate λ per week (r, s ← λ^Δt·r, λ^Δt·s) and
read as the expectation (r + 1)/(r + s + 2) (Jøsang & Ismail 2002). After a service
the requester records a success if it succeeded; the helper records a success unless
it ended in a dispute. A failed service — honest (hidden skill) or shirked — is a
quality outcome here; whether it was also a violation is the norms step's business.

Generalized trust moves only with what a resident can see ([@socialcapital_mutualaid,
§2.2.1-2.2.2]); no community-wide average reaches anyone:
- own experience: each exchange the resident took part in, good for the requester if
  it succeeded and for the helper unless it ended in a dispute;
- what ties tell: every tie of each participant hears of that participant's outcome
  with probability ``gossip_rate`` (stream ``trust``), and a heard outcome counts
  ``hearsay_weight`` of an own one. With k the (weighted) outcomes of the week of which
  a share m were good, T ← T + (1 − (1 − η)^k)·(m − T);
- public ratings: while the platform shows public feedback, its users (members who can
  use it) also see the week's ratings, and the share g of good ones moves their trust by
  T ← T + ρ·u_i·(g − T), where u_i is the platform's usability for i: 1 from its
  literacy threshold on, else the weekly chance of staff assistance (the expected
  share of weeks i sees them). A member who cannot use the platform sees no ratings.
Violations witnessed (sanctioned or not) move trust in the norms step, where
sanctions happen.

Public reputation. Each service gives the helper one piece of feedback (good on
success, bad otherwise) and a dispute gives the requester a bad one. With the
platform's public feedback channel every piece counts fully; otherwise feedback only
spreads by gossip along the rater's ties, and counts with the probability that at
least one of the rater's d ties passes it on: 1 − (1 − gossip_rate)^d (a mean-field
form of gossip, documented in the ODD).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.util import add_at

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Trust
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels


def hearsay(
    net: EdgeStore, speakers: np.ndarray, rng: np.random.Generator, gossip_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Who hears of each speaker's event from them: (listener slot, event index) for
    every tie of ``speakers[event]`` that passes it on (probability ``gossip_rate``, one
    draw per tie, ties in row order). Word of mouth reaches ties, not the community."""
    speakers = np.asarray(speakers, dtype=np.int64)
    edges = net.edges_of(speakers)
    event = np.repeat(np.arange(len(speakers)), net.degree()[speakers])
    told = rng.random(len(edges)) < gossip_rate
    return net.other[edges[told]].astype(np.int64), event[told]


def own_and_heard(
    n: int, who: np.ndarray, outcome: np.ndarray, listener: np.ndarray, event: np.ndarray, hearsay_weight: float
) -> np.ndarray:
    """Per resident: ``outcome`` summed over their own events (``who[k]`` took part in
    event k) plus ``hearsay_weight`` times its sum over the events they heard of
    (``listener``, ``event`` from :func:`hearsay`). With ``outcome`` all ones it counts
    the (weighted) events; with a 0/1 outcome, the good ones."""
    return np.bincount(who, weights=outcome, minlength=n) + hearsay_weight * np.bincount(
        listener, weights=outcome[event], minlength=n
    )


def experience_update(trust: np.ndarray, count: np.ndarray, successes: np.ndarray, rate: float) -> np.ndarray:
    """Generalized trust after ``count`` outcomes of which ``successes`` succeeded."""
    mean = np.divide(successes, count, out=np.zeros_like(trust), where=count > 0)
    weight = 1.0 - (1.0 - rate) ** count
    return trust + weight * (mean - trust)


def feedback_weight(degree: np.ndarray, gossip_rate: float, public: bool) -> np.ndarray:
    """How much one piece of feedback from a rater with ``degree`` ties counts."""
    if public:
        return np.ones(len(degree))
    return 1.0 - (1.0 - gossip_rate) ** degree


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    t: Trust,
) -> None:
    week = community.week
    ex = tally.exchanges
    if len(ex.helper) == 0:
        return
    net.record_trust(week, t.forgetting, ex.edge, ex.success)
    net.record_trust(week, t.forgetting, ex.twin, ~ex.dispute)

    # each participant's own outcome, and the ties it reaches by word of mouth
    n = pop.n
    who = np.concatenate([ex.requester, ex.helper])
    went_well = np.concatenate([ex.success, ~ex.dispute]).astype(np.float64)
    listener, event = hearsay(net, who, rng, t.gossip_rate)
    count = own_and_heard(n, who, np.ones(len(who)), listener, event, t.hearsay_weight)
    good = own_and_heard(n, who, went_well, listener, event, t.hearsay_weight)
    pop.generalized_trust = np.clip(experience_update(pop.generalized_trust, count, good, t.experience_rate), 0.0, 1.0)

    ratings = channels.ratings
    public = ratings is not None and ratings.public_feedback
    degree = net.degree()
    w_req = feedback_weight(degree[ex.requester], t.gossip_rate, public)
    add_at(pop.reputation_good, ex.helper, w_req * ex.success)
    add_at(pop.reputation_bad, ex.helper, w_req * ~ex.success)
    w_help = feedback_weight(degree[ex.helper], t.gossip_rate, public)
    add_at(pop.reputation_bad, ex.requester, w_help * ex.dispute)

    if ratings is not None and public:  # members who can use the platform see the week's public ratings
        good_share = ex.success.sum() / (len(ex.success) + ex.dispute.sum())
        seen = (pop.occupied & pop.aware & pop.member) * ratings.usability(pop)
        gt = pop.generalized_trust
        pop.generalized_trust = gt + t.ratings_weight * seen * (good_share - gt)
