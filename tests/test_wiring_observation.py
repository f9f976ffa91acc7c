"""Wiring of the observation step (step 16): each weekly metric is computed from the
right residents and the right quantities (docs/odd.md §7.11, Observation)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie

from sim.core.network import ACTIVITY, EXCHANGE, FRIEND, INTRODUCED, NEIGHBOUR, PAIRING
from sim.core.tally import Exchanges, WeekTally


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


def test_the_weekly_table_shows_mean_age_and_shares_by_functional_status():
    model = scripted_model(4)
    d = model.config.demography
    model.pop.age[:] = [62.0, 70.0, 80.0, 88.0]
    # one ADL-disabled, one IADL-limited only, two above both thresholds
    model.pop.health[:] = [d.adl_threshold / 2, (d.adl_threshold + d.iadl_threshold) / 2, 0.9, 0.9]
    run_step(model, "observation")
    row = model.records[0]
    assert row["mean_age"] == pytest.approx(75.0)
    assert row["adl_limited_share"] == pytest.approx(1 / 4)
    assert row["iadl_limited_share"] == pytest.approx(2 / 4)  # the ADL-disabled are IADL-limited too


def test_hours_per_active_giver_divides_by_those_who_gave():
    model = observed_week()
    run_step(model, "observation")
    # 2 hours given, by resident 3 alone (0 was active too, as a receiver)
    assert model.records[0]["hours_per_active_giver"] == pytest.approx(2.0)


def test_coverage_gap_ranks_by_the_ties_residents_had_before_the_scheme():
    """At week 0 only 4–7 have ties (6, 7 two each); by week 1 exchange ties make 0
    and 1 the best connected, and they are the ones helped. Ranked by today's degree
    the helped would be the best-connected quarter (gap +1); ranked by connectedness
    before the scheme they are the least connected (gap −1)."""
    model = scripted_model(8)
    for a, b in [(6, 7), (6, 5), (7, 4)]:
        tie(model, a, b)
    model.tally.need_by_resident = np.ones(8)
    run_step(model, "observation")
    at_week(model, 1)
    for a, b in [(0, 2), (0, 3), (1, 2), (1, 3), (0, 1)]:
        tie(model, a, b, kind=EXCHANGE)
    model.tally.need_by_resident = np.ones(8)
    model.tally.exchanges = exchanges(model, [(2, 0, 0, 1.0, True, False), (3, 1, 0, 1.0, True, False)])
    run_step(model, "observation")
    assert model.records[1]["coverage_gap"] == pytest.approx(-1.0)


def test_a_newcomer_is_ranked_by_the_ties_held_at_move_in():
    """Slot 0 is re-let at week 1 to a newcomer with two neighbour ties; the
    previous occupant had none."""
    model = scripted_model(8)
    model.tally.need_by_resident = np.ones(8)
    run_step(model, "observation")
    at_week(model, 1)
    model.pop.moved_in[0] = 1
    for b in (1, 2):
        tie(model, 0, b, kind=NEIGHBOUR)
    model.tally.need_by_resident = np.ones(8)
    run_step(model, "observation")
    assert model.community.observed.baseline_degree[0] == 2
    assert model.community.observed.baseline_degree[3] == 0
    # the previous occupant's week-0 need is not the newcomer's: their column is cleared
    memory = model.community.observed
    assert memory.need[0, 0] == 0.0 and memory.met[0, 0] == 0.0
    assert memory.need[0, 3] == 1.0


def test_help_gini_is_over_met_shares_of_the_last_13_weeks():
    """Need 2 h a week each; 0 helped 2 h in week 0, 1 in week 1, nobody in week 13.
    Through week 1 the met shares are ½, ½, 0, 0 (Gini ½, where one week alone gives
    ¾); at week 13 week 0 has left the window: 0, ½, 0, 0 (Gini ¾)."""
    model = scripted_model(4)
    tie(model, 0, 3)
    tie(model, 1, 3)
    for week, helped in [(0, [0]), (1, [1]), (13, [])]:
        at_week(model, week)
        model.tally.need_by_resident = np.full(4, 2.0)
        rows = [(3, q, 0, 2.0, True, False) for q in helped]
        model.tally.exchanges = exchanges(model, rows) if rows else Exchanges()
        run_step(model, "observation")
    assert [r["help_gini"] for r in model.records] == pytest.approx([0.75, 0.5, 0.75])


def test_coverage_of_need_counts_what_services_took_off_the_backlog():
    """Health 0.5 (below the health-need level 0.6, so health need arises), no family
    or formal care, health need 2·(1 − 0.5) = 1 h each, of
    which services cover half: 1 h in all, each week. Week 0: need 4 h in the backlog
    + 1 h covered = 5. Redemption takes 3 h after week 0's help; with carryover ½,
    week 1's need before services is 4 + ½·(1 + 3) + 1 = 7; 1 h met → coverage 1/7."""
    model = scripted_model(
        2,
        community={"family_support": 0.0, "family_support_alone": 0.0, "formal_care": 0.0},
        needs={"health_support": 2.0, "backlog_carryover": 0.5, "health_need_below": 0.6},
    )
    model.pop.health[:] = 0.5
    tie(model, 0, 1)
    model.tally.need_by_resident = np.full(2, 2.0)
    model.tally.need_hours = 4.0
    model.tally.redeemed_hours = 3.0
    model.tally.health_covered = 1.0  # the needs step's record: half of 2 × 1 h
    run_step(model, "observation")
    at_week(model, 1)
    model.tally = WeekTally(2)
    model.tally.need_by_resident = np.full(2, 2.0)
    model.tally.need_hours = 4.0
    model.tally.health_covered = 1.0
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False)])
    run_step(model, "observation")
    first, second = model.records
    assert first["need_hours_before_services"] == pytest.approx(5.0)
    assert second["need_hours_before_services"] == pytest.approx(7.0)
    assert second["coverage_of_need"] == pytest.approx(1.0 / 7.0)
    assert second["coverage"] == pytest.approx(1.0 / 4.0)


def test_connectedness_before_the_scheme_counts_neighbours_friends_and_introductions_only():
    """A newcomer at slot 0 holds one tie of every kind at move-in: the scheme made the
    pairing, exchange and activity ties, not the other three."""
    model = scripted_model(8)
    model.tally.need_by_resident = np.ones(8)
    run_step(model, "observation")
    at_week(model, 1)
    model.pop.moved_in[0] = 1
    for b, kind in enumerate((NEIGHBOUR, FRIEND, PAIRING, EXCHANGE, ACTIVITY, INTRODUCED), start=1):
        tie(model, 0, b, kind=kind)
    model.tally.need_by_resident = np.ones(8)
    run_step(model, "observation")
    assert model.community.observed.baseline_degree[0] == 3


def test_observed_sums_are_exact_so_every_cpu_records_the_same_float():
    from sim.core.util import exact_mean, exact_sum

    # pairwise or vectorised summation loses the 1.0; the correctly rounded sum keeps it
    values = np.array([1e16, 1.0, -1e16, 3.0])
    assert exact_sum(values) == 4.0
    assert exact_mean(values) == 1.0
    rng = np.random.default_rng(3)
    x = rng.random(1001)
    assert exact_sum(x) == exact_sum(x[::-1]) == exact_sum(rng.permutation(x))
    assert exact_mean(np.zeros(0)) == 0.0


def test_clustering_is_measured_on_a_sample_when_the_community_is_larger_than_it():
    model = scripted_model(12, simulation={"clustering_sample": 10, "clustering_interval": 1})
    for a, b in [(0, 1), (1, 2), (0, 2)]:
        tie(model, a, b)
    model.tally.need_by_resident = np.zeros(12)
    run_step(model, "observation")
    # ten of the twelve residents: whichever of the triangle (1.0 each) are drawn, the
    # rest 0; at least one of the triangle is among any ten of twelve
    c = model.records[0]["clustering"]
    assert c in [pytest.approx(k / 10.0) for k in (1, 2, 3)]
