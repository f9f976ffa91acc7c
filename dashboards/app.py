"""The community dashboard: run a mutual-aid eldercare (互助养老) scenario week by week
and watch its network and metrics.

Start it with ``mutualaid dashboard [SCENARIO]`` (offline once its asset cache is
made), or by hand with ``solara run dashboards/app.py`` after the steps in
dashboards/OFFLINE.md.

The page: pick a scenario (any TOML under ``scenarios/``, or upload one with the
files it extends and its survey CSVs), set the community size, seed, horizon and
each intervention's switch, main intensity and schedule; Reset builds the runs from
those settings (burn-in done, week 0); Step advances one week, Run/Pause a
background loop. Compare runs setup B — setup A with one intervention switched —
with the same seed beside A, so the difference between the two is the
intervention's. Click a resident on the network (or type the slot) to
inspect their state and ties. Save the settings as a scenario file; download the
weekly data as CSV.

Only wiring lives here; the logic (layout, colouring, building scenarios, writing
TOML, the runs themselves) is in :mod:`dashboards.logic`.
"""

from __future__ import annotations

import base64
import html
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # dashboards/ is a folder of the project, not an installed package
    sys.path.insert(0, str(ROOT))

import solara  # noqa: E402
from solara.alias import rv  # noqa: E402

from dashboards import logic  # noqa: E402
from dashboards.origin_guard import guard_solara_server  # noqa: E402
from sim.params import Scenario  # noqa: E402
from sim.scenario import ScenarioError, load_scenario  # noqa: E402
from sim.submodels.observation import METRICS  # noqa: E402

log = logging.getLogger("mutualaid.dashboard")

guard_solara_server()  # refuse requests to another Host or from another Origin (see dashboards/origin_guard.py)

FRAME_PAUSE = 0.03  # s between frames of the run loop, so clicks (Pause) get their turn
FRAME_TIMEOUT = 10.0  # s the run loop waits for a frame to be drawn before it steps on
DEFAULT_COLOUR = "participation"


@solara.component_vue("network_image.vue")
def NetworkImage(src: str, alt: str, event_node_click: Callable[[dict], None]):
    """The network PNG; reports clicks as fractions of the image's width and height."""


@solara.component_vue("scenario_upload.vue")
def ScenarioUpload(label: str, max_bytes: int, event_upload: Callable[[dict], None]):
    """A button that opens a file picker for a scenario and the files it uses; sends
    the chosen files' names and contents (base64) in one event."""


def _load_initial() -> tuple[str, dict[str, Any], str | None, dict[str, Path]]:
    """(source label, settings draft, error) of the scenario the page opens with, and
    the picker entry of its file (the command line may name one outside scenarios/)."""
    path = logic.initial_scenario_path(os.environ)
    if path is None:
        return "defaults", logic.draft_from_scenario(Scenario()), None, {}
    label = logic.scenario_label(path)
    try:
        return label, logic.draft_from_scenario(load_scenario(path)), None, {label: path}
    except ScenarioError as exc:
        problems = "\n".join(exc.problems)
        return "defaults", logic.draft_from_scenario(Scenario()), f"Could not open {path}:\n{problems}", {}


def _model_error(exc: Exception) -> str:
    log.exception("the model raised")
    return f"The model raised {type(exc).__name__}: {exc} (traceback in the server log)"


def _upload_error(exc: Exception) -> str:
    log.exception("an upload failed")
    return f"The upload could not be read: {type(exc).__name__} (details in the server log)"


@solara.component
def InterventionControl(name: str, block: dict[str, Any], on_change: Callable[[str, Any], None]):
    """Switch, main intensity and schedule of one intervention."""
    knob = logic.INTENSITY[name]
    # the raw vuetify checkbox, for its dense form: nine of them must fit the sidebar
    rv.Checkbox(
        label=name.replace("_", " "),
        v_model=block["enabled"],
        on_v_model=lambda on: on_change("enabled", on),
        dense=True,
        hide_details=True,
        class_="mt-1",
    )
    if not block["enabled"]:
        return
    with solara.Column(style={"padding-left": "32px", "margin-top": "-12px"}, gap="0px"):
        current = block[knob.field]
        label = f"{knob.label}: {current:g}"  # vuetify shows a slider's value only while dragging
        if knob.is_integer(name):
            solara.SliderInt(
                label,
                value=int(current),
                min=int(knob.minimum),
                max=int(max(knob.maximum, current)),
                step=int(knob.step),
                on_value=lambda x: on_change(knob.field, x),
            )
        else:
            solara.SliderFloat(
                label,
                value=float(current),
                min=knob.minimum,
                max=max(knob.maximum, current),
                step=knob.step,
                on_value=lambda x: on_change(knob.field, x),
            )
        with solara.Row(gap="8px"):
            solara.InputInt(
                "start week", value=block["start_week"], dense=True, on_value=lambda w: on_change("start_week", w)
            )
            solara.InputInt(
                "end week (empty: never)",
                value=block["end_week"],
                optional=True,
                dense=True,
                on_value=lambda w: on_change("end_week", w),
            )


@solara.component
def Settings(
    draft: solara.Reactive,
    source: solara.Reactive,
    compare: bool,
    compare_with: str,
    on_open: Callable[[str, dict[str, Any]], None],
    on_compare: Callable[[bool, str], None],
    session: logic.DashboardSession,
    error: solara.Reactive,
    initial_entry: dict[str, Path],
):
    """The sidebar: scenario, community, interventions, compare, save and download."""
    uploads = solara.use_reactive({})  # label → draft of each scenario uploaded in this tab
    listed: dict[str, Path | dict[str, Any]] = {**logic.shipped_scenarios(), **initial_entry, **uploads.value}
    if source.value == "defaults":
        listed["defaults"] = logic.draft_from_scenario(Scenario())
    labels = list(listed)
    if source.value not in labels:
        labels = [source.value, *labels]

    def open_file(label: str) -> None:
        try:
            on_open(label, logic.open_listed(label, listed))
        except ScenarioError as exc:
            error.set("\n".join(exc.problems))

    def open_upload(event: dict) -> None:
        try:
            files = logic.received_files(event, logic.MAX_UPLOAD_BYTES)
            scenario = logic.check_size(logic.scenario_from_upload(files), ", ".join(files))
            draft = logic.draft_from_scenario(scenario)
        except ScenarioError as exc:
            error.set("\n".join(exc.problems))
            return
        except Exception as exc:  # noqa: BLE001 - whatever arrives, the page stays up and says so
            error.set(_upload_error(exc))
            return
        label = "uploaded: " + ", ".join(files)
        uploads.set({**uploads.value, label: draft})
        on_open(label, draft)

    solara.Text("Scenario", style={"font-weight": "bold"})
    solara.Select("scenario file", values=labels, value=source.value, on_value=open_file)
    ScenarioUpload(
        label="Upload a scenario TOML (and its CSVs)…", max_bytes=logic.MAX_UPLOAD_BYTES, event_upload=open_upload
    )

    d = draft.value
    solara.Text("Community and run", style={"font-weight": "bold", "margin-top": "12px"})
    with solara.Row(gap="8px"):
        solara.InputInt(
            "residents",
            value=d["community"]["residents"],
            dense=True,
            on_value=lambda n: draft.set(logic.with_value(draft.value, "community.residents", n)),
        )
        solara.InputInt(
            "seed",
            value=d["simulation"]["seed"],
            dense=True,
            on_value=lambda s: draft.set(logic.with_value(draft.value, "simulation.seed", s)),
        )
        solara.InputInt(
            "weeks",
            value=d["simulation"]["weeks"],
            dense=True,
            on_value=lambda w: draft.set(logic.with_value(draft.value, "simulation.weeks", w)),
        )

    solara.Text("Interventions", style={"font-weight": "bold", "margin-top": "12px"})
    for name in logic.INTERVENTIONS:

        def change(field: str, value: Any, name: str = name) -> None:
            if field == logic.INTENSITY[name].field:
                draft.set(logic.set_intensity(draft.value, name, value))
            else:
                draft.set(logic.with_value(draft.value, f"interventions.{name}.{field}", value))

        InterventionControl(name, d["interventions"][name], change)

    solara.Text("Compare", style={"font-weight": "bold", "margin-top": "12px"})
    solara.Switch(label="run setup B beside A", value=compare, on_value=lambda on: on_compare(on, compare_with))
    solara.Select(
        "B = A with this intervention switched",
        values=list(logic.INTERVENTIONS),
        value=compare_with,
        on_value=lambda name: on_compare(compare, name),
    )

    solara.Text("Save and download", style={"font-weight": "bold", "margin-top": "12px"})

    def scenario_file() -> tuple[str | None, str | None]:
        try:
            scenario = logic.build_scenario(draft.value)
        except ScenarioError as exc:
            return None, "\n".join(exc.problems)
        return logic.scenario_toml(scenario), None

    toml_text, toml_problem = solara.use_memo(scenario_file, [draft.value])
    if toml_text is not None:
        solara.FileDownload(
            toml_text,
            filename=f"{logic.safe_filename(d['name'])}.toml",
            label="Save settings as scenario TOML",
            mime_type="application/toml",
        )
    else:
        solara.Warning(f"The settings are not a valid scenario:\n{toml_problem}")
    solara.FileDownload(
        session.weekly_csv,
        filename=f"{logic.safe_filename(d['name'])}-weekly.csv",
        label="Download weekly data (CSV)",
        mime_type="text/csv",
    )


@solara.component
def Inspector(session: logic.DashboardSession, slot: int | None, setup: str, frame: int):
    """State and ties of the selected resident (``frame`` is only there so that the
    inspector re-renders with every frame: the resident's state changes under it)."""
    if slot is None:
        solara.Info("Click a resident on the network, or type a slot number, to inspect them.")
        return
    state = session.resident(slot, setup)
    if state is None:
        solara.Info(f"Dwelling #{slot} is vacant.")
        return
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(key)}</th>"
        f"<td>{html.escape(str(value))}</td></tr>"
        for key, value in state.items()
    )
    solara.HTML(tag="div", unsafe_innerHTML=f"<table class='resident-state'>{rows}</table>")
    ties = session.ties(slot, setup)
    solara.Text(f"{len(ties)} ties (strongest first)", style={"font-weight": "bold"})
    if len(ties):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=ties.head(30).to_html(index=False, classes="resident-ties", border=0),
            style="max-height: 280px; overflow-y: auto; font-size: 0.85em",
        )


@solara.component
def LiveView(
    session: logic.DashboardSession,
    frame: solara.Reactive,
    selected: solara.Reactive,
    error: solara.Reactive,
    drawn: threading.Event,
):
    """Network, inspector, this week's metrics and the charts; redrawn every frame.
    Sets ``drawn`` once a frame is on the page."""
    colour_by = solara.use_reactive(DEFAULT_COLOUR)
    network_of = solara.use_reactive("A")
    chart_metrics = solara.use_reactive(list(logic.DEFAULT_CHART_METRICS))
    tick = frame.value  # subscribes this view to the runs' changes
    solara.use_effect(drawn.set, [tick])
    setup = network_of.value if session.comparing else "A"

    def draw_network() -> str:
        png = session.network_png(colour_by.value, selected.value, setup)
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    network_src = solara.use_memo(draw_network, [tick, colour_by.value, selected.value, setup])
    charts = solara.use_memo(lambda: session.charts_png(chart_metrics.value), [tick, tuple(chart_metrics.value)])

    def click(point: dict) -> None:
        slot = session.slot_at(float(point["x"]), float(point["y"]), setup)
        if slot is not None:
            selected.set(slot)

    def inspect(slot: int | None) -> None:
        if slot is not None and not 0 <= slot < len(session.positions):
            error.set(f"There is no dwelling #{slot}: slots are 0 to {len(session.positions) - 1}.")
            return
        selected.set(slot)

    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
        with solara.Column(style={"flex": "1 1 640px", "max-width": "760px"}, gap="4px"):
            with solara.Row(gap="12px", style={"align-items": "center"}):
                solara.ToggleButtonsSingle(value=colour_by, values=list(logic.STATES), dense=True)
                if session.comparing:
                    solara.ToggleButtonsSingle(value=network_of, values=["A", "B"], dense=True)
            with solara.Div(classes=["network-view"]):
                NetworkImage(src=network_src, alt="network of residents", event_node_click=click)
        with solara.Column(style={"flex": "1 1 300px", "min-width": "280px"}, gap="4px"):
            solara.InputInt(
                "inspect resident (dwelling slot)", value=selected.value, optional=True, on_value=inspect, dense=True
            )
            Inspector(session, selected.value, setup, tick)

    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
        with solara.Column(style={"flex": "0 0 auto"}):
            solara.Text("This week", style={"font-weight": "bold"})
            table = session.latest()
            shown = (
                table.to_html(float_format=lambda x: f"{x:.3f}", classes="latest-metrics", border=0)
                if not table.empty
                else "<p>No week recorded yet: Step or Run.</p>"
            )
            solara.HTML(
                tag="div", unsafe_innerHTML=shown, style="font-size: 0.85em; max-height: 460px; overflow-y: auto"
            )
        with solara.Column(style={"flex": "1 1 700px"}):
            solara.SelectMultiple(
                "charted metrics",
                values=chart_metrics.value,
                all_values=[m for m in METRICS if m != "week"],
                on_value=lambda ms: chart_metrics.set(ms or list(logic.DEFAULT_CHART_METRICS)),
            )
            with solara.Div(classes=["charts-view"]):
                solara.Image(charts, format="png")


@solara.component
def Controls(
    session: logic.DashboardSession,
    frame: solara.Reactive,
    running: solara.Reactive,
    weeks_per_frame: solara.Reactive,
    on_reset: Callable[[], None],
    error: solara.Reactive,
    pending: bool,
):
    """Step, Run/Pause, Reset and the week reached."""
    frame.value  # noqa: B018 - re-render with every frame to show the week

    def step() -> None:
        try:
            session.step(1)
        except Exception as exc:  # noqa: BLE001 - shown on the page; a half-built intervention must not kill the UI
            error.set(_model_error(exc))
        frame.set(frame.value + 1)

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Step", on_click=step, disabled=running.value or session.finished, color="primary")
        solara.Button(
            "Pause" if running.value else "Run",
            on_click=lambda: running.set(not running.value),
            disabled=session.finished and not running.value,
            color="primary",
            outlined=True,
        )
        solara.Button("Reset", on_click=on_reset, outlined=True)
        with solara.Div(style={"width": "220px"}):
            solara.SliderInt(f"weeks per frame: {weeks_per_frame.value}", value=weeks_per_frame, min=1, max=26)
        solara.Text(
            f"Week {session.week} of {session.horizon}",
            classes=["week-label"],
            style={"font-size": "1.2em", "font-weight": "bold"},
        )
    a = session.scenarios["A"]
    running_now = f"A: {a.name}  ·  B: {session.scenarios['B'].name}" if session.comparing else a.name
    solara.Text(
        f"{running_now} — {a.community.residents} residents, seed {a.simulation.seed}. {a.description}",
        classes=["running-scenario"],
        style={"color": "#555"},
    )
    if pending:
        solara.Warning("Settings changed: press Reset to run them.", dense=True)


@solara.component
def Page():
    initial = solara.use_memo(_load_initial, [])
    compare = solara.use_reactive(False)
    compare_with = solara.use_reactive("activities")

    def setups(d: dict[str, Any]):
        if compare.value:
            return logic.compare_setups(d, compare_with.value)
        return logic.build_scenario(d), None

    def first_session() -> tuple[logic.DashboardSession, dict[str, Any], str | None]:
        """The runs the page opens with, and the draft they came from; if the initial
        scenario cannot run, the defaults, with the reason."""
        session = logic.DashboardSession()
        try:
            session.reset(*setups(initial[1]))
            return session, initial[1], initial[2]
        except Exception as exc:  # noqa: BLE001 - shown on the page
            problem = "\n".join(exc.problems) if isinstance(exc, ScenarioError) else _model_error(exc)
            session.reset(Scenario())
            return session, logic.draft_from_scenario(Scenario()), f"Could not run {initial[0]}:\n{problem}"

    session, first_draft, first_problem = solara.use_memo(first_session, [])
    source = solara.use_reactive(initial[0] if first_draft is initial[1] else "defaults")
    draft = solara.use_reactive(first_draft)
    applied = solara.use_reactive(first_draft)  # the draft the current runs were built from
    error = solara.use_reactive(first_problem)
    running = solara.use_reactive(False)
    weeks_per_frame = solara.use_reactive(2)
    frame = solara.use_reactive(0)  # bumped whenever the runs change, so the views redraw
    selected = solara.use_reactive(None)

    def report(exc: Exception) -> None:
        if isinstance(exc, ScenarioError):
            error.set("\n".join(exc.problems))
        else:
            error.set(_model_error(exc))

    def rebuild(d: dict[str, Any]) -> None:
        """New runs from the draft ``d`` (the settings are validated first)."""
        running.set(False)
        try:
            session.reset(*setups(d))
        except Exception as exc:  # noqa: BLE001 - a bad setting or a failing model is shown on the page
            report(exc)
            return
        applied.set(d)
        error.set(None)
        if selected.value is not None and selected.value >= len(session.positions):
            selected.set(None)
        frame.set(frame.value + 1)

    def open_scenario(label: str, d: dict[str, Any]) -> None:
        source.set(label)
        draft.set(d)
        rebuild(d)

    def set_compare(on: bool, intervention: str) -> None:
        """Start or stop running setup B beside A (B built from the applied settings
        and caught up with A's week), or change which intervention B switches."""
        compare.set(on)
        compare_with.set(intervention)
        try:
            session.set_setup_b(logic.compare_setups(applied.value, intervention)[1] if on else None)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            compare.set(False)
            session.set_setup_b(None)
            report(exc)
        frame.set(frame.value + 1)

    drawn = solara.use_memo(threading.Event, [])

    def run_loop(cancel: threading.Event) -> None:
        generation = session.generation
        while running.value and not cancel.is_set():
            try:
                advanced = session.step(weeks_per_frame.value, generation)
            except Exception as exc:  # noqa: BLE001 - shown on the page
                error.set(_model_error(exc))
                advanced = 0
            if advanced == 0:  # the horizon is reached, the runs were reset, or the model failed
                running.set(False)
                return
            drawn.clear()
            frame.set(frame.value + 1)
            # Usually this thread renders the frame itself, inside set(). But while another
            # thread renders (a click), set() returns at once and that render loops to take
            # the change in; a loop that kept stepping would keep it looping until reacton
            # gives up ("too many renders"). So the next step waits for this frame.
            drawn.wait(FRAME_TIMEOUT)
            cancel.wait(FRAME_PAUSE)

    solara.use_thread(run_loop, dependencies=[running.value], intrusive_cancel=False)

    solara.Title("mutualaid dashboard")
    with solara.Sidebar():
        Settings(
            draft, source, compare.value, compare_with.value, open_scenario, set_compare, session, error, initial[3]
        )
    with solara.Column(gap="8px", style={"padding-bottom": "48px"}):  # clear of Solara's corner badge
        Controls(
            session,
            frame,
            running,
            weeks_per_frame,
            lambda: rebuild(draft.value),
            error,
            pending=draft.value != applied.value,
        )
        if error.value:
            solara.Error(error.value, style={"white-space": "pre-wrap"})
        LiveView(session, frame, selected, error, drawn)
