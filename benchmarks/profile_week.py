#!/usr/bin/env python3
"""Where a week's time goes: milliseconds per week in each step of the schedule.

    python benchmarks/profile_week.py [--scenario FILE] [--residents 1000 10000] [--weeks 150]

For each size, a model is built and run through the burn-in and 60 recorded weeks
(so the network and the interventions are in their running state), then timed for
``--weeks`` more weeks with a stopwatch around each submodel of the schedule and
each intervention's weekly action. "other" is the rest of ``CommunityModel.step``
(the week's tally, the loop itself).

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, module, function) in schedule order; the model calls them as module attributes
SCHEDULE = (
    ("governance", "governance", "step"),
    ("demography", "demography", "step"),
    ("needs", "needs", "step"),
    ("helping", "helping", "step"),
    ("trust", "trust", "step"),
    ("norms", "norms", "step"),
    ("motives", "motives", "step"),
    ("participation", "participation", "step"),
    ("network dynamics", "network_dynamics", "step"),
    ("observation", "observation", "observe"),
)


MISSING = object()  # an intervention without an ``act`` of its own (the class's is used)


@contextmanager
def stopwatches(model, spent: Counter):
    """Time each step of the schedule, and the weekly action of each intervention
    that has a place in it, into ``spent`` (seconds by label)."""
    import sim.submodels as submodels

    def timed(label, f):
        def run(*args, **kwargs):
            t = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t
        return run

    restore = []
    for label, module_name, attr in SCHEDULE:
        module = getattr(submodels, module_name)
        restore.append((module, attr, getattr(module, attr)))
        setattr(module, attr, timed(label, getattr(module, attr)))
    for name, iv in model.governance.interventions.items():
        if iv.phase is None:  # acts only through hooks, inside the submodels' time
            continue
        restore.append((iv, "act", vars(iv).get("act", MISSING)))
        iv.act = timed(f"intervention: {name}", iv.act)
    try:
        yield
    finally:
        for owner, attr, original in restore:
            if original is MISSING:
                delattr(owner, attr)  # back to the class's method
            else:
                setattr(owner, attr, original)


def profile(scenario: Path, residents: int, weeks: int, seed: int = 1, warm_weeks: int = 60) -> dict[str, float]:
    """Milliseconds per week in each step, and "total", over ``weeks`` weeks after the
    burn-in and ``warm_weeks`` recorded weeks."""
    from sim.model import CommunityModel
    from sim.scenario import load_scenario

    config = load_scenario(scenario, [f"community.residents={residents}", f"simulation.weeks={warm_weeks + weeks}"])
    model = CommunityModel(config, rng=seed)
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
