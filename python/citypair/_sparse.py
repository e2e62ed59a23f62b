"""Sparse assignment: scipy's ``min_weight_full_bipartite_matching`` drop-in.

The conversions follow scipy (``scipy/sparse/csgraph/_matching.pyx``): the input must be a
scipy sparse array or matrix (or a pydata sparse array) in CSR, CSC or COO format, of a
numeric or bool dtype; it is cast to float64 and negated when maximising; explicit zeros
are removed with scipy's warning, and ``+inf`` weights (after the negation) mean "no edge".

Where scipy's own result is undefined, citypair raises instead: a NaN weight, or ``-inf``
(``+inf`` when maximising), raises ``ValueError("matrix contains invalid numeric
entries")``, as :func:`citypair.linear_sum_assignment` does. A CSR or CSC input that lists
one entry twice keeps the smaller weight (scipy's solver sees two parallel edges and may use
either; a COO input is summed on conversion, as scipy does).
"""

from __future__ import annotations

import warnings
from typing import Any, Tuple

import numpy as np
from numpy.typing import NDArray

from . import _native

__all__ = ["min_weight_full_bipartite_matching"]


def _canonical_min(csr: Any) -> Any:
    """``csr`` with sorted indices and each duplicated entry replaced by its smallest weight."""
    from scipy.sparse import csr_array

    coo = csr.tocoo()
    order = np.lexsort((coo.data, coo.col, coo.row))
    row, col, data = coo.row[order], coo.col[order], coo.data[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    return csr_array((data[first], (row[first], col[first])), shape=csr.shape)


def min_weight_full_bipartite_matching(
    biadjacency: Any, maximize: bool = False
) -> Tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Minimum weight full matching of a bipartite graph
    (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``).

    Parameters
    ----------
    biadjacency : sparse array or matrix
        Biadjacency matrix of the bipartite graph in CSR, CSC or COO format: rows are one
        partition, columns the other, an entry is an edge and its value the edge's weight.
        Zeros are not edges.
    maximize : bool (default: False)
        Calculates a maximum weight matching if true.

    Returns
    -------
    row_ind, col_ind : array
        Row indices (sorted; ``arange`` for a square or wide matrix) and the matched column
        of each, ``min(rows, cols)`` pairs; dtypes as scipy's.

    Raises
    ------
    TypeError
        ``graph must be sparse``; ``graph must be in CSC, CSR, or COO format.``
    ValueError
        ``no full matching exists``; ``expected a matrix containing numerical entries, got
        ...``; ``matrix contains invalid numeric entries`` (NaN, or ``-inf`` when
        minimising).

    Notes
    -----
    Solved by citypair's sparse shortest augmenting path solver with the GIL released, in
    ``O(n E log E)`` time at worst, also when no full matching exists (the infeasibility
    test never enumerates subsets, so layered graphs that make other tests exponential,
    scipy issue 26147, are decided as fast as any other).
    """
    from scipy.sparse import issparse

    try:
        from scipy.sparse._sputils import convert_pydata_sparse_to_scipy

        biadjacency = convert_pydata_sparse_to_scipy(biadjacency)
    except ImportError:  # pragma: no cover - older scipy
        pass
    if not issparse(biadjacency):
        raise TypeError("graph must be sparse")
    if biadjacency.format not in ("csr", "csc", "coo"):
        raise TypeError("graph must be in CSC, CSR, or COO format.")
    if not (
        np.issubdtype(biadjacency.dtype, np.number) or biadjacency.dtype == np.dtype(np.bool_)
    ):
        raise ValueError(
            "expected a matrix containing numerical entries, " + "got %s" % (biadjacency.dtype,)
        )
    g = biadjacency.astype(np.double)
    if maximize:
        g = -g
    if not np.all(g.data):
        warnings.warn("explicit zero weights are removed before matching", stacklevel=2)
    g.data[np.isposinf(g.data)] = 0
    g.eliminate_zeros()
    if np.isnan(g.data).any() or np.isneginf(g.data).any():
        raise ValueError("matrix contains invalid numeric entries")
    fmt = g.format
    g = g.tocsr()
    if fmt != "coo" and not g.has_canonical_format:
        g = _canonical_min(g)
    elif not g.has_canonical_format:
        g.sum_duplicates()
    rows, cols = g.shape
    indptr = np.asarray(g.indptr, dtype=np.int64)
    indices = np.asarray(g.indices, dtype=np.int64)
    data = np.ascontiguousarray(g.data, dtype=np.float64)
    r, c = _native._min_weight_full_bipartite_matching(indptr, indices, data, rows, cols)
    # scipy's dtypes: the longer side's indices come from its int32 solver.
    if cols < rows:
        return r.astype(np.int32), c
    return r, c.astype(np.int32)
