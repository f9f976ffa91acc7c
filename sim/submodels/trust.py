"""Step 9, trust and reputation (社会信任).

Particularized trust. Each end of a tie keeps Beta-reputation counts (r successes,
s failures) about the other, forgotten at rate λ per week (r, s ← λ^Δt·r, λ^Δt·s) and
read as the expectation (r + 1)/(r + s + 2) (Jøsang & Ismail 2002). After a service
the requester records a success if it succeeded; the helper records a success unless
it ended in a dispute.

Generalized trust drifts toward recent experience: a resident with k exchanges this
week, of which a share m succeeded, moves T ← T + (1 − (1 − η)^k)·(m − T). Its
response to visible sanctions and unpunished violations is applied in the norms step,
where sanctions happen.

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
    t: Trust,
) -> None:
    week = community.week
    ex = tally.exchanges
    if len(ex.helper) == 0:
        return
    net.record_trust(week, t.forgetting, ex.edge, ex.success)
    net.record_trust(week, t.forgetting, ex.twin, ~ex.dispute)

    n = pop.n
    count = np.bincount(ex.requester, minlength=n) + np.bincount(ex.helper, minlength=n)
    good = np.bincount(ex.requester, weights=ex.success, minlength=n) + np.bincount(
        ex.helper, weights=~ex.dispute, minlength=n
    )
    pop.generalized_trust = np.clip(experience_update(pop.generalized_trust, count, good, t.experience_rate), 0.0, 1.0)

    ratings = channels.ratings
    public = ratings is not None and ratings.public_feedback
    degree = net.degree()
    w_req = feedback_weight(degree[ex.requester], t.gossip_rate, public)
    add_at(pop.reputation_good, ex.helper, w_req * ex.success)
    add_at(pop.reputation_bad, ex.helper, w_req * ~ex.success)
    w_help = feedback_weight(degree[ex.helper], t.gossip_rate, public)
    add_at(pop.reputation_bad, ex.requester, w_help * ex.dispute)
