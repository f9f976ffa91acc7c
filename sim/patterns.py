"""Pattern-oriented validation: patterns the model was *not* tuned to, reported as its
outputs (docs/targets.md: "patterns that the model must be able to express").

``mutualaid patterns`` runs replicates of the calibrated default community and of a
formal-care gradient and writes docs/patterns.md:

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

Nothing here feeds back into the model; every number comes from runs anyone can
repeat with the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model import CommunityModel, read_survey
from sim.params import Scenario
from sim.runner import run_scenario
from sim.scenario import scenario_from_dict

RECENT = 13
FORMAL_CARE_LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8)


@dataclass
class Snapshot:
    willing_share: float
    gave_share: float
    willing_who_gave: float
    top_fifth_share: float
    willingness_coefficients: tuple[float, float]  # (generalized, particularized)
    giving_coefficients: tuple[float, float]


def standardized_coefficients(y: np.ndarray, x: np.ndarray) -> tuple[float, ...]:
    """Least-squares coefficients of standardized y on standardized columns of x."""
    z = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    yz = (y - y.mean()) / (y.std() if y.std() > 0 else 1.0)
    coef, *_ = np.linalg.lstsq(z, yz, rcond=None)
    return tuple(float(c) for c in coef)


def top_share(hours: np.ndarray, fraction: float = 0.2) -> float:
    """Share of all hours given by the top ``fraction`` of givers."""
    given = np.sort(hours[hours > 0])[::-1]
    if len(given) == 0:
        return float("nan")
    k = max(1, int(np.ceil(fraction * len(given))))
    return float(given[:k].sum() / given.sum())


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


OnRun = Callable[[int], None]  # told each finished run


def _done(progress: OnRun | None) -> None:
    if progress is not None:
        progress(1)


def individual_patterns(scenario: Scenario, seeds: list[int], progress: OnRun | None = None) -> list[Snapshot]:
    """One snapshot per replicate at the end of the run."""
    out = []
    for seed in seeds:
        model = CommunityModel(scenario, rng=seed, survey=read_survey(scenario))
        model.run(scenario.simulation.weeks - 52)
        given, person = model.pop.given_total.copy(), model.pop.person_id.copy()
        model.run(52)
        out.append(snapshot(model, given, person))
        _done(progress)
    return out


def formal_care_gradient(base: dict, seeds: list[int], progress: OnRun | None = None) -> pd.DataFrame:
    rows = []
    for level in FORMAL_CARE_LEVELS:
        scenario = scenario_from_dict({**base, "community": {**base.get("community", {}), "formal_care": level}})
        for seed in seeds:
            s = run_scenario(scenario, seed=seed).summary
            rows.append(
                {
                    "formal_care": level,
                    "seed": seed,
                    "active_share": s["mean_active_share_last2y"],
                    "member_share": s["mean_member_share_last2y"],
                    "coverage": s["mean_coverage_last2y"],
                    "hours_per_active_member_per_year": s["hours_per_active_member_per_year"],
                }
            )
            _done(progress)
    return pd.DataFrame(rows)


def runs_in_report(replicates: int) -> int:
    """How many model runs :func:`report` makes: per replicate, one for the individual
    patterns, one for the summaries and one per formal-care level."""
    return replicates * (2 + len(FORMAL_CARE_LEVELS))


def _ci(values) -> str:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < 2:
        return f"{v.mean():.3f}" if len(v) else "n/a"
    half = 1.96 * v.std(ddof=1) / np.sqrt(len(v))
    return f"{v.mean():.3f} ({v.mean() - half:.3f} to {v.mean() + half:.3f})"


def report(
    replicates: int = 5, weeks: int = 520, residents: int = 1000, root_seed: int = 7, progress: OnRun | None = None
) -> str:
    """Run the pattern experiments and return docs/patterns.md as text.

    ``progress(1)`` is called after each of the :func:`runs_in_report` runs, so a
    caller can show how far the job (minutes at the default sizes) has come."""
    seeds = [int(s) for s in np.random.SeedSequence(root_seed).generate_state(replicates)]
    base = {"name": "defaults", "community": {"residents": residents}, "simulation": {"weeks": weeks}}
    scenario = scenario_from_dict(base)
    snaps = individual_patterns(scenario, seeds, progress)
    summaries = []
    for seed in seeds:
        summaries.append(run_scenario(scenario, seed=seed).summary)
        _done(progress)
    gradient = formal_care_gradient(base, seeds, progress)

    lines = [
        "# Pattern-oriented validation: what the model says about patterns it was not tuned to",
        "",
        f"Generated by `mutualaid patterns --replicates {replicates} --weeks {weeks} --residents {residents}` "
        f"(root seed {root_seed}; the calibrated default community; means with 95% CIs over "
        f"{replicates} replicates). None of these numbers was a calibration target "
        "([targets.md](targets.md)); they are outputs of the model, reported so that they can be judged "
        "against field evidence. See sim/patterns.py for the definitions.",
        "",
        "## 1. Stated willingness versus actual activity",
        "",
        "| quantity (end of run) | value |",
        "|---|---|",
        f"| share who state they are willing | {_ci([s.willing_share for s in snaps])} |",
        f"| share who gave help in the last 13 weeks | {_ci([s.gave_share for s in snaps])} |",
        f"| share of the willing who gave in the last 13 weeks | {_ci([s.willing_who_gave for s in snaps])} |",
        "",
        "## 2. Hours per active member, and a small active core",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| hours given per active member per year (last two years) | {_ci([s['hours_per_active_member_per_year'] for s in summaries])} |",
        f"| share of the last year's hours given by the top fifth of givers | {_ci([s.top_fifth_share for s in snaps])} |",
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
        f"| states willingness | {_ci([s.willingness_coefficients[0] for s in snaps])} | {_ci([s.willingness_coefficients[1] for s in snaps])} |",
        f"| gave in the last 13 weeks | {_ci([s.giving_coefficients[0] for s in snaps])} | {_ci([s.giving_coefficients[1] for s in snaps])} |",
        "",
        "## 4. A cheap formal-care substitute",
        "",
        "Means over the last two years as the share of residual daily-living and health need "
        "covered by formal care (`community.formal_care`) rises:",
        "",
        "| formal care | active share | member share | coverage by mutual aid | hours per active member per year |",
        "|---|---|---|---|---|",
    ]
    for level, group in gradient.groupby("formal_care"):
        lines.append(
            f"| {level:.1f} | {_ci(group.active_share)} | {_ci(group.member_share)} | {_ci(group.coverage)} | "
            f"{_ci(group.hours_per_active_member_per_year)} |"
        )
    lines.append("")
    return "\n".join(lines)
