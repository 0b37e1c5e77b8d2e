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


FORK_SCRIPT = textwrap.dedent("""
    import os, sys, entente
    s = entente.default_scenario()
    # Calls run on worker threads kept between calls: the parent has an idle one now.
    parent = entente.run(s, models=["compromise"]).document["models"]
    pid = os.fork()
    if pid == 0:
        # The child has none of its parent's threads: its calls must start their own.
        child = entente.run(s, models=["compromise"]).document["models"]
        os._exit(0 if child == parent else 3)
    _, status = os.waitpid(pid, 0)
    print("child", os.waitstatus_to_exitcode(status), flush=True)
    again = entente.run(s, models=["compromise"]).document["models"]
    print("parent", int(again == parent), flush=True)
""")


def test_calls_work_in_a_forked_child_and_after_it():
    # multiprocessing forks by default on Linux: a child waiting on a worker thread that
    # fork did not copy would hang for ever (the timeout fails the test instead).
    out = subprocess.run([sys.executable, "-c", FORK_SCRIPT], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=60, check=True).stdout.split()
    assert out == ["child", "0", "parent", "1"]
