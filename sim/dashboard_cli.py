"""``mutualaid dashboard``: serve the Solara dashboard (``dashboards/app.py``) offline.

A Solara page loads its front end through the server's CDN proxy, and these
machines reach no CDN: the page would stay blank. The proxy serves from a cache
filled from the npm registry by ``dashboards/prepare_assets.py`` (see
dashboards/OFFLINE.md). This command checks that cache exists (and says how to make
it if not), points the server at it, closes the CDN fallback and the telemetry,
hands the initial scenario to the app in :data:`INITIAL_SCENARIO_ENV`, and replaces
itself with ``solara run``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
ASSETS = ROOT / "dashboards" / ".assets_cache"
ASSET_MARKER = ".solara-offline.json"  # written by prepare_assets.py for each unpacked package
INITIAL_SCENARIO_ENV = "MUTUALAID_DASHBOARD_SCENARIO"
CLOSED_CDN = "http://127.0.0.1:9/npm/"  # nothing listens there: a cache miss fails at once, never leaves the host
EXIT_SETUP = 1


def register_dashboard(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` command to the ``mutualaid`` parser's subcommands."""
    p = subparsers.add_parser("dashboard", help="serve the interactive dashboard (Solara, works offline)")
    p.add_argument("scenario", nargs="?", help="scenario file to open with (default: scenarios/old_estate.toml)")
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1; the dashboard has no login, bind others with care)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--dev", action="store_true", help="Solara's development mode: reload when a source file changes")
    p.set_defaults(func=cmd_dashboard)


def asset_cache(environ: dict[str, str] | os._Environ) -> Path:
    """The asset cache the server will read: $SOLARA_ASSETS_PROXY_CACHE_DIR or the project's."""
    return Path(environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or ASSETS).resolve()


def missing_assets_message(cache: Path) -> str:
    return (
        f"The dashboard's offline front-end assets are missing (no {ASSET_MARKER} under {cache}).\n"
        "Without them the page stays blank: Solara would fetch its front end from a CDN that this\n"
        "machine cannot reach. Create them once from the npm registry (needs npm), then retry:\n\n"
        f"    {sys.executable} {ROOT / 'dashboards' / 'prepare_assets.py'}"
        + (f" --dest {cache}" if cache != ASSETS.resolve() else "")
        + "\n\n(or `bash .ci/setup_browser.sh`, which also installs Chromium for the browser tests;"
        " see dashboards/OFFLINE.md)"
    )


def dashboard_command(args: argparse.Namespace, environ: dict[str, str] | os._Environ) -> tuple[list[str], dict[str, str]]:
    """The ``solara run`` command line and its environment."""
    env = dict(environ)
    env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(asset_cache(environ))
    env["SOLARA_ASSETS_PROXY"] = "true"  # Solara turns the proxy off inside VS Code, Colab and Voila
    env.setdefault("SOLARA_ASSETS_CDN", CLOSED_CDN)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env.setdefault("MPLBACKEND", "Agg")
    if args.scenario:
        env[INITIAL_SCENARIO_ENV] = str(Path(args.scenario).resolve())
    else:
        env.pop(INITIAL_SCENARIO_ENV, None)
    argv = [sys.executable, "-m", "solara", "run", str(APP), "--host", args.host, "--port", str(args.port),
            "--no-open", "--no-check-version"]
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
    if not any(cache.glob(f"**/{ASSET_MARKER}")):
        print(missing_assets_message(cache), file=sys.stderr)
        return EXIT_SETUP
    argv, env = dashboard_command(args, os.environ)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: anyone who can reach it can use the dashboard", file=sys.stderr)
    print(f"mutualaid dashboard: http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    os.execvpe(argv[0], argv, env)  # replaces this process; returns only by raising OSError
