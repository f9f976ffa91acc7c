"""The summary of a sweep as a reader wants it: ``summary.md``.

summary.csv is for programs: one row per scenario × design point × metric, identifiers,
unrounded floats. summary.md says the same for people, in the report's language: one
table per group of metrics with a row per scenario, the metrics' names and units as
column headers, values rounded to about three significant digits, shares as per cent,
then the paired differences from the reference laid out the same way. Three things are
shown for what they are rather than as means:

- ``collapsed`` is a count of runs, "3 of 10", not a mean with an interval;
- a metric undefined in every run of a scenario (a gain half-life where the
  intervention never ended or its gain never halved) is "n/a" with a footnote, and a
  group column undefined everywhere is left out; one defined in only some runs says
  in how many;
- the design point, a number in summary.csv, is named by its parameter values after
  the scenario, and only when the design has more than one point.

The sweep writes summary.md beside summary.csv in English (sim.experiments.store);
the report writes it in each of its languages.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.report.labels import HALF_LIFE_PREFIX, Labels, scale_of

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "group_participation",
        (
            "mean_coverage_last2y",
            "mean_coverage_of_need_last2y",
            "mean_active_share_last2y",
            "persistence",
            "collapsed",
        ),
    ),
    ("group_equity", ("mean_coverage_gap_last2y", "mean_help_gini_last2y")),
    ("group_cost", ("budget_spent", "cost_per_met_hour")),
    (
        "group_social",
        (
            "mean_member_share_last2y",
            "mean_willing_share_last2y",
            "peak_active_share",
            "mean_generalized_trust_last2y",
            "mean_norm_authority_last2y",
            "mean_lonely_share_last2y",
            "mean_isolated_share_last2y",
            "hours_per_active_member_per_year",
            "hours_per_active_giver_per_year",
            "collapse_week",
        ),
    ),
)
"""Metric groups in reading order; gain half-lives form a last group of their own."""
COUNTED = ("collapsed",)
"""Yes/no metrics: reported as how many runs, not as a mean."""
MINUS = "−"


def describe_point(parameters: list[str], values: dict) -> str:
    """``name=value, …`` of a design point (floats to four significant digits)."""
    return ", ".join(f"{name}={_short(values[name])}" for name in parameters)


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def decimals(values: list[float]) -> int:
    """Decimals that show numbers of this magnitude to about three significant digits."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    largest = max(finite, default=0.0)
    return 0 if largest >= 1000 else 1 if largest >= 10 else 2 if largest >= 1 else 3


def number(value: float, places: int, signed: bool = False) -> str:
    """``value`` rounded, with thousands separators and a true minus sign (never −0)."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    text = f"{value:+,.{places}f}" if signed else f"{value:,.{places}f}"
    if float(text.replace(",", "")) == 0:
        text = f"{0:.{places}f}"
    return text.replace("-", MINUS)


def groups(metrics: list[str]) -> list[tuple[str, list[str]]]:
    """The groups of ``metrics`` that have any, in reading order."""
    present = set(metrics)
    out = [(key, [m for m in members if m in present]) for key, members in GROUPS]
    out.append(("group_half_lives", sorted(m for m in metrics if m.startswith(HALF_LIFE_PREFIX))))
    return [(key, members) for key, members in out if members]


def _defined(summary: pd.DataFrame, metric: str, count: str = "n") -> bool:
    """Whether ``metric`` has a value (``count`` > 0) for some scenario."""
    rows = summary[summary["metric"] == metric]
    return bool((rows[count] > 0).any())


def _arm(row: pd.Series, labels: Labels, point_text: Callable[[int], str] | None) -> str:
    name = labels.scenario(str(row["scenario"]))
    return name if point_text is None else f"{name} — {point_text(int(row['point']))}"


def _header(metric: str, labels: Labels, difference: bool = False) -> str:
    if metric in COUNTED:
        return labels.run(metric)
    return labels.with_unit(labels.run(metric), metric, difference)


class _Cells:
    """Formats one metric column; remembers which footnotes it needed."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.used: set[str] = set()

    def value(self, row: pd.Series, places: int, factor: float) -> str:
        if row["metric"] in COUNTED:
            runs = int(row["n"])
            return self.labels.text("of_runs", k=int(round(row["mean"] * runs)), n=runs) if runs else "—"
        if row["n"] == 0:
            self.used.add("footnote_na")
            return self.labels.text("na") + "¹"
        text = number(row["mean"] * factor, places)
        if math.isfinite(row["ci_low"]) and row["ci_low"] != row["ci_high"]:
            text += f" [{number(row['ci_low'] * factor, places)}, {number(row['ci_high'] * factor, places)}]"
        return text + self._defined_in(int(row["n"]), int(row["runs_ok"]))

    def difference(self, row: pd.Series, places: int, factor: float) -> str:
        if row["n_pairs"] == 0:
            self.used.add("footnote_na")
            return self.labels.text("na") + "¹"
        text = number(row["difference"] * factor, places, signed=True)
        if math.isfinite(row["difference_ci_low"]) and row["difference_ci_low"] != row["difference_ci_high"]:
            text += (
                f" [{number(row['difference_ci_low'] * factor, places, signed=True)}, "
                f"{number(row['difference_ci_high'] * factor, places, signed=True)}]"
            )
        return text + self._defined_in(int(row["n_pairs"]), int(row["runs_ok"]))

    def _defined_in(self, n: int, runs: int) -> str:
        if n >= runs:
            return ""
        self.used.add("footnote_defined_in")
        return f" ({self.labels.text('defined_in', n=n, runs=runs)})²"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"

    return [line(header), "|" + "---|" + "---:|" * (len(header) - 1), *(line(r) for r in rows)]


def _group_tables(
    summary: pd.DataFrame,
    metrics: list[str],
    labels: Labels,
    cells: _Cells,
    point_text: Callable[[int], str] | None,
    differences: bool,
) -> list[str]:
    lines: list[str] = []
    for key, members in groups(metrics):
        count = "n_pairs" if differences else "n"
        members = [m for m in members if _defined(summary, m, count) and not (differences and m in COUNTED)]
        if not members:
            continue
        arms = summary[summary["metric"] == members[0]][["scenario", "point"]].itertuples(index=False)
        columns = {}
        for metric in members:
            of_metric = summary[summary["metric"] == metric].set_index(["scenario", "point"])
            factor = scale_of(metric)
            value_columns = (
                ("difference", "difference_ci_low", "difference_ci_high")
                if differences
                else ("mean", "ci_low", "ci_high")
            )
            places = decimals([abs(v) * factor for c in value_columns for v in of_metric[c].tolist()])
            format_cell = cells.difference if differences else cells.value
            columns[metric] = {
                index: format_cell(pd.Series({**row.to_dict(), "metric": metric}), places, factor)
                for index, row in of_metric.iterrows()
            }
        rows = [
            [
                _arm(pd.Series({"scenario": scenario, "point": point}), labels, point_text),
                *(columns[m][(scenario, point)] for m in members),
            ]
            for scenario, point in arms
        ]
        header = [labels.text("scenario"), *(_header(m, labels, differences) for m in members)]
        lines += ["", f"### {labels.text(key)}", "", *_table(header, rows)]
    return lines


def summary_markdown(
    summary: pd.DataFrame,
    labels: Labels,
    name: str,
    reference: str,
    replicates: int,
    point_text: Callable[[int], str] | None = None,
    sampled: str | None = None,
) -> str:
    """summary.md of a summary table (:func:`sim.experiments.summarise.summary_table`).

    ``point_text`` names a design point (given when the design has several);
    ``sampled`` is the design kind of a sampled design (lhs, sobol, morris), whose many
    points are summarised per scenario over the points instead of one row each."""
    metrics = list(dict.fromkeys(summary["metric"]))
    cells = _Cells(labels)
    lines = [f"# {labels.text('summary_title', name=name)}", ""]
    if sampled:
        summary = _over_points(summary)
        lines.append(labels.text("summary_sampled", kind=sampled, points=int(summary["points"].max())))
        lines += _group_tables(summary, metrics, labels, cells, None, differences=False)
    else:
        first = summary[summary["metric"] == metrics[0]]
        lines.append(
            labels.text(
                "summary_intro",
                ok=int(first["runs_ok"].sum()),
                failed=int(first["runs_failed"].sum()),
                replicates=replicates,
                reference=labels.scenario(reference),
            )
        )
        lines += _group_tables(summary, metrics, labels, cells, point_text, differences=False)
        differences = _group_tables(
            summary[summary["scenario"] != reference], metrics, labels, cells, point_text, differences=True
        )
        if differences:
            lines += [
                "",
                f"## {labels.text('summary_differences', reference=labels.scenario(reference))}",
                "",
                labels.text("summary_differences_intro"),
                *differences,
            ]
    notes = [labels.text(key) for key in ("footnote_na", "footnote_defined_in") if key in cells.used]
    half_lives = [m for m in metrics if m.startswith(HALF_LIFE_PREFIX)]
    if half_lives and (summary["runs_ok"] > 0).any() and not any(_defined(summary, m) for m in half_lives):
        notes.append(labels.text("footnote_no_half_life"))
    if point_text is not None and not sampled:
        notes.append(labels.text("footnote_point"))
    if notes:
        lines += ["", "---", "", *notes]
    return "\n".join(lines) + "\n"


def _over_points(summary: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and metric: the mean of the design points' means, and the lowest and
    highest point mean in place of an interval."""
    rows = []
    for (scenario, metric), of_arm in summary.groupby(["scenario", "metric"], sort=False):
        means = of_arm["mean"].to_numpy(dtype=float)
        finite = means[np.isfinite(means)]
        rows.append(
            {
                "scenario": scenario,
                "point": 0,
                "metric": metric,
                "points": len(of_arm),
                "runs_ok": int(of_arm["runs_ok"].sum()),
                "n": int(of_arm["n"].sum()),
                "mean": float(finite.mean()) if len(finite) else math.nan,
                "ci_low": float(finite.min()) if len(finite) else math.nan,
                "ci_high": float(finite.max()) if len(finite) else math.nan,
            }
        )
    return pd.DataFrame(rows)


def collapse_counts(summary: pd.DataFrame, labels: Labels, point_text: Callable[[int], str] | None) -> str:
    """ "Baseline 0 of 10, Time bank 3 of 10, …": how many runs of each scenario collapsed."""
    rows = summary[summary["metric"] == "collapsed"]
    return "; ".join(
        f"{_arm(row, labels, point_text)} "
        f"{labels.text('of_runs', k=int(round(row['mean'] * row['n'])) if row['n'] else 0, n=int(row['n']))}"
        for _, row in rows.iterrows()
    )
