"""Executing a sweep's runs on any :class:`concurrent.futures.Executor`.

Three executors, one loop:

- in-process (``--workers 1``): each run executes in the calling process when it is
  submitted — no pool, plain tracebacks, easiest to debug;
- a :class:`~concurrent.futures.ProcessPoolExecutor` (the default). On Linux, when
  the sweep's process has a single thread, its workers are forked, all at once and
  before the progress bar starts its thread: a forked worker has the package
  imported already and is ready in milliseconds, where a spawned one spends a second
  or more importing it (a share of a sweep's wall time that the 2-worker speed-up
  pays). Elsewhere, or from a process with other threads (a notebook, the
  dashboard), where forking could deadlock, workers are started with ``spawn``;
- a Dask distributed cluster (``--scheduler ADDRESS`` or ``--scheduler local``)
  through ``Client.get_executor(pure=False)``: ``pure=False`` because Dask would
  otherwise merge tasks it considers identical.

The loop keeps at most a few runs per worker in flight and hands each finished run to
the store at once, so memory stays flat whatever the number of runs. A run whose
model raises is a result, not a crash: the worker catches the exception and returns
status "failed" with the traceback, and the sweep goes on. A failure of the executor
itself (a worker process killed, e.g. out of memory) leaves the run unrecorded, to be
rerun by ``--resume``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from sim import kernels
from sim.experiments.plan import Experiment, PlannedRun
from sim.model import CommunityModel
from sim.params import Scenario
from sim.runner import simulate
from sim.scenario import ScenarioError

RUNS_IN_FLIGHT_PER_WORKER = 2
FAIL_RUNS_VARIABLE = "MUTUALAID_FAIL_RUNS"
"""Fault injection for tests of failure isolation: a comma-separated list of run ids
whose model raises after construction. Unset in normal use."""

SNAPSHOT_COLUMNS = ("age", "health", "member", "generalized_trust", "loneliness")


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to execute one run (picklable, small)."""

    run: PlannedRun
    scenario: Scenario
    weekly_every: int
    agent_snapshots: bool


@dataclass
class RunOutcome:
    """A finished run: its status, summary and the tables to store."""

    run: PlannedRun
    status: str
    error: str | None
    summary: dict[str, Any]
    weekly: pd.DataFrame | None
    agents: pd.DataFrame | None
    model_seconds: float
    started: str
    finished: str
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def thinned(weekly: pd.DataFrame, every: int) -> pd.DataFrame:
    """Weeks 0, K, 2K, … of the weekly table (K = ``every``)."""
    return weekly[weekly["week"] % every == 0].reset_index(drop=True)


def agent_snapshot(model: CommunityModel) -> pd.DataFrame:
    """The final state of every resident (occupied dwelling slots)."""
    pop = model.pop
    slots = pop.occupied_slots()
    table = {"slot": slots, "person_id": pop.person_id[slots]}
    table.update({name: getattr(pop, name)[slots] for name in SNAPSHOT_COLUMNS})
    table["degree"] = model.net.degree()[slots]
    return pd.DataFrame(table)


def _injected_failure(run_id: str) -> None:
    if run_id in os.environ.get(FAIL_RUNS_VARIABLE, "").split(","):
        raise RuntimeError(f"injected failure of run {run_id} ({FAIL_RUNS_VARIABLE})")


def execute_run(task: RunTask) -> RunOutcome:
    """Run one replicate; never raises for a failing model (the failure is the result)."""
    started = _now()
    clock = time.perf_counter()
    run = task.run
    try:
        _injected_failure(run.run_id)
        model, result = simulate(task.scenario, run.seed)
        weekly, summary = result.weekly, result.summary
        agents = agent_snapshot(model) if task.agent_snapshots else None
    except Exception:  # the model's failure is this run's result; the sweep goes on
        return RunOutcome(run, "failed", traceback.format_exc(), {}, None, None,
                          time.perf_counter() - clock, started, _now())
    kept = thinned(weekly, task.weekly_every) if task.weekly_every > 0 else None
    return RunOutcome(run, "ok", None, summary, kept, agents, time.perf_counter() - clock, started, _now())


# -- executors -----------------------------------------------------------------------

class InProcessExecutor(Executor):
    """Runs each task in the calling thread when it is submitted."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def _worker_default_sigint() -> None:
    """Pool workers die quietly on Ctrl-C (the terminal signals the whole process
    group) instead of each printing a KeyboardInterrupt traceback; the parent records
    what finished. A sweep started with SIGINT ignored (nohup, a background job)
    keeps its workers ignoring it too."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Pool:
    """An executor, how many runs it executes at once, and how to describe it."""

    executor: Executor
    slots: int
    description: str
    close: Callable[[bool], None]


START_METHOD_VARIABLE = "MUTUALAID_START_METHOD"
"""Overrides how pool workers start: ``fork``, ``spawn`` or ``forkserver``."""


def worker_start_method() -> str:
    """``fork`` on Linux from a process whose only Python thread is the main one,
    ``spawn`` otherwise; ``$MUTUALAID_START_METHOD`` overrides."""
    chosen = os.environ.get(START_METHOD_VARIABLE)
    if chosen:
        if chosen not in multiprocessing.get_all_start_methods():
            raise ScenarioError([f"${START_METHOD_VARIABLE}={chosen!r}: allowed here: "
                                 + ", ".join(multiprocessing.get_all_start_methods())])
        return chosen
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextmanager
def open_pool(workers: int, scheduler: str | None) -> Iterator[Pool]:
    """The executor for ``--workers``/``--scheduler``. Closed on exit: after the
    submitted runs finish, or at once (pending runs cancelled) when leaving on an
    exception such as Ctrl-C."""
    if scheduler is not None:
        pool = _dask_pool(workers, scheduler)
    elif workers == 1:
        pool = Pool(InProcessExecutor(), 1, "in-process", lambda abandon: None)
    else:
        method = worker_start_method()
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                       initializer=_worker_default_sigint)
        if method == "fork":
            kernels.warm_up()  # compiled once here, inherited by every worker
            # Objects that exist now stay out of the workers' garbage collections, so
            # the collector does not write to (and copy) the pages they share with
            # this process; unfrozen here once the workers exist.
            gc.freeze()
            try:
                # The first task forks every worker now, while this is the only Python
                # thread. Python still warns because numpy's OpenBLAS and pyarrow keep
                # native thread pools; both re-initialize them in a forked child.
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                    executor.submit(os.getpid).result()
            finally:
                gc.unfreeze()
        pool = Pool(executor, workers, f"process pool, {workers} workers",
                    lambda abandon: executor.shutdown(wait=not abandon, cancel_futures=abandon))
    abandon = True
    try:
        yield pool
        abandon = False
    finally:
        pool.close(abandon)


def _dask_pool(workers: int, scheduler: str) -> Pool:
    """A Dask executor: a new local cluster, or a client of a running scheduler.

    The runs in flight are bounded by the cluster's threads, or by ``workers`` if
    that is more (a cluster that is still scaling up)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(["--scheduler needs Dask distributed: pip install 'mutualaid-sim[dask]'"]) from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
        where = "local Dask cluster"
    else:
        cluster = None
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise ScenarioError([f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"]) from None
        where = f"Dask scheduler {scheduler}"
    threads = sum(client.nthreads().values())
    executor = client.get_executor(pure=False)

    def close(abandon: bool) -> None:
        executor.shutdown(wait=not abandon)
        client.close()
        if cluster is not None:
            cluster.close()

    return Pool(executor, max(threads, workers), f"{where}, {threads} worker threads, dashboard {client.dashboard_link}",
                close)


# -- the sweep loop --------------------------------------------------------------------

def submission_order(runs: list[PlannedRun], experiment: Experiment) -> list[PlannedRun]:
    """Replicate by replicate, so an interrupted sweep has balanced comparisons."""
    rank = {entry.name: i for i, entry in enumerate(experiment.spec.scenarios)}
    return sorted(runs, key=lambda r: (r.replicate, rank[r.scenario], r.point))


def run_sweep(
    experiment: Experiment,
    runs: list[PlannedRun],
    pool: Pool,
    record: Callable[[RunOutcome], None],
    on_done: Callable[[RunOutcome | None], None] = lambda outcome: None,
) -> list[tuple[str, str]]:
    """Execute ``runs`` on the pool, calling ``record`` with each finished run as soon
    as it finishes and ``on_done`` after it (with ``None`` for a run the executor lost).
    Returns the runs the executor lost, with the reason: (run id, error).

    Ctrl-C propagates after the runs in flight are cancelled; what was recorded stays.
    """
    lost: list[tuple[str, str]] = []
    pending = deque(submission_order(runs, experiment))
    in_flight: dict[Future, PlannedRun] = {}
    limit = max(2, RUNS_IN_FLIGHT_PER_WORKER * pool.slots)
    store = experiment.spec.store
    broken = False
    try:
        while pending or in_flight:
            while pending and not broken and len(in_flight) < limit:
                run = pending[0]
                task = RunTask(run, experiment.scenario_for(run), store.weekly_every, store.agent_snapshots)
                try:
                    in_flight[pool.executor.submit(execute_run, task)] = run
                except BrokenExecutor:
                    broken = True
                    break
                pending.popleft()
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                run = in_flight.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:
                    # the executor failed, not the model (execute_run returns those)
                    broken = broken or isinstance(exc, BrokenExecutor)
                    lost.append((run.run_id, f"{type(exc).__name__}: {exc}"))
                    on_done(None)
                    continue
                record(outcome)
                on_done(outcome)
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise
    lost.extend((run.run_id, "not started: the executor broke") for run in pending)
    return lost

