"""Columnar resident state and its initialization (ODD: Entities, Initialization).

A :class:`Population` holds one numpy array per state variable, indexed by dwelling
slot. A slot is a home in a building in a block; when its occupant dies or moves out
it is vacant until a newcomer moves in with fresh state and no personal ties
(model.md §2).
"""

from __future__ import annotations

import numpy as np

from sim.core.params import Scenario
from sim.core.state import N_NEEDS, RESIDENT_FIELDS

# ages drawn uniformly in 60-69 and 70-79; 80-99 with density falling by this rate
_OLDEST_DECAY = 0.12


def _names(dtype: type[np.generic], per: str) -> tuple[str, ...]:
    return tuple(f.name for f in RESIDENT_FIELDS if f.dtype == dtype and f.per == per)


class Population:
    """State arrays of all dwelling slots (occupied or vacant).

    The columns are declared in ``sim.core.state.RESIDENT_FIELDS`` (dtype, unit, range,
    ODD name, a newcomer's value), which ``__init__`` allocates from; they are
    annotated here as well so that type checkers and readers see them
    (tests/test_state.py keeps the two lists equal)."""

    occupied: np.ndarray
    person_id: np.ndarray
    moved_in: np.ndarray
    building: np.ndarray
    block: np.ndarray
    age: np.ndarray
    health: np.ndarray
    health_deviation: np.ndarray
    acute_deficit: np.ndarray
    lives_alone: np.ndarray
    education: np.ndarray
    digital_literacy: np.ndarray
    sociability: np.ndarray
    family_duty: np.ndarray
    reluctance: np.ndarray
    propensity: np.ndarray
    skill: np.ndarray
    need: np.ndarray
    backlog: np.ndarray
    capacity: np.ndarray
    capacity_left: np.ndarray
    generalized_trust: np.ndarray
    norm_internalization: np.ndarray
    seen_sanctioned: np.ndarray
    seen_unpunished: np.ndarray
    self_worth: np.ndarray
    loneliness: np.ndarray
    belonging: np.ndarray
    aware: np.ndarray
    willingness: np.ndarray
    member: np.ndarray
    join_week: np.ndarray
    last_active: np.ndarray
    last_gave: np.ndarray
    dissatisfaction: np.ndarray
    quit_week: np.ndarray
    excluded_until: np.ndarray
    ask_success: np.ndarray
    ask_failure: np.ndarray
    standing_good: np.ndarray
    standing_bad: np.ndarray
    reputation_good: np.ndarray
    reputation_bad: np.ndarray
    hours_given: np.ndarray
    hours_received: np.ndarray
    given_total: np.ndarray
    received_total: np.ndarray
    credits: np.ndarray
    points: np.ndarray

    # the columns by kind, for code that walks all of them
    FLOAT = _names(np.float64, "resident")
    INT = _names(np.int64, "resident")
    BOOL = _names(np.bool_, "resident")
    MATRIX = _names(np.float64, "resident × need type")

    def __init__(self, n: int):
        self.n = n
        for field in RESIDENT_FIELDS:
            setattr(self, field.name, field.allocate(n))
        self.next_person_id = 0

    def occupied_slots(self) -> np.ndarray:
        return np.flatnonzero(self.occupied)


def expected_health(age: np.ndarray, p) -> np.ndarray:
    """Age-expected latent health μ(a) = h60 − slope·(a−60) − curvature·(a−60)²."""
    x = np.maximum(age - 60.0, 0.0)
    return p.health_at_60 - p.health_slope * x - p.health_curvature * x * x


def expected_literacy(education: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Expected digital literacy before individual variation: it rises with education
    (0.3 per level) and falls with age (0.01 a year from 60), from 0.15 for a
    60-year-old with little schooling."""
    return 0.15 + 0.3 * education - 0.01 * (age - 60.0)


def replacement_weights(pop: Population, slots: np.ndarray, community) -> np.ndarray:
    """How likely a resident moving into ``slots`` is to belong to each age band
    (60-69, 70-79, 80+): in proportion to the band's shortfall, among the residents
    who stay, against the setting's shares at the size the population will have.
    Newcomers thus replace leavers so that the age structure stays the setting's (a
    stationary population) instead of ageing with the cohort first drawn. When nobody
    stays (at initialization) the weights are the setting's shares themselves."""
    shares = np.array([community.age_share_60_69, community.age_share_70_79, community.age_share_80_plus])
    shares = shares / shares.sum()
    staying = pop.occupied.copy()
    staying[slots] = False
    counts = np.bincount(np.digitize(pop.age[staying], [70.0, 80.0]), minlength=3)
    shortfall = np.maximum(shares * (staying.sum() + len(slots)) - counts, 0.0)
    return shortfall / shortfall.sum() if staying.any() and shortfall.sum() > 0 else shares


def draw_ages(rng: np.random.Generator, n: int, weights: np.ndarray, cross_section: bool) -> np.ndarray:
    """``n`` ages: a band (60-69, 70-79, 80-99) drawn with probabilities ``weights``.
    A cross-section (the initial residents) spreads over each band: uniformly in
    60-69 and 70-79, and in 80-99 with density falling by ``_OLDEST_DECAY`` a year.
    A newcomer is in the first year of its band, as if ageing into it: the band's
    older ages are then filled by its residents growing older, which keeps the shape
    within bands from drifting. Two uniform numbers per age whatever the case, so the
    stream stays aligned across scenarios."""
    group = rng.choice(3, size=n, p=weights)
    u = rng.random(n)
    if not cross_section:
        return 60.0 + 10.0 * group + u
    young = 60.0 + 10.0 * u
    mid = 70.0 + 10.0 * u
    # truncated exponential on [80, 100)
    old = 80.0 - np.log1p(-u * (1.0 - np.exp(-_OLDEST_DECAY * 20.0))) / _OLDEST_DECAY
    return np.choose(group, [young, mid, old])


def fill_residents(pop: Population, slots: np.ndarray, sc: Scenario, rng: np.random.Generator, week: int) -> None:
    """Give the slots new occupants with fresh state: no ties, not aware, no history.

    Used at initialization and for newcomers. Draws a fixed number of random numbers
    per slot so the stream stays aligned whatever the values."""
    k = len(slots)
    if k == 0:
        return
    c, d = sc.community, sc.demography
    # what every newcomer starts with: no history, ledgers or balances, not aware, not a member
    for field in RESIDENT_FIELDS:
        if not isinstance(field.fresh, str):
            getattr(pop, field.name)[slots] = field.fresh
    # what fill_residents sets itself (the declarations' other ``fresh`` values)
    pop.person_id[slots] = pop.next_person_id + np.arange(k)
    pop.next_person_id += k
    pop.moved_in[slots] = week
    staying = pop.occupied.sum() - pop.occupied[slots].sum()
    pop.age[slots] = draw_ages(rng, k, replacement_weights(pop, slots, c), cross_section=staying == 0)
    pop.health_deviation[slots] = rng.normal(0.0, d.frailty_sd, k)
    pop.health[slots] = np.clip(expected_health(pop.age[slots], d) + pop.health_deviation[slots], 0.0, 1.0)
    pop.lives_alone[slots] = rng.random(k) < c.lives_alone_share
    u = rng.random(k)
    pop.education[slots] = np.where(u < c.education_low, 0, np.where(u < 1.0 - c.education_high, 1, 2))
    base = expected_literacy(pop.education[slots], pop.age[slots])
    pop.digital_literacy[slots] = np.clip(base + rng.normal(0.0, 0.15, k), 0.0, 1.0)
    pop.sociability[slots] = rng.beta(2.0, 2.0, k)
    pop.family_duty[slots] = np.clip(rng.exponential(sc.helping.family_duty_mean, k), 0.0, 0.9)
    pop.reluctance[slots] = np.clip(rng.normal(sc.helping.reluctance_mean, 0.15, k), 0.0, 1.0)
    pop.skill[slots] = rng.beta(sc.helping.skill_alpha, sc.helping.skill_beta, (k, N_NEEDS))
    t = sc.trust
    pop.generalized_trust[slots] = np.clip(
        rng.normal(t.initial_generalized_mean, t.initial_generalized_sd, k), 0.0, 1.0
    )
    pop.norm_internalization[slots] = np.clip(rng.normal(sc.norms.initial_internalization_mean, 0.15, k), 0.0, 1.0)
    m = sc.motives
    pop.self_worth[slots] = np.clip(rng.normal(m.initial_self_worth_mean, 0.15, k), 0.0, 1.0)
    pop.belonging[slots] = np.clip(rng.normal(m.initial_belonging_mean, 0.15, k), 0.0, 1.0)
    pop.loneliness[slots] = np.clip(rng.normal(m.initial_loneliness_mean, m.initial_loneliness_sd, k), 0.0, 1.0)
    pop.propensity[slots] = rng.normal(0.0, sc.participation.propensity_sd, k)


def tie_propensity(pop: Population, sc: Scenario) -> np.ndarray:
    """How readily each resident forms ties: sociable, educated and mobile residents
    gain ties faster; the frail and poorly educated stay isolated ([@socialcapital_mutualaid, §3.3.2])."""
    nw = sc.network
    return (
        pop.sociability**nw.sociability_weight
        * (1.0 + nw.education_weight * pop.education)
        * np.clip(pop.health, 0.05, 1.0) ** nw.frailty_weight
        * pop.occupied
    )


def group_ranges(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first slot, number of slots) of each slot's group, for group keys that are
    sorted by slot (every building's, or block's, dwellings are consecutive slots)."""
    if np.any(np.diff(keys) < 0):
        raise ValueError("dwellings of a group must be consecutive slots")
    start = np.searchsorted(keys, keys, side="left")
    return start, np.searchsorted(keys, keys, side="right") - start


def random_mates(u: np.ndarray, slots: np.ndarray, groups: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """A uniformly random slot of the same group (building or block) for each slot,
    from uniform numbers ``u``; ``groups`` is :func:`group_ranges` of the groups."""
    start, size = groups
    return start[slots] + np.floor(u * size[slots]).astype(np.int64)


def homophily_weight(pop: Population, a: np.ndarray, b: np.ndarray, homophily: float) -> np.ndarray:
    """exp(−homophily × distance), distance in age (per 20 years) and education (per 2 levels)."""
    dist = np.abs(pop.age[a] - pop.age[b]) / 20.0 + np.abs(pop.education[a] - pop.education[b]) / 2.0
    return np.exp(-homophily * dist)
