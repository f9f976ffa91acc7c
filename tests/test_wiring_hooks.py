"""Wiring of the intervention hooks inside the submodels: each hook's answer reaches
the step that calls it, for the residents it is meant for — material points in the
helper's acceptance (and crowding-out against the intrinsically motivated),
recognition in self-worth, platform outreach in awareness, and the time bank told
when residents leave (sim/interventions/base.py Hooks)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie

NO_ACCEPT_TERMS = {
    "accept_trust": 0.0,
    "accept_obligation": 0.0,
    "accept_cost": 0.0,
    "accept_frailty": 0.0,
    "accept_bad_reputation": 0.0,
}
NO_DISPOSITION = {  # the helper's disposition (the willingness logit) at 0
    "willingness_intercept": 0.0,
    "willingness_trust": 0.0,
    "willingness_norm": 0.0,
    "willingness_self_worth": 0.0,
    "willingness_loneliness": 0.0,
    "willingness_belonging": 0.0,
}


def request_with_points(crowding_out: bool, intrinsic: float):
    """0 asks its one tie, 1; acceptance log-odds −10 + the incentives' pull, with
    points worth far beyond the value scale (saturated), believed fully paid, pulling
    20 log-odds (crowding strength 20 if on)."""
    model = scripted_model(
        2,
        helping={"ask_intercept": 20.0, "coordinator_reach": 0.0, "accept_intercept": -10.0, **NO_ACCEPT_TERMS},
        participation=NO_DISPOSITION,
        interventions={
            "incentives": {
                "enabled": True,
                "points_per_hour": 1.0,
                "point_value": 1e6,
                "value_scale": 1.0,
                "payment_prior": 1.0,
                "max_pull": 20.0,
                "crowding_out": crowding_out,
                "crowding_strength": 20.0,
            }
        },
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    pop = model.pop
    pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    pop.capacity_left[:] = [0.0, 5.0]
    # the requester's motives are the opposite of the helper's: only the helper's count
    pop.norm_internalization[:] = [1.0 - intrinsic, intrinsic]
    pop.self_worth[:] = [1.0 - intrinsic, intrinsic]
    return model


def test_material_points_pull_the_helper_into_accepting():
    model = request_with_points(crowding_out=False, intrinsic=1.0)
    run_step(model, "helping")
    # −10 + 20·1 = +10
    assert model.tally.exchanges.helper.tolist() == [1]


def test_crowding_out_turns_points_against_the_intrinsically_motivated_helper():
    model = request_with_points(crowding_out=True, intrinsic=1.0)
    run_step(model, "helping")
    # −10 + 20 − 20·1·(1 + 1)/2 = −10: declines
    assert model.tally.exchanges.helper.tolist() == []
    model = request_with_points(crowding_out=True, intrinsic=0.0)
    run_step(model, "helping")
    # −10 + 20 − 0 = +10: accepts
    assert model.tally.exchanges.helper.tolist() == [1]


def test_recognition_adds_self_worth_events_for_successful_help_only():
    model = scripted_model(
        3,
        motives={"self_worth_decay": 0.0, "self_worth_gain": 0.5},
        interventions={"incentives": {"enabled": True, "recognition": 1.0}},
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    tie(model, 0, 2)
    model.pop.self_worth[:] = 0.0
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False), (2, 0, 0, 1.0, False, False)])
    run_step(model, "motives")
    # 1: one success + one recognition event = 2 events: 1 − 0.5² = 0.75; 2 failed: none
    assert model.pop.self_worth.tolist() == pytest.approx([0.0, 0.75, 0.0])


def test_platform_outreach_makes_residents_who_can_use_it_aware():
    model = scripted_model(
        2,
        participation={"awareness_base": 0.0, "awareness_per_member_tie": 0.0},
        interventions={"platform": {"enabled": True, "awareness": 1.0, "literacy_threshold": 0.5, "assistance": 0.0}},
    )
    run_step(model, "governance")
    pop = model.pop
    pop.aware[:] = False
    pop.member[:] = False
    pop.digital_literacy[:] = [0.9, 0.1]
    model.tally.unanswered = np.zeros(2, dtype=bool)
    run_step(model, "participation")
    assert pop.aware.tolist() == [True, False]


def test_the_time_bank_expires_the_credits_of_residents_who_leave():
    model = scripted_model(
        2,
        demography={"mortality_at_60": 0.0, "move_out_rate": 0.0, "institution_rate": 0.0, "vacancy_fill_rate": 0.0},
        interventions={"time_bank": {"enabled": True}},
    )
    run_step(model, "governance")
    pop = model.pop
    pop.credits[:] = [3.0, 2.0]
    pop.age[0] = 200.0  # past max_age: leaves this week
    run_step(model, "demography")
    assert pop.credits.tolist() == [0.0, 2.0]
    assert model.governance.get("time_bank").expired == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("age", "health", "credibility", "helped"),
    [(85.0, 0.5, 1.0, True), (60.0, 1.0, 1.0, False), (85.0, 0.5, 0.5, False)],
)
def test_the_time_bank_adds_credibility_times_the_helpers_anticipated_need_to_acceptance(
    age, health, credibility, helped
):
    """log-odds −15 + credit_weight 20 × credibility × anticipated need: a frail
    85-year-old (1 − 0.5 + 0.02·25 = 1) helps for fully credible credits (+5), a
    healthy 60-year-old (0) does not (−15), nor the frail one at credibility ½ (−5)."""
    model = scripted_model(
        2,
        helping={"ask_intercept": 20.0, "coordinator_reach": 0.0, "accept_intercept": -15.0, **NO_ACCEPT_TERMS},
        participation=NO_DISPOSITION,
        interventions={
            "time_bank": {
                "enabled": True,
                "credit_weight": 20.0,
                "anticipation_per_year": 0.02,
                "credibility_prior": credibility,
            }
        },
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    model.pop.age[1], model.pop.health[1] = age, health
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == ([1] if helped else [])
