"""Initialization of the relationship network from dwellings (model.md §5).

Neighbour ties form within buildings and friendship ties within blocks, both more
readily for residents with a high tie propensity π (sociable, educated, healthy;
[@socialcapital_mutualaid, §3.3.2]). Resident i starts Poisson(k·π_i / (2·mean π)) ties of each kind
(k = ``neighbour_ties`` or ``friend_ties``) to uniformly drawn building- or
block-mates j, each accepted with probability min(1, π_j / mean π) (friend ties
also with exp(−homophily·distance)). Initial strengths are uniform on [0.2, 0.8]; each end's
particularized trust starts as ``new_tie_trust_weight`` pseudo-observations of its
own generalized trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.community import add_ties
from sim.core.network import FRIEND, NEIGHBOUR
from sim.core.population import homophily_weight, random_mates

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Network, Trust
    from sim.core.population import Population


def _stubs(rng, prop: np.ndarray, mean_ties: float) -> np.ndarray:
    scale = prop / max(prop[prop > 0].mean(), 1e-12)
    counts = rng.poisson(mean_ties * scale / 2.0)
    return np.repeat(np.arange(len(prop)), counts)


def build(
    *,
    pop: Population,
    net: EdgeStore,
    community: CommunityState,
    rng: np.random.Generator,
    prop: np.ndarray,
    nw: Network,
    trust: Trust,
) -> None:
    """The initial ties; ``prop`` is the residents' tie propensity
    (``sim.core.population.tie_propensity``), ``rng`` the population stream."""
    mean_prop = max(prop[pop.occupied].mean(), 1e-12)
    for kind, mean_ties, groups in (
        (NEIGHBOUR, nw.neighbour_ties, community.building_slots),
        (FRIEND, nw.friend_ties, community.block_slots),
    ):
        a = _stubs(rng, prop, mean_ties)
        b = random_mates(rng.random(len(a)), a, groups)
        accept = np.minimum(prop[b] / mean_prop, 1.0)
        if kind == FRIEND:
            accept = accept * homophily_weight(pop, a, b, nw.homophily)
        ok = rng.random(len(a)) < accept
        a, b = a[ok], b[ok]
        add_ties(net, pop, community.week, trust, a, b, kind, rng.uniform(0.2, 0.8, len(a)))
