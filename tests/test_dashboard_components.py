"""The dashboard without a browser: its logic (the modules of dashboards/), its Solara
components rendered with ``solara.render``, and the ``mutualaid dashboard`` command.

The browser end-to-end tests are in test_dashboard_e2e.py.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
import tomllib

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from conftest import ROOT, SCENARIOS, make_scenario
from matplotlib import colormaps

from dashboards import app, colouring, layout, picker, runs, settings_draft, toml_writer, uploads
from sim.cli import dashboard as dashboard_cli
from sim.cli import main as mutualaid
from sim.core.model import CommunityModel
from sim.core.params import Interventions
from sim.inputs.scenario import ScenarioError, load_scenario
from sim.submodels.observation import METRICS

HORIZON = 300
SMALL = f"""
name = "small"
[community]
residents = 120
[simulation]
weeks = {HORIZON}
burn_in_weeks = 4
"""


def small_session(residents: int = 120, **blocks) -> runs.DashboardSession:
    blocks.setdefault("simulation", {"weeks": 40, "burn_in_weeks": 4})
    blocks["community"] = {"residents": residents, **blocks.get("community", {})}
    session = runs.DashboardSession()
    session.reset(make_scenario(**blocks))
    return session


# -- scenarios and the settings draft ------------------------------------------------
def test_scenario_picker_lists_every_toml_under_the_folder_including_subfolders(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    for name in ("b.toml", "a.toml", "sub/c.toml", "sub/deeper/d.toml", "notes.md"):
        (tmp_path / name).write_text('name = "x"\n')
    files = picker.scenario_files(tmp_path)
    assert [picker.scenario_label(f, tmp_path) for f in files] == [
        "a.toml",
        "b.toml",
        "sub/c.toml",
        "sub/deeper/d.toml",
    ]


def test_scenario_picker_finds_the_project_scenarios():
    labels = [picker.scenario_label(f) for f in picker.scenario_files()]
    assert "old_estate.toml" in labels
    assert set(labels) == {str(p.relative_to(SCENARIOS)) for p in SCENARIOS.rglob("*.toml")}


def test_page_opens_the_scenario_named_by_the_command_line(tmp_path):
    path = tmp_path / "mine.toml"
    assert picker.initial_scenario_path({dashboard_cli.INITIAL_SCENARIO_ENV: str(path)}) == path.resolve()
    assert picker.initial_scenario_path({}) == SCENARIOS / "old_estate.toml"
    (tmp_path / "only.toml").write_text('name = "only"\n')
    assert picker.initial_scenario_path({}, tmp_path) == tmp_path / "only.toml"


def test_toggling_an_intervention_switches_only_that_one():
    draft = settings_draft.draft_from_scenario(load_scenario(SCENARIOS / "old_estate.toml"))
    on = settings_draft.build_scenario(settings_draft.toggled(draft, "activities"))
    assert on.interventions.activities.enabled
    assert not settings_draft.build_scenario(
        settings_draft.toggled(settings_draft.toggled(draft, "activities"), "activities")
    ).interventions.activities.enabled
    assert on.model_dump()["interventions"]["platform"] == draft["interventions"]["platform"]
    assert not settings_draft.build_scenario(draft).interventions.activities.enabled, "the draft itself must not change"


def test_setup_b_differs_from_a_only_in_the_switched_intervention():
    draft = settings_draft.draft_from_scenario(load_scenario(SCENARIOS / "old_estate.toml"))
    a, b = settings_draft.compare_setups(draft, "time_bank")
    assert not a.interventions.time_bank.enabled and b.interventions.time_bank.enabled
    assert b.name == "old_estate +time_bank"
    da, db = a.model_dump(), b.model_dump()
    db["interventions"]["time_bank"]["enabled"] = False
    db["name"] = da["name"]
    assert da == db
    assert a.simulation.seed == b.simulation.seed


def test_intensity_is_handed_over_as_an_int_where_the_schema_wants_one():
    draft = settings_draft.draft_from_scenario(make_scenario())
    draft = settings_draft.set_intensity(draft, "activities", 3.0)
    draft = settings_draft.set_intensity(draft, "platform", 1)
    scenario = settings_draft.build_scenario(draft)  # strict validation: 3.0 for an int would fail
    assert scenario.interventions.activities.events_per_week == 3
    assert isinstance(draft["interventions"]["platform"]["assistance"], float)


def test_every_intervention_has_a_knob_inside_its_schema_range():
    schema_blocks = [name for name in Interventions.model_fields if name != "funding"]
    assert list(settings_draft.INTERVENTIONS) == schema_blocks
    for name, knob in settings_draft.INTENSITY.items():
        field = Interventions.model_fields[name].annotation.model_fields[knob.field]
        bounds = {type(m).__name__: m for m in field.metadata}
        low = getattr(bounds.get("Ge"), "ge", None) or getattr(bounds.get("Gt"), "gt", None)
        high = getattr(bounds.get("Le"), "le", None)
        assert low is None or knob.minimum >= low, name
        assert high is None or knob.maximum <= high, name


def test_invalid_settings_raise_one_line_per_problem():
    draft = settings_draft.with_value(settings_draft.draft_from_scenario(make_scenario()), "community.residents", 0)
    draft = settings_draft.with_value(draft, "interventions.activities.end_week", 0)
    with pytest.raises(ScenarioError) as err:
        settings_draft.build_scenario(draft)
    text = "\n".join(err.value.problems)
    assert "community.residents" in text and "end_week" in text


def test_upload_extends_a_project_scenario():
    content = b'extends = "old_estate.toml"\nname = "mine"\n[community]\nresidents = 50\n'
    scenario = uploads.scenario_from_upload({"mine.toml": content})
    assert scenario.name == "mine"
    assert scenario.community.residents == 50
    assert scenario.community.setting == "old_estate"


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"name = ", "malformed TOML"),
        (b"\xff\xfe", "not UTF-8"),
        (b'extends = "nowhere.toml"', "extends"),
        (b"[community]\nresidentz = 5", "unknown key"),
    ],
)
def test_a_bad_upload_is_reported_not_raised(content, problem):
    with pytest.raises(ScenarioError) as err:
        uploads.scenario_from_upload({"up.toml": content})
    assert problem in "\n".join(err.value.problems)


# -- writing TOML ------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.toml")), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_saved_scenario_reads_back_as_the_same_scenario(path, tmp_path):
    scenario = load_scenario(path)
    draft = settings_draft.draft_from_scenario(scenario)
    draft = settings_draft.with_value(
        settings_draft.toggled(draft, "supervision"), "interventions.supervision.end_week", 200
    )
    draft = settings_draft.with_value(draft, "interventions.supervision.start_week", 10)
    edited = settings_draft.build_scenario(draft)
    out = tmp_path / "saved.toml"
    out.write_text(toml_writer.scenario_toml(edited), encoding="utf-8")
    assert load_scenario(out, data_roots=[SCENARIOS]).model_dump() == edited.model_dump()  # survey data stays put


def test_mutualaid_validate_accepts_a_saved_scenario(tmp_path, capsys):
    out = tmp_path / "saved.toml"
    scenario = settings_draft.build_scenario(
        settings_draft.toggled(settings_draft.draft_from_scenario(make_scenario()), "activities")
    )
    out.write_text(toml_writer.scenario_toml(scenario), encoding="utf-8")
    assert mutualaid(["validate", str(out)]) == 0
    assert "valid" in capsys.readouterr().out


def test_toml_writer_quotes_strings_and_leaves_none_out():
    data = {
        "name": 'a "quoted" \\ name',
        "description": "互助养老\nline two\ttab \x01",
        "ratio": 1.0,
        "tiny": 1e-05,
        "count": 3,
        "flag": False,
        "unset": None,
        "many": [1, 2],
        "table": {"odd key": 1, "inner": {"x": -2.5}, "none_here": None},
        "only_subtables": {"child": {"y": True}},
    }
    text = toml_writer.to_toml(data, header="saved\nby a test")
    assert text.startswith("# saved\n# by a test\n")
    back = tomllib.loads(text)
    expected = dict(data)
    del expected["unset"]
    expected["table"] = {"odd key": 1, "inner": {"x": -2.5}}
    assert back == expected
    assert isinstance(back["ratio"], float) and isinstance(back["count"], int)


def test_toml_writer_refuses_values_toml_cannot_hold():
    with pytest.raises(TypeError):
        toml_writer.to_toml({"when": object()})


# -- layout and colours -------------------------------------------------------------
def synthetic_layout(residents: int, per_building: int, per_block: int) -> np.ndarray:
    building = np.arange(residents) // per_building
    return layout.dwelling_layout(building, building // per_block)


@pytest.mark.parametrize("residents, per_building, per_block", [(1000, 24, 8), (1000, 4, 20), (7, 3, 2), (1, 1, 1)])
def test_layout_gives_every_slot_its_own_position(residents, per_building, per_block):
    pos = synthetic_layout(residents, per_building, per_block)
    assert pos.shape == (residents, 2)
    assert np.isfinite(pos).all()
    assert len(np.unique(np.round(pos, 9), axis=0)) == residents


def test_layout_puts_a_building_on_a_ring_around_its_centre():
    pos = synthetic_layout(48, 24, 8)
    for building in (pos[:24], pos[24:]):
        centre = building.mean(axis=0)
        assert np.allclose(np.hypot(*(building - centre).T), 0.38)
    assert np.hypot(*(pos[:24].mean(axis=0) - pos[24:].mean(axis=0))) == pytest.approx(1.0)


def test_layout_draws_survey_buildings_of_any_size_and_numbering():
    building = np.array([7, 7, 7, 3, 3, 100, 7, 42])
    block = np.array([2, 2, 2, 2, 2, 9, 2, 9])
    pos = layout.dwelling_layout(building, block)
    assert len(np.unique(np.round(pos, 9), axis=0)) == len(building)
    ring = pos[building == 7]
    assert np.allclose(np.hypot(*(ring - ring.mean(axis=0)).T), 0.38)
    # one-dwelling buildings 42 and 100 of block 9 sit at their centres, side by side
    assert np.allclose(pos[5] - pos[7], [1.0, 0.0])


def test_layout_follows_the_models_buildings():
    session = small_session(residents=100, community={"dwellings_per_building": 10, "buildings_per_block": 3})
    pop = session.models["A"].pop
    assert np.array_equal(session.positions, layout.dwelling_layout(pop.building, pop.block))
    centres = [session.positions[pop.building == b].mean(axis=0) for b in range(10)]
    assert len(np.unique(np.round(centres, 9), axis=0)) == 10


def test_a_survey_community_is_drawn_by_its_own_buildings():
    session = runs.DashboardSession()
    session.reset(load_scenario(SCENARIOS / "survey_example.toml"))
    pop = session.models["A"].pop
    assert len(session.positions) == pop.n == 60
    for b in np.unique(pop.building):
        ring = session.positions[pop.building == b]
        assert np.allclose(np.hypot(*(ring - ring.mean(axis=0)).T), 0.38)


def test_an_uploaded_scenario_extending_a_shipped_survey_scenario_uses_the_shipped_data():
    scenario = uploads.scenario_from_upload({"mine.toml": b'extends = "survey_example.toml"\nname = "mine"\n'})
    assert scenario.community.residents == 60
    assert scenario.community.residents_file == str((SCENARIOS / "survey_example" / "residents.csv").resolve())


def test_layout_is_computed_once_per_reset_however_many_weeks_run(monkeypatch):
    calls = []
    real = layout.dwelling_layout
    monkeypatch.setattr(runs, "dwelling_layout", lambda *a: calls.append(a) or real(*a))
    # frequent moves, so newcomers take over dwellings while it runs
    session = small_session(demography={"move_out_rate": 1.0, "vacancy_fill_rate": 1.0})
    positions = session.positions
    people = session.models["A"].pop.person_id.copy()
    for _ in range(10):
        session.step(2)
        session.network_png("trust")
        session.charts_png()
    assert len(calls) == 1 and session.layouts_computed == 1
    assert session.positions is positions and session.network.positions is positions
    assert (session.models["A"].pop.person_id != people).any(), "newcomers should have moved in"


def test_residents_are_coloured_on_a_fixed_scale_and_vacant_dwellings_pale():
    model = CommunityModel(make_scenario(community={"residents": 3}, simulation={"burn_in_weeks": 0}), rng=1)
    model.pop.generalized_trust[:] = [0.0, 1.0, 0.5]
    model.pop.occupied[2] = False
    rgba = colouring.node_colours(model, "trust")
    assert np.allclose(rgba[0], colormaps["viridis"](0.0))
    assert np.allclose(rgba[1], colormaps["viridis"](1.0))
    assert tuple(rgba[2]) == colouring.VACANT_COLOUR


def test_participation_levels_follow_awareness_willingness_membership_and_activity():
    model = CommunityModel(make_scenario(community={"residents": 5}, simulation={"burn_in_weeks": 0}), rng=1)
    pop, week = model.pop, model.week
    pop.occupied[:] = True
    pop.aware[:] = [False, True, True, True, True]
    pop.willingness[:] = [0.0, 0.0, 1.0, 1.0, 1.0]
    pop.member[:] = [False, False, False, True, True]
    pop.last_active[:] = [-(10**6), -(10**6), -(10**6), -(10**6), week]
    levels = [colouring.PARTICIPATION[i] for i in colouring.participation_level(model)]
    assert levels == ["unaware", "aware", "willing", "member", "active member"]


def test_a_click_on_a_drawn_resident_finds_that_resident():
    session = small_session()
    session.network_png("participation")
    occupied = np.flatnonzero(session.models["A"].pop.occupied)
    for slot in occupied[[0, len(occupied) // 2, -1]]:
        assert session.slot_at(*session.network.where_drawn(slot)) == slot
    assert session.slot_at(0.005, 0.005) is None, "a click far from every node selects nobody"


# -- the session --------------------------------------------------------------------
def test_session_starts_at_week_zero_after_burn_in_and_stops_at_the_horizon():
    session = small_session()
    assert session.week == 0 and session.models["A"].records == []
    assert session.step(25) == 25
    assert session.step(25) == 15 and session.finished
    assert session.step(1) == 0
    assert [r["week"] for r in session.models["A"].records] == list(range(40))


def test_a_run_loop_cannot_step_runs_that_were_reset_under_it():
    session = small_session()
    generation = session.generation
    session.reset(session.scenarios["A"])
    assert session.step(1, generation) == 0 and session.week == 0


def test_setup_b_joining_late_catches_up_and_matches_a_given_the_same_setup():
    session = small_session()
    session.step(7)
    session.set_setup_b(session.scenarios["A"])
    assert session.models["B"].week == session.week
    session.step(3)
    weekly = session.weekly()
    assert weekly["A"].equals(weekly["B"]), "same scenario, same seed: the same run"


def test_weekly_csv_has_one_row_per_setup_and_week():
    session = small_session()
    draft = settings_draft.draft_from_scenario(session.scenarios["A"])
    session.set_setup_b(settings_draft.compare_setups(draft, "activities")[1])
    session.step(5)
    lines = session.weekly_csv().splitlines()
    assert lines[0].split(",") == ["setup", "scenario", *METRICS]
    assert len(lines) == 1 + 2 * 5
    latest = session.latest()
    assert list(latest.columns) == ["A", "B", "B − A"]


def test_inspector_shows_a_residents_state_and_ties():
    session = small_session()
    model = session.models["A"]
    slot = int(np.argmax(model.net.degree()))
    state = session.resident(slot)
    assert state["slot"] == slot and state["ties"] == model.net.degree()[slot]
    ties = session.ties(slot)
    assert sorted(ties["with slot"]) == sorted(model.net.neighbours(slot).tolist())
    assert ties["strength"].is_monotonic_decreasing
    model.pop.occupied[slot] = False
    assert session.resident(slot) is None


# -- the components, rendered without a browser --------------------------------------
@pytest.fixture
def page(tmp_path, monkeypatch):
    """The dashboard page on a 120-resident scenario; yields (render context, sessions made)."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    monkeypatch.setenv(dashboard_cli.INITIAL_SCENARIO_ENV, str(path))
    sessions: list[runs.DashboardSession] = []

    class Recorded(runs.DashboardSession):
        def __init__(self):
            super().__init__()
            sessions.append(self)

    monkeypatch.setattr(runs, "DashboardSession", Recorded)
    # the server wraps every page in an AppLayout, which is what shows the sidebar
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    yield rc, sessions
    rc.close()


def week_label(rc) -> str:
    return rc.find(v.Html, class_="week-label").widget.children[0]


def html_shown(rc) -> str:
    """All raw-HTML blocks of the page (the inspector and metric tables)."""
    return "\n".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def type_into(field, text: str) -> None:
    """Type into a text field and press Enter (number inputs apply on Enter or blur)."""
    field.v_model = text
    field.fire_event("keyup.enter", None)


def alerts_shown(rc) -> str:
    return "\n".join(str(w.children) for w in rc.find(v.Alert).widgets)


def test_page_shows_controls_network_and_charts(page):
    rc, _ = page
    for label in ("Step", "Run", "Reset"):
        rc.find(v.Btn, children=[label]).assert_single()
    assert week_label(rc) == f"Week 0 of {HORIZON}"
    network = rc.find(alt="network of residents").widget
    assert network.src.startswith("data:image/png;base64,") and len(network.src) > 5_000
    charts = rc.find(ipywidgets.Image).widget
    assert charts.value[:4] == b"\x89PNG"
    for name in settings_draft.INTERVENTIONS:
        rc.find(v.Checkbox, label=name.replace("_", " ")).assert_single()


def test_clicking_step_advances_the_week_and_redraws(page):
    rc, _ = page
    network = rc.find(alt="network of residents").widget
    before = network.src
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert week_label(rc) == f"Week 1 of {HORIZON}"
    assert network.src != before
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert week_label(rc) == f"Week 2 of {HORIZON}"


def test_run_steps_in_the_background_until_paused(page):
    rc, sessions = page
    rc.find(v.Btn, children=["Run"]).widget.click()
    deadline = time.monotonic() + 30
    while sessions[0].week < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sessions[0].week >= 6, "the run loop did not advance"
    rc.find(v.Btn, children=["Pause"]).widget.click()
    time.sleep(0.5)  # let a frame in flight finish
    paused_at = sessions[0].week
    time.sleep(0.5)
    assert sessions[0].week == paused_at
    rc.find(v.Html, children=[f"Week {paused_at} of {HORIZON}"]).assert_single_wait()


def test_run_pauses_by_itself_at_the_horizon(page):
    rc, sessions = page
    rc.find(v.Slider, label="weeks per frame: 2").widget.v_model = 26
    rc.find(v.Btn, children=["Run"]).widget.click()
    rc.find(v.Btn, children=["Run"]).wait_for(timeout=60)  # "Pause" turns back into "Run"
    assert sessions[0].finished
    assert rc.find(v.Btn, children=["Run"]).widget.disabled


def test_toggling_an_intervention_applies_at_reset(page):
    rc, sessions = page
    session = sessions[0]
    rc.find(v.Checkbox, label="activities").widget.v_model = True
    rc.find(v.Alert, children=["Settings changed: press Reset to run them."]).assert_single()
    assert not session.scenarios["A"].interventions.activities.enabled, "nothing changes before Reset"
    rc.find(v.Slider, label="events per week: 2").widget.v_model = 5  # its intensity and schedule appear
    rc.find(v.Slider, label="events per week: 5").assert_single()
    type_into(rc.find(v.TextField, label="start week").widget, "10")
    type_into(rc.find(v.TextField, label="end week (empty: never)").widget, "30")
    rc.find(v.Btn, children=["Reset"]).widget.click()
    activities = session.scenarios["A"].interventions.activities
    assert activities.enabled and activities.events_per_week == 5
    assert (activities.start_week, activities.end_week) == (10, 30)
    assert week_label(rc) == f"Week 0 of {HORIZON}"
    rc.find(v.Alert, children=["Settings changed: press Reset to run them."]).assert_empty()


def test_compare_runs_setup_b_beside_a_with_the_intervention_switched(page):
    rc, sessions = page
    session = sessions[0]
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Switch, label="run setup B beside A").widget.v_model = True
    assert session.comparing and session.models["B"].week == session.week == 1
    assert session.scenarios["B"].interventions.activities.enabled
    assert not session.scenarios["A"].interventions.activities.enabled
    rc.find(v.BtnToggle).assert_not_empty()  # network of A / B
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert len(session.models["B"].records) == 2
    assert "B − A" in html_shown(rc), "this week's table should set B beside A"


def test_clicking_a_resident_on_the_network_inspects_them(page):
    rc, sessions = page
    session = sessions[0]
    slot = int(np.flatnonzero(session.models["A"].pop.occupied)[3])
    x, y = session.network.where_drawn(slot)
    rc.find(alt="network of residents").widget.vue_node_click({"x": x, "y": y})
    field = rc.find(v.TextField, label="inspect resident (dwelling slot)").widget
    assert field.v_model == str(slot)
    assert f"<th>slot</th><td>{slot}</td>" in html_shown(rc).replace(" style='text-align:left;padding-right:12px'", "")


def test_a_slot_typed_in_is_inspected(page):
    rc, sessions = page
    session = sessions[0]
    vacant = 7
    session.models["A"].pop.occupied[vacant] = False
    field = rc.find(v.TextField, label="inspect resident (dwelling slot)").widget
    type_into(field, "5")
    assert "resident-state" in html_shown(rc) and "<td>5</td>" in html_shown(rc)
    type_into(field, str(vacant))
    assert f"Dwelling #{vacant} is vacant." in alerts_shown(rc)
    type_into(field, "100000")
    assert "There is no dwelling #100000" in alerts_shown(rc)


def test_invalid_settings_show_the_problem_instead_of_resetting(page):
    rc, sessions = page
    type_into(rc.find(v.TextField, label="residents").widget, "0")
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert "community.residents" in alerts_shown(rc), "the validation problem should be shown"
    assert sessions[0].scenarios["A"].community.residents == 120


def test_choosing_a_scenario_file_opens_and_runs_it(page):
    rc, sessions = page
    rc.find(v.Select, label="scenario file").widget.v_model = "rural_village.toml"
    assert sessions[0].scenarios["A"].name == "rural_village"
    assert rc.find(v.TextField, label="residents").widget.v_model == "1000"
    assert "rural_village" in rc.find(v.Html, class_="running-scenario").widget.children[0]


def upload_event(files: dict[str, bytes]) -> dict:
    """An upload event as scenario_upload.vue sends it."""
    return {
        "files": [{"name": name, "data": base64.b64encode(content).decode("ascii")} for name, content in files.items()]
    }


def test_an_uploaded_scenario_is_opened_and_a_bad_one_explained(page):
    rc, sessions = page
    upload = rc.find(label="Upload a scenario TOML (and its CSVs)…").widget
    text = b'extends = "old_estate.toml"\nname = "tiny"\n[community]\nresidents = 60\n'
    upload.vue_upload(upload_event({"tiny.toml": text}))
    assert sessions[0].scenarios["A"].name == "tiny"
    assert sessions[0].scenarios["A"].community.residents == 60
    assert rc.find(v.Select, label="scenario file").widget.v_model == "uploaded: tiny.toml"
    upload.vue_upload(upload_event({"bad.toml": b"[community]\nresidentz = 1\n"}))
    assert "bad.toml: community.residentz: unknown key" in alerts_shown(rc)
    assert sessions[0].scenarios["A"].name == "tiny", "a bad upload leaves the run alone"
    upload.vue_upload({"files": [], "too_large": uploads.MAX_UPLOAD_BYTES + 1})
    assert f"an upload is at most {uploads.MAX_UPLOAD_BYTES:,} bytes" in alerts_shown(rc)


def test_an_upload_past_the_limit_is_refused_whatever_size_the_page_claims(page, monkeypatch):
    rc, sessions = page
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1_000)
    event = upload_event({"big.toml": b'name = "big"\n' + b"#" * 2_000 + b"\n"})
    event["files"][0]["size"] = 10
    rc.find(label="Upload a scenario TOML (and its CSVs)…").widget.vue_upload(event)
    assert "an upload is at most 1,000 bytes" in alerts_shown(rc)
    assert sessions[0].scenarios["A"].name == "small"


def test_an_upload_with_its_survey_csvs_runs_the_surveyed_community(page):
    rc, sessions = page
    survey = SCENARIOS / "survey_example"
    files = {
        "ours.toml": b'name = "ours"\n[community]\nresidents_file = "survey/residents.csv"\nedges_file = "edges.csv"\n',
        "residents.csv": (survey / "residents.csv").read_bytes(),
        "edges.csv": (survey / "edges.csv").read_bytes(),
    }
    rc.find(label="Upload a scenario TOML (and its CSVs)…").widget.vue_upload(upload_event(files))
    assert sessions[0].scenarios["A"].name == "ours"
    assert sessions[0].models["A"].pop.n == 60
    assert rc.find(v.Select, label="scenario file").widget.v_model == "uploaded: ours.toml, residents.csv, edges.csv"


@pytest.mark.parametrize(
    "event",
    [
        None,
        "x",
        {"files": [{"name": "a.toml", "data": "%%%"}]},
        upload_event({"up.toml": b'[community]\nresidents_file = "/proc/self/environ"\n'}),
        upload_event({"up.toml": b'extends = "/dev/zero"\n'}),
        upload_event({"up.toml": b"a = " + b"[" * 5_000}),
    ],
)
def test_a_bad_upload_shows_one_line_and_the_page_stays(page, event):
    rc, sessions = page
    rc.find(label="Upload a scenario TOML (and its CSVs)…").widget.vue_upload(event)
    shown = alerts_shown(rc)
    assert "upload" in shown or "up.toml" in shown
    assert "Traceback" not in shown
    assert sessions[0].scenarios["A"].name == "small"
    rc.find(v.Btn, children=["Step"]).widget.click()  # and the page still works
    assert week_label(rc) == f"Week 1 of {HORIZON}"


def test_a_picker_value_not_in_its_list_opens_nothing(page):
    rc, sessions = page
    rc.find(v.Select, label="scenario file").widget.v_model = str(ROOT / "pyproject.toml")
    assert "is not in the list of scenarios" in alerts_shown(rc)
    assert sessions[0].scenarios["A"].name == "small"


def test_an_uploaded_scenario_can_be_picked_again_from_the_list(page):
    rc, sessions = page
    upload = rc.find(label="Upload a scenario TOML (and its CSVs)…").widget
    tiny = b'extends = "old_estate.toml"\nname = "tiny"\n[community]\nresidents = 60\n'
    upload.vue_upload(upload_event({"tiny.toml": tiny}))
    picker = rc.find(v.Select, label="scenario file").widget
    picker.v_model = "rural_village.toml"
    assert sessions[0].scenarios["A"].name == "rural_village"
    picker.v_model = "uploaded: tiny.toml"
    assert sessions[0].scenarios["A"].name == "tiny"


def test_a_failing_model_step_is_shown_on_the_page_not_raised(page, monkeypatch):
    rc, sessions = page

    def broken_step():
        raise RuntimeError("half-built intervention")

    monkeypatch.setattr(sessions[0].models["A"], "step", broken_step)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert "The model raised RuntimeError: half-built intervention" in alerts_shown(rc)


def test_an_initial_scenario_the_model_cannot_run_falls_back_to_the_defaults(tmp_path, monkeypatch):
    path = tmp_path / "broken.toml"
    path.write_text(SMALL)
    monkeypatch.setenv(dashboard_cli.INITIAL_SCENARIO_ENV, str(path))
    real = runs._burnt_in

    def burnt_in(scenario):
        if scenario.name == "small":
            raise ValueError("cannot run this one")
        return real(scenario)

    monkeypatch.setattr(runs, "_burnt_in", burnt_in)
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        assert "Could not run" in alerts_shown(rc) and "cannot run this one" in alerts_shown(rc)
        assert week_label(rc) == "Week 0 of 520"
    finally:
        rc.close()


# -- the command line ---------------------------------------------------------------
def dashboard_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mutualaid")
    dashboard_cli.register_dashboard(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["dashboard", *argv])


def test_dashboard_command_serves_the_app_offline_on_loopback(tmp_path):
    args = dashboard_args(str(SCENARIOS / "old_estate.toml"), "--port", "9001")
    argv, env = dashboard_cli.dashboard_command(args, {"PATH": "/usr/bin"}, offline=True)
    assert argv[:5] == [sys.executable, "-m", "solara", "run", str(ROOT / "dashboards" / "app.py")]
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == "9001"
    assert {"--no-open", "--no-check-version", "--production"} <= set(argv)
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str((ROOT / "dashboards" / ".assets_cache").resolve())
    assert env["SOLARA_ASSETS_PROXY"] == "true"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env[dashboard_cli.INITIAL_SCENARIO_ENV] == str((SCENARIOS / "old_estate.toml").resolve())


class Started(Exception):
    """Raised by the stand-in for os.execvpe: the command would have started the server."""


def start_dashboard(monkeypatch, *argv: str) -> tuple[list[str], dict[str, str]]:
    """Run ``mutualaid dashboard`` up to the point it starts the server; its command line and environment."""
    started = {}

    def execvpe(file, argv, env):
        started.update(argv=argv, env=env)
        raise Started

    monkeypatch.setattr(dashboard_cli.os, "execvpe", execvpe)
    with pytest.raises(Started):
        dashboard_cli.cmd_dashboard(dashboard_args(*argv))
    return started["argv"], started["env"]


def test_dashboard_without_the_asset_cache_starts_from_the_public_cdn_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SOLARA_ASSETS_CDN", raising=False)
    argv, env = start_dashboard(monkeypatch)
    assert env["SOLARA_ASSETS_PROXY"] == "false", "the browser loads the front end from the CDN itself"
    assert "SOLARA_ASSETS_CDN" not in env, "Solara's default CDN"
    assert "--production" in argv
    notes = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(notes) == 1
    assert "internet" in notes[0] and "prepare_assets.py" in notes[0] and str(tmp_path) in notes[0]


def test_dashboard_with_the_asset_cache_serves_offline(tmp_path, monkeypatch, capsys):
    (tmp_path / "requirejs@2.3.6").mkdir()
    (tmp_path / "requirejs@2.3.6" / dashboard_cli.ASSET_MARKER).write_text("{}")
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SOLARA_ASSETS_CDN", raising=False)
    _argv, env = start_dashboard(monkeypatch)
    assert env["SOLARA_ASSETS_PROXY"] == "true" and env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path.resolve())
    assert env["SOLARA_ASSETS_CDN"] == dashboard_cli.CLOSED_CDN
    assert "internet" not in capsys.readouterr().err


def test_dashboard_reports_an_invalid_scenario_before_starting(tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text("[community]\nresidents = -1\n")
    monkeypatch.setattr(dashboard_cli.os, "execvpe", lambda *a: pytest.fail("must not start"))
    with pytest.raises(ScenarioError):
        dashboard_cli.cmd_dashboard(dashboard_args(str(bad)))


def test_an_uploaded_community_too_big_for_the_dashboard_is_refused_without_building_it(page, monkeypatch):
    rc, sessions = page
    monkeypatch.setattr(runs, "_burnt_in", lambda scenario: pytest.fail("must not build the model"))
    rc.find(label="Upload a scenario TOML (and its CSVs)…").widget.vue_upload(
        upload_event({"big.toml": b"[community]\nresidents = 2000000\n"})
    )
    assert "big.toml: community.residents: 2000000 residents; the dashboard runs at most" in alerts_shown(rc)
    assert rc.find(v.Select, label="scenario file").widget.v_model != "uploaded: big.toml"
