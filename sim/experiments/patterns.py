"""Pattern-oriented validation: patterns the model was *not* tuned to, reported as its
outputs (docs/targets.md: "patterns that the model must be able to express").

experiments/patterns.toml runs the calibrated default community over a formal-care
gradient; the ``patterns`` probe (:class:`PatternProbe`, asked for with ``[store]
probes = ["patterns"]``) measures the individual-level patterns at the end of each run
in the ordinary run loop (:func:`sim.experiments.runner.simulate`), and ``mutualaid patterns``
analyses the runs (a sweep's results folder, or the experiment run here) and writes
docs/patterns.md:

1. Stated willingness versus actual activity: the share who state they are willing,
   the share who gave help in the last 13 weeks, and the share of the willing who did.
2. Hours given per active member per year, and how concentrated giving is (the share
   of the year's hours given by the top fifth of givers: "a small active core").
3. Which kind of trust goes with willingness, and which with giving: standardized
   least-squares coefficients of stated willingness (0/1) and of having given in the
   last 13 weeks (0/1) on generalized trust and on particularized trust (the mean
   Beta-expectation of a resident's trust in their ties), among residents with ties.
4. What a cheap formal-care substitute does to the scheme: active share, member share
   and coverage over the last two years as ``community.formal_care`` rises.

Sections 1-3 are read from the runs of the reference scenario at the design point
whose formal care is the scenario's own; section 4 from every point.

Nothing here feeds back into the model; every number comes from runs anyone can
repeat with the same command.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.model import CommunityModel
from sim.experiments.analyse import AnalysedRuns
from sim.experiments.calibration import top_share
from sim.inputs.scenario import ScenarioError

RECENT = 13
FORMAL_CARE = "community.formal_care"


@dataclass
class Snapshot:
    willing_share: float
    gave_share: float
    willing_who_gave: float
    top_fifth_share: float
    willingness_coefficients: tuple[float, ...]  # (generalized, particularized)
    giving_coefficients: tuple[float, ...]


def standardized_coefficients(y: np.ndarray, x: np.ndarray) -> tuple[float, ...]:
    """Least-squares coefficients of standardized y on standardized columns of x."""
    z = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    yz = (y - y.mean()) / (y.std() if y.std() > 0 else 1.0)
    coef, *_ = np.linalg.lstsq(z, yz, rcond=None)
    return tuple(float(c) for c in coef)


def snapshot(model: CommunityModel, given_year_ago: np.ndarray, person_year_ago: np.ndarray) -> Snapshot:
    """The individual-level patterns at the model's current week."""
    pop, net, sc, week = model.pop, model.net, model.config, model.week
    occ = pop.occupied
    willing = pop.aware & (pop.willingness >= sc.participation.willing_threshold)
    gave = week - pop.last_gave < RECENT
    stayed = occ & (pop.person_id == person_year_ago)
    year_hours = np.where(stayed, pop.given_total - given_year_ago, 0.0)
    degree = net.degree()
    trust = net.trust_expectation(week, sc.trust.forgetting, slice(None))
    particularized = np.divide(
        np.bincount(net.owner, weights=trust, minlength=pop.n), degree, out=np.zeros(pop.n), where=degree > 0
    )
    tied = occ & (degree > 0)
    x = np.column_stack([pop.generalized_trust[tied], particularized[tied]])
    return Snapshot(
        willing_share=float(willing[occ].mean()),
        gave_share=float(gave[occ].mean()),
        willing_who_gave=float(gave[occ & willing].mean()) if (occ & willing).any() else float("nan"),
        top_fifth_share=top_share(year_hours),
        willingness_coefficients=standardized_coefficients(willing[tied].astype(float), x),
        giving_coefficients=standardized_coefficients(gave[tied].astype(float), x),
    )


PROBE = "patterns"
SNAPSHOT_KEYS = (
    "willing_share",
    "gave_share",
    "willing_who_gave",
    "top_fifth_share",
    "willingness_generalized",
    "willingness_particularized",
    "giving_generalized",
    "giving_particularized",
)
LAST_YEAR = 52


class PatternProbe:
    """The ``patterns`` probe: who has given what by the start of the last year of
    the run (its start, in a run of a year or less), and the :func:`snapshot` at the end."""

    def __init__(self, weeks: int):
        self.mark = max(0, weeks - LAST_YEAR)
        self.weeks_done = 0
        self.given_year_ago = np.zeros(0)
        self.person_year_ago = np.zeros(0)

    def _remember(self, model: CommunityModel) -> None:
        self.given_year_ago = model.pop.given_total.copy()
        self.person_year_ago = model.pop.person_id.copy()

    def start(self, model: CommunityModel) -> None:
        if self.mark == 0:
            self._remember(model)

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        if self.weeks_done == self.mark:
            self._remember(model)

    def result(self, model: CommunityModel) -> dict[str, float]:
        snap = snapshot(model, self.given_year_ago, self.person_year_ago)
        values = (
            snap.willing_share,
            snap.gave_share,
            snap.willing_who_gave,
            snap.top_fifth_share,
            *snap.willingness_coefficients,
            *snap.giving_coefficients,
        )
        return dict(zip(SNAPSHOT_KEYS, values, strict=True))


def _ci(values) -> str:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < 2:
        return f"{v.mean():.3f}" if len(v) else "n/a"
    half = 1.96 * v.std(ddof=1) / np.sqrt(len(v))
    return f"{v.mean():.3f} ({v.mean() - half:.3f} to {v.mean() + half:.3f})"


def _base_runs(runs: AnalysedRuns) -> pd.DataFrame:
    """The reference scenario's runs at its own formal care (every run of it when the
    design does not vary formal care)."""
    ok = runs.ok()
    ok = ok[ok["scenario"] == runs.reference]
    if FORMAL_CARE in runs.parameters:
        own = runs.scenario_dumps[runs.reference]["community"]["formal_care"]
        ok = ok[ok[FORMAL_CARE] == own]
        if ok.empty:
            raise ScenarioError(
                [
                    f"{runs.source}: the design has no successful run of {runs.reference!r} at its own "
                    f"{FORMAL_CARE} ({own:g}); sections 1-3 are read there: add it to the design's levels"
                ]
            )
    return ok


def report(runs: AnalysedRuns, commands: list[str]) -> str:
    """docs/patterns.md as text, from the runs of a patterns experiment."""
    runs.require_probe(PROBE, [f"{PROBE}.{key}" for key in SNAPSHOT_KEYS])
    runs.require_weeks(LAST_YEAR, "the patterns are measured over the last year of the run")
    base = _base_runs(runs)

    def col(key: str) -> pd.Series:
        return base[f"{PROBE}.{key}"]

    dump = runs.scenario_dumps[runs.reference]
    made = " then ".join(f"`{c}`" for c in commands)
    lines = [
        "# Pattern-oriented validation: what the model says about patterns it was not tuned to",
        "",
        f"Generated by {made} ({runs.description()}; the {runs.reference} community of "
        f"{dump['community']['residents']} residents over {dump['simulation']['weeks']} weeks; means with 95% CIs "
        f"over {len(base)} replicates). None of these numbers was a calibration target "
        "([targets.md](targets.md)); they are outputs of the model, reported so that they can be judged "
        "against field evidence. See sim/experiments/patterns.py for the definitions.",
        "",
        "## 1. Stated willingness versus actual activity",
        "",
        "| quantity (end of run) | value |",
        "|---|---|",
        f"| share who state they are willing | {_ci(col('willing_share'))} |",
        f"| share who gave help in the last 13 weeks | {_ci(col('gave_share'))} |",
        f"| share of the willing who gave in the last 13 weeks | {_ci(col('willing_who_gave'))} |",
        "",
        "## 2. Hours per active member, and a small active core",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| hours given per active member per year (last two years) | {_ci(base['hours_per_active_member_per_year'])} |",
        f"| share of the last year's hours given by the top fifth of givers | {_ci(col('top_fifth_share'))} |",
        "",
        "## 3. Which kind of trust goes with willingness, and which with giving",
        "",
        "Standardized least-squares coefficients among residents with at least one tie "
        "(generalized trust 社会信任 vs particularized trust in one's ties). These are associations in the "
        "simulated population, not effects: successful giving raises generalized trust (trust submodel), and "
        "stating willingness requires awareness, which spreads along ties.",
        "",
        "| outcome | generalized trust | particularized trust |",
        "|---|---|---|",
        f"| states willingness | {_ci(col('willingness_generalized'))} | {_ci(col('willingness_particularized'))} |",
        f"| gave in the last 13 weeks | {_ci(col('giving_generalized'))} | {_ci(col('giving_particularized'))} |",
        "",
    ]
    if FORMAL_CARE in runs.parameters:
        ok = runs.ok()
        gradient = ok[ok["scenario"] == runs.reference]
        lines += [
            "## 4. A cheap formal-care substitute",
            "",
            "Means over the last two years as the share of residual daily-living and health need "
            f"covered by formal care (`{FORMAL_CARE}`) rises:",
            "",
            "| formal care | active share | member share | coverage by mutual aid | hours per active member per year |",
            "|---|---|---|---|---|",
        ]
        for level, group in gradient.groupby(FORMAL_CARE):
            lines.append(
                f"| {level:.1f} | {_ci(group['mean_active_share_last2y'])} | {_ci(group['mean_member_share_last2y'])} | "
                f"{_ci(group['mean_coverage_last2y'])} | {_ci(group['hours_per_active_member_per_year'])} |"
            )
        lines.append("")
    return "\n".join(lines)
