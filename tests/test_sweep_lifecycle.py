"""A sweep's life as the operating system sees it: killed outright (``kill -9``, the
out-of-memory killer), asked to stop (SIGTERM, as schedulers do), interrupted while its
pool starts, pointed at a Dask scheduler that cannot run anything, and watched in a
log file. Each test runs the real command in its own process.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_experiments import TINY, assert_same_results, experiment, run_files, runs_of, sweep

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find pool workers")


def start_sweep(path: Path, out: Path, *extra: str, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def wait_for_runs(process: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(run_files(out)) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the sweep ended before it could be stopped midway"


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[Path, Path]:
    """An experiment of 16 short runs and its results swept without interruption."""
    folder = tmp_path_factory.mktemp("lifecycle")
    path = experiment(folder, replicates=8)
    assert sweep(path, "--workers", "1", "--out", folder / "whole") == 0
    return path, folder / "whole"


def test_pool_workers_end_and_resume_works_at_once_after_the_sweep_is_killed(uninterrupted, tmp_path):
    path, whole = uninterrupted
    out = tmp_path / "killed"
    process = start_sweep(path, out, "--workers", "2")
    wait_for_runs(process, out, 3)
    workers = children(process.pid)
    assert len(workers) >= 2, f"expected the pool's workers among {workers}"
    process.send_signal(signal.SIGKILL)  # the parent only, as the out-of-memory killer does
    process.wait()
    assert wait_until_gone(workers) == [], "pool workers outlived the sweep"

    assert sweep(path, "--workers", "2", "--out", out, "--resume") == 0  # the lock went with the processes
    runs = runs_of(out)
    assert runs["run_id"].is_unique and len(runs) == 16 and len(run_files(out)) == 16
    assert_same_results(whole, out)


def test_sigterm_keeps_finished_runs_marks_the_sweep_interrupted_and_consolidates(uninterrupted, tmp_path):
    path, whole = uninterrupted
    out = tmp_path / "terminated"
    process = start_sweep(path, out, "--workers", "2")
    wait_for_runs(process, out, 3)
    workers = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert wait_until_gone(workers) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["sessions"][-1]["signal"] == "SIGTERM" and manifest["sessions"][-1]["finished"]
    finished = len(run_files(out))
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs["status"] == "ok").sum() == finished == manifest["counts"]["ok"] < 16
    assert (out / "summary.csv").exists()

    assert sweep(path, "--workers", "2", "--out", out, "--resume") == 0
    assert_same_results(whole, out)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_while_the_compiled_kernels_load_interrupts_the_sweep(workers, tmp_path, monkeypatch, capsys):
    # Numba loads the kernels through LLVM, which calls back into Python through ctypes;
    # a KeyboardInterrupt raised in such a callback used to be printed and dropped.
    from sim.core import kernels

    monkeypatch.setenv("MUTUALAID_START_METHOD", "fork")  # the pool warms the kernels up before it forks
    interrupt_in_callback = ctypes.CFUNCTYPE(None)(lambda: signal.raise_signal(signal.SIGINT))
    monkeypatch.setattr(kernels, "warm_up", interrupt_in_callback)
    out = tmp_path / "early"
    assert sweep(TINY, "--workers", workers, "--out", out) == 130
    assert "interrupted (SIGINT)" in capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["pending"] == 4
    assert run_files(out) == []


# -- Dask ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_scheduler_without_workers_fails_after_the_timeout_with_one_line(tmp_path):
    pytest.importorskip("distributed")
    port = free_port()
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        address = f"tcp://127.0.0.1:{port}"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim",
                "sweep",
                str(ROOT / "experiments" / "tiny.toml"),
                "--out",
                str(tmp_path / "out"),
                "--scheduler",
                address,
                "--scheduler-timeout",
                "2",
                "--quiet",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 2, done.stderr
    assert errors == [
        f"error: --scheduler {address}: the Dask scheduler has no worker after 2 s "
        f"(--scheduler-timeout); start workers with: dask worker {address} --nthreads 1"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("address", ["notascheme", "foo://head:8786"])
def test_a_scheduler_address_that_is_not_one_is_refused_with_one_line(address, tmp_path, capsys):
    pytest.importorskip("distributed")
    assert sweep(ROOT / "experiments" / "tiny.toml", "--out", tmp_path / "out", "--scheduler", address) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --scheduler {address}: not a Dask scheduler address")
    assert len(err.strip().splitlines()) == 1


def test_local_dask_cluster_listens_on_loopback_only():
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("distributed")
    from sim.experiments.execute import open_pool

    with open_pool(1, "local", scheduler_timeout=60) as pool:
        processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
        listening = {
            (c.laddr.ip, c.laddr.port)
            for p in processes
            for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        }
        assert "127.0.0.1" in pool.description
    assert listening and all(ip == "127.0.0.1" for ip, _ in listening), listening


# -- progress -------------------------------------------------------------------------------


def test_a_sweep_logging_to_a_file_writes_progress_lines_while_it_runs(tmp_path):
    path = experiment(tmp_path, replicates=10, weeks=20, name="small")  # 20 runs
    log = tmp_path / "sweep.log"
    with open(log, "w") as handle:
        process = start_sweep(path, tmp_path / "out", "--workers", "2", stderr=handle)
        wait_for_runs(process, tmp_path / "out", 10)
        written_midway = [line for line in log.read_text().splitlines() if line.startswith("sweep small")]
        assert process.wait(timeout=120) == 0
    lines = [line for line in log.read_text().splitlines() if line.startswith("sweep small")]
    assert len(written_midway) >= 3, log.read_text()
    assert len(lines) >= 10 and lines[-1].startswith("sweep small: 20/20 runs done (0 failed, 0 pending), 100%")
    assert all("elapsed" in line and "ETA" in line for line in lines)
    assert "\r" not in log.read_text()  # no bar drawn into a file


def test_the_sweep_loop_wakes_to_report_progress_while_no_run_finishes(monkeypatch, tmp_path):
    # what lets a long sweep write a progress line every 30 s when runs take longer
    from concurrent.futures import Executor, Future

    from sim.experiments import execute
    from sim.experiments.plan import load_experiment

    class Held(Executor):
        """Runs nothing until told to: every run stays in flight."""

        def __init__(self):
            self.futures: list[tuple[Future, object]] = []

        def submit(self, fn, /, *args, **kwargs):
            future: Future = Future()
            self.futures.append((future, args[0]))
            return future

    held = Held()
    wakes = []

    def on_wait():
        wakes.append(sum(future.done() for future, _ in held.futures))
        if len(wakes) == 3:  # only now do the runs finish
            for future, task in held.futures:
                future.set_result(execute.execute_run(task))

    monkeypatch.setattr(execute, "WAKE_SECONDS", 0.001)
    experiment = load_experiment(TINY)
    recorded = []
    pool = execute.Pool(held, 2, "held", lambda abandon: None)
    assert execute.run_sweep(experiment, experiment.runs, pool, recorded.append, on_wait=on_wait) == []
    assert wakes[:3] == [0, 0, 0] and len(recorded) == 4


def test_a_folder_being_written_names_the_process_holding_it(tmp_path, capsys):
    from sim.experiments.store import ResultsStore

    out = tmp_path / "busy"
    with ResultsStore(out).locked():
        assert sweep(TINY, "--workers", "1", "--out", out) == 2
    assert (
        capsys.readouterr().err == f"error: {out}: another sweep (process {os.getpid()}) is writing into this folder\n"
    )


def test_a_second_ctrl_c_while_results_are_consolidated_leaves_a_finished_manifest(tmp_path, monkeypatch):
    from sim.experiments.store import ResultsStore

    consolidate = ResultsStore.consolidate

    def interrupted_consolidate(self, experiment):
        signal.raise_signal(signal.SIGINT)
        return consolidate(self, experiment)

    monkeypatch.setattr(ResultsStore, "consolidate", interrupted_consolidate)
    out = tmp_path / "impatient"
    assert sweep(TINY, "--workers", "1", "--out", out) == 130
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["sessions"][-1]["finished"]
    assert len(pd.read_parquet(out / "runs.parquet")) == 4
