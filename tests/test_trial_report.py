"""The in-silico trials in the calibration report (issue 19, deliverable 4): an experiment
file declares them (``[trials]``), ``mutualaid calibrate`` runs them with the code of
``mutualaid trial`` and reports each intervention's Hedges' g in loneliness at 6 and 12
months against the band of targets.md."""

import typing

import pytest
from conftest import ROOT, SCENARIOS

from sim.cli import main
from sim.experiments.calibration import run_trials
from sim.experiments.plan import load_experiment
from sim.experiments.schema import Trials, read_experiment_file
from sim.experiments.trial import TRIAL_BAND, run_trial, supported
from sim.inputs.scenario import ScenarioError, scenario_from_dict

EXPERIMENT = """
name = "cal"
replicates = 2
root_seed = 5
weeks = 13
residents = 80

[[scenarios]]
name = "small"
file = "{scenario}"
set = ["simulation.burn_in_weeks=4"]

[store]
weekly_every = 0
probes = ["calibration"]

[trials]
scenario = "{trial_scenario}"
interventions = ["activities"]
replicates = 2
root_seed = 7
"""


def experiment_file(tmp_path, trial_scenario="small"):
    path = tmp_path / "cal.toml"
    scenario = (SCENARIOS / "defaults.toml").as_posix()
    path.write_text(EXPERIMENT.format(scenario=scenario, trial_scenario=trial_scenario), encoding="utf-8")
    return path


def test_the_trials_an_experiment_declares_are_in_the_calibration_report_with_their_band(tmp_path, capsys):
    path = experiment_file(tmp_path)
    main(["calibrate", str(path), "--write", str(tmp_path / "calibration.md"), "--quiet"])
    printed = capsys.readouterr().out
    report = (tmp_path / "calibration.md").read_text(encoding="utf-8")
    section = report.split("## In-silico trials", 1)[1]
    experiment = load_experiment(path)
    scenario = experiment.scenario_for(experiment.runs[0])
    expected = run_trial(scenario, "activities", 2, 7).summary.set_index(["months", "outcome"])
    for months in (6, 12):
        g, low, high = expected.loc[(months, "loneliness"), ["g", "ci_low", "ci_high"]]
        verdict = "pass" if TRIAL_BAND[0] <= g <= TRIAL_BAND[1] else "out of band"
        row = f"| activities | every resident | {months} | -0.60 to -0.10 | {g:.2f} ({low:.2f} to {high:.2f}) |"
        assert row in section and f"| {verdict} |" in section.split(row, 1)[1].splitlines()[0]
    assert "2 replicates (root seed 7" in section and "(80 residents)" in section
    assert "in-silico trials on small" in printed


def test_the_calibration_trials_are_the_trials_of_mutualaid_trial():
    small = scenario_from_dict({"community": {"residents": 80}, "simulation": {"burn_in_weeks": 4}})
    spec = Trials(scenario="small", interventions=["professional_services"], replicates=2, root_seed=3)
    found = run_trials(spec, small)
    direct = run_trial(small, "professional_services", 2, 3).summary
    lonely = direct[direct["outcome"] == "loneliness"]
    assert [r["g"] for r in found.rows] == pytest.approx(lonely["g"].tolist(), nan_ok=True)
    assert [(r["intervention"], r["months"]) for r in found.rows] == [
        ("professional_services", 6),
        ("professional_services", 12),
    ]


def test_a_trials_table_naming_no_scenario_of_the_experiment_is_refused_in_one_line(tmp_path):
    with pytest.raises(ScenarioError) as refused:
        read_experiment_file(experiment_file(tmp_path, trial_scenario="elsewhere"))
    (line,) = refused.value.problems
    assert line.startswith(f"{tmp_path / 'cal.toml'}: trials: ") and "'elsewhere'" in line and "small" in line


def test_the_interventions_a_trials_table_may_name_are_those_a_trial_supports():
    (allowed,) = typing.get_args(Trials.model_fields["interventions"].annotation)
    assert sorted(typing.get_args(allowed)) == supported()


def test_the_shipped_calibration_declares_the_three_trials_of_targets_md():
    trials = read_experiment_file(ROOT / "experiments" / "calibration.toml").trials
    assert trials is not None and trials.scenario == "defaults"
    assert sorted(trials.interventions) == supported()


def test_the_default_trials_are_within_the_loneliness_band():
    """The trials as the calibration report runs them (experiments/calibration.toml's
    replicates, 8). With 4 the one-to-one estimate swung out of the band on either side
    (round 4, one pairing a week: −0.07 at 6 months against −0.13 over 8; round 5:
    −0.66 at 12 months against −0.52 over 8), so a check on 4 tested the draw of
    replicates more than the dose."""
    experiment = load_experiment(ROOT / "experiments" / "calibration.toml")
    trials = read_experiment_file(ROOT / "experiments" / "calibration.toml").trials
    assert trials is not None and trials.replicates == 8
    run = next(r for r in experiment.runs if r.scenario == trials.scenario)
    found = run_trials(trials, experiment.scenario_for(run))
    out_of_band = [r for r in found.rows if not r["in_band"]]
    assert not out_of_band, out_of_band


# -- writing results: one atomic-write helper (sim.experiments.runner) ------------------------
def disk_full_at_file(monkeypatch, k):
    """``os.fsync`` fails with ENOSPC on the ``k``-th file flushed (a disk that fills)."""
    import errno
    import os

    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == k:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_a_trial_whose_third_file_cannot_be_written_leaves_none_of_its_files(tmp_path, monkeypatch):
    import pandas as pd

    from sim.experiments.runner import OutputError
    from sim.experiments.trial import SUMMARY_COLUMNS, TrialResult, write_trial

    result = TrialResult(
        scenario_from_dict({}),
        "activities",
        1,
        pd.DataFrame({"seed": [11]}),
        pd.DataFrame(columns=list(SUMMARY_COLUMNS)),
        [],
    )
    disk_full_at_file(monkeypatch, 3)
    with pytest.raises(OutputError, match="No space left on device"):
        write_trial(result, tmp_path / "out", ["mutualaid", "trial"])
    assert list((tmp_path / "out").iterdir()) == []


def test_every_file_of_a_set_is_flushed_to_disk_before_any_is_moved_into_place(tmp_path, monkeypatch):
    from sim.experiments.runner import write_all_atomically

    (tmp_path / "b.txt").write_text("old b")
    (tmp_path / "c.json").write_text("old marker")
    calls = disk_full_at_file(monkeypatch, 3)
    files = {
        tmp_path / name: (lambda handle, n=name: handle.write(n.encode())) for name in ("a.txt", "b.txt", "c.json")
    }
    with pytest.raises(OSError):
        write_all_atomically(files)
    assert len(calls) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt", "c.json"]  # untouched, no temporaries
    monkeypatch.undo()
    write_all_atomically(files)
    assert [(tmp_path / n).read_text() for n in ("a.txt", "b.txt", "c.json")] == ["a.txt", "b.txt", "c.json"]
