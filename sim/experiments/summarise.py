"""Summary statistics of a sweep: per scenario and design point, each sustainability
metric's mean with a t-based 95% confidence interval, and the paired difference from
the reference scenario.

Pairing: replicate ``k`` of every scenario and design point runs with the same seed
(common random numbers, :mod:`sim.experiments.plan`), so the difference between a
scenario and the reference is taken run by run — same design point, same replicate —
and its interval is the t interval of those differences. With positively correlated
pairs it is narrower than the difference of two independent means.

Gain half-lives (``gain_half_life_<intervention>``) are measured against the paired run
of the reference scenario (:func:`paired_half_lives`, which the report uses too), from
the weekly active share the sweep kept: what the intervention left is separated from
what would have happened without it. The reference scenario itself has none, and
neither has a single run: it records only the week each intervention stopped
(``stop_week_<intervention>``), from which the half-life columns are made here.

Boolean metrics (``collapsed``) are averaged as 0/1, so their mean is a proportion;
missing values (a metric undefined for a run) are left out and ``n`` says how many
values each statistic rests on.

This table, summary.csv, is for programs. :func:`summary_markdown` says the same for
people — summary.md beside it (sim.report.readable): names, units, rounding, collapses
counted, half-lives that do not apply marked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.metrics import STOP_WEEK_PREFIX, paired_gain_half_life
from sim.report.labels import Labels
from sim.report.readable import describe_point
from sim.report.readable import summary_markdown as readable_summary

if TYPE_CHECKING:
    from sim.experiments.plan import Experiment

CONFIDENCE = 0.95
HALF_LIFE_PREFIX = "gain_half_life_"

COLUMNS = (
    "metric",
    "runs_ok",
    "runs_failed",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "n_pairs",
    "difference",
    "difference_sd",
    "difference_ci_low",
    "difference_ci_high",
)


def mean_interval(values: np.ndarray) -> tuple[int, float, float, float, float]:
    """n, mean, SD and the t-based interval of the mean (NaN where undefined)."""
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return 0, math.nan, math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n == 1:
        return 1, mean, math.nan, math.nan, math.nan
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / math.sqrt(n)
    return n, mean, sd, mean - half, mean + half


def summarised_metrics(columns: Iterable[str], metrics: Iterable[str]) -> list[str]:
    """The metrics to summarise: ``metrics`` and, after them, the half-lives of the
    gains of interventions that ended during some run (sim/core/metrics.py), which exist
    only in experiments whose interventions stop. Each once: ``metrics`` may already
    name the half-lives (the report passes every run metric), and a metric listed
    twice would pair a column with itself."""
    columns = list(columns)
    chosen = [m for m in metrics if m in columns] + sorted(c for c in columns if c.startswith(HALF_LIFE_PREFIX))
    return list(dict.fromkeys(chosen))


def _numeric(column: pd.Series) -> np.ndarray:
    """Floats of a metric column (booleans as 0/1, missing as NaN)."""
    return np.array([math.nan if pd.isna(v) else float(v) for v in column], dtype=float)


def paired_half_lives(runs: pd.DataFrame, weekly: pd.DataFrame | None, reference: str) -> pd.DataFrame:
    """``runs`` with a ``gain_half_life_<intervention>`` for every intervention that
    stopped in some run (a ``stop_week_<intervention>`` column), measured against the
    paired run of the ``reference`` scenario (same point and replicate, hence the same
    seed) from the weekly ``active_share`` of both (sim.core.metrics.paired_gain_half_life).
    NaN where there is no such pair: for the reference scenario itself, a run whose
    reference run failed, and every run when ``weekly`` is None (not kept). A column
    stored by older results (counted from the run's own level) is replaced."""
    columns = [
        HALF_LIFE_PREFIX + c.removeprefix(STOP_WEEK_PREFIX) for c in runs.columns if c.startswith(STOP_WEEK_PREFIX)
    ]
    if not columns:
        return runs
    out = runs.copy()
    for column in columns:
        out[column] = np.nan
    if weekly is None:
        return out
    series = {run_id: table.sort_values("week") for run_id, table in weekly.groupby("run_id", sort=False)}
    ok = out["status"] == "ok"
    reference_ids = out[ok & (out["scenario"] == reference)].set_index(["point", "replicate"])["run_id"]
    for i, row in out[ok & (out["scenario"] != reference)].iterrows():
        paired_id = reference_ids.get((row["point"], row["replicate"]))
        if paired_id not in series or row["run_id"] not in series:
            continue
        both = series[row["run_id"]].merge(series[paired_id], on="week", suffixes=("", "@reference"))
        weeks = both["week"].to_numpy()
        for column in columns:
            end = row.get(STOP_WEEK_PREFIX + column.removeprefix(HALF_LIFE_PREFIX))
            if end is None or pd.isna(end):
                continue
            value = paired_gain_half_life(
                weeks, both["active_share"].to_numpy(), both["active_share@reference"].to_numpy(), int(end)
            )
            out.at[i, column] = np.nan if value is None else value
    return out


def summary_table(runs: pd.DataFrame, parameters: list[str], reference: str, metrics: Iterable[str]) -> pd.DataFrame:
    """Long table: one row per scenario × design point × metric (``metrics`` and any
    gain half-lives).

    ``runs`` is the runs table (one row per run, with ``status``); ``parameters`` are
    the design's parameter columns, repeated on every row for reading the table alone."""
    metrics = summarised_metrics(runs.columns, metrics)
    ok = runs[runs["status"] == "ok"]
    reference_runs = ok.loc[ok["scenario"] == reference, ["point", "replicate", *metrics]]
    rows: list[dict[str, Any]] = []
    for (scenario, point), planned in runs.groupby(["scenario", "point"], sort=False):
        done = planned[planned["status"] == "ok"]
        keys = {"scenario": scenario, "point": point, **{p: planned[p].iloc[0] for p in parameters}}
        paired = None
        if scenario != reference:
            paired = done.merge(reference_runs, on=["point", "replicate"], suffixes=("", "@reference"))
        for metric in metrics:
            n, mean, sd, low, high = mean_interval(_numeric(done[metric]))
            row = {
                **keys,
                "metric": metric,
                "runs_ok": len(done),
                "runs_failed": int((planned["status"] == "failed").sum()),
                "n": n,
                "mean": mean,
                "sd": sd,
                "ci_low": low,
                "ci_high": high,
            }
            if paired is not None:
                differences = _numeric(paired[metric]) - _numeric(paired[f"{metric}@reference"])
                n_pairs, difference, difference_sd, difference_low, difference_high = mean_interval(differences)
            else:
                n_pairs, difference, difference_sd, difference_low, difference_high = (
                    0,
                    math.nan,
                    math.nan,
                    math.nan,
                    math.nan,
                )
            row.update(
                {
                    "n_pairs": n_pairs,
                    "difference": difference,
                    "difference_sd": difference_sd,
                    "difference_ci_low": difference_low,
                    "difference_ci_high": difference_high,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=["scenario", "point", *parameters, *COLUMNS])


SAMPLED_DESIGNS = ("lhs", "sobol", "morris")
"""Designs of many sampled points, summarised over the points in summary.md."""


def summary_markdown(summary: pd.DataFrame, experiment: Experiment) -> str:
    """summary.md (in English) of a sweep's summary table."""
    kind = experiment.spec.design.kind
    sampled = kind if kind in SAMPLED_DESIGNS else None
    names = experiment.parameter_names
    several = len(experiment.points) > 1 and sampled is None
    return readable_summary(
        summary,
        Labels("en"),
        experiment.name,
        experiment.reference,
        experiment.spec.replicates,
        (lambda point: describe_point(names, experiment.points[point])) if several else None,
        sampled,
    )
