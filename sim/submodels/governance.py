"""Step 1, governance: which interventions run this week, and the budget.

An intervention runs in week t when it is enabled, start_week ≤ t < end_week (if
set), t ≥ 0 (never during burn-in), and it has not run out of money. Funding
([@liu2025, §3.3.1]): when ``funding.enabled`` is false the costs of interventions are
only recorded (paid from outside the model). When it is true the scheme has a
balance: a stable income arrives every week (kind ``stable``), or a one-off grant at
``grant_week`` (kind ``project``). Each week, in the budget priority order of
``sim.interventions.REGISTRY``, every scheduled, funded intervention must pay its
weekly cost (plus its setup cost in its first week); one that cannot is stopped for
good from that week on — when the money runs out, the interventions it pays for stop.
Variable costs during the week (points, rewards, guaranteed redemption, professional
hours) are paid as far as the balance allows; an intervention that could not pay
them in full stops from the next week. The balance never goes negative.
Running interventions act at their place in the schedule (``run_phase``, called by the
phase steps of ``sim.core.schedule.WEEK``), through hooks the other submodels sum
(``hook_sum``) and through the channels they provide (``channels``: matching, ratings,
detection, …; see ``sim.interventions.base``), which this step fills each week from
the running interventions, so a submodel never asks for an intervention by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.interventions import REGISTRY
from sim.interventions.base import CHANNELS, Channels, PhaseState, check_hook

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.model import CommunityModel


class Governance:
    """The interventions of a scenario, their weekly on/off state, and the budget."""

    def __init__(self, model: CommunityModel):
        self.model = model
        blocks = model.config.interventions
        self.funding = blocks.funding
        self.balance = self.funding.initial_balance
        self.spent = 0.0
        self.interventions: dict[str, Any] = {
            name: cls(getattr(blocks, name), model) for name, cls in REGISTRY.items() if getattr(blocks, name).enabled
        }
        self.running: dict[str, bool] = {}
        self.started: dict[str, int] = {}  # first week each intervention ran
        self.stopped: dict[str, int] = {}  # first week it no longer ran, after running
        self.out_of_money: dict[str, int] = {}  # week each intervention ran out of money
        self.channels = Channels(self)
        providers: dict[str, str] = {}
        for name, iv in self.interventions.items():
            for channel in iv.provides:
                if channel in providers:
                    raise TypeError(f"channel {channel!r} is provided by both {providers[channel]!r} and {name!r}")
                providers[channel] = name
        self.providers = providers  # channel → the enabled intervention that provides it

    def update_channels(self) -> None:
        """Point each channel at its provider if that runs this week, else None."""
        for channel in CHANNELS:
            name = self.providers.get(channel)
            setattr(self.channels, channel, self.interventions[name] if name and self.running.get(name) else None)

    def stopped_spans(self) -> dict[str, tuple[int, int]]:
        """(first week run, first week stopped) of interventions that ran and stopped."""
        return {name: (self.started[name], week) for name, week in self.stopped.items()}

    def get(self, name: str) -> Any | None:
        """The intervention object if it is running this week, else None (for
        inspection: tests, the dashboard; submodels use ``channels``)."""
        return self.interventions[name] if self.running.get(name, False) else None

    def budget_limited(self, name: str) -> bool:
        return self.funding.enabled and self.interventions[name].block.funded

    def charge(self, name: str, amount: float) -> float:
        """Pay ``amount`` for intervention ``name``; returns what was paid. A budget-
        limited intervention that cannot pay in full stops from the next week."""
        if amount <= 0:
            return 0.0
        paid = amount
        if self.budget_limited(name):
            paid = min(amount, self.balance)
            self.balance -= paid
            if paid < amount:
                self.out_of_money.setdefault(name, self.model.week + 1)
        self.spent += paid
        return paid

    def hook_sum(self, hook: str, *args: Any) -> Any:
        """Sum of ``hook(*args)`` over the running interventions that offer it
        (0 if none does): additive terms such as incentives or outreach. ``hook`` must
        be one of ``sim.interventions.base.Hooks``."""
        check_hook(hook)
        total: Any = 0.0
        for name, iv in self.interventions.items():
            if self.running.get(name) and hook in iv.hooks:
                total = total + getattr(iv, hook)(*args)
        return total

    def notify(self, event: str, *args: Any) -> None:
        """Tell every enabled intervention that offers the hook ``event`` (e.g.
        residents_left), running or not, so ledgers stay whole."""
        check_hook(event)
        for iv in self.interventions.values():
            if event in iv.hooks:
                getattr(iv, event)(*args)

    def run_phase(self, phase: str, state: PhaseState) -> None:
        """Let the running interventions that act at this point of the week act on ``state``."""
        for name, iv in self.interventions.items():
            if self.running.get(name) and iv.phase == phase:
                iv.act(state)


def scheduled(block: Any, week: int) -> bool:
    return week >= 0 and week >= block.start_week and (block.end_week is None or week < block.end_week)


def step(*, gov: Governance, community: CommunityState) -> None:
    """Receive funding, then switch interventions on and off and pay their fixed costs."""
    week = community.week
    f = gov.funding
    if f.enabled and week >= 0:
        if f.kind == "stable":
            gov.balance += f.weekly_income
        elif week == f.grant_week:
            gov.balance += f.grant
    for name, iv in gov.interventions.items():
        was = gov.running.get(name, False)
        block = iv.block
        runs = scheduled(block, week) and (name not in gov.out_of_money or week < gov.out_of_money[name])
        if runs:
            due = block.weekly_cost + (block.setup_cost if name not in gov.started else 0.0)
            if gov.budget_limited(name) and gov.balance < due:
                gov.out_of_money.setdefault(name, week)
                runs = False
            else:
                gov.charge(name, due)
        gov.running[name] = runs
        if runs and name not in gov.started:
            gov.started[name] = week
        if was and not runs:
            gov.stopped.setdefault(name, week)
    gov.update_channels()
