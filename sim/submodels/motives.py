"""Step 13, motives: self-worth 自我价值实现, loneliness (the inverse of emotional
connection 情感联结) and belonging 社会归属感 ([@liu2025, §2.3]).

Self-worth (feeling needed): decays toward the floor that other roles sustain (role
loss) and rises with each successful help given and each public recognition of one
(k = helps + ``self_worth_per_recognition``·recognitions this week; recognitions come
from the incentives' ``self_worth_events`` hook):
    s' = s − δ_s·(s − floor),   s ← s' + (1 − (1 − g_s)^k)·(1 − s').

Contact: first the week's everyday contacts with one's ties are drawn
(``sim.submodels.network_dynamics.everyday_contact``: each tie is met with a
probability rising in its strength, and a met tie is refreshed); they are counted in
``tally.contacts``.

Loneliness: isolation raises it and contact lowers it,
    L ← L + ρ_L·(1 + alone)·(1 − L) − ρ_C·c·L,
where c = contacts with one's ties this week + interactions this week (exchanges,
activities, visits, sessions) — events that happened, so strong ties that are not met
this week relieve nothing — and living alone doubles the pull toward loneliness.
Lonely means L > ``lonely_threshold`` (calibrated to ≈30% lonely; CHARLS, CLHLS).

Belonging: decays slowly and rises with events that tie one to the community —
successful exchanges (either side), community activities attended
(``belonging_per_activity`` events each: the group life of the community, on top of the
contact they bring), and the same counted contacts and interactions c
(``belonging_contact_weight`` events per contact; a one-to-one visit or a counselling
session is contact like any other). The interventions record what happened (who
attended, who was recognised); how much it moves a motive is the resident's response,
set here:
    b' = b·(1 − δ_b),   b ← b' + (1 − (1 − g_b)^e)·(1 − b').
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.util import repeated_gain
from sim.submodels.network_dynamics import everyday_contact

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Motives, Network
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels


def decay_then_gain(x: np.ndarray, decay: float, gain: float, events: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Decay toward ``floor``, then close a share of the gap to 1 for each event."""
    x = x - decay * (x - floor)
    return x + repeated_gain(gain, events) * (1.0 - x)


def loneliness_update(
    loneliness: np.ndarray, contact: np.ndarray, alone: np.ndarray, rise: float, relief: float
) -> np.ndarray:
    """One week of loneliness dynamics (bounded to [0, 1])."""
    new = loneliness + rise * (1.0 + alone) * (1.0 - loneliness) - relief * contact * loneliness
    return np.clip(new, 0.0, 1.0)


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    propensity: np.ndarray,
    m: Motives,
    network: Network,
) -> None:
    """A week of contact and motives; ``rng`` is the contact stream, ``propensity`` each
    resident's tie propensity π (``sim.core.population.tie_propensity``)."""
    ex = tally.exchanges
    n = pop.n
    helped_ok = np.bincount(ex.helper, weights=ex.success, minlength=n)
    recognition = m.self_worth_per_recognition * channels.hook_sum("self_worth_events", helped_ok)
    pop.self_worth = decay_then_gain(
        pop.self_worth, m.self_worth_decay, m.self_worth_gain, helped_ok + recognition, m.self_worth_floor
    )

    tally.contacts = everyday_contact(pop=pop, net=net, community=community, rng=rng, propensity=propensity, nw=network)
    contact = tally.contacts + tally.interactions
    pop.loneliness = loneliness_update(pop.loneliness, contact, pop.lives_alone, m.loneliness_rise, m.loneliness_relief)

    attended = np.bincount(tally.attendees, minlength=n)
    events = (
        helped_ok
        + np.bincount(ex.requester, weights=ex.success, minlength=n)
        + m.belonging_per_activity * attended
        + m.belonging_contact_weight * contact
    )
    pop.belonging = decay_then_gain(pop.belonging, m.belonging_decay, m.belonging_gain, events)
