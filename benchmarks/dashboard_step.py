#!/usr/bin/env python3
"""How long one dashboard frame takes at 1,000 residents, without the browser.

A frame of the dashboard's run loop is: advance the model, redraw the network
(PNG), redraw the charts (PNG). This times those parts separately over many frames,
for setup A alone and for A and B compared; then the same frame as the page does it
(``solara.render`` of the real page, a click on Step: widget updates and base64
included, only the browser and the websocket left out).

    .venv/bin/python benchmarks/dashboard_step.py [--scenario FILE] [--frames N] [--record]

``--record`` writes the numbers with the machine and versions to
benchmarks/results/dashboard_step.json. Target: a frame well under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from dashboards import runs, settings_draft
from sim.cli.dashboard import INITIAL_SCENARIO_ENV
from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "benchmarks" / "results" / "dashboard_step.json"


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": 1000 * statistics.median(ordered),
        "p90_ms": 1000 * ordered[int(0.9 * (len(ordered) - 1))],
        "max_ms": 1000 * ordered[-1],
    }


def time_core(scenario, frames: int, compare: bool, warmup_weeks: int) -> dict[str, dict[str, float]]:
    """Model step, network and charts of ``frames`` frames (one week each)."""
    session = runs.DashboardSession()
    b = (
        settings_draft.compare_setups(settings_draft.draft_from_scenario(scenario), "activities")[1]
        if compare
        else None
    )
    started = time.perf_counter()
    session.reset(scenario, b)
    reset = time.perf_counter() - started
    session.step(warmup_weeks)  # a run under way: ties formed, charts with history
    session.network_png("participation", selected=0)
    session.charts_png()
    parts: dict[str, list[float]] = {"model step": [], "network": [], "charts": [], "frame": []}
    for _ in range(frames):
        t0 = time.perf_counter()
        session.step(1)
        t1 = time.perf_counter()
        session.network_png("participation", selected=0)
        t2 = time.perf_counter()
        session.charts_png()
        t3 = time.perf_counter()
        parts["model step"].append(t1 - t0)
        parts["network"].append(t2 - t1)
        parts["charts"].append(t3 - t2)
        parts["frame"].append(t3 - t0)
    out = {name: _summary(values) for name, values in parts.items()}
    out["reset (build + burn-in + layout)"] = {"median_ms": 1000 * reset}
    return out


def time_page(scenario_path: Path, frames: int) -> dict[str, float]:
    """A click on Step in the rendered page, until the page has re-rendered."""
    os.environ[INITIAL_SCENARIO_ENV] = str(scenario_path)
    import ipyvuetify as v  # noqa: PLC0415
    import solara  # noqa: PLC0415

    from dashboards import app  # noqa: PLC0415

    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        button = rc.find(v.Btn, children=["Step"]).widget
        button.click()
        seconds = []
        for _ in range(frames):
            t0 = time.perf_counter()
            button.click()  # handler and re-render run synchronously
            seconds.append(time.perf_counter() - t0)
    finally:
        rc.close()
    return _summary(seconds)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("mesa", "numpy", "matplotlib", "pillow", "solara", "reacton"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "old_estate.toml")
    ap.add_argument("--residents", type=int, default=1000)
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--warmup-weeks", type=int, default=52)
    ap.add_argument("--record", action="store_true", help=f"write the results to {RESULTS.relative_to(ROOT)}")
    args = ap.parse_args(argv)

    scenario = load_scenario(args.scenario, [f"community.residents={args.residents}"])
    results = {
        "A alone": time_core(scenario, args.frames, compare=False, warmup_weeks=args.warmup_weeks),
        "A and B compared": time_core(scenario, args.frames, compare=True, warmup_weeks=args.warmup_weeks),
    }
    file_residents = load_scenario(args.scenario).community.residents
    if file_residents == args.residents:  # the page opens the file as it is
        results["page (solara.render, Step click)"] = {"frame": time_page(args.scenario.resolve(), args.frames)}
    else:
        print(f"page timing skipped: {args.scenario.name} has {file_residents} residents, not {args.residents}")

    print(
        f"{args.scenario.name}, {args.residents} residents, {args.frames} frames of one week "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"
    )
    for setup, parts in results.items():
        print(f"\n{setup}")
        for part, stats in parts.items():
            print(f"  {part:34s} " + "  ".join(f"{k} {v:7.1f}" for k, v in stats.items()))

    if args.record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(
            json.dumps(
                {
                    "benchmark": "dashboard_step",
                    "scenario": str(args.scenario.relative_to(ROOT))
                    if args.scenario.is_relative_to(ROOT)
                    else str(args.scenario),
                    "residents": args.residents,
                    "frames": args.frames,
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
                    "versions": versions(),
                    "results": results,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"\nrecorded in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
