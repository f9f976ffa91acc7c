"""summary.md: the sweep's summary for people — a table per metric group with a row per
scenario, names and units, rounded; collapses counted; half-lives that do not apply
marked n/a; the design point named, not numbered."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.core.metrics import SUSTAINABILITY_METRICS
from sim.experiments.summarise import summary_table
from sim.report.labels import Labels
from sim.report.readable import number, summary_markdown


def runs_table(points: int = 1) -> pd.DataFrame:
    """Two scenarios × ``points`` × 4 replicates; one collapse in ``b``; a half-life only in ``b``."""
    rng = np.random.default_rng(3)
    rows = []
    for scenario in ("baseline", "b"):
        for point in range(points):
            for replicate in range(4):
                row = {
                    "run_id": f"{scenario}.p{point}.r{replicate}",
                    "scenario": scenario,
                    "point": point,
                    "helping.rounds": 2 + 2 * point,
                    "replicate": replicate,
                    "status": "ok",
                }
                row.update({m: float(rng.uniform(0.1, 0.6)) for m in SUSTAINABILITY_METRICS})
                row["collapsed"] = scenario == "b" and replicate == 0
                row["budget_spent"] = 0.0 if scenario == "baseline" else 123456.789
                row["cost_per_met_hour"] = 0.0 if scenario == "baseline" else 41.2345
                row["gain_half_life_activities"] = (12.0 + replicate) if scenario == "b" and replicate < 3 else None
                row["gain_half_life_platform"] = None
                rows.append(row)
    return pd.DataFrame(rows)


def markdown(points: int = 1) -> str:
    parameters = ["helping.rounds"] if points > 1 else []
    summary = summary_table(runs_table(points), parameters, "baseline", SUSTAINABILITY_METRICS)
    point_text = (lambda j: f"helping.rounds={2 + 2 * j}") if points > 1 else None
    return summary_markdown(summary, Labels("en"), "demo", "baseline", 4, point_text)


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the table under a ``### heading`` (the first such)."""
    block = text.split(f"### {heading}\n\n", 1)[1].split("\n\n", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines() if line.startswith("|")]


def test_one_row_per_scenario_named_in_words_and_columns_with_units():
    rows = table_rows(markdown(), "Participation and coverage")
    header, _, *body = rows
    assert header[0] == "Scenario" and "Coverage of need (last 2 years), %" in header
    assert [r[0] for r in body] == ["Baseline", "b"]


def test_collapse_is_a_count_of_runs_not_a_mean():
    header, _, *body = table_rows(markdown(), "Participation and coverage")
    column = header.index("Runs that collapsed")
    assert [r[column] for r in body] == ["0 of 4", "1 of 4"]
    differences = markdown().split("## Paired differences", 1)[1]
    assert "Runs that collapsed" not in differences


def test_values_are_rounded_and_shares_shown_in_per_cent():
    text = markdown()
    assert not re.search(r"\d\.\d{4,}", text)
    assert "nan" not in text.lower()
    header, _, *body = table_rows(text, "Cost")
    assert body[1][1] == "123,457"
    share = table_rows(text, "Participation and coverage")[2][1].split(" ")[0]
    assert 10 <= float(share) <= 60


def test_half_lives_that_do_not_apply_are_na_with_a_footnote_and_columns_never_defined_are_left_out():
    text = markdown()
    header, _, *body = table_rows(text, "How long gains last after interventions end")
    assert header == ["Scenario", "Half-life of the Community activities gain, weeks"]
    assert body[0][1] == "n/a¹" and body[1][1].startswith("13.0 [")
    assert "(3 of 4 runs)²" in body[1][1]
    assert "¹ n/a: undefined in every run" in text and "² Defined in only some runs" in text
    assert "platform" not in text.lower().replace("information platform", "")


def test_a_single_design_point_is_not_mentioned_and_several_are_named_by_their_values():
    assert "design point" not in markdown() and "helping.rounds" not in markdown()
    text = markdown(points=2)
    body = table_rows(text, "Participation and coverage")[2:]
    assert [r[0] for r in body] == [
        "Baseline — helping.rounds=2",
        "Baseline — helping.rounds=4",
        "b — helping.rounds=2",
        "b — helping.rounds=4",
    ]
    assert "one combination of the design's parameter values" in text


def test_numbers_use_a_true_minus_and_never_show_minus_zero():
    assert number(-0.0004, 3) == "0.000" and number(0.0, 3) == "0"
    assert number(-1234.5, 0) == "−1,234"
    assert number(2.5, 1, signed=True) == "+2.5"


def test_half_lives_undefined_in_every_run_are_left_out_with_a_sentence_saying_so():
    runs = runs_table()
    runs["gain_half_life_activities"] = None
    summary = summary_table(runs, [], "baseline", SUSTAINABILITY_METRICS)
    text = summary_markdown(summary, Labels("en"), "demo", "baseline", 4)
    assert "Half-life" not in text and "No gain half-life is shown" in text


def test_latex_tables_count_collapses_mark_na_half_lives_and_leave_out_undefined_ones():
    from sim.report.tables import effects_latex, sustainability_latex

    summary = summary_table(runs_table(), [], "baseline", SUSTAINABILITY_METRICS)
    metrics = list(dict.fromkeys(summary["metric"]))
    text = sustainability_latex(summary, metrics, Labels("en"), 4, None)
    assert "Runs that collapsed" in text and "b & 4 & 1 of 4 & -- & --" in text
    assert "Half-life of the Community activities gain, weeks" in text and "Baseline & 0 & n/a" in text
    assert "platform" not in text.lower()
    assert "Coverage of need (last 2 years), \\%" in text
    effects = effects_latex(summary, metrics, Labels("en"), "baseline", None)
    assert "collapsed" not in effects and "percentage points" in effects


def test_a_sweep_without_successful_runs_gets_a_summary_without_empty_sections():
    runs = runs_table()
    runs["status"] = "failed"
    for metric in SUSTAINABILITY_METRICS:
        runs[metric] = None
    text = summary_markdown(
        summary_table(runs, [], "baseline", SUSTAINABILITY_METRICS), Labels("en"), "demo", "baseline", 4
    )
    assert "0 runs succeeded and 8 failed" in text
    assert "###" not in text and "Paired differences" not in text and "half-life" not in text


def test_coverage_of_need_and_hours_per_giver_are_shown_beside_their_older_kin():
    runs = runs_table()
    runs["mean_coverage_of_need_last2y"] = 0.2
    runs["hours_per_active_giver_per_year"] = 50.0
    metrics = [*SUSTAINABILITY_METRICS, "mean_coverage_of_need_last2y", "hours_per_active_giver_per_year"]
    summary = summary_table(runs, [], "baseline", metrics)
    text = summary_markdown(summary, Labels("en"), "demo", "baseline", 4, None)
    participation = table_rows(text, "Participation and coverage")[0]
    assert "Coverage of need before services (last 2 years), %" in participation
    assert any(
        "Hours of help per resident who gave" in cell
        for row in table_rows(text, "Social capital and wellbeing")
        for cell in row
    )
