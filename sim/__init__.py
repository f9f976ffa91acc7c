"""mutualaid-sim: an agent-based simulator of community mutual-aid eldercare (互助养老).

The Python API is the command line's machinery, for notebooks and scripts
(docs/tutorial.py walks through it)::

    from sim import load_scenario, run_scenario, replicate_seeds, sweep

    scenario = load_scenario("scenarios/new_estate.toml", ["community.residents=300"])
    result = run_scenario(scenario, seed=1)      # result.weekly, result.summary
    seeds = replicate_seeds(2024, 5)             # common random numbers across scenarios
    summary = sweep("experiments/tiny.toml", out="results/tiny", workers=1)

- :func:`load_scenario` reads a scenario file (``extends``, ``--set``-style overrides)
  and :func:`scenario_from_dict` validates one given as a table; both raise
  :class:`ScenarioError` with one readable line per problem.
- :func:`run_scenario` runs one replicate and returns its weekly table and
  sustainability summary; :func:`simulate` also returns the final
  :class:`CommunityModel` for inspecting residents and ties; :func:`write_run` writes
  what ``mutualaid run`` writes.
- :func:`replicate_seeds` gives the seeds an experiment uses for its replicates: run
  two scenarios with the same seeds and their differences are paired.
- :func:`sweep` runs an experiment file as ``mutualaid sweep`` does and returns its
  summary table.

The names are imported on first use, so ``import sim`` stays cheap (the model pulls
in numba, pandas and the compiled kernels).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__version__ = "0.2.0"

_LAZY = {
    "load_scenario": "sim.inputs.scenario",
    "scenario_from_dict": "sim.inputs.scenario",
    "ScenarioError": "sim.inputs.scenario",
    "run_scenario": "sim.experiments.runner",
    "simulate": "sim.experiments.runner",
    "write_run": "sim.experiments.runner",
    "RunResult": "sim.experiments.runner",
    "CommunityModel": "sim.core.model",
    "Scenario": "sim.core.params",
    "replicate_seeds": "sim.experiments.plan",
    "load_experiment": "sim.experiments.plan",
}

__all__ = [*_LAZY, "sweep", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def sweep(
    experiment: str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    resume: bool = False,
    quiet: bool = True,
) -> pd.DataFrame:
    """Run an experiment file as ``mutualaid sweep`` does and return its summary table.

    The results folder (``out``, default ``results/<experiment name>``) is the same as
    the command's — manifest, one row per run, the summary with paired differences from
    the reference scenario — so ``mutualaid report`` works on it and ``resume=True``
    finishes an interrupted sweep. ``workers=1`` (the default here) runs in this
    process, which is what a notebook wants; ``None`` uses every CPU; ``scheduler``
    is a Dask address or ``"local"``.

    Raises :class:`ScenarioError` for an invalid experiment or a results folder that
    belongs to another one, and :class:`RuntimeError` when some runs failed or did not
    finish (their tracebacks are in ``runs.parquet``).
    """
    import pandas as pd

    from sim.cli import build_parser
    from sim.experiments.plan import load_experiment

    folder = Path(out) if out is not None else Path("results") / load_experiment(experiment).name
    argv = ["sweep", str(experiment), "--out", str(folder)]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if scheduler is not None:
        argv += ["--scheduler", scheduler]
    if resume:
        argv.append("--resume")
    if quiet:
        argv.append("--quiet")
    args = build_parser().parse_args(argv)
    status = args.func(args)
    if status != 0:
        raise RuntimeError(
            f"sweep {experiment}: not every run finished (exit status {status}); see "
            f"{folder}/runs.parquet, and sweep(..., resume=True) runs what is missing"
        )
    return pd.read_csv(folder / "summary.csv")
