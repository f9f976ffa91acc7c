"""The dashboard is a package of the project: ``import dashboards.<module>`` works from
an installed checkout, in any folder, and ``solara run dashboards/app.py`` (which runs
app.py as a script) needs no change to ``sys.path``; nor does any other code of the
project (tests and benchmarks included)."""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys

import pytest
from conftest import ROOT

import dashboards

MODULES = sorted(f"dashboards.{m.name}" for m in pkgutil.iter_modules(dashboards.__path__))

# Imports every module of the package, then runs app.py as `solara run` does: as a
# script named __main__, its folder first on the path.
IMPORT_ALL = """
import importlib, os, runpy, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
sys.path.insert(0, os.path.dirname(sys.argv[1]))
page = runpy.run_path(sys.argv[1], run_name="__main__")["Page"]
print("ok", len(sys.argv) - 2)
"""


def test_the_dashboard_is_split_by_job_into_modules_of_a_readable_size():
    assert {"dashboards.app", "dashboards.runs", "dashboards.uploads", "dashboards.picker"} <= set(MODULES)
    assert "dashboards.logic" not in MODULES
    too_long = {
        path.name: lines
        for path in (ROOT / "dashboards").glob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert not too_long, f"modules over 300 lines: {too_long}"


@pytest.mark.slow  # a fresh interpreter importing solara, numba and the model: 5 s or more
def test_every_dashboard_module_imports_from_any_folder_as_part_of_the_installed_project(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, str(ROOT / "dashboards" / "app.py"), *MODULES],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2_000:]
    assert done.stdout.split() == ["ok", str(len(MODULES))]


def sys_path_edits(path) -> list[int]:
    """Lines of ``path`` that change ``sys.path`` (insert, append, extend, assign)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def is_sys_path(node) -> bool:
        return ast.unparse(node) == "sys.path"

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_sys_path(node.func.value):
            if node.func.attr in {"insert", "append", "extend", "remove"}:
                lines.append(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                base = target.value if isinstance(target, ast.Subscript) else target
                if is_sys_path(base):
                    lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("folder", ["dashboards", "tests", "benchmarks", "sim", "docs"])
def test_no_code_of_the_project_changes_sys_path(folder):
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / folder).rglob("*.py"))
        if ".assets_cache" not in path.parts and (lines := sys_path_edits(path))
    }
    assert not found, f"sys.path changed at {found}: import the installed project (pip install -e .) instead"
