"""The golden master: fixed-seed results recorded from the shipped scenarios, so a
refactor can show it changed no number and a model revision can show which numbers
it moved.

What is recorded here (tests/golden/):

- ``<case>.weekly.csv`` and ``<case>.summary.json`` for the few scenarios of
  :data:`CASES` (together they switch on every submodel and, between them, the
  interventions of the full package, one-to-one support and a grant that runs out):
  the whole weekly table, every float in its shortest round-trip form (``repr``),
  and the run summary (sustainability, equity and cost);
- ``hashes.json``: for **every** shipped scenario (``scenarios/**/*.toml``), run at
  :data:`HASH_OVERRIDES`, the SHA-256 of its weekly table written the same way, one
  short hash per column (so a failure names the columns that moved) and the SHA-256
  of its summary;
- ``meta.json``: the sizes, the overrides and the library versions of the recording
  (a numpy or numba upgrade may move the last bits of a float; the test names the
  versions that differ when it fails).

Every run goes through the public entry points: ``sim.inputs.scenario.load_scenario(path,
overrides)`` with ``--set``-style overrides and ``sim.experiments.runner.simulate``, with the
scenario's own seed and burn-in. A golden table is therefore the ``weekly.csv`` that
``mutualaid run <scenario> --set community.residents=300 --set simulation.weeks=156``
writes.

Re-record only after a deliberate change of numbers (and say in CHANGELOG.md which
numbers moved and why)::

    .venv/bin/python tests/golden/record.py

tests/test_golden_master.py compares a fresh run with these files bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.runner import simulate, versions
from sim.inputs.scenario import load_scenario

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parent.parent
SCENARIOS = ROOT / "scenarios"
RECORD_COMMAND = ".venv/bin/python tests/golden/record.py"

GOLDEN_SIZE = ["community.residents=300", "simulation.weeks=156"]
HASH_OVERRIDES = ["community.residents=150", "simulation.weeks=104"]


@dataclass(frozen=True)
class Case:
    """One golden scenario: a shipped file and the overrides it is run with."""

    name: str
    scenario: str  # relative to the repository root
    overrides: tuple[str, ...]
    why: str


CASES = (
    Case("new_estate", "scenarios/new_estate.toml", tuple(GOLDEN_SIZE), "the baseline community, no interventions"),
    Case(
        "full_package",
        "scenarios/full_package.toml",
        tuple(GOLDEN_SIZE),
        "activities, platform, supervision, norm revision, infrastructure and one-to-one support together",
    ),
    Case(
        "old_estate_targeted_support",
        "scenarios/old_estate_targeted_support.toml",
        tuple(GOLDEN_SIZE),
        "another community (old estate) with one-to-one support and a retrofit",
    ),
    Case(
        "funding_project_runs_out",
        "scenarios/funding_project_3y.toml",
        (*GOLDEN_SIZE, "interventions.funding.grant=600000.0"),
        "a project grant sized to run out within the horizon: interventions stop, gain half-lives are computed",
    ),
)


def weekly_path(case: Case) -> Path:
    return GOLDEN / f"{case.name}.weekly.csv"


def summary_path(case: Case) -> Path:
    return GOLDEN / f"{case.name}.summary.json"


HASHES = GOLDEN / "hashes.json"
META = GOLDEN / "meta.json"


def shipped_scenarios() -> list[str]:
    """Every shipped scenario file, relative to the repository root."""
    return sorted(p.relative_to(ROOT).as_posix() for p in SCENARIOS.rglob("*.toml"))


def run(scenario: str, overrides: list[str] | tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The weekly table and summary of one shipped scenario with overrides.

    Run from the repository root's point of view, so survey paths given in
    overrides would resolve the same wherever pytest was started."""
    loaded = load_scenario(ROOT / scenario, list(overrides))
    _, result = simulate(loaded)
    return result.weekly, result.summary


def weekly_csv(weekly: pd.DataFrame) -> str:
    """The weekly table as CSV text in which every float is its ``repr``: the shortest
    text that reads back as the same float, so equal text means bit-identical numbers
    (and the text does not depend on pandas' default float formatting)."""
    return weekly.to_csv(index=False, lineterminator="\n", float_format=lambda x: repr(float(x)))


def summary_json(summary: dict[str, Any]) -> str:
    """The summary as JSON text; floats are written by ``repr`` (NaN as ``NaN``), in the
    order the summary lists them."""
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def column_hashes(weekly: pd.DataFrame) -> dict[str, str]:
    """A short SHA-256 of each column's text, so a changed table names its columns."""
    return {col: sha256(weekly_csv(weekly[[col]]))[:16] for col in weekly.columns}


def fingerprint(weekly: pd.DataFrame, summary: dict[str, Any]) -> dict[str, Any]:
    """What hashes.json keeps of one scenario's run."""
    return {
        "rows": int(len(weekly)),
        "weekly_sha256": sha256(weekly_csv(weekly)),
        "summary_sha256": sha256(summary_json(summary)),
        "columns": column_hashes(weekly),
    }


# -- explaining a difference ---------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def describe_weekly_difference(recorded: pd.DataFrame, now: pd.DataFrame, limit: int = 12) -> list[str]:
    """Lines naming what differs between two weekly tables: missing or new columns,
    then the columns that moved, earliest first week of difference first, each with
    its first differing week and the two values there."""
    lines = []
    gone = [c for c in recorded.columns if c not in now.columns]
    new = [c for c in now.columns if c not in recorded.columns]
    if gone:
        lines.append(f"columns no longer produced: {gone}")
    if new:
        lines.append(f"new columns: {new}")
    if len(recorded) != len(now):
        lines.append(f"rows: recorded {len(recorded)}, now {len(now)}")
    common = [c for c in recorded.columns if c in now.columns]
    if common != [c for c in now.columns if c in recorded.columns]:
        lines.append("column order changed")
    rows = min(len(recorded), len(now))
    weeks = now["week"].to_numpy()[:rows] if "week" in now.columns else range(rows)
    moved = []
    for col in common:
        a = recorded[col].tolist()[:rows]
        b = now[col].tolist()[:rows]
        diff = [i for i in range(rows) if not _same(_plain(a[i]), _plain(b[i]))]
        if str(recorded[col].dtype) != str(now[col].dtype):
            lines.append(f"{col}: type recorded {recorded[col].dtype}, now {now[col].dtype}")
        if diff:
            moved.append((diff[0], col, len(diff), a[diff[0]], b[diff[0]]))
    if moved:
        first = min(m[0] for m in moved)
        at_first = [m[1] for m in sorted(moved) if m[0] == first]
        named = ", ".join(at_first[:6]) + (f" and {len(at_first) - 6} more" if len(at_first) > 6 else "")
        lines.append(
            f"{len(moved)} of {len(common)} columns differ; the first difference is in week {weeks[first]} ({named})"
        )
        for i, col, count, was, is_ in sorted(moved)[:limit]:
            lines.append(
                f"  {col}: from week {weeks[i]} ({count} of {rows} weeks differ): recorded {was!r}, now {is_!r}"
            )
        if len(moved) > limit:
            lines.append(f"  ... and {len(moved) - limit} more columns")
    return lines


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, so 3 and 3.0 stay different but np.int64(3) and 3 do not."""
    return value.item() if hasattr(value, "item") else value


def describe_summary_difference(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """One line per summary entry that was added, removed or changed."""
    lines = []
    for key in list(recorded) + [k for k in now if k not in recorded]:
        if key not in now:
            lines.append(f"{key}: no longer in the summary (recorded {recorded[key]!r})")
        elif key not in recorded:
            lines.append(f"{key}: new in the summary ({now[key]!r})")
        elif not _same(recorded[key], now[key]):
            lines.append(f"{key}: recorded {recorded[key]!r}, now {now[key]!r}")
    if not lines and list(recorded) != list(now):
        lines.append("the summary lists its entries in a different order")
    return lines


def describe_versions() -> list[str]:
    """The library versions that differ from those of the recording, if any."""
    if not META.exists():
        return []
    recorded = json.loads(META.read_text(encoding="utf-8")).get("versions", {})
    now = versions()
    return [
        f"{name} {recorded[name]} at recording, {now.get(name)} now"
        for name in recorded
        if name not in ("platform", "mutualaid-sim") and recorded[name] != now.get(name)
    ]


# -- recording -----------------------------------------------------------------------


def record(out: Path = GOLDEN) -> None:
    """Run every case and every shipped scenario and write the golden files."""
    from sim.experiments.runner import git_commit

    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        weekly, summary = run(case.scenario, case.overrides)
        (out / weekly_path(case).name).write_text(weekly_csv(weekly), encoding="utf-8")
        (out / summary_path(case).name).write_text(summary_json(summary), encoding="utf-8")
        print(
            f"{case.name}: {len(weekly)} weeks, mean active share of the last two years "
            f"{summary['mean_active_share_last2y']!r}"
        )
    hashes = {}
    for scenario in shipped_scenarios():
        weekly, summary = run(scenario, HASH_OVERRIDES)
        hashes[scenario] = fingerprint(weekly, summary)
        print(f"{scenario}: {hashes[scenario]['weekly_sha256'][:16]}")
    (out / HASHES.name).write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8")
    meta = {
        "cases": {c.name: {"scenario": c.scenario, "overrides": list(c.overrides), "why": c.why} for c in CASES},
        "hash_overrides": HASH_OVERRIDES,
        "recorded_at_commit": git_commit(),
        "versions": versions(),
    }
    (out / META.name).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        print(__doc__)
        return 0 if argv[0] in ("-h", "--help") else 2
    record()
    print(f"recorded into {GOLDEN}; if numbers moved, say which and why in CHANGELOG.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
