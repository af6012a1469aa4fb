"""AWESoME-style link extraction (Dou & Neubig 2021, ``awesome-align`` without fine-tuning).

On the layer-``layer`` sub-word embeddings ``x`` (source, ``m`` rows) and ``y`` (target, ``n``
rows) of one pair, special tokens excluded:

- ``S = x @ y.T`` (plain dot products, no scaling);
- ``P_src = softmax(S)`` over each row (source sub-word -> distribution over target sub-words)
  and ``P_tgt = softmax(S)`` over each column;
- sub-words ``a`` and ``b`` are linked when ``P_src[a, b] > threshold`` **and**
  ``P_tgt[a, b] > threshold`` (threshold 1e-3), and words are linked when any of their
  sub-words are.

The score of a link is awesome-align's "alignment probability" heuristic: the harmonic-style
mean ``2 p q / (p + q + 1e-9)`` of the row softmax of ``S / sqrt(n)`` and the column softmax of
``S / sqrt(m)``. (awesome-align encodes source and target separately and masks its special
tokens out of both softmaxes; the encoder here does the same.)

:func:`awesome_aligner` builds an :class:`~core.aligners.embedding.EmbeddingAligner` running
this extraction on any encoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from core.aligners.embedding import EmbeddingAligner

#: awesome-align's default softmax threshold.
AWESOME_THRESHOLD = 1e-3
#: awesome-align's default alignment layer.
AWESOME_LAYER = 8


def _softmax(scores: np.ndarray, axis: int) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def awesome_probabilities(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise and column-wise softmax of the dot-product matrix ``x @ y.T``."""
    scores = x @ y.T
    return _softmax(scores, 1), _softmax(scores, 0)


def awesome_links(x: np.ndarray, y: np.ndarray, threshold: float = AWESOME_THRESHOLD
                  ) -> np.ndarray:
    """Boolean sub-word link matrix: both softmax probabilities exceed ``threshold``."""
    if x.shape[0] == 0 or y.shape[0] == 0:
        return np.zeros((x.shape[0], y.shape[0]), dtype=bool)
    p_src, p_tgt = awesome_probabilities(x, y)
    return (p_src > threshold) & (p_tgt > threshold)


def awesome_scores(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """awesome-align's per-cell alignment probability heuristic (see the module docstring)."""
    m, n = x.shape[0], y.shape[0]
    if m == 0 or n == 0:
        return np.zeros((m, n), dtype=np.float32)
    scores = x @ y.T
    p = _softmax(scores / np.sqrt(np.float32(n)), 1)
    q = _softmax(scores / np.sqrt(np.float32(m)), 0)
    return (2 * p * q) / (p + q + 1e-9)


def awesome_aligner(model: Any, tokenizer: Any, *, layer: int = AWESOME_LAYER,
                    threshold: float = AWESOME_THRESHOLD, **kwargs: Any) -> "EmbeddingAligner":
    """An aligner that runs only the AWESoME extraction (name ``<encoder>:awesome``)."""
    from core.aligners.embedding import EmbeddingAligner

    return EmbeddingAligner(model, tokenizer, layer=layer, methods=("awesome",),
                            awesome_threshold=threshold, **kwargs)
