"""Calibration targets (pattern-oriented modelling) and the model's values for them.

``mutualaid calibrate SCENARIO`` runs replicates of a scenario, measures each pattern
of the calibration targets on the recorded weeks (sampled every 13 weeks) and prints
target, band, model mean with a 95% CI over replicates, and pass/fail.
``mutualaid calibrate experiments/calibration.toml --write docs/calibration.md`` does
the same for every scenario of an experiment file (its replicates, root seed and
horizon) and writes the calibration report. The test suite checks that the shipped
defaults stay in band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.model import CommunityModel, read_survey
from sim.params import Scenario

# What was tuned, and to what (docs/calibration.md; provenance "calibrated" in docs/parameters.md)
TUNED = (
    (
        "demography.health_at_60, demography.health_slope, demography.health_curvature, demography.frailty_sd",
        "disability (IADL or ADL limitation) by age band",
    ),
    ("motives.loneliness_rise, motives.loneliness_relief", "share lonely"),
    ("network.neighbour_ties, network.friend_ties, network.casual_contact", "share socially isolated"),
)


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    low: float
    high: float
    source: str


TARGETS = (
    Target(
        "disability_60_69",
        0.108,
        0.078,
        0.138,
        "Chen et al. 2023 meta-analysis (ADL or IADL limitation), ±3 points [@chen2023]",
    ),
    Target("disability_70_79", 0.212, 0.182, 0.242, "Chen et al. 2023 meta-analysis, ±3 points [@chen2023]"),
    Target("disability_80_plus", 0.470, 0.440, 0.500, "Chen et al. 2023 meta-analysis, ±3 points [@chen2023]"),
    Target(
        "lonely_share",
        0.30,
        0.25,
        0.35,
        "CHARLS ≈30%, CLHLS ≈28%, national survey 36.6% (use 30% ±5) [@charls; @clhls; @loneliness_national_survey]",
    ),
    Target("isolated_share", 0.24, 0.19, 0.29, "CHARLS-based studies ≈24% [@charls]"),
)

SAMPLE_EVERY = 13


def measure(model: CommunityModel) -> dict[str, float]:
    """Calibration quantities over the model's current residents."""
    pop, d = model.pop, model.config.demography
    occ = pop.occupied
    disabled = pop.health < d.iadl_threshold
    out = {}
    for name, lo, hi in (("disability_60_69", 60, 70), ("disability_70_79", 70, 80), ("disability_80_plus", 80, 200)):
        band = occ & (pop.age >= lo) & (pop.age < hi)
        out[name] = float(disabled[band].mean()) if band.any() else float("nan")
    rec = model.records[-1]
    out["lonely_share"] = rec["lonely_share"]
    out["isolated_share"] = rec["isolated_share"]
    return out


def run_replicate(scenario: Scenario, seed: int, weeks: int | None = None) -> dict[str, float]:
    """Mean of each calibration quantity over the recorded weeks of one run."""
    model = CommunityModel(scenario, rng=seed, survey=read_survey(scenario))
    weeks = scenario.simulation.weeks if weeks is None else weeks
    model.run(0)  # burn-in
    samples = []
    for w in range(weeks):
        model.step()
        if w % SAMPLE_EVERY == SAMPLE_EVERY - 1:
            samples.append(measure(model))
    return {k: float(np.nanmean([s[k] for s in samples])) for k in samples[0]}


def calibrate(
    scenario: Scenario,
    replicates: int = 5,
    weeks: int | None = None,
    root_seed: int = 2024,
    progress: Callable[[int], None] | None = None,
) -> list[dict]:
    """Target versus model, one row per pattern. ``progress(1)`` is called after each
    replicate, so a caller can show how far a long calibration is."""
    seeds = np.random.SeedSequence(root_seed).generate_state(replicates)
    runs = []
    for s in seeds:
        runs.append(run_replicate(scenario, int(s), weeks))
        if progress is not None:
            progress(1)
    return compare_with_targets(runs)


def compare_with_targets(runs: list[dict[str, float]]) -> list[dict]:
    """One row per target: band, model mean and 95% CI over the runs, pass/fail."""
    rows = []
    for t in TARGETS:
        values = np.array([r[t.name] for r in runs])
        mean = float(values.mean())
        half = float(1.96 * values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else float("nan")
        rows.append(
            {
                "pattern": t.name,
                "target": t.value,
                "band_low": t.low,
                "band_high": t.high,
                "model_mean": mean,
                "ci_low": mean - half,
                "ci_high": mean + half,
                "in_band": bool(t.low <= mean <= t.high),
                "source": t.source,
            }
        )
    return rows


def format_rows(rows: list[dict]) -> str:
    lines = [f"{'pattern':<20} {'target':>7} {'band':>13} {'model (95% CI)':>24}  result"]
    for r in rows:
        lines.append(
            f"{r['pattern']:<20} {r['target']:>7.3f} {r['band_low']:>6.3f}-{r['band_high']:<6.3f} "
            f"{r['model_mean']:>7.3f} ({r['ci_low']:.3f}-{r['ci_high']:.3f})  {'pass' if r['in_band'] else 'FAIL'}"
        )
    return "\n".join(lines)


def calibrate_experiment(experiment, progress: Callable[[int], None] | None = None) -> dict[str, list[dict]]:
    """Calibration rows for every scenario of an experiment (a loaded
    :class:`sim.experiments.plan.Experiment`, or the path of its file), with its seeds.
    ``progress(1)`` is called after each of its runs."""
    from sim.experiments.plan import load_experiment

    if isinstance(experiment, (str, Path)):
        experiment = load_experiment(experiment)
    by_scenario: dict[str, list[dict[str, float]]] = {}
    for run in experiment.runs:
        scenario = experiment.scenario_for(run)
        by_scenario.setdefault(run.scenario, []).append(run_replicate(scenario, run.seed))
        if progress is not None:
            progress(1)
    return {name: compare_with_targets(runs) for name, runs in by_scenario.items()}


def markdown_report(results: dict[str, list[dict]], command: str) -> str:
    """docs/calibration.md: every pattern, its band, the model's value, pass/fail."""
    lines = [
        "# Calibration report",
        "",
        f"Generated by `{command}`. Each pattern is measured every 13 recorded weeks and averaged over the run; "
        "the model value is the mean over replicates with a 95% CI (normal approximation). "
        "Targets and sources: [targets.md](targets.md); full references: [references.bib](references.bib).",
        "",
        "## What was tuned",
        "",
        "| parameters | tuned to |",
        "|---|---|",
        *[f"| `{params}` | {target} |" for params, target in TUNED],
        "",
        "Everything else keeps its literature value or assumption ([parameters.md](parameters.md), column provenance). "
        "The calibrated defaults are the `defaults` scenario; the three settings change community "
        "parameters away from them on purpose ([scenarios.md](scenarios.md)) and are shown for information: they "
        "are not expected to match national averages.",
        "",
    ]
    for name, rows in results.items():
        lines += [
            f"## {name}",
            "",
            "| pattern | target | band | model (95% CI) | result | source |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['pattern']} | {r['target']:.3f} | {r['band_low']:.3f}-{r['band_high']:.3f} | "
                f"{r['model_mean']:.3f} ({r['ci_low']:.3f}-{r['ci_high']:.3f}) | "
                f"{'pass' if r['in_band'] else 'out of band'} | {r['source']} |"
            )
        lines.append("")
    return "\n".join(lines)
