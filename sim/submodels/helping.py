"""Steps 6-8: help seeking, matching in rounds, help giving and service outcome.

Help seeking. A member with unmet need (backlog ≥ ``min_request_hours``) who is not
excluded asks this week with probability
    σ(ask_intercept + ask_trust·T_gen + ask_expected_success·E − ask_reluctance·reluctance),
where E = (s + 1)/(s + f + 2) is the Beta expectation of their own past requests
being met (s met, f unmet) and reluctance is the personal cost of asking (面子).

Matching (``rounds`` per week). In each round every open requester puts their
largest remaining need type to one helper:
- through their ties: a tied member with spare capacity whom they have not asked this
  week, drawn with weight strength × particularized trust (Gumbel-max sampling, so
  every requester draws at once and slot order does not matter);
- through the information platform (an intervention) when no tie is available and
  the requester can use it;
- otherwise, with probability ``coordinator_reach``, through the community's
  part-time coordinator, who relays the request to one random member of the
  requester's block (accepted only if that member can help; an assumption: community
  workers run schemes alongside their other duties, cf. [@socialcapital_mutualaid, §3.2.1, §4]).
The helper accepts with probability, one logit with each factor once,
    p = σ(a0 + ψ_h + a_T·(T_hq − T_h) + a_O·O − a_C·hours − a_F·(1 − health_h) − a_R·R_q + incentive)
with ψ_h the helper's disposition (the willingness logit of the participation step:
propensity to volunteer, generalized trust, norm internalization, self-worth,
loneliness, belonging, the scheme's record the helper knows of; its incentive
bonuses act on stated willingness only), T_hq − T_h the particularized
trust in this requester beyond the helper's generalized trust (0 without a tie, so
generalized trust counts once), O = 1 − e^{−owed/scale} the reciprocity obligation
(hours the helper owes this requester), R_q = bad/(good + bad + 2) the requester's
known bad reputation, and incentive the channels' acceptance bonuses for this request
plus formal care's motivation channel, ``formal_care_motivation · formal_care`` (crowding
in > 0, out < 0; 0 by default).
Helpers facing several requests in a round serve them in random order
until their capacity is spent: hours delivered never exceed capacity or need.
Declining while able (capacity ≥ hours asked) a request from someone one owes more
than ``free_ride_balance`` hours is free riding, a violation of the reciprocity norm
([@socialcapital_mutualaid, §2.2.2]).

Service outcome. A helper shirks a service they took on with probability
``norms.shirk_rate``·(1 − n_h), n_h their norm internalization (opportunism where the
norm is weakly held, [@socialcapital_mutualaid, §2.2.2, §3.1.2]); a shirked service
fails and is a violation (``SHIRKING``) with the requester as victim. A service not
shirked succeeds with probability equal to the helper's hidden skill for that need
type (the information asymmetry of [@socialcapital_mutualaid, §3.1.2]); its failure is
honest — a quality outcome that moves trust and reputation (step 9), not a violation.
A failed service, shirked or honest, becomes a dispute (a conflict, not a violation)
with probability ``dispute_on_failure``, multiplied in service modes that norms do not
yet regulate ([@socialcapital_mutualaid, §3.2.2]).

Ledger: hours given by the helper equal hours received by the requester, by type;
the tie's obligation is netted (what the helper owed the requester is paid off first,
the rest becomes the requester's debt to the helper).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core import kernels
from sim.core.community import add_ties
from sim.core.network import EXCHANGE
from sim.core.population import random_mates
from sim.core.tally import FREE_RIDING, SHIRKING, Exchanges, WeekTally
from sim.core.util import add_at, first_occurrences, segment_first_max, sigmoid
from sim.submodels.participation import disposition

if TYPE_CHECKING:
    from sim.core.community import CommunityState
    from sim.core.network import EdgeStore
    from sim.core.params import Community, Helping, Needs, Network, Norms, Participation, Trust
    from sim.core.population import Population
    from sim.interventions.base import Arrangements, Channels


def ask_probability(pop, helping) -> np.ndarray:
    """Probability of asking for help this week, per resident."""
    expected = (pop.ask_success + 1.0) / (pop.ask_success + pop.ask_failure + 2.0)
    return sigmoid(
        helping.ask_intercept
        + helping.ask_trust * pop.generalized_trust
        + helping.ask_expected_success * expected
        - helping.ask_reluctance * pop.reluctance
    )


def acceptance_probability(
    disposition, particular_trust, general_trust, owed, incentive, hours, health, bad_reputation, helping
) -> np.ndarray:
    """Probability that a helper accepts a request: one logit, the helper's
    disposition plus each situational term of this request once (module docstring)."""
    obligation = 1.0 - np.exp(-np.asarray(owed) / helping.obligation_scale)
    return sigmoid(
        helping.accept_intercept
        + disposition
        + helping.accept_trust * (particular_trust - general_trust)
        + helping.accept_obligation * obligation
        + incentive
        - helping.accept_cost * hours
        - helping.accept_frailty * (1.0 - health)
        - helping.accept_bad_reputation * bad_reputation
    )


def bad_reputation(pop, slots: np.ndarray) -> np.ndarray:
    """Known bad-reputation share bad/(good + bad + 2): 0 with no information."""
    g, b = pop.reputation_good[slots], pop.reputation_bad[slots]
    return b / (g + b + 2.0)


def serve_in_random_order(
    helpers: np.ndarray, hours: np.ndarray, capacity_left: np.ndarray, priority: np.ndarray
) -> np.ndarray:
    """Hours granted to each accepted request when a helper serves their requests in
    ``priority`` order until capacity runs out: request k gets
    clip(capacity_left[h] − hours of h's requests served before it, 0, hours[k]).
    The queues are formed and served in one compiled pass (sim.core.kernels.serve_in_order)."""
    by_priority = np.argsort(priority)
    ranked = priority[by_priority]
    if (ranked[1:] == ranked[:-1]).any():  # equal priorities: served in request order
        by_priority = np.argsort(priority, kind="stable")
    return kernels.serve_in_order(
        np.asarray(helpers, dtype=np.int64), np.asarray(hours, dtype=np.float64), capacity_left, by_priority
    )


def coordinator_candidates(
    u_reach: np.ndarray,
    u_pick: np.ndarray,
    seekers: np.ndarray,
    can_help: np.ndarray,
    blocks: tuple[np.ndarray, np.ndarray],
    reach: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(requester, helper) pairs the coordinator relays: one random blockmate each,
    kept if reached and able to help."""
    mate = random_mates(u_pick, seekers, blocks)
    ok = (u_reach < reach) & can_help[mate] & (mate != seekers)
    return seekers[ok], mate[ok]


def _flags(n: int, slots: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[slots] = True
    return out


def serve_arrangements(
    pop: Population,
    arrangements: Arrangements,
    in_scheme: np.ndarray,
    min_req: float,
    participation: Participation,
    parts: list[tuple[np.ndarray, ...]],
) -> np.ndarray:
    """Serve the standing arrangements before any request is matched; returns the
    clients served. An arrangement ends when the helper no longer states willingness or
    either party is not an active member (left, quit, excluded). A visit serves the
    client's backlog type by type, the largest first, as far as the helper's capacity
    goes; a type is served when both its backlog and the capacity left are at least
    ``min_request_hours``. Each helper has at most one client, so no helper is asked
    twice."""
    client, helper = arrangements.standing()
    keep = (
        in_scheme[client]
        & in_scheme[helper]
        & (pop.willingness[helper] >= participation.willing_threshold)
        & (pop.backlog[client].max(axis=1) >= min_req)
    )
    arrangements.end(client[~keep])
    client, helper = client[keep], helper[keep]
    served = np.zeros(len(client), dtype=bool)
    by_size = np.argsort(-pop.backlog[client], axis=1, kind="stable")
    for k in range(by_size.shape[1]):
        ntype = by_size[:, k]
        need = pop.backlog[client, ntype]
        go = (need >= min_req) & (pop.capacity_left[helper] >= min_req)
        hours = np.minimum(need, pop.capacity_left[helper])[go]
        pop.capacity_left[helper[go]] -= hours
        pop.backlog[client[go], ntype[go]] -= hours
        parts.append((helper[go], client[go], ntype[go], hours))
        served |= go
    return client[served]


def step(
    *,
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    channels: Channels,
    rng: np.random.Generator,
    outcome_rng: np.random.Generator,
    hp: Helping,
    needs: Needs,
    trust: Trust,
    network: Network,
    norms: Norms,
    participation: Participation,
    setting: Community,
) -> None:
    """A week of asking, matching, helping and outcomes (``rng``: stream ``helping``;
    ``outcome_rng``: stream ``outcome``; ``setting``: the scenario's community block)."""
    week = community.week
    crowding = setting.formal_care_motivation * setting.formal_care  # log-odds, every helper
    n = pop.n
    min_req = needs.min_request_hours

    in_scheme = pop.occupied & pop.member & (pop.excluded_until <= week)
    eligible = in_scheme & (pop.backlog.sum(axis=1) >= min_req)
    decided = eligible & (rng.random(n) < ask_probability(pop, hp))
    asking = decided
    made = np.zeros(n)
    accepted_count = np.zeros(n)
    parts: list[tuple[np.ndarray, ...]] = []
    if channels.arrangements is not None:
        arranged = serve_arrangements(pop, channels.arrangements, in_scheme, min_req, participation, parts)
        made[arranged] += 1
        accepted_count[arranged] += 1
        asking = asking | _flags(n, arranged)
    tally.asked = asking

    # the ties requesters may ask through (those of this week's askers, in CSR order)
    # and each one's weight: strength × particularized trust (fixed within the week)
    ask_edge = net.edges_of(np.flatnonzero(decided))
    ask_owner, ask_other = net.owner[ask_edge], net.other[ask_edge]
    tie_weight = net.strength_now(week, community.decay_by_kind, ask_edge) * net.trust_expectation(
        week, trust.forgetting, ask_edge
    )
    log_weight = np.log(tie_weight + 1e-12)
    asked_edge = np.zeros(len(ask_edge), dtype=bool)
    matching = channels.matching

    violators: list[np.ndarray] = []
    victims: list[np.ndarray] = []
    open_req = decided.copy()  # an arranged client asks for more only if they decided to
    for _ in range(hp.rounds):
        req = np.flatnonzero(open_req & (pop.backlog.max(axis=1) >= min_req))
        if len(req) == 0:
            break
        is_req = np.zeros(n, dtype=bool)
        is_req[req] = True
        can_help = in_scheme & (pop.capacity_left >= min_req)
        cand = kernels.open_asks(is_req, can_help, ask_owner, ask_other, asked_edge)
        score = log_weight[cand] + rng.gumbel(size=len(cand))
        chosen = cand[segment_first_max(ask_owner[cand], score)]
        q = ask_owner[chosen]
        h = ask_other[chosen]
        asked_edge[chosen] = True
        no_tie = np.ones(n, dtype=bool)
        no_tie[q] = False
        seekers = req[no_tie[req]]
        if matching is not None and len(seekers):
            pq, ph = matching.candidates(pop, seekers, can_help)
            q, h = np.concatenate([q, pq]), np.concatenate([h, ph])
            no_tie[pq] = False
            seekers = req[no_tie[req]]
        u_reach, u_pick = rng.random((2, len(seekers)))
        cq, ch = coordinator_candidates(u_reach, u_pick, seekers, can_help, community.block_slots, hp.coordinator_reach)
        q, h = np.concatenate([q, cq]), np.concatenate([h, ch])
        if len(q) == 0:
            break
        served = np.zeros(n, dtype=bool)
        served[q] = True
        open_req &= served | ~is_req  # requesters with nobody left to ask stop asking

        ntype = np.argmax(pop.backlog[q], axis=1)
        hours = pop.backlog[q, ntype]
        # the helper's view of the requester: particularized trust (generalized
        # trust if they have no tie) and the hours the helper owes them
        trust_hq, owed = net.views_of(h, q, week, trust.forgetting, pop.generalized_trust[h])
        incentive = channels.hook_sum("acceptance_bonus", pop, h, ntype)
        p = acceptance_probability(
            disposition(pop, participation, h),
            trust_hq,
            pop.generalized_trust[h],
            owed,
            incentive + crowding,
            np.minimum(hours, pop.capacity_left[h]),  # the time it would take of the helper's
            pop.health[h],
            bad_reputation(pop, q),
            hp,
        )
        accept = rng.random(len(q)) < p
        priority = rng.random(len(q))
        able = pop.capacity_left[h] >= hours
        free_ride = ~accept & able & (owed > hp.free_ride_balance)
        violators.append(h[free_ride])
        victims.append(q[free_ride])

        granted = np.zeros(len(q))
        granted[accept] = serve_in_random_order(h[accept], hours[accept], pop.capacity_left, priority[accept])
        add_at(pop.capacity_left, h, -granted)
        pop.backlog[q, ntype] -= granted
        made[q] += 1
        accepted_count[q] += accept
        give = granted > 0
        parts.append((h[give], q[give], ntype[give], granted[give]))

    tally.requests_made = made
    tally.requests_accepted = accepted_count
    tally.violators = np.concatenate(violators) if violators else np.zeros(0, dtype=np.int64)
    tally.victims = np.concatenate(victims) if victims else np.zeros(0, dtype=np.int64)
    tally.violation_kind = np.full(len(tally.violators), FREE_RIDING, dtype=np.int8)
    _settle(pop, net, tally, community, outcome_rng, parts, asking, hp, trust, network, norms)


def _settle(
    pop: Population,
    net: EdgeStore,
    tally: WeekTally,
    community: CommunityState,
    rng: np.random.Generator,
    parts: list[tuple[np.ndarray, ...]],
    asking: np.ndarray,
    hp: Helping,
    trust: Trust,
    network: Network,
    norms: Norms,
) -> None:
    """Record the week's exchanges: ledger, obligations, contacts and outcomes."""
    week = community.week
    if parts:
        h, q, t, x = (np.concatenate(col) for col in zip(*parts))
    else:
        h = q = t = np.zeros(0, dtype=np.int64)
        x = np.zeros(0)
    # platform and coordinator matches between residents without a tie create an
    # exchange tie (add_ties passes over pairs already tied)
    add_ties(net, pop, week, trust, q, h, EXCHANGE, network.new_tie_strength)
    edge = net.find(q, h)
    twin = net.find(h, q)

    received_any = np.zeros(pop.n, dtype=bool)
    received_any[q] = True
    pop.ask_success += asking & received_any
    pop.ask_failure += asking & ~received_any
    tally.unanswered = asking & ~received_any

    add_at(pop.hours_given, (h, t), x)
    add_at(pop.hours_received, (q, t), x)
    add_at(pop.given_total, h, x)
    add_at(pop.received_total, q, x)
    pop.last_active[h] = week
    pop.last_active[q] = week
    pop.last_gave[h] = week
    add_at(tally.interactions, h, 1.0)
    add_at(tally.interactions, q, 1.0)

    # obligations: the requester now owes the helper; net the pair's debts
    if len(edge):
        add_at(net.owed, edge, x)
        # each tie once, by its lower half-edge; ``other`` is its twin
        lower, upper = np.minimum(edge, twin), np.maximum(edge, twin)
        once = first_occurrences(lower)
        pair, other = lower[once], upper[once]
        balance = net.owed[pair] - net.owed[other]
        net.owed[pair] = np.maximum(balance, 0.0)
        net.owed[other] = np.maximum(-balance, 0.0)
        net.touch(week, community.decay_by_kind, edge, network.contact_boost, twins=twin)

    # service outcome: shirking (a violation), else hidden skill (an honest outcome);
    # a failed service may turn into a dispute, more often in unregulated modes
    u_success, u_dispute, u_mode, u_shirk = rng.random((4, len(h)))
    new_mode, unregulated = community.modes.assign(t, u_mode, week)
    shirk = u_shirk < norms.shirk_rate * (1.0 - pop.norm_internalization[h])
    success = ~shirk & (u_success < pop.skill[h, t])
    factor = np.where(unregulated, norms.unregulated_dispute_factor, 1.0)
    dispute = ~success & (u_dispute < np.minimum(hp.dispute_on_failure * factor, 1.0))
    tally.exchanges = Exchanges(h, q, t, x, edge, twin, success, dispute, new_mode)
    if shirk.any():
        tally.violators = np.concatenate([tally.violators, h[shirk]])
        tally.victims = np.concatenate([tally.victims, q[shirk]])
        tally.violation_kind = np.concatenate(
            [tally.violation_kind, np.full(int(shirk.sum()), SHIRKING, dtype=np.int8)]
        )
