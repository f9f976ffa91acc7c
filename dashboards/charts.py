"""The charts: small multiples of weekly metrics, setups A and B overlaid, drawn fast
enough to redraw every frame."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dashboards.figure_png import png_bytes
from sim.submodels.observation import METRICS

SHARE_LIKE = {
    "aware_share",
    "willing_share",
    "member_share",
    "active_share",
    "coverage",
    "unmet_adl_share",
    "generalized_trust",
    "tie_trust",
    "norm_authority",
    "violation_rate",
    "isolated_share",
    "loneliness",
    "lonely_share",
    "belonging",
    "help_gini",
}
"""Metrics that live in [0, 1]: charted on a fixed 0-1 axis, the rest autoscale."""

DEFAULT_CHART_METRICS = (
    "active_share",
    "member_share",
    "coverage",
    "generalized_trust",
    "lonely_share",
    "norm_authority",
)
SETUP_STYLES: dict[str, dict[str, Any]] = {
    "A": {"color": "tab:blue", "linestyle": "-"},
    "B": {"color": "tab:orange", "linestyle": "--"},
}


class ChartPainter:
    """Small multiples of weekly metrics, setups A and B overlaid.

    Drawing six axes with their ticks and labels costs matplotlib more than everything
    else in a frame (benchmarks/results.md, "The dashboard's limits"). So the axes are drawn once into a cached background,
    and a frame restores it, draws only the lines over it and encodes the pixels
    (blitting). The background is redrawn only when an autoscaled metric outgrows
    its axis; shares and trust levels sit on a fixed 0-1 axis and never do."""

    HEADROOM = 1.25  # an autoscaled axis grows to this multiple of the data's range

    def __init__(
        self,
        metrics: Sequence[str],
        horizon: int,
        labels: Mapping[str, str] | None = None,
        width_px: int = 1080,
        dpi: int = 100,
    ):
        unknown = [m for m in metrics if m not in METRICS or m == "week"]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}")
        self.metrics = tuple(metrics)
        labels = labels or {}
        columns = 3
        rows = max(1, math.ceil(len(self.metrics) / columns))
        height = 2.0 * rows + 0.5
        self.figure = Figure(figsize=(width_px / dpi, height), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        # a fixed layout: constrained layout would measure every tick label each frame
        self.figure.subplots_adjust(
            left=0.05, right=0.99, bottom=0.35 / height, top=1 - 0.6 / height, wspace=0.22, hspace=0.45
        )
        axes = self.figure.subplots(rows, columns, squeeze=False).ravel()
        self.lines: dict[tuple[str, str], Line2D] = {}
        self.axes: dict[str, Axes] = {}
        for ax, metric in zip(axes, self.metrics):
            self.axes[metric] = ax
            ax.set_title(metric, fontsize=9)
            ax.set_xlim(0, max(horizon, 1))
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            ax.set_ylim(0.0, 1.0)
            for setup, style in SETUP_STYLES.items():
                (self.lines[metric, setup],) = ax.plot([], [], linewidth=1.5, animated=True, **style)
        for ax in axes[len(self.metrics) :]:
            ax.set_axis_off()
        handles = [
            Line2D([], [], linewidth=1.5, label=labels.get(setup, f"setup {setup}"), **style)
            for setup, style in SETUP_STYLES.items()
            if setup in labels or not labels
        ]
        self.figure.legend(handles=handles, loc="upper center", ncols=len(handles), fontsize=8, frameon=False)
        self._background = None

    def _fit_autoscaled(self) -> None:
        """Widen an autoscaled axis that its data no longer fit (forces a redraw)."""
        for metric, ax in self.axes.items():
            if metric in SHARE_LIKE:
                continue
            ys = [
                np.asarray(ln.get_ydata())
                for (m, _), ln in self.lines.items()
                if m == metric and np.size(ln.get_ydata())
            ]
            if not ys:
                continue
            data_low, data_high = min(float(np.min(y)) for y in ys), max(float(np.max(y)) for y in ys)
            low, high = ax.get_ylim()
            if data_low < low or data_high > high:
                span = max(data_high - min(data_low, 0.0), 1e-9)
                new_low = min(data_low, 0.0) if data_low >= 0 else data_low - (self.HEADROOM - 1) * span
                ax.set_ylim(new_low, new_low + self.HEADROOM * span)
                self._background = None

    def paint(self, weekly: Mapping[str, pd.DataFrame]) -> bytes:
        """The charts as PNG bytes for the weekly tables of the setups present."""
        for (metric, setup), line in self.lines.items():
            frame = weekly.get(setup)
            if frame is None or frame.empty:
                line.set_data([], [])
            else:
                line.set_data(frame["week"].to_numpy(), frame[metric].to_numpy())
        self._fit_autoscaled()
        if self._background is None:
            self.canvas.draw()  # animated lines are left out of the background
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for (metric, _), line in self.lines.items():
            if np.size(line.get_xdata()):
                self.axes[metric].draw_artist(line)
        return png_bytes(self.canvas)
