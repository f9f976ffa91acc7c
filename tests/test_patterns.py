"""The pattern-oriented validation quantities are computed as documented, by a probe
of the one run loop, with the sweep's seeds."""

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, scripted_model

from sim.cli import main
from sim.core.network import EXCHANGE, FRIEND, EdgeStore
from sim.experiments.patterns import (
    FOLLOW_UP,
    FORMAL_CARE,
    FirstHelp,
    PatternProbe,
    exposure_coefficient,
    gradient,
    last_two_years,
    nearest_matches,
    standardized_coefficients,
    ties_of_kind,
    top_share,
    wellbeing,
)
from sim.experiments.plan import load_experiment, replicate_seeds

PATTERNS = ROOT / "experiments" / "patterns.toml"


def test_top_share_is_the_hours_of_the_top_fifth_of_givers():
    hours = np.array([0, 0, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1])  # ten givers
    assert top_share(hours) == pytest.approx((10 + 1) / 19)


def test_standardized_coefficients_recover_a_linear_dependence():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 2))
    y = 2.0 * x[:, 0] + rng.normal(scale=0.1, size=2000)
    first, second = standardized_coefficients(y, x)
    assert first == pytest.approx(1.0, abs=0.02) and abs(second) < 0.02


def test_the_pattern_report_has_every_section(tmp_path):
    out = tmp_path / "patterns.md"
    args = ["patterns", str(PATTERNS), "--replicates", "2", "--weeks", "60", "--residents", "150"]
    assert main([*args, "--quiet", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in (
        "Stated willingness versus actual activity",
        "Hours per active member and per registrant",
        "Which kind of trust",
        "A cheap formal-care substitute",
        "Whether mutual-aid ties protect wellbeing",
    ):
        assert heading in text
    assert "| hours given per registrant per year (last two years) |" in text
    assert "| standardized coefficient of exposure on loneliness (adjusted) |" in text
    rows = {"defaults": "| on | 0 | 0.15 |", "crowding_out": "| on | -0.5 | 0.15 |", "no_hours_cost": "| on | 0 | 0 |"}
    for name, channels in rows.items():  # one row per formal-care level, labelled with its channels
        assert sum(line.startswith(f"| {name} {channels} 0.") for line in text.splitlines()) == 5
        assert f"- {name}: active share " in text
    assert "(experiment patterns, 2 replicates from root seed 7;" in text


def test_the_patterns_experiment_gives_replicate_k_the_sweeps_seed_at_every_level():
    experiment = load_experiment(PATTERNS)
    assert experiment.spec.store.probes == ["patterns"]
    seeds = replicate_seeds(experiment.spec.root_seed, experiment.spec.replicates)
    assert all(run.seed == seeds[run.replicate] for run in experiment.runs)
    assert len({run.point for run in experiment.runs}) == 5


def test_patterns_of_a_scenario_file_are_refused_with_what_to_give_instead(capsys):
    assert main(["patterns", str(ROOT / "scenarios" / "defaults.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert "experiments/patterns.toml" in err and "results folder" in err


def test_a_design_without_the_scenarios_own_formal_care_is_refused_in_one_line(tmp_path, capsys):
    text = PATTERNS.read_text(encoding="utf-8").replace("[0.0, 0.2, 0.4, 0.6, 0.8]", "[0.0, 0.4]")
    experiment = tmp_path / "patterns.toml"
    experiment.write_text(text.replace("../scenarios/", f"{(ROOT / 'scenarios').as_posix()}/"), encoding="utf-8")
    args = ["patterns", str(experiment), "--replicates", "1", "--weeks", "52", "--residents", "60", "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "community.formal_care (0.2)" in err[0] and "design's levels" in err[0]


def test_last_two_years_averages_the_last_104_weeks_per_registrant_per_year_and_pools_hours_per_exchange():
    old = {"hours_per_registrant": 100.0, "never_exchanged_share": 1.0, "exchanges": 100, "met_hours": 1000.0}
    weeks = [{"hours_per_registrant": 1.0, "never_exchanged_share": 0.1, "exchanges": 2, "met_hours": 4.0}] * 52
    weeks += [{"hours_per_registrant": 3.0, "never_exchanged_share": 0.3, "exchanges": 0, "met_hours": 0.0}] * 51
    weeks += [{"hours_per_registrant": 2.0, "never_exchanged_share": 0.2, "exchanges": 2, "met_hours": 2.0}]
    out = last_two_years([old, old, *weeks])  # the two oldest weeks fall outside the last two years
    assert out["hours_per_registrant_per_year"] == pytest.approx(52 * (52 * 1 + 51 * 3 + 2) / 104)
    assert out["never_exchanged_share"] == pytest.approx((52 * 0.1 + 51 * 0.3 + 0.2) / 104)
    assert out["hours_per_exchange"] == pytest.approx((52 * 4 + 2) / (52 * 2 + 2))


def test_exposure_coefficient_is_the_standardized_slope_of_exposure_in_an_orthogonal_table():
    exposed = np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=bool)
    health = np.array([0, 1, 0, 1, 0, 1, 0, 1], dtype=float)
    lonely = 0.5 - 0.2 * exposed + 0.3 * health
    # sd(exposed) = sd(health) = 1/2, var(lonely) = (0.2² + 0.3²)/4, so beta = -0.2·(1/2)/sqrt(0.0325) = -2/sqrt(13)
    assert exposure_coefficient(lonely, exposed, health[:, None]) == pytest.approx(-2 / np.sqrt(13))


def test_exposure_coefficient_adjusts_for_a_covariate_that_goes_with_exposure():
    exposed = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    health = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=float)  # the exposed are healthier
    lonely = -0.2 * exposed + 0.3 * health
    # unadjusted, exposed minus others = (0.3·3/4 - 0.2) - 0.3/4 = -0.05; adjusted, the slope is -0.2
    assert lonely[exposed].mean() - lonely[~exposed].mean() == pytest.approx(-0.05)
    assert exposure_coefficient(lonely, exposed, health[:, None]) == pytest.approx(-0.2 * 0.5 / lonely.std())


def test_exposure_coefficient_is_nan_without_a_contrast():
    lonely, health = np.array([0.1, 0.4, 0.3]), np.array([[0.2], [0.5], [0.9]])
    assert np.isnan(exposure_coefficient(lonely, np.ones(3, dtype=bool), health))
    assert np.isnan(exposure_coefficient(lonely, np.zeros(3, dtype=bool), health))


def test_ties_of_kind_counts_each_residents_ties_of_that_kind_only():
    net = EdgeStore(4)
    net.add(np.array([0, 0]), np.array([1, 2]), np.array([EXCHANGE, FRIEND]), 0.5, 0)
    net.add(np.array([3]), np.array([0]), EXCHANGE, 0.5, 0)
    assert ties_of_kind(net, EXCHANGE).tolist() == [2, 1, 0, 1]
    assert ties_of_kind(net, FRIEND).tolist() == [1, 0, 1, 0]


def test_wellbeing_calls_exposed_who_has_an_exchange_tie_or_received_recently_and_adjusts_for_other_ties():
    model = scripted_model(9)
    pop = model.pop
    model.net.add(np.array([0, 3, 0]), np.array([1, 4, 5]), np.array([EXCHANGE, FRIEND, FRIEND]), 0.5, 0)
    pop.occupied[8] = False  # an empty dwelling counts for nobody, though its slot "received"
    received_recently = np.array([0, 0, 1, 0, 0, 0, 0, 0, 1], dtype=bool)
    pop.loneliness[:] = [0.1, 0.3, 0.2, 0.5, 0.4, 0.6, 0.9, 0.7, 0.0]
    pop.health[:] = [0.9, 0.5, 0.7, 0.8, 0.4, 0.6, 0.3, 0.9, 0.5]
    pop.age[:] = [66.0, 71.0, 80.0, 62.0, 75.0, 69.0, 84.0, 73.0, 70.0]
    pop.lives_alone[:] = [False, True, True, False, False, True, True, False, False]
    out = wellbeing(model, received_recently)
    exposed = np.array([1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)  # 0-1 by their exchange tie, 2 by the help
    other_ties = np.array([1, 0, 0, 1, 1, 1, 0, 0])  # 0's friend 5 counts, its exchange tie with 1 does not
    covariates = np.column_stack([pop.health[:8], pop.age[:8], pop.lives_alone[:8], other_ties])
    assert out["exposed_share"] == pytest.approx(3 / 8)
    assert out["loneliness_exposed"] == pytest.approx(0.2)
    assert out["loneliness_unexposed"] == pytest.approx((0.5 + 0.4 + 0.6 + 0.9 + 0.7) / 5)
    assert out["wellbeing_coefficient"] == pytest.approx(exposure_coefficient(pop.loneliness[:8], exposed, covariates))


def test_nearest_matches_takes_the_nearest_candidate_of_the_same_group_or_none():
    candidates = np.array([[0.5, 0.5, 70.0], [0.6, 0.5, 70.0], [0.9, 0.1, 85.0]])
    candidate_group = np.array([True, False, False])
    treated = np.array([[0.5, 0.5, 70.0], [0.85, 0.15, 84.0], [0.5, 0.5, 70.0]])
    treated_group = np.array([False, False, True])
    # the first's exact twin lives alone, it does not: the next nearest who does not (1); the third's only
    # candidate living alone is its twin (0)
    assert nearest_matches(treated, candidates, treated_group, candidate_group).tolist() == [1, 2, 0]
    assert nearest_matches(treated, candidates, treated_group, np.array([True, True, True])).tolist() == [-1, -1, 0]
    assert nearest_matches(treated, candidates[:0], treated_group, candidate_group[:0]).tolist() == [-1, -1, -1]


def _first_help_run(model, weeks_of_loneliness: dict[int, list[float]], receipts: dict[int, list[int]], moves=()):
    """Follow ``FirstHelp`` for FOLLOW_UP weeks after week 1: in week w the residents in
    ``receipts[w]`` receive an hour, loneliness is ``weeks_of_loneliness[w]`` when given
    (else unchanged), and (week, slot) in ``moves`` gives the slot a new occupant."""
    follow = FirstHelp()
    follow.remember(model)
    for week in range(1, FOLLOW_UP + 1):
        model.pop.received_total[receipts.get(week, [])] += 1.0
        if week in weeks_of_loneliness:
            model.pop.loneliness[:] = weeks_of_loneliness[week]
        for when, slot in moves:
            if when == week:
                model.pop.person_id[slot] = 10_000 + slot
        follow.week(model)
    return follow.result()


def test_first_help_compares_the_13_week_change_with_the_matched_never_helped_resident():
    model = scripted_model(4)
    model.pop.loneliness[:] = [0.6, 0.55, 0.2, 0.6]
    model.pop.received_total[:] = [0.0, 0.0, 0.0, 5.0]  # 3 was helped before: neither first help nor a control
    model.pop.lives_alone[:] = False
    # baseline (end of week 0): 1 nearest to 0 among the never helped (3, nearer, was helped); 0 first helped
    # in week 1, whose own change counts from the end of week 0, not from after the help
    loneliness = {1: [0.5, 0.55, 0.2, 0.6], 5: [0.4, 0.5, 0.2, 0.1], FOLLOW_UP: [0.3, 0.5, 0.25, 0.1]}
    out = _first_help_run(model, loneliness, {1: [0, 3]})
    assert out["first_help_pairs"] == 1
    assert out["first_help_change"] == pytest.approx(0.3 - 0.6)
    assert out["matched_change"] == pytest.approx(0.5 - 0.55)
    assert out["first_help_difference"] == pytest.approx(-0.25)


def test_first_help_drops_a_pair_whose_control_moved_out_and_counts_only_whole_follow_ups():
    model = scripted_model(3)
    model.pop.loneliness[:] = [0.6, 0.6, 0.2]
    out = _first_help_run(model, {}, {1: [0]}, moves=[(7, 1)])
    assert out["first_help_pairs"] == 0 and np.isnan(out["first_help_difference"])
    model = scripted_model(3)
    out = _first_help_run(model, {}, {2: [0]})  # first helped in week 2: due in week 14, after the run
    assert out["first_help_pairs"] == 0


def test_the_formal_care_gradient_is_paired_by_replicate():
    runs = pd.DataFrame(
        {
            "replicate": [0, 0, 0, 1, 1, 1],
            FORMAL_CARE: [0.0, 0.4, 0.8, 0.0, 0.4, 0.8],
            "active": [0.30, 0.9, 0.40, 0.20, 0.0, 0.24],
        }
    )
    assert gradient(runs, "active").tolist() == pytest.approx([0.10, 0.04])


def test_the_probe_counts_as_recently_helped_only_help_of_the_last_13_weeks_to_the_same_occupant():
    model = scripted_model(4)
    probe = PatternProbe(20)  # the last 13 weeks are weeks 8-20
    probe.start(model)
    for week in range(1, 21):
        model.week = week
        if week == 7:
            model.pop.received_total[0] += 1.0  # before the last 13 weeks
        if week == 8:
            model.pop.received_total[[1, 2]] += 1.0  # within them
        if week == 12:
            model.pop.person_id[2] = 10_000  # 2's slot changes hands after the help
        probe.week(model)
    assert probe.result(model)["exposed_share"] == pytest.approx(1 / 4)
