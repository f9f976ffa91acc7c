"""``mutualaid sweep``: run an experiment file and keep its results folder.

    mutualaid sweep EXPERIMENT [--workers N] [--scheduler ADDRESS|local] [--scheduler-timeout S]
                               [--out DIR] [--resume] [--retry-failed] [--quiet]
                               [--max-runs N] [--max-resident-weeks N]

Exit status: 0 when every run succeeded, 1 when some failed or are still missing,
2 for an invalid or oversized experiment, a results folder that is not this
experiment's, or a Dask scheduler that cannot be used; 130 when interrupted by Ctrl-C
(SIGINT), 143 by SIGTERM (what finished is kept and consolidated; ``--resume``
continues).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiments.schema import Limits  # light: pydantic and the parameter schema, as sim.cli imports
from sim.inputs.scenario import ScenarioError

if TYPE_CHECKING:  # the command line imports the heavy modules only when a sweep runs
    from sim.experiments.plan import Experiment, PlannedRun
    from sim.experiments.store import ResultsStore

DEFAULT_SCHEDULER_TIMEOUT = 60.0
"""Seconds a sweep waits for a Dask scheduler to answer and to have a worker."""
EXIT_OK, EXIT_INCOMPLETE = 0, 1
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}  # 128 + the signal's number, as shells report it
SHOWN_FAILURES = 5


def _positive(text: str) -> int:
    """A whole number of at least 1, also in exponent form (``1e11``) for the limits."""
    try:
        number = float(text) if "e" in text.lower() else int(text)
        value = int(number)
        if value != number:
            raise ValueError(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _data_root_option(parser: argparse.ArgumentParser) -> None:
    """``--data-root DIR``: where survey data files may lie besides the folder of the file naming them."""
    parser.add_argument(
        "--data-root",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a folder whose files scenarios may use as survey data files, besides the folder of "
        "the file naming them (repeatable; see docs/scenarios.md)",
    )


def register_sweep(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand to the ``mutualaid`` parser."""
    sweep = sub.add_parser(
        "sweep",
        help="run an experiment (scenarios × design × replicates) into a results folder",
        description="Run every scenario of an experiment file at every design point for every replicate, "
        "writing each finished run to the results folder at once (see docs/experiments.md).",
    )
    sweep.add_argument("experiment", help="experiment file (TOML)")
    sweep.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="runs at once (default: the number of CPUs); 1 runs in this process, without a pool",
    )
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS|local",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
        "LocalCluster of --workers single-threaded workers",
    )
    sweep.add_argument(
        "--scheduler-timeout",
        type=_seconds,
        metavar="S",
        default=DEFAULT_SCHEDULER_TIMEOUT,
        help="seconds to wait for a --scheduler ADDRESS to answer and to have a worker "
        f"(default {DEFAULT_SCHEDULER_TIMEOUT:g})",
    )
    sweep.add_argument("--out", metavar="DIR", help="results folder (default: results/<experiment name>)")
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="continue a sweep in its results folder: run only the runs it does not have",
    )
    sweep.add_argument(
        "--retry-failed", action="store_true", help="with --resume (implied): also rerun the runs that failed"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar or progress lines")
    _data_root_option(sweep)
    sweep.add_argument(
        "--max-runs",
        type=_positive,
        metavar="N",
        default=Limits.runs,
        help=f"refuse a sweep of more runs (default {Limits.runs:,}; see docs/experiments.md)",
    )
    sweep.add_argument(
        "--max-resident-weeks",
        type=_positive,
        metavar="N",
        default=Limits.resident_weeks,
        help=f"refuse a sweep of more residents × simulated weeks summed over its runs "
        f"(default {Limits.resident_weeks:.0e})",
    )
    sweep.set_defaults(func=cmd_sweep)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
    interrupted: str | None = None
    """The signal that ended the session early (SIGINT or SIGTERM), if one did."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's or the system's request to stop), raised in the main
    thread so it ends the sweep exactly as Ctrl-C does."""


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While a sweep runs, SIGTERM raises :class:`Terminated` like Ctrl-C raises
    KeyboardInterrupt: finished runs are kept, the results consolidated and the
    manifest marked interrupted. Only the main thread can set signal handlers; from
    another thread (a notebook's worker) SIGTERM keeps its meaning."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _execute(
    session: Session,
    experiment: Experiment,
    todo: list[PlannedRun],
    args: argparse.Namespace,
    store: ResultsStore,
    lock_fd: int | None,
    on_start: Callable[[str], None],
) -> None:
    """Run ``todo`` on the chosen executor, counting into ``session`` and reporting
    progress (sim/experiments/progress.py). Ctrl-C and SIGTERM propagate, after the pool is
    closed, also from its start-up."""
    from sim.experiments.execute import RunOutcome, open_pool, run_sweep
    from sim.experiments.progress import Progress

    workers = args.workers or os.cpu_count() or 1
    private = () if lock_fd is None else (lock_fd,)
    with open_pool(workers, args.scheduler, private, scheduler_timeout=args.scheduler_timeout) as pool:
        session.executor = pool.description
        on_start(pool.description)
        # created after the pool: a forked pool must start before any thread
        with Progress(len(todo), f"sweep {experiment.name}", quiet=args.quiet) as progress:

            def on_done(outcome: RunOutcome | None) -> None:
                if outcome is None:
                    session.counts["lost"] += 1
                else:
                    session.counts[outcome.status] += 1
                    session.model_seconds += outcome.model_seconds
                progress.update(1, failed=int(outcome is None or outcome.status == "failed"))

            session.lost = run_sweep(experiment, todo, pool, store.write_run, on_done, progress.tick)


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.execute import check_scheduler, signals_deferred
    from sim.experiments.plan import format_hours, load_experiment
    from sim.experiments.runner import provenance
    from sim.experiments.store import FORMAT, ResultsStore, write_json

    check_scheduler(args.scheduler)
    experiment = load_experiment(
        args.experiment, Limits(args.max_runs, args.max_resident_weeks), data_roots=args.data_root
    )
    out = Path(args.out) if args.out else Path("results") / experiment.name
    resume = args.resume or args.retry_failed
    store = ResultsStore(out)
    command = ["mutualaid", *sys.argv[1:]]

    store.check_owner(experiment, resume)  # before the lock file is created in someone else's folder
    with store.locked() as lock_fd, sigterm_interrupts():
        manifest = store.check_owner(experiment, resume)
        store.prepare()
        recorded = store.recorded() if manifest is not None else {}
        not_rerun = {"ok"} if args.retry_failed else {"ok", "failed"}
        todo = [run for run in experiment.runs if recorded.get(run.run_id) not in not_rerun]
        entry: dict[str, Any] = {
            "provenance": provenance(command),
            "executor": None,
            "started": _now(),
            "finished": None,
            "to_run": len(todo),
        }
        if manifest is None:
            manifest = {
                "format": FORMAT,
                "fingerprint": experiment.fingerprint(),
                "experiment": experiment.resolved(),
                "runs": [r.as_record() for r in experiment.runs],
                "provenance": entry["provenance"],
                "started": entry["started"],
                "finished": None,
                "sessions": [],
            }
        elif manifest["provenance"].get("git_commit") != entry["provenance"]["git_commit"]:
            print(
                f"warning: resuming with code at commit {entry['provenance']['git_commit']}; the sweep "
                f"started at {manifest['provenance'].get('git_commit')} (both are in the manifest)",
                file=sys.stderr,
            )
        manifest["sessions"].append(entry)
        manifest["status"] = "running"
        session = Session()

        def on_start(executor: str) -> None:
            entry["executor"] = executor
            write_json(store.manifest_path, manifest)

        spec = experiment.spec
        shape = (
            f"{len(spec.scenarios)} scenarios × {len(experiment.points)} design points × {spec.replicates} replicates"
        )
        done = sum(status == "ok" for status in recorded.values())
        failed = sum(status == "failed" for status in recorded.values())
        share = len(todo) / len(experiment.runs)
        clock = time.perf_counter()
        try:  # an interruption from here on is recorded, so the manifest never stays "running"
            write_json(store.manifest_path, manifest)
            print(
                f"{experiment.name}: {len(experiment.runs)} runs ({shape}); in {out} already {done} ok, {failed} "
                f"failed; {len(todo)} to run (about {format_hours(experiment.size.share(share).estimated_seconds)} "
                f"of model time)",
                file=sys.stderr,
            )
            if todo:
                _execute(session, experiment, todo, args, store, lock_fd, on_start)
        except KeyboardInterrupt as exc:
            session.interrupted = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
            print(f"interrupted ({session.interrupted}): finished runs are kept; --resume continues", file=sys.stderr)
        except ScenarioError as exc:  # the executor could not be used (e.g. a Dask scheduler without workers)
            entry.update({"finished": _now(), "error": exc.problems[0] if exc.problems else None})
            manifest["status"] = "incomplete"
            write_json(store.manifest_path, manifest)
            raise
        wall = time.perf_counter() - clock

        with signals_deferred():  # a second Ctrl-C takes effect once the manifest is written
            runs = store.consolidate(experiment)
            statuses = runs["status"].value_counts().to_dict()
            total = {status: int(statuses.get(status, 0)) for status in ("ok", "failed", "pending")}
            entry.update(
                {
                    "finished": _now(),
                    "wall_seconds": round(wall, 3),
                    "model_seconds": round(session.model_seconds, 3),
                    "interrupted": session.interrupted is not None,
                    "signal": session.interrupted,
                    **session.counts,
                }
            )
            manifest["finished"] = entry["finished"]
            manifest["counts"] = total
            manifest["status"] = (
                "complete"
                if total["ok"] == len(experiment.runs)
                else ("interrupted" if session.interrupted else "incomplete")
            )
            write_json(store.manifest_path, manifest)

    print(
        f"{experiment.name}: {total['ok']} ok, {total['failed']} failed, {total['pending']} pending of "
        f"{len(experiment.runs)} runs (this session: {session.counts['ok']} ok, {session.counts['failed']} failed "
        f"in {wall:.1f} s{', ' + session.executor if session.executor else ''})"
    )
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
    print(
        f"results: {out}/ (manifest.json, runs.parquet, summary.csv, summary.md"
        f"{', weekly.parquet' if (out / 'weekly.parquet').exists() else ''}"
        f"{', agents.parquet' if (out / 'agents.parquet').exists() else ''})"
    )
    if session.interrupted:
        return EXIT_INTERRUPTED[session.interrupted]
    return EXIT_OK if total["ok"] == len(experiment.runs) else EXIT_INCOMPLETE
