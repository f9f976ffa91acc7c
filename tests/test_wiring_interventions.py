"""Wiring of the interventions' phases and hooks: activities (who attends, how many
places the infrastructure gives, what attending does, who hears of the scheme from
whom), one-to-one support (only the isolated are paired; the pairing tie starts as any
new tie and visits strengthen it as contact), psychological support (sessions counted
as contact for the clients only), the norm
revision group (reviews counted from its start week), the platform (picks the
best-rated candidate by the Beta expectation), the time bank's willingness pull and
redemption for every credit holder (docs/odd.md §7.12-7.19)."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import run_step, tie

from sim.core.network import PAIRING
from sim.submodels.observation import socially_isolated


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def activities(residents: int, infrastructure: float, **block):
    model = scripted_model(
        residents,
        community={"infrastructure": infrastructure},
        interventions={
            "activities": {
                "enabled": True,
                "events_per_week": 1,
                "attendance": 1.0,
                "attendance_floor": 1.0,
                "meetings": 0,
                **block,
            },
            "infrastructure": {"enabled": True, "level_increase": 0.2},
        },
    )
    run_step(model, "governance")
    return model


def test_everyone_able_attends_and_gains_an_interaction_but_no_written_in_belonging_trust_or_awareness():
    model = activities(3, infrastructure=0.8, capacity=100)  # level 0.8 + 0.2 = 1: full access
    pop = model.pop
    pop.occupied[2] = False
    pop.aware[:] = False
    before = pop.belonging.copy()
    run_step(model, "activities")
    assert model.tally.attendees.tolist() == [0, 1]
    assert pop.generalized_trust.tolist() == [0.5, 0.5, 0.5]  # attending is contact, not a trust bump
    assert pop.aware.tolist() == [False, False, False]  # no talks (meetings 0): nobody tells anyone
    assert model.tally.interactions.tolist() == [1.0, 1.0, 0.0]
    assert pop.belonging.tolist() == before.tolist()  # the motives step turns attendance into belonging


def talk_at_an_event(member: list[bool], aware: list[bool]):
    """Everyone attends the one event and talks with 20 co-attendees (all draws of a
    resident being itself has probability 2^-20 here); no ties form."""
    model = activities(len(member), infrastructure=1.0, capacity=100, meetings=20, tie_formation=0.0)
    model.pop.member[:] = member
    model.pop.aware[:] = aware
    run_step(model, "activities")
    return model.pop.aware.tolist()


def test_an_unaware_attendee_who_talks_with_a_member_hears_of_the_scheme():
    assert talk_at_an_event(member=[False, True], aware=[False, True]) == [True, True]


def test_an_unaware_attendee_who_talks_only_with_non_members_stays_unaware():
    # 1 knows of the scheme but is no member: only members tell
    assert talk_at_an_event(member=[False, False], aware=[False, True]) == [False, True]


def test_the_infrastructure_level_sets_the_number_of_places():
    model = activities(30, infrastructure=0.3, capacity=10)
    run_step(model, "activities")
    # level 0.3 + 0.2 = 0.5: 1 event × 10 places × (1 + 0.5) = 15 of the 30 who want to come
    assert len(model.tally.attendees) == 15


def test_every_event_of_the_week_offers_its_places():
    model = activities(40, infrastructure=0.3, capacity=10, events_per_week=2)
    run_step(model, "activities")
    # 2 events × 10 places × (1 + 0.5) = 30 of the 40 who want to come
    assert len(model.tally.attendees) == 30


def test_attendance_rises_with_belonging_above_the_floor():
    from types import SimpleNamespace

    from sim.interventions.activities import attendance_probability

    pop = SimpleNamespace(health=np.array([1.0, 1.0]), belonging=np.array([0.0, 0.5]), occupied=np.array([True, True]))
    block = SimpleNamespace(attendance=0.4, attendance_floor=0.3)
    # 0.4·(0.3 + 0.7·b)·access 1: b = 0 → 0.12, b = 0.5 → 0.26
    assert attendance_probability(pop, block, 1.0, 0.2).tolist() == pytest.approx([0.12, 0.26])


def one_to_one(visit_probability: float):
    model = scripted_model(
        4,
        network={"isolation_ties": 1, "isolation_strength": 0.3, "new_tie_strength": 0.2, "contact_boost": 0.25},
        interventions={
            "targeted_support": {
                "enabled": True,
                "pairs_per_week": 5,
                "visit_probability": visit_probability,
                "volunteer_min_hours": 1.0,
            }
        },
    )
    run_step(model, "governance")
    pop = model.pop
    # 1–2 and 1–3 are strong ties; 0 has none: only 0 is isolated. 2 is no member.
    tie(model, 1, 2, strength=0.9)
    tie(model, 1, 3, strength=0.9)
    pop.member[:] = [True, True, False, True]
    pop.aware[:] = [False, True, True, True]
    run_step(model, "targeted_support")
    support = model.governance.get("targeted_support")
    assert support.supported.tolist() == [0]
    (volunteer,) = support.volunteer.tolist()
    assert volunteer in (1, 3)
    net = model.net
    edge = net.find(np.array([0, volunteer]), np.array([volunteer, 0]))
    assert (net.kind[edge] == PAIRING).all()
    assert pop.aware[0]  # the volunteer, a member, told them of the scheme
    assert pop.generalized_trust.tolist() == [0.5] * 4  # no trust bump: trust moves in the trust step
    return model, volunteer, net.strength[edge]


def test_a_pairing_tie_starts_at_the_ordinary_new_tie_strength():
    model, volunteer, strength = one_to_one(visit_probability=0.0)
    assert strength.tolist() == [0.2, 0.2]  # network.new_tie_strength, no visit yet
    assert model.tally.interactions.tolist() == [0.0] * 4


def test_a_visit_is_contact_raising_the_pairing_tie_by_contact_boost_of_its_gap():
    model, volunteer, strength = one_to_one(visit_probability=1.0)
    assert strength.tolist() == pytest.approx([0.4, 0.4])  # 0.2 + 0.25·(1 − 0.2)
    assert model.tally.interactions[[0, volunteer]].tolist() == [1.0, 1.0]
    others = [i for i in (1, 2, 3) if i != volunteer]
    assert model.tally.interactions[others].tolist() == [0.0, 0.0]


def isolated_after_a_pairing(visit_probability: float) -> bool:
    """Resident 0 has no tie; 1 is a willing member with one strong tie (to 2). With the
    default network parameters (only ``isolation_ties`` lowered to 1, so one kept-up tie
    ends isolation), is 0 still socially isolated after this week's pairing?"""
    model = scripted_model(
        3,
        network={"isolation_ties": 1},
        interventions={
            "targeted_support": {
                "enabled": True,
                "pairs_per_week": 1,
                "visit_probability": visit_probability,
                "volunteer_min_hours": 1.0,
            }
        },
    )
    run_step(model, "governance")
    tie(model, 1, 2, strength=0.9)
    model.pop.member[:] = [False, True, False]
    run_step(model, "targeted_support")
    assert model.governance.get("targeted_support").supported.tolist() == [0]
    return bool(socially_isolated(model.pop, model.net, model.community, model.config.network)[0])


def test_an_empty_dwelling_whose_last_occupant_was_a_member_never_volunteers():
    model = scripted_model(
        3,
        network={"isolation_ties": 1},
        interventions={"targeted_support": {"enabled": True, "pairs_per_week": 1, "volunteer_min_hours": 1.0}},
    )
    run_step(model, "governance")
    pop = model.pop
    pop.member[:] = [False, True, False]
    pop.occupied[1] = False  # the willing member with capacity has left; the flags stay until a newcomer
    pop.willingness[:] = 1.0
    pop.capacity[:] = 5.0
    run_step(model, "targeted_support")
    assert model.governance.get("targeted_support").volunteer.tolist() == []


def test_a_pairing_alone_does_not_end_isolation_with_the_default_tie_strengths():
    # defaults: a new tie starts at 0.3, below the isolation measure's 0.35
    assert isolated_after_a_pairing(visit_probability=0.0)


def test_one_visit_lifts_the_pairing_tie_over_the_isolation_strength():
    # 0.3 + 0.15·(1 − 0.3) = 0.405 ≥ 0.35
    assert not isolated_after_a_pairing(visit_probability=1.0)


def test_psychological_support_gives_each_client_exactly_sessions_per_week_interactions():
    model = scripted_model(
        4,
        motives={"lonely_threshold": 0.5},
        interventions={"professional_services": {"enabled": True, "psych_clients": 2, "sessions_per_week": 3.0}},
    )
    run_step(model, "governance")
    model.pop.loneliness[:] = [0.9, 0.2, 0.7, 0.8]
    run_step(model, "professional_services")
    # the two loneliest above 0.5 are clients (0 and 3); 2 is lonely but has no place; 1 is not lonely
    assert model.tally.interactions.tolist() == [3.0, 0.0, 0.0, 3.0]
    assert model.pop.loneliness.tolist() == [0.9, 0.2, 0.7, 0.8]  # relief comes from the motives step's contact


def test_the_norm_revision_group_reviews_every_interval_from_its_start_week():
    model = scripted_model(
        1,
        norms={"mode_interval": 1, "max_modes": 1, "informal_regulation_weeks": 1000},
        interventions={"norm_revision": {"enabled": True, "start_week": 3, "review_interval": 4, "review_lag": 0}},
    )
    (mode,) = model.modes.modes  # appears in week 1
    for week in range(3):
        at_week(model, week)
        run_step(model, "governance")
        run_step(model, "norm_revision")
    assert mode.regulated_week == 1000 + 1
    at_week(model, 3)
    run_step(model, "governance")
    run_step(model, "norm_revision")
    assert mode.regulated_week == 3


def test_the_platform_shows_service_records_and_the_requester_picks_the_best_rated():
    model = scripted_model(
        3,
        helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0},
        interventions={
            "platform": {"enabled": True, "literacy_threshold": 0.0, "candidates": 50, "pre_service_info": True}
        },
    )
    run_step(model, "governance")
    pop = model.pop
    pop.backlog[0] = [1.0, 0.0, 0.0, 0.0]
    pop.capacity_left[:] = [0.0, 3.0, 3.0]
    # Beta expectations (good + 1)/(good + bad + 2): 1 → 1/2, 2 → 3/5
    pop.reputation_good[:] = [0.0, 0.0, 2.0]
    pop.reputation_bad[:] = [0.0, 0.0, 1.0]
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == [2]


def test_the_time_bank_adds_its_credibility_to_stated_willingness():
    model = scripted_model(
        1,
        participation={
            "willingness_intercept": 0.0,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
        },
        interventions={"time_bank": {"enabled": True, "willingness_weight": 2.0}},
    )
    run_step(model, "governance")
    model.tally.unanswered = np.zeros(1, dtype=bool)
    run_step(model, "participation")
    # credibility starts at 0.5; a healthy (0.9) 65-year-old anticipates need
    # 0.1 + 0.02·5 = 0.2: w = σ(2·0.5·0.2) = σ(0.2)
    assert model.pop.willingness[0] == pytest.approx(1 / (1 + np.exp(-0.2)))


def test_guaranteed_redemption_serves_every_credit_holder_however_small_the_balance():
    model = scripted_model(
        2,
        interventions={
            "time_bank": {"enabled": True, "guaranteed": True, "credit_per_hour": 2.0, "redemption_price": 0.0}
        },
    )
    run_step(model, "governance")
    pop = model.pop
    pop.credits[:] = [1.0, 0.5]
    pop.backlog[:, 1] = 4.0
    model.tally.asked = np.array([True, True])
    model.tally.unanswered = np.array([True, True])
    run_step(model, "incentives")
    # 1 credit buys half an hour, 0.5 a quarter
    assert pop.backlog[:, 1].tolist() == pytest.approx([3.5, 3.75])
    assert model.tally.redeemed_hours == pytest.approx(0.75)


def test_attendance_is_the_documented_share_for_half_mobile_residents_at_half_infrastructure():
    # 400 residents with mobility 0.5 (health halfway from the ADL threshold to 1);
    # infrastructure level 0.3 + 0.2 = 0.5: access 0.5 + 0.5·0.5 = 0.75; attendance
    # 0.5 with floor 1: P = 0.375, about 150 of 400 (sd 9.7)
    model = activities(400, infrastructure=0.3, capacity=1000, attendance=0.5)
    adl = model.config.demography.adl_threshold
    model.pop.health[:] = adl + 0.5 * (1.0 - adl)
    run_step(model, "activities")
    assert 125 < len(model.tally.attendees) < 175


def test_a_pairing_ends_when_the_supported_resident_is_replaced():
    model = scripted_model(
        2,
        network={"isolation_ties": 1, "isolation_strength": 0.3},
        interventions={"targeted_support": {"enabled": True, "visit_probability": 1.0, "volunteer_min_hours": 1.0}},
    )
    run_step(model, "governance")
    model.pop.member[:] = [False, True]
    run_step(model, "targeted_support")
    support = model.governance.get("targeted_support")
    assert support.supported.tolist() == [0] and support.volunteer.tolist() == [1]
    model.pop.person_id[0] += 1000  # a newcomer in slot 0 (the pairing tie keeps it from being isolated)
    run_step(model, "targeted_support")
    assert support.supported.tolist() == [] and support.volunteer.tolist() == []


def test_a_pairing_lasts_pair_weeks_and_then_ends():
    model, volunteer, _ = one_to_one(visit_probability=1.0)
    support = model.governance.get("targeted_support")
    weeks = model.config.interventions.targeted_support.pair_weeks
    model.pop.member[:] = False  # no volunteer left: a pairing seen below is the old one
    at_week(model, weeks - 1)  # the last week of the pairing: still visited
    run_step(model, "targeted_support")
    assert support.supported.tolist() == [0] and support.volunteer.tolist() == [volunteer]
    at_week(model, weeks)
    run_step(model, "targeted_support")
    assert support.supported.tolist() == []


def test_only_members_with_the_volunteer_minimum_of_hours_are_paired_as_volunteers():
    model = scripted_model(
        4,
        network={"isolation_ties": 1, "isolation_strength": 0.3},
        interventions={"targeted_support": {"enabled": True, "pairs_per_week": 1, "volunteer_min_hours": 1.0}},
    )
    run_step(model, "governance")
    pop = model.pop
    tie(model, 1, 2, strength=0.9)
    tie(model, 1, 3, strength=0.9)
    pop.member[:] = [False, True, False, True]
    pop.capacity[:] = [0.0, 0.5, 0.0, 2.0]  # 1 has half an hour, below the minimum of 1
    run_step(model, "targeted_support")
    support = model.governance.get("targeted_support")
    assert support.supported.tolist() == [0] and support.volunteer.tolist() == [3]


def test_one_weekly_session_is_one_interaction_for_each_client():
    model = scripted_model(
        2,
        motives={"lonely_threshold": 0.5},
        interventions={"professional_services": {"enabled": True, "psych_clients": 1, "sessions_per_week": 1.0}},
    )
    run_step(model, "governance")
    model.pop.loneliness[:] = [0.9, 0.2]
    run_step(model, "professional_services")
    assert model.tally.interactions.tolist() == [1.0, 0.0]


def test_paid_redemption_charges_the_redemption_price_per_hour_bought():
    model = scripted_model(
        1,
        interventions={
            "time_bank": {"enabled": True, "guaranteed": True, "credit_per_hour": 1.0, "redemption_price": 3.0}
        },
    )
    run_step(model, "governance")
    spent = model.governance.spent
    pop = model.pop
    pop.credits[:] = [2.0]
    pop.backlog[:, 1] = 5.0
    model.tally.asked = np.array([True])
    model.tally.unanswered = np.array([True])
    run_step(model, "incentives")
    # 2 credits buy 2 of the 5 unmet hours, at 3 an hour from the budget
    assert pop.backlog[0, 1] == pytest.approx(3.0)
    assert model.governance.spent - spent == pytest.approx(6.0)
