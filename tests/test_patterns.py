"""The pattern-oriented validation quantities are computed as documented, by a probe
of the one run loop, with the sweep's seeds."""

import numpy as np
import pytest
from conftest import ROOT

from sim.cli import main
from sim.experiments.patterns import standardized_coefficients, top_share
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
        "Hours per active member",
        "Which kind of trust",
        "A cheap formal-care substitute",
    ):
        assert heading in text
    assert text.count("| 0.") >= 5  # one row per formal-care level
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
