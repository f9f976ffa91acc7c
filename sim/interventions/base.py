"""The common shape of an intervention."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import CommunityModel


class Intervention:
    """An intervention built from its scenario block.

    ``phase`` names the point of the weekly schedule at which ``act`` runs (None if
    it acts only through hooks)."""

    name = "intervention"
    phase: str | None = None

    def __init__(self, block: Any, model: "CommunityModel"):
        self.block = block

    def act(self, model: "CommunityModel") -> None:  # pragma: no cover - overridden where phase is set
        raise NotImplementedError

    def charge(self, model: "CommunityModel", amount: float) -> float:
        """Pay a variable cost from the budget; returns what could be paid."""
        return model.governance.charge(self.name, amount)
