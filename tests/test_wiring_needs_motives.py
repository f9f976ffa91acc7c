"""Wiring of the needs step (step 3) and the motives step (step 13): last week's
unmet need carries over for occupied dwellings only, professional services are
charged for exactly the health hours they cover; loneliness and belonging respond to
each resident's own ties, interactions and services (docs/odd.md §7.3, §7.7)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie


def no_new_need(residents: int, **blocks):
    """Healthy, not lonely, digitally literate residents: no new need this week."""
    model = scripted_model(residents, **blocks)
    pop = model.pop
    pop.health[:] = 1.0
    pop.loneliness[:] = 0.0
    pop.digital_literacy[:] = 1.0
    return model


def test_a_share_of_last_weeks_backlog_carries_over_for_occupied_dwellings_only():
    model = no_new_need(2, needs={"backlog_carryover": 0.5})
    model.pop.backlog[:] = [[4.0, 2.0, 0.0, 0.0], [6.0, 0.0, 0.0, 0.0]]
    model.pop.occupied[1] = False
    run_step(model, "needs")
    np.testing.assert_allclose(model.pop.backlog, [[2.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    assert model.tally.need_hours == pytest.approx(3.0)


def test_professional_services_cover_and_are_charged_for_a_share_of_health_need():
    model = no_new_need(
        1,
        community={"family_support": 0.5, "formal_care": 0.2},
        needs={"health_support": 4.0, "backlog_carryover": 0.0},
        interventions={"professional_services": {"enabled": True, "health_cover": 0.25, "health_hour_cost": 2.0}},
    )
    run_step(model, "governance")
    spent_on_fixed_costs = model.governance.spent
    model.pop.health[:] = 0.5
    model.pop.lives_alone[:] = False
    run_step(model, "needs")
    # health need 4·(1 − 0.5) = 2 h; family leaves 1; formal care leaves 0.8;
    # professionals cover a quarter (0.2 h, charged 0.4) and leave 0.6
    assert model.pop.backlog[0, 2] == pytest.approx(0.6)
    assert model.governance.spent - spent_on_fixed_costs == pytest.approx(0.4)


RISE, RELIEF, PER_WEEK = 0.1, 0.2, 0.5


def week_of_contact():
    """0 and 1 are tied (strength 0.5); 1 had two interactions this week; 2 lives
    alone with neither; loneliness 0.5 all round."""
    model = scripted_model(
        3,
        motives={"loneliness_rise": RISE, "loneliness_relief": RELIEF, "belonging_contact_weight": 0.0},
        network={"contact_per_week": PER_WEEK},
    )
    tie(model, 0, 1, strength=0.5)
    pop = model.pop
    pop.loneliness[:] = 0.5
    pop.lives_alone[:] = [False, False, True]
    model.tally.interactions[:] = [0.0, 2.0, 0.0]
    return model


def test_loneliness_falls_with_each_residents_own_ties_and_interactions():
    model = week_of_contact()
    run_step(model, "motives")
    # contact c = 0.5·Σ strength + interactions = 0.25, 0.25 + 2, 0
    # L ← 0.5 + 0.1·(1 + alone)·0.5 − 0.2·c·0.5
    contact = np.array([0.25, 2.25, 0.0])
    expected = 0.5 + RISE * (1 + np.array([0, 0, 1])) * 0.5 - RELIEF * contact * 0.5
    assert model.pop.loneliness.tolist() == pytest.approx(expected.tolist())


def test_self_worth_rises_for_successful_helpers_and_belonging_for_both_sides():
    model = scripted_model(
        3,
        motives={
            "self_worth_decay": 0.0,
            "self_worth_gain": 0.5,
            "belonging_decay": 0.0,
            "belonging_gain": 0.5,
            "belonging_contact_weight": 0.0,
            "loneliness_relief": 0.0,
        },
    )
    tie(model, 0, 1)
    tie(model, 0, 2)
    pop = model.pop
    pop.self_worth[:] = 0.5
    pop.belonging[:] = 0.0
    # 1 helped 0 successfully, 2 failed 0; 2 also went to an activity
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False), (2, 0, 0, 1.0, False, False)])
    model.tally.belonging_events[:] = [0.0, 0.0, 1.0]
    run_step(model, "motives")
    # self-worth: one success for 1 only: 0.5 + 0.5·0.5 = 0.75
    assert pop.self_worth.tolist() == pytest.approx([0.5, 0.75, 0.5])
    # belonging events: 0 received one success, 1 gave one, 2 attended: each 0.5
    assert pop.belonging.tolist() == pytest.approx([0.5, 0.5, 0.5])


def test_everyday_contact_with_ones_ties_counts_toward_belonging():
    model = week_of_contact()
    model.config.motives.belonging_contact_weight = 2.0
    model.config.motives.belonging_gain = 0.5
    model.config.motives.belonging_decay = 0.0
    model.pop.belonging[:] = 0.0
    run_step(model, "motives")
    # events = 2·contact = 0.5, 4.5, 0: belonging 1 − 0.5^events
    assert model.pop.belonging.tolist() == pytest.approx([1 - 0.5**0.5, 1 - 0.5**4.5, 0.0])
