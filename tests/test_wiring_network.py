"""Wiring of the network dynamics step (step 15), of everyday contact (drawn in the
motives step, step 13) and of the per-kind tie decay: pruning drops what has decayed
below the threshold at the kind's own rate (acquaintance ties from an exchange or a
pairing within months), a tie is met with probability contact_rate·strength within
the contact budget and a meeting refreshes it, neighbour meetings tie building-mates,
triadic closure acquaints a tie's ties (an introduced tie, fading like any acquaintance), and the initial network is built to the set
mean numbers of ties (docs/odd.md §7.9, §7.7, §5)."""

import numpy as np
import pytest
from conftest import make_scenario, scripted_model
from wiring_support import half_edge, run_step, tie

from sim.core.community import tie_decay
from sim.core.model import CommunityModel
from sim.core.network import ACTIVITY, EXCHANGE, FRIEND, INTRODUCED, NEIGHBOUR, PAIRING


def at_week(model, week: int) -> None:
    """Set the model's week (model-level state: the one place to re-point)."""
    model.week = week


def quiet_network(residents: int, **network):
    """No everyday contact, meetings or closure unless asked for; everyone forms ties
    as readily as possible (tie propensity ≥ 1: sociable, healthy, educated)."""
    model = scripted_model(
        residents,
        community={"dwellings_per_building": 2},
        network={
            "contact_rate": 0.0,
            "neighbour_meeting": 0.0,
            "triadic_closure": 0.0,
            "homophily": 0.0,
            "prune_interval": 520,
            **network,
        },
    )
    pop = model.pop
    pop.sociability[:] = 1.0
    pop.health[:] = 1.0
    pop.education[:] = 5.0
    return model


def ties(model) -> set[tuple[int, int, int]]:
    net = model.net
    return {(int(a), int(b), int(k)) for a, b, k in zip(net.owner, net.other, net.kind) if a < b}


def test_pruning_drops_ties_by_the_decay_of_their_own_kind():
    model = quiet_network(4, decay_neighbour=0.1, decay_friend=0.3, prune_interval=4, prune_strength=0.2)
    tie(model, 0, 1, NEIGHBOUR, 0.5)
    tie(model, 2, 3, FRIEND, 0.5)
    at_week(model, 4)
    run_step(model, "network_dynamics")
    # after 4 weeks without contact: neighbour 0.5·0.9⁴ = 0.33 ≥ 0.2 stays,
    # friend 0.5·0.7⁴ = 0.12 < 0.2 is dropped
    assert ties(model) == {(0, 1, NEIGHBOUR)}


def test_an_uncontacted_exchange_pairing_activity_or_introduced_tie_decays_at_the_acquaintance_rate():
    model = quiet_network(
        10, decay_neighbour=0.01, decay_friend=0.1, decay_acquaintance=0.5, prune_interval=4, prune_strength=0.05
    )
    tie(model, 0, 1, EXCHANGE, 0.3)
    tie(model, 2, 3, PAIRING, 0.3)
    tie(model, 4, 5, FRIEND, 0.3)
    tie(model, 6, 7, ACTIVITY, 0.3)
    tie(model, 8, 9, INTRODUCED, 0.3)
    at_week(model, 4)
    run_step(model, "network_dynamics")
    # after 4 weeks without contact: exchange, pairing, activity and introduced 0.3·0.5⁴ = 0.019
    # < 0.05 are dropped, the friend tie 0.3·0.9⁴ = 0.197 stays
    assert ties(model) == {(4, 5, FRIEND)}


def test_each_tie_kind_decays_at_its_own_rate():
    scenario = make_scenario(network={"decay_neighbour": 0.01, "decay_friend": 0.02, "decay_acquaintance": 0.3})
    assert dict(tie_decay(scenario)) == {
        "neighbour": 0.01,
        "friend": 0.02,
        "pairing": 0.3,
        "exchange": 0.3,
        "activity": 0.3,
        "introduced": 0.3,
    }


class Draws:
    """A stand-in for a random stream that hands out the given uniforms (a flat list,
    or a table for a step that draws one)."""

    def __init__(self, *u):
        self.u = np.array(u, dtype=float)

    def random(self, size):
        assert np.shape(np.empty(size)) == self.u.shape, f"{size} draws asked, {self.u.shape} scripted"
        return self.u.copy()


def contact_week(draws, residents: int = 4, **network):
    """Motives run with only everyday contact acting on the ties; ``draws`` are the
    contact stream's uniforms, one per tie in the order of the half-edge i→j, i < j."""
    model = quiet_network(residents, contact_boost=0.5, **network)
    model.streams["contact"] = Draws(*draws)
    return model


def test_a_tie_is_met_with_probability_contact_rate_times_its_strength():
    model = contact_week((0.3, 0.3), contact_rate=0.5, contact_budget=100.0)
    tie(model, 0, 1, FRIEND, 0.8)
    tie(model, 2, 3, FRIEND, 0.4)
    run_step(model, "motives")
    # p = 0.5·0.8 = 0.4 > 0.3: met; p = 0.5·0.4 = 0.2 ≤ 0.3: not met
    assert model.tally.contacts.tolist() == [1.0, 1.0, 0.0, 0.0]
    # a meeting closes contact_boost 0.5 of the gap on both half-edges: 0.8 + 0.5·0.2
    assert model.net.strength[half_edge(model, 0, 1)] == pytest.approx(0.9)
    assert model.net.strength[half_edge(model, 1, 0)] == pytest.approx(0.9)
    assert model.net.strength[half_edge(model, 2, 3)] == pytest.approx(0.4)


def test_a_resident_with_more_tie_strength_than_contact_budget_meets_each_tie_less_often():
    # 0 has ties of 0.5 to 1 and 2 (S = 1) and a budget of 0.5 (equal propensity):
    # each tie is met with p = 1·0.5·(0.5/1) = 0.25, not 0.5
    model = contact_week((0.2, 0.3), residents=3, contact_rate=1.0, contact_budget=0.5)
    tie(model, 0, 1, FRIEND, 0.5)
    tie(model, 0, 2, FRIEND, 0.5)
    run_step(model, "motives")
    assert model.tally.contacts.tolist() == [1.0, 1.0, 0.0]


def test_a_met_tie_is_refreshed_from_its_decayed_strength():
    model = contact_week((0.0,), residents=2, contact_rate=1.0, contact_budget=100.0, decay_friend=0.5)
    tie(model, 0, 1, FRIEND, 0.8)
    at_week(model, 1)
    run_step(model, "motives")
    # decayed to 0.8·0.5 = 0.4 this week, then 0.4 + 0.5·0.6 = 0.7
    assert model.net.strength_now(1, model.community.decay_by_kind)[half_edge(model, 0, 1)] == pytest.approx(0.7)


def test_neighbour_meetings_tie_residents_of_the_same_building_only():
    model = quiet_network(4, neighbour_meeting=1.0)
    run_step(model, "network_dynamics")
    # buildings {0, 1} and {2, 3}; a meeting with oneself forms nothing
    assert ties(model) <= {(0, 1, NEIGHBOUR), (2, 3, NEIGHBOUR)}
    assert ties(model)


def test_a_neighbour_meeting_happens_with_probability_rising_with_public_space_and_propensity():
    # buildings {0, 1} and {2, 3}; propensity π = 1·(1 + 0.3·5)·1 = 2.5 for everyone;
    # p = neighbour_meeting·(1 + public_space_gain·I)·π = 0.2·(1 + 1·0.5)·2.5 = 0.75
    model = quiet_network(4, neighbour_meeting=0.2, public_space_gain=1.0)
    model.community.infrastructure_base = 0.5
    meet = [0.7, 0.8, 0.99, 0.99]  # only 0 meets (0.7 < 0.75; 0.8 does not)
    mate = [0.9, 0.0, 0.0, 0.0]  # 0 meets the second slot of its building: 1
    model.streams["network"] = Draws(meet, mate, *([[0.5] * 4] * 4))
    run_step(model, "network_dynamics")
    assert ties(model) == {(0, 1, NEIGHBOUR)}


def test_triadic_closure_acquaints_a_ties_ties_as_introduced_ties():
    # a star: hub 8 tied to leaves 0..7; each leaf's only friend is the hub, whose
    # friends are the other leaves (the hub last, so its ties do not start the table)
    model = quiet_network(9, triadic_closure=1.0)
    for leaf in range(8):
        tie(model, leaf, 8, NEIGHBOUR)
    run_step(model, "network_dynamics")
    new = ties(model) - {(leaf, 8, NEIGHBOUR) for leaf in range(8)}
    assert new, "no tie's tie was introduced"
    # one introduction makes an acquaintance, not a friend (it fades unless contact follows)
    assert all(kind == INTRODUCED and b != 8 for a, b, kind in new)


def test_without_closure_or_meetings_no_tie_forms():
    model = quiet_network(9)
    for leaf in range(1, 9):
        tie(model, 0, leaf, NEIGHBOUR)
    run_step(model, "network_dynamics")
    assert len(ties(model)) == 8


def test_the_initial_network_gives_each_resident_about_the_set_number_of_ties_of_each_kind():
    # equal tie propensity and no homophily: every stub is accepted, so each resident
    # has on average neighbour_ties + friend_ties ends, less the few draws of oneself
    # (1 in 50 in a building, 1 in 200 in a block) and of a mate already tied
    scenario = make_scenario(
        community={"residents": 400, "dwellings_per_building": 50, "buildings_per_block": 4},
        network={
            "neighbour_ties": 4.0,
            "friend_ties": 2.0,
            "sociability_weight": 0.0,
            "education_weight": 0.0,
            "frailty_weight": 0.0,
            "homophily": 0.0,
        },
    )
    net = CommunityModel(scenario, rng=3).net
    per_resident = np.bincount(net.kind, minlength=2)[:2] / 400
    assert 3.4 < per_resident[NEIGHBOUR] <= 4.0
    assert 1.6 < per_resident[FRIEND] <= 2.0
