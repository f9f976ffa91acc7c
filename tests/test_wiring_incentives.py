"""Wiring of the incentives phase (step 12) and of budget-limited variable costs:
the time bank's ledger (issued to helpers per hour, paid by requesters as far as
their balance goes, capped), its credibility from credit holders' requests, and
points paid as far as the money goes — an intervention that could not pay its
variable costs stops from the next week (docs/odd.md §7.18, §7.19, §7.1)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def test_the_time_bank_issues_per_hour_to_helpers_and_charges_requesters_up_to_their_balance():
    model = scripted_model(
        3,
        interventions={
            "time_bank": {"enabled": True, "credit_per_hour": 1.5, "storage_cap": 2.5, "credibility_memory": 0.6}
        },
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    pop, tally = model.pop, model.tally
    pop.credits[:] = [1.0, 0.0, 0.0]
    tally.exchanges = exchanges(model, [(1, 0, 0, 2.0, True, False)])  # 1 helped 0 for 2 hours
    tally.asked = np.array([True, False, False])
    tally.unanswered = np.array([False, False, False])
    run_step(model, "incentives")
    bank = model.governance.get("time_bank")
    # 1 earns 1.5·2 = 3 credits, capped at 2.5 (0.5 expire); 0 owes 3, pays its 1
    assert pop.credits.tolist() == pytest.approx([0.0, 2.5, 0.0])
    assert (bank.issued, bank.spent, bank.expired) == pytest.approx((3.0, 1.0, 0.5))
    # the one credit holder who asked was answered: c = 0.6·0.5 + 0.4·1 = 0.7
    assert bank.credibility == pytest.approx(0.7)


def test_an_unanswered_credit_holder_lowers_credibility():
    model = scripted_model(2, interventions={"time_bank": {"enabled": True, "credibility_memory": 0.6}})
    run_step(model, "governance")
    model.pop.credits[:] = [1.0, 1.0]
    model.tally.asked = np.array([True, True])
    model.tally.unanswered = np.array([True, False])
    run_step(model, "incentives")
    # half the asking holders were met: c = 0.6·0.5 + 0.4·0.5 = 0.5; one in vain of two
    assert model.governance.get("time_bank").credibility == pytest.approx(0.5)
    model.tally.unanswered = np.array([True, True])
    run_step(model, "incentives")
    assert model.governance.get("time_bank").credibility == pytest.approx(0.6 * 0.5)


def test_guaranteed_redemption_buys_a_holders_unmet_need_against_credits():
    model = scripted_model(
        2,
        interventions={
            "time_bank": {"enabled": True, "guaranteed": True, "credit_per_hour": 2.0, "redemption_price": 0.0}
        },
    )
    run_step(model, "governance")
    pop = model.pop
    pop.credits[:] = [3.0, 0.0]
    pop.backlog[0] = [2.0, 0.0, 0.0, 0.0]
    pop.backlog[1] = [4.0, 0.0, 0.0, 0.0]
    model.tally.asked = np.array([True, True])
    model.tally.unanswered = np.array([True, True])
    run_step(model, "incentives")
    # 0 holds 3 credits = 1.5 hours at 2 credits/hour: 1.5 of its 2 hours bought;
    # 1 holds none and keeps its need
    assert pop.backlog[:, 0].tolist() == pytest.approx([0.5, 4.0])
    assert pop.credits.tolist() == pytest.approx([0.0, 0.0])
    assert model.tally.redeemed_hours == pytest.approx(1.5)


def test_points_are_paid_as_far_as_the_money_goes_and_then_the_incentives_stop():
    model = scripted_model(
        2,
        interventions={
            "funding": {"enabled": True, "kind": "project", "initial_balance": 6.0, "grant": 0.0},
            "incentives": {"enabled": True, "weekly_cost": 0.0, "points_per_hour": 2.0, "point_value": 1.0},
        },
    )
    run_step(model, "governance")
    assert model.governance.get("incentives") is not None
    tie(model, 0, 1)
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 4.0, True, False)])
    run_step(model, "incentives")
    # 8 points cost 8 but only 6 are there: 6 points paid, balance 0
    assert model.pop.points.tolist() == pytest.approx([0.0, 6.0])
    assert model.governance.balance == pytest.approx(0.0)
    at_week(model, 1)
    run_step(model, "governance")
    assert model.governance.get("incentives") is None
