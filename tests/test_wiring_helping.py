"""Wiring of the helping step (steps 6-8): who asks (trust, own past success,
reluctance), the one acceptance logit (the helper's disposition plus each term of the
request once), that disputes come only from failed services, and that the coordinator
never relays a request to the requester (docs/odd.md §7.4)."""

import math

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import half_edge, run_step, spy_acceptance, tie


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


NO_ACCEPT_TERMS = {
    "accept_trust": 0.0,
    "accept_obligation": 0.0,
    "accept_cost": 0.0,
    "accept_frailty": 0.0,
    "accept_bad_reputation": 0.0,
}
NO_DISPOSITION = {
    "willingness_intercept": 0.0,
    "willingness_trust": 0.0,
    "willingness_norm": 0.0,
    "willingness_self_worth": 0.0,
    "willingness_loneliness": 0.0,
    "willingness_belonging": 0.0,
}


def askers(**helping):
    """Two members with need and nobody to ask; the asking log-odds are set by the test."""
    model = scripted_model(
        2,
        helping={
            "ask_trust": 0.0,
            "ask_expected_success": 0.0,
            "ask_reluctance": 0.0,
            "coordinator_reach": 0.0,
            **helping,
        },
    )
    model.pop.backlog[:, 1] = 3.0
    model.pop.reluctance[:] = 0.0
    model.pop.ask_success[:] = 0.0
    model.pop.ask_failure[:] = 0.0
    return model


def test_reluctance_keeps_residents_from_asking():
    model = askers(ask_intercept=10.0, ask_reluctance=20.0)
    model.pop.reluctance[:] = [0.0, 1.0]
    run_step(model, "helping")
    # logits 10 and 10 − 20 = −10
    assert model.tally.asked.tolist() == [True, False]


def test_generalized_trust_makes_residents_ask():
    model = askers(ask_intercept=-10.0, ask_trust=20.0)
    model.pop.generalized_trust[:] = [1.0, 0.0]
    run_step(model, "helping")
    # logits −10 + 20 = 10 and −10
    assert model.tally.asked.tolist() == [True, False]


def test_own_past_success_in_asking_makes_residents_ask_again():
    model = askers(ask_intercept=-10.0, ask_expected_success=20.0)
    model.pop.ask_success[:] = [18.0, 0.0]
    model.pop.ask_failure[:] = [0.0, 18.0]
    run_step(model, "helping")
    # E = (s + 1)/(s + f + 2) = 0.95 and 0.05: logits −10 + 19 = 9 and −10 + 1 = −9
    assert model.tally.asked.tolist() == [True, False]
    # 0 asked and got nothing (no tie, no coordinator): one more failure; 1 did not ask
    assert model.pop.ask_failure.tolist() == [1.0, 18.0]
    assert model.pop.ask_success.tolist() == [18.0, 0.0]


def one_request(norm_of_helper: float, participation=None, **helping):
    """0 asks its one tie, 1, for one hour of companionship; acceptance depends on
    1's disposition, here its norm internalization only: log-odds −10 + 20·n."""
    model = scripted_model(
        2,
        helping={
            "ask_intercept": 20.0,
            "coordinator_reach": 0.0,
            "accept_intercept": -10.0,
            **NO_ACCEPT_TERMS,
            **helping,
        },
        participation={**NO_DISPOSITION, "willingness_norm": 20.0, **(participation or {})},
    )
    tie(model, 0, 1)
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    model.pop.norm_internalization[:] = [1.0 - norm_of_helper, norm_of_helper]
    return model


def test_the_helpers_own_norm_internalization_decides_acceptance():
    model = one_request(norm_of_helper=1.0)  # log-odds +10
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == [1]
    model = one_request(norm_of_helper=0.0)  # log-odds −10
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == []


def scripted_acceptance(
    monkeypatch, standing_weight: float = 0.0, propensity=(0.0, 0.0), hours: float = 2.0
) -> list[float]:
    """Requester 0 asks helper 1 (their one tie) for ``hours`` of companionship (the
    helper has 5 hours left); the
    probability the step computes for that request, with every term of the logit
    non-zero and helper and requester different in each (worked out in the test).
    The scheme's record: the helper knows of 0 answered and 2 unanswered requests
    (S = 1/4), the requester of 6 answered (S = 7/8)."""
    seen = spy_acceptance(monkeypatch)
    model = scripted_model(
        2,
        helping={
            "ask_intercept": 20.0,
            "coordinator_reach": 0.0,
            "rounds": 1,
            "accept_intercept": -1.0,
            "accept_trust": 2.5,
            "accept_obligation": 2.0,
            "obligation_scale": 4.0,
            "accept_cost": 0.5,
            "accept_frailty": 2.0,
            "accept_bad_reputation": 3.0,
        },
        participation={
            "willingness_intercept": -2.0,
            "willingness_trust": 2.0,
            "willingness_norm": 1.5,
            "willingness_self_worth": 1.0,
            "willingness_loneliness": 0.5,
            "willingness_belonging": 3.0,
            "willingness_standing": standing_weight,
        },
    )
    tie(model, 0, 1)
    pop, net = model.pop, model.net
    pop.standing_good[:] = [6.0, 0.0]
    pop.standing_bad[:] = [0.0, 2.0]
    pop.propensity[:] = propensity
    pop.backlog[0] = [0.0, hours, 0.0, 0.0]
    pop.capacity_left[:] = [0.0, 5.0]
    pop.generalized_trust[:] = [0.1, 0.5]
    pop.norm_internalization[:] = [0.1, 0.6]
    pop.self_worth[:] = [0.9, 0.3]
    pop.loneliness[:] = [0.9, 0.2]
    pop.belonging[:] = [0.1, 0.4]
    pop.health[:] = [1.0, 0.75]
    pop.willingness[:] = [1.0, 0.0]  # stated willingness no longer enters acceptance
    pop.reputation_good[:] = [1.0, 0.0]
    pop.reputation_bad[:] = [3.0, 0.0]
    helper_view = half_edge(model, 1, 0)
    net.trust_success[helper_view] = 8.0  # 1 trusts 0: (8 + 1)/(8 + 0 + 2) = 0.9
    net.owed[helper_view] = 4.0 * math.log(2.0)  # 1 owes 0 hours worth obligation 0.5
    run_step(model, "helping")
    return seen


def test_acceptance_is_one_logit_of_the_helpers_disposition_and_each_term_of_the_request(monkeypatch):
    # disposition of helper 1: −2 + 2·0.5 + 1.5·0.6 + 1·0.3 + 0.5·0.2 + 3·0.4 = 1.5
    # trust in 0 beyond generalized trust: 2.5·(0.9 − 0.5) = 1; obligation 2·0.5 = 1;
    # cost −0.5·2 = −1; frailty −2·(1 − 0.75) = −0.5; requester's bad share 3/(1 + 3 + 2):
    # −3·0.5 = −1.5. Log-odds −1 + 1.5 + 1 + 1 − 1 − 0.5 − 1.5 = −0.5
    assert scripted_acceptance(monkeypatch) == pytest.approx([1.0 / (1.0 + math.exp(0.5))])


def test_a_request_costs_the_helper_only_the_hours_they_could_give(monkeypatch):
    # 8 hours asked of a helper with 5 left: cost −0.5·5 = −2.5 (not −0.5·8 = −4);
    # the other terms as above: −1 + 1.5 + 1 + 1 − 2.5 − 0.5 − 1.5 = −2
    assert scripted_acceptance(monkeypatch, hours=8.0) == pytest.approx([1.0 / (1.0 + math.exp(2.0))])


def test_the_helpers_own_propensity_enters_acceptance_once_through_the_disposition(monkeypatch):
    # as in the one-logit test, plus helper 1's propensity 0.7: log-odds −0.5 + 0.7 = 0.2
    # (the requester's −3 would give −3.5; counting it twice, 0.9)
    p = scripted_acceptance(monkeypatch, propensity=(-3.0, 0.7))
    assert p == pytest.approx([1.0 / (1.0 + math.exp(-0.2))])


def test_the_helpers_own_knowledge_of_the_schemes_record_enters_acceptance_through_the_disposition(monkeypatch):
    # as above, plus the record term of the helper's disposition: 2·(1/4 − 1/2) = −0.5,
    # so log-odds −0.5 − 0.5 = −1 (the requester's record, 7/8, would give +0.25)
    assert scripted_acceptance(monkeypatch, standing_weight=2.0) == pytest.approx([1.0 / (1.0 + math.exp(1.0))])


def test_a_helper_without_a_tie_counts_generalized_trust_once():
    # residents 0-9 ask (no ties), 10-19 can help; the coordinator relays each request
    # to a random blockmate. Disposition 20·T_gen of the helper; the trust-in-requester
    # term is T_gen − T_gen = 0 without a tie, so with intercept −10 helpers of
    # generalized trust 1 accept (+10) and helpers of 0 decline (−10); counting T_gen
    # twice (a_T = 20) or taking the requester's (0.5) would change the second
    def run(helper_trust: float):
        model = scripted_model(
            20,
            helping={
                "ask_intercept": 20.0,
                "coordinator_reach": 1.0,
                "accept_intercept": -10.0,
                **NO_ACCEPT_TERMS,
                "accept_trust": 20.0,
            },
            participation={**NO_DISPOSITION, "willingness_trust": 20.0},
        )
        pop = model.pop
        pop.backlog[:10] = [0.0, 1.0, 0.0, 0.0]
        pop.capacity_left[:] = [0.0] * 10 + [5.0] * 10
        pop.generalized_trust[:] = [0.5] * 10 + [helper_trust] * 10
        run_step(model, "helping")
        return len(model.tally.exchanges.helper), int(model.tally.requests_made.sum())

    given, asked = run(1.0)
    assert given == asked > 0
    given, asked = run(0.0)
    assert given == 0 and asked > 0


def test_a_service_that_succeeds_never_becomes_a_dispute_and_one_that_fails_does():
    model = one_request(norm_of_helper=1.0, dispute_on_failure=1.0)
    model.pop.skill[:] = 1.0
    run_step(model, "helping")
    assert model.tally.exchanges.success.tolist() == [True]
    assert model.tally.exchanges.dispute.tolist() == [False] and len(model.tally.violators) == 0
    model = one_request(norm_of_helper=1.0, dispute_on_failure=1.0)
    model.pop.skill[:] = 0.0
    run_step(model, "helping")
    assert model.tally.exchanges.dispute.tolist() == [True]
    assert len(model.tally.violators) == 0  # an honest failure is a conflict, not a violation


def test_the_coordinator_never_relays_a_request_to_the_requester():
    # 0 is the only resident able to help; the coordinator reaches every requester
    model = scripted_model(
        2, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 1.0, "rounds": 20}
    )
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.pop.capacity_left[:] = [5.0, 0.0]
    run_step(model, "helping")
    assert len(model.tally.exchanges.helper) == 0
    assert model.tally.unanswered.tolist() == [True, False]


def test_requesters_ties_are_drawn_at_random_in_proportion_to_strength_times_trust():
    # 0 is tied to 1 (strength 0.75) and 2 (0.25), equal trust; one hour of need,
    # both able and willing. Over 200 weeks 1 should be asked about 3 times in 4.
    model = scripted_model(3, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0})
    tie(model, 0, 1, strength=0.75)
    tie(model, 0, 2, strength=0.25)
    first = []
    for _ in range(200):
        model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
        model.pop.capacity_left[:] = [0.0, 5.0, 5.0]
        model.net.strength[:] = [0.75, 0.25, 0.75, 0.25]  # undo the contact this week's help made
        run_step(model, "helping")
        first.append(int(model.tally.exchanges.helper[0]))
    share = first.count(1) / len(first)
    assert 0.6 < share < 0.9


def test_the_requesters_known_bad_reputation_share_lowers_acceptance():
    # two separate pairs: 0 asks 1, 2 asks 3. Log-odds 10 − 20·bad/(good + bad + 2):
    # requester 0 (2 good, 1 bad): share 1/5, log-odds 6 → accepted;
    # requester 2 (0 good, 9 bad): share 9/11, log-odds −6.4 → declined
    model = scripted_model(
        4,
        helping={
            "ask_intercept": 20.0,
            "coordinator_reach": 0.0,
            "accept_intercept": 10.0,
            **NO_ACCEPT_TERMS,
            "accept_bad_reputation": 20.0,
        },
        participation=NO_DISPOSITION,
    )
    tie(model, 0, 1)
    tie(model, 2, 3)
    pop = model.pop
    pop.backlog[[0, 2], 1] = 1.0
    pop.capacity_left[:] = [0.0, 5.0, 0.0, 5.0]
    pop.reputation_good[:] = [2.0, 0.0, 0.0, 0.0]
    pop.reputation_bad[:] = [1.0, 0.0, 9.0, 0.0]
    run_step(model, "helping")
    assert model.tally.exchanges.requester.tolist() == [0]


def test_failed_services_in_an_unregulated_mode_become_disputes_more_often():
    # companionship's new mode appears in week 1 and is not regulated for years; every
    # exchange uses it. Failure dispute probability 0.2 × 5 = 1 there.
    model = scripted_model(
        10,
        helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0, "dispute_on_failure": 0.2},
        norms={
            "mode_interval": 1,
            "max_modes": 1,
            "mode_uptake": 1.0,
            "unregulated_uptake_factor": 1.0,
            "unregulated_dispute_factor": 5.0,
        },
    )
    at_week(model, 1)
    pop = model.pop
    for q in range(0, 10, 2):  # five pairs: q asks q + 1
        tie(model, q, q + 1)
        pop.backlog[q] = [0.0, 1.0, 0.0, 0.0]
    pop.capacity_left[:] = [0.0, 5.0] * 5
    pop.skill[:] = 0.0
    run_step(model, "helping")
    ex = model.tally.exchanges
    assert len(ex.helper) == 5 and ex.new_mode.all()
    assert ex.dispute.all()


def test_the_expected_success_of_asking_never_exceeds_one():
    # log-odds −20 + 20·E with E = (s + 1)/(s + f + 2) ≤ 1; for these records
    # (E = 2/6, 1/10, 1/2: log-odds −13.3, −18, −10) nobody asks
    model = scripted_model(
        3, helping={"ask_intercept": -20.0, "ask_trust": 0.0, "ask_expected_success": 20.0, "ask_reluctance": 0.0}
    )
    pop = model.pop
    pop.backlog[:, 1] = 3.0
    pop.ask_success[:] = [1.0, 0.0, 0.0]
    pop.ask_failure[:] = [3.0, 8.0, 0.0]
    run_step(model, "helping")
    assert model.tally.asked.tolist() == [False, False, False]


def test_the_helpers_own_self_worth_motive_decides_acceptance():
    # log-odds −10 + 20·s of the helper: s = 1 accepts, s = 0 declines (the requester's
    # self-worth is the opposite each time)
    def run(helper_self_worth: float):
        model = one_request(norm_of_helper=0.5, participation={"willingness_norm": 0.0, "willingness_self_worth": 20.0})
        model.pop.self_worth[:] = [1.0 - helper_self_worth, helper_self_worth]
        run_step(model, "helping")
        return model.tally.exchanges.helper.tolist()

    assert run(1.0) == [1]
    assert run(0.0) == []


def test_the_expected_success_of_asking_counts_past_successes_in_its_denominator():
    # E = (s + 1)/(s + f + 2) = 19/38 = 0.5 for s = f = 18: log-odds −15 + 20·0.5 = −5,
    # P = 0.007, about 1 of 200 asks (sd 1.2); without s in the denominator E would be
    # 0.95: log-odds +4, about 196 would ask
    model = scripted_model(
        200,
        helping={
            "ask_intercept": -15.0,
            "ask_trust": 0.0,
            "ask_expected_success": 20.0,
            "ask_reluctance": 0.0,
            "coordinator_reach": 0.0,
        },
    )
    model.pop.backlog[:, 1] = 3.0
    model.pop.ask_success[:] = 18.0
    model.pop.ask_failure[:] = 18.0
    run_step(model, "helping")
    assert model.tally.asked.sum() <= 8


@pytest.mark.parametrize("who", ["requester", "helper"])
def test_only_registered_members_ask_and_help(who):
    """The one request of ``one_request`` (sure to be asked and accepted) is not made
    when the requester is not a member, nor answered when the helper is not."""
    model = one_request(norm_of_helper=1.0)
    model.pop.member[0 if who == "requester" else 1] = False
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == []
    assert int(model.tally.asked.sum()) == (0 if who == "requester" else 1)


def test_a_requester_asks_the_tie_they_trust_more_as_often_as_the_weights_say():
    """200 requesters, each with two tied members of equal strength: helper A known from
    8 good services (particularized trust 9/10), helper B from 8 bad ones (1/10). In one
    round a requester asks A with probability 0.9/(0.9 + 0.1) = 0.9 (weight strength ×
    trust); strength alone would give 0.5. Everyone asked accepts."""
    pairs = 200
    n = 3 * pairs
    model = scripted_model(
        n,
        helping={"ask_intercept": 20.0, "coordinator_reach": 0.0, "rounds": 1, "accept_intercept": 20.0},
    )
    pop, net = model.pop, model.net
    q = np.arange(pairs)
    a, b = q + pairs, q + 2 * pairs
    for helper in (a, b):
        net.add(q, helper, 1, 0.5, model.week)
    net.trust_success[net.find(q, a)] = 8.0
    net.trust_failure[net.find(q, b)] = 8.0
    pop.backlog[:] = 0.0
    pop.backlog[q, 1] = 1.0
    pop.capacity_left[:] = 0.0
    pop.capacity_left[pairs:] = 5.0
    run_step(model, "helping")
    share_a = np.isin(model.tally.exchanges.helper, a).mean()
    assert len(model.tally.exchanges.helper) == pairs
    assert 0.82 < share_a < 0.97  # 0.9 ± 3.5 SD of a binomial share over 200


@pytest.mark.parametrize("accepted", [True, False])
def test_a_request_is_unanswered_only_if_no_help_came_and_each_exchange_is_one_interaction_each(accepted):
    model = one_request(norm_of_helper=1.0 if accepted else 0.0)
    run_step(model, "helping")
    tally = model.tally
    assert tally.asked.tolist() == [True, False]
    assert tally.unanswered.tolist() == [not accepted, False]
    # an exchange is one interaction for the requester and one for the helper
    assert tally.interactions.tolist() == ([1.0, 1.0] if accepted else [0.0, 0.0])
