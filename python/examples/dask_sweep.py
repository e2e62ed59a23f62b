#!/usr/bin/env python3
"""A sweep of many pairing runs over Dask: generated calls (seeds x sizes) x objectives.

Each task generates a seeded call, pairs it and returns one row of figures; Dask spreads the
tasks over its workers. The same script runs on a local cluster (the default) and on any Dask
cluster:

    python python/examples/dask_sweep.py                         # a LocalCluster on this machine
    python python/examples/dask_sweep.py --scheduler tcp://host:8786 --seeds 100

Every task calls citypair directly, so the workers need the package (``pip install
./python``); results do not depend on where a task ran.
"""

from __future__ import annotations

import argparse
from typing import Dict, Iterable, List, Tuple

import citypair


def run_one(eu: int, partners: int, seed: int, objective: str) -> Dict[str, object]:
    """One pairing run: the call of (eu, partners, seed), solved for ``objective``."""
    result = citypair.pair(citypair.generate(eu, partners, seed), objective=objective)
    fairness = result.fairness
    return {
        "eu": eu,
        "partners": partners,
        "seed": seed,
        "objective": objective,
        "pairs": len(result),
        "total": result.total_score,
        "lowest": result.min_score,
        "gini": fairness["gini"],
        "blocking": fairness["blocking_pairs"],
        "certified": result.certified_optimal,
    }


def tasks(sizes: Iterable[Tuple[int, int]], seeds: Iterable[int], objectives: Iterable[str]):
    return [(e, p, s, o) for (e, p) in sizes for s in seeds for o in objectives]


def sweep(client, work) -> List[Dict[str, object]]:
    """Runs every task of ``work`` on the Dask ``client``; rows in the order of ``work``."""
    futures = [client.submit(run_one, *t, pure=True) for t in work]
    return client.gather(futures)


def table(rows: List[Dict[str, object]]) -> str:
    head = ["eu", "partners", "seed", "objective", "pairs", "total", "lowest", "gini", "blocking"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = []
        for k in head:
            v = r[k]
            cells.append(f"{v:.4f}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> List[Dict[str, object]]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scheduler", help="address of a Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    ap.add_argument("--seeds", type=int, default=4, help="seeds per size (default 4)")
    ap.add_argument("--sizes", default="60x40,120x80", help="EUxPARTNERS,... (default 60x40,120x80)")
    ap.add_argument("--objectives", default="sum,maxmin,stable")
    args = ap.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    work = tasks(sizes, range(args.seeds), args.objectives.split(","))
    if args.scheduler:
        with Client(args.scheduler) as client:
            rows = sweep(client, work)
    else:
        with LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster, Client(cluster) as client:
            rows = sweep(client, work)
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
