"""Word-alignment quality against gold links, and agreement between two aligners.

Definitions (Och & Ney 2003), with ``A`` the predicted links, ``S`` the gold *sure* links and
``P`` the gold *possible* links, ``P ⊇ S`` (a gold :class:`Alignment` keeps sure links in
``links`` and the possible-only ones in ``possible``; ``P`` is their union):

- precision = ``|A ∩ P| / |A|``
- recall    = ``|A ∩ S| / |S|``
- F1        = ``2 · precision · recall / (precision + recall)``
- AER       = ``1 − (|A ∩ S| + |A ∩ P|) / (|A| + |S|)``

Only the predicted alignment's sure links count as predictions. Counts are kept per sentence
(:class:`AlignmentCounts`, :class:`AgreementCounts`) and summed for a corpus, so corpus scores
are micro averages. As in :mod:`core.metrics.spans`, a ratio whose denominator is zero is 0.0
(so two empty alignments score precision = recall = F1 = 0 and AER = 1); the counts stay
visible, so such cases can be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from core.errors import ProjectError
from core.types import Alignment


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


@dataclass(frozen=True)
class AlignmentCounts:
    """Link counts of a prediction against gold; add them with ``+``."""

    predicted: int = 0      # |A|
    sure: int = 0           # |S|
    possible: int = 0       # |P| (sure links included)
    hit_sure: int = 0       # |A ∩ S|
    hit_possible: int = 0   # |A ∩ P|

    def __add__(self, other: "AlignmentCounts") -> "AlignmentCounts":
        return AlignmentCounts(self.predicted + other.predicted, self.sure + other.sure,
                               self.possible + other.possible, self.hit_sure + other.hit_sure,
                               self.hit_possible + other.hit_possible)

    @property
    def precision(self) -> float:
        return _ratio(self.hit_possible, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.hit_sure, self.sure)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def aer(self) -> float:
        return 1.0 - _ratio(self.hit_sure + self.hit_possible, self.predicted + self.sure)

    def scores(self) -> dict[str, float]:
        """``precision``, ``recall``, ``f1`` and ``aer`` as a dict (for JSON)."""
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "aer": self.aer}


def alignment_counts(predicted: Alignment, gold: Alignment) -> AlignmentCounts:
    """Counts of one sentence (see the module docstring)."""
    a = set(predicted.links)
    s = set(gold.links)
    p = s | set(gold.possible)
    return AlignmentCounts(len(a), len(s), len(p), len(a & s), len(a & p))


def _check_lengths(first: Sequence[Alignment], second: Sequence[Alignment], what: str) -> None:
    if len(first) != len(second):
        raise ProjectError(f"{what}: {len(first)} alignments against {len(second)}",
                           hint="give one alignment per sentence pair on both sides")


def corpus_alignment_counts(predicted: Sequence[Alignment],
                            gold: Sequence[Alignment]) -> AlignmentCounts:
    """Sum of the sentence counts of two parallel lists of alignments."""
    _check_lengths(predicted, gold, "predicted vs gold")
    return sum_counts(alignment_counts(a, g) for a, g in zip(predicted, gold))


def sum_counts(items: Iterable[AlignmentCounts]) -> AlignmentCounts:
    """Corpus counts from sentence counts."""
    total = AlignmentCounts()
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True)
class AgreementCounts:
    """Links found by both aligners, only by the first (A) or only by the second (B)."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0

    def __add__(self, other: "AgreementCounts") -> "AgreementCounts":
        return AgreementCounts(self.both + other.both, self.only_a + other.only_a,
                               self.only_b + other.only_b)

    @property
    def union(self) -> int:
        return self.both + self.only_a + self.only_b

    @property
    def jaccard(self) -> float:
        """``|A ∩ B| / |A ∪ B|`` (0.0 when neither aligner has a link)."""
        return _ratio(self.both, self.union)


def agreement(a: Alignment, b: Alignment) -> AgreementCounts:
    """Agreement of two alignments of the same sentence pair (sure links only)."""
    la, lb = set(a.links), set(b.links)
    return AgreementCounts(len(la & lb), len(la - lb), len(lb - la))


def corpus_agreement(a: Sequence[Alignment], b: Sequence[Alignment]) -> AgreementCounts:
    """Summed agreement over two parallel lists of alignments."""
    _check_lengths(a, b, "aligner A vs aligner B")
    total = AgreementCounts()
    for x, y in zip(a, b):
        total = total + agreement(x, y)
    return total
