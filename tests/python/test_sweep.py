"""entente.sweep and entente.sensitivity: same seeds, same numbers as the CLI; the samples
as numpy arrays."""
from __future__ import annotations

import numpy as np
import pytest

import entente
from conftest import cli_json

MODELS = ["compromise", "median"]


def test_sweep_equals_the_clis(korea, db, cli_db):
    expected = cli_json("sweep", "-n", "300", "--seed", "5", "-m", "compromise", "-m", "median",
                        "-t", "2", "-q", db=cli_db)
    got = entente.sweep(korea, samples=300, seed=5, models=MODELS, threads=2, db=db)
    assert got.document == expected
    assert entente.Store(db).list()[0]["kind"] == "sweep"


def test_sweep_is_the_same_for_any_thread_count(korea):
    one = entente.sweep(korea, samples=200, seed=3, models=MODELS, threads=1, block_size=32)
    three = entente.sweep(korea, samples=200, seed=3, models=MODELS, threads=3, block_size=32)
    assert one.document == three.document
    assert np.array_equal(one.output_samples, three.output_samples, equal_nan=True)
    assert np.array_equal(one.input_samples, three.input_samples)


def test_sample_arrays(korea):
    s = entente.sweep(korea, samples=150, seed=9, models=MODELS, threads=2)
    assert s.input_samples.dtype == np.float64 and s.output_samples.dtype == np.float64
    # the inputs are those of the scenario at the run date: an event that sets a number
    # replaces its distribution
    assert s.input_samples.shape == (150, len(s.inputs))
    assert set(s.inputs) <= set(korea.uncertain_inputs())
    assert s.output_samples.shape == (150, len(s.outputs)) == (150, len(s.document["outputs"]))
    means = np.nanmean(s.output_samples, axis=0)
    for k, o in enumerate(s.document["outputs"]):
        assert means[k] == pytest.approx(o["mean"], rel=1e-12, abs=1e-12)
    frame = s.samples_frame()
    assert frame.shape == (150, len(s.inputs) + len(s.outputs))
    summary = s.summary_frame()
    assert list(summary.index) == [o["id"] for o in s.outputs]
    edges, counts = s.histogram(s.outputs[0]["id"])
    assert len(edges) == 21 and sum(counts) == s.document["outputs"][0]["n"]


def test_a_samples_inputs_reproduce_its_outputs(korea):
    # Sample 7's drawn inputs, set as plain numbers, give sample 7's outputs in a plain run:
    # the arrays pair each sample's inputs with its outputs.
    s = entente.sweep(korea, samples=16, seed=11, models=MODELS, threads=1)
    # (the inputs these two models read: actors' capabilities, stances)
    changes = {path: float(x) for path, x in zip(s.inputs, s.input_samples[7])
               if path.startswith(("actors.", "issues."))}
    r = entente.run(korea.with_changes(changes), models=MODELS, seed=entente._entente.default_seed)
    for k, o in enumerate(s.outputs):
        issue = next(i for i in r.document["issues"] if i["id"] == o["issue"])
        assert issue["models"][o["model"]]["forecast"] == pytest.approx(s.output_samples[7, k],
                                                                        rel=1e-12)


def test_progress_callback(korea):
    calls = []
    entente._entente.sweep(korea._core, MODELS, None, 1, "", 600, 2, 64, False, False, None,
                           "test", lambda done, total: calls.append((done, total)))
    assert calls[-1] == (600, 600)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_sweep_usage_errors(korea):
    with pytest.raises(entente.UsageError):
        entente.sweep(korea, samples=0)
    with pytest.raises(entente.UsageError, match="db"):
        entente.sweep(korea, samples=10, keep_samples=True)


def test_kept_samples_are_stored(korea, db):
    s = entente.sweep(korea, samples=40, seed=2, models=MODELS, keep_samples=True, db=db)
    stored = entente.Store(db).samples(s.run_id)
    assert np.array_equal(stored, s.output_samples, equal_nan=True)


def test_sensitivity_equals_the_clis(korea, db, cli_db):
    expected = cli_json("sensitivity", "--method", "morris", "-n", "2", "--seed", "4", "-m",
                        "compromise", "-t", "2", db=cli_db)
    got = entente.sensitivity(korea, method="morris", samples=2, seed=4, models="compromise",
                              threads=2, db=db)
    assert got.document == expected
    frame = got.frame()
    assert frame.index.names == ["output", "input"]
    assert len(frame) == sum(len(o["inputs"]) for o in expected["outputs"])


def test_sobol_document(korea):
    got = entente.sensitivity(korea, method="sobol", samples=8, seed=4, models="compromise")
    assert got.method == "sobol" and got.run_id is None
    assert {"first", "total", "first_ci_lo", "total_ci_hi"} <= set(got.frame().columns)
    with pytest.raises(entente.UsageError):
        entente.sensitivity(korea, method="fast")
