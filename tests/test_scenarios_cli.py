"""Scenario files and the command line: inheritance, overrides, and clear errors for
every kind of bad input (file, field, what is allowed; exit 2; no traceback)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS

from sim.inputs.docs import parameter_table
from sim.inputs.scenario import load_scenario
from sim.submodels.observation import METRICS


def mutualaid(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_scenario_is_valid():
    files = sorted(SCENARIOS.glob("**/*.toml"))
    assert files
    result = mutualaid("validate", *files)
    assert result.returncode == 0, result.stderr


def test_extends_merges_tables_and_the_child_wins(tmp_path):
    write(tmp_path, "base.toml", "[community]\nresidents = 500\ninfrastructure = 0.3\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[community]\ninfrastructure = 0.9\n')
    sc = load_scenario(child)
    assert sc.community.residents == 500 and sc.community.infrastructure == 0.9
    assert sc.name == "child"


def test_set_overrides_parse_toml_values():
    sc = load_scenario(SCENARIOS / "old_estate.toml", ["community.residents=250", "trust.gossip_rate=0.3"])
    assert sc.community.residents == 250 and sc.trust.gossip_rate == 0.3


@pytest.mark.parametrize(
    "text, field, allowed",
    [
        ("[community]\nresidentz = 5\n", "community.residentz", "unknown key"),
        ("[community]\nresidents = -5\n", "community.residents", "greater than or equal to 1"),
        ("[trust]\ngossip_rate = 1.5\n", "trust.gossip_rate", "less than or equal to 1"),
        ('[community]\nresidents = "many"\n', "community.residents", "valid integer"),
        ("[community]\nage_share_60_69 = 0.9\n", "community", "must sum to 1"),
        ('[community]\nsetting = "city"\n', "community.setting", "new_estate"),
        ("[nonsense]\nx = 1\n", "nonsense", "unknown key"),
    ],
)
def test_bad_values_name_the_file_the_field_and_what_is_allowed(tmp_path, text, field, allowed):
    path = write(tmp_path, "bad.toml", text)
    result = mutualaid("validate", path)
    assert result.returncode == 2
    assert str(path) in result.stderr and field in result.stderr and allowed in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_malformed_toml_missing_file_and_extends_cycle_are_reported(tmp_path):
    bad = write(tmp_path, "broken.toml", "[community\nresidents = 3\n")
    a = write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    result = mutualaid("validate", bad, tmp_path / "missing.toml", a)
    assert result.returncode == 2
    assert "malformed TOML" in result.stderr
    assert "missing.toml: file not found" in result.stderr
    assert "cycle of extends" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "community.residents"], "expected path.to.field=value"),
        (["--set", "community.residents=-3"], "community.residents"),
        (["--set", "community..x=3"], "empty part"),
        (["--residents", "-10"], "greater than or equal to 1"),
    ],
)
def test_bad_command_line_overrides_get_clear_errors(args, message):
    result = mutualaid("run", SCENARIOS / "new_estate.toml", "--weeks", "2", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_run_writes_weekly_tables_and_a_summary_with_provenance(tmp_path):
    out = tmp_path / "out"
    result = mutualaid(
        "run",
        SCENARIOS / "rural_village.toml",
        "--weeks",
        "30",
        "--residents",
        "200",
        "--seed",
        "9",
        "--out",
        out,
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    assert "coverage of need" in result.stdout
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert list(weekly.columns) == list(METRICS) and len(weekly) == 30
    assert list(pd.read_csv(out / "weekly.csv").columns) == list(METRICS)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 9 and summary["scenario"]["community"]["residents"] == 200
    assert summary["provenance"]["versions"]["mesa"]
    assert "mean_coverage_last2y" in summary["sustainability"]
    # the same command reproduces the same numbers
    again = tmp_path / "again"
    mutualaid(
        "run",
        SCENARIOS / "rural_village.toml",
        "--weeks",
        "30",
        "--residents",
        "200",
        "--seed",
        "9",
        "--out",
        again,
        "--quiet",
    )
    pd.testing.assert_frame_equal(weekly, pd.read_parquet(again / "weekly.parquet"))


def test_the_parameter_table_in_the_docs_is_generated_from_the_schema():
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == parameter_table(), (
        "docs/parameters.md is stale: run `mutualaid params --out docs/parameters.md`"
    )


def test_python_dash_m_and_the_console_script_are_the_same_program():
    result = mutualaid("--help")
    assert result.returncode == 0 and "validate" in result.stdout


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("**/*.toml")), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_file_runs(path):
    from sim.experiments.runner import run_scenario

    result = run_scenario(
        load_scenario(path, ["simulation.weeks=8", "simulation.burn_in_weeks=4", "community.residents=200"])
    )
    assert len(result.weekly) == 8 and (result.weekly["residents"] > 0).all()


def test_with_value_copies_only_the_tables_along_the_path_and_leaves_the_draft_unchanged():
    from sim.inputs.scenario import get_value, with_value

    draft = {"community": {"residents": 10, "formal_care": 0.2}, "trust": {"gossip_rate": 0.1}}
    changed = with_value(draft, "community.residents", 20)
    assert draft["community"]["residents"] == 10
    assert get_value(changed, "community.residents") == 20
    assert changed["trust"] is draft["trust"] and changed["community"] is not draft["community"]


def test_every_dotted_path_refuses_a_value_where_a_table_is_needed_in_one_way():
    from sim.inputs.scenario import ScenarioError, apply_overrides, set_value

    with pytest.raises(ScenarioError, match=r"^--set community.residents.x=1: residents is a value, not a table$"):
        apply_overrides({"community": {"residents": 5}}, ["community.residents.x=1"])
    with pytest.raises(ScenarioError, match=r"^here: simulation is a value, not a table$"):
        set_value({"simulation": 3}, "simulation.weeks", 52, "here")


def test_an_experiments_weeks_over_a_scenario_whose_block_is_a_value_is_one_line(tmp_path, capsys):
    from sim.cli import main

    write(tmp_path, "flat.toml", "simulation = 3\n")
    experiment = write(tmp_path, "e.toml", 'name = "e"\nweeks = 10\n[[scenarios]]\nname = "flat"\nfile = "flat.toml"\n')
    assert main(["validate", str(experiment)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"{experiment}: scenarios[0] 'flat' ({tmp_path / 'flat.toml'}): simulation.weeks: simulation is a value, not a table"
    ]
