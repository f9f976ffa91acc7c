"""The shipped defaults reproduce the calibration targets (targets.md) over replicates,
and the calibration reads runs made by the one run loop with the sweep's seeds."""

import pytest
from test_scenarios_cli import write

from sim.cli import main
from sim.experiments.calibration import TARGETS, calibrate
from sim.experiments.plan import replicate_seeds, scenario_experiment
from sim.inputs.scenario import scenario_from_dict

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
    assert {r["pattern"] for r in rows} == {t.name for t in TARGETS}


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
    from conftest import SCENARIOS

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
    from conftest import SCENARIOS

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
