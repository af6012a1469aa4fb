"""The aligner interface and small helpers shared by the aligner backends."""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from core.errors import ProjectError
from core.types import Alignment, Link

#: One sentence pair to align: ``(source_words, target_words)``.
Pair = tuple[Sequence[str], Sequence[str]]


@runtime_checkable
class Aligner(Protocol):
    """Word aligner: one :class:`Alignment` per pair, in the order of ``pairs`` (batched call)."""

    name: str

    def align(self, pairs: Sequence[Pair]) -> list[Alignment]:
        ...


def check_pairs(pairs: Sequence[Pair]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pairs as tuples of words; a pair that is not two word sequences raises ProjectError.

    A side given as one string (a frequent slip: ``("a b", "c d")``) is rejected rather than
    split into characters.
    """
    out = []
    for k, pair in enumerate(pairs):
        if len(pair) != 2 or any(isinstance(side, str) for side in pair):
            raise ProjectError(f"pair {k} is not (source_words, target_words): {pair!r:.80}",
                               hint="give each side as a list of words, e.g. text.split()")
        src, tgt = pair
        out.append((tuple(src), tuple(tgt)))
    return out


def subword_links_to_words(links: np.ndarray, src_word_of: np.ndarray, tgt_word_of: np.ndarray,
                           scores: np.ndarray | None = None
                           ) -> tuple[list[Link], dict[Link, float]]:
    """Word links from a boolean sub-word link matrix: words are linked when any of their
    sub-words are. The score of a word link is the maximum of ``scores`` over those sub-word
    links (no scores when ``scores`` is None)."""
    rows, cols = np.nonzero(links)
    best: dict[Link, float] = {}
    src_words = src_word_of[rows].tolist()
    tgt_words = tgt_word_of[cols].tolist()
    values = scores[rows, cols].tolist() if scores is not None else [None] * len(rows)
    for i, j, v in zip(src_words, tgt_words, values):
        key = (i, j)
        if v is None:
            best.setdefault(key, float("nan"))
        elif key not in best or v > best[key]:
            best[key] = float(v)
    links_out = sorted(best)
    return links_out, ({} if scores is None else best)


def make_alignment(links: Sequence[Link], aligner: str,
                   scores: Mapping[Link, float] | None = None) -> Alignment:
    """An :class:`Alignment` with the given links, aligner name and per-link scores."""
    return Alignment.of(links, aligner, scores=scores or {})
