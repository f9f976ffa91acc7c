"""Community activities 组织社区活动 ([@socialcapital_mutualaid, §4.1, §4.3]): interest groups, lectures,
festivals.

Each week ``events_per_week`` events offer capacity·(1 + infrastructure) places in
all. Resident i wants to come with probability
    attendance · (f + (1 − f)·belonging_i) · access_i,   f = ``attendance_floor``,
access_i = I + (1 − I)·mobility_i, where I is the infrastructure level and mobility
is health scaled from the ADL threshold (0) to full health (1): good facilities let
the frail take part. If more want to come than there are places, places go at
random. Attendees are spread over the events at random. At an event each attendee
talks with ``meetings`` random co-attendees: an existing tie is refreshed (contact),
otherwise a tie of kind ``activity`` forms with probability
tie_formation·exp(−homophily·distance) (chance and homophily). One meeting makes an
acquaintance, not a friend: like a tie formed by an exchange or a pairing it fades at
``network.decay_acquaintance`` and lasts only if contact (meeting again, everyday
contact, an exchange) keeps it up. Attending counts as a belonging event and an interaction
(contact, which the motives step turns into less loneliness). Information passes by
the same conversations: an attendee who does not know the scheme hears of it when one
of its talks with co-attendees is with a member, and only then. Attending writes no outcome:
trust moves only through the trust step's experience and the ties formed here.
In an in-silico trial (docs/trials.md) only the treated arm is invited (``reach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.community import add_ties
from sim.core.network import ACTIVITY
from sim.core.population import homophily_weight
from sim.core.reach import EVERYONE, Reach
from sim.interventions.base import Intervention, PhaseState

if TYPE_CHECKING:
    from sim.core.model import CommunityModel


def mobility(health: np.ndarray, adl_threshold: float) -> np.ndarray:
    """0 at or below the ADL threshold, 1 at full health."""
    return np.clip((health - adl_threshold) / (1.0 - adl_threshold), 0.0, 1.0)


def attendance_probability(pop, block, infrastructure: float, adl_threshold: float) -> np.ndarray:
    access = infrastructure + (1.0 - infrastructure) * mobility(pop.health, adl_threshold)
    floor = block.attendance_floor
    return block.attendance * (floor + (1.0 - floor) * pop.belonging) * access * pop.occupied


def co_attendee_pairs(u: np.ndarray, attendees: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each (attendee, draw) a random co-attendee of the same event.
    ``u`` has shape (attendees, meetings)."""
    order = np.lexsort((attendees, event))
    attendees, event = attendees[order], event[order]
    u = u[order]
    starts = np.searchsorted(event, event, side="left")
    ends = np.searchsorted(event, event, side="right")
    size = (ends - starts)[:, None]
    pick = starts[:, None] + np.floor(u * size).astype(np.int64)
    a = np.repeat(attendees, u.shape[1])
    b = attendees[pick.ravel()]
    keep = a != b
    return a[keep], b[keep]


def hear_of_scheme(pop, a: np.ndarray, c: np.ndarray) -> None:
    """Each talk {a_k, c_k} tells a resident who does not know the scheme of it when the
    other is a member (either way round): information passes by contact, not by a
    share of attendees told."""
    pop.aware[a[pop.member[c]]] = True
    pop.aware[c[pop.member[a]]] = True


class Activities(Intervention):
    name = "activities"
    phase = "activities"
    reach: Reach = EVERYONE  # who is invited (sim/core/reach.py)

    def __init__(self, block, model: CommunityModel):
        super().__init__(block, model)
        sc = model.config
        self.demography, self.network, self.trust = sc.demography, sc.network, sc.trust

    def act(self, state: PhaseState) -> None:
        pop, net, tally, community = state.pop, state.net, state.tally, state.community
        week, nw = community.week, self.network
        b = self.block
        rng = self.stream()
        n = pop.n
        u_want, u_event = rng.random((2, n))
        infra = state.channels.infrastructure_level(community.infrastructure_base)
        places = int(b.events_per_week * b.capacity * (1.0 + infra))
        want = np.flatnonzero(u_want < attendance_probability(pop, b, infra, self.demography.adl_threshold))
        want = self.reach.targets(pop, want)
        if len(want) > places:
            want = np.sort(rng.permutation(want)[:places])
        tally.attendees = want
        if len(want) == 0 or b.events_per_week == 0:
            return
        event = np.floor(u_event[want] * b.events_per_week).astype(np.int64)

        tally.interactions[want] += 1.0

        if b.meetings == 0:
            return
        a, c = co_attendee_pairs(rng.random((len(want), b.meetings)), want, event)
        hear_of_scheme(pop, a, c)
        existing = net.find(a, c)
        net.touch(week, community.decay_by_kind, existing[existing >= 0], nw.contact_boost)
        new = existing < 0
        a, c = a[new], c[new]
        form = rng.random(len(a)) < b.tie_formation * homophily_weight(pop, a, c, nw.homophily)
        if form.any():
            add_ties(net, pop, week, self.trust, a[form], c[form], ACTIVITY, nw.new_tie_strength)
