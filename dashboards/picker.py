"""The scenario picker: the project's scenario files, the one the page opens with,
and opening an entry of the picker's list by its label (never a path the browser
names)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dashboards.settings_draft import draft_from_scenario
from sim.cli.dashboard import INITIAL_SCENARIO_ENV
from sim.inputs.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "old_estate.toml"  # a setting with no intervention: the user switches them on


def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    """Every scenario file under ``folder``, subfolders included, sorted by path."""
    return sorted(Path(folder).rglob("*.toml"))


def shipped_scenarios(folder: Path = SCENARIO_DIR) -> dict[str, Path]:
    """The picker's list of the project's scenarios: label (path relative to
    ``folder``) → file. Only files found here are ever opened by label."""
    return {scenario_label(path, folder): path for path in scenario_files(folder)}


def initial_scenario_path(environ: Mapping[str, str], folder: Path = SCENARIO_DIR) -> Path | None:
    """The scenario to open with: the one named by :data:`INITIAL_SCENARIO_ENV`, else
    :data:`DEFAULT_SCENARIO`, else the first file of ``folder`` (None if there is none)."""
    named = environ.get(INITIAL_SCENARIO_ENV)
    if named:
        return Path(named).resolve()
    if (Path(folder) / DEFAULT_SCENARIO).is_file():
        return Path(folder) / DEFAULT_SCENARIO
    files = scenario_files(folder)
    return files[0] if files else None


def scenario_label(path: Path, folder: Path = SCENARIO_DIR) -> str:
    """How a scenario file is shown in the picker: its path relative to ``folder``."""
    try:
        return str(Path(path).resolve().relative_to(Path(folder).resolve()))
    except ValueError:
        return str(path)


def open_listed(label: str, listed: Mapping[str, Path | Mapping[str, Any]]) -> dict[str, Any]:
    """The settings draft of the picker's entry ``label``: a file of the list (shipped,
    or named on the command line) is loaded, an uploaded scenario's draft is returned.

    The picker's value comes from the browser, and a hand-written client can send any
    text: only labels of the list are opened, never a path it names."""
    entry = listed.get(label) if isinstance(label, str) else None
    if entry is None:
        raise ScenarioError([f"scenario picker: {str(label)[:80]!r} is not in the list of scenarios"])
    if isinstance(entry, Mapping):
        return dict(entry)
    return draft_from_scenario(load_scenario(entry))
