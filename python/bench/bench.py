#!/usr/bin/env python3
"""citypair against scipy, lapx and fastlap, side by side in one run.

    pip install ./python scipy lapx fastlap
    python python/bench/bench.py [--repeat 5] [--threads 2] [--quick]

Single solves (n = 1000 and 2000, uniform and "profile" matrices, the Python call included)
and batches of random problems (the shapes of issue 12's table). Each figure is the median of
``--repeat`` runs in ms, peers timed on the same matrices in the same run, round-robin so that
machine noise hits every solver alike; the ratio columns (citypair / peer, lower is better)
are the figures to quote. Every solver's optimum is checked against citypair's.
"""

import argparse
import os
import platform
import statistics
import time

# numpy's BLAS pool spins on the cores after the profile matrices' product and would steal
# time from whichever solver runs next; no solver here uses BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment as scipy_lsa  # noqa: E402

import citypair  # noqa: E402

try:
    import lap  # the lapx package
except ImportError:  # pragma: no cover - reported in the output
    lap = None
try:
    import fastlap
except ImportError:  # pragma: no cover
    fastlap = None


def family(name, rows, cols, rng):
    """The matrices of ../shared/tools/vs_peers.py: uniform, and 1 - cosine similarity of
    skewed 15-theme profiles (citypair's own kind of matrix)."""
    if name == "uniform":
        return rng.random((rows, cols))
    if name == "profile":
        a, b = rng.random((rows, 15)) ** 3, rng.random((cols, 15)) ** 3
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        return 1.0 - a @ b.T
    raise ValueError(name)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def isa():
    name = citypair.instruction_set()
    return f"{name} (forced by CITYPAIR_ISA)" if os.environ.get("CITYPAIR_ISA") else name


def timed(f, repeat):
    """Runs every solver once per round, ``repeat`` rounds; median ms per solver."""
    times = {k: [] for k in f}
    out = {}
    for _ in range(repeat):
        for name, run in f.items():
            t0 = time.perf_counter()
            out[name] = run()
            times[name].append((time.perf_counter() - t0) * 1e3)
    return {k: statistics.median(v) for k, v in times.items()}, out


def total_of(m, rows, cols):
    return float(m[rows, cols].sum())


def singles(repeat, sizes):
    print("\n## Single solves (ms, median of %d; the Python call included)\n" % repeat)
    head = ["matrix", "citypair", "scipy"]
    if lap:
        head.append("lapx lapjvr")
    if fastlap:
        head.append("fastlap lapjvx")
    head += ["citypair / scipy"] + (["citypair / lapjvr"] if lap else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    rng = np.random.default_rng(2026)
    for n in sizes:
        for fam in ("uniform", "profile"):
            m = family(fam, n, n, rng)
            f = {"citypair": lambda: citypair.linear_sum_assignment(m),
                 "scipy": lambda: scipy_lsa(m)}
            if lap:
                f["lapjvr"] = lambda: lap.lapjvr(m, return_cost=False)
            if fastlap:
                f["fastlap"] = lambda: fastlap.lapjvx(m, return_cost=False)
            t, out = timed(f, repeat)
            best = total_of(m, *out["citypair"])
            for k, v in out.items():
                assert abs(total_of(m, *v) - best) <= 1e-9 * max(1.0, abs(best)), (k, fam, n)
            row = [f"{fam} {n} x {n}", f"{t['citypair']:.1f}", f"{t['scipy']:.1f}"]
            if lap:
                row.append(f"{t['lapjvr']:.1f}")
            if fastlap:
                row.append(f"{t['fastlap']:.1f}")
            row.append(f"{t['citypair'] / t['scipy']:.2f}")
            if lap:
                row.append(f"**{t['citypair'] / t['lapjvr']:.2f}**")
            print("| " + " | ".join(row) + " |")


BATCHES = [(10_000, 10, 10), (1_000, 50, 80), (500, 100, 100), (64, 300, 300), (16, 1000, 1000)]


def batches(repeat, threads, quick):
    print(f"\n## Batches of uniform random problems (ms, median of {repeat}; {threads} threads)\n")
    head = ["batch", "citypair batch", "scipy loop"]
    if lap:
        head.append("lapx lapjvr_batch")
    if fastlap:
        head.append("fastlap lapjvx_batch")
    head += ["citypair / scipy"] + (["citypair / lapjvr_batch"] if lap else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    rng = np.random.default_rng(7)
    for b, r, c in BATCHES:
        if quick:
            b = max(1, b // 10)
        costs = rng.random((b, r, c))
        f = {
            "citypair": lambda: citypair.linear_sum_assignment_batch(costs, threads=threads),
            "scipy": lambda: [scipy_lsa(x) for x in costs],
        }
        if lap:
            f["lapjvr"] = lambda: lap.lapjvr_batch(
                costs, extend_cost=r != c, return_cost=False, n_threads=threads
            )
        if fastlap:
            f["fastlap"] = lambda: fastlap.lapjvx_batch(
                costs, return_cost=False, n_threads=threads
            )
        t, out = timed(f, repeat)
        ours = out["citypair"]
        for k in range(0, b, max(1, b // 50)):
            best = total_of(costs[k], ours[0][k], ours[1][k])
            theirs = out["scipy"][k]
            assert abs(total_of(costs[k], *theirs) - best) <= 1e-9 * max(1.0, best)
            if lap:
                rr, cc = out["lapjvr"][0][k], out["lapjvr"][1][k]
                assert abs(total_of(costs[k], rr, cc) - best) <= 1e-9 * max(1.0, best)
        row = [f"{b:,} x ({r} x {c})", f"{t['citypair']:.1f}", f"{t['scipy']:.1f}"]
        if lap:
            row.append(f"{t['lapjvr']:.1f}")
        if fastlap:
            row.append(f"{t['fastlap']:.1f}")
        row.append(f"{t['citypair'] / t['scipy']:.2f}")
        if lap:
            row.append(f"**{t['citypair'] / t['lapjvr']:.2f}**")
        print("| " + " | ".join(row) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="1000,2000")
    ap.add_argument("--quick", action="store_true", help="batches a tenth as long (a smoke run)")
    ap.add_argument("--only", choices=["singles", "batches"])
    args = ap.parse_args()
    print(f"citypair {citypair.__version__}; CPU: {cpu_name()}, {os.cpu_count()} cores; "
          f"instruction set: {isa()}; load average {os.getloadavg()[0]:.2f}")
    print("peers: scipy" + (", lapx " + getattr(lap, "__version__", "?") if lap else " (lapx not installed)")
          + (", fastlap " + getattr(fastlap, "__version__", "?") if fastlap else " (fastlap not installed)"))
    citypair.linear_sum_assignment(np.random.default_rng(0).random((50, 50)))  # warm-up
    if args.only != "batches":
        singles(args.repeat, [int(x) for x in args.sizes.split(",")])
    if args.only != "singles":
        batches(args.repeat, args.threads, args.quick)


if __name__ == "__main__":
    main()
