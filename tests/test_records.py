"""SentenceRecord round-trips through JSON and the parquet row."""

import json

from core.records import record_from_dict, record_from_row, record_row, record_to_dict
from core.types import (Alignment, Candidate, Projection, Reason, Sentence, SentenceRecord,
                        Span)


def make_record() -> SentenceRecord:
    src = Sentence("s1", "en", ("Ana", "Silva", "visited", "Lisbon"),
                   ("B-PER", "I-PER", "O", "B-LOC"))
    tgt = Sentence("t1", "pt", ("Ana", "Silva", "visitou", "Lisboa"),
                   ("B-PER", "I-PER", "O", "B-LOC"))
    al = Alignment.of([(0, 0), (1, 1), (2, 2), (3, 3)], "me5-small:itermax",
                      possible=[(2, 3)], scores={(0, 0): 0.9})
    p0 = Projection(0, Span(0, 2, "PER"), (Span(0, 2, "PER"),), Reason.PROJECTED, "ok",
                    ((0, 0), (1, 1)), (((2, 3), Reason.SMALLER_RUN),), None, 1.0)
    p1 = Projection(1, Span(3, 4, "LOC"), (), Reason.NO_ALIGNED_WORDS, "none")
    return SentenceRecord("s1", "pt", src, tgt, (Span(0, 2, "PER"), Span(3, 4, "LOC")), al,
                          (p0, p1), (Span(0, 2, "PER"),), (Span(0, 2, "PER"), Span(3, 4, "LOC")),
                          (Candidate(0, 2, "ngram", {0: {"align": 1.0}}),),
                          translation="x", extra={"issues": ["lost"]})


def test_record_round_trips_through_json() -> None:
    r = make_record()
    back = record_from_dict(json.loads(json.dumps(record_to_dict(r))))
    assert back == r
    assert back.alignment.scores == {(0, 0): 0.9}
    assert back.candidates[0].scores == {0: {"align": 1.0}}
    assert back.extra == {"issues": ["lost"]}


def test_row_has_filter_columns_and_the_record() -> None:
    row = record_row(make_record(), 7)
    assert row["index"] == 7 and row["tp"] == 1 and row["fn"] == 1 and row["fp"] == 0
    assert row["exact"] == 1 and row["missed"] == 1 and row["spurious"] == 0
    assert row["n_projected"] == 1 and row["types"] == ["LOC", "PER"]
    assert row["reasons"] == ["no_aligned_words", "projected"]
    assert abs(row["f1"] - 2 / 3) < 1e-12
    assert record_from_row(row) == make_record()


def test_row_without_gold_has_no_scores() -> None:
    r = make_record()
    r = SentenceRecord(r.id, r.lang, r.source, r.target, r.source_entities, r.alignment,
                       r.projections, r.predicted, None)
    row = record_row(r, 0)
    assert row["f1"] is None and row["n_gold"] is None
