"""entente.load, Scenario data and frames, validation, with_changes."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import entente
from conftest import SOURCE

BAD = SOURCE / "tests" / "data" / "bad"
DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: error: ")


def test_version_is_the_engines():
    text = (SOURCE / "CMakeLists.txt").read_text()
    assert re.search(r"project\(entente VERSION " + re.escape(entente.__version__), text)


def test_default_scenario_is_korea(korea):
    assert korea.id == "korea-2003"
    assert re.match(r"\d{4}-\d\d-\d\d$", korea.as_of)
    assert "USA" in [a.id for a in korea.actors]
    # the embedded scenario is scenarios/korea-2003.yaml, loaded from the file it is the same
    from_file = entente.load(SOURCE / "scenarios" / "korea-2003.yaml")
    assert from_file.data() == korea.data()
    assert from_file.source.endswith("korea-2003.yaml")


def test_actors_and_stances_frames_match_the_records(korea):
    actors = korea.actors_frame()
    assert list(actors.index) == [a.id for a in korea.actors]
    assert actors.loc["USA", "kind"] == "state"
    assert actors["capability"].dtype == np.float64
    stances = korea.stances_frame()
    assert stances.index.names == ["issue", "actor"]
    assert len(stances) == sum(len(i.stances) for i in korea.issues)
    first = korea.issues[0].stances[0]
    row = stances.loc[(korea.issues[0].id, first.actor)]
    assert row["position"] == first.position and row["salience"] == first.salience
    # the USA's nk-nuclear position is a distribution in the file: {truncnormal: [70, 8, 50, 90]}
    usa = stances.loc[("nk-nuclear", "USA")]
    assert usa["position_distribution"].startswith("truncnormal(70")
    assert len(korea.events_frame()) == sum(len(e.changes) for e in korea.events)
    assert set(korea.alliances_frame().index) == {a.id for a in korea.alliances}
    assert set(korea.forces_frame().index) == {f.id for f in korea.forces}
    assert set(korea.issues_frame().index) == {i.id for i in korea.issues}


def test_records_are_read_only(korea):
    with pytest.raises(AttributeError):
        korea.actors[0].name = "x"
    with pytest.raises(AttributeError, match="fields"):
        _ = korea.actors[0].nonexistent


def test_load_text_and_formats(reference):
    text = (reference / "bdm" / "ec-emissions-1994.csv").read_text()
    table = entente.load(reference / "bdm" / "ec-emissions-1994.csv")
    assert len(table.issues) == 1 and len(table.actors) > 3
    assert entente.load(text, format="csv").data()["actors"] == table.data()["actors"]
    ktab = entente.load(reference / "ktab" / "dummyData_3Dim.csv")
    assert len(ktab.issues) == 3
    xml = entente.load(reference / "ktab" / "dummyData_3Dim.xml")
    assert xml.actors
    with pytest.raises(entente.UsageError, match="expected yaml, csv"):
        entente.load(text, format="excel")


def _bad_cases():
    return sorted(p for p in BAD.iterdir() if p.suffix in (".yaml", ".csv", ".xml"))


@pytest.mark.parametrize("path", _bad_cases(), ids=lambda p: p.name)
def test_bad_inputs_give_the_clis_diagnostics(path: Path, monkeypatch):
    # tests/data/bad/NAME.expected is what `entente validate NAME` prints from that folder.
    expected = [line for line in path.with_suffix(".expected").read_text().splitlines()
                if DIAGNOSTIC.match(line)]
    monkeypatch.chdir(BAD)
    with pytest.raises(entente.InputError) as caught:
        entente.load(path.name)
    got = caught.value.diagnostics
    assert [str(d) for d in got] == expected
    assert [str(d) for d in entente.validate(path.name)] == expected
    d = got[0]
    assert d.file == path.name and d.line >= 0 and d.column >= 0 and d.message
    assert isinstance(caught.value, ValueError)


def test_diagnostic_fields(monkeypatch):
    monkeypatch.chdir(BAD)
    [d1, d2, d3] = entente.validate("alliance-terms-out-of-range.yaml")
    assert (d1.file, d1.line, d1.column, d1.path) == (
        "alliance-terms-out-of-range.yaml", 15, 21, "alliances[0].terms.USA.commitment")
    assert d1.message == "1.5 is out of range; expected a number in [0, 1]"
    assert d3.path == "alliances[0].terms.ROK.burden.troops_abroad"


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(entente.InputError) as caught:
        entente.load(tmp_path / "nope.yaml")
    assert "no such file" in caught.value.diagnostics[0].message


def test_valid_scenario_validates_clean(korea):
    assert korea.validate() == []
    assert entente.validate(SOURCE / "scenarios" / "korea-2003.yaml") == []


def test_with_changes_holds_at_the_run_date(korea):
    # An event of 2002-10-16 sets the USA's nk-nuclear position; the change must win over it.
    path = "issues.nk-nuclear.positions.USA.position"
    changed = korea.with_changes({path: 40})
    base = entente.run(korea, models=["compromise"]).document
    after = entente.run(changed, models=["compromise"]).document
    issue = lambda d: next(i for i in d["issues"] if i["id"] == "nk-nuclear")  # noqa: E731
    assert issue(after)["positions"]["USA"]["position"] == 40
    assert issue(base)["positions"]["USA"]["position"] != 40
    assert issue(after)["models"]["compromise"]["forecast"] < issue(base)["models"]["compromise"]["forecast"]
    # the original is untouched
    assert entente.run(korea, models=["compromise"]).document == base


def test_with_no_changes_runs_the_same(korea):
    same = korea.with_changes({})
    a = entente.run(korea, models=["compromise", "median", "nash"]).document
    b = entente.run(same, models=["compromise", "median", "nash"]).document
    assert a["issues"] == b["issues"]


def test_with_changes_takes_distributions_and_text(korea):
    changed = korea.with_changes({"issues.nk-nuclear.positions.USA.position": {"truncnormal": [40, 5, 20, 60]},
                                  "actors.USA.name": "United States"})
    assert "issues.nk-nuclear.positions.USA.position" in changed.uncertain_inputs()


def test_with_changes_errors_name_the_change(korea):
    with pytest.raises(entente.InputError) as caught:
        korea.with_changes({"issues.nk-nuclear.positions.USA.position": 140})
    [d] = caught.value.diagnostics
    assert d.path == "with_changes.issues.nk-nuclear.positions.USA.position"
    assert "out of range" in d.message
    with pytest.raises(entente.InputError) as caught:
        korea.with_changes({"issues.nk-nuclear.positions.NOBODY.position": 10})
    assert caught.value.diagnostics[0].path.startswith("with_changes.")
    with pytest.raises(entente.UsageError, match="cannot be set"):
        korea.with_changes({"actors.USA.name": object()})


def test_quick_numeric_changes_equal_the_loaders(korea):
    # Plain numbers on stances and status quos skip the YAML round trip; the result must be
    # the loader's: the same change with a no-op text change forces the loader's path.
    numbers = {"issues.nk-nuclear.positions.USA.position": 40.5,
               "issues.us-troops.positions.ROK-public.salience": 0.25,
               "issues.nk-nuclear.status_quo": 30}
    usa = next(a for a in korea.actors if a.id == "USA")
    quick = korea.with_changes(numbers)
    loaded = korea.with_changes({**numbers, "actors.USA.name": usa.name})
    assert entente.run(quick).document == entente.run(loaded).document
    # its text, written when asked for, loads back to a scenario that runs the same
    again = entente.load(quick.text, format="yaml")
    assert entente.run(again, models=["bdm", "nash"]).document["issues"] == \
        entente.run(quick, models=["bdm", "nash"]).document["issues"]
