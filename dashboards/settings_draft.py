"""The settings draft: the scenario as the nested dict the controls edit, and the
validated :class:`sim.core.params.Scenario` built from it on reset — setup A, and setup B
(A with one intervention switched, the same seed) to compare with.

Each intervention has one main intensity on a slider (:data:`INTENSITY`); the
community is capped at what a page can watch (:data:`MAX_RESIDENTS`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel

from sim.core.params import Interventions, Scenario
from sim.inputs.scenario import ScenarioError, check_survey, get_value, scenario_from_dict, with_value


@dataclass(frozen=True)
class Knob:
    """The main intensity parameter of an intervention, as a slider shows it."""

    field: str
    label: str
    minimum: float
    maximum: float
    step: float

    def is_integer(self, intervention: str) -> bool:
        """Whether the schema declares the parameter an int (strict validation
        rejects 2.0 for an int, so the slider must hand over an int)."""
        block = cast(type[BaseModel], Interventions.model_fields[intervention].annotation)
        return block.model_fields[self.field].annotation is int


INTENSITY: dict[str, Knob] = {
    "activities": Knob("events_per_week", "events per week", 0, 20, 1),
    "platform": Knob("assistance", "digital assistance (probability)", 0.0, 1.0, 0.05),
    "supervision": Knob("cases_per_week", "cases investigated per week", 0, 50, 1),
    "norm_revision": Knob("review_interval", "weeks between reviews", 1, 104, 1),
    "infrastructure": Knob("level_increase", "rise in infrastructure level", 0.0, 1.0, 0.05),
    "targeted_support": Knob("pairs_per_week", "new pairings per week", 0, 30, 1),
    "time_bank": Knob("credit_per_hour", "credits per hour given", 0.0, 5.0, 0.1),
    "incentives": Knob("points_per_hour", "points per hour given", 0.0, 10.0, 0.5),
    "professional_services": Knob("psych_clients", "psychological-support clients", 0, 200, 5),
}
"""One knob per intervention block, in the schema's order (funding is not an
intervention: it has no schedule)."""

INTERVENTIONS = tuple(INTENSITY)


def draft_from_scenario(scenario: Scenario) -> dict[str, Any]:
    """The settings draft: the scenario as the nested dict the controls edit."""
    return scenario.model_dump()


def set_intensity(draft: Mapping[str, Any], intervention: str, value: float) -> dict[str, Any]:
    """Set an intervention's main intensity, as an int where the schema wants one."""
    knob = INTENSITY[intervention]
    value = int(round(value)) if knob.is_integer(intervention) else float(value)
    return with_value(draft, f"interventions.{intervention}.{knob.field}", value)


MAX_RESIDENTS = 20_000
"""The biggest community the dashboard runs. The schema allows 2,000,000, which
would take the server minutes and gigabytes to build (benchmarks/results.md, "The
dashboard's limits"); a page is for watching a community, not for big runs."""


def check_size(scenario: Scenario, source: str) -> Scenario:
    """``scenario`` if the dashboard can run it, else :class:`ScenarioError`."""
    residents = scenario.community.residents
    if residents > MAX_RESIDENTS:
        raise ScenarioError(
            [
                f"{source}: community.residents: {residents} residents; the dashboard runs at most "
                f"{MAX_RESIDENTS:,} (run bigger communities with `mutualaid run`)"
            ]
        )
    return scenario


def build_scenario(draft: Mapping[str, Any]) -> Scenario:
    """Validate the draft (raises :class:`ScenarioError` with one line per problem);
    a community from survey data is sized to its data, as when loading a file."""
    source = "dashboard settings"
    return check_size(check_survey(scenario_from_dict(dict(draft), source)), source)


def toggled(draft: Mapping[str, Any], intervention: str) -> dict[str, Any]:
    """The draft with one intervention switched on if it was off, off if it was on."""
    path = f"interventions.{intervention}.enabled"
    return with_value(draft, path, not get_value(draft, path))


def compare_setups(draft: Mapping[str, Any], intervention: str) -> tuple[Scenario, Scenario]:
    """Setup A (the draft) and setup B (A with ``intervention`` switched); they share
    the seed, so the difference between their runs is the intervention's."""
    a = build_scenario(draft)
    b_draft = toggled(draft, intervention)
    sign = "+" if get_value(b_draft, f"interventions.{intervention}.enabled") else "−"
    b_draft = with_value(b_draft, "name", f"{a.name} {sign}{intervention}")
    return a, build_scenario(b_draft)
