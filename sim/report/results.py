"""Reading a sweep's results folder for a report (format: docs/experiments.md).

The report reads ``manifest.json`` (the resolved experiment, its design and SALib
problem, provenance), ``runs.parquet`` (one row per planned run with its status and
per-run metrics) and, when the experiment kept them, the weekly metrics of
``weekly.parquet``. It never writes into these files.

The folder of a single run (``mutualaid run``: ``summary.json`` and ``weekly.parquet``)
is read as an experiment of one scenario and one replicate (:func:`load_single_run`),
so the same report — time series, equity, cost, a table of its metrics — describes it.

A folder that is neither, holds no successful run, or whose files are damaged or lack
what the report needs is refused with :class:`ReportError`: one line naming the file
and what is wrong, which the command line prints with exit status 2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.summarise import SAMPLED_DESIGNS
from sim.inputs.scenario import ScenarioError
from sim.report.readable import describe_point
from sim.submodels.observation import METRICS

SWEEP_FORMAT = "mutualaid-sweep/1"
REQUIRED_KEYS = (
    "experiment.name",
    "experiment.reference",
    "experiment.replicates",
    "experiment.scenarios",
    "experiment.design.kind",
    "experiment.design.parameters",
    "experiment.design.points",
)
"""What of a sweep's manifest.json the report reads."""
RUN_COLUMNS = ("run_id", "scenario", "point", "replicate", "status")
TAGS = ("run_id", "scenario", "point", "replicate")
SINGLE_RUN_ID = "run"


class ReportError(ScenarioError):
    """The input of a report is not usable; the message says why, in one line."""

    def __init__(self, message: str):
        super().__init__([message])


@dataclass
class Results:
    """One sweep's results, as the report needs them."""

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    """Every planned run (``status`` ok, failed or pending) with its metrics; undefined
    values are NaN (results of older versions stored an infinite cost per met hour
    where money was spent and no help flowed; it is NaN here too), left out of means."""
    _weekly: pd.DataFrame | None = field(default=None, repr=False)
    single_run: bool = False
    """The folder of one ``mutualaid run``, not of a sweep."""

    @property
    def experiment(self) -> dict[str, Any]:
        return self.manifest["experiment"]

    @property
    def name(self) -> str:
        return self.experiment["name"]

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in the experiment's order."""
        return [entry["name"] for entry in self.experiment["scenarios"]]

    @property
    def reference(self) -> str:
        return self.experiment["reference"]

    @property
    def design(self) -> dict[str, Any]:
        return self.experiment["design"]

    @property
    def design_kind(self) -> str:
        return self.design["kind"]

    @property
    def parameters(self) -> list[str]:
        return list(self.design["parameters"])

    @property
    def points(self) -> list[dict[str, Any]]:
        return list(self.design["points"])

    @property
    def replicates(self) -> int:
        return int(self.experiment["replicates"])

    @property
    def sampled(self) -> bool:
        """A sampled design (Latin hypercube, Sobol', Morris): many points, for sensitivity
        analysis rather than for comparing scenarios point by point."""
        return self.design_kind in SAMPLED_DESIGNS

    @property
    def ok(self) -> pd.DataFrame:
        """The successful runs, sorted by scenario (experiment order), point and replicate."""
        ok = self.runs[self.runs["status"] == "ok"].copy()
        ok["scenario"] = pd.Categorical(ok["scenario"], categories=self.scenarios, ordered=True)
        ok = ok.sort_values(["scenario", "point", "replicate"], kind="stable")
        ok["scenario"] = ok["scenario"].astype(str)
        return ok.reset_index(drop=True)

    def has_weekly(self) -> bool:
        return (self.path / "weekly.parquet").is_file()

    def weekly(self, metrics: list[str]) -> pd.DataFrame:
        """The weekly rows of successful runs: tags, ``week`` and those of ``metrics``
        the folder holds (an older folder may lack newer metrics)."""
        path = self.path / "weekly.parquet"
        if self.single_run:
            assert self._weekly is not None, "a single run's table is read when it is loaded"
            available = set(self._weekly.columns)
        else:
            available = set(_schema(path).names)
        columns = list(dict.fromkeys([*TAGS, "week", *(m for m in metrics if m in available)]))
        if self._weekly is None or not set(columns) <= set(self._weekly.columns):
            self._weekly = _read_parquet(path, columns)
        return self._weekly[columns]

    def counts(self) -> dict[str, int]:
        statuses = self.runs["status"].value_counts()
        return {status: int(statuses.get(status, 0)) for status in ("ok", "failed", "pending")}

    def undefined_cost_runs(self) -> int:
        """Successful runs that spent money while no help flowed: their cost per met hour
        is undefined."""
        ok = self.ok
        if "cost_per_met_hour" not in ok.columns:
            return 0
        spent = pd.to_numeric(ok["budget_spent"], errors="coerce") > 0
        return int((spent & pd.to_numeric(ok["cost_per_met_hour"], errors="coerce").isna()).sum())

    def point_text(self, point: int) -> str:
        """``name=value, …`` of a design point."""
        return describe_point(self.parameters, self.points[point])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise ReportError(f"{path}: cannot be read as Parquet ({_first_line(exc)}); the file is damaged") from None


def _read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise ReportError(f"{path}: cannot be read as Parquet ({_first_line(exc)}); the file is damaged") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: cannot be read as JSON ({_first_line(exc)})") from None


def _missing_keys(data: Any, keys: tuple[str, ...]) -> list[str]:
    """The dotted ``keys`` that ``data`` lacks."""
    missing = []
    for key in keys:
        node = data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                missing.append(key)
                break
            node = node[part]
    return missing


def _without_infinities(runs: pd.DataFrame) -> pd.DataFrame:
    floats = runs.select_dtypes("float").columns
    runs[floats] = runs[floats].replace([np.inf, -np.inf], np.nan)
    return runs


def load_results(path: str | Path) -> Results:
    """Open a results folder (of a sweep or of one run); :class:`ReportError` if it
    cannot be reported on."""
    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"{path}: no such folder (give the results folder of `mutualaid sweep` or `mutualaid run`)")
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        if (path / "summary.json").is_file():
            return load_single_run(path)
        raise ReportError(
            f"{path}: not a results folder of `mutualaid sweep` (it has no manifest.json) nor of "
            f"`mutualaid run` (no summary.json)"
        )
    manifest = _read_json(manifest_path)
    if not isinstance(manifest, dict) or manifest.get("format") != SWEEP_FORMAT or "experiment" not in manifest:
        got = manifest.get("format") if isinstance(manifest, dict) else None
        raise ReportError(f"{manifest_path}: not a sweep manifest of format {SWEEP_FORMAT} (format: {got!r})")
    missing = _missing_keys(manifest, REQUIRED_KEYS)
    if missing or not all(isinstance(s, dict) and "name" in s for s in manifest["experiment"]["scenarios"]):
        what = ", ".join(missing) if missing else "experiment.scenarios[].name"
        raise ReportError(
            f"{manifest_path}: incomplete manifest, missing {what}; rebuild the folder with "
            f"`mutualaid sweep EXPERIMENT --out {path} --resume`"
        )
    runs_path = path / "runs.parquet"
    if not runs_path.is_file():
        raise ReportError(
            f"{path}: has no runs.parquet; rebuild it with `mutualaid sweep EXPERIMENT --out {path} --resume`"
        )
    runs = _read_parquet(runs_path)
    lacking = [c for c in RUN_COLUMNS if c not in runs.columns]
    if lacking:
        raise ReportError(
            f"{runs_path}: lacks the column(s) {', '.join(lacking)}; rebuild it with "
            f"`mutualaid sweep EXPERIMENT --out {path} --resume`"
        )
    if (path / "weekly.parquet").is_file():
        _schema(path / "weekly.parquet")
    results = Results(path, manifest, _without_infinities(runs))
    return _with_successful_runs(results)


def load_single_run(path: Path) -> Results:
    """The folder of one ``mutualaid run`` as the results of an experiment of one
    scenario and one replicate (design point 0, run id ``run``)."""
    summary_path, weekly_path = path / "summary.json", path / "weekly.parquet"
    summary = _read_json(summary_path)
    missing = _missing_keys(summary, ("scenario_name", "sustainability"))
    if missing:
        raise ReportError(f"{summary_path}: not the summary of `mutualaid run` (missing {', '.join(missing)})")
    if not weekly_path.is_file():
        raise ReportError(f"{path}: has summary.json but no weekly.parquet; rerun `mutualaid run` into it")
    weekly = _read_parquet(weekly_path)
    lacking = [m for m in ("week", "active_share") if m not in weekly.columns]
    if lacking or not set(weekly.columns) <= set(METRICS):
        raise ReportError(
            f"{weekly_path}: not the weekly table of `mutualaid run` (columns: {', '.join(list(weekly.columns)[:6])}…)"
        )
    name = str(summary["scenario_name"])
    tags = {"run_id": SINGLE_RUN_ID, "scenario": name, "point": 0, "replicate": 0}
    runs = pd.DataFrame([{**tags, "seed": summary.get("seed"), "status": "ok", **summary["sustainability"]}])
    for column, value in reversed(tags.items()):
        weekly.insert(0, column, value)
    experiment = {
        "name": name,
        "description": f"one run of {summary.get('scenario', {}).get('description') or name}",
        "reference": name,
        "replicates": 1,
        "seeds": [summary.get("seed")],
        "weeks": summary.get("weeks"),
        "scenarios": [{"name": name, "scenario": summary.get("scenario"), "input_files": summary.get("input_files")}],
        "design": {"kind": "none", "parameters": [], "points": [{}], "problem": None},
    }
    manifest = {"format": "mutualaid-run", "experiment": experiment, "provenance": summary.get("provenance", {})}
    return _with_successful_runs(Results(path, manifest, _without_infinities(runs), weekly, single_run=True))


def _with_successful_runs(results: Results) -> Results:
    path, runs = results.path, results.runs
    counts = results.counts()
    if counts["ok"] == 0:
        raise ReportError(
            f"{path}: no successful runs ({counts['failed']} failed, {counts['pending']} pending of "
            f"{len(runs)}); nothing to report"
        )
    return results
