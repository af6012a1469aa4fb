"""SentenceRecord <-> plain dicts (JSON) and the parquet row the run store keeps per sentence.

A row holds scalar columns the inspector filters and sorts on (counts, outcome counts, entity
types, reasons, searchable text) and the whole record as JSON in column ``record``, so that one
row is enough to redraw a sentence without any other file.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from core.metrics import SentenceResult, evaluate_sentence
from core.types import (Alignment, Candidate, MarkerIssue, Projection, Reason, Sentence,
                        SentenceRecord, Span)

OUTCOME_COLUMNS = ("exact", "boundary", "wrong_type", "missed", "spurious")


def span_to_list(s: Span) -> list[Any]:
    return [s.start, s.end, s.label] if s.score is None else [s.start, s.end, s.label, s.score]


def span_from_list(v: list[Any]) -> Span:
    return Span(int(v[0]), int(v[1]), str(v[2]), float(v[3]) if len(v) > 3 else None)


def _sentence_to_dict(s: Sentence) -> dict[str, Any]:
    return {"id": s.id, "lang": s.lang, "words": list(s.words),
            "labels": list(s.labels) if s.labels is not None else None}


def _sentence_from_dict(d: Mapping[str, Any]) -> Sentence:
    labels = d.get("labels")
    return Sentence(d["id"], d["lang"], tuple(d["words"]),
                    tuple(labels) if labels is not None else None)


def alignment_to_dict(a: Alignment) -> dict[str, Any]:
    return {"aligner": a.aligner, "links": [list(x) for x in a.links],
            "possible": [list(x) for x in a.possible],
            "scores": [[i, j, float(v)] for (i, j), v in sorted(a.scores.items())]}


def alignment_from_dict(d: Mapping[str, Any]) -> Alignment:
    return Alignment.of([tuple(x) for x in d.get("links", [])], d.get("aligner", ""),
                        possible=[tuple(x) for x in d.get("possible", [])],
                        scores={(int(i), int(j)): float(v) for i, j, v in d.get("scores", [])})


def projection_to_dict(p: Projection) -> dict[str, Any]:
    return {"entity": p.entity, "source": span_to_list(p.source),
            "targets": [span_to_list(t) for t in p.targets], "reason": p.reason.value,
            "detail": p.detail, "support": [list(x) for x in p.support],
            "rejected": [[s, e, r.value] for (s, e), r in p.rejected],
            "competitor": p.competitor, "score": p.score}


def projection_from_dict(d: Mapping[str, Any]) -> Projection:
    return Projection(int(d["entity"]), span_from_list(d["source"]),
                      tuple(span_from_list(t) for t in d["targets"]), Reason(d["reason"]),
                      d.get("detail", ""), tuple(tuple(x) for x in d.get("support", [])),
                      tuple(((int(s), int(e)), Reason(r)) for s, e, r in d.get("rejected", [])),
                      d.get("competitor"), d.get("score"))


def candidate_to_dict(c: Candidate) -> dict[str, Any]:
    return {"start": c.start, "end": c.end, "origin": c.origin,
            "scores": {str(k): dict(v) for k, v in c.scores.items()}}


def candidate_from_dict(d: Mapping[str, Any]) -> Candidate:
    return Candidate(int(d["start"]), int(d["end"]), d.get("origin", "ngram"),
                     {int(k): dict(v) for k, v in d.get("scores", {}).items()})


def record_to_dict(r: SentenceRecord) -> dict[str, Any]:
    return {
        "id": r.id, "lang": r.lang,
        "source": _sentence_to_dict(r.source), "target": _sentence_to_dict(r.target),
        "source_entities": [span_to_list(s) for s in r.source_entities],
        "alignment": alignment_to_dict(r.alignment),
        "projections": [projection_to_dict(p) for p in r.projections],
        "predicted": [span_to_list(s) for s in r.predicted],
        "gold": [span_to_list(s) for s in r.gold] if r.gold is not None else None,
        "candidates": [candidate_to_dict(c) for c in r.candidates],
        "translation": r.translation, "back_translation": r.back_translation,
        "marked_translation": r.marked_translation, "extra": extra_dict(r),
    }


#: The typed record fields stored inside the JSON's ``extra`` object, as every stored run (before
#: and after they became fields) has them: the stored format is unchanged.
TYPED_EXTRA = ("english_words", "english_entities", "marker_issues")


def extra_dict(r: SentenceRecord) -> dict[str, Any]:
    """The record's ``extra`` object as stored: its extra entries plus the typed fields."""
    out = {k: v for k, v in r.extra.items() if k not in TYPED_EXTRA}
    if r.english_words is not None:
        out["english_words"] = list(r.english_words)
    if r.english_entities is not None:
        out["english_entities"] = [[s.start, s.end, s.label] for s in r.english_entities]
    if r.marker_issues is not None:
        out["marker_issues"] = [[i.kind, i.detail] for i in r.marker_issues]
    return out


def split_extra(stored: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A stored ``extra`` object -> (the other entries, the typed fields as keyword arguments
    of :class:`SentenceRecord`); old and new records store them alike."""
    stored = dict(stored or {})
    typed: dict[str, Any] = {}
    if "english_words" in stored:
        typed["english_words"] = tuple(str(w) for w in stored.pop("english_words"))
    if "english_entities" in stored:
        typed["english_entities"] = tuple(span_from_list(s) for s in
                                          stored.pop("english_entities"))
    if "marker_issues" in stored:
        typed["marker_issues"] = tuple(MarkerIssue(str(i[0]), str(i[1]) if len(i) > 1 else "")
                                       for i in stored.pop("marker_issues"))
    return stored, typed


def record_from_dict(d: Mapping[str, Any]) -> SentenceRecord:
    gold = d.get("gold")
    extra, typed = split_extra(d.get("extra"))
    return SentenceRecord(
        d["id"], d["lang"], _sentence_from_dict(d["source"]), _sentence_from_dict(d["target"]),
        tuple(span_from_list(s) for s in d["source_entities"]),
        alignment_from_dict(d["alignment"]),
        tuple(projection_from_dict(p) for p in d["projections"]),
        tuple(span_from_list(s) for s in d["predicted"]),
        tuple(span_from_list(s) for s in gold) if gold is not None else None,
        tuple(candidate_from_dict(c) for c in d.get("candidates", [])),
        d.get("translation", ""), d.get("back_translation", ""),
        d.get("marked_translation", ""), extra, **typed,
    )


def evaluate_record(r: SentenceRecord) -> SentenceResult | None:
    """The sentence's scores and outcomes (``None`` when the target has no gold)."""
    if r.gold is None:
        return None
    return evaluate_sentence(r.gold, r.predicted, id=r.id, projections=r.projections)


def record_row(r: SentenceRecord, index: int) -> dict[str, Any]:
    """The parquet row of a record: filter/sort columns + the record as JSON."""
    result = evaluate_record(r)
    outcomes = dict.fromkeys(OUTCOME_COLUMNS, 0)
    if result is not None:
        for o in result.outcomes:  # gold side for exact/boundary/wrong_type/missed
            if o.side == "gold" or o.category == "spurious":
                outcomes[o.category] += 1
    types = sorted({s.label for s in (*r.source_entities, *r.predicted, *(r.gold or ()))})
    return {
        "index": index, "id": r.id, "lang": r.lang,
        "n_source_words": len(r.source.words), "n_target_words": len(r.target.words),
        "n_source_entities": len(r.source_entities),
        "n_projected": sum(p.projected for p in r.projections),
        "n_gold": len(r.gold) if r.gold is not None else None, "n_pred": len(r.predicted),
        "tp": result.score.counts.tp if result else None,
        "fp": result.score.counts.fp if result else None,
        "fn": result.score.counts.fn if result else None,
        "f1": result.f1 if result else None,
        "errors": result.errors if result else None,
        **outcomes,
        "types": types,
        "reasons": sorted({p.reason.value for p in r.projections}),
        "text": " ".join(r.source.words) + " ||| " + " ".join(r.target.words),
        "record": json.dumps(record_to_dict(r), ensure_ascii=False),
    }


def record_from_row(row: Mapping[str, Any]) -> SentenceRecord:
    return record_from_dict(json.loads(row["record"]))
