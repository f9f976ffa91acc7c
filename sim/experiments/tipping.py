"""Tipping points: where a scheme never starts, runs, or collapses after running.

Seed 000 §3 asks what makes an established mutual-aid scheme wither. The adverse
events of ``[shocks]`` (sim/submodels/shocks.py, docs/odd.md §7.22) are its candidate
answers; experiments/tipping.toml sweeps two of their doses over a grid, the
``tipping`` probe (:class:`TippingProbe`) records each run's weekly active share, and
``mutualaid tipping`` classifies every run and writes the table and the phase diagram
(docs/tipping.md).

Classification of one run (:func:`classify`), from its weekly active share smoothed by
a trailing mean over ``window`` weeks — the thresholds are parameters of the analysis,
:class:`Thresholds`, stated in the report:

- **never started**: the smoothed share never reaches ``established_level``;
- **collapsed after running**: it reached it (the scheme was established), and later
  the smoothed share fell below ``collapse_fraction`` × its established level and stayed
  there to the end of the run, for at least ``sustained_weeks`` weeks — the established
  level being the highest smoothed share up to the start of that fall;
- **fell, then recovered**: established, fell so for at least ``sustained_weeks`` weeks
  in a row, and later rose above ``collapse_fraction`` × its established level again
  (a scheme that comes back is not counted as collapsed: the fall week is still
  reported);
- **running**: established and never fell so.

Nothing here feeds back into the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.model import CommunityModel
from sim.experiments.analyse import AnalysedRuns
from sim.report.labels import Labels

PROBE = "tipping"
NEVER_STARTED, RUNNING, COLLAPSED, RECOVERED = 0, 1, 2, 3
STATUS = {
    NEVER_STARTED: "never started",
    RUNNING: "running",
    RECOVERED: "fell, then recovered",
    COLLAPSED: "collapsed after running",
}
"""The classes' names in the table (its column names, the same in every language)."""
STATUS_TEXT = {
    NEVER_STARTED: "tipping_never_started",
    RUNNING: "tipping_running",
    RECOVERED: "tipping_recovered",
    COLLAPSED: "tipping_collapsed",
}
"""The classes' words in a figure (keys of sim.report.labels.TEXT, in the report's language)."""
COLOURS = {NEVER_STARTED: "#999999", RUNNING: "#0072B2", RECOVERED: "#E69F00", COLLAPSED: "#D55E00"}
"""Grey, blue, orange, vermillion (Okabe–Ito): told apart with any colour vision (and
by their markers)."""
MARKERS = {NEVER_STARTED: "o", RUNNING: "s", RECOVERED: "D", COLLAPSED: "X"}
BEGIN, END = "<!-- tipping:begin -->\n", "<!-- tipping:end -->"


@dataclass(frozen=True)
class Thresholds:
    """The analysis's parameters (assumed, stated in the report)."""

    window: int = 13
    """Weeks of the trailing mean that smooths the weekly active share (a quarter)."""
    established_level: float = 0.05
    """Smoothed active share at which a scheme counts as established (5 % of residents)."""
    collapse_fraction: float = 0.5
    """Share of its established level below which an established scheme has fallen."""
    sustained_weeks: int = 52
    """Weeks in a row below that share for the fall to count as a collapse (a year)."""


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Classification:
    status: int
    established_week: int  # first week of the established level; -1 if never
    level: float  # established level (peak smoothed share before the fall, or over the run)
    collapse_week: int  # first week of the sustained fall (the lasting one if collapsed); -1 if none


def smooth(series: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over ``window`` weeks (over the weeks so far at the start)."""
    x = np.asarray(series, dtype=float)
    total = np.cumsum(np.concatenate([[0.0], x]))
    ends = np.arange(1, len(x) + 1)
    starts = np.maximum(ends - window, 0)
    return (total[ends] - total[starts]) / (ends - starts)


def classify(series: np.ndarray, th: Thresholds = THRESHOLDS) -> Classification:
    """The run's status from its weekly active share (see the module docstring)."""
    s = smooth(series, th.window)
    reached = np.flatnonzero(s >= th.established_level)
    if len(reached) == 0:
        return Classification(NEVER_STARTED, -1, float(s.max()) if len(s) else 0.0, -1)
    start = int(reached[0])
    peak, below = s[start], 0
    first_fall, first_peak = -1, 0.0
    for t in range(start, len(s)):
        if below == 0:
            peak = max(peak, s[t])
        below = below + 1 if s[t] < th.collapse_fraction * peak else 0
        if below == th.sustained_weeks and first_fall < 0:
            first_fall, first_peak = t - below + 1, peak
    if below >= th.sustained_weeks:  # the fall lasts to the end of the run
        return Classification(COLLAPSED, start, float(peak), len(s) - below)
    if first_fall >= 0:
        return Classification(RECOVERED, start, float(first_peak), first_fall)
    return Classification(RUNNING, start, float(s[start:].max()), -1)


class TippingProbe:
    """The ``tipping`` probe: the weekly active share, classified at the end of the run
    with the default thresholds (and its level over the last year)."""

    def __init__(self, weeks: int):
        self.shares: list[float] = []

    def start(self, model: CommunityModel) -> None:
        """Nothing is measured during the burn-in."""

    def week(self, model: CommunityModel) -> None:
        self.shares.append(float(model.records[-1]["active_share"]))

    def result(self, model: CommunityModel) -> dict[str, float]:
        c = classify(np.array(self.shares))
        return {
            "status": float(c.status),
            "established_week": float(c.established_week),
            "level": c.level,
            "collapse_week": float(c.collapse_week),
            "last_year": float(np.mean(self.shares[-52:])) if self.shares else float("nan"),
        }


KEYS = ("status", "established_week", "level", "collapse_week", "last_year")


def tipping_table(runs: AnalysedRuns) -> pd.DataFrame:
    """One row per scenario and design point: the parameters' values, how many runs
    fall in each class, the share collapsed and the mean active share over the last year."""
    runs.require_probe(PROBE, [f"{PROBE}.{k}" for k in KEYS])
    runs.require_weeks(THRESHOLDS.sustained_weeks, "a collapse is a fall sustained for a year")
    ok = runs.ok()
    rows = []
    for (scenario, _point), group in ok.groupby(["scenario", "point"], sort=False):
        status = group[f"{PROBE}.status"].astype(int)
        row: dict[str, Any] = {"scenario": scenario, **{p: group[p].iloc[0] for p in runs.parameters}}
        for code, name in STATUS.items():
            row[name] = int((status == code).sum())
        row["runs"] = len(group)
        row["share collapsed"] = float((status == COLLAPSED).mean())
        collapsed = group.loc[status == COLLAPSED, f"{PROBE}.collapse_week"]
        row["median collapse week"] = float(collapsed.median()) if len(collapsed) else float("nan")
        row["active share, last year"] = float(group[f"{PROBE}.last_year"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def axis_label(path: str, labels: Labels) -> str:
    """``path`` without its ``shocks.`` prefix, with its unit in the report's language
    (0–1 for a probability or share)."""
    from sim.core.params import schema_fields

    field = next((f for f in schema_fields() if f.path == path), None)
    unit = field.extra("unit", "-") if field is not None else "-"
    return labels.parameter(path.removeprefix("shocks."), unit)


def phase_figure(table: pd.DataFrame, parameters: list[str], labels: Labels) -> Any:
    """The phase diagram: each design point of the first two parameters (one panel per
    scenario) as a marker of its majority class, sized by its share, labelled
    with its counts (never started / running / fell, then recovered / collapsed); its words in the language
    of ``labels``, like the report's other figures."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from sim.report.figures import WIDTH
    from sim.report.fonts import figure_style

    with figure_style(labels.lang):  # fonts are taken when the figure is made
        x_name = parameters[0]
        y_name = parameters[1] if len(parameters) > 1 else None
        scenarios = list(dict.fromkeys(table["scenario"]))
        fig = Figure(figsize=(WIDTH, 3.6 * len(scenarios) if y_name else 2.4 * len(scenarios)), layout="constrained")
        axes = fig.subplots(len(scenarios), 1, squeeze=False)[:, 0]
        for ax, scenario in zip(axes, scenarios):
            rows = table[table["scenario"] == scenario]
            for _, r in rows.iterrows():
                counts = [int(r[STATUS[c]]) for c in STATUS]
                majority = int(np.argmax(counts))
                y = float(r[y_name]) if y_name else 0.0
                ax.scatter(
                    float(r[x_name]),
                    y,
                    s=80 + 320 * counts[majority] / max(r["runs"], 1),
                    c=COLOURS[majority],
                    marker=MARKERS[majority],
                    edgecolors="black",
                    linewidths=0.5,
                    zorder=3,
                )
                ax.annotate(
                    "/".join(str(n) for n in counts),
                    (float(r[x_name]), y),
                    textcoords="offset points",
                    xytext=(0, -16),
                    ha="center",
                    fontsize=7,
                )
            ax.set_xlabel(axis_label(x_name, labels))
            if y_name:
                ax.set_ylabel(axis_label(y_name, labels))
            else:
                ax.set_yticks([])
            ax.margins(0.15)
            ax.grid(True, linewidth=0.3, alpha=0.5)
            if len(scenarios) > 1:
                ax.set_title(labels.scenario(scenario), fontsize=9)
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker=MARKERS[c],
                markerfacecolor=COLOURS[c],
                markeredgecolor="black",
                label=labels.text(key),
            )
            for c, key in STATUS_TEXT.items()
        ]
        fig.legend(
            handles=handles,
            loc="outside upper center",
            ncols=4,
            fontsize=8,
            frameon=False,
            title=labels.text("tipping_key"),
            title_fontsize=7,
        )
        return fig


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "—" if np.isnan(value) else f"{value:.3g}"
    return str(value)


def markdown_section(runs: AnalysedRuns, table: pd.DataFrame, commands: list[str], figure: str | None) -> str:
    """The generated part of docs/tipping.md: how it was made, the thresholds, the table."""
    th = THRESHOLDS
    dump = runs.scenario_dumps[runs.reference]
    made = " then ".join(f"`{c}`" for c in commands)
    columns = ["scenario", *runs.parameters, *STATUS.values(), "share collapsed", "median collapse week"]
    columns.append("active share, last year")
    lines = [
        f"Generated by {made} ({runs.description()}; {dump['community']['residents']} residents, "
        f"{dump['simulation']['weeks']} recorded weeks after a {dump['simulation']['burn_in_weeks']}-week burn-in).",
        "",
        f"Thresholds (sim/experiments/tipping.py `Thresholds`, assumed): weekly active share smoothed over "
        f"{th.window} weeks; established at {th.established_level:g}; a fall is a spell below "
        f"{th.collapse_fraction:g} × the established level for at least {th.sustained_weeks} weeks in a row; "
        "collapsed when the fall lasts to the end of the run, recovered when the share rises above that "
        "level again.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for _, r in table.iterrows():
        lines.append("| " + " | ".join(_cell(r[c]) for c in columns) + " |")
    if figure:
        lines += ["", f"![Phase diagram: the majority class of each design point]({figure})", ""]
        lines.append(
            "Marker: the class most runs of the point fall in (size: its share); "
            "label: runs never started / running / fell, then recovered / collapsed after running."
        )
    return "\n".join(lines) + "\n"


def write_report(text: str, out: Path) -> None:
    """Put the generated section between the markers of ``out`` if it has them (the
    hand-written interpretation around it stays), else write it as the whole file."""
    if out.exists():
        old = out.read_text(encoding="utf-8")
        start, stop = old.find(BEGIN), old.find(END)
        if start >= 0 and stop > start:
            out.write_text(old[: start + len(BEGIN)] + text + old[stop:], encoding="utf-8")
            return
    out.write_text("# Tipping points\n\n" + BEGIN + text + END + "\n", encoding="utf-8")


def report(runs: AnalysedRuns, commands: list[str], out: Path | None, figures: Path | None) -> str:
    """Classify the runs, save the phase diagram (PDF and PNG) in ``figures`` (when the
    experiment has a design) and return the generated section (written into ``out`` if given)."""
    from sim.report.figures import save_figure

    table = tipping_table(runs)
    link = None
    if figures is not None and runs.parameters:  # a phase diagram needs a design to span
        fig = phase_figure(table, runs.parameters, Labels("en"))  # docs/tipping.md is English
        paths = save_figure(fig, figures, "tipping", ["pdf", "png"], "en")
        base = out.parent if out is not None else Path.cwd()
        png = paths[-1].resolve()
        link = str(png.relative_to(base.resolve())) if png.is_relative_to(base.resolve()) else str(png)
    text = markdown_section(runs, table, commands, link)
    if out is not None:
        write_report(text, out)
    return text
