"""Step 16, observation: the weekly model-level metrics (model.md §6).

The column names are the contract for exports and the dashboard:
week, residents, aware_share, willing_share, member_share, active_share, need_hours,
met_hours, coverage, unmet_adl_share, generalized_trust, tie_trust, norm_authority,
violation_rate, sanctions, disputes, mean_degree, clustering, isolated_share,
loneliness, lonely_share, belonging, help_gini, coverage_gap,
hours_per_active_member, credits_outstanding, budget_spent; and beyond that contract
exchanges, dispute_rate (disputes per exchange), budget_balance,
interventions_running (how many run this week), redeemed_hours (need bought from
paid services against time-bank credits; not part of met_hours, which counts mutual
aid only), hours_per_active_giver, hours_per_registrant, never_exchanged_share (the
registrants who have neither given nor received since they last joined),
need_hours_before_services, coverage_of_need, and,
so that an ageing population is visible, mean_age, iadl_limited_share and
adl_limited_share.
Definitions are in docs/odd.md (Observation). The clustering coefficient is
recomputed every ``clustering_interval`` weeks (the costliest measure); it is exact up
to ``clustering_sample`` residents and estimated on a sample beyond, drawn from an
observation-only random stream so observing never changes the dynamics.

Three metrics need memory across weeks, kept in :class:`Observed` (read by nothing
but observation): each resident's connectedness before the scheme (``coverage_gap``
ranks by it, so ties the help itself created cannot make the helped look
best-connected), the last ``GINI_WEEKS`` weeks of need and met need per resident
(``help_gini``), and the need professional health services and time-bank redemption
have taken off the backlog (``need_hours_before_services``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.core import kernels
from sim.core.network import FRIEND, INTRODUCED
from sim.core.util import exact_mean, exact_sum, gini
from sim.submodels.needs import DAILY

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import (
        Demography,
        Motives,
        Needs,
        Network,
        Participation,
        Simulation,
        Trust,
    )
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.submodels.governance import Governance

METRICS = (
    "week",
    "residents",
    "aware_share",
    "willing_share",
    "member_share",
    "active_share",
    "need_hours",
    "met_hours",
    "coverage",
    "unmet_adl_share",
    "generalized_trust",
    "tie_trust",
    "norm_authority",
    "violation_rate",
    "sanctions",
    "disputes",
    "mean_degree",
    "clustering",
    "isolated_share",
    "loneliness",
    "lonely_share",
    "belonging",
    "help_gini",
    "coverage_gap",
    "hours_per_active_member",
    "credits_outstanding",
    "budget_spent",
    # beyond the contract of model.md §6
    "exchanges",
    "dispute_rate",
    "budget_balance",
    "interventions_running",
    "redeemed_hours",
    "hours_per_active_giver",
    "hours_per_registrant",
    "never_exchanged_share",
    "need_hours_before_services",
    "coverage_of_need",
    "mean_age",
    "iadl_limited_share",
    "adl_limited_share",
)

GINI_WEEKS = 13
"""Weeks of need and met need ``help_gini`` compares residents over: one quarter, long
enough that a resident helped now and then is not counted as never helped."""


@dataclass
class Observed:
    """What observation carries from week to week (module docstring).

    ``baseline_degree``: per slot, the occupant's ties of the kinds the scheme does not
    create (neighbour, friend) at the first recorded week, or at the week they moved in;
    ``need``/``met``: per slot, the need and met need of the weeks in ``weeks`` (a ring
    of ``GINI_WEEKS`` rows, a row's week −1 while unused); ``services_backlog``: the
    hours the backlog would hold on top if no service had covered any need;
    ``redeemed_last``: the hours redemption took off the backlog last week."""

    baseline_degree: np.ndarray
    need: np.ndarray
    met: np.ndarray
    weeks: np.ndarray
    services_backlog: float = 0.0
    redeemed_last: float = 0.0

    @classmethod
    def start(cls, n: int) -> Observed:
        return cls(
            baseline_degree=np.zeros(n, dtype=np.int64),
            need=np.zeros((GINI_WEEKS, n)),
            met=np.zeros((GINI_WEEKS, n)),
            weeks=np.full(GINI_WEEKS, -1, dtype=np.int64),
        )


def _share(mask: np.ndarray, of: int) -> float:
    return float(mask.sum()) / of if of else 0.0


def average_clustering(net, nodes: np.ndarray) -> float:
    """Mean local clustering coefficient of ``nodes`` (degree < 2 counts as 0, as in
    networkx.average_clustering)."""
    if len(nodes) == 0:
        return 0.0
    twice_triangles = kernels.twice_triangles(net.indptr, net.other, np.asarray(nodes, dtype=np.int64))
    deg = np.diff(net.indptr)[nodes].astype(np.float64)
    possible = deg * (deg - 1.0)
    local = np.divide(twice_triangles, possible, out=np.zeros_like(possible), where=possible > 0)
    return exact_mean(local)


def coverage_gap(degree: np.ndarray, need: np.ndarray, met: np.ndarray) -> float:
    """Coverage of the best-connected quarter minus that of the least-connected
    quarter (which holds the isolated), among residents with need this week, ranked
    by ``degree`` (equal degrees by slot number); observation passes the degree before
    the scheme (:class:`Observed`)."""
    idx = np.flatnonzero(need > 0)
    if len(idx) < 4:
        return 0.0
    deg = degree[idx]
    # a stable sort keeps idx (ascending) order among equal degrees; on a small integer
    # type numpy sorts by radix, in linear time
    deg = deg.astype(np.min_scalar_type(int(deg.max())), copy=False)
    order = idx[np.argsort(deg, kind="stable")]
    q = len(order) // 4
    low, high = order[:q], order[-q:]
    return exact_sum(met[high]) / exact_sum(need[high]) - exact_sum(met[low]) / exact_sum(need[low])


def socially_isolated(pop: Population, net: EdgeStore, community: CommunityState, nw: Network) -> np.ndarray:
    """Residents with fewer than ``network.isolation_ties`` ties of current strength
    ≥ ``network.isolation_strength`` (the ``isolated_share`` metric; also whom
    one-to-one support looks for)."""
    strong = net.strength_now(community.week, community.decay_by_kind) >= nw.isolation_strength
    return pop.occupied & (kernels.true_per_row(net.indptr, strong) < nw.isolation_ties)


def scheme_free_degree(net: EdgeStore) -> np.ndarray:
    """Per slot, the ties of the kinds the scheme does not create (neighbour, friend,
    introduced through a common tie)."""
    return kernels.true_per_row(net.indptr, (net.kind <= FRIEND) | (net.kind == INTRODUCED)).astype(np.int64)


def remember(
    memory: Observed,
    *,
    pop: Population,
    net: EdgeStore,
    week: int,
    first: bool,
    need: np.ndarray,
    met: np.ndarray,
    health_covered: float,
    carryover: float,
    redeemed: float,
) -> None:
    """Update ``memory`` with this week: baseline degrees of everyone (the first
    recorded week) or of this week's newcomers, whose slots' need history is cleared;
    the need window; the backlog services have removed, carried over like the backlog."""
    arrived = pop.occupied if first else pop.occupied & (pop.moved_in == week)
    if arrived.any():
        memory.baseline_degree[arrived] = scheme_free_degree(net)[arrived]
        memory.need[:, arrived] = 0.0
        memory.met[:, arrived] = 0.0
    row = week % GINI_WEEKS
    memory.weeks[row] = week
    memory.need[row] = need
    memory.met[row] = met
    memory.services_backlog = carryover * (memory.services_backlog + memory.redeemed_last) + health_covered
    memory.redeemed_last = redeemed


def window_gini(memory: Observed, week: int) -> float:
    """Gini of met need / need over the last ``GINI_WEEKS`` weeks, among the residents
    who had need in them."""
    rows = (memory.weeks > week - GINI_WEEKS) & (memory.weeks >= 0)
    need = memory.need[rows].sum(axis=0)
    with_need = need > 0
    return gini(memory.met[rows].sum(axis=0)[with_need] / need[with_need])


def observe(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    governance: Governance,
    rng: np.random.Generator,
    simulation: Simulation,
    participation: Participation,
    demography: Demography,
    needs: Needs,
    motives: Motives,
    trust: Trust,
    network: Network,
) -> dict[str, float]:
    """The week's metrics (module docstring); recomputes ``community.clustering``
    when it is due, sampling from the observation stream ``rng``."""
    week = community.week
    occ = pop.occupied
    residents = int(occ.sum())
    ex = tally.exchanges
    n = pop.n

    active = occ & (week - pop.last_active < participation.active_window)
    registered = occ & pop.member
    members = int(registered.sum())
    met = np.bincount(ex.requester, weights=ex.hours, minlength=n)
    need = tally.need_by_resident
    met_hours = exact_sum(met)
    adl = occ & (pop.health < demography.adl_threshold)
    unmet_adl = adl & (pop.backlog[:, DAILY] >= needs.min_request_hours)

    first = community.observed is None
    if community.observed is None:
        community.observed = Observed.start(n)
    memory = community.observed
    remember(
        memory,
        pop=pop,
        net=net,
        week=week,
        first=first,
        need=need,
        met=met,
        health_covered=tally.health_covered,
        carryover=needs.backlog_carryover,
        redeemed=tally.redeemed_hours,
    )
    need_before_services = tally.need_hours + memory.services_backlog
    givers = np.zeros(n, dtype=bool)
    givers[ex.helper] = True
    givers &= occ
    iadl = occ & (pop.health < demography.iadl_threshold)

    degree = net.degree()
    isolated = socially_isolated(pop, net, community, network)

    if week % simulation.clustering_interval == 0 or community.clustering is None:
        occupied = np.flatnonzero(occ)
        k = simulation.clustering_sample
        sample = occupied if len(occupied) <= k else np.sort(rng.choice(occupied, k, replace=False))
        community.clustering = average_clustering(net, sample)

    violations = len(tally.violators)
    lonely = occ & (pop.loneliness > motives.lonely_threshold)
    return {
        "week": week,
        "residents": residents,
        "aware_share": _share(occ & pop.aware, residents),
        "willing_share": _share(occ & (pop.willingness >= participation.willing_threshold), residents),
        "member_share": _share(occ & pop.member, residents),
        "active_share": _share(active, residents),
        "need_hours": tally.need_hours,
        "met_hours": met_hours,
        "coverage": met_hours / tally.need_hours if tally.need_hours > 0 else 0.0,
        "unmet_adl_share": _share(unmet_adl, int(adl.sum())),
        "generalized_trust": exact_mean(pop.generalized_trust[occ]) if residents else 0.0,
        "tie_trust": exact_mean(net.trust_expectation(week, trust.forgetting, slice(None))) if len(net) else 0.0,
        "norm_authority": float(community.norm_authority),
        "violation_rate": violations / members if members else 0.0,
        "sanctions": tally.sanctions,
        "disputes": int(ex.dispute.sum()),
        "mean_degree": exact_mean(degree[occ]) if residents else 0.0,
        "clustering": community.clustering,
        "isolated_share": _share(isolated, residents),
        "loneliness": exact_mean(pop.loneliness[occ]) if residents else 0.0,
        "lonely_share": _share(lonely, residents),
        "belonging": exact_mean(pop.belonging[occ]) if residents else 0.0,
        "help_gini": window_gini(memory, week),
        "coverage_gap": coverage_gap(memory.baseline_degree, need, met),
        "hours_per_active_member": met_hours / int(active.sum()) if active.any() else 0.0,
        "credits_outstanding": exact_sum(pop.credits[occ]),
        "budget_spent": float(governance.spent),
        "exchanges": len(ex.hours),
        "dispute_rate": float(ex.dispute.mean()) if len(ex.hours) else 0.0,
        "budget_balance": float(governance.balance),
        "interventions_running": sum(governance.running.values()),
        "redeemed_hours": tally.redeemed_hours,
        "hours_per_active_giver": exact_sum(ex.hours) / int(givers.sum()) if givers.any() else 0.0,
        "hours_per_registrant": exact_sum(ex.hours) / members if members else 0.0,
        "never_exchanged_share": _share(registered & (pop.last_active < pop.join_week), members),
        "need_hours_before_services": need_before_services,
        "coverage_of_need": met_hours / need_before_services if need_before_services > 0 else 0.0,
        "mean_age": exact_mean(pop.age[occ]) if residents else 0.0,
        "iadl_limited_share": _share(iadl, residents),
        "adl_limited_share": _share(adl, residents),
    }
