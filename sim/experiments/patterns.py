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
2. Hours given per active member per year, hours given per registrant per year (the
   time banks' own measure, targets.md) and the share of registrants who have never
   exchanged since they joined, over the last two years; and how concentrated giving is
   (the share of the year's hours given by the top fifth of givers: "a small active
   core").
3. Which kind of trust goes with willingness, and which with giving: standardized
   least-squares coefficients of stated willingness (0/1) and of having given in the
   last 13 weeks (0/1) on generalized trust and on particularized trust (the mean
   Beta-expectation of a resident's trust in their ties), among residents with ties.
4. What a cheap formal-care substitute does to the scheme: active share, member share
   and coverage over the last two years as ``community.formal_care`` rises, for every
   scenario of the experiment (patterns.toml runs the defaults, whose formal care acts
   only by substitution, and the defaults with the motivation channel on).
5. Whether mutual-aid ties protect wellbeing: the standardized coefficient of being
   *exposed* (at least one tie formed by an exchange, or help received in the last 13
   weeks) in the least-squares regression of loneliness at the end of the run on
   exposure, health, age, living alone and the number of other ties; and a
   within-person comparison: the change in loneliness over the 13 weeks from the week
   before a resident first receives help, minus that of the matched resident who had
   never received help (nearest in loneliness, health and age, same living
   arrangement, drawn from the same week).

6. What norm authority is made of (audit F15): each resident's norm authority A_i is the
   Beta expectation of the violations they witnessed with the prior
   ``norms.initial_authority`` worth ``norms.authority_prior_weight`` cases
   (sim/submodels/norms.py). Over the last two years, week by week among the residents
   aware of the scheme: the mean A_i; the share whose witnessed weight
   w_i = seen_sanctioned + seen_unpunished (forgotten at ``norms.witness_forgetting``)
   is below 1, so that the prior outweighs what they saw; the mean w_i; the mean weight
   share of the prior m/(m + w_i); the enforcement ratio their witnessed cases carry
   (sanctioned over witnessed, pooled over residents and weeks), which A_i tends to as
   w_i grows; and the new cases witnessed per aware resident per year.

Sections 1-3, 5 and 6 are read from the runs of the reference scenario at the design
point whose formal care is the scenario's own; section 4 from every point.

Nothing here feeds back into the model; every number comes from runs anyone can
repeat with the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.metrics import LAST_WEEKS
from sim.core.model import CommunityModel
from sim.core.network import EXCHANGE, EdgeStore
from sim.experiments.analyse import AnalysedRuns
from sim.experiments.calibration import GivingMark, giving_mark, hours_since, top_share
from sim.inputs.scenario import ScenarioError
from sim.submodels.norms import perceived_authority

if TYPE_CHECKING:
    from sim.core.params import Norms

RECENT = 13
FOLLOW_UP = 13
LAST_TWO_YEARS_KEYS = ("hours_per_registrant_per_year", "never_exchanged_share", "hours_per_exchange")
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


def snapshot(model: CommunityModel, year_ago: GivingMark) -> Snapshot:
    """The individual-level patterns at the model's current week (the year's giving
    since ``year_ago``)."""
    pop, net, sc, week = model.pop, model.net, model.config, model.week
    occ = pop.occupied
    willing = pop.aware & (pop.willingness >= sc.participation.willing_threshold)
    gave = week - pop.last_gave < RECENT
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
        top_fifth_share=top_share(hours_since(model, year_ago)),
        willingness_coefficients=standardized_coefficients(willing[tied].astype(float), x),
        giving_coefficients=standardized_coefficients(gave[tied].astype(float), x),
    )


def last_two_years(records: list[dict[str, float]]) -> dict[str, float]:
    """From the last two years' weekly metrics (all weeks in a shorter run): hours
    given per registrant per year (mean weekly ``hours_per_registrant`` × 52), the
    mean share of registrants who never exchanged since joining, and the mutual-aid
    hours met per exchange (their sums' ratio: how heavy the requests helpers take on)."""
    last = records[-LAST_WEEKS:]
    if not last:
        return dict.fromkeys(LAST_TWO_YEARS_KEYS, float("nan"))
    exchanges = sum(r["exchanges"] for r in last)
    return {
        "hours_per_registrant_per_year": 52.0 * float(np.mean([r["hours_per_registrant"] for r in last])),
        "never_exchanged_share": float(np.mean([r["never_exchanged_share"] for r in last])),
        "hours_per_exchange": sum(r["met_hours"] for r in last) / exchanges if exchanges else float("nan"),
    }


def ties_of_kind(net: EdgeStore, kind: int) -> np.ndarray:
    """Each resident slot's number of ties of ``kind`` (sim.core.network's kinds)."""
    return np.bincount(net.owner[net.kind == kind], minlength=net.n)


def exposure_coefficient(outcome: np.ndarray, exposed: np.ndarray, covariates: np.ndarray) -> float:
    """Standardized coefficient of the 0/1 ``exposed`` in the least-squares regression
    of ``outcome`` on it and the ``covariates`` columns; nan when everybody or nobody
    is exposed (no contrast to estimate)."""
    if exposed.all() or not exposed.any():
        return float("nan")
    return standardized_coefficients(outcome, np.column_stack([exposed.astype(float), covariates]))[0]


def wellbeing(model: CommunityModel, received_recently: np.ndarray) -> dict[str, float]:
    """Section 5's cross-section at the model's current week: who is exposed to mutual
    aid (a tie formed by an exchange, or help received recently), their mean
    loneliness and that of the others, and the exposure's standardized coefficient on
    loneliness adjusted for health, age, living alone and the number of other ties."""
    pop, net = model.pop, model.net
    occ = pop.occupied
    exchange_ties = ties_of_kind(net, EXCHANGE)
    exposed = ((exchange_ties > 0) | received_recently)[occ]
    lonely = pop.loneliness[occ]
    other_ties = (net.degree() - exchange_ties)[occ]
    covariates = np.column_stack([pop.health[occ], pop.age[occ], pop.lives_alone[occ], other_ties])
    return {
        "exposed_share": float(exposed.mean()) if len(exposed) else float("nan"),
        "loneliness_exposed": float(lonely[exposed].mean()) if exposed.any() else float("nan"),
        "loneliness_unexposed": float(lonely[~exposed].mean()) if (~exposed).any() else float("nan"),
        "wellbeing_coefficient": exposure_coefficient(lonely, exposed, covariates),
    }


def nearest_matches(
    treated: np.ndarray, candidates: np.ndarray, treated_group: np.ndarray, candidate_group: np.ndarray
) -> np.ndarray:
    """For each row of ``treated`` (features), the index of the nearest row of
    ``candidates`` in the same group (Euclidean distance over the features, each
    scaled by its standard deviation among treated and candidates together; matching
    with replacement, ties to the first), or -1 where the group has no candidate."""
    pooled = np.vstack([treated, candidates])
    scale = pooled.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    distance = (((treated[:, None, :] - candidates[None, :, :]) / scale) ** 2).sum(axis=2)
    distance[treated_group[:, None] != candidate_group[None, :]] = np.inf
    best = np.argmin(distance, axis=1) if len(candidates) else np.full(len(treated), -1)
    found = np.isfinite(distance[np.arange(len(treated)), best]) if len(candidates) else best >= 0
    return np.where(found, best, -1)


@dataclass
class Cohort:
    """The residents who first received help in one week and their matched controls,
    followed up ``FOLLOW_UP`` weeks after the week before (``due``, in recorded weeks)."""

    due: int
    slots: np.ndarray
    persons: np.ndarray
    baseline: np.ndarray
    control_slots: np.ndarray
    control_persons: np.ndarray
    control_baseline: np.ndarray


class FirstHelp:
    """Section 5's within-person comparison, followed week by week: a resident whose
    cumulative hours received turn positive this week first received help (since
    moving in); each is matched to a resident of the same week who has never received
    any (:func:`nearest_matches` on last week's loneliness and this week's health and
    age, within the same living arrangement), and both changes in loneliness are taken from the end of
    the week before to ``FOLLOW_UP`` weeks later, for the pairs whose two residents are
    still there. Controls may receive help during the follow-up (they are compared as
    matched, not as later turned out), which biases the difference toward zero."""

    def __init__(self) -> None:
        self.cohorts: list[Cohort] = []
        self.treated_change: list[np.ndarray] = []
        self.control_change: list[np.ndarray] = []
        self.weeks_done = 0

    def remember(self, model: CommunityModel) -> None:
        pop = model.pop
        self.person = pop.person_id.copy()
        self.received = pop.received_total.copy()
        self.loneliness = pop.loneliness.copy()

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        pop = model.pop
        stayed = pop.occupied & (pop.person_id == self.person)
        first = np.flatnonzero(stayed & (self.received == 0) & (pop.received_total > 0))
        never = np.flatnonzero(stayed & (pop.received_total == 0))
        if len(first):
            features = np.column_stack([self.loneliness, pop.health, pop.age])
            match = nearest_matches(features[first], features[never], pop.lives_alone[first], pop.lives_alone[never])
            first, control = first[match >= 0], never[match[match >= 0]]
            if len(first):
                self.cohorts.append(
                    Cohort(
                        self.weeks_done + FOLLOW_UP - 1,
                        first,
                        pop.person_id[first],
                        self.loneliness[first],
                        control,
                        pop.person_id[control],
                        self.loneliness[control],
                    )
                )
        for cohort in [c for c in self.cohorts if c.due == self.weeks_done]:
            there = (pop.person_id[cohort.slots] == cohort.persons) & (
                pop.person_id[cohort.control_slots] == cohort.control_persons
            )
            self.treated_change.append((pop.loneliness[cohort.slots] - cohort.baseline)[there])
            self.control_change.append((pop.loneliness[cohort.control_slots] - cohort.control_baseline)[there])
        self.cohorts = [c for c in self.cohorts if c.due > self.weeks_done]
        self.remember(model)

    def result(self) -> dict[str, float]:
        treated = np.concatenate([np.zeros(0), *self.treated_change])
        control = np.concatenate([np.zeros(0), *self.control_change])
        nan = float("nan")
        return {
            "first_help_pairs": float(len(treated)),
            "first_help_change": float(treated.mean()) if len(treated) else nan,
            "matched_change": float(control.mean()) if len(control) else nan,
            "first_help_difference": float((treated - control).mean()) if len(treated) else nan,
        }


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


WELLBEING_KEYS = ("exposed_share", "loneliness_exposed", "loneliness_unexposed", "wellbeing_coefficient")
FIRST_HELP_KEYS = ("first_help_pairs", "first_help_change", "matched_change", "first_help_difference")
AUTHORITY_KEYS = (
    "authority_mean",
    "mostly_prior_share",
    "witnessed_weight",
    "prior_weight_share",
    "enforcement_ratio",
    "cases_witnessed_per_year",
)
PROBE_KEYS = SNAPSHOT_KEYS + LAST_TWO_YEARS_KEYS + WELLBEING_KEYS + FIRST_HELP_KEYS + AUTHORITY_KEYS


def authority_makeup(
    seen_sanctioned: np.ndarray, seen_unpunished: np.ndarray, aware: np.ndarray, nm: Norms
) -> dict[str, float]:
    """What the norm authority of the ``aware`` residents is made of in one week: their
    mean authority A_i (:func:`sim.submodels.norms.perceived_authority`), the share
    whose witnessed weight w_i = sanctioned + unpunished is below 1 (the prior, worth
    ``authority_prior_weight`` cases, outweighs what they saw), the mean w_i, the mean
    weight share of the prior m/(m + w_i), and the pooled witnessed counts (sanctioned,
    witnessed) from which the enforcement ratio is taken; nan (and zero counts) when
    nobody is aware."""
    s, u = seen_sanctioned[aware], seen_unpunished[aware]
    witnessed = s + u
    if not len(witnessed):
        nan = float("nan")
        return {**dict.fromkeys(AUTHORITY_KEYS[:4], nan), "sanctioned": 0.0, "witnessed": 0.0}
    m = nm.authority_prior_weight
    return {
        "authority_mean": float(perceived_authority(s, u, nm).mean()),
        "mostly_prior_share": float((witnessed < 1.0).mean()),
        "witnessed_weight": float(witnessed.mean()),
        "prior_weight_share": float((m / (m + witnessed)).mean()),
        "sanctioned": float(s.sum()),
        "witnessed": float(witnessed.sum()),
    }


class AuthorityMakeup:
    """Section 6, sampled every recorded week of the last two years (every week of a
    shorter run): :func:`authority_makeup` of the residents aware of the scheme at the
    end of the week, averaged over the weeks; the enforcement ratio pooled over
    residents and weeks (sanctioned over witnessed weight); and the new cases a
    resident who stayed witnessed that week, w_i − φ·w_i(last week) with φ =
    ``witness_forgetting``, averaged over the aware and over the weeks, times 52."""

    def __init__(self, weeks: int):
        self.first = max(1, weeks - LAST_WEEKS + 1)
        self.weeks_done = 0
        self.weekly: list[dict[str, float]] = []
        self.new_cases: list[float] = []
        self.person = np.zeros(0)
        self.witnessed = np.zeros(0)

    def remember(self, model: CommunityModel) -> None:
        self.person = model.pop.person_id.copy()
        self.witnessed = model.pop.seen_sanctioned + model.pop.seen_unpunished

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        pop, nm = model.pop, model.config.norms
        if self.weeks_done >= self.first:
            aware = pop.occupied & pop.aware
            self.weekly.append(authority_makeup(pop.seen_sanctioned, pop.seen_unpunished, aware, nm))
            stayed = aware & (pop.person_id == self.person)
            if stayed.any():
                new = (pop.seen_sanctioned + pop.seen_unpunished - nm.witness_forgetting * self.witnessed)[stayed]
                self.new_cases.append(float(new.mean()))
        self.remember(model)

    def result(self) -> dict[str, float]:
        nan = float("nan")
        witnessed = sum(w["witnessed"] for w in self.weekly)
        out = {
            key: float(np.nanmean([w[key] for w in self.weekly])) if self.weekly else nan for key in AUTHORITY_KEYS[:4]
        }
        return {
            **out,
            "enforcement_ratio": sum(w["sanctioned"] for w in self.weekly) / witnessed if witnessed > 0 else nan,
            "cases_witnessed_per_year": 52.0 * float(np.mean(self.new_cases)) if self.new_cases else nan,
        }


class PatternProbe:
    """The ``patterns`` probe: who has given what by the start of the last year of
    the run, and who had received what by the start of its last ``RECENT`` weeks (each
    at the run's start in a shorter run); residents' first help as it happens
    (:class:`FirstHelp`); what norm authority is made of, every week of the last two
    years (:class:`AuthorityMakeup`); and at the end the :func:`snapshot`, the last two years'
    registrant measures (:func:`last_two_years`) and the :func:`wellbeing` cross-section."""

    def __init__(self, weeks: int):
        self.mark = max(0, weeks - LAST_YEAR)
        self.recent_mark = max(0, weeks - RECENT)
        self.weeks_done = 0
        self.year_ago: GivingMark = (np.zeros(0), np.zeros(0))
        self.received_recent_ago = np.zeros(0)
        self.person_recent_ago = np.zeros(0)
        self.first_help = FirstHelp()
        self.authority = AuthorityMakeup(weeks)

    def _remember(self, model: CommunityModel) -> None:
        if self.weeks_done == self.mark:
            self.year_ago = giving_mark(model)
        if self.weeks_done == self.recent_mark:
            self.received_recent_ago = model.pop.received_total.copy()
            self.person_recent_ago = model.pop.person_id.copy()

    def start(self, model: CommunityModel) -> None:
        self._remember(model)
        self.first_help.remember(model)
        self.authority.remember(model)

    def week(self, model: CommunityModel) -> None:
        self.weeks_done += 1
        self._remember(model)
        self.first_help.week(model)
        self.authority.week(model)

    def result(self, model: CommunityModel) -> dict[str, float]:
        pop = model.pop
        snap = snapshot(model, self.year_ago)
        values = (
            snap.willing_share,
            snap.gave_share,
            snap.willing_who_gave,
            snap.top_fifth_share,
            *snap.willingness_coefficients,
            *snap.giving_coefficients,
        )
        received_recently = (pop.person_id == self.person_recent_ago) & (pop.received_total > self.received_recent_ago)
        return {
            **dict(zip(SNAPSHOT_KEYS, values, strict=True)),
            **last_two_years(model.records),
            **wellbeing(model, received_recently),
            **self.first_help.result(),
            **self.authority.result(),
        }


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
    runs.require_probe(PROBE, [f"{PROBE}.{key}" for key in PROBE_KEYS])
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
        "## 2. Hours per active member and per registrant, and a small active core",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| hours given per active member per year (last two years) | {_ci(base['hours_per_active_member_per_year'])} |",
        f"| hours given per registrant per year (last two years) | {_ci(col('hours_per_registrant_per_year'))} |",
        f"| share of registrants who never exchanged since joining (last two years) | "
        f"{_ci(col('never_exchanged_share'))} |",
        f"| share of the last year's hours given by the top fifth of givers | {_ci(col('top_fifth_share'))} |",
        "",
        "Per registrant counts every member, active or not, as time banks report it; members who have neither "
        "given nor received since they (last) joined are the registrants who never exchanged.",
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
        lines += formal_care_section(runs)
    lines += wellbeing_section(col)
    lines += authority_section(col, base["mean_norm_authority_last2y"], dump["norms"])
    return "\n".join(lines)


def authority_section(col: Callable[[str], pd.Series], reported: pd.Series, norms: dict) -> list[str]:
    """Section 6 of the report (audit F15) from the reference runs' probe columns, the
    reported weekly norm authority (``reported``) and the scenario's norms block."""
    prior, m, kept = norms["initial_authority"], norms["authority_prior_weight"], norms["witness_forgetting"]
    authority, ratio = col("authority_mean"), col("enforcement_ratio")
    way = (authority - prior) / (ratio - prior)
    return [
        "## 6. What norm authority is made of",
        "",
        "Each resident's norm authority is the perceived probability that a violation is sanctioned, "
        "A_i = (s_i + A_0·m)/(s_i + u_i + m): the prior A_0 = `norms.initial_authority` "
        f"({prior:g}, assumed), worth m = `norms.authority_prior_weight` ({m:g}) cases, updated by the violations "
        "the resident witnessed (as victim, or told by the victim) or committed (as offender) that were sanctioned (s_i) or went unpunished "
        f"(u_i), each count kept at `norms.witness_forgetting` ({kept:g}) a week. With witnessed weight "
        "w_i = s_i + u_i, A_i = p_i·A_0 + (1 − p_i)·s_i/w_i, where p_i = m/(m + w_i) is the prior's weight share: "
        "a resident who saw little holds the prior, one who saw much the enforcement ratio of what they saw. "
        "Measured every week of the last two years among the residents aware of the scheme (those the reported "
        "`norm_authority` averages over), averaged over the weeks; the enforcement ratio is pooled over "
        "residents and weeks (sanctioned over witnessed weight); new cases are those a resident witnessed that "
        "week (w_i minus last week's w_i kept).",
        "",
        "| quantity (last two years, residents aware of the scheme) | value |",
        "|---|---|",
        f"| mean norm authority Ā | {_ci(authority)} |",
        f"| reported norm authority (weekly `norm_authority`, mean of the last two years) | {_ci(reported)} |",
        f"| prior A_0 (`norms.initial_authority`) | {prior:g} |",
        f"| enforcement ratio of the witnessed cases (sanctioned share, pooled) | {_ci(ratio)} |",
        f"| Ā minus the prior | {_ci(authority - prior)} |",
        f"| share of the way from the prior to the enforcement ratio, (Ā − A_0)/(ratio − A_0) | {_ci(way)} |",
        f"| share of residents whose witnessed weight is below 1 (mostly prior) | {_ci(col('mostly_prior_share'))} |",
        f"| mean witnessed weight w_i (cases, forgetting-weighted) | {_ci(col('witnessed_weight'))} |",
        f"| mean weight share of the prior, m/(m + w_i) | {_ci(col('prior_weight_share'))} |",
        f"| new cases witnessed per resident per year | {_ci(col('cases_witnessed_per_year'))} |",
        "",
        *authority_reading(authority, ratio, col("prior_weight_share"), col("mostly_prior_share"), prior),
        "",
    ]


def authority_reading(
    authority: pd.Series, ratio: pd.Series, prior_share: pd.Series, mostly_prior: pd.Series, prior: float
) -> list[str]:
    """Section 6's reading, worded from the measured means."""
    a, r, p, few = authority.mean(), ratio.mean(), prior_share.mean(), mostly_prior.mean()
    mostly = "mostly the assumed prior" if p > 0.5 else "mostly what residents witnessed"
    rare = "Violations are rare, so few residents witness enough to learn the enforcement ratio. " if p > 0.5 else ""
    return [
        f"Reading: the reported authority ({a:.3f}) lies between the prior ({prior:g}) and the enforcement ratio "
        f"of the witnessed cases ({r:.3f}), and it is {mostly}: on average the prior carries {p:.0%} of a "
        f"resident's authority (its weight share), and {few:.0%} of aware residents have witnessed less than one "
        f"case's weight. {rare}That ratio is itself the detection rule at work (`norms.informal_detection`, plus formal detection "
        "where supervision runs), so the reported level is set by an assumed prior and its assumed weight, and "
        "by a detection parameter; what the model adds is how many cases residents witness, which decides the "
        "mix. Read the level of norm authority, and differences in it between scenarios, with that in mind: "
        "a change in detection moves it only as far as residents witness cases, and internalization, which "
        "authority enters, is pulled toward the prior as much.",
    ]


def wellbeing_section(col: Callable[[str], pd.Series]) -> list[str]:
    """Section 5 of the report from the reference runs' probe columns."""
    return [
        "## 5. Whether mutual-aid ties protect wellbeing",
        "",
        "A resident is *exposed* to mutual aid who has at least one tie formed by an exchange (tie kind "
        "`exchange`) or received help in the last 13 weeks. Cross-section at the end of the run: the standardized "
        "least-squares coefficient of exposure on loneliness, adjusted for health, age, living alone and the number "
        "of other ties (negative: the exposed are less lonely than comparable residents). Within person: the change "
        f"in loneliness over the {FOLLOW_UP} weeks from the week before a resident first receives help, minus the "
        "change of a matched resident who had never received help (same week and living arrangement, nearest in "
        "loneliness, health and age), pooled over the recorded weeks.",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| share exposed (end of run) | {_ci(col('exposed_share'))} |",
        f"| mean loneliness of the exposed | {_ci(col('loneliness_exposed'))} |",
        f"| mean loneliness of the others | {_ci(col('loneliness_unexposed'))} |",
        f"| standardized coefficient of exposure on loneliness (adjusted) | {_ci(col('wellbeing_coefficient'))} |",
        f"| first receipts of help followed up with a matched resident, per run | {_ci(col('first_help_pairs'))} |",
        f"| change in loneliness over {FOLLOW_UP} weeks after first help | {_ci(col('first_help_change'))} |",
        f"| change in loneliness of the matched residents | {_ci(col('matched_change'))} |",
        f"| difference (first help minus matched) | {_ci(col('first_help_difference'))} |",
        "",
        "These are associations in the simulated population, produced by the model's mechanisms, not effects "
        "estimated as a field study would: in the motives step contact relieves loneliness "
        "(L ← L + ρ_L·(1 + alone)·(1 − L) − ρ_C·c·L, where c counts this week's contacts with one's ties and "
        "interactions, an exchange among them), and an exchange can leave a tie that brings everyday contact "
        "later. The reverse runs too: loneliness is itself a need (companionship, needs step), so lonelier "
        "residents ask for and receive help, which can make the cross-section understate the relief; the "
        "within-person comparison starts from matched loneliness to separate the two. Judge them against "
        "field studies of mutual aid and loneliness with that in mind.",
        "",
    ]


def formal_care_section(runs: AnalysedRuns) -> list[str]:
    """Section 4 of the report: every scenario of the experiment over the formal-care
    gradient, labelled by its formal-care channels, with the gradient's size in each."""
    ok = runs.ok()
    lines = [
        "## 4. A cheap formal-care substitute",
        "",
        "Means over the last two years as the share of the daily-living need family leaves that formal care "
        f"meets (`{FORMAL_CARE}`) rises. Formal care acts through two documented channels: substitution "
        "(`community.formal_care_substitution`: that share of daily-living need never reaches mutual aid "
        "[@bonsang2009]) and motivation (`community.formal_care_motivation`: log-odds added to every helper's "
        "acceptance per unit of formal care, crowding in > 0 or out < 0 [@frey1997]; off, 0, by default). "
        "Hours per exchange are the mutual-aid hours met per exchange.",
        "",
        "| scenario | substitution | motivation (log-odds) | acceptance cost (log-odds/hour) | formal care | "
        "active share | member share | coverage by mutual aid | hours per active member per year | "
        "hours per exchange |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in runs.scenario_dumps:
        community = runs.scenario_dumps[name]["community"]
        channels = (
            f"{'on' if community['formal_care_substitution'] else 'off'} | "
            f"{community['formal_care_motivation']:g} | {runs.scenario_dumps[name]['helping']['accept_cost']:g}"
        )
        for level, group in ok[ok["scenario"] == name].groupby(FORMAL_CARE):
            lines.append(
                f"| {name} | {channels} | {level:.1f} | {_ci(group['mean_active_share_last2y'])} | "
                f"{_ci(group['mean_member_share_last2y'])} | {_ci(group['mean_coverage_last2y'])} | "
                f"{_ci(group['hours_per_active_member_per_year'])} | {_ci(group[f'{PROBE}.hours_per_exchange'])} |"
            )
    lines += ["", *formal_care_explanation(runs), ""]
    return lines


def gradient(runs: pd.DataFrame, column: str) -> pd.Series:
    """Per replicate, ``column`` at the highest formal-care level minus at the lowest
    (the same seed at both: common random numbers)."""
    by_level = runs.pivot_table(index="replicate", columns=FORMAL_CARE, values=column)
    return by_level[by_level.columns.max()] - by_level[by_level.columns.min()]


def formal_care_explanation(runs: AnalysedRuns) -> list[str]:
    """Why the active share moves with formal care: the gradient of each scenario
    (from the lowest to the highest level, paired by replicate) next to the
    mechanism that carries it in the model."""
    ok = runs.ok()
    levels = ok[FORMAL_CARE]
    needs = runs.scenario_dumps[runs.reference]["needs"]
    lines = [
        f"From formal care {levels.min():.1f} to {levels.max():.1f} (difference per replicate, same seed at both):",
        "",
    ]
    for name in runs.scenario_dumps:
        own = ok[ok["scenario"] == name]
        lines.append(
            f"- {name}: active share {_ci(gradient(own, 'mean_active_share_last2y'))}, member share "
            f"{_ci(gradient(own, 'mean_member_share_last2y'))}, hours per exchange "
            f"{_ci(gradient(own, f'{PROBE}.hours_per_exchange'))}"
        )
    lines += [
        "",
        "Why mutual aid grows where substitution alone acts: formal care takes the heaviest need, daily living "
        f"({needs['daily_living_adl']:g} hours a week of an ADL-disabled resident, {needs['daily_living_iadl']:g} "
        "of an IADL-limited one, before family), off the backlog. A requester asks for their largest remaining need, so requests become shorter (fewer hours "
        "per exchange), and a helper's acceptance loses `helping.accept_cost` log-odds per hour asked: more "
        "requests are accepted. Met requests then raise the requesters' expected success (they ask again) and "
        "the scheme's record residents know of, which enters willingness and registration, so more residents "
        "join and take part. Without the per-hour acceptance cost (`helping.accept_cost = 0`) the active "
        "share hardly moves with formal care: shorter requests are the channel. With substitution off and "
        "motivation 0, formal care enters no step and every number is the same at every level. The motivation "
        "channel, when on, acts on every request's acceptance in proportion to formal care and so adds to (> 0) "
        "or works against (< 0) the substitution channel.",
    ]
    return lines
