"""Our own JSONL export (:mod:`core.export`, ``docs/formats.md``), read back exactly: words,
labels, scored links, every projection with its reason, detail, support, rejected ranges and
competitor, and the candidates with their named score components. Another tool can write the
same format to have its projections and candidate scores shown in the inspector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import ProjectError
from core.importers.base import Given, Imported, given_file, merge_candidates
from core.labels import tags_to_spans
from core.readers.parallel import read_json_lines
from core.readers.pharaoh import parse_pharaoh_line
from core.records import split_extra
from core.types import Candidate, Projection, Reason, Sentence, SentenceRecord, Span

TOOL = "projection-inspector"


def _words(obj: dict, key: str, n: int, shown: str, optional: bool = False) -> list[str] | None:
    v = obj.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, list) or not all(isinstance(w, str) for w in v):
        raise ProjectError(f"'{key}' must be a list of strings", path=shown, line=n)
    return v


def _record(obj: dict[str, Any], n: int, shown: str, lang: str | None) -> SentenceRecord:
    sw = _words(obj, "source_words", n, shown)
    tw = _words(obj, "target_words", n, shown)
    sl = _words(obj, "source_labels", n, shown, optional=True)
    pl = _words(obj, "predicted_labels", n, shown)
    gl = _words(obj, "gold_labels", n, shown, optional=True)
    for key, labels, words in (("source_labels", sl, sw), ("predicted_labels", pl, tw),
                               ("gold_labels", gl, tw)):
        if labels is not None and len(labels) != len(words):
            raise ProjectError(f"'{key}' has {len(labels)} labels for {len(words)} words",
                               path=shown, line=n, hint="one label per word")
    sid = str(obj.get("id", f"{Path(shown).stem}:{n - 1}"))
    lg = str(obj.get("lang") or lang or "")
    if not lg:
        raise ProjectError("no 'lang' in the line and none given", path=shown, line=n,
                           setting="lang")
    a = parse_pharaoh_line(str(obj.get("alignment", "")), aligner=str(obj.get("aligner", "")))
    a.check_bounds(len(sw), len(tw), where=f"{shown}:{n} alignment")
    projections, cands = [], []
    for e in obj.get("entities", []):
        k = int(e["entity"])
        s0, s1 = (int(x) for x in e["source"])
        if not (0 <= s0 < s1 <= len(sw)):
            raise ProjectError(f"entity {k}: source range [{s0}, {s1}) is outside the "
                               f"{len(sw)} source words", path=shown, line=n)
        targets = []
        for t in e.get("targets", []):
            if not (0 <= int(t[0]) < int(t[1]) <= len(tw)):
                raise ProjectError(f"entity {k}: target range {t[:2]} is outside the {len(tw)} "
                                   "target words", path=shown, line=n)
            targets.append(Span(int(t[0]), int(t[1]), str(t[2])))
        projections.append(Projection(
            k, Span(s0, s1, str(e["type"])), tuple(targets), Reason(e["reason"]),
            str(e.get("detail", "")), tuple(tuple(x) for x in e.get("support", [])),
            tuple(((int(s), int(t)), Reason(r)) for s, t, r in e.get("rejected", [])),
            e.get("competitor"), e.get("score")))
        for c in e.get("candidates", []):
            if not (0 <= int(c["start"]) < int(c["end"]) <= len(tw)):
                raise ProjectError(f"entity {k}: candidate [{c['start']}, {c['end']}) is outside "
                                   f"the {len(tw)} target words", path=shown, line=n)
            cands.append(Candidate(int(c["start"]), int(c["end"]), str(c.get("origin", "")),
                                   {k: {str(x): float(v) for x, v in
                                        c.get("components", {}).items()}}))
    entities = tuple(p.source for p in sorted(projections, key=lambda p: p.entity)) \
        if projections else tuple(tags_to_spans(sl)) if sl else ()
    gold = tuple(tags_to_spans(gl)) if gl is not None else None
    try:
        extra, typed = split_extra(obj.get("extra") if isinstance(obj.get("extra"), dict) else {})
    except (TypeError, ValueError, IndexError, KeyError, ProjectError) as exc:
        raise ProjectError(f"malformed 'extra' entry ({exc})", path=shown, line=n) from None
    return SentenceRecord(
        sid, lg, Sentence(sid, str(obj.get("source_lang", "en")), tuple(sw),
                          tuple(sl) if sl is not None else None),
        Sentence(sid, lg, tuple(tw), tuple(gl) if gl is not None else None), entities, a,
        tuple(projections), tuple(tags_to_spans(pl)), gold, merge_candidates(cands),
        translation=str(obj.get("translation", "")),
        back_translation=str(obj.get("back_translation", "")),
        marked_translation=str(obj.get("marked_translation", "")),
        extra=extra, **typed)


def import_jsonl(path: str | Path, *, lang: str | None = None, dataset: str | None = None,
                 tool: str | None = None, names: dict[str, str] | None = None) -> Imported:
    """Read a JSONL export (one object per sentence, docs/formats.md)."""
    names = names or {}
    path = Path(path)
    shown = names.get("path") or names.get("jsonl") or str(path)
    given: list[Given] = [given_file(path, "jsonl", name=names.get("path") or names.get("jsonl"))]
    records: list[SentenceRecord] = []
    try:
        lines = read_json_lines(path, shown)
    except ProjectError as exc:
        raise ProjectError(str(exc).replace(str(path), shown)) from None
    for n, obj in lines:
        try:
            records.append(_record(obj, n, shown, lang))
        except ProjectError as exc:
            if exc.path is not None:
                raise
            raise ProjectError(str(exc), path=shown, line=n) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise ProjectError(f"malformed entity ({type(exc).__name__}: {exc})", path=shown,
                               line=n, hint="see docs/formats.md for the fields") from None
    if not records:
        raise ProjectError("no sentence in the file", path=shown)
    langs = sorted({r.lang for r in records})
    aligners = sorted({r.alignment.aligner for r in records if r.alignment.aligner})
    has_gold = all(r.gold is not None for r in records)
    stem = Path(shown).stem
    return Imported("jsonl", tool or TOOL, records, given, langs[0] if len(langs) == 1
                    else "multi", records[0].source.lang, dataset or stem or "imported",
                    aligner=aligners[0] if len(aligners) == 1 else None,
                    method=f"jsonl:{stem}", reference="gold" if has_gold else None,
                    notes={"sentences": len(records)})
