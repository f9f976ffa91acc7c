"""Uploaded scenarios: a scenario TOML with the files it extends and its survey CSVs,
sent by the browser in one event.

Nothing the browser says is trusted: the event is taken apart here and the files are
read by :func:`sim.inputs.scenario.load_uploaded_scenario`, so an upload may use no file of
the server but the shipped scenarios."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dashboards.picker import SCENARIO_DIR
from sim.core.params import Scenario
from sim.inputs.scenario import ScenarioError, check_upload_name, load_uploaded_scenario, uploaded_parent

MAX_UPLOAD_BYTES = 8_000_000
"""Bytes one upload (a scenario with the files it extends and its survey CSVs) may
hold, counted as received. The browser sends the files base64-encoded in one
websocket message, 4/3 of this, inside the server's 16 MiB message limit."""

MAX_UPLOAD_FILES = 20


def received_files(payload: Any, limit: int = MAX_UPLOAD_BYTES) -> dict[str, bytes]:
    """The files of an upload event, ``{"files": [{"name": ..., "data": base64}, ...]}``,
    as {file name: bytes}.

    Nothing the browser says about the files is trusted: the size is that of the bytes
    received (the text is refused before decoding if it cannot fit), names must be
    plain file names, and a malformed event is a problem like any other. Raises
    :class:`ScenarioError` (one line)."""
    files = payload.get("files") if isinstance(payload, Mapping) else None
    claimed = payload.get("too_large") if isinstance(payload, Mapping) else None
    if isinstance(claimed, int) and claimed > limit:  # the page did not send files the server would refuse
        raise ScenarioError([f"upload: {claimed:,} bytes; an upload is at most {limit:,} bytes"])
    if not isinstance(files, list) or not files:
        raise ScenarioError(["upload: the browser sent no files"])
    if len(files) > MAX_UPLOAD_FILES:
        raise ScenarioError([f"upload: {len(files)} files; at most {MAX_UPLOAD_FILES} can be uploaded together"])
    out: dict[str, bytes] = {}
    received = 0
    for file in files:
        name = file.get("name") if isinstance(file, Mapping) else None
        data = file.get("data") if isinstance(file, Mapping) else None
        if not isinstance(name, str) or not isinstance(data, str):
            raise ScenarioError(["upload: each file must come with a name and its content"])
        check_upload_name(name)
        if name in out:
            raise ScenarioError([f"upload: {name!r} was sent twice"])
        received += len(data) * 3 // 4  # base64: 4 characters for 3 bytes
        if received > limit + 3:
            raise ScenarioError([f"upload: more than {limit:,} bytes; an upload is at most {limit:,} bytes"])
        try:
            out[name] = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ScenarioError([f"upload: {name!r} arrived garbled (not base64)"]) from None
    if sum(map(len, out.values())) > limit:
        raise ScenarioError([f"upload: more than {limit:,} bytes; an upload is at most {limit:,} bytes"])
    return out


def scenario_from_upload(files: Mapping[str, bytes], folder: Path = SCENARIO_DIR) -> Scenario:
    """Validate an uploaded scenario: one TOML file, with the TOML files it extends
    and the survey CSVs it names uploaded beside it.

    The upload is one scenario: the TOML file no other uploaded TOML file extends. It
    is read by :func:`sim.inputs.scenario.load_uploaded_scenario`, which opens nothing on the
    server but the uploads and the shipped scenarios of ``folder`` and keeps uploaded
    data in a folder private to the server process for the model to read. Raises
    :class:`ScenarioError` (one line per problem)."""
    for name in files:
        check_upload_name(name)
    scenarios = [name for name in files if name.lower().endswith(".toml")]
    if not scenarios:
        raise ScenarioError([f"upload: no scenario file (.toml) among {', '.join(sorted(files)) or 'no files'}"])
    parents = {name: uploaded_parent(name, files, folder) for name in scenarios}
    extended = {parent for name, parent in parents.items() if parent != name}  # extending itself: a cycle, reported
    roots = [name for name in scenarios if name not in extended]
    if len(roots) != 1:
        listed = ", ".join(sorted(roots or scenarios))
        raise ScenarioError([f"upload: {listed}: upload one scenario, with only the files it extends"])
    return load_uploaded_scenario(roots[0], files, folder)
