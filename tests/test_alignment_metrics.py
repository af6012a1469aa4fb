"""Alignment metrics: P/R/F1/AER against sure/possible gold, and agreement between aligners.
Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ProjectError
from core.metrics.alignment import (
    AgreementCounts,
    AlignmentCounts,
    agreement,
    alignment_counts,
    corpus_agreement,
    corpus_alignment_counts,
    sum_counts,
)
from core.types import Alignment

# Sentence 1: S = {0-0, 1-1, 2-2}, possible-only {2-3} so P = S + {2-3}; A = {0-0, 1-2, 2-3}.
GOLD1 = Alignment.of([(0, 0), (1, 1), (2, 2)], "gold", possible=[(2, 3)])
PRED1 = Alignment.of([(0, 0), (1, 2), (2, 3)], "pred")
# Sentence 2: S = P = {0-1}; A = {0-1, 1-0}.
GOLD2 = Alignment.of([(0, 1)], "gold")
PRED2 = Alignment.of([(0, 1), (1, 0)], "pred")


def test_sentence_counts_and_scores_by_hand() -> None:
    c = alignment_counts(PRED1, GOLD1)
    # |A| = 3, |S| = 3, |P| = 4, A∩S = {0-0}, A∩P = {0-0, 2-3}.
    assert c == AlignmentCounts(predicted=3, sure=3, possible=4, hit_sure=1, hit_possible=2)
    assert c.precision == pytest.approx(2 / 3)           # |A∩P| / |A|
    assert c.recall == pytest.approx(1 / 3)              # |A∩S| / |S|
    assert c.f1 == pytest.approx(4 / 9)                  # 2 * 2/3 * 1/3 / (2/3 + 1/3)
    assert c.aer == pytest.approx(0.5)                   # 1 - (1 + 2) / (3 + 3)

    c2 = alignment_counts(PRED2, GOLD2)
    assert (c2.precision, c2.recall) == (0.5, 1.0)
    assert c2.f1 == pytest.approx(2 / 3)
    assert c2.aer == pytest.approx(1 / 3)                # 1 - (1 + 1) / (2 + 1)


def test_corpus_is_micro_average_of_counts() -> None:
    total = corpus_alignment_counts([PRED1, PRED2], [GOLD1, GOLD2])
    # |A| = 5, |S| = 4, |P| = 5, |A∩S| = 2, |A∩P| = 3.
    assert total == AlignmentCounts(5, 4, 5, 2, 3)
    assert total.precision == pytest.approx(3 / 5)
    assert total.recall == pytest.approx(2 / 4)
    assert total.f1 == pytest.approx(6 / 11)             # 2 * 0.6 * 0.5 / 1.1
    assert total.aer == pytest.approx(4 / 9)             # 1 - (2 + 3) / (5 + 4)
    # Not the mean of the sentence AERs (0.5 and 1/3).
    assert total.aer != pytest.approx((0.5 + 1 / 3) / 2)
    assert sum_counts([alignment_counts(PRED1, GOLD1), alignment_counts(PRED2, GOLD2)]) == total
    assert set(total.scores()) == {"precision", "recall", "f1", "aer"}


def test_predicted_possible_links_do_not_count_and_possible_includes_sure() -> None:
    pred = Alignment.of([(0, 0)], possible=[(1, 1)])
    assert alignment_counts(pred, GOLD1).predicted == 1
    # A gold object built directly, with a sure link repeated among the possible ones.
    gold = Alignment(links=((0, 0),), possible=((0, 0), (1, 1)))
    c = alignment_counts(Alignment.of([(0, 0), (1, 1)]), gold)
    assert (c.sure, c.possible, c.hit_sure, c.hit_possible) == (1, 2, 1, 2)
    assert c.precision == 1.0 and c.recall == 1.0 and c.aer == 0.0


def test_zero_denominators_give_zero() -> None:
    empty = alignment_counts(Alignment.of([]), Alignment.of([]))
    assert (empty.precision, empty.recall, empty.f1, empty.aer) == (0.0, 0.0, 0.0, 1.0)
    nothing_predicted = alignment_counts(Alignment.of([]), GOLD2)
    assert (nothing_predicted.precision, nothing_predicted.recall) == (0.0, 0.0)
    assert nothing_predicted.aer == 1.0


def test_agreement_by_hand() -> None:
    a = Alignment.of([(0, 0), (1, 1), (2, 2)], "a")
    b = Alignment.of([(0, 0), (1, 2)], "b")
    c = agreement(a, b)
    assert c == AgreementCounts(both=1, only_a=2, only_b=1)
    assert c.union == 4 and c.jaccard == pytest.approx(0.25)
    total = corpus_agreement([a, a], [b, a])
    assert total == AgreementCounts(both=4, only_a=2, only_b=1)
    assert total.jaccard == pytest.approx(4 / 7)
    assert AgreementCounts().jaccard == 0.0


def test_length_mismatch_is_a_project_error() -> None:
    with pytest.raises(ProjectError, match="1 alignments against 2"):
        corpus_alignment_counts([PRED1], [GOLD1, GOLD2])
    with pytest.raises(ProjectError):
        corpus_agreement([PRED1, PRED2], [PRED1])


links = st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=12)


@given(pred=links, sure=links, extra=links)
def test_invariants(pred, sure, extra) -> None:
    gold = Alignment.of(sure, possible=extra)
    c = alignment_counts(Alignment.of(pred), gold)
    assert 0.0 <= c.aer <= 1.0 and 0.0 <= c.f1 <= 1.0
    assert c.hit_sure <= c.hit_possible <= c.predicted
    if not extra and (pred or sure):
        # Without possible links, AER is exactly 1 - F1.
        assert c.aer == pytest.approx(1.0 - c.f1)
    if set(pred) == set(sure) and pred:
        assert c.recall == 1.0 and c.precision == 1.0 and c.aer == 0.0
    agree = agreement(Alignment.of(pred), Alignment.of(sure))
    swapped = agreement(Alignment.of(sure), Alignment.of(pred))
    assert (swapped.both, swapped.only_a, swapped.only_b) == (agree.both, agree.only_b,
                                                            agree.only_a)
