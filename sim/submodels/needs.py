"""Step 3, needs and capacity.

New need hours this week, by type (hours/week):
    daily living 生活照料  = D_iadl if IADL-limited, D_adl if ADL-disabled, else 0
    companionship 精神慰藉 = C · loneliness
    health 健康            = H · (1 − health)
    errands 代办/数字       = E · (1 − digital literacy) · (1 − health/2)
Family covers a share f (``family_support``, or ``family_support_alone`` for
residents living alone) of every type; formal care — the substitute whose level is a
parameter — covers a share ``formal_care`` of what remains of daily-living and health
need. The rest joins the backlog, of which a share ``backlog_carryover`` of last
week's unmet hours is still there:
    backlog ← carryover · backlog + (1 − f) · formal_factor · new.
The backlog is the need the mutual-aid scheme could meet this week.

Weekly capacity to help (hours/week):
    capacity = max_capacity · clip((h − iadl_threshold)/(1 − iadl_threshold), 0, 1)
               · clip(1 − age_decline·max(age − 70, 0), 0, 1) · (1 − family duties)
so the young-old help the old-old and the disabled do not help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.params import Community, Demography, Helping, Needs
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels

DAILY, COMPANIONSHIP, HEALTH, ERRANDS = 0, 1, 2, 3


def new_need(pop, needs, demography) -> np.ndarray:
    """Need hours by type before family and formal care, (residents × 4)."""
    h = pop.health
    iadl = h < demography.iadl_threshold
    adl = h < demography.adl_threshold
    out = np.empty((pop.n, 4), order="F")  # column-major like Population's matrices
    out[:, DAILY] = np.where(adl, needs.daily_living_adl, np.where(iadl, needs.daily_living_iadl, 0.0))
    out[:, COMPANIONSHIP] = needs.companionship * pop.loneliness
    out[:, HEALTH] = needs.health_support * (1.0 - h)
    out[:, ERRANDS] = needs.errands * (1.0 - pop.digital_literacy) * (1.0 - 0.5 * h)
    out *= pop.occupied[:, None]
    return out


def residual_need(pop, community, new: np.ndarray, formal_health_extra: float = 0.0) -> np.ndarray:
    """What family and formal care leave of the new need."""
    family = np.where(pop.lives_alone, community.family_support_alone, community.family_support)
    residual = new * (1.0 - family)[:, None]
    residual[:, DAILY] *= 1.0 - community.formal_care
    residual[:, HEALTH] *= (1.0 - community.formal_care) * (1.0 - formal_health_extra)
    return residual


def capacity(pop, helping, demography) -> np.ndarray:
    """Hours each resident can give this week."""
    thr = demography.iadl_threshold
    health_factor = np.clip((pop.health - thr) / (1.0 - thr), 0.0, 1.0)
    age_factor = np.clip(1.0 - helping.capacity_age_decline * np.maximum(pop.age - 70.0, 0.0), 0.0, 1.0)
    return helping.max_capacity * health_factor * age_factor * (1.0 - pop.family_duty) * pop.occupied


def step(
    *,
    pop: Population,
    tally: WeekTally,
    channels: Channels,
    needs: Needs,
    demography: Demography,
    helping: Helping,
    setting: Community,
) -> None:
    """This week's need, backlog and capacity; ``setting`` is the scenario's
    community block (family support and formal care)."""
    new = new_need(pop, needs, demography)
    services = channels.health_services
    residual = residual_need(pop, setting, new, services.health_cover if services else 0.0)
    if services is not None:
        before = residual_need(pop, setting, new)
        services.charge_health(float(before[:, HEALTH].sum() - residual[:, HEALTH].sum()))
    pop.backlog = needs.backlog_carryover * pop.backlog * pop.occupied[:, None] + residual
    pop.need = residual
    pop.capacity = capacity(pop, helping, demography)
    pop.capacity_left = pop.capacity.copy()
    tally.need_by_resident = pop.backlog.sum(axis=1)
    tally.need_hours = float(tally.need_by_resident.sum())
