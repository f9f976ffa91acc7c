"""The dashboard's sidebar: the scenario (picked from the list or uploaded), the
community and run settings, each intervention's switch, intensity and schedule, the
comparison with setup B, saving the settings as a scenario file and downloading the
weekly data. It edits the settings draft; the runs change only on Reset."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara
from solara.alias import rv

from dashboards import picker, runs, settings_draft, toml_writer, uploads
from sim.core.params import Scenario
from sim.experiments.runner import safe_filename  # the dashboard's download names follow run's rule
from sim.inputs.scenario import ScenarioError

log = logging.getLogger("mutualaid.dashboard")


@solara.component_vue("scenario_upload.vue")
def ScenarioUpload(label: str, max_bytes: int, event_upload: Callable[[dict], None]):
    """A button that opens a file picker for a scenario and the files it uses; sends
    the chosen files' names and contents (base64) in one event."""


def _upload_error(exc: Exception) -> str:
    log.exception("an upload failed")
    return f"The upload could not be read: {type(exc).__name__} (details in the server log)"


@solara.component
def InterventionControl(name: str, block: dict[str, Any], on_change: Callable[[str, Any], None]):
    """Switch, main intensity and schedule of one intervention."""
    knob = settings_draft.INTENSITY[name]
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
    session: runs.DashboardSession,
    error: solara.Reactive,
    initial_entry: dict[str, Path],
):
    """The sidebar: scenario, community, interventions, compare, save and download."""
    # label → draft of each scenario uploaded in this tab
    uploaded: solara.Reactive[dict[str, dict[str, Any]]] = solara.use_reactive({})
    listed: dict[str, Path | dict[str, Any]] = {**picker.shipped_scenarios(), **initial_entry, **uploaded.value}
    if source.value == "defaults":
        listed["defaults"] = settings_draft.draft_from_scenario(Scenario())
    labels = list(listed)
    if source.value not in labels:
        labels = [source.value, *labels]

    def open_file(label: str) -> None:
        try:
            on_open(label, picker.open_listed(label, listed))
        except ScenarioError as exc:
            error.set("\n".join(exc.problems))

    def open_upload(event: dict) -> None:
        try:
            files = uploads.received_files(event, uploads.MAX_UPLOAD_BYTES)
            scenario = settings_draft.check_size(uploads.scenario_from_upload(files), ", ".join(files))
            draft = settings_draft.draft_from_scenario(scenario)
        except ScenarioError as exc:
            error.set("\n".join(exc.problems))
            return
        except Exception as exc:  # whatever arrives, the page stays up and says so
            error.set(_upload_error(exc))
            return
        label = "uploaded: " + ", ".join(files)
        uploaded.set({**uploaded.value, label: draft})
        on_open(label, draft)

    solara.Text("Scenario", style={"font-weight": "bold"})
    solara.Select("scenario file", values=labels, value=source.value, on_value=open_file)
    ScenarioUpload(
        label="Upload a scenario TOML (and its CSVs)…", max_bytes=uploads.MAX_UPLOAD_BYTES, event_upload=open_upload
    )

    d = draft.value
    solara.Text("Community and run", style={"font-weight": "bold", "margin-top": "12px"})
    with solara.Row(gap="8px"):
        solara.InputInt(
            "residents",
            value=d["community"]["residents"],
            dense=True,
            on_value=lambda n: draft.set(settings_draft.with_value(draft.value, "community.residents", n)),
        )
        solara.InputInt(
            "seed",
            value=d["simulation"]["seed"],
            dense=True,
            on_value=lambda s: draft.set(settings_draft.with_value(draft.value, "simulation.seed", s)),
        )
        solara.InputInt(
            "weeks",
            value=d["simulation"]["weeks"],
            dense=True,
            on_value=lambda w: draft.set(settings_draft.with_value(draft.value, "simulation.weeks", w)),
        )

    solara.Text("Interventions", style={"font-weight": "bold", "margin-top": "12px"})
    for name in settings_draft.INTERVENTIONS:

        def change(field: str, value: Any, name: str = name) -> None:
            if field == settings_draft.INTENSITY[name].field:
                draft.set(settings_draft.set_intensity(draft.value, name, value))
            else:
                draft.set(settings_draft.with_value(draft.value, f"interventions.{name}.{field}", value))

        InterventionControl(name, d["interventions"][name], change)

    solara.Text("Compare", style={"font-weight": "bold", "margin-top": "12px"})
    solara.Switch(label="run setup B beside A", value=compare, on_value=lambda on: on_compare(on, compare_with))
    solara.Select(
        "B = A with this intervention switched",
        values=list(settings_draft.INTERVENTIONS),
        value=compare_with,
        on_value=lambda name: on_compare(compare, name),
    )

    solara.Text("Save and download", style={"font-weight": "bold", "margin-top": "12px"})

    def scenario_file() -> tuple[str | None, str | None]:
        try:
            scenario = settings_draft.build_scenario(draft.value)
        except ScenarioError as exc:
            return None, "\n".join(exc.problems)
        return toml_writer.scenario_toml(scenario), None

    toml_text, toml_problem = solara.use_memo(scenario_file, [draft.value])
    if toml_text is not None:
        solara.FileDownload(
            toml_text,
            filename=f"{safe_filename(d['name'])}.toml",
            label="Save settings as scenario TOML",
            mime_type="application/toml",
        )
    else:
        solara.Warning(f"The settings are not a valid scenario:\n{toml_problem}")
    solara.FileDownload(
        session.weekly_csv,
        filename=f"{safe_filename(d['name'])}-weekly.csv",
        label="Download weekly data (CSV)",
        mime_type="text/csv",
    )
