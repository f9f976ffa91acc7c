"""Run every command of the README in order, as a new user would, and fail on any
traceback or unexpected exit status.

    python3 .ci/readme_walkthrough.py [--skip-tests] [--skip SUBSTRING ...] [--log FILE]

Run it from the root of a fresh clone (it creates `.venv`, writes `results/` and
re-writes the generated reports under `docs/`, as the README's commands do). The
commands are read from the README itself — every line of its ``bash`` blocks and every
inline command that starts with ``.venv/bin/`` — so the script cannot drift from the
text. Bare ``mutualaid``/``pip``/``python`` are those of the venv, as the README says.
The dashboard is started, checked to answer on its address, and stopped. Afterwards
``mutualaid report`` runs on every results folder the commands made (every shipped
experiment the README sweeps).

It takes about 20–30 minutes on a 2-core machine (the calibration and the patterns
report are the long ones; ``--skip patterns`` leaves one out), so CI does not run it;
run it before a release and after changing the README.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_TOOLS = ("mutualaid", "pip", "python")
# exit statuses a command may end with and still be working as documented
ALLOWED_EXIT = {"mutualaid calibrate": {0, 1}}  # 1: the first scenario is out of a target's band


def readme_commands(text: str) -> list[str]:
    """The README's commands in order: bash-block lines and inline ``.venv/bin/`` commands."""
    commands: list[str] = []
    for block in re.finditer(r"```bash\n(.*?)```|`(\.venv/bin/[^`]+)`", text, re.S):
        if block.group(1) is not None:
            for line in block.group(1).splitlines():
                line = line.split("  #", 1)[0].strip()
                if line and not line.startswith("#"):
                    commands.append(line)
        elif "…" not in block.group(2):  # `.venv/bin/mutualaid …` stands for any command
            commands.append(" ".join(block.group(2).split()))
    return commands


def in_venv(command: str) -> str:
    """A bare ``mutualaid``/``pip``/``python`` at the start is the venv's."""
    first, _, rest = command.partition(" ")
    return f".venv/bin/{first} {rest}".strip() if first in VENV_TOOLS else command


def run_dashboard(command: str, log) -> int:
    """Start the dashboard, wait until its page answers, stop it; 0 when it answered."""
    proc = subprocess.Popen(shlex.split(in_venv(command)), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8765/", timeout=5) as response:
                    return 0 if response.status == 200 else 1
            except OSError:
                time.sleep(1)
        return proc.poll() or 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-tests", action="store_true", help="leave out the README's test command")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="leave out commands containing this text (repeatable)",
    )
    parser.add_argument("--log", type=Path, default=ROOT / "results" / "readme_walkthrough.log")
    args = parser.parse_args(argv)

    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    if args.skip_tests:
        args.skip.append("-m pytest")
    failures: list[str] = []
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with args.log.open("w", encoding="utf-8") as log:

        def run(command: str) -> None:
            if any(text in command for text in args.skip):
                print(f"skip  {command}", flush=True)
                return
            log.write(f"\n$ {command}\n")
            log.flush()
            started = time.monotonic()
            if " dashboard " in f" {command} ":
                status = run_dashboard(command, log)
                output = ""
            else:
                done = subprocess.run(in_venv(command), shell=True, cwd=ROOT, capture_output=True, text=True)
                status, output = done.returncode, done.stdout + done.stderr
                log.write(output)
            allowed = next(
                (codes for prefix, codes in ALLOWED_EXIT.items() if in_venv(command).startswith(in_venv(prefix))), {0}
            )
            bad = "Traceback (most recent call last)" in output or status not in allowed
            print(
                f"{'FAIL' if bad else 'ok  '}  {time.monotonic() - started:6.0f} s  exit {status}  {command}",
                flush=True,
            )
            if bad:
                failures.append(command)

        for command in commands:
            run(command)
        for folder in sorted((ROOT / "results").glob("*/manifest.json")):
            run(f".venv/bin/mutualaid report {folder.parent.relative_to(ROOT)} --lang en,zh")
    print(
        f"{len(failures)} of the README's commands failed" if failures else "every README command worked",
        f"(log: {args.log})",
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
