"""The city-pairing engine: ``pair``, ``scores``, ``explain``, ``embedded``.

Every function takes the same ``dataset`` argument: ``None`` (the embedded IUC 2017 call), the
name of an embedded dataset (``"iuc-2017"``, ``"world-50k"``: see :data:`EMBEDDED`), a
dict in the call-and-cities JSON form, a JSON string (text starting with ``{``), or a path
(``str`` or ``os.PathLike``) to such a JSON file. Bad input raises :class:`InputError` (a
``ValueError``) with the library's message, naming the city, field or line.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

import numpy as np
from numpy.typing import NDArray

from . import _native

__all__ = ["EMBEDDED", "Pair", "PairResult", "pair", "scores", "explain", "embedded", "generate"]

Dataset = Union[None, Dict[str, Any], str, "os.PathLike[str]"]

#: The names of the embedded datasets, the default first: ``("iuc-2017", "world-50k")``.
EMBEDDED: Tuple[str, ...] = tuple(_native._embedded_names())


def _source(dataset: Dataset) -> Tuple[Optional[str], str]:
    """The dataset as ``(JSON text, the name errors use)``, or ``(None, name)`` for an
    embedded dataset."""
    if dataset is None:
        return None, EMBEDDED[0]
    if isinstance(dataset, str) and dataset in EMBEDDED:
        return None, dataset
    if isinstance(dataset, dict):
        return json.dumps(dataset), "<dict>"
    if isinstance(dataset, str) and dataset.lstrip().startswith("{"):
        return dataset, "<string>"
    if isinstance(dataset, (str, os.PathLike)):
        path = os.fspath(dataset)
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    raise TypeError(
        "dataset must be None, a dict, a JSON string or a path, "
        f"not {type(dataset).__name__}"
    )


class Pair(NamedTuple):
    """One pair of a pairing: the two city ids, the score, the strongest shared themes."""

    eu: str
    partner: str
    score: float
    shared: List[Dict[str, Any]]


class PairResult:
    """The pairing of a call: exactly the document ``citypair pair --json`` prints.

    The attributes are the document's fields; :meth:`to_dict` returns the whole document.
    """

    __slots__ = ("_doc", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._doc: Dict[str, Any] = json.loads(text)

    def to_dict(self) -> Dict[str, Any]:
        """The document ``citypair pair --json`` prints, as a new dict (keys in its order)."""
        return json.loads(self._text)

    def to_json(self) -> str:
        """The same document as compact JSON text."""
        return self._text

    @property
    def call(self) -> str:
        """The call's name."""
        return self._doc["call"]

    @property
    def objective(self) -> str:
        """``"sum"``, ``"maxmin"`` or ``"stable"``."""
        return self._doc["objective"]

    @property
    def mode(self) -> str:
        """``"dense"`` or ``"candidates"``."""
        return self._doc["mode"]

    @property
    def pairs(self) -> List[Pair]:
        """The pairs, in the document's order."""
        return [Pair(p["eu"], p["partner"], p["score"], p["shared"]) for p in self._doc["pairs"]]

    @property
    def unmatched(self) -> List[Dict[str, Any]]:
        """Eligible cities left unpaired, each with its side and reason."""
        return self._doc["unmatched"]

    @property
    def excluded(self) -> List[Dict[str, Any]]:
        """Cities the call excludes, each with its reason."""
        return self._doc["excluded"]

    @property
    def total_score(self) -> float:
        """The sum of the pair scores."""
        return self._doc["total_score"]

    @property
    def min_score(self) -> Optional[float]:
        """The lowest pair score."""
        return self._doc["min_score"]

    @property
    def fairness(self) -> Dict[str, Any]:
        """Lowest and mean score, Gini, blocking pairs, worst-off pair, by country and region."""
        return self._doc["fairness"]

    @property
    def price_of_fairness(self) -> Optional[Dict[str, Any]]:
        """What a fair objective costs against the largest total."""
        return self._doc.get("price_of_fairness")

    @property
    def certified_optimal(self) -> bool:
        """Whether the certificate was checked and holds."""
        return self._doc["certified_optimal"]

    @property
    def certificate(self) -> Optional[Dict[str, Any]]:
        """The LP dual that proves a ``sum`` pairing optimal (see the README)."""
        return self._doc.get("certificate")

    def partner_of(self, eu: str) -> Optional[str]:
        """The partner city paired with EU city ``eu``, or None."""
        return next((p["partner"] for p in self._doc["pairs"] if p["eu"] == eu), None)

    def __len__(self) -> int:
        return len(self._doc["pairs"])

    def __repr__(self) -> str:
        return (
            f"PairResult(call={self.call!r}, objective={self.objective!r}, mode={self.mode!r}, "
            f"pairs={len(self)}, total_score={self.total_score!r})"
        )


def pair(
    dataset: Dataset = None, objective: str = "sum", candidates: Optional[int] = None
) -> PairResult:
    """Pair the cities of a call, exactly as ``citypair pair --json`` does.

    Parameters
    ----------
    dataset : None, embedded dataset name, dict, JSON string, or path
        The call and its cities (None: the embedded IUC 2017 call; ``"world-50k"``: GeoNames'
        places of 50,000+ with the IUC 2017 call).
    objective : ``"sum"``, ``"maxmin"`` or ``"stable"``
        The largest total score; the best lowest score; or a stable pairing.
    candidates : int, optional
        Force candidate mode with each city's ``K`` best counterparts (as ``--candidates
        K``); None lets the library choose by its size budget.

    Returns
    -------
    PairResult

    Raises
    ------
    InputError
        The dataset is invalid (the message names the city, field or line), or the mode
        cannot solve it.
    ValueError
        An unknown objective.
    OSError
        A path that cannot be read.
    """
    if candidates is not None:
        candidates = int(candidates)
        if candidates < 1:
            raise ValueError("candidates must be at least 1")
    text, file = _source(dataset)
    return PairResult(_native._pair(text, file, objective, candidates))


def scores(dataset: Dataset = None) -> Tuple[List[str], List[str], NDArray[np.float64]]:
    """The score matrix of the call's eligible cities, as ``citypair scores --json``.

    Returns
    -------
    eu_ids, partner_ids, matrix
        ``matrix[i, j]`` is the score of EU city ``eu_ids[i]`` with partner ``partner_ids[j]``.
    """
    text, file = _source(dataset)
    return _native._scores(text, file)


def explain(dataset: Dataset, eu: str, partner: str) -> Dict[str, Any]:
    """How one score was made up, term by term: ``citypair scores --explain EU PARTNER --json``.

    Raises
    ------
    InputError
        An id that is not an eligible city of its side.
    """
    text, file = _source(dataset)
    return json.loads(_native._explain(text, file, eu, partner))


def embedded(name: str = "iuc-2017") -> Dict[str, Any]:
    """An embedded dataset as a call-and-cities dict: ``"iuc-2017"`` (the IUC 2017 call and its
    332 cities) or ``"world-50k"`` (GeoNames' places of 50,000+ with the IUC 2017 call).

    Raises
    ------
    InputError
        An unknown name (the message lists the embedded datasets).
    """
    return json.loads(_native._embedded(name))


#: The largest side ``generate`` makes: a generated call is held in memory as text.
_GENERATE_LIMIT = 1_000_000


def generate(eu: int, partners: int, seed: int = 0) -> str:
    """A seeded synthetic call as JSON text, byte for byte ``citypair generate --eu EU
    --partners PARTNERS --seed SEED``: pass it to :func:`pair` as it is, or
    ``json.loads`` it."""
    eu, partners, seed = int(eu), int(partners), int(seed)
    for name, n in (("eu", eu), ("partners", partners)):
        if not 0 <= n <= _GENERATE_LIMIT:
            raise ValueError(f"{name} must be between 0 and {_GENERATE_LIMIT:,}, got {n}")
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must be between 0 and 2**64 - 1, got {seed}")
    return _native._generate(eu, partners, seed)
