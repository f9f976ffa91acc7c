"""Wiring of the norms step (steps 10-11, docs/odd.md §7.6): sanctions land on the
offender; the victim witnesses their own case and the victim's ties hear of it
(``trust.gossip_rate``); each witness's counts of sanctioned and unpunished cases give
their own norm authority and move their trust (a heard case at ``trust.hearsay_weight``);
the community's norm authority only reports the mean over the aware; internalization
follows one's own authority and observed reciprocity. Honest failures and shirking:
the service outcome (step 8) at the end."""

import numpy as np
import pytest
from conftest import scripted_model
from wiring_support import run_step, tie

from sim.core.tally import FREE_RIDING, SHIRKING

SANCTION, VIOLATION, HEARSAY = 0.2, 0.4, 0.5
INTERNALIZATION_RATE, AUTHORITY_WEIGHT = 0.1, 0.25
PRIOR, PRIOR_WEIGHT, FORGETTING = 0.4, 4.0, 0.5


def norm_authority(model) -> float:
    """The community's norm authority (model-level state: the one place to re-point)."""
    return model.norm_authority


def one_violation(detection: float, gossip: float):
    """4 residents (3 aware), trust 0.5: 1 free-rode on 0, who is also tied to 2;
    3 knows nobody and remembers 2 sanctioned cases from before.
    Requests: 0 made 2 (2 accepted), 1 made 1 (none accepted), 2 and 3 none."""
    model = scripted_model(
        4,
        trust={
            "sanction_signal": SANCTION,
            "violation_signal": VIOLATION,
            "hearsay_weight": HEARSAY,
            "gossip_rate": gossip,
        },
        norms={
            "informal_detection": detection,
            "informal_tie_cut": 0.0,
            "sanction_reputation": 1.5,
            "initial_authority": PRIOR,
            "authority_prior_weight": PRIOR_WEIGHT,
            "witness_forgetting": FORGETTING,
            "internalization_rate": INTERNALIZATION_RATE,
            "authority_weight": AUTHORITY_WEIGHT,
        },
    )
    pop, tally = model.pop, model.tally
    pop.aware[:] = [True, True, True, False]
    pop.norm_internalization[:] = 0.5
    pop.seen_sanctioned[:] = [0.0, 0.0, 0.0, 2.0]
    pop.seen_unpunished[:] = 0.0
    tie(model, 0, 1)
    tie(model, 0, 2)
    tally.violators, tally.victims = np.array([1]), np.array([0])
    tally.violation_kind = np.array([FREE_RIDING], dtype=np.int8)
    tally.requests_made = np.array([2.0, 1.0, 0.0, 0.0])
    tally.requests_accepted = np.array([2.0, 0.0, 0.0, 0.0])
    return model


def authority(sanctioned: float, unpunished: float) -> float:
    return (sanctioned + PRIOR * PRIOR_WEIGHT) / (sanctioned + unpunished + PRIOR_WEIGHT)


def test_an_unpunished_violation_lowers_the_victims_and_the_told_ties_authority_and_trust():
    model = one_violation(detection=0.0, gossip=1.0)
    run_step(model, "norms")
    pop = model.pop
    # 0 witnessed it, 2 heard of it, the offender 1 got away with it (counted once: not
    # told by gossip of their own case); 3's old counts are halved
    assert pop.seen_unpunished.tolist() == [1.0, 1.0, 1.0, 0.0]
    assert pop.seen_sanctioned.tolist() == [0.0, 0.0, 0.0, 1.0]
    # trust: victim 0.5·(1 − 0.4), tie 0.5·(1 − 0.4)^0.5, others (the offender too) unmoved
    assert pop.generalized_trust.tolist() == pytest.approx([0.3, 0.5, 0.5 * 0.6**0.5, 0.5])
    assert model.tally.sanctions == 0 and pop.reputation_bad.tolist() == [0.0] * 4
    # reported authority: mean over the aware 0, 1, 2 of A = 0.32 each
    assert norm_authority(model) == pytest.approx(np.mean([authority(0, 1), authority(0, 1), authority(0, 1)]))


def test_without_gossip_only_the_victim_witnesses():
    model = one_violation(detection=0.0, gossip=0.0)
    run_step(model, "norms")
    assert model.pop.seen_unpunished.tolist() == [1.0, 1.0, 0.0, 0.0]  # victim and offender
    assert model.pop.generalized_trust.tolist() == pytest.approx([0.3, 0.5, 0.5, 0.5])


def test_a_sanctioned_violation_raises_the_witnesses_authority_and_trust_and_lands_on_the_offender():
    model = one_violation(detection=1.0, gossip=1.0)
    run_step(model, "norms")
    pop = model.pop
    # the offender, sanctioned, counts their own case (specific deterrence)
    assert pop.seen_sanctioned.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert pop.seen_unpunished.tolist() == [0.0, 0.0, 0.0, 0.0]
    # trust: 1 − 0.5·(1 − 0.2) for the victim, 1 − 0.5·(1 − 0.2)^0.5 for the tie; the
    # offender's trust does not move with their own sanction
    assert pop.generalized_trust.tolist() == pytest.approx([0.6, 0.5, 1 - 0.5 * 0.8**0.5, 0.5])
    assert model.tally.sanctions == 1
    assert pop.reputation_bad.tolist() == pytest.approx([0.0, 1.5, 0.0, 0.0])
    assert norm_authority(model) == pytest.approx(np.mean([authority(1, 0), authority(1, 0), authority(1, 0)]))


def internalized(own_authority: np.ndarray, observed: np.ndarray) -> list[float]:
    """n after one step from 0.5 toward ω·A + (1 − ω)·R."""
    target = AUTHORITY_WEIGHT * own_authority + (1 - AUTHORITY_WEIGHT) * observed
    return (0.5 + INTERNALIZATION_RATE * (target - 0.5)).tolist()


def test_internalization_follows_each_residents_own_authority_and_the_reciprocity_they_know_of():
    model = one_violation(detection=0.0, gossip=1.0)
    run_step(model, "norms")
    # A_i = 0.32, 0.32 (the offender got away with it), 0.32, (1 + 1.6)/5 = 0.52 (3's
    # halved sanctioned cases)
    own_authority = np.array([authority(0, 1), authority(0, 1), authority(0, 1), authority(1, 0)])
    # observed reciprocity, own requests plus ties' at weight gossip·hearsay = 0.5:
    # 0: (2 + 0.5·0)/(2 + 0.5·1) = 0.8; 1: (0 + 0.5·2)/(1 + 0.5·2) = 0.5;
    # 2 (no request, tie 0): (0.5·2)/(0.5·2) = 1; 3 (no request, no tie) sees nothing: n = 0.5
    observed = np.array([0.8, 0.5, 1.0, 0.5])
    assert model.pop.norm_internalization.tolist() == pytest.approx(internalized(own_authority, observed))


def one_service(skill: float, norm: float, shirk_rate: float, supervision: bool = False):
    """0 asks its one tie, 1, for one hour; 1 always accepts (with the supervision body,
    every violation is reported and confirmed)."""
    model = scripted_model(
        2,
        helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0, "dispute_on_failure": 1.0},
        norms={"shirk_rate": shirk_rate, "informal_detection": 0.0},
        interventions={
            "supervision": {"enabled": supervision, "report_rate": 1.0, "detection": 1.0, "exclusion_weeks": 8}
        },
    )
    run_step(model, "governance")
    tie(model, 0, 1)
    model.pop.backlog[0] = [0.0, 1.0, 0.0, 0.0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    model.pop.skill[:] = skill
    model.pop.norm_internalization[:] = norm
    return model


def test_an_honest_failure_is_no_violation_and_is_neither_sanctioned_nor_barred():
    model = one_service(skill=0.0, norm=1.0, shirk_rate=1.0, supervision=True)  # shirks with 1·(1 − 1) = 0
    run_step(model, "helping")
    ex = model.tally.exchanges
    assert ex.success.tolist() == [False] and ex.dispute.tolist() == [True]  # a conflict, no violation
    assert len(model.tally.violators) == 0
    run_step(model, "trust")
    run_step(model, "norms")
    assert model.tally.sanctions == 0 and model.pop.excluded_until[1] < 0
    # the failure is a quality outcome: bad feedback from the requester (1 tie: reach
    # 1 − (1 − gossip_rate)); the helper's good reputation does not grow
    g = model.config.trust.gossip_rate
    assert model.pop.reputation_bad[1] == pytest.approx(g) and model.pop.reputation_good[1] == 0.0


def test_a_shirked_service_fails_whatever_the_skill_and_is_a_violation_supervision_sanctions():
    model = one_service(skill=1.0, norm=0.0, shirk_rate=1.0, supervision=True)  # shirks with 1·(1 − 0) = 1
    run_step(model, "helping")
    ex = model.tally.exchanges
    assert ex.success.tolist() == [False]
    assert model.tally.violators.tolist() == [1] and model.tally.victims.tolist() == [0]
    assert model.tally.violation_kind.tolist() == [SHIRKING]
    run_step(model, "norms")
    assert model.tally.sanctions == 1
    assert model.pop.excluded_until[1] == model.week + 1 + 8


def test_a_helper_who_holds_the_norm_never_shirks():
    model = one_service(skill=1.0, norm=1.0, shirk_rate=1.0)
    run_step(model, "helping")
    assert model.tally.exchanges.success.tolist() == [True] and len(model.tally.violators) == 0


def test_the_reported_authority_is_the_mean_over_residents_aware_of_the_scheme_only():
    model = one_violation(detection=0.0, gossip=1.0)
    model.pop.aware[:] = [True, False, True, True]
    model.pop.occupied[3] = False  # a vacant dwelling whose flags nobody reads
    run_step(model, "norms")
    assert norm_authority(model) == pytest.approx(authority(0, 1))  # 0 and 2 alike
    assert model.pop.norm_internalization[3] == 0.5  # nobody lives there


def test_each_confirmed_report_costs_the_reporting_reward():
    model = one_service(skill=1.0, norm=0.0, shirk_rate=1.0, supervision=True)
    model.governance.get("supervision").block = model.governance.get("supervision").block.model_copy(
        update={"reporting_reward": 0.5}
    )
    run_step(model, "helping")  # one shirk, reported (report rate 1 + 0.5 × gain) and confirmed
    spent = model.governance.spent
    run_step(model, "norms")
    assert model.tally.sanctions == 1
    assert model.governance.spent - spent == pytest.approx(0.5)


def test_reciprocity_is_heard_only_through_ties_and_only_as_often_as_ties_tell():
    """No gossip: only one's own requests are seen; those who asked nothing keep
    their internalization target at n (only authority pulls), whatever the community's
    acceptance share."""
    model = one_violation(detection=0.0, gossip=0.0)
    run_step(model, "norms")
    # the victim 0 and the offender 1 know the case went unpunished; 2 heard nothing
    own_authority = np.array([authority(0, 1), authority(0, 1), authority(0, 0), authority(1, 0)])
    observed = np.array([1.0, 0.0, 0.5, 0.5])
    assert model.pop.norm_internalization.tolist() == pytest.approx(internalized(own_authority, observed))
