"""The per-step profiler (benchmarks/profile_week.py) times the schedule without
changing it: no timings are asserted here, only that it sees every step of the week
and leaves the model as it found it."""

from __future__ import annotations

from collections import Counter

import numpy as np
from conftest import SCENARIOS

from benchmarks import profile_week
from sim.core.model import CommunityModel
from sim.core.schedule import WEEK
from sim.inputs.scenario import load_scenario


def _model(weeks: int = 30) -> CommunityModel:
    scenario = load_scenario(
        SCENARIOS / "full_package.toml",
        ["community.residents=200", f"simulation.weeks={weeks}", "simulation.burn_in_weeks=4"],
    )
    return CommunityModel(scenario, rng=3)


def test_stopwatches_time_every_step_of_the_week_change_no_number_and_are_removed_afterwards():
    plain, timed = _model(), _model()
    spent: Counter = Counter()
    plain.run(20)
    with profile_week.stopwatches(timed, spent):
        timed.run(20)
    assert plain.records == timed.records
    assert np.array_equal(plain.pop.health, timed.pop.health)
    # every step of the week was timed, under its name in WEEK, and nothing else
    assert set(spent) == {step.name for step in WEEK}
    # the model is back on the shared schedule
    assert "week_schedule" not in vars(timed) and timed.week_schedule is WEEK


def test_linear_parts_recover_a_line():
    runs = {1000: {"x": 3.0}, 10_000: {"x": 21.0}}  # 1 ms fixed + 2 µs per resident
    fixed, per = profile_week.linear_parts(runs, "x")
    assert abs(fixed - 1.0) < 1e-12 and abs(per - 0.002) < 1e-15
