"""The professional supervision body 专业监督机构 ([@socialcapital_mutualaid, §4.2]; Axelrod's 1986
norms game is the classic form of punishing defectors at a cost).

It acts on violations only — free riding and shirking (``sim.core.tally.FREE_RIDING``,
``SHIRKING``); an honest helper whose service failed for want of skill is never
reported, investigated or barred (quality is what ratings and gossip judge, step 9).
A victim reports a violation with probability min(1, report_rate +
reward_report_gain·reporting_reward): reporting rewards raise reporting. The body
investigates at most ``cases_per_week`` reports a week (capacity-limited: cases
beyond it go uninvestigated, in random order) and confirms each investigated one with
probability ``detection``. A confirmed violation is sanctioned: the norms step adds
the documented bad reports to the offender's reputation; here the offender is also
excluded from asking and helping for ``exclusion_weeks`` weeks and, if a time bank
runs, fined ``credit_fine`` credits (never below zero). Each confirmed report costs
``reporting_reward`` from the budget.

Exclusion is the body's cost to participation. Most confirmed violations are shirked
services, so exclusion falls on the residents who help most. It removes their help for
the whole exclusion, and the unanswered requests lower the scheme's record. The norms
step carries the protection: what residents witness of sanctions. docs/odd.md §7.14
gives the decomposition.
"""

from __future__ import annotations

import numpy as np

from sim.interventions.base import Intervention


class Supervision(Intervention):
    name = "supervision"
    phase = None
    provides = ("detection",)

    def report_probability(self) -> float:
        b = self.block
        return min(1.0, b.report_rate + b.reward_report_gain * b.reporting_reward)

    def detect(self, pop, offenders: np.ndarray, victims: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """Which violations the body confirms (and sanctions beyond reputation)."""
        b, model = self.block, self.model
        rng = self.stream()
        v = len(offenders)
        u_report, u_order, u_confirm = rng.random((3, v))
        reported = np.flatnonzero(u_report < self.report_probability())
        investigated = reported[np.argsort(u_order[reported], kind="stable")[: b.cases_per_week]]
        confirmed = np.zeros(v, dtype=bool)
        confirmed[investigated] = u_confirm[investigated] < b.detection
        who = offenders[confirmed]
        pop.excluded_until[who] = model.week + 1 + b.exclusion_weeks
        fines = model.governance.channels.credit_fines
        if fines is not None and len(who):
            fines.fine(pop, who, b.credit_fine)
        if confirmed.any() and b.reporting_reward > 0:
            self.charge(b.reporting_reward * int(confirmed.sum()))
        return confirmed
