"""The network image: ties shaded by strength, residents coloured by a state, the
selected resident outlined; made once per layout and only updated each frame, and
mapping a click on the image back to a resident."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from dashboards.colouring import PARTICIPATION, PARTICIPATION_COLOURS, colour_scale, node_colours
from dashboards.figure_png import png_bytes
from sim.core.model import CommunityModel
from sim.core.params import Scenario


class NetworkPainter:
    """The network figure of one community layout, drawn again each frame.

    The figure, its axes and artists are made once; a frame only replaces the tie
    segments and node colours and saves a PNG. The figure has a fixed size and no
    tight bounding box, so a click's position on the image maps back to a node."""

    TITLE_PX, KEY_PX = 30, 64  # strips above and below the network

    def __init__(self, positions: np.ndarray, width_px: int = 720, dpi: int = 100):
        self.positions = positions
        pad = 0.6
        low, high = positions.min(axis=0) - pad, positions.max(axis=0) + pad
        # the figure takes the layout's aspect, so the network fills its width
        network_px = float(np.clip(width_px * (high[1] - low[1]) / (high[0] - low[0]), 200, 1000))
        height_px = network_px + self.TITLE_PX + self.KEY_PX
        self.figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.add_axes((0.01, self.KEY_PX / height_px, 0.98, network_px / height_px))
        self.key_axes = self.figure.add_axes((0.25, 38 / height_px, 0.5, 10 / height_px))
        self.axes.set_xlim(low[0], high[0])
        self.axes.set_ylim(low[1], high[1])
        ax = self.axes
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="box")
        self.node_area = float(np.clip(14_000 / max(len(positions), 1), 2.0, 60.0))
        self.ties = LineCollection([], linewidths=0.5, zorder=1)
        ax.add_collection(self.ties)
        self.focus_ties = LineCollection([], linewidths=1.6, colors=[(0.1, 0.1, 0.1, 0.9)], zorder=3)
        ax.add_collection(self.focus_ties)
        self.nodes = ax.scatter(positions[:, 0], positions[:, 1], s=self.node_area, linewidths=0, zorder=2)
        self.focus = ax.scatter(
            [], [], s=self.node_area * 6, facecolors="none", edgecolors="black", linewidths=1.8, zorder=4
        )
        self.title = ax.set_title("", fontsize=10)
        self._state: str | None = None
        self._legend: Legend | None = None
        self._display: np.ndarray | None = None

    def _draw_key(self, state: str, scenario: Scenario) -> None:
        """Colour bar or category legend; redrawn only when the state changes."""
        if self._legend is not None:
            self._legend.remove()
            self._legend = None
        cax = self.key_axes
        cax.clear()
        scale = colour_scale(state, scenario)
        if scale is None:
            cax.set_axis_off()
            handles = [
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=6,
                    markerfacecolor=tuple(c),
                    markeredgewidth=0,
                    label=label,
                )
                for c, label in zip(PARTICIPATION_COLOURS, PARTICIPATION)
            ]
            self._legend = self.figure.legend(
                handles=handles,
                loc="lower center",
                ncols=len(handles),
                fontsize=8,
                frameon=False,
                bbox_to_anchor=(0.5, 0.0),
            )
        else:
            cax.set_axis_on()
            mappable = ScalarMappable(Normalize(scale.low, scale.high), colormaps[scale.cmap])
            bar = self.figure.colorbar(mappable, cax=cax, orientation="horizontal")
            bar.set_label(scale.label, fontsize=8)
            bar.ax.tick_params(labelsize=7)
        self._state = state

    def paint(self, model: CommunityModel, state: str, selected: int | None = None, title: str = "") -> bytes:
        """The network as PNG bytes: ties shaded by current strength, residents
        coloured by ``state``, the ``selected`` resident and their ties outlined."""
        net = model.net
        if state != self._state:
            self._draw_key(state, model.config)
        once = net.owner < net.other  # each undirected tie is stored as two half-edges
        owner, other = net.owner[once], net.other[once]
        strength = net.strength_now(model.week, model.decay_by_kind)[once]
        # matplotlib takes arrays for segments and colours; its type stubs ask for sequences
        self.ties.set_segments(np.stack([self.positions[owner], self.positions[other]], axis=1))  # type: ignore[arg-type]
        shade = np.empty((len(owner), 4))
        shade[:, :3] = 0.35
        shade[:, 3] = 0.08 + 0.5 * np.clip(strength, 0.0, 1.0)
        self.ties.set_color(shade)  # type: ignore[arg-type]
        self.nodes.set_facecolor(node_colours(model, state))  # type: ignore[arg-type]
        if selected is not None and 0 <= selected < len(self.positions):
            mates = net.neighbours(selected)
            here = np.broadcast_to(self.positions[selected], (len(mates), 2))
            self.focus_ties.set_segments(np.stack([here, self.positions[mates]], axis=1))  # type: ignore[arg-type]
            self.focus.set_offsets(self.positions[[selected]])
        else:
            self.focus_ties.set_segments([])
            self.focus.set_offsets(np.zeros((0, 2)))
        self.title.set_text(title)
        self.canvas.draw()
        # where the nodes landed is only known after drawing (equal aspect shrinks the box)
        self._display = self.axes.transData.transform(self.positions)
        return png_bytes(self.canvas)

    def where_drawn(self, slot: int) -> tuple[float, float]:
        """Where ``slot`` is on the last painted image, as fractions of its width and
        height from the top left corner (the inverse of :meth:`slot_at`)."""
        if self._display is None:
            raise RuntimeError("nothing painted yet")
        width, height = self.canvas.get_width_height()
        x, y = self._display[slot]
        return float(x / width), float(1.0 - y / height)

    def slot_at(
        self, x_fraction: float, y_fraction: float, occupied: np.ndarray | None = None, radius_px: float = 12.0
    ) -> int | None:
        """The slot drawn nearest to a point of the last painted image, given as
        fractions of the image's width and height from its top left corner; None if
        no (occupied) node is within ``radius_px`` pixels."""
        if self._display is None:
            return None
        width, height = self.canvas.get_width_height()
        point = np.array([x_fraction * width, (1.0 - y_fraction) * height])
        distance = np.hypot(*(self._display - point).T)
        if occupied is not None:
            distance = np.where(occupied, distance, np.inf)
        slot = int(np.argmin(distance))
        return slot if distance[slot] <= radius_px else None
