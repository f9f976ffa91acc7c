"""``mutualaid dashboard``: serve the Solara dashboard (``dashboards/app.py``).

A Solara page loads its front end (Vue/Vuetify bundle, require.js, font-awesome)
from a public CDN. Where the browser can reach it, that is all it needs. Where it
cannot (these machines reach the npm registry but no CDN), the page stays blank
unless the server serves the front end itself, from a cache filled from the npm
registry by ``dashboards/prepare_assets.py`` (see dashboards/OFFLINE.md).

So this command serves offline when that cache exists: it points the server's proxy
at it and closes the CDN fallback. Without the cache it starts anyway, the page
loading its front end from Solara's default CDN, and says in one line that the
browser needs internet access and how to make the cache. Either way it turns the
telemetry off, hands the initial scenario to the app in
:data:`INITIAL_SCENARIO_ENV`, and replaces itself with ``solara run``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
ASSETS = ROOT / "dashboards" / ".assets_cache"
ASSET_MARKER = ".solara-offline.json"  # written by prepare_assets.py for each unpacked package
INITIAL_SCENARIO_ENV = "MUTUALAID_DASHBOARD_SCENARIO"
CLOSED_CDN = "http://127.0.0.1:9/npm/"  # nothing listens there: a cache miss fails at once, never leaves the host
EXIT_SETUP = 1


def register_dashboard(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` command to the ``mutualaid`` parser's subcommands."""
    p = subparsers.add_parser(
        "dashboard", help="serve the interactive dashboard (Solara; offline once its asset cache is made)"
    )
    p.add_argument("scenario", nargs="?", help="scenario file to open with (default: scenarios/old_estate.toml)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; the dashboard has no login, bind others with care)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--dev", action="store_true", help="Solara's development mode: reload when a source file changes")
    p.set_defaults(func=cmd_dashboard)


def asset_cache(environ: dict[str, str] | os._Environ) -> Path:
    """The asset cache the server will read: $SOLARA_ASSETS_PROXY_CACHE_DIR or the project's."""
    return Path(environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or ASSETS).resolve()


def has_asset_cache(cache: Path) -> bool:
    """Whether ``prepare_assets.py`` has unpacked packages into ``cache``."""
    return any(cache.glob(f"**/{ASSET_MARKER}"))


def online_note(cache: Path, environ: dict[str, str] | os._Environ) -> str:
    """The one line saying where the page's front end comes from without the cache."""
    cdn = environ.get("SOLARA_ASSETS_CDN") or "https://cdn.jsdelivr.net/npm/"
    prepare = f"{sys.executable} {ROOT / 'dashboards' / 'prepare_assets.py'}"
    if cache != ASSETS.resolve():
        prepare += f" --dest {cache}"
    return (
        f"note: no offline asset cache in {cache}: the page loads its front end from {cdn}, so the browser "
        f"needs internet access; to serve it offline, make the cache once (needs npm): {prepare}"
    )


def dashboard_command(
    args: argparse.Namespace, environ: dict[str, str] | os._Environ, offline: bool
) -> tuple[list[str], dict[str, str]]:
    """The ``solara run`` command line and its environment: serving the front end from
    the asset cache (``offline``), or letting the browser load it from the CDN."""
    env = dict(environ)
    if offline:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(asset_cache(environ))
        env["SOLARA_ASSETS_PROXY"] = "true"  # Solara turns the proxy off inside VS Code, Colab and Voila
        env.setdefault("SOLARA_ASSETS_CDN", CLOSED_CDN)
    else:
        # the browser fetches from the CDN itself: the server may have no internet access where the browser has
        env["SOLARA_ASSETS_PROXY"] = "false"
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env.setdefault("MPLBACKEND", "Agg")
    if args.scenario:
        env[INITIAL_SCENARIO_ENV] = str(Path(args.scenario).resolve())
    else:
        env.pop(INITIAL_SCENARIO_ENV, None)
    argv = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--no-open",
        "--no-check-version",
    ]
    if not args.dev:
        argv.append("--production")
    return argv, env


def cmd_dashboard(args: argparse.Namespace) -> int:
    if args.scenario:
        load_scenario(args.scenario)  # a bad file is reported by the CLI as one line per problem
    if not APP.is_file():
        print(f"error: {APP} not found: the dashboard runs from a source checkout of mutualaid-sim", file=sys.stderr)
        return EXIT_SETUP
    cache = asset_cache(os.environ)
    offline = has_asset_cache(cache)
    if not offline:
        print(online_note(cache, os.environ), file=sys.stderr)
    argv, env = dashboard_command(args, os.environ, offline)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: anyone who can reach it can use the dashboard", file=sys.stderr)
    print(f"mutualaid dashboard: http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    os.execvpe(argv[0], argv, env)  # replaces this process; returns only by raising OSError
