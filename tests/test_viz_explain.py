"""The "why" rows, candidate tables, boxes/marks and the compare table (core/viz/explain.py),
on hand-written sentences projected by the real projectors."""

from core.projection.base import projected_spans
from core.projection.candidate_projector import CandidateProjector
from core.projection.heuristic import HeuristicProjector
from core.types import Alignment, Reason, Sentence, SentenceRecord, Span
from core.viz.colors import OUTCOME_COLORS
from core.viz.explain import (build_inspector_view, candidate_rows, compare_projection_rows,
                              focus_options, focus_sets, focused_entity, projection_outcomes,
                              record_boxes, record_marks, why_rows)

SRC = ("Ana", "Silva", "visited", "New", "York", ".")
TGT = ("Ana", "Silva", "visitou", "Nova", "Iorque", ".")
ENTS = (Span(0, 2, "PER"), Span(3, 5, "LOC"))
GOLD = (Span(0, 2, "PER"), Span(3, 5, "LOC"))


def _record(alignment: Alignment, projector=None, *, gold=GOLD, src=SRC, tgt=TGT, ents=ENTS,
            sid="s1") -> SentenceRecord:
    projector = projector or HeuristicProjector()
    if hasattr(projector, "project_with_candidates"):
        projs, cands = projector.project_with_candidates(ents, alignment, tgt, src_words=src)
    else:
        projs, cands = projector.project(ents, alignment, tgt, src_words=src), []
    return SentenceRecord(sid, "pt", Sentence(sid, "en", src), Sentence(sid, "pt", tgt), ents,
                          alignment, tuple(projs), tuple(projected_spans(projs)), gold,
                          tuple(cands))


HEUR = _record(Alignment.of([(0, 0), (1, 1), (2, 2), (3, 3)], "a"))


def test_projection_outcomes_per_source_entity() -> None:
    assert HEUR.projections[1].reason is Reason.LENGTH_RATIO
    assert projection_outcomes(HEUR) == ["exact", "not_projected"]
    wrong = _record(Alignment.of([(0, 0), (1, 1), (3, 3), (4, 4)]),
                    gold=(Span(0, 2, "ORG"), Span(3, 4, "LOC")))
    assert projection_outcomes(wrong) == ["wrong_type", "boundary"]
    no_gold = _record(HEUR.alignment, gold=None)
    assert projection_outcomes(no_gold) == [None, "not_projected"]


def test_why_rows_explain_projection_ratio_support_and_missed_gold() -> None:
    rows = why_rows(HEUR)
    per, loc, missed = rows
    assert per["reason"] == "projected" and per["outcome"] == "exact"
    assert per["target"] == "'Ana Silva' [0, 2)"
    assert per["support links"] == "Ana→Ana (0→0); Silva→Silva (1→1)"
    assert per["aligned words"] == "2/2" and per["length ratio"] == "2/2 = 1.00"
    assert loc["reason"] == "failed the length-ratio filter"
    assert loc["outcome"] == "not projected" and loc["target"] == "—"
    assert loc["aligned words"] == "1/2"
    assert loc["length ratio"] == "1/2 = 0.50 (rejected [3, 4))"
    assert loc["rejected"] == "[3, 4) failed the length-ratio filter"
    assert "ratio 0.50" in loc["detail"]
    assert missed["kind"] == "missed gold entity" and missed["target"] == "'Nova Iorque' [3, 5)"
    assert "entity 1: LOC 'New York' [3, 5)" in missed["reason"]
    assert "length-ratio" in missed["reason"]


def test_missed_gold_without_links_blames_aligner_or_translation() -> None:
    rec = _record(Alignment.of([(0, 0), (1, 1)]))
    missed = [r for r in why_rows(rec) if r["kind"] == "missed gold entity"]
    assert len(missed) == 1 and "no source word is aligned" in missed[0]["reason"]
    assert why_rows(rec)[1]["reason"] == "no target word aligned"


def test_competitor_and_candidates_when_greedy_blocks_an_entity() -> None:
    src, tgt = ("Paris", "and", "Lyon", "met"), ("Paris", "e", "Lyon", "reuniram")
    ents = (Span(0, 1, "LOC"), Span(2, 3, "LOC"))
    rec = _record(Alignment.of([(0, 0), (2, 0)]), CandidateProjector(), src=src, tgt=tgt,
                  ents=ents, gold=(Span(0, 1, "LOC"), Span(2, 3, "LOC")))
    rows = why_rows(rec)
    assert rows[1]["reason"] == "lost to a higher-scoring entity"
    assert rows[1]["beaten by"] == "entity 0: LOC 'Paris' [0, 1) → 'Paris' [0, 1)"
    assert rows[0]["score"] == 1.0
    cands = candidate_rows(rec)
    assert [(r["entity"], r["candidate"], r["chosen"], r["taken by"]) for r in cands] == [
        (0, "'Paris' [0, 1)", True, ""), (1, "'Paris' [0, 1)", False, "entity 0")]
    assert cands[0]["align"] == 1.0 and cands[0]["sum"] == 1.0
    assert [r["entity"] for r in candidate_rows(rec, entity=1)] == [1]


def test_boxes_and_marks_carry_outcomes() -> None:
    boxes = record_boxes(HEUR)
    got = {(b.side, b.status, b.start, b.end): b.outcome for b in boxes}
    assert got == {("source", "gold", 0, 2): "exact", ("source", "gold", 3, 5): "not_projected",
                   ("target", "gold", 0, 2): "exact", ("target", "gold", 3, 5): "missed",
                   ("target", "projected", 0, 2): "exact"}
    assert all(b.outcome is None for b in record_boxes(HEUR, neutral=True)
               if b.status == "gold")
    marks = record_marks(HEUR)
    assert marks["gold"][1].color == OUTCOME_COLORS["missed"]
    assert marks["projected"][0].style == "dashed"
    assert "length-ratio" in marks["source"][1].title


def test_focus_keys() -> None:
    opts = focus_options(HEUR)
    assert opts[""] == "nothing"
    assert opts["e1"] == "source entity 1: LOC 'New York' [3, 5)"
    assert opts["g1"].startswith("gold target entity 1: LOC")
    assert opts["t4"] == "target word 4: Iorque"
    assert focus_sets(HEUR, "e1") == ({3, 4}, set())
    assert focus_sets(HEUR, "g1") == (set(), {3, 4})
    assert focus_sets(HEUR, "s9") == (set(), set())     # out of range
    assert focus_sets(HEUR, "bogus") == (set(), set())
    assert focused_entity(HEUR, "e1") == 1 and focused_entity(HEUR, "s1") is None


def test_compare_rows_and_view_for_several_aligners() -> None:
    other = _record(Alignment.of([(0, 0), (1, 1), (3, 3), (4, 4)], "b"))
    rows = compare_projection_rows([HEUR, other], ["A: a", "B: b"])
    assert rows[1] == {"entity": "LOC 'New York' [3, 5)",
                       "A: a": "not projected (failed the length-ratio filter)",
                       "B: b": "exact: 'Nova Iorque' [3, 5)"}
    assert rows[-1] == {"entity": "sentence F1", "A: a": "0.67", "B: b": "1.00"}
    view = build_inspector_view([HEUR, other], ["A: a", "B: b"], focus="e1")
    assert view.layout == "rows" and view.compare == rows
    names = {t.name for t in view.links.data}
    assert {"both", "only B: b"} <= names
    # overlaid runs: no projected boxes, source/gold boxes in type colours
    filled = [t for t in view.links.data if t.fill == "toself"]
    assert filled and not any("projected" in t.name for t in filled)
    single = build_inspector_view([HEUR])
    assert single.compare == [] and len(single.why) == 3
    assert "Nova" in single.html and "pi-ent" in single.html
