"""The shipped defaults reproduce the calibration targets (targets.md) over replicates,
and the calibration reads runs made by the one run loop with the sweep's seeds."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS
from test_scenarios_cli import write

from sim.cli import main
from sim.experiments.calibration import (
    TARGETS,
    CalibrationProbe,
    calibrate,
    calibration_passes,
    compare_with_targets,
    direction_rows,
    giving_patterns,
    hours_since,
    targets_of,
)
from sim.experiments.plan import replicate_seeds, scenario_experiment
from sim.inputs.scenario import load_scenario, scenario_from_dict

ROOT_TINY = """
name = "cal"
replicates = 2
root_seed = 5
weeks = 26
residents = 80

[[scenarios]]
name = "small"
file = "{scenario}"
set = ["simulation.burn_in_weeks=4"]

[store]
weekly_every = 0
{probes}
"""


def test_the_default_community_is_within_every_calibration_band():
    rows = calibrate(scenario_from_dict({"simulation": {"weeks": 260}}), replicates=4)
    out_of_band = [r for r in rows if not r["in_band"]]
    assert not out_of_band, out_of_band
    assert {r["pattern"] for r in rows} == {t.name for t in TARGETS if t.scenario is None}
    assert "top_fifth_share" in {r["pattern"] for r in rows}


def test_hours_per_active_member_under_a_stably_backed_time_bank_are_within_their_band():
    scenario = load_scenario(SCENARIOS / "time_bank_stable.toml", ["simulation.weeks=260"])
    rows = calibrate(scenario, replicates=3)
    assert [r["pattern"] for r in rows] == ["hours_per_giver_year"]
    assert rows[0]["in_band"], rows


def test_activities_raise_the_default_communitys_participation_in_paired_runs(tmp_path):
    from sim.experiments.analyse import runs_of_experiment
    from sim.experiments.plan import load_experiment

    experiment = write(
        tmp_path,
        "direction.toml",
        f"""
name = "direction"
replicates = 3
root_seed = 2024
weeks = 260

[[scenarios]]
name = "defaults"
file = "{(SCENARIOS / "defaults.toml").as_posix()}"

[[scenarios]]
name = "defaults_activities"
file = "{(SCENARIOS / "defaults.toml").as_posix()}"
set = ["interventions.activities.enabled=true"]

[store]
weekly_every = 0
probes = ["calibration"]
""",
    )
    (row,) = direction_rows(runs_of_experiment(load_experiment(experiment)))
    assert row["pairs"] == 3 and row["in_band"], row


def test_a_years_giving_is_counted_per_resident_who_gave_and_by_the_top_fifth_of_givers():
    patterns = giving_patterns(np.array([0.0, 10.0, 5.0, 3.0, 2.0, 0.0]))
    # four givers, 20 hours: 5 each; the top fifth of four givers is one giver, with 10 of the 20 hours
    assert patterns == {"top_fifth_share": pytest.approx(0.5), "hours_per_giver_year": pytest.approx(5.0)}


def _ledger(person_id, given_total, occupied):
    return SimpleNamespace(
        pop=SimpleNamespace(
            person_id=np.array(person_id), given_total=np.array(given_total), occupied=np.array(occupied)
        )
    )


def test_hours_since_a_mark_count_only_residents_who_held_their_place_since():
    mark = (np.array([1, 2, 3]), np.array([4.0, 6.0, 1.0]))
    # resident 1 gave 3 more hours; place 2 is someone new (their 9 hours cannot be split); place 3 is empty now
    now = _ledger([1, 7, 3], [7.0, 9.0, 2.0], [True, True, False])
    assert hours_since(now, mark).tolist() == [3.0, 0.0, 0.0]


def test_the_probe_measures_each_samples_giving_over_the_year_before_it():
    model = SimpleNamespace(
        pop=SimpleNamespace(
            person_id=np.array([1, 2]),
            given_total=np.zeros(2),
            occupied=np.array([True, True]),
            health=np.ones(2),
            age=np.array([65.0, 75.0]),
        ),
        config=SimpleNamespace(demography=SimpleNamespace(iadl_threshold=0.5)),
        records=[{"lonely_share": 0.3, "isolated_share": 0.2, "active_share": 0.3}],
    )
    probe = CalibrationProbe(65)
    probe.start(model)
    for week in range(1, 66):
        model.pop.given_total[0] += 1.0  # resident 1 gives an hour every week
        if week == 60:
            model.pop.given_total[1] += 4.0  # resident 2 gives 4 hours once
        probe.week(model)
    result = probe.result(model)
    # samples at weeks 52 and 65 (none before a year): 52 h by one giver, then 52 + 4 h by two
    assert result["hours_per_giver_year"] == pytest.approx((52.0 + 56.0 / 2) / 2)
    assert result["top_fifth_share"] == pytest.approx((1.0 + 52.0 / 56.0) / 2)


def test_a_target_named_for_a_scenario_is_checked_there_and_only_there():
    assert [t.name for t in targets_of("time_bank_stable")] == ["hours_per_giver_year"]
    assert "hours_per_giver_year" not in [t.name for t in targets_of("defaults")]
    assert targets_of("rural_village") == targets_of("defaults")
    named = compare_with_targets(
        [{"hours_per_giver_year": 20.0}, {"hours_per_giver_year": 30.0}], targets_of("time_bank_stable")
    )
    assert named[0]["model_mean"] == 25.0 and not named[0]["in_band"]


def _rows(in_band, scenario=None):
    return [{"in_band": in_band, "scenario": scenario}]


def test_calibrate_fails_on_the_defaults_or_a_named_condition_but_not_on_a_setting_shown_for_information():
    defaults_pass = {"defaults": _rows(True), "new_estate": _rows(False)}
    assert calibration_passes(defaults_pass)
    assert not calibration_passes({"defaults": _rows(False), "new_estate": _rows(True)})
    assert not calibration_passes({**defaults_pass, "time_bank_stable": _rows(False, "time_bank_stable")})
    assert calibration_passes({**defaults_pass, "time_bank_stable": _rows(True, "time_bank_stable")})


def test_the_parameters_marked_calibrated_are_exactly_those_the_report_says_were_tuned():
    from sim.core.params import parameter_rows
    from sim.experiments.calibration import TUNED

    marked = {r["name"] for r in parameter_rows() if r["provenance"].startswith("calibrated")}
    tuned = {name.strip() for names, _ in TUNED for name in names.split(",")}
    assert marked == tuned


def test_replicate_k_of_a_calibrated_scenario_gets_the_sweeps_seed_for_replicate_k():
    experiment = scenario_experiment(scenario_from_dict({}), 3, 2024, probes=("calibration",))
    assert [run.seed for run in experiment.runs] == replicate_seeds(2024, 3)


def test_calibrating_a_sweeps_results_folder_equals_calibrating_its_experiment_file(tmp_path, capsys):
    experiment = write(
        tmp_path,
        "cal.toml",
        ROOT_TINY.format(scenario=(SCENARIOS / "defaults.toml").as_posix(), probes='probes = ["calibration"]'),
    )
    assert main(["sweep", str(experiment), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    main(["calibrate", str(tmp_path / "out"), "--write", str(tmp_path / "from_folder.md")])
    from_folder = capsys.readouterr().out.splitlines()[:7]
    main(["calibrate", str(experiment), "--quiet"])
    from_file = capsys.readouterr().out.splitlines()[:7]
    assert from_folder == from_file and from_folder[0] == "small"
    report = (tmp_path / "from_folder.md").read_text(encoding="utf-8")
    assert "` then `mutualaid calibrate" in report  # the sweep's command (its provenance), then this one
    assert "(experiment cal, 2 replicates from root seed 5)" in report


def test_a_results_folder_swept_without_the_calibration_probe_is_refused_in_one_line(tmp_path, capsys):
    experiment = write(
        tmp_path, "cal.toml", ROOT_TINY.format(scenario=(SCENARIOS / "defaults.toml").as_posix(), probes="")
    )
    assert main(["sweep", str(experiment), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["calibrate", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no calibration measures" in err[0] and 'probes include "calibration"' in err[0]


@pytest.mark.parametrize("option", [["--replicates", "3"], ["--weeks", "20"], ["--set", "trust.gossip_rate=0.3"]])
def test_sizes_given_with_a_results_folder_are_refused(option, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    assert main(["calibrate", str(tmp_path / "out"), *option]) == 2
    assert option[0] in capsys.readouterr().err


def _paired_runs(defaults, activities):
    """Runs of the direction check's two scenarios, listed out of replicate order."""
    rows = [
        {"scenario": name, "point": 0, "replicate": k, "calibration.active_share": value}
        for name, values in (("defaults_activities", activities), ("defaults", defaults))
        for k, value in reversed(list(enumerate(values)))
    ]
    return SimpleNamespace(scenarios=["defaults", "defaults_activities"], ok=lambda: pd.DataFrame(rows))


def test_the_activities_direction_check_pairs_runs_by_replicate_and_needs_its_interval_above_zero():
    # paired differences 0.10, 0.09, 0.11: mean 0.10, SD 0.01, t(0.975, 2) = 4.303 -> half 0.0248
    (row,) = direction_rows(_paired_runs([0.30, 0.32, 0.28], [0.40, 0.41, 0.39]))
    assert row["check"] == "activities_raise_participation" and row["pairs"] == 3
    assert row["difference"] == pytest.approx(0.10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.10 - 0.02484, 0.10 + 0.02484), abs=1e-5)
    assert row["in_band"]
    # differences 0.10, -0.10, 0.05: mean 0.017, its interval spans 0
    (row,) = direction_rows(_paired_runs([0.30, 0.40, 0.30], [0.40, 0.30, 0.35]))
    assert row["difference"] == pytest.approx(0.05 / 3) and row["ci_low"] < 0 and not row["in_band"]


def test_a_failed_direction_check_fails_calibrate():
    defaults_pass = {"defaults": _rows(True)}
    assert calibration_passes(defaults_pass, directions=[{"in_band": True}])
    assert not calibration_passes(defaults_pass, directions=[{"in_band": False}])


def test_the_direction_check_is_left_out_when_the_runs_lack_its_scenarios():
    runs = SimpleNamespace(scenarios=["defaults"], ok=lambda: pd.DataFrame({"scenario": ["defaults"]}))
    assert direction_rows(runs) == []
