"""Wiring of the ties the activities step forms (docs/odd.md, community activities;
issue 19): a tie made at one activity is a new acquaintance, so without contact it
fades at ``network.decay_acquaintance`` like a tie formed by an exchange or a pairing,
not at the friend rate of a long friendship, and only contact keeps it up."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import half_edge, run_step

from sim.core.network import TIE_KINDS

NEW_TIE, BOOST = 0.3, 0.25
DECAY_NEIGHBOUR, DECAY_FRIEND, DECAY_ACQUAINTANCE = 0.01, 0.02, 0.1


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def two_attendees():
    """Residents 0 and 1 both attend the one event and talk (20 draws each: both
    drawing only themselves has probability 2^-40); a tie forms at the first talk
    (tie formation 1, homophily 0). The three decay rates differ, so the rate a tie
    fades at names its kind."""
    model = scripted_model(
        2,
        community={"infrastructure": 1.0},
        network={
            "homophily": 0.0,
            "new_tie_strength": NEW_TIE,
            "contact_boost": BOOST,
            "decay_neighbour": DECAY_NEIGHBOUR,
            "decay_friend": DECAY_FRIEND,
            "decay_acquaintance": DECAY_ACQUAINTANCE,
        },
        interventions={
            "activities": {
                "enabled": True,
                "events_per_week": 1,
                "capacity": 100,
                "attendance": 1.0,
                "attendance_floor": 1.0,
                "meetings": 20,
                "tie_formation": 1.0,
            },
        },
    )
    run_step(model, "governance")
    return model


def strength(model, week: int) -> float:
    return float(model.net.strength_now(week, model.decay_by_kind, np.array([half_edge(model, 0, 1)]))[0])


def test_a_tie_formed_at_an_activity_fades_at_the_acquaintance_rate_without_contact():
    model = two_attendees()
    at_week(model, 3)
    run_step(model, "activities")
    assert model.net.n_ties == 1
    assert strength(model, 3) == pytest.approx(NEW_TIE)
    # five weeks without contact: 0.3 × (1 − 0.1)^5 = 0.3 × 0.59049 = 0.177147
    # (at the friend rate it would be 0.3 × 0.98^5 = 0.271176)
    assert strength(model, 8) == pytest.approx(0.177147)


def test_meeting_again_at_an_activity_is_contact_after_which_the_tie_fades_at_the_acquaintance_rate_again():
    model = two_attendees()
    at_week(model, 0)
    run_step(model, "activities")
    at_week(model, 2)
    run_step(model, "activities")  # the tie exists: the talk refreshes it
    assert model.net.n_ties == 1
    # decayed to 0.3 × 0.9^2 = 0.243, then a contact closes 0.25 of the gap to 1:
    # 0.243 + 0.25 × 0.757 = 0.43225; three weeks later 0.43225 × 0.9^3 = 0.31511025
    assert strength(model, 2) == pytest.approx(0.43225)
    assert strength(model, 5) == pytest.approx(0.31511025)


def test_a_tie_formed_at_an_activity_is_of_the_kind_activity_at_both_ends():
    model = two_attendees()
    run_step(model, "activities")
    net = model.net
    assert [TIE_KINDS[k] for k in net.kind[[half_edge(model, 0, 1), half_edge(model, 1, 0)]]] == [
        "activity",
        "activity",
    ]
