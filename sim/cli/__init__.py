"""The ``mutualaid`` command line.

Every input problem (a missing or malformed file, an unknown key, a value out of
range, an ``extends`` cycle, a bad ``--set``) is reported as one line per problem
naming the file, the field and what is allowed, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.dashboard import register_dashboard
from sim.experiments.cli import _data_root_option, _positive, register_sweep
from sim.experiments.trial_cli import register_trial
from sim.inputs.scenario import ScenarioError, load_scenario, read_toml
from sim.report.cli import register_report

if TYPE_CHECKING:  # the command line imports the heavy modules only when they are used
    from sim.experiments.analyse import AnalysedRuns
    from sim.experiments.calibration import TrialRows

EXIT_INPUT = 2
PATTERN_WEEKS = 52  # the patterns are measured over the last year of a run
DEFAULT_PATTERNS = "experiments/patterns.toml"
CALIBRATION_ROOT_SEED = 2024
"""Root seed of a scenario file's calibration replicates (experiments/calibration.toml's)."""


def _package_version() -> str:
    """The installed distribution's version (what ``pip`` installed), or the source
    tree's when the package runs uninstalled."""
    from importlib import metadata

    import sim

    try:
        return metadata.version("mutualaid-sim")
    except metadata.PackageNotFoundError:
        return sim.__version__


def _at_least(weeks: int, why: str) -> Callable[[str], int]:
    """An argparse type: a whole number of weeks, at least ``weeks`` (``why`` says why)."""

    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            return _positive(text)  # refuses it with the shared "expected a whole number" message
        if value < weeks:
            raise argparse.ArgumentTypeError(f"must be at least {weeks} ({why}), got {value}")
        return value

    return check


_pattern_weeks = _at_least(PATTERN_WEEKS, "the patterns are measured over the last year of the run")
_tipping_weeks = _at_least(52, "a collapse is a fall sustained for a year")


def is_experiment_file(path: str | Path) -> bool:
    """An experiment file has a top-level ``scenarios`` list; a scenario file never does.
    Unreadable files are not experiments: loading them as scenarios reports why."""
    try:
        return "scenarios" in read_toml(Path(path))
    except ScenarioError:
        return False


def _refuse_experiment_file(path: str | Path) -> None:
    if is_experiment_file(path):
        raise ScenarioError(
            [
                f"{path}: this is an experiment file (it has a top-level `scenarios` list), not a "
                f"scenario: run it with `mutualaid sweep {path}`"
            ]
        )


def scenario_files(paths: list[str]) -> list[Path]:
    """The files named, with each folder replaced by the ``*.toml`` files under it
    (recursively, sorted), so ``validate scenarios/`` covers the whole library."""
    out: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if p.is_file())
            if not found:
                raise ScenarioError([f"{path}: folder has no .toml files"])
            out.extend(found)
        else:
            out.append(path)
    return out


def _overrides(args: argparse.Namespace) -> list[str]:
    out = list(args.set or [])
    if getattr(args, "residents", None) is not None:
        out.append(f"community.residents={args.residents}")
    if getattr(args, "weeks", None) is not None:
        out.append(f"simulation.weeks={args.weeks}")
    if getattr(args, "seed", None) is not None:
        out.append(f"simulation.seed={args.seed}")
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from sim.core.metrics import LAST_WEEKS
    from sim.experiments.progress import Progress
    from sim.experiments.runner import check_out_dir, default_out_dir, run_scenario, write_run

    _refuse_experiment_file(args.scenario)
    scenario = load_scenario(args.scenario, _overrides(args), data_roots=args.data_root)
    sim_cfg = scenario.simulation
    out = Path(args.out) if args.out else default_out_dir(scenario)
    check_out_dir(out, args.overwrite)  # before the run, so a refused folder wastes no time
    started = time.perf_counter()
    with Progress(sim_cfg.weeks, f"run {scenario.name}", unit="week", quiet=args.quiet) as bar:
        result = run_scenario(scenario, progress=bar.update)
    elapsed = time.perf_counter() - started
    paths = write_run(result, out, command=["mutualaid", *sys.argv[1:]], overwrite=args.overwrite)
    s = result.summary
    window = "last 2 years" if sim_cfg.weeks >= LAST_WEEKS else f"all {sim_cfg.weeks} weeks"
    if sim_cfg.weeks < LAST_WEEKS:
        print(
            f"warning: the run is shorter than the {LAST_WEEKS}-week window of the sustainability metrics; "
            f"they are means over all {sim_cfg.weeks} weeks",
            file=sys.stderr,
        )
    print(
        f"{scenario.name}: {scenario.community.residents} residents, {sim_cfg.weeks} weeks, seed {result.seed} "
        f"({elapsed:.1f} s)"
    )
    print(f"  {f'coverage of need ({window})':<33} {s['mean_coverage_last2y']:.3f}")
    print(
        f"  {f'active share ({window})':<33} {s['mean_active_share_last2y']:.3f}  (peak {s['peak_active_share']:.3f}, "
        f"persistence {s['persistence']:.2f})"
    )
    print(f"  collapsed                         {'week ' + str(s['collapse_week']) if s['collapsed'] else 'no'}")
    print(f"  coverage gap (connected-isolated) {s['mean_coverage_gap_last2y']:.3f}")
    print(f"  budget spent                      {s['budget_spent']:.0f}")
    print(f"  results: {paths['parquet']}, {paths['csv']}, {paths['summary']}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.experiments.plan import load_experiment

    problems: list[str] = []
    for path in scenario_files(args.files):
        try:
            if is_experiment_file(path):
                load_experiment(path, data_roots=args.data_root)
                print(f"{path}: valid experiment file (run it with `mutualaid sweep {path}`)")
                continue
            load_scenario(path, data_roots=args.data_root)
        except ScenarioError as exc:
            problems.extend(exc.problems)
        else:
            print(f"{path}: valid")
    for line in problems:
        print(line, file=sys.stderr)
    return EXIT_INPUT if problems else 0


def cmd_params(args: argparse.Namespace) -> int:
    from sim.inputs.docs import parameter_table

    text = parameter_table()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0


def _analysed_runs(args: argparse.Namespace, probe: str, label: str, scenario_files: bool) -> AnalysedRuns:
    """The runs ``calibrate`` or ``patterns`` analyses: those of a sweep's results folder,
    or those of an experiment file (or, for ``calibrate``, a scenario file) made here
    through the sweep loop, with the probe the analysis reads."""
    from sim.experiments.analyse import runs_of_experiment, runs_of_folder
    from sim.experiments.plan import Experiment, load_experiment, scenario_experiment
    from sim.experiments.progress import Progress
    from sim.experiments.schema import read_experiment_file

    source = Path(args.source)
    sizes = {"--replicates": args.replicates, "--weeks": args.weeks, "--residents": getattr(args, "residents", None)}
    if source.is_dir():
        given = [option for option, value in {**sizes, "--set": getattr(args, "set", None)}.items() if value]
        if given:
            raise ScenarioError(
                [f"{source}: a results folder holds its runs already; {', '.join(given)} apply to an experiment file"]
            )
        return runs_of_folder(source)
    experiment: Experiment
    if is_experiment_file(source):
        if getattr(args, "set", None):
            raise ScenarioError([f"{source}: --set applies to a scenario file; an experiment file has its own set"])
        spec = read_experiment_file(source)
        changes = {key.removeprefix("--"): value for key, value in sizes.items() if value is not None}
        store = spec.store.model_copy(update={"probes": sorted({*spec.store.probes, probe})})
        spec = spec.model_copy(update={**changes, "store": store})
        experiment = load_experiment(source, data_roots=args.data_root, spec=spec)
    elif scenario_files:
        scenario = load_scenario(source, _overrides(args), data_roots=args.data_root)
        experiment = scenario_experiment(scenario, args.replicates or 5, CALIBRATION_ROOT_SEED, probes=(probe,))
    else:
        raise ScenarioError(
            [f"{source}: give an experiment file (such as experiments/{probe}.toml) or a sweep's results folder"]
        )
    with Progress(len(experiment.runs), label.format(name=experiment.name), quiet=args.quiet) as bar:
        runs = runs_of_experiment(experiment, args.workers, lambda failed: bar.update(1, failed=int(failed)))
    if runs.failed:
        print(f"warning: {runs.failed} of {len(runs.runs)} runs failed; the analysis uses the others", file=sys.stderr)
    return runs


def _this_command(name: str) -> str:
    return f"mutualaid {name} " + " ".join(sys.argv[2:]) if sys.argv[1:2] == [name] else f"mutualaid {name}"


def _calibration_trials(args: argparse.Namespace, runs: AnalysedRuns) -> TrialRows | None:
    """The in-silico trials an experiment file declares (``[trials]``), run on its
    scenario; None for a results folder or a scenario file, which declare none."""
    from sim.core.params import Scenario
    from sim.experiments.calibration import format_trial_rows, run_trials, trial_weeks
    from sim.experiments.progress import Progress
    from sim.experiments.schema import read_experiment_file

    source = Path(args.source)
    if source.is_dir() or not is_experiment_file(source):
        return None
    trials = read_experiment_file(source).trials
    if trials is None:
        return None
    scenario = Scenario.model_validate(runs.scenario_dumps[trials.scenario])
    total = trial_weeks(trials, scenario)
    with Progress(total, f"trials on {trials.scenario}", unit="week", quiet=args.quiet) as bar:
        found = run_trials(trials, scenario, bar.update)
    print(f"{format_trial_rows(found)}\n")
    return found


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.experiments.calibration import (
        SAMPLE_EVERY,
        calibrate_runs,
        calibration_passes,
        direction_rows,
        format_direction_rows,
        format_rows,
        markdown_report,
    )

    if args.weeks is not None and args.weeks < SAMPLE_EVERY:
        raise ScenarioError(
            [
                f"{args.source}: simulation.weeks: the calibration samples every {SAMPLE_EVERY} weeks, "
                f"so it needs at least {SAMPLE_EVERY}, got {args.weeks}"
            ]
        )
    runs = _analysed_runs(args, "calibration", "calibrate {name}", scenario_files=True)
    results = calibrate_runs(runs)
    for name, rows in results.items():
        print(f"{name}\n{format_rows(rows)}\n")
    directions = direction_rows(runs)
    if directions:
        print(f"{format_direction_rows(directions)}\n")
    trials = _calibration_trials(args, runs)
    if args.write:
        text = markdown_report(results, [*runs.commands, _this_command("calibrate")], runs, trials, directions)
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    return 0 if calibration_passes(results, trials, directions) else 1


def cmd_patterns(args: argparse.Namespace) -> int:
    from sim.experiments.patterns import report

    runs = _analysed_runs(args, "patterns", "patterns", scenario_files=False)
    text = report(runs, [*runs.commands, _this_command("patterns")])
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


def cmd_tipping(args: argparse.Namespace) -> int:
    from sim.experiments.tipping import report

    runs = _analysed_runs(args, "tipping", "tipping {name}", scenario_files=False)
    out = Path(args.out) if args.out else None
    figures = Path(args.figures) if args.figures else (out.parent / "figures" if out else None)
    text = report(runs, [*runs.commands, _this_command("tipping")], out, figures)
    print(f"wrote {out}" if out else text)
    return 0


def _workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="runs at once when the runs are made here (default 1: in this process, as `sweep --workers 1`)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutualaid", description="Agent-based simulator of community mutual-aid eldercare (互助养老)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one scenario and write its weekly metrics and summary")
    run.add_argument("scenario", help="scenario file (TOML)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's simulation.seed)")
    run.add_argument("--weeks", type=int, help="recorded weeks (default: the scenario's simulation.weeks)")
    run.add_argument("--residents", type=int, help="number of residents (default: the scenario's community.residents)")
    run.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override a parameter, e.g. --set trust.gossip_rate=0.3 (repeatable)",
    )
    run.add_argument(
        "--out",
        help="output folder (default: results/<scenario name>-seed<N>); refused if it holds "
        "anything, unless --overwrite",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the results in a folder that holds some (never a sweep's folder)",
    )
    _data_root_option(run)
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files; exit 0 if all are valid, 2 otherwise")
    val.add_argument(
        "files",
        nargs="+",
        metavar="FILE_OR_FOLDER",
        help="scenario files, or folders whose .toml files (recursively) are checked; "
        "an experiment file is checked as one",
    )
    _data_root_option(val)
    val.set_defaults(func=cmd_validate)

    params = sub.add_parser("params", help="print (or write) the parameter table generated from the schema")
    params.add_argument("--out", help="write to this file (e.g. docs/parameters.md)")
    params.set_defaults(func=cmd_params)

    cal = sub.add_parser(
        "calibrate",
        help="compare the runs of each scenario with the calibration targets, and the in-silico trials an experiment "
        "declares with their band; exit 1 if the first scenario, a target measured under a named condition "
        "(time_bank_stable), a direction check or a trial is out of band",
        description="Compare each scenario's runs with the calibration targets (docs/targets.md): the runs of "
        "a sweep's results folder (an experiment with [store] probes = ['calibration'], such as "
        "experiments/calibration.toml), or of an experiment or scenario file, made here first.",
    )
    cal.add_argument(
        "source",
        metavar="RESULTS_OR_FILE",
        help="a sweep's results folder (e.g. results/calibration), an experiment file or a scenario file",
    )
    cal.add_argument(
        "--replicates",
        type=_positive,
        metavar="N",
        help="replicates of each scenario (default: the experiment's; 5 for a scenario file)",
    )
    cal.add_argument(
        "--weeks",
        type=_positive,
        metavar="N",
        help="recorded weeks of each run, at least 13 (default: the experiment's or the scenario's)",
    )
    cal.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override a parameter of a scenario file, e.g. --set trust.gossip_rate=0.3 (repeatable)",
    )
    _workers_option(cal)
    _data_root_option(cal)
    cal.add_argument("--write", metavar="FILE", help="write the calibration report (e.g. docs/calibration.md)")
    cal.add_argument("--quiet", action="store_true", help="no progress bar")
    cal.set_defaults(func=cmd_calibrate)

    pat = sub.add_parser(
        "patterns",
        help="report the patterns the model was not tuned to (docs/patterns.md)",
        description="Report the patterns the model was not tuned to from the runs of a sweep's results folder "
        "(an experiment with [store] probes = ['patterns']), or of an experiment file, made here first.",
    )
    pat.add_argument(
        "source",
        nargs="?",
        default=DEFAULT_PATTERNS,
        metavar="RESULTS_OR_EXPERIMENT",
        help=f"a sweep's results folder (e.g. results/patterns) or an experiment file (default {DEFAULT_PATTERNS})",
    )
    pat.add_argument(
        "--replicates", type=_positive, metavar="N", help="replicates of each configuration (default: the experiment's)"
    )
    pat.add_argument(
        "--weeks",
        type=_pattern_weeks,
        metavar="N",
        help=f"recorded weeks of each run, at least {PATTERN_WEEKS} (default: the experiment's)",
    )
    pat.add_argument(
        "--residents", type=_positive, metavar="N", help="residents of the community (default: the experiment's)"
    )
    _workers_option(pat)
    _data_root_option(pat)
    pat.add_argument("--out", help="write to this file (e.g. docs/patterns.md)")
    pat.add_argument("--quiet", action="store_true", help="no progress bar")
    pat.set_defaults(func=cmd_patterns)

    tip = sub.add_parser(
        "tipping",
        help="classify runs as never started, running or collapsed after running, with a phase diagram",
        description="Classify each run of a tipping experiment (an experiment with [store] probes = ['tipping'], "
        "such as experiments/tipping.toml) as never started, running or collapsed after running, and write "
        "the table and the phase diagram (docs/tipping.md): the runs of a sweep's results folder, or of an "
        "experiment file, made here first.",
    )
    tip.add_argument("source", metavar="RESULTS_OR_EXPERIMENT", help="a sweep's results folder or an experiment file")
    tip.add_argument(
        "--replicates", type=_positive, metavar="N", help="replicates of each point (default: the experiment's)"
    )
    tip.add_argument("--weeks", type=_tipping_weeks, metavar="N", help="recorded weeks of each run, at least 52")
    tip.add_argument("--residents", type=_positive, metavar="N", help="residents (default: the experiment's)")
    _workers_option(tip)
    _data_root_option(tip)
    tip.add_argument("--out", help="write the table into this file (between its tipping markers, if it has them)")
    tip.add_argument(
        "--figures",
        metavar="DIR",
        help="folder of the phase diagram, tipping.pdf and .png (default: figures/ by --out)",
    )
    tip.add_argument("--quiet", action="store_true", help="no progress bar")
    tip.set_defaults(func=cmd_tipping)

    register_sweep(sub)
    register_trial(sub)
    register_dashboard(sub)
    register_report(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        for line in exc.problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as exc:  # a folder that cannot be made or written, a full disk: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}cannot read or write ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
