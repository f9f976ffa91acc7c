#!/usr/bin/env python3
"""Where a week's time goes: milliseconds per week in each step of the schedule.

    python benchmarks/profile_week.py [--scenario FILE] [--residents 1000 10000] [--weeks 150]

For each size, a model is built and run through the burn-in and 60 recorded weeks
(so the network and the interventions are in their running state), then timed for
``--weeks`` more weeks with a stopwatch around each step of the week
(``sim.core.schedule.WEEK``: the submodels and the intervention phases, named as there).
Interventions that act only through hooks are timed inside the steps that call them.
"other" is the rest of ``CommunityModel.step`` (the week's tally, the loop itself).

With two or more sizes it also fits, per step, time = fixed + per-resident × residents
between the smallest and the largest size: the fixed part is what a step costs
whatever the community's size (Python and numpy call overhead), the per-resident
part the work done on the arrays. ``benchmarks/run.py`` includes this table for the
full package at 1,000 and 10,000 residents.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def stopwatches(model, spent: Counter):
    """Time each step of the week (``sim.core.schedule.WEEK``, intervention phases
    included) into ``spent`` (seconds by step name), by giving ``model`` timed copies
    of the steps; the model gets the shared schedule back afterwards."""
    from sim.core.schedule import WEEK

    def timed(label, f):
        def run(*args, **kwargs):
            t = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t

        return run

    model.week_schedule = tuple(replace(step, run=timed(step.name, step.run)) for step in WEEK)
    try:
        yield
    finally:
        del model.week_schedule


def profile(scenario: Path, residents: int, weeks: int, seed: int = 1, warm_weeks: int = 60) -> dict[str, float]:
    """Milliseconds per week in each step, and "total", over ``weeks`` weeks after the
    burn-in and ``warm_weeks`` recorded weeks."""
    from sim.core.model import CommunityModel, read_survey
    from sim.inputs.scenario import load_scenario

    config = load_scenario(scenario, [f"community.residents={residents}", f"simulation.weeks={warm_weeks + weeks}"])
    model = CommunityModel(config, rng=seed, survey=read_survey(config))
    model.run(warm_weeks)
    spent: Counter = Counter()
    with stopwatches(model, spent):
        t = time.perf_counter()
        model.run(weeks)
        total = time.perf_counter() - t
    ms = {label: 1e3 * s / weeks for label, s in spent.items()}
    ms["other"] = 1e3 * total / weeks - sum(ms.values())
    ms["total"] = 1e3 * total / weeks
    return ms


def linear_parts(runs: dict[int, dict[str, float]], label: str) -> tuple[float, float]:
    """(fixed ms, ms per resident) of one step: the straight line through its times at
    the smallest and the largest size."""
    small, large = min(runs), max(runs)
    a, b = runs[small].get(label, 0.0), runs[large].get(label, 0.0)
    per = (b - a) / (large - small)
    return a - per * small, per


def table(scenario: Path, sizes: list[int], weeks: int) -> tuple[list[str], dict[int, dict[str, float]]]:
    """A markdown table of ms per week by step and size, with each step's fixed and
    per-resident parts when there are two sizes or more; and the measurements."""
    runs = {n: profile(scenario, n, weeks) for n in sorted(sizes)}
    small = min(runs)
    fit = len(runs) > 1
    labels = sorted((k for k in runs[small] if k != "total"), key=lambda k: -runs[small][k]) + ["total"]
    head = "| step | " + " | ".join(f"{n:,} residents" for n in runs) + " |"
    rule = "|---|" + "---|" * len(runs)
    if fit:
        head += f" fixed ms | µs per resident | fixed share at {small:,} |"
        rule += "---|---|---|"
    out = [head, rule]
    for label in labels:
        row = f"| {label} | " + " | ".join(f"{r.get(label, 0.0):.3f}" for r in runs.values()) + " |"
        if fit:
            fixed, per = linear_parts(runs, label)
            share = fixed / runs[small][label] if runs[small].get(label, 0.0) > 0 else 0.0
            row += f" {fixed:.3f} | {1e3 * per:.3f} | {share:.0%} |"
        out.append(row)
    return out, runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "full_package.toml"))
    parser.add_argument("--residents", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--weeks", type=int, default=150, help="weeks timed after the warm-up (default 150)")
    args = parser.parse_args()
    print(f"ms per week, {Path(args.scenario).name}, {args.weeks} weeks after burn-in + 60 weeks")
    print("\n".join(table(Path(args.scenario), args.residents, args.weeks)[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
