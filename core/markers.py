"""EasyProject-style marker translation (mark, translate, parse, match).

Used two ways (METHOD.md §3):
- translate-train with EasyProject: the bracketed spans of the translated sentence *are* the
  projected entities;
- back-translation refinement: the bracketed back-translation B gets its labels from the source
  entities, and the target sentence is then aligned with B.

Steps: every source entity is wrapped in ``[ … ]`` (one marker symbol for all types); the marked
sentence is translated; the markers are parsed out of the translation, recording every problem
(see :class:`MarkerIssue`); each entity is translated on its own; each bracketed span is labelled
with the entity whose stand-alone translation is most similar (``difflib`` ratio, case-insensitive,
above a threshold), best pairs first, each entity and each span used at most once.

Issue kinds recorded per sentence:
- ``lost``: an entity whose markers did not survive (no span matched it);
- ``unbalanced_open`` / ``unbalanced_close``: a ``[`` never closed / a ``]`` never opened (the
  stray marker is dropped, the words are kept);
- ``nested``: a ``[`` inside an open span (dropped; the outer span is kept);
- ``empty``: ``[ ]`` with no words inside;
- ``unmatched_span``: a bracketed span similar to no entity above the threshold;
- ``moved``: an entity whose stand-alone translation occurs outside every span while a span
  that matched nothing sits elsewhere (the markers enclose other words);
- ``merged``: one span whose text contains the translations of two or more entities (it is
  still labelled with its best match, if any; the others are usually ``lost``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from core.types import MarkerIssue, Span

OPEN, CLOSE = "[", "]"

Splitter = Callable[[str], list[str]]


class Translator(Protocol):
    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]: ...


@dataclass(frozen=True)
class MarkerParse:
    """Words of a marked sentence with the markers removed, and the bracketed word ranges."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    issues: tuple[MarkerIssue, ...]


@dataclass(frozen=True)
class MarkerMatch:
    span: tuple[int, int]
    entity: int
    ratio: float


@dataclass(frozen=True)
class MarkerResult:
    """One sentence after marker translation: labelled spans on the translated words."""

    marked_source: str
    marked_translation: str
    entity_translations: tuple[str, ...]
    words: tuple[str, ...]
    spans: tuple[Span, ...]
    matches: tuple[MarkerMatch, ...]
    issues: tuple[MarkerIssue, ...]

    @property
    def n_lost(self) -> int:
        return sum(1 for i in self.issues if i.kind == "lost")


def whitespace_split(text: str) -> list[str]:
    return text.split()


def mark_entities(words: Sequence[str], spans: Sequence[Span]) -> str:
    """Join ``words`` with spaces, wrapping each entity as ``[ w1 w2 ]``."""
    starts = {s.start for s in spans}
    ends = {s.end for s in spans}
    out: list[str] = []
    for k, w in enumerate(words):
        if k in ends:
            out.append(CLOSE)
        if k in starts:
            out.append(OPEN)
        out.append(w)
    if len(words) in ends:
        out.append(CLOSE)
    return " ".join(out)


def parse_markers(text: str, *, split: Splitter = whitespace_split) -> MarkerParse:
    """Remove ``[``/``]`` markers from ``text``; return words, bracketed ranges and issues."""
    segments: list[tuple[str, bool]] = []  # (text, inside a span)
    issues: list[MarkerIssue] = []
    buf: list[str] = []
    inside = False
    for piece in re.split(r"(\[|\])", text):
        if piece == OPEN:
            if inside:
                issues.append(MarkerIssue("nested", "a '[' inside an open span was dropped"))
                continue
            segments.append(("".join(buf), False))
            buf, inside = [], True
        elif piece == CLOSE:
            if not inside:
                issues.append(MarkerIssue("unbalanced_close", "a ']' without '[' was dropped"))
                continue
            segments.append(("".join(buf), True))
            buf, inside = [], False
        else:
            buf.append(piece)
    if inside:
        issues.append(MarkerIssue("unbalanced_open", "a '[' was never closed; its span was dropped"))
    segments.append(("".join(buf), False))

    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for seg, is_span in segments:
        seg_words = split(seg) if seg.strip() else []
        if is_span:
            if seg_words:
                spans.append((len(words), len(words) + len(seg_words)))
            else:
                issues.append(MarkerIssue("empty", "'[ ]' enclosed no words"))
        words.extend(seg_words)
    return MarkerParse(tuple(words), tuple(spans), tuple(issues))


def similarity(a: str, b: str) -> float:
    """Case-insensitive ``difflib`` ratio of two strings."""
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def match_spans(span_texts: Sequence[str], entity_texts: Sequence[str], *,
                threshold: float = 0.5) -> list[MarkerMatch | None]:
    """Assign each span to its most similar entity (ratio > threshold), best pairs first.

    Returns one entry per span: the match or ``None``. Each entity is used at most once. Ties are
    broken by span order, then entity order.
    """
    pairs = sorted(((similarity(s, e), si, ei) for si, s in enumerate(span_texts)
                    for ei, e in enumerate(entity_texts)), key=lambda p: (-p[0], p[1], p[2]))
    result: list[MarkerMatch | None] = [None] * len(span_texts)
    used: set[int] = set()
    for ratio, si, ei in pairs:
        if ratio <= threshold:
            break
        if result[si] is None and ei not in used:
            result[si] = MarkerMatch((0, 0), ei, ratio)
            used.add(ei)
    return result


def label_marked_translation(marked_translation: str, entities: Sequence[Span],
                             entity_translations: Sequence[str], *, marked_source: str = "",
                             split: Splitter = whitespace_split,
                             threshold: float = 0.5) -> MarkerResult:
    """Parse a marked translation and label its spans with the source entities' types."""
    parsed = parse_markers(marked_translation, split=split)
    texts = [" ".join(parsed.words[s:e]) for s, e in parsed.spans]
    assignment = match_spans(texts, entity_translations, threshold=threshold)
    issues = list(parsed.issues)
    matches: list[MarkerMatch] = []
    spans: list[Span] = []
    for (s, e), m in zip(parsed.spans, assignment):
        if m is None:
            continue
        matches.append(MarkerMatch((s, e), m.entity, m.ratio))
        spans.append(Span(s, e, entities[m.entity].label, m.ratio))
    matched = {m.entity for m in matches}
    unmatched_spans = [(rng, t) for rng, t, m in zip(parsed.spans, texts, assignment) if m is None]
    lost = [k for k in range(len(entities)) if k not in matched]
    plain = " ".join(parsed.words).lower()
    for rng, text in zip(parsed.spans, texts):
        inside = [k for k, tr in enumerate(entity_translations)
                  if tr.strip() and tr.strip().lower() in text.lower()]
        distinct = {entity_translations[k].strip().lower() for k in inside}
        if len(distinct) >= 2 and sum(map(len, distinct)) <= len(text):
            issues.append(MarkerIssue("merged", f"span {list(rng)} '{text}' holds entities "
                                      f"{inside} together"))
    for rng, text in unmatched_spans:
        issues.append(MarkerIssue("unmatched_span", f"span {list(rng)} '{text}' is similar "
                                  f"to no entity above {threshold}"))
    for k in lost:
        tr = entity_translations[k].strip().lower()
        if unmatched_spans and tr and tr in plain:
            issues.append(MarkerIssue("moved", f"entity {k} '{entity_translations[k]}' appears "
                                      "outside the markers", entity=k))
        issues.append(MarkerIssue("lost", f"entity {k} ({entities[k].label}) got no span",
                                  entity=k))
    return MarkerResult(marked_source, marked_translation, tuple(entity_translations),
                        parsed.words, tuple(sorted(spans)), tuple(matches), tuple(issues))


def translate_with_markers(translator: Translator,
                           items: Sequence[tuple[Sequence[str], Sequence[Span]]],
                           src_lang: str, tgt_lang: str, *, split: Splitter = whitespace_split,
                           threshold: float = 0.5) -> list[MarkerResult]:
    """Mark, translate (batched), translate entities alone (batched, unique), parse, match."""
    marked = [mark_entities(words, spans) for words, spans in items]
    translations = translator.translate(marked, src_lang, tgt_lang)
    entity_strings = sorted({s.text(words) for words, spans in items for s in spans})
    entity_tr = dict(zip(entity_strings,
                         translator.translate(entity_strings, src_lang, tgt_lang)
                         if entity_strings else []))
    results = []
    for (words, spans), src, tr in zip(items, marked, translations):
        ents = sorted(spans)
        results.append(label_marked_translation(
            tr, ents, [entity_tr[s.text(words)] for s in ents], marked_source=src, split=split,
            threshold=threshold))
    return results
