"""Journal-ready figures: fonts embedded as TrueType in both languages, every scenario
named and told apart, units on every axis, no panel without information.

Uses the small three-scenario sweep of test_report.py (its module fixtures).
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from pdf_fonts import non_truetype_fonts
from test_report import report, require_cjk_font, results  # noqa: F401  (results: module fixture)

from sim.core.metrics import SUSTAINABILITY_METRICS
from sim.report.build import TIMESERIES_METRICS
from sim.report.figures import (
    PALETTE,
    Styles,
    cost_figure,
    equity_figure,
    forest_figure,
    forest_metrics,
    save_figure,
    spends,
    timeseries_figure,
)
from sim.report.fonts import figure_style, rc_params
from sim.report.labels import METRIC_UNITS, RUN, SCENARIOS, WEEKLY, Labels
from sim.report.results import load_results
from sim.report.statistics import run_summary, weekly_bands

COMPARE_INTERVENTIONS = [
    "baseline",
    "activities",
    "platform",
    "supervision",
    "norm_revision",
    "infrastructure",
    "targeted_support",
    "time_bank",
    "incentives",
    "professional_services",
    "full_package",
]


@pytest.fixture(scope="module")
def loaded(results):  # noqa: F811
    data = load_results(results)
    return data, run_summary(data.runs, data.parameters, data.reference)


def visible_axes(fig: Figure):
    return [ax for ax in fig.axes if ax.get_visible()]


# -- fonts -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_figures_embed_every_font_as_truetype(lang, tmp_path):
    if lang == "zh":
        require_cjk_font()
    labels = Labels(lang)
    with figure_style(lang):
        fig = Figure(figsize=(3, 2))
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_title(labels.run("mean_generalized_trust_last2y") + " μ −0.5")
        ax.set_xlabel(labels.text("year"))
    path = save_figure(fig, tmp_path, "fonts", ["pdf"], lang)[0]
    assert non_truetype_fonts(path) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_pdf_figure_of_a_report_embeds_only_truetype_fonts(results, tmp_path, lang):  # noqa: F811
    if lang == "zh":
        require_cjk_font()
    assert report(results, "--lang", lang, "--formats", "pdf", "--out", str(tmp_path), "--quiet") == 0
    pdfs = sorted((tmp_path / f"report-{lang}" / "figures").glob("*.pdf"))
    assert len(pdfs) == 5
    assert {pdf.name: non_truetype_fonts(pdf) for pdf in pdfs} == {pdf.name: [] for pdf in pdfs}


def test_postscript_and_pdf_fonts_are_truetype_in_the_report_style():
    style = rc_params("en")
    assert style["pdf.fonttype"] == 42 and style["ps.fonttype"] == 42


# -- names and styles ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_shipped_scenario_has_a_name_that_is_not_its_id(lang):
    labels = Labels(lang)
    for scenario in [
        *COMPARE_INTERVENTIONS,
        "new_estate",
        "old_estate",
        "rural_village",
        "defaults",
        "stable_funding",
        "project_3y",
        "higher_trust",
    ]:
        assert scenario in SCENARIOS
        name = labels.scenario(scenario)
        assert name != scenario and "_" not in name


def test_english_legends_name_scenarios_not_ids(loaded):
    data, summary = loaded
    fig = cost_figure(summary, data.scenarios, data.reference, Labels("en"))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["New estate", "Higher initial trust", "Community activities"]


def test_eleven_scenarios_each_get_their_own_colour_and_marker():
    styles = Styles(COMPARE_INTERVENTIONS, "baseline")
    colours = [styles.colour(s) for s in COMPARE_INTERVENTIONS]
    markers = [styles.marker(s) for s in COMPARE_INTERVENTIONS]
    assert len(set(colours)) == len(COMPARE_INTERVENTIONS)
    assert len(set(markers)) == len(COMPARE_INTERVENTIONS)
    assert len(PALETTE) >= len(COMPARE_INTERVENTIONS) - 1


def test_lines_carry_their_scenarios_marker(loaded):
    data, _ = loaded
    bands = weekly_bands(data.weekly(list(TIMESERIES_METRICS)), list(TIMESERIES_METRICS))
    fig = timeseries_figure(bands, list(TIMESERIES_METRICS), data.scenarios, data.reference, Labels("en"))
    styles = Styles(data.scenarios, data.reference)
    for ax in visible_axes(fig):
        assert [line.get_marker() for line in ax.lines if not line.get_label().startswith("_")] == [
            styles.marker(s) for s in data.scenarios
        ]


# -- units and panels ----------------------------------------------------------------------------


def test_every_metric_has_a_unit():
    assert not [m for m in [*WEEKLY, *RUN] if m not in METRIC_UNITS]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_axis_with_values_names_its_unit(loaded, lang):
    if lang == "zh":
        require_cjk_font()
    data, summary = loaded
    labels = Labels(lang)
    bands = weekly_bands(data.weekly([*TIMESERIES_METRICS, "coverage_gap"]), [*TIMESERIES_METRICS, "coverage_gap"])
    timeseries = timeseries_figure(bands, list(TIMESERIES_METRICS), data.scenarios, data.reference, labels)
    for ax, metric in zip(visible_axes(timeseries), TIMESERIES_METRICS):
        assert ax.get_ylabel() == labels.unit(metric)
    forest = forest_figure(
        summary,
        forest_metrics(summary, list(SUSTAINABILITY_METRICS), data.reference),
        data.scenarios,
        data.reference,
        labels,
    )
    gap = bands[bands["metric"] == "coverage_gap"]
    for fig in (
        forest,
        equity_figure(gap, summary, data.scenarios, data.reference, labels),
        cost_figure(summary, data.scenarios, data.reference, labels),
    ):
        for ax in visible_axes(fig):
            assert ax.get_xlabel(), ax.get_title()


def test_shares_are_drawn_in_per_cent(loaded):
    data, _ = loaded
    bands = weekly_bands(data.weekly(["active_share"]), ["active_share"])
    fig = timeseries_figure(bands, ["active_share"], data.scenarios, data.reference, Labels("en"))
    drawn = np.concatenate([line.get_ydata() for line in visible_axes(fig)[0].lines])
    assert np.nanmax(drawn) == pytest.approx(100 * bands["mean"].max())


def test_the_forest_plot_has_no_panel_for_collapse_or_for_money_when_the_reference_spends_nothing(loaded):
    data, summary = loaded
    chosen = forest_metrics(summary, list(SUSTAINABILITY_METRICS), data.reference)
    assert "collapsed" not in chosen
    assert not {"budget_spent", "cost_per_met_hour"} & set(chosen)
    assert {"mean_active_share_last2y", "mean_coverage_last2y"} <= set(chosen)
    for ax in visible_axes(forest_figure(summary, chosen, data.scenarios, data.reference, Labels("en"))):
        values = np.concatenate([c.lines[0].get_xdata() for c in ax.containers])
        assert (values != 0).any()


def test_money_gets_a_forest_panel_when_the_reference_spends(loaded):
    data, _ = loaded
    summary = run_summary(data.runs, data.parameters, "activities")
    chosen = forest_metrics(summary, list(SUSTAINABILITY_METRICS), "activities")
    assert "budget_spent" in chosen


def test_no_cost_figure_is_drawn_when_nobody_spends(results, tmp_path):  # noqa: F811
    runs = pd.read_parquet(results / "runs.parquet")
    nobody = run_summary(runs[runs["scenario"] != "activities"], [], "new_estate")
    assert not spends(nobody)
    assert spends(run_summary(runs, [], "new_estate"))
    copy = tmp_path / "no_money"
    shutil.copytree(results, copy, ignore=shutil.ignore_patterns("report-*"))
    runs.loc[:, "budget_spent"] = 0.0
    runs.loc[:, "cost_per_met_hour"] = 0.0
    runs.to_parquet(copy / "runs.parquet")
    assert report(copy, "--formats", "png") == 0
    folder = copy / "report-en"
    assert not (folder / "figures" / "cost.png").exists()
    assert "No scenario spent money" in (folder / "README.md").read_text(encoding="utf-8")
