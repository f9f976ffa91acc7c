"""The shipped defaults reproduce the calibration targets (targets.md) over replicates."""

from sim.calibration import TARGETS, calibrate
from sim.params import Scenario


def test_the_default_community_is_within_every_calibration_band():
    rows = calibrate(Scenario(), replicates=4, weeks=260)
    out_of_band = [r for r in rows if not r["in_band"]]
    assert not out_of_band, out_of_band
    assert {r["pattern"] for r in rows} == {t.name for t in TARGETS}


def test_the_parameters_marked_calibrated_are_exactly_those_the_report_says_were_tuned():
    from sim.calibration import TUNED
    from sim.params import parameter_rows

    marked = {r["name"] for r in parameter_rows() if r["provenance"].startswith("calibrated")}
    tuned = {name.strip() for names, _ in TUNED for name in names.split(",")}
    assert marked == tuned
