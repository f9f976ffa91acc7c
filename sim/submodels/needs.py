"""Step 3, needs and capacity.

Need is episodic and conditional, as a survey asking "did you need help this week?"
would find it: most residents need nothing in a given week. New need hours this week,
by type (hours/week), each only for the residents the condition names:
    daily living 生活照料  = D_iadl if IADL-limited, D_adl if ADL-disabled
    companionship 精神慰藉 = C · loneliness          if lonely (L > motives.lonely_threshold)
    health 健康            = H · (1 − health)         if health < health_need_below
                                                      or acute_deficit > acute_need_above
    errands 代办/数字       = E · (1 − digital) · (1 − health/2)
                                                      if IADL-limited, or if both
                                                      digital < errands_literacy_below
                                                      and health < errands_mobility_below
                                                      (cannot do it online nor go out)
The conditions are thresholds on state, so the step draws no random numbers; acute
episodes come from the demography step's health shocks (``acute_deficit``).

Family covers a share f (``family_support``, or ``family_support_alone`` for
residents living alone) of every type. Formal care acts through two channels, each
switchable in the community block:
- substitution (``formal_care_substitution``): formal care meets a share
  ``formal_care`` of the daily-living need family leaves, which so never reaches
  mutual aid [@bonsang2009: formal care substitutes for informal help with unskilled
  daily-living tasks];
- motivation (``formal_care_motivation``, 0 = off) acts on the helper's acceptance of
  a request, not here: it is a log-odds term of the helping step's acceptance logit
  (sim.submodels.helping), and capacity to help, a resource, does not depend on it.
Health need is met by formal services only when professional services run (their
``health_cover`` share, charged per hour); those hours are met by services, and
observation still counts them in the need before services.
The rest joins the backlog, of which a share ``backlog_carryover`` of last week's
unmet hours is still there:
    backlog ← carryover · backlog + residual.
The backlog is the need the mutual-aid scheme could meet this week.

Weekly capacity to help (hours/week):
    capacity = max_capacity · clip((h − iadl_threshold)/(1 − iadl_threshold), 0, 1)
               · clip(1 − age_decline·max(age − 70, 0), 0, 1) · (1 − family duties)
so the young-old help the old-old and the disabled do not help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.util import exact_sum

if TYPE_CHECKING:
    from sim.core.params import Community, Demography, Helping, Motives, Needs
    from sim.core.population import Population
    from sim.core.tally import WeekTally
    from sim.interventions.base import Channels

DAILY, COMPANIONSHIP, HEALTH, ERRANDS = 0, 1, 2, 3


def new_need(pop, needs, demography, lonely_threshold: float) -> np.ndarray:
    """Need hours by type before family and formal care, (residents × 4); each type
    only for the residents whose condition holds (module docstring).
    ``lonely_threshold`` is ``motives.lonely_threshold``."""
    h = pop.health
    iadl = h < demography.iadl_threshold
    adl = h < demography.adl_threshold
    lonely = pop.loneliness > lonely_threshold
    unwell = (h < needs.health_need_below) | (pop.acute_deficit > needs.acute_need_above)
    errand = ((pop.digital_literacy < needs.errands_literacy_below) & (h < needs.errands_mobility_below)) | iadl
    out = np.zeros((pop.n, 4), order="F")  # column-major like Population's matrices
    out[:, DAILY] = np.where(adl, needs.daily_living_adl, np.where(iadl, needs.daily_living_iadl, 0.0))
    out[:, COMPANIONSHIP] = np.where(lonely, needs.companionship * pop.loneliness, 0.0)
    out[:, HEALTH] = np.where(unwell, needs.health_support * (1.0 - h), 0.0)
    out[:, ERRANDS] = np.where(errand, needs.errands * (1.0 - pop.digital_literacy) * (1.0 - 0.5 * h), 0.0)
    out *= pop.occupied[:, None]
    return out


def residual_need(pop, community, new: np.ndarray, formal_health_extra: float = 0.0) -> np.ndarray:
    """What family, formal care (substitution channel) and professional health services
    (a share ``formal_health_extra`` of health need) leave of the new need."""
    family = np.where(pop.lives_alone, community.family_support_alone, community.family_support)
    residual = new * (1.0 - family)[:, None]
    if community.formal_care_substitution:
        residual[:, DAILY] *= 1.0 - community.formal_care
    residual[:, HEALTH] *= 1.0 - formal_health_extra
    return residual


def capacity(pop, helping, demography) -> np.ndarray:
    """Hours each resident can give this week: health, age and family duties limit the
    resource; whether they want to give it is decided per request (helping step)."""
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
    motives: Motives,
    setting: Community,
) -> None:
    """This week's need, backlog and capacity; ``setting`` is the scenario's
    community block (family support and formal care's substitution channel)."""
    new = new_need(pop, needs, demography, motives.lonely_threshold)
    services = channels.health_services
    residual = residual_need(pop, setting, new, services.health_cover if services else 0.0)
    if services is not None:
        before = residual_need(pop, setting, new)
        services.charge_health(float(before[:, HEALTH].sum() - residual[:, HEALTH].sum()))
        tally.health_covered = float(before[:, HEALTH].sum()) * services.health_cover
    pop.backlog = needs.backlog_carryover * pop.backlog * pop.occupied[:, None] + residual
    pop.need = residual
    pop.capacity = capacity(pop, helping, demography)
    pop.capacity_left = pop.capacity.copy()
    tally.need_by_resident = pop.backlog.sum(axis=1)
    tally.need_hours = exact_sum(tally.need_by_resident)  # the same float on every CPU
