"""Wiring of the per-run sustainability metrics (sim/core/metrics.py) on a weekly table
built by hand: collapse needs 26 consecutive weeks under 5 %, the peak is a 13-week
moving average, hours per active member are annualized, and the gain half-life is
counted from the end of the intervention (docs/odd.md, Observation)."""

import numpy as np
import pandas as pd
import pytest

from sim.core.metrics import paired_gain_half_life, sustainability
from sim.submodels.observation import METRICS


def weekly(active: list[float]) -> pd.DataFrame:
    weeks = len(active)
    table = pd.DataFrame({name: np.zeros(weeks) for name in METRICS})
    table["week"] = np.arange(weeks) + 100  # weeks need not start at 0
    table["active_share"] = active
    table["hours_per_active_member"] = 2.0
    table["hours_per_active_giver"] = 3.0
    table["coverage_of_need"] = 0.25
    table["coverage"] = 0.5
    table["met_hours"] = 10.0
    table["budget_spent"] = np.linspace(0.0, 300.0, weeks)
    return table


def test_collapse_is_the_first_of_26_consecutive_weeks_under_five_percent():
    # 10 weeks at 0.3, a 25-week dip, 1 week back up, then 30 weeks at 0.01
    active = [0.3] * 10 + [0.01] * 25 + [0.3] + [0.01] * 30
    out = sustainability(weekly(active))
    assert out["collapsed"] is True
    assert out["collapse_week"] == 100 + 36


def test_a_dip_shorter_than_26_weeks_is_no_collapse():
    out = sustainability(weekly([0.3] * 10 + [0.01] * 25 + [0.3] * 5))
    assert out["collapsed"] is False and out["collapse_week"] is None


def test_peak_is_the_highest_13_week_moving_average_and_persistence_is_relative_to_it():
    active = [0.0] * 20 + [0.26] * 13 + [0.13] * 20
    out = sustainability(weekly(active))
    assert out["peak_active_share"] == pytest.approx(0.26)
    # last two years = all 53 weeks: mean (13·0.26 + 20·0.13)/53
    mean = (13 * 0.26 + 20 * 0.13) / 53
    assert out["mean_active_share_last2y"] == pytest.approx(mean)
    assert out["persistence"] == pytest.approx(mean / 0.26)


def test_hours_per_active_member_are_annualized_and_cost_is_per_met_hour():
    out = sustainability(weekly([0.2] * 10))
    assert out["hours_per_active_member_per_year"] == pytest.approx(2.0 * 52)
    assert out["budget_spent"] == pytest.approx(300.0)
    assert out["cost_per_met_hour"] == pytest.approx(300.0 / 100.0)


def test_hours_per_active_giver_are_annualized_and_coverage_of_need_averaged():
    out = sustainability(weekly([0.2] * 10))
    assert out["hours_per_active_giver_per_year"] == pytest.approx(3.0 * 52)
    assert out["mean_coverage_of_need_last2y"] == pytest.approx(0.25)


def test_a_single_run_reports_no_gain_half_life_because_it_has_no_paired_run():
    # the gain rises 0.1 → 0.3 and falls to 0.15 after the stop: counted from the level
    # before the start it would "halve" in 3 weeks, mixing in what would have happened
    # anyway; the half-life needs the paired run without the intervention (a sweep)
    active = [0.1] * 4 + [0.3] * 10 + [0.25] * 3 + [0.15] * 5
    out = sustainability(weekly(active), {"activities": (104, 114)})
    assert not [key for key in out if key.startswith("gain_half_life_")]
    assert out["stop_week_activities"] == 114


def test_the_stop_week_of_an_ended_intervention_is_kept_for_pairing():
    out = sustainability(weekly([0.2] * 20), {"activities": (104, 114)})
    assert out["stop_week_activities"] == 114


def test_paired_gain_half_life_counts_the_gain_over_the_run_without_the_intervention():
    """Both runs drift down 0.01 a week (ageing); the intervention adds 0.1 until it
    stops at week 10, then 0.08, 0.06, 0.04: the gain at the end is 0.1 and falls
    below 0.05 at week 12, two weeks after. Counted from the run's own level the drift
    would count as loss as well."""
    weeks = np.arange(20)
    reference = 0.3 - 0.01 * weeks
    gain = np.array([0.1] * 10 + [0.08, 0.06, 0.04] + [0.0] * 7)
    assert paired_gain_half_life(weeks, reference + gain, reference, 10) == pytest.approx(2.0)


def test_paired_gain_half_life_is_undefined_without_a_gain_or_when_it_never_halves():
    weeks = np.arange(20)
    reference = np.full(20, 0.3)
    assert paired_gain_half_life(weeks, reference, reference, 10) is None
    assert paired_gain_half_life(weeks, reference + 0.1, reference, 10) is None
