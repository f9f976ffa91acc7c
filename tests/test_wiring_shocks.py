"""Wiring of the adverse-events step (step 0, docs/odd.md §7.22): each event changes
its input from its week on — and not before — in the arguments the other steps are
handed; the funding stops, detection drops, acceptance falls for the crisis's weeks
and comes back, newcomers come from the older profile; a scenario without events is
left as it was."""

import pytest
from conftest import scripted_model
from wiring_support import NO_HAZARDS, run_step

from sim.core import schedule


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def weeks(model, first: int, last: int, *steps: str) -> None:
    """Run the shocks step (then ``steps``) in each week from ``first`` to ``last``."""
    for week in range(first, last + 1):
        at_week(model, week)
        run_step(model, "shocks")
        for name in steps:
            run_step(model, name)


def test_from_the_coordinator_loss_week_the_helping_step_is_handed_the_dose_and_not_before():
    model = scripted_model(2, shocks={"coordinator_loss": {"enabled": True, "week": 3, "reach": 0.05}})
    given = model.config
    weeks(model, 0, 2)
    assert schedule.helping_arguments(model)["hp"].coordinator_reach == pytest.approx(0.3)
    weeks(model, 3, 3)
    assert schedule.helping_arguments(model)["hp"].coordinator_reach == pytest.approx(0.05)
    weeks(model, 4, 6)
    assert schedule.helping_arguments(model)["hp"].coordinator_reach == pytest.approx(0.05)
    assert given.helping.coordinator_reach == pytest.approx(0.3)  # the scenario given is untouched


def test_from_the_coordinator_loss_week_registration_runs_at_its_share_of_the_join_rate():
    model = scripted_model(
        2, shocks={"coordinator_loss": {"enabled": True, "week": 3, "reach": 0.0, "registration": 0.25}}
    )
    weeks(model, 0, 2)
    assert schedule.participation_arguments(model)["p"].join_rate == pytest.approx(0.02)
    weeks(model, 3, 5)
    assert schedule.participation_arguments(model)["p"].join_rate == pytest.approx(0.005)
    assert model.config.helping.coordinator_reach == 0.0  # both of the event's changes hold
    assert schedule.helping_arguments(model)["hp"].coordinator_reach == 0.0


def test_without_the_coordinator_nobody_registers_and_with_registration_kept_joining_goes_on():
    """Everyone willing, aware, a non-member, join rate 1: with registration 0 nobody
    joins from the event's week; with registration 1 everyone does."""

    def joined(registration: float) -> int:
        model = scripted_model(
            4,
            shocks={"coordinator_loss": {"enabled": True, "week": 1, "registration": registration}},
            participation={
                "join_rate": 1.0,
                "willingness_intercept": 20.0,
                "awareness_base": 0.0,
                "awareness_per_member_tie": 0.0,
            },
        )
        model.pop.member[:] = False
        weeks(model, 1, 1, "participation")
        return int(model.pop.member.sum())

    assert joined(0.0) == 0
    assert joined(1.0) == 4


def test_from_the_funding_loss_week_only_the_income_share_arrives():
    # 7 a week in weeks 0 and 1, then 7 × 0.25 = 1.75 in weeks 2 and 3: 14 + 3.5
    model = scripted_model(
        1,
        interventions={"funding": {"enabled": True, "kind": "stable", "weekly_income": 7.0}},
        shocks={"funding_loss": {"enabled": True, "week": 2, "income_share": 0.25}},
    )
    weeks(model, 0, 1, "governance")
    assert model.governance.balance == pytest.approx(14.0)
    weeks(model, 2, 3, "governance")
    assert model.governance.balance == pytest.approx(17.5)


def test_a_project_grant_not_yet_received_is_cut_to_the_income_share_and_one_received_is_kept():
    late = scripted_model(
        1,
        interventions={"funding": {"enabled": True, "kind": "project", "grant": 100.0, "grant_week": 5}},
        shocks={"funding_loss": {"enabled": True, "week": 2, "income_share": 0.1}},
    )
    weeks(late, 0, 6, "governance")
    assert late.governance.balance == pytest.approx(10.0)
    early = scripted_model(
        1,
        interventions={"funding": {"enabled": True, "kind": "project", "grant": 100.0, "grant_week": 1}},
        shocks={"funding_loss": {"enabled": True, "week": 2, "income_share": 0.1}},
    )
    weeks(early, 0, 6, "governance")
    assert early.governance.balance == pytest.approx(100.0)


def test_from_the_enforcement_loss_week_informal_and_supervision_detection_drop():
    model = scripted_model(
        2,
        interventions={"supervision": {"enabled": True, "detection": 0.8}},
        shocks={
            "enforcement_loss": {"enabled": True, "week": 2, "informal_detection": 0.02, "supervision_detection": 0.1}
        },
    )
    weeks(model, 0, 1, "governance")
    assert schedule.norms_arguments(model)["nm"].informal_detection == pytest.approx(0.15)
    assert model.governance.channels.detection.block.detection == pytest.approx(0.8)
    weeks(model, 2, 3, "governance")
    assert schedule.norms_arguments(model)["nm"].informal_detection == pytest.approx(0.02)
    assert model.governance.channels.detection.block.detection == pytest.approx(0.1)


def test_the_trust_crisis_lowers_acceptance_for_its_weeks_and_then_gives_it_back():
    model = scripted_model(2, shocks={"trust_crisis": {"enabled": True, "week": 2, "weeks": 3, "accept_drop": 1.5}})
    intercept = []
    for week in range(0, 7):
        weeks(model, week, week)
        intercept.append(schedule.helping_arguments(model)["hp"].accept_intercept)
    assert intercept == pytest.approx([-0.5, -0.5, -2.0, -2.0, -2.0, -0.5, -0.5])


def test_two_events_on_the_helping_block_each_change_their_own_field():
    model = scripted_model(
        2,
        shocks={
            "coordinator_loss": {"enabled": True, "week": 1, "reach": 0.0},
            "trust_crisis": {"enabled": True, "week": 1, "weeks": 1, "accept_drop": 1.0},
        },
    )
    weeks(model, 0, 1)
    hp = schedule.helping_arguments(model)["hp"]
    assert (hp.coordinator_reach, hp.accept_intercept) == pytest.approx((0.0, -1.5))
    weeks(model, 2, 2)
    hp = schedule.helping_arguments(model)["hp"]
    assert (hp.coordinator_reach, hp.accept_intercept) == pytest.approx((0.0, -0.5))


def _ageing_model():
    # 10 dwellings, the setting half 60-69 and half 70-79, the event's newcomers all 80+;
    # of the 9 who stay 5 are in their sixties and 4 in their seventies
    model = scripted_model(
        10,
        demography={**NO_HAZARDS, "vacancy_fill_rate": 1.0},
        community={"age_share_60_69": 0.5, "age_share_70_79": 0.5, "age_share_80_plus": 0.0},
        shocks={
            "ageing_core": {
                "enabled": True,
                "week": 1,
                "age_share_60_69": 0.0,
                "age_share_70_79": 0.0,
                "age_share_80_plus": 1.0,
            }
        },
    )
    model.pop.age[:] = [61.0, 63.0, 65.0, 67.0, 69.0, 71.0, 73.0, 75.0, 77.0, 90.0]
    model.pop.occupied[9] = False
    return model


def test_before_the_ageing_core_week_a_newcomer_fills_the_settings_short_band():
    model = _ageing_model()
    weeks(model, 0, 0, "demography")
    assert 70.0 <= model.pop.age[9] < 71.0


def test_from_the_ageing_core_week_newcomers_come_from_the_events_older_profile():
    model = _ageing_model()
    weeks(model, 1, 1, "demography")
    assert model.tally.newcomers == 1
    assert 80.0 <= model.pop.age[9] < 81.0


def test_a_scenario_without_events_keeps_its_blocks():
    model = scripted_model(2, interventions={"funding": {"enabled": True}})
    config, funding = model.config, model.governance.funding
    weeks(model, 0, 5)
    assert model.config is config and model.governance.funding is funding
