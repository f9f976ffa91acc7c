"""The week as data: the one schedule that the model runs, the profiler times and the
ODD describes.

Each :class:`Step` names the function that runs it, the ODD subsection that
describes it, the state it reads and writes, and the random streams it draws from.
``CommunityModel.step`` loops over :data:`WEEK`; ``benchmarks/profile_week.py`` times
its steps; the schedule table of docs/odd.md §3.1 and the stream table of §3.3 are
rendered from it (``python -m sim.core.schedule --odd`` rewrites them, and
``tests/test_schedule.py`` fails when the ODD and this module disagree).

State names: ``resident.<field>`` (a column of ``sim.core.population.Population``),
``tie.<field>`` (a half-edge field of ``sim.core.network.EdgeStore``; ``tie.*`` when ties are
added or removed), ``tally.<field>`` (the week's ``sim.core.tally.WeekTally``),
``community_state.<field>`` (the community's scalars, ``sim.core.community.CommunityState``),
``model.<name>`` (what only the model holds: its records and its agents),
``governance.<name>`` (the interventions' on/off state and the budget) and
``<intervention>.<name>`` (an intervention's own state). ``resident.*`` means every
column (newcomers get fresh state).

A submodel step does not receive the model. Its :class:`Call` carries the step's
adapter, which builds from the model exactly the arguments the function declares:
the state it works on (``pop``, ``net``, ``tally``, ``community``, and ``channels`` —
the hooks and channels of the running interventions, ``sim.interventions.base``),
its parameter blocks, and its random streams; and, where the step returns something
for the model (demography's arrivals and departures), hands that back.
``tests/test_schedule.py`` checks that the state each adapter hands over is the state
its step declares it reads and writes. Intervention phases (:class:`Phase`) hand the
running interventions a ``sim.interventions.base.PhaseState`` (the same state, not
the model).

Intervention phases are steps too: a :class:`Phase` runs the running interventions
whose ``phase`` names it, in the order of ``sim.interventions.REGISTRY``. An
intervention whose ``phase`` names no phase step is refused when this module is
imported, so a misspelt phase cannot silently never run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sim.core.population import fill_residents, tie_propensity
from sim.core.state import ODD_BLOCKS
from sim.interventions import REGISTRY
from sim.interventions.base import Intervention, PhaseState
from sim.submodels import (
    demography,
    governance,
    helping,
    motives,
    needs,
    network_dynamics,
    norms,
    observation,
    participation,
    shocks,
    trust,
)

if TYPE_CHECKING:
    from sim.core.model import CommunityModel

# The random streams, in the order SeedSequence.spawn gives them out. The order is
# positional — child i gets the same numbers whatever comes after it — so a new stream
# is appended, never inserted (inserting would shift every stream after it).
STREAMS = (
    "population",
    "newcomers",
    "demography",
    "helping",
    "outcome",
    "norms",
    "participation",
    "network",
    "observation",
    # interventions draw from streams of their own, so switching one on does not
    # shift the numbers any other submodel sees
    "activities",
    "targeted_support",
    "platform",
    "supervision",
    "norm_revision",
    "incentives",
    "professional_services",
    # an in-silico trial's randomization (sim/experiments/trial.py), apart from every
    # stream the model draws, so randomizing shifts none of them
    "trial",
    # word of mouth about exchange outcomes (step 9, local trust)
    "trust",
    # the everyday contacts with one's ties, drawn by the motives step (appended in
    # Model v2, when they replaced the network step's casual contact)
    "contact",
    # word of mouth about the scheme's record (answered and unanswered requests),
    # drawn by the participation step (appended in Model v2, round 3)
    "standing",
    # the time bank's standing arrangements (appended in Model v2, round 5)
    "time_bank",
)

# streams drawn before the first week rather than by a step of it
INITIALIZATION_STREAMS = {"population": "initialization (§5): residents, initial network, initial membership"}
# streams drawn by an experiment on a running model rather than by a step of the week
EXPERIMENT_STREAMS = {
    "trial": "`mutualaid trial` (docs/trials.md): 1:1 randomization of the eligible at the intervention's start week"
}


Arguments = Callable[["CommunityModel"], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """A submodel's function, looked up in its module when the step runs (so that a
    test or profiler that replaces ``module.function`` sees its replacement called),
    and the step's adapter: ``arguments(model)`` builds the function's keyword
    arguments, ``done(model, result)`` (if given) hands its result to the model."""

    module: ModuleType
    function: str
    arguments: Arguments
    done: Callable[[CommunityModel, Any], None] | None = None

    def __call__(self, model: CommunityModel) -> None:
        result = getattr(self.module, self.function)(**self.arguments(model))
        if self.done is not None:
            self.done(model, result)


@dataclass(frozen=True)
class Phase:
    """The point of the week at which running interventions with ``phase == name`` act."""

    name: str

    def __call__(self, model: CommunityModel) -> None:
        state = PhaseState(model.pop, model.net, model.tally, model.community, model.governance.channels)
        model.governance.run_phase(self.name, state)


# -- the adapters: each step's arguments, from the model ----------------------------
def shocks_arguments(m: CommunityModel) -> dict[str, Any]:
    sc = m.config
    return {
        "community": m.community,
        "gov": m.governance,
        "shocks": sc.shocks,
        "helping": sc.helping,
        "norms": sc.norms,
        "participation": sc.participation,
        "setting": sc.community,
    }


def use_blocks(m: CommunityModel, changed: dict[str, Any]) -> None:
    """The adverse events' changed scenario blocks: the model's scenario from now on
    (a copy; the scenario the model was given is left as it was)."""
    if changed:
        m.config = m.config.model_copy(update=changed)


def governance_arguments(m: CommunityModel) -> dict[str, Any]:
    return {"gov": m.governance, "community": m.community}


def demography_arguments(m: CommunityModel) -> dict[str, Any]:
    def newcomers(slots: Any) -> None:
        fill_residents(m.pop, slots, m.config, m.streams["newcomers"], m.week)

    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["demography"],
        "newcomers": newcomers,
        "d": m.config.demography,
    }


def sync_agents(m: CommunityModel, moved: tuple[Any, Any]) -> None:
    """Demography's (arrived, left): the model keeps one agent per occupied slot."""
    arrived, left = moved
    if len(arrived) or len(left):
        m.sync_agents(arrived, left)


def needs_arguments(m: CommunityModel) -> dict[str, Any]:
    sc = m.config
    return {
        "pop": m.pop,
        "tally": m.tally,
        "channels": m.governance.channels,
        "needs": sc.needs,
        "demography": sc.demography,
        "helping": sc.helping,
        "motives": sc.motives,
        "setting": sc.community,
    }


def helping_arguments(m: CommunityModel) -> dict[str, Any]:
    sc = m.config
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["helping"],
        "outcome_rng": m.streams["outcome"],
        "hp": sc.helping,
        "needs": sc.needs,
        "trust": sc.trust,
        "network": sc.network,
        "norms": sc.norms,
        "participation": sc.participation,
        "setting": sc.community,
    }


def trust_arguments(m: CommunityModel) -> dict[str, Any]:
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["trust"],
        "t": m.config.trust,
    }


def norms_arguments(m: CommunityModel) -> dict[str, Any]:
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["norms"],
        "nm": m.config.norms,
        "t": m.config.trust,
    }


def motives_arguments(m: CommunityModel) -> dict[str, Any]:
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["contact"],
        "propensity": tie_propensity(m.pop, m.config),
        "m": m.config.motives,
        "network": m.config.network,
    }


def participation_arguments(m: CommunityModel) -> dict[str, Any]:
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["participation"],
        "word_rng": m.streams["standing"],
        "p": m.config.participation,
        "gossip_rate": m.config.trust.gossip_rate,
        "hearsay_weight": m.config.trust.hearsay_weight,
    }


def network_arguments(m: CommunityModel) -> dict[str, Any]:
    return {
        "pop": m.pop,
        "net": m.net,
        "community": m.community,
        "channels": m.governance.channels,
        "rng": m.streams["network"],
        "propensity": tie_propensity(m.pop, m.config),
        "nw": m.config.network,
        "trust": m.config.trust,
    }


def observation_arguments(m: CommunityModel) -> dict[str, Any]:
    sc = m.config
    return {
        "pop": m.pop,
        "net": m.net,
        "tally": m.tally,
        "community": m.community,
        "governance": m.governance,
        "rng": m.streams["observation"],
        "simulation": sc.simulation,
        "participation": sc.participation,
        "demography": sc.demography,
        "needs": sc.needs,
        "motives": sc.motives,
        "trust": sc.trust,
        "network": sc.network,
    }


def record(model: CommunityModel) -> None:
    """Observe the week into ``records`` — recorded weeks only (``week ≥ 0``), so the
    burn-in draws nothing from the observation stream."""
    if model.week >= 0:
        model.records.append(observation.observe(**observation_arguments(model)))


@dataclass(frozen=True)
class Step:
    """One step of the week.

    ``brief`` is the number(s) of the design brief's step(s) it carries out (the
    numbering the docs use: "step 6", "step 11"); ``odd_section`` the ODD §7
    subsection that gives its formulas; ``streams`` the random streams it may draw
    from, hooks included (empty if it draws none)."""

    name: str
    brief: str
    odd_section: str
    title: str
    run: Callable[[CommunityModel], None]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    streams: tuple[str, ...]
    summary: str


BUDGET = ("governance.balance", "governance.spent", "governance.out_of_money")

WEEK: tuple[Step, ...] = (
    Step(
        "shocks",
        "—",
        "7.22",
        "Adverse events",
        Call(shocks, "step", shocks_arguments, use_blocks),
        reads=("community_state.week", "governance.funding", "supervision.block"),
        writes=("model.config", "governance.funding", "supervision.block"),
        streams=(),
        summary="the scenario's `[shocks]` that start or end this week change their inputs: coordinator reach "
        "and registration, funding, detection, acceptance (trust crisis), newcomers' ages",
    ),
    Step(
        "governance",
        "1",
        "7.1",
        "Governance",
        Call(governance, "step", governance_arguments),
        reads=(
            "community_state.week",
            "governance.running",
            "governance.started",
            "governance.out_of_money",
            "governance.balance",
        ),
        writes=(*BUDGET, "governance.running", "governance.started", "governance.stopped"),
        streams=(),
        summary="funding arrives; each enabled intervention is switched on or off by its schedule and budget "
        "and pays its fixed costs",
    ),
    Step(
        "norm_revision",
        "11",
        "7.15",
        "Norm revision reviews",
        Phase("norm_revision"),
        reads=("community_state.week", "community_state.modes"),
        writes=("community_state.modes",),
        streams=(),
        summary="the norm revision group, if running, reviews the service modes and regulates those old enough",
    ),
    Step(
        "demography",
        "2",
        "7.2",
        "Demography",
        Call(demography, "step", demography_arguments, sync_agents),
        reads=(
            "community_state.week",
            "resident.occupied",
            "resident.age",
            "resident.health",
            "resident.health_deviation",
            "resident.acute_deficit",
            "resident.lives_alone",
            "resident.credits",
        ),
        writes=(
            "resident.*",
            "tie.*",
            "tally.deaths",
            "tally.moves",
            "tally.newcomers",
            "model.residents",
            "time_bank.expired",
            "time_bank.partner",
            "time_bank.serving",
            "time_bank.record",
            "incentives.record",
        ),
        streams=("demography", "newcomers"),
        summary="ageing, health (AR(1) deviation, shocks, partial recovery), deaths, moving out "
        "(the time bank expires the leavers' credits and arrangements; what they knew of the bank and of "
        "payment is forgotten), newcomers into vacant dwellings",
    ),
    Step(
        "needs",
        "3",
        "7.3",
        "Needs and capacity",
        Call(needs, "step", needs_arguments),
        reads=(
            "resident.occupied",
            "resident.health",
            "resident.acute_deficit",
            "resident.age",
            "resident.loneliness",
            "resident.digital_literacy",
            "resident.lives_alone",
            "resident.family_duty",
            "resident.backlog",
            "governance.running",
        ),
        writes=(
            "resident.need",
            "resident.backlog",
            "resident.capacity",
            "resident.capacity_left",
            "tally.need_by_resident",
            "tally.need_hours",
            "tally.health_covered",
            *BUDGET,
        ),
        streams=(),
        summary="new need by type for the residents whose condition holds; family, formal care (daily living) "
        "and (if running) professional health services cover shares; backlog update; weekly capacity",
    ),
    Step(
        "activities",
        "4",
        "7.12",
        "Community activities",
        Phase("activities"),
        reads=(
            "community_state.week",
            "community_state.infrastructure_base",
            "resident.occupied",
            "resident.health",
            "resident.belonging",
            "resident.age",
            "resident.education",
            "resident.generalized_trust",
            "resident.member",
            "tie.*",
        ),
        writes=(
            "resident.aware",
            "tally.attendees",
            "tally.interactions",
            "tie.*",
        ),
        streams=("activities",),
        summary="events, attendance (the motives step turns it into belonging), co-attendee talks (contact, "
        "ties; a member tells the unaware of the scheme)",
    ),
    Step(
        "targeted_support",
        "5",
        "7.17",
        "Targeted support",
        Phase("targeted_support"),
        reads=(
            "community_state.week",
            "resident.occupied",
            "resident.person_id",
            "resident.health",
            "resident.lives_alone",
            "resident.member",
            "resident.excluded_until",
            "resident.willingness",
            "resident.capacity",
            "resident.block",
            "resident.generalized_trust",
            "tie.strength",
            "tie.last_contact",
            "targeted_support.pairings",
        ),
        writes=(
            "resident.aware",
            "tally.interactions",
            "tie.*",
            "targeted_support.pairings",
            *BUDGET,
        ),
        streams=("targeted_support",),
        summary="new one-to-one pairings (a new tie), visits (contact)",
    ),
    Step(
        "professional_services",
        "5",
        "7.20",
        "Psychological support sessions",
        Phase("professional_services"),
        reads=("resident.occupied", "resident.loneliness"),
        writes=("tally.interactions",),
        streams=(),
        summary="the loneliest referred residents each get `sessions_per_week` counselling sessions (contact)",
    ),
    Step(
        "helping",
        "6–8",
        "7.4",
        "Help seeking, matching, help giving and service outcome",
        Call(helping, "step", helping_arguments),
        reads=(
            "community_state.week",
            "community_state.modes",
            "governance.running",
            "resident.occupied",
            "resident.member",
            "resident.excluded_until",
            "resident.backlog",
            "resident.ask_success",
            "resident.ask_failure",
            "resident.generalized_trust",
            "resident.reluctance",
            "resident.capacity_left",
            "resident.norm_internalization",
            "resident.self_worth",
            "resident.loneliness",
            "resident.belonging",
            "resident.propensity",
            "resident.standing_good",
            "resident.standing_bad",
            "resident.health",
            "resident.reputation_good",
            "resident.reputation_bad",
            "resident.digital_literacy",
            "resident.skill",
            "community_state.block_slots",
            "tie.*",
            "resident.age",
            "resident.willingness",
            "time_bank.record",
            "incentives.record",
            "time_bank.partner",
            "time_bank.serving",
        ),
        writes=(
            "resident.capacity_left",
            "resident.backlog",
            "resident.ask_success",
            "resident.ask_failure",
            "resident.hours_given",
            "resident.hours_received",
            "resident.given_total",
            "resident.received_total",
            "resident.last_active",
            "resident.last_gave",
            "tie.*",
            "tally.asked",
            "tally.requests_made",
            "tally.requests_accepted",
            "tally.unanswered",
            "tally.violators",
            "tally.victims",
            "tally.violation_kind",
            "tally.interactions",
            "tally.exchanges",
            "time_bank.partner",
            "time_bank.serving",
        ),
        streams=("helping", "outcome", "platform"),
        summary="the `arrangements` channel's standing visits (time bank) are served first; members with backlog "
        "decide whether to ask; `helping.rounds` rounds of matching (ties, else "
        "the `matching` channel (platform), else coordinator), acceptance, hours granted within capacity, free riding "
        "recorded; ledger and obligations; shirking (a violation), else success by hidden skill; new service modes "
        "assigned; disputes (conflicts, not violations)",
    ),
    Step(
        "trust",
        "9",
        "7.5",
        "Trust and reputation",
        Call(trust, "step", trust_arguments),
        reads=(
            "community_state.week",
            "governance.running",
            "tally.exchanges",
            "resident.generalized_trust",
            "resident.occupied",
            "resident.aware",
            "resident.member",
            "resident.digital_literacy",
            "tie.*",
        ),
        writes=(
            "tie.trust_success",
            "tie.trust_failure",
            "tie.trust_week",
            "resident.generalized_trust",
            "resident.reputation_good",
            "resident.reputation_bad",
        ),
        streams=("trust",),
        summary="Beta counts on both ends; generalized trust from own outcomes, outcomes heard from ties "
        "(gossip) and, with public feedback, the week's public ratings (members who can use the platform); public reputation "
        "(public or gossip-weighted)",
    ),
    Step(
        "norms",
        "10–11",
        "7.6",
        "Reciprocity norms, supervision and service modes",
        Call(norms, "step", norms_arguments),
        reads=(
            "community_state.week",
            "governance.running",
            "tally.violators",
            "tally.victims",
            "tally.violation_kind",
            "tally.requests_made",
            "tally.requests_accepted",
            "resident.occupied",
            "resident.aware",
            "resident.generalized_trust",
            "resident.norm_internalization",
            "resident.seen_sanctioned",
            "resident.seen_unpunished",
            "resident.credits",
            "tie.*",
        ),
        writes=(
            "tally.sanctions",
            "resident.reputation_bad",
            "resident.excluded_until",
            "resident.credits",
            "resident.generalized_trust",
            "resident.norm_internalization",
            "resident.seen_sanctioned",
            "resident.seen_unpunished",
            "community_state.norm_authority",
            "tie.*",
            "time_bank.fined",
            *BUDGET,
        ),
        streams=("norms", "supervision"),
        summary="detection of free riding and shirking (informal, and formal through the `detection` channel "
        "(supervision) if running), sanctions, tie cuts; victims and their ties (gossip) witness each case: "
        "witnessed counts, trust response, each resident's norm authority (community mean reported), "
        "internalization; service modes appear on schedule and "
        "are regulated by custom or by the revision group's reviews",
    ),
    Step(
        "incentives",
        "12",
        "7.18, 7.19",
        "Incentives",
        Phase("incentives"),
        reads=(
            "tally.exchanges",
            "tally.asked",
            "tally.unanswered",
            "resident.occupied",
            "resident.credits",
            "resident.backlog",
            "resident.capacity",
            "tally.violators",
            "tally.victims",
            "tally.violation_kind",
            "resident.aware",
            "tie.*",
            "time_bank.credibility",
            "time_bank.partner",
            "time_bank.serving",
            "time_bank.record",
            "incentives.paid_share",
            "incentives.record",
        ),
        writes=(
            "resident.credits",
            "resident.backlog",
            "resident.points",
            "tally.redeemed_hours",
            "time_bank.issued",
            "time_bank.spent",
            "time_bank.expired",
            "time_bank.redeemed_hours",
            "time_bank.credibility",
            "time_bank.partner",
            "time_bank.serving",
            "time_bank.record",
            "incentives.paid_share",
            "incentives.record",
            *BUDGET,
        ),
        streams=("time_bank", "incentives"),
        summary="credits issued, spent, capped, guaranteed redemption; each resident's belief in the bank "
        "(credibility) and in payment learned from own and ties' outcomes; standing arrangements made "
        "from successful exchanges and ended by shirking; points paid",
    ),
    Step(
        "motives",
        "13",
        "7.7",
        "Motives",
        Call(motives, "step", motives_arguments),
        reads=(
            "community_state.week",
            "governance.running",
            "tally.exchanges",
            "tally.interactions",
            "tally.attendees",
            "resident.occupied",
            "resident.self_worth",
            "resident.loneliness",
            "resident.lives_alone",
            "resident.belonging",
            "resident.sociability",
            "resident.education",
            "resident.health",
            "tie.owner",
            "tie.other",
            "tie.strength",
            "tie.last_contact",
            "tie.kind",
        ),
        writes=(
            "tally.contacts",
            "tie.strength",
            "tie.last_contact",
            "resident.self_worth",
            "resident.loneliness",
            "resident.belonging",
        ),
        streams=("contact",),
        summary="everyday contact with one's ties (each met with probability rising in its strength, within a "
        "contact budget), self-worth (+ `incentives` recognition hook), loneliness and belonging from the "
        "week's contacts and interactions",
    ),
    Step(
        "participation",
        "14",
        "7.8",
        "Participation",
        Call(participation, "step", participation_arguments),
        reads=(
            "community_state.week",
            "governance.running",
            "tally.victims",
            "tally.asked",
            "tally.unanswered",
            "resident.occupied",
            "resident.member",
            "resident.aware",
            "resident.generalized_trust",
            "resident.norm_internalization",
            "resident.self_worth",
            "resident.loneliness",
            "resident.belonging",
            "resident.quit_week",
            "resident.dissatisfaction",
            "resident.propensity",
            "resident.standing_good",
            "resident.standing_bad",
            "resident.digital_literacy",
            "resident.health",
            "resident.age",
            "tie.other",
            "time_bank.record",
            "incentives.record",
        ),
        writes=(
            "resident.standing_good",
            "resident.standing_bad",
            "resident.aware",
            "resident.willingness",
            "resident.member",
            "resident.join_week",
            "resident.dissatisfaction",
            "resident.quit_week",
        ),
        streams=("participation", "standing"),
        summary="the scheme's record by word of mouth, awareness (+ `platform` outreach hook), willingness "
        "(+ incentive hooks), joining, dissatisfaction, quitting",
    ),
    Step(
        "network_dynamics",
        "15",
        "7.9",
        "Network dynamics",
        Call(network_dynamics, "step", network_arguments),
        reads=(
            "community_state.week",
            "community_state.infrastructure_base",
            "governance.running",
            "community_state.building_slots",
            "resident.occupied",
            "resident.generalized_trust",
            "resident.sociability",
            "resident.education",
            "resident.health",
            "resident.age",
            "tie.*",
        ),
        writes=("tie.*",),
        streams=("network",),
        summary="pruning (every `network.prune_interval` weeks), neighbour meetings, triadic closure",
    ),
    Step(
        "observation",
        "16",
        "7.11",
        "Observation",
        record,
        reads=(
            "community_state.week",
            "community_state.norm_authority",
            "community_state.clustering",
            "community_state.observed",
            "governance.*",
            "tally.*",
            "resident.*",
            "tie.*",
        ),
        writes=("model.records", "community_state.clustering", "community_state.observed"),
        streams=("observation",),
        summary="weekly metrics appended to `records` (recorded weeks only, `week ≥ 0`)",
    ),
)


def run_step(model: CommunityModel, name: str) -> None:
    """Run the step of the week called ``name`` on ``model``, as the week would (tests
    run a single submodel this way, with the arguments its adapter builds)."""
    step = next((s for s in WEEK if s.name == name), None)
    if step is None:
        raise ValueError(f"no step {name!r} in the week; steps: {', '.join(s.name for s in WEEK)}")
    step.run(model)


def phase_names() -> tuple[str, ...]:
    """The names of the week's intervention phases, in schedule order."""
    return tuple(s.name for s in WEEK if isinstance(s.run, Phase))


def check_phases(registry: Mapping[str, type[Intervention]]) -> None:
    """Refuse an intervention whose ``phase`` is no phase of the week: it would never act."""
    known = phase_names()
    for name, cls in registry.items():
        if cls.phase is not None and cls.phase not in known:
            raise TypeError(
                f"intervention {name!r} has phase {cls.phase!r}, which is no phase of the week "
                f"(sim/core/schedule.py WEEK); allowed: {', '.join(known)} or None"
            )


check_phases(REGISTRY)


def code_of(step: Step) -> str:
    """Where a step's code lives, for the ODD table."""
    if isinstance(step.run, Phase):
        files = [f"`{Path(*cls.__module__.split('.'))}.py`" for cls in REGISTRY.values() if cls.phase == step.run.name]
        return ", ".join(files) + f" (phase `{step.run.name}`)"
    if isinstance(step.run, Call):
        module, function = step.run.module.__name__, step.run.function
    else:
        module, function = step.run.__module__, step.run.__name__
    return f"`{Path(*module.split('.'))}.py` `{function}`"


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "—"


def schedule_table_markdown() -> str:
    """The schedule table of docs/odd.md §3.1."""
    lines = [
        "| # | brief step | step | code | ODD | reads | writes | streams | what happens |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i, s in enumerate(WEEK, start=1):
        lines.append(
            f"| {i} | {s.brief} | {s.title} | {code_of(s)} | §{s.odd_section} | {_names(s.reads)} | "
            f"{_names(s.writes)} | {_names(s.streams)} | {s.summary} |"
        )
    return "\n".join(lines) + "\n"


def streams() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each stream in spawn order (STREAMS) with what draws from it: the steps of the
    week that declare it, initialization or an experiment; empty if nothing does yet (the stream is
    reserved for its intervention, so adding draws later shifts no other stream)."""
    out = []
    for name in STREAMS:
        users = tuple(s.name for s in WEEK if name in s.streams)
        if name in INITIALIZATION_STREAMS:
            users = ("initialization",) + users
        if name in EXPERIMENT_STREAMS:
            users = ("experiment",) + users
        out.append((name, users))
    return tuple(out)


def stream_table_markdown() -> str:
    """The stream table of docs/odd.md §3.3."""
    lines = ["| child | stream | drawn by |", "|---|---|---|"]
    for i, (name, users) in enumerate(streams()):
        drawn = []
        for user in users:
            if user == "initialization":
                drawn.append(INITIALIZATION_STREAMS[name])
            elif user == "experiment":
                drawn.append(EXPERIMENT_STREAMS[name])
            else:
                step = next(s for s in WEEK if s.name == user)
                drawn.append(f"{step.title.lower()} (step {WEEK.index(step) + 1}, §{step.odd_section})")
        lines.append(f"| {i} | `{name}` | {'; '.join(drawn) if drawn else 'nothing yet (reserved)'} |")
    return "\n".join(lines) + "\n"


BLOCKS = {"schedule": schedule_table_markdown, "streams": stream_table_markdown, **ODD_BLOCKS}


def _span(text: str, block: str) -> tuple[int, int]:
    begin, end = f"<!-- {block}:begin -->\n", f"<!-- {block}:end -->"
    start = text.find(begin)
    stop = text.find(end, start + len(begin)) if start >= 0 else -1
    if stop < 0:
        raise ValueError(f"no `{begin.strip()}` … `{end}` block")
    return start + len(begin), stop


def generated_block(text: str, block: str) -> str:
    """The text between ``<!-- block:begin -->`` and ``<!-- block:end -->`` in ``text``."""
    start, stop = _span(text, block)
    return text[start:stop]


def render_odd(text: str) -> str:
    """``text`` (docs/odd.md) with every generated block replaced by its current rendering."""
    for block, render in BLOCKS.items():
        start, stop = _span(text, block)
        text = text[:start] + render() + text[stop:]
    return text


ODD = Path(__file__).resolve().parents[2] / "docs" / "odd.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.core.schedule",
        description="print the weekly schedule, or rewrite its tables in docs/odd.md",
    )
    parser.add_argument(
        "--odd",
        nargs="?",
        const=str(ODD),
        metavar="FILE",
        help="rewrite the generated schedule and stream tables of FILE (default docs/odd.md)",
    )
    args = parser.parse_args(argv)
    if args.odd is None:
        from sim.core.schedule import schedule_table_markdown as table
        from sim.core.schedule import stream_table_markdown as stream_table

        sys.stdout.write(table() + "\n" + stream_table())
        return 0
    path = Path(args.odd)
    # the module as imported by the model, not this ``python -m`` copy of it, whose
    # functions would name their module ``__main__``
    from sim.core.schedule import render_odd as render

    try:
        text = path.read_text(encoding="utf-8")
        updated = render(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(
            f"error: {path}: {reason}; the schedule and stream tables go between "
            "<!-- schedule:begin -->/<!-- schedule:end --> and <!-- streams:begin -->/<!-- streams:end -->",
            file=sys.stderr,
        )
        return 2
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    print(f"{path}: schedule and stream tables {'rewritten' if updated != text else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
