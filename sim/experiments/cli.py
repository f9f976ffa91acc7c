"""``mutualaid sweep``: run an experiment file and keep its results folder.

    mutualaid sweep EXPERIMENT [--workers N] [--scheduler ADDRESS|local] [--out DIR]
                               [--resume] [--retry-failed] [--quiet]

Exit status: 0 when every run succeeded, 1 when some failed or are still missing,
2 for an invalid experiment or a results folder that is not this experiment's,
130 when interrupted (what finished is kept; ``--resume`` continues).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # the command line imports the heavy modules only when a sweep runs
    from sim.experiments.plan import Experiment, PlannedRun
    from sim.experiments.store import ResultsStore

EXIT_OK, EXIT_INCOMPLETE, EXIT_INTERRUPTED = 0, 1, 130
SHOWN_FAILURES = 5


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def register_sweep(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand to the ``mutualaid`` parser."""
    sweep = sub.add_parser(
        "sweep", help="run an experiment (scenarios × design × replicates) into a results folder",
        description="Run every scenario of an experiment file at every design point for every replicate, "
                    "writing each finished run to the results folder at once (see docs/experiments.md).")
    sweep.add_argument("experiment", help="experiment file (TOML)")
    sweep.add_argument("--workers", type=_positive, metavar="N",
                       help="runs at once (default: the number of CPUs); 1 runs in this process, without a pool")
    sweep.add_argument("--scheduler", metavar="ADDRESS|local",
                       help="run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
                            "LocalCluster of --workers single-threaded workers")
    sweep.add_argument("--out", metavar="DIR", help="results folder (default: results/<experiment name>)")
    sweep.add_argument("--resume", action="store_true",
                       help="continue a sweep in its results folder: run only the runs it does not have")
    sweep.add_argument("--retry-failed", action="store_true",
                       help="with --resume (implied): also rerun the runs that failed")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(func=cmd_sweep)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no message)"


@dataclass
class Session:
    """What one invocation of ``mutualaid sweep`` did."""

    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "failed": 0, "lost": 0})
    lost: list[tuple[str, str]] = field(default_factory=list)
    model_seconds: float = 0.0
    executor: str | None = None
    interrupted: bool = False


def _execute(experiment: Experiment, todo: list[PlannedRun], args: argparse.Namespace, store: ResultsStore,
             on_start: Callable[[str], None]) -> Session:
    """Run ``todo`` on the chosen executor with a progress bar; Ctrl-C ends it early."""
    from tqdm import tqdm

    from sim.experiments.execute import RunOutcome, open_pool, run_sweep

    # tqdm's monitor thread would outlive the bar, and a process with a second thread
    # starts its next sweep's workers with spawn instead of fork (see open_pool)
    tqdm.monitor_interval = 0

    session = Session()
    workers = args.workers or os.cpu_count() or 1
    try:
        with open_pool(workers, args.scheduler) as pool:
            session.executor = pool.description
            on_start(pool.description)
            with tqdm(total=len(todo), unit="run", desc=experiment.name, disable=args.quiet or None,
                      dynamic_ncols=True) as bar:
                def on_done(outcome: RunOutcome | None) -> None:
                    if outcome is None:
                        session.counts["lost"] += 1
                    else:
                        session.counts[outcome.status] += 1
                        session.model_seconds += outcome.model_seconds
                    bar.set_postfix(session.counts, refresh=False)
                    bar.update(1)

                session.lost = run_sweep(experiment, todo, pool, store.write_run, on_done)
    except KeyboardInterrupt:
        session.interrupted = True
        print("interrupted: finished runs are kept; --resume continues", file=sys.stderr)
    return session


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.plan import load_experiment
    from sim.experiments.store import FORMAT, ResultsStore, write_json
    from sim.runner import provenance

    experiment = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / experiment.name
    resume = args.resume or args.retry_failed
    store = ResultsStore(out)
    command = ["mutualaid", *sys.argv[1:]]

    store.check_owner(experiment, resume)  # before the lock file is created in someone else's folder
    with store.locked():
        manifest = store.check_owner(experiment, resume)
        store.prepare()
        recorded = store.recorded() if manifest is not None else {}
        not_rerun = {"ok"} if args.retry_failed else {"ok", "failed"}
        todo = [run for run in experiment.runs if recorded.get(run.run_id) not in not_rerun]
        entry: dict[str, Any] = {"provenance": provenance(command), "executor": None, "started": _now(),
                                 "finished": None, "to_run": len(todo)}
        if manifest is None:
            manifest = {"format": FORMAT, "fingerprint": experiment.fingerprint(),
                        "experiment": experiment.resolved(), "runs": [r.as_record() for r in experiment.runs],
                        "provenance": entry["provenance"], "started": entry["started"], "finished": None,
                        "sessions": []}
        elif manifest["provenance"].get("git_commit") != entry["provenance"]["git_commit"]:
            print(f"warning: resuming with code at commit {entry['provenance']['git_commit']}; the sweep "
                  f"started at {manifest['provenance'].get('git_commit')} (both are in the manifest)", file=sys.stderr)
        manifest["sessions"].append(entry)
        manifest["status"] = "running"
        write_json(store.manifest_path, manifest)

        spec = experiment.spec
        shape = f"{len(spec.scenarios)} scenarios × {len(experiment.points)} design points × {spec.replicates} replicates"
        done = sum(status == "ok" for status in recorded.values())
        failed = sum(status == "failed" for status in recorded.values())
        print(f"{experiment.name}: {len(experiment.runs)} runs ({shape}); in {out} already {done} ok, {failed} failed; "
              f"{len(todo)} to run", file=sys.stderr)

        def on_start(executor: str) -> None:
            entry["executor"] = executor
            write_json(store.manifest_path, manifest)

        clock = time.perf_counter()
        session = _execute(experiment, todo, args, store, on_start) if todo else Session()
        wall = time.perf_counter() - clock

        runs = store.consolidate(experiment)
        statuses = runs["status"].value_counts().to_dict()
        total = {status: int(statuses.get(status, 0)) for status in ("ok", "failed", "pending")}
        entry.update({"finished": _now(), "wall_seconds": round(wall, 3), "model_seconds": round(session.model_seconds, 3),
                      "interrupted": session.interrupted, **session.counts})
        manifest["finished"] = entry["finished"]
        manifest["counts"] = total
        manifest["status"] = "complete" if total["ok"] == len(experiment.runs) else (
            "interrupted" if session.interrupted else "incomplete")
        write_json(store.manifest_path, manifest)

    print(f"{experiment.name}: {total['ok']} ok, {total['failed']} failed, {total['pending']} pending of "
          f"{len(experiment.runs)} runs (this session: {session.counts['ok']} ok, {session.counts['failed']} failed "
          f"in {wall:.1f} s{', ' + session.executor if session.executor else ''})")
    failed = runs[runs["status"] == "failed"]
    for _, row in failed.head(SHOWN_FAILURES).iterrows():
        print(f"  failed {row['run_id']}: {_last_line(row['error'])}")
    if len(failed) > SHOWN_FAILURES:
        print(f"  … and {len(failed) - SHOWN_FAILURES} more (tracebacks in runs.parquet, column error)")
    if len(failed):
        print("  --retry-failed reruns the failed runs")
    for run_id, reason in session.lost[:SHOWN_FAILURES]:
        print(f"  not recorded {run_id}: {reason}")
    if len(session.lost) > SHOWN_FAILURES:
        print(f"  … and {len(session.lost) - SHOWN_FAILURES} more not recorded")
    if total["pending"]:
        print("  some runs are still pending: --resume runs them")
    print(f"results: {out}/ (manifest.json, runs.parquet, summary.csv"
          f"{', weekly.parquet' if (out / 'weekly.parquet').exists() else ''}"
          f"{', agents.parquet' if (out / 'agents.parquet').exists() else ''})")
    if session.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if total["ok"] == len(experiment.runs) else EXIT_INCOMPLETE
