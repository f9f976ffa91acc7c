"""Reports for papers: every figure and table is written, draws one series per
scenario, and says the same in English and Chinese; the sensitivity analysis mirrors
the sweep's sampling and recovers known indices; bad input is one line, exit 2.

A small sweep (three scenarios, three replicates, a short horizon) runs once per module
in this process; so do a tiny Sobol' and a tiny Morris sweep.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.container import BarContainer
from PIL import Image
from scipy import stats
from test_docs import sustainability_keys

from sim.cli import main
from sim.core.metrics import SUSTAINABILITY_METRICS
from sim.report import fonts
from sim.report.build import TIMESERIES_METRICS
from sim.report.figures import (
    cost_figure,
    equity_figure,
    forest_figure,
    morris_figure,
    replicates_figure,
    save_figure,
    sobol_figure,
    timeseries_figure,
)
from sim.report.labels import RUN, SCENARIOS, TEXT, UNITS, WEEKLY, Labels
from sim.report.results import load_results
from sim.report.sensitivity import (
    analyse,
    design_matrix,
    morris_indices,
    outputs_by_point,
    sobol_indices,
)
from sim.report.statistics import PRECISION_METRICS, replicate_precision, run_summary, weekly_bands
from sim.report.tables import latex_escape, number
from sim.submodels.observation import METRICS

ROOT = Path(__file__).resolve().parents[1]
NEW_ESTATE = ROOT / "scenarios" / "new_estate.toml"
ACTIVITIES = ROOT / "scenarios" / "interventions" / "activities.toml"
SCENARIO_NAMES = ["new_estate", "higher_trust", "activities"]
FORMATS = ["pdf", "png", "svg"]
FIGURES = ["timeseries", "forest", "equity", "cost", "replicates"]
"""The fixture's activities scenario spends money, so there is a cost figure."""
REPLICATES = 3

ISHIGAMI_FIRST = (0.3139, 0.4424, 0.0)
ISHIGAMI_TOTAL = (0.5576, 0.4424, 0.2437)


def sweep(experiment: Path, out: Path) -> None:
    assert main(["sweep", str(experiment), "--workers", "1", "--out", str(out), "--quiet"]) == 0


def report(results: Path, *options: str) -> int:
    return main(["report", str(results), *options])


def require_cjk_font() -> str:
    """The CJK font, or skip — but in CI (which installs fonts-noto-cjk through
    .ci/setup_browser.sh) a missing font fails."""
    try:
        return fonts.cjk_font()
    except fonts.MissingFontError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a CJK font: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """Three scenarios (one with a costed intervention) × 3 replicates, swept in process."""
    folder = tmp_path_factory.mktemp("report")
    experiment = folder / "compare.toml"
    experiment.write_text(
        f'''
name = "compare"
reference = "new_estate"
replicates = {REPLICATES}
root_seed = 11
weeks = 40
residents = 120
[[scenarios]]
name = "new_estate"
file = "{NEW_ESTATE}"
[[scenarios]]
name = "higher_trust"
file = "{NEW_ESTATE}"
set = ["trust.initial_generalized_mean=0.6"]
[[scenarios]]
name = "activities"
file = "{ACTIVITIES}"
''',
        encoding="utf-8",
    )
    sweep(experiment, folder / "results")
    return folder / "results"


@pytest.fixture(scope="module")
def english(results) -> Path:
    assert report(results, "--formats", ",".join(FORMATS)) == 0
    return results / "report-en"


@pytest.fixture(scope="module")
def chinese(results) -> Path:
    require_cjk_font()
    assert report(results, "--lang", "zh", "--formats", "png") == 0
    return results / "report-zh"


def sensitivity_experiment(folder: Path, design: str, replicates: int = 1) -> Path:
    path = folder / "sensitivity.toml"
    path.write_text(
        f'''
name = "sensitivity"
replicates = {replicates}
root_seed = 5
weeks = 26
residents = 80
[[scenarios]]
name = "new_estate"
file = "{NEW_ESTATE}"
[design]
{design}
[design.bounds]
"trust.gossip_rate" = [0.05, 0.3]
"helping.rounds" = [2, 5]
[store]
weekly_every = 0
''',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def sobol_results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sobol")
    sweep(
        sensitivity_experiment(folder, 'kind = "sobol"\nN = 4\ncalc_second_order = false', replicates=2),
        folder / "results",
    )
    return folder / "results"


@pytest.fixture(scope="module")
def morris_results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("morris")
    sweep(sensitivity_experiment(folder, 'kind = "morris"\ntrajectories = 3\nlevels = 4'), folder / "results")
    return folder / "results"


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def bar_groups(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def series(artists) -> list[str]:
    """Labels of the artists that stand for a scenario (helper lines have private labels)."""
    return [a.get_label() for a in artists if not a.get_label().startswith("_")]


# -- the report folder ------------------------------------------------------------------


@pytest.mark.parametrize("figure", FIGURES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_figure_is_written_in_every_requested_format_and_is_not_empty(english, figure, fmt):
    path = english / "figures" / f"{figure}.{fmt}"
    assert path.is_file() and path.stat().st_size > 5_000


def test_png_figures_are_at_print_resolution(english):
    for path in (english / "figures").glob("*.png"):
        dpi = Image.open(path).info["dpi"]
        assert min(dpi) >= 299.9, f"{path.name}: {dpi}"


def test_the_report_folder_holds_provenance_the_model_docs_and_an_index_of_every_file(english, results):
    provenance = json.loads((english / "provenance.json").read_text(encoding="utf-8"))
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert provenance["experiment"] == manifest["experiment"]
    assert provenance["sweep"]["provenance"] == manifest["provenance"]
    assert {"versions", "git_commit", "command", "created", "language"} <= set(provenance["report"])
    for name in ("odd.md", "parameters.md"):
        assert (english / name).read_bytes() == (ROOT / "docs" / name).read_bytes()
    index = (english / "README.md").read_text(encoding="utf-8")
    for path in english.rglob("*"):
        if path.is_file():
            relative = path.relative_to(english).as_posix()
            listed = relative if path.parent.name != "figures" else f"figures/{path.stem}.{{{','.join(FORMATS)}}}"
            assert f"`{listed}`" in index, f"README.md does not list {relative}"


def test_sustainability_table_has_a_row_per_scenario_and_metric_with_mean_sd_and_ci(english):
    table = pd.read_csv(english / "tables" / "sustainability.csv")
    metrics = table["metric"].unique()
    assert set(SUSTAINABILITY_METRICS) <= set(metrics)
    assert len(table) == len(SCENARIO_NAMES) * len(metrics)
    assert list(table["scenario"].unique()) == SCENARIO_NAMES
    assert {"n", "mean", "sd", "ci_low", "ci_high", "metric_label", "scenario_label"} <= set(table.columns)
    assert (table.loc[table["metric"] == "mean_active_share_last2y", "n"] == REPLICATES).all()


def test_summary_statistics_agree_with_the_sweeps_summary_csv(english, results):
    ours = pd.read_csv(english / "tables" / "sustainability.csv")
    sweeps = pd.read_csv(results / "summary.csv")
    merged = sweeps.merge(ours, on=["scenario", "point", "metric"], suffixes=("", "_report"))
    assert len(merged) == len(sweeps)
    for column in ("mean", "sd", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_report"], equal_nan=True)


def test_effects_table_has_a_row_per_compared_scenario_and_metric(english):
    table = pd.read_csv(english / "tables" / "effects.csv")
    assert list(table["scenario"].unique()) == SCENARIO_NAMES[1:]
    assert len(table) == (len(SCENARIO_NAMES) - 1) * table["metric"].nunique()
    assert (table.loc[table["metric"] == "persistence", "n_pairs"] == REPLICATES).all()


def test_replicates_table_has_every_number_of_replicates_for_each_scenario_and_main_metric(english):
    table = pd.read_csv(english / "tables" / "replicates.csv")
    assert len(table) == len(SCENARIO_NAMES) * len(PRECISION_METRICS) * REPLICATES
    assert sorted(table["replicates"].unique()) == list(range(1, REPLICATES + 1))


def test_runs_table_has_every_run_with_its_seed(english, results):
    table = pd.read_csv(english / "tables" / "runs.csv")
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert list(table["run_id"]) == [run["run_id"] for run in manifest["runs"]]
    assert list(table["seed"]) == [run["seed"] for run in manifest["runs"]]


@pytest.mark.parametrize("stem", ["sustainability", "effects", "replicates"])
def test_latex_tables_are_booktabs_longtables_with_a_heading_per_metric_and_a_row_per_scenario(english, stem):
    text = (english / "tables" / f"{stem}.tex").read_text(encoding="utf-8")
    csv = pd.read_csv(english / "tables" / f"{stem}.csv")
    assert text.count(r"\begin{longtable}") == 1 and text.count(r"\end{longtable}") == 1
    assert all(rule in text for rule in (r"\toprule", r"\midrule", r"\bottomrule"))
    headings = text.count(r"\multicolumn")
    counts = "n_pairs" if stem == "effects" else "n"
    defined = set(csv.loc[csv[counts] > 0, "metric"]) - ({"collapsed"} if stem == "effects" else set())
    assert headings == len(defined)
    body = text.split(r"\endfoot")[1]
    rows = [line for line in body.splitlines() if line.endswith(r"\\") and r"\multicolumn" not in line]
    per_metric = len(SCENARIO_NAMES) - (stem == "effects")
    assert len(rows) == headings * per_metric
    assert "New estate" in text or stem == "effects"


def test_latex_cells_escape_tex_specials_and_never_show_minus_zero():
    assert latex_escape("a_b & 50% #1 {x}") == r"a\_b \& 50\% \#1 \{x\}"
    assert number(-0.0001, 3) == "0.000"
    assert number(-0.25, 2) == "$-$0.25"
    assert number(1234567.0, 0) == "1{,}234{,}567"


def test_a_grid_design_gets_each_comparison_once_per_design_point(tmp_path):
    experiment = tmp_path / "grid.toml"
    experiment.write_text(
        f'''
name = "grid"
reference = "a"
replicates = 2
root_seed = 3
weeks = 26
residents = 80
[[scenarios]]
name = "a"
file = "{NEW_ESTATE}"
[[scenarios]]
name = "b"
file = "{NEW_ESTATE}"
set = ["trust.initial_generalized_mean=0.6"]
[design]
kind = "grid"
[design.levels]
"helping.rounds" = [2, 4]
''',
        encoding="utf-8",
    )
    sweep(experiment, tmp_path / "results")
    assert report(tmp_path / "results", "--formats", "png") == 0
    folder = tmp_path / "results" / "report-en"
    for point in (0, 1):
        for figure in ("timeseries", "forest", "equity"):
            assert (folder / "figures" / f"{figure}-p{point}.png").is_file()
    table = pd.read_csv(folder / "tables" / "sustainability.csv")
    assert set(zip(table["scenario"], table["helping.rounds"])) == {("a", 2), ("a", 4), ("b", 2), ("b", 4)}
    assert "helping.rounds=4" in (folder / "tables" / "sustainability.tex").read_text(encoding="utf-8")
    index = (folder / "README.md").read_text(encoding="utf-8")
    assert "`figures/forest-p1.png`" in index and "at least 3 replicates" in index
    assert not list((folder / "figures").glob("cost*")) and "No scenario spent money" in index


# -- figures draw one series per scenario -----------------------------------------------


@pytest.fixture(scope="module")
def loaded(results):
    data = load_results(results)
    summary = run_summary(data.runs, data.parameters, data.reference)
    return data, summary


def test_timeseries_draws_a_mean_line_and_a_ci_band_per_scenario_in_every_panel(loaded):
    data, _ = loaded
    bands = weekly_bands(data.weekly(list(TIMESERIES_METRICS)), list(TIMESERIES_METRICS))
    fig = timeseries_figure(bands, list(TIMESERIES_METRICS), data.scenarios, data.reference, Labels("en"))
    axes = visible_axes(fig)
    assert len(axes) == len(TIMESERIES_METRICS)
    for ax in axes:
        assert series(ax.lines) == SCENARIO_NAMES
        assert series(ax.collections) == SCENARIO_NAMES


def test_ci_bands_are_t_intervals_over_replicates_week_by_week(loaded):
    data, _ = loaded
    weekly = data.weekly(["active_share"])
    bands = weekly_bands(weekly, ["active_share"])
    week = weekly[(weekly["scenario"] == "activities") & (weekly["week"] == 20)]["active_share"].to_numpy()
    row = bands[(bands["scenario"] == "activities") & (bands["week"] == 20)].iloc[0]
    half = stats.t.ppf(0.975, len(week) - 1) * week.std(ddof=1) / np.sqrt(len(week))
    assert row["n"] == REPLICATES
    assert row["ci_low"] == pytest.approx(week.mean() - half)
    assert row["ci_high"] == pytest.approx(week.mean() + half)


def test_forest_plot_has_one_interval_per_compared_scenario_for_each_sustainability_metric(loaded):
    data, summary = loaded
    fig = forest_figure(summary, list(SUSTAINABILITY_METRICS), data.scenarios, data.reference, Labels("en"))
    axes = visible_axes(fig)
    assert len(axes) == len(SUSTAINABILITY_METRICS)
    for ax in axes:
        assert series(ax.containers) == SCENARIO_NAMES[1:]


def test_equity_figure_shows_the_gap_over_time_and_an_interval_per_scenario(loaded):
    data, summary = loaded
    gap = weekly_bands(data.weekly(["coverage_gap"]), ["coverage_gap"])
    fig = equity_figure(gap, summary, data.scenarios, data.reference, Labels("en"))
    over_time, *dots = visible_axes(fig)
    assert series(over_time.lines) == SCENARIO_NAMES and series(over_time.collections) == SCENARIO_NAMES
    assert len(dots) == 2
    for ax in dots:
        assert series(ax.containers) == SCENARIO_NAMES


def test_cost_figure_has_one_point_with_both_intervals_per_scenario_and_each_scenarios_budget(loaded):
    data, summary = loaded
    fig = cost_figure(summary, data.scenarios, data.reference, Labels("en"))
    *scatter, budget = visible_axes(fig)
    for ax in scatter:
        assert series(ax.containers) == SCENARIO_NAMES
        assert all(container.has_xerr and container.has_yerr for container in ax.containers)
    assert series(budget.containers) == SCENARIO_NAMES


def test_replicates_figure_has_a_line_per_scenario_for_half_width_and_cv_of_each_main_metric(loaded):
    data, _ = loaded
    precision = replicate_precision(data.ok, data.reference)
    fig = replicates_figure(precision, list(PRECISION_METRICS), data.scenarios, data.reference, Labels("en"))
    axes = visible_axes(fig)
    assert len(axes) == 2 * len(PRECISION_METRICS)
    for ax in axes:
        assert series(ax.lines) == SCENARIO_NAMES


def test_replicate_precision_takes_the_first_n_replicates_in_seed_order():
    values = {0: 1.0, 1: 2.0, 2: 3.0, 3: 10.0}
    ok = pd.DataFrame(
        {"scenario": "a", "point": 0, "replicate": [3, 1, 0, 2], "persistence": [values[k] for k in (3, 1, 0, 2)]}
    )
    precision = replicate_precision(ok, "a", ("persistence",)).set_index("replicates")
    assert precision.loc[3, "mean"] == pytest.approx(2.0)
    assert precision.loc[3, "half_width"] == pytest.approx(stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3))
    assert precision.loc[3, "cv"] == pytest.approx(0.5)
    assert np.isnan(precision.loc[1, "half_width"])


# -- sensitivity ----------------------------------------------------------------------------


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_pipeline_recovers_the_ishigami_indices():
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    design = {"kind": "sobol", "N": 1024, "calc_second_order": False}
    x = design_matrix(design, problem, seed=1)
    first, _ = sobol_indices(problem, ishigami(x), calc_second_order=False)
    np.testing.assert_allclose(first["S1"], ISHIGAMI_FIRST, atol=0.03)
    np.testing.assert_allclose(first["ST"], ISHIGAMI_TOTAL, atol=0.03)
    total = np.array(ISHIGAMI_TOTAL)
    assert ((first["ST_low"].to_numpy() <= total) & (total <= first["ST_high"].to_numpy())).all()


def test_morris_pipeline_gives_a_linear_models_coefficients_times_their_ranges():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0], [0.0, 1.0], [0.0, 2.0]]}
    design = {"kind": "morris", "trajectories": 10, "levels": 4}
    x = design_matrix(design, problem, seed=3)
    table = morris_indices(problem, x, 3.0 * x[:, 0] - 2.0 * x[:, 2], levels=4)
    np.testing.assert_allclose(table["mu_star"], [3.0, 0.0, 4.0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)


def test_outputs_are_matched_to_sample_rows_by_design_point_and_averaged_over_replicates():
    ok = pd.DataFrame(
        {"point": [2, 0, 1, 0, 2, 1], "replicate": [0, 1, 0, 0, 1, 1], "persistence": [5.0, 1.0, 3.0, 2.0, 6.0, 4.0]}
    )
    np.testing.assert_allclose(outputs_by_point(ok, 3, "persistence"), [1.5, 3.5, 5.5])


def test_a_sobol_sweep_is_analysed_from_its_own_problem_and_reported(sobol_results):
    analysis = analyse(load_results(sobol_results))
    assert analysis.kind == "sobol"
    assert set(analysis.indices["parameter"]) == {"trust.gossip_rate", "helping.rounds"}
    assert {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"} <= set(analysis.indices.columns)
    assert report(sobol_results, "--formats", "png") == 0
    folder = sobol_results / "report-en"
    assert (folder / "figures" / "sobol-new_estate.png").stat().st_size > 5_000
    for name in ("sensitivity-sobol.csv", "sensitivity-sobol.tex", "sensitivity-outputs.csv"):
        assert (folder / "tables" / name).is_file()
    outputs = pd.read_csv(folder / "tables" / "sensitivity-outputs.csv")
    assert (outputs["replicates_per_point"] == 2).all()


def test_sobol_figure_draws_s1_and_st_bars_with_intervals_for_every_parameter(sobol_results):
    analysis = analyse(load_results(sobol_results))
    outputs = list(analysis.indices["output"].unique())[:2]
    fig = sobol_figure(analysis.indices, outputs, "new_estate", Labels("en"))
    for ax in visible_axes(fig):
        assert series(bar_groups(ax)) == ["First-order S1", "Total-order ST"]
        assert all(len(bars) == 2 and bars.errorbar is not None for bars in bar_groups(ax))


def test_a_morris_sweep_gives_mu_star_with_its_interval_and_sigma(morris_results):
    analysis = analyse(load_results(morris_results))
    assert analysis.kind == "morris"
    assert {"mu_star", "mu_star_low", "mu_star_high", "sigma"} <= set(analysis.indices.columns)
    fig = morris_figure(analysis.indices, list(analysis.indices["output"].unique())[:2], "new_estate", Labels("en"))
    for ax in visible_axes(fig):
        mu_star, sigma = bar_groups(ax)
        assert mu_star.errorbar is not None and sigma.errorbar is None
        assert len(mu_star) == len(sigma) == 2
    assert report(morris_results, "--formats", "pdf") == 0
    assert (morris_results / "report-en" / "figures" / "morris-new_estate.pdf").stat().st_size > 5_000


def test_a_design_that_no_longer_matches_its_points_is_refused(morris_results, tmp_path, capsys):
    copy = tmp_path / "tampered"
    shutil.copytree(morris_results, copy, ignore=shutil.ignore_patterns("report-*"))
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["experiment"]["design"]["points"][0]["trust.gossip_rate"] += 0.01
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert report(copy) == 2
    assert "cannot be reproduced" in capsys.readouterr().err


# -- Chinese ---------------------------------------------------------------------------------


def test_every_label_has_an_english_and_a_chinese_text():
    for table in (WEEKLY, RUN, SCENARIOS, UNITS, TEXT):
        for key, entry in table.items():
            assert set(entry) == {"en", "zh"} and all(entry.values()), key


def test_every_weekly_and_per_run_metric_has_a_label():
    assert not [m for m in METRICS if m not in WEEKLY]
    assert not [
        k for k in sustainability_keys() if k not in RUN and not k.startswith(("gain_half_life_", "stop_week_"))
    ]


def test_chinese_figures_render_every_label_without_missing_glyphs(loaded, tmp_path):
    require_cjk_font()
    data, summary = loaded
    labels = Labels("zh")
    bands = weekly_bands(data.weekly(list(TIMESERIES_METRICS)), list(TIMESERIES_METRICS))
    drawn = [
        timeseries_figure(bands, list(TIMESERIES_METRICS), data.scenarios, data.reference, labels),
        forest_figure(summary, list(SUSTAINABILITY_METRICS), data.scenarios, data.reference, labels),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i, fig in enumerate(drawn):
            save_figure(fig, tmp_path, f"zh{i}", ["png", "pdf", "svg"], "zh")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing
    assert "社会信任" in [ax.get_title() for ax in drawn[0].axes]


def test_chinese_report_has_chinese_titles_tables_and_index(chinese):
    assert (chinese / "figures" / "timeseries.png").stat().st_size > 5_000
    table = pd.read_csv(chinese / "tables" / "sustainability.csv")
    assert "活跃参与比例（最后两年）" in set(table["metric_label"])
    assert "情景" in (chinese / "tables" / "sustainability.tex").read_text(encoding="utf-8")
    assert "报告" in (chinese / "README.md").read_text(encoding="utf-8")


def test_a_cjk_font_missing_from_matplotlibs_cached_font_list_is_found_on_the_system(monkeypatch):
    require_cjk_font()
    cached = [
        entry
        for entry in font_manager.fontManager.ttflist
        if entry.name not in fonts.CJK_FAMILIES and "CJK" not in entry.name
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", list(cached))
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font()
        assert len(font_manager.fontManager.ttflist) > len(cached)
    finally:
        fonts.cjk_font.cache_clear()


def test_chinese_without_a_cjk_font_is_one_line_saying_how_to_install_one(results, monkeypatch, capsys):
    monkeypatch.setattr(fonts, "_candidates", lambda: [])
    monkeypatch.setattr(fonts, "_add_uncached_system_fonts", lambda: None)
    fonts.cjk_font.cache_clear()
    try:
        assert report(results, "--lang", "zh") == 2
    finally:
        fonts.cjk_font.cache_clear()
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "sudo apt-get install fonts-noto-cjk" in err


# -- bad input ---------------------------------------------------------------------------------


def failed_copy(results: Path, folder: Path) -> Path:
    """The results folder with every run marked failed."""
    copy = folder / "all_failed"
    shutil.copytree(results, copy, ignore=shutil.ignore_patterns("report-*"))
    runs = pd.read_parquet(copy / "runs.parquet")
    runs["status"] = "failed"
    runs.to_parquet(copy / "runs.parquet")
    return copy


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing", "no such folder"),
        ("empty", "not a results folder"),
        ("not_json", "cannot be read as JSON"),
        ("all_failed", "no successful runs"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(case, expected, results, tmp_path, capsys):
    target = tmp_path / case
    if case == "empty":
        target.mkdir()
    elif case == "not_json":
        target.mkdir()
        (target / "manifest.json").write_text("{not json", encoding="utf-8")
    elif case == "all_failed":
        target = failed_copy(results, tmp_path)
    assert report(target) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and expected in err
    assert "Traceback" not in err
    assert not (target / "report-en").exists()


def test_an_unknown_language_or_format_is_refused_by_the_parser(results, capsys):
    with pytest.raises(SystemExit) as exit_info:
        report(results, "--lang", "fr")
    assert exit_info.value.code == 2
    assert "--lang must be one or more of en, zh" in capsys.readouterr().err
