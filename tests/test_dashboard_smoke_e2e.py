"""End-to-end smoke test: a Solara app served fully offline, driven by headless Chromium.

Needs (installed by ``bash .ci/setup_browser.sh``):
  * Debian's chromium at /usr/bin/chromium (``playwright install`` cannot download here),
  * the offline Solara asset cache filled by ``dashboards/prepare_assets.py``.
In CI (``CI`` set) missing prerequisites fail the test; elsewhere they skip it.

The server is ``solara run`` in a subprocess on a free loopback port, pointed at the
cache by ``SOLARA_ASSETS_PROXY_CACHE_DIR``; its CDN is set to a closed loopback port so
any cache miss fails fast (and shows in the log) instead of reaching out. The
machinery is shared with the dashboard's own browser tests (``e2e_support``).
"""

from __future__ import annotations

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
    require_prerequisites,
)
from e2e_support import (
    solara_server as serve,
)
from PIL import Image

require_prerequisites()

APP = ROOT / "dashboards" / "_smoke_app.py"


@pytest.fixture(params=["dev", "production"])
def solara_server(request, tmp_path) -> Iterator[tuple[str, Path]]:
    log_path = tmp_path / "solara.log"
    with serve(APP, log_path, production=request.param == "production") as url:
        yield url, log_path


def _figure_stats(png: bytes) -> tuple[int, float, bool, bool]:
    """(distinct colours, fraction of non-white pixels, has red, has blue) of a screenshot."""
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    r, g, b = px[:, 0], px[:, 1], px[:, 2]
    non_white = float(np.mean(px.sum(axis=1) < 720))
    has_red = bool(np.any((r - np.maximum(g, b)) > 60))  # the tab:red sine line
    has_blue = bool(np.any((b - r) > 50))  # the tab:blue fill
    return len(np.unique(px, axis=0)), non_white, has_red, has_blue


def test_smoke_app_offline_in_chromium(solara_server, tmp_path):
    url, log_path = solara_server
    with chromium_page(log_path, tmp_path) as browser:
        page = browser.page
        page.goto(url, timeout=UI_TIMEOUT_MS)

        button = page.get_by_role("button", name="Increment")
        expect(button).to_be_visible(timeout=UI_TIMEOUT_MS)
        expect(page.get_by_text("Clicked: 0")).to_be_visible(timeout=UI_TIMEOUT_MS)

        figure = page.locator("main img[src^='blob:'], main img[src^='data:image/']").first
        expect(figure).to_be_visible(timeout=UI_TIMEOUT_MS)
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
        src_before = figure.get_attribute("src")
        shot = figure.screenshot(path=str(tmp_path / "figure.png"), animations="disabled")
        colours, ink, red, blue = _figure_stats(shot)
        assert colours > 20 and ink > 0.05 and red and blue, (
            f"figure looks blank: {colours} colours, {ink:.1%} non-white, red={red}, blue={blue}"
        )

        button.click()
        expect(page.get_by_text("Clicked: 1")).to_be_visible(timeout=30_000)
        # the figure is redrawn server-side and pushed over the websocket
        expect(figure).not_to_have_attribute("src", src_before, timeout=30_000)
        button.click()
        expect(page.get_by_text("Clicked: 2")).to_be_visible(timeout=30_000)

    assert_served_offline(log_path, browser)
