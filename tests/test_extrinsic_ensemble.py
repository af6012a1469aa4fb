"""The ensemble of the trained model with translate-test (core/extrinsic/baselines.py): the
trained model's entities win, translate-test adds only entities that overlap none of them."""

from __future__ import annotations

from core.extrinsic.baselines import ensemble
from core.types import Alignment, Sentence, SentenceRecord, Span

WORDS = ("Ana", "mora", "em", "Lisboa", "com", "Rui")


def _record(sid: str, predicted: tuple[Span, ...]) -> SentenceRecord:
    s = Sentence(sid, "pt", WORDS)
    return SentenceRecord(sid, "pt", s, s, (), Alignment.of([]), (), predicted)


def test_trained_entities_win_and_translate_test_fills_the_gaps() -> None:
    trained = [_record("a", (Span(0, 1, "PER"), Span(3, 4, "LOC")))]
    tt = [_record("a", (Span(0, 2, "ORG"), Span(3, 4, "PER"), Span(5, 6, "PER"))),
          _record("b", (Span(2, 4, "LOC"),))]  # no trained record: translate-test alone
    merged = ensemble(trained, tt)
    assert [r.id for r in merged] == ["a", "b"]
    assert merged[0].predicted == (Span(0, 1, "PER"), Span(3, 4, "LOC"), Span(5, 6, "PER"))
    assert merged[1].predicted == (Span(2, 4, "LOC"),)
    # touching but not overlapping (end is exclusive): kept
    touching = ensemble([_record("c", (Span(0, 1, "PER"),))], [_record("c", (Span(1, 2, "LOC"),))])
    assert touching[0].predicted == (Span(0, 1, "PER"), Span(1, 2, "LOC"))
