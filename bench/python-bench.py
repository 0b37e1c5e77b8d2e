#!/usr/bin/python3
"""Speed of the Python module against the CLI (docs/python.md#speed). Run by hand, not by
ctest:

    PYTHONPATH=build/python /usr/bin/python3 bench/python-bench.py [--reps 3] [--samples 10000]

1. A sweep of korea-2003 (every model, one thread per core, default seed and block size):
   `entente sweep -n N -q` against entente.sweep(samples=N) in a fresh Python process, both
   storing into a fresh store, interleaved REPS times; the minimum wall time of each (the
   machine is shared: the minimum is the run least disturbed by others). The Python side is
   also timed with arrays=False and with mimalloc preloaded, the allocator the CLI links.
2. 1,000 one-input what-if runs in a Python loop on one core (the process pinned to one
   CPU): with_changes on the US nk-nuclear position, then run; runs per second."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = os.environ.get("ENTENTE_BIN", str(ROOT / "build" / "entente"))
MIMALLOC = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"

PY_SWEEP = """
import sys, time, entente
s = entente.default_scenario()
t = time.perf_counter()
entente.sweep(s, samples=int(sys.argv[1]), db=sys.argv[2], arrays=sys.argv[3] == "1")
print(time.perf_counter() - t)
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def sweep_bench(samples: int, reps: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "build" / "python"))
    preload = dict(env, LD_PRELOAD=MIMALLOC)
    times: dict[str, list[float]] = {k: [] for k in ("cli", "python", "python-no-arrays",
                                                      "python+mimalloc")}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(reps):
            def db(name: str) -> str:
                return os.path.join(tmp, f"{name}-{r}.db")
            times["cli"].append(timed([BIN, "sweep", "-n", str(samples), "-q", "--db", db("cli")]))
            # wall time of the whole process, like the CLI's: start-up and import included
            times["python"].append(timed(["/usr/bin/python3", "-c", PY_SWEEP, str(samples),
                                          db("py"), "1"], env))
            times["python-no-arrays"].append(timed(["/usr/bin/python3", "-c", PY_SWEEP,
                                                    str(samples), db("pyn"), "0"], env))
            if os.path.exists(MIMALLOC):
                times["python+mimalloc"].append(timed(["/usr/bin/python3", "-c", PY_SWEEP,
                                                       str(samples), db("pym"), "1"], preload))
    cli = min(times["cli"])
    print(f"sweep of korea-2003, {samples} samples, {os.cpu_count()} threads, {reps} reps "
          f"(min / median wall seconds):")
    for name, ts in times.items():
        if ts:
            print(f"  {name:<18} {min(ts):7.2f} / {statistics.median(ts):7.2f}"
                  f"   {100 * (min(ts) / cli - 1):+5.1f}% vs the CLI")


def whatif_bench(runs: int, models: list[str] | None) -> None:
    import entente

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    s = entente.default_scenario()
    path = "issues.nk-nuclear.positions.USA.position"
    values = [100 * k / runs for k in range(runs)]
    entente.run(s.with_changes({path: 50}), models=models)  # warm up
    start = time.perf_counter()
    for v in values:
        entente.run(s.with_changes({path: v}), models=models)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    for v in values[:100]:
        s.with_changes({path: v})
    changes = (time.perf_counter() - start) / 100
    label = ",".join(models) if models else "every model"
    print(f"what-if loop, {runs} runs ({label}), one core: {runs / elapsed:6.1f} runs/s "
          f"({1000 * elapsed / runs:.2f} ms each, of which with_changes {1000 * changes:.2f} ms)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--skip-sweep", action="store_true")
    args = ap.parse_args()
    if not args.skip_sweep:
        sweep_bench(args.samples, args.reps)
    for models in (["compromise", "median", "nash", "bdm"], None):
        whatif_bench(args.runs, models)
    return 0


if __name__ == "__main__":
    sys.exit(main())
