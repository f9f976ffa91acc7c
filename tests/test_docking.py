"""Docking: submodels checked against the classic forms they come from.

- Particularized trust is the Beta reputation system (Jøsang & Ismail 2002): with no
  forgetting its expectation after r good and s bad outcomes is (r + 1)/(r + s + 2),
  and over many interactions it estimates a partner's true success probability.
- Sanctioning is Axelrod's (1986) norms game specialised to a community: a violation
  is seen with some probability and punished; our supervision body is the case where
  "seeing" is reporting and "punishing" is a capacity-limited inspection. With no
  capacity limit the share of violations punished is 1 − (1 − informal)(1 − report·
  detection), and a witness's norm authority — the Beta expectation of the cases they
  saw being sanctioned — settles at the enforcement ratio.
"""

import numpy as np
import pytest
from conftest import scripted_model

from sim.core.network import FRIEND, EdgeStore
from sim.core.schedule import run_step
from sim.submodels import norms


def test_beta_reputation_without_forgetting_is_the_classic_expectation():
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0)
    e = net.find(np.array([0]), np.array([1]))
    outcomes = np.array([True, True, False, True, True, False, True])
    for week, ok in enumerate(outcomes):
        net.record_trust(week, 1.0, e, np.array([ok]))
    r, s = outcomes.sum(), (~outcomes).sum()
    assert net.trust_expectation(len(outcomes), 1.0, e)[0] == pytest.approx((r + 1) / (r + s + 2))


def test_beta_reputation_estimates_a_partners_true_reliability():
    rng = np.random.default_rng(0)
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0)
    e = net.find(np.array([0]), np.array([1]))
    p = 0.7
    for week in range(3000):
        net.record_trust(week, 0.999, e, np.array([rng.random() < p]))
    # with λ = 0.999 the effective memory is ~1,000 interactions: SE ≈ 0.015
    assert net.trust_expectation(3000, 0.999, e)[0] == pytest.approx(p, abs=0.05)


def test_uncapped_supervision_punishes_the_analytic_share_of_violations():
    informal, report, detection = 0.1, 0.4, 0.75
    model = scripted_model(
        2,
        norms={"informal_detection": informal, "informal_tie_cut": 0.0},
        interventions={
            "supervision": {
                "enabled": True,
                "report_rate": report,
                "reporting_reward": 0.0,
                "detection": detection,
                "cases_per_week": 100000,
                "exclusion_weeks": 0,
            }
        },
    )
    run_step(model, "governance")
    v = 20000
    tally = model.tally
    tally.violators = np.ones(v, dtype=np.int64)
    tally.victims = np.zeros(v, dtype=np.int64)
    tally.violation_kind = np.zeros(v, dtype=np.int8)
    tally.requests_made = tally.requests_accepted = np.zeros(2)
    run_step(model, "norms")
    expected = 1 - (1 - informal) * (1 - report * detection)
    assert tally.sanctions / v == pytest.approx(expected, abs=0.01)


def test_a_witness_norm_authority_settles_at_the_enforcement_ratio():
    """The Axelrod-style fixed point: a victim who sees every case, and forgets none,
    comes to hold A* = E[S/V]."""
    model = scripted_model(
        2,
        norms={"informal_detection": 0.3, "informal_tie_cut": 0.0, "witness_forgetting": 1.0, "initial_authority": 0.9},
    )
    tally = model.tally
    for _ in range(2000):
        tally.violators, tally.victims = np.array([1]), np.array([0])
        tally.violation_kind = np.zeros(1, dtype=np.int8)
        tally.requests_made = np.zeros(2)
        tally.requests_accepted = np.zeros(2)
        run_step(model, "norms")
    authority = norms.perceived_authority(model.pop.seen_sanctioned, model.pop.seen_unpunished, model.config.norms)
    assert authority[0] == pytest.approx(0.3, abs=0.05)
