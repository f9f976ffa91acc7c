"""The norm revision group 规范修订小组 ([@socialcapital_mutualaid, §3.2.2, §4.2]).

Every ``review_interval`` weeks from its start the group reviews the service modes:
each mode that has existed for at least ``review_lag`` weeks and is not yet
regulated becomes regulated that week (fewer disputes, full uptake; see the norms
submodel). Without the group a mode is regulated only by custom, after
``norms.informal_regulation_weeks``.
"""

from __future__ import annotations

from sim.interventions.base import Intervention, PhaseState


class NormRevision(Intervention):
    name = "norm_revision"
    phase = "norm_revision"

    def act(self, state: PhaseState) -> None:
        week = state.community.week
        if (week - self.block.start_week) % self.block.review_interval != 0:
            return
        for mode in state.community.modes.unregulated(week):
            if week - mode.appear_week >= self.block.review_lag:
                mode.regulated_week = week
