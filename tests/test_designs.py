"""Experimental designs and seeds: each design yields the points its method defines.

Counts follow the methods' definitions (full factorial ∏ levels; Latin hypercube one
point per stratum of every parameter; Saltelli N·(2D+2) or N·(D+2); Morris
trajectories·(D+1)); seeds follow common random numbers (replicate k has one seed
in every scenario and design point).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiments.design import explicit_rows, grid, latin_hypercube, morris_trajectories, saltelli
from sim.experiments.plan import load_experiment, replicate_seeds
from sim.inputs.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
NEW_ESTATE = ROOT / "scenarios" / "new_estate.toml"
OLD_ESTATE = ROOT / "scenarios" / "old_estate.toml"


def problem(dimensions: int) -> dict:
    return {
        "num_vars": dimensions,
        "names": [f"x{i}" for i in range(dimensions)],
        "bounds": [[float(i), float(i) + 1.0 + i] for i in range(dimensions)],
    }


def experiment_file(tmp_path: Path, design: str, replicates: int = 2) -> Path:
    path = tmp_path / "design.toml"
    path.write_text(
        f'''
name = "design_test"
replicates = {replicates}
root_seed = 7
[[scenarios]]
name = "new"
file = "{NEW_ESTATE}"
[[scenarios]]
name = "old"
file = "{OLD_ESTATE}"
{design}
''',
        encoding="utf-8",
    )
    return path


def test_grid_has_one_point_per_combination_of_levels_last_varying_fastest():
    points = grid({"a": [1, 2, 3], "b": [0.1, 0.2], "c": ["x", "y"]})
    assert len(points) == 3 * 2 * 2
    assert points[0] == {"a": 1, "b": 0.1, "c": "x"}
    assert points[1] == {"a": 1, "b": 0.1, "c": "y"}
    assert points[-1] == {"a": 3, "b": 0.2, "c": "y"}
    assert len({tuple(p.values()) for p in points}) == len(points)


def test_rows_give_one_point_per_row_in_order():
    assert explicit_rows(["a", "b"], [[1, 2.0], [3, 4.0]]) == [{"a": 1, "b": 2.0}, {"a": 3, "b": 4.0}]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), dimensions=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_latin_hypercube_puts_one_point_in_each_stratum_of_every_parameter(n, dimensions, seed):
    spec = problem(dimensions)
    sample = latin_hypercube(spec, n, seed)
    assert sample.shape == (n, dimensions)
    for column, (low, high) in zip(sample.T, spec["bounds"]):
        strata = np.floor((column - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n))


@pytest.mark.parametrize("dimensions", [2, 3, 5])
@pytest.mark.parametrize("second_order", [True, False])
def test_saltelli_sample_has_n_times_2d_plus_2_or_d_plus_2_points(dimensions, second_order):
    base = 8
    sample = saltelli(problem(dimensions), base, second_order, seed=3)
    expected = base * (2 * dimensions + 2) if second_order else base * (dimensions + 2)
    assert sample.shape == (expected, dimensions)


@pytest.mark.parametrize("dimensions", [1, 2, 4])
def test_morris_sample_has_trajectories_times_d_plus_1_points_moving_one_parameter_per_step(dimensions):
    trajectories = 5
    sample = morris_trajectories(problem(dimensions), trajectories, levels=4, seed=3)
    assert sample.shape == (trajectories * (dimensions + 1), dimensions)
    for start in range(0, len(sample), dimensions + 1):
        steps = np.diff(sample[start : start + dimensions + 1], axis=0)
        assert ((np.abs(steps) > 1e-12).sum(axis=1) == 1).all()


def test_replicate_seeds_are_spawned_from_the_root_seed_and_prefix_stable():
    seeds = replicate_seeds(11, 5)
    assert seeds[:3] == replicate_seeds(11, 3)
    assert len(set(seeds)) == 5
    assert replicate_seeds(12, 5) != seeds
    assert all(0 <= s < 2**63 for s in seeds)


def test_every_scenario_and_design_point_uses_the_seed_of_its_replicate(tmp_path):
    design = '[design]\nkind = "grid"\n[design.levels]\n"trust.gossip_rate" = [0.1, 0.3, 0.5]\n'
    experiment = load_experiment(experiment_file(tmp_path, design, replicates=3))
    seeds = replicate_seeds(7, 3)
    assert len(experiment.runs) == 2 * 3 * 3
    for run in experiment.runs:
        assert run.seed == seeds[run.replicate]
        assert experiment.scenario_for(run).simulation.seed == run.seed
    assert len({r.run_id for r in experiment.runs}) == len(experiment.runs)


def test_sampled_design_records_the_salib_problem_and_crosses_with_scenarios(tmp_path):
    design = """[design]
kind = "sobol"
N = 4
calc_second_order = false
[design.bounds]
trust.gossip_rate = [0.05, 0.5]
"community.infrastructure" = [0.2, 0.8]
"""
    experiment = load_experiment(experiment_file(tmp_path, design, replicates=1))
    assert experiment.problem["num_vars"] == 2
    assert experiment.problem["names"] == ["trust.gossip_rate", "community.infrastructure"]
    assert experiment.problem["bounds"] == [[0.05, 0.5], [0.2, 0.8]]
    assert len(experiment.points) == 4 * (2 + 2)
    assert len(experiment.runs) == 2 * len(experiment.points)
    assert experiment.resolved()["design"]["problem"] == experiment.problem


def test_integer_parameters_are_sampled_as_whole_numbers_covering_their_bounds(tmp_path):
    design = '[design]\nkind = "lhs"\nn = 12\n[design.bounds]\n"helping.rounds" = [1, 4]\n'
    experiment = load_experiment(experiment_file(tmp_path, design, replicates=1))
    values = [p["helping.rounds"] for p in experiment.points]
    assert all(isinstance(v, int) for v in values)
    assert sorted(set(values)) == [1, 2, 3, 4]
    assert all(values.count(v) == 3 for v in (1, 2, 3, 4))
    assert experiment.problem["bounds"] == [[1.0, 5.0]]


def test_morris_grid_edge_rounds_into_the_highest_integer(tmp_path):
    design = """[design]
kind = "morris"
trajectories = 6
levels = 4
[design.bounds]
"helping.rounds" = [2, 5]
"trust.gossip_rate" = [0.1, 0.4]
"""
    experiment = load_experiment(experiment_file(tmp_path, design, replicates=1))
    rounds = {p["helping.rounds"] for p in experiment.points}
    assert rounds <= {2, 3, 4, 5} and 5 in rounds
    assert len(experiment.points) == 6 * 3


def test_design_over_a_parameter_the_experiment_sets_is_rejected(tmp_path):
    design = '[design]\nkind = "grid"\n[design.levels]\n"simulation.seed" = [1, 2]\n'
    with pytest.raises(ScenarioError) as caught:
        load_experiment(experiment_file(tmp_path, design))
    assert "design.levels.simulation.seed" in caught.value.problems[0]
    assert "root_seed" in caught.value.problems[0]


def test_the_parameter_table_the_design_checks_and_the_typo_hint_read_one_walk_of_the_schema():
    from sim.core.params import parameter_rows, schema_fields
    from sim.experiments.schema import scenario_parameter
    from sim.inputs.docs import did_you_mean

    fields = schema_fields()
    assert [r["name"] for r in parameter_rows()] == [f.path for f in fields]
    for field in fields:
        param = scenario_parameter(field.path)
        if param.kind != "other":
            assert (param.low, param.high) == (field.low, field.high)
    assert "community.residents" in did_you_mean("community.residnts")
