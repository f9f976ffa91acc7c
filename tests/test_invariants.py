"""Invariants of whole runs: bounded states, conservation of hours, capacity,
determinism, common random numbers, and extreme conditions (model.md §7)."""

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, make_scenario

from sim.core.model import CommunityModel
from sim.core.state import check_layout, check_ranges
from sim.experiments.runner import run_scenario
from sim.inputs.scenario import load_scenario
from sim.submodels import helping

SMALL = {"community": {"residents": 300}, "simulation": {"weeks": 156, "burn_in_weeks": 26}}


def stepped(scenario, seed=3):
    """Yield the model after each week (burn-in included)."""
    model = CommunityModel(scenario, rng=seed)
    total = scenario.simulation.burn_in_weeks + scenario.simulation.weeks
    for _ in range(total):
        model.step()
        yield model
    assert model.week == scenario.simulation.weeks


@pytest.mark.parametrize("setting", ["new_estate", "old_estate", "rural_village"])
def test_states_stay_in_their_bounds_and_hours_are_conserved_every_week(setting, monkeypatch):
    scenario = load_scenario(SCENARIOS / f"{setting}.toml", ["community.residents=300", "simulation.weeks=104"])
    ledger = []
    original = helping.step

    def recorded_step(**arguments):
        pop, tally = arguments["pop"], arguments["tally"]
        before = pop.given_total.sum(), pop.received_total.sum()
        original(**arguments)
        ledger.append(
            (
                pop.given_total.sum() - before[0],
                pop.received_total.sum() - before[1],
                tally.exchanges.hours.sum(),
            )
        )

    monkeypatch.setattr(helping, "step", recorded_step)
    for model in stepped(scenario):
        pop, occ = model.pop, model.pop.occupied
        for name in (
            "health",
            "generalized_trust",
            "norm_internalization",
            "self_worth",
            "loneliness",
            "belonging",
            "willingness",
            "digital_literacy",
            "sociability",
        ):
            values = getattr(pop, name)[occ]
            assert values.min() >= 0.0 and values.max() <= 1.0, name
        assert 0.0 <= model.norm_authority <= 1.0
        s = model.net.strength_now(model.week, model.decay_by_kind)
        assert (s >= 0).all() and (s <= 1).all()
        t = model.net.trust_expectation(model.week, model.config.trust.forgetting, np.arange(len(model.net)))
        assert (t > 0).all() and (t < 1).all()
        ex = model.tally.exchanges
        # hours given this week equal hours received this week
        given_delta, received_delta, exchanged = ledger[-1]
        assert given_delta == pytest.approx(exchanged) and received_delta == pytest.approx(exchanged)
        # no help beyond capacity, and never more than the requester's need
        given = np.bincount(ex.helper, weights=ex.hours, minlength=pop.n)
        assert (given <= pop.capacity + 1e-9).all()
        assert (pop.capacity_left >= -1e-9).all()
        assert (pop.backlog >= -1e-9).all()
        # the network stays symmetric and sorted
        net = model.net
        assert (np.diff(net.owner * net.n + net.other) > 0).all()
        assert (net.find(net.other, net.owner) >= 0).all()
        # the row index is kept up to date incrementally: it must equal a rebuild
        assert (net.indptr == np.concatenate([[0], np.cumsum(np.bincount(net.owner, minlength=pop.n))])).all()
        # every resident column and half-edge field keeps its declared dtype, shape and range (sim/core/state.py)
        assert check_layout(pop, net) == []
        assert check_ranges(pop, net, model.config) == []
    assert sum(row[2] for row in ledger) > 0  # help did flow


def test_zero_willingness_gives_zero_exchanges():
    scenario = make_scenario(
        **SMALL,
        participation={
            "willingness_intercept": -20.0,
            "willingness_trust": 0.0,
            "willingness_norm": 0.0,
            "willingness_self_worth": 0.0,
            "willingness_loneliness": 0.0,
            "willingness_belonging": 0.0,
        },
    )
    # the helper's disposition is the willingness logit (−20 here), so acceptance
    # σ(−20 − 20 + the request's terms) is nil
    scenario = scenario.model_copy(update={"helping": scenario.helping.model_copy(update={"accept_intercept": -20.0})})
    model = CommunityModel(scenario, rng=1)
    model.run()
    weekly = pd.DataFrame(model.records)
    assert weekly["met_hours"].sum() == pytest.approx(0.0, abs=1e-6)


def test_the_same_seed_gives_identical_weekly_tables_and_different_seeds_differ():
    scenario = make_scenario(**SMALL)
    a = run_scenario(scenario, seed=11).weekly
    b = run_scenario(scenario, seed=11).weekly
    c = run_scenario(scenario, seed=12).weekly
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_a_parameter_demography_does_not_read_leaves_demography_identical():
    """Common random numbers: changing how willing people are changes the scheme but
    not who ages, falls ill, dies or moves (demography has its own stream)."""
    base = make_scenario(**SMALL)
    other = make_scenario(**SMALL, participation={"willingness_intercept": -1.0})
    m1, m2 = CommunityModel(base, rng=5), CommunityModel(other, rng=5)
    m1.run(), m2.run()
    assert np.array_equal(m1.pop.person_id, m2.pop.person_id)
    assert np.array_equal(m1.pop.age, m2.pop.age)
    assert not np.array_equal(m1.pop.member, m2.pop.member)


def test_without_mortality_or_mobility_nobody_leaves():
    scenario = make_scenario(
        **SMALL, demography={"mortality_at_60": 0.0, "move_out_rate": 0.0, "institution_rate": 0.0, "max_age": 120.0}
    )
    model = CommunityModel(scenario, rng=2)
    ids = model.pop.person_id.copy()
    model.run()
    assert np.array_equal(model.pop.person_id, ids)
    assert all(r["residents"] == 300 for r in model.records)


def test_without_a_scheme_channel_there_is_no_help():
    """No ties and no coordinator: requests have nowhere to go (documented extreme)."""
    scenario = make_scenario(
        **SMALL,
        helping={"coordinator_reach": 0.0},
        network={"neighbour_ties": 0.0, "friend_ties": 0.0, "neighbour_meeting": 0.0, "triadic_closure": 0.0},
    )
    model = CommunityModel(scenario, rng=2)
    model.run()
    assert sum(r["met_hours"] for r in model.records) == 0.0
    assert model.net.n_ties == 0


def test_residents_are_mesa_agents_viewing_their_slot():
    model = CommunityModel(make_scenario(**SMALL), rng=4)
    model.run(10)
    assert len(model.agents) == int(model.pop.occupied.sum())
    agent = next(iter(model.agents))
    model.pop.loneliness[agent.slot] = 0.42
    assert agent.loneliness == pytest.approx(0.42)
    agent.generalized_trust = 0.9
    assert model.pop.generalized_trust[agent.slot] == pytest.approx(0.9)
