"""Assembling a report folder from a sweep's results folder.

``<results>/report-<lang>/`` (or ``<out>/report-<lang>/``) holds::

    README.md          index: what each file is, the experiment, both code versions, notes
    provenance.json    the resolved experiment, the sweep's provenance and sessions, the report's
    odd.md             the model description (copy of docs/odd.md)
    parameters.md      the parameter table (copy of docs/parameters.md)
    figures/           timeseries, forest, equity, cost, replicates; sobol-/morris-<scenario>
    tables/            summary.md (readable); sustainability, effects, replicates,
                       sensitivity-* (CSV + LaTeX); timeseries.csv and runs.csv (data)

Which sections appear depends on the experiment. Scenario comparisons (time series,
forest, equity, cost, replicates and their tables) are drawn for designs with few
points (none, grid, rows), once per design point, leaving out what would be empty (a
cost figure where nobody spends); Sobol' and Morris designs get the
sensitivity section instead. The folder is built under a temporary name and moved
into place when complete, so a failed report never leaves a half-written folder, and a
new report replaces the old one of the same language.

Building has two steps: the sections work out the statistics and *queue* each figure
and table (:class:`Report`), then :meth:`Report.write` draws and writes them one by
one, reporting progress with :class:`sim.experiments.progress.Progress` — drawing and saving the
figures is what takes the time, and now the number of files is known in advance.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.core.metrics import STOP_WEEK_PREFIX, SUSTAINABILITY_METRICS
from sim.experiments.progress import Progress
from sim.experiments.runner import provenance
from sim.experiments.summarise import paired_half_lives
from sim.report import figures, readable, tables
from sim.report.fonts import DPI
from sim.report.labels import Labels
from sim.report.results import Results
from sim.report.sensitivity import FIGURE_OUTPUTS, analyse
from sim.report.statistics import (
    PRECISION_METRICS,
    replicate_precision,
    run_metrics,
    run_summary,
    weekly_bands,
)

TIMESERIES_METRICS = ("active_share", "coverage", "generalized_trust", "norm_authority", "lonely_share", "member_share")
EQUITY_WEEKLY = "coverage_gap"
DOCS = Path(__file__).resolve().parents[2] / "docs"
COPIED_DOCS = ("odd.md", "parameters.md")
MIN_REPLICATES_FIGURE = 3
RUN_COLUMNS_LEFT_OUT = ("error", "started", "finished", "host")


@dataclass
class Report:
    """What a report writes: files with their descriptions (label keys), and notes.

    :meth:`figure`, :meth:`csv`, :meth:`text` and :meth:`latex` list a file and queue
    its writing; :meth:`write` writes the queue."""

    folder: Path
    labels: Labels
    formats: list[str]
    files: list[tuple[str, str, str]] = field(default_factory=list)
    """(path relative to the folder, label key of its description, extra text)."""
    notes: list[str] = field(default_factory=list)
    queued: list[Callable[[], object]] = field(default_factory=list)

    def figure(self, draw: Callable[[], Figure], stem: str, key: str, extra: str = "") -> None:
        """Queue a figure; ``draw()`` makes it when the queue is written."""
        self.queued.append(
            lambda: figures.save_figure(draw(), self.folder / "figures", stem, self.formats, self.labels.lang)
        )
        suffix = self.formats[0] if len(self.formats) == 1 else f"{{{','.join(self.formats)}}}"
        self.files.append((f"figures/{stem}.{suffix}", key, extra))

    def csv(self, table: pd.DataFrame, stem: str, key: str) -> None:
        self.queued.append(lambda: table.to_csv(self._table_path(f"{stem}.csv"), index=False))
        self.files.append((f"tables/{stem}.csv", key, ""))

    def text(self, text: str, name: str, key: str) -> None:
        self.queued.append(lambda: self._table_path(name).write_text(text, encoding="utf-8"))
        self.files.append((f"tables/{name}", key, ""))

    def latex(self, text: str, stem: str, key: str) -> None:
        self.text(text, f"{stem}.tex", key)

    def _table_path(self, name: str) -> Path:
        (self.folder / "tables").mkdir(parents=True, exist_ok=True)
        return self.folder / "tables" / name

    def write(self, progress: Progress) -> None:
        """Write every queued figure and table, one unit of progress each."""
        for task in self.queued:
            task()
            progress.update()
        self.queued.clear()

    def note(self, key: str, **values: Any) -> None:
        self.notes.append(self.labels.text(key, **values))

    @property
    def figure_count(self) -> int:
        return sum(path.startswith("figures/") for path, _, _ in self.files)

    @property
    def table_count(self) -> int:
        return sum(path.startswith("tables/") for path, _, _ in self.files)


def _comparisons(results: Results, report: Report) -> None:
    """Figures and tables comparing the scenarios, once per design point."""
    labels = report.labels
    scenarios, reference = results.scenarios, results.reference
    several_points = len(results.points) > 1
    point_text = results.point_text if several_points else None
    stopped = any(c.startswith(STOP_WEEK_PREFIX) for c in results.ok.columns)
    weekly = results.weekly(["active_share"]) if stopped and results.has_weekly() else None
    runs = paired_half_lives(results.runs, weekly, reference)
    if stopped:
        report.note("note_half_life_paired")
    summary = run_summary(runs, results.parameters, reference)
    metrics = run_metrics(results.ok)
    sustainability_metrics = [m for m in SUSTAINABILITY_METRICS if m in metrics]
    bands = None
    if results.has_weekly():
        bands = weekly_bands(results.weekly([*TIMESERIES_METRICS, EQUITY_WEEKLY]), [*TIMESERIES_METRICS, EQUITY_WEEKLY])
    else:
        report.note("note_no_weekly")
    precision = replicate_precision(results.ok, reference) if results.replicates >= 2 else None
    for point in range(len(results.points)):
        suffix = f"-p{point}" if several_points else ""
        subtitle = labels.text("at_point", point=point, values=results.point_text(point)) if several_points else None
        extra = f" ({subtitle})" if subtitle else ""
        at_point = summary[summary["point"] == point]
        if bands is not None:
            of_point = bands[bands["point"] == point]
            drawn = figures.informative_metrics(
                of_point, [m for m in TIMESERIES_METRICS if m in set(of_point["metric"])]
            )
            if drawn:
                report.figure(
                    partial(figures.timeseries_figure, of_point, drawn, scenarios, reference, labels, subtitle),
                    f"timeseries{suffix}",
                    "file_timeseries",
                    extra,
                )
        forest_metrics = figures.forest_metrics(at_point, sustainability_metrics, reference)
        if len(scenarios) > 1 and forest_metrics:
            report.figure(
                partial(figures.forest_figure, at_point, forest_metrics, scenarios, reference, labels, subtitle),
                f"forest{suffix}",
                "file_forest",
                extra,
            )
        gap = None if bands is None else bands[(bands["point"] == point) & (bands["metric"] == EQUITY_WEEKLY)]
        report.figure(
            partial(figures.equity_figure, gap, at_point, scenarios, reference, labels, subtitle),
            f"equity{suffix}",
            "file_equity",
            extra,
        )
        if figures.spends(at_point):
            report.figure(
                partial(figures.cost_figure, at_point, scenarios, reference, labels, subtitle),
                f"cost{suffix}",
                "file_cost",
                extra,
            )
            if len(scenarios) > 1 and not set(figures.MONEY_METRICS) & set(forest_metrics):
                report.note("note_money_not_in_forest", reference=labels.scenario(reference))
        else:
            report.note("note_no_spending", at=extra)
        if precision is not None and results.replicates >= MIN_REPLICATES_FIGURE:
            report.figure(
                partial(
                    figures.replicates_figure,
                    precision[precision["point"] == point],
                    list(PRECISION_METRICS),
                    scenarios,
                    reference,
                    labels,
                    subtitle,
                ),
                f"replicates{suffix}",
                "file_replicates",
                extra,
            )
    report.note("note_equity_data")
    report.note(
        "note_collapsed", runs=readable.collapse_counts(summary, labels, results.point_text if several_points else None)
    )
    if results.undefined_cost_runs():
        report.note("note_cost_undefined", count=results.undefined_cost_runs())
    if results.single_run:
        report.note("note_single_run")
    elif results.replicates < 2:
        report.note("note_one_replicate")
    elif results.replicates < MIN_REPLICATES_FIGURE:
        report.note("note_replicates_few", replicates=results.replicates)

    report.text(
        readable.summary_markdown(summary, labels, results.name, reference, results.replicates, point_text),
        "summary.md",
        "file_summary",
    )
    report.csv(tables.with_labels(summary, labels), "sustainability", "file_sustainability")
    report.latex(
        tables.sustainability_latex(summary, metrics, labels, results.replicates, point_text),
        "sustainability",
        "file_sustainability",
    )
    if len(scenarios) > 1:
        effects = summary[summary["scenario"] != reference].drop(
            columns=["runs_ok", "runs_failed", "n", "mean", "sd", "ci_low", "ci_high"]
        )
        report.csv(tables.with_labels(effects, labels), "effects", "file_effects")
        report.latex(tables.effects_latex(summary, metrics, labels, reference, point_text), "effects", "file_effects")
    if precision is not None:
        report.csv(tables.with_labels(precision, labels), "replicates", "file_replicates_table")
        report.latex(
            tables.replicates_latex(precision, list(PRECISION_METRICS), labels, point_text),
            "replicates",
            "file_replicates_table",
        )
    if bands is not None:
        report.csv(tables.with_labels(bands, labels, name=labels.weekly), "timeseries", "file_timeseries_table")


TIPPING_STATUS = "tipping.status"


def _tipping(results: Results, report: Report) -> None:
    """A tipping experiment's classification (sim/experiments/tipping.py): its table and
    phase diagram, as `mutualaid tipping` writes them."""
    from sim.experiments import tipping
    from sim.experiments.analyse import runs_of_folder

    runs = runs_of_folder(results.path)
    table = tipping.tipping_table(runs)
    if runs.parameters:  # a phase diagram needs a design to span
        report.figure(lambda: tipping.phase_figure(table, runs.parameters, report.labels), "tipping", "file_tipping")
    report.csv(table, "tipping", "file_tipping_table")


def _sensitivity(results: Results, report: Report) -> None:
    """Sobol' or Morris indices: a figure per scenario, tables of every output."""
    labels = report.labels
    analysis = analyse(results)
    kind = analysis.kind
    for scenario in results.scenarios:
        of_scenario = analysis.indices[analysis.indices["scenario"] == scenario]
        outputs = [o for o in FIGURE_OUTPUTS if o in set(of_scenario["output"])]
        if not outputs:
            continue
        draw = figures.sobol_figure if kind == "sobol" else figures.morris_figure
        report.figure(
            partial(draw, of_scenario, outputs, scenario, labels),
            f"{kind}-{scenario}",
            f"file_{kind}",
            f" ({labels.scenario(scenario)})",
        )
    if not analysis.indices.empty:
        report.csv(
            tables.with_labels(analysis.indices, labels, metric_column="output"),
            f"sensitivity-{kind}",
            "file_sensitivity_table",
        )
        latex = tables.sobol_latex if kind == "sobol" else tables.morris_latex
        report.latex(latex(analysis.indices, labels), f"sensitivity-{kind}", "file_sensitivity_table")
        report.csv(
            tables.with_labels(analysis.outputs, labels, metric_column="output"),
            "sensitivity-outputs",
            "file_sensitivity_outputs",
        )
    if analysis.second_order is not None:
        report.csv(
            tables.with_labels(analysis.second_order, labels, metric_column="output"),
            "sensitivity-sobol-second-order",
            "file_sensitivity_second",
        )
    report.note("note_sensitivity_mean")
    for scenario, output, reason, values in analysis.skipped:
        report.note(
            "note_sensitivity_skipped",
            scenario=labels.scenario(scenario),
            output=labels.run(output) if output else labels.text("all_outputs"),
            reason=labels.text(reason, **values),
        )


def _runs_table(results: Results) -> pd.DataFrame:
    return results.runs.drop(columns=[c for c in RUN_COLUMNS_LEFT_OUT if c in results.runs.columns])


def _provenance(results: Results, report_provenance: dict[str, Any]) -> dict[str, Any]:
    manifest = results.manifest
    sweep = {
        key: manifest[key]
        for key in ("format", "fingerprint", "provenance", "started", "finished", "status", "counts", "sessions")
        if key in manifest
    }
    return {"report": report_provenance, "sweep": sweep, "experiment": manifest["experiment"]}


def _copy_docs(report: Report) -> None:
    for name in COPIED_DOCS:
        source = DOCS / name
        if source.is_file():
            shutil.copyfile(source, report.folder / name)
            report.files.append((name, "file_odd" if name == "odd.md" else "file_parameters", ""))
        else:
            report.note("note_docs_missing", name=name, path=source)


def _design_text(results: Results, labels: Labels) -> str:
    design = results.design
    text = labels.text("design_text", kind=design["kind"], points=len(results.points))
    if design.get("problem"):
        bounds = ", ".join(
            f"`{name}` [{low:g}, {high:g}]"
            for name, (low, high) in zip(design["problem"]["names"], design["problem"]["bounds"])
        )
        settings = {
            key: design[key] for key in ("N", "calc_second_order", "trajectories", "levels", "seed") if key in design
        }
        text += f"; {', '.join(f'{k} = {v}' for k, v in settings.items())}; {bounds}"
    elif results.parameters:
        text += f"; {', '.join(f'`{p}`' for p in results.parameters)}"
    return text


def _code_text(record: dict[str, Any]) -> str:
    versions = record.get("versions", {})
    return (
        f"git {record.get('git_commit') or '?'}; mutualaid-sim {versions.get('mutualaid-sim', '?')}, "
        f"Python {versions.get('python', '?')}, Mesa {versions.get('mesa', '?')}, "
        f"SALib {versions.get('SALib', '?')}; {record.get('created', '?')}"
    )


def _index(results: Results, report: Report, report_provenance: dict[str, Any]) -> str:
    labels = report.labels
    experiment = results.experiment
    counts = results.counts()
    sweep_code = results.manifest.get("provenance", {})
    rows = [
        (labels.text("index_experiment"), f"`{results.name}`"),
        (labels.text("index_description"), experiment.get("description") or "—"),
        (labels.text("index_design"), _design_text(results, labels)),
        (labels.text("index_reference"), labels.scenario(results.reference)),
        (
            labels.text("index_runs"),
            labels.text(
                "index_runs_text",
                total=len(results.runs),
                scenarios=len(results.scenarios),
                points=len(results.points),
                replicates=results.replicates,
                **counts,
            ),
        ),
        (labels.text("index_code"), _code_text(sweep_code)),
        (labels.text("index_code_report"), _code_text(report_provenance)),
    ]
    lines = [
        f"# {labels.text('index_title', name=results.name)}",
        "",
        labels.text(
            "index_intro",
            command=" ".join(report_provenance["command"]),
            created=report_provenance["created"],
            results=results.path,
        ),
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value.replace('|', '/')} |" for key, value in rows]
    lines += [
        "",
        f"## {labels.text('index_files')}",
        "",
        f"| {labels.text('index_file')} | {labels.text('index_what')} |",
        "|---|---|",
        f"| `README.md` | {labels.text('file_readme')} |",
        f"| `provenance.json` | {labels.text('file_provenance')} |",
    ]
    lines += [f"| `{path}` | {labels.text(key)}{extra} |" for path, key, extra in report.files]
    notes = [labels.text("index_formats", formats=", ".join(report.formats), dpi=DPI), labels.text("index_latex")]
    if sweep_code.get("git_commit") != report_provenance.get("git_commit"):
        notes.append(labels.text("index_code_differs"))
    lines += ["", f"## {labels.text('index_notes')}", ""] + [f"- {note}" for note in notes + report.notes]
    return "\n".join(lines) + "\n"


def build_report(
    results: Results, lang: str, formats: list[str], parent: Path, command: list[str], quiet: bool = False
) -> Report:
    """Write ``parent/report-<lang>/`` from ``results`` and return what it holds;
    progress (figures and tables written) on stderr unless ``quiet``."""
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / f"report-{lang}"
    staging = parent / f".report-{lang}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    report = Report(staging, Labels(lang), formats)
    record = {
        **provenance(command),
        "language": lang,
        "formats": formats,
        "results_folder": str(results.path.resolve()),
    }
    try:
        if results.design_kind in ("sobol", "morris"):
            _sensitivity(results, report)
        elif results.sampled:
            report.note("note_sampled_design", kind=results.design_kind, points=len(results.points))
            report.note("note_lhs")
        else:
            _comparisons(results, report)
        if TIPPING_STATUS in results.runs.columns:
            _tipping(results, report)
        report.csv(_runs_table(results), "runs", "file_runs")
        with Progress(
            len(report.queued), f"report {results.name} ({lang}), figures and tables", unit="file", quiet=quiet
        ) as progress:
            report.write(progress)
        _copy_docs(report)
        (staging / "provenance.json").write_text(
            json.dumps(_provenance(results, record), indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        (staging / "README.md").write_text(_index(results, report, record), encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    report.folder = final
    return report
