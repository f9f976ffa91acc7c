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

Pool workers never outlive the sweep: leaving the pool on an exception (Ctrl-C,
SIGTERM, an error) ends them at once, and a sweep killed outright takes them with it
(:func:`_end_with_parent`), so its folder's lock is free for ``--resume`` at once.
"""

from __future__ import annotations

import ctypes
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
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pandas as pd

from sim.core import kernels
from sim.core.model import CommunityModel
from sim.core.params import Scenario
from sim.experiments.plan import Experiment, PlannedRun
from sim.experiments.runner import simulate
from sim.inputs.scenario import ScenarioError

RUNS_IN_FLIGHT_PER_WORKER = 2
WAKE_SECONDS = 5.0
"""Longest wait of the sweep loop between two calls of its ``on_wait``."""
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
    probes: tuple[str, ...] = ()


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
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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
        model, result = simulate(task.scenario, run.seed, probes=task.probes)
        weekly, summary = result.weekly, result.summary
        agents = agent_snapshot(model) if task.agent_snapshots else None
    except Exception:  # the model's failure is this run's result; the sweep goes on
        return RunOutcome(
            run, "failed", traceback.format_exc(), {}, None, None, time.perf_counter() - clock, started, _now()
        )
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


PARENT_POLL_SECONDS = 1.0
"""How often a pool worker's watchdog checks that the sweep's process still exists."""
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _end_with_parent(parent: int | None) -> None:
    """Make this worker end when the process that started it ends, however it ends.

    A worker that outlives a sweep killed with ``kill -9`` (or by the out-of-memory
    killer) would go on computing runs nobody records. On Linux the kernel sends the
    worker SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``); everywhere, a
    watchdog thread ends the worker once its parent has changed (it was re-parented).
    ``parent`` is the pid the worker must have as parent (``None`` when it is started
    through a fork server, whose death the kernel signal covers): a parent that died
    before this ran is caught at once."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this libc: the watchdog alone
            pass
    expected = os.getppid() if parent is None else parent
    if os.getppid() != expected:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == expected:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="mutualaid-parent-watchdog", daemon=True).start()


def _worker_init(parent: int | None, private_fds: tuple[int, ...]) -> None:
    """Set up a pool worker.

    Workers die quietly on Ctrl-C (the terminal signals the whole process group)
    instead of each printing a KeyboardInterrupt traceback; the parent records what
    finished. A sweep started with SIGINT ignored (nohup, a background job) keeps its
    workers ignoring it too. SIGTERM ends a worker at once: a forked worker inherits
    the sweep's own SIGTERM handler, which is for the sweep's process alone.
    ``private_fds`` are descriptors a forked worker inherits but must not keep open,
    such as the results folder's lock (the lock is held while any copy is open)."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for fd in private_fds:
        try:
            os.close(fd)
        except OSError:  # not inherited (spawn)
            pass
    _end_with_parent(parent)


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
            raise ScenarioError(
                [
                    f"${START_METHOD_VARIABLE}={chosen!r}: allowed here: "
                    + ", ".join(multiprocessing.get_all_start_methods())
                ]
            )
        return chosen
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block ends, then deliver them.

    Numba loads compiled kernels through LLVM, which calls back into Python through
    ctypes; an exception raised in such a callback, as a signal handler's
    KeyboardInterrupt would be, is printed and dropped, so a Ctrl-C at that moment
    was lost and the sweep ran on. The sweep's last steps (consolidating, writing the
    manifest) run so too, so that a second Ctrl-C does not leave the manifest saying
    "running". Only the main thread can set handlers; elsewhere the block runs as it
    is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) not in (signal.SIG_IGN, None)]
    previous = {s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)


def _warm_up() -> None:
    """Load (or compile) the model's kernels in this process, with signals deferred."""
    with signals_deferred():
        kernels.warm_up()


def _process_pool(workers: int, private_fds: tuple[int, ...], on_executor: Callable[[Pool], None]) -> None:
    """Start a process pool and hand it to ``on_executor`` before anything can be
    interrupted, so that a Ctrl-C during start-up still closes it."""
    method = worker_start_method()
    parent = None if method == "forkserver" else os.getpid()
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_worker_init,
        initargs=(parent, tuple(private_fds)),
    )
    on_executor(Pool(executor, workers, f"process pool, {workers} workers", partial(_close_process_pool, executor)))
    if method == "fork":
        _warm_up()  # compiled once here, inherited by every worker
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


WORKER_EXIT_SECONDS = 5.0
"""How long an abandoned pool's workers get to end after SIGTERM (they end at once:
their SIGTERM is the default one)."""


def _close_process_pool(executor: ProcessPoolExecutor, abandon: bool) -> None:
    """Shut the pool down; when abandoning (Ctrl-C, SIGTERM, an error) end the workers
    at once rather than waiting for the runs in flight, which nobody would record."""
    if not abandon:
        executor.shutdown(wait=True)
        return
    # Python 3.14 has ProcessPoolExecutor.terminate_workers; before it, the pool's
    # processes are only reachable through its private table.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(WORKER_EXIT_SECONDS)
    if manager is not None:
        manager.join(WORKER_EXIT_SECONDS)


@contextmanager
def open_pool(
    workers: int, scheduler: str | None, private_fds: tuple[int, ...] = (), *, scheduler_timeout: float
) -> Iterator[Pool]:
    """The executor for ``--workers``/``--scheduler``. Closed on exit: after the
    submitted runs finish, or at once (pending runs cancelled, pool workers ended)
    when leaving on an exception such as Ctrl-C, also one during start-up.

    ``private_fds`` are descriptors of this process that forked workers must close
    (the results folder's lock); ``scheduler_timeout`` bounds the wait for a Dask
    scheduler and its first worker."""
    started: list[Pool] = []
    abandon = True
    try:
        if scheduler is not None:
            started.append(_dask_pool(workers, scheduler, scheduler_timeout))
        elif workers == 1:
            started.append(Pool(InProcessExecutor(), 1, "in-process", lambda abandon: None))
            _warm_up()  # what the first run would do, but where a Ctrl-C cannot be lost
        else:
            _process_pool(workers, private_fds, started.append)
        yield started[0]
        abandon = False
    finally:
        if started:
            started[0].close(abandon)


def check_scheduler(scheduler: str | None) -> None:
    """Refuse a ``--scheduler`` that cannot be used (Dask missing, or not an address)
    before the sweep touches its results folder."""
    if scheduler is None:
        return
    try:
        from distributed.comm import get_address_host_port
    except ImportError:
        raise ScenarioError(
            [
                "--scheduler needs Dask distributed: from the repository root, .venv/bin/pip install -c constraints.txt -e '.[dask]'"
            ]
        ) from None
    if scheduler == "local":
        return
    try:
        get_address_host_port(scheduler)
    except ValueError as exc:
        raise ScenarioError(
            [
                f"--scheduler {scheduler}: not a Dask scheduler address ({exc}); expected "
                f"'local' or SCHEME://HOST:PORT such as tcp://head:8786"
            ]
        ) from None


def _dask_pool(workers: int, scheduler: str, timeout: float) -> Pool:
    """A Dask executor: a new local cluster, or a client of a running scheduler.

    A local cluster's scheduler and dashboard listen on 127.0.0.1 only (Dask's own
    default dashboard address is every interface); its dashboard gets a free port. A
    scheduler that does not answer, or has no worker, within ``timeout`` seconds is
    an error: without a worker the sweep would wait for ever. The runs in flight are
    bounded by the cluster's threads, or by ``workers`` if that is more (a cluster
    that is still scaling up)."""
    check_scheduler(scheduler)
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        )
        client = Client(cluster)
        where = "local Dask cluster"
    else:
        cluster = None
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise ScenarioError(
                [
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler within {timeout:g} s "
                    f"(--scheduler-timeout) ({exc})"
                ]
            ) from None
        where = f"Dask scheduler {scheduler}"
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            client.close()
            raise ScenarioError(
                [
                    f"--scheduler {scheduler}: the Dask scheduler has no worker after {timeout:g} s "
                    f"(--scheduler-timeout); start workers with: dask worker {scheduler} "
                    f"--nthreads 1"
                ]
            ) from None
    threads = sum(client.nthreads().values())
    executor = client.get_executor(pure=False)

    def close(abandon: bool) -> None:
        executor.shutdown(wait=not abandon)
        client.close()
        if cluster is not None:
            cluster.close()

    return Pool(
        executor, max(threads, workers), f"{where}, {threads} worker threads, dashboard {client.dashboard_link}", close
    )


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
    on_wait: Callable[[], None] = lambda: None,
) -> list[tuple[str, str]]:
    """Execute ``runs`` on the pool, calling ``record`` with each finished run as soon
    as it finishes and ``on_done`` after it (with ``None`` for a run the executor lost).
    Returns the runs the executor lost, with the reason: (run id, error).

    While runs are in flight the loop wakes at least every :data:`WAKE_SECONDS` and
    calls ``on_wait``, so a progress report can be written during long runs.

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
                task = RunTask(
                    run, experiment.scenario_for(run), store.weekly_every, store.agent_snapshots, tuple(store.probes)
                )
                try:
                    in_flight[pool.executor.submit(execute_run, task)] = run
                except BrokenExecutor:
                    broken = True
                    break
                pending.popleft()
            if not in_flight:
                break
            done, _ = wait(in_flight, timeout=WAKE_SECONDS, return_when=FIRST_COMPLETED)
            on_wait()
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
