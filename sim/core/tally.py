"""What happened in one week, handed from submodel to submodel and to observation.

Every field exists from construction: per-resident counts and flags start as zeros
of the community's size, lists of events as empty arrays. A step that reads a field
therefore never has to ask whether an earlier step filled it (a step that did not
run, or an intervention that is off, leaves the zeros: "nothing happened").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# codes of ``WeekTally.violation_kind``: the two violations of the reciprocity norm.
# A failed service (hidden skill) is a quality outcome, never a violation.
FREE_RIDING = 0  # declined, while able, a request from someone one owes
SHIRKING = 1  # took on a service and shirked it (it fails whatever the skill)


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _floats() -> np.ndarray:
    return np.zeros(0)


def _flags() -> np.ndarray:
    return np.zeros(0, dtype=bool)


@dataclass
class Exchanges:
    """The help given in one week, one entry per (helper, requester, need type)."""

    helper: np.ndarray = field(default_factory=_ints)
    requester: np.ndarray = field(default_factory=_ints)
    need_type: np.ndarray = field(default_factory=_ints)
    hours: np.ndarray = field(default_factory=_floats)
    edge: np.ndarray = field(default_factory=_ints)  # requester→helper
    twin: np.ndarray = field(default_factory=_ints)  # helper→requester
    success: np.ndarray = field(default_factory=_flags)
    dispute: np.ndarray = field(default_factory=_flags)
    new_mode: np.ndarray = field(default_factory=_flags)


@dataclass
class WeekTally:
    """What happened this week, passed from submodel to submodel and to observation.

    Per-resident fields (length ``n``) are sized in ``__post_init__``; the others are
    event lists (one entry per violation, attendee …) or week totals."""

    n: int
    exchanges: Exchanges = field(default_factory=Exchanges)
    asked: np.ndarray = field(default_factory=_flags)  # per resident: asked for help this week
    requests_made: np.ndarray = field(default_factory=_floats)  # per resident: requests put to a helper
    requests_accepted: np.ndarray = field(default_factory=_floats)
    unanswered: np.ndarray = field(default_factory=_flags)  # per resident: asked and got nothing
    need_hours: float = 0.0
    need_by_resident: np.ndarray = field(default_factory=_floats)
    health_covered: float = 0.0  # health need professional services met before it joined the backlog
    violators: np.ndarray = field(default_factory=_ints)
    victims: np.ndarray = field(default_factory=_ints)
    violation_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # FREE_RIDING, SHIRKING
    sanctions: int = 0
    interactions: np.ndarray = field(default_factory=_floats)  # per resident: contacts beyond ties (exchanges, events)
    contacts: np.ndarray = field(default_factory=_floats)  # per resident: everyday contacts with ties (motives step)
    deaths: int = 0
    moves: int = 0
    newcomers: int = 0
    attendees: np.ndarray = field(default_factory=_ints)  # residents at community activities this week
    redeemed_hours: float = 0.0  # need bought from paid services against time-bank credits

    def __post_init__(self) -> None:
        n = self.n
        self.asked = np.zeros(n, dtype=bool)
        self.requests_made = np.zeros(n)
        self.requests_accepted = np.zeros(n)
        self.unanswered = np.zeros(n, dtype=bool)
        self.need_by_resident = np.zeros(n)
        self.interactions = np.zeros(n)
        self.contacts = np.zeros(n)
