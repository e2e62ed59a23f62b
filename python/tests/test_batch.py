"""citypair.linear_sum_assignment_batch: identical to one-by-one solves, in input order, for
any thread count; ragged shapes and mixed dtypes; errors name the matrix."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

from citypair import linear_sum_assignment, linear_sum_assignment_batch, solve


def one_by_one(costs, maximize=False):
    """The loop the batch replaces: each matrix solved alone, in its own type."""
    out = [solve(c, maximize=maximize) for c in costs]
    return [o.rows for o in out], [o.cols for o in out]


def assert_same(a, b):
    assert len(a[0]) == len(b[0]) and len(a[1]) == len(b[1])
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        assert x.dtype == y.dtype == np.int64
        assert_array_equal(x, y)


def test_a_3d_array_is_a_batch_of_its_slices():
    c = np.random.default_rng(1).random((50, 6, 9))
    got = linear_sum_assignment_batch(c)
    expected = [linear_sum_assignment(m) for m in c]
    assert_same(got, ([r for r, _ in expected], [k for _, k in expected]))


@pytest.mark.parametrize("maximize", [False, True])
def test_ragged_mixed_dtypes_equal_the_loop(maximize):
    rng = np.random.default_rng(2)
    costs = []
    for k in range(60):
        r, c = rng.integers(0, 12, 2)
        m = rng.random((r, c)) * 100
        kind = k % 6
        if kind == 1:
            m = m.astype(np.float32)
        elif kind == 2:
            m = m.astype(np.int32)
        elif kind == 3:
            m = (m * 1e9).astype(np.int64)
        elif kind == 4:
            m = np.asfortranarray(m)
        elif kind == 5:
            m = m > 50  # bool, widened to float64 as scipy does
        costs.append(m)
    assert_same(linear_sum_assignment_batch(costs, maximize=maximize), one_by_one(costs, maximize))


def test_float64_batch_equals_the_drop_in_loop_with_forbidden_pairs():
    rng = np.random.default_rng(3)
    costs = []
    for _ in range(40):
        m = rng.random((8, 10))
        m[rng.random(m.shape) < 0.3] = np.inf
        try:
            linear_sum_assignment(m)
        except ValueError:
            continue
        costs.append(m)
    got = linear_sum_assignment_batch(costs)
    expected = [linear_sum_assignment(m) for m in costs]
    assert_same(got, ([r for r, _ in expected], [k for _, k in expected]))


@pytest.mark.parametrize("threads", [1, 2, 3, None])
def test_results_do_not_depend_on_threads(threads):
    c = np.random.default_rng(4).random((300, 20, 20))
    assert_same(linear_sum_assignment_batch(c, threads=threads), linear_sum_assignment_batch(c, threads=1))


def test_float32_is_read_as_float32_with_the_widened_optimum():
    # float32 values are exact in float64, so solving them in their own type (no widened
    # copy) must give the optimum of the widened matrix.
    c32 = np.random.default_rng(8).random((40, 30)).astype(np.float32)
    rows, cols = linear_sum_assignment_batch([c32])
    wide = c32.astype(np.float64)
    r, k = linear_sum_assignment(wide)
    assert wide[rows[0], cols[0]].sum() == pytest.approx(wide[r, k].sum(), rel=1e-12)
    assert solve(c32).total == pytest.approx(wide[r, k].sum(), rel=1e-12)


def test_integers_are_solved_exactly():
    big = 2**56
    c = np.array([[big + 1, big + 2], [big + 2, big + 5]], dtype=np.int64)
    # In float64 every entry rounds to 2^56: the optimum would be lost.
    rows, cols = linear_sum_assignment_batch([c])
    assert_array_equal(cols[0], [1, 0])
    assert solve(c).total == 2 * big + 4


def test_errors_name_the_first_failing_matrix():
    ok = np.ones((2, 2))
    bad = np.array([[np.inf, 1.0], [np.inf, 2.0]])
    with pytest.raises(ValueError, match=r"^costs\[2\]: cost matrix is infeasible$"):
        linear_sum_assignment_batch([ok, ok, bad, bad])
    with pytest.raises(ValueError, match=r"^costs\[1\]: matrix contains invalid numeric entries$"):
        linear_sum_assignment_batch([ok, np.diag([1.0, np.nan])])
    with pytest.raises(ValueError, match=r"^costs\[0\]: expected a matrix \(2-D array\), got a 1 array$"):
        linear_sum_assignment_batch([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"^costs\[1\]: Cannot cast"):
        linear_sum_assignment_batch([ok, np.identity(2).astype(str)])
    with pytest.raises(ValueError, match="threads"):
        linear_sum_assignment_batch([ok], threads=0)
    with pytest.raises(ValueError, match="3-D"):
        linear_sum_assignment_batch(np.ones((2, 2)))


def test_an_empty_batch_is_two_empty_lists():
    assert linear_sum_assignment_batch([]) == ([], [])
    rows, cols = linear_sum_assignment_batch(np.empty((3, 0, 4)))
    assert [len(r) for r in rows] == [0, 0, 0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6)).flatmap(
            lambda s: hnp.arrays(
                st.sampled_from([np.float64, np.float32, np.int32, np.int64]),
                s,
                elements=st.integers(-50, 50),
            )
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_property_batch_equals_loop(costs, maximize):
    assert_same(linear_sum_assignment_batch(costs, maximize=maximize), one_by_one(costs, maximize))
