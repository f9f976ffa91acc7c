"""Residents coloured by a state (generalized trust, unmet need, participation,
loneliness) on fixed scales, so that colours are comparable from week to week."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from sim.core.model import CommunityModel
from sim.core.params import Scenario

STATES = ("trust", "unmet need", "participation", "loneliness")
"""What the nodes can be coloured by."""

PARTICIPATION = ("unaware", "aware", "willing", "member", "active member")
PARTICIPATION_COLOURS = np.array(
    [
        (0.75, 0.75, 0.75, 1.0),  # unaware
        (0.62, 0.79, 0.88, 1.0),  # aware
        (0.99, 0.68, 0.38, 1.0),  # willing
        (0.20, 0.63, 0.17, 1.0),  # member
        (0.84, 0.15, 0.16, 1.0),  # active member
    ]
)
VACANT_COLOUR = (0.93, 0.93, 0.93, 1.0)


@dataclass(frozen=True)
class Scale:
    """A continuous colouring: value range, colour map and the colour bar's label."""

    low: float
    high: float
    cmap: str
    label: str


def colour_scale(state: str, scenario: Scenario) -> Scale | None:
    """The fixed scale of a continuous state (None for the categorical participation).

    Unmet need is capped at one ADL-disabled resident's full weekly need, so that the
    colour means the same hours all run long."""
    if state == "trust":
        return Scale(0.0, 1.0, "viridis", "generalized trust")
    if state == "loneliness":
        return Scale(0.0, 1.0, "magma_r", "loneliness")
    if state == "unmet need":
        n = scenario.needs
        cap = n.daily_living_adl + n.companionship + n.health_support + n.errands
        return Scale(0.0, cap, "Reds", f"unmet need (hours backlog, capped at {cap:g})")
    if state == "participation":
        return None
    raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")


def participation_level(model: CommunityModel) -> np.ndarray:
    """Per slot, the index into :data:`PARTICIPATION` (vacant slots get 0)."""
    pop, sc = model.pop, model.config
    willing = pop.aware & (pop.willingness >= sc.participation.willing_threshold)
    active = pop.member & (model.week - pop.last_active < sc.participation.active_window)
    level = np.zeros(pop.n, dtype=np.int64)
    level[pop.aware] = 1
    level[willing] = 2
    level[pop.member] = 3
    level[active] = 4
    return np.where(pop.occupied, level, 0)


def state_values(model: CommunityModel, state: str) -> np.ndarray:
    """The per-slot values a state is coloured by."""
    pop = model.pop
    if state == "trust":
        return pop.generalized_trust
    if state == "loneliness":
        return pop.loneliness
    if state == "unmet need":
        return pop.backlog.sum(axis=1)
    if state == "participation":
        return participation_level(model).astype(np.float64)
    raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")


def node_colours(model: CommunityModel, state: str) -> np.ndarray:
    """(slots × 4) RGBA colours of the residents by ``state``; vacant dwellings pale."""
    scale = colour_scale(state, model.config)
    if scale is None:
        rgba = PARTICIPATION_COLOURS[participation_level(model)]
    else:
        norm = Normalize(scale.low, scale.high, clip=True)
        rgba = colormaps[scale.cmap](norm(state_values(model, state)))
    rgba[~model.pop.occupied] = VACANT_COLOUR
    return rgba
