"""Mutation testing of the model code: do the tests notice a deliberate bug?

Each mutant is one small change to one module of the model — the kinds of slip that
pass a reading of the code: ``+`` for ``−``, ``<`` for ``>``, the first two arguments
of a call swapped, a term of a sum (or a factor of a product, a conjunct of a mask)
dropped, a constant ``c`` made ``2c`` or ``0`` (a wrong unit), a condition or mask
negated, two keyword arguments' values swapped — plus the named bugs of issue 19.
A mutant is *killed* when the tests fail on it, *survives* when they pass.

The real files are never edited (other processes import them): every worker has a
private copy of the checkout (``sim/`` and ``tests/`` copied, everything else linked)
and the mutant is written into that copy, run, and the original written back. Python
then imports the copy, because pytest puts the copy's root first on ``sys.path``
(``pythonpath = ["."]``) and the editable install's finder comes after it. Byte code
is not written (``PYTHONDONTWRITEBYTECODE``): a mutant of the same size written within
the same second as the original could otherwise run from a stale ``.pyc``. numba's
cache of ``sim/core/kernels.py``, which no mutant touches, stays valid in the copy.

The tests run are the fast, behavioural files that exercise the module
(``COMMON_TESTS`` and ``MODULE_TESTS``; slow and browser tests deselected), wiring
tests first, with ``-x``. The golden master is left out on
purpose: it fails on *any* change of numbers, right or wrong, so it would kill every
mutant without saying that the behaviour is specified.

Usage (from the checkout; see docs/trace.md, "Mutation testing")::

    .venv/bin/python tests/mutation/run.py --list                  # every mutant id
    .venv/bin/python tests/mutation/run.py --sample 200 --seed 19 --jobs 2
    .venv/bin/python tests/mutation/run.py --mutant 'sim/submodels/trust.py:63:8:binop'
    .venv/bin/python tests/mutation/run.py --show 'sim/submodels/trust.py:63:8:binop'

Results: ``results/mutation/mutants.json`` (one record per mutant) and
``results/mutation/summary.md`` (score per module, the survivors).
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sim.experiments.progress import Progress  # the project is installed in .venv (editable)

ROOT = Path(__file__).resolve().parents[2]


MODULE_GLOBS = (
    "sim/submodels/*.py",
    "sim/interventions/*.py",
    "sim/core/metrics.py",
    "sim/core/model.py",
    "sim/core/util.py",
    "sim/core/community.py",  # tie decay by kind, the one rule for forming ties
    "sim/core/schedule.py",  # the adapters: which state, parameters and streams each step is handed
    "sim/core/population.py",  # who arrives (age, health, propensity), tie propensity, homophily
)

# The behavioural test files a mutant of each module runs against: the wiring tests
# (one step each) first, then the scripted formulas, then the longer runs that check
# invariants (submodels) or interventions and budgets. On the project's shared 2-core
# machine a mutant that survives costs the whole list (20-60 s), so each module gets
# the files that exercise it, not the suite (see docs/trace.md, "Mutation testing").
COMMON_TESTS = ("tests/test_wiring_*.py", "tests/test_submodels.py", "tests/test_network.py", "tests/test_docking.py")
MODULE_TESTS = {
    # the hook declarations are checked where the schedule refuses bad hooks
    "sim/interventions/base.py": ("tests/test_schedule.py", "tests/test_interventions.py"),
    "sim/interventions/": ("tests/test_interventions.py",),
    "sim/submodels/governance.py": ("tests/test_interventions.py",),
    "sim/core/metrics.py": ("tests/test_docs.py",),
    "sim/core/schedule.py": ("tests/test_schedule.py", "tests/test_invariants.py"),
    # survey communities are built through the model's own add_ties
    "sim/core/model.py": ("tests/test_survey.py", "tests/test_invariants.py"),
    "sim/core/population.py": ("tests/test_population_draws.py", "tests/test_state.py", "tests/test_invariants.py"),
    "sim/": ("tests/test_invariants.py",),  # every other model module
}

TIMEOUT = 180.0  # seconds per mutant; a mutant that loops for ever is stopped then

# Keyword arguments whose constants are structure, not model quantities: a mutant there
# only crashes numpy, which says nothing about the tests.
STRUCTURAL_KEYWORDS = {"axis", "minlength", "dtype", "kind", "stacklevel", "n", "cutoff", "side", "order"}


@dataclass
class Mutant:
    id: str
    module: str
    line: int
    operator: str
    original: str
    mutated: str
    status: str = "pending"
    seconds: float = 0.0
    failed_test: str = ""


# -- generating mutants ------------------------------------------------------------------
def _docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _skipped_subtrees(tree: ast.AST) -> set[int]:
    """ids of nodes not to mutate: annotations, ``if TYPE_CHECKING`` blocks, error
    messages of ``raise``, subscript indices and structural keyword values."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            mark(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mark(node.returns)
            for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                mark(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        elif isinstance(node, ast.Raise):
            mark(node)
        elif isinstance(node, ast.Subscript):
            mark(node.slice)
        elif isinstance(node, ast.keyword) and node.arg in STRUCTURAL_KEYWORDS:
            mark(node.value)
    return skip


def _preorder(tree: ast.AST):
    """Every node, parents before children, fields in their declared order (the order
    the mutant ids and the transformer agree on)."""
    yield tree
    for child in ast.iter_child_nodes(tree):
        yield from _preorder(child)


SWAP_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add}
SWAP_COMPARE = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}
DROPPABLE = (ast.Add, ast.Sub, ast.Mult, ast.BitAnd, ast.BitOr)


def _variants(node: ast.AST, docstrings: set[int]) -> list[tuple[str, object]]:
    """The mutations possible at ``node``: (operator name, what to do)."""
    out: list[tuple[str, object]] = []
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in SWAP_ARITH:
        out.append(("binop", None))
    if isinstance(node, ast.BinOp) and isinstance(node.op, DROPPABLE):
        out.append(("drop_right", None))
        out.append(("drop_left", None))
    if isinstance(node, ast.Compare):
        for k, op in enumerate(node.ops):
            if type(op) in SWAP_COMPARE:
                out.append((f"compare{k}" if len(node.ops) > 1 else "compare", k))
    if isinstance(node, ast.Call):
        pos = node.args
        if len(pos) >= 2 and not any(isinstance(a, ast.Starred) for a in pos[:2]):
            if ast.dump(pos[0]) != ast.dump(pos[1]):
                out.append(("swap_args", None))
        kws = [k for k in node.keywords if k.arg is not None]
        for k in range(len(kws) - 1):
            if ast.dump(kws[k].value) != ast.dump(kws[k + 1].value):
                out.append((f"swap_kwargs{k}", k))
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
        and id(node) not in docstrings
    ):
        if node.value != 0:
            out.append(("const_x2", None))
            out.append(("const_0", None))
        else:
            out.append(("const_1", None))
    if isinstance(node, (ast.If, ast.While, ast.IfExp)):
        out.append(("negate", None))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        out.append(("drop_negation", None))
    return out


def _apply(node: Any, operator: str, arg: Any) -> ast.AST:
    """The mutated replacement of ``node`` (a fresh node or ``node`` changed in place)."""
    if operator == "binop":
        node.op = SWAP_ARITH[type(node.op)]()
        return node
    if operator == "drop_right":
        return node.left
    if operator == "drop_left":
        if isinstance(node.op, ast.Sub):  # a − b without a is −b
            return ast.UnaryOp(op=ast.USub(), operand=node.right)
        return node.right
    if operator.startswith("compare"):
        node.ops[arg] = SWAP_COMPARE[type(node.ops[arg])]()
        return node
    if operator == "swap_args":
        node.args[0], node.args[1] = node.args[1], node.args[0]
        return node
    if operator.startswith("swap_kwargs"):
        kws = [k for k in node.keywords if k.arg is not None]
        kws[arg].value, kws[arg + 1].value = kws[arg + 1].value, kws[arg].value
        return node
    if operator == "const_x2":
        node.value = node.value * 2
        return node
    if operator == "const_0":
        node.value = type(node.value)(0)
        return node
    if operator == "const_1":
        node.value = type(node.value)(1)
        return node
    if operator == "negate":
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
        return node
    if operator == "drop_negation":
        return node.operand
    raise ValueError(operator)


class _Replace(ast.NodeTransformer):
    def __init__(self, index: int, operator: str, arg: object):
        self.index, self.operator, self.arg, self.count = index, operator, arg, -1

    def visit(self, node: ast.AST) -> ast.AST:
        self.count += 1
        if self.count == self.index:
            return _apply(node, self.operator, self.arg)
        return self.generic_visit(node)


def module_mutants(path: str) -> dict[str, tuple[Mutant, str]]:
    """Every mutant of one module (``path`` relative to the checkout), by id, with
    its source. Mutants whose source equals the original's or an earlier mutant's are
    left out (they could not be told apart by any test)."""
    source = (ROOT / path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    original = ast.unparse(tree)
    docstrings = _docstring_nodes(tree)
    skip = _skipped_subtrees(tree)
    seen = {original}
    out: dict[str, tuple[Mutant, str]] = {}
    for index, node in enumerate(_preorder(tree)):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        for operator, arg in _variants(node, docstrings):
            mutated_tree = _Replace(index, operator, arg).visit(copy.deepcopy(tree))
            new_source = ast.unparse(ast.fix_missing_locations(mutated_tree))
            if new_source in seen:
                continue
            seen.add(new_source)
            before = ast.get_source_segment(source, node) or ast.unparse(node)
            after = _changed_segment(original, new_source)
            mid = f"{path}:{node.lineno}:{node.col_offset}:{operator}"
            if mid in out:  # a node and its first child start at the same place: ids by order
                mid += f"#{sum(k.startswith(mid) for k in out) + 1}"
            out[mid] = (Mutant(mid, path, node.lineno, operator, _one_line(before), after), new_source)
    return out


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changed_segment(original: str, mutated: str) -> str:
    """The mutated line(s), for the report."""
    a, b = original.splitlines(), mutated.splitlines()
    changed = [line for tag, _, _, j1, j2 in _opcodes(a, b) if tag != "equal" for line in b[j1:j2]]
    return _one_line(" / ".join(s.strip() for s in changed))


def _opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


# The bugs the issue lists (issue 19): each is a textual edit of the real source, so
# the report can say whether every one of them is now caught.
ISSUE_MUTANTS = (
    (
        "trust_success_failure_swapped",
        "sim/submodels/trust.py",
        "net.record_trust(week, t.forgetting, ex.edge, ex.success)",
        "net.record_trust(week, t.forgetting, ex.edge, ~ex.success)",
    ),
    (
        "failed_service_good_reputation",
        "sim/submodels/trust.py",
        "add_at(pop.reputation_good, ex.helper, w_req * ex.success)",
        "add_at(pop.reputation_good, ex.helper, w_req * ~ex.success)",
    ),
    (
        "unpunished_violations_raise_trust",
        "sim/submodels/norms.py",
        "raised * (1.0 - t.violation_signal) ** k_u",
        "raised * (1.0 + t.violation_signal) ** k_u",
    ),
    (
        "rejoin_delay_ignored",
        "sim/submodels/participation.py",
        "may_join = willing & ~pop.member & (week - pop.quit_week >= p.rejoin_delay)",
        "may_join = willing & ~pop.member",
    ),
    (
        "unwilling_residents_join",
        "sim/submodels/participation.py",
        "may_join = willing & ~pop.member",
        "may_join = pop.aware & ~pop.member",
    ),
    (
        "triadic_closure_never_ties",
        "sim/submodels/network_dynamics.py",
        "ok = (k != closers) & (u_accept[closers] < homophily_weight(pop, closers, k, nw.homophily))",
        "ok = (k == closers) & (u_accept[closers] < homophily_weight(pop, closers, k, nw.homophily))",
    ),
    (
        "neighbour_friend_decay_swapped",
        "sim/core/community.py",
        'rate = {"neighbour": nw.decay_neighbour, "friend": nw.decay_friend}',
        'rate = {"neighbour": nw.decay_friend, "friend": nw.decay_neighbour}',
    ),
    (
        "two_credits_per_hour",
        "sim/interventions/time_bank.py",
        "earned = b.credit_per_hour * np.bincount",
        "earned = 2.0 * b.credit_per_hour * np.bincount",
    ),
    (
        "funding_not_stopped_by_variable_costs",
        "sim/submodels/governance.py",
        "                self.out_of_money.setdefault(name, self.model.week + 1)\n",
        "                pass\n",
    ),
    (
        "unsorted_gini",
        "sim/core/util.py",
        "v = np.sort(np.asarray(values, dtype=np.float64))",
        "v = np.asarray(values, dtype=np.float64)",
    ),
    (
        "asking_rises_with_reluctance",
        "sim/submodels/helping.py",
        "- helping.ask_reluctance * pop.reluctance",
        "+ helping.ask_reluctance * pop.reluctance",
    ),
)


def issue_mutants() -> dict[str, tuple[Mutant, str]]:
    out = {}
    for name, path, old, new in ISSUE_MUTANTS:
        source = (ROOT / path).read_text(encoding="utf-8")
        if source.count(old) != 1:  # the code moved on (a refactor): say so, do not guess
            print(f"note: issue mutant {name}: the text to change is not found once in {path}", file=sys.stderr)
            continue
        line = source[: source.index(old)].count("\n") + 1
        mid = f"issue:{name}"
        out[mid] = (Mutant(mid, path, line, "issue", _one_line(old), _one_line(new)), source.replace(old, new))
    return out


def module_paths(selected: list[str] | None) -> list[str]:
    paths = sorted({str(p.relative_to(ROOT)) for g in MODULE_GLOBS for p in ROOT.glob(g) if p.name != "__init__.py"})
    if not selected:
        return paths
    chosen = [p for p in paths if any(p == s or p.endswith("/" + s) or Path(p).stem == s for s in selected)]
    if not chosen:
        raise SystemExit(f"error: --module {selected}: no such model module; allowed: {', '.join(paths)}")
    return chosen


def stratified_sample(mutants: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """``size`` mutants spread over the modules in proportion to their mutant counts
    (at least one per module), drawn with ``seed``; the same arguments give the same
    sample as long as the code is the same."""
    rng = random.Random(seed)
    by_module: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_module[m.module].append(m)
    total = len(mutants)
    chosen: list[Mutant] = []
    for module in sorted(by_module):
        group = by_module[module]
        k = min(len(group), max(1, round(size * len(group) / total)))
        chosen.extend(rng.sample(group, k))
    return sorted(chosen, key=lambda m: m.id)


# -- running mutants ---------------------------------------------------------------------
class Workspace:
    """A private copy of the checkout in which mutants are written and tested."""

    def __init__(self, base: Path):
        self.root = base
        base.mkdir(parents=True, exist_ok=True)
        for entry in ROOT.iterdir():
            if entry.name in (".git", ".venv", "results") or entry.name.startswith("."):
                continue
            if entry.name in ("sim", "tests"):
                shutil.copytree(entry, base / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif entry.name == "pyproject.toml":
                shutil.copy2(entry, base / entry.name)
            else:
                (base / entry.name).symlink_to(entry)

    def test_files(self, module: str) -> list[str]:
        files: list[str] = []
        extra = next(tests for prefix, tests in MODULE_TESTS.items() if module.startswith(prefix))
        for pattern in (*COMMON_TESTS, *extra):
            files.extend(sorted(str(p.relative_to(self.root)) for p in self.root.glob(pattern)))
        return files

    def run(self, mutant: Mutant, source: str | None, timeout: float) -> None:
        """Run the tests with ``source`` in place of the mutant's module (the original
        module if None: the unmutated baseline)."""
        target = self.root / mutant.module
        original = target.read_bytes()
        if source is not None:
            target.write_text(source, encoding="utf-8")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        env.pop("PYTHONPATH", None)
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow and not browser",
            "--tb=line",
            "-W",
            "ignore",
            *self.test_files(mutant.module),
        ]
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd, cwd=self.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
            RUNNING.add(proc)
            try:
                out, _ = proc.communicate(timeout=timeout)
                mutant.status = {0: "survived", 1: "killed", 2: "killed"}.get(proc.returncode, "error")
                mutant.failed_test = _first_failure(out.decode("utf-8", "replace")) if proc.returncode else ""
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the whole group: pytest and what it started
                proc.communicate()
                mutant.status = "timeout"
            finally:
                RUNNING.discard(proc)
            if STOP.is_set():  # stopped from outside: not a verdict on the mutant
                mutant.status, mutant.failed_test = "pending", ""
        finally:
            target.write_bytes(original)
            mutant.seconds = round(time.monotonic() - start, 1)


# the test runs under way, and whether the run was told to stop (SIGINT, SIGTERM):
# then the pytest process groups are killed and no further mutant is started
RUNNING: set[subprocess.Popen] = set()
STOP = threading.Event()


def _stop(signum: int, frame: object) -> None:
    STOP.set()
    for proc in list(RUNNING):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise KeyboardInterrupt


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return _one_line(line, 200)
    return _one_line(output.strip().splitlines()[-1] if output.strip() else "", 200)


def run_all(todo: list[tuple[Mutant, str]], jobs: int, timeout: float) -> None:
    progress = Progress(len(todo), "mutation", unit="mutant")
    lock = threading.Lock()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        spaces = [Workspace(Path(tmp) / f"w{k}") for k in range(jobs)]
        free = list(spaces)

        # the unmutated code must pass, or every mutant would count as killed
        probe = Mutant("baseline", todo[0][0].module if todo else "sim/core/model.py", 0, "none", "", "")
        spaces[0].run(probe, None, timeout)
        if probe.status != "survived":
            raise SystemExit(f"error: the tests fail on the unmutated code ({probe.failed_test}); fix them first")

        def one(item: tuple[Mutant, str]) -> None:
            if STOP.is_set():
                return
            with lock:
                space = free.pop()
            try:
                space.run(item[0], item[1], timeout)
            finally:
                with lock:
                    free.append(space)
                    progress.update(1, failed=0)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, todo))
    progress.close()


# -- reporting ---------------------------------------------------------------------------
DETECTED = ("killed", "timeout")


def score(mutants: list[Mutant]) -> tuple[int, int, float]:
    done = [m for m in mutants if m.status in (*DETECTED, "survived")]
    caught = sum(m.status in DETECTED for m in done)
    return caught, len(done), (100.0 * caught / len(done) if done else 0.0)


def summary_markdown(mutants: list[Mutant], command: str) -> str:
    caught, done, pct = score(mutants)
    counts = Counter(m.status for m in mutants)
    lines = [
        "# Mutation testing",
        "",
        f"Command: `{command}`",
        "",
        f"**Score: {caught}/{done} = {pct:.1f} % killed** "
        f"({counts['killed']} killed, {counts['timeout']} timed out, {counts['survived']} survived"
        + (f", {counts['error']} errors" if counts["error"] else "")
        + (f", {counts['pending']} not tested" if counts["pending"] else "")
        + ").",
        "",
        "| module | mutants | killed | survived | score |",
        "|---|---|---|---|---|",
    ]
    by_module: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_module[m.module].append(m)
    for module in sorted(by_module):
        c, d, p = score(by_module[module])
        lines.append(f"| `{module}` | {d} | {c} | {d - c} | {p:.0f} % |")
    survivors = [m for m in mutants if m.status == "survived"]
    if survivors:
        lines += ["", "## Survivors", "", "| id | was | became |", "|---|---|---|"]
        for m in survivors:
            was, became = m.original.replace("|", "\\|"), m.mutated.replace("|", "\\|")
            lines.append(f"| `{m.id}` | `{was}` | `{became}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/mutation/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="only this model module (repeatable; e.g. trust)")
    parser.add_argument("--mutant", action="append", help="only this mutant id (repeatable)")
    parser.add_argument("--sample", type=int, help="a seeded sample of this many mutants, spread over the modules")
    parser.add_argument("--seed", type=int, default=19, help="seed of the sample (default 19)")
    parser.add_argument("--limit", type=int, help="at most this many mutants (after sampling)")
    parser.add_argument("--no-issue", action="store_true", help="leave out the named mutants of issue 19")
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=1, help="mutants tested at once")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds per mutant (default {TIMEOUT:.0f})")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "mutation", help="folder for the results")
    parser.add_argument(
        "--rerun",
        type=Path,
        metavar="JSON",
        help="a mutants.json of an earlier run: test again only its survivors (tests added since can only kill "
        "more); the others keep their status",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--show", metavar="ID", help="print one mutant's diff and exit")
    args = parser.parse_args(argv)

    earlier: list[Mutant] = []
    if args.rerun:
        record = json.loads(args.rerun.read_text(encoding="utf-8"))
        earlier = [Mutant(**m) for m in record["mutants"]]
        args.mutant = [m.id for m in earlier if m.status not in DETECTED]
    wanted = [*(args.mutant or []), *([args.show] if args.show else [])]
    if wanted and not args.module:  # generate only the modules of the mutants asked for
        args.module = sorted({i.split(":")[0] for i in wanted if not i.startswith("issue:")}) or None
    sources: dict[str, tuple[Mutant, str]] = {}
    for path in module_paths(args.module) if args.module or not wanted else []:
        sources.update(module_mutants(path))
    if args.show:
        found = {**sources, **issue_mutants()}.get(args.show)
        if found is None:
            print(f"error: --show {args.show}: no such mutant (see --list)", file=sys.stderr)
            return 2
        m, source = found
        # an issue mutant is a textual edit; a generated one is compared in unparsed form
        text = (ROOT / m.module).read_text(encoding="utf-8")
        original = text if m.operator == "issue" else ast.unparse(ast.parse(text))
        sys.stdout.writelines(
            difflib.unified_diff(original.splitlines(True), source.splitlines(True), m.module, m.id, n=2)
        )
        return 0

    generated = sorted((m for m, _ in sources.values()), key=lambda m: m.id)
    chosen = stratified_sample(generated, args.sample, args.seed) if args.sample else generated
    if not args.no_issue and not args.module:
        issue = issue_mutants()
        sources.update(issue)
        chosen = chosen + [m for m, _ in issue.values()]
    if args.mutant:
        both = {**sources, **issue_mutants()}
        unknown = [i for i in args.mutant if i not in both]
        if unknown:
            print(f"error: --mutant {unknown[0]}: no such mutant (see --list)", file=sys.stderr)
            return 2
        sources.update(both)
        chosen = [both[i][0] for i in args.mutant]
    if args.limit is not None:
        chosen = chosen[: args.limit]
    todo = chosen
    if earlier:  # report the whole earlier set, with the survivors re-tested
        again = {m.id: m for m in chosen}
        chosen = [again.get(m.id, m) for m in earlier]
    if args.list:
        for m in chosen:
            print(f"{m.id}\t{m.original}  →  {m.mutated}")
        print(f"{len(chosen)} mutants ({len(generated)} generated in {len(module_paths(args.module))} modules)")
        return 0

    stopped = False
    try:
        run_all([(m, sources[m.id][1]) for m in todo], args.jobs, args.timeout)
    except KeyboardInterrupt:  # what was finished is still written; the rest stays pending
        stopped = True
    command = "python tests/mutation/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "mutants.json").write_text(
        json.dumps({"command": command, "mutants": [asdict(m) for m in chosen]}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (args.out / "summary.md").write_text(summary_markdown(chosen, command), encoding="utf-8")
    caught, done, pct = score(chosen)
    print(f"score {caught}/{done} = {pct:.1f} % killed; results in {args.out}/summary.md and mutants.json")
    if stopped:
        print("stopped before every mutant was tested (the others are listed as pending)", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
