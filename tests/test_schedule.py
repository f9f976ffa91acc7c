"""The week as data (sim/core/schedule.py): the model runs exactly the steps of WEEK, each
step draws only from the streams and writes only the state it declares, and the ODD's
schedule and stream tables are the ones rendered from WEEK."""

from __future__ import annotations

import ast
import copy
from collections import defaultdict
from dataclasses import fields, replace

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS

from sim.core import schedule
from sim.core.model import CommunityModel
from sim.core.network import _FIELDS as TIE_FIELDS
from sim.core.population import Population
from sim.core.schedule import STREAMS, WEEK, Phase, check_phases
from sim.core.tally import WeekTally
from sim.inputs.scenario import load_scenario
from sim.interventions.base import Intervention

# every intervention on, the time bank with guaranteed redemption, and clustering
# estimated on a sample, so that every step and every hook does its work (and draws
# its numbers) within a few weeks
EVERYTHING = [
    "community.residents=300",
    "simulation.weeks=40",
    "simulation.burn_in_weeks=4",
    "simulation.clustering_sample=100",
    "interventions.time_bank.enabled=true",
    "interventions.time_bank.guaranteed=true",
    "interventions.incentives.enabled=true",
    "interventions.professional_services.enabled=true",
]


def _model() -> CommunityModel:
    return CommunityModel(load_scenario(SCENARIOS / "full_package.toml", EVERYTHING), rng=5)


def _instrument(model: CommunityModel, before, after) -> None:
    """Give ``model`` copies of WEEK's steps that call ``before(step)`` and
    ``after(step)`` around the real step."""

    def wrapped(step):
        def run(m):
            before(step)
            step.run(m)
            after(step)

        return replace(step, run=run)

    model.week_schedule = tuple(wrapped(step) for step in WEEK)


def test_a_week_is_exactly_the_steps_of_WEEK_in_order():
    model = _model()
    calls = []
    model.week_schedule = tuple(replace(step, run=lambda m, name=step.name: calls.append(name)) for step in WEEK)
    health, ties, week = model.pop.health.copy(), len(model.net), model.week
    model.step()
    assert calls == [step.name for step in WEEK]
    # nothing outside the steps changed the community; only the week counter moved
    assert np.array_equal(model.pop.health, health) and len(model.net) == ties
    assert model.week == week + 1


def test_the_week_is_observed_only_once_it_is_recorded():
    model = CommunityModel(
        load_scenario(SCENARIOS / "new_estate.toml", ["community.residents=100", "simulation.burn_in_weeks=2"]), rng=1
    )
    model.step()
    model.step()
    assert model.records == []
    model.step()
    assert [r["week"] for r in model.records] == [0]


def test_every_step_names_known_streams_and_the_stream_list_keeps_the_spawn_order():
    assert all(set(step.streams) <= set(STREAMS) for step in WEEK)
    assert [name for name, _ in schedule.streams()] == list(STREAMS)
    assert len({step.name for step in WEEK}) == len(WEEK)


class _Recorder:
    """A random generator that notes which step draws from it."""

    def __init__(self, name, rng, log, current):
        self._name, self._rng, self._log, self._current = name, rng, log, current

    def __getattr__(self, attr):
        self._log[self._current[0]].add(self._name)
        return getattr(self._rng, attr)


def test_every_step_draws_from_exactly_the_streams_it_declares():
    model = _model()
    drawn: dict[str, set[str]] = defaultdict(set)
    current = [None]
    model.streams = {name: _Recorder(name, rng, drawn, current) for name, rng in model.streams.items()}
    _instrument(model, lambda step: current.__setitem__(0, step.name), lambda step: current.__setitem__(0, None))
    model.run(30)
    assert None not in drawn, "a stream was drawn from outside the steps of the week"
    assert {step.name: set(step.streams) for step in WEEK} == {step.name: drawn[step.name] for step in WEEK}


def _state(model: CommunityModel) -> dict[str, object]:
    """Every piece of state a step may write, under the names the schedule uses."""
    pop, net, gov = model.pop, model.net, model.governance
    state: dict[str, object] = {
        f"resident.{f}": getattr(pop, f).copy()
        for f in Population.FLOAT + Population.INT + Population.BOOL + Population.MATRIX
    }
    state["tie.count"] = len(net)
    state.update({f"tie.{f}": getattr(net, f).copy() for f in TIE_FIELDS})
    state.update({f"tally.{f.name}": copy.deepcopy(getattr(model.tally, f.name)) for f in fields(WeekTally)})
    state["community_state.norm_authority"] = model.norm_authority
    state["community_state.clustering"] = model.clustering
    state["model.records"] = len(model.records)
    state["community_state.modes"] = [m.regulated_week for m in model.modes.modes]
    state["model.residents"] = sorted(model.residents)
    state.update(
        {
            f"governance.{k}": copy.deepcopy(getattr(gov, k))
            for k in ("balance", "spent", "running", "started", "stopped", "out_of_money")
        }
    )
    bank = gov.interventions["time_bank"]
    state.update(
        {
            f"time_bank.{k}": getattr(bank, k)
            for k in ("issued", "spent", "expired", "fined", "redeemed_hours", "credibility")
        }
    )
    state["time_bank.partner"] = bank.partner.copy()
    state["time_bank.serving"] = bank.serving.copy()
    state["time_bank.record"] = [bank.record.kept.copy(), bank.record.broken.copy()]
    points = gov.interventions["incentives"]
    state["incentives.paid_share"] = points.paid_share
    state["incentives.record"] = [points.record.kept.copy(), points.record.broken.copy()]
    pairs = gov.interventions["targeted_support"]
    state["targeted_support.pairings"] = [
        a.copy() for a in (pairs.supported, pairs.volunteer, pairs.person, pairs.until)
    ]
    return state


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, "__dataclass_fields__"):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return a == b


def _declared(name: str, writes: tuple[str, ...]) -> bool:
    owner = name.split(".")[0]
    if owner == "tie" and name == "tie.count":
        return "tie.*" in writes
    return name in writes or f"{owner}.*" in writes


def test_every_step_writes_only_state_it_declares():
    model = _model()
    before: dict[str, dict] = {}
    undeclared: dict[str, set[str]] = defaultdict(set)

    def check(step):
        after = _state(model)
        for name, value in after.items():
            if not _same(before["state"][name], value) and not _declared(name, step.writes):
                undeclared[step.name].add(name)

    _instrument(model, lambda step: before.__setitem__("state", _state(model)), check)
    model.run(30)
    assert not undeclared


def test_an_intervention_with_a_phase_the_week_does_not_have_is_refused():
    class Misspelt(Intervention):
        name = "misspelt"
        phase = "activites"

    with pytest.raises(TypeError, match="activites"):
        check_phases({"misspelt": Misspelt})


def test_every_phase_an_intervention_names_is_a_step_of_the_week():
    phases = {step.run.name for step in WEEK if isinstance(step.run, Phase)}
    assert phases == set(schedule.phase_names())
    from sim.interventions import REGISTRY

    assert {cls.phase for cls in REGISTRY.values()} - {None} <= phases


@pytest.mark.parametrize("block", list(schedule.BLOCKS))
def test_the_odd_tables_are_the_ones_generated_from_the_schedule(block):
    odd = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    assert schedule.generated_block(odd, block) == schedule.BLOCKS[block](), (
        f"docs/odd.md's {block} table differs from sim/core/schedule.py; regenerate it with "
        "`.venv/bin/python -m sim.core.schedule --odd`"
    )


def test_regenerating_the_odd_rewrites_only_the_generated_blocks(tmp_path):
    odd = tmp_path / "odd.md"
    odd.write_text(
        "intro\n<!-- schedule:begin -->\nstale\n<!-- schedule:end -->\nmiddle\n"
        "<!-- resident-state:begin -->\n<!-- resident-state:end -->\n<!-- tie-state:begin -->\n<!-- tie-state:end -->\n"
        "<!-- streams:begin -->\n<!-- streams:end -->\nend\n",
        encoding="utf-8",
    )
    assert schedule.main(["--odd", str(odd)]) == 0
    text = odd.read_text(encoding="utf-8")
    assert text.startswith("intro\n<!-- schedule:begin -->\n| # |") and "stale" not in text
    assert "\nmiddle\n" in text and text.endswith("<!-- streams:end -->\nend\n")
    assert schedule.generated_block(text, "streams") == schedule.stream_table_markdown()


def test_regenerating_a_file_without_the_markers_is_a_one_line_input_error(tmp_path, capsys):
    odd = tmp_path / "odd.md"
    odd.write_text("no tables here\n", encoding="utf-8")
    assert schedule.main(["--odd", str(odd)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(odd) in err and "schedule:begin" in err
    assert odd.read_text(encoding="utf-8") == "no tables here\n"


# -- hooks: declared by the Hooks protocol, so a misspelt one is refused, not ignored --
def test_an_intervention_with_a_misspelt_hook_is_refused_when_its_class_is_defined():
    with pytest.raises(TypeError, match="acceptence_bonus.*acceptance_bonus"):

        class Misspelt(Intervention):  # noqa: F841
            name = "misspelt"

            def acceptence_bonus(self, model, helpers, need_type):
                return 1.0


def test_a_hook_with_the_wrong_parameters_is_refused_when_its_class_is_defined():
    with pytest.raises(TypeError, match="willingness_bonus"):

        class Wrong(Intervention):  # noqa: F841
            name = "wrong"

            def willingness_bonus(self, pop, helpers):
                return 1.0


def test_a_submodel_asking_for_a_hook_that_does_not_exist_is_refused():
    model = _model()
    with pytest.raises(ValueError, match="acceptence_bonus"):
        model.governance.hook_sum("acceptence_bonus")
    with pytest.raises(ValueError, match="resident_left"):
        model.governance.notify("resident_left", np.zeros(0, dtype=np.int64))


def test_each_intervention_offers_exactly_the_hooks_it_defines():
    from sim.interventions import REGISTRY

    offered = {name: set(cls.hooks) for name, cls in REGISTRY.items() if cls.hooks}
    assert offered == {
        "platform": {"awareness_probability"},
        "time_bank": {"acceptance_bonus", "willingness_bonus", "residents_left"},
        "incentives": {"acceptance_bonus", "willingness_bonus", "self_worth_events", "residents_left"},
    }


class _Reading:
    """A view of the residents' columns (or the week's tally) that notes each one read."""

    def __init__(self, target, prefix, columns, log):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_seen", (prefix, columns, log))

    def __getattr__(self, attr):
        prefix, columns, log = self._seen
        if attr in columns:
            log.add(f"{prefix}.{attr}")
        return getattr(self._target, attr)

    def __setattr__(self, attr, value):
        setattr(self._target, attr, value)


def test_every_step_reads_the_resident_and_tally_state_it_declares_and_no_other():
    """Residents' columns and the tally are read through views that note each access
    (ties and governance are read inside their own methods, so they are not checked
    here). A column a step writes counts as named: an update reads the old value."""
    model = _model()
    columns = set(Population.FLOAT + Population.INT + Population.BOOL + Population.MATRIX)
    tally_fields = {f.name for f in fields(WeekTally)}
    read: dict[str, set[str]] = defaultdict(set)
    real = {}

    def before(step):
        real["pop"], real["tally"] = model.pop, model.tally
        model.pop = _Reading(model.pop, "resident", columns, read[step.name])
        model.tally = _Reading(model.tally, "tally", tally_fields, read[step.name])

    def after(step):
        model.pop, model.tally = real["pop"], real["tally"]

    _instrument(model, before, after)
    model.run(60)  # long enough that a credit holder asks (the time bank reads unanswered requests then)
    undeclared, unread = {}, {}
    for step in WEEK:
        named = tuple(n for n in step.reads + step.writes if n.split(".")[0] in ("resident", "tally"))
        undeclared[step.name] = sorted(n for n in read[step.name] if not _declared(n, named))
        unread[step.name] = sorted(
            n
            for n in step.reads
            if n.split(".")[0] in ("resident", "tally") and not n.endswith(".*") and n not in read[step.name]
        )
    assert not any(undeclared.values()), f"read without being named: {undeclared}"
    assert not any(unread.values()), f"named as read but never read: {unread}"


# -- each step receives the state it declares, not the model ---------------------------
# what each argument an adapter hands over gives access to, by the schedule's state roots
# (the channels reach the running interventions: their on/off state, budget and own state)
HANDED_ROOTS = {
    "pop": "resident",
    "newcomers": "resident",
    "net": "tie",
    "tally": "tally",
    "community": "community_state",
    "channels": "governance",
    "gov": "governance",
    "governance": "governance",
}


def _declared_roots(step) -> set[str]:
    from sim.interventions import REGISTRY

    roots = {name.split(".")[0] for name in step.reads + step.writes}
    return {"governance" if root in REGISTRY else root for root in roots}


def _adapters():
    """Each step's adapter, and whether it hands something back to the model."""
    for step in WEEK:
        if isinstance(step.run, schedule.Call):
            yield step, step.run.arguments, step.run.done is not None
        elif step.run is schedule.record:
            yield step, schedule.observation_arguments, True  # appends to model.records


def test_each_step_is_handed_exactly_the_state_roots_it_declares():
    model = _model()
    handed, declared = {}, {}
    for step, arguments, gives_back in _adapters():
        roots = {HANDED_ROOTS[name] for name in arguments(model) if name in HANDED_ROOTS}
        handed[step.name] = roots | ({"model"} if gives_back else set())
        declared[step.name] = _declared_roots(step)
    assert len(handed) == len(WEEK) - len(schedule.phase_names())
    assert handed == declared


def test_no_submodel_step_receives_the_model_or_the_whole_scenario():
    import inspect

    model = _model()
    for step, arguments, _ in _adapters():
        names = set(arguments(model))
        assert not names & {"model", "scenario", "config"}, step.name
        if isinstance(step.run, schedule.Call):  # the function declares exactly what it is handed
            function = getattr(step.run.module, step.run.function)
            assert set(inspect.signature(function).parameters) == names, step.name


def test_running_a_step_by_name_runs_that_step_and_an_unknown_name_is_refused():
    model = _model()
    model.tally.need_hours = -1.0
    schedule.run_step(model, "needs")
    assert model.tally.need_hours >= 0.0
    with pytest.raises(ValueError, match="no step 'neds'"):
        schedule.run_step(model, "neds")


# -- imports: no cycles outside TYPE_CHECKING --------------------------------------------
def _imported(nodes, modules) -> set[str]:
    """The modules that the statements ``nodes`` import when they run, leaving out
    ``if TYPE_CHECKING:`` blocks (type checkers read them; the interpreter does not)."""
    targets: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            targets |= _imported(node.orelse, modules)
        elif isinstance(node, (ast.If, ast.Try)):
            targets |= _imported(node.body, modules) | _imported(node.orelse, modules)
            for handler in getattr(node, "handlers", []):
                targets |= _imported(handler.body, modules)
        elif isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                targets.add(full if full in modules else node.module)
    return targets


def _module_imports(root, package_name="sim"):
    """The package's modules each of its modules imports when it is imported
    (module-level imports outside ``if TYPE_CHECKING:`` blocks)."""
    modules = {}
    for path in (root / package_name).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        targets = _imported(ast.parse(path.read_text(encoding="utf-8")).body, modules)
        # a module's own parent packages are initialized before it: not a cycle
        graph[name] = {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return graph


def _cycles(graph):
    """Every import cycle found by a depth-first walk (as module lists, first = last)."""
    found, state = [], {}

    def walk(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [])
    return found


def test_the_sim_package_has_no_import_cycle_outside_type_checking():
    assert _cycles(_module_imports(ROOT)) == []


def test_the_import_cycle_check_finds_a_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.b import thing\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nfrom pkg import a\nif TYPE_CHECKING:\n    import pkg.c\n"
    )
    (pkg / "c.py").write_text("import pkg.b\n")
    assert _cycles(_module_imports(tmp_path, "pkg")) == [["pkg.a", "pkg.b", "pkg.a"]]
