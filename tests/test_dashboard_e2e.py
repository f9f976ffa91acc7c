"""The dashboard (dashboards/app.py) end to end: the real server, offline, driven in
headless Debian Chromium by Playwright.

What a user would see is checked in the browser: the network and the charts are
really drawn (pixels, not just an <img>), Step advances the week shown, Run goes on
by itself until Pause, a click on a resident inspects them, switching an
intervention on changes the run (in the metrics and in the compare panel), and the
scenario and CSV downloads are what they claim to be.

Prerequisites and their handling (skip, or fail under ``CI``) are those of the smoke
test; the server and browser machinery is shared with it (``e2e_support``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from e2e_support import (
    ROOT,
    UI_TIMEOUT_MS,
    assert_served_offline,
    chromium_page,
    expect,
    image_stats,
    require_prerequisites,
    solara_server,
)
from PIL import Image

from dashboards import live_view, runs, uploads
from sim.cli import main as mutualaid
from sim.cli.dashboard import INITIAL_SCENARIO_ENV
from sim.inputs.scenario import MAX_SCENARIO_BYTES, load_scenario

require_prerequisites()

APP = ROOT / "dashboards" / "app.py"
SCENARIO = ROOT / "scenarios" / "old_estate.toml"  # 1,000 residents, no intervention
STEP_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1500, "height": 1000}
CHART_LEGEND = 0.1  # top share of the charts image that holds the legend (its line samples are not data)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One production server for the module; each test opens its own page (a new session)."""
    log_path = tmp_path_factory.mktemp("dashboard") / "solara.log"
    with solara_server(APP, log_path, production=True, env={INITIAL_SCENARIO_ENV: str(SCENARIO)}) as url:
        yield url, log_path


@pytest.fixture
def dashboard(server, tmp_path):
    """The dashboard page, loaded and showing week 0; checked for offline use afterwards."""
    url, log_path = server
    with chromium_page(log_path, tmp_path, viewport=VIEWPORT, accept_downloads=True) as browser:
        page = browser.page
        page.goto(url, timeout=UI_TIMEOUT_MS)
        expect(page.get_by_role("button", name="Step")).to_be_visible(timeout=UI_TIMEOUT_MS)
        expect(page.locator(".week-label")).to_have_text("Week 0 of 520", timeout=UI_TIMEOUT_MS)
        yield page
    assert_served_offline(log_path, browser)
    assert not browser.external, f"in production mode the page requests nothing off the host: {browser.external}"


def loaded(page, locator):
    """The <img> once its current image is decoded."""
    expect(locator).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=locator.element_handle(), timeout=UI_TIMEOUT_MS
    )
    return locator


def step(page, times: int = 1) -> None:
    label = page.locator(".week-label")
    week = int(label.inner_text().split()[1])
    for _ in range(times):
        page.get_by_role("button", name="Step").click()
        week += 1
        expect(label).to_have_text(f"Week {week} of 520", timeout=STEP_TIMEOUT_MS)


def switch_on(page, role: str, label: str) -> None:
    """Click a Vuetify checkbox or switch by its label, as a user does (its <input>
    lies under a ripple that takes the pointer), and wait until it is on."""
    page.locator(f"label:text-is('{label}')").click()
    expect(page.get_by_role(role, name=label)).to_be_checked(timeout=STEP_TIMEOUT_MS)


def metric(page, name: str, column: int = 0) -> float:
    """A value of this week's metrics table (column 0: A, 1: B, 2: B − A)."""
    cell = page.locator(f"table.latest-metrics tr:has(th:text-is('{name}')) td").nth(column)
    return float(cell.inner_text())


def has_colour(png: bytes, rgb: tuple[int, int, int], below: float = 0.0, tolerance: int = 40) -> bool:
    """Whether some pixel of the PNG, lower than the top ``below`` of its height, is
    within ``tolerance`` of ``rgb`` in every channel."""
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    px = px[int(below * px.shape[0]) :].reshape(-1, 3)
    return bool((np.abs(px - np.array(rgb)).max(axis=1) < tolerance).any())


def test_network_and_charts_are_drawn(dashboard, tmp_path):
    page = dashboard
    network = loaded(page, page.locator("img.network-image"))
    shot = network.screenshot(path=str(tmp_path / "network.png"))
    colours, ink = image_stats(shot)
    assert colours > 50 and ink > 0.05, f"network looks blank: {colours} colours, {ink:.1%} ink"
    assert has_colour(shot, (214, 39, 40)) or has_colour(shot, (253, 174, 97)), "no resident coloured by participation"

    charts = loaded(page, page.locator(".charts-view img"))
    src_before = charts.get_attribute("src")
    step(page, 3)
    expect(charts).not_to_have_attribute("src", src_before, timeout=STEP_TIMEOUT_MS)
    loaded(page, charts)
    shot = charts.screenshot(path=str(tmp_path / "charts.png"))
    colours, ink = image_stats(shot)
    assert colours > 20 and ink > 0.02, f"charts look blank: {colours} colours, {ink:.1%} ink"
    assert has_colour(shot, (31, 119, 180), below=CHART_LEGEND), "no setup-A line (tab:blue) in the charts"


def test_step_advances_the_week_shown_and_redraws_the_network(dashboard):
    page = dashboard
    network = loaded(page, page.locator("img.network-image"))
    src_before = network.get_attribute("src")
    step(page)
    expect(network).not_to_have_attribute("src", src_before, timeout=STEP_TIMEOUT_MS)
    step(page)
    assert metric(page, "residents") > 900


def test_run_goes_on_by_itself_until_paused(dashboard):
    page = dashboard
    label = page.locator(".week-label")
    page.get_by_role("button", name="Run").click()
    page.wait_for_function(
        "() => +document.querySelector('.week-label').innerText.split(' ')[1] >= 10", timeout=STEP_TIMEOUT_MS
    )
    page.get_by_role("button", name="Pause").click()  # the page stays responsive while running
    expect(page.get_by_role("button", name="Run")).to_be_visible(timeout=10_000)
    paused = label.inner_text()
    page.wait_for_timeout(1_500)
    assert label.inner_text() == paused, "the run went on after Pause"


def test_clicking_a_resident_inspects_them(dashboard):
    page = dashboard
    # the same scenario drawn by the same code in this process: where slot 30 lands
    session = runs.DashboardSession()
    session.reset(load_scenario(SCENARIO))
    session.network_png(live_view.DEFAULT_COLOUR)
    x, y = session.network.where_drawn(30)
    network = loaded(page, page.locator("img.network-image"))
    box = network.bounding_box()
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    state = page.locator("table.resident-state")
    expect(state).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(state.locator("tr:has(th:text-is('slot')) td")).to_have_text("30")
    expect(page.get_by_label("inspect resident (dwelling slot)")).to_have_value("30")
    expect(page.locator("table.resident-ties")).to_be_visible()


def test_switching_activities_on_changes_the_run(dashboard):
    page = dashboard
    step(page, 12)
    aware_without = metric(page, "aware_share")
    switch_on(page, "checkbox", "activities")
    expect(page.get_by_text("Settings changed: press Reset to run them.")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".week-label")).to_have_text("Week 0 of 520", timeout=STEP_TIMEOUT_MS)
    step(page, 12)
    aware_with = metric(page, "aware_share")
    # same seed, so only the intervention differs (activities spread word of the scheme)
    assert aware_with != aware_without, "switching activities on did not change the run"


def test_compare_panel_sets_the_intervention_against_the_same_seed(dashboard, tmp_path):
    page = dashboard
    switch_on(page, "switch", "run setup B beside A")
    expect(page.locator(".running-scenario")).to_contain_text("B: old_estate +activities", timeout=STEP_TIMEOUT_MS)
    step(page, 12)
    assert metric(page, "aware_share", 2) != 0.0, "B (with activities) should differ from A"
    assert metric(page, "residents", 2) == 0.0, "same seed, same demography: the same residents"
    charts = loaded(page, page.locator(".charts-view img"))
    shot = charts.screenshot(path=str(tmp_path / "compare.png"))
    assert has_colour(shot, (255, 127, 14), below=CHART_LEGEND), "no setup-B line (tab:orange) in the charts"


def test_downloads_a_valid_scenario_and_the_weekly_csv(dashboard, tmp_path, capsys):
    page = dashboard
    switch_on(page, "checkbox", "platform")
    with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
        page.get_by_role("button", name="Save settings as scenario TOML").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "old_estate.toml"
    assert mutualaid(["validate", str(saved)]) == 0, capsys.readouterr().err
    assert load_scenario(saved).interventions.platform.enabled

    step(page, 3)
    with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
        page.get_by_role("button", name="Download weekly data (CSV)").click()
    data = tmp_path / "weekly.csv"
    info.value.save_as(data)
    rows = list(csv.DictReader(data.open()))
    assert [r["week"] for r in rows] == ["0", "1", "2"]
    assert {r["setup"] for r in rows} == {"A"} and rows[0]["scenario"] == "old_estate"


def test_choosing_or_uploading_a_scenario_opens_it(dashboard, tmp_path):
    page = dashboard
    page.locator(".v-select", has_text="scenario file").click()
    page.get_by_role("option", name="rural_village.toml").click()
    expect(page.locator(".running-scenario")).to_contain_text("rural_village — 1000 residents", timeout=STEP_TIMEOUT_MS)
    upload = tmp_path / "tiny.toml"
    upload.write_text('extends = "old_estate.toml"\nname = "tiny"\n[community]\nresidents = 200\n')
    page.locator(".scenario-upload input[type=file]").set_input_files(upload)
    expect(page.locator(".running-scenario")).to_contain_text("tiny — 200 residents", timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_label("residents")).to_have_value("200")


def test_a_scenario_uploaded_with_its_survey_csvs_runs_that_community(dashboard, tmp_path):
    page = dashboard
    survey = ROOT / "scenarios" / "survey_example"
    scenario = tmp_path / "ours.toml"
    scenario.write_text(
        'name = "ours"\n[community]\nresidents_file = "survey/residents.csv"\nedges_file = "edges.csv"\n'
    )
    page.locator(".scenario-upload input[type=file]").set_input_files(
        [scenario, survey / "residents.csv", survey / "edges.csv"]
    )
    expect(page.locator(".running-scenario")).to_contain_text("ours — 60 residents", timeout=STEP_TIMEOUT_MS)
    bad = tmp_path / "leak.toml"
    bad.write_text('[community]\nresidents_file = "/proc/self/environ"\n')
    page.locator(".scenario-upload input[type=file]").set_input_files(bad)
    expect(
        page.get_by_text("leak.toml: community.residents_file: '/proc/self/environ' is not among the uploaded files")
    ).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".running-scenario")).to_contain_text("ours — 60 residents")


def test_an_upload_near_the_limit_arrives_whole_and_one_past_it_is_refused(dashboard, tmp_path):
    page = dashboard
    padding = "#" + "x" * 99 + "\n"
    # each scenario file is at most MAX_SCENARIO_BYTES, so the upload nears its own limit
    # as a chain of files that extend one another, each just under the file limit
    parts = uploads.MAX_UPLOAD_BYTES // MAX_SCENARIO_BYTES
    lines = (min(MAX_SCENARIO_BYTES, uploads.MAX_UPLOAD_BYTES // parts) - 200) // len(padding)
    chain = [tmp_path / ("padded.toml" if i == 0 else f"part{i}.toml") for i in range(parts)]
    for i, file in enumerate(chain):
        head = 'name = "padded"\n' if i == 0 else ""
        extends = f'extends = "{chain[i + 1].name}"\n' if i + 1 < parts else ""
        tail = "[community]\nresidents = 150\n" if i + 1 == parts else ""
        file.write_text(extends + head + padding * lines + tail)
    assert uploads.MAX_UPLOAD_BYTES - 2_000 * parts < sum(f.stat().st_size for f in chain) < uploads.MAX_UPLOAD_BYTES
    page.locator(".scenario-upload input[type=file]").set_input_files(chain)
    expect(page.locator(".running-scenario")).to_contain_text("padded — 150 residents", timeout=STEP_TIMEOUT_MS)
    past = tmp_path / "past.toml"
    past.write_text(padding * (uploads.MAX_UPLOAD_BYTES // len(padding) + 1))
    page.locator(".scenario-upload input[type=file]").set_input_files(past)
    expect(page.get_by_text(f"an upload is at most {uploads.MAX_UPLOAD_BYTES:,} bytes")).to_be_visible(
        timeout=STEP_TIMEOUT_MS
    )
