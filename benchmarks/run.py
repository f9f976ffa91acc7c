"""Performance harness: measures, in one run, and writes benchmarks/results.md.

    python benchmarks/run.py            # quick: 1,000 and 10,000 residents, a 16-run sweep
    python benchmarks/run.py --full     # also 100,000 residents × 520 weeks, a 40-run sweep

Measured:
- the reference run (1,000 residents, 520 recorded weeks after the 52-week burn-in)
  for the baseline and for the full intervention package: wall time and agent-steps
  per second, against Mesa's own Boltzmann wealth example at the same number of
  agents (as a ratio, measured in the same process run);
- scaling at 1,000, 10,000 (and 100,000 with --full) residents: construction time,
  run time, agent-steps per second, cost per agent-step, and peak memory — each size
  in a fresh subprocess so peak memory is its own;
- where the full package's week goes: milliseconds per week in each submodel and
  intervention at 1,000 and 10,000 residents, split into a fixed part and a part
  per resident (benchmarks/profile_week.py);
- sweep throughput: the same sweep (two settings × replicates, 1,000 residents ×
  520 weeks) in-process and on a pool of 2 worker processes; the speed-up, and the
  orchestration overhead: the share of the workers' time not spent inside a model
  (pool start-up, dispatching, pickling, writing Parquet, consolidating, waiting on
  the last run), also per run in seconds.

An agent-step is one resident for one week, burn-in included (the Boltzmann model's
is one agent for one step). Timings are medians of ``--repeat`` runs (100,000 residents
and the sweep: one run each). They vary with the
machine and its load; the machine and load average are at the top of the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from sim.core.model import CommunityModel, read_survey
from sim.inputs.scenario import load_scenario
path, residents, weeks, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
scenario = load_scenario(path, [f"community.residents={residents}", f"simulation.weeks={weeks}"])
t0 = time.perf_counter()
model = CommunityModel(scenario, rng=seed, survey=read_survey(scenario))
t1 = time.perf_counter()
model.run()
t2 = time.perf_counter()
steps = model.config.simulation.burn_in_weeks + weeks
print(json.dumps({"construct": t1 - t0, "run": t2 - t1, "weeks": steps,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(scenario: Path, residents: int, weeks: int, seed: int = 1) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(scenario), str(residents), str(weeks), str(seed)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    r = json.loads(out.stdout)
    r["agent_steps_per_s"] = residents * r["weeks"] / r["run"]
    r["us_per_agent_step"] = 1e6 * r["run"] / (residents * r["weeks"])
    return r


WARM = r"""
import json, time
t0 = time.perf_counter()
from sim.core import kernels
t1 = time.perf_counter()
kernels.warm_up()
print(json.dumps({"import": t1 - t0, "warm_up": time.perf_counter() - t1}))
"""


def kernel_start_up() -> tuple[float, float]:
    """Seconds to compile the kernels with an empty numba cache, and to load them from
    the cache in a fresh process (which also fills the cache the measurements use)."""
    import tempfile

    def warm(env: dict) -> float:
        out = subprocess.run(
            [sys.executable, "-c", WARM], capture_output=True, text=True, check=True, cwd=ROOT, env=env
        )
        return json.loads(out.stdout)["warm_up"]

    with tempfile.TemporaryDirectory() as cache:
        cold = warm({**os.environ, "NUMBA_CACHE_DIR": cache})
    warm(dict(os.environ))
    return cold, warm(dict(os.environ))


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def boltzmann_agent_steps_per_s(agents: int, steps: int) -> float:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    model = BoltzmannWealth(BoltzmannScenario(n=agents, width=32, height=32, rng=1))
    t = time.perf_counter()
    for _ in range(steps):
        model.step()
    return agents * steps / (time.perf_counter() - t)


def sweep_section(replicates: int) -> tuple[list[str], dict[str, float]]:
    """The same sweep in-process and on 2 worker processes (benchmarks/sweep_scaling.py)."""
    import tempfile

    from sweep_scaling import experiment_text, timed_sweep

    weeks, residents = 520, 1000
    out = [
        "",
        f"## Sweep throughput: 2 settings × {replicates} replicates, {residents:,} residents × {weeks} weeks",
        "",
        "| executor | workers | runs | wall s | model s | speed-up | overhead share | overhead per run s | start-up s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        experiment = Path(folder) / "sweep.toml"
        experiment.write_text(experiment_text(replicates, weeks, residents), encoding="utf-8")
        results = [
            (label, timed_sweep(experiment, Path(folder) / label, workers, dask=False))
            for label, workers in (("in-process", 1), ("process pool", 2))
        ]
    serial = results[0][1]["wall_seconds"]
    measured = {}
    for label, r in results:
        share = 1.0 - r["model_seconds"] / (r["workers"] * r["wall_seconds"])
        measured[label] = {"speed_up": serial / r["wall_seconds"], "overhead_share": share}
        out.append(
            f"| {label} | {r['workers']} | {r['runs']} | {r['wall_seconds']:.1f} | {r['model_seconds']:.1f} | "
            f"{serial / r['wall_seconds']:.2f}× | {100 * share:.1f}% | {r['overhead_per_run_seconds']:.3f} | "
            f"{r['start_up_seconds']:.2f} |"
        )
        print(out[-1], flush=True)
    out += [
        "",
        "model s: time inside the models, summed over runs (on the pool it includes the slow-down of two "
        "models sharing memory bandwidth). Overhead share: 1 − model s / (workers × wall s).",
        "",
    ]
    return out, measured


def profile_section(package: Path, boltzmann: float) -> list[str]:
    """Milliseconds per week by submodel for the full package at 1,000 and 10,000
    residents, with each step's fixed and per-resident parts, against the week that ten
    times ``boltzmann`` (agent-steps per second) would allow at 1,000 residents."""
    from profile_week import linear_parts, table

    rows, runs = table(package, [1000, 10_000], weeks=150)
    fixed, per_resident = linear_parts(runs, "total")  # ms, ms per resident
    print("\n".join(rows), flush=True)
    return [
        "",
        "## Where the full package's week goes (ms per week; benchmarks/profile_week.py)",
        "",
        *rows,
        "",
        "Fixed and per-resident parts: the straight line through the two sizes. Ten times this run's "
        f"Boltzmann rate at 1,000 agents allows {1e3 * 1000 / (10 * boltzmann):.2f} ms per week for 1,000 "
        f"residents; the full package's week there is {1000 * per_resident:.2f} ms of per-resident work "
        f"and {fixed:.2f} ms fixed.",
        "",
    ]


def bars_section(got: dict[str, float]) -> list[str]:
    """The targets of the performance issue against this run's measurements."""
    rows = [
        ("reference run (full package) vs Mesa Boltzmann", "≥ 10×", got.get("ratio"), "{:.1f}×", lambda v: v >= 10),
        ("100,000 residents × 520 weeks, construction + run", "< 60 s", got.get("t100k"), "{:.0f} s", lambda v: v < 60),
        ("peak memory at 100,000", "< 1,000 MB", got.get("mb100k"), "{:.0f} MB", lambda v: v < 1000),
        ("cost per agent-step, 100,000 / 10,000", "≤ 1.5", got.get("cost_ratio"), "{:.2f}", lambda v: v <= 1.5),
        ("slowest construction", "< 5 s", got.get("construct"), "{:.2f} s", lambda v: v < 5),
        ("sweep, 2 workers vs 1", "≥ 1.8×", got.get("speed_up"), "{:.2f}×", lambda v: v >= 1.8),
        ("sweep orchestration overhead (process pool)", "< 5%", got.get("overhead"), "{:.1%}", lambda v: v < 0.05),
    ]
    out = ["## Against the targets", "", "| measure | target | this run | met |", "|---|---|---|---|"]
    for label, target, value, fmt, ok in rows:
        shown, met = (
            ("not measured (add --full)", "–") if value is None else (fmt.format(value), "yes" if ok(value) else "no")
        )
        out.append(f"| {label} | {target} | {shown} | {met} |")
    return out + [""]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


KEPT = "<!-- kept: everything below this line is kept when benchmarks/run.py rewrites the file -->"


def kept_section(path: Path) -> str:
    """The hand-kept part of the results file (measurements behind design choices,
    quoted by the code's docstrings by section), which a re-run must not drop."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    at = text.find(KEPT)
    return "\n\n" + text[at:] if at >= 0 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="include 100,000 residents × 520 weeks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sweep-replicates",
        type=int,
        default=0,
        help="replicates per setting in the sweep (default 8, 20 with --full)",
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"))
    args = parser.parse_args()

    baseline = ROOT / "scenarios" / "new_estate.toml"
    package = ROOT / "scenarios" / "full_package.toml"
    lines = [
        "# Benchmark results",
        "",
        f"- machine: {machine()}",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `python benchmarks/run.py{' --full' if args.full else ''} --repeat {args.repeat}`",
        f"- 1-minute load average at the start: {os.getloadavg()[0]:.2f}",
        "",
    ]

    cold, cached = kernel_start_up()
    lines.insert(
        -1,
        f"- compiled loops (sim/core/kernels.py): {cold:.1f} s to compile once per machine "
        f"(numba caches them on disk), {cached:.2f} s to load in a fresh process",
    )
    print(lines[-2], flush=True)

    got: dict[str, float] = {}
    body = [
        "## Reference run: 1,000 residents, 520 recorded weeks (+52 burn-in)",
        "",
        "| scenario | construction s | run s | agent-steps/s | Mesa Boltzmann agent-steps/s | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, path in (("baseline (new estate)", baseline), ("full package", package)):
        r = median_of([measure(path, 1000, 520, seed) for seed in range(1, args.repeat + 1)])
        boltzmann = statistics.median(boltzmann_agent_steps_per_s(1000, 100) for _ in range(args.repeat))
        body.append(
            f"| {name} | {r['construct']:.2f} | {r['run']:.2f} | {r['agent_steps_per_s']:,.0f} | "
            f"{boltzmann:,.0f} | {r['agent_steps_per_s'] / boltzmann:.1f}× |"
        )
        got["ratio"] = r["agent_steps_per_s"] / boltzmann  # the full package's, the last row
        got["construct"] = max(got.get("construct", 0.0), r["construct"])
        print(body[-1], flush=True)

    body += profile_section(package, boltzmann)

    sizes = [1000, 10_000] + ([100_000] if args.full else [])
    body += [
        "",
        "## Scaling (baseline new estate, 520 recorded weeks)",
        "",
        "| residents | construction s | run s | agent-steps/s | µs per agent-step | peak MB |",
        "|---|---|---|---|---|---|",
    ]
    cost = {}
    for n in sizes:
        repeats = args.repeat if n <= 10_000 else 1
        r = median_of([measure(baseline, n, 520, seed) for seed in range(1, repeats + 1)])
        body.append(
            f"| {n:,} | {r['construct']:.2f} | {r['run']:.1f} | {r['agent_steps_per_s']:,.0f} | "
            f"{r['us_per_agent_step']:.2f} | {r['peak_mb']:.0f} |"
        )
        cost[n] = r["us_per_agent_step"]
        got["construct"] = max(got["construct"], r["construct"])
        if n == 100_000:
            got.update(t100k=r["construct"] + r["run"], mb100k=r["peak_mb"], cost_ratio=cost[100_000] / cost[10_000])
        print(body[-1], flush=True)

    sweep_lines, sweep = sweep_section(args.sweep_replicates or (20 if args.full else 8))
    body += sweep_lines
    got.update(speed_up=sweep["process pool"]["speed_up"], overhead=sweep["process pool"]["overhead_share"])
    lines += bars_section(got) + body
    Path(args.out).write_text("\n".join(lines) + kept_section(Path(args.out)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
