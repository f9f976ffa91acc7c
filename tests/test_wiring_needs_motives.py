"""Wiring of the needs step (step 3) and the motives step (step 13): last week's
unmet need carries over for occupied dwellings only, professional services are
charged for exactly the health hours they cover; loneliness and belonging respond to
the contacts each resident actually has with their ties this week and to their
interactions, not to tie strength alone (docs/odd.md §7.3, §7.7)."""

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


RISE, RELIEF, RATE = 0.1, 0.2, 0.5


class Draws:
    """A stand-in for the contact stream that hands out the given uniforms."""

    def __init__(self, *u: float):
        self.u = np.array(u)

    def random(self, size):
        assert size == len(self.u), f"{size} draws asked, {len(self.u)} scripted"
        return self.u.copy()


def week_of_contact(draw: float):
    """0 and 1 are tied (strength 1: met with probability RATE·1 = 0.5, the contact
    stream drawing ``draw``); 1 had two interactions this week; 2 lives alone with
    neither; loneliness 0.5 all round."""
    model = scripted_model(
        3,
        motives={"loneliness_rise": RISE, "loneliness_relief": RELIEF, "belonging_contact_weight": 0.0},
        network={"contact_rate": RATE, "contact_budget": 100.0},
    )
    model.streams["contact"] = Draws(draw)
    tie(model, 0, 1, strength=1.0)
    pop = model.pop
    pop.loneliness[:] = 0.5
    pop.lives_alone[:] = [False, False, True]
    model.tally.interactions[:] = [0.0, 2.0, 0.0]
    return model


def expected_loneliness(contact):
    """L ← 0.5 + RISE·(1 + alone)·0.5 − RELIEF·c·0.5"""
    return (0.5 + RISE * (1 + np.array([0, 0, 1])) * 0.5 - RELIEF * np.array(contact) * 0.5).tolist()


def test_loneliness_falls_with_each_residents_own_contacts_and_interactions():
    model = week_of_contact(draw=0.4)
    run_step(model, "motives")
    # the tie is met (0.4 < 0.5): c = 1 contact + interactions = 1, 3, 0
    assert model.tally.contacts.tolist() == [1.0, 1.0, 0.0]
    assert model.pop.loneliness.tolist() == pytest.approx(expected_loneliness([1.0, 3.0, 0.0]))


def test_a_strong_tie_not_met_this_week_relieves_no_loneliness():
    model = week_of_contact(draw=0.6)
    run_step(model, "motives")
    # the tie is not met (0.6 ≥ 0.5): c = interactions only = 0, 2, 0, so 0 gets no relief
    assert model.tally.contacts.tolist() == [0.0, 0.0, 0.0]
    assert model.pop.loneliness.tolist() == pytest.approx(expected_loneliness([0.0, 2.0, 0.0]))
    assert model.pop.loneliness[0] == pytest.approx(0.5 + RISE * 0.5)


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


def test_the_weeks_counted_contacts_count_toward_belonging():
    model = week_of_contact(draw=0.4)
    model.config.motives.belonging_contact_weight = 0.5
    model.config.motives.belonging_gain = 0.5
    model.config.motives.belonging_decay = 0.0
    model.pop.belonging[:] = 0.0
    run_step(model, "motives")
    # events = 0.5·(contacts + interactions) = 0.5, 1.5, 0: belonging 1 − 0.5^events
    assert model.pop.belonging.tolist() == pytest.approx([1 - 0.5**0.5, 1 - 0.5**1.5, 0.0])
