"""The community model: a :class:`mesa.Model` whose residents are columnar state.

One week is the schedule ``sim.core.schedule.WEEK`` (ODD: Process overview), each step
updating all residents synchronously: governance, norm revision reviews, demography,
needs, activities, targeted support, helping, trust, norms, incentives, motives,
participation, network dynamics, observation.

Randomness: every submodel draws from its own stream, spawned from the run's seed by
``numpy.random.SeedSequence`` (``sim.core.schedule.STREAMS``). Switching an intervention on
therefore leaves the random numbers of the submodels it does not touch unchanged
(common random numbers across scenarios that share a seed).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.agents import Resident
from sim.core.community import CommunityState, Groups, add_ties
from sim.core.network import EdgeStore
from sim.core.params import Scenario
from sim.core.population import Population, fill_residents, group_ranges, tie_propensity
from sim.core.schedule import STREAMS, WEEK, Step
from sim.core.tally import WeekTally
from sim.inputs.survey import Survey, apply_edges, apply_participation, apply_residents, load_survey
from sim.submodels import governance, initial_network, participation
from sim.submodels.norms import ServiceModes

__all__ = ["CommunityModel", "STREAMS", "WEEK", "read_survey"]


def read_survey(scenario: Scenario) -> Survey | None:
    """The survey community ``scenario`` names (``community.residents_file``), read and
    validated; None if it names none.

    Reading files is the caller's job, not the model's: a caller reads the survey once
    and hands it to every :class:`CommunityModel` it builds (replicates, sweeps, the
    dashboard), and the model stays a pure function of scenario, seed and data."""
    c = scenario.community
    return load_survey(c.residents_file, c.edges_file) if c.residents_file is not None else None


class CommunityModel(mesa.Model):
    """A community's mutual-aid eldercare scheme (互助养老).

    Args:
        scenario: a validated :class:`sim.core.params.Scenario`.
        rng: the run's seed (an int); defaults to ``scenario.simulation.seed``.
        survey: the surveyed community (:func:`read_survey`), required when the
            scenario names a ``community.residents_file``; the model reads no file.

    ``step()`` advances one week. Weeks are numbered from ``-burn_in_weeks`` (not
    recorded) to ``weeks - 1``; ``records`` holds one dict of metrics per recorded
    week (model.md §6).
    """

    # the week's steps; the profiler puts timed copies on an instance
    week_schedule: tuple[Step, ...] = WEEK

    def __init__(self, scenario: Scenario | None = None, rng: int | None = None, *, survey: Survey | None = None):
        scenario = scenario if scenario is not None else Scenario.model_validate({})
        seed = scenario.simulation.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        self.config = scenario
        self.seed = seed
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, children)}

        c = scenario.community
        if c.residents_file is not None and survey is None:
            raise ValueError(
                f"the scenario names community.residents_file ({c.residents_file}) but no survey was given: "
                "read it with sim.core.model.read_survey(scenario) and pass it as CommunityModel(..., survey=...)"
            )
        n = len(survey.residents) if survey is not None else c.residents
        self.pop = Population(n)
        self.net = EdgeStore(n)
        self.records: list[dict[str, float]] = []
        self.tally = WeekTally(n)
        self.governance = governance.Governance(self)

        slots = np.arange(n)
        self.pop.building = slots // c.dwellings_per_building
        self.pop.block = self.pop.building // c.buildings_per_block
        fill_residents(self.pop, slots, scenario, self.streams["population"], -scenario.simulation.burn_in_weeks)
        if survey is not None:
            apply_residents(self.pop, survey, scenario.demography, scenario.community)
        # dwellings of a building (and buildings of a block) are consecutive slots
        self.community = CommunityState.start(
            scenario,
            building_slots=group_ranges(self.pop.block * (int(self.pop.building.max()) + 1) + self.pop.building),
            block_slots=group_ranges(self.pop.block),
        )
        population = self.streams["population"]
        if survey is not None and survey.edges is not None:
            apply_edges(self.add_ties, survey, scenario.network)
        else:
            initial_network.build(
                pop=self.pop,
                net=self.net,
                community=self.community,
                rng=population,
                prop=tie_propensity(self.pop, scenario),
                nw=scenario.network,
                trust=scenario.trust,
            )
        participation.initialize(self.pop, scenario.participation, population)
        if survey is not None:
            apply_participation(self.pop, survey)
        self.residents: dict[int, Resident] = {}
        self.sync_agents(np.arange(n), np.zeros(0, dtype=np.int64))

    # -- the community's scalars (sim.core.community), under the names callers know -----
    @property
    def week(self) -> int:
        return self.community.week

    @week.setter
    def week(self, value: int) -> None:
        self.community.week = value

    @property
    def norm_authority(self) -> float:
        return self.community.norm_authority

    @property
    def clustering(self) -> float | None:
        return self.community.clustering

    @property
    def modes(self) -> ServiceModes:
        return self.community.modes

    @property
    def decay_by_kind(self) -> np.ndarray:
        return self.community.decay_by_kind

    @property
    def building_slots(self) -> Groups:
        return self.community.building_slots

    @property
    def block_slots(self) -> Groups:
        return self.community.block_slots

    # -- agents as views ------------------------------------------------------------
    def sync_agents(self, arrived: np.ndarray, left: np.ndarray) -> None:
        """Keep one :class:`Resident` agent per occupied slot (the demography step
        returns who arrived and who left; the schedule hands that here)."""
        for slot in left.tolist():
            agent = self.residents.pop(slot, None)
            if agent is not None:
                agent.remove()
        for slot in arrived.tolist():
            self.residents[slot] = Resident(self, slot)

    # -- schedule -------------------------------------------------------------------
    def step(self) -> None:
        """Advance the community by one week: the steps of ``week_schedule`` in order."""
        self.tally = WeekTally(self.pop.n)
        for step in self.week_schedule:
            step.run(self)
        self.week += 1

    def add_ties(
        self, a: np.ndarray, b: np.ndarray, kind: int | np.ndarray, strength: float | np.ndarray
    ) -> np.ndarray:
        """Form ties {a_k, b_k}; each end's particularized trust starts from its own
        generalized trust (``trust.new_tie_trust_weight`` pseudo-observations). Survey
        edges are formed through it at initialization (``apply_edges``)."""
        return add_ties(self.net, self.pop, self.week, self.config.trust, a, b, kind, strength)

    @property
    def budget_spent(self) -> float:
        """Money spent on interventions so far."""
        return self.governance.spent

    def run(self, weeks: int | None = None, progress=None) -> None:
        """Burn in, then run ``weeks`` recorded weeks (default: the scenario's)."""
        weeks = self.config.simulation.weeks if weeks is None else weeks
        while self.week < 0:
            self.step()
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)
