"""The report's figures, each a :class:`matplotlib.figure.Figure` built from tables.

Every function takes the statistics it draws (from :mod:`sim.report.statistics` or
:mod:`sim.report.sensitivity`), the scenarios in the experiment's order and the
:class:`~sim.report.labels.Labels` of the report's language, and returns the figure
without saving it, so a test can count what is drawn:

- ``timeseries_figure``: one panel per weekly metric; per scenario a line (the mean)
  and a band (its 95% CI);
- ``forest_figure``: one panel per sustainability metric; per non-reference scenario
  one error bar (paired difference from the reference, 95% CI);
- ``equity_figure``: the coverage gap over time (line and band per scenario), and its
  mean over the last two years and the Gini of help received (an error bar per scenario);
- ``cost_figure``: cost per met need-hour against active share and against coverage,
  one error bar (95% CIs on both axes) per scenario;
- ``replicates_figure``: CI half-width and coefficient of variation against the number
  of replicates, a line per scenario;
- ``sobol_figure`` / ``morris_figure``: per output, bars of S1 and ST, or of μ* and σ,
  with their 95% CIs.

Each series carries its scenario's name as its artist label (error-bar containers
too), in the experiment's order. Figures are built without pyplot (no global state,
nothing to close) at a journal's double-column width. Every scenario has its own colour
and its own marker (lines carry the marker too), so the eleven scenarios of the main
comparison are told apart in colour and in grey print: the reference is black, the
others take the Okabe–Ito colour-blind-safe palette and then Paul Tol's muted colours.
Values are shown in their unit (shares as per cent; sim.report.labels.METRIC_UNITS),
named on the axis. A panel whose every value is zero or undefined says nothing and is
not drawn (:func:`informative`).
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.report.fonts import INSTALL_HINT, figure_style
from sim.report.labels import Labels, scale_of
from sim.report.results import ReportError

WIDTH = 7.0
"""Inches: a journal's double-column width (178 mm)."""
REFERENCE_COLOUR = "#000000"
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#882255",
    "#44AA99",
    "#999933",
    "#332288",
    "#AA4499",
    "#DDCC77",
    "#888888",
)
"""Okabe–Ito (without black; its yellow, pale on white, replaced by Tol's sand), then Tol's muted."""
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "p", "h", "*", "d", "H")
LINESTYLES = ("-", "--", ":", "-.")
"""Only beyond ``len(PALETTE)`` scenarios do colours repeat, then with another line style."""
MARKS_PER_LINE = 8
WEEKS_PER_YEAR = 52.0
MONEY_METRICS = ("budget_spent", "cost_per_met_hour")


class Styles:
    """Colour, line style and marker of each scenario, the same in every figure."""

    def __init__(self, scenarios: list[str], reference: str):
        self._style: dict[str, tuple[str, str, str]] = {}
        others = [s for s in scenarios if s != reference]
        self._style[reference] = (REFERENCE_COLOUR, "-", MARKERS[0])
        for i, scenario in enumerate(others):
            self._style[scenario] = (
                PALETTE[i % len(PALETTE)],
                LINESTYLES[i // len(PALETTE) % len(LINESTYLES)],
                MARKERS[(i + 1) % len(MARKERS)],
            )

    def colour(self, scenario: str) -> str:
        return self._style[scenario][0]

    def linestyle(self, scenario: str) -> Any:  # one of matplotlib's line style names
        return self._style[scenario][1]

    def marker(self, scenario: str) -> str:
        return self._style[scenario][2]


def _wrap(text: str, width: int = 30) -> str:
    """A panel title on two or more lines: a parenthesis starts a new line, and long
    lines break (Chinese characters count double)."""
    wide = any(ord(c) >= 0x2E80 for c in text)
    width = width // 2 + 1 if wide else width
    head, opening, tail = text.partition("（" if "（" in text else " (")
    parts = [head, opening.strip() + tail] if opening and len(text) > width else [text]
    return "\n".join(textwrap.fill(part, width) for part in parts)


def _money_axis(axis: Axis, lang: str) -> None:
    """Large amounts of yuan as 1.5M / 20k, or 150万 in Chinese, instead of an offset."""

    def short(value: float, _: int) -> str:
        size = abs(value)
        if lang == "zh" and size >= 1e4:
            return f"{value / 1e4:g}万"
        if size >= 1e6:
            return f"{value / 1e6:g}M"
        if size >= 1e4:
            return f"{value / 1e3:g}k"
        return f"{value:g}"

    axis.set_major_formatter(FuncFormatter(short))


def informative(values: Any) -> bool:
    """Whether a panel of these values shows anything: some value is neither zero nor undefined."""
    values = np.asarray(pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce"), dtype=float)
    return bool((np.isfinite(values) & (values != 0)).any())


def informative_metrics(bands: pd.DataFrame, metrics: list[str]) -> list[str]:
    """The weekly ``metrics`` whose bands show something (not zero throughout)."""
    return [m for m in metrics if informative(bands.loc[bands["metric"] == m, "mean"])]


def forest_metrics(summary: pd.DataFrame, metrics: list[str], reference: str) -> list[str]:
    """The metrics the forest plot has a panel for.

    Left out: ``collapsed`` (a count of runs, reported as such in the tables), metrics
    whose paired differences are all zero or undefined, and money when the reference
    spends none — the "difference" would only repeat each scenario's cost, which the
    cost figure shows as what it is."""
    reference_rows = summary[summary["scenario"] == reference]
    chosen = []
    for metric in metrics:
        if metric == "collapsed":
            continue
        rows = summary[(summary["metric"] == metric) & (summary["scenario"] != reference)]
        if not informative(rows[["difference", "difference_ci_low", "difference_ci_high"]]):
            continue
        if metric in MONEY_METRICS and not informative(reference_rows.loc[reference_rows["metric"] == metric, "mean"]):
            continue
        chosen.append(metric)
    return chosen


def spends(summary: pd.DataFrame) -> bool:
    """Whether some scenario spent money (else the cost figure would be empty)."""
    return informative(summary.loc[summary["metric"] == "budget_spent", "mean"])


def _scaled(data: pd.DataFrame, metric: str, columns: tuple[str, ...] = ("mean", "ci_low", "ci_high")) -> pd.DataFrame:
    """``data`` with ``columns`` in the unit ``metric`` is shown in."""
    factor = scale_of(metric)
    if factor == 1.0:
        return data
    data = data.copy()
    present = [c for c in columns if c in data.columns]
    data[present] = data[present].astype(float) * factor
    return data


def _grid(count: int, columns: int) -> tuple[int, int]:
    columns = min(columns, count)
    return -(-count // columns), columns


def _panels(fig: Figure, count: int, columns: int, sharex: bool = False) -> list[Axes]:
    """``count`` panels in rows of ``columns``; the unused places of the last row hidden."""
    rows, columns = _grid(count, columns)
    axes = fig.subplots(rows, columns, squeeze=False, sharex=sharex).ravel()
    for ax in axes[count:]:
        ax.set_visible(False)
    return list(axes[:count])


def _legend(fig: Figure, scenarios: list[str], styles: Styles, labels: Labels, kind: str = "line") -> None:
    """One legend for the whole figure, below the panels."""
    handles = [
        Line2D(
            [],
            [],
            color=styles.colour(s),
            linestyle=styles.linestyle(s) if kind == "line" else "none",
            marker=styles.marker(s),
            markersize=4,
        )
        for s in scenarios
    ]
    fig.legend(
        handles,
        [labels.scenario(s) for s in scenarios],
        loc="outside lower center",
        ncol=min(len(scenarios), 4),
        frameon=False,
    )


def _title(fig: Figure, title: str, subtitle: str | None) -> None:
    fig.suptitle(title if subtitle is None else f"{title}\n{subtitle}")


def _line_and_band(ax: Axes, data: pd.DataFrame, scenario: str, styles: Styles, offset: int = 0) -> None:
    """The mean as a line marked at ``MARKS_PER_LINE`` places (shifted by ``offset`` so
    that the marks of different scenarios do not sit on top of each other), and its band."""
    years = data["week"].to_numpy(dtype=float) / WEEKS_PER_YEAR
    colour = styles.colour(scenario)
    every = max(1, len(years) // MARKS_PER_LINE)
    ax.plot(
        years,
        data["mean"].to_numpy(dtype=float),
        color=colour,
        linestyle=styles.linestyle(scenario),
        marker=styles.marker(scenario),
        markersize=3,
        markevery=(offset % every, every),
        label=scenario,
    )
    ax.fill_between(
        years,
        data["ci_low"].to_numpy(dtype=float),
        data["ci_high"].to_numpy(dtype=float),
        color=colour,
        alpha=0.18,
        linewidth=0,
        label=scenario,
    )


def timeseries_figure(
    bands: pd.DataFrame,
    metrics: list[str],
    scenarios: list[str],
    reference: str,
    labels: Labels,
    subtitle: str | None = None,
) -> Figure:
    """Mean and 95% CI band over replicates of each weekly metric, per scenario (metrics
    that are zero throughout are left out)."""
    styles = Styles(scenarios, reference)
    metrics = informative_metrics(bands, metrics)
    with figure_style(labels.lang):
        rows, _ = _grid(len(metrics), 3)
        fig = Figure(figsize=(WIDTH, 2.0 * rows + 1.2), layout="constrained")
        for i, (ax, metric) in enumerate(zip(_panels(fig, len(metrics), 3, sharex=True), metrics)):
            of_metric = _scaled(bands[bands["metric"] == metric], metric)
            for k, scenario in enumerate(scenarios):
                _line_and_band(
                    ax, of_metric[of_metric["scenario"] == scenario].sort_values("week"), scenario, styles, k
                )
            ax.set_title(_wrap(labels.weekly(metric)))
            ax.set_ylabel(labels.unit(metric))
            if i + 3 >= len(metrics):
                ax.set_xlabel(labels.text("year"))
        one_run = not (bands["n"] > 1).any()
        _title(fig, labels.text("title_timeseries_one_run" if one_run else "title_timeseries"), subtitle)
        _legend(fig, scenarios, styles, labels)
    return fig


def _dot_with_interval(ax: Axes, position: float, row: pd.Series, scenario: str, styles: Styles) -> None:
    """A horizontal error bar: ``row``'s mean with its 95% CI at height ``position``."""
    ax.errorbar(
        [float(row["mean"])],
        [position],
        xerr=_interval(row),
        fmt=styles.marker(scenario),
        color=styles.colour(scenario),
        capsize=2,
        markersize=4,
        elinewidth=1,
        label=scenario,
    )


def _scenario_axis(ax: Axes, scenarios: list[str], labels: Labels, show: bool) -> None:
    ax.set_yticks(range(len(scenarios)))
    ax.set_yticklabels([labels.scenario(s) for s in scenarios] if show else [])
    ax.set_ylim(len(scenarios) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)


def forest_figure(
    summary: pd.DataFrame,
    metrics: list[str],
    scenarios: list[str],
    reference: str,
    labels: Labels,
    subtitle: str | None = None,
) -> Figure:
    """Each scenario's paired difference from the reference with its 95% CI, per metric.

    ``summary`` is :func:`sim.report.statistics.run_summary` for one design point;
    ``metrics`` are those of :func:`forest_metrics`."""
    styles = Styles(scenarios, reference)
    compared = [s for s in scenarios if s != reference]
    columns = 3
    with figure_style(labels.lang):
        rows, _ = _grid(len(metrics), columns)
        fig = Figure(figsize=(WIDTH, rows * (0.6 + 0.22 * len(compared)) + 0.9), layout="constrained")
        for i, (ax, metric) in enumerate(zip(_panels(fig, len(metrics), columns), metrics)):
            of_metric = _scaled(
                summary[summary["metric"] == metric], metric, ("difference", "difference_ci_low", "difference_ci_high")
            ).set_index("scenario")
            for position, scenario in enumerate(compared):
                row = of_metric.loc[scenario]
                paired = pd.Series(
                    {
                        "mean": row["difference"],
                        "ci_low": row["difference_ci_low"],
                        "ci_high": row["difference_ci_high"],
                    }
                )
                _dot_with_interval(ax, position, paired, scenario, styles)
            ax.axvline(0.0, color="0.4", linewidth=0.8, linestyle="--")
            ax.margins(x=0.08)
            _scenario_axis(ax, compared, labels, show=i % columns == 0)
            ax.set_title(_wrap(labels.run(metric), 24))
            ax.set_xlabel(labels.unit(metric, difference=True))
            if metric in MONEY_METRICS:
                _money_axis(ax.xaxis, labels.lang)
        _title(fig, labels.text("title_forest", reference=labels.scenario(reference)), subtitle)
    return fig


def equity_figure(
    gap_bands: pd.DataFrame | None,
    summary: pd.DataFrame,
    scenarios: list[str],
    reference: str,
    labels: Labels,
    subtitle: str | None = None,
) -> Figure:
    """The coverage gap between the best- and least-connected quarter over time (when
    weekly data exist) and over the last two years, beside the Gini of help received."""
    styles = Styles(scenarios, reference)
    summaries = ["mean_coverage_gap_last2y", "mean_help_gini_last2y"]
    with figure_style(labels.lang):
        fig = Figure(figsize=(WIDTH, 1.2 + 0.22 * len(scenarios) + 1.2), layout="constrained")
        count = len(summaries) + (gap_bands is not None)
        widths = ([1.6] if gap_bands is not None else []) + [1.0] * len(summaries)
        axes = fig.subplots(1, count, gridspec_kw={"width_ratios": widths})
        axes = list(np.atleast_1d(axes))
        if gap_bands is not None:
            over_time = axes.pop(0)
            gap_bands = _scaled(gap_bands, "coverage_gap")
            for k, scenario in enumerate(scenarios):
                _line_and_band(
                    over_time, gap_bands[gap_bands["scenario"] == scenario].sort_values("week"), scenario, styles, k
                )
            over_time.axhline(0.0, color="0.4", linewidth=0.8, linestyle="--")
            over_time.set_title(f"{_wrap(labels.weekly('coverage_gap'), 40)}\n{labels.text('equity_over_time')}")
            over_time.set_xlabel(labels.text("year"))
            over_time.set_ylabel(labels.unit("coverage_gap"))
        for i, (ax, metric) in enumerate(zip(axes, summaries)):
            of_metric = _scaled(summary[summary["metric"] == metric], metric).set_index("scenario")
            for position, scenario in enumerate(scenarios):
                _dot_with_interval(ax, position, of_metric.loc[scenario], scenario, styles)
            if metric == "mean_coverage_gap_last2y":
                ax.axvline(0.0, color="0.4", linewidth=0.8, linestyle="--")
            _scenario_axis(ax, scenarios, labels, show=i == 0)
            ax.set_title(_wrap(labels.run(metric), 24))
            ax.set_xlabel(labels.unit(metric))
        _title(fig, labels.text("title_equity"), subtitle)
        _legend(fig, scenarios, styles, labels)
    return fig


def cost_figure(
    summary: pd.DataFrame, scenarios: list[str], reference: str, labels: Labels, subtitle: str | None = None
) -> Figure:
    """Cost per met need-hour (mean, 95% CI) against mean active share and coverage of
    the last two years (mean, 95% CI), one point per scenario; below them the budget
    each scenario spent. Only for experiments where some scenario spends money
    (:func:`spends`)."""
    styles = Styles(scenarios, reference)
    cost = summary[summary["metric"] == "cost_per_met_hour"].set_index("scenario")
    with figure_style(labels.lang):
        budget_height = 0.5 + 0.2 * len(scenarios)
        fig = Figure(figsize=(WIDTH, 3.2 + budget_height + 0.8), layout="constrained")
        panels = fig.subplot_mosaic([["active", "coverage"], ["budget", "budget"]], height_ratios=[3.2, budget_height])
        axes = [panels["active"], panels["coverage"], panels["budget"]]
        for ax, metric in zip(axes, ("mean_active_share_last2y", "mean_coverage_last2y")):
            of_metric = _scaled(summary[summary["metric"] == metric], metric).set_index("scenario")
            for scenario in scenarios:
                x, y = of_metric.loc[scenario], cost.loc[scenario]
                ax.errorbar(
                    [x["mean"]],
                    [y["mean"]],
                    xerr=_interval(x),
                    yerr=_interval(y),
                    fmt=styles.marker(scenario),
                    color=styles.colour(scenario),
                    capsize=2,
                    markersize=4,
                    elinewidth=1,
                    label=scenario,
                )
            ax.set_xlabel(labels.with_unit(labels.run(metric), metric))
            ax.set_ylabel(labels.with_unit(labels.run("cost_per_met_hour"), "cost_per_met_hour"))
        budget_axis = axes[2]
        budget = summary[summary["metric"] == "budget_spent"].set_index("scenario")
        for position, scenario in enumerate(scenarios):
            _dot_with_interval(budget_axis, position, budget.loc[scenario], scenario, styles)
        _scenario_axis(budget_axis, scenarios, labels, show=True)
        budget_axis.set_title(labels.run("budget_spent"))
        budget_axis.set_xlabel(labels.unit("budget_spent"))
        budget_axis.set_xlim(left=-0.02 * max(float(budget["mean"].max()), 1.0))  # the markers of 0 yuan whole
        _money_axis(budget_axis.xaxis, labels.lang)
        _title(fig, labels.text("title_cost"), subtitle)
        _legend(fig, scenarios, styles, labels, kind="marker")
    return fig


def _interval(row: pd.Series) -> list[list[float]]:
    """Error-bar lengths below and above a mean (0 where the interval is undefined)."""
    mean = float(row["mean"])
    low = mean - float(row["ci_low"]) if pd.notna(row["ci_low"]) else 0.0
    high = float(row["ci_high"]) - mean if pd.notna(row["ci_high"]) else 0.0
    return [[low], [high]]


def replicates_figure(
    precision: pd.DataFrame,
    metrics: list[str],
    scenarios: list[str],
    reference: str,
    labels: Labels,
    subtitle: str | None = None,
) -> Figure:
    """95% CI half-width (top row) and coefficient of variation (bottom row) of each
    metric's mean against the number of replicates, a line per scenario."""
    styles = Styles(scenarios, reference)
    with figure_style(labels.lang):
        fig = Figure(figsize=(WIDTH, 4.4), layout="constrained")
        axes = fig.subplots(2, len(metrics), sharex=True, squeeze=False)
        for column, metric in enumerate(metrics):
            of_metric = _scaled(
                precision[(precision["metric"] == metric) & (precision["replicates"] >= 2)], metric, ("half_width",)
            )
            for row, measure in enumerate(("half_width", "cv")):
                ax = axes[row, column]
                for scenario in scenarios:
                    line = of_metric[of_metric["scenario"] == scenario].sort_values("replicates")
                    ax.plot(
                        line["replicates"],
                        line[measure],
                        color=styles.colour(scenario),
                        linestyle=styles.linestyle(scenario),
                        marker=".",
                        markersize=3,
                        label=scenario,
                    )
                if row == 0:
                    ax.set_title(_wrap(labels.with_unit(labels.run(metric), metric), 24))
                    ax.set_yscale("log")
                else:
                    ax.set_xlabel(labels.text("replicates"))
                    ax.set_ylim(bottom=0)
                if column == 0:
                    ax.set_ylabel(labels.text("half_width_log" if row == 0 else "cv"))
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _title(fig, labels.text("title_replicates"), subtitle)
        _legend(fig, scenarios, styles, labels)
    return fig


def _parameter_bars(
    ax: Axes,
    parameters: list[str],
    values: list[np.ndarray],
    errors: list[np.ndarray | None],
    names: list[str],
    show_names: bool,
) -> None:
    """Horizontal bars of one or more indices per parameter, side by side."""
    height = 0.8 / len(values)
    colours = ("#0072B2", "#E69F00")
    positions = np.arange(len(parameters), dtype=float)
    for k, (value, error, name) in enumerate(zip(values, errors, names)):
        offset = (k - (len(values) - 1) / 2) * height
        ax.barh(
            positions + offset,
            value,
            height=height,
            xerr=error,
            color=colours[k % len(colours)],
            label=name,
            error_kw={"elinewidth": 0.8, "capsize": 1.5},
        )
    ax.set_yticks(positions)
    ax.set_yticklabels(parameters if show_names else [])
    ax.set_ylim(len(parameters) - 0.5, -0.5)
    ax.axvline(0.0, color="0.3", linewidth=0.6)
    ax.grid(axis="y", visible=False)


def _sensitivity_figure(
    indices: pd.DataFrame,
    outputs: list[str],
    labels: Labels,
    title: str,
    bars: tuple[tuple[str, str | None, str], ...],
    xlabel: str,
    in_units: bool,
) -> Figure:
    """Panels of bars per output; ``bars`` are (column, CI half-width column, label key).
    ``in_units``: the bars are in the output's unit (Morris), not shares of variance (Sobol')."""
    parameters = list(dict.fromkeys(indices["parameter"]))
    columns = 2
    with figure_style(labels.lang):
        rows, _ = _grid(len(outputs), columns)
        fig = Figure(figsize=(WIDTH, rows * (0.5 + 0.3 * len(parameters)) + 1.0), layout="constrained")
        for i, (ax, output) in enumerate(zip(_panels(fig, len(outputs), columns), outputs)):
            of_output = indices[indices["output"] == output].set_index("parameter").reindex(parameters)
            if in_units:
                of_output = _scaled(of_output, output, tuple(c for bar in bars for c in bar[:2] if c))
            _parameter_bars(
                ax,
                parameters,
                [of_output[c].to_numpy(dtype=float) for c, _, _ in bars],
                [None if e is None else np.nan_to_num(of_output[e].to_numpy(dtype=float)) for _, e, _ in bars],
                [labels.text(k) for _, _, k in bars],
                show_names=i % columns == 0,
            )
            ax.set_title(
                _wrap(labels.with_unit(labels.run(output), output, difference=True) if in_units else labels.run(output))
            )
            ax.set_xlabel(_wrap(xlabel, 44))
        handles, names = fig.axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncol=len(bars), frameon=False)
        fig.suptitle(title)
    return fig


def sobol_figure(indices: pd.DataFrame, outputs: list[str], scenario: str, labels: Labels) -> Figure:
    """S1 and ST with 95% CIs per parameter, a panel per output (one scenario)."""
    return _sensitivity_figure(
        indices,
        outputs,
        labels,
        labels.text("title_sobol", scenario=labels.scenario(scenario)),
        (("S1", "S1_conf", "first_order"), ("ST", "ST_conf", "total_order")),
        labels.text("sobol_index"),
        in_units=False,
    )


def morris_figure(indices: pd.DataFrame, outputs: list[str], scenario: str, labels: Labels) -> Figure:
    """μ* with its 95% CI and σ per parameter, a panel per output (one scenario)."""
    return _sensitivity_figure(
        indices,
        outputs,
        labels,
        labels.text("title_morris", scenario=labels.scenario(scenario)),
        (("mu_star", "mu_star_conf", "mu_star"), ("sigma", None, "sigma")),
        labels.text("elementary_effect"),
        in_units=True,
    )


def save_figure(fig: Figure, folder: Path, stem: str, formats: list[str], lang: str) -> list[Path]:
    """Write ``folder/stem.<format>`` for each format (PNG at print resolution).

    A character the fonts cannot draw raises instead of leaving an empty box."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with figure_style(lang), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .*missing from font")
        for fmt in formats:
            path = folder / f"{stem}.{fmt}"
            try:
                fig.savefig(path, format=fmt)
            except UserWarning as exc:
                raise ReportError(f"{path.name}: {exc} (install a font that has it, e.g. {INSTALL_HINT})") from None
            paths.append(path)
    return paths
