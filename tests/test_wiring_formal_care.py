"""Wiring of formal care's motivation channel: where formal care is available, a
helper's acceptance of a request moves by ``formal_care_motivation · formal_care``
log-odds (crowding in above 0, out below), once, in the one acceptance logit of the
helping step; capacity to help, a resource, does not move (docs/odd.md §7.3, §7.4)."""

import math

import pytest
from conftest import scripted_model
from wiring_support import run_step, spy_acceptance, tie

NO_REQUEST_TERMS = {
    "accept_trust": 0.0,
    "accept_obligation": 0.0,
    "accept_cost": 0.0,
    "accept_frailty": 0.0,
    "accept_bad_reputation": 0.0,
}
FORMAL_CARE = 0.4


def acceptance_seen(monkeypatch, motivation: float) -> list[float]:
    """Requester 0 asks helper 1, their one tie, for an hour of companionship; the
    probabilities the step computes. Log-odds without formal care: intercept −1 plus
    the helper's disposition 0.5 (its intercept; every other term 0) = −0.5."""
    seen = spy_acceptance(monkeypatch)
    model = scripted_model(
        2,
        community={"formal_care": FORMAL_CARE, "formal_care_motivation": motivation},
        helping={
            "ask_intercept": 20.0,
            "coordinator_reach": 0.0,
            "rounds": 1,
            "accept_intercept": -1.0,
            **NO_REQUEST_TERMS,
        },
        participation={
            "willingness_intercept": 0.5,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
        },
    )
    tie(model, 0, 1)
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    run_step(model, "helping")
    return seen


@pytest.mark.parametrize(
    ("motivation", "log_odds"),
    [(0.0, -0.5), (1.0, -0.5 + 1.0 * 0.4), (-1.0, -0.5 - 1.0 * 0.4)],
    ids=["off", "crowding-in", "crowding-out"],
)
def test_formal_care_moves_the_helpers_acceptance_log_odds_by_motivation_times_formal_care(
    monkeypatch, motivation, log_odds
):
    # σ(−0.5 + m·0.4): 0.378 off, 0.475 crowding in (m = 1), 0.289 crowding out (m = −1)
    assert acceptance_seen(monkeypatch, motivation) == pytest.approx([1.0 / (1.0 + math.exp(-log_odds))])


@pytest.mark.parametrize("motivation", [0.0, 1.0, -1.0])
def test_formal_care_motivation_leaves_capacity_to_help_alone(motivation):
    model = scripted_model(1, community={"formal_care": FORMAL_CARE, "formal_care_motivation": motivation})
    pop = model.pop
    pop.health[:] = 1.0
    pop.loneliness[:] = 0.0
    pop.digital_literacy[:] = 1.0
    pop.acute_deficit[:] = 0.0
    pop.family_duty[:] = 0.0
    run_step(model, "needs")
    # a healthy 65-year-old without family duties has the full max_capacity, whatever
    # formal care does to motivation
    assert model.pop.capacity[0] == pytest.approx(model.config.helping.max_capacity)
