"""Ctrl-C: a long call stops promptly with KeyboardInterrupt, and the store stays sound."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import entente

from conftest import SOURCE

SCRIPT = textwrap.dedent("""
    import sys, time, entente
    s = entente.default_scenario()
    print("started", flush=True)
    try:
        entente.sweep(s, samples=50_000_000, models=["compromise"], threads=2,
                      arrays=False, db=sys.argv[1])
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
""")


def test_ctrl_c_stops_a_sweep_and_marks_it_failed(tmp_path):
    db = tmp_path / "interrupt.db"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db)], stdout=subprocess.PIPE,
                            text=True, env=os.environ.copy())
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    line = out.strip().splitlines()[-1].split()
    assert line[0] == "interrupted"
    assert float(line[1]) - sent < 2.0  # within a block or two, not the whole sweep
    [run] = entente.Store(db).list()
    assert run["kind"] == "sweep" and run["status"] == "failed"
    assert "KeyboardInterrupt" in run["error"]


SOLVE = textwrap.dedent("""
    import sys, time, entente
    game = entente.games.load(sys.argv[1])
    print("started", flush=True)
    try:
        entente.games.solve(game, "enummixed", max_seconds=600)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
""")


def test_ctrl_c_stops_a_game_solve_inside_the_solver():
    # enummixed on Kuhn poker runs far past a minute (docs/games.md): without the stop flag
    # reaching the solver, Ctrl-C would wait for max_seconds.
    kuhn = SOURCE / "tests" / "data" / "games" / "openspiel_kuhn_poker.efg"
    proc = subprocess.Popen([sys.executable, "-c", SOLVE, str(kuhn)], stdout=subprocess.PIPE,
                            text=True, env=os.environ.copy())
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    line = out.strip().splitlines()[-1].split()
    assert line[0] == "interrupted"
    assert float(line[1]) - sent < 2.0
