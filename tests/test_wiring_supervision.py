"""Wiring of the supervision body's exclusion (docs/odd.md §7.14): the channel through
which the body lowers participation in the main comparison. A confirmed violation
bars its offender from asking and from being asked for exactly ``exclusion_weeks``
weeks, however many violations were confirmed; the barred helper's requesters find
nobody through that tie, and the offender's own need waits. An excluded resident stays
a resident and counts as active while their last exchange lies within the active
window: exclusion moves the active share only through the exchanges it prevents."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import run_step, tie

from sim.core.tally import SHIRKING, WeekTally

EXCLUSION_WEEKS = 2


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def sanctioned_helper():
    """3 members who always ask and always accept, nobody shirks: 0's only tie is 1,
    1's other tie is 2. In week 0 the body confirms two violations of 1 (against 0
    and against 2; every violation reported and confirmed)."""
    model = scripted_model(
        3,
        helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0},
        norms={"informal_detection": 0.0, "shirk_rate": 0.0},
        interventions={
            "supervision": {
                "enabled": True,
                "report_rate": 1.0,
                "reporting_reward": 0.0,
                "detection": 1.0,
                "exclusion_weeks": EXCLUSION_WEEKS,
            }
        },
    )
    tie(model, 0, 1)
    tie(model, 1, 2)
    run_step(model, "governance")
    tally = model.tally
    tally.violators, tally.victims = np.array([1, 1]), np.array([0, 2])
    tally.violation_kind = np.full(2, SHIRKING, dtype=np.int8)
    tally.requests_made = tally.requests_accepted = np.zeros(3)
    run_step(model, "norms")
    return model


def helping_week(model, week: int):
    """Week ``week``: 0 and 1 each need one hour of errands, 2 has none; everyone has
    five hours to give. Returns the week's tally."""
    at_week(model, week)
    model.tally = WeekTally(3)
    run_step(model, "governance")
    model.pop.backlog[:] = 0.0
    model.pop.backlog[[0, 1], 1] = 1.0
    model.pop.capacity_left[:] = 5.0
    run_step(model, "helping")
    return model.tally


def test_two_confirmed_violations_bar_the_offender_for_exclusion_weeks_once_not_twice():
    model = sanctioned_helper()
    assert model.tally.sanctions == 2
    assert model.pop.excluded_until.tolist()[1] == 0 + 1 + EXCLUSION_WEEKS
    assert model.pop.excluded_until[[0, 2]].tolist() == [-(10**6)] * 2  # the victims are not barred


def test_an_excluded_helper_neither_asks_nor_is_asked_for_exactly_exclusion_weeks_then_takes_part_again():
    model = sanctioned_helper()
    for week in range(1, 1 + EXCLUSION_WEEKS):
        tally = helping_week(model, week)
        ex = tally.exchanges
        assert tally.asked.tolist() == [True, False, False]  # 1 has need but may not ask
        assert tally.unanswered.tolist() == [True, False, False]  # 0's only tie is barred
        assert len(ex.helper) == 0
        assert model.pop.backlog[1, 1] == 1.0  # 1's need waits
    tally = helping_week(model, 1 + EXCLUSION_WEEKS)
    ex = tally.exchanges
    assert tally.asked.tolist() == [True, True, False]
    assert sorted(zip(ex.helper.tolist(), ex.requester.tolist())) == [(1, 0), (2, 1)]


def test_an_excluded_resident_still_counts_among_residents_and_as_active_within_the_window():
    """4 residents, active window 4 weeks, week 10: 1 (excluded until week 14) and 3
    exchanged 3 weeks ago, 2 (excluded too) 4 weeks ago, 0 never."""
    model = scripted_model(4, participation={"active_window": 4})
    at_week(model, 10)
    pop, tally = model.pop, model.tally
    pop.excluded_until[:] = [-(10**6), 14, 14, -(10**6)]
    pop.last_active[:] = [-100, 7, 6, 7]
    tally.need_by_resident = np.full(4, 1.0)
    tally.need_hours = 4.0
    run_step(model, "observation")
    (row,) = model.records
    assert row["residents"] == 4
    assert row["active_share"] == pytest.approx(2 / 4)  # 1 and 3; 2's window has run out
