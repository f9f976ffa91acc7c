"""Wiring of the norms step (steps 10-11): sanctions land on the offender, unpunished
violations lower trust and sanctions raise it (aware residents only), norm authority
follows the enforcement ratio, internalization follows authority and each resident's
own observed reciprocity (docs/odd.md §7.6)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import run_step, tie

SANCTION, VIOLATION = 0.8, 0.4
AUTHORITY_RATE, INTERNALIZATION_RATE, AUTHORITY_WEIGHT = 0.5, 0.1, 0.25


def norm_authority(model) -> float:
    """The community's norm authority (model-level state: the one place to re-point)."""
    return model.norm_authority


def week_with_violations(detection: float):
    """4 residents (3 aware), trust 0.5; resident 1 free-rode twice on 0 this week.
    Requests: 0 made 2 (2 accepted), 1 made 1 (none accepted), 2 and 3 none."""
    model = scripted_model(
        4,
        trust={"sanction_signal": SANCTION, "violation_signal": VIOLATION},
        norms={
            "informal_detection": detection,
            "informal_tie_cut": 0.0,
            "sanction_reputation": 1.5,
            "initial_authority": 0.4,
            "authority_rate": AUTHORITY_RATE,
            "internalization_rate": INTERNALIZATION_RATE,
            "authority_weight": AUTHORITY_WEIGHT,
        },
    )
    pop, tally = model.pop, model.tally
    pop.aware[:] = [True, True, True, False]
    pop.norm_internalization[:] = 0.5
    tie(model, 0, 1)
    tally.violators, tally.victims = np.array([1, 1]), np.array([0, 0])
    tally.violation_kind = np.zeros(2, dtype=np.int8)
    tally.requests_made = np.array([2.0, 1.0, 0.0, 0.0])
    tally.requests_accepted = np.array([2.0, 0.0, 0.0, 0.0])
    return model


def test_unpunished_violations_lower_the_trust_of_aware_residents_only():
    model = week_with_violations(detection=0.0)
    run_step(model, "norms")
    # v = 2, s = 0 of 4 residents: T ← T − 0.4·(2/4)·T = 0.5 − 0.1 = 0.4
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.4, 0.4, 0.4, 0.5])
    assert model.tally.sanctions == 0 and model.pop.reputation_bad.tolist() == [0.0] * 4


def test_sanctions_raise_trust_and_land_on_the_offender():
    model = week_with_violations(detection=1.0)
    run_step(model, "norms")
    # s = v = 2: T ← T + 0.8·(2/4)·(1 − T) = 0.5 + 0.2 = 0.7 for the aware
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.7, 0.7, 0.7, 0.5])
    assert model.tally.sanctions == 2
    assert model.pop.reputation_bad.tolist() == pytest.approx([0.0, 3.0, 0.0, 0.0])  # 2 × 1.5


def test_authority_moves_toward_the_enforcement_ratio_and_internalization_toward_it_and_own_reciprocity():
    model = week_with_violations(detection=0.0)
    run_step(model, "norms")
    # A ← 0.4 + 0.5·(0/2 − 0.4) = 0.2
    assert norm_authority(model) == pytest.approx(0.2)
    # observed reciprocity: 0 → 2/2 = 1, 1 → 0/1 = 0, 2 and 3 (no requests) → the
    # community's 2/3; target = 0.25·0.2 + 0.75·R; n ← 0.5 + 0.1·(target − 0.5)
    observed = np.array([1.0, 0.0, 2 / 3, 2 / 3])
    target = AUTHORITY_WEIGHT * 0.2 + (1 - AUTHORITY_WEIGHT) * observed
    assert model.pop.norm_internalization.tolist() == pytest.approx((0.5 + 0.1 * (target - 0.5)).tolist())


def test_full_enforcement_raises_authority():
    model = week_with_violations(detection=1.0)
    run_step(model, "norms")
    assert norm_authority(model) == pytest.approx(0.4 + 0.5 * (1.0 - 0.4))
