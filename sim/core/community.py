"""The community's own scalars, in one declared place.

Residents' state lives in columns (``sim.core.population.Population``), ties in the edge
store (``sim.core.network.EdgeStore``) and the week's events in ``sim.core.tally.WeekTally``.
What is left is a handful of community-level values that several steps share: the
week, the norm authority (norms writes it, observation records it), the last
clustering coefficient, the service modes, the layout of buildings and blocks, and
the per-kind tie decay. They used to hang off the model one by one; gathering them
here gives the steps one typed thing to receive (``community``) and the schedule one
root (``community_state.<field>``) to declare them under.

The tie decay is a mapping from tie kind name (``sim.core.network.TIE_KINDS``) to weekly
decay, so nothing depends on the order in which kinds are numbered; the edge store's
lookup table ``decay_by_kind`` is derived from it in the order of TIE_KINDS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from sim.core.network import TIE_KINDS, EdgeStore
from sim.core.params import Scenario, Trust
from sim.core.population import Population
from sim.submodels.norms import ServiceModes

if TYPE_CHECKING:
    from sim.submodels.observation import Observed

Groups = tuple[np.ndarray, np.ndarray]  # (first slot, number of slots) per slot: sim.core.population.group_ranges


def tie_decay(scenario: Scenario) -> Mapping[str, float]:
    """Weekly strength decay of a tie without contact, by kind: neighbours decay at
    ``network.decay_neighbour``, friends at ``network.decay_friend``, and ties formed
    by a pairing, by one exchange, at an activity or by an introduction through a
    common tie — acquaintances, kept only if contact follows — at
    ``network.decay_acquaintance``. Every kind is refreshed only
    by contact."""
    nw = scenario.network
    rate = {"neighbour": nw.decay_neighbour, "friend": nw.decay_friend}
    return MappingProxyType({kind: rate.get(kind, nw.decay_acquaintance) for kind in TIE_KINDS})


@dataclass
class CommunityState:
    """The community-level values the steps of the week share (module docstring).

    ``clustering`` is None until observation first computes it (it is recomputed only
    every ``simulation.clustering_interval`` weeks and carried in between);
    ``observed`` is None until observation first runs, then what it remembers from
    week to week (``sim.submodels.observation.Observed``)."""

    week: int
    norm_authority: float
    modes: ServiceModes
    building_slots: Groups
    block_slots: Groups
    tie_decay: Mapping[str, float]
    infrastructure_base: float
    clustering: float | None = None
    observed: Observed | None = None
    decay_by_kind: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        missing = set(TIE_KINDS) - set(self.tie_decay)
        if missing:
            raise ValueError(f"tie_decay has no decay for tie kind(s) {', '.join(sorted(missing))}")
        # the edge store indexes decay by kind number: the table in TIE_KINDS order
        self.decay_by_kind = np.array([self.tie_decay[kind] for kind in TIE_KINDS])

    @classmethod
    def start(cls, scenario: Scenario, building_slots: Groups, block_slots: Groups) -> CommunityState:
        """The community at the start of the burn-in."""
        return cls(
            week=-scenario.simulation.burn_in_weeks,
            norm_authority=scenario.norms.initial_authority,
            modes=ServiceModes(scenario.norms),
            building_slots=building_slots,
            block_slots=block_slots,
            tie_decay=tie_decay(scenario),
            infrastructure_base=scenario.community.infrastructure,
        )


def add_ties(
    net: EdgeStore,
    pop: Population,
    week: int,
    trust: Trust,
    a: np.ndarray,
    b: np.ndarray,
    kind: int | np.ndarray,
    strength: float | np.ndarray,
) -> np.ndarray:
    """Form ties {a_k, b_k} in week ``week``; each end's particularized trust starts from
    its own generalized trust (``trust.new_tie_trust_weight`` pseudo-observations).
    Every step that forms ties (and initialization) forms them through this one rule."""
    return net.add(a, b, kind, strength, week, pop.generalized_trust, trust.new_tie_trust_weight)
