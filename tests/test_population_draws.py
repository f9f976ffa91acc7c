"""Who arrives: the age, health, literacy, skill and motive draws of new residents
and the homophily between two residents (sim/core/population.py; docs/odd.md §5),
each pinned by a hand-worked value or, for a distribution, by its known mean over
many draws with a tolerance far below what a wrong constant would move it."""

import numpy as np
import pytest
from conftest import make_scenario

from sim.core.population import (
    _OLDEST_DECAY,
    Population,
    draw_ages,
    expected_health,
    expected_literacy,
    fill_residents,
    homophily_weight,
    replacement_weights,
)


class Demography:
    health_at_60, health_slope, health_curvature = 0.9, 0.01, 0.001


def test_expected_health_is_flat_before_60_and_falls_with_the_quadratic_after():
    # 70: 0.9 − 0.01·10 − 0.001·100 = 0.7; below 60 the age term is 0
    assert expected_health(np.array([55.0, 60.0, 70.0]), Demography).tolist() == pytest.approx([0.9, 0.9, 0.7])


def test_expected_literacy_rises_with_education_and_falls_with_age():
    # 0.15 + 0.3·2 − 0.01·(75 − 60) = 0.6; 0.15 + 0 − 0.01·(60 − 60) = 0.15
    assert expected_literacy(np.array([2, 0]), np.array([75.0, 60.0])).tolist() == pytest.approx([0.6, 0.15])


def population(ages: list[float]) -> Population:
    pop = Population(len(ages))
    pop.age[:] = ages
    pop.occupied[:] = True
    return pop


class Shares:
    age_share_60_69, age_share_70_79, age_share_80_plus = 0.5, 0.25, 0.25


def test_newcomers_fill_the_age_bands_short_of_the_settings_shares():
    # 4 stay (65, 75, 85, 85), 2 slots are re-let: at 6 residents the shares ask for
    # 3, 1.5, 1.5; the stayers give 1, 1, 2 → shortfall 2, 0.5, 0 → weights 0.8, 0.2, 0
    pop = population([65.0, 75.0, 85.0, 85.0, 90.0, 90.0])
    weights = replacement_weights(pop, np.array([4, 5]), Shares)
    assert weights.tolist() == pytest.approx([0.8, 0.2, 0.0])


def test_with_nobody_staying_the_weights_are_the_settings_shares():
    pop = population([65.0, 75.0])
    assert replacement_weights(pop, np.array([0, 1]), Shares).tolist() == pytest.approx([0.5, 0.25, 0.25])


N = 40_000


@pytest.mark.parametrize(("band", "low", "high", "mean"), [(0, 60.0, 70.0, 65.0), (1, 70.0, 80.0, 75.0)])
def test_the_first_residents_spread_uniformly_over_the_two_younger_bands(band, low, high, mean):
    weights = np.eye(3)[band]
    ages = draw_ages(np.random.default_rng(1), N, weights, cross_section=True)
    assert ages.min() >= low and ages.max() < high
    assert ages.mean() == pytest.approx(mean, abs=0.1)  # SE 10/√12/√N ≈ 0.014


def test_the_oldest_band_thins_out_exponentially_up_to_100():
    ages = draw_ages(np.random.default_rng(1), N, np.array([0.0, 0.0, 1.0]), cross_section=True)
    lam = _OLDEST_DECAY
    # mean of an exponential truncated to [0, 20): 1/λ − 20·e^(−20λ)/(1 − e^(−20λ))
    mean = 80.0 + 1.0 / lam - 20.0 * np.exp(-20.0 * lam) / (1.0 - np.exp(-20.0 * lam))
    assert ages.min() >= 80.0 and ages.max() < 100.0
    assert ages.mean() == pytest.approx(mean, abs=0.1)


def test_a_newcomer_enters_in_the_first_year_of_its_band():
    ages = draw_ages(np.random.default_rng(1), 3000, np.array([1 / 3, 1 / 3, 1 / 3]), cross_section=False)
    first_year = (ages - 60.0) % 10.0
    assert first_year.max() < 1.0
    assert first_year.mean() == pytest.approx(0.5, abs=0.03)  # uniform within that year
    assert sorted(set(np.floor(ages / 10.0).astype(int))) == [6, 7, 8]


def drawn(**blocks) -> Population:
    scenario = make_scenario(**blocks)
    pop = Population(N)
    fill_residents(pop, np.arange(N), scenario, np.random.default_rng(3), week=0)
    return pop


def test_hidden_skill_has_the_mean_of_its_beta_distribution():
    pop = drawn(helping={"skill_alpha": 4.0, "skill_beta": 1.5})
    assert pop.skill.mean() == pytest.approx(4.0 / 5.5, abs=0.005)  # swapped: 1.5/5.5


def test_belonging_starts_around_its_mean_within_the_unit_interval():
    pop = drawn(motives={"initial_belonging_mean": 0.4})
    assert pop.belonging.mean() == pytest.approx(0.4, abs=0.01)
    assert pop.belonging.min() >= 0.0 and pop.belonging.max() <= 1.0


def test_digital_literacy_is_clipped_to_the_unit_interval_and_follows_its_expectation():
    pop = drawn(community={"education_low": 1.0, "education_high": 0.0})  # everyone little schooling
    assert (pop.education == 0).all()
    assert pop.digital_literacy.min() == 0.0  # the elderly with little schooling reach the floor
    # at 60-62 the expectation is 0.14 on average; with noise of SD 0.15 clipped at 0,
    # E[max(X, 0)] for X ~ N(0.14, 0.15) = 0.14·Φ(0.93) + 0.15·φ(0.93) ≈ 0.155
    assert pop.digital_literacy[pop.age < 62.0].mean() == pytest.approx(0.155, abs=0.02)


def test_homophily_weighs_age_per_20_years_and_education_per_2_levels():
    pop = Population(2)
    pop.age[:] = [65.0, 75.0]
    pop.education[:] = [1, 2]
    # distance 10/20 + |1 − 2|/2 = 1 → exp(−1.5·1)
    assert homophily_weight(pop, np.array([0]), np.array([1]), 1.5).tolist() == pytest.approx([np.exp(-1.5)])


def test_education_levels_follow_the_settings_low_and_high_shares():
    pop = drawn(community={"education_low": 0.3, "education_high": 0.2})
    shares = np.bincount(pop.education, minlength=3) / N
    assert shares.tolist() == pytest.approx([0.3, 0.5, 0.2], abs=0.01)


def test_self_worth_and_reluctance_start_around_their_means_within_the_unit_interval():
    pop = drawn(motives={"initial_self_worth_mean": 0.6}, helping={"reluctance_mean": 0.95})
    assert pop.self_worth.mean() == pytest.approx(0.6, abs=0.01)
    assert pop.reluctance.max() <= 1.0 and pop.reluctance.min() >= 0.0


def test_tie_propensity_floors_health_at_0_05():
    from sim.core.population import tie_propensity

    scenario = make_scenario(network={"sociability_weight": 1.0, "education_weight": 0.5, "frailty_weight": 1.0})
    pop = Population(2)
    pop.occupied[:] = True
    pop.sociability[:] = [0.5, 1.0]
    pop.education[:] = [2, 0]
    pop.health[:] = [0.01, 0.8]
    # 0.5·(1 + 0.5·2)·0.05 = 0.05 (health floored); 1·1·0.8 = 0.8
    assert tie_propensity(pop, scenario).tolist() == pytest.approx([0.05, 0.8])
