"""Reading a sweep's results folder for a report (format: docs/experiments.md).

The report reads ``manifest.json`` (the resolved experiment, its design and SALib
problem, provenance), ``runs.parquet`` (one row per planned run with its status and
per-run metrics) and, when the experiment kept them, the weekly metrics of
``weekly.parquet``. It never writes into these files.

A folder that is not a results folder, or holds no successful run, is refused with
:class:`ReportError`: one line saying what is wrong, which the command line prints
with exit status 2.
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
from sim.report.readable import describe_point
from sim.scenario import ScenarioError

SWEEP_FORMAT = "mutualaid-sweep/1"


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
        available = set(pq.read_schema(path).names)
        columns = ["run_id", "scenario", "point", "replicate", "week", *(m for m in metrics if m in available)]
        if self._weekly is None or not set(columns) <= set(self._weekly.columns):
            self._weekly = pd.read_parquet(path, columns=list(dict.fromkeys(columns)))
        return self._weekly[list(dict.fromkeys(columns))]

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


def load_results(path: str | Path) -> Results:
    """Open a results folder; :class:`ReportError` if it cannot be reported on."""
    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"{path}: no such folder (give the results folder of `mutualaid sweep`)")
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise ReportError(f"{path}: not a results folder of `mutualaid sweep` (it has no manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{manifest_path}: cannot be read as JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != SWEEP_FORMAT or "experiment" not in manifest:
        got = manifest.get("format") if isinstance(manifest, dict) else None
        raise ReportError(f"{manifest_path}: not a sweep manifest of format {SWEEP_FORMAT} (format: {got!r})")
    runs_path = path / "runs.parquet"
    if not runs_path.is_file():
        raise ReportError(f"{path}: has no runs.parquet; rebuild it with `mutualaid sweep EXPERIMENT --out {path} --resume`")
    try:
        runs = pd.read_parquet(runs_path)
    except (OSError, pa.ArrowException) as exc:
        raise ReportError(f"{runs_path}: cannot be read ({exc})") from None
    floats = runs.select_dtypes("float").columns
    runs[floats] = runs[floats].replace([np.inf, -np.inf], np.nan)
    results = Results(path, manifest, runs)
    counts = results.counts()
    if counts["ok"] == 0:
        raise ReportError(f"{path}: no successful runs ({counts['failed']} failed, {counts['pending']} pending of "
                          f"{len(runs)}); nothing to report")
    return results
