"""The experiment file format: a strict schema, validated like scenario files.

An experiment file names the scenarios to compare (each a scenario file plus optional
``set`` overrides), a design over named scenario parameters (dotted paths such as
``community.infrastructure``), the number of replicates, the root seed and what to
store. Unknown keys are rejected; every problem is reported as one line
``file: field.path: message`` naming what is allowed, raised as
:class:`sim.inputs.scenario.ScenarioError` (the command line prints them and exits 2).

The reference of the format, with a full example, is docs/experiments.md.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator, model_validator

from sim.core.params import Block, block_of, schema_blocks, schema_fields
from sim.inputs.scenario import ScenarioError, read_toml

DESIGN_KINDS = ("none", "grid", "rows", "lhs", "sobol", "morris")

RUN_COST = {"run": 0.22, "week": 2.41e-3, "resident_week": 1.98e-6}
"""Model seconds per run (building the community), per simulated week (burn-in
included) and per resident-week, for the time a sweep estimates: the full
intervention package, measured by benchmarks/run.py (benchmarks/results.md, "Sweep
run-time estimate"); scenarios with fewer interventions take less, so the estimate
is an upper one."""


@dataclass(frozen=True)
class Limits:
    """The largest sweep that is started without being asked for explicitly.

    A sweep's size is known from its file before anything is sampled or built, and a
    typing slip (a grid of ten parameters with ten levels each, ``n = 1e9``) would
    otherwise fill the memory with design points or run for months. The defaults
    (docs/experiments.md) are above every experiment in experiments/; the command
    line raises them (``--max-runs``, ``--max-resident-weeks``)."""

    runs: int = 100_000
    resident_weeks: int = 10**11  # 55 hours of per-resident work at RUN_COST


Scalar = bool | int | Annotated[float, Field(allow_inf_nan=True)] | str
"""A parameter value as TOML gives it. A non-finite number is let through here, so
that the scenario schema refuses it with the parameter's name, once."""


def _check_name(value: str) -> str:
    """Names become file and folder names and parts of run ids."""
    if (
        not value
        or not (value[0].isascii() and value[0].isalnum())
        or not all(c.isascii() and (c.isalnum() or c in "_-") for c in value)
    ):
        raise ValueError(
            "must start with a letter or digit and contain only letters, digits, '_' and '-' "
            "(it names files and folders)"
        )
    return value


def _flatten_tables(table: Any, prefix: str = "") -> Any:
    """``{"community": {"infrastructure": x}}`` → ``{"community.infrastructure": x}``.

    An unquoted dotted key in TOML (``community.infrastructure = [0.2, 0.8]``) is a
    nested table; a quoted one is a flat key. Both spell a parameter path here."""
    if not isinstance(table, dict):
        return table
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten_tables(value, f"{path}."))
        else:
            flat[path] = value
    return flat


class ScenarioEntry(Block):
    """One scenario of the experiment: a scenario file and overrides on top of it."""

    name: str = Field(description="Label of the scenario in run ids and results")
    file: str = Field(min_length=1, description="Scenario file, relative to the experiment file")
    set: list[str] = Field(default_factory=list, description='Overrides "path.to.field=value", as mutualaid run --set')

    _name = field_validator("name")(_check_name)


class Store(Block):
    """What is written for each run besides its sustainability summary."""

    weekly_every: int = Field(
        1, ge=0, description="Store weekly metrics every K weeks (weeks 0, K, 2K, …); 0 = summaries only"
    )
    agent_snapshots: bool = Field(False, description="Store each run's final per-resident table")
    probes: list[Literal["calibration", "patterns", "tipping"]] = Field(
        default_factory=list,
        description="Named measures taken during each run and stored with its summary (sim.experiments.runner.PROBES)",
    )


class Trials(Block):
    """In-silico trials run by ``mutualaid calibrate`` with the experiment's runs, so
    the calibration report shows them against their band (sim/experiments/trial.py).
    The interventions are those of sim.experiments.trial.ELIGIBILITY, spelled out here
    because this module imports no model (a test keeps the two equal)."""

    scenario: str = Field(description="The experiment's scenario (its name) whose residents the trials randomize")
    interventions: list[Literal["activities", "targeted_support", "professional_services"]] = Field(
        min_length=1, description="The interventions trialled, one trial each"
    )
    replicates: int = Field(8, ge=2, le=1000, description="Independent trials of each intervention, one seed each")
    root_seed: int = Field(1, ge=0, description="Root seed of the trials' replicate seeds")


class NoDesign(Block):
    """No design: each scenario runs as it is."""

    kind: Literal["none"]


class GridDesign(Block):
    """Full factorial: every combination of the levels of every parameter."""

    kind: Literal["grid"]
    levels: dict[str, Annotated[list[Scalar], Field(min_length=1)]] = Field(
        min_length=1, description="Levels of each parameter"
    )

    @model_validator(mode="before")
    @classmethod
    def _dotted_paths(cls, data: Any) -> Any:
        return _flatten_fields(data, "levels")

    @field_validator("levels")
    @classmethod
    def _levels_once(cls, levels: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """A level given twice would run every point that has it twice, as two design
        points with the same values: replicates are the way to repeat runs."""
        for name, values in levels.items():
            seen: list[Any] = []
            for value in values:
                key = (isinstance(value, bool), value)  # 1 and 1.0 are one level; True is not 1
                if key in seen:
                    raise ValueError(
                        f"{name}: the level {value!r} is given more than once (to repeat runs, raise replicates)"
                    )
                seen.append(key)
        return levels


class RowsDesign(Block):
    """Explicit rows: one design point per row, values in the order of ``parameters``."""

    kind: Literal["rows"]
    parameters: list[str] = Field(min_length=1, description="Parameter paths, in the order of each row's values")
    rows: list[list[Scalar]] = Field(min_length=1, description="One list of values per design point")


Bounds = Annotated[list[float], Field(min_length=2, max_length=2)]


class BoundedDesign(Block):
    """Base of the sampled designs: each parameter varies between [low, high]."""

    bounds: dict[str, Bounds] = Field(min_length=1, description="[low, high] of each parameter")
    seed: int | None = Field(None, ge=0, description="Seed of the design sampler (default: root_seed)")

    @model_validator(mode="before")
    @classmethod
    def _dotted_paths(cls, data: Any) -> Any:
        return _flatten_fields(data, "bounds")


class LatinHypercubeDesign(BoundedDesign):
    """Latin hypercube (scipy.stats.qmc): ``n`` points, one in each of ``n`` equal
    strata of every parameter."""

    kind: Literal["lhs"]
    n: int = Field(ge=1, description="Number of design points")


class SobolDesign(BoundedDesign):
    """Saltelli's scheme for Sobol' indices (SALib.sample.sobol): N·(2D+2) points with
    second-order indices, N·(D+2) without."""

    kind: Literal["sobol"]
    N: int = Field(ge=1, description="Base sample size, a power of 2")
    calc_second_order: bool = True

    @field_validator("N")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise ValueError("must be a power of 2 (Sobol' sequences are balanced only then)")
        return value


class MorrisDesign(BoundedDesign):
    """Morris elementary-effects trajectories (SALib.sample.morris): trajectories·(D+1)
    points on a grid of ``levels`` levels."""

    kind: Literal["morris"]
    trajectories: int = Field(ge=2, description="Number of trajectories (SALib's N)")
    levels: int = Field(4, ge=2, description="Grid levels p, even (SALib's num_levels)")

    @field_validator("levels")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("must be even (an odd number of levels biases the sample)")
        return value


def _flatten_fields(data: Any, field: str) -> Any:
    if isinstance(data, dict) and isinstance(data.get(field), dict):
        return {**data, field: _flatten_tables(data[field])}
    return data


Design = Annotated[
    NoDesign | GridDesign | RowsDesign | LatinHypercubeDesign | SobolDesign | MorrisDesign,
    Field(discriminator="kind"),
]
DESIGN_MODELS: dict[str, type[BaseModel]] = {
    "none": NoDesign,
    "grid": GridDesign,
    "rows": RowsDesign,
    "lhs": LatinHypercubeDesign,
    "sobol": SobolDesign,
    "morris": MorrisDesign,
}


class ExperimentFile(Block):
    """An experiment file as written (paths unresolved, design not yet sampled)."""

    name: str = Field(description="Name of the experiment; the default results folder is results/<name>")
    description: str = ""
    scenarios: list[ScenarioEntry] = Field(min_length=1)
    reference: str | None = Field(
        None, description="Scenario that paired differences are taken from (default: the first)"
    )
    design: Design = Field(default_factory=lambda: NoDesign(kind="none"))
    replicates: int = Field(1, ge=1, le=1_000_000)
    root_seed: int = Field(1, ge=0)
    weeks: int | None = Field(None, ge=1, description="Overrides the scenarios' simulation.weeks")
    residents: int | None = Field(None, ge=1, description="Overrides the scenarios' community.residents")
    store: Store = Field(default_factory=Store)
    trials: Trials | None = Field(None, description="In-silico trials run by `mutualaid calibrate` (docs/trials.md)")

    _name = field_validator("name")(_check_name)

    @field_validator("scenarios")
    @classmethod
    def _named_once(cls, scenarios: list[ScenarioEntry]) -> list[ScenarioEntry]:
        names = [s.name for s in scenarios]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"scenario names must be unique; named more than once: {', '.join(twice)}")
        return scenarios

    @field_validator("trials")
    @classmethod
    def _trials_on_a_scenario_of_the_experiment(cls, trials: Trials | None, info: ValidationInfo) -> Trials | None:
        names = [s.name for s in info.data.get("scenarios", [])]
        if trials is not None and names and trials.scenario not in names:
            raise ValueError(
                f"scenario {trials.scenario!r} is not one of the experiment's scenarios ({', '.join(names)})"
            )
        return trials

    @property
    def reference_name(self) -> str:
        return self.reference if self.reference is not None else self.scenarios[0].name


# -- errors --------------------------------------------------------------------------


def _model_at(loc: tuple[Any, ...], design_kind: str | None) -> type[BaseModel] | None:
    model: type[BaseModel] | None = ExperimentFile
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        if model is ExperimentFile and part == "design":
            model = DESIGN_MODELS.get(design_kind or "")
        else:
            model = block_of(model.model_fields[part].annotation)
    return model


def format_experiment_errors(source: str, exc: ValidationError) -> list[str]:
    """One line per problem, ``source: field.path: message``, saying what is allowed.

    The design is a union tagged by ``kind``; pydantic puts the tag in the error's
    location, which is not a path of the file, so it is taken out here."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = None
        if len(loc) >= 2 and loc[0] == "design" and loc[1] in DESIGN_KINDS:
            kind = loc[1]
            loc = (loc[0], *loc[2:])
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            model = _model_at(loc[:-1], kind)
            allowed = ", ".join(model.model_fields) if model is not None else "see docs/experiments.md"
            msg = f"unknown key (allowed here: {allowed})"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = "design.kind"
            got = err.get("ctx", {}).get("tag")
            msg = f"must be one of {', '.join(DESIGN_KINDS)}" + (f" (got {got!r})" if got is not None else " (missing)")
        elif "input" in err and err["type"] != "missing" and not isinstance(err["input"], (dict, list)):
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"{source}: {path}: {msg}")
    return lines


def read_experiment_file(path: Path) -> ExperimentFile:
    """Read and validate an experiment file's own structure."""
    data = read_toml(path)
    if data.get("design") == {}:
        data["design"] = {"kind": "none"}
    try:
        return ExperimentFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_experiment_errors(str(path), exc)) from None


# -- scenario parameters -------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A scenario parameter a design varies: its path, type and allowed range."""

    path: str
    kind: Literal["integer", "real", "other"]
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def range_text(self) -> str:
        lo = "-∞" if self.low is None else f"{self.low:g}"
        hi = "∞" if self.high is None else f"{self.high:g}"
        return (
            ("(" if self.low_open or self.low is None else "[")
            + f"{lo}, {hi}"
            + (")" if self.high_open or self.high is None else "]")
        )

    def admits(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return False
        return True


def scenario_parameter(path: str) -> Parameter:
    """Look up a dotted parameter path in the scenario schema (:func:`sim.core.params.schema_fields`).

    Raises ``ValueError`` with the message to show (and the nearest valid paths) when
    the path is not a parameter."""
    fields = {f.path: f for f in schema_fields()}
    found = fields.get(path)
    if found is None:
        if path in schema_blocks():
            raise ValueError(f"{path!r} is a block of parameters, not a parameter; name one of its fields")
        close = difflib.get_close_matches(path, list(fields), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; see docs/parameters.md"
        raise ValueError(f"unknown parameter {path!r} (not a field of the scenario schema{hint})")
    annotation = found.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is Union:
        numeric = [a for a in typing.get_args(annotation) if a in (int, float)]
        annotation = numeric[0] if len(numeric) == 1 else annotation
    if annotation is bool or annotation not in (int, float):
        return Parameter(path, "other")
    return Parameter(
        path,
        "integer" if annotation is int else "real",
        None if found.low is None else float(found.low),
        None if found.high is None else float(found.high),
        found.low_open,
        found.high_open,
    )
