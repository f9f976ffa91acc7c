"""`mutualaid report` works on the results of every experiment the project ships.

Each experiment of experiments/*.toml is swept as a scaled-down copy — a small
community, a short horizon, 2 replicates and a small design — written into a
temporary folder, then reported in English. The copy keeps what shapes the results
folder (scenarios, reference, design kind, what is stored), so a report that breaks on
a shipped experiment's results breaks here too. The funding experiment's project grant
is shrunk so that it runs out within the short horizon: the interventions then end and
the runs carry gain half-lives, as in the full experiment.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "experiments").glob("*.toml"))
RESIDENTS = 60
WEEKS = 30
REPLICATES = 2
SAMPLED_PARAMETERS = 2
EXTRA_SETTINGS = {("funding_withdrawal", "project_3y"): ["interventions.funding.grant=3000.0"]}
"""Overrides that make a scaled-down copy behave like the full experiment."""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _table(name: str, values: dict[str, Any]) -> list[str]:
    lines = [f"[{name}]"]
    lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in values.items() if not isinstance(v, dict)]
    for key, sub in values.items():
        if isinstance(sub, dict):
            lines += _table(f"{name}.{key}", sub)
    return lines


def _small_design(design: dict[str, Any]) -> dict[str, Any]:
    """The same kind of design with few points: two levels, rows or parameters."""
    design = dict(design)
    kind = design.get("kind", "none")
    if "bounds" in design:
        design["bounds"] = dict(list(design["bounds"].items())[:SAMPLED_PARAMETERS])
    if kind == "sobol":
        design["N"] = 2
    elif kind == "morris":
        design["trajectories"] = 2
    elif kind == "lhs":
        design["n"] = 3
    elif kind == "grid":
        design["levels"] = {k: v[:2] for k, v in design["levels"].items()}
    elif kind == "rows":
        design["rows"] = design["rows"][:2]
    return design


def scaled_down(source: Path, folder: Path) -> Path:
    """A copy of an experiment file with few residents, weeks and replicates."""
    experiment = tomllib.loads(source.read_text(encoding="utf-8"))
    name = experiment["name"]
    top = {key: value for key, value in experiment.items() if not isinstance(value, (dict, list))}
    # a tipping experiment classifies collapses, falls sustained for a year: it refuses
    # runs shorter than 52 weeks (sim/experiments/tipping.py)
    tipping = "tipping" in experiment.get("store", {}).get("probes", [])
    top.update(replicates=REPLICATES, weeks=max(WEEKS, 60) if tipping else WEEKS, residents=RESIDENTS)
    lines = [f"{key} = {_toml_value(value)}" for key, value in top.items()]
    for entry in experiment["scenarios"]:
        settings = [*entry.get("set", []), *EXTRA_SETTINGS.get((name, entry["name"]), [])]
        lines += [
            "",
            "[[scenarios]]",
            f"name = {_toml_value(entry['name'])}",
            f"file = {_toml_value(str((source.parent / entry['file']).resolve()))}",
        ]
        if settings:
            lines.append(f"set = {_toml_value(settings)}")
    if "design" in experiment:
        lines += ["", *_table("design", _small_design(experiment["design"]))]
    if "store" in experiment:
        lines += ["", *_table("store", experiment["store"])]
    path = folder / source.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """Sweep a scaled-down copy of a shipped experiment once; its results folder."""
    done: dict[str, Path] = {}

    def sweep(source: Path) -> Path:
        if source.name not in done:
            folder = tmp_path_factory.mktemp(source.stem)
            experiment = scaled_down(source, folder)
            out = folder / "results"
            assert main(["sweep", str(experiment), "--workers", "1", "--out", str(out), "--quiet"]) == 0
            done[source.name] = out
        return done[source.name]

    return sweep


@pytest.mark.parametrize("source", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_report_works_on_the_results_of_every_shipped_experiment(source, swept, capsys):
    results = swept(source)
    assert main(["report", str(results), "--formats", "png"]) == 0, capsys.readouterr().err
    folder = results / "report-en"
    assert (folder / "README.md").is_file() and (folder / "tables" / "runs.csv").is_file()


def test_the_scaled_down_funding_experiment_ends_its_interventions_as_the_full_one_does(swept):
    runs = pd.read_parquet(swept(ROOT / "experiments" / "funding_withdrawal.toml") / "runs.parquet")
    assert [c for c in runs.columns if c.startswith("stop_week_")]


@pytest.mark.parametrize("source", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_sweep_writes_a_readable_summary_md_beside_summary_csv(source, swept):
    results = swept(source)
    text = (results / "summary.md").read_text(encoding="utf-8")
    summary = pd.read_csv(results / "summary.csv")
    assert {"metric", "mean", "ci_low", "ci_high", "difference"} <= set(summary.columns)
    assert text.startswith("# Summary: ") and "| Scenario |" in text
    assert "nan" not in text.lower() and not re.search(r"\d\.\d{4,}", text)
    assert not re.search(r"\| [a-z]+_[a-z_]+ \|", text), "a row or column named by an id"
