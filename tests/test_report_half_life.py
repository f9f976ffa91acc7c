"""The report's gain half-lives are measured against the paired run of the reference
scenario (same point and replicate, hence the same seed), not from the run's own level
before the intervention (docs/odd.md, Observation; issue 19)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments.summarise import paired_half_lives


def runs_and_weekly() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replicates 0 and 1 of ``baseline`` and ``activities``. Every run drifts down
    0.01 a week; activities add 0.1 until they stop at week 10, then 0.08, 0.06, 0.04:
    the paired gain halves two weeks after the stop. Whatever half-life the run stored
    (1 week here) is replaced."""
    weeks = np.arange(20)
    drift = 0.3 - 0.01 * weeks
    gain = np.array([0.1] * 10 + [0.08, 0.06, 0.04] + [0.0] * 7)
    runs, weekly = [], []
    for scenario in ("baseline", "activities"):
        for replicate in (0, 1):
            run_id = f"{scenario}.r{replicate}"
            ended = scenario == "activities"
            runs.append(
                {
                    "run_id": run_id,
                    "scenario": scenario,
                    "point": 0,
                    "replicate": replicate,
                    "status": "ok",
                    "gain_half_life_activities": 1.0 if ended else None,
                    "stop_week_activities": 10 if ended else None,
                }
            )
            active = drift + (gain if ended else 0.0)
            weekly.append(pd.DataFrame({"run_id": run_id, "week": weeks, "active_share": active}))
    return pd.DataFrame(runs), pd.concat(weekly, ignore_index=True)


def test_the_gain_half_life_is_counted_against_the_paired_reference_run():
    runs, weekly = runs_and_weekly()
    out = paired_half_lives(runs, weekly, "baseline")
    activities = out[out["scenario"] == "activities"]["gain_half_life_activities"]
    assert activities.tolist() == pytest.approx([2.0, 2.0])


def test_the_reference_scenario_has_no_paired_half_life():
    runs, weekly = runs_and_weekly()
    out = paired_half_lives(runs, weekly, "baseline")
    assert out[out["scenario"] == "baseline"]["gain_half_life_activities"].isna().all()


def test_without_the_weekly_table_every_half_life_is_not_applicable():
    runs, _ = runs_and_weekly()
    out = paired_half_lives(runs, None, "baseline")
    assert all(math.isnan(v) for v in out["gain_half_life_activities"])


def test_a_run_whose_reference_run_failed_has_no_paired_half_life():
    runs, weekly = runs_and_weekly()
    runs.loc[(runs["scenario"] == "baseline") & (runs["replicate"] == 1), "status"] = "failed"
    out = paired_half_lives(runs, weekly, "baseline")
    activities = out[out["scenario"] == "activities"]["gain_half_life_activities"].tolist()
    assert activities[0] == pytest.approx(2.0) and math.isnan(activities[1])


# -- the sweep's summary.csv uses the same paired definition ------------------------------------
EXPERIMENT = """
name = "halflife"
replicates = 2
root_seed = 3
weeks = 20

[[scenarios]]
name = "baseline"
file = "{scenario}"

[[scenarios]]
name = "activities"
file = "{scenario}"
"""


def swept_summary(tmp_path, stored: tuple[str, ...]) -> pd.DataFrame:
    """The hand-made runs above written as a sweep's run files, each run's summary
    keeping only the ``stored`` keys, consolidated; summary.csv indexed by (scenario,
    metric)."""
    from conftest import SCENARIOS

    from sim.experiments.execute import RunOutcome
    from sim.experiments.plan import load_experiment
    from sim.experiments.store import ResultsStore

    path = tmp_path / "halflife.toml"
    path.write_text(EXPERIMENT.format(scenario=(SCENARIOS / "defaults.toml").as_posix()), encoding="utf-8")
    experiment = load_experiment(path)
    runs, weekly = runs_and_weekly()
    store = ResultsStore(tmp_path / "out")
    store.prepare()
    for run in experiment.runs:
        row = runs[(runs["scenario"] == run.scenario) & (runs["replicate"] == run.replicate)].iloc[0]
        series = weekly[weekly["run_id"] == row["run_id"]][["week", "active_share"]]
        summary = {key: row[key] for key in stored}
        store.write_run(RunOutcome(run, "ok", None, summary, series.reset_index(drop=True), None, 0.0, "", ""))
    store.consolidate(experiment)
    return pd.read_csv(tmp_path / "out" / "summary.csv").set_index(["scenario", "metric"])


def test_the_sweeps_summary_measures_the_gain_half_life_against_the_paired_reference_run(tmp_path):
    """The hand-made runs above written as a sweep's run files: summary.csv gives the
    paired half-life (2 weeks), not the one each run stored from its own level before
    the start (1 week)."""
    table = swept_summary(tmp_path, ("gain_half_life_activities", "stop_week_activities"))
    activities = table.loc[("activities", "gain_half_life_activities")]
    assert (activities["n"], activities["mean"]) == (2, pytest.approx(2.0))
    assert table.loc[("baseline", "gain_half_life_activities"), "n"] == 0


def test_a_sweep_measures_the_half_life_of_every_intervention_that_stopped_though_its_runs_store_none(tmp_path):
    """Runs record only when an intervention stopped (a single run has no paired run to
    measure a half-life against); the sweep's summary.csv still gives the paired one."""
    table = swept_summary(tmp_path, ("stop_week_activities",))
    activities = table.loc[("activities", "gain_half_life_activities")]
    assert (activities["n"], activities["mean"]) == (2, pytest.approx(2.0))
