"""How a sweep scales with workers, and what the orchestration costs per run.

Times the same small sweep (two settings × replicates, a 1,000-resident community by
default) in-process (``--workers 1``), on a process pool of 2 workers, and optionally
on a local Dask cluster, then prints for each:

- wall: the whole ``mutualaid sweep`` call (loading the experiment, starting the
  pool, running, writing every run, consolidating the results folder);
- model: the sum over runs of the time spent inside the model (measured in the
  worker around construction, run and summary);
- speed-up: in-process wall / this wall;
- overhead per run: (wall − model / workers) / runs — everything that is not model
  time, spread over the runs: pool start-up, pickling scenarios and results, writing
  and consolidating Parquet, waiting on stragglers at the end;
- start-up: from the call to the start of the first run (loading the experiment,
  starting the pool: spawned workers import the package);
- gap/run: the median time a worker idles between handing back one run and starting
  the next (the per-run cost of dispatching and storing), from the run records.

When other work shares the cores, the model time grows and the speed-up shrinks;
start-up and gap/run are the orchestration's own costs and barely change.

On a shared machine other processes steal cores from the workers; ``--repeat`` times
each configuration several times and keeps the fastest, the least disturbed, and the
load average before and after is printed and recorded so a disturbed measurement
shows as one.

    .venv/bin/python benchmarks/sweep_scaling.py [--replicates 6] [--weeks 156]
        [--residents 1000] [--repeat 3] [--dask] [--record benchmarks/sweep_scaling.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from sim.cli import main
from sim.experiments.store import ResultsStore

ROOT = Path(__file__).resolve().parents[1]


def experiment_text(replicates: int, weeks: int, residents: int) -> str:
    scenarios = "".join(
        f'[[scenarios]]\nname = "{name}"\nfile = "{ROOT / "scenarios" / f"{name}.toml"}"\n\n'
        for name in ("new_estate", "old_estate")
    )
    return (
        f'name = "sweep_scaling"\nreplicates = {replicates}\nroot_seed = 1\nweeks = {weeks}\n'
        f"residents = {residents}\n\n{scenarios}"
    )


def timed_sweep(experiment: Path, out: Path, workers: int, dask: bool) -> dict[str, float]:
    """One sweep, timed from outside and, through the run records, from inside."""
    argv = ["sweep", str(experiment), "--workers", str(workers), "--out", str(out), "--quiet"]
    if dask:
        argv += ["--scheduler", "local"]
    called = datetime.now(UTC)
    clock = time.perf_counter()
    code = main(argv)
    wall = time.perf_counter() - clock
    if code != 0:
        raise SystemExit(f"sweep failed with exit status {code}")
    session = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    runs = session["ok"]
    records = sorted(ResultsStore(out).records().values(), key=lambda r: r["started"])
    started = [datetime.fromisoformat(r["started"]) for r in records]
    finished = [datetime.fromisoformat(r["finished"]) for r in records]
    # the idle time of a worker between handing back one run and starting the next
    gaps = [
        (started[j] - finished[i]).total_seconds()
        for pid in {r["pid"] for r in records}
        for i, j in pairwise([k for k, r in enumerate(records) if r["pid"] == pid])
    ]
    return {
        "workers": workers,
        "runs": runs,
        "wall_seconds": wall,
        "model_seconds": session["model_seconds"],
        "overhead_per_run_seconds": (wall - session["model_seconds"] / workers) / runs,
        "start_up_seconds": (min(started) - called).total_seconds(),
        "dispatch_gap_median_seconds": statistics.median(gaps) if gaps else 0.0,
        "executor": session["executor"],
    }


def main_benchmark() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=6)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each configuration this many times, keep the fastest"
    )
    parser.add_argument("--dask", action="store_true", help="also time a local Dask cluster of 2 workers")
    parser.add_argument("--record", type=Path, help="write the measurements to this JSON file")
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        experiment = Path(folder) / "sweep_scaling.toml"
        experiment.write_text(experiment_text(args.replicates, args.weeks, args.residents), encoding="utf-8")
        configurations = [("in-process", 1, False), ("process pool", 2, False)]
        if args.dask:
            configurations.append(("dask local", 2, True))
        results = []
        for label, workers, dask in configurations:
            trials = [
                timed_sweep(experiment, Path(folder) / f"{label.replace(' ', '_')}-{trial}", workers, dask)
                for trial in range(args.repeat)
            ]
            results.append({"label": label, **min(trials, key=lambda t: t["wall_seconds"])})

    load_after = os.getloadavg()
    serial = results[0]["wall_seconds"]
    print(
        f"{results[0]['runs']} runs: 2 settings × {args.replicates} replicates, {args.residents} residents, "
        f"{args.weeks} weeks; {os.cpu_count()} CPUs; 1-minute load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (other work on the machine slows the parallel runs)"
    )
    print(
        f"{'executor':<14}{'workers':>8}{'wall s':>9}{'model s':>9}{'speed-up':>10}{'overhead/run s':>16}"
        f"{'start-up s':>12}{'gap/run ms':>12}"
    )
    for r in results:
        print(
            f"{r['label']:<14}{r['workers']:>8}{r['wall_seconds']:>9.2f}{r['model_seconds']:>9.2f}"
            f"{serial / r['wall_seconds']:>10.2f}{r['overhead_per_run_seconds']:>16.3f}"
            f"{r['start_up_seconds']:>12.2f}{1000 * r['dispatch_gap_median_seconds']:>12.1f}"
        )
    if args.record:
        record = {
            "experiment": {
                "replicates": args.replicates,
                "weeks": args.weeks,
                "residents": args.residents,
                "settings": ["new_estate", "old_estate"],
            },
            "repeat": args.repeat,
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "load_average_before": load_before,
                "load_average_after": load_after,
            },
            "measured": time.strftime("%Y-%m-%d"),
            "results": [{**r, "speed_up": serial / r["wall_seconds"]} for r in results],
        }
        args.record.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main_benchmark()
