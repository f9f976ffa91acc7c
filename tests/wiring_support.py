"""Shared scaffolding of the wiring tests (tests/test_wiring_*.py): run ONE step of
the week by name on a tiny scripted model, and script ties and a week's exchanges.

A wiring test pins how a step *uses* its formulas — which arguments, which sign,
which residents — so a swapped argument or a flipped sign inside the step fails a
test, not only a mistake inside the helper formula (issue 19). Steps are run through
``sim.core.schedule.WEEK`` (``Step.run(model)``), the entry point that stays when the step
functions' signatures change; model-level scalars are touched only through the one
small helper at the top of each test file.
"""

from __future__ import annotations

import numpy as np

from sim.core.network import FRIEND
from sim.core.schedule import WEEK
from sim.core.tally import Exchanges

# demography without hazards: nobody falls ill, dies, moves or enters an institution,
# and empty dwellings stay empty (for tests of other things that happen to newcomers)
NO_HAZARDS = {
    "shock_rate_at_60": 0.0,
    "mortality_at_60": 0.0,
    "move_out_rate": 0.0,
    "institution_rate": 0.0,
    "vacancy_fill_rate": 0.0,
}


def spy_acceptance(monkeypatch) -> list[float]:
    """Record every acceptance probability the helping step computes (the list fills
    as the step runs): the formula itself is kept, only watched."""
    from sim.submodels import helping

    seen: list[float] = []
    formula = helping.acceptance_probability

    def spy(*args, **kwargs):
        p = formula(*args, **kwargs)
        seen.extend(np.atleast_1d(p).tolist())
        return p

    monkeypatch.setattr(helping, "acceptance_probability", spy)
    return seen


def run_step(model, name: str) -> None:
    """Run the step of the week called ``name`` (a submodel or an intervention phase)."""
    next(s for s in WEEK if s.name == name).run(model)


def tie(model, a: int, b: int, kind: int = FRIEND, strength: float = 0.5) -> None:
    """An undirected tie {a, b} with no trust observations yet."""
    model.net.add(np.array([a]), np.array([b]), kind, strength, model.week)


def half_edge(model, owner: int, other: int) -> int:
    return int(model.net.find(np.array([owner]), np.array([other]))[0])


def exchanges(model, rows: list[tuple[int, int, int, float, bool, bool]]) -> Exchanges:
    """The week's exchanges from (helper, requester, need type, hours, success, dispute)
    rows, on existing ties (``edge`` requester→helper, ``twin`` helper→requester)."""
    h, q, t, x, ok, dispute = (np.array(col) for col in zip(*rows))
    return Exchanges(
        helper=h.astype(np.int64),
        requester=q.astype(np.int64),
        need_type=t.astype(np.int64),
        hours=x.astype(np.float64),
        edge=model.net.find(q, h),
        twin=model.net.find(h, q),
        success=ok.astype(bool),
        dispute=dispute.astype(bool),
        new_mode=np.zeros(len(rows), dtype=bool),
    )
