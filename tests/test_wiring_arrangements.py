"""Wiring of the time bank's standing arrangements (docs/odd.md §7.18, §7.4): the
incentives phase turns a successful exchange into a standing weekly visit, one per
client and one per helper, only with a helper who has the capacity for a visit; the
helping step serves the visits before any request, the client's largest need first,
as far as the helper's capacity goes, without the client deciding to ask; an
arrangement ends when the helper no longer states willingness, either party is out of
the scheme, the client has no need, or the helper shirks a service to the client; it
ends when either party leaves the community."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie

from sim.core.tally import FREE_RIDING, SHIRKING

NEVER_ASK = {"ask_intercept": -20.0, "ask_trust": 0.0, "ask_expected_success": 0.0, "coordinator_reach": 0.0}


def bank_model(residents: int, helping: dict | None = None, **bank):
    model = scripted_model(
        residents,
        helping={**NEVER_ASK, **(helping or {})},
        interventions={"time_bank": {"enabled": True, "arrangement_rate": 1.0, "visit_hours": 1.0, **bank}},
    )
    run_step(model, "governance")
    return model, model.governance.get("time_bank")


def arrange(bank, client: int, helper: int) -> None:
    bank.partner[client] = helper
    bank.serving[helper] = True


def test_a_successful_exchange_with_a_helper_able_to_visit_becomes_a_standing_arrangement():
    model, bank = bank_model(6)
    for h, q in [(1, 0), (2, 3), (4, 5)]:
        tie(model, h, q)
    model.pop.capacity[:] = [5.0, 1.0, 5.0, 5.0, 0.5, 5.0]
    # 1 helped 0 (success), 2 helped 3 (failed), 4 helped 5 (success, capacity 0.5 < a visit)
    model.tally.exchanges = exchanges(
        model, [(1, 0, 0, 1.0, True, False), (2, 3, 0, 1.0, False, False), (4, 5, 0, 1.0, True, False)]
    )
    run_step(model, "incentives")
    assert bank.partner.tolist() == [1, -1, -1, -1, -1, -1]
    assert bank.serving.tolist() == [False, True, False, False, False, False]


def test_no_arrangement_is_made_at_rate_zero():
    model, bank = bank_model(2, arrangement_rate=0.0)
    tie(model, 1, 0)
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, True, False)])
    run_step(model, "incentives")
    assert bank.partner.tolist() == [-1, -1]


def test_a_helper_takes_one_client_and_a_client_one_helper():
    model, bank = bank_model(4)
    for h, q in [(1, 0), (1, 2), (3, 0)]:
        tie(model, h, q)
    model.tally.exchanges = exchanges(
        model, [(1, 0, 0, 1.0, True, False), (1, 2, 0, 1.0, True, False), (3, 0, 0, 1.0, True, False)]
    )
    run_step(model, "incentives")
    clients, helpers = bank.standing()
    assert len(set(clients.tolist())) == len(clients) and len(set(helpers.tolist())) == len(helpers)
    # whichever came first, each of the three exchanges shares a party with an arrangement
    assert 1 <= len(clients) <= 2 and int(bank.serving.sum()) == len(clients)
    # a second week's exchanges make no second arrangement for a paired helper or client
    before = bank.partner.copy()
    run_step(model, "incentives")
    assert bank.partner.tolist() == before.tolist()


def test_arrangements_are_made_in_the_order_given_one_per_helper_and_per_client():
    model, bank = bank_model(5)
    # helper 1 with clients 0 then 2: only 0; helper 3 with client 0 (taken): none;
    # helper 4 with client 1 (who is 0's helper, not a client): made
    bank.arrange(np.array([1, 1, 3, 4]), np.array([0, 2, 0, 1]), np.zeros(4))
    assert bank.partner.tolist() == [1, 4, -1, -1, -1]
    assert bank.serving.tolist() == [False, True, False, False, True]


def test_a_visit_serves_the_clients_largest_need_first_within_the_helpers_capacity_without_asking():
    model, bank = bank_model(2)
    arrange(bank, 0, 1)
    pop = model.pop
    pop.backlog[0] = [1.0, 0.0, 2.5, 0.0]
    pop.capacity_left[:] = [5.0, 3.0]
    run_step(model, "helping")
    # largest first: health 2.5 h, then daily living the 0.5 h capacity left
    assert pop.backlog[0].tolist() == pytest.approx([0.5, 0.0, 0.0, 0.0])
    assert pop.capacity_left[1] == pytest.approx(0.0)
    assert pop.hours_given[1].tolist() == pytest.approx([0.5, 0.0, 2.5, 0.0])
    assert pop.hours_received[0].tolist() == pytest.approx([0.5, 0.0, 2.5, 0.0])
    # the client did not decide to ask, yet the visit is a request made and answered
    assert model.tally.asked.tolist() == [True, False]
    assert model.tally.requests_made.tolist() == [1.0, 0.0]
    assert model.tally.requests_accepted.tolist() == [1.0, 0.0]
    assert model.tally.unanswered.tolist() == [False, False]
    assert pop.ask_success[0] == 1.0
    assert sorted(zip(model.tally.exchanges.helper.tolist(), model.tally.exchanges.requester.tolist())) == [
        (1, 0),
        (1, 0),
    ]


def test_an_arranged_client_asks_others_only_if_they_decide_to():
    for intercept, expected_from_2 in [(-20.0, 0.0), (20.0, 2.0)]:
        model, bank = bank_model(3, helping={"ask_intercept": intercept, "accept_intercept": 20.0})
        arrange(bank, 0, 1)
        tie(model, 0, 2)
        model.pop.backlog[0] = [3.0, 0.0, 0.0, 0.0]
        model.pop.capacity_left[:] = [5.0, 1.0, 5.0]
        run_step(model, "helping")
        assert model.pop.hours_given[1, 0] == pytest.approx(1.0)
        assert model.pop.hours_given[2, 0] == pytest.approx(expected_from_2)


@pytest.mark.parametrize(
    "breach",
    ["helper unwilling", "client not a member", "helper excluded", "client has no need"],
)
def test_an_arrangement_ends_when_its_conditions_fail(breach):
    model, bank = bank_model(4)
    arrange(bank, 0, 1)
    arrange(bank, 2, 3)  # the control pair, kept
    pop = model.pop
    pop.backlog[[0, 2], 0] = 2.0
    if breach == "helper unwilling":
        pop.willingness[1] = 0.49  # under the threshold 0.5
    elif breach == "client not a member":
        pop.member[0] = False
    elif breach == "helper excluded":
        pop.excluded_until[1] = model.week + 1
    else:
        pop.backlog[0] = 0.2  # every type under min_request_hours 0.25
    run_step(model, "helping")
    assert bank.partner.tolist() == [-1, -1, 3, -1]
    assert bank.serving.tolist() == [False, False, False, True]
    assert pop.hours_given[3, 0] == pytest.approx(2.0)
    assert pop.hours_given[1].sum() == 0.0


def test_a_helper_without_capacity_this_week_keeps_the_arrangement_but_does_not_visit():
    model, bank = bank_model(2)
    arrange(bank, 0, 1)
    model.pop.backlog[0, 0] = 2.0
    model.pop.capacity_left[1] = 0.2
    run_step(model, "helping")
    assert model.pop.hours_given[1].sum() == 0.0
    assert bank.partner.tolist() == [1, -1]
    assert model.tally.asked.tolist() == [False, False]


def test_shirking_the_client_ends_the_arrangement_other_violations_do_not():
    model, bank = bank_model(4)
    arrange(bank, 0, 1)
    arrange(bank, 2, 3)
    tally = model.tally
    # 1 shirked 0 (ends 0's arrangement); 3 free-rode on 2 and 1 shirked 2 (neither ends 2's)
    tally.violators = np.array([1, 3, 1])
    tally.victims = np.array([0, 2, 2])
    tally.violation_kind = np.array([SHIRKING, FREE_RIDING, SHIRKING], dtype=np.int8)
    run_step(model, "incentives")
    assert bank.partner.tolist() == [-1, -1, 3, -1]
    assert bank.serving.tolist() == [False, False, False, True]


def test_an_arrangement_ends_when_either_party_leaves():
    model, bank = bank_model(6)
    arrange(bank, 0, 1)
    arrange(bank, 2, 3)
    arrange(bank, 4, 5)
    model.governance.channels.notify("residents_left", model.pop, np.array([1, 2]))
    assert bank.partner.tolist() == [-1, -1, -1, -1, 5, -1]
    assert bank.serving.tolist() == [False, False, False, False, False, True]


def test_no_visit_while_the_bank_does_not_run():
    model = scripted_model(
        2,
        helping=NEVER_ASK,
        interventions={"time_bank": {"enabled": True, "start_week": 5}},
    )
    run_step(model, "governance")
    bank = model.governance.interventions["time_bank"]
    arrange(bank, 0, 1)
    model.pop.backlog[0, 0] = 2.0
    run_step(model, "helping")
    assert model.pop.hours_given[1].sum() == 0.0
