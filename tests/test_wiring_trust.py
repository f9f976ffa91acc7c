"""Wiring of the trust step (step 9): which half-edge records which outcome, whose
generalized trust moves by their own outcomes, and who gets which feedback, with what
weight (docs/odd.md §7.5). What ties tell and public ratings: test_wiring_local_trust.py."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, half_edge, run_step, tie

GOSSIP, RATE = 0.3, 0.2


def two_services(platform: bool = False, hearsay_weight: float = 0.5):
    """0 asked 1 and 2 this week: 1's service succeeded; 2's failed and ended in a
    dispute. Ties 0–1 and 0–2 (degrees 2, 1, 1), no trust observations before."""
    model = scripted_model(
        3,
        trust={"gossip_rate": GOSSIP, "experience_rate": RATE, "hearsay_weight": hearsay_weight},
        interventions={"platform": {"enabled": platform, "public_feedback": True}},
    )
    run_step(model, "governance")  # switches the platform on when enabled
    tie(model, 0, 1)
    tie(model, 0, 2)
    model.pop.generalized_trust[:] = [0.2, 0.5, 0.5]
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False), (2, 0, 0, 1.0, False, True)])
    return model


def counts(model, owner, other):
    r, s = model.net.trust_counts(model.week, model.config.trust.forgetting, np.array([half_edge(model, owner, other)]))
    return float(r[0]), float(s[0])


def test_the_requester_records_the_outcome_and_the_helper_records_no_dispute():
    model = two_services()
    run_step(model, "trust")
    # requester 0 about helper 1: one success; about helper 2: one failure
    assert counts(model, 0, 1) == (1.0, 0.0)
    assert counts(model, 0, 2) == (0.0, 1.0)
    # helper 1 about requester 0: no dispute, a success; helper 2: a dispute, a failure
    assert counts(model, 1, 0) == (1.0, 0.0)
    assert counts(model, 2, 0) == (0.0, 1.0)


def test_generalized_trust_moves_toward_each_residents_own_share_of_good_outcomes():
    model = two_services(hearsay_weight=0.0)  # what ties tell counts nothing here
    run_step(model, "trust")
    # 0: two outcomes as requester, one success: 0.2 + (1 − 0.8²)·(0.5 − 0.2) = 0.308
    # 1: one outcome as helper, no dispute:       0.5 + 0.2·(1 − 0.5)         = 0.6
    # 2: one outcome as helper, a dispute:        0.5 + 0.2·(0 − 0.5)         = 0.4
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.308, 0.6, 0.4])


def test_gossip_feedback_rates_the_helper_by_success_and_the_disputing_requester_bad():
    model = two_services()
    run_step(model, "trust")
    # the requester (2 ties) rates both helpers; gossip reach 1 − 0.7² = 0.51:
    # helper 1 a good rating, helper 2 a bad one. Helper 2 (1 tie, reach 0.3) rates
    # requester 0 bad for the dispute.
    assert model.pop.reputation_good.tolist() == pytest.approx([0.0, 0.51, 0.0])
    assert model.pop.reputation_bad.tolist() == pytest.approx([0.3, 0.0, 0.51])


def test_public_feedback_counts_every_rating_fully():
    model = two_services(platform=True)
    run_step(model, "trust")
    assert model.pop.reputation_good.tolist() == pytest.approx([0.0, 1.0, 0.0])
    assert model.pop.reputation_bad.tolist() == pytest.approx([1.0, 0.0, 1.0])
