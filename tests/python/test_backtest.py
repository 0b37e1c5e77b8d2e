"""entente.backtest_deu: the CLI's summary, and per-issue forecasts that reproduce it."""
from __future__ import annotations

import math

import pytest

import entente
from conftest import REFERENCE, cli_json

DEU = REFERENCE / "deu" / "deu-dev.tsv"


def test_backtest_summary_equals_the_clis():
    expected = cli_json("backtest", "deu", str(DEU), "-m", "compromise", "-m", "median",
                        "-m", "nash")
    bt = entente.backtest_deu(DEU, models=["compromise", "median", "nash"])
    assert len(bt.issues) == expected["cases"]
    for model, m in expected["models"].items():
        row = bt.summary.loc[model]
        assert row["n"] == m["n"] and row["skipped"] == m["skipped"]
        assert row["mae"] == m["mae"] and row["rmse"] == m["rmse"]


def test_per_issue_forecasts_reproduce_the_summary():
    bt = entente.backtest_deu(DEU, models=["compromise", "median"], capability="gdp")
    errors = bt.errors()
    for model in ["compromise", "median"]:
        e = errors[model].dropna()
        assert len(e) == bt.summary.loc[model, "n"]
        assert e.mean() == pytest.approx(bt.summary.loc[model, "mae"], rel=1e-12)
        assert math.sqrt((e ** 2).mean()) == pytest.approx(bt.summary.loc[model, "rmse"], rel=1e-12)
    assert ((bt.issues["outcome"] >= 0) & (bt.issues["outcome"] <= 100)).all()


def test_backtest_errors(tmp_path):
    with pytest.raises(entente.InputError):
        entente.backtest_deu(tmp_path / "missing.tsv")
    with pytest.raises(entente.UsageError, match="equal or gdp"):
        entente.backtest_deu(DEU, capability="population")
