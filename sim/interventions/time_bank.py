"""The time bank 时间银行/积分互助: time banking as deferred reciprocity
([@liu2025, §3.2.1-3.2.2]) — help given now is banked as a claim on help later.

Ledger (every hour of help passes through it while the bank runs):
- issued: a helper earns ``credit_per_hour`` credits per hour given;
- spent: a requester pays for hours received from their balance (never below zero;
  help is not refused for lack of credits);
- expired: credits above ``storage_cap``, and the balance of a resident who leaves;
- fined: credits removed by the supervision body's sanctions.
Credits are conserved: issued − spent − expired − fined = Σ balances.

Price. A credit is worth something to a helper only as far as they expect to need
help later and believe the bank will deliver it. Resident i's anticipated need is
    a_i = clip(1 − health_i + anticipation_per_year · max(age_i − 60, 0), 0, 1),
and the credit's price is c_i·a_i, with c_i what i believes of the bank's credibility.
The bank adds ``credit_weight``·c_h·a_h to the log-odds that helper h accepts a request,
and ``willingness_weight``·c_i·a_i to the stated willingness of residents who know the
scheme (the unaware cannot know of the bank).

Credibility is learned, guaranteed or not, and it is local (``sim.interventions.record``):
each resident counts the outcomes of the credit holders' requests they know of — their
own, and those their ties tell them by word of mouth — forgotten at
``credibility_memory`` a week, and believes the bank with
c_i = (kept_i + 2·credibility_prior)/(kept_i + broken_i + 2). A credit holder (a
resident holding credits before the week's payments) who asked counts as kept if a
member answered them, or, if redemption is ``guaranteed``, by the share of their unmet
need bought for them. The price of a credit to resident i is c_i·a_i. Redemption buys a
credit holder's need still unmet after the week's matching from paid services
(``redemption_price`` per hour, from the budget) against their credits; those hours
are met (``redeemed_hours``), and observation still counts them in the need before
services. A bank that guarantees redemption and can pay for it becomes credible; one
whose holders ask in vain loses its pull.

Standing arrangements (the coordination a bank's office provides, [@liu2025, §3.3.2]).
After the week's exchanges, each successful exchange between a client and a helper
neither of whom has a standing arrangement becomes one with probability
``arrangement_rate`` (stream ``time_bank``; one arrangement per client and per helper,
the exchanges considered in a random order): the coordinator schedules the helper to
visit the client every week. The helping step serves arrangements
first (the client need not decide to ask; the helper, whose consent was given when the
arrangement was made, serves as far as their capacity goes): a weekly visit in which
the helper meets the client's needs, type by type, the largest first. An arrangement ends when
the helper no longer states willingness, either of the two is no longer an active
member of the scheme (left, quit or excluded), or the helper shirks a service to the
client (a violation); an honest failure (skill) does not end it. A week in which the
client has no need, or the helper no capacity, passes without a visit.
While the bank does not run, no arrangement is served or made.
"""

from __future__ import annotations

import numpy as np

from sim.core.tally import SHIRKING, WeekTally
from sim.interventions.base import Intervention, PhaseState
from sim.interventions.record import PromiseRecord


class TimeBank(Intervention):
    name = "time_bank"
    phase = "incentives"
    provides = ("credit_fines", "arrangements")

    def __init__(self, block, model):
        super().__init__(block, model)
        self.issued = self.spent = self.expired = self.fined = 0.0
        self.redeemed_hours = 0.0
        n = model.pop.n
        self.trust = model.config.trust  # word of mouth about the bank (gossip, hearsay weight)
        self.record = PromiseRecord(n, block.credibility_prior, block.credibility_memory)
        self.credibility = block.credibility_prior  # reported: the mean belief of the aware
        self.partner = np.full(n, -1, dtype=np.int64)  # client → helper, -1 none
        self.serving = np.zeros(n, dtype=bool)  # helper has a client

    # -- standing arrangements (the ``arrangements`` channel) ------------------------
    def standing(self) -> tuple[np.ndarray, np.ndarray]:
        clients = np.flatnonzero(self.partner >= 0)
        return clients, self.partner[clients]

    def end(self, clients: np.ndarray) -> None:
        clients = np.asarray(clients, dtype=np.int64)
        helpers = self.partner[clients]
        self.serving[helpers[helpers >= 0]] = False
        self.partner[clients] = -1

    def arrange(self, helper: np.ndarray, client: np.ndarray, u: np.ndarray) -> None:
        """Make standing arrangements from this week's successful exchanges
        (helper, client), each with its uniform draw ``u``, in the given order: one per
        client and one per helper."""
        for h, q, draw in zip(helper.tolist(), client.tolist(), u.tolist()):
            if h == q or self.partner[q] >= 0 or self.serving[h] or self.partner[h] == q:
                continue
            if draw < self.block.arrangement_rate:
                self.partner[q] = h
                self.serving[h] = True

    def anticipated_need(self, pop, slots: np.ndarray | slice) -> np.ndarray:
        """a_i: how much help resident i expects to need (module docstring)."""
        ageing = self.block.anticipation_per_year * np.maximum(pop.age[slots] - 60.0, 0.0)
        return np.clip(1.0 - pop.health[slots] + ageing, 0.0, 1.0)

    def acceptance_bonus(self, pop, helpers: np.ndarray, need_type: np.ndarray) -> np.ndarray:
        return self.block.credit_weight * self.record.belief(helpers) * self.anticipated_need(pop, helpers)

    def willingness_bonus(self, pop) -> np.ndarray:
        price = self.record.belief() * self.anticipated_need(pop, slice(None))
        return self.block.willingness_weight * price * pop.aware

    def fine(self, pop, offenders: np.ndarray, amount: float) -> None:
        """Remove ``amount`` credits per sanction (never below zero)."""
        who, count = np.unique(offenders, return_counts=True)
        taken = np.minimum(pop.credits[who], amount * count)
        pop.credits[who] -= taken
        self.fined += float(taken.sum())

    def residents_left(self, pop, slots: np.ndarray) -> None:
        self.expired += float(pop.credits[slots].sum())
        pop.credits[slots] = 0.0
        self.record.forget(slots)
        gone = np.zeros(pop.n, dtype=bool)
        gone[slots] = True
        clients = np.flatnonzero(self.partner >= 0)
        self.end(clients[gone[clients] | gone[self.partner[clients]]])

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

        shirked = tally.violation_kind == SHIRKING
        if shirked.any():
            bad_q, bad_h = tally.victims[shirked], tally.violators[shirked]
            self.end(bad_q[self.partner[bad_q] == bad_h])
        if b.arrangement_rate > 0 and len(ex.helper):
            ok = np.flatnonzero(ex.success & (pop.capacity[ex.helper] >= b.visit_hours))
            order = ok[self.stream().permutation(len(ok))]
            u = self.stream().random(len(order))
            self.arrange(ex.helper[order], ex.requester[order], u)

        redeemed = np.zeros(n)
        if b.guaranteed:
            redeemed = self._redeem(pop, tally, pop.occupied & (pop.credits > 0))
        holders_asking = np.flatnonzero(holders & tally.asked)
        kept = np.where(tally.unanswered, redeemed, 1.0)[holders_asking]
        self.record.learn(state.net, holders_asking, kept, self.stream(), self.trust)
        self.credibility = self.record.mean(pop.occupied & pop.aware)

    def _redeem(self, pop, tally: WeekTally, holders: np.ndarray) -> np.ndarray:
        """Buy credit holders' unmet need from paid services, as far as money allows;
        returns the share of each resident's unmet need bought."""
        b = self.block
        unmet = pop.backlog.sum(axis=1) * holders
        hours = np.minimum(unmet, pop.credits / max(b.credit_per_hour, 1e-12))
        wanted = float(hours.sum())
        if wanted <= 0:
            return np.zeros(pop.n)
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
        return fraction
