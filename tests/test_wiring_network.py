"""Wiring of the network dynamics step (step 15) and of the per-kind tie decay:
pruning drops what has decayed below the threshold at the kind's own rate, neighbour
meetings tie building-mates, triadic closure ties friends of friends,
and the initial network is built to the set mean numbers of ties (docs/odd.md §7.9, §5)."""

import numpy as np
from conftest import make_scenario, scripted_model
from wiring_support import run_step, tie

from sim.core.model import CommunityModel
from sim.core.network import FRIEND, NEIGHBOUR


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
            "casual_contact": 0.0,
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


def test_neighbour_meetings_tie_residents_of_the_same_building_only():
    model = quiet_network(4, neighbour_meeting=1.0)
    run_step(model, "network_dynamics")
    # buildings {0, 1} and {2, 3}; a meeting with oneself forms nothing
    assert ties(model) <= {(0, 1, NEIGHBOUR), (2, 3, NEIGHBOUR)}
    assert ties(model)


def test_triadic_closure_befriends_friends_of_friends():
    # a star: hub 8 tied to leaves 0..7; each leaf's only friend is the hub, whose
    # friends are the other leaves (the hub last, so its ties do not start the table)
    model = quiet_network(9, triadic_closure=1.0)
    for leaf in range(8):
        tie(model, leaf, 8, NEIGHBOUR)
    run_step(model, "network_dynamics")
    new = ties(model) - {(leaf, 8, NEIGHBOUR) for leaf in range(8)}
    assert new, "no friend of a friend was befriended"
    assert all(kind == FRIEND and b != 8 for a, b, kind in new)


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
