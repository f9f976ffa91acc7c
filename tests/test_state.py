"""Declared state (sim/core/state.py): every resident column and half-edge field is
declared once, with dtype, shape, unit, range and ODD name; the arrays, a newcomer's
fresh state, the range invariants and the ODD tables all follow the declarations;
and the modules that hold the state import one another without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS, scripted_model

from sim.core.agents import _SCALARS
from sim.core.model import CommunityModel
from sim.core.network import TIE_KINDS, EdgeStore
from sim.core.population import Population, fill_residents
from sim.core.state import NEVER, RESIDENT, RESIDENT_FIELDS, TIE, TIE_FIELDS, check_layout, check_ranges
from sim.inputs.scenario import load_scenario


def _model() -> CommunityModel:
    return CommunityModel(load_scenario(SCENARIOS / "new_estate.toml", ["community.residents=120"]), rng=4)


def test_every_declared_field_exists_with_its_dtype_and_shape_after_model_construction():
    model = _model()
    pop, net = model.pop, model.net
    assert len(net) > 0
    assert check_layout(pop, net) == []
    for f in RESIDENT_FIELDS:
        column = getattr(pop, f.name)
        assert column.dtype == f.dtype, f.name
        if f.per == "resident × need type":
            assert column.shape == (pop.n, 4) and column.flags["F_CONTIGUOUS"], f.name
        else:
            assert column.shape == (pop.n,), f.name
    for f in TIE_FIELDS:
        assert getattr(net, f.name).dtype == f.dtype and getattr(net, f.name).shape == (len(net),), f.name


def test_a_wrong_dtype_or_a_missing_field_is_reported_by_check_layout():
    pop = Population(3)
    pop.education = pop.education.astype(np.float64)
    del pop.points
    problems = check_layout(pop)
    assert len(problems) == 2
    assert "resident.education: float64" in problems[0] and "declared int64" in problems[0]
    assert problems[1].startswith("resident.points: missing")


def test_the_classes_annotate_exactly_the_declared_fields():
    """mypy and readers see the attributes the allocation loops create."""
    assert list(Population.__annotations__) == [f.name for f in RESIDENT_FIELDS]
    assert list(EdgeStore.__annotations__) == [f.name for f in TIE_FIELDS]
    by_kind = Population.FLOAT + Population.INT + Population.BOOL + Population.MATRIX
    assert sorted(by_kind) == sorted(RESIDENT)


def test_every_attribute_a_resident_agent_shows_is_a_declared_per_resident_column():
    assert all(RESIDENT[name].per == "resident" for name in _SCALARS)


def test_categorical_fields_range_over_exactly_their_levels():
    for f in RESIDENT_FIELDS + TIE_FIELDS:
        if f.levels:
            assert (f.low, f.high) == (0, len(f.levels) - 1), f.name
    assert TIE_KINDS == TIE["kind"].levels


def test_a_newcomer_gets_each_fields_declared_fresh_value_and_the_dwelling_keeps_its_place():
    model = _model()
    pop, sc = model.pop, model.config
    slots = np.array([2, 5, 7])
    place = pop.building.copy(), pop.block.copy()
    for f in RESIDENT_FIELDS:  # a previous occupant's state, or garbage
        if f.fresh != "the dwelling's":
            getattr(pop, f.name)[slots] = 99 if f.dtype != np.bool_ else not f.fresh
    first_id = pop.next_person_id
    fill_residents(pop, slots, sc, np.random.default_rng(0), week=12)
    for f in RESIDENT_FIELDS:
        values = getattr(pop, f.name)[slots]
        if not isinstance(f.fresh, str):
            assert (values == f.fresh).all(), f.name
        elif f.fresh == "drawn (§5)":
            assert (values != 99).any(), f.name  # drawn, not left over
    assert pop.person_id[slots].tolist() == [first_id, first_id + 1, first_id + 2]
    assert (pop.moved_in[slots] == 12).all() and (pop.last_active[slots] == NEVER).all()
    assert np.array_equal(pop.building, place[0]) and np.array_equal(pop.block, place[1])
    assert check_ranges(pop, None, sc) == []


def _set_resident(name, value):
    def assign(model):
        getattr(model.pop, name)[1] = value

    return assign


def _set_tie(name, value):
    def assign(model):
        getattr(model.net, name)[0] = value

    return assign


@pytest.mark.parametrize(
    ("assign", "field"),
    [
        (_set_resident("health", 1.5), "resident.health"),
        (_set_resident("health", np.nan), "resident.health"),
        (_set_resident("health_deviation", np.nan), "resident.health_deviation"),  # real: only NaN is out
        (_set_resident("age", 59.0), "resident.age"),
        (_set_resident("age", 130.0), "resident.age"),  # above demography.max_age
        (_set_resident("capacity_left", 6.0), "resident.capacity_left"),  # above its own capacity (5)
        (_set_resident("credits", 1e6), "resident.credits"),  # above the time bank's storage cap
        (_set_resident("backlog", -1.0), "resident.backlog"),
        (_set_resident("education", 3), "resident.education"),
        (_set_resident("last_active", NEVER - 1), "resident.last_active"),
        (_set_tie("strength", 1.25), "tie.strength"),
        (_set_tie("other", 3), "tie.other"),  # slots are 0..2
        (_set_tie("kind", 6), "tie.kind"),  # 0 neighbour … 5 introduced
        (_set_tie("owed", -0.5), "tie.owed"),
    ],
)
def test_a_field_assigned_outside_its_range_is_caught_by_check_ranges(assign, field):
    model = scripted_model(3)
    model.net.add(np.array([0, 1]), np.array([1, 2]), 0, 0.5, 0)
    assert check_ranges(model.pop, model.net, model.config) == []
    model.pop.occupied[0] = False  # so the problem must name the slot, not the row among occupied slots
    assign(model)
    problems = check_ranges(model.pop, model.net, model.config)
    assert len(problems) == 1 and problems[0].startswith(f"{field}: 1 outside"), problems
    assert problems[0].endswith("(slot 1)" if field.startswith("resident") else "(half-edge 0)")


def test_check_ranges_leaves_vacant_slots_and_unknown_parameter_bounds_alone():
    model = scripted_model(3)
    model.pop.occupied[2] = False
    model.pop.health[2] = 7.0  # a vacant slot's leftover state
    model.pop.credits[1] = 1e6  # beyond the storage cap, which only the scenario knows
    assert check_ranges(model.pop) == []
    assert [p.split(":")[0] for p in check_ranges(model.pop, sc=model.config)] == ["resident.credits"]


def test_check_ranges_allows_a_rounding_error_beyond_a_bound_but_no_more():
    model = scripted_model(3)
    model.pop.capacity_left[0] = -4e-16  # a week's capacity spent to the last hour
    assert check_ranges(model.pop) == []
    assert check_ranges(model.pop, slack=0.0) != []
    model.pop.capacity_left[0] = -1e-6
    assert check_ranges(model.pop) != []


# -- import cycles -------------------------------------------------------------------
STATE_MODULES = (
    "sim.core.state",
    "sim.core.population",
    "sim.core.network",
    "sim.core.kernels",
    "sim.core.util",
    "sim.core.agents",
)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The sim modules a file imports anywhere (also inside functions), except under
    ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def module_of(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(m for a in node.names if (m := module_of(a.name)))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                m = module_of(f"{node.module}.{a.name}")
                if m:
                    found.add(m)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _import_graph() -> dict[str, set[str]]:
    paths = {}
    for path in (ROOT / "sim").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {m: _imports(p, set(paths)) - {m} for m, p in paths.items()}


def test_the_modules_holding_the_state_are_in_no_import_cycle():
    """sim.core.kernels is the bottom layer (its warm-up calls the kernels, not the
    network); util and network build on it, population and agents on the state
    declarations. Imports inside functions count: they only defer the cycle."""
    graph = _import_graph()
    for start in STATE_MODULES:
        seen, frontier = set(), set(graph[start])
        while frontier:
            module = frontier.pop()
            if module not in seen:
                seen.add(module)
                frontier |= graph[module]
        assert start not in seen, f"{start} imports itself through {sorted(seen)}"
