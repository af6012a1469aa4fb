"""SimAlign's link extraction methods as pure numpy functions on similarity matrices.

Every function takes an ``m x n`` similarity matrix (rows: source sub-words, columns: target
sub-words) and returns a boolean ``m x n`` link matrix. The definitions follow SimAlign
(Jalili Sabet et al. 2020) as implemented by the ``simalign`` 0.4 package, so that on the same
matrix they select exactly the same cells:

- :func:`similarity`: ``(cos + 1) / 2`` of the two embedding sets, computed in the input dtype.
- :func:`apply_distortion`: multiplies cell ``(i, j)`` by ``1 - ratio * (j/(n-1) - i/(m-1))**2``
  (a penalty for links far from the diagonal); a no-op when ``ratio == 0`` or a side has < 2 rows.
- :func:`argmax_links`: forward (row-wise argmax), reverse (column-wise argmax) and their
  intersection ``inter`` ("argmax" in the paper). Ties go to the lowest index, as ``np.argmax``.
- :func:`itermax`: ``inter``, then further rounds (``max_rounds - 1`` of them, one by default)
  that add mutual argmaxes among cells whose row or column is still unaligned; in those rounds a
  cell whose row *and* column are both free keeps its similarity, a cell with just one free side
  is weighted by ``alpha`` (0.9) and a cell with both sides aligned cannot be chosen. Matrices
  with a side of at most 2 rows get ``inter`` only; a round stops the loop when it adds nothing.
- :func:`max_weight_matching` ("mwmf"): a maximum-cardinality matching of maximum total
  similarity (each row and column used at most once). SimAlign builds a sparse bipartite graph,
  which drops cells whose weight is exactly 0; that is reproduced here.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

#: Weight of a cell with exactly one free side in the later IterMax rounds (SimAlign's value).
ITERMAX_ALPHA = 0.9
#: Number of IterMax rounds including the first mutual-argmax round (SimAlign's value).
ITERMAX_ROUNDS = 2


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (all-zero rows stay zero), in the input's dtype."""
    norms = np.sqrt(np.einsum("ij,ij->i", x, x))
    norms[norms == 0.0] = 1.0
    return x / norms[:, None]


def similarity(x: np.ndarray, y: np.ndarray, *, normalised: bool = False) -> np.ndarray:
    """``(cosine(x_i, y_j) + 1) / 2`` for every row pair; pass ``normalised=True`` for unit rows."""
    if not normalised:
        x, y = normalise_rows(x), normalise_rows(y)
    return (x @ y.T + 1.0) / 2.0


def distortion_mask(m: int, n: int, ratio: float) -> np.ndarray:
    """The ``m x n`` multiplicative distortion mask (float64); see the module docstring."""
    row_pos = np.arange(m, dtype=np.float64) / float(m - 1)
    col_pos = np.arange(n, dtype=np.float64) / float(n - 1)
    return 1.0 - ((col_pos[None, :] - row_pos[:, None]) ** 2) * ratio


def apply_distortion(sim: np.ndarray, ratio: float) -> np.ndarray:
    """``sim`` penalised for distance from the diagonal; unchanged if ``ratio == 0``."""
    m, n = sim.shape
    if ratio == 0.0 or m < 2 or n < 2:
        return sim
    return sim * distortion_mask(m, n, ratio)


def _row_argmax(sim: np.ndarray) -> np.ndarray:
    out = np.zeros(sim.shape, dtype=bool)
    if sim.size:
        out[np.arange(sim.shape[0]), sim.argmax(axis=1)] = True
    return out


def _col_argmax(sim: np.ndarray) -> np.ndarray:
    out = np.zeros(sim.shape, dtype=bool)
    if sim.size:
        out[sim.argmax(axis=0), np.arange(sim.shape[1])] = True
    return out


def argmax_links(sim: np.ndarray) -> dict[str, np.ndarray]:
    """``{"fwd", "rev", "inter"}`` boolean link matrices of the argmax family."""
    fwd, rev = _row_argmax(sim), _col_argmax(sim)
    return {"fwd": fwd, "rev": rev, "inter": fwd & rev}


def inter(sim: np.ndarray) -> np.ndarray:
    """Mutual argmax: cell ``(i, j)`` is the maximum of its row and of its column."""
    return _row_argmax(sim) & _col_argmax(sim)


def itermax(sim: np.ndarray, *, max_rounds: int = ITERMAX_ROUNDS,
            alpha: float = ITERMAX_ALPHA) -> np.ndarray:
    """IterMax links (see the module docstring)."""
    links = inter(sim)
    m, n = sim.shape
    if min(m, n) <= 2:
        return links
    sim64 = sim.astype(np.float64, copy=False)
    for _ in range(max_rounds - 1):
        free_row = ~links.any(axis=1)
        free_col = ~links.any(axis=0)
        if not free_row.any() or not free_col.any():
            break
        both = free_row[:, None] & free_col[None, :]
        either = free_row[:, None] | free_col[None, :]
        weight = np.where(both, 1.0, np.where(either, alpha, 0.0))
        new = inter(sim64 * weight) & either
        if not new.any():
            break
        links |= new
    return links


def max_weight_matching(sim: np.ndarray) -> np.ndarray:
    """Maximum-cardinality, maximum-weight bipartite matching over the non-zero cells."""
    out = np.zeros(sim.shape, dtype=bool)
    if sim.size == 0:
        return out
    weights = sim.astype(np.float64)
    missing = weights == 0.0
    if missing.any():
        # Cells of weight 0 are not edges. A penalty larger than any achievable weight gain makes
        # the assignment use as few of them as possible (= maximum cardinality over real edges);
        # the ones it still needs are dropped from the result.
        penalty = 2.0 * min(weights.shape) * (float(np.abs(weights).max()) + 1.0)
        weights = np.where(missing, -penalty, weights)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    keep = ~missing[rows, cols]
    out[rows[keep], cols[keep]] = True
    return out


#: Method names accepted by :func:`extract`, with the paper's alias ``argmax`` for ``inter``.
METHODS = ("fwd", "rev", "inter", "argmax", "itermax", "mwmf")


def extract(sim: np.ndarray, method: str) -> np.ndarray:
    """Links of one named method on an (already distorted, if wanted) similarity matrix."""
    if method in ("inter", "argmax"):
        return inter(sim)
    if method == "fwd":
        return _row_argmax(sim)
    if method == "rev":
        return _col_argmax(sim)
    if method == "itermax":
        return itermax(sim)
    if method == "mwmf":
        return max_weight_matching(sim)
    raise ValueError(f"unknown SimAlign method {method!r}; expected one of {', '.join(METHODS)}")
