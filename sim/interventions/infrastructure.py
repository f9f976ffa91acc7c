"""Activity centres and ageing-friendly retrofit 活动中心, 适老化改造 ([@socialcapital_mutualaid, §4.3];
[@liu2025, §5.3]).

While it runs, the community's infrastructure level is I = min(1, I0 +
``level_increase``) instead of the setting's I0. The level sets activity capacity
and the access of the frail to activities (see activities), and, as public space,
raises everyday neighbour meetings by the factor 1 + ``network.public_space_gain``·I
(network dynamics).
"""

from __future__ import annotations

from sim.interventions.base import Intervention


class Infrastructure(Intervention):
    name = "infrastructure"
    phase = None
    provides = ("infrastructure",)

    def level(self, base: float) -> float:
        return min(1.0, base + self.block.level_increase)
