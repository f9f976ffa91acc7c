"""The golden master: the shipped scenarios give, seed for seed, exactly the numbers
recorded in tests/golden/ (bit for bit, not within a tolerance).

A refactor must leave these tests passing untouched. A deliberate change of the
model's numbers (a revised mechanism, a new random draw, a changed default) makes
them fail; then re-record with

    .venv/bin/python tests/golden/record.py

and add a line to CHANGELOG.md saying which numbers moved and why (CONTRIBUTING.md,
"Change a mechanism"). What is recorded, and at which sizes, is described in
tests/golden/record.py.
"""

from __future__ import annotations

import functools
import io
import json

import numpy as np
import pandas as pd
import pytest
from golden.record import (
    CASES,
    HASH_OVERRIDES,
    HASHES,
    RECORD_COMMAND,
    describe_summary_difference,
    describe_versions,
    describe_weekly_difference,
    fingerprint,
    run,
    shipped_scenarios,
    summary_json,
    summary_path,
    weekly_csv,
    weekly_path,
)

HOW_TO_RERECORD = (
    f"If the change of numbers is deliberate, re-record with `{RECORD_COMMAND}` and say in "
    "CHANGELOG.md which numbers moved and why; a refactor must not move any."
)


def failure(title: str, lines: list[str]) -> str:
    """The failure text: what differs, the library versions that differ from the
    recording (they can move the last bits), and how to re-record."""
    moved_versions = describe_versions()
    if moved_versions:
        lines = [*lines, "library versions differ from the recording: " + "; ".join(moved_versions)]
    return "\n".join([title, *lines, HOW_TO_RERECORD])


@functools.cache
def golden_run(name: str):
    case = next(c for c in CASES if c.name == name)
    return run(case.scenario, case.overrides)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_golden_scenario_gives_the_recorded_weekly_table_bit_for_bit(case):
    recorded_text = weekly_path(case).read_text(encoding="utf-8")
    weekly, _ = golden_run(case.name)
    if weekly_csv(weekly) != recorded_text:
        recorded = pd.read_csv(io.StringIO(recorded_text))
        lines = describe_weekly_difference(recorded, weekly) or [
            "the numbers are equal but the table is written differently (column types or formatting)"
        ]
        pytest.fail(
            failure(
                f"{case.scenario} with {list(case.overrides)}: the weekly table differs from "
                f"{weekly_path(case).relative_to(weekly_path(case).parents[2])}",
                lines,
            ),
            pytrace=False,
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_golden_scenario_gives_the_recorded_run_summary_exactly(case):
    recorded_text = summary_path(case).read_text(encoding="utf-8")
    _, summary = golden_run(case.name)
    if summary_json(summary) != recorded_text:
        lines = describe_summary_difference(json.loads(recorded_text), json.loads(summary_json(summary)))
        pytest.fail(
            failure(
                f"{case.scenario} with {list(case.overrides)}: the run summary differs from {summary_path(case).name}",
                lines,
            ),
            pytrace=False,
        )


def recorded_hashes() -> dict:
    return json.loads(HASHES.read_text(encoding="utf-8"))


def test_every_shipped_scenario_has_a_recorded_hash_and_no_hash_is_left_over():
    shipped, recorded = set(shipped_scenarios()), set(recorded_hashes())
    assert shipped == recorded, failure(
        "tests/golden/hashes.json does not match the shipped scenarios",
        [
            f"not recorded: {sorted(shipped - recorded)}",
            f"recorded but no longer shipped: {sorted(recorded - shipped)}",
        ],
    )


@pytest.mark.parametrize("scenario", shipped_scenarios())
def test_every_shipped_scenario_gives_the_recorded_weekly_table_hash(scenario):
    recorded = recorded_hashes().get(scenario)
    if recorded is None:
        pytest.fail(failure(f"{scenario}: no hash recorded in tests/golden/hashes.json", []), pytrace=False)
    now = fingerprint(*run(scenario, HASH_OVERRIDES))
    if now == recorded:
        return
    lines = []
    if now["rows"] != recorded["rows"]:
        lines.append(f"rows: recorded {recorded['rows']}, now {now['rows']}")
    gone = [c for c in recorded["columns"] if c not in now["columns"]]
    new = [c for c in now["columns"] if c not in recorded["columns"]]
    moved = [c for c in recorded["columns"] if c in now["columns"] and recorded["columns"][c] != now["columns"][c]]
    if gone:
        lines.append(f"columns no longer produced: {gone}")
    if new:
        lines.append(f"new columns: {new}")
    if moved:
        lines.append(f"columns that differ: {moved}")
    if now["summary_sha256"] != recorded["summary_sha256"]:
        lines.append("the run summary differs")
    if not lines:
        lines.append("the columns are equal one by one but the table is not (column order)")
    lines.append(
        f"(to see the weeks, run `mutualaid run {scenario} "
        + " ".join(f"--set {o}" for o in HASH_OVERRIDES)
        + "` before and after the change and compare "
        "the weekly.csv files)"
    )
    pytest.fail(
        failure(
            f"{scenario} with {HASH_OVERRIDES}: the weekly table's hash differs from tests/golden/hashes.json", lines
        ),
        pytrace=False,
    )


def test_a_one_ulp_drift_is_caught_and_named_by_its_column_and_first_week():
    case = CASES[0]
    recorded = pd.read_csv(weekly_path(case))
    drifted = recorded.copy()
    row = int((drifted["week"] == 40).to_numpy().argmax())
    drifted.loc[row:, "tie_trust"] = np.nextafter(drifted.loc[row:, "tie_trust"].to_numpy(), 1.0)
    assert weekly_csv(recorded) == weekly_path(case).read_text(encoding="utf-8")
    assert weekly_csv(drifted) != weekly_path(case).read_text(encoding="utf-8")
    lines = describe_weekly_difference(recorded, drifted)
    assert lines[0].startswith(
        f"1 of {len(recorded.columns)} columns differ; the first difference is in week 40 (tie_trust)"
    )
    assert lines[1].startswith(f"  tie_trust: from week 40 ({len(drifted) - row} of {len(drifted)} weeks differ)")
