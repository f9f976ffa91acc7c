"""Wiring of the demography step (step 2) and the governance step (step 1): residents
age by a week, nobody leaves when no hazard is set, an ADL-disabled resident living
alone moves to an institution; an intervention pays its setup cost once and its
weekly cost every week, and stops the week the money runs short
(docs/odd.md §7.2, §7.1)."""

import pytest
from conftest import scripted_model
from wiring_support import NO_HAZARDS, run_step


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def test_occupied_residents_age_one_week_and_nobody_leaves_without_hazards():
    model = scripted_model(3, demography=NO_HAZARDS)
    model.pop.occupied[2] = False
    model.pop.age[:] = [70.0, 80.0, 75.0]
    run_step(model, "demography")
    assert model.pop.age.tolist() == pytest.approx([70.0 + 1 / 52, 80.0 + 1 / 52, 75.0])
    assert model.pop.occupied.tolist() == [True, True, False]
    assert (model.tally.deaths, model.tally.moves, model.tally.newcomers) == (0, 0, 0)


def test_only_adl_disabled_residents_living_alone_move_to_an_institution():
    model = scripted_model(3, demography={**NO_HAZARDS, "institution_rate": 1.0, "frailty_sd": 0.0})
    pop = model.pop
    pop.health_deviation[:] = [-2.0, -2.0, 0.0]  # 0 and 1 far below the ADL threshold
    pop.acute_deficit[:] = 0.0
    pop.lives_alone[:] = [True, False, True]
    moves = 0
    for _ in range(520):  # weekly probability 1 − e^(−1/52) ≈ 0.019 for 0 only
        run_step(model, "demography")
        moves += model.tally.moves
        if not pop.occupied[0]:
            break
    # 1 has family at home, 2 is able: neither leaves in ten years without hazards
    assert pop.occupied.tolist() == [False, True, True]
    assert moves == 1


def funded(**block):
    return scripted_model(
        1,
        interventions={
            "funding": {"enabled": True, "kind": "project", "initial_balance": 25.0, "grant": 0.0},
            "activities": {"enabled": True, "setup_cost": 10.0, "weekly_cost": 5.0, **block},
        },
    )


def test_an_intervention_pays_its_setup_cost_once_and_its_weekly_cost_every_week_until_the_money_runs_short():
    model = funded()
    gov = model.governance
    run_step(model, "governance")  # week 0: 10 + 5 = 15 paid, 10 left
    assert gov.get("activities") is not None
    assert (gov.balance, gov.spent) == pytest.approx((10.0, 15.0))
    at_week(model, 1)
    run_step(model, "governance")  # week 1: 5 paid, 5 left
    assert (gov.balance, gov.spent) == pytest.approx((5.0, 20.0))
    at_week(model, 2)
    run_step(model, "governance")  # week 2: 5 paid, 0 left
    assert gov.get("activities") is not None and gov.balance == pytest.approx(0.0)
    at_week(model, 3)
    run_step(model, "governance")  # week 3: 5 due, nothing left: stops for good
    assert gov.get("activities") is None
    assert gov.stopped_spans() == {"activities": (0, 3)}
    assert gov.spent == pytest.approx(25.0)


def test_a_stable_income_arrives_every_week():
    model = scripted_model(1, interventions={"funding": {"enabled": True, "kind": "stable", "weekly_income": 7.0}})
    run_step(model, "governance")
    at_week(model, 1)
    run_step(model, "governance")
    assert model.governance.balance == pytest.approx(14.0)


def test_a_newcomer_enters_the_first_year_of_the_age_band_short_of_the_setting_share():
    # 10 dwellings, the setting half 60-69 and half 70-79: of the 9 who stay, 5 are in
    # their sixties and 4 in their seventies, so the one vacancy is the 70-79 band's
    model = scripted_model(
        10,
        demography={**NO_HAZARDS, "vacancy_fill_rate": 1.0},
        community={"age_share_60_69": 0.5, "age_share_70_79": 0.5, "age_share_80_plus": 0.0},
    )
    pop = model.pop
    pop.age[:] = [61.0, 63.0, 65.0, 67.0, 69.0, 71.0, 73.0, 75.0, 77.0, 90.0]
    pop.occupied[9] = False
    run_step(model, "demography")
    assert model.tally.newcomers == 1
    assert pop.occupied[9]
    assert 70.0 <= pop.age[9] < 71.0


def test_a_variable_cost_the_budget_cannot_meet_stops_the_intervention_from_the_next_week():
    model = funded()
    gov = model.governance
    run_step(model, "governance")  # week 0: 15 paid, 10 left
    assert gov.charge("activities", 20.0) == pytest.approx(10.0)  # only 10 of 20: out of money
    assert gov.get("activities") is not None  # it finishes this week
    at_week(model, 1)
    run_step(model, "governance")
    assert gov.get("activities") is None
    assert gov.stopped_spans() == {"activities": (0, 1)}
