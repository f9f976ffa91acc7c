"""Wiring of the needs step (step 3) and the motives step (step 13): need is
episodic and conditional (companionship for the lonely, health support below a health
level or in an acute episode, errands for low digital literacy or limited mobility),
formal care substitutes for daily-living help (its motivation channel acts on
acceptance, tests/test_wiring_formal_care.py), last week's unmet need carries over for
occupied dwellings only, professional services are charged for exactly the health
hours they cover and still count in the need before services; loneliness and belonging respond to the contacts each resident actually has
with their ties this week and to their interactions, not to tie strength alone
(docs/odd.md §7.3, §7.7)."""

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
    pop.acute_deficit[:] = 0.0
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
        needs={"health_support": 4.0, "health_need_below": 0.6, "backlog_carryover": 0.0},
        interventions={"professional_services": {"enabled": True, "health_cover": 0.25, "health_hour_cost": 2.0}},
    )
    run_step(model, "governance")
    spent_on_fixed_costs = model.governance.spent
    model.pop.health[:] = 0.5
    model.pop.lives_alone[:] = False
    run_step(model, "needs")
    # health need 4·(1 − 0.5) = 2 h; family leaves 1 (formal care substitutes for
    # daily-living help only); professionals cover a quarter (0.25 h, charged 0.5)
    # and leave 0.75
    assert model.pop.backlog[0, 2] == pytest.approx(0.75)
    assert model.governance.spent - spent_on_fixed_costs == pytest.approx(0.5)
    assert model.tally.health_covered == pytest.approx(0.25)  # what observation adds back to need


EPISODES = {
    "needs": {
        "daily_living_iadl": 4.0,
        "companionship": 2.0,
        "health_support": 4.0,
        "errands": 2.0,
        "health_need_below": 0.6,
        "acute_need_above": 0.05,
        "errands_literacy_below": 0.3,
        "errands_mobility_below": 0.7,
        "backlog_carryover": 0.0,
    },
    "community": {"family_support": 0.0, "family_support_alone": 0.0, "formal_care": 0.5},
    "motives": {"lonely_threshold": 0.55},
    "demography": {"iadl_threshold": 0.45, "adl_threshold": 0.25},
}


def episodes(**community):
    """Nine residents, each on one side of one condition of need (the rest healthy,
    not lonely, digitally literate)."""
    blocks = {**EPISODES, "community": {**EPISODES["community"], **community}}
    model = no_new_need(9, **blocks)
    pop = model.pop
    pop.loneliness[:2] = [0.6, 0.52]  # 0 lonely, 1 not (below the threshold 0.55)
    pop.health[2] = 0.5  # chronic: below 0.6
    pop.health[3:5] = 0.8
    pop.acute_deficit[3:5] = [0.1, 0.04]  # 3 in an acute episode, 4 not
    # errands: 5 can neither go out easily (0.65 < 0.7) nor do it online (0.2 < 0.3);
    # 6 can do it online, 8 can go out
    pop.health[5:7] = 0.65
    pop.digital_literacy[5:7] = [0.2, 0.4]
    pop.digital_literacy[8] = 0.2
    pop.health[7], pop.digital_literacy[7] = 0.3, 0.5  # IADL-limited
    return model


def test_need_arises_only_for_the_residents_whose_condition_holds():
    model = episodes()
    run_step(model, "needs")
    expected = np.zeros((9, 4))
    expected[0, 1] = 2.0 * 0.6  # companionship of the lonely
    expected[2, 2] = 4.0 * (1 - 0.5)  # chronic health need
    expected[3, 2] = 4.0 * (1 - 0.8)  # acute episode
    expected[5, 3] = 2.0 * (1 - 0.2) * (1 - 0.5 * 0.65)  # errands: housebound and offline
    # IADL-limited: daily living 4 of which formal care meets half; health 4·0.7;
    # errands 2·(1 − 0.5)·(1 − 0.15)
    expected[7] = [4.0 * 0.5, 0.0, 4.0 * 0.7, 2.0 * 0.5 * 0.85]
    np.testing.assert_allclose(model.pop.backlog, expected)
    np.testing.assert_allclose(model.pop.need, expected)
    assert model.tally.need_hours == pytest.approx(expected.sum())


def test_without_substitution_formal_care_leaves_daily_living_need_to_mutual_aid():
    model = episodes(formal_care_substitution=False)
    run_step(model, "needs")
    assert model.pop.backlog[7].tolist() == pytest.approx([4.0, 0.0, 2.8, 0.85])


def test_hours_services_meet_still_count_in_the_need_before_services():
    """Health 0.5: need 4·0.5 = 2 h, family leaves 1; services meet a quarter
    (0.25 h) and leave 0.75 in the backlog; the need before services is 1 h."""
    model = no_new_need(
        1,
        community={"family_support": 0.5, "formal_care": 0.2},
        needs={"health_support": 4.0, "health_need_below": 0.6, "backlog_carryover": 0.0},
        interventions={"professional_services": {"enabled": True, "health_cover": 0.25, "psych_clients": 0}},
    )
    run_step(model, "governance")
    model.pop.health[:] = 0.5
    model.pop.lives_alone[:] = False
    run_step(model, "needs")
    run_step(model, "observation")
    record = model.records[-1]
    assert record["need_hours"] == pytest.approx(0.75)
    assert record["need_hours_before_services"] == pytest.approx(1.0)


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
    model.tally.attendees = np.array([2])
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


def test_the_motives_step_weighs_attendance_and_recognition_by_the_residents_response():
    model = scripted_model(
        3,
        motives={
            "self_worth_decay": 0.0,
            "self_worth_gain": 0.5,
            "self_worth_floor": 0.0,
            "belonging_decay": 0.0,
            "belonging_gain": 0.5,
            "belonging_contact_weight": 0.0,
            "belonging_per_activity": 2.0,
            "self_worth_per_recognition": 2.0,
        },
        interventions={"incentives": {"enabled": True, "recognition": 0.5}},
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    pop = model.pop
    pop.self_worth[:] = 0.0
    pop.belonging[:] = 0.0
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False)])  # 1 helped 0
    model.tally.attendees = np.array([2])
    run_step(model, "motives")
    # 1: one help + 2 × (0.5 recognised) = 2 events: 1 − 0.5² = 0.75
    assert pop.self_worth.tolist() == pytest.approx([0.0, 0.75, 0.0])
    # belonging: 0 received one success (1 event), 1 gave one (1), 2 attended (2 events)
    assert pop.belonging.tolist() == pytest.approx([0.5, 0.5, 0.75])
