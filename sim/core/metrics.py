"""Per-run sustainability metrics computed from the weekly table (model.md §6).

Definitions (docs/odd.md, Observation):
- ``mean_coverage_last2y``, ``mean_active_share_last2y``: means over the last 104
  recorded weeks (all weeks if the run is shorter);
- ``peak_active_share``: the highest 13-week moving average of active share;
- ``persistence``: mean active share of the last two years / peak (0 if the peak is 0);
- ``collapsed`` / ``collapse_week``: the first week from which active share stays
  under 5% for 26 consecutive weeks (None if never);
- ``stop_week_<intervention>``: the week an intervention that ended during the run
  stopped. Its gain's half-life needs the paired run without it (same seed,
  :func:`paired_gain_half_life`), which a single run does not have: a sweep with a
  reference scenario measures it (``gain_half_life_<intervention>``,
  sim.experiments.summarise.paired_half_lives); a run alone reports none rather than
  one counted from its own level before the start, which would count the decline that
  ageing and diffusion bring anyway as loss of the gain;
- equity and cost: mean ``coverage_gap`` and ``help_gini`` of the last two years,
  total ``budget_spent`` and cost per met need-hour;
- ``mean_coverage_of_need_last2y``: mean ``coverage_of_need`` (met hours over need
  before professional services and redemption took their share) of the last two years;
- ``hours_per_active_member_per_year`` and ``hours_per_active_giver_per_year``: the
  weekly hours given per active resident (givers and receivers) and per resident who
  gave that week, averaged over the last two years, × 52.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.util import exact_mean, exact_sum

STOP_WEEK_PREFIX = "stop_week_"
LAST_WEEKS = 104
COLLAPSE_LEVEL = 0.05
COLLAPSE_WEEKS = 26


def collapse_week(active_share: np.ndarray, level: float = COLLAPSE_LEVEL, run: int = COLLAPSE_WEEKS) -> int | None:
    """First index from which ``active_share`` stays below ``level`` for ``run`` weeks."""
    below = np.asarray(active_share) < level
    count = 0
    for i, b in enumerate(below):
        count = count + 1 if b else 0
        if count == run:
            return i - run + 1
    return None


def paired_gain_half_life(weeks: np.ndarray, active: np.ndarray, reference: np.ndarray, end: int) -> float | None:
    """Weeks after ``end`` until the gain in active share over the paired run without
    the intervention (same seed: ``reference``, week by week) falls below half its
    level at the end (the 4-week mean before ``end``); None when there was no gain or
    it never halved. Against the paired run, what the intervention left is separated
    from what would have happened anyway (ageing, diffusion), which a gain counted
    from the level before the start mixes in."""
    gain = np.asarray(active, dtype=float) - np.asarray(reference, dtype=float)
    window = gain[(weeks >= end - 4) & (weeks < end)]
    if not len(window) or window.mean() <= 0:
        return None
    after = np.flatnonzero((weeks >= end) & (gain < window.mean() / 2.0))
    return float(weeks[after[0]] - end) if len(after) else None


def sustainability(
    weekly: pd.DataFrame, ended: dict[str, tuple[int, int]] | None = None
) -> dict[str, float | int | bool | None]:
    """Sustainability, equity and cost metrics of one run.

    ``ended`` maps an intervention name to (start_week, end_week) for interventions
    that stopped during the run; their stop weeks are kept for pairing (module
    docstring)."""
    last = weekly.tail(LAST_WEEKS)
    active = weekly["active_share"].to_numpy()
    peak = float(weekly["active_share"].rolling(13, min_periods=1).mean().max()) if len(weekly) else 0.0
    mean_active = exact_mean(last["active_share"].to_numpy())
    cw = collapse_week(active)
    met_total = exact_sum(weekly["met_hours"].to_numpy())
    budget = float(weekly["budget_spent"].iloc[-1]) if len(weekly) else 0.0
    out: dict[str, float | int | bool | None] = {
        "mean_coverage_last2y": exact_mean(last["coverage"].to_numpy()),
        "mean_active_share_last2y": mean_active,
        "mean_member_share_last2y": exact_mean(last["member_share"].to_numpy()),
        "mean_willing_share_last2y": exact_mean(last["willing_share"].to_numpy()),
        "peak_active_share": peak,
        "persistence": mean_active / peak if peak > 0 else 0.0,
        "collapsed": cw is not None,
        "collapse_week": int(weekly["week"].iloc[cw]) if cw is not None else None,
        "mean_coverage_gap_last2y": exact_mean(last["coverage_gap"].to_numpy()),
        "mean_help_gini_last2y": exact_mean(last["help_gini"].to_numpy()),
        "mean_generalized_trust_last2y": exact_mean(last["generalized_trust"].to_numpy()),
        "mean_norm_authority_last2y": exact_mean(last["norm_authority"].to_numpy()),
        "mean_lonely_share_last2y": exact_mean(last["lonely_share"].to_numpy()),
        "mean_isolated_share_last2y": exact_mean(last["isolated_share"].to_numpy()),
        "hours_per_active_member_per_year": exact_mean(last["hours_per_active_member"].to_numpy()) * 52.0,
        "hours_per_active_giver_per_year": exact_mean(last["hours_per_active_giver"].to_numpy()) * 52.0,
        "mean_coverage_of_need_last2y": exact_mean(last["coverage_of_need"].to_numpy()),
        "budget_spent": budget,
        "cost_per_met_hour": budget / met_total if met_total > 0 else (0.0 if budget == 0 else None),
    }
    for name, (_, end) in (ended or {}).items():
        out[f"{STOP_WEEK_PREFIX}{name}"] = end
    return out


SUSTAINABILITY_METRICS = (
    "mean_coverage_last2y",
    "mean_active_share_last2y",
    "persistence",
    "collapsed",
    "mean_coverage_gap_last2y",
    "mean_help_gini_last2y",
    "budget_spent",
    "cost_per_met_hour",
)
