"""What each resident knows of whether an intervention keeps its promise: the time
bank's promise of help later (credibility), the incentives' promise of payment.

Like the scheme's record (口碑, ``sim.submodels.participation.hear_record``) and local
trust, the knowledge is local: a resident counts the outcomes they experience
themselves (weight 1) and those their ties tell them (each tie passes an outcome on
with probability ``trust.gossip_rate`` and it counts ``trust.hearsay_weight``), as
Beta counts of promises kept and broken that are forgotten at ``memory`` a week.
Resident i believes the promise with

    b_i = (kept_i + 2·prior) / (kept_i + broken_i + 2),

the prior weighing as two outcomes, so a resident who has heard nothing holds the
prior and one who has heard much holds what they heard. A newcomer knows nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.submodels.trust import hearsay, own_and_heard

PRIOR_WEIGHT = 2.0
"""The prior counts as this many outcomes (a uniform Beta(1, 1) at prior ½)."""


class PromiseRecord:
    """Per-resident counts of an intervention's promise kept and broken (module docstring)."""

    def __init__(self, n: int, prior: float, memory: float):
        self.prior = prior
        self.memory = memory
        self.kept = np.zeros(n)
        self.broken = np.zeros(n)

    def belief(self, slots: np.ndarray | slice = slice(None)) -> np.ndarray:
        """b_i for the residents in ``slots``."""
        kept = self.kept[slots]
        return (kept + PRIOR_WEIGHT * self.prior) / (kept + self.broken[slots] + PRIOR_WEIGHT)

    def learn(self, net: Any, who: np.ndarray, kept: np.ndarray, rng: np.random.Generator, trust: Any) -> None:
        """Forget at ``memory``, then count this week's outcomes: resident ``who[k]``
        saw the promise kept to the extent ``kept[k]`` (0 to 1), and their ties hear
        of it by word of mouth (``trust.gossip_rate``, ``trust.hearsay_weight``; one
        draw per tie from ``rng``, only when there is an outcome)."""
        self.kept *= self.memory
        self.broken *= self.memory
        if len(who) == 0:
            return
        who = np.asarray(who, dtype=np.int64)
        kept = np.asarray(kept, dtype=np.float64)
        listener, event = hearsay(net, who, rng, trust.gossip_rate)
        n = len(self.kept)
        self.kept += own_and_heard(n, who, kept, listener, event, trust.hearsay_weight)
        self.broken += own_and_heard(n, who, 1.0 - kept, listener, event, trust.hearsay_weight)

    def forget(self, slots: np.ndarray) -> None:
        """The residents of ``slots`` left: whoever moves in knows nothing yet."""
        self.kept[slots] = 0.0
        self.broken[slots] = 0.0

    def mean(self, who: np.ndarray) -> float:
        """The mean belief over the residents flagged in ``who`` (the prior if none)."""
        return float(self.belief(who).mean()) if who.any() else self.prior
