"""citypair: exact assignment solvers and the city-pairing engine, in Rust.

Drop-ins for scipy (same signatures, return types, dtype handling and error messages):

- :func:`linear_sum_assignment` (``scipy.optimize.linear_sum_assignment``)
- :func:`min_weight_full_bipartite_matching`
  (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``)

Beyond them: :func:`linear_sum_assignment_batch`, :func:`solve` (dual potentials, the
bottleneck value, ``verify()``), :func:`k_best` (Murty's ranking), and the pairing engine
(:func:`pair`, :func:`scores`, :func:`explain`, :func:`embedded`).

Every solve releases the GIL.
"""

from ._native import InputError, __version__

__all__ = [
    "InputError",
    "__version__",
]
