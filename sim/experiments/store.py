"""The results folder of a sweep, written so that a crash loses only runs in flight.

Layout (docs/experiments.md)::

    results/<experiment>/
      manifest.json    the experiment as resolved, every planned run (id, scenario,
                       parameters, seed), fingerprint, sessions with provenance
      runs/<id>.parquet    one file per finished run: its weekly rows (thinned) and,
                       in the file's metadata, its record (status, error, summary)
      agents/<id>.parquet  final per-resident table (only with agent_snapshots)
      runs.parquet     one row per planned run              } consolidated from
      weekly.parquet   weekly rows of every successful run  } runs/ (and agents/)
      agents.parquet   per-resident rows of every run       } at the end of each
      summary.csv      per scenario × design point stats    } session; rebuildable
      summary.md       the same for people: names, units    }

Every file is written to a hidden temporary name, flushed to disk and moved into place
with ``os.replace`` (:func:`sim.experiments.runner.write_atomically`), which is atomic:
a run file exists completely or not at all, so the run file *is* the record that the
run is done. A run's agent table is written before
its run file, so a run file never refers to a missing table. Temporary files left by
a killed sweep are removed when the folder is next opened.

One sweep at a time writes into a folder (an advisory ``fcntl`` lock on ``.lock``,
released by the operating system when the process dies, however it dies).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.metrics import STOP_WEEK_PREFIX, SUSTAINABILITY_METRICS
from sim.experiments.execute import RunOutcome
from sim.experiments.plan import Experiment, PlannedRun
from sim.experiments.runner import TEMPORARY_PREFIX, json_safe, write_atomically
from sim.experiments.summarise import paired_half_lives, summary_markdown, summary_table
from sim.inputs.scenario import ScenarioError

RECORD_KEY = b"mutualaid.run"
TAG_COLUMNS = ("run_id", "scenario", "point", "replicate")
FORMAT = "mutualaid-sweep/1"
MANIFEST_KEYS: dict[str, type] = {
    "format": str,
    "fingerprint": str,
    "experiment": dict,
    "runs": list,
    "provenance": dict,
    "sessions": list,
}
"""What every manifest a sweep writes has, with its JSON type; a manifest that lacks
one was not written by a sweep (or was damaged since)."""


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON; a non-finite number is written as ``null`` (JSON has no
    ``NaN`` or ``Infinity``, and readers other than Python's refuse them)."""
    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))


def _tagged(table: pd.DataFrame | None, run: PlannedRun) -> pa.Table:
    tags = {"run_id": run.run_id, "scenario": run.scenario, "point": run.point, "replicate": run.replicate}
    if table is None:
        return pa.table(
            {
                "run_id": pa.array([], pa.string()),
                "scenario": pa.array([], pa.string()),
                "point": pa.array([], pa.int64()),
                "replicate": pa.array([], pa.int64()),
            }
        )
    frame = table.copy()
    for i, (name, value) in enumerate(tags.items()):
        frame.insert(i, name, value)
    return pa.Table.from_pandas(frame, preserve_index=False)


class ResultsStore:
    """Reads and writes one sweep's results folder."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.runs_dir = self.path / "runs"
        self.agents_dir = self.path / "agents"
        self.manifest_path = self.path / "manifest.json"

    # -- opening -----------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[int | None]:
        """Hold the folder's lock, or refuse if another sweep holds it. Yields the lock
        file's descriptor, which forked pool workers close (the lock is held while any
        copy of it is open), or ``None`` where there are no advisory locks.

        The holder writes its pid into the lock file, so a refusal can say which
        process holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # no advisory locks on this platform: trust the user
            yield None
            return
        with open(self.path / ".lock", "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.seek(0)
                holder = handle.read().strip()
                who = f"another sweep (process {holder})" if holder.isdigit() else "another sweep"
                raise ScenarioError([f"{self.path}: {who} is writing into this folder"]) from None
            try:
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
                yield handle.fileno()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_manifest(self) -> dict[str, Any] | None:
        """The folder's manifest, ``None`` if there is none; one line (ScenarioError)
        for a manifest that is not JSON or lacks what a sweep writes."""
        if not self.manifest_path.is_file():
            return None
        refuse = "choose another --out, or delete the folder to start the sweep again"
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ScenarioError([f"{self.manifest_path}: cannot be read as JSON ({exc}); {refuse}"]) from None
        if not isinstance(manifest, dict):
            raise ScenarioError([f"{self.manifest_path}: is not a sweep manifest (a JSON object); {refuse}"])
        wrong = [key for key, kind in MANIFEST_KEYS.items() if not isinstance(manifest.get(key), kind)]
        if wrong:
            described = ", ".join(
                f"{key} ({'missing' if key not in manifest else 'not ' + MANIFEST_KEYS[key].__name__})" for key in wrong
            )
            raise ScenarioError(
                [f"{self.manifest_path}: is not a complete sweep manifest ({FORMAT}): {described}; {refuse}"]
            )
        return manifest

    def check_owner(self, experiment: Experiment, resume: bool) -> dict[str, Any] | None:
        """The folder's manifest if it holds this experiment and we may continue it.

        Refuses a folder of a different experiment (its fingerprint differs), a folder
        with runs of this experiment without ``--resume``, and a non-empty folder that
        is not a results folder."""
        manifest = self.read_manifest()
        if manifest is None:
            leftovers = (
                [p.name for p in self.path.iterdir() if not self._ours_and_empty(p)] if self.path.is_dir() else []
            )
            if leftovers:
                raise ScenarioError(
                    [
                        f"{self.path}: not empty and has no manifest.json, so it is not the results "
                        f"folder of a sweep; choose another --out (found: {', '.join(sorted(leftovers)[:5])})"
                    ]
                )
            return None
        theirs = manifest.get("fingerprint")
        if theirs != experiment.fingerprint():
            name = manifest.get("experiment", {}).get("name", "?")
            raise ScenarioError(
                [
                    f"{self.path}: holds the results of a different experiment ({name!r}, fingerprint {theirs}; "
                    f"this one is {experiment.name!r}, fingerprint {experiment.fingerprint()}). The experiment file, "
                    f"a scenario it uses or a parameter default has changed since. Choose another --out, or delete "
                    f"the folder to start again; resuming would mix the results of two experiments."
                ]
            )
        statuses = self.recorded()
        if not resume and statuses:
            done = sum(s == "ok" for s in statuses.values())
            failed = sum(s == "failed" for s in statuses.values())
            raise ScenarioError(
                [
                    f"{self.path}: already holds results of this experiment ({done} of {len(experiment.runs)} runs "
                    f"complete, {failed} failed). Pass --resume to run only what is missing (add --retry-failed to "
                    f"rerun the failed ones), or choose another --out."
                ]
            )
        return manifest

    def _ours_and_empty(self, path: Path) -> bool:
        """The lock file, or a run folder with no finished run in it."""
        return path.name == ".lock" or (
            path in (self.runs_dir, self.agents_dir)
            and not any(p for p in path.iterdir() if not p.name.startswith(TEMPORARY_PREFIX))
        )

    def prepare(self) -> None:
        """Create the folders and remove temporary files a killed sweep left."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for folder in (self.path, self.runs_dir, self.agents_dir):
            for stale in folder.glob(f"{TEMPORARY_PREFIX}*"):
                stale.unlink(missing_ok=True)

    # -- runs ------------------------------------------------------------------------
    def run_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.parquet"

    def records(self) -> dict[str, dict[str, Any]]:
        """The record of every run with a run file, by run id (read from the files'
        metadata; the rows are not loaded). A file that cannot be read — only damage
        from outside could cause that — counts as missing, so the run is redone."""
        out = {}
        for path in self._run_files():
            try:
                out[path.stem] = json.loads(pq.read_schema(path).metadata[RECORD_KEY])
            except (OSError, pa.ArrowException, KeyError, TypeError, ValueError):
                continue
        return out

    def recorded(self) -> dict[str, str]:
        """Status of every run with a run file, by run id."""
        return {run_id: record["status"] for run_id, record in self.records().items()}

    def _run_files(self) -> list[Path]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.glob("*.parquet") if not p.name.startswith("."))

    def write_run(self, outcome: RunOutcome) -> None:
        """Store one finished run at once (agent table first, run file last)."""
        run = outcome.run
        if outcome.agents is not None:
            self.agents_dir.mkdir(exist_ok=True)
            agents = _tagged(outcome.agents, run)
            write_atomically(self.agents_dir / f"{run.run_id}.parquet", lambda handle: pq.write_table(agents, handle))
        record = {
            **run.as_record(),
            "status": outcome.status,
            "error": outcome.error,
            "summary": outcome.summary,
            "model_seconds": outcome.model_seconds,
            "started": outcome.started,
            "finished": outcome.finished,
            "host": outcome.host,
            "pid": outcome.pid,
        }
        weekly = _tagged(outcome.weekly, run)
        text = json.dumps(json_safe(record), allow_nan=False)
        weekly = weekly.replace_schema_metadata({RECORD_KEY: text.encode("utf-8")})
        write_atomically(self.run_path(run.run_id), lambda handle: pq.write_table(weekly, handle))

    # -- consolidation ---------------------------------------------------------------
    def runs_table(self, experiment: Experiment) -> pa.Table:
        """One row per planned run: identity, design values, status, error, metrics.

        Runs without a run file have status "pending"."""
        records = self.records()
        metric_names = list(SUSTAINABILITY_METRICS)
        for record in records.values():
            metric_names.extend(k for k in record["summary"] if k not in metric_names)
        columns: dict[str, list[Any]] = {
            name: []
            for name in (
                "run_id",
                "scenario",
                "point",
                *experiment.parameter_names,
                "replicate",
                "seed",
                "status",
                "error",
                "model_seconds",
                "started",
                "finished",
                "host",
                *metric_names,
            )
        }
        for run in experiment.runs:
            record = records.get(run.run_id, {})
            summary = record.get("summary", {})
            row = {
                "run_id": run.run_id,
                "scenario": run.scenario,
                "point": run.point,
                "replicate": run.replicate,
                "seed": run.seed,
                "status": record.get("status", "pending"),
                **run.parameters,
            }
            for key in ("error", "model_seconds", "started", "finished", "host"):
                row[key] = record.get(key)
            for name in metric_names:
                row[name] = summary.get(name)
            for name, values in columns.items():
                values.append(row.get(name))
        return pa.table({name: pa.array(values) for name, values in columns.items()})

    def _consolidate_tables(self, files: list[Path], target: Path) -> None:
        """Stream run tables into one Parquet file, a row group per run, holding one run
        in memory at a time; no file when there are no rows."""
        files = [path for path in files if pq.read_metadata(path).num_rows > 0]
        if not files:
            target.unlink(missing_ok=True)
            return
        schema = pa.unify_schemas(
            [pq.read_schema(path).remove_metadata() for path in files], promote_options="permissive"
        )

        def write(handle: Any) -> None:
            with pq.ParquetWriter(handle, schema) as writer:
                for path in files:
                    table = pq.read_table(path).replace_schema_metadata(None)
                    for column in schema.names:
                        if column not in table.column_names:
                            table = table.append_column(column, pa.nulls(table.num_rows, schema.field(column).type))
                    writer.write_table(table.select(schema.names).cast(schema))

        write_atomically(target, write)

    def _active_share(self, runs: pd.DataFrame) -> pd.DataFrame | None:
        """The weekly active share of the runs (for the gain half-lives, measured
        against the paired reference run), read only when some run has one; None
        without a weekly table (``weekly_every = 0``)."""
        path = self.path / "weekly.parquet"
        if not any(c.startswith(STOP_WEEK_PREFIX) for c in runs.columns) or not path.is_file():
            return None
        return pd.read_parquet(path, columns=["run_id", "week", "active_share"])

    def consolidate(self, experiment: Experiment) -> pd.DataFrame:
        """(Re)build runs.parquet, weekly.parquet, agents.parquet, summary.csv and
        summary.md from the run files; return the runs table."""
        table = self.runs_table(experiment)
        write_atomically(self.path / "runs.parquet", lambda handle: pq.write_table(table, handle))
        runs = table.to_pandas()
        ok = list(runs.loc[runs["status"] == "ok", "run_id"])
        self._consolidate_tables([self.run_path(r) for r in ok], self.path / "weekly.parquet")
        agent_files = [self.agents_dir / f"{r}.parquet" for r in ok if (self.agents_dir / f"{r}.parquet").is_file()]
        self._consolidate_tables(agent_files, self.path / "agents.parquet")
        paired = paired_half_lives(runs, self._active_share(runs), experiment.reference)
        summary = summary_table(paired, experiment.parameter_names, experiment.reference, SUSTAINABILITY_METRICS)
        text = summary.to_csv(index=False)
        write_atomically(self.path / "summary.csv", lambda handle: handle.write(text.encode("utf-8")))
        readable = summary_markdown(summary, experiment).encode("utf-8")
        write_atomically(self.path / "summary.md", lambda handle: handle.write(readable))
        return runs
