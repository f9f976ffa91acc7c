"""The README's two quick-start commands stay true to the repository."""

import re

from conftest import ROOT


def quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(python3\.12 -m venv .*?)\n```", readme)


def test_the_readme_has_exactly_two_quick_start_commands():
    main, tests = quick_start_commands()
    assert "mutualaid sweep experiments/compare_interventions.toml" in main
    assert (ROOT / "experiments" / "compare_interventions.toml").exists()
    assert "pytest" in tests


def test_ci_runs_the_readmes_test_command_verbatim():
    _, tests = quick_start_commands()
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_constraints_file_the_commands_use_exists():
    for command in quick_start_commands():
        for name in re.findall(r"-c (\S+)", command):
            assert (ROOT / name).exists()
