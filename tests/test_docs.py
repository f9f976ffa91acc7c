"""The model documentation stays true to the code: every submodel, intervention,
metric and random stream is described in docs/odd.md, every parameter the docs name
exists, every shipped scenario file is listed in docs/scenarios.md, and every survey
column is documented in docs/survey-data.md."""

import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS

from sim.core.metrics import sustainability
from sim.core.model import STREAMS
from sim.core.params import Interventions, Scenario, parameter_rows
from sim.inputs import survey
from sim.submodels.observation import METRICS

DOCS = ROOT / "docs"
BLOCKS = tuple(name for name in Scenario.model_fields if name not in ("name", "description"))


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def modules(package: str) -> list[str]:
    return sorted(p.name for p in (ROOT / "sim" / package).glob("*.py") if p.name != "__init__.py")


def table_rows(text: str) -> set[str]:
    """Names in the first cell of Markdown table rows: | `name` | ..."""
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.M))


def sustainability_keys() -> list[str]:
    weeks = 120
    active = np.linspace(0.3, 0.1, weeks)
    weekly = pd.DataFrame({name: np.zeros(weeks) for name in METRICS})
    weekly["week"] = np.arange(weeks)
    weekly["active_share"] = active
    return list(sustainability(weekly, {"activities": (0, 60)}))


@pytest.mark.parametrize(
    "path",
    [f"sim/submodels/{m}" for m in modules("submodels")] + [f"sim/interventions/{m}" for m in modules("interventions")],
)
def test_every_submodel_and_intervention_module_is_named_in_the_odd(path):
    assert f"`{path}`" in read("odd.md"), f"docs/odd.md does not describe {path}"


@pytest.mark.parametrize("metric", METRICS)
def test_every_weekly_metric_is_defined_in_the_odd(metric):
    assert metric in table_rows(read("odd.md")), f"docs/odd.md has no definition row for the weekly metric {metric!r}"


@pytest.mark.parametrize("key", sustainability_keys())
def test_every_sustainability_metric_is_defined_in_the_odd(key):
    name = re.sub(r"^(gain_half_life_|stop_week_).*", r"\1<intervention>", key)
    assert name in table_rows(read("odd.md")), f"docs/odd.md has no definition row for the run metric {name!r}"


@pytest.mark.parametrize("block", list(Interventions.model_fields))
def test_every_intervention_block_has_its_own_submodel_section_in_the_odd(block):
    headings = re.findall(r"^### .*$", read("odd.md"), flags=re.M)
    assert any(f"(`{block}`)" in h for h in headings), f"docs/odd.md has no subsection for interventions.{block}"


@pytest.mark.parametrize("stream", STREAMS)
def test_every_random_stream_is_named_in_the_odd(stream):
    assert f"`{stream}`" in read("odd.md")


def test_the_observation_section_keeps_the_anchor_the_readme_links_to():
    assert re.search(r"^## Observation$", read("odd.md"), flags=re.M)


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(ROOT).as_posix() for p in SCENARIOS.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ),
)
def test_every_shipped_scenario_file_is_listed_in_the_scenario_library(path):
    assert f"| `{path}` |" in read("scenarios.md"), f"docs/scenarios.md does not list {path}"


@pytest.mark.parametrize("doc", ["odd.md", "scenarios.md", "survey-data.md"])
def test_every_parameter_the_docs_name_exists(doc):
    names = {row["name"] for row in parameter_rows()}
    known = names | {".".join(n.split(".")[:k]) for n in names for k in range(1, n.count(".") + 1)}
    pattern = r"`((?:{})\.[a-z0-9_.]+)`".format("|".join(BLOCKS))
    cited = set(re.findall(pattern, read(doc)))
    assert cited, f"docs/{doc} names no parameters"
    unknown = sorted(cited - known)
    assert not unknown, f"docs/{doc} names parameters that are not in the schema: {unknown}"


def test_every_survey_column_is_documented():
    rows = table_rows(read("survey-data.md"))
    residents = {"id", "age", "education", *survey.UNIT_COLUMNS, *survey.BOOL_COLUMNS, *survey.INT_COLUMNS}
    edges = {"source", "target", "kind", "strength"}
    missing = sorted((residents | edges) - rows)
    assert not missing, f"docs/survey-data.md has no row for the columns {missing}"


# -- self-contained docs: every link and citation resolves inside the repository ------

DOC_FILES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
BIB = DOCS / "references.bib"


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where `[@key]` or a path
    may appear as an example rather than as a citation or link."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M))


def citation_keys(text: str) -> set[str]:
    """Keys of Pandoc citations: [@key], [@key, §2.3], [@a; @b], [-@key]."""
    groups = re.findall(r"\[[^\[\]]*@[^\[\]]*\]", prose(text))
    return {key for group in groups for key in re.findall(r"(?<![\w.])-?@([A-Za-z][\w:-]*)", group)}


def relative_links(text: str) -> list[str]:
    targets = re.findall(r"\]\(([^)\s]+)\)", prose(text))
    return [t for t in targets if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_doc_points_outside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert not re.search(r"\.\./shared|shared/(seeds|design)", text), (
        f"{doc.name} refers to files outside the repository"
    )
    for target in relative_links(text):
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a missing file: {target}"


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_citation_key_in_the_docs_is_in_the_bibliography(doc):
    missing = sorted(citation_keys(doc.read_text(encoding="utf-8")) - bib_keys())
    assert not missing, f"{doc.name} cites keys that docs/references.bib does not define: {missing}"


def test_the_papers_the_model_is_built_from_are_cited_and_in_the_bibliography():
    keys = bib_keys()
    assert {"liu2025", "socialcapital_mutualaid"} <= keys
    for doc in ("model.md", "odd.md"):
        cited = citation_keys(read(doc))
        assert {"liu2025", "socialcapital_mutualaid"} <= cited, f"docs/{doc} does not cite both source papers"


def test_the_model_brief_and_the_calibration_targets_are_in_the_docs():
    assert re.search(r"^# Model brief", read("model.md"), flags=re.M)
    assert re.search(r"^# Calibration targets", read("targets.md"), flags=re.M)


# -- the README's usage lines work as written -------------------------------------------


def readme_commands() -> list[list[str]]:
    """Every ``mutualaid …`` line of the README's bash blocks, split as a shell would."""
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```bash\n(.*?)```", readme, flags=re.S) for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("mutualaid ")]


@pytest.mark.parametrize("argv", readme_commands(), ids=lambda argv: " ".join(argv[1:3]))
def test_every_readme_command_parses_and_names_existing_inputs(argv):
    from sim.cli import build_parser

    args = build_parser().parse_args(argv[1:])
    for name in ("scenario", "experiment", "file", "files"):
        for value in (getattr(args, name, None) or []) if name == "files" else [getattr(args, name, None)]:
            if value and not str(value).startswith("results/"):
                assert (ROOT / value).exists(), f"README: `{' '.join(argv)}` names {value}, which does not exist"


def test_readme_validate_example_covers_the_whole_scenario_library():
    validate = [argv for argv in readme_commands() if argv[1] == "validate"]
    assert validate and all("scenarios/" in argv for argv in validate)


def test_readme_dask_example_writes_to_its_own_results_folder():
    dask = [argv for argv in readme_commands() if "--scheduler" in argv]
    assert dask
    for argv in dask:
        assert "--out" in argv and argv[argv.index("--out") + 1] != "results/compare_interventions"


def test_every_install_hint_in_the_readme_uses_the_constraints_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    hints = [line for line in readme.splitlines() if "pip install" in line]
    assert hints and all("-c constraints.txt" in line for line in hints), hints


def test_the_readme_says_how_to_use_the_environment_before_its_bare_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_bare = readme.index("\nmutualaid ")
    assert "source .venv/bin/activate" in readme[:first_bare]


def test_one_version_in_pyproject_the_package_citation_cff_and_the_changelog():
    """A release's version is stated in four places; a tag `v<version>` points at the
    commit where they agree (docs/cite-and-reproduce.md)."""
    import tomllib

    import sim

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    citation = re.search(r"^version: (\S+)$", (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    assert citation is not None and citation.group(1) == version
    assert sim.__version__ == version
    assert f"## [{version}] - " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
