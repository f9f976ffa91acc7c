"""What happened in one week, handed from submodel to submodel and to observation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Exchanges:
    """The help given in one week, one entry per (helper, requester, need type)."""

    helper: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    requester: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    need_type: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    edge: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # requester→helper
    twin: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # helper→requester
    success: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    dispute: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    new_mode: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class WeekTally:
    """What happened this week, passed from submodel to submodel and to observation."""

    n: int
    exchanges: Exchanges = field(default_factory=Exchanges)
    asked: np.ndarray | None = None  # residents who asked for help this week
    requests_made: np.ndarray | None = None  # per resident: requests put to a helper
    requests_accepted: np.ndarray | None = None
    unanswered: np.ndarray | None = None  # per resident: asked and got nothing
    need_hours: float = 0.0
    need_by_resident: np.ndarray | None = None
    violators: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    victims: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    violation_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # 0 free riding, 1 dispute
    sanctions: int = 0
    interactions: np.ndarray | None = None  # per resident: contacts beyond ties (exchanges, events)
    belonging_events: np.ndarray | None = None
    deaths: int = 0
    moves: int = 0
    newcomers: int = 0
    attendees: np.ndarray | None = None  # residents at community activities this week
    redeemed_hours: float = 0.0  # need bought from paid services against time-bank credits

    def __post_init__(self) -> None:
        self.interactions = np.zeros(self.n)
        self.belonging_events = np.zeros(self.n)
