"""docs/glossary.md explains every metric a reader meets in summary.csv, summary.md and
the report, under the name and in the unit the reports use, and is linked from the
README and docs/reporting.md."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from test_docs import sustainability_keys

from sim.experiments.summarise import COLUMNS
from sim.report.build import EQUITY_WEEKLY, TIMESERIES_METRICS
from sim.report.labels import Labels

GLOSSARY = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
EN = Labels("en")


def rows(section: str) -> dict[str, list[str]]:
    """The rows of the table under ``## section``, by their first cell's `name`."""
    text = GLOSSARY.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([^`]+)`(?:, `[^`]+`)* \|(.*)\|$", line)
        if match:
            names = re.findall(r"`([^`]+)`", line.split("|")[1])
            for name in names:
                found[name] = [cell.strip() for cell in match.group(2).split("|")]
    return found


@pytest.mark.parametrize("metric", sustainability_keys())
def test_every_per_run_metric_is_in_the_glossary_with_the_reports_name_and_unit(metric):
    table = rows("Per-run metrics")
    key = re.sub(r"^(gain_half_life_|stop_week_).*", r"\1<intervention>", metric)
    assert key in table, f"docs/glossary.md has no row for {key}"
    name, unit, meaning = table[key]
    expected = EN.run(metric).replace(EN.scenario("activities"), "<intervention>")
    assert name == expected and unit == EN.unit(metric) and meaning.endswith(".")


@pytest.mark.parametrize("metric", [*TIMESERIES_METRICS, EQUITY_WEEKLY])
def test_every_weekly_metric_drawn_is_in_the_glossary_with_its_unit(metric):
    name, unit, _ = rows("Weekly metrics in the figures")[metric]
    assert name == EN.weekly(metric) and unit == EN.unit(metric)


def test_every_column_of_summary_csv_is_explained():
    explained = rows("The columns of `summary.csv`")
    assert not [c for c in ("scenario", "point", *COLUMNS) if c not in explained]


@pytest.mark.parametrize("doc", ["README.md", "docs/reporting.md"])
def test_the_glossary_is_linked(doc):
    assert "glossary.md" in (ROOT / doc).read_text(encoding="utf-8")
