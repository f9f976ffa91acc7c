"""What a newcomer meets on the command line: progress of long jobs, clear refusals of
impossible counts, help for every option, the version, whole folders validated, a
hint for mistyped keys, experiment files recognised, and honest labels on short runs."""

import re
import subprocess
import sys
from importlib import metadata

import pytest
from conftest import ROOT, SCENARIOS
from test_scenarios_cli import mutualaid, write

from sim.cli import build_parser

TINY = ["--set", "community.residents=60", "--set", "simulation.burn_in_weeks=4"]


def test_patterns_reports_progress_as_its_runs_finish():
    result = mutualaid("patterns", "--replicates", "1", "--weeks", "52", "--residents", "60")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("patterns:")]
    assert lines and lines[0].startswith("patterns: 0/15 runs done")  # 3 scenarios x 5 levels of formal care
    assert lines[-1].startswith("patterns: 15/15 runs done (0 failed, 0 pending), 100%")


def test_calibrate_reports_progress_as_its_replicates_finish():
    result = mutualaid("calibrate", SCENARIOS / "defaults.toml", "--replicates", "2", "--weeks", "13", *TINY)
    assert result.returncode in (0, 1), result.stderr  # 1: out of band at this tiny size
    assert "calibrate defaults: 0/2 runs done" in result.stderr
    assert "calibrate defaults: 2/2 runs done (0 failed, 0 pending), 100%" in result.stderr


def test_quiet_calibrate_shows_no_progress():
    result = mutualaid("calibrate", SCENARIOS / "defaults.toml", "--replicates", "1", "--weeks", "13", "--quiet", *TINY)
    assert "runs done" not in result.stderr


def run_with_stderr_to_a_file(tmp_path, *args) -> tuple[int, str]:
    """`mutualaid run` as under nohup or in CI: stderr goes to a log file, not a terminal."""
    log = tmp_path / "run.log"
    with open(log, "w", encoding="utf-8") as stderr:
        code = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim",
                "run",
                str(SCENARIOS / "rural_village.toml"),
                "--weeks",
                "20",
                "--residents",
                "80",
                "--out",
                str(tmp_path / "out"),
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=ROOT,
            timeout=300,
        ).returncode
    return code, log.read_text(encoding="utf-8")


def test_run_with_stderr_to_a_file_reports_progress_in_plain_lines(tmp_path):
    code, log = run_with_stderr_to_a_file(tmp_path)
    assert code == 0, log
    lines = [line for line in log.splitlines() if line.startswith("run rural_village:")]
    assert lines and lines[0].startswith("run rural_village: 0/20 weeks done")
    assert lines[-1].startswith("run rural_village: 20/20 weeks done (0 failed, 0 pending), 100%")


def test_quiet_run_shows_no_progress(tmp_path):
    code, log = run_with_stderr_to_a_file(tmp_path, "--quiet")
    assert code == 0, log
    assert "weeks done" not in log


@pytest.mark.parametrize(
    "args, option, allowed",
    [
        (["calibrate", "scenarios/defaults.toml", "--replicates", "-1"], "--replicates", "at least 1"),
        (["calibrate", "scenarios/defaults.toml", "--replicates", "0"], "--replicates", "at least 1"),
        (["calibrate", "scenarios/defaults.toml", "--weeks", "0"], "--weeks", "at least 1"),
        (["patterns", "--replicates", "0"], "--replicates", "at least 1"),
        (["patterns", "--replicates", "-3"], "--replicates", "at least 1"),
        (["patterns", "--weeks", "0"], "--weeks", "at least 52"),
        (["patterns", "--weeks", "30"], "--weeks", "at least 52"),
        (["patterns", "--residents", "0"], "--residents", "at least 1"),
        (["patterns", "--residents", "many"], "--residents", "whole number"),
    ],
)
def test_impossible_counts_are_refused_in_one_line_without_a_traceback(args, option, allowed):
    result = mutualaid(*args)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and option in errors[0] and allowed in errors[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_calibration_shorter_than_one_sampling_interval_is_refused():
    result = mutualaid("calibrate", SCENARIOS / "defaults.toml", "--replicates", "1", "--weeks", "5", *TINY)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "simulation.weeks" in result.stderr and "at least 13" in result.stderr


@pytest.mark.parametrize("command", ["calibrate", "patterns"])
def test_every_option_of_calibrate_and_patterns_has_help(command):
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    actions = [a for a in sub.choices[command]._actions if a.option_strings and a.dest != "help"]
    assert actions
    assert all(a.help for a in actions), [a.dest for a in actions if not a.help]


def test_version_prints_the_installed_package_version():
    result = mutualaid("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mutualaid {metadata.version('mutualaid-sim')}"


def test_validate_a_folder_checks_every_scenario_file_under_it():
    result = mutualaid("validate", "scenarios/")
    assert result.returncode == 0, result.stderr
    expected = sorted(p.relative_to(ROOT).as_posix() for p in SCENARIOS.rglob("*.toml"))
    assert any("scenarios/interventions/" in name for name in expected)
    for name in expected:
        assert f"{name}: valid" in result.stdout


def test_validate_a_folder_reports_its_bad_files(tmp_path):
    nested = tmp_path / "nested"
    nested.mkdir()
    write(nested, "bad.toml", "[community]\nresidents = -5\n")
    write(tmp_path, "good.toml", "[community]\nresidents = 50\n")
    result = mutualaid("validate", tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'good.toml'}: valid" in result.stdout
    assert str(nested / "bad.toml") in result.stderr and "community.residents" in result.stderr


def test_validate_an_empty_folder_says_so(tmp_path):
    result = mutualaid("validate", tmp_path)
    assert result.returncode == 2 and "no .toml files" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text, suggestion",
    [
        ("[community]\nresidentz = 5\n", "did you mean community.residents"),
        ("[trust]\ngosip_rate = 0.2\n", "did you mean trust.gossip_rate"),
        ("[comunity]\nresidents = 5\n", "did you mean community"),
    ],
)
def test_a_mistyped_scenario_key_gets_a_suggestion(tmp_path, text, suggestion):
    path = write(tmp_path, "typo.toml", text)
    result = mutualaid("validate", path)
    assert result.returncode == 2
    assert "unknown key" in result.stderr and suggestion in result.stderr, result.stderr


def test_run_on_an_experiment_file_points_to_sweep_in_one_line():
    result = mutualaid("run", "experiments/tiny.toml", "--weeks", "2")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "experiment file" in lines[0] and "mutualaid sweep experiments/tiny.toml" in lines[0]
    assert "unknown key" not in result.stderr


def test_validate_checks_an_experiment_file_as_an_experiment():
    result = mutualaid("validate", "experiments/tiny.toml")
    assert result.returncode == 0, result.stderr
    assert "experiments/tiny.toml: valid experiment file" in result.stdout and "mutualaid sweep" in result.stdout


def test_a_run_shorter_than_two_years_labels_the_window_it_used(tmp_path):
    result = mutualaid(
        "run",
        SCENARIOS / "rural_village.toml",
        "--weeks",
        "20",
        "--residents",
        "80",
        "--out",
        tmp_path / "out",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    assert "last 2 years" not in result.stdout
    assert re.search(r"coverage of need \(all 20 weeks\)\s+\d\.\d{3}", result.stdout)
    assert "warning: the run is shorter than the 104-week window" in result.stderr
