"""In-silico trials (``mutualaid trial``, docs/trials.md): randomize the eligible
residents of one community to an intervention or to control, and measure the
standardized mean difference in their outcomes as a randomized trial would.

One replicate is one run of the scenario (:func:`sim.experiments.runner.simulate`) with the
intervention switched on. At the intervention's start week, before it first acts,
the residents its own targeting rule picks (:data:`ELIGIBILITY`) are shuffled with
the model's ``trial`` random stream and split 1:1 into a treated and a control arm;
the intervention's :class:`sim.core.reach.Reach` is set so that it reaches the treated arm
only and never uses a control resident to deliver it. 26 and 52 weeks later (6 and 12
months) each arm's residents still living there are measured (:data:`OUTCOMES`) and
Hedges' g, treated − control, is computed per outcome. Over K replicates (seeds
:func:`sim.experiments.plan.replicate_seeds`, the sweep's policy) the table reports
the mean g with the t-based 95% interval of that mean
(:func:`sim.experiments.summarise.mean_interval`): the uncertainty of the model's
expected trial result, not the sampling interval of one trial.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.core.model import CommunityModel
from sim.core.params import Scenario
from sim.core.reach import Reach
from sim.experiments.plan import replicate_seeds
from sim.experiments.runner import (
    OutputError,
    check_out_dir,
    json_safe,
    provenance,
    safe_filename,
    simulate,
    write_all_atomically,
)
from sim.experiments.summarise import mean_interval
from sim.inputs.scenario import ScenarioError
from sim.interventions import REGISTRY
from sim.submodels.observation import socially_isolated

FOLLOW_UP = {6: 26, 12: 52}
"""Months after the intervention's start at which the arms are measured, and the weeks they are."""

TRIAL_BAND = (-0.60, -0.10)
"""The band of targets.md for the SMD in loneliness at 6–12 months (Hickin et al. 2021; Masi et al. 2011)."""


def _eligible_everyone(model: CommunityModel) -> np.ndarray:
    return model.pop.occupied.copy()


def _eligible_lonely(model: CommunityModel) -> np.ndarray:
    return model.pop.occupied & (model.pop.loneliness > model.config.motives.lonely_threshold)


def _eligible_isolated(model: CommunityModel) -> np.ndarray:
    return socially_isolated(model.pop, model.net, model.community, model.config.network)


ELIGIBILITY: dict[str, tuple[str, Callable[[CommunityModel], np.ndarray]]] = {
    "activities": (
        "every resident (activities invite everyone; the trial invites the treated arm only)",
        _eligible_everyone,
    ),
    "targeted_support": (
        "socially isolated residents (whom one-to-one support looks for; the treated arm may be paired)",
        _eligible_isolated,
    ),
    "professional_services": (
        "lonely residents (loneliness above motives.lonely_threshold; whom psychological support treats)",
        _eligible_lonely,
    ),
}
"""The interventions a trial supports: each one's eligible residents at its start week
(its own targeting rule, read from its code), as a mask over dwelling slots."""


def _hours_received(model: CommunityModel, slots: np.ndarray, start: np.ndarray) -> np.ndarray:
    return model.pop.received_total[slots] - start


def _active(model: CommunityModel, slots: np.ndarray) -> np.ndarray:
    last_week = model.week - 1  # the week just completed
    return (last_week - model.pop.last_active[slots] < model.config.participation.active_window).astype(float)


OUTCOMES: dict[str, str] = {
    "loneliness": "loneliness (0–1)",
    "self_worth": "self-worth (0–1)",
    "belonging": "belonging (0–1)",
    "generalized_trust": "generalized trust (0–1)",
    "hours_received": "hours of help received since randomization",
    "member": "member of the scheme (0/1)",
    "active": "active in the scheme (gave or received within participation.active_window weeks; 0/1)",
}
"""The resident outcomes measured at each follow-up, with what they are."""


def supported() -> list[str]:
    """The interventions a trial can randomize (those that carry a reach)."""
    return sorted(ELIGIBILITY)


def check_intervention(name: str) -> None:
    """Refuse an intervention name a trial cannot run, saying which ones it can."""
    if name not in REGISTRY:
        raise ScenarioError([f"--intervention: no intervention {name!r}; trials support: {', '.join(supported())}"])
    if name not in ELIGIBILITY:
        raise ScenarioError(
            [
                f"--intervention: {name} has no trial arm (it consults no reach, sim/core/reach.py, so it cannot be "
                f"given to one arm only); trials support: {', '.join(supported())}"
            ]
        )


def trial_scenario(scenario: Scenario, name: str) -> Scenario:
    """``scenario`` with intervention ``name`` switched on and run just long enough for
    the last follow-up (its start week + 52 recorded weeks)."""
    check_intervention(name)
    block = getattr(scenario.interventions, name)
    weeks = block.start_week + max(FOLLOW_UP.values())
    simulation = scenario.simulation.model_copy()
    try:
        simulation.weeks = weeks  # validated on assignment, against the schema's bounds
    except ValidationError:
        raise ScenarioError(
            [
                f"interventions.{name}.start_week: {block.start_week} leaves no room for the trial's "
                f"{max(FOLLOW_UP.values())}-week follow-up within the longest allowed run (simulation.weeks); "
                "choose an earlier start week"
            ]
        ) from None
    interventions = scenario.interventions.model_copy(update={name: block.model_copy(update={"enabled": True})})
    return scenario.model_copy(update={"interventions": interventions, "simulation": simulation})


def randomize(eligible: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Split the ``eligible`` slots 1:1 at random into (treated, control), each sorted;
    with an odd number the one left over goes to control."""
    shuffled = rng.permutation(eligible)
    half = len(shuffled) // 2
    return np.sort(shuffled[:half]), np.sort(shuffled[half:])


def hedges_g(treated: np.ndarray, control: np.ndarray) -> float:
    """Hedges' g, treated − control: Cohen's d with the pooled SD, times the
    small-sample correction J = 1 − 3/(4(n_t + n_c) − 9). NaN when an arm has fewer
    than two values or the pooled SD is 0 (an outcome nobody varies on)."""
    nt, nc = len(treated), len(control)
    if nt < 2 or nc < 2:
        return math.nan
    pooled = ((nt - 1) * np.var(treated, ddof=1) + (nc - 1) * np.var(control, ddof=1)) / (nt + nc - 2)
    if pooled <= 0:
        return math.nan
    d = (float(np.mean(treated)) - float(np.mean(control))) / math.sqrt(pooled)
    return (1.0 - 3.0 / (4.0 * (nt + nc) - 9.0)) * d


@dataclass
class Arm:
    """One arm of a replicate: its residents' slots and person ids at randomization,
    and what they had received by then."""

    slots: np.ndarray
    person: np.ndarray
    received_at_start: np.ndarray

    def present(self, model: CommunityModel) -> np.ndarray:
        """Which of the arm's residents still live in their dwelling (not died or moved)."""
        return model.pop.occupied[self.slots] & (model.pop.person_id[self.slots] == self.person)

    def outcomes(self, model: CommunityModel) -> dict[str, np.ndarray]:
        """Each outcome of the residents still present."""
        keep = self.present(model)
        slots, pop = self.slots[keep], model.pop
        return {
            "loneliness": pop.loneliness[slots].copy(),
            "self_worth": pop.self_worth[slots].copy(),
            "belonging": pop.belonging[slots].copy(),
            "generalized_trust": pop.generalized_trust[slots].copy(),
            "hours_received": _hours_received(model, slots, self.received_at_start[keep]),
            "member": pop.member[slots].astype(float),
            "active": _active(model, slots),
        }


@dataclass
class TrialWatch:
    """Randomizes at the start week and measures at each follow-up; given to
    :func:`sim.experiments.runner.simulate` as its ``watch``."""

    intervention: str
    start_week: int
    arms: dict[str, Arm] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, model: CommunityModel) -> None:
        if model.week == self.start_week:
            self.randomize(model)
        for months, weeks in FOLLOW_UP.items():
            if model.week == self.start_week + weeks:
                self.measure(model, months)

    def randomize(self, model: CommunityModel) -> None:
        pop = model.pop
        eligible = np.flatnonzero(ELIGIBILITY[self.intervention][1](model))
        treated, control = randomize(eligible, model.streams["trial"])
        self.arms = {
            arm: Arm(slots, pop.person_id[slots].copy(), pop.received_total[slots].copy())
            for arm, slots in (("treated", treated), ("control", control))
        }
        model.governance.interventions[self.intervention].reach = Reach(
            self.arms["treated"].person, self.arms["control"].person
        )

    def measure(self, model: CommunityModel, months: int) -> None:
        treated, control = self.arms["treated"].outcomes(model), self.arms["control"].outcomes(model)
        for outcome in OUTCOMES:
            t, c = treated[outcome], control[outcome]
            self.rows.append(
                {
                    "months": months,
                    "outcome": outcome,
                    "g": hedges_g(t, c),
                    "treated_mean": float(t.mean()) if len(t) else math.nan,
                    "control_mean": float(c.mean()) if len(c) else math.nan,
                    "n_treated": len(t),
                    "n_control": len(c),
                    "randomized_treated": len(self.arms["treated"].slots),
                    "randomized_control": len(self.arms["control"].slots),
                }
            )


def run_replicate(
    scenario: Scenario, name: str, seed: int, progress: Callable[[int], None] | None = None
) -> tuple[list[dict[str, Any]], CommunityModel]:
    """One trial on ``scenario`` (already prepared by :func:`trial_scenario`): the
    per-outcome rows at each follow-up, and the final model."""
    watch = TrialWatch(name, getattr(scenario.interventions, name).start_week)
    model, _ = simulate(scenario, seed=seed, progress=progress, watch=watch)
    return [{"seed": seed, **row} for row in watch.rows], model


@dataclass
class TrialResult:
    scenario: Scenario
    intervention: str
    root_seed: int
    replicates: pd.DataFrame  # one row per replicate, follow-up and outcome
    summary: pd.DataFrame  # one row per follow-up and outcome
    warnings: list[str]


SUMMARY_COLUMNS = (
    "months",
    "outcome",
    "replicates",
    "g",
    "sd",
    "ci_low",
    "ci_high",
    "treated_mean",
    "control_mean",
    "n_treated",
    "n_control",
    "in_band",
)


def summarise(replicates: pd.DataFrame) -> pd.DataFrame:
    """Per follow-up and outcome: the mean of g over replicates with its SD and t-based
    95% interval, the arms' mean outcomes and sizes at follow-up, and (loneliness
    only) whether the mean g lies in the target band."""
    rows = []
    for (months, outcome), group in replicates.groupby(["months", "outcome"], sort=False):
        n, mean, sd, low, high = mean_interval(group["g"].to_numpy(dtype=float))
        in_band: bool | None = None
        if outcome == "loneliness" and not math.isnan(mean):
            in_band = TRIAL_BAND[0] <= mean <= TRIAL_BAND[1]
        rows.append(
            {
                "months": months,
                "outcome": outcome,
                "replicates": n,
                "g": mean,
                "sd": sd,
                "ci_low": low,
                "ci_high": high,
                "treated_mean": float(group["treated_mean"].mean()),
                "control_mean": float(group["control_mean"].mean()),
                "n_treated": float(group["n_treated"].mean()),
                "n_control": float(group["n_control"].mean()),
                "in_band": in_band,
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def run_trial(
    scenario: Scenario,
    name: str,
    replicates: int,
    root_seed: int,
    progress: Callable[[int], None] | None = None,
) -> TrialResult:
    """``replicates`` trials of intervention ``name`` on ``scenario``, one per seed of
    :func:`replicate_seeds` (``root_seed``); ``progress`` is told of every recorded week."""
    prepared = trial_scenario(scenario, name)
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    end = prepared.simulation.weeks
    for replicate, seed in enumerate(replicate_seeds(root_seed, replicates)):
        found, model = run_replicate(prepared, name, seed, progress)
        rows.extend({"replicate": replicate, **row} for row in found)
        stopped = model.governance.stopped.get(name)
        if stopped is not None and stopped < end:
            warnings.append(
                f"replicate {replicate} (seed {seed}): {name} stopped in week {stopped}, before the last follow-up"
            )
    table = pd.DataFrame(rows)
    return TrialResult(prepared, name, root_seed, table, summarise(table), warnings)


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def summary_markdown(result: TrialResult, command: str | None = None) -> str:
    """The summary table for people: one row per follow-up and outcome."""
    s = result.scenario
    label, _ = ELIGIBILITY[result.intervention]
    k = int(result.summary["replicates"].max()) if len(result.summary) else 0
    lines = [
        f"In-silico trial of `{result.intervention}` on `{s.name}` ({s.community.residents} residents; "
        f"eligible: {label}; randomized 1:1 at week {getattr(s.interventions, result.intervention).start_week}; "
        f"{k} replicates, root seed {result.root_seed}).",
        "",
        "Hedges' g, treated − control, mean over replicates with its 95% CI (t interval of the mean over "
        f"replicates); target band for loneliness at 6–12 months: {TRIAL_BAND[0]:.2f} to {TRIAL_BAND[1]:.2f}.",
    ]
    if command:
        lines += ["", f"Command: `{command}`"]
    lines += [
        "",
        "| months | outcome | g | 95% CI | SD over replicates | treated mean | control mean | n treated | n control | in band |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result.summary.itertuples(index=False):
        band = "" if r.in_band is None else ("yes" if r.in_band else "no")
        lines.append(
            f"| {r.months} | {r.outcome} | {_number(r.g, 2)} | {_number(r.ci_low, 2)} to {_number(r.ci_high, 2)} | "
            f"{_number(r.sd, 2)} | {_number(r.treated_mean)} | {_number(r.control_mean)} | {r.n_treated:.0f} | "
            f"{r.n_control:.0f} | {band} |"
        )
    for warning in result.warnings:
        lines += ["", f"Warning: {warning}."]
    return "\n".join(lines) + "\n"


TRIAL_FILES = {
    "summary_csv": "trial.csv",
    "summary_md": "trial.md",
    "replicates": "replicates.csv",
    "run": "trial.json",
}


def default_out_dir(scenario: Scenario, name: str, root_seed: int) -> Path:
    """``results/trial-<intervention>-<safe scenario name>-seed<N>``."""
    return Path("results") / f"trial-{name}-{safe_filename(scenario.name)}-seed{root_seed}"


def write_trial(result: TrialResult, out_dir: Path, command: list[str], overwrite: bool = False) -> dict[str, Path]:
    """Write the summary (CSV and markdown), the per-replicate table and trial.json
    (scenario, seeds, provenance) into ``out_dir`` as a run's results are written
    (:func:`sim.experiments.runner.write_all_atomically`; trial.json last)."""
    check_out_dir(out_dir, overwrite)
    paths = {key: out_dir / name for key, name in TRIAL_FILES.items()}
    shown = " ".join(command)
    meta = {
        "intervention": result.intervention,
        "eligible": ELIGIBILITY[result.intervention][0],
        "root_seed": result.root_seed,
        "seeds": sorted(set(result.replicates["seed"].tolist())) if len(result.replicates) else [],
        "follow_up_weeks": {str(m): w for m, w in FOLLOW_UP.items()},
        "target_band_loneliness": list(TRIAL_BAND),
        "warnings": result.warnings,
        "scenario": result.scenario.model_dump(mode="json"),
        "provenance": provenance(command),
    }
    texts = {
        "summary_csv": result.summary.to_csv(index=False),
        "summary_md": summary_markdown(result, shown),
        "replicates": result.replicates.to_csv(index=False),
        "run": json.dumps(json_safe(meta), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
    }

    def utf8(text: str) -> Callable[[IO[bytes]], object]:
        return lambda handle: handle.write(text.encode("utf-8"))

    try:
        write_all_atomically({paths[key]: utf8(text) for key, text in texts.items()})
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the trial's results ({exc.strerror or exc})") from None
    return paths
