"""Wiring of the observation step (step 16): each weekly metric is computed from the
right residents and the right quantities (docs/odd.md §7.11, Observation)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def observed_week():
    """4 residents, each with 2 hours of need; 3 gave 0 two hours (a tie 0–3);
    0 and 3 were active this week; 0 and 1 are ADL-disabled, 1 with daily-living
    need left; 0 and 2 state willingness; 0 is lonely."""
    model = scripted_model(4, participation={"active_window": 4, "willing_threshold": 0.5})
    pop, tally = model.pop, model.tally
    tie(model, 0, 3)
    tally.need_by_resident = np.full(4, 2.0)
    tally.need_hours = 8.0
    tally.exchanges = exchanges(model, [(3, 0, 0, 2.0, True, False)])
    pop.last_active[:] = [0, -100, -100, 0]
    pop.health[:] = [0.1, 0.1, 0.9, 0.9]
    pop.backlog[:, 0] = [0.0, 5.0, 0.0, 0.0]
    pop.willingness[:] = [1.0, 0.0, 1.0, 0.0]
    pop.loneliness[:] = [0.9, 0.0, 0.0, 0.0]
    pop.credits[:] = [1.0, 2.0, 0.0, 0.5]
    pop.aware[:] = [True, False, True, True]
    tally.violators, tally.victims = np.array([3]), np.array([0])
    return model


def test_the_weekly_record_computes_each_metric_from_the_right_residents():
    model = observed_week()
    run_step(model, "observation")
    (row,) = model.records
    assert row["met_hours"] == pytest.approx(2.0)
    assert row["coverage"] == pytest.approx(2.0 / 8.0)
    assert row["active_share"] == pytest.approx(0.5)  # 0 and 3
    assert row["hours_per_active_member"] == pytest.approx(2.0 / 2)
    assert row["unmet_adl_share"] == pytest.approx(0.5)  # of the ADL-disabled 0, 1: only 1
    assert row["willing_share"] == pytest.approx(0.5)
    assert row["lonely_share"] == pytest.approx(0.25)
    assert row["mean_degree"] == pytest.approx(0.5)  # degrees 1, 0, 0, 1
    assert row["credits_outstanding"] == pytest.approx(3.5)
    assert row["exchanges"] == 1
    assert row["aware_share"] == pytest.approx(0.75)  # 1 does not know the scheme
    assert row["violation_rate"] == pytest.approx(1 / 4)  # one violation, four members


def test_help_gini_ranks_the_met_shares_before_summing():
    model = observed_week()
    run_step(model, "observation")
    # met shares by slot 1, 0, 0, 0 (unsorted): sorted 0, 0, 0, 1 → Gini 0.75
    assert model.records[0]["help_gini"] == pytest.approx(0.75)


def test_the_burn_in_is_not_recorded():
    model = observed_week()
    at_week(model, -1)
    run_step(model, "observation")
    assert model.records == []


def test_without_ties_tie_trust_is_zero_and_nobody_is_active():
    model = scripted_model(2)
    model.tally.need_by_resident = np.zeros(2)
    run_step(model, "observation")
    row = model.records[0]
    assert (row["tie_trust"], row["mean_degree"], row["coverage"]) == (0.0, 0.0, 0.0)
    assert row["isolated_share"] == 1.0


def test_an_empty_community_records_zeros_not_errors():
    model = scripted_model(2)
    model.pop.occupied[:] = False
    model.tally.need_by_resident = np.zeros(2)
    run_step(model, "observation")
    row = model.records[0]
    assert row["residents"] == 0
    for name in ("mean_degree", "generalized_trust", "loneliness", "belonging", "aware_share", "active_share"):
        assert row[name] == 0.0, name
