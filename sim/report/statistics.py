"""The numbers behind the report's figures and tables.

- :func:`weekly_bands`: per scenario, design point, week and metric, the mean over
  replicates with its t-based 95% confidence interval (the bands of the time series);
- :func:`run_summary`: per scenario and design point, each per-run metric's n, mean,
  SD and 95% CI and the paired difference from the reference scenario — the same
  statistics as the sweep's summary.csv (:mod:`sim.experiments.summarise`), over
  more metrics;
- the gain half-lives of the runs are measured against the paired run of the
  reference scenario (same seed and design point) by
  :func:`sim.experiments.summarise.paired_half_lives`, as in the sweep's summary.csv;
- :func:`replicate_precision`: how the 95% CI half-width and the coefficient of
  variation of the mean settle as replicates are added in seed order.

Confidence intervals are t intervals of a mean, ``mean ± t(0.975, n−1)·SD/√n``;
undefined (NaN) with fewer than two values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.metrics import SUSTAINABILITY_METRICS
from sim.experiments.summarise import CONFIDENCE, summary_table
from sim.report.labels import HALF_LIFE_PREFIX, RUN

RUN_METRICS = tuple(SUSTAINABILITY_METRICS) + tuple(m for m in RUN if m not in SUSTAINABILITY_METRICS)
"""Every per-run metric of sim.core.metrics.sustainability, the sweep's summary metrics first."""

PRECISION_METRICS = ("mean_active_share_last2y", "mean_coverage_last2y", "persistence", "mean_coverage_gap_last2y")
"""The main sustainability metrics whose precision the replicate section follows."""


def t_half_width(sd: np.ndarray | pd.Series, n: np.ndarray | pd.Series) -> np.ndarray:
    """Half-width of the t-based 95% interval of a mean (NaN for n < 2)."""
    n = np.asarray(n, dtype=float)
    sd = np.asarray(sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.t.ppf(0.5 + CONFIDENCE / 2, np.where(n >= 2, n - 1, np.nan))
        return quantile * sd / np.sqrt(n)


def weekly_bands(weekly: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Long table: scenario, point, week, metric, n, mean, sd, ci_low, ci_high."""
    present = [m for m in metrics if m in weekly.columns]
    long = weekly.melt(id_vars=["scenario", "point", "week"], value_vars=present, var_name="metric")
    grouped = long.groupby(["scenario", "point", "metric", "week"], sort=False)["value"]
    bands = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = t_half_width(bands["sd"], bands["n"])
    bands["ci_low"] = bands["mean"] - half
    bands["ci_high"] = bands["mean"] + half
    return bands


def run_metrics(ok: pd.DataFrame) -> list[str]:
    """The per-run metrics present in a runs table, with any gain half-lives."""
    return [m for m in RUN_METRICS if m in ok.columns] + sorted(c for c in ok.columns if c.startswith(HALF_LIFE_PREFIX))


def run_summary(runs: pd.DataFrame, parameters: list[str], reference: str) -> pd.DataFrame:
    """Per scenario × design point × metric: n, mean, SD, 95% CI, paired difference."""
    return summary_table(runs, parameters, reference, run_metrics(runs))


def replicate_precision(ok: pd.DataFrame, reference: str, metrics: tuple[str, ...] = PRECISION_METRICS) -> pd.DataFrame:
    """Per scenario, design point, metric and n = 1 … replicates: the mean, SD, 95% CI
    half-width, half-width relative to |mean|, coefficient of variation (SD/|mean|) of
    the first n replicates in seed order, and the half-width of the paired difference
    from the reference over the same n replicates.

    Replicate k runs with child k of the root SeedSequence, and children are
    prefix-stable, so the first n replicates are exactly the runs an experiment with
    ``replicates = n`` would have made. Relative measures are NaN where the mean is 0."""
    rows = []
    reference_runs = ok[ok["scenario"] == reference].set_index(["point", "replicate"])
    for (scenario, point), arm in ok.groupby(["scenario", "point"], sort=False):
        arm = arm.sort_values("replicate")
        for metric in metrics:
            if metric not in arm.columns:
                continue
            values = pd.to_numeric(arm[metric], errors="coerce").to_numpy(dtype=float)
            differences = None
            if scenario != reference:
                keys = list(zip(arm["point"], arm["replicate"]))
                matched = reference_runs[metric].reindex(keys).to_numpy(dtype=float)
                differences = values - matched
            for n in range(1, len(values) + 1):
                first = values[:n][~np.isnan(values[:n])]
                count = len(first)
                mean = float(first.mean()) if count else np.nan
                sd = float(first.std(ddof=1)) if count >= 2 else np.nan
                half = float(t_half_width(sd, count))
                scale = abs(mean) if count and mean != 0 else np.nan
                row = {
                    "scenario": scenario,
                    "point": point,
                    "metric": metric,
                    "replicates": n,
                    "n": count,
                    "mean": mean,
                    "sd": sd,
                    "half_width": half,
                    "relative_half_width": half / scale,
                    "cv": sd / scale,
                    "difference_half_width": np.nan,
                }
                if differences is not None:
                    paired = differences[:n][~np.isnan(differences[:n])]
                    if len(paired) >= 2:
                        row["difference_half_width"] = float(t_half_width(paired.std(ddof=1), len(paired)))
                rows.append(row)
    return pd.DataFrame(rows)
