"""Loading scenario files: TOML → merged dict (``extends`` inheritance, ``--set``
overrides) → validated :class:`sim.params.Scenario`.

Every failure raises :class:`ScenarioError`, whose ``problems`` are one line each,
naming the file, the field path and what is allowed. The command line prints them
and exits non-zero; nothing here prints a traceback.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.params import Scenario


class ScenarioError(Exception):
    """A scenario (or experiment) file, or an override, is not valid."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file, turning I/O and syntax errors into :class:`ScenarioError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, expected a TOML file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot be read ({exc})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: malformed TOML: {exc}"]) from None


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``; tables merge key by key, other values replace."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def resolve_extends(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's table with its ``extends`` chain merged underneath it.

    ``extends`` is a path relative to the file that names it. Cycles are errors.
    """
    path = Path(path)
    key = path.resolve()
    if key in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, key))
        raise ScenarioError([f"{path}: extends: cycle of extends ({cycle})"])
    data = read_toml(path)
    _anchor_data_files(data, path.parent)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        raise ScenarioError([f"{path}: extends: must be a file name (a string), got {parent!r}"])
    parent_path = path.parent / parent
    if not parent_path.exists():
        raise ScenarioError([f"{path}: extends: file {parent_path} not found"])
    base = resolve_extends(parent_path, (*_chain, key))
    return deep_merge(base, data)


DATA_FILES = ("residents_file", "edges_file")


def _anchor_data_files(data: dict[str, Any], base: Path) -> None:
    """Make relative survey data paths absolute, relative to ``base``: the folder of
    the scenario file that names them, or the working directory for ``--set``."""
    community = data.get("community")
    if isinstance(community, dict):
        for key in DATA_FILES:
            value = community.get(key)
            if isinstance(value, str) and value and not Path(value).is_absolute():
                community[key] = str((base / value).resolve())


def parse_override(text: str) -> tuple[list[str], Any]:
    """``path.to.field=value`` → (["path", "to", "field"], value).

    The value is read as a TOML value (``500``, ``0.3``, ``true``, ``"text"``,
    ``[1, 2]``); a bare word that is not valid TOML is taken as a string.
    """
    if "=" not in text:
        raise ScenarioError([f"--set {text}: expected path.to.field=value"])
    path, raw = text.split("=", 1)
    parts = path.strip().split(".")
    if not all(p.strip() for p in parts):
        raise ScenarioError([f"--set {text}: the field path {path!r} has an empty part"])
    raw = raw.strip()
    if raw == "":
        raise ScenarioError([f"--set {text}: no value after '='"])
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return [p.strip() for p in parts], value


def apply_overrides(data: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Apply ``--set`` overrides (see :func:`parse_override`) to a scenario table."""
    out = copy.deepcopy(data)
    for text in overrides or []:
        parts, value = parse_override(text)
        node = out
        for part in parts[:-1]:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ScenarioError([f"--set {text}: {part} is a value, not a table"])
            node = nxt
        node[parts[-1]] = value
    return out


def format_validation_error(source: str, exc: ValidationError) -> list[str]:
    """One readable line per pydantic error: ``source: field.path: message``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            from sim.docs import did_you_mean

            msg = f"unknown key (not a parameter of this block{did_you_mean(loc)}; see docs/parameters.md)"
        elif "input" in err and err["type"] not in ("missing",) and not isinstance(err["input"], dict):
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"{source}: {loc}: {msg}")
    return lines


def validate_data(data: dict[str, Any], source: str, model: type[BaseModel] = Scenario) -> Any:
    """Validate a merged table against ``model`` or raise :class:`ScenarioError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(source, exc)) from None


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, merge, override and validate a scenario file."""
    path = Path(path)
    data = resolve_extends(path)
    data = apply_overrides(data, overrides)
    _anchor_data_files(data, Path.cwd())  # only --set paths are still relative here
    source = str(path) + (" (with --set overrides)" if overrides else "")
    scenario = validate_data(data, source)
    if scenario.name == "unnamed":
        scenario = scenario.model_copy(update={"name": path.stem})
    return check_survey(scenario)


def check_survey(scenario: Scenario) -> Scenario:
    """Validate the survey data a scenario names, and size the community to it."""
    c = scenario.community
    if c.residents_file is None:
        return scenario
    from sim.survey import load_survey

    survey = load_survey(c.residents_file, c.edges_file)
    sized = scenario.model_copy(deep=True)
    sized.community.residents = len(survey.residents)
    return sized


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario given as a (possibly partial) table."""
    return validate_data(data, source)
