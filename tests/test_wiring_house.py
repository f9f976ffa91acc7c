"""Wiring of the small shared helpers the steps lean on, where a unit mistake would
pass every step's test that saturates (tests/mutation/run.py survivors of the
house's sample, docs/trace.md §9)."""

import math

import numpy as np

from sim.core.util import unique, weekly_probability


def test_an_annual_rate_becomes_the_probability_of_the_event_within_one_week():
    # a constant hazard of 0.52 a year is 0.01 a week: P = 1 − e^(−0.01) = 0.0099502
    assert math.isclose(float(weekly_probability(0.52)), 1 - math.exp(-0.01), rel_tol=1e-12)
    assert np.allclose(weekly_probability(np.array([0.0, 0.52, 5.2])), [0.0, 1 - math.exp(-0.01), 1 - math.exp(-0.1)])


def test_distinct_values_keep_the_first_of_each_run_in_sorted_order():
    # sorted 1 1 2 5 5 5 7: runs start at 1, 2, 5, 7
    assert unique(np.array([5, 1, 7, 5, 2, 1, 5])).tolist() == [1, 2, 5, 7]
    assert unique(np.array([3, 3, 3])).tolist() == [3]
