"""Global sensitivity analysis of a Sobol' or Morris sweep, mirrored on its sampling.

SALib's sampling and analysis are two halves around one ``problem`` (names, bounds).
The sweep sampled its design from the problem recorded in the manifest
(:mod:`sim.experiments.design`); the analysis here reads that same problem and the
same design settings, and matches the runs to the sampler's rows by their design
point number (point ``j`` is row ``j`` of the sample matrix; docs/experiments.md).

- **Sobol'** (Saltelli 2002; Saltelli et al. 2010; Jansen's total-order estimator, as
  SALib computes them): first-order indices S1 (the share of the output's variance due
  to one parameter alone) and total-order indices ST (its share including all its
  interactions), with bootstrap 95% confidence intervals; second-order S2 when the
  design has them. ``SALib.analyze.sobol``.
- **Morris** (Morris 1991; Campolongo et al. 2007): elementary effects along
  one-at-a-time trajectories; μ* (mean absolute effect, with a bootstrap 95% CI) ranks
  importance and σ (SD of the effects) flags non-linearity or interaction. Effects are
  output change per unit of the normalized range (SALib's convention), so μ* is in the
  output's units. ``SALib.analyze.morris`` needs the sample matrix itself, which is
  regenerated with the sweep's sampler and seed and checked against the stored points.

A model run is noisy: with several replicates per point the analysis uses each
point's mean over its successful replicates (common random numbers make replicate k
of every point share a seed), and :func:`output_noise` reports how much of the
outputs' variance is replicate noise rather than the parameters' doing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analysis
from SALib.analyze import sobol as sobol_analysis

from sim.core.metrics import SUSTAINABILITY_METRICS
from sim.experiments.design import morris_trajectories, saltelli
from sim.report.results import ReportError, Results

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20240601
"""Fixed, so the confidence intervals of a report are reproducible."""

OUTPUTS = tuple(SUSTAINABILITY_METRICS)
"""The outputs analysed: the sustainability metrics of sim.core.metrics."""
FIGURE_OUTPUTS = ("mean_active_share_last2y", "mean_coverage_last2y", "persistence", "mean_coverage_gap_last2y")
"""The outputs drawn (all are in the table)."""


def sampler_seed(experiment: dict[str, Any]) -> int:
    """The seed the sweep sampled its design with: ``design.seed`` or else the root seed."""
    seed = experiment["design"].get("seed")
    return int(experiment["root_seed"] if seed is None else seed)


def design_matrix(design: dict[str, Any], problem: dict[str, Any], seed: int) -> np.ndarray:
    """The sample matrix of a Sobol' or Morris design, drawn by the sweep's own sampler.

    ``design`` holds the design's settings as the manifest records them (``kind``,
    ``N`` and ``calc_second_order``, or ``trajectories`` and ``levels``)."""
    problem = copy.deepcopy(problem)
    if design["kind"] == "sobol":
        return saltelli(problem, int(design["N"]), bool(design["calc_second_order"]), seed)
    if design["kind"] == "morris":
        return morris_trajectories(problem, int(design["trajectories"]), int(design["levels"]), seed)
    raise ValueError(f"no sensitivity analysis for a {design['kind']!r} design")


def sobol_indices(
    problem: dict[str, Any], y: np.ndarray, calc_second_order: bool, seed: int = BOOTSTRAP_SEED
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """S1 and ST per parameter with 95% CIs (and S2 per pair when computed).

    ``y`` holds the output at each row of the Saltelli sample, in the sampler's order."""
    result = sobol_analysis.analyze(
        copy.deepcopy(problem),
        np.asarray(y, dtype=float),
        calc_second_order=calc_second_order,
        num_resamples=BOOTSTRAP_RESAMPLES,
        conf_level=CONFIDENCE,
        seed=seed,
    )
    names = list(problem["names"])
    first = pd.DataFrame(
        {
            "parameter": names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
    for index in ("S1", "ST"):
        first[f"{index}_low"] = first[index] - first[f"{index}_conf"]
        first[f"{index}_high"] = first[index] + first[f"{index}_conf"]
    second = None
    if calc_second_order:
        pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
        second = pd.DataFrame(
            {
                "parameter": [names[i] for i, _ in pairs],
                "other": [names[j] for _, j in pairs],
                "S2": [result["S2"][i, j] for i, j in pairs],
                "S2_conf": [result["S2_conf"][i, j] for i, j in pairs],
            }
        )
    return first, second


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int, seed: int = BOOTSTRAP_SEED
) -> pd.DataFrame:
    """μ, μ*, its 95% CI and σ per parameter from the sample ``x`` and outputs ``y``."""
    result = morris_analysis.analyze(
        copy.deepcopy(problem),
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        num_resamples=BOOTSTRAP_RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=levels,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            "parameter": list(problem["names"]),
            "mu": result["mu"],
            "mu_star": result["mu_star"],
            "mu_star_conf": result["mu_star_conf"],
            "sigma": result["sigma"],
        }
    )
    table["mu_star_low"] = table["mu_star"] - table["mu_star_conf"]
    table["mu_star_high"] = table["mu_star"] + table["mu_star_conf"]
    return table


def check_matrix(matrix: np.ndarray, results: Results) -> None:
    """Refuse to analyse when the regenerated sample is not the one the sweep ran.

    Real parameters must agree with the stored points; integer ones, which the sweep
    sampled on a widened range and rounded down, must round to the stored values; and
    every successful run must carry its point's values."""
    points, names = results.points, results.parameters
    problem = results.design["problem"]
    if matrix.shape != (len(points), len(names)):
        raise ReportError(
            f"{results.path}: the design cannot be reproduced: the sampler now gives {matrix.shape[0]} "
            f"points, the manifest has {len(points)} (a different SALib version?)"
        )
    for column, name in enumerate(names):
        stored = np.array([point[name] for point in points], dtype=float)
        sampled = matrix[:, column]
        if all(isinstance(point[name], int) for point in points):
            top = problem["bounds"][column][1]
            sampled = np.floor(np.minimum(sampled, top - 1.0))
        if not np.allclose(sampled, stored, rtol=1e-9, atol=1e-12):
            raise ReportError(
                f"{results.path}: the design cannot be reproduced: {name} differs from the stored points "
                f"(a different SALib version?); its indices would be matched to the wrong runs"
            )
    ok = results.ok
    for name in names:
        expected = np.array([points[p][name] for p in ok["point"]], dtype=float)
        if not np.allclose(ok[name].to_numpy(dtype=float), expected, rtol=1e-9, atol=1e-12):
            raise ReportError(f"{results.path}: runs.parquet disagrees with the manifest's design points on {name}")


def outputs_by_point(ok: pd.DataFrame, n_points: int, output: str) -> np.ndarray:
    """Each design point's mean output over its successful replicates, in point order
    (NaN where a point has none)."""
    values = pd.to_numeric(ok[output], errors="coerce").astype(float)
    means = values.groupby(ok["point"]).mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def output_noise(ok: pd.DataFrame, output: str) -> float:
    """Share of the variance of single runs' output that lies within design points
    (replicate noise); NaN with one replicate per point."""
    values = pd.to_numeric(ok[output], errors="coerce").astype(float)
    within = values.groupby(ok["point"]).var(ddof=1)
    total = values.var(ddof=1)
    if within.isna().all() or not total > 0:
        return float("nan")
    return float(within.mean() / total)


@dataclass
class Sensitivity:
    """The sensitivity analysis of one experiment, every scenario and output."""

    kind: str
    indices: pd.DataFrame
    """One row per scenario × output × parameter."""
    outputs: pd.DataFrame
    """One row per scenario × output: points, mean replicates, mean, SD, noise share."""
    second_order: pd.DataFrame | None = None
    skipped: list[tuple[str, str, str, dict[str, int]]] = field(default_factory=list)
    """(scenario, output or "", reason key in labels.TEXT, its values) of what could
    not be analysed."""


def analyse(results: Results) -> Sensitivity:
    """Sobol' or Morris indices of every sustainability output, for every scenario."""
    design = results.design
    problem = design["problem"]
    matrix = design_matrix(design, problem, sampler_seed(results.experiment))
    check_matrix(matrix, results)
    n_points = len(results.points)
    ok = results.ok
    index_tables, output_rows, second_tables, skipped = [], [], [], []
    for scenario in results.scenarios:
        runs = ok[ok["scenario"] == scenario]
        missing = n_points - runs["point"].nunique()
        if missing:
            skipped.append((scenario, "", "reason_missing_points", {"missing": missing, "points": n_points}))
            continue
        for output in OUTPUTS:
            if output not in runs.columns:
                continue
            y = outputs_by_point(runs, n_points, output)
            if not np.isfinite(y).all():
                skipped.append((scenario, output, "reason_not_finite", {}))
                continue
            if np.ptp(y) == 0:
                skipped.append((scenario, output, "reason_constant", {}))
                continue
            if design["kind"] == "sobol":
                table, second = sobol_indices(problem, y, bool(design["calc_second_order"]))
                if second is not None:
                    second_tables.append(second.assign(scenario=scenario, output=output))
            else:
                table = morris_indices(problem, matrix, y, int(design["levels"]))
            index_tables.append(table.assign(scenario=scenario, output=output))
            output_rows.append(
                {
                    "scenario": scenario,
                    "output": output,
                    "points": n_points,
                    "replicates_per_point": float(runs.groupby("point").size().mean()),
                    "mean": float(y.mean()),
                    "sd": float(y.std(ddof=1)),
                    "replicate_noise_share": output_noise(runs, output),
                }
            )
    front = ["scenario", "output", "parameter"]
    indices = pd.concat(index_tables, ignore_index=True) if index_tables else pd.DataFrame(columns=front)
    indices = indices[front + [c for c in indices.columns if c not in front]]
    second_order = None
    if second_tables:
        second_order = pd.concat(second_tables, ignore_index=True)
        second_order = second_order[["scenario", "output", "parameter", "other", "S2", "S2_conf"]]
    return Sensitivity(design["kind"], indices, pd.DataFrame(output_rows), second_order, skipped)
