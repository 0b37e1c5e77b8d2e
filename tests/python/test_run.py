"""entente.run, Run frames, the store, models(): equal to the CLI for the same arguments."""
from __future__ import annotations

import numpy as np
import pytest

import entente
from conftest import SOURCE, cli, cli_json


def test_run_document_equals_the_clis(korea, db, cli_db):
    # Both stores are fresh, so both runs are run 1: the documents must be equal throughout.
    expected = cli_json("run", "-m", "median", "-m", "bdm", "-m", "alliance", "--seed", "7",
                        "--option", "bdm.q=0.5", db=cli_db)
    got = entente.run(korea, models=["median", "bdm", "alliance"], seed=7,
                      options={"bdm.q": 0.5}, db=db)
    assert got.run_id == 1
    assert got.document == expected


def test_run_at_a_date_equals_the_clis(db, cli_db):
    path = SOURCE / "scenarios" / "korea-2003.yaml"
    expected = cli_json("run", str(path), "-m", "compromise", "--at", "2002-07-01", db=cli_db)
    got = entente.run(str(path), models="compromise", at="2002-07-01", db=db)
    assert got.document == expected
    assert got.document["scenario"]["at"] == "2002-07-01"


def test_forecasts_frame(korea):
    r = entente.run(korea, models=["compromise", "median", "nash"])
    f = r.forecasts_frame()
    assert list(f.index) == [i.id for i in korea.issues]
    assert list(f.columns) == ["compromise", "median", "nash"]
    assert all(dt == np.float64 for dt in f.dtypes)
    first = r.document["issues"][0]
    assert f.loc[first["id"], "median"] == first["models"]["median"]["forecast"]
    assert r.run_id is None  # not stored without db


def test_alliances_games_and_explain(korea):
    r = entente.run(korea, models=["alliance", "crisis", "bdm"])
    a = r.alliances_frame()
    assert set(a.index) == {x.id for x in korea.alliances}
    assert ((a["health"] >= 0) & (a["health"] <= 1)).all()
    assert r.games and all("threats" in g for g in r.games)
    text = r.explain("bdm")
    assert "[bdm]" in text and "alliance" not in text.split("\n")[0]
    with pytest.raises(entente.UsageError, match="not in this run"):
        r.explain("smp")
    with pytest.raises(ValueError, match="alliance"):
        entente.run(korea, models=["median"]).alliances_frame()


def test_usage_errors(korea):
    with pytest.raises(entente.UsageError, match="did you mean 'median'"):
        entente.run(korea, models=["medain"])
    with pytest.raises(entente.UsageError, match="YYYY-MM-DD"):
        entente.run(korea, models=["median"], at="March 2003")
    with pytest.raises(entente.UsageError):
        entente.run(korea, models=["bdm"], options={"bdm.nonsense": 1})
    with pytest.raises(entente.UsageError, match="seed"):
        entente.run(korea, models=["median"], seed=-1)
    with pytest.raises(ValueError):  # UsageError is a ValueError
        entente.run(korea, models=["median"], options="bdm.q=0.5")


def test_store_reads_what_run_stored(korea, db):
    r = entente.run(korea, models=["median"], db=db)
    store = entente.Store(db)
    [row] = store.list()
    assert row["id"] == r.run_id and row["status"] == "done" and row["kind"] == "run"
    assert row["command"].startswith("python: entente.run(")
    assert store.document(r.run_id) == r.document
    assert store.get(r.run_id)["scenario_text"] == korea.text
    assert store.run(r.run_id).forecasts_frame().equals(r.forecasts_frame())
    assert list(store.runs_frame().index) == [r.run_id]
    csv = store.export(r.run_id, "csv")
    assert csv.splitlines()[0].startswith("run_id,") and len(csv.splitlines()) == 1 + len(korea.issues)
    assert '"result"' in store.export(r.run_id)
    with pytest.raises(KeyError):
        store.get(99)


def test_store_export_equals_the_clis(korea, db):
    r = entente.run(korea, models=["nash"], db=db)
    assert entente.Store(db).export(r.run_id, "csv") == cli("runs", "export", str(r.run_id),
                                                            "--format", "csv", db=db).stdout


def test_store_errors(tmp_path):
    with pytest.raises(entente.StoreError):
        entente.Store(tmp_path / "missing.db")
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(entente.StoreError):
        entente.Store(tmp_path / "junk.db")


def test_models_with_their_options():
    ms = {m.name: m for m in entente.models()}
    assert {"compromise", "median", "nash", "bdm", "smp", "alliance", "crisis"} <= set(ms)
    assert ms["alliance"].scope == "scenario" and ms["median"].scope == "issue"
    q = next(o for o in ms["bdm"].options if o.name == "q")
    assert q.type == "number" and q.default
    listed = cli("models").stdout
    for name in ms:
        assert name in listed


def test_a_run_releases_the_gil(korea):
    # While a run computes on its worker thread, other Python threads keep running.
    import threading

    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=count)
    t.start()
    entente.run(korea, models=["bdm", "smp"])
    done.set()
    t.join()
    assert ticks > 1000
