"""Sweeps: the same results on every executor, crash-safe storage, resume without
duplicates, failures recorded as data, paired summaries, and clear errors for bad
experiment files. Everything runs the real model on small communities.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.cli import main
from sim.experiments.execute import FAIL_RUNS_VARIABLE
from sim.experiments.plan import replicate_seeds
from sim.experiments.summarise import summary_table

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"
NEW_ESTATE = ROOT / "scenarios" / "new_estate.toml"
VARYING_COLUMNS = ["model_seconds", "started", "finished", "host"]  # when and where, not what


def sweep(*args: str | Path) -> int:
    return main(["sweep", *map(str, args), "--quiet"])


def runs_of(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "runs.parquet").drop(columns=VARYING_COLUMNS)


def experiment(tmp_path: Path, replicates: int = 2, weeks: int = 60, store: str = "", name: str = "tiny") -> Path:
    """The tiny experiment with other replicates, weeks or [store] settings."""
    path = tmp_path / f"{name}-{replicates}.toml"
    path.write_text(
        f'''
name = "{name}"
reference = "new_estate"
replicates = {replicates}
root_seed = 20240601
weeks = {weeks}
residents = 150
[store]
{store}
[[scenarios]]
name = "new_estate"
file = "{NEW_ESTATE}"
[[scenarios]]
name = "higher_trust"
file = "{NEW_ESTATE}"
set = ["trust.initial_generalized_mean=0.6"]
''',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Path:
    """The tiny experiment swept in this process: the reference result."""
    out = tmp_path_factory.mktemp("sweeps") / "in_process"
    assert sweep(TINY, "--workers", "1", "--out", out) == 0
    return out


def assert_same_results(one: Path, other: Path) -> None:
    pd.testing.assert_frame_equal(runs_of(one), runs_of(other))
    pd.testing.assert_frame_equal(pd.read_parquet(one / "weekly.parquet"), pd.read_parquet(other / "weekly.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(one / "summary.csv"), pd.read_csv(other / "summary.csv"))


# -- executors -------------------------------------------------------------------------


@pytest.mark.parametrize("start_method", ["", "spawn"])
def test_process_pool_gives_the_same_runs_and_weekly_data_as_in_process(
    in_process, tmp_path, monkeypatch, start_method
):
    # "" = the automatic choice (fork on Linux from the single-threaded test process)
    monkeypatch.setenv("MUTUALAID_START_METHOD", start_method)
    assert sweep(TINY, "--workers", "2", "--out", tmp_path / "pool") == 0
    assert_same_results(in_process, tmp_path / "pool")


def test_an_unknown_worker_start_method_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MUTUALAID_START_METHOD", "teleport")
    assert sweep(TINY, "--workers", "2", "--out", tmp_path / "pool") == 2
    err = capsys.readouterr().err
    assert "MUTUALAID_START_METHOD='teleport'" in err and "spawn" in err and "Traceback" not in err


def test_dask_local_cluster_gives_the_same_runs_and_weekly_data_as_in_process(in_process, tmp_path):
    pytest.importorskip("distributed")
    assert sweep(TINY, "--workers", "2", "--scheduler", "local", "--out", tmp_path / "dask") == 0
    assert_same_results(in_process, tmp_path / "dask")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["sessions"][0]["executor"].startswith("local Dask cluster")


# -- the results folder ------------------------------------------------------------------


def test_results_folder_has_one_row_per_run_and_weekly_rows_tagged_by_run(in_process):
    runs = runs_of(in_process)
    assert list(runs["run_id"]) == ["new_estate.p0.r0", "new_estate.p0.r1", "higher_trust.p0.r0", "higher_trust.p0.r1"]
    assert (runs["status"] == "ok").all()
    weekly = pd.read_parquet(in_process / "weekly.parquet")
    assert {"run_id", "scenario", "replicate", "week", "active_share"} <= set(weekly.columns)
    assert weekly.groupby("run_id").size().to_dict() == {run_id: 60 for run_id in runs["run_id"]}
    assert (weekly.groupby("run_id")["week"].apply(list) == [list(range(60))] * 4).all()


def test_replicate_k_shares_its_seed_across_scenarios(in_process):
    runs = runs_of(in_process)
    seeds = replicate_seeds(20240601, 2)
    assert (runs["seed"] == [seeds[k] for k in runs["replicate"]]).all()
    # same seed, different trust: the scenarios differ, so pairing is not trivial
    by_scenario = runs.set_index(["scenario", "replicate"])["mean_active_share_last2y"]
    assert by_scenario["higher_trust", 0] != by_scenario["new_estate", 0]


def test_summary_gives_t_intervals_and_paired_differences_by_replicate(in_process):
    runs = runs_of(in_process)
    summary = pd.read_csv(in_process / "summary.csv")
    metric = "mean_active_share_last2y"
    row = summary[(summary["scenario"] == "higher_trust") & (summary["metric"] == metric)].iloc[0]
    values = runs[runs["scenario"] == "higher_trust"].sort_values("replicate")[metric].to_numpy()
    reference = runs[runs["scenario"] == "new_estate"].sort_values("replicate")[metric].to_numpy()
    half = stats.t.ppf(0.975, 1) * values.std(ddof=1) / np.sqrt(2)
    assert row["n"] == 2 and row["mean"] == pytest.approx(values.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((values.mean() - half, values.mean() + half))
    differences = values - reference
    half = stats.t.ppf(0.975, 1) * differences.std(ddof=1) / np.sqrt(2)
    assert row["n_pairs"] == 2 and row["difference"] == pytest.approx(differences.mean())
    assert (row["difference_ci_low"], row["difference_ci_high"]) == pytest.approx(
        (differences.mean() - half, differences.mean() + half)
    )
    reference_row = summary[(summary["scenario"] == "new_estate") & (summary["metric"] == metric)].iloc[0]
    assert reference_row["n_pairs"] == 0 and np.isnan(reference_row["difference"])


def test_paired_difference_uses_complete_pairs_only_and_half_lives_are_summarised():
    runs = pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "b", "b", "b"],
            "point": [0] * 6,
            "replicate": [0, 1, 2, 0, 1, 2],
            "status": ["ok", "ok", "ok", "ok", "ok", "failed"],
            "persistence": [0.5, 0.6, 0.7, 1.5, 3.6, None],
            "collapsed": [False, True, False, True, True, None],
            "gain_half_life_activities": [None, None, None, 10.0, None, None],
        }
    )
    summary = summary_table(runs, [], "a", ["persistence", "collapsed"]).set_index(["scenario", "metric"])
    assert list(summary.loc["b"].index) == ["persistence", "collapsed", "gain_half_life_activities"]
    b = summary.loc[("b", "persistence")]
    assert (b["runs_ok"], b["runs_failed"], b["n"], b["n_pairs"]) == (2, 1, 2, 2)
    half = stats.t.ppf(0.975, 1) * np.sqrt(2) / np.sqrt(2)  # differences 1 and 3: mean 2, SD √2
    assert (b["difference"], b["difference_ci_low"], b["difference_ci_high"]) == pytest.approx(
        (2.0, 2.0 - half, 2.0 + half)
    )
    assert summary.loc[("a", "collapsed"), "mean"] == pytest.approx(1 / 3)
    assert summary.loc[("b", "collapsed"), "difference"] == pytest.approx(0.5)  # (1-0 + 1-1) / 2
    half_life = summary.loc[("b", "gain_half_life_activities")]
    assert (half_life["n"], half_life["mean"]) == (1, 10.0) and np.isnan(half_life["sd"])


def test_mutualaid_run_with_a_runs_seed_reproduces_that_run_of_the_sweep(in_process, tmp_path, capsys):
    run = runs_of(in_process).set_index("run_id").loc["higher_trust.p0.r1"]
    assert (
        main(
            [
                "run",
                str(NEW_ESTATE),
                "--seed",
                str(run["seed"]),
                "--weeks",
                "60",
                "--residents",
                "150",
                "--set",
                "trust.initial_generalized_mean=0.6",
                "--out",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 0
    )
    weekly = pd.read_parquet(in_process / "weekly.parquet")
    swept = weekly[weekly["run_id"] == "higher_trust.p0.r1"].drop(columns=["run_id", "scenario", "point", "replicate"])
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "weekly.parquet"), swept.reset_index(drop=True))


def test_manifest_records_the_resolved_experiment_runs_seeds_and_provenance(in_process):
    manifest = json.loads((in_process / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {"ok": 4, "failed": 0, "pending": 0}
    experiment = manifest["experiment"]
    assert [s["name"] for s in experiment["scenarios"]] == ["new_estate", "higher_trust"]
    assert experiment["scenarios"][1]["scenario"]["trust"]["initial_generalized_mean"] == 0.6
    assert experiment["scenarios"][0]["scenario"]["community"]["residents"] == 150
    assert {r["run_id"] for r in manifest["runs"]} == set(runs_of(in_process)["run_id"])
    assert all({"scenario", "parameters", "seed", "replicate"} <= set(r) for r in manifest["runs"])
    provenance = manifest["provenance"]
    assert {"versions", "git_commit", "command"} <= set(provenance)
    assert {"numpy", "mesa", "pandas"} <= set(provenance["versions"])
    assert manifest["started"] <= manifest["finished"]


def test_weekly_every_thins_the_weekly_table_and_agent_snapshots_store_final_residents(tmp_path):
    path = experiment(
        tmp_path, replicates=1, weeks=30, store="weekly_every = 10\nagent_snapshots = true", name="snapshots"
    )
    out = tmp_path / "out"
    assert sweep(path, "--workers", "1", "--out", out) == 0
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert sorted(weekly["week"].unique()) == [0, 10, 20]
    agents = pd.read_parquet(out / "agents.parquet")
    assert {"run_id", "scenario", "age", "health", "member", "generalized_trust", "loneliness", "degree"} <= set(
        agents.columns
    )
    assert agents.groupby("run_id").size().between(100, 150).all()
    runs = runs_of(out)
    assert (runs["status"] == "ok").all() and runs["mean_active_share_last2y"].notna().all()


def test_survey_scenario_is_sized_by_its_survey_and_its_files_are_hashed_in_the_manifest(tmp_path):
    path = tmp_path / "survey.toml"
    path.write_text(
        f'name = "survey"\nweeks = 10\n[[scenarios]]\nname = "surveyed"\n'
        f'file = "{ROOT / "scenarios" / "survey_example.toml"}"\n',
        encoding="utf-8",
    )
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 0
    scenario = json.loads((tmp_path / "out" / "manifest.json").read_text())["experiment"]["scenarios"][0]
    residents_file = scenario["scenario"]["community"]["residents_file"]
    rows = len(pd.read_csv(residents_file))
    assert scenario["scenario"]["community"]["residents"] == rows
    assert len(scenario["input_files"][residents_file]) == 64
    assert pd.read_parquet(tmp_path / "out" / "weekly.parquet")["residents"].iloc[0] <= rows


def test_summaries_only_writes_no_weekly_table(tmp_path):
    path = experiment(tmp_path, replicates=1, store="weekly_every = 0", name="summaries_only")
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 0
    assert not (tmp_path / "out" / "weekly.parquet").exists()
    assert len(runs_of(tmp_path / "out")) == 2


# -- crashes, resume, failures -------------------------------------------------------------


def run_files(out: Path) -> list[Path]:
    return sorted(p for p in (out / "runs").glob("*.parquet") if not p.name.startswith("."))


def test_sweep_killed_midway_then_resumed_equals_an_uninterrupted_sweep(tmp_path):
    path = experiment(tmp_path, replicates=8)
    total = 16
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(path), "--workers", "1", "--out", str(killed), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(run_files(killed)) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(run_files(killed))
    assert 3 <= finished < total, f"kill came at the wrong time: {finished} of {total} runs finished"
    assert not (killed / "runs.parquet").exists()

    assert sweep(path, "--workers", "1", "--out", killed, "--resume") == 0
    assert len(run_files(killed)) == total
    assert sweep(path, "--workers", "1", "--out", tmp_path / "whole") == 0
    assert_same_results(killed, tmp_path / "whole")
    runs = runs_of(killed)
    assert runs["run_id"].is_unique and len(runs) == total
    assert pd.read_parquet(killed / "weekly.parquet").groupby("run_id").size().eq(60).all()
    sessions = json.loads((killed / "manifest.json").read_text())["sessions"]
    assert [s["to_run"] for s in sessions] == [total, total - finished]


def test_resume_reruns_only_missing_runs_and_ignores_leftover_temporary_files(in_process, tmp_path):
    out = tmp_path / "partial"
    shutil.copytree(in_process, out)
    for run_id in ("new_estate.p0.r1", "higher_trust.p0.r0"):
        (out / "runs" / f"{run_id}.parquet").unlink()
    (out / "runs" / ".tmp-12345-new_estate.p0.r1.parquet").write_bytes(b"half a file")
    assert sweep(TINY, "--workers", "1", "--out", out, "--resume") == 0
    assert_same_results(in_process, out)
    assert not list((out / "runs").glob(".tmp-*"))
    assert json.loads((out / "manifest.json").read_text())["sessions"][-1]["to_run"] == 2


def test_failing_run_is_recorded_with_its_traceback_and_the_sweep_goes_on(in_process, tmp_path, monkeypatch, capsys):
    out = tmp_path / "failing"
    monkeypatch.setenv(FAIL_RUNS_VARIABLE, "higher_trust.p0.r1")
    assert sweep(TINY, "--workers", "2", "--out", out) == 1
    runs = runs_of(out).set_index("run_id")
    assert runs.loc["higher_trust.p0.r1", "status"] == "failed"
    error = runs.loc["higher_trust.p0.r1", "error"]
    assert error.startswith("Traceback (most recent call last)") and "RuntimeError: injected failure" in error
    assert (runs.drop(index="higher_trust.p0.r1")["status"] == "ok").all()
    assert "higher_trust.p0.r1" not in set(pd.read_parquet(out / "weekly.parquet")["run_id"])
    summary = pd.read_csv(out / "summary.csv").set_index(["scenario", "metric"])
    assert summary.loc[("higher_trust", "persistence"), "runs_failed"] == 1
    assert summary.loc[("higher_trust", "persistence"), "n_pairs"] == 1
    assert "failed higher_trust.p0.r1: RuntimeError: injected failure" in capsys.readouterr().out

    assert sweep(TINY, "--workers", "1", "--out", out, "--resume") == 1  # failures stay failures
    monkeypatch.delenv(FAIL_RUNS_VARIABLE)
    assert sweep(TINY, "--workers", "1", "--out", out, "--retry-failed") == 0
    assert_same_results(in_process, out)


def test_results_folder_of_a_different_experiment_is_refused(in_process, tmp_path, capsys):
    out = tmp_path / "taken"
    shutil.copytree(in_process, out)
    assert sweep(experiment(tmp_path, replicates=3), "--workers", "1", "--out", out, "--resume") == 2
    err = capsys.readouterr().err
    assert f"error: {out}: holds the results of a different experiment" in err
    assert len(run_files(out)) == 4


def test_existing_results_of_the_same_experiment_need_resume(in_process, tmp_path, capsys):
    out = tmp_path / "again"
    shutil.copytree(in_process, out)
    assert sweep(TINY, "--workers", "1", "--out", out) == 2
    assert "already holds results of this experiment (4 of 4 runs complete" in capsys.readouterr().err


def test_non_empty_folder_without_manifest_is_refused(tmp_path, capsys):
    (tmp_path / "thesis.docx").write_text("precious")
    assert sweep(TINY, "--workers", "1", "--out", tmp_path) == 2
    assert "not the results folder of a sweep" in capsys.readouterr().err
    assert (tmp_path / "thesis.docx").read_text() == "precious"


# -- bad experiment files ------------------------------------------------------------------

BAD_FILES = {
    "unknown key": (
        f'name = "bad"\nreplicate = 3\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n',
        "replicate: unknown key (allowed here: name, description, scenarios, reference, design, replicates",
    ),
    "unknown key in a scenario entry": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\noverrides = []\n',
        "scenarios[0].overrides: unknown key (allowed here: name, file, set)",
    ),
    "missing scenario file": (
        'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "no_such_scenario.toml"\n',
        "scenarios[0].file: scenario file 'no_such_scenario.toml' not found",
    ),
    "bounds reversed": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n'
        '[design]\nkind = "lhs"\nn = 4\n[design.bounds]\n"trust.gossip_rate" = [0.5, 0.1]\n',
        "design.bounds.trust.gossip_rate: low 0.5 must be below high 0.1",
    ),
    "bounds outside the parameter's range": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n'
        '[design]\nkind = "morris"\ntrajectories = 4\n[design.bounds]\n"community.infrastructure" = [0.2, 1.5]\n',
        "design.bounds.community.infrastructure: [0.2, 1.5] is outside the parameter's range [0, 1]",
    ),
    "unknown parameter path in the design": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n'
        '[design]\nkind = "grid"\n[design.levels]\n"trust.gosip_rate" = [0.1, 0.2]\n',
        "design.levels.trust.gosip_rate: unknown parameter 'trust.gosip_rate' (not a field of the scenario schema; "
        "did you mean trust.gossip_rate",
    ),
    "unknown design kind": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n[design]\nkind = "factorial"\n',
        "design.kind: must be one of none, grid, rows, lhs, sobol, morris (got 'factorial')",
    ),
    "grid level out of range": (
        f'name = "bad"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n'
        '[design]\nkind = "grid"\n[design.levels]\n"helping.rounds" = [2, 40]\n',
        "design.levels.helping.rounds[1] = 40 in scenario 'a': helping.rounds: Input should be less than or equal to 20",
    ),
    "reference that is not a scenario": (
        f'name = "bad"\nreference = "baseline"\n[[scenarios]]\nname = "a"\nfile = "{NEW_ESTATE}"\n',
        "reference: 'baseline' is not one of the scenarios (a)",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_experiment_file_is_reported_with_file_field_and_what_is_allowed(case, tmp_path, capsys):
    text, expected = BAD_FILES[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert expected in err
    assert all(line.startswith(f"error: {path}: ") for line in err.splitlines())
    assert not (tmp_path / "out").exists()


def test_bad_experiment_file_exits_2_without_a_traceback_from_the_command_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_FILES["unknown key"][0], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {path}: replicate: unknown key")


# -- nonsense that must not run ----------------------------------------------------------


def experiment_text(design: str = "", top: str = "", scenario: Path = NEW_ESTATE, sets: str = "[]") -> str:
    return f'name = "bad"\n{top}\n[[scenarios]]\nname = "a"\nfile = "{scenario}"\nset = {sets}\n{design}\n'


NONSENSE = {
    "an infinite grant": (
        experiment_text(sets='["interventions.funding.grant=inf"]'),
        "interventions.funding.grant: Input should be a finite number (got inf)",
    ),
    "an infinite storage cap as a grid level": (
        experiment_text(
            '[design]\nkind = "grid"\n[design.levels]\n"interventions.time_bank.storage_cap" = [10.0, inf]\n'
        ),
        "design.levels.interventions.time_bank.storage_cap[1] = inf in scenario 'a': "
        "interventions.time_bank.storage_cap: Input should be a finite number",
    ),
    "an infinite weekly cost": (
        experiment_text(sets='["interventions.activities.weekly_cost=inf"]'),
        "interventions.activities.weekly_cost: Input should be a finite number (got inf)",
    ),
    "an infinite LHS bound": (
        experiment_text('[design]\nkind = "lhs"\nn = 4\n[design.bounds]\n"interventions.funding.grant" = [0.0, inf]\n'),
        "design.bounds.interventions.funding.grant[1]: Input should be a finite number (got inf)",
    ),
    "a NaN Sobol bound": (
        experiment_text('[design]\nkind = "sobol"\nN = 4\n[design.bounds]\n"trust.gossip_rate" = [nan, 0.5]\n'),
        "design.bounds.trust.gossip_rate[0]: Input should be a finite number (got nan)",
    ),
}


@pytest.mark.parametrize("case", NONSENSE, ids=list(NONSENSE))
def test_non_finite_money_and_bounds_are_refused_before_anything_runs(case, tmp_path, capsys):
    text, expected = NONSENSE[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_json_written_by_a_sweep_has_no_nan_or_infinity_literals(tmp_path):
    from sim.experiments.store import write_json

    write_json(tmp_path / "x.json", {"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": -float("inf")}})
    text = (tmp_path / "x.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


SURVEY = ROOT / "scenarios" / "survey_example.toml"
SURVEY_DESIGNS = {
    "residents varied in a survey scenario": (
        '[design]\nkind = "grid"\n[design.levels]\n"community.residents" = [50, 100]\n',
        "design: community.residents cannot vary in scenario 'a': its survey "
        f"{ROOT / 'scenarios' / 'survey_example' / 'residents.csv'} fixes the number of residents",
    ),
    "a residents file that does not exist": (
        '[design]\nkind = "grid"\n[design.levels]\n"community.residents_file" = ["no_such_survey.csv"]\n',
        "design.levels.community.residents_file[0] = 'no_such_survey.csv' in scenario 'a': ",
    ),
    "a residents file that is not a survey": (
        '[design]\nkind = "rows"\nparameters = ["community.residents_file"]\nrows = [["bad.toml"]]\n',
        "design.rows[0] (community.residents_file='bad.toml') in scenario 'a': ",
    ),
}


@pytest.mark.parametrize("case", SURVEY_DESIGNS, ids=list(SURVEY_DESIGNS))
def test_design_over_survey_fields_is_checked_like_a_scenario_before_anything_runs(case, tmp_path, capsys):
    design, expected = SURVEY_DESIGNS[case]
    path = tmp_path / "bad.toml"
    path.write_text(experiment_text(design, top="weeks = 5", scenario=SURVEY), encoding="utf-8")
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert all(line.startswith(f"error: {path}: ") for line in err.splitlines()), err
    assert not (tmp_path / "out").exists()


def test_design_over_survey_files_runs_each_community_at_its_surveys_size(tmp_path):
    source = ROOT / "scenarios" / "survey_example"
    residents = pd.read_csv(source / "residents.csv")
    edges = pd.read_csv(source / "edges.csv")
    half = residents.iloc[:30]
    half.to_csv(tmp_path / "half.csv", index=False)
    kept = edges.columns[:2]
    edges[edges[kept[0]].isin(half["id"]) & edges[kept[1]].isin(half["id"])].to_csv(
        tmp_path / "half_edges.csv", index=False
    )
    design = (
        '[design]\nkind = "rows"\nparameters = ["community.residents_file", "community.edges_file"]\n'
        f'rows = [["{source / "residents.csv"}", "{source / "edges.csv"}"], ["half.csv", "half_edges.csv"]]\n'
    )
    path = tmp_path / "surveys.toml"
    path.write_text(experiment_text(design, top="weeks = 5", scenario=SURVEY), encoding="utf-8")
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out", "--data-root", source) == 0
    weekly = pd.read_parquet(tmp_path / "out" / "weekly.parquet")
    first_week = weekly[weekly["week"] == 0].set_index("point")["residents"]
    assert first_week[0] <= len(residents) and 0 < first_week[1] <= 30
    hashed = json.loads((tmp_path / "out" / "manifest.json").read_text())["experiment"]["scenarios"][0]["input_files"]
    assert {str(tmp_path / "half.csv"), str(tmp_path / "half_edges.csv"), str(source / "residents.csv")} <= set(hashed)


def test_survey_files_named_by_a_design_or_set_stay_in_the_experiments_sandbox(tmp_path, capsys):
    """A design value or a ``set`` override naming a survey file outside the experiment
    file's folder tree is refused before anything is read, unless --data-root names
    its folder; nothing of the file appears in the message."""
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "residents.csv").write_text("TOP-SECRET-HEADER\n1\n", encoding="utf-8")
    folder = tmp_path / "exp"
    folder.mkdir()
    outside = folder / "design.toml"
    outside.write_text(
        experiment_text(
            '[design]\nkind = "rows"\nparameters = ["community.residents_file"]\n'
            f'rows = [["{secret / "residents.csv"}"]]\n',
            top="weeks = 5",
            scenario=SURVEY,
        ),
        encoding="utf-8",
    )
    assert sweep(outside, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "design community.residents_file: " in err and "lies outside" in err and "--data-root" in err, err
    assert "TOP-SECRET" not in err
    assert not (tmp_path / "out").exists()

    by_set = folder / "set.toml"
    by_set.write_text(
        experiment_text(
            top="weeks = 5", scenario=SURVEY, sets='["community.residents_file=../elsewhere/residents.csv"]'
        ),
        encoding="utf-8",
    )
    assert sweep(by_set, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "set community.residents_file: ../elsewhere/residents.csv lies outside" in err, err
    assert "TOP-SECRET" not in err

    # with its folder named as a data root the file is read, and refused as no survey, still without its content
    assert sweep(outside, "--workers", "1", "--out", tmp_path / "out", "--data-root", secret) == 2
    err = capsys.readouterr().err
    assert "lies outside" not in err and "TOP-SECRET" not in err, err


def test_a_grid_level_given_twice_is_refused(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        experiment_text(
            '[design]\nkind = "grid"\n[design.levels]\n"trust.gossip_rate" = [0.1, 0.3, 0.1]\n'
            '"helping.rounds" = [2, 2.0]\n'
        ),
        encoding="utf-8",
    )
    assert sweep(path, "--workers", "1", "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"error: {path}: design.levels: trust.gossip_rate: the level 0.1 is given more than once" in err, err
    assert len(err.strip().splitlines()) == 1


# -- size --------------------------------------------------------------------------------------

HUGE = {
    "grid of 10^9 points": (
        '[design]\nkind = "grid"\n[design.levels]\n'
        + "".join(
            f'"{name}" = [{", ".join(str(0.05 * (i + 1)) for i in range(10))}]\n'
            for name in (
                "trust.gossip_rate",
                "trust.experience_rate",
                "helping.coordinator_reach",
                "helping.reluctance_mean",
                "norms.initial_authority",
                "norms.witness_forgetting",
                "community.infrastructure",
                "community.family_support",
                "community.formal_care",
            )
        ),
        "1,000,000,000 runs",
    ),
    "LHS of n = 10^9": (
        '[design]\nkind = "lhs"\nn = 1_000_000_000\n[design.bounds]\n"trust.gossip_rate" = [0.1, 0.3]\n',
        "1,000,000,000 runs",
    ),
    "Sobol of N = 2^30": (
        '[design]\nkind = "sobol"\nN = 1_073_741_824\n[design.bounds]\n"trust.gossip_rate" = [0.1, 0.3]\n'
        '"helping.rounds" = [1, 8]\n',
        f"{2**30 * 6:,} runs",
    ),
    "Morris of 10^8 trajectories": (
        '[design]\nkind = "morris"\ntrajectories = 100_000_000\n[design.bounds]\n"trust.gossip_rate" = [0.1, 0.3]\n',
        f"{10**8 * 2:,} runs",
    ),
}


@pytest.mark.parametrize("case", HUGE, ids=list(HUGE))
def test_an_oversized_design_is_refused_with_its_size_and_time_before_it_is_built(case, tmp_path):
    from sim.experiments.plan import Limits, load_experiment
    from sim.inputs.scenario import ScenarioError

    design, runs = HUGE[case]
    path = tmp_path / "huge.toml"
    path.write_text(experiment_text(design), encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_experiment(path, Limits())
    [line] = refused.value.problems
    assert line.startswith(f"{path}: {runs} (1 scenarios × ")
    assert (
        " days of model time (docs/experiments.md, Size limits)" in line and "raise the limit with --max-runs" in line
    )


def test_run_and_resident_week_limits_are_set_on_the_command_line(tmp_path, capsys):
    assert sweep(TINY, "--workers", "1", "--out", tmp_path / "out", "--max-runs", "3") == 2
    err = capsys.readouterr().err
    # 4 runs × 0.22 s + 1,072 weeks (60 + the 208-week burn-in, 4 runs) × 2.41 ms
    # + 160,800 resident-weeks × 1.98 µs = 3.8 s
    assert err == (
        f"error: {TINY}: 4 runs (2 scenarios × 1 design points × 2 replicates), about 3.8 seconds of "
        f"model time (docs/experiments.md, Size limits): more than the limit of 3 runs; shrink the design "
        f"or the replicates, or raise the limit with --max-runs\n"
    )
    assert sweep(TINY, "--workers", "1", "--out", tmp_path / "out", "--max-resident-weeks", "6e4") == 2
    err = capsys.readouterr().err
    assert "160,800 resident-weeks (4 runs, the largest 150 residents × 268 weeks with burn-in)" in err
    assert "raise the limit with --max-resident-weeks" in err
    assert not (tmp_path / "out").exists()


def test_the_size_a_design_varies_counts_at_its_largest(tmp_path):
    from sim.core.params import Simulation
    from sim.experiments.plan import load_experiment

    path = tmp_path / "sizes.toml"
    path.write_text(
        experiment_text(
            '[design]\nkind = "grid"\n[design.levels]\n"community.residents" = [100, 300]\n', top="weeks = 48"
        ),
        encoding="utf-8",
    )
    burn_in = Simulation().burn_in_weeks  # the default, whatever its value
    assert load_experiment(path).resident_weeks == 2 * 300 * (48 + burn_in)


# -- the results folder's manifest ----------------------------------------------------------


@pytest.mark.parametrize("damage", ["sessions", "fingerprint", "not json"])
def test_a_damaged_manifest_is_refused_with_one_line(damage, in_process, tmp_path, capsys):
    out = tmp_path / "damaged"
    shutil.copytree(in_process, out)
    manifest = out / "manifest.json"
    if damage == "not json":
        manifest.write_text(manifest.read_text()[:100])
    else:
        data = json.loads(manifest.read_text())
        del data[damage]
        manifest.write_text(json.dumps(data))
    assert sweep(TINY, "--workers", "1", "--out", out, "--resume") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {manifest}: ") and len(err.strip().splitlines()) == 1, err
    assert (f"{damage} (missing)" if damage != "not json" else "cannot be read as JSON") in err
    assert len(run_files(out)) == 4


def test_the_probes_an_experiment_may_name_are_those_the_runner_knows():
    import typing

    from sim.experiments.runner import PROBES
    from sim.experiments.schema import Store

    (names,) = typing.get_args(Store.model_fields["probes"].annotation)
    assert set(typing.get_args(names)) == set(PROBES)


def test_an_experiment_without_probes_keeps_the_fingerprint_it_had_before_probes_existed():
    from sim.experiments.plan import load_experiment

    experiment = load_experiment(TINY)
    assert experiment.resolved()["store"] == {"weekly_every": 1, "agent_snapshots": False}
    # as recorded before probes existed, re-recorded when the default burn-in became 208
    # weeks, when the scenario gained its [shocks] block and when Model v2 changed the
    # trust, norms, needs, helping, participation, network and intervention parameters,
    # and again when round 3 added the scheme's record, the propensity to volunteer and
    # registration under coordinator loss, and again when round 4 recalibrated
    # (isolation threshold, participation intercept and spread, neighbour meetings, pairings),
    # and when round 5 gave the time bank standing arrangements (two new defaults) and
    # moved the weights of attendance and recognition into the motives block (two more)
    # (a resolved scenario changed, so the fingerprint must change with it)
    assert experiment.fingerprint() == "5d5cd0347bcca038"


def test_a_probes_measures_are_stored_with_each_runs_summary_in_runs_parquet(tmp_path):
    text = TINY.read_text(encoding="utf-8").replace("weekly_every = 1", 'weekly_every = 0\nprobes = ["calibration"]')
    experiment = tmp_path / "tiny.toml"
    experiment.write_text(text.replace("../scenarios/", f"{(ROOT / 'scenarios').as_posix()}/"), encoding="utf-8")
    assert sweep(experiment, "--out", tmp_path / "out", "--workers", "1") == 0
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert runs["calibration.lonely_share"].between(0, 1).all()
    assert not (tmp_path / "out" / "weekly.parquet").exists()
