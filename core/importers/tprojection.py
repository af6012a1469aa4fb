"""T-Projection (García-Ferrero et al. 2023) outputs.

Files (sentence k of each belongs together):

- ``source``: the English CoNLL with labels (``en.europarl.conll``);
- ``output``: T-Projection's output CoNLL, the target words with the projected labels
  (``en2es.europarl.conll``);
- ``scores`` (optional): its ``.json``, source entity text -> {candidate target text -> score}
  (the NMTScore translation probability it ranks candidates by; key ``#@!@#_model_name`` holds
  the model);
- ``outputs`` (optional): its ``.jsonl``, one object per sentence with the source words and
  labels, the source entities in markup (``<Organization>European Parliament</Organization>``)
  and ``preds``, the candidate generator's outputs;
- ``gold`` (optional): the target gold CoNLL (same words as ``output``): the run is scored.

Candidates: every candidate text of an entity, found in the target words, becomes a
:class:`~core.types.Candidate` (origin ``tprojection``) with T-Projection's own score as the
named component ``tprojection``. Each target span of the output goes to the entity that has it
as a candidate (same type first, then the higher score); a span that is no entity's candidate
goes to the first entity of its type without a span (T-Projection gives no alignment). Keys and
candidates are matched exactly, else with punctuation removed (the json writes 'Plooij-van' as
'Plooijvan').

Checks: sentence counts of all files; the same words in ``output`` and ``gold``; the jsonl's
source words, labels and entities equal the source CoNLL's; every source entity's text is a key
of the json. A mismatch names the file, the line and what was expected.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from core.errors import ProjectError
from core.importers.base import (Given, Imported, attribute_spans, block_lines, block_of,
                                 given_file, line_of, merge_candidates, place_text)
from core.labels import tags_to_spans
from core.readers.conll import read_conll
from core.readers.parallel import iter_text_lines, read_json_lines
from core.types import Alignment, Candidate, Reason, Sentence, SentenceRecord, Span

TOOL = "T-Projection"
MODEL_KEY = "#@!@#_model_name"
COMPONENT = "tprojection"
#: T-Projection's markup names of the CoNLL types
TYPE_NAMES = {"Person": "PER", "Organization": "ORG", "Location": "LOC",
              "Miscellaneous": "MISC"}
_MARKUP = re.compile(r"<([A-Za-z_]+)>(.*?)</\1>")


def parse_entity_markup(text: str) -> list[tuple[str, str]]:
    """``<Organization>European Parliament</Organization>...`` -> [("ORG", "European
    Parliament"), ...]; unknown names are kept as they are. Text outside tags is an error."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _MARKUP.finditer(text):
        if text[pos:m.start()].strip():
            raise ProjectError(f"unexpected text {text[pos:m.start()]!r} outside entity tags")
        out.append((TYPE_NAMES.get(m.group(1), m.group(1)), m.group(2).strip()))
        pos = m.end()
    if text[pos:].strip():
        raise ProjectError(f"unbalanced or unknown entity markup {text[pos:]!r}: expected "
                           "<Type>words</Type>")
    return out


def _norm(text: str) -> str:
    """T-Projection's keys drop punctuation inside words ('Plooij-van' -> 'Plooijvan')."""
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))


def _lookup(table: dict[str, dict[str, float]], text: str) -> dict[str, float] | None:
    if text in table:
        return table[text]
    key = " ".join(w for w in (_norm(x) for x in text.split()) if w)
    for k, v in table.items():
        if " ".join(w for w in (_norm(x) for x in k.split()) if w) == key:
            return v
    return None


def _place(words, cand: str) -> list[tuple[int, int]]:
    places = place_text(words, cand)
    if places:
        return places
    return place_text([_norm(w) for w in words], " ".join(_norm(x) for x in cand.split()))


def _read(path: Path, shown: str, lang: str) -> tuple[list[Sentence], list[int]]:
    """Sentences (document markers dropped) and the first line of each."""
    try:
        sents = read_conll(path, lang=lang)
        starts = block_lines(path)
        return sents, [starts[block_of(s.id)] for s in sents]
    except ProjectError as exc:
        raise ProjectError(str(exc).replace(str(path), shown)) from None


def _read_scores(path: Path, shown: str) -> tuple[dict[str, dict[str, float]], str | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ProjectError("not UTF-8 text", path=shown) from None
    except json.JSONDecodeError as exc:
        raise ProjectError(f"not valid JSON ({exc.msg})", path=shown, line=exc.lineno) from None
    if not isinstance(data, dict):
        raise ProjectError("expected a JSON object: entity text -> {candidate: score}",
                           path=shown, line=1)
    model = data.pop(MODEL_KEY, None)
    out: dict[str, dict[str, float]] = {}
    for ent, cands in data.items():
        if not isinstance(cands, dict) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in cands.values()):
            raise ProjectError(f"entity {ent!r}: expected an object candidate text -> score",
                               path=shown, line=_json_line(path, ent))
        out[ent] = {str(c): float(v) for c, v in cands.items()}
    return out, str(model) if model is not None else None


def _json_line(path: Path, key: str) -> int | None:
    needle = json.dumps(key, ensure_ascii=False)
    for n, text in iter_text_lines(path):
        if needle in text:
            return n
    return None


def _read_outputs(path: Path, shown: str) -> list[tuple[int, dict[str, Any]]]:
    return read_json_lines(path, shown)


def _check_outputs(obj: dict[str, Any], n: int, shown: str, src: Sentence,
                   src_shown: str, src_line: int | None) -> list[str]:
    """The jsonl line must describe the source sentence; returns its model outputs."""
    where = f"source sentence {src_shown}:{src_line}"
    words = str(obj.get("source_word", "")).split()
    if words != list(src.words):
        raise ProjectError(f"source_word does not match the {where}: expected "
                           f"{' '.join(src.words)[:80]!r}, found {' '.join(words)[:80]!r}",
                           path=shown, line=n, hint="is this the jsonl of this source file?")
    try:
        found = parse_entity_markup(str(obj.get("source_entity", "")))
    except ProjectError as exc:
        raise ProjectError(f"source_entity: {exc}", path=shown, line=n) from None
    expected = [(s.label, " ".join(src.words[s.start:s.end])) for s in src.spans]
    if found != expected:
        raise ProjectError(f"source entities {found} do not match the {where}: expected "
                           f"{expected}", path=shown, line=n,
                           hint="T-Projection's entities must be the source file's entities")
    preds = obj.get("preds", [])
    if not isinstance(preds, list):
        raise ProjectError("'preds' must be a list of strings", path=shown, line=n)
    return [str(p) for p in preds]


def import_tprojection(source: str | Path, output: str | Path, *, lang: str,
                       scores: str | Path | None = None, outputs: str | Path | None = None,
                       gold: str | Path | None = None, source_lang: str = "en",
                       dataset: str | None = None, names: dict[str, str] | None = None
                       ) -> Imported:
    """Read a T-Projection run (see the module docstring)."""
    names = names or {}
    paths: dict[str, Path] = {"source": Path(source), "output": Path(output)}
    for role, p in (("scores", scores), ("outputs", outputs), ("gold", gold)):
        if p is not None:
            paths[role] = Path(p)
    shown = {k: names.get(k, str(p)) for k, p in paths.items()}
    given: list[Given] = [given_file(p, role, name=names.get(role))
                          for role, p in paths.items()]
    src, src_lines = _read(paths["source"], shown["source"], source_lang)
    out, out_lines = _read(paths["output"], shown["output"], lang)
    if len(out) != len(src):
        raise ProjectError(f"{len(out)} sentences in the output file but {len(src)} in the "
                           "source file", path=shown["output"],
                           line=line_of(out_lines, min(len(out), len(src)))
                           or (out_lines[-1] if out_lines else 1),
                           hint="sentence k of the output must project sentence k of the "
                                "source")
    gold_sents: list[Sentence] | None = None
    if "gold" in paths:
        gold_sents, gold_lines = _read(paths["gold"], shown["gold"], lang)
        if len(gold_sents) != len(out):
            raise ProjectError(f"{len(gold_sents)} sentences in the gold file but {len(out)} "
                               "in the output file", path=shown["gold"],
                               line=line_of(gold_lines, min(len(gold_sents), len(out)))
                               or (gold_lines[-1] if gold_lines else 1))
        for k, (g, o) in enumerate(zip(gold_sents, out)):
            if len(g.words) != len(o.words):
                raise ProjectError(f"sentence {k} has {len(g.words)} tokens in the gold file "
                                   f"but {len(o.words)} in the output file "
                                   f"({shown['output']}:{line_of(out_lines, k)})",
                                   path=shown["gold"], line=line_of(gold_lines, k),
                                   hint="gold and output must have the same tokens")
            for x, (a, b) in enumerate(zip(g.words, o.words)):
                if a != b:
                    raise ProjectError(f"token {x} of sentence {k} is {a!r} in the gold file but "
                                       f"{b!r} in the output file", path=shown["gold"],
                                       line=line_of(gold_lines, k) + x
                                       if line_of(gold_lines, k) else None)
    table: dict[str, dict[str, float]] | None = None
    model = None
    if "scores" in paths:
        table, model = _read_scores(paths["scores"], shown["scores"])
    model_outputs: list[list[str]] | None = None
    if "outputs" in paths:
        lines = _read_outputs(paths["outputs"], shown["outputs"])
        if len(lines) != len(src):
            raise ProjectError(f"{len(lines)} lines in the jsonl but {len(src)} source "
                               "sentences", path=shown["outputs"],
                               line=(lines[min(len(lines), len(src)) - 1][0] + 1) if lines
                               else 1)
        model_outputs = [_check_outputs(obj, n, shown["outputs"], s, shown["source"],
                                        line_of(src_lines, k))
                         for k, ((n, obj), s) in enumerate(zip(lines, src))]
    records: list[SentenceRecord] = []
    stem = Path(shown["source"]).stem
    unplaced = 0
    for k, (s, o) in enumerate(zip(src, out)):
        entities = tuple(sorted(s.spans))
        cands: list[Candidate] = []
        best: dict[tuple[int, int, int], float] = {}
        missing: list[str] = []
        for e_idx, ent in enumerate(entities):
            text = " ".join(s.words[ent.start:ent.end])
            if table is None:
                continue
            found = _lookup(table, text)
            if found is None:
                raise ProjectError(
                    f"source entity {text!r} ({ent.label}) of sentence {k} "
                    f"({shown['source']}:{line_of(src_lines, k)}) is not in the scores file",
                    path=shown["scores"], hint="the json must be T-Projection's output for "
                                               "this source file")
            for cand, score in found.items():
                places = _place(o.words, cand)
                if not places:
                    missing.append(f"{cand!r} for entity {e_idx}")
                for a, b in places:
                    cands.append(Candidate(a, b, COMPONENT, {e_idx: {COMPONENT: score}}))
                    best[(e_idx, a, b)] = max(best.get((e_idx, a, b), score), score)
        unplaced += len(missing)
        predicted = tuple(sorted(o.spans))

        def affinity(e_idx: int, span: Span) -> float | None:
            return best.get((e_idx, span.start, span.end))

        projections, rest = attribute_spans(entities, predicted, None, o.words, tool=TOOL,
                                            affinity=affinity if table is not None else None,
                                            affinity_name="T-Projection score")
        if table is not None:
            projections = [_explain(p, table, s.words, o.words, best) for p in projections]
        sid = f"{stem}:{k}"
        extra: dict[str, Any] = {}
        if model_outputs is not None:
            extra["model_outputs"] = model_outputs[k]
        if missing:
            extra["unplaced_candidates"] = missing
        if rest:
            extra["unclaimed_spans"] = [[x.start, x.end, x.label] for x in rest]
        g = gold_sents[k] if gold_sents is not None else None
        target = Sentence(sid, lang, o.words, g.labels if g is not None else None)
        records.append(SentenceRecord(
            sid, lang, Sentence(sid, source_lang, s.words, s.labels), target, entities,
            Alignment.of([]), tuple(projections), predicted,
            tuple(tags_to_spans(g.labels)) if g is not None else None,
            merge_candidates(cands), extra=extra))
    notes: dict[str, Any] = {"sentences": len(records), "unplaced_candidates": unplaced}
    if model:
        notes["model"] = model
    return Imported("tprojection", TOOL, records, given, lang, source_lang,
                    dataset or Path(shown["source"]).stem or "imported", aligner=None,
                    method=f"t-projection:{Path(shown['output']).stem}",
                    reference="gold" if gold_sents is not None else None, notes=notes)


def _explain(p, table, src_words, tgt_words, best):
    """Unprojected entities: say what T-Projection's candidates were."""
    from dataclasses import replace

    if p.projected:
        return p
    text = " ".join(src_words[p.source.start:p.source.end])
    cands = _lookup(table, text) or {}
    if not cands:
        return replace(p, reason=Reason.NO_CANDIDATE,
                       detail=f"{TOOL} kept no candidate for '{text}' (none scored above its "
                              "threshold)")
    top = max(cands.items(), key=lambda kv: kv[1])
    placed = any(k[0] == p.entity for k in best)
    return replace(p, reason=Reason.NOT_SELECTED,
                   detail=f"{TOOL} labelled no span for it; its best candidate was '{top[0]}' "
                          f"(score {top[1]:.3f})" + ("" if placed else
                                                     ", which is not in the target words"))
