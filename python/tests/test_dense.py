"""citypair.linear_sum_assignment against scipy: scipy's own cases, its messages, and
hypothesis properties on random dense inputs."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal
from scipy.optimize import linear_sum_assignment as scipy_lsa
from scipy.sparse import random_array
from scipy.sparse._sputils import matrix
from scipy.sparse.csgraph.tests.test_matching import (
    linear_sum_assignment_assertions,
    linear_sum_assignment_test_cases,
)

import citypair
from citypair import linear_sum_assignment

# scipy's test cases (scipy/optimize/tests/test_linear_assignment.py), run on citypair.

SCIPY_CASES = list(linear_sum_assignment_test_cases)


def test_input_shape():
    with pytest.raises(ValueError, match="expected a matrix"):
        linear_sum_assignment([1, 2, 3])


def test_input_object():
    C = [[1, 2, 3], [4, 5, 6]]
    assert_array_equal(linear_sum_assignment(C), linear_sum_assignment(np.asarray(C)))
    assert_array_equal(linear_sum_assignment(C), linear_sum_assignment(matrix(C)))


def test_input_bool():
    identity = np.identity(3)
    assert_array_equal(
        linear_sum_assignment(identity.astype(np.bool_)), linear_sum_assignment(identity)
    )


def test_input_string():
    with pytest.raises(TypeError, match="Cannot cast array data"):
        linear_sum_assignment(np.identity(3).astype(str))


def test_input_nan():
    with pytest.raises(ValueError, match="contains invalid numeric entries"):
        linear_sum_assignment(np.diag([np.nan, 1, 1]))


def test_input_neginf():
    with pytest.raises(ValueError, match="contains invalid numeric entries"):
        linear_sum_assignment(np.diag([1, -np.inf, 1]))


def test_input_inf():
    c = np.identity(3)
    c[:, 0] = np.inf
    with pytest.raises(ValueError, match="cost matrix is infeasible"):
        linear_sum_assignment(c)


def test_constant_cost_matrix():
    # scipy issue 11602: ties give the identity.
    n = 8
    row_ind, col_ind = linear_sum_assignment(np.ones((n, n)))
    assert_array_equal(row_ind, np.arange(n))
    assert_array_equal(col_ind, np.arange(n))


@pytest.mark.parametrize("num_rows,num_cols", [(0, 0), (2, 0), (0, 3)])
def test_trivial_cost(num_rows, num_cols):
    row_ind, col_ind = linear_sum_assignment(np.empty(shape=(num_cols, num_rows)))
    assert len(row_ind) == 0
    assert len(col_ind) == 0


@pytest.mark.parametrize("sign,test_case", SCIPY_CASES)
def test_small_inputs(sign, test_case):
    linear_sum_assignment_assertions(linear_sum_assignment, np.array, sign, test_case)


def test_same_result_as_scipy_on_many_sparse_inputs():
    # scipy's "two methods" test, with scipy's dense solver as the other method: 100 cases
    # of 100 x 100, some infeasible.
    rng = np.random.default_rng(12342309)
    infeasible = 0
    for _ in range(100):
        sparse = random_array(
            (100, 100), density=0.06, data_sampler=lambda size: rng.integers(1, 100, size)
        )
        dense = np.full(sparse.shape, np.inf)
        dense[sparse.row, sparse.col] = sparse.data
        try:
            r, c = scipy_lsa(dense)
            expected = dense[r, c].sum()
        except ValueError as e:
            expected = str(e)
        try:
            r, c = linear_sum_assignment(dense)
            got = dense[r, c].sum()
        except ValueError as e:
            got = str(e)
        assert got == expected
        infeasible += isinstance(expected, str)
    assert 0 < infeasible < 100


# Return types and layouts.


def test_return_types_are_scipys():
    c = np.random.default_rng(1).random((4, 6))
    ours, theirs = linear_sum_assignment(c), scipy_lsa(c)
    assert type(ours) is type(theirs) is tuple
    for a, b in zip(ours, theirs):
        assert type(a) is type(b) is np.ndarray
        assert a.dtype == b.dtype
        assert a.ndim == 1


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3)])
@pytest.mark.parametrize(
    "layout",
    [
        lambda a: a,
        np.asfortranarray,
        lambda a: np.repeat(np.repeat(a, 2, axis=0), 2, axis=1)[::2, ::2],
        lambda a: a.astype(np.float32),
        lambda a: a.tolist(),
    ],
)
def test_layouts_and_dtypes_give_scipys_optimum(shape, layout):
    c = np.random.default_rng(7).random(shape)
    x = layout(c)
    r, k = linear_sum_assignment(x)
    sr, sk = scipy_lsa(x)
    xx = np.asarray(x, dtype=np.float64)
    assert xx[r, k].sum() == pytest.approx(xx[sr, sk].sum(), rel=1e-12)
    assert_array_equal(r, np.sort(r))


BAD_INPUTS = {
    "1-d": [1, 2, 3],
    "3-d": np.zeros((2, 2, 2)),
    "scalar": 3.0,
    "none": None,
    "empty list": [],
    "strings": np.identity(3).astype(str),
    "string 1-d": np.array(["a", "b"]),
    "objects": np.array([[1, None], [2, 3]], dtype=object),
    "numbers as objects": np.array([[1, 2], [3, 4]], dtype=object),
    "complex": np.ones((2, 2), dtype=complex),
    "datetime": np.zeros((2, 2), dtype="datetime64[s]"),
    "longdouble": np.ones((2, 2), dtype=np.longdouble),
    "ragged": [[1, 2], [3]],
    "nan": np.diag([np.nan, 1, 1]),
    "float32 nan": np.array([[np.nan, 1]], dtype=np.float32),
    "-inf": np.diag([1, -np.inf, 1]),
    "+inf": np.where(np.identity(3) > 0, np.inf, 1.0),
    "column of inf": np.array([[np.inf, 1], [np.inf, 2]]),
    "all inf": np.full((3, 3), np.inf),
}


def _outcome(f, x, maximize):
    try:
        r, c = f(x, maximize=maximize)
        return ("ok", np.asarray(x, dtype=np.float64)[r, c].sum(), len(r))
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
@pytest.mark.parametrize("maximize", [False, True])
def test_edge_inputs_give_scipys_outcome_and_message(name, maximize):
    x = BAD_INPUTS[name]
    assert _outcome(linear_sum_assignment, x, maximize) == _outcome(scipy_lsa, x, maximize)


def test_keyword_arguments_and_arity_as_scipy():
    c = np.identity(3)
    assert_array_equal(
        linear_sum_assignment(cost_matrix=c, maximize=1), scipy_lsa(cost_matrix=c, maximize=1)
    )
    with pytest.raises(TypeError):
        linear_sum_assignment(c, True, 5)


def test_a_c_contiguous_float64_matrix_is_not_copied_or_changed():
    c = np.random.default_rng(3).random((30, 40))
    before = c.copy()
    c.flags.writeable = False  # a read-only matrix must be accepted: it is only read
    linear_sum_assignment(c)
    assert_array_equal(c, before)


# Properties against scipy on random dense inputs.


def matrices():
    shapes = st.tuples(st.integers(0, 7), st.integers(0, 7))
    floats = st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, 1.0, -1.0, 0.5, np.inf]),
    )
    ints = st.integers(-1000, 1000)
    return st.one_of(
        shapes.flatmap(lambda s: hnp.arrays(np.float64, s, elements=floats)),
        shapes.flatmap(lambda s: hnp.arrays(np.float32, s, elements=st.floats(-1e3, 1e3, width=32))),
        shapes.flatmap(lambda s: hnp.arrays(np.int64, s, elements=ints)),
        shapes.flatmap(lambda s: hnp.arrays(np.int32, s, elements=st.integers(0, 3))),
    )


@settings(max_examples=400, deadline=None)
@given(c=matrices(), maximize=st.booleans())
def test_same_optimum_and_errors_as_scipy(c, maximize):
    try:
        sr, sc = scipy_lsa(c, maximize=maximize)
    except ValueError as e:
        with pytest.raises(ValueError) as ours:
            linear_sum_assignment(c, maximize=maximize)
        assert str(ours.value) == str(e)
        return
    r, k = linear_sum_assignment(c, maximize=maximize)
    assert r.dtype == sr.dtype and k.dtype == sc.dtype
    assert len(r) == len(sr) == min(c.shape)
    assert len(set(r.tolist())) == len(r) and len(set(k.tolist())) == len(k)
    assert_array_equal(r, np.sort(r))
    w = c.astype(np.float64)
    ours, theirs = w[r, k].sum(), w[sr, sc].sum()
    assert np.isfinite(ours)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-6)
