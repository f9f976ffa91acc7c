"""The declared state of residents and ties: one table that the code, the checks and
the ODD share.

Residents' state is columnar (``sim.core.population.Population``: one array per variable,
indexed by dwelling slot) and so is the network's (``sim.core.network.EdgeStore``: one
array per half-edge field). Both classes allocate their arrays by looping over the
declarations below, and annotate the same names on the class so that mypy and a
reader see every field. What else must agree with the arrays comes from here too:

- what a newcomer starts with (``Field.fresh``; ``sim.core.population.fill_residents``),
- the state-variable tables of docs/odd.md §2.1 and §2.2 (:func:`resident_table_markdown`,
  :func:`tie_table_markdown`, rewritten by ``python -m sim.core.schedule --odd``),
- the invariants the tests check (:func:`check_layout`, :func:`check_ranges`).

A bound is a number, a scenario parameter (a dotted path such as
``"demography.max_age"``), another field of the same entity (``"capacity"``) or
:data:`LAST_SLOT`. This module imports nothing from the model, so the population,
the network and the compiled kernels can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sim.core.params import NEED_TYPES

if TYPE_CHECKING:
    from sim.core.network import EdgeStore
    from sim.core.params import Scenario
    from sim.core.population import Population

N_NEEDS = len(NEED_TYPES)
NEVER = -(10**6)  # "week" of something that never happened
LAST_SLOT = "last slot"  # bound: the highest slot number, n − 1

Bound = float | str | None
Fresh = float | str  # a newcomer's value; a str says how fill_residents sets it
Per = Literal["resident", "resident × need type", "half-edge"]


@dataclass(frozen=True)
class Field:
    """One state variable: an array attribute of ``Population`` or ``EdgeStore``."""

    name: str  # attribute name in the code
    dtype: type[np.generic]
    odd: str  # name in the ODD (with its symbol, if the equations use one)
    unit: str
    low: Bound
    high: Bound
    meaning: str  # one line, markdown
    per: Per = "resident"
    fresh: Fresh = 0.0
    levels: tuple[str, ...] = ()  # names of the values 0, 1, … of a categorical integer

    def allocate(self, n: int) -> np.ndarray:
        """A zero array for ``n`` slots (or half-edges). Need-type matrices are
        column-major, one contiguous column per need type: the per-resident sums and
        maxima over the four types that every week takes are then elementwise
        operations on four columns (benchmarks/results.md, "Column-major need-type
        matrices")."""
        if self.per == "resident × need type":
            return np.zeros((n, N_NEEDS), dtype=self.dtype, order="F")
        return np.zeros(n, dtype=self.dtype)


def _f(name: str, odd: str, unit: str, low: Bound, high: Bound, meaning: str, **kw) -> Field:
    return Field(name, np.float64, odd, unit, low, high, meaning, **kw)


def _i(name: str, odd: str, unit: str, low: Bound, high: Bound, meaning: str, **kw) -> Field:
    return Field(name, np.int64, odd, unit, low, high, meaning, **kw)


def _b(name: str, odd: str, meaning: str, fresh: Fresh) -> Field:
    return Field(name, np.bool_, odd, "–", None, None, meaning, fresh=fresh)


_DRAWN = "drawn (§5)"
_WEEK = "week"
_UNIT = (0.0, 1.0)

RESIDENT_FIELDS: tuple[Field, ...] = (
    _b("occupied", "occupied", "the slot has a resident", True),
    _i("person_id", "person", "–", 0, None, "identity of the current occupant", fresh="a new id"),
    _i("moved_in", "arrival", _WEEK, None, None, "week the occupant arrived", fresh="this week"),
    _i(
        "building",
        "building",
        "–",
        0,
        None,
        "building of the dwelling (see above; a survey may set it, see [survey-data.md](survey-data.md))",
        fresh="the dwelling's",
    ),
    _i("block", "block", "–", 0, None, "block of the building (likewise)", fresh="the dwelling's"),
    _f("age", "age", "years", 60.0, "demography.max_age", "grows by 1/52 a week", fresh=_DRAWN),
    _f(
        "health",
        "latent health $h$",
        "–",
        *_UNIT,
        "functional status derives from it: IADL-limited if $h <$ `demography.iadl_threshold`, "
        "ADL-disabled if $h <$ `demography.adl_threshold`, else independent",
        fresh=_DRAWN,
    ),
    _f(
        "health_deviation",
        "health deviation $z$",
        "–",
        None,
        None,
        "persistent individual deviation from age-expected health (AR(1))",
        fresh=_DRAWN,
    ),
    _f("acute_deficit", "acute deficit $d$", "–", 0.0, None, "recoverable part of recent health shocks"),
    _b("lives_alone", "lives alone", "lives alone (more need left to the scheme, lonelier)", _DRAWN),
    _i(
        "education",
        "education",
        "–",
        0,
        2,
        "schooling; raises digital literacy and the tie propensity",
        fresh=_DRAWN,
        levels=("low", "middle", "high"),
    ),
    _f(
        "digital_literacy",
        "digital literacy",
        "–",
        *_UNIT,
        "ability to use the platform unaided; lowers errands need",
        fresh=_DRAWN,
    ),
    _f("sociability", "sociability", "–", *_UNIT, r"enters the tie propensity $\pi_i$", fresh=_DRAWN),
    _f(
        "family_duty",
        "family duty",
        "share",
        0.0,
        0.9,
        "share of helping capacity taken by family duties",
        fresh=_DRAWN,
    ),
    _f("reluctance", "reluctance", "–", *_UNIT, "personal cost of asking for help (面子)", fresh=_DRAWN),
    _f(
        "propensity",
        "propensity $u$",
        "log-odds",
        None,
        None,
        "lasting personal inclination to take part in voluntary help, beyond the modelled motives "
        "(normal, mean 0, SD `participation.propensity_sd`)",
        fresh=_DRAWN,
    ),
    _f(
        "skill",
        "skill",
        "probability",
        *_UNIT,
        "hidden service quality: probability that a service of that type succeeds "
        "(not observed by others; [@socialcapital_mutualaid, §3.1.2])",
        per="resident × need type",
        fresh=_DRAWN,
    ),
    _f(
        "need",
        "new need",
        "hours/week",
        0.0,
        None,
        "this week's new need left after family and formal care",
        per="resident × need type",
    ),
    _f(
        "backlog",
        "backlog",
        "hours",
        0.0,
        None,
        "need the scheme could meet now (new need plus carried-over unmet need)",
        per="resident × need type",
    ),
    _f(
        "capacity",
        "capacity",
        "hours/week",
        0.0,
        "helping.max_capacity",
        "hours the resident can give this week",
    ),
    _f("capacity_left", "capacity left", "hours", 0.0, "capacity", "capacity not yet used this week"),
    _f(
        "generalized_trust",
        "generalized trust $T$",
        "–",
        *_UNIT,
        "trust in community members in general (社会信任)",
        fresh=_DRAWN,
    ),
    _f(
        "norm_internalization",
        "norm internalization $n$",
        "–",
        *_UNIT,
        "how bound the resident feels to return help (互惠规范)",
        fresh=_DRAWN,
    ),
    _f(
        "seen_sanctioned",
        "witnessed sanctioned",
        "violations",
        0.0,
        None,
        "violations the resident witnessed (as victim, or heard of from a tie) that were sanctioned, "
        "forgotten at `norms.witness_forgetting` a week",
    ),
    _f(
        "seen_unpunished",
        "witnessed unpunished",
        "violations",
        0.0,
        None,
        "violations the resident witnessed that went unpunished (forgotten likewise); with the above, "
        "perceived norm authority $A_i$ (7.6)",
    ),
    _f("self_worth", "self-worth $s$", "–", *_UNIT, "motive: feeling needed (自我价值实现)", fresh=_DRAWN),
    _f(
        "loneliness",
        "loneliness $L$",
        "–",
        *_UNIT,
        "inverse of emotional connection (情感联结); lonely if $L >$ `motives.lonely_threshold`",
        fresh=_DRAWN,
    ),
    _f("belonging", "belonging $b$", "–", *_UNIT, "motive: social belonging (社会归属感)", fresh=_DRAWN),
    _b("aware", "aware", "knows the scheme exists", False),
    _f(
        "willingness",
        "willingness $w$",
        "–",
        *_UNIT,
        "stated-willingness score, held by every resident whether or not aware of the "
        "scheme; the resident *states* willingness when $w \\ge$ `participation.willing_threshold`",
    ),
    _b(
        "member", "member", "registered member of the scheme (may ask and help); a standing status, not activity", False
    ),
    _i(
        "join_week",
        "join week",
        _WEEK,
        NEVER,
        None,
        "week the resident last registered (joined) as a member; a registrant with "
        "`last_active < join_week` has not exchanged since",
        fresh=NEVER,
    ),
    _i(
        "last_active",
        "last active",
        _WEEK,
        NEVER,
        None,
        "last week the resident gave or received help; *active* means "
        "`week − last_active < participation.active_window`",
        fresh=NEVER,
    ),
    _i("last_gave", "last gave", _WEEK, NEVER, None, "last week the resident gave help", fresh=NEVER),
    _f(
        "dissatisfaction",
        "dissatisfaction $D$",
        "events",
        0.0,
        None,
        "accumulated, fading dissatisfaction with the scheme",
    ),
    _i(
        "quit_week",
        "quit week",
        _WEEK,
        NEVER,
        None,
        "last week the resident quit (rejoining waits `participation.rejoin_delay` weeks)",
        fresh=NEVER,
    ),
    _i(
        "excluded_until",
        "excluded until",
        _WEEK,
        NEVER,
        None,
        "a sanctioned offender may not ask or help before this week",
        fresh=NEVER,
    ),
    _f(
        "ask_success",
        "asks helped",
        "weeks",
        0.0,
        None,
        "weeks in which the resident asked and was helped (no forgetting)",
    ),
    _f(
        "ask_failure",
        "asks not helped",
        "weeks",
        0.0,
        None,
        "weeks in which the resident asked and was not helped (no forgetting)",
    ),
    _f(
        "standing_good",
        "scheme answered $a$",
        "requests",
        0.0,
        None,
        "the scheme's record as the resident knows it: requests answered, own and heard of from ties "
        "(forgotten at `participation.standing_memory` a week)",
    ),
    _f(
        "standing_bad",
        "scheme unanswered $b$",
        "requests",
        0.0,
        None,
        "the scheme's record as the resident knows it: requests left unanswered, own and heard of from ties "
        "(forgotten at `participation.standing_memory` a week)",
    ),
    _f(
        "reputation_good",
        "good reputation",
        "reports",
        0.0,
        None,
        "public reputation: weighted count of good feedback (no forgetting)",
    ),
    _f(
        "reputation_bad",
        "bad reputation",
        "reports",
        0.0,
        None,
        "public reputation: weighted count of bad feedback (no forgetting)",
    ),
    _f(
        "hours_given",
        "hours given",
        "hours",
        0.0,
        None,
        "cumulative ledger of the current occupant",
        per="resident × need type",
    ),
    _f(
        "hours_received",
        "hours received",
        "hours",
        0.0,
        None,
        "cumulative ledger of the current occupant",
        per="resident × need type",
    ),
    _f("given_total", "total given", "hours", 0.0, None, "cumulative hours given"),
    _f("received_total", "total received", "hours", 0.0, None, "cumulative hours received"),
    _f("credits", "credits", "credits", 0.0, "interventions.time_bank.storage_cap", "time-bank balance"),
    _f("points", "points", "points", 0.0, None, "material points earned (incentives)"),
)

TIE_FIELDS: tuple[Field, ...] = (
    # slots as 32-bit integers: a community has fewer than 2**31 dwellings
    Field("owner", np.int32, "owner", "slot", 0, LAST_SLOT, "the end whose view this half-edge holds", "half-edge"),
    Field("other", np.int32, "other end", "slot", 0, LAST_SLOT, "the other end", "half-edge"),
    Field(
        "kind",
        np.int8,
        "kind",
        "–",
        0,
        5,
        "how the tie formed (neighbours decay at `network.decay_neighbour`, friends at `network.decay_friend`, "
        "ties formed by a pairing, an exchange, at an activity or by an introduction through a common tie "
        "at `network.decay_acquaintance`)",
        "half-edge",
        levels=("neighbour", "friend", "pairing", "exchange", "activity", "introduced"),
    ),
    Field(
        "strength",
        np.float64,
        "strength",
        "–",
        *_UNIT,
        "tie strength at the week of `last_contact`; the current value is computed lazily as "
        r"$\text{strength}\cdot(1 - \text{decay}_\text{kind})^{\text{weeks since contact}}$",
        "half-edge",
    ),
    Field(
        "last_contact",
        np.int32,
        "last contact",
        _WEEK,
        None,
        None,
        "last contact (exchange, activity meeting, visit, everyday contact)",
        "half-edge",
    ),
    Field(
        "trust_success",
        np.float64,
        "trust successes $r$",
        "observations",
        0.0,
        None,
        "Beta-reputation count of the owner's good experiences with the other, as of `trust_week` "
        r"(forgotten lazily by $\lambda^{\Delta t}$, $\lambda$ = `trust.forgetting`)",
        "half-edge",
    ),
    Field(
        "trust_failure",
        np.float64,
        "trust failures $s$",
        "observations",
        0.0,
        None,
        "Beta-reputation count of the owner's bad experiences with the other, likewise",
        "half-edge",
    ),
    Field(
        "trust_week",
        np.int32,
        "trust week",
        _WEEK,
        None,
        None,
        "week the counts were last brought up to date",
        "half-edge",
    ),
    Field(
        "owed",
        np.float64,
        "owed",
        "hours",
        0.0,
        None,
        "hours the owner received from the other and has not yet returned; of the two half-edges "
        "of a tie at most one has `owed` > 0 (debts are netted)",
        "half-edge",
    ),
)

RESIDENT = {f.name: f for f in RESIDENT_FIELDS}
TIE = {f.name: f for f in TIE_FIELDS}


# -- checks ---------------------------------------------------------------------
def _bound(bound: Bound, arrays: dict[str, np.ndarray], n: int, sc: Scenario | None) -> float | np.ndarray | None:
    """The value of a bound; None when it is unbounded or names a parameter and no
    scenario is given."""
    if bound is None or isinstance(bound, (int, float)):
        return bound
    if bound == LAST_SLOT:
        return n - 1
    if bound in arrays:
        return arrays[bound]
    if sc is None:
        return None
    value: Any = sc
    for part in bound.split("."):
        value = getattr(value, part)
    return float(value)


def _layout_problems(owner: str, declared: tuple[Field, ...], obj: object, length: int) -> list[str]:
    problems = []
    for f in declared:
        value = getattr(obj, f.name, None)
        if not isinstance(value, np.ndarray):
            problems.append(f"{owner}.{f.name}: missing (declared in sim/core/state.py)")
            continue
        shape = (length, N_NEEDS) if f.per == "resident × need type" else (length,)
        if value.dtype != f.dtype or value.shape != shape:
            problems.append(
                f"{owner}.{f.name}: {value.dtype} {value.shape}, declared {np.dtype(f.dtype)} {shape} (sim/core/state.py)"
            )
    return problems


def check_layout(pop: Population, net: EdgeStore | None = None) -> list[str]:
    """Every declared field present with its declared dtype and shape: one line per
    problem (an empty list when all is well)."""
    problems = _layout_problems("resident", RESIDENT_FIELDS, pop, pop.n)
    if net is not None:
        problems += _layout_problems("tie", TIE_FIELDS, net, len(net))
    return problems


def _range_problems(
    owner: str,
    declared: tuple[Field, ...],
    arrays: dict[str, np.ndarray],
    rows: np.ndarray,
    row_name: str,
    n: int,
    sc: Scenario | None,
    slack: float,
) -> list[str]:
    """One line per field of ``arrays`` with values outside its range; ``rows`` are
    the numbers (slots or half-edges: ``row_name``) of the arrays' rows."""
    problems = []
    for f in declared:
        values = arrays[f.name]
        if len(values) == 0 or f.dtype == np.bool_:
            continue
        low, high = _bound(f.low, arrays, n, sc), _bound(f.high, arrays, n, sc)
        tolerance = slack if np.issubdtype(f.dtype, np.floating) else 0
        # written as "not inside" so that NaN is outside any bound
        outside = np.isnan(values) if np.issubdtype(f.dtype, np.floating) else np.zeros(values.shape, dtype=bool)
        if low is not None:
            outside |= ~(values >= low - tolerance)
        if high is not None:
            outside |= ~(values <= high + tolerance)
        bad = np.flatnonzero(outside.reshape(len(values), -1).any(axis=1))
        if len(bad):
            problems.append(
                f"{owner}.{f.name}: {len(bad)} outside {range_text(f)}, e.g. "
                f"{values[bad[0]].tolist()} ({row_name} {rows[bad[0]]})"
            )
    return problems


def check_ranges(
    pop: Population, net: EdgeStore | None = None, sc: Scenario | None = None, *, slack: float = 1e-9
) -> list[str]:
    """Every value of an occupied slot (and of every half-edge) inside its declared
    range: one line per field with values outside it (an empty list when all is
    well). NaN is outside every range.

    Bounds naming a scenario parameter are checked only when ``sc`` is given. Real
    values may stray ``slack`` beyond a bound: hours are added up and taken away in
    different orders, so a budget spent to the last hour can end a rounding error
    below zero. Vacant slots keep their last occupant's values (or zeros) and are not
    checked."""
    slots = np.flatnonzero(pop.occupied)
    residents = {f.name: getattr(pop, f.name)[slots] for f in RESIDENT_FIELDS}
    problems = _range_problems("resident", RESIDENT_FIELDS, residents, slots, "slot", pop.n, sc, slack)
    if net is not None:
        ties = {f.name: getattr(net, f.name) for f in TIE_FIELDS}
        problems += _range_problems("tie", TIE_FIELDS, ties, np.arange(len(net)), "half-edge", pop.n, sc, slack)
    return problems


# -- the ODD tables -------------------------------------------------------------
def _number(x: float | str) -> str:
    if isinstance(x, str):
        return f"`{x}`" if x != LAST_SLOT else x
    if x == NEVER:
        return "never"
    return f"{x:g}"


def range_text(f: Field) -> str:
    """The declared range in words, as the ODD shows it."""
    if f.dtype == np.bool_:
        return "true or false"
    if f.levels:
        return ", ".join(f"{i} {level}" for i, level in enumerate(f.levels))
    if f.low is not None and f.high is not None:
        return f"[{_number(f.low)}, {_number(f.high)}]"
    if f.low is not None:
        return "never or a week" if f.low == NEVER else f"≥ {_number(f.low)}"
    if f.high is not None:
        return f"≤ {_number(f.high)}"
    return "any week" if f.unit == _WEEK else "real"


def _type_text(f: Field) -> str:
    per = " per need type" if f.per == "resident × need type" else ""
    if f.dtype == np.bool_:
        return f"bool{per}"
    kind = "real" if np.issubdtype(f.dtype, np.floating) else "int"
    return f"{kind}{per}, `{np.dtype(f.dtype).name}`"


def _fresh_text(f: Field) -> str:
    if isinstance(f.fresh, str):
        return f.fresh
    if f.dtype == np.bool_:
        return str(bool(f.fresh)).lower()
    return _number(f.fresh)


def resident_table_markdown() -> str:
    """The residents' state-variable table of docs/odd.md §2.1."""
    lines = [
        "| state variable (code name) | ODD name | type | range | unit | newcomer | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in RESIDENT_FIELDS:
        lines.append(
            f"| `{f.name}` | {f.odd} | {_type_text(f)} | {range_text(f)} | {f.unit} | {_fresh_text(f)} | {f.meaning} |"
        )
    return "\n".join(lines) + "\n"


def tie_table_markdown() -> str:
    """The ties' state-variable table of docs/odd.md §2.2 (per half-edge)."""
    lines = [
        "| per-half-edge state (code name) | ODD name | type | range | unit | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for f in TIE_FIELDS:
        lines.append(f"| `{f.name}` | {f.odd} | {_type_text(f)} | {range_text(f)} | {f.unit} | {f.meaning} |")
    return "\n".join(lines) + "\n"


ODD_BLOCKS = {"resident-state": resident_table_markdown, "tie-state": tie_table_markdown}
