"""Untrusted input stays in its sandbox: a scenario opens data files only inside its own
folder tree (or a --data-root), reads only regular files of bounded size, never echoes
file content in an error, ends deep nesting with one line, and `run` writes only where
it should, never over other results."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scenarios_cli import mutualaid

import sim.inputs.scenario as scenario_module
from sim.cli import main
from sim.inputs.scenario import MAX_EXTENDS_DEPTH, ScenarioError, load_scenario, load_uploaded_scenario, parse_toml
from sim.inputs.survey import load_survey

SECRET = "S3CRET-MARKER-41"
GOOD_RESIDENTS = "id,age\na,70\nb,82\nc,65\n"


def one_line_problems(exc: ScenarioError) -> list[str]:
    assert exc.problems
    for line in exc.problems:
        assert "\n" not in line and "\r" not in line
    return exc.problems


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ScenarioError) as err:
        call(*args, **kwargs)
    return "\n".join(one_line_problems(err.value))


def scenario_naming(folder: Path, residents_file: str, name: str = "mine.toml", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'[community]\nresidents_file = "{residents_file}"\n{extra}', encoding="utf-8")
    return path


@pytest.fixture
def secret_csv(tmp_path) -> Path:
    """A CSV outside the scenario's folder whose every byte is a secret."""
    path = tmp_path / "elsewhere" / "residents.csv"
    path.parent.mkdir()
    path.write_text(f"{SECRET}-header,{SECRET}-x\n{SECRET}-a,{SECRET}-b\n", encoding="utf-8")
    return path


# -- data files stay in their sandbox ------------------------------------------------
def test_a_data_file_outside_the_scenario_folder_is_refused_without_reading_it(tmp_path, secret_csv):
    path = scenario_naming(tmp_path / "scen", "../elsewhere/residents.csv")
    text = refused(load_scenario, path)
    assert "residents_file" in text and "outside" in text and "--data-root" in text
    result = mutualaid("validate", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("target", ["/proc/self/environ", "/etc/shadow", "/etc/passwd"])
def test_absolute_system_files_are_not_data_files(tmp_path, target):
    path = scenario_naming(tmp_path, target)
    env_secret = {"MUTUALAID_TEST_SECRET": SECRET}
    result = mutualaid_env(env_secret, "validate", path)
    assert result.returncode == 2 and "outside" in result.stderr
    assert SECRET not in result.stdout + result.stderr and "root:" not in result.stderr


def mutualaid_env(extra_env: dict[str, str], *args):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **extra_env},
        timeout=300,
    )


def test_a_symlink_out_of_the_scenario_folder_is_refused(tmp_path, secret_csv):
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "residents.csv").symlink_to(secret_csv)
    text = refused(load_scenario, scenario_naming(folder, "residents.csv"))
    assert "outside" in text and SECRET not in text


def test_a_data_root_on_the_command_line_admits_files_under_it(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "residents.csv").write_text(GOOD_RESIDENTS)
    path = scenario_naming(tmp_path / "scen", "../data/residents.csv")
    refused(load_scenario, path)
    assert load_scenario(path, data_roots=[data]).community.residents == 3
    result = mutualaid("validate", "--data-root", data, path)
    assert result.returncode == 0, result.stderr


def test_data_files_in_the_scenario_folder_tree_still_load(tmp_path):
    folder = tmp_path / "scen"
    (folder / "survey").mkdir(parents=True)
    (folder / "survey" / "residents.csv").write_text(GOOD_RESIDENTS)
    assert load_scenario(scenario_naming(folder, "survey/residents.csv")).community.residents == 3
    assert load_scenario(SCENARIOS / "survey_example.toml").community.residents == 60


def test_an_inherited_data_file_is_judged_by_the_folder_of_the_file_that_names_it(tmp_path):
    base = scenario_naming(tmp_path / "lib", "residents.csv", name="base.toml")
    (tmp_path / "lib" / "residents.csv").write_text(GOOD_RESIDENTS)
    child = tmp_path / "mine" / "child.toml"
    child.parent.mkdir()
    child.write_text(f'extends = "{base}"\n')
    assert load_scenario(child).community.residents == 3


def test_set_data_files_are_relative_to_the_working_directory_and_stay_under_it(tmp_path, monkeypatch, secret_csv):
    work = tmp_path / "work"
    work.mkdir()
    (work / "residents.csv").write_text(GOOD_RESIDENTS)
    monkeypatch.chdir(work)
    path = SCENARIOS / "old_estate.toml"
    assert load_scenario(path, ["community.residents_file=residents.csv"]).community.residents == 3
    text = refused(load_scenario, path, ["community.residents_file=../elsewhere/residents.csv"])
    assert "--set" in text and "outside" in text and SECRET not in text
    good = secret_csv.with_name("good.csv")
    good.write_text(GOOD_RESIDENTS)
    refused(load_scenario, path, [f"community.residents_file={good}"])
    loaded = load_scenario(path, [f"community.residents_file={good}"], data_roots=[good.parent])
    assert loaded.community.residents_file == str(good)


def test_run_and_calibrate_take_a_data_root():
    from sim.cli import build_parser

    parser = build_parser()
    for argv in (["run", "x.toml"], ["validate", "x.toml"], ["calibrate", "x.toml"]):
        assert parser.parse_args([*argv, "--data-root", "/tmp/d"]).data_root == [Path("/tmp/d")]


# -- only regular files, bounded, UTF-8 ------------------------------------------------
@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_zero"])
def test_extends_reads_only_regular_files(tmp_path, kind):
    target = {"fifo": tmp_path / "pipe.toml", "directory": tmp_path / "dir.toml", "dev_zero": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    path = tmp_path / "child.toml"
    path.write_text(f'extends = "{target}"\n')
    text = refused(load_scenario, path)
    assert "not a regular file" in text
    assert text.startswith(f"{path}: extends: "), text  # the file and the field that named it


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_zero", "proc"])
def test_survey_files_must_be_regular_files(tmp_path, kind):
    target = {
        "fifo": tmp_path / "pipe.csv",
        "directory": tmp_path / "dir.csv",
        "dev_zero": Path("/dev/zero"),
        "proc": Path("/proc/self/environ"),
    }[kind]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    text = refused(load_survey, target, None)
    assert "not a regular file" in text
    if kind in ("fifo", "directory"):  # inside the sandbox: the reader refuses it
        assert "not a regular file" in refused(load_scenario, scenario_naming(tmp_path, target.name))


@pytest.mark.parametrize("text", ['extends = "a\\u0000b"\n', '[community]\nresidents_file = "a\\u0000b"\n'])
def test_a_nul_character_in_a_file_name_is_one_line(tmp_path, text):
    path = tmp_path / "nul.toml"
    path.write_text(text)
    refused(load_scenario, path)
    refused(load_uploaded_scenario, "nul.toml", {"nul.toml": text.encode()}, SCENARIOS, store=tmp_path)


@pytest.mark.parametrize("name", ["a" * 5000, "a/" * 3000])
def test_a_file_name_the_system_refuses_is_one_line(tmp_path, name):
    for text in (f'extends = "{name}"\n', f'[community]\nresidents_file = "{name}"\n'):
        path = tmp_path / "long.toml"
        path.write_text(text)
        refused(load_scenario, path)
        refused(load_uploaded_scenario, "long.toml", {"long.toml": text.encode()}, SCENARIOS, store=tmp_path)


def test_a_scenario_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * scenario_module.MAX_SCENARIO_BYTES + "\n")
    text = refused(load_scenario, path)
    assert "larger than" in text and "MB" in text


def test_a_survey_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(scenario_module, "MAX_DATA_BYTES", 64)
    (tmp_path / "residents.csv").write_text("id,age\n" + "".join(f"r{i},70\n" for i in range(40)))
    text = refused(load_scenario, scenario_naming(tmp_path, "residents.csv"))
    assert "larger than" in text


def test_utf8_byte_order_marks_are_accepted(tmp_path):
    (tmp_path / "residents.csv").write_bytes("\ufeff".encode() + GOOD_RESIDENTS.encode())
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + b'[community]\nresidents_file = "residents.csv"\n')
    assert load_scenario(path).community.residents == 3


def test_text_that_is_not_utf8_is_refused_without_echoing_it(tmp_path):
    (tmp_path / "residents.csv").write_bytes(b"id,age\n\xff\xfe" + SECRET.encode() + b",70\n")
    text = refused(load_scenario, scenario_naming(tmp_path, "residents.csv"))
    assert "not UTF-8" in text and "0xff" not in text and SECRET not in text


# -- error messages never echo file content ------------------------------------------
@pytest.mark.parametrize(
    "residents",
    [
        f"id,age,{SECRET}\na,70,1\n",  # an unknown column
        f"{SECRET}\n1\n",  # no expected column at all
        f"id,age\na,{SECRET}\n",  # a bad value
        f"id,age,education\na,70,{SECRET}\n",  # a bad category
        f"id,age\n{SECRET},70\n{SECRET},71\n",  # a duplicate id
    ],
)
def test_survey_errors_name_rows_and_columns_never_file_content(tmp_path, residents):
    (tmp_path / "residents.csv").write_text(residents)
    path = scenario_naming(tmp_path, "residents.csv")
    text = refused(load_scenario, path)
    assert SECRET not in text
    result = mutualaid("validate", path)
    assert result.returncode == 2 and SECRET not in result.stdout + result.stderr


def test_an_unknown_column_is_named_by_its_place_in_the_header(tmp_path):
    (tmp_path / "residents.csv").write_text("id,age,wealth\na,70,3\n")
    text = refused(load_scenario, scenario_naming(tmp_path, "residents.csv"))
    assert "header column 3: not a known column (allowed:" in text


def test_edge_list_errors_do_not_echo_ids(tmp_path):
    (tmp_path / "residents.csv").write_text(GOOD_RESIDENTS)
    (tmp_path / "edges.csv").write_text(f"source,target\na,{SECRET}\n")
    path = scenario_naming(tmp_path, "residents.csv", extra='edges_file = "edges.csv"\n')
    text = refused(load_scenario, path)
    assert "row 2: target: unknown resident id" in text and SECRET not in text


# -- ids and ages ------------------------------------------------------------------------
def test_an_empty_id_is_refused_even_in_the_first_row(tmp_path):
    (tmp_path / "residents.csv").write_text("id,age\n,70\nb,71\n")
    assert "row 2: id: must not be empty" in refused(load_scenario, scenario_naming(tmp_path, "residents.csv"))


def test_survey_ages_run_from_60_to_below_the_scenarios_max_age(tmp_path):
    (tmp_path / "residents.csv").write_text("id,age\na,60\nb,104.9\n")
    path = scenario_naming(tmp_path, "residents.csv")
    assert load_scenario(path).community.residents == 2
    (tmp_path / "residents.csv").write_text("id,age\na,60\nb,105\n")
    assert "row 3: age: must be a number from 60 to below 105" in refused(load_scenario, path)
    (tmp_path / "residents.csv").write_text("id,age\na,60\nb,95\n")
    text = refused(load_scenario, path, ["demography.max_age=90"])
    assert "row 3: age: must be a number from 60 to below 90" in text and "demography.max_age" in text


# -- recursion -------------------------------------------------------------------------
def test_a_long_extends_chain_ends_with_one_line(tmp_path):
    for i in range(1200):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i + 1}.toml"\n' if i < 1199 else "")
    text = refused(load_scenario, tmp_path / "s0.toml")
    assert f"more than {MAX_EXTENDS_DEPTH} files deep" in text


def test_a_chain_within_the_limit_loads(tmp_path):
    for i in range(MAX_EXTENDS_DEPTH):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i + 1}.toml"\n' if i < MAX_EXTENDS_DEPTH - 1 else "")
    assert load_scenario(tmp_path / "s0.toml").name == "s0"


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 5000 + "1" + "}" * 5000,
        "x = " + "[" * 40 + "]" * 40,
        "\n".join(f"[{'a.' * 40}b]" for _ in range(1)),
    ],
)
def test_deeply_nested_toml_ends_with_one_line(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text + "\n")
    assert "nested more than" in refused(load_scenario, path)


def test_a_deeply_nested_set_value_ends_with_one_line():
    text = refused(load_scenario, SCENARIOS / "old_estate.toml", ["community.residents=" + "[" * 5000 + "]" * 5000])
    assert "--set" in text and "nested more than" in text


# -- uploads: no server path but shipped scenarios is ever opened ----------------------
def upload(files: dict[str, bytes], name: str = "mine.toml"):
    return load_uploaded_scenario(name, files, SCENARIOS)


def test_an_upload_extends_a_shipped_scenario_and_reads_its_uploaded_survey(tmp_path):
    files = {
        "mine.toml": b'extends = "old_estate.toml"\nname = "mine"\n[community]\nresidents_file = "res.csv"\n',
        "res.csv": GOOD_RESIDENTS.encode(),
    }
    scenario = load_uploaded_scenario("mine.toml", files, SCENARIOS, store=tmp_path)
    assert scenario.name == "mine" and scenario.community.setting == "old_estate"
    assert scenario.community.residents == 3
    assert Path(scenario.community.residents_file).read_bytes() == GOOD_RESIDENTS.encode()


def test_an_upload_extends_another_upload_and_shipped_files_keep_their_own_data(tmp_path):
    files = {
        "child.toml": b'extends = "parent.toml"\nname = "c"\n',
        "parent.toml": b'extends = "survey_example.toml"\n[community]\ninfrastructure = 0.9\n',
    }
    scenario = load_uploaded_scenario("child.toml", files, SCENARIOS, store=tmp_path)
    assert scenario.community.infrastructure == 0.9 and scenario.community.residents == 60
    nested = {"mine.toml": b'extends = "interventions/platform.toml"\n'}
    assert load_uploaded_scenario("mine.toml", nested, SCENARIOS, store=tmp_path).interventions.platform.enabled


def test_an_uploaded_data_file_is_found_by_the_last_part_of_its_path(tmp_path):
    files = {
        "mine.toml": b'[community]\nresidents_file = "survey/residents.csv"\n',
        "residents.csv": GOOD_RESIDENTS.encode(),
    }
    assert load_uploaded_scenario("mine.toml", files, SCENARIOS, store=tmp_path).community.residents == 3
    parent = {"mine.toml": b'extends = "lib/base.toml"\n', "base.toml": b"[community]\nresidents = 7\n"}
    assert load_uploaded_scenario("mine.toml", parent, SCENARIOS, store=tmp_path).community.residents == 7


@pytest.mark.parametrize(
    "content, problem",
    [
        (b'[community]\nresidents_file = "/proc/self/environ"\n', "not among the uploaded files"),
        (b'[community]\nresidents_file = "survey_example/residents.csv"\n', "not among the uploaded files"),
        (
            b'[community]\nresidents_file = "../scenarios/survey_example/residents.csv"\n',
            "not among the uploaded files",
        ),
        (b'extends = "/dev/zero"\n', "neither an uploaded file nor a shipped scenario"),
        (b'extends = "../../../../etc/passwd"\n', "neither an uploaded file nor a shipped scenario"),
        (b'extends = "../pyproject.toml"\n', "neither an uploaded file nor a shipped scenario"),
        (b'extends = "survey_example"\n', "neither an uploaded file nor a shipped scenario"),
        (b'extends = "mine.toml"\n', "cycle of extends"),
        (b"x = " + b"[" * 5000 + b"]" * 5000, "nested more than"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_an_upload_may_open_nothing_on_the_server_but_shipped_scenarios(tmp_path, content, problem):
    text = refused(load_uploaded_scenario, "mine.toml", {"mine.toml": content}, SCENARIOS, store=tmp_path)
    assert problem in text and str(SCENARIOS) not in text


@pytest.mark.parametrize("name", ["../x.toml", "a/b.toml", "", "..", "/etc/passwd"])
def test_upload_names_are_plain_file_names(tmp_path, name):
    assert "plain file name" in refused(load_uploaded_scenario, name, {name: b""}, SCENARIOS, store=tmp_path)


def test_uploaded_survey_errors_name_the_upload_not_the_server_path(tmp_path):
    files = {"mine.toml": b'[community]\nresidents_file = "res.csv"\n', "res.csv": b"id,age\na,40\n"}
    text = refused(load_uploaded_scenario, "mine.toml", files, SCENARIOS, store=tmp_path)
    assert text.startswith("res.csv: row 2: age:") and str(tmp_path) not in text


def test_shipped_survey_errors_under_an_upload_show_no_server_path(tmp_path):
    files = {"mine.toml": b'extends = "survey_example.toml"\n[demography]\nmax_age = 80.0\n'}
    text = refused(load_uploaded_scenario, "mine.toml", files, SCENARIOS, store=tmp_path)
    assert "scenarios/survey_example/residents.csv: row" in text and str(SCENARIOS) not in text


def test_an_oversized_upload_is_refused(tmp_path):
    files = {"mine.toml": b"#" * (scenario_module.MAX_SCENARIO_BYTES + 1)}
    assert "larger than" in refused(load_uploaded_scenario, "mine.toml", files, SCENARIOS, store=tmp_path)


def test_uploaded_data_kept_by_one_process_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(scenario_module, "MAX_KEPT_UPLOAD_BYTES", scenario_module._kept_bytes + 2_500)
    toml = b'[community]\nresidents_file = "res.csv"\n'
    rows = "".join(f"r{i},{70 + i % 20}\n" for i in range(200))
    first = ("id,age\n" + rows).encode()
    assert len(first) < 2_500 < 2 * len(first)
    for _ in range(2):  # the same data again: stored once, counted once
        load_uploaded_scenario("mine.toml", {"mine.toml": toml, "res.csv": first}, SCENARIOS, store=tmp_path)
    second = ("id , age\n" + rows).encode()
    text = refused(
        load_uploaded_scenario,
        "mine.toml",
        {"mine.toml": toml, "res.csv": second},
        SCENARIOS,
        store=tmp_path / "elsewhere",
    )
    assert text.startswith("res.csv: ") and f"at most {scenario_module.MAX_KEPT_UPLOAD_BYTES:,}" in text
    assert str(tmp_path) not in text


def test_the_private_copies_of_uploads_are_removed_when_the_process_ends(tmp_path):
    script = (
        "import sys\nfrom sim.inputs.scenario import load_uploaded_scenario\n"
        "files = {'mine.toml': b'[community]\\nresidents_file = \"res.csv\"\\n', 'res.csv': sys.argv[2].encode()}\n"
        "print(load_uploaded_scenario('mine.toml', files, sys.argv[1]).community.residents_file)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(SCENARIOS), GOOD_RESIDENTS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    copy = Path(done.stdout.strip())
    assert copy.is_relative_to(tmp_path) and copy.name == "res.csv"
    assert not copy.exists() and list(tmp_path.iterdir()) == []


# -- property: anything either loads or raises one-line ScenarioErrors -------------------
def toml_values(depth: int = 6):
    scalars = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.text(max_size=8))
    keys = st.sampled_from(["a", "residents_file", "community", "residents", "x"])
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
        max_leaves=depth * 3,
    )


def toml_text(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return json.dumps(value)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(content=st.binary(max_size=300))
def test_arbitrary_bytes_load_or_give_one_line_problems(tmp_path, content):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    for call in (
        lambda: load_scenario(path),
        lambda: load_uploaded_scenario("f.toml", {"f.toml": content}, SCENARIOS, store=tmp_path),
    ):
        try:
            call()
        except ScenarioError as exc:
            one_line_problems(exc)


@FUZZ
@given(
    tables=st.dictionaries(st.sampled_from(["community", "trust", "name", "extends", "x"]), toml_values(), max_size=3),
    nest=st.integers(0, 3000),
)
def test_arbitrary_nested_toml_loads_or_gives_one_line_problems(tmp_path, tables, nest):
    text = "\n".join(f"{k} = {toml_text(v)}" for k, v in tables.items())
    if nest:
        text += "\ny = " + "[" * nest + "]" * nest
    for call in (
        lambda: parse_toml(text, "fuzz.toml"),
        lambda: load_uploaded_scenario("f.toml", {"f.toml": text.encode()}, SCENARIOS, store=tmp_path),
    ):
        try:
            call()
        except ScenarioError as exc:
            one_line_problems(exc)


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(
                st.sampled_from(
                    ["id", "age", "70", "", "a", "x,y", '"', "\ufeff", "1e9", "nan", "health", "0.5", "\r"]
                ),
                max_size=4,
            ),
            max_size=5,
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
    )
)
def test_arbitrary_survey_bytes_load_or_give_one_line_problems(tmp_path, content):
    (tmp_path / "residents.csv").write_bytes(content)
    (tmp_path / "edges.csv").write_bytes(content)
    try:
        load_survey(tmp_path / "residents.csv", tmp_path / "edges.csv")
    except ScenarioError as exc:
        one_line_problems(exc)


def experiment_tables():
    """Experiment files of every shape the schema knows, with values of every type:
    most are invalid, some are huge (10⁹ replicates), a few load."""
    names = st.sampled_from(["a", "b", "a", "b", "", "a b", "名", "../x"])  # mostly valid, so loading goes deep
    numbers = st.one_of(st.integers(-3, 10**9), st.floats(allow_nan=True, allow_infinity=True), names)
    bounds = st.dictionaries(
        st.sampled_from(["trust.gossip_rate", "helping.rounds", "x.y", "community.residents_file"]),
        st.lists(numbers, max_size=3),
        max_size=2,
    )
    design = st.fixed_dictionaries(
        {"kind": st.sampled_from(["grid", "rows", "lhs", "sobol", "morris", "other"])},
        optional={
            "levels": bounds,
            "bounds": bounds,
            "n": numbers,
            "N": numbers,
            "trajectories": numbers,
            "parameters": st.lists(st.sampled_from(["trust.gossip_rate", "x"]), max_size=2),
            "rows": st.lists(st.lists(numbers, max_size=2), max_size=2),
        },
    )
    scenario = st.fixed_dictionaries(
        {
            "name": names,
            "file": st.sampled_from([str(SCENARIOS / "new_estate.toml"), "nope.toml", "/dev/zero", str(SCENARIOS)]),
        },
        optional={
            "set": st.lists(
                st.sampled_from(
                    ["trust.gossip_rate=0.3", "community.residents_file=/etc/passwd", "x=1", "=", "helping.rounds=inf"]
                ),
                max_size=2,
            )
        },
    )
    return st.fixed_dictionaries(
        {"name": names, "scenarios": st.lists(scenario, max_size=2)},
        optional={
            "design": design,
            "replicates": numbers,
            "weeks": numbers,
            "residents": numbers,
            "root_seed": numbers,
            "reference": names,
        },
    )


def experiment_toml(table: dict) -> str:
    lines = [f"{k} = {json.dumps(v)}" for k, v in table.items() if k not in ("scenarios", "design")]
    for entry in table["scenarios"]:
        lines += ["[[scenarios]]", *(f"{k} = {json.dumps(v)}" for k, v in entry.items())]
    design = table.get("design")
    if design is not None:
        lines += [
            "[design]",
            *(f"{key} = {toml_text(value)}" for key, value in design.items() if not isinstance(value, dict)),
        ]
        for key, value in design.items():
            if isinstance(value, dict):
                lines += [f"[design.{key}]", *(f"{json.dumps(k)} = {toml_text(v)}" for k, v in value.items())]
    return "\n".join(lines).replace("NaN", "nan").replace("Infinity", "inf")


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), experiment_tables().map(lambda t: experiment_toml(t).encode())))
def test_arbitrary_experiment_files_load_or_give_one_line_problems(tmp_path, content):
    """The experiment loader (what `mutualaid sweep` and `validate` call) either loads a
    file or refuses it with one-line problems — never a traceback, never a huge design
    built in memory."""
    from sim.experiments.plan import load_experiment

    path = tmp_path / "fuzz_experiment.toml"
    path.write_bytes(content)
    try:
        load_experiment(path)
    except ScenarioError as exc:
        one_line_problems(exc)


# -- where `run` writes ----------------------------------------------------------------
TINY = ["--weeks", "2", "--residents", "30", "--set", "simulation.burn_in_weeks=0", "--quiet"]


@pytest.fixture
def named(tmp_path):
    """A tiny scenario file whose ``name`` is given by the test."""

    def make(name: str) -> Path:
        path = tmp_path / "named.toml"
        path.write_text(f"name = {json.dumps(name)}\n", encoding="utf-8")
        return path

    return make


@pytest.mark.parametrize(
    "name, folder",
    [
        ("../../x", "x-seed1"),
        ("{tmp}/abs/job", "{slug}_abs_job-seed1"),
        ("..", "scenario-seed1"),
        ("old estate", "old_estate-seed1"),
        ("社区", "社区-seed1"),
    ],
)
def test_the_default_output_folder_is_a_safe_slug_under_results(tmp_path, monkeypatch, named, name, folder):
    # an absolute name points into tmp_path, so even a regression writes nowhere else
    slug = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(tmp_path)).strip("_")
    name, folder = name.format(tmp=tmp_path), folder.format(slug=slug)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["run", str(named(name)), *TINY]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["named.toml", "work"]
    assert sorted(p.name for p in work.iterdir()) == ["results"]
    assert [p.name for p in (work / "results").iterdir()] == [folder]


def test_run_refuses_to_overwrite_earlier_results_without_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    scenario = str(SCENARIOS / "rural_village.toml")
    assert main(["run", scenario, *TINY]) == 0
    summary = tmp_path / "results" / "rural_village-seed1" / "summary.json"
    first = summary.read_text()
    capsys.readouterr()  # the first run's own output (its short-run warning) is not the refusal's
    ran = []
    monkeypatch.setattr("sim.experiments.runner.simulate", lambda *a, **k: ran.append(1))
    assert main(["run", scenario, *TINY, "--set", "trust.gossip_rate=0.3"]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--overwrite" in err and len(err.strip().splitlines()) == 1
    assert not ran and summary.read_text() == first  # refused before running
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert main(["run", scenario, *TINY, "--set", "trust.gossip_rate=0.3", "--overwrite"]) == 0
    assert json.loads(summary.read_text())["scenario"]["trust"]["gossip_rate"] == 0.3


def test_run_never_writes_into_a_sweep_folder(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text("{}")
    (sweep / "weekly.parquet").write_bytes(b"the sweep's own")
    for extra in ([], ["--overwrite"]):
        assert main(["run", str(SCENARIOS / "rural_village.toml"), *TINY, "--out", str(sweep), *extra]) == 2
        assert "sweep" in capsys.readouterr().err
    assert (sweep / "weekly.parquet").read_bytes() == b"the sweep's own"
    assert sorted(p.name for p in sweep.iterdir()) == ["manifest.json", "weekly.parquet"]


@pytest.mark.parametrize("kind", ["file", "under_a_file", "proc", "too_long"])
def test_an_output_path_that_cannot_be_a_folder_is_one_line(tmp_path, capsys, kind):
    (tmp_path / "a_file").write_text("keep")
    out = {
        "file": tmp_path / "a_file",
        "under_a_file": tmp_path / "a_file" / "out",
        "proc": Path("/proc/mutualaid"),
        "too_long": tmp_path / ("x" * 5000),
    }
    assert main(["run", str(SCENARIOS / "rural_village.toml"), *TINY, "--out", str(out[kind])]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err
    assert (tmp_path / "a_file").read_text() == "keep"


def test_a_failed_write_leaves_no_half_written_result(tmp_path, monkeypatch, capsys):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "rural_village.toml"), *TINY, "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "No space left on device" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_an_overwrite_that_fails_leaves_no_summary_claiming_the_old_result(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "rural_village.toml"), *TINY, "--out", str(out)]) == 0
    monkeypatch.setattr(pd.DataFrame, "to_csv", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    assert (
        main(["run", str(SCENARIOS / "rural_village.toml"), *TINY, "--out", str(out), "--overwrite", "--seed", "2"])
        != 0
    )
    assert not (out / "summary.json").exists() or json.loads((out / "summary.json").read_text())["seed"] == 1
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("kind", ["file", "proc"])
def test_a_sweep_into_a_place_that_cannot_be_written_is_one_line(tmp_path, capsys, kind):
    """Before: `sweep --out /proc/x` ended in a FileNotFoundError traceback."""
    (tmp_path / "a_file").write_text("keep")
    out = {"file": tmp_path / "a_file" / "out", "proc": Path("/proc/mutualaid-sweep")}[kind]
    tiny = ROOT / "experiments" / "tiny.toml"
    assert main(["sweep", str(tiny), "--workers", "1", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert (tmp_path / "a_file").read_text() == "keep"


def test_a_disk_that_fills_during_a_sweep_is_one_line_and_keeps_what_finished(tmp_path, monkeypatch, capsys):
    from sim.experiments import store

    written = []
    real = store.ResultsStore.write_run

    def fill_after_two(self, *args, **kwargs):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(real(self, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(store.ResultsStore, "write_run", fill_after_two)
    out = tmp_path / "out"
    code = main(["sweep", str(ROOT / "experiments" / "tiny.toml"), "--workers", "1", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and "No space left on device" in err, err
    monkeypatch.undo()
    assert (
        main(
            [
                "sweep",
                str(ROOT / "experiments" / "tiny.toml"),
                "--workers",
                "1",
                "--quiet",
                "--out",
                str(out),
                "--resume",
            ]
        )
        == 0
    )
