"""The settings saved as a scenario TOML file that ``mutualaid validate`` accepts
(Python reads TOML but does not write it: this writes the subset a scenario uses)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sim.core.params import Scenario

_BARE_KEY = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _toml_key(key: str) -> str:
    return key if key and set(key) <= _BARE_KEY else _toml_string(key)


def _toml_string(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    out = []
    for ch in text:
        if ch in escapes:
            out.append(escapes[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    # bool first: it is an int subclass
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float, and always
        # has a '.' or an exponent (or is inf/nan), as TOML requires of a float
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as a TOML value")


def to_toml(data: Mapping[str, Any], header: str = "") -> str:
    """Write a nested dict as TOML: each table's values, then its sub-tables as
    ``[a.b]`` sections. None means "not set" (TOML has no null) and is left out."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]

    def table(node: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        values = [(k, v) for k, v in node.items() if v is not None and not isinstance(v, Mapping)]
        tables = [(k, v) for k, v in node.items() if isinstance(v, Mapping)]
        if prefix and (values or not tables):
            if lines:
                lines.append("")
            lines.append("[" + ".".join(_toml_key(k) for k in prefix) + "]")
        for key, value in values:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
        for key, sub in tables:
            table(sub, (*prefix, key))

    table(data, ())
    return "\n".join(lines) + "\n"


def scenario_toml(scenario: Scenario) -> str:
    """A scenario file for ``scenario`` listing every parameter, so that it
    reproduces the run even if a default changes later."""
    header = (
        f"Scenario {scenario.name!r}, saved from the mutualaid dashboard on {date.today().isoformat()}.\n"
        "Every parameter is listed (not only the differences from the defaults), so this file\n"
        "reproduces the run even if a default changes. Check it with: mutualaid validate <file>"
    )
    return to_toml(scenario.model_dump(), header)
