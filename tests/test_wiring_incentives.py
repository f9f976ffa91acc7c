"""Wiring of the incentives phase (step 12), its hooks, and budget-limited variable
costs: the time bank's ledger (issued to helpers per hour, paid by requesters as far
as their balance goes, capped), the price of a credit (credibility × the helper's
anticipated need; willingness only for the aware), credibility learned from credit
holders' requests met by members or by guaranteed redemption; points as a saturating
money price scaled by the learned share actually paid, crowding-out as a switch, and
points paid as far as the money goes — an intervention that could not pay its
variable costs stops from the next week (docs/odd.md §7.18, §7.19, §7.1)."""

import math

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie

TELL_EVERY_TIE = {"gossip_rate": 1.0, "hearsay_weight": 0.5}


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def test_the_time_bank_issues_per_hour_to_helpers_and_charges_requesters_up_to_their_balance():
    model = scripted_model(
        3,
        interventions={
            "time_bank": {"enabled": True, "credit_per_hour": 1.5, "storage_cap": 2.5, "credibility_memory": 0.6}
        },
        trust=TELL_EVERY_TIE,
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
    # the one credit holder who asked (0) was answered: kept 1, c_0 = (1 + 2·0.5)/(1 + 2);
    # their tie 1 hears of it at weight 0.5: c_1 = (0.5 + 1)/(0.5 + 2); 2 knows nothing
    assert bank.record.belief().tolist() == pytest.approx([2.0 / 3.0, 0.6, 0.5])
    assert bank.credibility == pytest.approx((2.0 / 3.0 + 0.6 + 0.5) / 3.0)  # the mean of the aware


def test_an_unanswered_credit_holder_lowers_their_own_belief_in_the_bank():
    model = scripted_model(2, interventions={"time_bank": {"enabled": True, "credibility_memory": 0.6}})
    run_step(model, "governance")
    bank = model.governance.get("time_bank")
    model.pop.credits[:] = [1.0, 1.0]
    model.tally.asked = np.array([True, True])
    model.tally.unanswered = np.array([True, False])
    run_step(model, "incentives")
    # no ties: each knows only their own request; 0 asked in vain (broken 1), 1 was met
    assert bank.record.belief().tolist() == pytest.approx([1.0 / 3.0, 2.0 / 3.0])
    model.tally.unanswered = np.array([True, True])
    run_step(model, "incentives")
    # the counts are forgotten at 0.6 before the week's: 0 kept 0, broken 1.6; 1 kept 0.6, broken 1
    assert bank.record.belief().tolist() == pytest.approx([1.0 / 3.6, 1.6 / 3.6])


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
    # the one asking holder (0) got ¾ of its unmet need bought: kept ¾, broken ¼;
    # 1, who holds no credits, learns nothing of the bank from asking
    assert model.governance.get("time_bank").record.belief().tolist() == pytest.approx([1.75 / 3.0, 0.5])


@pytest.mark.parametrize(("guaranteed", "credibility"), [(False, 0.8 / 3.0), (True, 1.8 / 3.0)])
def test_only_a_guarantee_that_delivers_keeps_credits_credible(guaranteed, credibility):
    """A holder asks in vain: without a guarantee the bank loses credibility
    (prior 0.4 → (0 + 0.8)/(1 + 2)); with it, the holder's need is bought and counts as
    kept ((1 + 0.8)/(1 + 2))."""
    bank_block = {
        "enabled": True,
        "guaranteed": guaranteed,
        "redemption_price": 0.0,
        "credibility_prior": 0.4,
        "credibility_memory": 0.6,
    }
    model = scripted_model(1, interventions={"time_bank": bank_block})
    run_step(model, "governance")
    model.pop.credits[:] = [5.0]
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.tally.asked = np.array([True])
    model.tally.unanswered = np.array([True])
    run_step(model, "incentives")
    assert model.governance.get("time_bank").credibility == pytest.approx(credibility)


def test_a_credit_is_worth_credibility_times_the_helpers_anticipated_need_and_only_the_aware_feel_it():
    model = scripted_model(
        3,
        interventions={
            "time_bank": {
                "enabled": True,
                "credit_weight": 2.0,
                "willingness_weight": 1.0,
                "anticipation_per_year": 0.02,
                "credibility_prior": 0.5,
            }
        },
    )
    run_step(model, "governance")
    pop = model.pop
    pop.age[:] = [65.0, 85.0, 55.0]
    pop.health[:] = [0.9, 0.6, 0.5]
    pop.aware[:] = [True, True, False]
    bank = model.governance.get("time_bank")
    # anticipated need: 0.1 + 0.02·5 = 0.2; 0.4 + 0.02·25 = 0.9; 0.5 + 0 = 0.5
    bonus = bank.acceptance_bonus(pop, np.array([1, 0, 2]), np.zeros(3, dtype=np.int64))
    assert bonus.tolist() == pytest.approx([2.0 * 0.5 * 0.9, 2.0 * 0.5 * 0.2, 2.0 * 0.5 * 0.5])
    assert bank.willingness_bonus(pop).tolist() == pytest.approx([0.5 * 0.2, 0.5 * 0.9, 0.0])


def incentives_model(residents: int, **incentives):
    block = {"enabled": True, "weekly_cost": 0.0, "points_per_hour": 2.0, "point_value": 5.0, "value_scale": 10.0}
    model = scripted_model(residents, interventions={"incentives": {**block, **incentives}})
    run_step(model, "governance")
    return model


def test_points_pull_by_their_saturating_money_value_times_the_share_believed_paid():
    model = incentives_model(2, max_pull=2.0, payment_prior=0.5)
    pop = model.pop
    pop.aware[:] = [True, False]
    points = model.governance.get("incentives")
    # value 2·5 = 10 yuan/hour = value_scale: 1 − e⁻¹ of the pull, believed paid half
    pull = 0.5 * (1.0 - math.exp(-1.0)) * 2.0
    assert points.acceptance_bonus(pop, np.array([1]), np.zeros(1, dtype=np.int64)) == pytest.approx(pull)
    assert points.willingness_bonus(pop).tolist() == pytest.approx([pull, 0.0])


def test_crowding_out_subtracts_each_helpers_intrinsic_motive_from_the_pull():
    model = incentives_model(2, max_pull=2.0, payment_prior=1.0, crowding_out=True, crowding_strength=1.0)
    pop = model.pop
    pop.norm_internalization[:] = [0.2, 1.0]
    pop.self_worth[:] = [0.4, 1.0]
    points = model.governance.get("incentives")
    scale = 1.0 - math.exp(-1.0)
    bonus = points.acceptance_bonus(pop, np.array([0, 1]), np.zeros(2, dtype=np.int64))
    assert bonus.tolist() == pytest.approx([scale * (2.0 - 0.3), scale * (2.0 - 1.0)])


def test_points_are_paid_as_far_as_the_money_goes_and_then_the_incentives_stop():
    model = scripted_model(
        2,
        interventions={
            "funding": {"enabled": True, "kind": "project", "initial_balance": 6.0, "grant": 0.0},
            "incentives": {"enabled": True, "weekly_cost": 0.0, "points_per_hour": 2.0, "point_value": 1.0},
        },
        trust=TELL_EVERY_TIE,
    )
    run_step(model, "governance")
    assert model.governance.get("incentives") is not None
    tie(model, 0, 1)
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 4.0, True, False)])
    run_step(model, "incentives")
    # 8 points cost 8 but only 6 are there: 6 points paid, balance 0. The earner (1) saw
    # ¾ paid: p_1 = (0.75 + 2·0.8)/(1 + 2); their tie 0 heard it at weight 0.5:
    # p_0 = (0.375 + 1.6)/(0.5 + 2)
    assert model.pop.points.tolist() == pytest.approx([0.0, 6.0])
    assert model.governance.balance == pytest.approx(0.0)
    points = model.governance.get("incentives")
    assert points.record.belief().tolist() == pytest.approx([1.975 / 2.5, 2.35 / 3.0])
    assert points.paid_share == pytest.approx((1.975 / 2.5 + 2.35 / 3.0) / 2.0)
    at_week(model, 1)
    run_step(model, "governance")
    assert model.governance.get("incentives") is None


def test_word_of_mouth_about_the_bank_reaches_ties_only_and_a_newcomer_knows_nothing():
    model = scripted_model(4, interventions={"time_bank": {"enabled": True}}, trust=TELL_EVERY_TIE)
    run_step(model, "governance")
    bank = model.governance.get("time_bank")
    tie(model, 0, 1)
    model.pop.credits[:] = [1.0, 0.0, 0.0, 0.0]
    model.tally.asked = np.array([True, False, False, False])
    model.tally.unanswered = np.array([True, False, False, False])
    run_step(model, "incentives")
    # 0 asked in vain; tie 1 hears it at 0.5: (0 + 1)/(0.5 + 2); 2 and 3 heard nothing
    assert bank.record.belief().tolist() == pytest.approx([1.0 / 3.0, 0.4, 0.5, 0.5])
    # the price a helper feels follows their own belief, not the community's
    pop = model.pop
    pop.age[:] = 60.0
    pop.health[:] = 0.0  # anticipated need 1 for everyone
    bonus = bank.acceptance_bonus(pop, np.array([0, 1, 2]), np.zeros(3, dtype=np.int64))
    assert bonus.tolist() == pytest.approx([1.0 / 3.0, 0.4, 0.5])  # credit_weight 1
    bank.record.kept[0], bank.record.broken[0] = 3.0, 1.0
    model.governance.channels.notify("residents_left", pop, np.array([0]))
    assert bank.record.belief()[0] == pytest.approx(0.5)


def test_unpaid_points_lower_the_belief_of_the_unpaid_earner_and_not_of_strangers():
    model = scripted_model(
        3,
        interventions={
            "funding": {"enabled": True, "kind": "project", "initial_balance": 0.0, "grant": 0.0},
            "incentives": {"enabled": True, "weekly_cost": 0.0, "payment_prior": 0.5},
        },
        trust=TELL_EVERY_TIE,
    )
    run_step(model, "governance")
    points = model.governance.get("incentives")
    tie(model, 0, 1)
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False)])
    run_step(model, "incentives")
    # nothing could be paid: 1 saw a promise broken, 0 heard of it, 2 did not
    assert points.record.belief().tolist() == pytest.approx([1.0 / 2.5, 1.0 / 3.0, 0.5])


def test_guaranteed_redemption_buys_only_what_the_money_pays_for():
    model = scripted_model(
        1,
        interventions={
            "funding": {"enabled": True, "kind": "project", "initial_balance": 5.0, "grant": 0.0},
            "time_bank": {"enabled": True, "guaranteed": True, "weekly_cost": 0.0, "redemption_price": 10.0},
        },
    )
    run_step(model, "governance")
    pop = model.pop
    pop.credits[:] = [5.0]
    pop.backlog[0] = [2.0, 0.0, 0.0, 0.0]
    model.tally.asked = np.array([True])
    model.tally.unanswered = np.array([True])
    run_step(model, "incentives")
    # 2 hours wanted at 10 yuan cost 20; the 5 there buy a quarter: 0.5 hours, 0.5 credits
    assert pop.backlog[0, 0] == pytest.approx(1.5)
    assert pop.credits[0] == pytest.approx(4.5)
    assert model.tally.redeemed_hours == pytest.approx(0.5)
    assert model.governance.balance == pytest.approx(0.0)
    # the holder saw a quarter of the promise kept: (0.25 + 1)/(1 + 2)
    assert model.governance.get("time_bank").record.belief()[0] == pytest.approx(1.25 / 3.0)
