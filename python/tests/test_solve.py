"""citypair.solve: totals, potentials that prove the optimum, the bottleneck objective, and
verify() that fails when the proof does not hold."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linear_sum_assignment as scipy_lsa

from citypair import SolveResult, solve


def brute_force(c, maximize, objective):
    """Best (bottleneck, total) over all assignments of the smaller side, by enumeration."""
    c = np.asarray(c, dtype=object)
    r, k = c.shape
    tall = r > k
    m = c.T if tall else c
    best = None
    for cols in itertools.permutations(range(m.shape[1]), m.shape[0]):
        vals = [m[i, j] for i, j in enumerate(cols)]
        if any(v in (np.inf, -np.inf) for v in vals):
            continue
        total = sum(vals)
        worst = (min(vals) if maximize else max(vals)) if vals else None
        key = (
            ((-worst if maximize else worst) if objective == "bottleneck" and vals else 0),
            -total if maximize else total,
        )
        if best is None or key < best[0]:
            best = (key, total, worst)
    return best


def test_result_fields():
    c = np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])
    s = solve(c)
    assert isinstance(s, SolveResult)
    assert s.rows.tolist() == [0, 1, 2] and s.cols.tolist() == [1, 0, 2]
    assert s.total == 5.0 and s.bottleneck == 2.0 and s.objective == "sum" and not s.maximize
    u, v = s.row_potentials, s.col_potentials
    assert u.shape == (3,) and v.shape == (3,)
    reduced = c - u[:, None] - v[None, :]
    assert reduced.min() >= -1e-12
    assert np.allclose(reduced[s.rows, s.cols], 0)
    assert s.verify() is None
    assert "SolveResult(" in repr(s)


@settings(max_examples=150, deadline=None)
@given(
    c=st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
        lambda s: hnp.arrays(
            st.sampled_from([np.float64, np.int64, np.int32]), s, elements=st.integers(-20, 20)
        )
    ),
    maximize=st.booleans(),
    objective=st.sampled_from(["sum", "bottleneck"]),
)
def test_matches_brute_force_and_verifies(c, maximize, objective):
    s = solve(c, maximize=maximize, objective=objective)
    _, total, worst = brute_force(c, maximize, objective)
    assert s.total == total
    assert s.bottleneck == worst
    assert s.verify() is None
    if np.issubdtype(c.dtype, np.integer):
        assert isinstance(s.total, int)


def test_sum_equals_scipy_on_random_floats():
    c = np.random.default_rng(5).random((40, 55))
    for maximize in (False, True):
        r, k = scipy_lsa(c, maximize=maximize)
        assert solve(c, maximize=maximize).total == pytest.approx(c[r, k].sum(), rel=1e-12)


def test_verify_fails_when_the_matrix_changes_under_it():
    c = np.random.default_rng(6).random((6, 6))
    s = solve(c)
    s.verify()
    c[s.rows[0], s.cols[0]] += 1.0  # the assigned pair is no longer tight
    with pytest.raises(ValueError, match="not tight|dual infeasible"):
        s.verify()


def test_bottleneck_verify_fails_when_a_better_threshold_appears():
    c = np.array([[1.0, 9.0], [9.0, 1.0]]) + np.array([[0.0, 0.0], [0.0, 4.0]])
    s = solve(c, objective="bottleneck")
    assert s.bottleneck == 5.0
    s.verify()
    c[1, 1] = 0.5  # now the worst used entry is no longer the bottleneck value
    with pytest.raises(ValueError):
        s.verify()


def test_bad_objective_and_infeasible():
    with pytest.raises(ValueError, match='objective must be "sum" or "bottleneck"'):
        solve(np.ones((2, 2)), objective="max")
    with pytest.raises(ValueError, match="cost matrix is infeasible"):
        solve(np.array([[np.inf, 1.0], [np.inf, 2.0]]))
    with pytest.raises(ValueError, match="cost matrix is infeasible"):
        solve(np.array([[np.inf, 1.0], [np.inf, 2.0]]), objective="bottleneck")


def test_empty_matrix():
    s = solve(np.empty((0, 3)))
    assert s.total == 0 and len(s.rows) == 0 and s.bottleneck is None
    s.verify()
