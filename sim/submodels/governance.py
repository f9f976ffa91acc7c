"""Step 1, governance: which interventions are running this week, and what they cost.

Each intervention (model.md §4) is an object registered here with its scenario block.
An intervention runs in week t when it is enabled, ``start_week ≤ t`` and (if set)
``t < end_week``, and — when it is paid from the budget — while the budget lasts.
Running interventions act at their place in the schedule (``run_phase``) and through
hooks the other submodels call (matching reach, detection, incentive terms).
During burn-in (t < 0) no intervention runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import CommunityModel


class Governance:
    """The interventions of a scenario and their weekly on/off state."""

    def __init__(self, model: "CommunityModel"):
        self.model = model
        self.interventions: dict[str, Any] = {}
        self.running: dict[str, bool] = {}
        self.started: dict[str, int] = {}  # first week each intervention ran
        self.stopped: dict[str, int] = {}  # first week it no longer ran, after running

    def stopped_spans(self) -> dict[str, tuple[int, int]]:
        """(first week run, first week stopped) of interventions that ran and stopped."""
        return {name: (self.started[name], week) for name, week in self.stopped.items()}

    def is_running(self, name: str) -> bool:
        return self.running.get(name, False)

    def get(self, name: str) -> Any | None:
        """The intervention object if it is running this week, else None."""
        return self.interventions[name] if self.running.get(name, False) else None

    def hook_sum(self, hook: str, *args: Any) -> Any:
        """Sum of ``hook(*args)`` over the running interventions that define it (0 if
        none does). Submodels use this for additive terms such as incentives."""
        total: Any = 0.0
        for name, iv in self.interventions.items():
            if self.running.get(name) and hasattr(iv, hook):
                total = total + getattr(iv, hook)(self.model, *args)
        return total

    def run_phase(self, phase: str) -> None:
        """Let the running interventions that act at this point of the week act."""
        for name, iv in self.interventions.items():
            if self.running.get(name) and getattr(iv, "phase", None) == phase:
                iv.act(self.model)


def step(model: "CommunityModel") -> None:
    """Switch interventions on and off by their schedules."""
    gov = model.governance
    week = model.week
    for name, iv in gov.interventions.items():
        block = iv.block
        scheduled = block.enabled and week >= 0 and week >= block.start_week and (block.end_week is None or week < block.end_week)
        was = gov.running.get(name, False)
        gov.running[name] = scheduled
        if scheduled and name not in gov.started:
            gov.started[name] = week
        if was and not scheduled:
            gov.stopped.setdefault(name, week)
