"""Each submodel against a small scripted situation whose answer is worked out by hand."""

import math

import networkx as nx
import numpy as np
import pytest
from conftest import make_scenario, scripted_model

from sim.core.network import FRIEND, NEIGHBOUR, EdgeStore
from sim.core.params import Community, Demography, Helping, Motives, Needs, Participation
from sim.core.population import expected_health, replacement_weights
from sim.core.schedule import run_step
from sim.core.util import gini, sigmoid
from sim.submodels import demography, helping, motives, needs, norms, observation, participation, trust


def tie(model, a, b, kind=FRIEND, strength=0.5):
    model.net.add(np.array([a]), np.array([b]), kind, strength, model.week)


# -- demography ---------------------------------------------------------------------
def test_expected_health_is_the_documented_quadratic():
    d = Demography()
    assert expected_health(np.array([75.0]), d)[0] == pytest.approx(
        d.health_at_60 - d.health_slope * 15 - d.health_curvature * 225
    )


def test_health_without_shock_follows_ar1_deviation_and_recovers_deficit():
    model = scripted_model(2)
    pop, d = model.pop, model.config.demography
    pop.health_deviation[:] = [0.1, -0.2]
    pop.acute_deficit[:] = [0.0, 0.3]
    eps = np.array([1.0, 0.0])
    demography.update_health(pop, d, u_shock=np.ones(2), u_size=np.zeros(2), eps=eps)
    rho = d.frailty_persistence
    z = np.array([rho * 0.1 + math.sqrt(1 - rho**2) * d.frailty_sd, rho * -0.2])
    deficit = np.array([0.0, 0.3 * (1 - d.shock_recovery)])
    assert pop.health.tolist() == pytest.approx(np.clip(expected_health(pop.age, d) + z - deficit, 0, 1).tolist())


def test_a_shock_splits_into_permanent_and_recoverable_loss():
    model = scripted_model(1)
    pop, d = model.pop, model.config.demography
    pop.health_deviation[:] = 0.0
    pop.acute_deficit[:] = 0.0
    shock = demography.update_health(pop, d, u_shock=np.zeros(1), u_size=np.array([0.5]), eps=np.zeros(1))
    size = d.shock_size_min + 0.5 * (d.shock_size_max - d.shock_size_min)
    assert shock[0]
    assert pop.health_deviation[0] == pytest.approx(-d.shock_permanent * size)
    assert pop.acute_deficit[0] == pytest.approx((1 - d.shock_permanent) * size)


def test_mortality_is_gompertz_raised_by_relative_frailty():
    model = scripted_model(1)
    pop, d = model.pop, model.config.demography
    pop.age[:] = 80.0
    pop.health[:] = expected_health(pop.age, d) - 0.1
    expected = d.mortality_at_60 * math.exp(d.mortality_gompertz * 20 + d.mortality_frailty * 0.1)
    assert demography.annual_mortality(pop, d)[0] == pytest.approx(expected)


def test_leavers_lose_their_ties_and_newcomers_arrive_fresh_without_ties():
    model = scripted_model(
        3, demography={"mortality_at_60": 0.0, "move_out_rate": 0.0, "institution_rate": 0.0, "vacancy_fill_rate": 1.0}
    )
    tie(model, 0, 1)
    tie(model, 1, 2)
    pop = model.pop
    pop.age[0] = 106.0  # past max_age: leaves this week
    old_id = pop.person_id[0]
    run_step(model, "demography")
    assert not pop.occupied[0]
    assert model.net.n_ties == 1 and model.net.degree().tolist() == [0, 1, 1]
    assert model.tally.deaths == 1
    run_step(model, "demography")  # the vacancy is filled the next week
    assert pop.occupied[0] and pop.person_id[0] != old_id
    assert not pop.aware[0] and not pop.member[0] and pop.given_total[0] == 0
    assert model.net.degree()[0] == 0
    assert 0 in model.residents and model.residents[0].slot == 0


# -- needs ----------------------------------------------------------------------------
def test_new_need_by_type_for_an_adl_disabled_lonely_resident():
    model = scripted_model(1)
    pop = model.pop
    n, d = Needs(), Demography()
    pop.health[:] = 0.2  # below adl_threshold 0.25
    pop.loneliness[:] = 0.6  # above motives.lonely_threshold 0.5
    pop.digital_literacy[:] = 0.4
    need = needs.new_need(pop, n, d, Motives().lonely_threshold)[0]
    assert need.tolist() == pytest.approx(
        [n.daily_living_adl, n.companionship * 0.6, n.health_support * 0.8, n.errands * 0.6 * (1 - 0.1)]
    )


def test_family_and_formal_care_cover_the_documented_shares():
    model = scripted_model(2)
    pop = model.pop
    c = Community()
    pop.lives_alone[:] = [True, False]
    new = np.full((2, 4), 10.0)
    res = needs.residual_need(pop, c, new)
    alone, together = 1 - c.family_support_alone, 1 - c.family_support
    formal = 1 - c.formal_care
    # formal care substitutes for daily-living help only
    assert res[0].tolist() == pytest.approx([10 * alone * formal, 10 * alone, 10 * alone, 10 * alone])
    assert res[1].tolist() == pytest.approx([10 * together * formal, 10 * together, 10 * together, 10 * together])


def test_capacity_is_zero_for_the_disabled_and_falls_with_age_and_family_duty():
    model = scripted_model(3)
    pop = model.pop
    hp, d = Helping(), Demography()
    pop.health[:] = [0.3, 1.0, 1.0]
    pop.age[:] = [65, 65, 80]
    pop.family_duty[:] = [0.0, 0.5, 0.0]
    cap = needs.capacity(pop, hp, d)
    assert cap.tolist() == pytest.approx(
        [0.0, hp.max_capacity * 0.5, hp.max_capacity * (1 - 10 * hp.capacity_age_decline)]
    )


# -- helping --------------------------------------------------------------------------
def test_acceptance_probability_matches_the_formula():
    hp = Helping()
    p = helping.acceptance_probability(
        disposition=0.7,
        particular_trust=0.6,
        general_trust=0.4,
        owed=2.0,
        incentive=0.0,
        hours=3.0,
        health=0.9,
        bad_reputation=0.25,
        helping=hp,
    )
    obligation = 1 - math.exp(-2.0 / hp.obligation_scale)
    logit = (
        hp.accept_intercept
        + 0.7
        + hp.accept_trust * (0.6 - 0.4)
        + hp.accept_obligation * obligation
        - hp.accept_cost * 3
        - hp.accept_frailty * 0.1
        - hp.accept_bad_reputation * 0.25
    )
    assert float(p) == pytest.approx(sigmoid(logit))


def test_a_helper_who_owes_the_requester_accepts_more_often():
    hp = Helping()
    args = dict(
        disposition=0.0,
        particular_trust=0.5,
        general_trust=0.5,
        incentive=0.0,
        hours=2.0,
        health=1.0,
        bad_reputation=0.0,
        helping=hp,
    )
    assert helping.acceptance_probability(owed=4.0, **args) > helping.acceptance_probability(owed=0.0, **args)


def test_trust_in_the_requester_counts_only_beyond_generalized_trust():
    # without a tie the step passes generalized trust as the particular one: no term
    hp = Helping()
    args = dict(disposition=0.3, owed=0.0, incentive=0.0, hours=1.0, health=1.0, bad_reputation=0.0, helping=hp)
    p = helping.acceptance_probability(particular_trust=0.8, general_trust=0.8, **args)
    assert float(p) == pytest.approx(sigmoid(hp.accept_intercept + 0.3 - hp.accept_cost))


def test_helpers_serve_requests_in_priority_order_until_capacity_runs_out():
    helpers = np.array([0, 0, 0, 1])
    hours = np.array([2.0, 3.0, 4.0, 1.0])
    priority = np.array([0.3, 0.1, 0.2, 0.5])
    capacity = np.array([6.0, 0.5])
    granted = helping.serve_in_random_order(helpers, hours, capacity, priority)
    # helper 0 serves request 1 (3h), then 2 (3 of 4h left), then 0 (nothing left)
    assert granted.tolist() == pytest.approx([0.0, 3.0, 3.0, 0.5])


def test_one_willing_tied_helper_meets_the_need_within_capacity():
    model = scripted_model(2, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0})
    tie(model, 0, 1)
    pop = model.pop
    pop.backlog[0] = [3.0, 0, 0, 0]
    pop.capacity_left[:] = [0.0, 2.0]
    run_step(model, "helping")
    ex = model.tally.exchanges
    assert ex.helper.tolist() == [1] and ex.requester.tolist() == [0]
    assert ex.hours.tolist() == pytest.approx([2.0])
    assert pop.backlog[0, 0] == pytest.approx(1.0)
    assert pop.hours_given[1, 0] == pytest.approx(2.0) and pop.hours_received[0, 0] == pytest.approx(2.0)
    # the requester now owes the helper the two hours
    assert model.net.owed[model.net.find(np.array([0]), np.array([1]))[0]] == pytest.approx(2.0)


def test_help_repays_what_the_helper_owed_first():
    model = scripted_model(2, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0})
    tie(model, 0, 1)
    net = model.net
    e10 = net.find(np.array([1]), np.array([0]))[0]
    net.owed[e10] = 1.5  # 1 owes 0 one and a half hours
    model.pop.backlog[0] = [0, 2.0, 0, 0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    run_step(model, "helping")
    e01 = net.find(np.array([0]), np.array([1]))[0]
    assert net.owed[net.find(np.array([1]), np.array([0]))[0]] == pytest.approx(0.0)
    assert net.owed[e01] == pytest.approx(0.5)


def test_declining_someone_one_owes_while_able_is_free_riding():
    # the helper's disposition at −20 and the acceptance intercept at −20: declines
    model = scripted_model(
        2,
        helping={"ask_intercept": 20.0, "coordinator_reach": 0.0, "accept_intercept": -20.0},
        participation={"willingness_intercept": -20.0},
    )
    tie(model, 0, 1)
    model.pop.generalized_trust[1] = 0.0
    model.pop.norm_internalization[1] = 0.0
    model.pop.self_worth[1] = 0.0
    model.pop.loneliness[1] = 0.0
    model.pop.belonging[1] = 0.0
    net = model.net
    net.owed[net.find(np.array([1]), np.array([0]))[0]] = 5.0  # 1 owes 0 five hours
    model.pop.backlog[0] = [0, 2.0, 0, 0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    run_step(model, "helping")
    assert len(model.tally.exchanges.helper) == 0
    assert model.tally.violators.tolist() == [1] and model.tally.victims.tolist() == [0]


def test_without_ties_or_coordinator_nobody_is_helped():
    model = scripted_model(3, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 0.0})
    model.pop.backlog[0] = [3.0, 0, 0, 0]
    run_step(model, "helping")
    assert len(model.tally.exchanges.helper) == 0
    assert model.tally.unanswered[0]


def test_the_coordinator_relays_to_a_blockmate_and_an_exchange_tie_forms():
    model = scripted_model(
        2, helping={"ask_intercept": 20.0, "accept_intercept": 20.0, "coordinator_reach": 1.0, "rounds": 20}
    )
    model.pop.backlog[0] = [0, 0, 0, 1.0]
    model.pop.capacity_left[:] = [0.0, 5.0]
    run_step(model, "helping")
    assert model.tally.exchanges.helper.tolist() == [1]
    assert model.net.find(np.array([0]), np.array([1]))[0] >= 0


# -- trust ----------------------------------------------------------------------------
def test_generalized_trust_moves_toward_the_mean_outcome():
    t = trust.experience_update(np.array([0.5, 0.5, 0.5]), np.array([0, 1, 2]), np.array([0, 1, 1]), rate=0.1)
    assert t.tolist() == pytest.approx([0.5, 0.5 + 0.1 * 0.5, 0.5 + (1 - 0.9**2) * 0.0])


def test_gossip_reach_grows_with_the_raters_ties_and_is_full_when_public():
    assert trust.feedback_weight(np.array([0, 1, 3]), 0.2, public=False).tolist() == pytest.approx([0, 0.2, 1 - 0.8**3])
    assert trust.feedback_weight(np.array([0, 1]), 0.2, public=True).tolist() == [1, 1]


# -- norms ----------------------------------------------------------------------------
def test_perceived_authority_is_the_prior_until_cases_are_witnessed_then_their_beta_expectation():
    nm = make_scenario(norms={"initial_authority": 0.4, "authority_prior_weight": 5.0}).norms
    a = norms.perceived_authority(np.array([0.0, 3.0, 0.0]), np.array([0.0, 1.0, 5.0]), nm)
    assert a.tolist() == pytest.approx([0.4, (3 + 2) / (4 + 5), 2 / 10])


def test_a_sanctioned_offender_gains_exactly_the_documented_bad_reports():
    model = scripted_model(2, norms={"informal_detection": 1.0, "informal_tie_cut": 0.0, "sanction_reputation": 1.5})
    model.tally.violators = np.array([1])
    model.tally.victims = np.array([0])
    model.tally.violation_kind = np.zeros(1, dtype=np.int8)
    model.tally.requests_made = np.zeros(2)
    model.tally.requests_accepted = np.zeros(2)
    run_step(model, "norms")
    assert model.pop.reputation_bad.tolist() == [0.0, 1.5]
    assert model.tally.sanctions == 1


def test_informal_sanction_can_cut_the_victims_tie_to_the_offender():
    model = scripted_model(2, norms={"informal_detection": 1.0, "informal_tie_cut": 1.0})
    tie(model, 0, 1)
    model.tally.violators, model.tally.victims = np.array([1]), np.array([0])
    model.tally.violation_kind = np.zeros(1, dtype=np.int8)
    model.tally.requests_made = model.tally.requests_accepted = np.zeros(2)
    run_step(model, "norms")
    assert model.net.n_ties == 0


def test_new_modes_appear_on_schedule_and_are_unregulated_until_custom_regulates_them():
    model = scripted_model(
        1,
        norms={
            "mode_interval": 10,
            "max_modes": 1,
            "mode_uptake": 1.0,
            "unregulated_uptake_factor": 1.0,
            "informal_regulation_weeks": 5,
        },
    )
    modes = model.modes
    t = np.array([1, 0])  # companionship (the first mode's type), daily living
    u = np.zeros(2)
    assert modes.assign(t, u, 9)[0].tolist() == [False, False]
    new, unreg = modes.assign(t, u, 10)
    assert new.tolist() == [True, False] and unreg.tolist() == [True, False]
    assert modes.assign(t, u, 15)[1].tolist() == [False, False]


# -- motives --------------------------------------------------------------------------
def test_self_worth_decays_to_its_floor_and_rises_with_successful_help():
    x = motives.decay_then_gain(np.array([0.5, 0.5]), decay=0.1, gain=0.2, events=np.array([0, 2]), floor=0.3)
    base = 0.5 - 0.1 * 0.2
    assert x.tolist() == pytest.approx([base, base + (1 - 0.8**2) * (1 - base)])


def test_loneliness_rises_in_isolation_faster_when_alone_and_falls_with_contact():
    L = motives.loneliness_update(
        np.array([0.5, 0.5, 0.5]),
        contact=np.array([0.0, 0.0, 2.0]),
        alone=np.array([False, True, False]),
        rise=0.1,
        relief=0.2,
    )
    assert L.tolist() == pytest.approx([0.55, 0.6, 0.5 + 0.05 - 0.2])


# -- participation ----------------------------------------------------------------------
def test_stated_willingness_is_the_documented_logistic():
    model = scripted_model(1)
    pop, p = model.pop, Participation()
    pop.loneliness[:] = 0.3
    pop.belonging[:] = 0.4
    w = participation.willingness(pop, p)[0]
    logit = (
        p.willingness_intercept
        + p.willingness_trust * 0.5
        + p.willingness_norm * 0.5
        + p.willingness_self_worth * 0.5
        + p.willingness_loneliness * 0.3
        + p.willingness_belonging * 0.4
    )
    assert w == pytest.approx(sigmoid(logit))


def test_awareness_spreads_from_member_ties_only_when_tied():
    model = scripted_model(3, participation={"awareness_base": 0.0, "awareness_per_member_tie": 1.0, "join_rate": 0.0})
    pop = model.pop
    pop.aware[:] = [True, False, False]
    pop.member[:] = [True, False, False]
    tie(model, 0, 1)
    model.tally.unanswered = np.zeros(3, dtype=bool)
    run_step(model, "participation")
    assert pop.aware.tolist() == [True, True, False]


# -- observation --------------------------------------------------------------------------
def test_gini_of_known_distributions():
    assert gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)


def test_coverage_gap_compares_best_and_least_connected_quarters():
    degree = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    need = np.full(8, 2.0)
    met = np.array([0, 0, 1, 1, 1, 1, 2, 2.0])
    assert observation.coverage_gap(degree, need, met) == pytest.approx(1.0 - 0.0)


def test_clustering_matches_networkx():
    g = nx.karate_club_graph()
    net = EdgeStore(g.number_of_nodes())
    a, b = map(np.array, zip(*g.edges()))
    net.add(a, b, NEIGHBOUR, 0.5, 0)
    nodes = np.arange(g.number_of_nodes())
    assert observation.average_clustering(net, nodes) == pytest.approx(nx.average_clustering(g))
    sample = np.array([0, 5, 11, 33])  # a subset, as the sampled estimate at large sizes uses
    assert observation.average_clustering(net, sample) == pytest.approx(nx.average_clustering(g, nodes=sample.tolist()))


def test_clustering_of_a_triangle_with_a_tail_by_hand():
    # 0-1-2 a triangle, 3 hangs on 2: nodes 0 and 1 have C = 1, node 2 has 1 of 3
    # possible links among its neighbours, node 3 has degree 1 (C = 0)
    net = EdgeStore(4)
    net.add(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]), NEIGHBOUR, 0.5, 0)
    assert observation.average_clustering(net, np.arange(4)) == pytest.approx((1 + 1 + 1 / 3 + 0) / 4)
    assert observation.average_clustering(net, np.array([2])) == pytest.approx(1 / 3)


# -- the week's tally ---------------------------------------------------------------
def test_a_fresh_tally_has_every_field_set_and_sized_to_the_residents():
    from dataclasses import fields

    from sim.core.tally import WeekTally

    tally = WeekTally(5)
    per_resident = (
        "asked",
        "requests_made",
        "requests_accepted",
        "unanswered",
        "need_by_resident",
        "interactions",
    )
    assert all(getattr(tally, f.name) is not None for f in fields(WeekTally))
    assert all(len(getattr(tally, name)) == 5 and not getattr(tally, name).any() for name in per_resident)
    assert tally.asked.dtype == bool and tally.unanswered.dtype == bool
    assert len(tally.attendees) == 0 and tally.attendees.dtype == np.int64


# -- the community's scalars --------------------------------------------------------
def test_tie_decay_is_declared_by_kind_name_and_the_decay_table_follows_the_kind_numbers():
    from sim.core.network import ACTIVITY, EXCHANGE, INTRODUCED, PAIRING, TIE_KINDS

    model = scripted_model(2, network={"decay_neighbour": 0.01, "decay_friend": 0.03, "decay_acquaintance": 0.2})
    community = model.community
    assert dict(community.tie_decay) == {
        "neighbour": 0.01,
        "friend": 0.03,
        "pairing": 0.2,
        "exchange": 0.2,
        "activity": 0.2,
        "introduced": 0.2,
    }
    assert len(community.decay_by_kind) == len(TIE_KINDS)
    assert community.decay_by_kind[NEIGHBOUR] == 0.01
    assert community.decay_by_kind[FRIEND] == 0.03
    assert community.decay_by_kind[PAIRING] == community.decay_by_kind[EXCHANGE] == 0.2
    assert community.decay_by_kind[ACTIVITY] == community.decay_by_kind[INTRODUCED] == 0.2


def test_a_tie_decay_missing_a_kind_is_refused():
    from sim.core.community import CommunityState

    model = scripted_model(2)
    c = model.community
    with pytest.raises(ValueError, match="exchange"):
        CommunityState(
            c.week,
            0.5,
            c.modes,
            c.building_slots,
            c.block_slots,
            {"neighbour": 0.1, "friend": 0.1, "pairing": 0.1},
            0.0,
        )


def test_newcomer_age_bands_are_weighted_by_their_shortfall_against_the_setting_shares():
    # 10 dwellings, shares 0.56/0.30/0.14; the 8 who stay are all in their seventies, so
    # the shortfalls are 5.6, 0 (8 > 3) and 1.4 residents: weights 0.8, 0, 0.2
    model = scripted_model(10)
    pop = model.pop
    pop.age[:] = 75.0
    slots = np.array([0, 1])
    pop.occupied[slots] = False
    weights = replacement_weights(pop, slots, model.config.community)
    assert weights.tolist() == pytest.approx([0.8, 0.0, 0.2])


def test_initial_residents_are_drawn_from_the_setting_shares():
    model = scripted_model(4)
    c = model.config.community
    weights = replacement_weights(model.pop, np.arange(4), c)
    assert weights.tolist() == pytest.approx([c.age_share_60_69, c.age_share_70_79, c.age_share_80_plus])


def test_the_kth_new_mode_appears_after_k_intervals_and_is_regulated_a_custom_period_later():
    model = scripted_model(1, norms={"mode_interval": 10, "max_modes": 3, "informal_regulation_weeks": 5})
    modes = model.modes.modes
    assert [m.appear_week for m in modes] == [10, 20, 30]
    assert [m.regulated_week for m in modes] == [15, 25, 35]


def test_motives_decay_toward_zero_unless_a_floor_is_given():
    from sim.submodels.motives import decay_then_gain

    # no events: x − decay·(x − floor); the default floor is 0
    assert decay_then_gain(np.array([0.5]), 0.2, 0.3, np.array([0.0])).tolist() == pytest.approx([0.4])


def test_the_schedule_command_prints_the_schedule_and_succeeds(capsys):
    from sim.core.schedule import main as schedule_main

    assert schedule_main([]) == 0
    assert "| # |" in capsys.readouterr().out


def test_the_newest_mode_of_a_need_type_decides_whether_an_exchange_uses_a_new_mode():
    model = scripted_model(
        1,
        norms={
            "mode_interval": 10,
            "max_modes": 4,  # types companionship, errands, health, companionship (week 40)
            "mode_uptake": 0.3,
            "unregulated_uptake_factor": 0.5,
            "informal_regulation_weeks": 5,
        },
    )
    t = np.array([1, 1, 1])  # companionship exchanges
    u = np.array([0.1, 0.2, 0.4])
    # week 40: the first companionship mode is regulated (uptake 0.3), the newest is not
    # (0.15): u 0.1 uses the newest, unregulated; u 0.2 the old one only, which is no longer in use
    new, unregulated = model.modes.assign(t, u, 40)
    assert new.tolist() == [True, False, False]
    assert unregulated.tolist() == [True, False, False]
