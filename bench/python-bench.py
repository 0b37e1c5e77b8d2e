#!/usr/bin/python3
"""Speed of the Python module against the CLI (docs/python.md#speed). Run by hand, not by
ctest:

    PYTHONPATH=build/python /usr/bin/python3 bench/python-bench.py [--reps 3] [--samples 10000]

1. A sweep of korea-2003 (every model, one thread per core, default seed and block size):
   `entente sweep -n N -q` against entente.sweep(samples=N) in a fresh Python process, both
   storing into a fresh store, interleaved REPS times. Reported: the processes' wall time
   (Python's includes start-up, import and loading the scenario), the sweep call alone
   (the CLI: its whole process), and CPU time (user + system, every thread; the least
   disturbed by other users of a shared machine); the minimum over the reps, then the
   median. The Python side is also timed with arrays=False and with mimalloc preloaded,
   the allocator the CLI links.
2. 1,000 one-input what-if runs in a Python loop on one core (the process pinned to one
   CPU): with_changes on the US nk-nuclear position, then run; runs per second.
3. With --instructions: the instructions one sample costs, CLI against Python, counted by
   valgrind's callgrind on one thread as the difference between a sweep of --ir-samples
   and one of a third as many (start-up cancels out), each in one block (checkpoints are
   saved by the wall clock, which valgrind slows; one block saves once). Unlike times, the
   count does not move with other users of a shared machine; it does not see cache misses
   or page faults. For the what-if loop, --instructions also counts one run's instructions
   (a loop of 15 runs against one of 5)."""
from __future__ import annotations

import argparse
import os
import resource
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
import resource, sys, time, entente
s = entente.default_scenario()
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t, c = time.perf_counter(), cpu()
entente.sweep(s, samples=int(sys.argv[1]), db=sys.argv[2], arrays=sys.argv[3] == "1")
print(time.perf_counter() - t, cpu() - c)
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, all threads) and stdout of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def sweep_bench(samples: int, reps: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "build" / "python"))
    preload = dict(env, LD_PRELOAD=MIMALLOC)
    variants = {"cli": None, "python": (env, "1"), "python arrays=False": (env, "0")}
    if os.path.exists(MIMALLOC):
        variants["python+mimalloc"] = (preload, "1")
    wall: dict[str, list[float]] = {k: [] for k in variants}
    cpu: dict[str, list[float]] = {k: [] for k in variants}
    call: dict[str, list[float]] = {k: [] for k in variants}
    call_cpu: dict[str, list[float]] = {k: [] for k in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(reps):
            for name, how in variants.items():
                db = os.path.join(tmp, f"{len(wall[name])}-{name}.db")
                if how is None:
                    w, c, _ = timed([BIN, "sweep", "-n", str(samples), "-q", "--db", db])
                    call[name].append(w)
                    call_cpu[name].append(c)
                else:
                    w, c, out = timed(["/usr/bin/python3", "-c", PY_SWEEP, str(samples), db,
                                       how[1]], how[0])
                    call[name].append(float(out.split()[-2]))
                    call_cpu[name].append(float(out.split()[-1]))
                wall[name].append(w)
                cpu[name].append(c)
    base_wall, base_cpu = min(wall["cli"]), min(cpu["cli"])
    print(f"sweep of korea-2003, {samples} samples, every model, {os.cpu_count()} threads, "
          f"{reps} reps interleaved; minimum (median) over the reps:")
    print("  (the CLI's sweep call is its whole process; CPU is user + system, every thread)")
    print(f"  {'':<20} {'process wall s':>16} {'sweep call s':>14} {'process CPU s':>14}"
          f" {'call CPU s':>14}   vs the CLI")
    for name in variants:
        print(f"  {name:<20} {min(wall[name]):7.2f} ({statistics.median(wall[name]):6.2f})"
              f" {min(call[name]):6.2f} ({statistics.median(call[name]):5.2f})"
              f" {min(cpu[name]):6.2f} ({statistics.median(cpu[name]):5.2f})"
              f" {min(call_cpu[name]):6.2f} ({statistics.median(call_cpu[name]):5.2f})"
              f"   wall {100 * (min(wall[name]) / base_wall - 1):+5.1f}%,"
              f" call {100 * (min(call[name]) / base_wall - 1):+5.1f}%,"
              f" CPU {100 * (min(cpu[name]) / base_cpu - 1):+5.1f}%,"
              f" call CPU {100 * (min(call_cpu[name]) / base_cpu - 1):+5.1f}%")


PY_SWEEP_ONE_THREAD = """
import sys, entente
entente.sweep(entente.default_scenario(), samples=int(sys.argv[1]), db=sys.argv[2], threads=1,
              block_size=int(sys.argv[1]))
"""


def callgrind_instructions(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Instructions executed by a process, as callgrind counts them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                       check=True, capture_output=True, env=env)
        for line in open(out, encoding="utf-8"):
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no instruction total in callgrind's output")


def instructions_bench(samples: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "build" / "python"))
    small = max(1, samples // 3)
    per_sample = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("cli", "python"):
            counts = []
            for n in (small, samples):
                db = os.path.join(tmp, f"{name}-{n}.db")
                if name == "cli":
                    argv = [BIN, "sweep", "-n", str(n), "-q", "--threads", "1", "--block-size",
                            str(n), "--db", db]
                    counts.append(callgrind_instructions(argv))
                else:
                    argv = ["/usr/bin/python3", "-c", PY_SWEEP_ONE_THREAD, str(n), db]
                    counts.append(callgrind_instructions(argv, env))
            per_sample[name] = (counts[1] - counts[0]) / (samples - small)
    print(f"instructions per sample of a korea-2003 sweep, one thread (callgrind, "
          f"{small} and {samples} samples):")
    for name, ir in per_sample.items():
        print(f"  {name:<8} {ir / 1e6:7.3f} M   vs the CLI {100 * (ir / per_sample['cli'] - 1):+5.1f}%")


PY_WHATIF = """
import sys, entente
s = entente.default_scenario()
models = sys.argv[2].split(",") if sys.argv[2] else None
for k in range(int(sys.argv[1])):
    entente.run(s.with_changes({"issues.nk-nuclear.positions.USA.position": 100 * k / 15}),
                models=models)
"""


def whatif_instructions(models: list[str] | None) -> None:
    """Instructions one what-if run costs (with_changes, then run), counted by callgrind as
    the difference between a loop of 15 runs and one of 5 (start-up cancels out)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "build" / "python"))
    counts = [callgrind_instructions(["/usr/bin/python3", "-c", PY_WHATIF, str(n),
                                      ",".join(models or [])], env) for n in (5, 15)]
    label = ",".join(models) if models else "every model"
    print(f"what-if run ({label}): {(counts[1] - counts[0]) / 10 / 1e6:7.2f} M instructions "
          f"(callgrind)")


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
    ap.add_argument("--skip-whatif", action="store_true")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions per sample with callgrind")
    ap.add_argument("--ir-samples", type=int, default=300)
    args = ap.parse_args()
    if args.instructions:
        instructions_bench(args.ir_samples)
    if not args.skip_sweep:
        sweep_bench(args.samples, args.reps)
    if not args.skip_whatif:
        for models in (["compromise", "median", "nash", "bdm"], None):
            whatif_bench(args.runs, models)
            if args.instructions:
                whatif_instructions(models)
    return 0


if __name__ == "__main__":
    sys.exit(main())
