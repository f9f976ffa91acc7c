"""The tipping analysis (sim/experiments/tipping.py): hand-made weekly active-share
series are classified as never started, running or collapsed after running by the
documented thresholds, and `mutualaid tipping` writes the table and the phase
diagram of a tiny experiment."""

from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from sim.cli import main
from sim.core.model import CommunityModel
from sim.experiments.tipping import (
    BEGIN,
    COLLAPSED,
    END,
    NEVER_STARTED,
    RECOVERED,
    RUNNING,
    Thresholds,
    classify,
    smooth,
)
from sim.inputs.scenario import load_scenario

TH = Thresholds(window=4, established_level=0.1, collapse_fraction=0.5, sustained_weeks=8)


def test_the_smoothed_share_is_the_trailing_mean_over_the_weeks_so_far_at_the_start():
    assert smooth(np.array([4.0, 0.0, 2.0, 6.0, 8.0]), 2) == pytest.approx([4.0, 2.0, 1.0, 4.0, 7.0])


def test_a_scheme_that_never_reaches_the_established_level_never_started():
    c = classify(np.full(60, 0.09), TH)
    assert c.status == NEVER_STARTED and c.established_week == -1


def test_a_scheme_that_stays_established_is_running():
    series = np.concatenate([np.linspace(0.0, 0.2, 10), np.full(50, 0.2)])
    c = classify(series, TH)
    assert c.status == RUNNING and c.level == pytest.approx(0.2)


def test_a_fall_below_half_the_established_level_sustained_for_the_period_is_a_collapse():
    # 20 weeks at 0.2, then 0.05: the 4-week mean is below 0.1 from week 22 on
    series = np.concatenate([np.full(20, 0.2), np.full(40, 0.05)])
    c = classify(series, TH)
    assert c.status == COLLAPSED
    assert c.established_week == 0 and c.level == pytest.approx(0.2)
    assert c.collapse_week == 22


def test_a_sustained_fall_followed_by_a_return_is_a_recovery_not_a_collapse():
    # 20 weeks at 0.2, 20 at 0.05 (below 0.1 from week 22 to 42), then 0.2 again
    series = np.concatenate([np.full(20, 0.2), np.full(20, 0.05), np.full(20, 0.2)])
    c = classify(series, TH)
    assert c.status == RECOVERED
    assert c.collapse_week == 22 and c.level == pytest.approx(0.2)


def test_a_scheme_that_recovers_and_falls_again_for_good_has_collapsed_at_its_last_fall():
    series = np.concatenate([np.full(20, 0.2), np.full(20, 0.05), np.full(20, 0.2), np.full(20, 0.05)])
    c = classify(series, TH)
    assert c.status == COLLAPSED and c.collapse_week == 62


def test_a_dip_shorter_than_the_sustained_period_is_no_collapse():
    series = np.concatenate([np.full(20, 0.2), np.full(6, 0.02), np.full(40, 0.2)])
    assert classify(series, TH).status == RUNNING


def test_a_fall_that_stays_above_the_collapse_fraction_is_a_decline_not_a_collapse():
    series = np.concatenate([np.full(20, 0.2), np.full(60, 0.11)])
    assert classify(series, TH).status == RUNNING


def test_a_scheme_that_never_started_cannot_collapse_even_if_it_falls():
    series = np.concatenate([np.full(20, 0.08), np.full(40, 0.0)])
    assert classify(series, TH).status == NEVER_STARTED


def tiny_tipping(tmp_path: Path) -> Path:
    """Two points (coordinator kept or lost at week 20), one replicate, 60 weeks of 120 residents."""
    experiment = tmp_path / "tiny_tipping.toml"
    experiment.write_text(
        f"""
name = "tiny_tipping"
reference = "defaults"
replicates = 1
root_seed = 3
weeks = 60
residents = 120

[[scenarios]]
name = "defaults"
file = "{(ROOT / "scenarios" / "defaults.toml").as_posix()}"
set = ["simulation.burn_in_weeks=4", "shocks.coordinator_loss.enabled=true", "shocks.coordinator_loss.week=20"]

[design]
kind = "grid"

[design.levels]
"shocks.coordinator_loss.reach" = [0.0, 0.3]

[store]
weekly_every = 0
probes = ["tipping"]
""",
        encoding="utf-8",
    )
    return experiment


def test_the_tipping_command_writes_the_table_between_the_markers_and_the_phase_diagram(tmp_path, capsys):
    experiment = tiny_tipping(tmp_path)
    out = tmp_path / "tipping.md"
    out.write_text("# Tipping\n\nhand-written\n\n" + BEGIN + "old\n" + END + "\n\nafter\n", encoding="utf-8")
    assert main(["tipping", str(experiment), "--out", str(out), "--quiet"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "hand-written" in text and "after" in text and "old\n" not in text
    assert (
        "| scenario | shocks.coordinator_loss.reach | never started | running | fell, then recovered | collapsed after running |"
        in text
    )
    assert text.count("| defaults | ") == 2
    assert (tmp_path / "figures" / "tipping.pdf").stat().st_size > 0
    assert (tmp_path / "figures" / "tipping.png").stat().st_size > 0
    assert "figures/tipping.png" in text


def test_tipping_on_an_experiment_without_the_probe_is_a_one_line_input_error(tmp_path, capsys):
    assert main(["tipping", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "missing.toml" in err


def test_the_tipping_experiment_file_is_valid():
    assert main(["validate", str(Path(ROOT / "experiments" / "tipping.toml"))]) == 0


def test_a_swept_tipping_experiment_is_analysed_from_its_folder_and_its_report_has_the_phase_diagram(tmp_path):
    folder = tmp_path / "results"
    assert main(["sweep", str(tiny_tipping(tmp_path)), "--out", str(folder), "--quiet"]) == 0
    out = tmp_path / "new.md"
    assert main(["tipping", str(folder), "--out", str(out), "--quiet"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Tipping points\n\n" + BEGIN)
    assert main(["report", str(folder), "--quiet"]) == 0
    report = folder / "report-en"
    assert (report / "figures" / "tipping.pdf").stat().st_size > 0
    assert "collapsed after running" in (report / "tables" / "tipping.csv").read_text(encoding="utf-8")


def test_every_option_of_tipping_has_help():
    from sim.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    actions = [a for a in sub.choices["tipping"]._actions if a.option_strings and a.dest != "help"]
    assert actions and all(a.help for a in actions), [a.dest for a in actions if not a.help]


def test_tipping_runs_shorter_than_the_sustained_year_are_refused_before_anything_runs(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["tipping", str(ROOT / "experiments" / "tipping.toml"), "--weeks", "30"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "--weeks" in err and "at least 52" in err and "Traceback" not in err


def _runs(parameters: list[str]):
    import pandas as pd

    from sim.experiments.analyse import AnalysedRuns

    statuses = [COLLAPSED, COLLAPSED, RUNNING]
    table = pd.DataFrame(
        {
            "run_id": ["a", "b", "c"],
            "scenario": ["s"] * 3,
            "point": [0, 0, 0],
            **{p: [0.1] * 3 for p in parameters},
            "status": ["ok"] * 3,
            "tipping.status": [float(s) for s in statuses],
            "tipping.established_week": [0.0] * 3,
            "tipping.level": [0.4] * 3,
            "tipping.collapse_week": [100.0, 200.0, -1.0],
            "tipping.last_year": [0.1, 0.2, 0.3],
        }
    )
    dump = {"simulation": {"weeks": 520, "burn_in_weeks": 208}, "community": {"residents": 500}}
    return AnalysedRuns("t", "here", ["s"], "s", {"s": dump}, parameters, 3, 1, table)


def test_the_table_counts_each_class_and_takes_the_median_collapse_week_over_collapsed_runs_only():
    from sim.experiments.tipping import tipping_table

    row = tipping_table(_runs(["shocks.coordinator_loss.reach"])).iloc[0]
    assert (row["never started"], row["running"], row["collapsed after running"]) == (0, 1, 2)
    assert row["share collapsed"] == pytest.approx(2 / 3)
    assert row["median collapse week"] == pytest.approx(150.0)
    assert row["active share, last year"] == pytest.approx(0.2)


def test_an_experiment_without_a_design_gets_its_table_and_no_phase_diagram(tmp_path):
    from sim.experiments.tipping import report

    text = report(_runs([]), ["mutualaid tipping x"], tmp_path / "t.md", tmp_path / "figures")
    assert "| s | 0 | 1 | 0 | 2 |" in text and "![" not in text
    assert not (tmp_path / "figures").exists()


def _figure_texts(fig) -> dict[str, list[str]]:
    """The words the figure shows: legend (entries, then its key), panel titles, axis labels."""
    legend = fig.legends[0]
    return {
        "legend": [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()],
        "titles": [ax.get_title() for ax in fig.axes],
        "axes": sorted({label for ax in fig.axes for label in (ax.get_xlabel(), ax.get_ylabel())}),
    }


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_phase_diagram_speaks_the_reports_language():
    import pandas as pd
    from test_report import require_cjk_font

    from sim.experiments.tipping import phase_figure, tipping_table
    from sim.report.labels import Labels

    parameters = ["shocks.coordinator_loss.reach", "shocks.trust_crisis.weeks"]
    one = tipping_table(_runs(parameters))
    table = pd.concat([one.assign(scenario="baseline"), one.assign(scenario="full_package")], ignore_index=True)
    require_cjk_font()
    zh = _figure_texts(phase_figure(table, parameters, Labels("zh")))
    assert zh["legend"][:4] == ["未能启动", "持续运行", "衰退后恢复", "运行后崩溃"]
    assert _chinese(zh["legend"][4])  # the key to markers and numbers
    assert zh["titles"] == ["基线", "综合方案"]
    # parameter paths as written (what a reader looks up in parameters.md), units translated
    assert zh["axes"] == ["coordinator_loss.reach（0–1）", "trust_crisis.weeks（周）"]
    en = _figure_texts(phase_figure(table, parameters, Labels("en")))
    assert en["legend"][:4] == ["never started", "running", "fell, then recovered", "collapsed after running"]
    assert en["titles"] == ["Baseline", "Full package"]
    assert en["axes"] == ["coordinator_loss.reach (0–1)", "trust_crisis.weeks (weeks)"]
    assert not any(_chinese(t) for words in en.values() for t in words)


@pytest.mark.parametrize("seed", [1, 2])
def test_an_established_default_scheme_collapses_when_the_coordinator_and_the_register_go(seed):
    """Issue 19's bar: an established scheme collapses under a documented adverse
    condition. The calibrated defaults (400 residents) run two years after the burn-in,
    established; from week 104 the coordinator relays nothing and nobody keeps the
    register. Paired with the same seed undisturbed, which keeps running."""

    def series(*events: str) -> np.ndarray:
        sc = load_scenario(ROOT / "scenarios" / "defaults.toml", ["community.residents=400", *events])
        model = CommunityModel(sc, rng=seed)
        model.run()
        return np.array([r["active_share"] for r in model.records])

    gone = classify(
        series(
            "shocks.coordinator_loss.enabled=true",
            "shocks.coordinator_loss.week=104",
            "shocks.coordinator_loss.reach=0",
            "shocks.coordinator_loss.registration=0",
        )
    )
    kept = classify(series())
    assert kept.status == RUNNING
    assert gone.status == COLLAPSED and 104 < gone.collapse_week
    assert 0 <= gone.established_week < 104
