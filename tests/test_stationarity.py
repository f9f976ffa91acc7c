"""A stationary population (issue 19, docs/odd.md §Demography): newcomers replace
leavers with the setting's age profile, so over the recorded 520 weeks the age and
health structure does not drift with the cohort first drawn. Only the demography step
runs, so the check sees the population and nothing else."""

import numpy as np
from conftest import make_scenario

from sim.core.model import CommunityModel
from sim.core.schedule import run_step

SEEDS = (1, 2, 3)
BURN_IN, HORIZON = 52, 520


def mean_age_and_iadl(model) -> tuple[float, float]:
    pop = model.pop
    occ = pop.occupied
    return float(pop.age[occ].mean()), float((pop.health[occ] < model.config.demography.iadl_threshold).mean())


def drift(seed: int) -> tuple[float, float]:
    """(mean age, IADL-limited share) at the end of the horizon minus at its start."""
    model = CommunityModel(make_scenario(community={"residents": 400}), rng=seed)
    for _ in range(BURN_IN):
        run_step(model, "demography")
    age0, iadl0 = mean_age_and_iadl(model)
    for _ in range(HORIZON):
        run_step(model, "demography")
    age1, iadl1 = mean_age_and_iadl(model)
    return age1 - age0, iadl1 - iadl0


def test_mean_age_and_iadl_share_do_not_drift_over_520_weeks():
    # on the old rule (newcomers drawn from the cross-section) the mean age rose ~3.5 years
    drifts = np.array([drift(seed) for seed in SEEDS])
    age_drift, iadl_drift = drifts.mean(axis=0)
    assert abs(age_drift) < 1.0, drifts
    assert abs(iadl_drift) < 0.03, drifts
