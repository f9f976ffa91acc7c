"""What the inspector shows of one resident: their state, and their ties from their
own point of view."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboards.colouring import PARTICIPATION, participation_level
from sim.core.model import CommunityModel
from sim.core.network import TIE_KINDS
from sim.core.params import NEED_TYPES


def resident_state(model: CommunityModel, slot: int) -> dict[str, Any] | None:
    """What the inspector shows of one resident; None for a vacant dwelling."""
    if not 0 <= slot < model.pop.n or not model.pop.occupied[slot]:
        return None
    r = model.residents[slot]
    state: dict[str, Any] = {
        "slot": slot,
        "person": r.person_id,
        "age": round(r.age, 1),
        "health": round(r.health, 3),
        "functional status": r.functional_status,
        "lives alone": r.lives_alone,
        "education": ("low", "middle", "high")[r.education],
        "participation": PARTICIPATION[participation_level(model)[slot]],
        "generalized trust": round(r.generalized_trust, 3),
        "loneliness": round(r.loneliness, 3),
        "belonging": round(r.belonging, 3),
        "willingness": round(r.willingness, 3),
        "norm internalization": round(r.norm_internalization, 3),
        "self-worth": round(r.self_worth, 3),
        "credits": round(r.credits, 2),
        "ties": len(r.ties),
    }
    for need, hours in zip(NEED_TYPES, model.pop.backlog[slot].tolist()):
        state[f"unmet {need} (h)"] = round(hours, 2)
    return state


def resident_ties(model: CommunityModel, slot: int) -> pd.DataFrame:
    """One row per tie of ``slot``, strongest first, from the resident's own view."""
    net = model.net
    idx = np.arange(net.indptr[slot], net.indptr[slot + 1])
    trust = model.config.trust.forgetting
    return pd.DataFrame(
        {
            "with slot": net.other[idx],
            "kind": [TIE_KINDS[k] for k in net.kind[idx]],
            "strength": np.round(net.strength_now(model.week, model.decay_by_kind, idx), 3),
            "trust in them": np.round(net.trust_expectation(model.week, trust, idx), 3),
            "hours owed": np.round(net.owed[idx], 2),
        }
    ).sort_values("strength", ascending=False, ignore_index=True)
