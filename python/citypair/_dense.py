"""Dense assignment: scipy's ``linear_sum_assignment`` drop-in, batches, and ``solve``.

The conversion of the input follows scipy exactly (``scipy/optimize/_lsap.c``): a
non-array input is converted to float64 directly (so ``[["1", "2"]]`` is accepted, as
scipy accepts it), an array is cast to float64 under numpy's ``"safe"`` rule (so strings,
objects, complex and ``longdouble`` raise scipy's ``TypeError``), then the matrix must be
2-D. NaN, and ``-inf`` (``+inf`` when maximising) are invalid; ``+inf`` (``-inf`` when
maximising) marks a forbidden pair.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _native

__all__ = [
    "linear_sum_assignment",
    "linear_sum_assignment_batch",
    "solve",
    "SolveResult",
    "k_best",
]

SolveResult = _native.SolveResult

#: The cost types solved in their own type by the batch and ``solve``.
_NATIVE_TYPES = (np.float64, np.float32, np.int32, np.int64)


def _as_float64(cost_matrix: Any) -> NDArray[np.float64]:
    """scipy's conversion: float64, safe casting for arrays, then a 2-D check."""
    if isinstance(cost_matrix, np.ndarray) or hasattr(cost_matrix, "__array__"):
        a = np.asarray(cost_matrix)
        a = a.astype(np.float64, casting="safe", copy=False)
    else:
        a = np.asarray(cost_matrix, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D array), got a {a.ndim} array")
    return a


def _native_layout(a: np.ndarray) -> Tuple[np.ndarray, bool]:
    """A C-contiguous array to hand to Rust and whether it is the transpose of ``a``.

    A C-contiguous ``a`` goes as it is and a Fortran-ordered one as its transpose (which is
    C-contiguous): neither is copied. Any other layout is copied once, C-ordered.
    """
    if type(a) is not np.ndarray:
        a = np.asarray(a)
    if a.flags.c_contiguous:
        return a, False
    if a.flags.f_contiguous:
        return a.T, True
    return np.ascontiguousarray(a), False


def linear_sum_assignment(
    cost_matrix: ArrayLike, maximize: bool = False
) -> Tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Solve the linear sum assignment problem (``scipy.optimize.linear_sum_assignment``).

    Parameters
    ----------
    cost_matrix : array
        The cost matrix of the bipartite graph, ``m x n``; ``inf`` marks a forbidden pair.
    maximize : bool (default: False)
        Calculates a maximum weight matching if true.

    Returns
    -------
    row_ind, col_ind : array
        An array of row indices and one of corresponding column indices giving the optimal
        assignment, row indices sorted; ``cost_matrix[row_ind, col_ind].sum()`` is the
        optimum. ``min(m, n)`` pairs.

    Raises
    ------
    ValueError
        ``expected a matrix (2-D array), got a K array``; ``matrix contains invalid numeric
        entries`` (NaN, or ``-inf`` when minimising / ``+inf`` when maximising);
        ``cost matrix is infeasible`` (no complete assignment of the smaller side).
    TypeError
        The entries cannot be cast to float64 safely (strings, objects, complex).

    Notes
    -----
    Same signature, return types, dtype handling and messages as scipy; the solver is
    citypair's own shortest augmenting path (Jonker-Volgenant) solver, exact, deterministic,
    run with the GIL released. A C-contiguous or Fortran-ordered float64 matrix is read in
    place, without a copy.
    """
    a = _as_float64(cost_matrix)
    data, transposed = _native_layout(a)
    return _native._linear_sum_assignment(data, transposed, bool(maximize))


def _as_native(cost: Any, where: str) -> Tuple[np.ndarray, bool]:
    """A matrix in its own cost type (float64, float32, int32, int64), others as float64."""
    a = np.asarray(cost)
    if a.dtype.type not in _NATIVE_TYPES:
        try:
            a = a.astype(np.float64, casting="safe", copy=False)
        except TypeError as e:
            raise TypeError(f"{where}{e}") from None
    if a.ndim != 2:
        raise ValueError(f"{where}expected a matrix (2-D array), got a {a.ndim} array")
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    return _native_layout(a)


def linear_sum_assignment_batch(
    costs: Union[ArrayLike, Sequence[ArrayLike]],
    maximize: bool = False,
    threads: Optional[int] = None,
) -> Tuple[List[NDArray[np.intp]], List[NDArray[np.intp]]]:
    """Solve many assignment problems in one call, in parallel.

    Parameters
    ----------
    costs : 3-D array, or sequence of 2-D arrays
        The cost matrices. A sequence may mix shapes and dtypes. float64 and float32 are
        solved in their own type, int32 and int64 exactly in integer arithmetic; other
        numeric types (bool, smaller ints, float16) are widened to float64 as scipy does.
    maximize : bool (default: False)
        Maximise every total instead.
    threads : int or None
        How many threads to solve on; None uses all cores (rayon's global pool).

    Returns
    -------
    rows_list, cols_list : list of arrays
        One ``(row_ind, col_ind)`` per matrix, in input order, each exactly what
        :func:`linear_sum_assignment` returns for that matrix alone (for float64 input).

    Raises
    ------
    ValueError, TypeError
        As :func:`linear_sum_assignment`, the message prefixed with the index of the first
        failing matrix, as in ``costs[3]: cost matrix is infeasible``. For integer matrices
        the type's MIN and MAX mark forbidden pairs.

    Notes
    -----
    The GIL is released while the batch is solved. Results do not depend on ``threads``.
    """
    if threads is not None:
        threads = int(threads)
        if threads < 1:
            raise ValueError("threads must be at least 1, or None for all cores")
    if isinstance(costs, np.ndarray):
        if costs.ndim != 3:
            raise ValueError(
                f"expected a 3-D array or a sequence of matrices, got a {costs.ndim} array"
            )
        # One array for the whole batch: borrowed once, cut into its matrices in Rust.
        stack = costs
        if stack.dtype.type not in _NATIVE_TYPES:
            stack = stack.astype(np.float64, casting="safe")
        if not stack.dtype.isnative:
            stack = stack.astype(stack.dtype.newbyteorder("="))
        stack = np.ascontiguousarray(stack)
        return _native._linear_sum_assignment_batch(
            stack, [False] * stack.shape[0], bool(maximize), threads
        )
    arrays = []
    flags = []
    for k, c in enumerate(costs):
        data, transposed = _as_native(c, f"costs[{k}]: ")
        arrays.append(data)
        flags.append(transposed)
    return _native._linear_sum_assignment_batch(arrays, flags, bool(maximize), threads)


def solve(
    cost: ArrayLike, maximize: bool = False, objective: str = "sum"
) -> "SolveResult":
    """Solve one assignment problem and return it with its proof.

    Parameters
    ----------
    cost : 2-D array
        float64 and float32 are solved in their own type, int32 and int64 exactly; other
        numeric types are widened to float64. ``inf`` (``-inf`` when maximising) marks a
        forbidden pair; integer MIN/MAX likewise.
    maximize : bool
        Maximise instead of minimise.
    objective : ``"sum"`` or ``"bottleneck"``
        ``"sum"``: the best total. ``"bottleneck"``: the best worst entry (smallest largest
        cost, or largest smallest score when maximising), and among those the best total.

    Returns
    -------
    SolveResult
        ``rows``, ``cols`` (int64 arrays, rows ascending), ``total`` (float, or an exact int
        for integer costs), ``row_potentials`` and ``col_potentials`` (the LP dual of the
        minimisation of ``cost``, or of ``-cost`` when maximising; for the bottleneck, of
        the problem restricted to the optimal value), ``bottleneck`` (the worst entry used)
        and ``verify()``, which re-checks the proof in Rust and raises ValueError naming the
        first condition that fails.

    Raises
    ------
    ValueError
        As :func:`linear_sum_assignment`, and for an unknown ``objective``.
    """
    if objective not in ("sum", "bottleneck"):
        raise ValueError(f'objective must be "sum" or "bottleneck", got {objective!r}')
    a, transposed = _as_native(cost, "")
    if transposed:
        a = np.ascontiguousarray(a.T)
    return _native._solve(a, bool(maximize), objective)


def k_best(
    cost: ArrayLike, k: int, maximize: bool = False
) -> List[Tuple[NDArray[np.intp], NDArray[np.intp], Union[float, int]]]:
    """The ``k`` best assignments of a matrix, best first (Murty's ranking).

    Parameters
    ----------
    cost : 2-D array
        As for :func:`solve`: float64 and float32 in their own type, int32 and int64 exactly,
        other numeric types widened to float64; ``inf`` (``-inf`` when maximising) marks a
        forbidden pair.
    k : int
        How many; fewer are returned when fewer assignments exist.
    maximize : bool
        Rank the largest totals first.

    Returns
    -------
    list of (row_ind, col_ind, total)
        Rank 1 is :func:`linear_sum_assignment`'s optimum; totals never get better down the
        list; no assignment is listed twice; assignments of equal total come in a fixed
        order.

    Raises
    ------
    ValueError
        As :func:`linear_sum_assignment`; also when ``k`` times the matrix size exceeds the
        library's bound on the search state (``citypair::solver::K_BEST_STATE_LIMIT``).
    """
    k = int(k)
    if k < 0:
        raise ValueError(f"k must be at least 0, got {k}")
    a, transposed = _as_native(cost, "")
    if transposed:
        a = np.ascontiguousarray(a.T)
    return _native._k_best(a, k, bool(maximize))
