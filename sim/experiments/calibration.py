"""Calibration targets (pattern-oriented modelling) and the model's values for them.

The measures are taken in the ordinary run loop (:func:`sim.experiments.runner.simulate`) by the
``calibration`` probe (:class:`CalibrationProbe`): every 13 recorded weeks it measures
each pattern, and at the end of the run it stores their means with the run's summary
(``calibration.<pattern>``). An experiment asks for it with ``[store] probes =
["calibration"]`` (experiments/calibration.toml); ``mutualaid calibrate`` compares the
runs of each scenario with the targets, from a sweep's results folder or from an
experiment or scenario file whose runs it makes through the sweep loop: target, band,
model mean with a 95% CI over replicates, and pass/fail. A target observed under a
named condition (hours per active member under a stably backed time bank) names the
scenario it is measured in (:attr:`Target.scenario`) and is checked there only. The test
suite checks that the shipped defaults stay in band.

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
NOT_TUNED = ("top_fifth_share", "hours_per_giver_year")
"""Targets checked but tuned to by no parameter: the giving patterns emerge from the model."""

CONDITIONS = {
    "time_bank_stable": "the calibrated defaults with a time bank whose redemption is guaranteed and whose costs a "
    "stable income covers (scenarios/time_bank_stable.toml), the condition of the Zeitvorsorge figures",
    "defaults_activities": "the calibrated defaults with community activities (experiments/calibration.toml sets "
    "`interventions.activities.enabled`), the treated arm of the direction check below; its baseline patterns "
    "are shown for information",
}
"""What each scenario named by a target or a direction check stands for (the opening of its report section)."""


@dataclass(frozen=True)
class Target:
    """A calibration pattern: its band (a model mean anywhere in it passes), the point
    value the source gives (None when the source states only a direction), and the
    scenario it is measured in: None for the baseline patterns, checked on the
    calibrated defaults (and shown for the settings, for information); a scenario's
    name for a pattern the source observed under a named condition (a stably backed
    time bank), which is checked in that scenario only."""

    name: str
    value: float | None
    low: float
    high: float
    source: str
    scenario: str | None = None


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
    Target(
        "top_fifth_share",
        None,
        0.5,
        1.0,
        "a small active core: a minority of members supplies most of the hours given [@timebank_reports]; read "
        "as the top fifth of a year's givers giving at least half of that year's hours (not tuned)",
    ),
    Target(
        "hours_per_giver_year",
        50.0,
        30.0,
        80.0,
        "Zeitvorsorge St. Gallen 2019: 235 active members gave 11,925 hours, about 50 a year each (band 30–80); "
        "measured as a year's hours given over the residents who gave in it, under a guaranteed, stably funded "
        "time bank (not tuned) [@zeitvorsorge2019]",
        scenario="time_bank_stable",
    ),
)


@dataclass(frozen=True)
class Direction:
    """A direction pattern: ``quantity`` is higher in ``scenario`` than in ``reference``,
    checked on runs paired by replicate (the same seeds): it passes when the 95% t
    interval of the mean paired difference lies above 0. It states a sign, not a size."""

    name: str
    scenario: str
    reference: str
    quantity: str
    source: str


DIRECTIONS = (
    Direction(
        "activities_raise_participation",
        "defaults_activities",
        "defaults",
        "active_share",
        "communities that organise activities regularly show higher participation (Xiamen, n=502) [@xu2025]",
    ),
)

SAMPLE_EVERY = 13
YEAR_SAMPLES = 52 // SAMPLE_EVERY
"""Samples in a year: the giving patterns compare a sample with the one a year before."""


def top_share(hours: np.ndarray, fraction: float = 0.2) -> float:
    """Share of all hours given by the top ``fraction`` of givers (residents with
    hours > 0; NaN when nobody gave). One definition for the calibration target "a
    small active core" and the patterns report (sim/experiments/patterns.py)."""
    given = np.sort(hours[hours > 0])[::-1]
    if len(given) == 0:
        return float("nan")
    k = max(1, int(np.ceil(fraction * len(given))))
    return float(given[:k].sum() / given.sum())


def targets_of(scenario: str) -> tuple[Target, ...]:
    """The targets a scenario is checked against: those named for it, else the baseline ones."""
    named = tuple(t for t in TARGETS if t.scenario == scenario)
    return named or tuple(t for t in TARGETS if t.scenario is None)


GivingMark = tuple[np.ndarray, np.ndarray]
"""Who held each place (``person_id``) and the hours they had given (``given_total``)."""


def giving_mark(model: CommunityModel) -> GivingMark:
    return model.pop.person_id.copy(), model.pop.given_total.copy()


def hours_since(model: CommunityModel, mark: GivingMark) -> np.ndarray:
    """Hours each current resident gave since ``mark``; 0 for residents who arrived
    since (their place was someone else's or empty), whose hours the mark cannot split."""
    person, given = mark
    pop = model.pop
    stayed = pop.occupied & (pop.person_id == person)
    return np.where(stayed, pop.given_total - given, 0.0)


def giving_patterns(hours: np.ndarray) -> dict[str, float]:
    """The year's giving as a scheme's records would show it: hours per resident who
    gave (the year's hours over the number of givers, as Zeitvorsorge counts hours per
    active member) and the share of the hours the top fifth of givers gave."""
    givers = int((hours > 0).sum())
    return {
        "top_fifth_share": top_share(hours),
        "hours_per_giver_year": float(hours.sum() / givers) if givers else float("nan"),
    }


def measure(model: CommunityModel, year_ago: GivingMark | None = None) -> dict[str, float]:
    """Calibration quantities over the model's current residents; the giving patterns
    over the year since ``year_ago`` (NaN without it)."""
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
    if year_ago is None:
        out.update({key: float("nan") for key in giving_patterns(np.zeros(0))})
    else:
        out.update(giving_patterns(hours_since(model, year_ago)))
    return out


class CalibrationProbe:
    """The ``calibration`` probe: each pattern measured every :data:`SAMPLE_EVERY`
    recorded weeks and averaged over the run (NaN when the run is shorter); the giving
    patterns over the year before each sample, from the first full recorded year on
    (NaN in a run shorter than a year)."""

    def __init__(self, weeks: int):
        self.weeks_done = 0
        self.samples: list[dict[str, float]] = []
        self.marks: list[GivingMark] = []

    def start(self, model: CommunityModel) -> None:
        """Nothing is measured during the burn-in; the giving of the first year counts from here."""
        self.marks = [giving_mark(model)]

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        if self.weeks_done % SAMPLE_EVERY == 0:
            year_ago = self.marks[0] if len(self.marks) == YEAR_SAMPLES else None
            self.samples.append(measure(model, year_ago))
            self.marks = [*self.marks, giving_mark(model)][-YEAR_SAMPLES:]

    def result(self, model: CommunityModel) -> dict[str, float]:
        if not self.samples:
            return {t.name: float("nan") for t in TARGETS}
        return {k: _mean_of_measured([s[k] for s in self.samples]) for k in self.samples[0]}


def _mean_of_measured(values: list[float]) -> float:
    """Mean of the samples that could be measured (NaN if none could)."""
    measured = [v for v in values if not np.isnan(v)]
    return float(np.mean(measured)) if measured else float("nan")


PROBE = "calibration"


def probe_values(row: Mapping[str, Any]) -> dict[str, float]:
    """A run's calibration measures from its row of a runs table (NaN for one the run
    was too short to measure, which a results folder keeps as null)."""
    values = {t.name: row[f"{PROBE}.{t.name}"] for t in TARGETS}
    return {name: float("nan") if value is None else float(value) for name, value in values.items()}


def calibrate_runs(runs: AnalysedRuns) -> dict[str, list[dict]]:
    """Calibration rows for every scenario (and design point) of a set of runs."""
    runs.require_probe(PROBE, [f"{PROBE}.{t.name}" for t in TARGETS])
    runs.require_weeks(SAMPLE_EVERY, f"the calibration samples every {SAMPLE_EVERY} weeks")
    return {
        label: compare_with_targets([probe_values(r) for r in rows], targets_of(scenario_of(label)))
        for label, rows in runs.groups()
    }


def scenario_of(label: str) -> str:
    """The scenario of a group label of :meth:`AnalysedRuns.groups` (``name`` or ``name (point)``)."""
    return label.split(" (", 1)[0]


def calibration_passes(
    results: dict[str, list[dict]], trials: TrialRows | None = None, directions: list[dict] | None = None
) -> bool:
    """What ``mutualaid calibrate``'s exit status says: every target of the first
    scenario (the calibrated defaults), every target measured under a named condition
    in its scenario (the defaults with a stably backed time bank), every direction check
    and every trial is in band. The other scenarios (the settings) are shown for
    information only."""
    groups = list(results.values())
    decisive = groups[:1] + [[r for r in rows if r["scenario"] is not None] for rows in groups[1:]]
    return (
        all(r["in_band"] for rows in decisive for r in rows)
        and all(r["in_band"] for r in directions or [])
        and (trials is None or trials.in_band)
    )


def direction_rows(runs: AnalysedRuns) -> list[dict]:
    """One row per direction check whose two scenarios the runs hold (at every design
    point): the mean paired difference of the run means of its quantity (scenario −
    reference, replicate by replicate) with its t-based 95% interval, and whether the
    interval lies above 0."""
    from sim.experiments.summarise import mean_interval

    ok = runs.ok()
    rows = []
    for d in DIRECTIONS:
        if d.scenario not in runs.scenarios or d.reference not in runs.scenarios:
            continue
        arm = ok[ok["scenario"] == d.scenario].set_index(["point", "replicate"])[f"{PROBE}.{d.quantity}"]
        ref = ok[ok["scenario"] == d.reference].set_index(["point", "replicate"])[f"{PROBE}.{d.quantity}"]
        paired = (arm - ref).dropna()
        n, mean, _, low, high = mean_interval(paired.to_numpy(dtype=float))
        rows.append(
            {
                "check": d.name,
                "quantity": d.quantity,
                "comparison": f"{d.scenario} − {d.reference}",
                "pairs": n,
                "difference": mean,
                "ci_low": low,
                "ci_high": high,
                "in_band": bool(low > 0),
                "source": d.source,
            }
        )
    return rows


def format_direction_rows(rows: list[dict]) -> str:
    """The direction checks as printed by ``mutualaid calibrate``."""
    lines = [
        f"direction checks (paired by replicate; pass: 95% CI above 0)\n{'check':<32} {'difference (95% CI)':>28}  result"
    ]
    for r in rows:
        lines.append(
            f"{r['check']:<32} {r['difference']:>+8.3f} ({r['ci_low']:+.3f} to {r['ci_high']:+.3f})  "
            f"{'pass' if r['in_band'] else 'FAIL'}"
        )
    return "\n".join(lines)


def directions_markdown(rows: list[dict]) -> list[str]:
    """The report's "Direction checks" section."""
    lines = [
        "## Direction checks",
        "",
        "A pattern that states a sign, not a size: the quantity's run mean in the treated scenario minus that in the "
        "reference, replicate by replicate (the same seeds), its mean with the t-based 95% CI; it passes when the "
        "whole interval lies above 0.",
        "",
        "| check | quantity | difference | pairs | mean difference (95% CI) | result | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['check']} | {r['quantity']} | {r['comparison']} | {r['pairs']} | {r['difference']:+.3f} "
            f"({r['ci_low']:+.3f} to {r['ci_high']:+.3f}) | {'pass' if r['in_band'] else 'out of band'} | "
            f"{r['source']} |"
        )
    return [*lines, ""]


def calibrate(scenario: Scenario, replicates: int = 5, root_seed: int = 2024, workers: int = 1) -> list[dict]:
    """Target versus model for one scenario, one row per pattern: its replicates (with
    the sweep's seeds for ``root_seed``) run through the sweep loop."""
    from sim.experiments.analyse import runs_of_experiment
    from sim.experiments.plan import scenario_experiment

    experiment = scenario_experiment(scenario, replicates, root_seed, probes=(PROBE,))
    return next(iter(calibrate_runs(runs_of_experiment(experiment, workers)).values()))


def compare_with_targets(runs: list[dict[str, float]], targets: tuple[Target, ...] = TARGETS) -> list[dict]:
    """One row per target: band, model mean and 95% CI over the runs, pass/fail."""
    rows = []
    for t in targets:
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
                "scenario": t.scenario,
            }
        )
    return rows


def _num(value: float | None) -> str:
    """A target or model value as reported: shares to three decimals, hours to one; "—"
    for a target given as a direction only."""
    if value is None:
        return "—"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"


def format_rows(rows: list[dict]) -> str:
    lines = [f"{'pattern':<20} {'target':>7} {'band':>13} {'model (95% CI)':>24}  result"]
    for r in rows:
        lines.append(
            f"{r['pattern']:<20} {_num(r['target']):>7} {_num(r['band_low']):>6}-{_num(r['band_high']):<6} "
            f"{_num(r['model_mean']):>7} ({_num(r['ci_low'])}-{_num(r['ci_high'])})  {'pass' if r['in_band'] else 'FAIL'}"
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
    results: dict[str, list[dict]],
    commands: list[str],
    runs: AnalysedRuns,
    trials: TrialRows | None = None,
    directions: list[dict] | None = None,
) -> str:
    """docs/calibration.md: every pattern, its band, the model's value, pass/fail,
    then the direction checks and the in-silico trials against their band (when the
    experiment holds their scenarios or declares them)."""
    made = " then ".join(f"`{c}`" for c in commands)
    lines = [
        "# Calibration report",
        "",
        f"Generated by {made} ({runs.description()}). Each pattern is measured every 13 recorded weeks and averaged over the run "
        "(the giving patterns over the year before each sample, from the end of the first recorded year); "
        "the model value is the mean over replicates with a 95% CI (normal approximation). "
        "Targets and sources: [targets.md](targets.md); full references: [references.bib](references.bib).",
        "",
        "## What was tuned",
        "",
        "| parameters | tuned to |",
        "|---|---|",
        *[f"| `{params}` | {target} |" for params, target in TUNED],
        "",
        f"Not tuned: {' and '.join(f'`{name}`' for name in NOT_TUNED)} (the small active core, hours per active member "
        "under a stably backed time bank) and the direction checks are checked but no parameter was chosen for them. "
        "The hours per active member were out of band until the time bank's standing arrangements were added "
        "(weekly visits its office schedules after a successful exchange, ODD 7.18); their rate "
        "`interventions.time_bank.arrangement_rate` is assumed, not chosen to fit (ODD, Calibration status).",
        "",
        "Everything else keeps its literature value or assumption ([parameters.md](parameters.md), column provenance). "
        "The calibrated defaults are the `defaults` scenario; the three settings change community "
        "parameters away from them on purpose ([scenarios.md](scenarios.md)) and are shown for information: they "
        "are not expected to match national averages. A target observed under a named condition is measured in "
        "a scenario of its own and counts like the defaults' (`mutualaid calibrate` exits 1 if it is out of band).",
        "",
    ]
    for name, rows in results.items():
        lines += [f"## {name}", "", *_condition_lines(name, runs)]
        lines += [
            "| pattern | target | band | model (95% CI) | result | source |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['pattern']} | {_num(r['target'])} | {_num(r['band_low'])}-{_num(r['band_high'])} | "
                f"{_num(r['model_mean'])} ({_num(r['ci_low'])}-{_num(r['ci_high'])}) | "
                f"{'pass' if r['in_band'] else 'out of band'} | {r['source']} |"
            )
        lines.append("")
    if directions:
        lines += directions_markdown(directions)
    if trials is not None:
        lines += trials_markdown(trials)
    return "\n".join(lines)


def _condition_lines(label: str, runs: AnalysedRuns) -> list[str]:
    """The opening of a named condition's section: what the scenario stands for, and
    for comparison the weekly reading of hours per giver, which counts every giver as
    if they gave every week (the summary's ``hours_per_active_giver_per_year``)."""
    name = scenario_of(label)
    if name not in CONDITIONS:
        return []
    text = f"Measured in {CONDITIONS[name]}"
    if "hours_per_giver_year" not in [t.name for t in targets_of(name)]:
        return [text + ".", ""]
    ok = runs.ok()
    text += (
        ". The hours per active member are a year's hours given over the residents "
        "who gave in that year, as a scheme's records count them"
    )
    if WEEKLY_READING in ok:
        weekly = float(ok.loc[ok["scenario"] == name, WEEKLY_READING].mean())
        text += (
            f"; the hours per giver in the weeks they gave, × 52 (`{WEEKLY_READING}`, which counts every giver as "
            f"if they gave every week), are {_num(weekly)} for comparison"
        )
    return [text + ".", ""]


WEEKLY_READING = "hours_per_active_giver_per_year"
