"""Shared machinery of the browser end-to-end tests: a Solara server started offline
and headless Debian Chromium driven by Playwright.

Needs (installed by ``bash .ci/setup_browser.sh``):
  * Debian's chromium at /usr/bin/chromium (``playwright install`` cannot download here),
  * the offline Solara asset cache filled by ``dashboards/prepare_assets.py``.
A test module calls :func:`require_prerequisites` at import: in CI (``CI`` set) a
missing prerequisite fails it, elsewhere it is skipped.

The server is ``solara run`` in a subprocess (its own process group, so teardown
stops it and its children) on a free loopback port, pointed at the cache by
``SOLARA_ASSETS_PROXY_CACHE_DIR``; its CDN is a closed loopback port, so a cache miss
fails fast and shows in the log instead of reaching out. The browser context lets
only loopback requests through and records any other attempt.
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
CLOSED_CDN = "http://127.0.0.1:9/npm/"  # nothing listens there: a cache miss fails at once


def prerequisites() -> str | None:
    """What is missing for the browser tests, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python package 'playwright' is not installed"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"{CHROMIUM} missing: run `bash .ci/setup_browser.sh`"
    if not any(ASSETS.glob("**/.solara-offline.json")):
        return f"offline Solara assets missing in {ASSETS}: run `bash .ci/setup_browser.sh`"
    return None


def require_prerequisites() -> None:
    """Fail (in CI) or skip (elsewhere) the calling test module if something is missing."""
    missing = prerequisites()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"e2e prerequisites missing: {missing}", pytrace=False)
        pytest.skip(missing, allow_module_level=True)


def expect(actual: Any) -> Any:
    """Playwright's ``expect`` for ``actual`` (a page or locator). Imported when called,
    so that a test module imports without playwright and :func:`require_prerequisites`
    can skip it (or fail it in CI) with the reason."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offline_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOLARA_ASSETS_PROXY_CACHE_DIR=str(ASSETS.resolve()),
        SOLARA_ASSETS_PROXY="true",  # otherwise off when VSCODE_PID etc. is set
        SOLARA_ASSETS_CDN=CLOSED_CDN,
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="false",
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "<no log>"


def stop(proc: subprocess.Popen) -> None:
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
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def start_solara(
    app: Path, log_path: Path, production: bool, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `solara run` on a free port; retry on a port race. Returns (process, base url)."""
    last_error = ""
    for _attempt in range(3):
        port = free_port()
        cmd = [
            sys.executable, "-m", "solara", "run", str(app),
            "--host", "127.0.0.1", "--port", str(port),
            "--no-open", "--no-check-version",
        ]  # fmt: skip
        if production:
            cmd.append("--production")
        log = open(log_path, "ab")  # closed below, file outlives Popen
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=offline_env(env), stdout=log, stderr=subprocess.STDOUT,
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
        stop(proc)
    raise RuntimeError(f"{last_error}\n--- server log ---\n{tail(log_path)}")


@contextlib.contextmanager
def solara_server(app: Path, log_path: Path, production: bool, env: dict[str, str] | None = None) -> Iterator[str]:
    """A running offline Solara server for ``app``; yields its base url."""
    proc, url = start_solara(app, log_path, production, env)
    try:
        yield url
    finally:
        stop(proc)


@dataclass
class BrowserSession:
    """A page in headless Chromium, and what it tried that it should not have."""

    page: object  # playwright.sync_api.Page
    external: list[str] = field(default_factory=list)  # requests that tried to leave the host (aborted)
    bad: list[str] = field(default_factory=list)  # loopback requests that failed or answered >= 400


@contextlib.contextmanager
def chromium_page(
    log_path: Path, artefacts: Path, viewport: dict[str, int] | None = None, accept_downloads: bool = False
) -> Iterator[BrowserSession]:
    """A fresh Chromium page that may reach only 127.0.0.1. On a failure inside the
    block it saves a full-page screenshot to ``artefacts`` and prints the server log."""
    from playwright.sync_api import sync_playwright  # only once prerequisites are met

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            size = viewport or {"width": 1280, "height": 800}
            context = browser.new_context(
                viewport={"width": size["width"], "height": size["height"]}, accept_downloads=accept_downloads
            )
            session = BrowserSession(page=None)

            def only_loopback(route):
                if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                    route.continue_()
                else:  # the page must not depend on anything off this host
                    session.external.append(route.request.url)
                    route.abort()

            context.route("**/*", only_loopback)
            page = context.new_page()
            session.page = page

            def answered(response) -> None:
                if response.status >= 400:
                    session.bad.append(f"{response.status} {response.url}")

            def failed(request) -> None:
                if "127.0.0.1" in request.url:
                    session.bad.append(f"failed {request.url}")

            page.on("response", answered)
            page.on("requestfailed", failed)
            try:
                yield session
            except Exception:
                shot = artefacts / "failure.png"
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot: {shot}\n--- server log ---\n{tail(log_path)}")
                raise
            finally:
                context.close()
        finally:
            browser.close()


def assert_served_offline(log_path: Path, session: BrowserSession) -> None:
    """The server never fell back to the CDN, no Solara asset failed, and the page
    reached nothing off the host (solara's own "success.html" beacon is tolerated,
    and aborted)."""
    log = log_path.read_text(errors="replace")
    assert "Could not load URL" not in log, f"asset cache miss (run prepare_assets.py):\n{tail(log_path)}"
    assert not [b for b in session.bad if "/_solara/" in b], f"failed asset requests: {session.bad}"
    assert all("solara.dev" in u for u in session.external), f"page tried to reach outside: {session.external}"


def image_stats(png: bytes) -> tuple[int, float]:
    """(distinct colours, fraction of non-white pixels) of a PNG: a blank or
    placeholder image has few colours and almost no ink."""
    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    return len(np.unique(px, axis=0)), float(np.mean(px.sum(axis=1) < 720))
