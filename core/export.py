"""Export a run so that other tools can use it (``python -m core export RUN --format ...``).

Formats (``docs/formats.md`` documents each):

- ``pharaoh``: ``<run>.talp``, one alignment per sentence (``i-j``, or ``i-j-p`` when the run
  has link scores), and ``<run>.src-tgt.txt``, the words as awesome-align reads them
  (``source words ||| target words``);
- ``conll``: ``<run>.source.conll`` (source words and labels), ``<run>.projected.conll`` (target
  words and the projected labels) and, when every sentence has gold, ``<run>.gold.conll``;
- ``jsonl``: ``<run>.jsonl``, one object per sentence with the words, labels, links with
  scores, and per source entity its projection, reason, and candidates with their named score
  components (:data:`JSONL_VERSION`). ``python -m core import jsonl`` reads it back exactly.

Files are written atomically; the run is read with its checksum verified.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

from core.cache import atomic_write_text
from core.errors import ProjectError
from core.labels import spans_to_tags
from core.readers.conll import format_conll
from core.readers.pharaoh import format_pharaoh
from core.records import extra_dict
from core.types import SentenceRecord, Sentence

FORMATS = ("pharaoh", "conll", "jsonl")
JSONL_VERSION = 1


def read_records(runs_root: str | Path, run_id: str) -> tuple[list[SentenceRecord], dict]:
    """A run's records (in corpus order) and its manifest."""
    from core.records import record_from_row
    from core.runs import read_manifest, read_sentences, run_dir

    df = read_sentences(runs_root, run_id)
    if "index" in df:
        df = df.sort_values("index")
    return [record_from_row(row) for row in df.to_dict("records")], \
        read_manifest(run_dir(runs_root, run_id))


def _is_silver(r: SentenceRecord) -> bool:
    return str((r.extra or {}).get("reference", "")).startswith("silver")


def record_json(r: SentenceRecord) -> dict[str, Any]:
    """One line of the JSONL export (see docs/formats.md)."""
    src, tgt = r.source.words, r.target.words
    claimed = {(t.start, t.end, t.label) for p in r.projections for t in p.targets}
    entities = []
    for p in r.projections:
        cands = []
        for c in r.candidates:
            comps = c.scores.get(p.entity)
            if comps is None:
                continue
            cands.append({"start": c.start, "end": c.end, "text": " ".join(tgt[c.start:c.end]),
                          "origin": c.origin,
                          "components": {k: float(v) for k, v in comps.items()},
                          "sum": float(sum(comps.values())),
                          "chosen": any(t.range == c.range for t in p.targets)})
        cands.sort(key=lambda c: (-c["sum"], c["start"], c["end"]))
        entities.append({
            "entity": p.entity, "type": p.source.label, "source": [p.source.start, p.source.end],
            "text": " ".join(src[p.source.start:p.source.end]),
            "targets": [[t.start, t.end, t.label] for t in p.targets],
            "target_texts": [" ".join(tgt[t.start:t.end]) for t in p.targets],
            "reason": p.reason.value, "detail": p.detail,
            "support": [list(x) for x in p.support],
            "rejected": [[s, e, why.value] for (s, e), why in p.rejected],
            "competitor": p.competitor, "score": p.score, "candidates": cands})
    silver = _is_silver(r)
    return {
        "format": "projection-inspector", "version": JSONL_VERSION,
        "id": r.id, "lang": r.lang, "source_lang": r.source.lang,
        "source_words": list(src),
        "source_labels": list(spans_to_tags(r.source_entities, len(src))),
        "target_words": list(tgt),
        "predicted_labels": list(spans_to_tags(r.predicted, len(tgt))),
        "gold_labels": (list(spans_to_tags(r.gold, len(tgt)))
                        if r.gold is not None and not silver else None),
        "alignment": format_pharaoh(r.alignment, with_scores=True),
        "aligner": r.alignment.aligner,
        "entities": entities,
        "unclaimed": [[s.start, s.end, s.label] for s in r.predicted
                      if (s.start, s.end, s.label) not in claimed],
        "translation": r.translation, "back_translation": r.back_translation,
        "marked_translation": r.marked_translation,
        "extra": {k: v for k, v in extra_dict(r).items() if k != "reference"},
    }


def _conll(records: Iterable[SentenceRecord], side: str) -> str:
    sents = []
    for r in records:
        if side == "source":
            words, spans, sid = r.source.words, r.source_entities, r.id
        elif side == "projected":
            words, spans, sid = r.target.words, r.predicted, r.id
        else:
            words, spans, sid = r.target.words, r.gold or (), r.id
        if not words:
            raise ProjectError(f"sentence {sid!r} has no {side} words and cannot be written as "
                               "CoNLL", setting="format",
                               hint="export it as jsonl instead")
        sents.append(Sentence(sid, r.lang, tuple(words), tuple(spans_to_tags(spans, len(words)))))
    return format_conll(sents)


def export_run(runs_root: str | Path, run_id: str, formats: Sequence[str], out: str | Path
               ) -> list[Path]:
    """Write the run in each of ``formats`` under ``out``; returns the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ProjectError(f"unknown export format(s) {unknown}" if unknown
                           else "no export format given", setting="format",
                           hint=f"valid formats: {', '.join(FORMATS)}")
    records, _ = read_records(runs_root, run_id)
    out = Path(out)
    texts: dict[str, str] = {}  # build everything first: an error writes nothing
    if "pharaoh" in formats:
        has_scores = any(r.alignment.scores for r in records)
        texts[f"{run_id}.talp"] = "".join(
            format_pharaoh(r.alignment, with_scores=has_scores) + "\n" for r in records)
        texts[f"{run_id}.src-tgt.txt"] = "".join(
            f"{' '.join(r.source.words)} ||| {' '.join(r.target.words)}\n" for r in records)
    if "conll" in formats:
        texts[f"{run_id}.source.conll"] = _conll(records, "source")
        texts[f"{run_id}.projected.conll"] = _conll(records, "projected")
        if records and all(r.gold is not None and not _is_silver(r) for r in records):
            texts[f"{run_id}.gold.conll"] = _conll(records, "gold")
    if "jsonl" in formats:
        texts[f"{run_id}.jsonl"] = "".join(
            json.dumps(record_json(r), ensure_ascii=False) + "\n" for r in records)
    if out.exists() and not out.is_dir():
        raise ProjectError("not a directory", path=out, setting="--out")
    written = []
    for name, text in texts.items():
        atomic_write_text(out / name, text)
        written.append(out / name)
    return written
