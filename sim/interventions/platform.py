"""The information platform 信息交互平台 with a feedback channel ([@socialcapital_mutualaid, §4.1];
[@liu2025, §3.2.4, §5.1]).

Matching beyond one's ties: a requester with no tie left to ask can post the request
if they can use the platform — digital literacy ≥ ``literacy_threshold``, or staff
assistance that week (probability ``assistance``: digital help for residents with low
literacy). The platform shows ``candidates`` available members drawn from the whole
community; with pre-service information the requester sees each candidate's service
record — the Beta expectation (good + 1)/(good + bad + 2) of their public ratings —
and picks the best-rated, otherwise the first shown. Ratings reflect the hidden skill
only through past outcomes, so the platform narrows the information asymmetry
without abolishing it. The chosen helper then
decides as in the helping step (an exchange tie forms on first help).
With public feedback every rating counts fully in the public reputation (trust
submodel), instead of spreading only by gossip, and members who use the platform see
the week's ratings (in expectation: fully from the literacy threshold on, with the
assistance probability below it). Residents who can use the platform hear of the
scheme through it with weekly probability ``awareness``.
"""

from __future__ import annotations

import numpy as np

from sim.interventions.base import Intervention


class Platform(Intervention):
    name = "platform"
    phase = None
    provides = ("matching", "ratings")

    @property
    def public_feedback(self) -> bool:
        return bool(self.block.public_feedback)

    def can_use(self, pop, slots: np.ndarray, u_assist: np.ndarray) -> np.ndarray:
        return (pop.digital_literacy[slots] >= self.block.literacy_threshold) | (u_assist < self.block.assistance)

    def candidates(self, pop, seekers: np.ndarray, can_help: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(requester, helper) pairs matched through the platform."""
        b = self.block
        rng = self.stream()
        empty = np.zeros(0, dtype=np.int64)
        pool = np.flatnonzero(can_help)
        if len(seekers) == 0 or len(pool) == 0:
            return empty, empty
        users = seekers[self.can_use(pop, seekers, rng.random(len(seekers)))]
        if len(users) == 0:
            return empty, empty
        shown = pool[rng.integers(0, len(pool), (len(users), b.candidates))]
        valid = shown != users[:, None]
        if b.pre_service_info:
            good, bad = pop.reputation_good[shown], pop.reputation_bad[shown]
            score = np.where(valid, (good + 1.0) / (good + bad + 2.0), -1.0)
        else:
            score = valid.astype(np.float64)  # the first valid candidate shown
        pick = np.argmax(score, axis=1)
        rows = np.arange(len(users))
        ok = valid[rows, pick]
        return users[ok], shown[rows, pick][ok]

    def usability(self, pop) -> np.ndarray:
        """Per resident, the weekly chance of using the platform: 1 from the literacy
        threshold on, otherwise the chance of staff assistance that week."""
        b = self.block
        return np.where(pop.digital_literacy >= b.literacy_threshold, 1.0, b.assistance)

    def awareness_probability(self, pop) -> np.ndarray:
        return self.block.awareness * self.usability(pop)
