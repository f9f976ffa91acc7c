"""The time bank 时间银行/积分互助 ([@liu2025, §3.2.1-3.2.2]).

Ledger (every hour of help passes through it while the bank runs):
- issued: a helper earns ``credit_per_hour`` credits per hour given;
- spent: a requester pays for hours received from their balance (never below zero;
  help is not refused for lack of credits);
- expired: credits above ``storage_cap``, and the balance of a resident who leaves;
- fined: credits removed by the supervision body's sanctions.
Credits are conserved: issued − spent − expired − fined = Σ balances.

Redemption. If redemption is ``guaranteed``, a credit holder's need still unmet after
the week's matching is bought from paid services (``redemption_price`` per hour, from
the budget) against their credits. Helpers value credits by their credibility c:
c = 1 when redemption is guaranteed, otherwise the share of credit holders (residents
with credits before the week's payments) whose requests were met, smoothed over weeks
with retention ``credibility_memory`` (c starts at 0.5). The bank adds
``credit_weight``·c to the log-odds of accepting a request and
``willingness_weight``·c to stated willingness.
"""

from __future__ import annotations

import numpy as np

from sim.core.tally import WeekTally
from sim.interventions.base import Intervention, PhaseState


class TimeBank(Intervention):
    name = "time_bank"
    phase = "incentives"
    provides = ("credit_fines",)

    def __init__(self, block, model):
        super().__init__(block, model)
        self.issued = self.spent = self.expired = self.fined = 0.0
        self.redeemed_hours = 0.0
        self.credibility = 0.5

    def credible(self) -> float:
        return 1.0 if self.block.guaranteed else self.credibility

    def acceptance_bonus(self, pop, helpers: np.ndarray, need_type: np.ndarray) -> float:
        return self.block.credit_weight * self.credible()

    def willingness_bonus(self, pop) -> float:
        return self.block.willingness_weight * self.credible()

    def fine(self, pop, offenders: np.ndarray, amount: float) -> None:
        """Remove ``amount`` credits per sanction (never below zero)."""
        who, count = np.unique(offenders, return_counts=True)
        taken = np.minimum(pop.credits[who], amount * count)
        pop.credits[who] -= taken
        self.fined += float(taken.sum())

    def residents_left(self, pop, slots: np.ndarray) -> None:
        self.expired += float(pop.credits[slots].sum())
        pop.credits[slots] = 0.0

    def act(self, state: PhaseState) -> None:
        pop, tally, b = state.pop, state.tally, self.block
        ex = tally.exchanges
        n = pop.n
        earned = b.credit_per_hour * np.bincount(ex.helper, weights=ex.hours, minlength=n)
        owed = b.credit_per_hour * np.bincount(ex.requester, weights=ex.hours, minlength=n)
        holders = pop.occupied & (pop.credits > 0)  # before this week's payments
        paid = np.minimum(owed, pop.credits)
        pop.credits += earned - paid
        self.issued += float(earned.sum())
        self.spent += float(paid.sum())
        over = np.maximum(pop.credits - b.storage_cap, 0.0)
        pop.credits -= over
        self.expired += float(over.sum())

        holders_asking = holders & tally.asked
        if holders_asking.any():
            met = (holders_asking & ~tally.unanswered).sum() / holders_asking.sum()
            memory = b.credibility_memory
            self.credibility = memory * self.credibility + (1.0 - memory) * met
        if b.guaranteed:
            self._redeem(pop, tally, pop.occupied & (pop.credits > 0))

    def _redeem(self, pop, tally: WeekTally, holders: np.ndarray) -> None:
        """Buy credit holders' unmet need from paid services, as far as money allows."""
        b = self.block
        unmet = pop.backlog.sum(axis=1) * holders
        hours = np.minimum(unmet, pop.credits / max(b.credit_per_hour, 1e-12))
        wanted = float(hours.sum())
        if wanted <= 0:
            return
        paid = self.charge(wanted * b.redemption_price) if b.redemption_price > 0 else wanted
        share = paid / (wanted * b.redemption_price) if b.redemption_price > 0 else 1.0
        hours *= share
        fraction = np.divide(hours, unmet, out=np.zeros_like(hours), where=unmet > 0)
        pop.backlog *= (1.0 - fraction)[:, None]
        credits = hours * b.credit_per_hour
        pop.credits -= credits
        self.spent += float(credits.sum())
        self.redeemed_hours += float(hours.sum())
        tally.redeemed_hours = float(hours.sum())
