"""One-to-one support 一对一帮扶 for isolated and vulnerable residents ([@socialcapital_mutualaid, §4.3]).

Each week the outreach team makes up to ``pairs_per_week`` new pairings. Candidates
are socially isolated residents (fewer than ``network.isolation_ties`` ties of
strength ≥ ``network.isolation_strength``) not already paired; the vulnerable
(IADL-limited or living alone) come first, then at random. Each is paired with a
volunteer: a member who is not excluded, states willingness, can give at least
``volunteer_min_hours`` a week and is not already a volunteer — from the same block
when one is available, otherwise from anywhere. A pairing introduces the two: a tie
of kind pairing at the ordinary new-tie strength (``network.new_tie_strength``), and
the volunteer, a member, tells the supported resident of the scheme. For
``pair_weeks`` weeks the pair meets with weekly probability ``visit_probability`` (the
dose): a visit is contact — it refreshes the tie like any other contact
(``network.contact_boost`` of the gap to 1) and counts as an interaction and a
belonging event for both. The tie therefore leaves the isolation count only once
repeated visits have strengthened it, and trust moves only through the trust step.
Each active pairing costs ``cost_per_pair`` a week. A pairing ends early if either
resident leaves. In an in-silico trial (docs/trials.md) only the treated arm is paired,
and no control resident volunteers (``reach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.community import add_ties
from sim.core.network import PAIRING
from sim.core.reach import EVERYONE, Reach
from sim.core.util import add_at
from sim.interventions.base import Intervention, PhaseState
from sim.submodels.observation import socially_isolated

if TYPE_CHECKING:
    from sim.core.model import CommunityModel


class TargetedSupport(Intervention):
    name = "targeted_support"
    phase = "targeted_support"
    reach: Reach = EVERYONE  # who may be paired, and who may volunteer (sim/core/reach.py)

    def __init__(self, block, model: CommunityModel):
        super().__init__(block, model)
        sc = model.config
        self.demography, self.participation, self.network, self.trust = (
            sc.demography,
            sc.participation,
            sc.network,
            sc.trust,
        )
        self.supported = np.zeros(0, dtype=np.int64)
        self.volunteer = np.zeros(0, dtype=np.int64)
        self.person = np.zeros((0, 2), dtype=np.int64)  # person ids, to notice departures
        self.until = np.zeros(0, dtype=np.int64)

    def act(self, state: PhaseState) -> None:
        pop, net, community = state.pop, state.net, state.community
        week = community.week
        b = self.block
        rng = self.stream()
        n = pop.n
        u_priority, u_local, u_visit = rng.random((3, n))

        still = (
            (week < self.until)
            & (pop.person_id[self.supported] == self.person[:, 0])
            & (pop.person_id[self.volunteer] == self.person[:, 1])
        )
        self.supported, self.volunteer, self.person, self.until = (
            self.supported[still],
            self.volunteer[still],
            self.person[still],
            self.until[still],
        )

        paired = np.zeros(n, dtype=bool)
        paired[self.supported] = True
        busy = np.zeros(n, dtype=bool)
        busy[self.volunteer] = True
        isolated = socially_isolated(pop, net, community, self.network) & ~paired
        vulnerable = (pop.health < self.demography.iadl_threshold) | pop.lives_alone
        candidates = self.reach.targets(pop, np.flatnonzero(isolated))
        order = np.lexsort((u_priority[candidates], ~vulnerable[candidates]))
        candidates = candidates[order][: b.pairs_per_week]
        able = (
            pop.occupied
            & pop.member
            & (pop.excluded_until <= week)
            & ~busy
            & ~paired
            & (pop.willingness >= self.participation.willing_threshold)
            & (pop.capacity >= b.volunteer_min_hours)
        )
        able = self.reach.outside_control(pop, able)
        new_a, new_b = [], []
        for slot in candidates.tolist():
            pool = np.flatnonzero(able & (pop.block == pop.block[slot]))
            if len(pool) == 0:
                pool = np.flatnonzero(able)
            pool = pool[pool != slot]
            if len(pool) == 0:
                break
            helper = int(pool[int(u_local[slot] * len(pool))])
            able[helper] = False
            new_a.append(slot)
            new_b.append(helper)
        if new_a:
            a, v = np.array(new_a), np.array(new_b)
            add_ties(net, pop, week, self.trust, a, v, PAIRING, self.network.new_tie_strength)
            pop.aware[a] = True
            self.supported = np.concatenate([self.supported, a])
            self.volunteer = np.concatenate([self.volunteer, v])
            self.person = np.concatenate([self.person, np.column_stack([pop.person_id[a], pop.person_id[v]])])
            self.until = np.concatenate([self.until, np.full(len(a), week + b.pair_weeks)])

        visit = u_visit[self.supported] < b.visit_probability
        s, v = self.supported[visit], self.volunteer[visit]
        edges = net.find(s, v)
        net.touch(week, community.decay_by_kind, edges[edges >= 0], self.network.contact_boost)
        tally = state.tally
        for who in (s, v):
            add_at(tally.interactions, who, 1.0)
        if len(self.supported) and b.cost_per_pair > 0:
            self.charge(b.cost_per_pair * len(self.supported))
