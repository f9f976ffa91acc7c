"""Loading scenario files: TOML → merged dict (``extends`` inheritance, ``--set``
overrides) → validated :class:`sim.core.params.Scenario`.

Every failure raises :class:`ScenarioError`, whose ``problems`` are one line each,
naming the file, the field path and what is allowed. The command line prints them
and exits non-zero; nothing here prints a traceback, and no message quotes the
content of a data file (a CSV's rows or header names): problems are named by row and
column.

Which files a scenario may open
-------------------------------
A scenario file names other files: the file it ``extends`` and the survey data files
``community.residents_file`` and ``community.edges_file``. One resolver
(:func:`_resolve`) follows them under one of two policies:

**The user's own files** (:func:`load_scenario`, :func:`resolve_extends`; the
command line). ``extends`` may name any regular file, relative to the file that
names it (the shipped ``scenarios/interventions/*.toml`` extend
``../new_estate.toml``). A data file must lie in the folder tree of the scenario
file that names it, symbolic links resolved, or under one of the ``data_roots`` the
user gives (``--data-root DIR`` on ``run``, ``validate`` and ``calibrate``). A data
file given with ``--set`` is relative to the working directory and must lie under it
or under a data root.

**Uploads** (:func:`load_uploaded_scenario`; the dashboard). The caller passes the
uploaded files as ``{file name: bytes}`` and the folder of shipped scenarios. An
uploaded file's ``extends`` names another uploaded file, or a shipped scenario by
its path inside that folder; a shipped scenario's ``extends`` stays inside it. An
uploaded file's data files must be uploaded files (a path is matched by its last
part, as browsers upload files without their folders); a shipped scenario's data files
lie in its own folder tree. Nothing else on the server is ever opened. Uploaded data
files are copied into a private folder (``store``; by default one of the process's own,
removed when it ends) so the model can read them, one copy per content, at most
:data:`MAX_KEPT_UPLOAD_BYTES` in all per process; problems in them are reported under
their upload names.

Under both, only regular files are read — no FIFO, device, directory or anything
under /proc, /sys or /dev — at most :data:`MAX_SCENARIO_BYTES` for a scenario file
and :data:`MAX_DATA_BYTES` for a data file, with a bounded read, as UTF-8 (a
byte-order mark is accepted). An ``extends`` chain is at most
:data:`MAX_EXTENDS_DEPTH` files long and a TOML document at most
:data:`MAX_TOML_DEPTH` tables and arrays deep.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
import stat
import tempfile
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from sim.core.params import Scenario

MAX_SCENARIO_BYTES = 1_000_000
"""Largest scenario (TOML) file read: the shipped ones are under 5 kB."""
MAX_DATA_BYTES = 50_000_000
"""Largest survey data (CSV) file read: some 500,000 residents with every column filled."""
MAX_EXTENDS_DEPTH = 32
"""Most files in one ``extends`` chain (the shipped chains are 2 long)."""
MAX_TOML_DEPTH = 32
"""Deepest nesting of tables and arrays in a TOML file (the scenario schema needs 3, the
shipped experiment files 6)."""
MAX_KEPT_UPLOAD_BYTES = 500_000_000
"""Bytes of uploaded data files one process stores (the dashboard's server keeps every
upload's data for its sessions), so that uploads cannot fill its disk; past it, uploads
with new data are refused until it restarts."""
SYSTEM_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))
"""Kernel and device file systems: their 'regular' files are not data."""
DATA_FILES = ("residents_file", "edges_file")


class ScenarioError(Exception):
    """A scenario (or experiment) file, or an override, is not valid.

    Each problem is kept to one line (line breaks become spaces), so every caller
    can print or show them one per line."""

    def __init__(self, problems: list[str]):
        problems = [" ".join(str(p).splitlines()) for p in problems]
        super().__init__("\n".join(problems))
        self.problems = problems


# -- reading one file --------------------------------------------------------------
def _size(limit: int) -> str:
    return f"{limit / 1e6:g} MB" if limit >= 100_000 else f"{limit} bytes"


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ):
        if test(mode):
            return kind
    return "a special file"


def read_regular_file(path: str | Path, limit: int, label: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else :class:`ScenarioError`.

    The file type is checked before opening, so a FIFO never blocks and a device is
    never opened, and again on the open file, so the path cannot be swapped in
    between; the read stops at ``limit + 1`` bytes, so /dev/zero-like files cannot
    fill memory."""
    label = label or str(path)
    try:
        real = Path(path).resolve()
        tree = next((tree for tree in SYSTEM_TREES if real.is_relative_to(tree)), None)
        if tree is not None:
            raise ScenarioError([f"{label}: not a regular file (a system file under {tree})"])
        if not stat.S_ISREG(mode := os.stat(real).st_mode):
            raise ScenarioError([f"{label}: not a regular file ({_kind(mode)})"])
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(mode := os.fstat(f.fileno()).st_mode):
                raise ScenarioError([f"{label}: not a regular file ({_kind(mode)})"])
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise ScenarioError([f"{label}: file not found"]) from None
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of symbolic links; a NUL in the path
        raise ScenarioError([f"{label}: cannot be read ({getattr(exc, 'strerror', None) or exc})"]) from None
    if len(raw) > limit:
        raise ScenarioError([f"{label}: larger than the {_size(limit)} limit"])
    return raw


def decode_text(raw: bytes, label: str, limit: int) -> str:
    """UTF-8 text (a byte-order mark is dropped); the error gives the position of the
    first bad byte, not the byte."""
    if len(raw) > limit:
        raise ScenarioError([f"{label}: larger than the {_size(limit)} limit"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [f"{label}: not UTF-8 text (invalid byte at position {exc.start}); save the file as UTF-8"]
        ) from None


def read_text(path: str | Path, what: Literal["scenario", "data"], label: str | None = None) -> str:
    """A scenario or data file as text, within its size limit (see the module docstring)."""
    limit = MAX_SCENARIO_BYTES if what == "scenario" else MAX_DATA_BYTES
    return decode_text(read_regular_file(path, limit, label), label or str(path), limit)


def _exists(path: Path, test: str = "exists") -> bool:
    """``path.exists()`` (or ``is_file()``), False for a name the system refuses
    outright (too long, a NUL) instead of an exception."""
    try:
        return getattr(path, test)()
    except (OSError, ValueError):
        return False


def _depth(value: Any) -> int:
    """How many tables and arrays deep ``value`` is (iteratively: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_TOML_DEPTH:  # deeper than that is already an error
                stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _too_deep(source: str) -> ScenarioError:
    return ScenarioError([f"{source}: tables and arrays nested more than {MAX_TOML_DEPTH} deep"])


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text, turning syntax errors and excessive nesting (which makes
    tomllib recurse without bound) into :class:`ScenarioError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # drop the offending character tomllib quotes
        message = re.sub(r"((?:Illegal|Found invalid) character) .*? \(at ", r"\1 (at ", str(exc))
        raise ScenarioError([f"{source}: malformed TOML: {message}"]) from None
    except RecursionError:
        raise _too_deep(source) from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise _too_deep(source)
    return data


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read one TOML file (a regular file within :data:`MAX_SCENARIO_BYTES`), turning
    I/O and syntax errors into :class:`ScenarioError`."""
    return parse_toml(read_text(path, "scenario"), str(path))


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``; tables merge key by key, other values replace."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# -- which files a scenario may open -------------------------------------------------
def sandboxed(
    value: str,
    base: Path,
    data_roots: Sequence[str | Path],
    where: str,
    base_is: str = "the folder of the scenario file naming it",
) -> str:
    """The absolute, resolved path of data file ``value`` (relative to ``base``), if it
    lies in ``base``'s folder tree or under a data root; else :class:`ScenarioError`
    (the file is not opened)."""
    if "\0" in value:
        raise ScenarioError([f"{where}: a file name cannot contain a NUL character"])
    real = (base / value).resolve()
    if not any(real.is_relative_to(Path(folder).resolve()) for folder in (base, *data_roots)):
        raise ScenarioError(
            [
                f"{where}: {value} lies outside {base} ({base_is}), so it is not read: a data file "
                "must lie in that folder or a subfolder, or under a --data-root DIR"
            ]
        )
    return str(real)


class _Disk:
    """The user's own files: ``extends`` any regular file; data files sandboxed."""

    def __init__(self, data_roots: Sequence[str | Path]):
        self.data_roots = tuple(Path(root) for root in data_roots)

    def key(self, ref: Path) -> Any:
        return ref.resolve()

    def label(self, ref: Path) -> str:
        return str(ref)

    def read(self, ref: Path) -> str:
        return read_text(ref, "scenario")

    def extends(self, ref: Path, name: str, source: str) -> Path:
        path = ref.parent / name
        if not _exists(path):
            raise ScenarioError([f"{source}: extends: file {path} not found"])
        return path

    def data_file(self, ref: Path, key: str, value: str, source: str) -> str:
        return sandboxed(value, ref.parent, self.data_roots, f"{source}: community.{key}")


@dataclass(frozen=True)
class _Upload:
    name: str


@functools.cache
def _private_store() -> tempfile.TemporaryDirectory:
    """This process's folder for uploaded data, removed when the process ends (the
    directory object lives as long as the cache, and its finalizer removes it)."""
    return tempfile.TemporaryDirectory(prefix="mutualaid-uploads-")


_kept_bytes = 0
"""Bytes of uploaded data this process has stored (see :data:`MAX_KEPT_UPLOAD_BYTES`)."""
_kept_lock = threading.Lock()  # the dashboard serves its sessions from several threads


def _shown(value: Any) -> str:
    """An uploaded name or path as a problem quotes it: at most 80 characters."""
    return repr(value[:80] if isinstance(value, str) else value)


def check_upload_name(name: Any) -> None:
    """An upload is named by its bare file name (a browser sends no folder); anything
    else is refused, so no name can point elsewhere on the server."""
    if not isinstance(name, str) or name in ("", ".", "..") or len(name) > 255 or any(c in name for c in "/\\\0"):
        raise ScenarioError([f"{_shown(name)}: an uploaded file needs a plain file name (no folder)"])


class _Uploads:
    """Uploaded files by name, plus the shipped scenarios; nothing else is opened."""

    def __init__(self, files: Mapping[str, bytes], shipped: str | Path, store: str | Path | None):
        for name in files:
            check_upload_name(name)
        self.files = dict(files)
        self.shipped = Path(shipped).resolve()
        self.store = Path(store) if store is not None else None
        self.copies: dict[str, str] = {}  # path of a stored copy -> its upload name

    def key(self, ref: _Upload | Path) -> Any:
        return ref if isinstance(ref, _Upload) else ref.resolve()

    def label(self, ref: _Upload | Path) -> str:
        return ref.name if isinstance(ref, _Upload) else f"{self.shipped.name}/{ref.relative_to(self.shipped)}"

    def read(self, ref: _Upload | Path) -> str:
        if isinstance(ref, _Upload):
            return decode_text(self.files[ref.name], ref.name, MAX_SCENARIO_BYTES)
        return read_text(ref, "scenario", self.label(ref))

    def uploaded(self, value: str) -> str | None:
        """The upload ``value`` names: by its name, or by a path ending in it (a
        browser uploads files without their folders, so ``survey/residents.csv``
        finds the uploaded ``residents.csv``)."""
        if value in self.files:
            return value
        last = value.replace("\\", "/").rsplit("/", 1)[-1]
        return last if last in self.files else None

    def extends(self, ref: _Upload | Path, name: str, source: str) -> _Upload | Path:
        if isinstance(ref, _Upload) and name in self.files:
            return _Upload(name)
        path = ((self.shipped if isinstance(ref, _Upload) else ref.parent) / name).resolve()
        if path.is_relative_to(self.shipped) and _exists(path, "is_file"):
            return path
        if isinstance(ref, _Upload) and (upload := self.uploaded(name)):
            return _Upload(upload)
        raise ScenarioError(
            [
                f"{source}: extends: {_shown(name)} is neither an uploaded file nor a shipped scenario "
                f"(a file under {self.shipped.name}/)"
            ]
        )

    def data_file(self, ref: _Upload | Path, key: str, value: str, source: str) -> str:
        if not isinstance(ref, _Upload):  # a shipped scenario's own data
            return sandboxed(value, ref.parent, (), f"{source}: community.{key}")
        upload = self.uploaded(value)
        if upload is None:
            raise ScenarioError(
                [
                    f"{source}: community.{key}: {_shown(value)} is not among the uploaded files; "
                    "upload the data file together with the scenario"
                ]
            )
        return self._copy(upload)

    def _copy(self, name: str) -> str:
        """Store an uploaded data file where the model can read it (under a folder
        named by its hash, so the same upload is stored, and counted against
        :data:`MAX_KEPT_UPLOAD_BYTES`, once)."""
        global _kept_bytes
        raw = self.files[name]
        if len(raw) > MAX_DATA_BYTES:
            raise ScenarioError([f"{name}: larger than the {_size(MAX_DATA_BYTES)} limit"])
        with _kept_lock:
            store = self.store or Path(_private_store().name)
            folder = store / hashlib.sha256(raw).hexdigest()[:16]
            path = folder / name
            try:
                if not path.is_file() or path.read_bytes() != raw:
                    if _kept_bytes + len(raw) > MAX_KEPT_UPLOAD_BYTES:
                        raise ScenarioError(
                            [
                                f"{name}: not stored: this server keeps {_kept_bytes:,} bytes of "
                                f"uploaded data already, at most {MAX_KEPT_UPLOAD_BYTES:,}; restart "
                                "the dashboard to clear them"
                            ]
                        )
                    folder.mkdir(parents=True, exist_ok=True)
                    temp = folder / f".{name}.{os.getpid()}.tmp"
                    temp.write_bytes(raw)
                    os.replace(temp, path)
                    _kept_bytes += len(raw)
            except OSError as exc:
                raise ScenarioError([f"{name}: cannot store the upload ({exc.strerror or exc})"]) from None
        self.copies[str(path)] = name
        return str(path)

    def unmask(self, problem: str) -> str:
        """A problem as the uploader knows the file: by its upload name, or a shipped
        file by its place in the shipped folder (no server path is shown)."""
        for path, name in self.copies.items():
            problem = problem.replace(path, name)
        return problem.replace(str(self.shipped), self.shipped.name)


def uploaded_parent(name: str, files: Mapping[str, bytes], shipped: str | Path) -> str | None:
    """The uploaded file that the uploaded scenario ``files[name]`` extends, by the rule
    :func:`load_uploaded_scenario` follows; None when it extends a shipped scenario,
    nothing, or nothing valid (loading it says why). A caller given several uploads
    tells by it which one is the scenario and which ones that scenario extends."""
    uploads = _Uploads(files, shipped, None)
    parent = parse_toml(uploads.read(_Upload(name)), name).get("extends")
    if not isinstance(parent, str) or not parent or "\0" in parent:
        return None
    try:
        ref = uploads.extends(_Upload(name), parent, name)
    except ScenarioError:
        return None
    return ref.name if isinstance(ref, _Upload) else None


def _resolve(
    files: _Disk | _Uploads, ref: Any, chain: tuple[Any, ...] = (), origin: str = "", via: str = ""
) -> dict[str, Any]:
    """The table of ``ref`` with its ``extends`` chain merged underneath it and its data
    files made absolute, each file opened under the policy ``files``; ``origin`` is
    the file the chain started from, ``via`` the file whose ``extends`` named ``ref``
    (a file that cannot be read is reported as that file's ``extends`` problem)."""
    source, key = files.label(ref), files.key(ref)
    origin = origin or source
    if key in chain:
        cycle = " -> ".join(str(p.name if isinstance(p, _Upload) else p) for p in (*chain, key))
        raise ScenarioError([f"{source}: extends: cycle of extends ({cycle})"])
    try:
        text = files.read(ref)
    except ScenarioError as exc:
        if not via:
            raise
        raise ScenarioError([f"{via}: extends: {problem}" for problem in exc.problems]) from None
    data = parse_toml(text, source)
    community = data.get("community")
    if isinstance(community, dict):
        for field in DATA_FILES:
            if isinstance(community.get(field), str):
                community[field] = files.data_file(ref, field, community[field], source)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent or "\0" in parent:
        raise ScenarioError([f"{source}: extends: must be a file name (a string), got {parent!r}"])
    if len(chain) + 1 >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [f"{origin}: extends: the chain of extends is more than {MAX_EXTENDS_DEPTH} files deep (at {source})"]
        )
    base = _resolve(files, files.extends(ref, parent, source), (*chain, key), origin, source)
    return deep_merge(base, data)


def resolve_extends(path: str | Path, *, data_roots: Sequence[str | Path] = ()) -> dict[str, Any]:
    """The file's table with its ``extends`` chain merged underneath it.

    ``extends`` is a path relative to the file that names it; cycles and chains
    longer than :data:`MAX_EXTENDS_DEPTH` are errors. Data file paths come back
    absolute, each checked against the folder of the file that names it and
    ``data_roots`` (see the module docstring)."""
    return _resolve(_Disk(data_roots), Path(path))


# -- overrides: one implementation of dotted paths -----------------------------------
def path_parts(path: str | Sequence[str]) -> list[str]:
    """``"community.residents"`` → ``["community", "residents"]`` (a list is kept)."""
    return path.split(".") if isinstance(path, str) else list(path)


def set_value(data: dict[str, Any], path: str | Sequence[str], value: Any, where: str | None = None) -> None:
    """Set the dotted ``path`` of a nested table in place, creating the tables along it.

    Every dotted path the package writes goes through here: ``--set``, an experiment's
    ``set``, ``weeks``, ``residents`` and seeds, and a design point's values. A part of
    the path that holds a value rather than a table is :class:`ScenarioError`
    (prefixed by ``where``, say ``--set a.b=1``)."""
    parts = path_parts(path)
    node = data
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ScenarioError([f"{where or '.'.join(parts)}: {part} is a value, not a table"])
        node = nxt
    node[parts[-1]] = value


def with_value(draft: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``draft`` with the dotted ``path`` (e.g. ``community.residents``) set.

    Only the tables along the path are copied and ``draft`` is never changed, so a
    reactive holding it (the dashboard's settings draft) sees a new object."""
    parts = path_parts(path)
    out = dict(draft)
    node = out
    for part in parts[:-1]:
        node[part] = dict(node.get(part, {}))
        node = node[part]
    node[parts[-1]] = value
    return out


def get_value(data: Mapping[str, Any], path: str) -> Any:
    """The value at the dotted ``path`` of a nested table (``KeyError`` if absent)."""
    node: Any = data
    for part in path_parts(path):
        node = node[part]
    return node


def parse_override(text: str) -> tuple[list[str], Any]:
    """``path.to.field=value`` → (["path", "to", "field"], value).

    The value is read as a TOML value (``500``, ``0.3``, ``true``, ``"text"``,
    ``[1, 2]``); a bare word that is not valid TOML is taken as a string.
    """
    if "=" not in text:
        raise ScenarioError([f"--set {text}: expected path.to.field=value"])
    path, raw = text.split("=", 1)
    parts = path_parts(path.strip())
    if not all(p.strip() for p in parts):
        raise ScenarioError([f"--set {text}: the field path {path!r} has an empty part"])
    raw = raw.strip()
    if raw == "":
        raise ScenarioError([f"--set {text}: no value after '='"])
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except RecursionError:
        raise _too_deep(f"--set {path.strip()}=…") from None
    if _depth(value) > MAX_TOML_DEPTH:
        raise _too_deep(f"--set {path.strip()}=…")
    return [p.strip() for p in parts], value


def apply_overrides(data: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Apply ``--set`` overrides (see :func:`parse_override`) to a scenario table."""
    out = copy.deepcopy(data)
    for text in overrides or []:
        parts, value = parse_override(text)
        set_value(out, parts, value, f"--set {text}")
    return out


def _data_file_values(data: dict[str, Any]) -> dict[str, Any]:
    community = data.get("community")
    return {key: community.get(key) for key in DATA_FILES} if isinstance(community, dict) else {}


def apply_sandboxed_overrides(
    data: dict[str, Any],
    overrides: list[str] | None,
    base: Path,
    data_roots: Sequence[str | Path],
    where: str,
    base_is: str,
) -> dict[str, Any]:
    """:func:`apply_overrides`, with each data file path an override changes taken
    relative to ``base`` and held to its folder tree or a data root (:func:`sandboxed`):
    ``--set`` paths are relative to the working directory, an experiment's ``set``
    paths to the experiment file."""
    from_files = _data_file_values(data)
    out = apply_overrides(data, overrides)
    for key, value in _data_file_values(out).items():
        if isinstance(value, str) and value != from_files.get(key):
            set_value(out, ("community", key), sandboxed(value, base, data_roots, f"{where} community.{key}", base_is))
    return out


def format_validation_error(source: str, exc: ValidationError) -> list[str]:
    """One readable line per pydantic error: ``source: field.path: message``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            from sim.inputs.docs import did_you_mean

            msg = f"unknown key (not a parameter of this block{did_you_mean(loc)}; see docs/parameters.md)"
        elif "input" in err and err["type"] not in ("missing",) and not isinstance(err["input"], dict):
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"{source}: {loc}: {msg}")
    return lines


def validate_data(data: dict[str, Any], source: str, model: type[BaseModel] = Scenario) -> Any:
    """Validate a merged table against ``model`` or raise :class:`ScenarioError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(source, exc)) from None


def load_scenario(
    path: str | Path, overrides: list[str] | None = None, *, data_roots: Sequence[str | Path] = ()
) -> Scenario:
    """Read, merge, override and validate a scenario file (one of the user's own).

    ``data_roots``: folders whose files any scenario may use as data files, besides
    the folder tree of the scenario file naming them; a data file set by an override
    is relative to the working directory and must lie under it or a data root."""
    path = Path(path)
    data = resolve_extends(path, data_roots=data_roots)
    data = apply_sandboxed_overrides(data, overrides, Path.cwd(), data_roots, "--set", "the working directory")
    source = str(path) + (" (with --set overrides)" if overrides else "")
    scenario = validate_data(data, source)
    if scenario.name == "unnamed":
        scenario = scenario.model_copy(update={"name": path.stem})
    return check_survey(scenario)


def load_uploaded_scenario(
    name: str, files: Mapping[str, bytes], shipped: str | Path, *, store: str | Path | None = None
) -> Scenario:
    """Validate the uploaded scenario ``files[name]`` (untrusted input).

    ``files`` maps each uploaded file's plain name to its bytes; ``shipped`` is the
    folder of the project's scenarios. Only these uploads and the shipped scenarios
    are opened (see the module docstring). Uploaded data files are copied into
    ``store`` (default: a private temporary folder) and the scenario points at the
    copies. Raises :class:`ScenarioError`, naming files by their upload names."""
    uploads = _Uploads(files, shipped, store)
    if name not in uploads.files:
        raise ScenarioError([f"{name}: not among the uploaded files"])
    data = _resolve(uploads, _Upload(name))
    scenario = validate_data(data, name)
    if scenario.name == "unnamed":
        scenario = scenario.model_copy(update={"name": Path(name).stem})
    try:
        return check_survey(scenario)
    except ScenarioError as exc:
        raise ScenarioError([uploads.unmask(line) for line in exc.problems]) from None


def check_survey(scenario: Scenario) -> Scenario:
    """Validate the survey data a scenario names, and size the community to it."""
    c = scenario.community
    if c.residents_file is None:
        return scenario
    from sim.inputs.survey import load_survey

    survey = load_survey(c.residents_file, c.edges_file, max_age=scenario.demography.max_age)
    sized = scenario.model_copy(deep=True)
    sized.community.residents = len(survey.residents)
    return sized


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario given as a (possibly partial) table."""
    return validate_data(data, source)
