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

Here are the page, its controls and the run loop; the sidebar (settings) is in
:mod:`dashboards.sidebar`, the live view (network, inspector, metrics, charts) in
:mod:`dashboards.live_view`. The logic (the scenario picker, uploads, the settings
draft, writing TOML, layout, colouring, figures, the runs themselves) is in the
other modules of :mod:`dashboards`, one per job (listed in ``dashboards/__init__.py``).

``solara run`` executes this file as a script, not as ``dashboards.app``: so it
imports the package's modules by their absolute names, which the project's install
(``pip install -e .``) makes importable from anywhere.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara

from dashboards import picker, runs, settings_draft
from dashboards.live_view import LiveView
from dashboards.origin_guard import guard_solara_server
from dashboards.sidebar import Settings
from sim.core.params import Scenario
from sim.inputs.scenario import ScenarioError, load_scenario

log = logging.getLogger("mutualaid.dashboard")

guard_solara_server()  # refuse requests to another Host or from another Origin (see dashboards/origin_guard.py)

FRAME_PAUSE = 0.03  # s between frames of the run loop, so clicks (Pause) get their turn
FRAME_TIMEOUT = 10.0  # s the run loop waits for a frame to be drawn before it steps on


def _load_initial() -> tuple[str, dict[str, Any], str | None, dict[str, Path]]:
    """(source label, settings draft, error) of the scenario the page opens with, and
    the picker entry of its file (the command line may name one outside scenarios/)."""
    path = picker.initial_scenario_path(os.environ)
    if path is None:
        return "defaults", settings_draft.draft_from_scenario(Scenario()), None, {}
    label = picker.scenario_label(path)
    try:
        return label, settings_draft.draft_from_scenario(load_scenario(path)), None, {label: path}
    except ScenarioError as exc:
        problems = "\n".join(exc.problems)
        return "defaults", settings_draft.draft_from_scenario(Scenario()), f"Could not open {path}:\n{problems}", {}


def _model_error(exc: Exception) -> str:
    log.exception("the model raised")
    return f"The model raised {type(exc).__name__}: {exc} (traceback in the server log)"


@solara.component
def Controls(
    session: runs.DashboardSession,
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
        except Exception as exc:  # shown on the page; a half-built intervention must not kill the UI
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
            return settings_draft.compare_setups(d, compare_with.value)
        return settings_draft.build_scenario(d), None

    def first_session() -> tuple[runs.DashboardSession, dict[str, Any], str | None]:
        """The runs the page opens with, and the draft they came from; if the initial
        scenario cannot run, the defaults, with the reason."""
        session = runs.DashboardSession()
        try:
            session.reset(*setups(initial[1]))
            return session, initial[1], initial[2]
        except Exception as exc:  # shown on the page
            problem = "\n".join(exc.problems) if isinstance(exc, ScenarioError) else _model_error(exc)
            session.reset(Scenario())
            return session, settings_draft.draft_from_scenario(Scenario()), f"Could not run {initial[0]}:\n{problem}"

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
        except Exception as exc:  # a bad setting or a failing model is shown on the page
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
            session.set_setup_b(settings_draft.compare_setups(applied.value, intervention)[1] if on else None)
        except Exception as exc:  # shown on the page
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
            except Exception as exc:  # shown on the page
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
