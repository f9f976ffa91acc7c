"""Step 0, adverse events: the failure modes of [@socialcapital_mutualaid, §3] as
scheduled changes of the inputs behaviour depends on, from a recorded week on.

The question of seed 000 §3 is what makes an established scheme wither; each event
below is one of its answers, switchable in the scenario's ``[shocks]`` block with a
week and a dose, and none of them sets an outcome (trust, membership, activity): each
changes an input the other steps already read, and the community's response is the
model's.

- ``coordinator_loss`` (§3.2.1, part-time staff with many other duties): from its week
  the coordinator relays requests with probability ``reach`` instead of
  ``helping.coordinator_reach``, and residents register at ``registration`` times
  ``participation.join_rate`` (registering takes a visit to the coordinator).
- ``funding_loss`` ([@liu2025, §3.3.1], unstable finance): from its week only
  ``income_share`` of the stable weekly income (and of a project grant not yet
  received) arrives; the funded interventions stop when the balance runs out.
- ``enforcement_loss`` (§3.2.1, violations not corrected): from its week informal
  detection is ``informal_detection`` and the supervision body's (if it runs)
  ``supervision_detection``.
- ``trust_crisis`` (§3.1.2, a publicised failure): for ``weeks`` weeks every helper's
  log-odds of accepting fall by ``accept_drop`` — a wave of refusals as helpers
  withdraw after a publicised failure (not shirking: nobody takes on a service and
  fails to do it). Declines towards those a helper owes count as free riding and go
  mostly unpunished; what residents see of the crisis (unanswered requests, unpunished
  free riding) reaches trust, the norms and the scheme's record through their own
  steps, not through this one; afterwards acceptance is as before.
- ``ageing_core`` (§3.1.1, mobility): from its week newcomers replace leavers towards
  the event's older age profile instead of the setting's, so the young-old who give
  most help are not renewed.

The step runs first in the week, so an event of week W acts on every step of week W.
It acts only at the weeks an event starts or ends (the trust crisis's end undoes its
own change), so events compose: two events on the same block each change their own
field. The scenario's blocks are replaced, never changed in place, so a scenario shared
by several runs is untouched; the changed blocks are handed back to the model, which
uses them from then on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.params import Community, Helping, Norms, Participation, Shocks
    from sim.submodels.governance import Governance


def step(
    *,
    community: CommunityState,
    gov: Governance,
    shocks: Shocks,
    helping: Helping,
    norms: Norms,
    participation: Participation,
    setting: Community,
) -> dict[str, Any]:
    """Apply the events that start (or end) this week; return the scenario blocks that
    change (``{}`` in a week with no event)."""
    week = community.week
    changed: dict[str, Any] = {}
    c = shocks.coordinator_loss
    if c.enabled and week == c.week:
        helping = helping.model_copy(update={"coordinator_reach": c.reach})
        changed["helping"] = helping
        changed["participation"] = participation.model_copy(
            update={"join_rate": participation.join_rate * c.registration}
        )
    t = shocks.trust_crisis
    if t.enabled and week in (t.week, t.week + t.weeks):
        drop = t.accept_drop if week == t.week else -t.accept_drop
        changed["helping"] = helping.model_copy(update={"accept_intercept": helping.accept_intercept - drop})
    e = shocks.enforcement_loss
    if e.enabled and week == e.week:
        changed["norms"] = norms.model_copy(update={"informal_detection": e.informal_detection})
        supervision = gov.interventions.get("supervision")
        if supervision is not None:
            supervision.block = supervision.block.model_copy(update={"detection": e.supervision_detection})
    f = shocks.funding_loss
    if f.enabled and week == f.week:
        funding = gov.funding
        grant = funding.grant * f.income_share if funding.grant_week >= week else funding.grant
        gov.funding = funding.model_copy(
            update={"weekly_income": funding.weekly_income * f.income_share, "grant": grant}
        )
    a = shocks.ageing_core
    if a.enabled and week == a.week:
        changed["community"] = setting.model_copy(
            update={
                "age_share_60_69": a.age_share_60_69,
                "age_share_70_79": a.age_share_70_79,
                "age_share_80_plus": a.age_share_80_plus,
            }
        )
    return changed
