"""The per-submodel profiler (benchmarks/profile_week.py) times the schedule without
changing it: no timings are asserted here, only that it sees every step and leaves the
model as it found it."""

from __future__ import annotations

import inspect
import re
import sys
from collections import Counter

import numpy as np

from sim.model import CommunityModel
from sim.scenario import load_scenario
import sim.submodels as submodels

from conftest import ROOT, SCENARIOS

sys.path.insert(0, str(ROOT / "benchmarks"))
import profile_week  # noqa: E402


def _model(weeks: int = 30) -> CommunityModel:
    scenario = load_scenario(SCENARIOS / "full_package.toml",
                             ["community.residents=200", f"simulation.weeks={weeks}", "simulation.burn_in_weeks=4"])
    return CommunityModel(scenario, rng=3)


def test_every_submodel_the_week_calls_has_a_stopwatch():
    called = set(re.findall(r"\b(\w+)\.(step|observe)\(self\)", inspect.getsource(CommunityModel.step)))
    timed = {(module, attr) for _, module, attr in profile_week.SCHEDULE}
    assert called == timed


def test_stopwatches_change_no_number_and_are_removed_afterwards():
    plain, timed = _model(), _model()
    originals = {module: getattr(getattr(submodels, module), attr) for _, module, attr in profile_week.SCHEDULE}
    spent: Counter = Counter()
    plain.run(20)
    with profile_week.stopwatches(timed, spent):
        timed.run(20)
    assert plain.records == timed.records
    assert np.array_equal(plain.pop.health, timed.pop.health)
    # every step and every running intervention was timed; nothing is left wrapped
    assert {label for label, _, _ in profile_week.SCHEDULE} <= set(spent)
    gov = timed.governance
    acted = {f"intervention: {n}" for n in gov.started if gov.interventions[n].phase is not None}
    assert acted and acted == {label for label in spent if label.startswith("intervention: ")}
    assert all(getattr(getattr(submodels, m), a) is originals[m] for _, m, a in profile_week.SCHEDULE)
    assert all("act" not in vars(iv) for iv in timed.governance.interventions.values())


def test_linear_parts_recover_a_line():
    runs = {1000: {"x": 3.0}, 10_000: {"x": 21.0}}  # 1 ms fixed + 2 µs per resident
    fixed, per = profile_week.linear_parts(runs, "x")
    assert abs(fixed - 1.0) < 1e-12 and abs(per - 0.002) < 1e-15
