"""Activity centres and ageing-friendly retrofit 活动中心, 适老化改造 (seed 000 §4.3;
seed 004 §5.3).

While it runs, the community's infrastructure level is I = min(1, I0 +
``level_increase``). The level sets activity capacity and the access of the frail to
activities (see activities), and public space multiplies everyday neighbour meetings
by 1 + ``meeting_gain``·(I − I0).
"""

from __future__ import annotations

from sim.interventions.base import Intervention


class Infrastructure(Intervention):
    name = "infrastructure"
    phase = None

    def level(self, base: float) -> float:
        return min(1.0, base + self.block.level_increase)

    def meeting_multiplier(self, model) -> float:
        base = model.config.community.infrastructure
        return self.block.meeting_gain * (self.level(base) - base)
