"""The runs an analysis of an experiment reads, wherever they come from.

``mutualaid calibrate`` and ``mutualaid patterns`` analyse the runs of an experiment:
those of a sweep's results folder (``runs.parquet`` and the manifest), or those of an
experiment (or a one-scenario experiment) run here through the sweep loop
(:func:`sim.experiments.execute.run_sweep`, the one run loop) and kept in memory. Both
give the same table: one row per planned run with its scenario, design point,
parameters, replicate, seed, status and summary, the measures of the run's probes
included (``<probe>.<key>``), so the analyses do not care which it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.inputs.scenario import ScenarioError

if TYPE_CHECKING:  # the analyses of a results folder need not import the model
    from sim.experiments.plan import Experiment


@dataclass
class AnalysedRuns:
    """An experiment's runs with what an analysis needs to know about the experiment."""

    name: str
    source: str
    """Where the runs come from (a results folder or an experiment file), for messages."""
    scenarios: list[str]
    reference: str
    scenario_dumps: dict[str, dict[str, Any]]
    parameters: list[str]
    replicates: int
    root_seed: int
    runs: pd.DataFrame
    commands: list[str] = field(default_factory=list)
    """The commands that made the runs (a sweep's), for the reports' headers."""

    def ok(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"]

    @property
    def failed(self) -> int:
        return int((self.runs["status"] != "ok").sum())

    def description(self) -> str:
        return f"experiment {self.name}, {self.replicates} replicates from root seed {self.root_seed}"

    def require_probe(self, probe: str, columns: list[str]) -> None:
        """Refuse runs that were made without the probe an analysis reads."""
        missing = [c for c in columns if c not in self.runs.columns]
        if missing or self.ok()[columns].isna().all().all():
            raise ScenarioError(
                [
                    f"{self.source}: the runs have no {probe} measures ({', '.join(columns[:2])}, …): sweep an "
                    f'experiment whose [store] probes include "{probe}", such as experiments/{probe}.toml'
                ]
            )

    def require_weeks(self, minimum: int, why: str) -> None:
        """Refuse scenarios whose runs are too short for an analysis."""
        for name in self.scenarios:
            weeks = self.scenario_dumps[name]["simulation"]["weeks"]
            if weeks < minimum:
                raise ScenarioError(
                    [
                        f"{self.source}: scenario {name!r}: simulation.weeks: {why}, so it needs at least "
                        f"{minimum}, got {weeks}"
                    ]
                )

    def groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The successful runs of each scenario (in the experiment's order) and design
        point, labelled by the scenario (and the point's values when there are several)."""
        ok = self.ok()
        points = sorted(self.runs["point"].unique())
        out = []
        for name in self.scenarios:
            for point in points:
                rows = ok[(ok["scenario"] == name) & (ok["point"] == point)]
                label = name
                if len(points) > 1:
                    first = self.runs[self.runs["point"] == point].iloc[0]
                    label += " (" + ", ".join(f"{p}={first[p]!r}" for p in self.parameters) + ")"
                if rows.empty:
                    raise ScenarioError([f"{self.source}: {label}: no successful run to analyse"])
                out.append((label, rows.to_dict("records")))
        return out


def runs_of_folder(path: str | Path) -> AnalysedRuns:
    """The runs of a sweep's results folder (:class:`ScenarioError` if it is not one)."""
    from sim.report.results import load_results

    results = load_results(path)
    if results.single_run:
        raise ScenarioError(
            [f"{path}: is the folder of one `mutualaid run`; give the results folder of `mutualaid sweep`"]
        )
    experiment = results.experiment
    return AnalysedRuns(
        name=experiment["name"],
        source=str(path),
        scenarios=[entry["name"] for entry in experiment["scenarios"]],
        reference=experiment["reference"],
        scenario_dumps={entry["name"]: entry["scenario"] for entry in experiment["scenarios"]},
        parameters=list(experiment["design"]["parameters"]),
        replicates=int(experiment["replicates"]),
        root_seed=int(experiment["root_seed"]),
        runs=results.runs,
        commands=[" ".join(results.manifest["provenance"]["command"])],
    )


def runs_of_experiment(
    experiment: Experiment, workers: int = 1, on_done: Callable[[bool], None] | None = None
) -> AnalysedRuns:
    """Every run of ``experiment`` made through the sweep loop on ``workers`` processes
    (1: in this process) and kept in memory. ``on_done(failed)`` is called as each run
    finishes, for a progress report."""
    from sim.experiments.execute import RunOutcome, open_pool, run_sweep

    rows: dict[str, dict[str, Any]] = {}

    def record(outcome: RunOutcome) -> None:
        run = outcome.run
        rows[run.run_id] = {
            "run_id": run.run_id,
            "scenario": run.scenario,
            "point": run.point,
            **run.parameters,
            "replicate": run.replicate,
            "seed": run.seed,
            "status": outcome.status,
            "error": outcome.error,
            **outcome.summary,
        }

    def done(outcome: RunOutcome | None) -> None:
        if on_done is not None:
            on_done(outcome is None or outcome.status != "ok")

    with open_pool(workers, None, scheduler_timeout=0) as pool:
        run_sweep(experiment, experiment.runs, pool, record, done)
    table = pd.DataFrame(
        [
            rows.get(run.run_id, {"run_id": run.run_id, "scenario": run.scenario, "point": run.point, "status": "lost"})
            for run in experiment.runs
        ]
    )
    return AnalysedRuns(
        name=experiment.name,
        source=str(experiment.path),
        scenarios=[entry.name for entry in experiment.spec.scenarios],
        reference=experiment.reference,
        scenario_dumps=experiment.scenario_dumps,
        parameters=experiment.parameter_names,
        replicates=experiment.spec.replicates,
        root_seed=experiment.spec.root_seed,
        runs=table,
    )
