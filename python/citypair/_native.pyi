"""Type stubs of ``citypair._native``, the compiled half of the package (``python/src/``).

The public functions of ``citypair`` wrap these with scipy's signatures and conversions;
these take inputs already converted: C-contiguous 2-D arrays of float64, float32, int32 or
int64 (``transposed``: the array holds the transpose of the caller's matrix), and datasets
as JSON text (``text=None``: the embedded IUC 2017 dataset) with the file name errors name.
Every solve releases the GIL. ``tests/test_stubs.py`` checks these names and parameters
against the module.
"""

from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import NDArray

__version__: str

_Index = NDArray[np.int64]
_Costs = Union[
    NDArray[np.float64], NDArray[np.float32], NDArray[np.int32], NDArray[np.int64]
]
_Number = Union[int, float]

class InputError(ValueError):
    """Bad input to citypair (a dataset, a city id, a rule): the library's message."""

class SolveResult:
    """An optimal assignment with its dual certificate, as ``citypair.solve`` returns it."""

    @property
    def rows(self) -> _Index: ...
    @property
    def cols(self) -> _Index: ...
    @property
    def total(self) -> _Number: ...
    @property
    def row_potentials(self) -> NDArray[Any]: ...
    @property
    def col_potentials(self) -> NDArray[Any]: ...
    @property
    def bottleneck(self) -> Optional[_Number]: ...
    @property
    def objective(self) -> str: ...
    @property
    def maximize(self) -> bool: ...
    def verify(self) -> None: ...

def instruction_set() -> str: ...
def _linear_sum_assignment(
    cost: _Costs, transposed: bool, maximize: bool
) -> Tuple[_Index, _Index]: ...
def _linear_sum_assignment_batch(
    costs: Union[_Costs, Sequence[_Costs]],
    transposed: List[bool],
    maximize: bool,
    threads: Optional[int] = None,
) -> Tuple[List[_Index], List[_Index]]: ...
def _solve(cost: _Costs, maximize: bool, objective: str) -> SolveResult: ...
def _k_best(
    cost: _Costs, k: int, maximize: bool
) -> List[Tuple[List[int], List[int], _Number]]: ...
def _min_weight_full_bipartite_matching(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    data: NDArray[np.float64],
    rows: int,
    cols: int,
) -> Tuple[_Index, _Index]: ...
def _pair(
    text: Optional[str], file: str, objective: str, candidates: Optional[int] = None
) -> str: ...
def _scores(
    text: Optional[str], file: str
) -> Tuple[List[str], List[str], NDArray[np.float64]]: ...
def _explain(text: Optional[str], file: str, eu: str, partner: str) -> str: ...
def _embedded(name: str) -> str: ...
def _embedded_names() -> List[str]: ...
def _generate(eu: int, partners: int, seed: int) -> str: ...
