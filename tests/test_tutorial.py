"""The Python API (``from sim import ...``) and the tutorial that uses it: the tutorial
runs as a plain script, so it cannot drift from the code."""

import os
import subprocess
import sys

import pytest
from conftest import ROOT

import sim

TUTORIAL = ROOT / "docs" / "tutorial.py"


def test_the_tutorial_runs_as_a_plain_script_and_writes_its_figure(tmp_path):
    env = {**os.environ, "TUTORIAL_OUT": str(tmp_path), "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(TUTORIAL)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "paired replicates" in result.stdout
    assert (tmp_path / "tutorial_comparison.png").stat().st_size > 0
    assert (tmp_path / "tiny" / "summary.csv").exists()


def test_the_tutorial_is_a_jupytext_percent_notebook():
    text = TUTORIAL.read_text(encoding="utf-8")
    assert "format_name: percent" in text
    assert text.count("# %% [markdown]") >= 4 and text.count("\n# %%\n") >= 4


def test_the_readme_links_the_tutorial():
    assert "(docs/tutorial.py)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sim.__all__)
def test_every_public_name_resolves_and_is_documented(name):
    value = getattr(sim, name)
    assert value is not None
    if callable(value):
        assert value.__doc__, f"sim.{name} has no docstring"


def test_importing_the_package_does_not_load_the_model():
    code = "import sys, sim; print('sim.core.model' in sys.modules, 'numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_sweep_refuses_an_invalid_experiment_with_the_scenario_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nreplicates = 0\n[[scenarios]]\nname = "x"\nfile = "missing.toml"\n', encoding="utf-8")
    with pytest.raises(sim.ScenarioError):
        sim.sweep(bad, out=tmp_path / "out")
