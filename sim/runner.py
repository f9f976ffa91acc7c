"""Running one scenario and writing its results with their provenance."""

from __future__ import annotations

import hashlib
import json
import math
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import pandas as pd

import sim
from sim.metrics import sustainability
from sim.model import CommunityModel
from sim.params import Scenario
from sim.submodels.observation import METRICS

DEPENDENCIES = ("mesa", "numpy", "numba", "llvmlite", "scipy", "networkx", "pandas", "pyarrow", "pydantic", "matplotlib",
                "SALib")


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


def simulate(scenario: Scenario, seed: int | None = None, weeks: int | None = None,
             progress: Callable[[int], None] | None = None) -> tuple[CommunityModel, RunResult]:
    """Run one replicate; return the final model and the result."""
    seed = scenario.simulation.seed if seed is None else int(seed)
    weeks = scenario.simulation.weeks if weeks is None else int(weeks)
    model = CommunityModel(scenario, rng=seed)
    model.run(weeks, progress=progress)
    weekly = pd.DataFrame.from_records(model.records, columns=list(METRICS))
    summary = sustainability(weekly, ended_interventions(model, weeks))
    return model, RunResult(scenario, seed, weekly, summary)


def run_scenario(scenario: Scenario, seed: int | None = None, weeks: int | None = None,
                 progress: Callable[[int], None] | None = None) -> RunResult:
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
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, timeout=5).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")


def provenance(command: list[str] | None = None) -> dict[str, Any]:
    """What produced a result: versions, git commit, command line, time."""
    return {
        "versions": versions(),
        "git_commit": git_commit(),
        "command": command if command is not None else sys.argv,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def input_files(scenario: Scenario) -> dict[str, str]:
    """SHA-256 of the survey data files a scenario reads, so results name their inputs."""
    out = {}
    for path in (scenario.community.residents_file, scenario.community.edges_file):
        if path is not None:
            out[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return out


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def write_run(result: RunResult, out_dir: Path, command: list[str] | None = None) -> dict[str, Path]:
    """Write weekly.parquet, weekly.csv and summary.json into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "parquet": out_dir / "weekly.parquet",
        "csv": out_dir / "weekly.csv",
        "summary": out_dir / "summary.json",
    }
    result.weekly.to_parquet(paths["parquet"], index=False)
    result.weekly.to_csv(paths["csv"], index=False)
    summary = {
        "scenario_name": result.scenario.name,
        "input_files": input_files(result.scenario),
        "seed": result.seed,
        "weeks": int(len(result.weekly)),
        "sustainability": _json_safe(result.summary),
        "scenario": result.scenario.model_dump(mode="json"),
        "provenance": provenance(command),
    }
    paths["summary"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths
