"""A user's own community from survey data: a residents table and an edge list (CSV).

Referenced from the scenario file (paths relative to the file that names them):

    [community]
    residents_file = "survey/residents.csv"
    edges_file = "survey/edges.csv"

Residents table: one row per older resident. Required column ``id`` (unique,
non-empty text) and ``age`` (at least 60 and below the scenario's
``demography.max_age``, default 105: the model removes a resident at that age, so an
older one would leave in the first week). Optional columns, each defaulting to the
model's own initialization when absent: ``health``, ``digital_literacy``,
``sociability``, ``generalized_trust``, ``norm_internalization``, ``self_worth``,
``loneliness``, ``belonging`` (all in [0, 1]); ``lives_alone``, ``aware``,
``member`` (true/false or 1/0); ``education`` (low, mid, high or 0, 1, 2);
``building`` and ``block`` (integers: residents are placed in dwelling slots ordered
by block then building, so neighbours in the data are neighbours in the model).
The number of rows sets ``community.residents``.

Edge list: one row per tie with ``source`` and ``target`` (resident ids) and
optional ``kind`` (neighbour, friend, pairing, exchange; default friend) and
``strength`` in [0, 1] (default the model's new-tie strength).

Every problem is reported as ``file: row N: column: what is allowed`` through
:class:`sim.inputs.scenario.ScenarioError`. Messages never quote the file's content (a
scenario might point at a file its reader should not see, and a message travels to
logs, sweep tables and the dashboard): a cell is named by row and column, an unknown
header name by its place in the header. The files are read as
:func:`sim.inputs.scenario.read_text` reads data: regular files only, at most
:data:`sim.inputs.scenario.MAX_DATA_BYTES`, UTF-8 with or without a byte-order mark.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.network import TIE_KINDS
from sim.core.params import Demography
from sim.inputs.scenario import ScenarioError, read_text

if TYPE_CHECKING:  # the apply_* functions' argument types
    from collections.abc import Callable

    from sim.core.params import Community, Network
    from sim.core.population import Population

UNIT_COLUMNS = (
    "health",
    "digital_literacy",
    "sociability",
    "generalized_trust",
    "norm_internalization",
    "self_worth",
    "loneliness",
    "belonging",
)
BOOL_COLUMNS = ("lives_alone", "aware", "member")
INT_COLUMNS = ("building", "block")
EDUCATION = {"low": 0, "mid": 1, "middle": 1, "high": 2, "0": 0, "1": 1, "2": 2}
BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
MAX_PROBLEMS = 20
MIN_AGE = 60
DEFAULT_MAX_AGE = Demography.model_fields["max_age"].default
CSV_ERROR = re.compile(
    r"Expected \d+ fields in line \d+, saw \d+|EOF inside string starting at row \d+|"
    r"No columns to parse from file"
)
"""The parser's own messages that carry no file content (anything else is summarised)."""


@dataclass
class Survey:
    residents: pd.DataFrame  # validated, in slot order, with a ``slot`` column
    edges: pd.DataFrame | None  # columns source_slot, target_slot, kind (int), strength (float or NaN)


def _read_csv(path: Path) -> pd.DataFrame:
    text = read_text(path, "data")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        detail = CSV_ERROR.search(str(exc))
        raise ScenarioError(
            [f"{path}: not a readable CSV table ({detail.group() if detail else 'malformed'})"]
        ) from None


def _problem(problems: list[str], path: Path, row: int | None, column: str, message: str) -> None:
    where = f"row {row + 2}: " if row is not None else ""  # +2: header line, 1-based
    problems.append(f"{path}: {where}{column}: {message}")


def _empty(cell: str) -> str:
    """Whether the cell was empty: the only thing a message says about a cell."""
    return " (the cell is empty)" if not cell.strip() else ""


def _numbers(
    df: pd.DataFrame, column: str, path: Path, problems: list[str], lo: float, hi: float, allowed: str | None = None
) -> np.ndarray:
    """The column as numbers in [lo, hi] (or as ``allowed`` says, for a bound that is
    excluded: pass ``hi`` just below it)."""
    values = pd.to_numeric(df[column].str.strip(), errors="coerce").to_numpy(dtype=float)
    allowed = allowed or f"a number in [{lo:g}, {hi:g}]"
    for row in np.flatnonzero(np.isnan(values) | (values < lo) | (values > hi))[:MAX_PROBLEMS]:
        _problem(problems, path, int(row), column, f"must be {allowed}{_empty(df[column].iloc[row])}")
    return values


def _mapped(df: pd.DataFrame, column: str, mapping: dict, path: Path, problems: list[str]) -> np.ndarray:
    raw = df[column].str.strip().str.lower()
    bad = ~raw.isin(mapping.keys())
    for row in np.flatnonzero(bad.to_numpy())[:MAX_PROBLEMS]:
        allowed = ", ".join(sorted(set(mapping.keys())))
        _problem(problems, path, int(row), column, f"must be one of {allowed}{_empty(df[column].iloc[row])}")
    return raw.map(mapping).to_numpy()


def _read_table(path: Path, required: tuple[str, ...], known: set[str], problems: list[str]) -> pd.DataFrame:
    """Read a CSV table and check its header: required columns present, no unknown ones."""
    df = _read_csv(path)
    df.columns = [c.strip() for c in df.columns]
    for column in required:
        if column not in df.columns:
            _problem(problems, path, None, column, "required column is missing")
    for place, column in enumerate(df.columns, start=1):
        if column not in known:
            _problem(
                problems,
                path,
                None,
                f"header column {place}",
                f"not a known column (allowed: {', '.join(sorted(known))})",
            )
    return df


def load_residents(path: Path, problems: list[str], max_age: float = DEFAULT_MAX_AGE) -> pd.DataFrame:
    known = {"id", "age", *UNIT_COLUMNS, *BOOL_COLUMNS, *INT_COLUMNS, "education"}
    df = _read_table(path, ("id", "age"), known, problems)
    if problems:
        return df
    if len(df) == 0:
        _problem(problems, path, None, "id", "the table has no residents")
        return df
    out = pd.DataFrame({"id": df["id"].str.strip()})
    empty = (out["id"] == "").to_numpy()
    for row in np.flatnonzero(empty)[:MAX_PROBLEMS]:
        _problem(problems, path, int(row), "id", "must not be empty")
    dup = out["id"].duplicated().to_numpy() & ~empty
    for row in np.flatnonzero(dup)[:MAX_PROBLEMS]:
        first = int(np.flatnonzero((out["id"] == out["id"].iloc[row]).to_numpy())[0])
        _problem(problems, path, int(row), "id", f"duplicate id (the same as row {first + 2})")
    below = np.nextafter(max_age, -np.inf)  # the model removes a resident on reaching max_age
    out["age"] = _numbers(
        df,
        "age",
        path,
        problems,
        MIN_AGE,
        below,
        f"a number from {MIN_AGE} to below {max_age:g} (demography.max_age, the age at which "
        f"the model removes a resident)",
    )
    for column in UNIT_COLUMNS:
        if column in df:
            out[column] = _numbers(df, column, path, problems, 0, 1)
    for column in BOOL_COLUMNS:
        if column in df:
            out[column] = _mapped(df, column, BOOLS, path, problems)
    if "education" in df:
        out["education"] = _mapped(df, "education", EDUCATION, path, problems)
    for column in INT_COLUMNS:
        if column in df:
            out[column] = _numbers(df, column, path, problems, 0, 10**9).round()
    if "member" in out and "aware" not in out:
        out["aware"] = out["member"]  # members know the scheme
    if "member" in out and "aware" in out and not problems:
        member_unaware = out["member"].astype(bool) & ~out["aware"].astype(bool)
        for row in np.flatnonzero(member_unaware.to_numpy())[:MAX_PROBLEMS]:
            _problem(problems, path, int(row), "member", "a member must also be aware of the scheme")
    return out


def load_edges(path: Path, ids: pd.Series, problems: list[str]) -> pd.DataFrame:
    df = _read_table(path, ("source", "target"), {"source", "target", "kind", "strength"}, problems)
    if problems:
        return df
    slot_of = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    out = pd.DataFrame()
    for column in ("source", "target"):
        names = df[column].str.strip()
        known_id = names.isin(slot_of.index).to_numpy()
        for row in np.flatnonzero(~known_id)[:MAX_PROBLEMS]:
            _problem(problems, path, int(row), column, "unknown resident id (not in the residents table)")
        out[f"{column}_slot"] = names.map(slot_of).fillna(-1).astype(np.int64).to_numpy()
    loops = (out["source_slot"] == out["target_slot"]).to_numpy() & (out["source_slot"] >= 0).to_numpy()
    for row in np.flatnonzero(loops)[:MAX_PROBLEMS]:
        _problem(problems, path, int(row), "target", "a resident cannot be tied to themselves")
    kinds = {k: i for i, k in enumerate(TIE_KINDS)}
    out["kind"] = _mapped(df, "kind", kinds, path, problems) if "kind" in df else kinds["friend"]
    out["strength"] = _numbers(df, "strength", path, problems, 0, 1) if "strength" in df else np.nan
    return out


def load_survey(residents_file: str | Path, edges_file: str | Path | None, max_age: float = DEFAULT_MAX_AGE) -> Survey:
    """Read and validate a survey community; raises ScenarioError listing every problem.

    ``max_age``: the scenario's ``demography.max_age``; ages must lie below it."""
    problems: list[str] = []
    residents = load_residents(Path(residents_file), problems, max_age)
    if problems:
        raise ScenarioError(problems)
    sort_keys = [c for c in ("block", "building") if c in residents]
    if sort_keys:
        residents = residents.sort_values(sort_keys, kind="stable").reset_index(drop=True)
    residents["slot"] = np.arange(len(residents))
    edges = load_edges(Path(edges_file), residents["id"], problems) if edges_file else None
    if problems:
        raise ScenarioError(problems)
    return Survey(residents, edges)


def apply_residents(pop: Population, survey: Survey, demography: Demography, setting: Community) -> None:
    """Overwrite the freshly drawn residents with the survey's columns (before the
    network is built, so a generated network reflects the surveyed people);
    ``setting`` is the scenario's community block (buildings per block)."""
    from sim.core.population import expected_health

    r = survey.residents
    pop.age[:] = r["age"].to_numpy()
    for column in UNIT_COLUMNS:
        if column in r:
            getattr(pop, column)[:] = r[column].to_numpy(dtype=float)
    if "health" in r:  # the survey's health is the level now: keep the latent parts consistent
        pop.health_deviation[:] = pop.health - expected_health(pop.age, demography)
        pop.acute_deficit[:] = 0.0
    else:  # health drawn for the surveyed ages
        pop.health[:] = np.clip(expected_health(pop.age, demography) + pop.health_deviation, 0.0, 1.0)
    if "lives_alone" in r:
        pop.lives_alone[:] = r["lives_alone"].to_numpy(dtype=bool)
    if "education" in r:
        pop.education[:] = r["education"].to_numpy(dtype=np.int64)
    if "building" in r:
        pop.building[:] = r["building"].to_numpy(dtype=np.int64)
        pop.block[:] = (
            r["block"].to_numpy(dtype=np.int64) if "block" in r else pop.building // setting.buildings_per_block
        )
    elif "block" in r:
        pop.block[:] = r["block"].to_numpy(dtype=np.int64)


def apply_edges(add_ties: Callable[..., np.ndarray], survey: Survey, network: Network) -> None:
    """The surveyed ties, in place of a generated network, formed by ``add_ties(a, b,
    kind, strength)`` (the model's one rule for new ties); a tie without a strength
    gets ``network.new_tie_strength``."""
    e = survey.edges
    if e is None:
        return
    strength = e["strength"].fillna(network.new_tie_strength).to_numpy(dtype=float)
    add_ties(e["source_slot"].to_numpy(), e["target_slot"].to_numpy(), e["kind"].to_numpy(dtype=np.int8), strength)


def apply_participation(pop: Population, survey: Survey) -> None:
    """Surveyed awareness and membership, over the drawn ones."""
    for column in ("aware", "member"):
        if column in survey.residents:
            getattr(pop, column)[:] = survey.residents[column].to_numpy(dtype=bool)
