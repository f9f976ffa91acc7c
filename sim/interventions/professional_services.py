"""Professional services 医养结合 and psychological support ([@liu2025, §3.2.3]).

Health: professional services meet a share ``health_cover`` of the residual
health-support need (needs submodel), at ``health_hour_cost`` per hour from the
budget. Psychological support delivers sessions, which are contact: each week the
``psych_clients`` loneliest residents with loneliness above the lonely threshold (the
referral) each get ``sessions_per_week`` sessions with a counsellor, counted as
interactions. The motives step turns them into relief through its contact term, as it
does every other contact; nothing here touches loneliness itself. In an in-silico trial
(docs/trials.md) clients are chosen among the treated arm only (``reach``).
"""

from __future__ import annotations

import numpy as np

from sim.core.reach import EVERYONE, Reach
from sim.interventions.base import Intervention, PhaseState


def psych_clients(pop, reach: Reach, lonely_threshold: float, places: int) -> np.ndarray:
    """The referral: the ``places`` loneliest residents above ``lonely_threshold``
    (among those ``reach`` lets in), loneliest first."""
    lonely = reach.targets(pop, np.flatnonzero(pop.occupied & (pop.loneliness > lonely_threshold)))
    return lonely[np.argsort(-pop.loneliness[lonely], kind="stable")[:places]]


class ProfessionalServices(Intervention):
    name = "professional_services"
    phase = "professional_services"
    provides = ("health_services",)
    reach: Reach = EVERYONE  # who may receive psychological support (sim/core/reach.py)

    @property
    def health_cover(self) -> float:
        return self.block.health_cover

    def charge_health(self, hours: float) -> None:
        if hours > 0 and self.block.health_hour_cost > 0:
            self.charge(hours * self.block.health_hour_cost)

    def act(self, state: PhaseState) -> None:
        b = self.block
        if b.psych_clients == 0 or b.sessions_per_week == 0:
            return
        clients = psych_clients(state.pop, self.reach, self.model.config.motives.lonely_threshold, b.psych_clients)
        state.tally.interactions[clients] += b.sessions_per_week
