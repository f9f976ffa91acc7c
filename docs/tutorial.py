# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # A first hour with mutualaid-sim, from Python
#
# This tutorial uses the package's Python API (`from sim import ...`, documented in
# `sim/__init__.py`) to load a scenario, run it, compare two governance interventions
# with paired replicates, plot the result and run a small experiment file. It is a
# [jupytext](https://jupytext.readthedocs.io) "percent" script: open it as a notebook
# with `jupytext --to notebook docs/tutorial.py`, or run it as it is:
#
# ```bash
# .venv/bin/python docs/tutorial.py
# ```
#
# The sizes are small (200 residents, two recorded years) so that it finishes in
# seconds; the first run on a machine also compiles the model's numba kernels (about
# 8 s, then cached). For real answers use the scenarios' own sizes (1,000 residents,
# ten years) and more replicates. The test suite runs this file, so it stays true.

# %%
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files: no display is needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim import load_scenario, replicate_seeds, run_scenario, sweep

# The repository root: the working directory, or its parent when run from docs/
ROOT = next(p for p in (Path.cwd(), Path.cwd().parent) if (p / "scenarios").is_dir())
OUT = Path(os.environ.get("TUTORIAL_OUT") or tempfile.mkdtemp(prefix="mutualaid-tutorial-"))
OUT.mkdir(parents=True, exist_ok=True)

# The same overrides `--set` takes on the command line: a small, short community
SMALL = ["community.residents=200", "simulation.weeks=104", "simulation.burn_in_weeks=26"]

# %% [markdown]
# ## 1. Load a scenario
#
# A scenario file lists only what differs from the calibrated defaults; `extends`
# inherits from another file and the overrides work like `--set`. Invalid input
# raises `sim.ScenarioError` with one line per problem (file, field, what is allowed).

# %%
baseline = load_scenario(ROOT / "scenarios" / "new_estate.toml", SMALL)
print(baseline.name, "-", baseline.description)
print(
    "residents:",
    baseline.community.residents,
    "| recorded weeks:",
    baseline.simulation.weeks,
    "| initial generalized trust (mean):",
    baseline.trust.initial_generalized_mean,
)

# %% [markdown]
# ## 2. Run it once
#
# `run_scenario` returns the weekly table (one row per recorded week, the metrics of
# docs/odd.md, Observation) and the run's sustainability summary.

# %%
result = run_scenario(baseline, seed=1)
print(
    result.weekly[["week", "member_share", "active_share", "coverage", "lonely_share"]].tail(3).to_string(index=False)
)
print(f"mean coverage of need over the last two years: {result.summary['mean_coverage_last2y']:.3f}")
print(f"mean active share over the last two years:     {result.summary['mean_active_share_last2y']:.3f}")

# %% [markdown]
# ## 3. Compare two interventions with paired replicates
#
# Every scenario is run with the *same* seeds. The model draws each kind of random
# event from its own stream, so with the same seed two scenarios start from the same
# community and differ only where the intervention acts (common random numbers,
# docs/odd.md §3.3). The difference from the baseline is therefore taken replicate by
# replicate, which gives much narrower confidence intervals than comparing means.

# %%
SCENARIOS = {
    "baseline": baseline,
    "activities": load_scenario(ROOT / "scenarios" / "interventions" / "activities.toml", SMALL),
    "platform": load_scenario(ROOT / "scenarios" / "interventions" / "platform.toml", SMALL),
}
seeds = replicate_seeds(2024, 4)  # the seeds `mutualaid sweep` would use for root_seed 2024

runs = {name: [run_scenario(scenario, seed=seed) for seed in seeds] for name, scenario in SCENARIOS.items()}

metric = "mean_active_share_last2y"
rows = []
for name in ("activities", "platform"):
    diff = np.array([r.summary[metric] - b.summary[metric] for r, b in zip(runs[name], runs["baseline"])])
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    rows.append(
        {
            "intervention": name,
            "paired difference": diff.mean(),
            "95% CI low": diff.mean() - half,
            "95% CI high": diff.mean() + half,
        }
    )
effects = pd.DataFrame(rows)
print(f"{metric}: intervention minus baseline, {len(seeds)} paired replicates")
print(effects.to_string(index=False, float_format=lambda v: f"{v:+.3f}"))

# %% [markdown]
# ## 4. Plot
#
# The weekly active share of each setup (mean over replicates) and the paired effects
# with their 95% confidence intervals. The figures are written to a temporary folder
# (set `TUTORIAL_OUT` to choose another).

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
for name, results in runs.items():
    weekly = pd.concat([r.weekly[["week", "active_share"]] for r in results]).groupby("week").mean()
    left.plot(weekly.index, weekly["active_share"], label=name)
left.set_xlabel("week")
left.set_ylabel("active share")
left.legend()
right.errorbar(
    effects["intervention"],
    effects["paired difference"],
    yerr=[effects["paired difference"] - effects["95% CI low"], effects["95% CI high"] - effects["paired difference"]],
    fmt="o",
    capsize=4,
)
right.axhline(0, color="grey", linewidth=0.8)
right.set_ylabel("active share, difference from baseline")
fig.tight_layout()
figure = OUT / "tutorial_comparison.png"
fig.savefig(figure, dpi=100)
plt.close(fig)
print("figure:", figure)

# %% [markdown]
# ## 5. The same, as an experiment file
#
# For more than a handful of runs, describe the comparison in an experiment file and
# let `sweep` run it: every finished run is written to the results folder at once, an
# interrupted sweep resumes, and the summary holds each scenario's mean, 95% CI and
# paired difference from the reference scenario (docs/experiments.md). `sweep` is
# `mutualaid sweep` from Python; `workers=1` runs in this process.

# %%
summary = sweep(ROOT / "experiments" / "tiny.toml", out=OUT / "tiny", workers=1)
active = summary[summary["metric"] == "mean_active_share_last2y"]
print(
    active[
        ["scenario", "n", "mean", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high"]
    ].to_string(index=False, float_format=lambda v: f"{v:.3f}")
)
print("results folder:", OUT / "tiny", "- `mutualaid report` makes figures and tables from it")
