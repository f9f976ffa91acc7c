"""``mutualaid report``: figures and tables for a paper from a sweep's results folder.

    mutualaid report RESULTS_DIR [--lang en|zh|en,zh] [--formats pdf,png,svg] [--out DIR] [--quiet]

Writes ``report-<lang>/`` into the results folder (or into ``--out``), one per
language; see docs/reporting.md. RESULTS_DIR is the folder of a sweep or of a single
``mutualaid run``. A folder that is neither, a folder without successful runs or with
damaged files, or Chinese without a CJK font installed is one line on stderr and exit
status 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.report.labels import LANGUAGES

FORMATS = ("pdf", "png", "svg")


def _choices(allowed: tuple[str, ...], what: str):
    def parse(text: str) -> list[str]:
        chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
        unknown = [part for part in chosen if part not in allowed]
        if not chosen or unknown:
            raise argparse.ArgumentTypeError(
                f"{what} must be one or more of {', '.join(allowed)}, comma-separated (got {text!r})"
            )
        return list(dict.fromkeys(chosen))

    return parse


def register_report(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand to the ``mutualaid`` parser."""
    report = sub.add_parser(
        "report",
        help="figures and tables (English or Chinese) from the results of a sweep or a run",
        description="Write figures (PDF/SVG/PNG at 300 dpi), tables (CSV and LaTeX), provenance and the model "
        "documentation into RESULTS_DIR/report-<lang>/ (see docs/reporting.md).",
    )
    report.add_argument(
        "results", metavar="RESULTS_DIR", help="results folder of `mutualaid sweep` (or of a single `mutualaid run`)"
    )
    report.add_argument(
        "--lang",
        type=_choices(LANGUAGES, "--lang"),
        default=["en"],
        metavar="en|zh|en,zh",
        help="language of every label and caption; en,zh writes both (default: en)",
    )
    report.add_argument(
        "--formats",
        type=_choices(FORMATS, "--formats"),
        default=["pdf", "png"],
        metavar="pdf,png,svg",
        help="figure formats, comma-separated (default: pdf,png)",
    )
    report.add_argument("--out", metavar="DIR", help="write report-<lang>/ here instead of into RESULTS_DIR")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from sim.report.build import build_report
    from sim.report.fonts import MissingFontError, cjk_font
    from sim.report.results import ReportError, load_results

    results = load_results(args.results)
    if "zh" in args.lang:
        try:
            cjk_font()
        except MissingFontError as exc:
            raise ReportError(str(exc)) from None
    parent = Path(args.out) if args.out else results.path
    command = ["mutualaid", *sys.argv[1:]]
    for lang in args.lang:
        started = time.perf_counter()
        report = build_report(results, lang, args.formats, parent, command, quiet=args.quiet)
        print(
            f"{report.folder}/: {report.figure_count} figures ({', '.join(args.formats)}), {report.table_count} "
            f"table files, README.md, provenance.json ({time.perf_counter() - started:.1f} s)"
        )
    return 0
