"""The pattern-oriented validation quantities are computed as documented, by a probe
of the one run loop, with the sweep's seeds."""

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, scripted_model

from sim.cli import main
from sim.core.metrics import LAST_WEEKS
from sim.core.network import EXCHANGE, FRIEND, EdgeStore
from sim.experiments.patterns import (
    AUTHORITY_KEYS,
    FOLLOW_UP,
    FORMAL_CARE,
    FirstHelp,
    PatternProbe,
    authority_makeup,
    authority_section,
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
        "What norm authority is made of",
    ):
        assert heading in text
    assert "| hours given per registrant per year (last two years) |" in text
    assert "| standardized coefficient of exposure on loneliness (adjusted) |" in text
    assert "| share of residents whose witnessed weight is below 1 (mostly prior) |" in text
    assert "| prior A_0 (`norms.initial_authority`) | 0.4 |" in text
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


NORMS = {"initial_authority": 0.4, "authority_prior_weight": 4.0, "witness_forgetting": 0.5}


def test_authority_makeup_splits_the_aware_residents_authority_into_prior_and_witnessed_cases():
    nm = scripted_model(1, norms=NORMS).config.norms
    sanctioned = np.array([0.0, 3.0, 0.5, 9.0])
    unpunished = np.array([0.0, 1.0, 0.2, 0.0])
    aware = np.array([True, True, True, False])  # 3 saw nine sanctioned cases but is not aware: not counted
    out = authority_makeup(sanctioned, unpunished, aware, nm)
    # prior 0.4 worth 4 cases (a = 1.6): 0 saw nothing, A = 1.6/4; 1 saw 3 of 4 sanctioned, A = 4.6/8;
    # 2 saw 0.5 of 0.7, A = 2.1/4.7
    assert out["authority_mean"] == pytest.approx((0.4 + 0.575 + 2.1 / 4.7) / 3)
    assert out["mostly_prior_share"] == pytest.approx(2 / 3)  # 0 and 2 witnessed less than one case
    assert out["witnessed_weight"] == pytest.approx((0 + 4 + 0.7) / 3)
    assert out["prior_weight_share"] == pytest.approx((4 / 4 + 4 / 8 + 4 / 4.7) / 3)
    assert (out["sanctioned"], out["witnessed"]) == pytest.approx((3.5, 4.7))
    nobody = authority_makeup(sanctioned, unpunished, np.zeros(4, dtype=bool), nm)
    assert np.isnan(nobody["authority_mean"]) and nobody["witnessed"] == 0


def test_the_probe_samples_authority_every_week_of_the_last_two_years_and_pools_the_enforcement_ratio():
    model = scripted_model(3, norms=NORMS)  # forgetting 0.5 a week
    pop = model.pop
    pop.aware[2] = False  # 2 witnesses a lot but is not aware of the scheme
    probe = PatternProbe(LAST_WEEKS + 1)  # week 1 falls before the last two years
    probe.start(model)
    weeks = {  # week: (sanctioned, unpunished) at its end
        1: ([2.0, 0.0, 5.0], [0.0, 0.0, 0.0]),
        2: ([1.0, 1.0, 5.0], [2.0, 0.0, 0.0]),
        3: ([0.5, 0.0, 5.0], [1.0, 0.0, 0.0]),
    }
    for week in range(1, LAST_WEEKS + 2):
        model.week = week
        if week in weeks:
            pop.seen_sanctioned[:], pop.seen_unpunished[:] = (np.array(v) for v in weeks[week])
        if week == 3:
            pop.person_id[1] = 10_000  # 1's slot changes hands: a newcomer who has seen nothing
        probe.week(model)
    out = probe.result(model)
    assert set(AUTHORITY_KEYS) <= set(out)
    # weeks 2 and 3 as written, then LAST_WEEKS - 2 weeks with the counts of week 3 unchanged
    later = LAST_WEEKS - 2
    week2 = ((1 + 1.6) / 7 + (1 + 1.6) / 5) / 2
    week3 = ((0.5 + 1.6) / 5.5 + 0.4) / 2
    assert out["authority_mean"] == pytest.approx((week2 + (1 + later) * week3) / LAST_WEEKS)
    # witnessed weights: week 2 (3, 1), none below 1; later (1.5, 0): one of two
    assert out["mostly_prior_share"] == pytest.approx((0 + (1 + later) * 0.5) / LAST_WEEKS)
    assert out["witnessed_weight"] == pytest.approx((2 + (1 + later) * 0.75) / LAST_WEEKS)
    assert out["prior_weight_share"] == pytest.approx((4 / 7 + 4 / 5 + (1 + later) * (4 / 5.5 + 1)) / 2 / LAST_WEEKS)
    # pooled over the aware and the weeks: sanctioned 2 + 0.5 a week later, witnessed 4 + 1.5 a week later
    assert out["enforcement_ratio"] == pytest.approx((2 + (1 + later) * 0.5) / (4 + (1 + later) * 1.5))
    # new cases of those who stayed: week 2, 0 saw 3 - 0.5*2 = 2 and 1 saw 1; week 3, 0 saw 1.5 - 0.5*3 = 0
    # (1 is a newcomer); later weeks 1.5 - 0.5*1.5 = 0.75 for 0 and 0 for 1
    new = [1.5, 0.0] + [0.375] * later
    assert out["cases_witnessed_per_year"] == pytest.approx(52 * np.mean(new))


def test_the_authority_section_measures_the_distance_from_the_prior_toward_the_enforcement_ratio():
    columns = {
        "authority_mean": pd.Series([0.35, 0.37]),
        "enforcement_ratio": pd.Series([0.15, 0.17]),
        "prior_weight_share": pd.Series([0.8, 0.9]),
        "mostly_prior_share": pd.Series([0.6, 0.7]),
        "witnessed_weight": pd.Series([0.5, 0.3]),
        "cases_witnessed_per_year": pd.Series([0.4, 0.6]),
    }
    norms = {"initial_authority": 0.4, "authority_prior_weight": 4.0, "witness_forgetting": 0.98}
    lines = authority_section(columns.__getitem__, pd.Series([0.36, 0.36]), norms)
    rows = {line.split(" | ")[0]: line.split(" | ")[1] for line in lines if line.startswith("| ")}
    assert rows["| Ā minus the prior"].startswith("-0.040 (")
    # (0.35 - 0.4)/(0.15 - 0.4) = 0.2 and (0.37 - 0.4)/(0.17 - 0.4) = 3/23
    assert rows["| share of the way from the prior to the enforcement ratio, (Ā − A_0)/(ratio − A_0)"].startswith(
        f"{(0.2 + 3 / 23) / 2:.3f} ("
    )
    reading = next(line for line in lines if line.startswith("Reading:"))
    assert "mostly the assumed prior" in reading and "carries 85%" in reading and "65% of aware" in reading
