"""The Dask sweep (python/examples/dask_sweep.py) on a 2-worker LocalCluster: every row equals
the same run made directly."""

import importlib.util
import pathlib

import dask.distributed  # noqa: F401 - CI installs dask[distributed]: a missing one fails

import citypair

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "dask_sweep.py"


def load_example():
    spec = importlib.util.spec_from_file_location("dask_sweep", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sweep_on_a_local_cluster_equals_direct_runs(capsys):
    sweep = load_example()
    rows = sweep.main(["--workers", "2", "--seeds", "2", "--sizes", "30x20,40x50"])
    assert len(rows) == 2 * 2 * 3
    for row in rows:
        direct = citypair.pair(
            citypair.generate(row["eu"], row["partners"], row["seed"]), objective=row["objective"]
        )
        assert row["total"] == direct.total_score
        assert row["lowest"] == direct.min_score
        assert row["gini"] == direct.fairness["gini"]
        assert row["pairs"] == len(direct)
    assert "| eu | partners |" in capsys.readouterr().out
