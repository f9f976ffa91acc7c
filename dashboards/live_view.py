"""The dashboard's live view, redrawn every frame: the network coloured by a state
(click a resident to select them), the inspector of the selected resident, this
week's metrics (A, B and B − A) and the charts of the weekly metrics."""

from __future__ import annotations

import base64
import html
import threading
from collections.abc import Callable

import solara

from dashboards import charts, colouring, runs
from sim.submodels.observation import METRICS

DEFAULT_COLOUR = "participation"  # what the residents are coloured by when the page opens


@solara.component_vue("network_image.vue")
def NetworkImage(src: str, alt: str, event_node_click: Callable[[dict], None]):
    """The network PNG; reports clicks as fractions of the image's width and height."""


@solara.component
def Inspector(session: runs.DashboardSession, slot: int | None, setup: str, frame: int):
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
    session: runs.DashboardSession,
    frame: solara.Reactive,
    selected: solara.Reactive,
    error: solara.Reactive,
    drawn: threading.Event,
):
    """Network, inspector, this week's metrics and the charts; redrawn every frame.
    Sets ``drawn`` once a frame is on the page."""
    colour_by = solara.use_reactive(DEFAULT_COLOUR)
    network_of = solara.use_reactive("A")
    chart_metrics = solara.use_reactive(list(charts.DEFAULT_CHART_METRICS))
    tick = frame.value  # subscribes this view to the runs' changes
    solara.use_effect(drawn.set, [tick])
    setup = network_of.value if session.comparing else "A"

    def draw_network() -> str:
        png = session.network_png(colour_by.value, selected.value, setup)
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    network_src = solara.use_memo(draw_network, [tick, colour_by.value, selected.value, setup])
    charts_png = solara.use_memo(lambda: session.charts_png(chart_metrics.value), [tick, tuple(chart_metrics.value)])

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
                solara.ToggleButtonsSingle(value=colour_by, values=list(colouring.STATES), dense=True)
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
                on_value=lambda ms: chart_metrics.set(ms or list(charts.DEFAULT_CHART_METRICS)),
            )
            with solara.Div(classes=["charts-view"]):
                solara.Image(charts_png, format="png")
