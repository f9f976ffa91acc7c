"""Incentives: material points, recognition, and motivation crowding-out ([@liu2025]
§3.2.2: material, emotional and value/psychological incentives).

Material points: a helper earns ``points_per_hour`` points per hour given; each point
costs ``point_value`` from the budget (points are paid only as far as money allows).
Points act as a price. Their money value per hour, v = points_per_hour · point_value,
pulls with saturation — small payments move volunteers little and a symbolic reward
never acts like a wage [@freygoette1999; @frey1997]:
    s = 1 − exp(−v / value_scale),   pull = p_i · s · max_pull,
scaled by p_i, the share of earned points resident i believes will be paid. The belief
is local (``sim.interventions.record``): every helper who earned points this week sees
the share of them the budget actually paid, their ties hear of it by word of mouth,
the counts are forgotten at ``payment_memory`` a week, and
p_i = (kept_i + 2·payment_prior)/(kept_i + broken_i + 2) — so unpaid points lose their
pull first among those who went unpaid and the people they talk to.
The pull adds to the log-odds of accepting a request, and to the stated willingness of
residents who know the scheme (the unaware cannot know of its points).

Crowding-out (a switchable hypothesis [@frey1997; @deci1971]): with ``crowding_out``
on, material rewards erode intrinsic motivation in proportion to it: the pull becomes
p_i · s · (max_pull − crowding_strength · m_i), where m_i = (norm internalization +
self-worth)/2 is the helper's intrinsic motive — so for the intrinsically motivated
the net effect of points can be negative.

Recognition (emotional and value incentives): the scheme publicly recognises a share
``recognition`` of the successful helps; the motives step turns each recognition into
``motives.self_worth_per_recognition`` self-worth events (the resident's response).
"""

from __future__ import annotations

import numpy as np

from sim.interventions.base import Intervention, PhaseState
from sim.interventions.record import PromiseRecord


class Incentives(Intervention):
    name = "incentives"
    phase = "incentives"

    def __init__(self, block, model):
        super().__init__(block, model)
        self.trust = model.config.trust  # word of mouth about payment (gossip, hearsay weight)
        self.record = PromiseRecord(model.pop.n, block.payment_prior, block.payment_memory)
        self.paid_share = block.payment_prior  # reported: the mean belief of the aware

    def pull(self, pop, slots: np.ndarray | slice) -> np.ndarray | float:
        """Log-odds the points add for the residents in ``slots`` (module docstring)."""
        b = self.block
        scale = self.record.belief(slots) * (1.0 - np.exp(-b.points_per_hour * b.point_value / b.value_scale))
        if not b.crowding_out:
            return scale * b.max_pull
        intrinsic = 0.5 * (pop.norm_internalization[slots] + pop.self_worth[slots])
        return scale * (b.max_pull - b.crowding_strength * intrinsic)

    def acceptance_bonus(self, pop, helpers: np.ndarray, need_type: np.ndarray) -> np.ndarray | float:
        return self.pull(pop, helpers)

    def willingness_bonus(self, pop) -> np.ndarray:
        return self.pull(pop, slice(None)) * pop.aware

    def self_worth_events(self, helped_ok: np.ndarray) -> np.ndarray:
        """Public recognitions this week: the recognised share of each helper's
        successful helps (expected number; the motives step weighs them)."""
        return self.block.recognition * helped_ok

    def act(self, state: PhaseState) -> None:
        pop, ex, b = state.pop, state.tally.exchanges, self.block
        points = b.points_per_hour * np.bincount(ex.helper, weights=ex.hours, minlength=pop.n)
        cost = float(points.sum()) * b.point_value
        earners = np.flatnonzero(points > 0)
        paid = self.charge(cost) / cost if cost > 0 else 1.0
        points *= paid
        self.record.learn(state.net, earners, np.full(len(earners), paid), self.stream(), self.trust)
        self.paid_share = self.record.mean(pop.occupied & pop.aware)
        pop.points += points

    def residents_left(self, pop, slots: np.ndarray) -> None:
        self.record.forget(slots)
