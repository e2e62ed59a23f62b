"""citypair: exact assignment solvers and the city-pairing engine, in Rust.

Drop-ins for scipy (same signatures, return types, dtype handling and error messages):

- :func:`linear_sum_assignment` (``scipy.optimize.linear_sum_assignment``)
- :func:`min_weight_full_bipartite_matching`
  (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``)

Beyond them: :func:`linear_sum_assignment_batch` (many matrices in parallel) and
:func:`solve` (dual potentials, the bottleneck value, ``verify()``), :func:`k_best` (the k
best assignments in order); the pairing engine:
:func:`pair`, :func:`scores`, :func:`explain`, :func:`embedded`.

Every solve releases the GIL.
"""

from ._dense import (
    SolveResult,
    k_best,
    linear_sum_assignment,
    linear_sum_assignment_batch,
    solve,
)
from ._native import InputError, __version__, instruction_set
from ._sparse import min_weight_full_bipartite_matching
from ._pairing import EMBEDDED, Pair, PairResult, embedded, explain, generate, pair, scores

__all__ = [
    "EMBEDDED",
    "InputError",
    "Pair",
    "PairResult",
    "SolveResult",
    "__version__",
    "embedded",
    "explain",
    "generate",
    "instruction_set",
    "k_best",
    "linear_sum_assignment",
    "linear_sum_assignment_batch",
    "min_weight_full_bipartite_matching",
    "pair",
    "scores",
    "solve",
]
