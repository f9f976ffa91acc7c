"""A user's own community from a residents table and an edge list (CSV)."""

import numpy as np
import pytest
from conftest import SCENARIOS
from test_scenarios_cli import mutualaid

from sim.core.model import CommunityModel, read_survey
from sim.core.network import NEIGHBOUR
from sim.inputs.scenario import ScenarioError, load_scenario


def survey(tmp_path, residents: str, edges: str | None = None, extra: str = ""):
    (tmp_path / "residents.csv").write_text(residents)
    lines = ["[community]", 'residents_file = "residents.csv"']
    if edges is not None:
        (tmp_path / "edges.csv").write_text(edges)
        lines.append('edges_file = "edges.csv"')
    path = tmp_path / "mine.toml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


GOOD = "id,age,health,member,aware,education\na,70,0.8,true,true,high\nb,82,0.3,false,false,low\nc,65,0.9,0,1,mid\n"


def test_survey_residents_and_ties_become_the_model_community(tmp_path):
    path = survey(tmp_path, GOOD, "source,target,kind,strength\na,b,neighbour,0.7\nb,c,friend,0.4\n")
    scenario = load_scenario(path)
    assert scenario.community.residents == 3
    model = CommunityModel(scenario, rng=1, survey=read_survey(scenario))
    pop = model.pop
    assert pop.age.tolist() == [70, 82, 65]
    assert pop.health.tolist() == pytest.approx([0.8, 0.3, 0.9])
    assert pop.member.tolist() == [True, False, False] and pop.aware.tolist() == [True, False, True]
    assert pop.education.tolist() == [2, 0, 1]
    assert model.net.n_ties == 2
    e = model.net.find(np.array([0]), np.array([1]))[0]
    assert model.net.kind[e] == NEIGHBOUR and model.net.strength[e] == pytest.approx(0.7)


def test_the_model_reads_no_file_it_is_handed_the_survey(tmp_path):
    path = survey(tmp_path, GOOD, "source,target\na,b\n")
    scenario = load_scenario(path)
    data = read_survey(scenario)
    (tmp_path / "residents.csv").unlink()
    (tmp_path / "edges.csv").unlink()
    model = CommunityModel(scenario, rng=1, survey=data)
    assert model.pop.age.tolist() == [70, 82, 65] and model.net.n_ties == 1


def test_a_survey_scenario_without_its_survey_is_refused_by_name(tmp_path):
    scenario = load_scenario(survey(tmp_path, GOOD))
    with pytest.raises(ValueError, match="community.residents_file.*read_survey"):
        CommunityModel(scenario, rng=1)


def test_the_shipped_survey_example_runs():
    scenario = load_scenario(SCENARIOS / "survey_example.toml", ["simulation.weeks=10"])
    model = CommunityModel(scenario, rng=1, survey=read_survey(scenario))
    model.run()
    assert len(model.records) == 10 and model.records[0]["residents"] > 0


@pytest.mark.parametrize(
    "residents, edges, expected",
    [
        ("id,health\na,0.5\n", None, "residents.csv: age: required column is missing"),
        ("id,age\na,70\na,71\n", None, "residents.csv: row 3: id: duplicate id (the same as row 2)"),
        ("id,age,health\na,70,1.5\n", None, "residents.csv: row 2: health: must be a number in [0, 1]"),
        (
            "id,age,health\na,70,\n",
            None,
            "residents.csv: row 2: health: must be a number in [0, 1] (the cell is empty)",
        ),
        ("id,age\na,45\n", None, "residents.csv: row 2: age: must be a number from 60 to below 105"),
        ("id,age,education\na,70,phd\n", None, "row 2: education: must be one of"),
        ("id,age,wealth\na,70,3\n", None, "residents.csv: header column 3: not a known column"),
        ("id,age\na,70\nb,71\n", "source,target\na,zz\n", "edges.csv: row 2: target: unknown resident id"),
        ("id,age\na,70\nb,71\n", "source\na\n", "edges.csv: target: required column is missing"),
        (
            "id,age\na,70\nb,71\n",
            "source,target\na,a\n",
            "edges.csv: row 2: target: a resident cannot be tied to themselves",
        ),
        (
            "id,age\na,70\nb,71\n",
            "source,target,strength\na,b,2\n",
            "edges.csv: row 2: strength: must be a number in [0, 1]",
        ),
    ],
)
def test_bad_survey_files_are_reported_by_file_row_and_column(tmp_path, residents, edges, expected):
    path = survey(tmp_path, residents, edges)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert any(expected in line for line in err.value.problems), err.value.problems
    result = mutualaid("validate", path)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_a_missing_survey_file_is_named(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[community]\nresidents_file = "nowhere.csv"\n')
    result = mutualaid("validate", path)
    assert result.returncode == 2 and "nowhere.csv: file not found" in result.stderr


def test_surveyed_buildings_of_any_size_are_where_neighbours_meet(tmp_path):
    rows = ["id,age,building,block"] + [f"r{i},{65 + i % 20},{b},0" for i, b in enumerate([0] * 3 + [1] * 1 + [2] * 7)]
    path = survey(tmp_path, "\n".join(rows) + "\n", extra="[network]\nneighbour_ties = 6.0\nneighbour_meeting = 0.5\n")
    scenario = load_scenario(path, ["simulation.weeks=30"])
    model = CommunityModel(scenario, rng=3, survey=read_survey(scenario))
    model.run()
    net, pop = model.net, model.pop
    neighbour = net.kind == NEIGHBOUR
    assert neighbour.any()
    assert (pop.building[net.owner[neighbour]] == pop.building[net.other[neighbour]]).all()
    assert pop.building.tolist() == [0] * 3 + [1] + [2] * 7
