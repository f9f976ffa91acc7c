"""The pattern-oriented validation quantities are computed as documented."""

import numpy as np
import pytest

from sim.patterns import report, standardized_coefficients, top_share


def test_top_share_is_the_hours_of_the_top_fifth_of_givers():
    hours = np.array([0, 0, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1])  # ten givers
    assert top_share(hours) == pytest.approx((10 + 1) / 19)


def test_standardized_coefficients_recover_a_linear_dependence():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 2))
    y = 2.0 * x[:, 0] + rng.normal(scale=0.1, size=2000)
    first, second = standardized_coefficients(y, x)
    assert first == pytest.approx(1.0, abs=0.02) and abs(second) < 0.02


def test_the_pattern_report_has_every_section():
    text = report(replicates=2, weeks=60, residents=150)
    for heading in (
        "Stated willingness versus actual activity",
        "Hours per active member",
        "Which kind of trust",
        "A cheap formal-care substitute",
    ):
        assert heading in text
    assert text.count("| 0.") >= 5  # one row per formal-care level
