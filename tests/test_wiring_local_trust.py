"""Wiring of local trust (steps 9 and 10, docs/odd.md §7.5-7.6): generalized trust moves
with one's own outcomes, with what one's ties tell (each tie hears with probability
``trust.gossip_rate``, a heard outcome counts ``trust.hearsay_weight`` of an own one)
and, with the platform's public feedback, with the week's public ratings for platform
users — never with a community-wide average nobody can see."""

import pytest
from conftest import scripted_model
from wiring_support import exchanges, run_step, tie

RATE, HEARSAY = 0.2, 0.5


def failed_service(gossip: float, platform: bool = False, ratings_weight: float = 0.0):
    """1 helped 0 and the service failed (no dispute); 2 is a friend of the requester 0
    only; 3 knows nobody. Everyone's generalized trust is 0.5."""
    model = scripted_model(
        4,
        trust={
            "gossip_rate": gossip,
            "experience_rate": RATE,
            "hearsay_weight": HEARSAY,
            "ratings_weight": ratings_weight,
        },
        interventions={"platform": {"enabled": platform, "public_feedback": True}},
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    tie(model, 0, 2)
    model.tally.exchanges = exchanges(model, [(1, 0, 0, 1.0, False, False)])
    return model


def test_every_tie_told_moves_its_trust_by_a_hearsay_weighted_outcome():
    model = failed_service(gossip=1.0)
    run_step(model, "trust")
    # 0 (requester, bad outcome) hears 1's outcome (good: no dispute) at weight 0.5:
    #   k = 1.5, m = 0.5/1.5 → 0.5 + (1 − 0.8^1.5)·(1/3 − 0.5)
    # 1 (helper, good) hears 0's bad outcome: k = 1.5, m = 1/1.5
    # 2 hears 0's bad outcome only: k = 0.5, m = 0 → 0.5·0.8^0.5; 3 hears nothing
    w = 1 - 0.8**1.5
    expected = [0.5 + w * (1 / 3 - 0.5), 0.5 + w * (2 / 3 - 0.5), 0.5 * 0.8**0.5, 0.5]
    assert model.pop.generalized_trust.tolist() == pytest.approx(expected)


def test_without_gossip_only_the_participants_trust_moves():
    model = failed_service(gossip=0.0)
    run_step(model, "trust")
    # own outcomes only: 0 failed (0.5 − 0.2·0.5), 1 had no dispute (0.5 + 0.2·0.5)
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.4, 0.6, 0.5, 0.5])


@pytest.mark.parametrize(
    ("literacy", "seen"),
    [(0.9, 1.0), (0.1, 0.3)],  # from the literacy threshold 0.4 on; below it, the assistance chance 0.3
)
def test_members_who_can_use_the_platform_see_the_share_of_good_public_ratings(literacy, seen):
    model = failed_service(gossip=0.0, platform=True, ratings_weight=0.25)
    model.tally.exchanges = exchanges(
        model, [(1, 0, 0, 1.0, False, False), (2, 0, 0, 1.0, True, False), (1, 0, 1, 1.0, False, True)]
    )
    model.pop.member[:] = [True, True, True, False]
    model.pop.digital_literacy[:] = [0.9, 0.9, literacy, 0.9]
    run_step(model, "trust")
    # ratings: helpers get 1 good and 2 bad, the disputing requester 1 bad: good share 1/4.
    # 3 is aware but no member (no platform user): unmoved. 2 (helper, no dispute):
    # own 0.5 + 0.2·0.5 = 0.6, then 0.6 + 0.25·seen·(0.25 − 0.6)
    t = model.pop.generalized_trust
    assert t[3] == 0.5
    assert t[2] == pytest.approx(0.6 + 0.25 * seen * (0.25 - 0.6))


def test_without_public_feedback_nobody_sees_ratings():
    model = failed_service(gossip=0.0, platform=False, ratings_weight=0.25)
    run_step(model, "trust")
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.4, 0.6, 0.5, 0.5])
