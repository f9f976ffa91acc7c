"""End-to-end smoke test: a Solara app served fully offline, driven by headless Chromium.

Needs (installed by ``bash .ci/setup_browser.sh``):
  * Debian's chromium at /usr/bin/chromium (``playwright install`` cannot download here),
  * the offline Solara asset cache filled by ``dashboards/prepare_assets.py``.
In CI (``CI`` set) missing prerequisites fail the test; elsewhere they skip it.

The server is ``solara run`` in a subprocess on a free loopback port, pointed at the
cache by ``SOLARA_ASSETS_PROXY_CACHE_DIR``; its CDN is set to a closed loopback port so
any cache miss fails fast (and shows in the log) instead of reaching out.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboards" / "_smoke_app.py"
ASSETS = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or ROOT / "dashboards" / ".assets_cache")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 90  # s; cold start (imports + kernel) is ~5-10 s on 2 cores
UI_TIMEOUT_MS = 60_000  # first page load pulls ~6 MB of JS through the proxy


def _prerequisites() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python package 'playwright' is not installed"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"{CHROMIUM} missing: run `bash .ci/setup_browser.sh`"
    if not any(ASSETS.glob("**/.solara-offline.json")):
        return f"offline Solara assets missing in {ASSETS}: run `bash .ci/setup_browser.sh`"
    return None


_missing = _prerequisites()
if _missing:
    if os.environ.get("CI"):
        pytest.fail(f"e2e prerequisites missing: {_missing}", pytrace=False)
    pytest.skip(_missing, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _offline_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOLARA_ASSETS_PROXY_CACHE_DIR=str(ASSETS.resolve()),
        SOLARA_ASSETS_PROXY="true",  # otherwise off when VSCODE_PID etc. is set
        SOLARA_ASSETS_CDN="http://127.0.0.1:9/npm/",  # closed port: a cache miss fails fast, never leaves the host
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="false",
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
    )
    return env


def _tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "<no log>"


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def _start_solara(app: Path, log_path: Path, production: bool) -> tuple[subprocess.Popen, str]:
    """Start `solara run` on a free port; retry on a port race. Returns (process, base url)."""
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        cmd = [
            sys.executable, "-m", "solara", "run", str(app),
            "--host", "127.0.0.1", "--port", str(port),
            "--no-open", "--no-check-version",
        ]  # fmt: skip
        if production:
            cmd.append("--production")
        log = open(log_path, "ab")  # noqa: SIM115 - closed below, file outlives Popen
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=_offline_env(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,  # own process group for teardown
        )  # fmt: skip
        log.close()
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                last_error = f"solara exited with {proc.returncode}"
                break
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return proc, url
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        else:
            last_error = f"no HTTP 200 from {url} within {SERVER_START_TIMEOUT}s"
        _stop(proc)
    raise RuntimeError(f"{last_error}\n--- server log ---\n{_tail(log_path)}")


@pytest.fixture(params=["dev", "production"])
def solara_server(request, tmp_path) -> Iterator[tuple[str, Path]]:
    log_path = tmp_path / "solara.log"
    proc, url = _start_solara(APP, log_path, production=request.param == "production")
    try:
        yield url, log_path
    finally:
        _stop(proc)


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
    external: list[str] = []
    bad: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})

            def _only_loopback(route):
                if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                    route.continue_()
                else:  # the page must not depend on anything off this host
                    external.append(route.request.url)
                    route.abort()

            context.route("**/*", _only_loopback)
            page = context.new_page()
            page.on("response", lambda r: r.status >= 400 and bad.append(f"{r.status} {r.url}"))
            page.on("requestfailed", lambda r: "127.0.0.1" in r.url and bad.append(f"failed {r.url}"))
            try:
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
            except Exception:
                page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                print(f"screenshot: {tmp_path / 'failure.png'}\n--- server log ---\n{_tail(log_path)}")
                raise
            finally:
                context.close()
        finally:
            browser.close()

    log = log_path.read_text(errors="replace")
    assert "Could not load URL" not in log, f"asset cache miss (run prepare_assets.py):\n{_tail(log_path)}"
    assert not [b for b in bad if "/_solara/" in b], f"failed asset requests: {bad}"
    # solara's own "success.html" beacon is the only external request we tolerate (and abort)
    assert all("solara.dev" in u for u in external), f"page tried to reach outside: {external}"
