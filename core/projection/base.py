"""The projector interface and helpers shared by every projection method."""

from __future__ import annotations

import unicodedata
from typing import Iterable, Protocol, Sequence

from core.errors import ProjectError
from core.types import Alignment, Projection, Span


class Projector(Protocol):
    """Projects source entities onto a target sentence through a word alignment."""

    name: str

    def project(self, src_entities: Sequence[Span], alignment: Alignment,
                tgt_words: Sequence[str], *, src_words: Sequence[str] | None = None
                ) -> list[Projection]:
        """One :class:`Projection` per source entity, in the order of ``src_entities``."""
        ...


def links_by_source(alignment: Alignment) -> dict[int, list[tuple[int, int]]]:
    """Sure links grouped by their source word."""
    by_src: dict[int, list[tuple[int, int]]] = {}
    for i, j in alignment.links:
        by_src.setdefault(i, []).append((i, j))
    return by_src


def projected_spans(projections: Sequence[Projection]) -> list[Span]:
    """The target spans written out by a list of projections, sorted by position."""
    return sorted(span for p in projections for span in p.targets)


# --- helpers shared by the alignment-based projectors (heuristic, easy_label) -------------------

#: The characters Python's ``string.punctuation`` holds (ASCII punctuation and symbols); the
#: Easy-Label-Projection code treats a word made only of these as punctuation.
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

#: Names accepted by :func:`punctuation_only` for its ``scheme`` argument.
PUNCTUATION_SCHEMES = ("ascii", "unicode")


def punctuation_only(word: str, scheme: str = "ascii") -> bool:
    """True when ``word`` (stripped of surrounding whitespace) has no character outside the scheme.

    ``"ascii"``: the 32 ASCII characters of ``string.punctuation`` (``"„"`` or ``"«"`` are *not*
    punctuation then), as in Easy-Label-Projection. ``"unicode"``: any character of a Unicode
    punctuation (P*) or symbol (S*) category, a superset of the ASCII set. A word that is empty
    after stripping counts as punctuation (it has nothing to label), as in the original.
    """
    text = word.strip()
    if scheme == "ascii":
        return all(ch in ASCII_PUNCTUATION for ch in text)
    if scheme == "unicode":
        return all(unicodedata.category(ch)[0] in "PS" for ch in text)
    raise ProjectError(f"unknown punctuation scheme {scheme!r}", setting="punctuation",
                       hint=f"use one of {list(PUNCTUATION_SCHEMES)} or none")


def maximal_runs(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive integers as sorted half-open ranges.

    ``{1, 2, 4}`` -> ``[(1, 3), (4, 5)]``.
    """
    runs: list[tuple[int, int]] = []
    for k in sorted(set(indices)):
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    return runs


def fill_gaps(runs: Sequence[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Merge sorted, disjoint runs separated by at most ``gap`` words (the words between join).

    ``gap=1``: ``[(2,3),(4,5)]`` -> ``[(2,5)]`` (one word between) but ``[(2,3),(5,6)]`` stays
    (two words between). ``gap<=0`` returns the runs unchanged.
    """
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and gap > 0 and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def claim_words(length: int, claims: Iterable[tuple[int, Iterable[tuple[int, int]]]], *,
                later_wins: bool = True) -> list[int | None]:
    """Owner of every target word after entities claim ranges in the given order.

    ``claims`` yields ``(owner, ranges)``; with ``later_wins`` a later claim takes words from
    earlier owners (tags written one entity after the other), otherwise a word stays with its
    first owner. Unclaimed words have owner ``None``.
    """
    owner: list[int | None] = [None] * length
    for key, ranges in claims:
        for start, end in ranges:
            for j in range(start, end):
                if later_wins or owner[j] is None:
                    owner[j] = key
    return owner


def owned_runs(owner: Sequence[int | None], key: int) -> list[tuple[int, int]]:
    """Maximal runs of words whose owner is ``key``."""
    return maximal_runs(j for j, o in enumerate(owner) if o == key)


def format_range(rng: tuple[int, int]) -> str:
    """``(3, 5)`` -> ``"[3,5)"`` (used in human-readable details)."""
    return f"[{rng[0]},{rng[1]})"


def check_target_bounds(alignment: Alignment, n_tgt: int) -> None:
    """Raise :class:`ProjectError` when a sure link points past the last target word."""
    for i, j in alignment.links:
        if j >= n_tgt or j < 0 or i < 0:
            raise ProjectError(f"link {i}-{j} points outside the target sentence of {n_tgt} words",
                               setting=f"alignment {alignment.aligner or ''}".strip(),
                               hint="check that the alignment file matches the sentence pair "
                                    "(same order, same tokenisation)")


def quote_span(span: Span | tuple[int, int], words: Sequence[str] | None) -> str:
    """``'New York' [3,5)`` when the words are known, else ``[3,5)`` (for readable details)."""
    start, end = span.range if isinstance(span, Span) else span
    rng = format_range((start, end))
    if not words or end > len(words):
        return rng
    return f"{' '.join(words[start:end])!r} {rng}"
