"""``mutualaid trial``: the command line of in-silico trials (sim/experiments/trial.py,
docs/trials.md). Kept apart from the trial code so that building the parser imports
no model (numba compiles the kernels only when a trial runs)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.experiments.cli import _data_root_option, _positive
from sim.inputs.scenario import load_scenario

DEFAULT_REPLICATES = 10


def register_trial(sub: argparse._SubParsersAction) -> None:
    """Add the ``trial`` subcommand to the ``mutualaid`` parser."""
    trial = sub.add_parser(
        "trial",
        help="randomize a community's eligible residents to an intervention or control and report the "
        "standardized mean difference in their outcomes at 6 and 12 months",
        description="In-silico trial (docs/trials.md): at the intervention's start week its eligible residents "
        "are randomized 1:1; Hedges' g (treated - control) of loneliness, self-worth, belonging, trust, hours "
        "received, membership and activity at 6 and 12 months, with a 95%% CI over replicates.",
    )
    trial.add_argument("scenario", help="scenario file (TOML)")
    trial.add_argument(
        "--intervention",
        required=True,
        metavar="NAME",
        help="the intervention trialled: activities, targeted_support or professional_services (its "
        "psychological support); switched on if the scenario has it off",
    )
    trial.add_argument(
        "--replicates",
        type=_positive,
        default=DEFAULT_REPLICATES,
        metavar="K",
        help=f"independent trials, one seed each (default {DEFAULT_REPLICATES}; at least 2 for a CI)",
    )
    trial.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="root seed of the replicates' seeds (default: the scenario's simulation.seed)",
    )
    trial.add_argument("--residents", type=_positive, help="number of residents (default: the scenario's)")
    trial.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override a parameter, e.g. --set simulation.burn_in_weeks=26 (repeatable)",
    )
    trial.add_argument(
        "--out",
        help="output folder (default: results/trial-<intervention>-<scenario>-seed<S>); refused if it holds "
        "anything, unless --overwrite",
    )
    trial.add_argument("--overwrite", action="store_true", help="replace the results in a folder that holds some")
    _data_root_option(trial)
    trial.add_argument("--quiet", action="store_true", help="no progress bar")
    trial.set_defaults(func=cmd_trial)


def cmd_trial(args: argparse.Namespace) -> int:
    from sim.cli import _refuse_experiment_file
    from sim.experiments.progress import Progress
    from sim.experiments.runner import check_out_dir
    from sim.experiments.trial import (
        FOLLOW_UP,
        check_intervention,
        default_out_dir,
        run_trial,
        summary_markdown,
        trial_scenario,
        write_trial,
    )

    check_intervention(args.intervention)  # before reading anything, so a typo costs nothing
    _refuse_experiment_file(args.scenario)
    overrides = list(args.set or [])
    if args.residents is not None:
        overrides.append(f"community.residents={args.residents}")
    scenario = load_scenario(args.scenario, overrides, data_roots=args.data_root)
    root_seed = scenario.simulation.seed if args.seed is None else args.seed
    prepared = trial_scenario(scenario, args.intervention)
    out = Path(args.out) if args.out else default_out_dir(scenario, args.intervention, root_seed)
    check_out_dir(out, args.overwrite)  # before the runs, so a refused folder wastes no time
    if args.replicates < 2:
        print("warning: one replicate gives no confidence interval", file=sys.stderr)
    weeks = prepared.simulation.weeks
    started = time.perf_counter()
    with Progress(
        args.replicates * weeks, f"trial {args.intervention} on {scenario.name}", unit="week", quiet=args.quiet
    ) as bar:
        result = run_trial(scenario, args.intervention, args.replicates, root_seed, progress=bar.update)
    command = ["mutualaid", *sys.argv[1:]]
    paths = write_trial(result, out, command, overwrite=args.overwrite)
    print(summary_markdown(result, " ".join(command)), end="")
    print(
        f"\n{args.replicates} replicates of {weeks} weeks (follow-up at {', '.join(map(str, FOLLOW_UP))} months) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    print(f"results: {', '.join(str(p) for p in paths.values())}")
    return 0
