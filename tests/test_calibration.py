"""The shipped defaults reproduce the calibration targets (targets.md) over replicates."""

from sim.calibration import TARGETS, calibrate
from sim.params import Scenario


def test_the_default_community_is_within_every_calibration_band():
    rows = calibrate(Scenario(), replicates=4, weeks=260)
    out_of_band = [r for r in rows if not r["in_band"]]
    assert not out_of_band, out_of_band
    assert {r["pattern"] for r in rows} == {t.name for t in TARGETS}
