"""citypair.k_best: the k best assignments against brute force over all permutations."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linear_sum_assignment as scipy_lsa

from citypair import k_best


def all_totals(c, maximize):
    """Every assignment's total, best first."""
    r, k = c.shape
    m = c if r <= k else c.T
    totals = []
    for cols in itertools.permutations(range(m.shape[1]), m.shape[0]):
        vals = [m[i, j] for i, j in enumerate(cols)]
        if all(np.isfinite(v) for v in vals):
            totals.append(sum(vals))
    return sorted(totals, reverse=maximize)


@settings(max_examples=200, deadline=None)
@given(
    c=st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
        lambda s: hnp.arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0, 2.5, -3.0, 7.0, np.inf]))
    ),
    k=st.integers(1, 30),
    maximize=st.booleans(),
)
def test_the_k_best_are_the_brute_force_ranking(c, k, maximize):
    if maximize:
        c = np.where(np.isinf(c), -np.inf, c)
    expected = all_totals(c, maximize)
    if not expected:
        with pytest.raises(ValueError, match="cost matrix is infeasible"):
            k_best(c, k, maximize=maximize)
        return
    got = k_best(c, k, maximize=maximize)
    assert len(got) == min(k, len(expected))
    seen = set()
    for rank, (rows, cols, total) in enumerate(got):
        assert rows.dtype == cols.dtype == np.int64
        assert total == pytest.approx(expected[rank])
        assert c[rows, cols].sum() == pytest.approx(total)
        seen.add((tuple(rows), tuple(cols)))
    assert len(seen) == len(got)
    sr, sc = scipy_lsa(c, maximize=maximize)
    assert got[0][2] == pytest.approx(c[sr, sc].sum())


def test_integers_are_exact_and_types_kept():
    c = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]], dtype=np.int32)
    got = k_best(c, 6)
    assert [t for _, _, t in got] == [5, 6, 6, 7, 9, 11]  # all six permutations
    assert all(isinstance(t, int) for _, _, t in got)
    f = k_best(c.astype(np.float32), 6)
    assert [t for _, _, t in f] == [5.0, 6.0, 6.0, 7.0, 9.0, 11.0]


def test_errors_and_edges():
    assert k_best(np.ones((3, 3)), 0) == []
    with pytest.raises(ValueError, match="k must be at least 0"):
        k_best(np.ones((2, 2)), -1)
    with pytest.raises(ValueError, match="matrix contains invalid numeric entries"):
        k_best(np.diag([1.0, np.nan]), 2)
    with pytest.raises(ValueError, match="parameter k"):
        k_best(np.zeros((1000, 1000)), 10_000)
    rows, cols, total = k_best(np.empty((0, 4)), 3)[0]
    assert len(rows) == 0 and total == 0
