"""Step 2, demography: ageing, health, mortality, moving out and newcomers.

Health (ODD submodel "Demography"):
    h_i = clip(μ(a_i) + z_i − d_i, 0, 1)
with μ(a) = h60 − slope·(a−60) − curvature·(a−60)² the age-expected health,
z_i a persistent individual deviation (AR(1), weekly persistence ρ, stationary SD σ):
    z ← ρ z + √(1−ρ²) σ ε,
and d_i an acute deficit from shocks (falls, strokes, illness): a shock arrives with
annual rate r60 · 2^((a−60)/doubling); of its size s ~ U(smin, smax) a share
``shock_permanent`` moves into z at once and the rest enters d, which recovers by
``shock_recovery`` each week (partial recovery). Functional status follows from h:
IADL-limited below ``iadl_threshold``, ADL-disabled below ``adl_threshold``. The
defaults are calibrated to disability prevalence by age among older Chinese
(10.8% / 21.2% / 47.0% at 60-69 / 70-79 / 80+; Chen et al. 2023).

Mortality: annual Gompertz hazard m60 · e^{g(a−60)} · e^{k(μ(a)−h)}, so residents
frailer than their age-peers die sooner (China life tables: q(60) ≈ 0.6%).
Moving out: annual rate (urban mobility, [@socialcapital_mutualaid, §3.1.1]) plus an institutional
rate for ADL-disabled residents living alone. A vacant dwelling receives a newcomer
with weekly probability ``vacancy_fill_rate``; the newcomer has fresh state and no
personal ties (model.md §2), and an age that keeps the population stationary: the
first year of the age band most short of the setting's shares
(``sim.core.population.replacement_weights``), so the structure does not age with
the cohort first drawn (issue 19).

Every occupied or vacant slot draws the same numbers each week, so the stream stays
aligned across scenarios (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.core.population import expected_health
from sim.core.util import weekly_probability

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Demography
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels


def update_health(pop, d, u_shock: np.ndarray, u_size: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Advance health one week; returns the mask of residents who had a shock."""
    occ = pop.occupied
    rho = d.frailty_persistence
    pop.health_deviation = rho * pop.health_deviation + np.sqrt(1.0 - rho * rho) * d.frailty_sd * eps
    shock_rate = d.shock_rate_at_60 * 2.0 ** ((pop.age - 60.0) / d.shock_rate_doubling)
    shock = occ & (u_shock < weekly_probability(shock_rate))
    size = np.where(shock, d.shock_size_min + (d.shock_size_max - d.shock_size_min) * u_size, 0.0)
    pop.health_deviation -= d.shock_permanent * size
    pop.acute_deficit = pop.acute_deficit * (1.0 - d.shock_recovery) + (1.0 - d.shock_permanent) * size
    pop.health = np.clip(expected_health(pop.age, d) + pop.health_deviation - pop.acute_deficit, 0.0, 1.0)
    return shock


def annual_mortality(pop, d) -> np.ndarray:
    """Annual death hazard per resident (Gompertz in age, raised by relative frailty)."""
    frailty = expected_health(pop.age, d) - pop.health
    return d.mortality_at_60 * np.exp(d.mortality_gompertz * (pop.age - 60.0) + d.mortality_frailty * frailty)


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    newcomers: Callable[[np.ndarray], None],
    d: Demography,
) -> tuple[np.ndarray, np.ndarray]:
    """One week of ageing, health, deaths and moves; ``newcomers(slots)`` gives the
    arriving residents their fresh state (``sim.core.population.fill_residents``, stream
    ``newcomers``). Returns (arrived, left) slots, so the model can keep one agent per
    occupied slot without this step touching it."""
    n = pop.n
    u_shock, u_size, u_death, u_move, u_fill = rng.random((5, n))
    eps = rng.standard_normal(n)

    occ = pop.occupied
    pop.age += occ / 52.0
    update_health(pop, d, u_shock, u_size, eps)

    dies = occ & ((u_death < weekly_probability(annual_mortality(pop, d))) | (pop.age >= d.max_age))
    adl_alone = (pop.health < d.adl_threshold) & pop.lives_alone
    move_rate = d.move_out_rate + d.institution_rate * adl_alone
    moves = occ & ~dies & (u_move < weekly_probability(move_rate))
    leavers = np.flatnonzero(dies | moves)
    vacant_before = ~occ
    if len(leavers):
        channels.notify("residents_left", pop, leavers)
        pop.occupied[leavers] = False
        net.remove_residents(leavers)
    arrivals = np.flatnonzero(vacant_before & (u_fill < d.vacancy_fill_rate))
    newcomers(arrivals)
    tally.deaths = int(dies.sum())
    tally.moves = int(moves.sum())
    tally.newcomers = len(arrivals)
    return arrivals, leavers
