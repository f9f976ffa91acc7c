"""Wiring of the participation step (step 14): who may join (aware, willing, not a
member, past the rejoin delay), what adds to dissatisfaction (unanswered requests,
violations suffered, low belonging for members), who quits, and who starts as a
member (docs/odd.md §7.8, §5); and how a survey and the scheme's register see them:
stated willingness over every resident, registrants who never exchanged."""

import numpy as np
import pytest
from conftest import make_scenario, scripted_model
from wiring_support import run_step, tie

from sim.core.model import CommunityModel
from sim.core.schedule import observation_arguments
from sim.submodels import observation

WEEK = 20


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def community():
    """Willingness σ(10·T) only (threshold 0.9); everyone joins who may; nobody new
    hears of the scheme.
    0: willing, quit 5 weeks ago (rejoin delay 10)  — may not rejoin yet
    1: willing, quit 15 weeks ago                    — joins
    2: unwilling (T = 0: σ(0) = 0.5 < 0.9)           — does not join
    3: member, asked in vain, victim of 2 violations, belonging 0 — quits
    4: willing but unaware                           — does not join"""
    model = scripted_model(
        5,
        participation={
            "awareness_base": 0.0,
            "awareness_per_member_tie": 0.0,
            "willingness_intercept": 0.0,
            "willingness_trust": 10.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
            "willing_threshold": 0.9,
            "join_rate": 1.0,
            "rejoin_delay": 10,
            "dissatisfaction_memory": 0.5,
            "quit_threshold": 4.0,
            "quit_rate": 1.0,
            "low_belonging": 0.5,
        },
    )
    at_week(model, WEEK)
    pop, tally = model.pop, model.tally
    pop.generalized_trust[:] = [1.0, 1.0, 0.0, 1.0, 1.0]
    pop.aware[:] = [True, True, True, True, False]
    pop.member[:] = [False, False, False, True, False]
    pop.quit_week[:] = [WEEK - 5, WEEK - 15, -1000, -1000, -1000]
    pop.belonging[:] = [0.9, 0.9, 0.9, 0.0, 0.9]
    pop.dissatisfaction[:] = 2.0
    tally.unanswered = np.array([False, False, False, True, False])
    tally.victims = np.array([3, 3])
    return model


def test_only_aware_willing_non_members_past_the_rejoin_delay_join():
    model = community()
    run_step(model, "participation")
    assert model.pop.member.tolist() == [False, True, False, False, False]


def test_willingness_is_recomputed_and_stated_against_the_threshold():
    model = community()
    run_step(model, "participation")
    # σ(10) for T = 1, σ(0) = 0.5 for T = 0
    w = 1 / (1 + np.exp(-10.0))
    assert model.pop.willingness.tolist() == pytest.approx([w, w, 0.5, w, w])


def test_a_member_quits_when_unanswered_requests_violations_and_low_belonging_add_up():
    model = community()
    run_step(model, "participation")
    pop = model.pop
    # 3: D = 0.5·2 + 1 (unanswered) + 2 (violations suffered) + 1 (low belonging) = 5 > 4:
    # quits this week, dissatisfaction reset. Others: 0.5·2 = 1 (resident 1 joined
    # with belonging 0.9, so no low-belonging term)
    assert pop.quit_week[3] == WEEK
    assert pop.dissatisfaction.tolist() == pytest.approx([1.0, 1.0, 1.0, 0.0, 1.0])


def test_only_members_quit_however_dissatisfied():
    model = community()
    model.pop.dissatisfaction[:] = 20.0  # everyone far above the threshold
    model.pop.generalized_trust[:] = 0.0  # nobody willing: nobody joins this week
    run_step(model, "participation")
    pop = model.pop
    # only 3 was a member: only 3 quits (its quit week set, its dissatisfaction reset)
    assert pop.quit_week.tolist() == [WEEK - 5, WEEK - 15, -1000, WEEK, -1000]
    assert pop.dissatisfaction[3] == 0.0 and (pop.dissatisfaction[[0, 1, 2, 4]] > 4.0).all()


def test_low_belonging_adds_to_a_members_dissatisfaction_only():
    model = community()
    model.pop.belonging[:] = 0.0
    model.tally.unanswered[:] = False
    model.tally.victims = np.zeros(0, dtype=np.int64)
    model.pop.dissatisfaction[:] = 0.0
    run_step(model, "participation")
    # members after joining (1 joined, 3 was one): 0 + 1; everyone else 0
    assert model.pop.dissatisfaction.tolist() == pytest.approx([0.0, 1.0, 0.0, 1.0, 0.0])


def initial_members(intercept: float) -> int:
    """Everyone starts aware and every willing resident would start a member;
    willingness σ(intercept) against the threshold 0.5 (no other term)."""
    scenario = make_scenario(
        community={"residents": 50},
        participation={
            "initial_aware": 1.0,
            "initial_member_share": 1.0,
            "willingness_intercept": intercept,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
            "willing_threshold": 0.5,
        },
    )
    return int(CommunityModel(scenario, rng=1).pop.member.sum())


def test_only_willing_residents_start_as_members():
    assert initial_members(-5.0) == 0  # σ(−5) < 0.5: nobody willing
    assert initial_members(5.0) == 50  # σ(5) ≥ 0.5: every (aware) resident


def test_the_rejoin_delay_ends_exactly_rejoin_delay_weeks_after_quitting():
    # 0 quit 10 weeks ago (delay 10): joins now; one week earlier it could not
    model = community()
    model.pop.quit_week[0] = WEEK - 10
    run_step(model, "participation")
    assert model.pop.member[0]
    model = community()
    model.pop.quit_week[0] = WEEK - 9
    run_step(model, "participation")
    assert not model.pop.member[0]


def test_joining_records_the_week_of_registration():
    model = community()
    run_step(model, "participation")
    # only 1 joins this week; 3 was a member before (and quits)
    assert model.pop.join_week[1] == WEEK
    assert (model.pop.join_week[[0, 2, 4]] < 0).all()


def test_unaware_residents_state_willingness_in_the_survey_but_never_join():
    # 4 is willing (σ(10) ≥ 0.9) but has never heard of the scheme: counted in the
    # willing share like any resident a survey asks, yet never a member
    model = community()
    for _ in range(3):
        run_step(model, "participation")
    assert not model.pop.member[4]
    metrics = observation.observe(**observation_arguments(model))
    # willing: 0, 1, 3, 4 (T = 1); not 2 (σ(0) = 0.5 < 0.9) — 4 of 5, aware or not
    assert metrics["willing_share"] == pytest.approx(4 / 5)


def registrants():
    """Members 1 (joined week 10, last exchange week 12), 2 (joined week 10, last
    exchange week 8, before joining), 3 (joined week 10, never exchanged); 0 exchanged
    but is no member."""
    model = scripted_model(4)
    at_week(model, WEEK)
    pop = model.pop
    pop.member[:] = [False, True, True, True]
    pop.join_week[:] = [-1000, 10, 10, 10]
    pop.last_active[:] = [15, 12, 8, -(10**6)]
    return model


def test_registrants_who_have_not_exchanged_since_joining_are_counted():
    # never exchanged since joining: 2 and 3 of the 3 members
    model = registrants()
    metrics = observation.observe(**observation_arguments(model))
    assert metrics["never_exchanged_share"] == pytest.approx(2 / 3)
    assert metrics["member_share"] == pytest.approx(3 / 4)


def test_a_member_who_left_is_no_registrant_until_the_dwelling_is_let_again():
    # as above, but 3 has died or moved out: the slot keeps its member flag until a
    # newcomer moves in, and counts neither as a resident nor as a registrant
    model = registrants()
    model.pop.occupied[3] = False
    metrics = observation.observe(**observation_arguments(model))
    assert metrics["never_exchanged_share"] == pytest.approx(1 / 2)
    assert metrics["member_share"] == pytest.approx(2 / 3)


def test_a_resident_who_may_join_joins_only_at_the_join_rate():
    # the same community with join rate 0: 1 may join but does not
    model = community()
    model.config.participation.join_rate = 0.0
    run_step(model, "participation")
    assert not model.pop.member[1]
    assert model.pop.join_week[1] < 0


def test_an_empty_dwelling_states_no_willingness():
    model = community()
    model.pop.occupied[4] = False
    run_step(model, "participation")
    assert model.pop.willingness[4] == 0.0


def test_initial_members_are_registered_from_their_arrival_and_others_never():
    scenario = make_scenario(
        community={"residents": 50},
        participation={"initial_aware": 1.0, "initial_member_share": 0.5, "willingness_intercept": 5.0},
    )
    pop = CommunityModel(scenario, rng=1).pop
    members = pop.member & pop.occupied
    assert members.any() and (pop.occupied & ~pop.member).any()
    assert (pop.join_week[members] == pop.moved_in[members]).all()
    assert (pop.join_week[~pop.member] < pop.moved_in[~pop.member]).all()


def test_the_schemes_record_is_forgotten_then_grows_by_own_requests_and_what_ties_tell():
    """0 asked and was left unanswered, 1 asked and was helped; 2 is tied to 0 only,
    3 to nobody. Everyone knew of 2 answered and 4 unanswered requests; memory 0.5,
    every tie tells (gossip 1), a heard outcome counts 0.25.
    0: answered 2·0.5 + 0.25 (heard from 1) = 1.25, unanswered 4·0.5 + 1 (own) = 3
    1: answered 1 + 1 (own) = 2,                    unanswered 2 + 0.25 (heard from 0)
    2: answered 1,                                  unanswered 2 + 0.25 (heard from 0)
    3: answered 1,                                  unanswered 2"""
    model = scripted_model(
        4,
        participation={"standing_memory": 0.5, "awareness_base": 0.0, "awareness_per_member_tie": 0.0},
        trust={"gossip_rate": 1.0, "hearsay_weight": 0.25},
    )
    tie(model, 0, 1)
    tie(model, 0, 2)
    pop, tally = model.pop, model.tally
    pop.standing_good[:] = 2.0
    pop.standing_bad[:] = 4.0
    tally.asked = np.array([True, True, False, False])
    tally.unanswered = np.array([True, False, False, False])
    run_step(model, "participation")
    assert pop.standing_good.tolist() == pytest.approx([1.25, 2.0, 1.0, 1.0])
    assert pop.standing_bad.tolist() == pytest.approx([3.0, 2.25, 2.25, 2.0])


def test_without_word_of_mouth_only_the_askers_own_outcome_counts():
    model = scripted_model(
        3,
        participation={"standing_memory": 1.0, "awareness_base": 0.0, "awareness_per_member_tie": 0.0},
        trust={"gossip_rate": 0.0, "hearsay_weight": 1.0},
    )
    tie(model, 0, 1)
    model.tally.asked = np.array([True, False, False])
    model.tally.unanswered = np.array([True, False, False])
    run_step(model, "participation")
    assert model.pop.standing_good.tolist() == [0.0, 0.0, 0.0]
    assert model.pop.standing_bad.tolist() == [1.0, 0.0, 0.0]


def test_the_known_record_moves_stated_willingness_and_so_joining():
    """Willingness σ(3 + 10·(S − 0.5)), threshold 0.9, everyone aware and free to join.
    0 knows nothing (S = 0.5): σ(3) = 0.953 — joins;
    1 knows of 8 unanswered (S = 0.1): σ(−1) = 0.269 — does not join;
    2 knows of 8 answered (S = 0.9): σ(7) = 0.999 — joins."""
    model = scripted_model(
        3,
        participation={
            "awareness_base": 0.0,
            "awareness_per_member_tie": 0.0,
            "willingness_intercept": 3.0,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
            "willingness_standing": 10.0,
            "standing_memory": 1.0,
            "willing_threshold": 0.9,
            "join_rate": 1.0,
        },
    )
    at_week(model, WEEK)
    pop = model.pop
    pop.aware[:] = True
    pop.member[:] = False
    pop.standing_good[:] = [0.0, 0.0, 8.0]
    pop.standing_bad[:] = [0.0, 8.0, 0.0]
    run_step(model, "participation")
    sigma = [1.0 / (1.0 + np.exp(-x)) for x in (3.0, -1.0, 7.0)]
    assert pop.willingness.tolist() == pytest.approx(sigma)
    assert pop.member.tolist() == [True, False, True]


def test_each_residents_own_propensity_enters_stated_willingness_once():
    """Willingness σ(u_i) only (intercept 0, no motive terms), threshold 0.85, everyone
    aware and free to join: u = 2 gives σ(2) = 0.881 — joins; u = −2 gives 0.119 and
    u = 0 gives 0.5 — neither joins."""
    model = scripted_model(
        3,
        participation={
            "awareness_base": 0.0,
            "awareness_per_member_tie": 0.0,
            "willingness_intercept": 0.0,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
            "willing_threshold": 0.85,
            "join_rate": 1.0,
        },
    )
    at_week(model, WEEK)
    pop = model.pop
    pop.member[:] = False
    pop.propensity[:] = [2.0, -2.0, 0.0]
    run_step(model, "participation")
    assert pop.willingness.tolist() == pytest.approx([1.0 / (1.0 + np.exp(-x)) for x in (2.0, -2.0, 0.0)])
    assert pop.member.tolist() == [True, False, False]


@pytest.mark.parametrize("sd", [0.0, 2.0])
def test_residents_draw_their_propensity_from_a_normal_of_the_set_sd(sd):
    model = CommunityModel(make_scenario(community={"residents": 4000}, participation={"propensity_sd": sd}), rng=3)
    u = model.pop.propensity[model.pop.occupied]
    assert abs(u.mean()) < 0.1 + 0.0 * sd
    assert u.std() == pytest.approx(sd, abs=0.08)


def test_community_notices_make_residents_aware_at_the_base_rate():
    """No member ties, no outreach: P(aware) = awareness_base. At 1 everyone unaware
    hears of the scheme this week, at 0 nobody does."""
    for base, expected in ((1.0, [True] * 4), (0.0, [False] * 4)):
        model = scripted_model(4, participation={"awareness_base": base, "awareness_per_member_tie": 0.0})
        model.pop.aware[:] = False
        model.pop.member[:] = False
        run_step(model, "participation")
        assert model.pop.aware.tolist() == expected
