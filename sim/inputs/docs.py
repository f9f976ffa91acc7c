"""Documentation generated from the code, so it cannot drift from it."""

from __future__ import annotations

import difflib

from sim.core.params import parameter_rows, schema_blocks, schema_fields

HEADER = """# Parameter table

Generated from the scenario schema (`sim/core/params.py`) by `mutualaid params --out docs/parameters.md`;
a test fails if this file and the schema disagree. Every scenario file may set any of
these as `[block] name = value`. Provenance: *literature* (source named),
*calibrated* (pattern named; the targets are in [targets.md](targets.md), the model's
values in [calibration.md](calibration.md)) or *assumed* (a modelling assumption to
explore in sensitivity analysis). "model.md" is the design brief, [model.md](model.md);
sources are cited as `[@key, §section]` with the keys of [references.bib](references.bib):
`socialcapital_mutualaid` is the social-capital paper and `liu2025` Liu et al. (2025),
the two papers the model is built from.

| parameter | meaning | unit | default | range | provenance |
|---|---|---|---|---|---|
"""


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def parameter_table() -> str:
    """The parameter table as Markdown."""
    lines = [HEADER.rstrip("\n")]
    for r in parameter_rows():
        default = r["default"]
        if default is None:
            default = "none"
        elif isinstance(default, bool):
            default = str(default).lower()
        elif isinstance(default, float):
            default = f"{default:g}"
        lines.append(
            "| "
            + " | ".join(
                _cell(x) for x in (f"`{r['name']}`", r["meaning"], r["unit"], default, r["range"], r["provenance"])
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def did_you_mean(path: str) -> str:
    """``"; did you mean a or b?"`` naming the parameters (or blocks) of the schema
    closest to a mistyped dotted ``path``, or ``""`` when none is close, so an
    unknown-key message can show the likely intended name. The cutoff is high because
    paths in one block share their prefix, which alone makes them look similar."""
    names = {f.path for f in schema_fields()} | schema_blocks()
    close = difflib.get_close_matches(path, sorted(names), n=3, cutoff=0.8)
    return f"; did you mean {' or '.join(close)}?" if close else ""
