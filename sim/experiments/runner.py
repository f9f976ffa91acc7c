"""Running one scenario and writing its results with their provenance.

Where results go: ``--out``, or ``results/<name>-seed<N>`` with the scenario's name
made a safe folder name (:func:`safe_filename`: a scenario file cannot make `run`
write outside ``results/``). A folder holding anything is written into only when the user
says ``--overwrite``, and a sweep's folder (it has ``manifest.json``) never. The
files are written under temporary names and renamed into place, ``summary.json``
last, so a failed write (a full disk) leaves no half-written result behind
(:func:`write_all_atomically`, which every writer of results uses: this module's
:func:`write_run`, the trials' and the sweep store's).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import math
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Protocol

import pandas as pd

import sim
from sim.core.metrics import sustainability
from sim.core.model import CommunityModel, read_survey
from sim.core.params import Scenario
from sim.inputs.scenario import MAX_DATA_BYTES, ScenarioError, read_regular_file
from sim.submodels.observation import METRICS

RESULT_FILES = {"parquet": "weekly.parquet", "csv": "weekly.csv", "summary": "summary.json"}
SWEEP_MARKER = "manifest.json"
TEMPORARY_PREFIX = ".tmp-"
"""Names of files being written start with it; a sweep's folder removes leftovers of a
killed process by it (sim/experiments/store.py)."""


class OutputError(ScenarioError):
    """The folder given for a run's results cannot take them; one line says why."""

    def __init__(self, message: str):
        super().__init__([message])


DEPENDENCIES = (
    "mesa",
    "numpy",
    "numba",
    "llvmlite",
    "scipy",
    "networkx",
    "pandas",
    "pyarrow",
    "pydantic",
    "matplotlib",
    "SALib",
)


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    weekly: pd.DataFrame
    summary: dict[str, Any]


def ended_interventions(model: CommunityModel, weeks: int) -> dict[str, tuple[int, int]]:
    """(start, end) of the interventions that stopped before the end of the run,
    whether by schedule or because their funding ran out."""
    return {name: span for name, span in model.governance.stopped_spans().items() if span[1] < weeks}


class Probe(Protocol):
    """What a named probe measures in a run, besides the weekly metrics: per-resident
    quantities the calibration and the pattern report need. :func:`simulate` calls
    ``start`` after the burn-in, ``week`` after every recorded week and ``result`` at
    the end; the result is stored with the run's summary as ``<probe>.<key>``."""

    def start(self, model: CommunityModel) -> None: ...

    def week(self, model: CommunityModel) -> None: ...

    def result(self, model: CommunityModel) -> dict[str, float]: ...


PROBES = {
    "calibration": "sim.experiments.calibration:CalibrationProbe",
    "patterns": "sim.experiments.patterns:PatternProbe",
    "tipping": "sim.experiments.tipping:TippingProbe",
}
"""The probes an experiment may ask for (``[store] probes``), by name: where each is
defined (imported when a run uses it, as those modules import this one)."""


def make_probe(name: str, weeks: int) -> Probe:
    """A fresh probe ``name`` for a run of ``weeks`` recorded weeks."""
    module, cls = PROBES[name].split(":")
    return getattr(importlib.import_module(module), cls)(weeks)


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    weeks: int | None = None,
    progress: Callable[[int], None] | None = None,
    probes: Sequence[str] = (),
    watch: Callable[[CommunityModel], None] | None = None,
) -> tuple[CommunityModel, RunResult]:
    """Run one replicate; return the final model and the result. This is the run loop
    of every command (``run``, ``sweep``, ``calibrate``, ``patterns``, ``trial``).

    ``probes`` name measures taken after the burn-in and every recorded week and stored
    with the run's summary. ``watch``, if given, is called with the model after the
    burn-in and after every recorded week, so an experiment can act on the running
    model between weeks and measure its residents (an in-silico trial randomizes and
    follows them up through it, sim/experiments/trial.py); without either the run is
    what it always was."""
    seed = scenario.simulation.seed if seed is None else int(seed)
    weeks = scenario.simulation.weeks if weeks is None else int(weeks)
    model = CommunityModel(scenario, rng=seed, survey=read_survey(scenario))
    watching = {name: make_probe(name, weeks) for name in probes}
    model.run(0)  # the burn-in
    for probe in watching.values():
        probe.start(model)
    if watch is not None:
        watch(model)

    def each_week(done: int) -> None:
        for probe in watching.values():
            probe.week(model)
        if watch is not None:
            watch(model)
        if progress is not None:
            progress(done)

    model.run(weeks, progress=each_week if watching or watch is not None else progress)
    weekly = pd.DataFrame.from_records(model.records, columns=list(METRICS))
    summary = sustainability(weekly, ended_interventions(model, weeks))
    for name, probe in watching.items():
        summary.update({f"{name}.{key}": value for key, value in probe.result(model).items()})
    return model, RunResult(scenario, seed, weekly, summary)


def run_scenario(
    scenario: Scenario, seed: int | None = None, weeks: int | None = None, progress: Callable[[int], None] | None = None
) -> RunResult:
    """Run one replicate; return the weekly table and the sustainability summary."""
    return simulate(scenario, seed, weeks, progress)[1]


def versions() -> dict[str, str]:
    """Versions of Python, this package and its dependencies."""
    out = {"python": sys.version.split()[0], "platform": platform.platform(), "mutualaid-sim": sim.__version__}
    for dist in DEPENDENCIES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def git_commit() -> str | None:
    """The commit of the source tree the package runs from, if it is a git checkout."""
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        timeout=5,
    ).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")


def provenance(command: list[str] | None = None) -> dict[str, Any]:
    """What produced a result: versions, git commit, command line, time."""
    return {
        "versions": versions(),
        "git_commit": git_commit(),
        "command": command if command is not None else sys.argv,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def input_files(scenario: Scenario) -> dict[str, str]:
    """SHA-256 of the survey data files a scenario reads, so results name their inputs."""
    out = {}
    for path in (scenario.community.residents_file, scenario.community.edges_file):
        if path is not None:
            out[path] = hashlib.sha256(read_regular_file(path, MAX_DATA_BYTES)).hexdigest()
    return out


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, ±infinity) replaced by ``None``, so
    JSON written from it is valid (no ``NaN``/``Infinity`` literals)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def safe_filename(name: str) -> str:
    """A file or folder name made of the scenario name's letters, digits, '-' and '_'
    (anything else becomes '_'), so a name never holds a separator or ``..``; the
    dashboard names its downloads by it too."""
    kept = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_")
    return kept or "scenario"


def default_out_dir(scenario: Scenario) -> Path:
    """``results/<safe name>-seed<N>``, relative to the working directory."""
    return Path("results") / f"{safe_filename(scenario.name)}-seed{scenario.simulation.seed}"


def check_out_dir(out_dir: Path, overwrite: bool = False) -> None:
    """Make sure ``out_dir`` can take a run's results, creating it; else :class:`OutputError`.

    Called before a run (so a long run is not wasted) and again by :func:`write_run`."""
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"{out_dir}: exists and is not a folder; --out names the folder for the results")
        if (out_dir / SWEEP_MARKER).exists():
            raise OutputError(
                f"{out_dir}: is a sweep's results folder (it has {SWEEP_MARKER}); `run` never writes "
                "into one: choose another --out"
            )
        if out_dir.is_dir() and not overwrite and any(out_dir.iterdir()):
            raise OutputError(
                f"{out_dir}: the folder is not empty (earlier results?); choose another --out, or "
                f"pass --overwrite to replace its {', '.join(RESULT_FILES.values())}"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test.{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the results there ({exc.strerror or exc})") from None


def temporary_path(path: Path) -> Path:
    """The hidden name ``path`` is written under before it is moved into place."""
    return path.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{path.name}")


def write_all_atomically(files: Mapping[Path, Callable[[IO[bytes]], object]]) -> None:
    """Write each file with its ``write(binary file object)`` under a temporary name
    beside it, flushed to disk (fsync), then move them into place in order with
    ``os.replace``, which is atomic: each file exists completely or not at all. If any
    write fails nothing is moved and the temporary files are removed, so a full disk
    leaves no half-written result. With several files the last one marks the set as
    complete (a run's summary.json): its old copy is removed before the first move, so
    a set replaced halfway never keeps a marker claiming the old set."""
    temporaries = {path: temporary_path(path) for path in files}
    try:
        for path, write in files.items():
            with open(temporaries[path], "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        paths = list(files)
        if len(paths) > 1:
            paths[-1].unlink(missing_ok=True)
        for path in paths:
            os.replace(temporaries[path], path)
    finally:
        for temporary in temporaries.values():
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """One file written as :func:`write_all_atomically` writes a set."""
    write_all_atomically({path: write})


def write_run(
    result: RunResult, out_dir: Path, command: list[str] | None = None, overwrite: bool = False
) -> dict[str, Path]:
    """Write weekly.parquet, weekly.csv and summary.json into ``out_dir`` (see the
    module docstring: checked, then written under temporary names and renamed)."""
    check_out_dir(out_dir, overwrite)
    paths = {key: out_dir / name for key, name in RESULT_FILES.items()}
    summary = {
        "scenario_name": result.scenario.name,
        "input_files": input_files(result.scenario),
        "seed": result.seed,
        "weeks": int(len(result.weekly)),
        "sustainability": json_safe(result.summary),
        "scenario": result.scenario.model_dump(mode="json"),
        "provenance": provenance(command),
    }
    text = json.dumps(json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    try:
        write_all_atomically(
            {
                paths["parquet"]: lambda handle: result.weekly.to_parquet(handle, index=False),
                paths["csv"]: lambda handle: handle.write(result.weekly.to_csv(index=False).encode("utf-8")),
                paths["summary"]: lambda handle: handle.write(text.encode("utf-8")),
            }
        )
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the results ({exc.strerror or exc})") from None
    return paths
