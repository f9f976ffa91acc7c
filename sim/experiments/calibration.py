"""Calibration targets (pattern-oriented modelling) and the model's values for them.

The measures are taken in the ordinary run loop (:func:`sim.experiments.runner.simulate`) by the
``calibration`` probe (:class:`CalibrationProbe`): every 13 recorded weeks it measures
each pattern, and at the end of the run it stores their means with the run's summary
(``calibration.<pattern>``). An experiment asks for it with ``[store] probes =
["calibration"]`` (experiments/calibration.toml); ``mutualaid calibrate`` compares the
runs of each scenario with the targets, from a sweep's results folder or from an
experiment or scenario file whose runs it makes through the sweep loop: target, band,
model mean with a 95% CI over replicates, and pass/fail. The test suite checks that
the shipped defaults stay in band.

The effect-size target is measured differently, by in-silico trials
(sim/experiments/trial.py, docs/trials.md): an experiment file's ``[trials]`` table
names the scenario, the interventions, the replicates and the root seed, and
:func:`run_trials` runs them with :func:`sim.experiments.trial.run_trial`, the code of
``mutualaid trial``, keeping each one's Hedges' g in loneliness at 6 and 12 months
against :data:`sim.experiments.trial.TRIAL_BAND` for the report's "In-silico trials".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.model import CommunityModel
from sim.core.params import Scenario
from sim.experiments.analyse import AnalysedRuns

if TYPE_CHECKING:
    from sim.experiments.schema import Trials

# What was tuned, and to what (docs/calibration.md; provenance "calibrated" in docs/parameters.md)
TUNED = (
    (
        "demography.health_at_60, demography.health_slope, demography.health_curvature, demography.frailty_sd",
        "disability (IADL or ADL limitation) by age band",
    ),
    ("motives.loneliness_rise, motives.loneliness_relief, network.contact_rate", "share lonely"),
    ("network.neighbour_meeting, network.contact_rate", "share socially isolated"),
    (
        "participation.willingness_intercept, participation.propensity_sd",
        "actual participation (active share; the SD chosen so that every setting, not only the defaults, is in band)",
    ),
    (
        "interventions.activities.attendance, interventions.targeted_support.pairs_per_week, "
        "interventions.targeted_support.pair_weeks, interventions.professional_services.psych_clients",
        "in-silico loneliness trials, g at 6 and 12 months (docs/trials.md)",
    ),
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
    Target(
        "active_share",
        0.30,
        0.20,
        0.40,
        "about 30% of older residents take part in mutual aid (band 20–40%); measured as the share who gave "
        "or received help in the last `participation.active_window` weeks [@rs4898207]",
    ),
)

SAMPLE_EVERY = 13


def top_share(hours: np.ndarray, fraction: float = 0.2) -> float:
    """Share of all hours given by the top ``fraction`` of givers (residents with
    hours > 0; NaN when nobody gave). One definition for the calibration target "a
    small active core" and the patterns report (sim/experiments/patterns.py)."""
    given = np.sort(hours[hours > 0])[::-1]
    if len(given) == 0:
        return float("nan")
    k = max(1, int(np.ceil(fraction * len(given))))
    return float(given[:k].sum() / given.sum())


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
    out["active_share"] = rec["active_share"]
    return out


class CalibrationProbe:
    """The ``calibration`` probe: each pattern measured every :data:`SAMPLE_EVERY`
    recorded weeks and averaged over the run (NaN when the run is shorter)."""

    def __init__(self, weeks: int):
        self.weeks_done = 0
        self.samples: list[dict[str, float]] = []

    def start(self, model: CommunityModel) -> None:
        """Nothing is measured during the burn-in."""

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        if self.weeks_done % SAMPLE_EVERY == 0:
            self.samples.append(measure(model))

    def result(self, model: CommunityModel) -> dict[str, float]:
        if not self.samples:
            return {t.name: float("nan") for t in TARGETS}
        return {k: float(np.nanmean([s[k] for s in self.samples])) for k in self.samples[0]}


PROBE = "calibration"


def probe_values(row: Mapping[str, Any]) -> dict[str, float]:
    """A run's calibration measures from its row of a runs table."""
    return {t.name: float(row[f"{PROBE}.{t.name}"]) for t in TARGETS}


def calibrate_runs(runs: AnalysedRuns) -> dict[str, list[dict]]:
    """Calibration rows for every scenario (and design point) of a set of runs."""
    runs.require_probe(PROBE, [f"{PROBE}.{t.name}" for t in TARGETS])
    runs.require_weeks(SAMPLE_EVERY, f"the calibration samples every {SAMPLE_EVERY} weeks")
    return {label: compare_with_targets([probe_values(r) for r in rows]) for label, rows in runs.groups()}


def calibrate(scenario: Scenario, replicates: int = 5, root_seed: int = 2024, workers: int = 1) -> list[dict]:
    """Target versus model for one scenario, one row per pattern: its replicates (with
    the sweep's seeds for ``root_seed``) run through the sweep loop."""
    from sim.experiments.analyse import runs_of_experiment
    from sim.experiments.plan import scenario_experiment

    experiment = scenario_experiment(scenario, replicates, root_seed, probes=(PROBE,))
    return next(iter(calibrate_runs(runs_of_experiment(experiment, workers)).values()))


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


TRIAL_OUTCOME = "loneliness"
"""The trial outcome the band of targets.md is about."""

TRIAL_SOURCE = "Hickin et al. 2021; Masi et al. 2011 [@hickin2021; @masi2011]"


@dataclass(frozen=True)
class TrialRows:
    """The calibration's trials: what was run (the ``[trials]`` table and the
    scenario's size) and one row per intervention and follow-up."""

    scenario: str
    residents: int
    replicates: int
    root_seed: int
    rows: list[dict[str, Any]]
    warnings: list[str]

    @property
    def in_band(self) -> bool:
        return all(r["in_band"] for r in self.rows)


def trial_weeks(trials: Trials, scenario: Scenario) -> int:
    """Recorded weeks the trials run in all (for a progress report)."""
    from sim.experiments.trial import trial_scenario

    return sum(trials.replicates * trial_scenario(scenario, name).simulation.weeks for name in trials.interventions)


def run_trials(trials: Trials, scenario: Scenario, progress: Callable[[int], None] | None = None) -> TrialRows:
    """Each intervention of ``trials`` trialled on ``scenario`` by
    :func:`sim.experiments.trial.run_trial` (the code of ``mutualaid trial``): its mean
    Hedges' g in loneliness at each follow-up with the t interval over replicates, and
    whether the mean lies in the band."""
    from sim.experiments.trial import TRIAL_BAND, run_trial

    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for name in trials.interventions:
        result = run_trial(scenario, name, trials.replicates, trials.root_seed, progress)
        warnings += [f"{name}: {warning}" for warning in result.warnings]
        for r in result.summary[result.summary["outcome"] == TRIAL_OUTCOME].to_dict("records"):
            rows.append(
                {
                    "intervention": name,
                    "months": int(r["months"]),
                    "replicates": int(r["replicates"]),
                    "g": float(r["g"]),
                    "ci_low": float(r["ci_low"]),
                    "ci_high": float(r["ci_high"]),
                    "sd": float(r["sd"]),
                    "n_treated": float(r["n_treated"]),
                    "n_control": float(r["n_control"]),
                    "band_low": TRIAL_BAND[0],
                    "band_high": TRIAL_BAND[1],
                    "in_band": bool(r["in_band"]),
                }
            )
    return TrialRows(trials.scenario, scenario.community.residents, trials.replicates, trials.root_seed, rows, warnings)


def format_trial_rows(trials: TrialRows) -> str:
    """The trials' rows as printed by ``mutualaid calibrate``."""
    lines = [
        f"in-silico trials on {trials.scenario} (loneliness, Hedges' g; {trials.replicates} replicates, "
        f"root seed {trials.root_seed})",
        f"{'intervention':<22} {'months':>6} {'band':>13} {'g (95% CI)':>22}  result",
    ]
    for r in trials.rows:
        lines.append(
            f"{r['intervention']:<22} {r['months']:>6} {r['band_low']:>6.2f}..{r['band_high']:<5.2f} "
            f"{r['g']:>6.2f} ({r['ci_low']:.2f} to {r['ci_high']:.2f})  {'pass' if r['in_band'] else 'FAIL'}"
        )
    return "\n".join(lines)


def trials_markdown(trials: TrialRows) -> list[str]:
    """The report's "In-silico trials" section."""
    from sim.experiments.trial import ELIGIBILITY, FOLLOW_UP

    lines = [
        "## In-silico trials",
        "",
        f"Each intervention trialled on `{trials.scenario}` ({trials.residents} residents) as `mutualaid trial` "
        f"does ([trials.md](trials.md)): at the intervention's start week its eligible residents are randomized "
        f"1:1, and Hedges' g in loneliness (treated − control) is measured "
        f"{' and '.join(str(w) for w in FOLLOW_UP.values())} weeks later; {trials.replicates} replicates "
        f"(root seed {trials.root_seed}, declared in the experiment file's `[trials]`), mean g with the t-based "
        "95% CI of that mean over replicates. Band: [targets.md](targets.md), effect of loneliness interventions.",
        "",
        "| intervention | eligible | months | band | g (95% CI) | SD over replicates | n per arm at follow-up | result | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in trials.rows:
        lines.append(
            f"| {r['intervention']} | {ELIGIBILITY[r['intervention']][0].split(' (')[0]} | {r['months']} | "
            f"{r['band_low']:.2f} to {r['band_high']:.2f} | {r['g']:.2f} ({r['ci_low']:.2f} to {r['ci_high']:.2f}) | "
            f"{r['sd']:.2f} | {r['n_treated']:.0f} / {r['n_control']:.0f} | "
            f"{'pass' if r['in_band'] else 'out of band'} | {TRIAL_SOURCE} |"
        )
    lines.append("")
    lines += [f"Warning: {warning}." for warning in trials.warnings]
    if trials.warnings:
        lines.append("")
    return lines


def markdown_report(
    results: dict[str, list[dict]], commands: list[str], runs: AnalysedRuns, trials: TrialRows | None = None
) -> str:
    """docs/calibration.md: every pattern, its band, the model's value, pass/fail,
    then the in-silico trials against their band (when the experiment declares them)."""
    made = " then ".join(f"`{c}`" for c in commands)
    lines = [
        "# Calibration report",
        "",
        f"Generated by {made} ({runs.description()}). Each pattern is measured every 13 recorded weeks and averaged over the run; "
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
    if trials is not None:
        lines += trials_markdown(trials)
    return "\n".join(lines)
