"""The dashboard's logic, kept apart from its widgets so that it can be unit-tested.

``dashboards/app.py`` only wires Solara components to what is here:

* finding and reading scenarios: the picker's list (files under ``scenarios/``), and
  uploads, which are taken apart without trusting the browser and read by
  :func:`sim.scenario.load_uploaded_scenario`, so they may use no file of the server
  but shipped scenarios;
* the settings draft: the scenario as a nested dict that the controls edit, turned
  into a validated :class:`sim.params.Scenario` on reset, and written back out as a
  scenario TOML file that ``mutualaid validate`` accepts;
* the fixed drawing of the community: every dwelling slot has one position, computed
  once per reset from the dwelling structure (dwellings on a ring inside their
  building, buildings on a grid inside their block, blocks on a grid), so a newcomer
  appears where the previous occupant lived and nothing is re-laid out while the
  model runs;
* colouring residents by a state (generalized trust, unmet need, participation,
  loneliness) on fixed scales, so colours are comparable from week to week;
* :class:`DashboardSession`: one browser tab's runs — setup A and, to compare, setup
  B (A with one intervention switched), both with the same seed — stepped together
  under a lock, with their network and chart figures kept between frames (only the
  artists' data change), which is what keeps a frame fast at 1,000 residents.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import colormaps  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from PIL import Image  # noqa: E402

from sim.dashboard_cli import INITIAL_SCENARIO_ENV  # noqa: E402 - set by `mutualaid dashboard SCENARIO`
from sim.model import CommunityModel, read_survey  # noqa: E402
from sim.network import TIE_KINDS  # noqa: E402
from sim.params import NEED_TYPES, Interventions, Scenario  # noqa: E402
from sim.runner import safe_filename  # noqa: E402,F401 - the dashboard's download names follow run's rule
from sim.scenario import (  # noqa: E402
    ScenarioError,
    check_survey,
    check_upload_name,
    load_scenario,
    load_uploaded_scenario,
    scenario_from_dict,
    uploaded_parent,
)
from sim.submodels.observation import METRICS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "old_estate.toml"  # a setting with no intervention: the user switches them on


# -- scenarios ---------------------------------------------------------------------
def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    """Every scenario file under ``folder``, subfolders included, sorted by path."""
    return sorted(Path(folder).rglob("*.toml"))


def shipped_scenarios(folder: Path = SCENARIO_DIR) -> dict[str, Path]:
    """The picker's list of the project's scenarios: label (path relative to
    ``folder``) → file. Only files found here are ever opened by label."""
    return {scenario_label(path, folder): path for path in scenario_files(folder)}


def initial_scenario_path(environ: Mapping[str, str], folder: Path = SCENARIO_DIR) -> Path | None:
    """The scenario to open with: the one named by :data:`INITIAL_SCENARIO_ENV`, else
    :data:`DEFAULT_SCENARIO`, else the first file of ``folder`` (None if there is none)."""
    named = environ.get(INITIAL_SCENARIO_ENV)
    if named:
        return Path(named).resolve()
    if (Path(folder) / DEFAULT_SCENARIO).is_file():
        return Path(folder) / DEFAULT_SCENARIO
    files = scenario_files(folder)
    return files[0] if files else None


def scenario_label(path: Path, folder: Path = SCENARIO_DIR) -> str:
    """How a scenario file is shown in the picker: its path relative to ``folder``."""
    try:
        return str(Path(path).resolve().relative_to(Path(folder).resolve()))
    except ValueError:
        return str(path)


def open_listed(label: str, listed: Mapping[str, Path | Mapping[str, Any]]) -> dict[str, Any]:
    """The settings draft of the picker's entry ``label``: a file of the list (shipped,
    or named on the command line) is loaded, an uploaded scenario's draft is returned.

    The picker's value comes from the browser, and a hand-written client can send any
    text: only labels of the list are opened, never a path it names."""
    entry = listed.get(label) if isinstance(label, str) else None
    if entry is None:
        raise ScenarioError([f"scenario picker: {str(label)[:80]!r} is not in the list of scenarios"])
    if isinstance(entry, Mapping):
        return dict(entry)
    return draft_from_scenario(load_scenario(entry))


# -- uploads -------------------------------------------------------------------------
MAX_UPLOAD_BYTES = 8_000_000
"""Bytes one upload (a scenario with the files it extends and its survey CSVs) may
hold, counted as received. The browser sends the files base64-encoded in one
websocket message, 4/3 of this, inside the server's 16 MiB message limit."""

MAX_UPLOAD_FILES = 20


def received_files(payload: Any, limit: int = MAX_UPLOAD_BYTES) -> dict[str, bytes]:
    """The files of an upload event, ``{"files": [{"name": ..., "data": base64}, ...]}``,
    as {file name: bytes}.

    Nothing the browser says about the files is trusted: the size is that of the bytes
    received (the text is refused before decoding if it cannot fit), names must be
    plain file names, and a malformed event is a problem like any other. Raises
    :class:`ScenarioError` (one line)."""
    files = payload.get("files") if isinstance(payload, Mapping) else None
    claimed = payload.get("too_large") if isinstance(payload, Mapping) else None
    if isinstance(claimed, int) and claimed > limit:  # the page did not send files the server would refuse
        raise ScenarioError([f"upload: {claimed:,} bytes; an upload is at most {limit:,} bytes"])
    if not isinstance(files, list) or not files:
        raise ScenarioError(["upload: the browser sent no files"])
    if len(files) > MAX_UPLOAD_FILES:
        raise ScenarioError([f"upload: {len(files)} files; at most {MAX_UPLOAD_FILES} can be uploaded together"])
    out: dict[str, bytes] = {}
    received = 0
    for file in files:
        name = file.get("name") if isinstance(file, Mapping) else None
        data = file.get("data") if isinstance(file, Mapping) else None
        if not isinstance(name, str) or not isinstance(data, str):
            raise ScenarioError(["upload: each file must come with a name and its content"])
        check_upload_name(name)
        if name in out:
            raise ScenarioError([f"upload: {name!r} was sent twice"])
        received += len(data) * 3 // 4  # base64: 4 characters for 3 bytes
        if received > limit + 3:
            raise ScenarioError([f"upload: more than {limit:,} bytes; an upload is at most {limit:,} bytes"])
        try:
            out[name] = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ScenarioError([f"upload: {name!r} arrived garbled (not base64)"]) from None
    if sum(map(len, out.values())) > limit:
        raise ScenarioError([f"upload: more than {limit:,} bytes; an upload is at most {limit:,} bytes"])
    return out


def scenario_from_upload(files: Mapping[str, bytes], folder: Path = SCENARIO_DIR) -> Scenario:
    """Validate an uploaded scenario: one TOML file, with the TOML files it extends
    and the survey CSVs it names uploaded beside it.

    The upload is one scenario: the TOML file no other uploaded TOML file extends. It
    is read by :func:`sim.scenario.load_uploaded_scenario`, which opens nothing on the
    server but the uploads and the shipped scenarios of ``folder`` and keeps uploaded
    data in a folder private to the server process for the model to read. Raises
    :class:`ScenarioError` (one line per problem)."""
    for name in files:
        check_upload_name(name)
    scenarios = [name for name in files if name.lower().endswith(".toml")]
    if not scenarios:
        raise ScenarioError([f"upload: no scenario file (.toml) among {', '.join(sorted(files)) or 'no files'}"])
    parents = {name: uploaded_parent(name, files, folder) for name in scenarios}
    extended = {parent for name, parent in parents.items() if parent != name}  # extending itself: a cycle, reported
    roots = [name for name in scenarios if name not in extended]
    if len(roots) != 1:
        listed = ", ".join(sorted(roots or scenarios))
        raise ScenarioError([f"upload: {listed}: upload one scenario, with only the files it extends"])
    return load_uploaded_scenario(roots[0], files, folder)


# -- the settings draft ------------------------------------------------------------
@dataclass(frozen=True)
class Knob:
    """The main intensity parameter of an intervention, as a slider shows it."""

    field: str
    label: str
    minimum: float
    maximum: float
    step: float

    def is_integer(self, intervention: str) -> bool:
        """Whether the schema declares the parameter an int (strict validation
        rejects 2.0 for an int, so the slider must hand over an int)."""
        block = Interventions.model_fields[intervention].annotation
        return block.model_fields[self.field].annotation is int


INTENSITY: dict[str, Knob] = {
    "activities": Knob("events_per_week", "events per week", 0, 20, 1),
    "platform": Knob("assistance", "digital assistance (probability)", 0.0, 1.0, 0.05),
    "supervision": Knob("cases_per_week", "cases investigated per week", 0, 50, 1),
    "norm_revision": Knob("review_interval", "weeks between reviews", 1, 104, 1),
    "infrastructure": Knob("level_increase", "rise in infrastructure level", 0.0, 1.0, 0.05),
    "targeted_support": Knob("pairs_per_week", "new pairings per week", 0, 30, 1),
    "time_bank": Knob("credit_per_hour", "credits per hour given", 0.0, 5.0, 0.1),
    "incentives": Knob("points_per_hour", "points per hour given", 0.0, 10.0, 0.5),
    "professional_services": Knob("psych_clients", "psychological-support clients", 0, 200, 5),
}
"""One knob per intervention block, in the schema's order (funding is not an
intervention: it has no schedule)."""

INTERVENTIONS = tuple(INTENSITY)


def draft_from_scenario(scenario: Scenario) -> dict[str, Any]:
    """The settings draft: the scenario as the nested dict the controls edit."""
    return scenario.model_dump()


def with_value(draft: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``draft`` with the dotted ``path`` (e.g. ``community.residents``) set.

    Only the tables along the path are copied; the draft itself is never changed,
    so a reactive holding it sees a new object."""
    keys = path.split(".")
    out = dict(draft)
    node = out
    for key in keys[:-1]:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node[keys[-1]] = value
    return out


def get_value(draft: Mapping[str, Any], path: str) -> Any:
    node: Any = draft
    for key in path.split("."):
        node = node[key]
    return node


def set_intensity(draft: Mapping[str, Any], intervention: str, value: float) -> dict[str, Any]:
    """Set an intervention's main intensity, as an int where the schema wants one."""
    knob = INTENSITY[intervention]
    value = int(round(value)) if knob.is_integer(intervention) else float(value)
    return with_value(draft, f"interventions.{intervention}.{knob.field}", value)


MAX_RESIDENTS = 20_000
"""The biggest community the dashboard runs. The schema allows 2,000,000, which
would take the server minutes and gigabytes to build (100,000 take 10 s and 0.5 GB,
and 2 s to draw a frame); a page is for watching a community, not for big runs."""


def check_size(scenario: Scenario, source: str) -> Scenario:
    """``scenario`` if the dashboard can run it, else :class:`ScenarioError`."""
    residents = scenario.community.residents
    if residents > MAX_RESIDENTS:
        raise ScenarioError(
            [
                f"{source}: community.residents: {residents} residents; the dashboard runs at most "
                f"{MAX_RESIDENTS:,} (run bigger communities with `mutualaid run`)"
            ]
        )
    return scenario


def build_scenario(draft: Mapping[str, Any]) -> Scenario:
    """Validate the draft (raises :class:`ScenarioError` with one line per problem);
    a community from survey data is sized to its data, as when loading a file."""
    source = "dashboard settings"
    return check_size(check_survey(scenario_from_dict(dict(draft), source)), source)


def toggled(draft: Mapping[str, Any], intervention: str) -> dict[str, Any]:
    """The draft with one intervention switched on if it was off, off if it was on."""
    path = f"interventions.{intervention}.enabled"
    return with_value(draft, path, not get_value(draft, path))


def compare_setups(draft: Mapping[str, Any], intervention: str) -> tuple[Scenario, Scenario]:
    """Setup A (the draft) and setup B (A with ``intervention`` switched); they share
    the seed, so the difference between their runs is the intervention's."""
    a = build_scenario(draft)
    b_draft = toggled(draft, intervention)
    sign = "+" if get_value(b_draft, f"interventions.{intervention}.enabled") else "−"
    b_draft = with_value(b_draft, "name", f"{a.name} {sign}{intervention}")
    return a, build_scenario(b_draft)


# -- writing TOML --------------------------------------------------------------------
_BARE_KEY = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _toml_key(key: str) -> str:
    return key if key and set(key) <= _BARE_KEY else _toml_string(key)


def _toml_string(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    out = []
    for ch in text:
        if ch in escapes:
            out.append(escapes[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    # bool first: it is an int subclass
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float, and always
        # has a '.' or an exponent (or is inf/nan), as TOML requires of a float
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as a TOML value")


def to_toml(data: Mapping[str, Any], header: str = "") -> str:
    """Write a nested dict as TOML: each table's values, then its sub-tables as
    ``[a.b]`` sections. None means "not set" (TOML has no null) and is left out."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]

    def table(node: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        values = [(k, v) for k, v in node.items() if v is not None and not isinstance(v, Mapping)]
        tables = [(k, v) for k, v in node.items() if isinstance(v, Mapping)]
        if prefix and (values or not tables):
            if lines:
                lines.append("")
            lines.append("[" + ".".join(_toml_key(k) for k in prefix) + "]")
        for key, value in values:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
        for key, sub in tables:
            table(sub, (*prefix, key))

    table(data, ())
    return "\n".join(lines) + "\n"


def scenario_toml(scenario: Scenario) -> str:
    """A scenario file for ``scenario`` listing every parameter, so that it
    reproduces the run even if a default changes later."""
    header = (
        f"Scenario {scenario.name!r}, saved from the mutualaid dashboard on {date.today().isoformat()}.\n"
        "Every parameter is listed (not only the differences from the defaults), so this file\n"
        "reproduces the run even if a default changes. Check it with: mutualaid validate <file>"
    )
    return to_toml(scenario.model_dump(), header)


# -- drawing the community ---------------------------------------------------------
def _grid(index: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    return index % columns, index // columns


def _rank_within(group: np.ndarray) -> np.ndarray:
    """Each element's position among the elements of its group, in index order."""
    order = np.lexsort((np.arange(len(group)), group))
    sorted_group = group[order]
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - np.searchsorted(sorted_group, sorted_group)
    return rank


def dwelling_layout(building: np.ndarray, block: np.ndarray) -> np.ndarray:
    """(slots × 2) positions of the dwelling slots, one per slot, from each slot's
    building and block (the model's ``pop.building`` and ``pop.block``).

    Dwellings sit on a ring of radius 0.38 around their building's centre, in slot
    order; buildings one unit apart on a square-ish grid inside their block; blocks
    on a square-ish grid with a gap of 0.8 between them, block 0 at the top left.
    A slot's building never changes (a newcomer moves into the dwelling), so neither
    does its position. Buildings of different sizes (survey data) are fine."""
    building = np.asarray(building, dtype=np.int64)
    block = np.asarray(block, dtype=np.int64)
    if len(building) == 0:
        return np.zeros((0, 2))
    block_index = np.unique(block, return_inverse=True)[1].ravel()
    houses, house = np.unique(np.column_stack([block_index, building]), axis=0, return_inverse=True)
    house = house.ravel()
    house_in_block = _rank_within(houses[:, 0])  # houses are sorted by block, then building
    dwelling = _rank_within(house)
    size = np.bincount(house)[house]

    angle = 2.0 * np.pi * dwelling / size
    radius = np.where(size > 1, 0.38, 0.0)
    most = int(np.bincount(houses[:, 0]).max())
    building_columns = math.ceil(math.sqrt(most))
    building_rows = math.ceil(most / building_columns)
    block_columns = math.ceil(math.sqrt(int(block_index.max()) + 1))
    bx, by = _grid(house_in_block[house], building_columns)
    kx, ky = _grid(block_index, block_columns)
    gap = 0.8
    x = kx * (building_columns + gap) + bx + radius * np.cos(angle)
    y = -(ky * (building_rows + gap) + by) + radius * np.sin(angle)
    return np.column_stack([x, y]).astype(np.float64)


STATES = ("trust", "unmet need", "participation", "loneliness")
"""What the nodes can be coloured by."""

PARTICIPATION = ("unaware", "aware", "willing", "member", "active member")
_PARTICIPATION_COLOURS = np.array(
    [
        (0.75, 0.75, 0.75, 1.0),  # unaware
        (0.62, 0.79, 0.88, 1.0),  # aware
        (0.99, 0.68, 0.38, 1.0),  # willing
        (0.20, 0.63, 0.17, 1.0),  # member
        (0.84, 0.15, 0.16, 1.0),  # active member
    ]
)
VACANT_COLOUR = (0.93, 0.93, 0.93, 1.0)


@dataclass(frozen=True)
class Scale:
    """A continuous colouring: value range, colour map and the colour bar's label."""

    low: float
    high: float
    cmap: str
    label: str


def colour_scale(state: str, scenario: Scenario) -> Scale | None:
    """The fixed scale of a continuous state (None for the categorical participation).

    Unmet need is capped at one ADL-disabled resident's full weekly need, so that the
    colour means the same hours all run long."""
    if state == "trust":
        return Scale(0.0, 1.0, "viridis", "generalized trust")
    if state == "loneliness":
        return Scale(0.0, 1.0, "magma_r", "loneliness")
    if state == "unmet need":
        n = scenario.needs
        cap = n.daily_living_adl + n.companionship + n.health_support + n.errands
        return Scale(0.0, cap, "Reds", f"unmet need (hours backlog, capped at {cap:g})")
    if state == "participation":
        return None
    raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")


def participation_level(model: CommunityModel) -> np.ndarray:
    """Per slot, the index into :data:`PARTICIPATION` (vacant slots get 0)."""
    pop, sc = model.pop, model.config
    willing = pop.aware & (pop.willingness >= sc.participation.willing_threshold)
    active = pop.member & (model.week - pop.last_active < sc.participation.active_window)
    level = np.zeros(pop.n, dtype=np.int64)
    level[pop.aware] = 1
    level[willing] = 2
    level[pop.member] = 3
    level[active] = 4
    return np.where(pop.occupied, level, 0)


def state_values(model: CommunityModel, state: str) -> np.ndarray:
    """The per-slot values a state is coloured by."""
    pop = model.pop
    if state == "trust":
        return pop.generalized_trust
    if state == "loneliness":
        return pop.loneliness
    if state == "unmet need":
        return pop.backlog.sum(axis=1)
    if state == "participation":
        return participation_level(model).astype(np.float64)
    raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")


def node_colours(model: CommunityModel, state: str) -> np.ndarray:
    """(slots × 4) RGBA colours of the residents by ``state``; vacant dwellings pale."""
    scale = colour_scale(state, model.config)
    if scale is None:
        rgba = _PARTICIPATION_COLOURS[participation_level(model)]
    else:
        norm = Normalize(scale.low, scale.high, clip=True)
        rgba = colormaps[scale.cmap](norm(state_values(model, state)))
    rgba[~model.pop.occupied] = VACANT_COLOUR
    return rgba


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
        FigureCanvasAgg(self.figure)
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
        self._legend = None
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
                for c, label in zip(_PARTICIPATION_COLOURS, PARTICIPATION)
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
        self.ties.set_segments(np.stack([self.positions[owner], self.positions[other]], axis=1))
        shade = np.empty((len(owner), 4))
        shade[:, :3] = 0.35
        shade[:, 3] = 0.08 + 0.5 * np.clip(strength, 0.0, 1.0)
        self.ties.set_color(shade)
        self.nodes.set_facecolor(node_colours(model, state))
        if selected is not None and 0 <= selected < len(self.positions):
            mates = net.neighbours(selected)
            here = np.broadcast_to(self.positions[selected], (len(mates), 2))
            self.focus_ties.set_segments(np.stack([here, self.positions[mates]], axis=1))
            self.focus.set_offsets(self.positions[[selected]])
        else:
            self.focus_ties.set_segments([])
            self.focus.set_offsets(np.zeros((0, 2)))
        self.title.set_text(title)
        self.figure.canvas.draw()
        # where the nodes landed is only known after drawing (equal aspect shrinks the box)
        self._display = self.axes.transData.transform(self.positions)
        return png_bytes(self.figure.canvas)

    def where_drawn(self, slot: int) -> tuple[float, float]:
        """Where ``slot`` is on the last painted image, as fractions of its width and
        height from the top left corner (the inverse of :meth:`slot_at`)."""
        if self._display is None:
            raise RuntimeError("nothing painted yet")
        width, height = self.figure.canvas.get_width_height()
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
        width, height = self.figure.canvas.get_width_height()
        point = np.array([x_fraction * width, (1.0 - y_fraction) * height])
        distance = np.hypot(*(self._display - point).T)
        if occupied is not None:
            distance = np.where(occupied, distance, np.inf)
        slot = int(np.argmin(distance))
        return slot if distance[slot] <= radius_px else None


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
SETUP_STYLES = {"A": {"color": "tab:blue", "linestyle": "-"}, "B": {"color": "tab:orange", "linestyle": "--"}}


class ChartPainter:
    """Small multiples of weekly metrics, setups A and B overlaid.

    Drawing six axes with their ticks and labels costs matplotlib ~150 ms, more than
    everything else in a frame. So the axes are drawn once into a cached background,
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
        self.axes = {}
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
            ys = [ln.get_ydata() for (m, _), ln in self.lines.items() if m == metric and len(ln.get_ydata())]
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
            if len(line.get_xdata()):
                self.axes[metric].draw_artist(line)
        return png_bytes(self.canvas)


def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG, without drawing the figure again
    (``savefig`` would redraw it and undo blitting)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=3)
    return buffer.getvalue()


# -- one tab's runs ----------------------------------------------------------------
class DashboardSession:
    """The runs behind one dashboard tab: setup A and, when comparing, setup B.

    Both are built with the same seed and stepped together. Every method takes the
    session's lock, because the run loop steps the models in a background thread
    while the page's event handlers read and draw them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.models: dict[str, CommunityModel] = {}
        self.scenarios: dict[str, Scenario] = {}
        self.positions: np.ndarray = np.zeros((0, 2))
        self.network: NetworkPainter | None = None
        self._charts: ChartPainter | None = None
        self.layouts_computed = 0  # how often a layout was computed (once per reset)
        self.generation = 0  # counts resets, so a run loop can tell its runs were replaced

    def reset(self, setup_a: Scenario, setup_b: Scenario | None = None) -> None:
        """New runs of the setups (burn-in done, so the week shown is 0) and a new
        layout for the community's dwellings."""
        _check_comparable(setup_a, setup_b)
        scenarios = {"A": setup_a} | ({"B": setup_b} if setup_b is not None else {})
        # built before anything is replaced, so a model that fails leaves the old runs whole
        models = {key: _burnt_in(scenario) for key, scenario in scenarios.items()}
        with self.lock:
            self.scenarios, self.models = scenarios, models
            pop = self.models["A"].pop
            self.positions = dwelling_layout(pop.building, pop.block)
            self.layouts_computed += 1
            self.network = NetworkPainter(self.positions)
            self._charts = None
            self.generation += 1

    def set_setup_b(self, setup_b: Scenario | None) -> None:
        """Start comparing with ``setup_b`` (None: stop comparing) without losing the
        place: B is run from its start up to A's current week. A is untouched and the
        layout stays, so the page does not jump."""
        with self.lock:
            _check_comparable(self.scenarios["A"], setup_b)
            self.scenarios.pop("B", None)
            self.models.pop("B", None)
            if setup_b is not None:
                model = _burnt_in(setup_b)
                while model.week < self.models["A"].week:
                    model.step()
                self.scenarios["B"] = setup_b
                self.models["B"] = model
            self._charts = None  # its legend names the setups

    @property
    def week(self) -> int:
        """The next week to be simulated (= recorded weeks so far)."""
        with self.lock:
            return self.models["A"].week if self.models else 0

    @property
    def horizon(self) -> int:
        return self.scenarios["A"].simulation.weeks if self.scenarios else 0

    @property
    def finished(self) -> bool:
        return self.week >= self.horizon

    @property
    def comparing(self) -> bool:
        return "B" in self.models

    def step(self, weeks: int = 1, generation: int | None = None) -> int:
        """Advance every setup by up to ``weeks`` weeks, not past the horizon.
        Returns the weeks advanced: 0 at the horizon, or when ``generation`` is given
        and the runs were reset since (a run loop must not step the new runs)."""
        with self.lock:
            if generation is not None and generation != self.generation:
                return 0
            todo = max(0, min(weeks, self.horizon - self.week))
            for _ in range(todo):
                for model in self.models.values():
                    model.step()
            return todo

    def weekly(self) -> dict[str, pd.DataFrame]:
        """The weekly metrics of each setup so far."""
        with self.lock:
            return {
                key: pd.DataFrame.from_records(model.records, columns=list(METRICS))
                for key, model in self.models.items()
            }

    def weekly_csv(self) -> str:
        """The weekly metrics of all setups as CSV, with columns setup and scenario first."""
        frames = []
        for key, frame in self.weekly().items():
            frame.insert(0, "scenario", self.scenarios[key].name)
            frame.insert(0, "setup", key)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True).to_csv(index=False)

    def latest(self) -> pd.DataFrame:
        """This week's value of every metric, one column per setup (and B − A)."""
        with self.lock:
            rows = {key: model.records[-1] for key, model in self.models.items() if model.records}
        table = pd.DataFrame(rows, index=[m for m in METRICS if m != "week"])
        if {"A", "B"} <= set(table.columns):
            table["B − A"] = table["B"] - table["A"]
        return table

    def network_png(self, state: str, selected: int | None = None, setup: str = "A") -> bytes:
        with self.lock:
            model = self.models[setup]
            title = f"{self.scenarios[setup].name} — week {model.week}"
            return self.network.paint(model, state, selected, title)

    def charts_png(self, metrics: Sequence[str] = DEFAULT_CHART_METRICS) -> bytes:
        with self.lock:
            if self._charts is None or self._charts.metrics != tuple(metrics):
                labels = {key: f"{key}: {sc.name}" for key, sc in self.scenarios.items()}
                self._charts = ChartPainter(metrics, self.horizon, labels)
            return self._charts.paint(self.weekly())

    def slot_at(self, x_fraction: float, y_fraction: float, setup: str = "A") -> int | None:
        """The occupied dwelling under a click on the last network image."""
        with self.lock:
            return self.network.slot_at(x_fraction, y_fraction, self.models[setup].pop.occupied)

    def resident(self, slot: int, setup: str = "A") -> dict[str, Any] | None:
        """The state of the resident in ``slot`` (None if the dwelling is vacant)."""
        with self.lock:
            return resident_state(self.models[setup], slot)

    def ties(self, slot: int, setup: str = "A") -> pd.DataFrame:
        with self.lock:
            return resident_ties(self.models[setup], slot)


def _check_comparable(setup_a: Scenario, setup_b: Scenario | None) -> None:
    if setup_b is not None and setup_b.community != setup_a.community:
        raise ValueError("setups A and B must describe the same community")


def _burnt_in(scenario: Scenario) -> CommunityModel:
    """A new run of ``scenario`` with its seed, past the (unrecorded) burn-in."""
    model = CommunityModel(scenario, rng=scenario.simulation.seed, survey=read_survey(scenario))
    model.run(0)
    return model


def resident_state(model: CommunityModel, slot: int) -> dict[str, Any] | None:
    """What the inspector shows of one resident; None for a vacant dwelling."""
    if not 0 <= slot < model.pop.n or not model.pop.occupied[slot]:
        return None
    r = model.residents[slot]
    state: dict[str, Any] = {
        "slot": slot,
        "person": r.person_id,
        "age": round(r.age, 1),
        "health": round(r.health, 3),
        "functional status": r.functional_status,
        "lives alone": r.lives_alone,
        "education": ("low", "middle", "high")[r.education],
        "participation": PARTICIPATION[participation_level(model)[slot]],
        "generalized trust": round(r.generalized_trust, 3),
        "loneliness": round(r.loneliness, 3),
        "belonging": round(r.belonging, 3),
        "willingness": round(r.willingness, 3),
        "norm internalization": round(r.norm_internalization, 3),
        "self-worth": round(r.self_worth, 3),
        "credits": round(r.credits, 2),
        "ties": len(r.ties),
    }
    for need, hours in zip(NEED_TYPES, model.pop.backlog[slot].tolist()):
        state[f"unmet {need} (h)"] = round(hours, 2)
    return state


def resident_ties(model: CommunityModel, slot: int) -> pd.DataFrame:
    """One row per tie of ``slot``, strongest first, from the resident's own view."""
    net = model.net
    idx = np.arange(net.indptr[slot], net.indptr[slot + 1])
    trust = model.config.trust.forgetting
    return pd.DataFrame(
        {
            "with slot": net.other[idx],
            "kind": [TIE_KINDS[k] for k in net.kind[idx]],
            "strength": np.round(net.strength_now(model.week, model.decay_by_kind, idx), 3),
            "trust in them": np.round(net.trust_expectation(model.week, trust, idx), 3),
            "hours owed": np.round(net.owed[idx], 2),
        }
    ).sort_values("strength", ascending=False, ignore_index=True)
