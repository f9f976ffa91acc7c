"""Governance interventions (model.md §4), one module each.

Every intervention is an object built from its scenario block. The governance step
switches it on and off by its schedule and funding; while it runs it acts at its
place in the weekly schedule (``phase``) and/or through hooks that other submodels
call (matching reach, detection, incentive terms). An intervention that is not
enabled is never built, draws no random numbers and changes nothing.
"""

from sim.interventions.activities import Activities
from sim.interventions.incentives import Incentives
from sim.interventions.infrastructure import Infrastructure
from sim.interventions.norm_revision import NormRevision
from sim.interventions.platform import Platform
from sim.interventions.professional_services import ProfessionalServices
from sim.interventions.supervision import Supervision
from sim.interventions.targeted_support import TargetedSupport
from sim.interventions.time_bank import TimeBank

# Budget priority: when money is short, interventions earlier in this order are paid first.
REGISTRY = {
    "infrastructure": Infrastructure,
    "activities": Activities,
    "targeted_support": TargetedSupport,
    "platform": Platform,
    "supervision": Supervision,
    "norm_revision": NormRevision,
    "time_bank": TimeBank,
    "incentives": Incentives,
    "professional_services": ProfessionalServices,
}
