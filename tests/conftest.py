"""Shared fixtures: tiny scripted communities whose outcome can be worked out by hand."""

from __future__ import annotations

from pathlib import Path

from sim.model import CommunityModel
from sim.network import EdgeStore
from sim.scenario import scenario_from_dict
from sim.tally import WeekTally

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def make_scenario(**blocks):
    """A scenario from partial blocks, e.g. make_scenario(community={"residents": 3})."""
    return scenario_from_dict({k: v for k, v in blocks.items()})


def scripted_model(residents: int = 3, **blocks) -> CommunityModel:
    """A model with ``residents`` slots, no ties, every resident a healthy member with
    mid-range motives, and no burn-in: tests then set exactly what they need."""
    blocks.setdefault("simulation", {})
    blocks["simulation"] = {"burn_in_weeks": 0, **blocks["simulation"]}
    blocks.setdefault("community", {})
    blocks["community"] = {"residents": residents, **blocks["community"]}
    model = CommunityModel(make_scenario(**blocks), rng=7)
    model.week = 0
    model.net = EdgeStore(residents)
    pop = model.pop
    pop.occupied[:] = True
    pop.age[:] = 65.0
    pop.health[:] = 0.9
    pop.member[:] = True
    pop.aware[:] = True
    pop.willingness[:] = 1.0
    pop.generalized_trust[:] = 0.5
    pop.norm_internalization[:] = 0.5
    pop.self_worth[:] = 0.5
    pop.reputation_good[:] = 0.0
    pop.reputation_bad[:] = 0.0
    pop.backlog[:] = 0.0
    pop.capacity[:] = 5.0
    pop.capacity_left[:] = 5.0
    pop.skill[:] = 1.0
    pop.excluded_until[:] = -10**6
    model.tally = WeekTally(residents)
    return model


def run_model(scenario, seed: int, weeks: int) -> CommunityModel:
    model = CommunityModel(scenario, rng=seed)
    model.run(weeks)
    return model
