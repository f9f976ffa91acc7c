"""Shared fixtures: tiny scripted communities whose outcome can be worked out by hand;
and the test tiers (markers ``slow`` and ``browser``, assigned here by module and test
name so no test file needs editing; see CONTRIBUTING.md for the commands)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from sim.core.model import CommunityModel
from sim.core.network import EdgeStore
from sim.core.tally import WeekTally
from sim.inputs.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def make_scenario(**blocks):
    """A scenario from partial blocks, e.g. make_scenario(community={"residents": 3})."""
    return scenario_from_dict({k: v for k, v in blocks.items()})


def scripted_model(residents: int = 3, **blocks) -> CommunityModel:
    """A model with ``residents`` slots, no ties, every resident a healthy member with
    mid-range motives, and no burn-in: tests then set exactly what they need."""
    blocks.setdefault("simulation", {})
    blocks["simulation"] = {"burn_in_weeks": 0, **blocks["simulation"]}
    blocks.setdefault("community", {})
    blocks["community"] = {"residents": residents, **blocks["community"]}
    model = CommunityModel(make_scenario(**blocks), rng=7)
    model.week = 0
    model.net = EdgeStore(residents)
    pop = model.pop
    pop.occupied[:] = True
    pop.age[:] = 65.0
    pop.health[:] = 0.9
    pop.member[:] = True
    pop.aware[:] = True
    pop.willingness[:] = 1.0
    pop.generalized_trust[:] = 0.5
    pop.norm_internalization[:] = 0.5
    pop.self_worth[:] = 0.5
    pop.propensity[:] = 0.0
    pop.reputation_good[:] = 0.0
    pop.reputation_bad[:] = 0.0
    pop.backlog[:] = 0.0
    pop.capacity[:] = 5.0
    pop.capacity_left[:] = 5.0
    pop.skill[:] = 1.0
    pop.excluded_until[:] = -(10**6)
    model.tally = WeekTally(residents)
    return model


def run_model(scenario, seed: int, weeks: int) -> CommunityModel:
    model = CommunityModel(scenario, rng=seed)
    model.run(weeks)
    return model


# -- test tiers ----------------------------------------------------------------------
# `python -m pytest -m "not slow and not browser"` is the fast tier (under two minutes on
# the project's 2-core machine); plain `python -m pytest` (CI) runs everything.
# Tests that need Chromium and a served dashboard:
BROWSER_MODULES = {"test_dashboard_e2e.py", "test_dashboard_smoke_e2e.py"}

# Tests that took 5 s or more (all parameters together) in either of two serial runs
# with --durations=0, of the full suite and of the fast tier (a loaded 2-core machine,
# 2026-12-01): mostly sweeps, process pools, subprocesses of the command line and long
# runs.
SLOW_TESTS = {
    "test_calibration.py::test_the_default_community_is_within_every_calibration_band",  # 8 s
    "test_calibration.py::test_hours_per_active_member_under_a_stably_backed_time_bank_are_within_their_band",  # 6 s
    "test_calibration.py::test_activities_raise_the_default_communitys_participation_in_paired_runs",  # 12 s
    "test_dashboard_components.py::test_run_pauses_by_itself_at_the_horizon",  # 5 s
    "test_experiments.py::test_bad_experiment_file_exits_2_without_a_traceback_from_the_command_line",  # 5-7 s
    "test_experiments.py::test_dask_local_cluster_gives_the_same_runs_and_weekly_data_as_in_process",  # 11 s
    "test_experiments.py::test_failing_run_is_recorded_with_its_traceback_and_the_sweep_goes_on",  # 15 s
    "test_experiments.py::test_process_pool_gives_the_same_runs_and_weekly_data_as_in_process",  # 16 s
    "test_experiments.py::test_sweep_killed_midway_then_resumed_equals_an_uninterrupted_sweep",  # 23 s
    "test_interventions.py::test_each_intervention_moves_what_it_acts_on_in_the_direction_its_mechanism_implies",  # 41 s
    "test_interventions.py::test_norm_revision_shifts_long_run_disputes_per_exchange",  # 7 s
    "test_patterns.py::test_the_pattern_report_has_every_section",  # 3-5 s
    "test_report.py::test_a_grid_design_gets_each_comparison_once_per_design_point",  # 11 s
    "test_scenarios_cli.py::test_bad_command_line_overrides_get_clear_errors",  # 12 s
    "test_scenarios_cli.py::test_run_writes_weekly_tables_and_a_summary_with_provenance",  # 12 s
    "test_survey.py::test_bad_survey_files_are_reported_by_file_row_and_column",  # 18 s
    "test_stationarity.py::test_mean_age_and_iadl_share_do_not_drift_over_520_weeks",  # 5-7 s
    "test_tipping.py::test_the_tipping_command_writes_the_table_between_the_markers_and_the_phase_diagram",  # 6 s
    "test_tipping.py::test_a_swept_tipping_experiment_is_analysed_from_its_folder_and_its_report_has_the_phase_diagram",  # 10 s
    # 3-6 s each in a --durations run on the loaded 2-core machine (2026-12-01)
    "test_input_safety.py::test_a_disk_that_fills_during_a_sweep_is_one_line_and_keeps_what_finished",
    "test_dashboard_components.py::test_an_uploaded_scenario_can_be_picked_again_from_the_list",
    "test_cli_usability.py::test_a_run_shorter_than_two_years_labels_the_window_it_used",
    "test_cli_usability.py::test_patterns_reports_progress_as_its_runs_finish",
    "test_experiments.py::test_a_probes_measures_are_stored_with_each_runs_summary_in_runs_parquet",
    "test_kernels.py::test_warm_up_compiles_every_kernel_for_the_types_a_run_uses",
    "test_scenarios_cli.py::test_every_shipped_scenario_is_valid",
    "test_trial_report.py::test_the_default_trials_are_within_the_loneliness_band",  # 12 trials of 1,000 residents
    # four runs of 400 residents over 728 weeks
    "test_tipping.py::test_an_established_default_scheme_collapses_when_the_coordinator_and_the_register_go",
}

# Modules whose every test starts the command line or a server in a subprocess, or
# sweeps and reports (1-16 s a test): the fast tier leaves them to CI.
SLOW_MODULES = {
    "test_sweep_lifecycle.py",
    "test_report_experiments.py",
    "test_report_figures.py",
    "test_report_inputs.py",
    "test_tutorial.py",
    "test_dashboard_origin.py",
    "test_cli_usability.py",
    "test_scenarios_cli.py",
    "test_input_safety.py",
}

# Module-scoped fixtures that run a sweep (about 20 s for test_report.py's `results`):
# every test using one is slow, whichever of them happens to build it first.
SLOW_FIXTURES = {
    "test_report.py": {"results", "sobol_results", "morris_results"},
}


def pytest_collection_modifyitems(config, items):
    """Mark the slow and browser tests; warn about listed tests that no longer exist
    (renamed or removed), so the list above stays true."""
    modules = {}
    for item in items:
        module = item.path.name
        modules[module] = getattr(item, "module", None)
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
        if module in SLOW_MODULES or f"{module}::{getattr(item, 'originalname', item.name)}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if SLOW_FIXTURES.get(module, set()) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    missing = sorted(
        name
        for name in SLOW_TESTS
        if (module := name.split("::")[0]) in modules
        and modules[module] is not None
        and not hasattr(modules[module], name.split("::")[1])
    )
    if missing:
        warnings.warn(
            pytest.PytestWarning(
                f"tests/conftest.py lists as slow tests that do not exist (renamed or removed?): {missing}"
            ),
            stacklevel=2,
        )
