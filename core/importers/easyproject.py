"""EasyProject (Chen et al. 2023) marker translations.

Files:

- ``source``: the English CoNLL with labels (``-DOCSTART-`` blocks are skipped);
- ``translations``: one marked translation per source sentence, entities in ``[ … ]``
  (EasyProject's markers), e.g. ``Angela Merkel besuchte [ Paris ] .`` — line k belongs to
  the k-th source sentence;
- ``entities`` (optional): the stand-alone translation of every source entity, one line per
  sentence, the entities of that sentence separated by `` ||| `` in source order (EasyProject's
  fuzzy matching uses them);
- ``gold`` (optional): target gold CoNLL with the same words as the parsed translations.

The marker parser (:mod:`core.markers`) removes the markers, splits the words
(:func:`core.text.split_words`, or whitespace with ``split="whitespace"``) and records every
marker issue. Spans are labelled: with entity translations by EasyProject's fuzzy matching
(:func:`core.markers.label_marked_translation`); without them, by order when a sentence has as
many spans as entities, else by similarity to the English entity text.

Unbalanced brackets (a ``[`` never closed, a ``]`` never opened) are an error naming the line,
unless ``lenient``: then they are recorded as marker issues like the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import ProjectError
from core.importers.base import Given, Imported, block_lines, block_of, given_file, line_of
from core.labels import tags_to_spans
from core.markers import (MarkerIssue, MarkerMatch, label_marked_translation, parse_markers,
                          whitespace_split)
from core.readers.conll import is_docstart, read_conll
from core.readers.parallel import read_lines
from core.types import Alignment, Projection, Reason, Sentence, SentenceRecord, Span

TOOL = "EasyProject"
ENTITY_SEP = "|||"
SPLITS = ("words", "whitespace")


def _splitter(split: str, lang: str):
    if split == "whitespace":
        return whitespace_split
    if split == "words":
        from core.text import split_words

        return lambda text: split_words(text, lang)
    raise ProjectError(f"unknown split {split!r}", setting="split",
                       hint=f"use one of {', '.join(SPLITS)}")


def import_easyproject(source: str | Path, translations: str | Path, *, lang: str,
                       entities: str | Path | None = None, gold: str | Path | None = None,
                       source_lang: str = "en", dataset: str | None = None,
                       split: str = "words", lenient: bool = False, threshold: float = 0.5,
                       names: dict[str, str] | None = None) -> Imported:
    """Read EasyProject marker translations (see the module docstring)."""
    names = names or {}
    paths: dict[str, Path] = {"source": Path(source), "translations": Path(translations)}
    if entities is not None:
        paths["entities"] = Path(entities)
    if gold is not None:
        paths["gold"] = Path(gold)
    shown = {k: names.get(k, str(p)) for k, p in paths.items()}
    given: list[Given] = [given_file(p, role, name=names.get(role))
                          for role, p in paths.items()]
    splitter = _splitter(split, lang)

    def reread(fn, role):
        try:
            return fn()
        except ProjectError as exc:
            raise ProjectError(str(exc).replace(str(paths[role]), shown[role])) from None

    src_all = reread(lambda: read_conll(paths["source"], lang=source_lang), "source")
    src_lines = reread(lambda: block_lines(paths["source"]), "source")
    src = [s for s in src_all if not is_docstart(s)]
    lines = reread(lambda: read_lines(paths["translations"]), "translations")
    if len(lines) != len(src):
        raise ProjectError(f"{len(lines)} lines in the translations file but {len(src)} source "
                           "sentences", path=shown["translations"],
                           line=min(len(lines), len(src)) + 1,
                           hint="one marked translation per source sentence, in order")
    ent_lines: list[str] | None = None
    if "entities" in paths:
        ent_lines = reread(lambda: read_lines(paths["entities"]), "entities")
        if len(ent_lines) != len(src):
            raise ProjectError(f"{len(ent_lines)} lines in the entity translations file but "
                               f"{len(src)} source sentences", path=shown["entities"],
                               line=min(len(ent_lines), len(src)) + 1)
    gold_sents: list[Sentence] | None = None
    gold_lines: list[int] = []
    if "gold" in paths:
        gold_sents = reread(lambda: read_conll(paths["gold"], lang=lang), "gold")
        gold_lines = reread(lambda: block_lines(paths["gold"]), "gold")
        if len(gold_sents) != len(src):
            raise ProjectError(f"{len(gold_sents)} sentences in the gold file but {len(src)} "
                               "source sentences", path=shown["gold"],
                               line=line_of(gold_lines, min(len(gold_sents), len(src))))
    records: list[SentenceRecord] = []
    stem = Path(shown["source"]).stem
    n_issues = 0
    for k, (s, text) in enumerate(zip(src, lines)):
        ents = tuple(sorted(s.spans))
        parsed = parse_markers(text, split=splitter)
        bad = [i for i in parsed.issues if i.kind in ("unbalanced_open", "unbalanced_close")]
        opens, closes = text.count("["), text.count("]")
        if (bad or opens != closes) and not lenient:
            what = bad[0].detail if bad else "a '[' inside an open span was never closed"
            raise ProjectError(f"unbalanced markers ({opens} '[' and {closes} ']'): {what}",
                               path=shown["translations"], line=k + 1,
                               hint="expected every '[' closed by a ']'; import with lenient "
                                    "to record it as a marker issue")
        if ent_lines is not None:
            tr = [x.strip() for x in ent_lines[k].split(ENTITY_SEP)] if ent_lines[k].strip() \
                else []
            if len(tr) != len(ents):
                raise ProjectError(f"{len(tr)} entity translations but the source sentence "
                                   f"({shown['source']}:{line_of(src_lines, block_of(s.id))}) "
                                   f"has {len(ents)} entities", path=shown["entities"],
                                   line=k + 1, hint=f"separate them with ' {ENTITY_SEP} '")
            res = label_marked_translation(text, ents, tr, split=splitter, threshold=threshold)
            how = "fuzzy match of the entity translations"
        elif len(parsed.spans) == len(ents):
            res = _by_order(text, ents, parsed)
            how = "by order (as many spans as entities)"
        else:
            texts = [" ".join(s.words[e.start:e.end]) for e in ents]
            res = label_marked_translation(text, ents, texts, split=splitter,
                                           threshold=threshold)
            how = "similarity to the English entity text"
        projections = _projections(ents, res, how)
        sid = f"{stem}:{block_of(s.id)}"
        g = gold_sents[k] if gold_sents is not None else None
        if g is not None and len(g.words) != len(res.words):
            raise ProjectError(f"the gold sentence has {len(g.words)} tokens but the parsed "
                               f"translation on line {k + 1} of {shown['translations']} has "
                               f"{len(res.words)}", path=shown["gold"],
                               line=line_of(gold_lines, block_of(g.id)),
                               hint="the gold file must hold the translation's words; try "
                                    "split='whitespace'")
        issues = tuple(MarkerIssue(i.kind, i.detail) for i in res.issues)
        n_issues += len(issues)
        records.append(SentenceRecord(
            sid, lang, Sentence(sid, source_lang, s.words, s.labels),
            Sentence(sid, lang, tuple(res.words), g.labels if g is not None else None), ents,
            Alignment.of([]), projections, tuple(sorted(sp for p in projections
                                                        for sp in p.targets)),
            tuple(tags_to_spans(g.labels)) if g is not None else None,
            translation=" ".join(res.words), marked_translation=text,
            extra={"matching": how}, marker_issues=issues))
    return Imported("easyproject", TOOL, records, given, lang, source_lang,
                    dataset or stem or "imported", aligner=None,
                    method=f"easyproject:{Path(shown['translations']).stem}",
                    reference="gold" if gold_sents is not None else None,
                    notes={"sentences": len(records), "marker_issues": n_issues},
                    options={"split": split, "lenient": lenient, "threshold": threshold})


class _Result:
    """The parts of :class:`core.markers.MarkerResult` the projections need."""

    def __init__(self, words, spans, matches, issues) -> None:
        self.words, self.spans, self.matches, self.issues = words, spans, matches, issues


def _by_order(text: str, ents: tuple[Span, ...], parsed) -> _Result:
    matches = [MarkerMatch(rng, k, 1.0) for k, rng in enumerate(parsed.spans)]
    spans = tuple(Span(s, e, ents[k].label) for k, (s, e) in enumerate(parsed.spans))
    return _Result(parsed.words, spans, matches, tuple(parsed.issues))


def _projections(ents: tuple[Span, ...], res: Any, how: str) -> tuple[Projection, ...]:
    by_entity = {m.entity: m for m in res.matches}
    out = []
    for k, ent in enumerate(ents):
        m = by_entity.get(k)
        if m is not None:
            score = None if how.startswith("by order") else m.ratio
            detail = f"marker span [{m.span[0]}, {m.span[1]}) matched {how}"
            if score is not None:
                detail += f" (ratio {score:.2f})"
            out.append(Projection(k, ent, (Span(m.span[0], m.span[1], ent.label),),
                                  Reason.PROJECTED, detail, score=score))
        else:
            why = "; ".join(i.detail for i in res.issues
                            if isinstance(i, MarkerIssue) and i.entity == k) or "markers lost"
            out.append(Projection(k, ent, (), Reason.NO_CANDIDATE, why))
    return tuple(out)
