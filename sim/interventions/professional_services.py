"""Professional services 医养结合 and psychological support ([@liu2025, §3.2.3]).

Health: professional services meet a share ``health_cover`` of the residual
health-support need (needs submodel), at ``health_hour_cost`` per hour from the
budget. Psychological support: each week the ``psych_clients`` loneliest residents
(loneliness above the lonely threshold) have a share ``psych_relief`` of their
loneliness relieved; in an in-silico trial (docs/trials.md) only among the treated arm
(``reach``).
"""

from __future__ import annotations

import numpy as np

from sim.core.reach import EVERYONE, Reach
from sim.interventions.base import Intervention


class ProfessionalServices(Intervention):
    name = "professional_services"
    phase = None
    provides = ("health_services",)
    reach: Reach = EVERYONE  # who may receive psychological support (sim/core/reach.py)

    @property
    def health_cover(self) -> float:
        return self.block.health_cover

    def charge_health(self, hours: float) -> None:
        if hours > 0 and self.block.health_hour_cost > 0:
            self.charge(hours * self.block.health_hour_cost)

    def loneliness_relief(self, pop) -> np.ndarray:
        b = self.block
        relief = np.zeros(pop.n)
        lonely = self.reach.targets(
            pop, np.flatnonzero(pop.occupied & (pop.loneliness > self.model.config.motives.lonely_threshold))
        )
        if len(lonely) and b.psych_clients:
            clients = lonely[np.argsort(-pop.loneliness[lonely], kind="stable")[: b.psych_clients]]
            relief[clients] = b.psych_relief
        return relief
