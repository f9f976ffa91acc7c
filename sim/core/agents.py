"""``Resident``: a :class:`mesa.Agent` that is a view onto one dwelling slot.

The model keeps residents' state in numpy arrays (one per variable, indexed by slot)
so that each submodel is one vectorized operation over everybody. A ``Resident``
reads and writes those arrays, so Mesa's AgentSet, inspection in the dashboard and
user code see ordinary agents with attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.core.params import NEED_TYPES

if TYPE_CHECKING:
    from sim.core.model import CommunityModel

_SCALARS = (
    "age",
    "health",
    "lives_alone",
    "education",
    "digital_literacy",
    "sociability",
    "capacity",
    "generalized_trust",
    "norm_internalization",
    "self_worth",
    "loneliness",
    "belonging",
    "aware",
    "willingness",
    "member",
    "credits",
    "points",
    "reputation_good",
    "reputation_bad",
    "person_id",
    "building",
    "block",
)


def _array_property(name: str) -> property:
    def getter(self: Resident):
        return getattr(self.model.pop, name)[self.slot].item()

    def setter(self: Resident, value) -> None:
        getattr(self.model.pop, name)[self.slot] = value

    return property(getter, setter, doc=f"``{name}`` of this resident (a view onto the model's array).")


class Resident(mesa.Agent):
    """An older resident (60+) living in dwelling ``slot``."""

    def __init__(self, model: CommunityModel, slot: int):
        super().__init__(model)
        self.slot = int(slot)

    for _name in _SCALARS:
        locals()[_name] = _array_property(_name)
    del _name

    @property
    def functional_status(self) -> str:
        """independent, IADL-limited or ADL-disabled, from health."""
        d = self.model.config.demography
        h = self.health
        return "ADL-disabled" if h < d.adl_threshold else "IADL-limited" if h < d.iadl_threshold else "independent"

    @property
    def active(self) -> bool:
        """Gave or received help within the activity window (13 weeks by default)."""
        window = self.model.config.participation.active_window
        return self.model.week - int(self.model.pop.last_active[self.slot]) < window

    @property
    def need_backlog(self) -> dict[str, float]:
        """Unmet need by type (hours)."""
        return dict(zip(NEED_TYPES, self.model.pop.backlog[self.slot].tolist()))

    @property
    def ties(self) -> list[int]:
        """Slots of the residents this one is tied to."""
        return self.model.net.neighbours(self.slot).tolist()

    def step(self) -> None:
        """Residents act through the model's vectorized submodels, not one by one."""
