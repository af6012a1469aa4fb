"""Candidate target spans for candidate-based projection (METHOD.md §4).

A candidate is a contiguous target word range that a source entity may be projected onto.

- :func:`ngram_candidates`: every contiguous range of the target sentence, as in the paper: no
  length cap unless ``max_len`` is given, and every range that contains a word with ``"!"`` or
  ``"?"`` in it is skipped. ``skip_punct_edges=True`` (off by default, not in the paper) also
  skips ranges whose first or last word is punctuation only.
- :func:`ner_candidates`: the spans an NER model predicted on the target sentence, type
  discarded, duplicates removed.
- :func:`alignment_window`: the target words between the left-most and right-most word aligned to
  an entity. For the alignment score a candidate that sticks out of this window is never better
  than its part inside the window (same links, fewer words), which lets matching prune pairs
  without changing the optimum (see :meth:`core.projection.matching.MatchingProblem.build`).

Candidates are returned sorted by ``(start, end)``; this order defines the column order of the
score matrices in :mod:`core.projection.scores`.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from core.errors import ProjectError
from core.projection.base import punctuation_only
from core.types import Alignment, Candidate, Span

#: The paper skips n-grams that contain a word with one of these characters.
PAPER_SKIP_CHARS: tuple[str, ...] = ("!", "?")


def ngram_ranges(tgt_words: Sequence[str], *, max_len: int | None = None,
                 skip_chars: Iterable[str] = PAPER_SKIP_CHARS,
                 skip_punct_edges: bool = False) -> list[tuple[int, int]]:
    """The ``(start, end)`` ranges of :func:`ngram_candidates`, without building candidates."""
    if max_len is not None and (not isinstance(max_len, int) or max_len < 1):
        raise ProjectError(f"max_len must be a positive integer or None, got {max_len!r}",
                           setting="max_len")
    chars = tuple(skip_chars)
    n = len(tgt_words)
    blocked = [any(ch in w for ch in chars) for w in tgt_words]
    limit = n if max_len is None else max_len
    out: list[tuple[int, int]] = []
    if not skip_punct_edges:
        for start in range(n):
            stop = start
            last = min(n, start + limit)
            while stop < last and not blocked[stop]:
                stop += 1  # every range reaching past a blocked word contains it
            out.extend((start, end) for end in range(start + 1, stop + 1))
        return out
    punct = [bool(w.strip()) and punctuation_only(w, "unicode") for w in tgt_words]
    for start in range(n):
        if blocked[start] or punct[start]:
            continue
        for end in range(start + 1, min(n, start + limit) + 1):
            if blocked[end - 1]:
                break
            if not punct[end - 1]:
                out.append((start, end))
    return out


def ngram_candidates(tgt_words: Sequence[str], *, max_len: int | None = None,
                     skip_chars: Iterable[str] = PAPER_SKIP_CHARS,
                     skip_punct_edges: bool = False, origin: str = "ngram") -> list[Candidate]:
    """Every contiguous range of ``tgt_words`` allowed by the options, sorted by (start, end).

    ``max_len`` caps the number of words (``None``: no cap, the paper's default outside ja/th/zh).
    A range is skipped when one of its words contains any character of ``skip_chars``.
    With ``skip_punct_edges`` a range is skipped when its first or last word is punctuation only.
    """
    return [Candidate(s, e, origin) for s, e in
            ngram_ranges(tgt_words, max_len=max_len, skip_chars=skip_chars,
                         skip_punct_edges=skip_punct_edges)]


def ner_candidates(spans: Iterable[Span | tuple[int, int]], *, n_words: int | None = None,
                   origin: str = "ner") -> list[Candidate]:
    """Candidates from predicted NER spans (types discarded, duplicates removed), sorted.

    With ``n_words`` given, a span reaching past the end of the sentence raises
    :class:`ProjectError`.
    """
    ranges: set[tuple[int, int]] = set()
    for span in spans:
        start, end = span.range if isinstance(span, Span) else (int(span[0]), int(span[1]))
        if n_words is not None and end > n_words:
            raise ProjectError(f"NER span [{start}, {end}) exceeds the target sentence of "
                               f"{n_words} words", setting="ner_spans",
                               hint="tag the same target words that are projected onto")
        ranges.add((start, end))
    return [Candidate(s, e, origin) for s, e in sorted(ranges)]


def merge_candidates(*groups: Iterable[Candidate]) -> list[Candidate]:
    """Union of candidate lists, one candidate per range (the first origin seen wins), sorted."""
    seen: dict[tuple[int, int], Candidate] = {}
    for group in groups:
        for cand in group:
            seen.setdefault(cand.range, cand)
    return [seen[r] for r in sorted(seen)]


def alignment_window(entity: Span | tuple[int, int], alignment: Alignment
                     ) -> tuple[int, int] | None:
    """``[left-most, right-most + 1)`` of the target words linked to the entity (sure links).

    ``None`` when no word of the entity is aligned.
    """
    start, end = entity.range if isinstance(entity, Span) else entity
    targets = [j for i, j in alignment.links if start <= i < end]
    if not targets:
        return None
    return (min(targets), max(targets) + 1)
