"""What `mutualaid report` accepts besides a sound sweep folder: the folder of a single
`mutualaid run`, and damaged folders (one line, exit status 2, no traceback); and how it
shows its progress when stderr is not a terminal.

Uses the small three-scenario sweep of test_report.py (its module fixture).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_report import NEW_ESTATE, report, results  # noqa: F401  (results: module fixture)

from sim.cli import main


@pytest.fixture(scope="module")
def single_run(tmp_path_factory) -> Path:
    """The folder `mutualaid run` writes, for a small community and a short horizon."""
    folder = tmp_path_factory.mktemp("run") / "one"
    assert (
        main(
            [
                "run",
                str(NEW_ESTATE),
                "--weeks",
                "30",
                "--residents",
                "80",
                "--seed",
                "4",
                "--out",
                str(folder),
                "--quiet",
            ]
        )
        == 0
    )
    return folder


def copy_of(results: Path, folder: Path) -> Path:  # noqa: F811
    copy = folder / "copy"
    shutil.copytree(results, copy, ignore=shutil.ignore_patterns("report-*"))
    return copy


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# -- a single run -------------------------------------------------------------------------------


def test_the_folder_of_a_single_run_is_reported_with_its_time_series_and_a_table_of_its_metrics(single_run, capsys):
    assert report(single_run, "--formats", "png", "--lang", "en") == 0
    folder = single_run / "report-en"
    for figure in ("timeseries", "equity"):
        assert (folder / "figures" / f"{figure}.png").stat().st_size > 5_000
    summary = (folder / "tables" / "summary.md").read_text(encoding="utf-8")
    assert "| New estate |" in summary
    table = pd.read_csv(folder / "tables" / "sustainability.csv")
    saved = json.loads((single_run / "summary.json").read_text(encoding="utf-8"))["sustainability"]
    coverage = table.loc[table["metric"] == "mean_coverage_last2y", "mean"].item()
    assert coverage == pytest.approx(saved["mean_coverage_last2y"])
    assert "single run" in (folder / "README.md").read_text(encoding="utf-8")


def test_a_single_run_with_a_damaged_weekly_table_is_one_line(single_run, tmp_path, capsys):
    copy = tmp_path / "run"
    shutil.copytree(single_run, copy, ignore=shutil.ignore_patterns("report-*"))
    (copy / "weekly.parquet").write_bytes(b"PAR1 this is not parquet")
    assert report(copy) == 2
    assert "weekly.parquet" in one_line_error(capsys)


# -- damaged sweep folders -------------------------------------------------------------------------------


def test_a_damaged_weekly_parquet_is_one_line_naming_the_file(results, tmp_path, capsys):  # noqa: F811
    copy = copy_of(results, tmp_path)
    data = (copy / "weekly.parquet").read_bytes()
    (copy / "weekly.parquet").write_bytes(data[: len(data) // 2])
    assert report(copy, "--formats", "png") == 2
    line = one_line_error(capsys)
    assert "weekly.parquet" in line and "damaged" in line
    assert not (copy / "report-en").exists()


@pytest.mark.parametrize("remove", ["design", "reference", "scenarios"])
def test_a_manifest_missing_keys_is_one_line_naming_the_key(results, tmp_path, capsys, remove):  # noqa: F811
    copy = copy_of(results, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["experiment"][remove]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert report(copy) == 2
    line = one_line_error(capsys)
    assert "manifest.json" in line and f"experiment.{remove}" in line


def test_a_runs_table_without_statuses_is_one_line(results, tmp_path, capsys):  # noqa: F811
    copy = copy_of(results, tmp_path)
    pd.read_parquet(copy / "runs.parquet").drop(columns=["status"]).to_parquet(copy / "runs.parquet")
    assert report(copy) == 2
    assert "status" in one_line_error(capsys)


# -- progress --------------------------------------------------------------------------------


def test_report_shows_progress_in_figures_and_tables_as_plain_lines_when_not_a_terminal(
    results,  # noqa: F811  (the module fixture imported above)
    tmp_path,
    capsys,
):
    assert report(results, "--formats", "png", "--out", str(tmp_path)) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("report compare (en)")]
    done = [tuple(map(int, re.search(r": (\d+)/(\d+) files done", line).groups())) for line in lines]
    total = done[0][1]
    written = sum(1 for p in (tmp_path / "report-en").rglob("*") if p.parent.name in ("figures", "tables"))
    assert done[0][0] == 0 and done[-1] == (total, total) and total == written


def test_quiet_report_shows_no_progress(results, tmp_path, capsys):  # noqa: F811
    assert report(results, "--formats", "png", "--out", str(tmp_path), "--quiet") == 0
    assert "files done" not in capsys.readouterr().err
