"""Incentives: material points, recognition, and motivation crowding-out ([@liu2025]
§3.2.2: material, emotional and value/psychological incentives).

Material points: a helper earns ``points_per_hour`` points per hour given; each point
costs ``point_value`` from the budget (points are paid only as far as money allows).
The prospect of points adds extrinsic pull x = material_weight·points_per_hour to the
log-odds of accepting a request and to stated willingness.

Crowding-out (a switchable hypothesis; Frey & Oberholzer-Gee 1997, Deci 1971): with
``crowding_out`` on, material rewards erode intrinsic motivation in proportion to it:
the pull becomes x − crowding_strength·points_per_hour·m_i, where m_i = (norm
internalization + self-worth)/2 is the helper's intrinsic motive — so for the
intrinsically motivated the net effect of points can be negative.

Recognition (emotional and value incentives): each successful help earns
``recognition`` extra self-worth events (motives submodel).
"""

from __future__ import annotations

import numpy as np

from sim.interventions.base import Intervention, PhaseState


class Incentives(Intervention):
    name = "incentives"
    phase = "incentives"

    def pull(self, pop, slots: np.ndarray | slice) -> np.ndarray | float:
        b = self.block
        extrinsic = b.material_weight * b.points_per_hour
        if not b.crowding_out:
            return extrinsic
        intrinsic = 0.5 * (pop.norm_internalization[slots] + pop.self_worth[slots])
        return extrinsic - b.crowding_strength * b.points_per_hour * intrinsic

    def acceptance_bonus(self, pop, helpers: np.ndarray, need_type: np.ndarray) -> np.ndarray | float:
        return self.pull(pop, helpers)

    def willingness_bonus(self, pop) -> np.ndarray | float:
        return self.pull(pop, slice(None))

    def self_worth_events(self, helped_ok: np.ndarray) -> np.ndarray:
        return self.block.recognition * helped_ok

    def act(self, state: PhaseState) -> None:
        pop, ex, b = state.pop, state.tally.exchanges, self.block
        points = b.points_per_hour * np.bincount(ex.helper, weights=ex.hours, minlength=pop.n)
        cost = float(points.sum()) * b.point_value
        if cost > 0:
            points *= self.charge(cost) / cost
        pop.points += points
