"""In-silico trials (sim/experiments/trial.py, docs/trials.md): 1:1 randomization among
the eligible from the trial's own stream, control residents never reached by the
intervention, Hedges' g by hand, runs without a trial unchanged, and the command line
end to end."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import make_scenario, scripted_model

from sim.cli import main
from sim.core.model import CommunityModel
from sim.core.network import PAIRING
from sim.core.reach import EVERYONE, Reach
from sim.core.schedule import run_step
from sim.experiments.runner import simulate
from sim.experiments.trial import (
    ELIGIBILITY,
    OUTCOMES,
    TrialWatch,
    hedges_g,
    randomize,
    run_trial,
    trial_scenario,
)
from sim.interventions import REGISTRY

TINY = {"community": {"residents": 120}, "simulation": {"weeks": 20, "burn_in_weeks": 8}}


# -- randomization -------------------------------------------------------------------------
def test_randomization_splits_the_eligible_one_to_one_into_disjoint_arms():
    eligible = np.array([3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377])
    treated, control = randomize(eligible, np.random.default_rng(4))
    assert (len(treated), len(control)) == (5, 6)  # the odd one out goes to control
    assert not set(treated) & set(control)
    assert sorted([*treated, *control]) == eligible.tolist()


def test_randomization_is_reproducible_by_seed_and_differs_between_seeds():
    eligible = np.arange(200)

    def split(seed):
        return randomize(eligible, np.random.default_rng(seed))[0].tolist()

    assert split(11) == split(11)
    assert split(11) != split(12)


@pytest.mark.parametrize("name", sorted(ELIGIBILITY))
def test_a_model_randomizes_only_the_eligible_and_the_same_seed_gives_the_same_arms(name):
    scenario = trial_scenario(make_scenario(**TINY), name)

    def arms(seed):
        model = CommunityModel(scenario, rng=seed)
        model.run(0)
        eligible = set(np.flatnonzero(ELIGIBILITY[name][1](model)).tolist())
        watch = TrialWatch(name, 0)
        watch.randomize(model)
        treated, control = watch.arms["treated"].slots.tolist(), watch.arms["control"].slots.tolist()
        assert set(treated) | set(control) == eligible and not set(treated) & set(control)
        assert len(control) - len(treated) in (0, 1)
        return treated, control

    assert arms(5) == arms(5)


def test_the_trial_stream_is_drawn_from_and_no_other_stream_moves():
    scenario = trial_scenario(make_scenario(**TINY), "activities")
    model = CommunityModel(scenario, rng=5)
    before = {name: rng.bit_generator.state for name, rng in model.streams.items()}
    model.run(0)
    after_burn_in = {name: rng.bit_generator.state for name, rng in model.streams.items()}
    TrialWatch("activities", 0).randomize(model)
    moved = [name for name, rng in model.streams.items() if rng.bit_generator.state != after_burn_in[name]]
    assert moved == ["trial"]
    assert after_burn_in["trial"] == before["trial"]  # nothing but the trial draws from it


def test_a_whole_trial_is_reproducible_by_its_root_seed():
    scenario = make_scenario(**TINY)

    def table(seed):
        return run_trial(scenario, "targeted_support", replicates=2, root_seed=seed).replicates

    pd.testing.assert_frame_equal(table(4), table(4))
    assert not table(4)["seed"].equals(table(5)["seed"])


def test_a_later_start_week_moves_randomization_and_both_follow_ups_with_it():
    scenario = make_scenario(**TINY, interventions={"activities": {"start_week": 5, "end_week": 40}})
    prepared = trial_scenario(scenario, "activities")
    assert prepared.simulation.weeks == 5 + 52
    seen = []

    class Spy(TrialWatch):
        def randomize(self, model):
            seen.append(("randomize", model.week))
            super().randomize(model)

        def measure(self, model, months):
            seen.append((months, model.week))
            super().measure(model, months)

    simulate(prepared, seed=2, watch=Spy("activities", 5))
    assert seen == [("randomize", 5), (6, 5 + 26), (12, 5 + 52)]
    result = run_trial(scenario, "activities", replicates=1, root_seed=2)
    assert result.warnings and "stopped in week 40" in result.warnings[0]


# -- control residents are never reached ---------------------------------------------------
TREATED, CONTROL = [0, 2, 4, 6], [1, 3, 5, 7]  # slots 8 and 9 are in neither arm


def give_arms(model, name):
    pop = model.pop
    model.governance.interventions[name].reach = Reach(pop.person_id[TREATED], pop.person_id[CONTROL])


def test_a_control_resident_is_never_invited_to_activities():
    def attendees(arms):
        model = scripted_model(
            10,
            community={"infrastructure": 1.0},
            interventions={"activities": {"enabled": True, "attendance": 1.0, "attendance_floor": 1.0}},
        )
        run_step(model, "governance")
        if arms:
            give_arms(model, "activities")
        run_step(model, "activities")
        return model.tally.attendees.tolist(), model.tally.interactions

    everyone, _ = attendees(arms=False)
    assert set(CONTROL) <= set(everyone)  # without arms every resident comes
    invited, contact = attendees(arms=True)
    assert invited == TREATED
    assert not contact[CONTROL].any()


def test_a_control_resident_is_never_paired_neither_supported_nor_as_a_volunteer():
    def pairs(arms):
        model = scripted_model(10, interventions={"targeted_support": {"enabled": True, "pairs_per_week": 10}})
        run_step(model, "governance")
        if arms:
            give_arms(model, "targeted_support")
        run_step(model, "targeted_support")
        support = model.governance.interventions["targeted_support"]
        tied = set(model.net.owner[model.net.kind == PAIRING].tolist())
        return set(support.supported.tolist()), set(support.volunteer.tolist()), tied

    supported, volunteers, _ = pairs(arms=False)  # every resident is isolated, member and able
    assert set(CONTROL) & (supported | volunteers)
    supported, volunteers, tied = pairs(arms=True)
    assert supported == set(TREATED)
    assert not set(CONTROL) & (volunteers | tied)


def test_a_control_resident_is_never_given_psychological_support():
    def sessions(arms):
        model = scripted_model(10, interventions={"professional_services": {"enabled": True, "psych_clients": 50}})
        run_step(model, "governance")
        model.pop.loneliness[:] = 0.9  # everyone lonely
        if arms:
            give_arms(model, "professional_services")
        run_step(model, "professional_services")
        return model.tally.interactions

    assert (sessions(arms=False) > 0).all()
    given = sessions(arms=True)
    assert np.flatnonzero(given).tolist() == TREATED


def test_a_newcomer_in_a_trial_residents_dwelling_is_in_neither_arm():
    model = scripted_model(4)
    reach = Reach(model.pop.person_id[[0, 1]], model.pop.person_id[[2, 3]])
    model.pop.person_id[0] = 99  # resident 0 left; a newcomer moved in
    assert reach.targets(model.pop, np.arange(4)).tolist() == [1]
    assert reach.outside_control(model.pop, np.ones(4, dtype=bool)).tolist() == [True, True, False, False]


def test_every_intervention_that_carries_a_reach_has_a_trial_eligibility_rule():
    with_reach = {name for name, cls in REGISTRY.items() if isinstance(getattr(cls, "reach", None), Reach)}
    assert with_reach == set(ELIGIBILITY)


# -- no trial, no change -------------------------------------------------------------------
def test_by_default_the_reach_returns_what_it_is_given():
    model = scripted_model(5)
    slots, mask = np.array([4, 1]), np.ones(5, dtype=bool)
    assert EVERYONE.targets(model.pop, slots) is slots
    assert EVERYONE.outside_control(model.pop, mask) is mask


def test_a_run_watched_without_a_trial_gives_the_same_weekly_numbers():
    scenario = make_scenario(
        **TINY, interventions={name: {"enabled": True} for name in ("activities", "targeted_support")}
    )
    _, plain = simulate(scenario, seed=3)
    _, watched = simulate(scenario, seed=3, watch=lambda model: None)
    pd.testing.assert_frame_equal(plain.weekly, watched.weekly)


# -- Hedges' g -----------------------------------------------------------------------------
def test_hedges_g_matches_the_hand_computation():
    # means 2.5 and 4; variances 5/3 and 5/2; pooled (3·5/3 + 4·5/2)/7 = 15/7;
    # d = −1.5/√(15/7); J = 1 − 3/(4·9 − 9) = 8/9
    g = hedges_g(np.array([1.0, 2, 3, 4]), np.array([2.0, 3, 4, 5, 6]))
    assert g == pytest.approx(8 / 9 * -1.5 / math.sqrt(15 / 7))
    assert g == pytest.approx(-0.910840, abs=1e-6)


def test_hedges_g_is_undefined_for_an_outcome_nobody_varies_on_or_a_tiny_arm():
    assert math.isnan(hedges_g(np.zeros(5), np.zeros(6)))
    assert math.isnan(hedges_g(np.array([1.0]), np.array([1.0, 2.0])))


# -- the command line ----------------------------------------------------------------------
def test_the_trial_command_writes_its_tables_and_prints_the_effects(tmp_path, capsys):
    out = tmp_path / "trial"
    status = main(
        [
            "trial",
            "scenarios/old_estate.toml",
            "--intervention",
            "professional_services",
            "--residents",
            "150",
            "--replicates",
            "2",
            "--seed",
            "9",
            "--set",
            "simulation.burn_in_weeks=8",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "| 12 | loneliness |" in printed
    summary = pd.read_csv(out / "trial.csv")
    assert sorted(summary["months"].unique()) == [6, 12]
    assert set(summary["outcome"]) == set(OUTCOMES)
    assert (summary["replicates"] <= 2).all()
    replicates = pd.read_csv(out / "replicates.csv")
    assert sorted(replicates["replicate"].unique()) == [0, 1]
    assert (replicates["randomized_treated"] > 0).all()
    assert (out / "trial.md").read_text(encoding="utf-8").count("| loneliness |") == 2
    assert '"root_seed": 9' in (out / "trial.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name, says",
    [("time_bank", "time_bank has no trial arm"), ("activites", "no intervention 'activites'")],
)
def test_an_intervention_a_trial_cannot_run_is_refused_in_one_line_listing_the_supported(name, says, capsys):
    status = main(["trial", "scenarios/old_estate.toml", "--intervention", name])
    assert status == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 1
    assert says in errors[0] and "trials support: activities, professional_services, targeted_support" in errors[0]


def test_a_scenario_error_in_a_trial_is_reported_like_everywhere_else(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[community]\nresidents = -4\n", encoding="utf-8")
    assert main(["trial", str(bad), "--intervention", "activities"]) == 2
    err = capsys.readouterr().err
    assert "community.residents" in err and "Traceback" not in err
