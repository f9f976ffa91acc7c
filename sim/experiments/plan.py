"""Resolving an experiment file into the runs it asks for.

Scenarios are read (``extends`` merged, ``set`` overrides and the experiment's
``weeks``/``residents`` applied) and validated; the design's parameters are looked up
in the scenario schema and its bounds checked against their ranges; the design is
sampled and crossed with the scenarios; every (scenario, design point) is validated
before anything runs, so a bad experiment fails at once with exit status 2.

Seeds (common random numbers): one root seed; the seed of replicate ``k`` is drawn
from child ``k`` of ``numpy.random.SeedSequence(root_seed).spawn(replicates)`` and is
the same for every scenario and design point, so differences between scenarios are
paired by replicate and free of seed noise as far as the model's separate random
streams allow (sim/core/model.py). Children are prefix-stable: replicate ``k`` keeps its
seed whatever the number of replicates.

The run id ``<scenario>.p<point>.r<replicate>`` (zero-padded) is deterministic, so
a resumed sweep recognises the runs it already has.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.core.params import Scenario
from sim.experiments.design import Point, design_points
from sim.experiments.runner import input_files
from sim.experiments.schema import (
    RUN_COST,
    ExperimentFile,
    GridDesign,
    LatinHypercubeDesign,
    Limits,
    MorrisDesign,
    Parameter,
    RowsDesign,
    SobolDesign,
    read_experiment_file,
    scenario_parameter,
)
from sim.inputs.scenario import (
    DATA_FILES,
    ScenarioError,
    apply_sandboxed_overrides,
    check_survey,
    format_validation_error,
    resolve_extends,
    sandboxed,
    set_value,
    validate_data,
)

MAX_POINT_PROBLEMS = 12
SEEDED_BY_EXPERIMENT = "simulation.seed"
SURVEY_PATHS = tuple(f"community.{name}" for name in DATA_FILES)


@dataclass(frozen=True)
class RunSize:
    """How much simulating a set of runs is: runs, simulated weeks (burn-in included)
    and resident-weeks, each summed over the runs."""

    runs: int
    weeks: int
    resident_weeks: int

    @property
    def estimated_seconds(self) -> float:
        """Model time on one worker at :data:`~sim.experiments.schema.RUN_COST`."""
        return (
            self.runs * RUN_COST["run"]
            + self.weeks * RUN_COST["week"]
            + self.resident_weeks * RUN_COST["resident_week"]
        )

    def share(self, fraction: float) -> RunSize:
        """This size scaled (the runs left to do of a resumed sweep, say)."""
        return RunSize(round(self.runs * fraction), round(self.weeks * fraction), round(self.resident_weeks * fraction))


def format_hours(seconds: float) -> str:
    """A duration for the size messages: seconds, minutes, hours or days."""
    for unit, size in (("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{seconds:.1f} seconds" if seconds < 10 else f"{seconds:.0f} seconds"


@dataclass(frozen=True)
class PlannedRun:
    """One run of the experiment: a scenario at a design point with a replicate's seed."""

    run_id: str
    scenario: str
    point: int
    parameters: dict[str, Any]
    replicate: int
    seed: int

    def as_record(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "scenario": self.scenario,
            "point": self.point,
            "parameters": self.parameters,
            "replicate": self.replicate,
            "seed": self.seed,
        }


@dataclass
class Experiment:
    """A resolved experiment: validated scenarios, design points, seeds and runs."""

    path: Path
    spec: ExperimentFile
    scenario_tables: dict[str, dict[str, Any]]
    scenario_dumps: dict[str, dict[str, Any]]
    input_files: dict[str, dict[str, str]]
    parameters: list[Parameter]
    points: list[Point]
    problem: dict[str, Any] | None
    seeds: list[int]
    runs: list[PlannedRun] = field(default_factory=list)
    size: RunSize = field(default_factory=lambda: RunSize(0, 0, 0))
    """Runs, simulated weeks and resident-weeks summed over the runs (upper bounds
    where the design varies the size): what the time estimate is made of."""
    data_roots: tuple[Path, ...] = ()
    """Folders besides the experiment file's own whose files may be survey data
    (``--data-root``)."""

    @property
    def resident_weeks(self) -> int:
        return self.size.resident_weeks

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def reference(self) -> str:
        return self.spec.reference_name

    @property
    def parameter_names(self) -> list[str]:
        return [p.path for p in self.parameters]

    def scenario_for(self, run: PlannedRun) -> Scenario:
        """The validated scenario of one run (design values and seed applied)."""
        point = anchored(run.parameters, self.path.parent, self.data_roots)
        data = with_point(self.scenario_tables[run.scenario], point)
        set_value(data, SEEDED_BY_EXPERIMENT, run.seed)
        scenario = validate_data(data, f"{self.path}: run {run.run_id}")
        return check_survey(scenario) if any(name in point for name in SURVEY_PATHS) else scenario

    def resolved(self) -> dict[str, Any]:
        """The experiment as resolved, for the manifest (JSON-ready; a copy)."""
        spec = self.spec
        return copy.deepcopy(
            {
                "name": spec.name,
                "description": spec.description,
                "file": str(self.path),
                "reference": self.reference,
                "replicates": spec.replicates,
                "root_seed": spec.root_seed,
                "seeds": self.seeds,
                "weeks": spec.weeks,
                "residents": spec.residents,
                # without probes the store is dumped as before they existed, so a
                # results folder of an earlier version keeps its fingerprint
                "store": spec.store.model_dump(exclude=set() if spec.store.probes else {"probes"}),
                "scenarios": [
                    {
                        "name": s.name,
                        "file": s.file,
                        "set": s.set,
                        "scenario": self.scenario_dumps[s.name],
                        "input_files": self.input_files[s.name],
                    }
                    for s in spec.scenarios
                ],
                "design": {
                    **spec.design.model_dump(),
                    "parameters": self.parameter_names,
                    "points": self.points,
                    "problem": self.problem,
                },
            }
        )

    def fingerprint(self) -> str:
        """Hash of everything that determines the runs' results (not the description
        or where the files are), to tell whether a results folder is this experiment's.
        Survey files count by their content hashes, not their paths."""
        resolved = self.resolved()
        for key in ("description", "file"):
            resolved.pop(key)
        for entry in resolved["scenarios"]:
            entry.pop("file")
            entry["input_files"] = sorted(entry["input_files"].values())
            for key in DATA_FILES:
                entry["scenario"]["community"][key] = None
        resolved["runs"] = [r.as_record() for r in self.runs]
        text = json.dumps(resolved, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def replicate_seeds(root_seed: int, replicates: int) -> list[int]:
    """The seed of each replicate (63 bits, so it fits a signed 64-bit column)."""
    children = np.random.SeedSequence(root_seed).spawn(replicates)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def run_id(scenario: str, point: int, replicate: int, n_points: int, replicates: int) -> str:
    return f"{scenario}.p{point:0{len(str(n_points - 1))}d}.r{replicate:0{len(str(replicates - 1))}d}"


def with_point(table: dict[str, Any], point: Point) -> dict[str, Any]:
    """A scenario table with a design point's values set."""
    data = copy.deepcopy(table)
    for path, value in point.items():
        set_value(data, path, value)
    return data


def anchored(point: Point, base: Path, data_roots: Sequence[Path] = ()) -> Point:
    """A design point whose survey file values (``community.residents_file``,
    ``community.edges_file``) are made absolute, relative to ``base`` (the experiment
    file's folder), as a scenario's own survey paths are relative to its file. They
    must lie in that folder's tree or under a data root (:func:`sim.inputs.scenario.sandboxed`,
    which raises :class:`ScenarioError` without opening the file otherwise)."""
    out = dict(point)
    for name in SURVEY_PATHS:
        value = out.get(name)
        if isinstance(value, str) and value:
            out[name] = sandboxed(value, base, data_roots, f"design {name}", "the experiment file's folder")
    return out


def _scenario_tables(
    path: Path, spec: ExperimentFile, problems: list[str], data_roots: Sequence[Path] = ()
) -> tuple[dict, dict, dict]:
    """Each scenario's table (file, set, weeks, residents), its validated dump and the
    hashes of the survey files it reads."""
    tables: dict[str, dict[str, Any]] = {}
    dumps: dict[str, dict[str, Any]] = {}
    inputs: dict[str, dict[str, str]] = {}
    for i, entry in enumerate(spec.scenarios):
        where = f"{path}: scenarios[{i}]"
        file = path.parent / entry.file
        if not file.is_file():
            problems.append(
                f"{where}.file: scenario file {entry.file!r} not found (looked for {file}; "
                f"paths are relative to the experiment file)"
            )
            continue
        try:
            data = resolve_extends(file, data_roots=data_roots)
        except ScenarioError as exc:
            problems.extend(f"{where} ({entry.name}): {line}" for line in exc.problems)
            continue
        try:
            data = apply_sandboxed_overrides(
                data, entry.set, path.parent, data_roots, f"{where}.set", "the experiment file's folder"
            )
        except ScenarioError as exc:
            problems.extend(f"{where}.set: {line.removeprefix('--set ')}" for line in exc.problems)
            continue
        source = f"{where} {entry.name!r} ({file}" + (" with its set overrides)" if entry.set else ")")
        try:
            for key, value in (("simulation.weeks", spec.weeks), ("community.residents", spec.residents)):
                if value is not None:
                    set_value(data, key, value, f"{source}: {key}")
            scenario = check_survey(validate_data(data, source))
        except ScenarioError as exc:
            problems.extend(
                line if line.startswith(str(path)) else f"{where} ({entry.name}): {line}" for line in exc.problems
            )
            continue
        survey = scenario.community.residents_file
        if survey is not None:
            if spec.residents is not None:
                problems.append(
                    f"{path}: residents: scenario {entry.name!r} takes its residents from the survey "
                    f"{survey}; drop the experiment's residents or use another scenario"
                )
                continue
            set_value(data, "community.residents", scenario.community.residents)
        tables[entry.name] = data
        dumps[entry.name] = scenario.model_dump(mode="json")
        inputs[entry.name] = input_files(scenario)
    return tables, dumps, inputs


def _design_parameters(path: Path, spec: ExperimentFile, problems: list[str]) -> list[Parameter]:
    """The design's parameters, in file order, looked up in the scenario schema."""
    design = spec.design
    if isinstance(design, GridDesign):
        named = [(f"design.levels.{name}", name) for name in design.levels]
    elif isinstance(design, RowsDesign):
        named = [(f"design.parameters[{i}]", name) for i, name in enumerate(design.parameters)]
        if len(set(design.parameters)) != len(design.parameters):
            problems.append(f"{path}: design.parameters: a parameter is named more than once")
        for i, row in enumerate(design.rows):
            if len(row) != len(design.parameters):
                problems.append(
                    f"{path}: design.rows[{i}]: has {len(row)} values for {len(design.parameters)} parameters"
                )
    elif isinstance(design, (LatinHypercubeDesign, SobolDesign, MorrisDesign)):
        named = [(f"design.bounds.{name}", name) for name in design.bounds]
    else:
        named = []
    set_by_experiment = {SEEDED_BY_EXPERIMENT: "the experiment's seeds (root_seed, replicates)"}
    if spec.weeks is not None:
        set_by_experiment["simulation.weeks"] = "the experiment's weeks"
    if spec.residents is not None:
        set_by_experiment["community.residents"] = "the experiment's residents"
    parameters = []
    for where, name in named:
        if name in set_by_experiment:
            problems.append(
                f"{path}: {where}: {name} is set by {set_by_experiment[name]}; it cannot also be a design parameter"
            )
            continue
        try:
            parameters.append(scenario_parameter(name))
        except ValueError as exc:
            problems.append(f"{path}: {where}: {exc}")
    return parameters


def _checked_bounds(
    path: Path, design: Any, parameters: list[Parameter], problems: list[str]
) -> dict[str, list[float]]:
    """The bounds of a sampled design, each checked against its parameter's type and range."""
    for param in parameters:
        low, high = design.bounds[param.path]
        where = f"{path}: design.bounds.{param.path}"
        if param.kind == "other":
            problems.append(
                f"{where}: only numeric parameters can be sampled between bounds "
                f"(use a grid or rows design for this one)"
            )
        elif not low < high:
            problems.append(f"{where}: low {low:g} must be below high {high:g}")
        elif not (param.admits(low) and param.admits(high)):
            problems.append(f"{where}: [{low:g}, {high:g}] is outside the parameter's range {param.range_text()}")
        elif param.kind == "integer" and not (float(low).is_integer() and float(high).is_integer()):
            problems.append(f"{where}: an integer parameter needs whole-number bounds, got [{low:g}, {high:g}]")
    return dict(design.bounds)


def _describe(point: Point) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in point.items())


def _scenario_problems(source: str, exc: ValidationError) -> list[str]:
    return [line.replace(": Value error, ", ": ") for line in format_validation_error(source, exc)]


def _invalid_points(
    path: Path, tables: dict[str, dict[str, Any]], checks: list[tuple[str, Point]], data_roots: Sequence[Path] = ()
) -> list[str]:
    """Validate every scenario with each (label, point) of ``checks``, as the scenario
    loader would: the schema, and the survey files a point names (each pair of files
    read once)."""
    found: list[str] = []
    surveys: dict[tuple[str | None, str | None], list[str]] = {}
    for where, point in checks:
        try:
            point = anchored(point, path.parent, data_roots)
        except ScenarioError as exc:
            found.extend(f"{path}: {where}: {line}" for line in exc.problems)
            continue
        for name, table in tables.items():
            try:
                scenario = Scenario.model_validate(with_point(table, point))
            except ValidationError as exc:
                found.extend(_scenario_problems(f"{path}: {where} in scenario {name!r}", exc))
                continue
            if not any(key in point for key in SURVEY_PATHS):
                continue
            files = (scenario.community.residents_file, scenario.community.edges_file)
            if files not in surveys:
                try:
                    check_survey(scenario)
                    surveys[files] = []
                except ScenarioError as exc:
                    surveys[files] = exc.problems
            found.extend(f"{path}: {where} in scenario {name!r}: {line}" for line in surveys[files])
    return found


def _check_points(
    path: Path,
    spec: ExperimentFile,
    tables: dict[str, dict[str, Any]],
    points: list[Point],
    problems: list[str],
    data_roots: Sequence[Path] = (),
) -> None:
    """Validate every scenario at every design point before anything runs.

    A grid's levels are checked one by one first, so a bad level is reported once,
    at its place in the file, rather than at every point that combines it."""
    design = spec.design
    found: list[str] = []
    if isinstance(design, GridDesign):
        found = _invalid_points(
            path,
            tables,
            [
                (f"design.levels.{name}[{i}] = {level!r}", {name: level})
                for name, levels in design.levels.items()
                for i, level in enumerate(levels)
            ],
            data_roots,
        )
    if not found:
        label = "design.rows[{j}]" if isinstance(design, RowsDesign) else "design point {j}"
        found = _invalid_points(
            path,
            tables,
            [(f"{label.format(j=j)} ({_describe(point)})", point) for j, point in enumerate(points) if point],
            data_roots,
        )
    if len(found) > MAX_POINT_PROBLEMS:
        found = found[:MAX_POINT_PROBLEMS] + [
            f"{path}: … and {len(found) - MAX_POINT_PROBLEMS} more problems with design points"
        ]
    problems.extend(found)


def planned_points(design: Any) -> int:
    """The number of points a design will have, from its definition alone (nothing is
    sampled): ∏ levels, the rows, ``n``, ``N·(2D+2)`` or ``N·(D+2)``, ``r·(D+1)``."""
    if isinstance(design, GridDesign):
        return math.prod(len(levels) for levels in design.levels.values())
    if isinstance(design, RowsDesign):
        return len(design.rows)
    if isinstance(design, LatinHypercubeDesign):
        return design.n
    if isinstance(design, SobolDesign):
        dimensions = len(design.bounds)
        return design.N * (2 * dimensions + 2 if design.calc_second_order else dimensions + 2)
    if isinstance(design, MorrisDesign):
        return design.trajectories * (len(design.bounds) + 1)
    return 1


def _largest(design: Any, name: str) -> float | None:
    """The largest number a design gives parameter ``name``; ``None`` if it does not vary it."""
    values: list[Any]
    if isinstance(design, GridDesign):
        values = design.levels.get(name, [])
    elif isinstance(design, RowsDesign):
        column = design.parameters.index(name) if name in design.parameters else None
        values = [] if column is None else [row[column] for row in design.rows if len(row) > column]
    elif isinstance(design, (LatinHypercubeDesign, SobolDesign, MorrisDesign)):
        values = design.bounds.get(name, [])[1:]
    else:
        values = []
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return max(numbers) if numbers else None


def _run_size(design: Any, scenario: dict[str, Any]) -> tuple[int, int]:
    """Residents and simulated weeks (burn-in included) of a scenario's largest run."""
    size = []
    for block, key in (("community", "residents"), ("simulation", "weeks"), ("simulation", "burn_in_weeks")):
        largest = _largest(design, f"{block}.{key}")
        size.append(int(scenario[block][key] if largest is None else largest))
    residents, weeks, burn_in = size
    return residents, weeks + burn_in


def _check_size(path: Path, spec: ExperimentFile, dumps: dict[str, dict[str, Any]], limits: Limits) -> RunSize:
    """Refuse a sweep over ``limits`` before its design is built; return its size (an
    upper bound where the design varies the size)."""
    points = planned_points(spec.design)
    per_scenario = [_run_size(spec.design, dump) for dump in dumps.values()]
    each = points * spec.replicates
    size = RunSize(
        len(spec.scenarios) * each,
        each * sum(weeks for _, weeks in per_scenario),
        each * sum(residents * weeks for residents, weeks in per_scenario),
    )
    shape = f"{len(spec.scenarios)} scenarios × {points:,} design points × {spec.replicates:,} replicates"
    estimate = f"about {format_hours(size.estimated_seconds)} of model time (docs/experiments.md, Size limits)"
    if size.runs > limits.runs:
        raise ScenarioError(
            [
                f"{path}: {size.runs:,} runs ({shape}), {estimate}: more than the limit of "
                f"{limits.runs:,} runs; shrink the design or the replicates, or raise the limit with "
                f"--max-runs"
            ]
        )
    if size.resident_weeks > limits.resident_weeks:
        residents, weeks = max(per_scenario, key=lambda rw: rw[0] * rw[1])
        raise ScenarioError(
            [
                f"{path}: {size.resident_weeks:,} resident-weeks ({size.runs:,} runs, the largest "
                f"{residents:,} residents × {weeks:,} weeks with burn-in), {estimate}: more than the "
                f"limit of {limits.resident_weeks:,}; use fewer runs, residents or weeks, or raise the "
                f"limit with --max-resident-weeks"
            ]
        )
    return size


def _survey_design_problems(
    path: Path, spec: ExperimentFile, tables: dict[str, dict[str, Any]], parameters: list[Parameter]
) -> list[str]:
    """A survey fixes the community's size: a design may not vary it there, nor may an
    experiment's ``residents`` be combined with a design over survey files."""
    varied = {p.path for p in parameters}
    problems = []
    if "community.residents" in varied:
        for name, table in tables.items():
            survey = table.get("community", {}).get("residents_file")
            if survey is not None:
                problems.append(
                    f"{path}: design: community.residents cannot vary in scenario {name!r}: its survey "
                    f"{survey} fixes the number of residents (one per surveyed resident)"
                )
    if spec.residents is not None and "community.residents_file" in varied:
        problems.append(
            f"{path}: residents: the design varies community.residents_file, and each survey fixes the "
            f"number of residents; drop the experiment's residents"
        )
    return problems


DEFAULT_LIMITS = Limits()


def load_experiment(
    path: str | Path,
    limits: Limits = DEFAULT_LIMITS,
    *,
    data_roots: Sequence[str | Path] = (),
    spec: ExperimentFile | None = None,
) -> Experiment:
    """Read, validate and resolve an experiment file; raise :class:`ScenarioError`
    with every problem found. A sweep larger than ``limits`` is refused before its
    design is sampled. Survey data files must lie beside the file that names them (a
    scenario, or the experiment for its ``set`` and design values) or under one of
    ``data_roots``. ``spec`` is the file as read, when the caller has changed it (the
    replicates or weeks of ``calibrate``)."""
    path = Path(path)
    roots = tuple(Path(root) for root in data_roots)
    spec = read_experiment_file(path) if spec is None else spec
    problems: list[str] = []
    names = [entry.name for entry in spec.scenarios]
    if spec.reference is not None and spec.reference not in names:
        problems.append(f"{path}: reference: {spec.reference!r} is not one of the scenarios ({', '.join(names)})")
    tables, dumps, inputs = _scenario_tables(path, spec, problems, roots)
    parameters = _design_parameters(path, spec, problems)
    problems.extend(_survey_design_problems(path, spec, tables, parameters))
    bounds = None
    if isinstance(spec.design, (LatinHypercubeDesign, SobolDesign, MorrisDesign)):
        bounds = _checked_bounds(path, spec.design, parameters, problems)
    if problems:
        raise ScenarioError(problems)
    size = _check_size(path, spec, dumps, limits)
    sampler_seed = getattr(spec.design, "seed", None)
    points, problem = design_points(
        spec.design, parameters, bounds, spec.root_seed if sampler_seed is None else sampler_seed
    )
    _check_points(path, spec, tables, points, problems, roots)
    if problems:
        raise ScenarioError(problems)
    for point in points:  # survey files named by the design are inputs too (hashed for the fingerprint)
        files = anchored(point, path.parent, roots)
        if any(key in files for key in SURVEY_PATHS):
            for name, table in tables.items():
                inputs[name].update(input_files(Scenario.model_validate(with_point(table, files))))
    seeds = replicate_seeds(spec.root_seed, spec.replicates)
    experiment = Experiment(
        path, spec, tables, dumps, inputs, parameters, points, problem, seeds, size=size, data_roots=roots
    )
    experiment.runs = [
        PlannedRun(run_id(entry.name, j, k, len(points), spec.replicates), entry.name, j, point, k, seeds[k])
        for entry in spec.scenarios
        for j, point in enumerate(points)
        for k in range(spec.replicates)
    ]
    return experiment


def scenario_experiment(
    scenario: Scenario, replicates: int, root_seed: int, *, probes: Sequence[str] = ()
) -> Experiment:
    """A one-scenario experiment of ``replicates`` runs of a validated scenario, with
    the sweep's seeds (:func:`replicate_seeds`) and summaries only, for the commands
    that analyse a scenario's replicates (``calibrate``)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", scenario.name).strip("_-") or "scenario"  # as an experiment names it
    spec = ExperimentFile.model_validate(
        {
            "name": name,
            "scenarios": [{"name": name, "file": scenario.name}],
            "replicates": replicates,
            "root_seed": root_seed,
            "store": {"weekly_every": 0, "probes": list(probes)},
        }
    )
    seeds = replicate_seeds(root_seed, replicates)
    dump = scenario.model_dump(mode="json")
    experiment = Experiment(
        Path(name), spec, {name: dump}, {name: dump}, {name: input_files(scenario)}, [], [{}], None, seeds
    )
    experiment.runs = [
        PlannedRun(run_id(name, 0, k, 1, replicates), name, 0, {}, k, seeds[k]) for k in range(replicates)
    ]
    return experiment
