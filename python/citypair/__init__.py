"""citypair: exact assignment solvers and the city-pairing engine, in Rust.

Drop-ins for scipy (same signatures, return types, dtype handling and error messages):

- :func:`linear_sum_assignment` (``scipy.optimize.linear_sum_assignment``)

Beyond them: :func:`linear_sum_assignment_batch` (many matrices in parallel) and
:func:`solve` (dual potentials, the bottleneck value, ``verify()``).

Every solve releases the GIL.
"""

from ._dense import (
    SolveResult,
    linear_sum_assignment,
    linear_sum_assignment_batch,
    solve,
)
from ._native import InputError, __version__

__all__ = [
    "InputError",
    "SolveResult",
    "__version__",
    "linear_sum_assignment",
    "linear_sum_assignment_batch",
    "solve",
]
