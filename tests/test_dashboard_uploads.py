"""Uploads and the scenario picker take nothing from the browser on trust: an upload
opens no file of the server (only files uploaded with it and shipped scenarios), its
size is counted as received, and whatever arrives ends in a scenario or in one-line
problems (dashboards/uploads.py, dashboards/picker.py)."""

from __future__ import annotations

import base64
import os

import pytest
from conftest import ROOT, SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards import picker, settings_draft, sidebar, toml_writer, uploads
from sim.core.params import Scenario
from sim.experiments.runner import safe_filename
from sim.inputs import scenario as scenario_module
from sim.inputs.scenario import ScenarioError, load_scenario

SURVEY = SCENARIOS / "survey_example"


def problems_of(files, **kwargs) -> str:
    with pytest.raises(ScenarioError) as err:
        uploads.scenario_from_upload(files, **kwargs)
    return "\n".join(err.value.problems)


def payload(files: dict[str, bytes]) -> dict:
    """An upload event as scenario_upload.vue sends it."""
    return {
        "files": [{"name": name, "data": base64.b64encode(content).decode("ascii")} for name, content in files.items()]
    }


# -- data files: only those uploaded with the scenario ------------------------------
@pytest.mark.parametrize(
    "path", ["/proc/self/environ", "/etc/passwd", "../survey_example/residents.csv", str(SURVEY / "residents.csv")]
)
def test_an_upload_cannot_make_the_server_read_a_data_file_it_did_not_upload(path):
    toml = f'[community]\nresidents_file = "{path}"\n'.encode()
    text = problems_of({"up.toml": toml})
    assert "up.toml: community.residents_file:" in text and "is not among the uploaded files" in text
    assert "\n" not in text
    for key, value in os.environ.items():  # nothing of the server's environment is shown
        if len(value) > 8:
            assert value not in text.replace(path, ""), key


def test_an_upload_brings_its_survey_data_along():
    toml = b'name = "ours"\n[community]\nresidents_file = "survey/residents.csv"\nedges_file = "edges.csv"\n'
    residents = (SURVEY / "residents.csv").read_bytes()
    edges = (SURVEY / "edges.csv").read_bytes()
    scenario = uploads.scenario_from_upload({"ours.toml": toml, "residents.csv": residents, "edges.csv": edges})
    assert scenario.name == "ours" and scenario.community.residents == 60
    stored = scenario.community.residents_file
    assert not stored.startswith(str(ROOT)), "the model reads a private copy, not a project file"
    with open(stored, "rb") as f:
        assert f.read() == residents
    with open(scenario.community.edges_file, "rb") as f:
        assert f.read() == edges


def test_an_uploaded_survey_with_a_bad_row_is_explained_in_one_line_per_problem():
    toml = b'[community]\nresidents_file = "residents.csv"\n'
    text = problems_of({"up.toml": toml, "residents.csv": b"id,age\n1,30\n"})
    assert text.startswith("residents.csv: row 2: age:"), "named as the uploader knows it, not by the server's copy"
    assert "mutualaid-uploads" not in text


# -- extends: only uploaded files or shipped scenarios by their label ----------------
@pytest.mark.parametrize(
    "parent",
    ["/dev/zero", "/etc/passwd", "../pyproject.toml", "../../../../etc/passwd", "interventions", "nowhere.toml"],
)
def test_an_upload_extends_nothing_but_uploaded_files_and_shipped_scenarios(parent):
    text = problems_of({"up.toml": f'extends = "{parent}"\n'.encode()})
    assert text.startswith("up.toml: extends:")
    assert "is neither an uploaded file nor a shipped scenario" in text


@pytest.mark.parametrize("parent", ["5", "[1, 2]", "{a = 1}", '""'])
def test_an_extends_that_is_no_file_name_is_one_line(parent):
    text = problems_of({"up.toml": f"extends = {parent}\n".encode()})
    assert text.startswith("up.toml: extends:") and "\n" not in text


def test_an_upload_extends_a_shipped_scenario_of_a_subfolder_by_its_label():
    scenario = uploads.scenario_from_upload({"mine.toml": b'extends = "interventions/activities.toml"\n'})
    assert scenario.interventions.activities.enabled
    assert scenario.community == load_scenario(SCENARIOS / "interventions" / "activities.toml").community


def test_an_upload_may_extend_a_file_uploaded_with_it():
    base = b'extends = "old_estate.toml"\n[community]\nresidents = 77\n'
    top = b'extends = "base.toml"\nname = "top"\n[simulation]\nseed = 9\n'
    scenario = uploads.scenario_from_upload({"top.toml": top, "base.toml": base})
    assert (scenario.name, scenario.community.residents, scenario.simulation.seed) == ("top", 77, 9)
    assert scenario.community.setting == "old_estate"


def test_an_upload_extends_an_uploaded_file_named_by_a_path_ending_in_it():
    files = {"mine.toml": b'extends = "lib/base.toml"\nname = "mine"\n', "base.toml": b"[community]\nresidents = 7\n"}
    scenario = uploads.scenario_from_upload(files)
    assert (scenario.name, scenario.community.residents) == ("mine", 7)


def test_an_upload_extending_itself_is_reported_as_a_cycle():
    assert "up.toml: extends: cycle of extends" in problems_of({"up.toml": b'extends = "up.toml"\n'})


def test_a_shipped_survey_problem_under_an_upload_names_no_server_path():
    text = problems_of({"mine.toml": b'extends = "survey_example.toml"\n[demography]\nmax_age = 80.0\n'})
    assert "scenarios/survey_example/residents.csv: row" in text and str(SCENARIOS) not in text


def test_an_uploaded_extends_cycle_is_reported():
    text = problems_of({"a.toml": b'extends = "b.toml"\n', "b.toml": b'extends = "a.toml"\n'})
    assert "upload" in text and "a.toml" in text


def test_an_upload_of_two_unrelated_scenarios_is_refused():
    text = problems_of({"a.toml": b'name = "a"\n', "b.toml": b'name = "b"\n'})
    assert "upload one scenario" in text


def test_an_upload_without_a_scenario_file_is_refused():
    assert "no scenario file" in problems_of({"residents.csv": b"id,age\n1,70\n"})


# -- what the browser sends --------------------------------------------------------
def test_uploaded_files_arrive_as_their_bytes():
    files = {"a.toml": b'name = "a"\n', "r.csv": bytes(range(256))}
    assert uploads.received_files(payload(files)) == files


def test_the_upload_limit_counts_the_bytes_received_not_the_size_the_browser_claims():
    event = payload({"big.toml": b"#" * 2_000})
    event["files"][0]["size"] = 10  # what a lying client says
    with pytest.raises(ScenarioError) as err:
        uploads.received_files(event, limit=1_000)
    assert "at most 1,000 bytes" in err.value.problems[0]
    assert uploads.received_files(payload({"ok.toml": b"#" * 1_000}), limit=1_000)


def test_the_upload_limit_adds_up_the_files_of_one_upload():
    with pytest.raises(ScenarioError):
        uploads.received_files(payload({"a.toml": b"#" * 600, "b.csv": b"#" * 600}), limit=1_000)


@pytest.mark.parametrize(
    "event",
    [
        None,
        "text",
        [],
        {},
        {"files": []},
        {"files": "x"},
        {"files": [None]},
        {"files": [{"name": "a.toml"}]},
        {"files": [{"name": 3, "data": ""}]},
        {"files": [{"name": "a.toml", "data": "***"}]},
        {"files": [{"name": "../a.toml", "data": ""}]},
        {"files": [{"name": "", "data": ""}]},
        {"files": [{"name": "a.toml", "data": ""}, {"name": "a.toml", "data": ""}]},
        {"files": [{"name": f"{i}.csv", "data": ""} for i in range(uploads.MAX_UPLOAD_FILES + 1)]},
    ],
)
def test_a_malformed_upload_event_is_one_problem(event):
    with pytest.raises(ScenarioError) as err:
        uploads.received_files(event)
    assert len(err.value.problems) == 1 and "\n" not in err.value.problems[0]


@pytest.mark.parametrize("name", ["../x.toml", "/etc/x.toml", "a\\b.toml", "..", "nul\0.toml"])
def test_uploaded_file_names_must_be_plain_names(name):
    assert "an uploaded file needs a plain file name" in problems_of({name: b""})


# -- anything at all: a scenario or one-line problems ------------------------------
def loads_or_explains(files: dict[str, bytes]) -> None:
    try:
        scenario = uploads.scenario_from_upload(files)
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(p, str) and p and "\n" not in p for p in exc.problems)
    else:
        assert isinstance(scenario, Scenario)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_load_or_give_one_line_problems(content):
    loads_or_explains({"up.toml": content})


KEYS = st.sampled_from(
    [
        "name",
        "extends",
        "community",
        "residents",
        "residents_file",
        "edges_file",
        "simulation",
        "seed",
        "weeks",
        "interventions",
        "activities",
        "enabled",
        "events_per_week",
        "start_week",
        "x",
    ]
)
SCALARS = (
    st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.text(max_size=12)
    | st.sampled_from(["old_estate.toml", "/proc/self/environ", "../x.csv", "interventions", "/dev/zero", "up.toml"])
)
TABLES = st.recursive(
    st.dictionaries(KEYS, SCALARS | st.lists(SCALARS, max_size=3), max_size=4),
    lambda inner: st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLES)
def test_arbitrary_nested_toml_loads_or_gives_one_line_problems(table):
    loads_or_explains({"up.toml": toml_writer.to_toml(table).encode()})


@pytest.mark.parametrize("content", [b"a = " + b"[" * 5_000, b"a = " + b"{b = " * 5_000, b"[" + b"a." * 5_000 + b"b]"])
def test_toml_nested_beyond_reason_is_one_line_problem(content):
    loads_or_explains({"up.toml": content})


# -- the picker opens only what it lists -------------------------------------------
@pytest.mark.parametrize(
    "label",
    [
        "/etc/passwd",
        "../pyproject.toml",
        str(SCENARIOS / "old_estate.toml"),
        "/dev/zero",
        "uploaded: other.toml",
        None,
        3,
    ],
)
def test_the_picker_opens_only_entries_of_its_list(label):
    listed = picker.shipped_scenarios()
    with pytest.raises(ScenarioError) as err:
        picker.open_listed(label, listed)
    assert "not in the list of scenarios" in err.value.problems[0]


def test_the_picker_opens_a_shipped_scenario_and_an_uploaded_draft_by_label():
    uploaded = settings_draft.draft_from_scenario(Scenario(name="up"))
    listed = {**picker.shipped_scenarios(), "uploaded: up.toml": uploaded}
    assert picker.open_listed("rural_village.toml", listed)["name"] == "rural_village"
    assert picker.open_listed("uploaded: up.toml", listed) == uploaded


# -- a community the dashboard can hold --------------------------------------------
def test_settings_past_the_dashboards_community_size_are_refused_before_a_model_is_built():
    draft = settings_draft.with_value(settings_draft.draft_from_scenario(Scenario()), "community.residents", 2_000_000)
    with pytest.raises(ScenarioError) as err:
        settings_draft.build_scenario(draft)
    assert err.value.problems == [
        f"dashboard settings: community.residents: 2000000 residents; the dashboard runs "
        f"at most {settings_draft.MAX_RESIDENTS:,} (run bigger communities with `mutualaid run`)"
    ]


def test_an_uploaded_community_past_the_dashboards_size_is_refused():
    scenario = uploads.scenario_from_upload({"big.toml": b"[community]\nresidents = 2000000\n"})
    with pytest.raises(ScenarioError) as err:
        settings_draft.check_size(scenario, "big.toml")
    assert err.value.problems[0].startswith("big.toml: community.residents: 2000000 residents")
    settings_draft.check_size(uploads.scenario_from_upload({"ok.toml": b"[community]\nresidents = 1000\n"}), "ok.toml")


def test_uploaded_data_kept_by_the_server_are_bounded(monkeypatch):
    monkeypatch.setattr(scenario_module, "MAX_KEPT_UPLOAD_BYTES", scenario_module._kept_bytes + 2_500)
    toml = b'[community]\nresidents_file = "residents.csv"\n'
    rows = "".join(f"{i},{70 + i % 20}\n" for i in range(200))
    first = ("id,age\n" + rows).encode()
    assert len(first) < 2_500 < 2 * len(first)
    uploads.scenario_from_upload({"up.toml": toml, "residents.csv": first})
    uploads.scenario_from_upload({"up.toml": toml, "residents.csv": first})  # the same data again: nothing more kept
    second = ("id , age\n" + rows).encode()
    text = problems_of({"up.toml": toml, "residents.csv": second})
    assert "restart the dashboard" in text


def test_download_names_follow_the_same_safe_name_rule_as_run_output_folders():
    assert sidebar.safe_filename is safe_filename
