"""Tags <-> spans, in one place, and label mapping as configuration.

``tags_to_spans`` reads IOB2, IOB1, BIOES/BILOU and IO tag sequences. With ``repair=True`` (the
default, used by readers) an ``I-X`` that does not continue an ``X`` entity starts a new one, as
an ``E-X`` without a matching start does: the usual repair of invalid sequences. With
``repair=False`` it follows seqeval's strict IOB2 mode (only ``B-X I-X*`` forms an entity; stray
``I-X`` are ignored), which :mod:`core.metrics` uses so that our F1 equals seqeval's.

``spans_to_tags`` always writes valid IOB2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from core.errors import ProjectError
from core.types import Span

_PREFIXES = {"B", "I", "E", "S", "L", "U"}
_NORMALISE = {"L": "E", "U": "S"}  # BILOU -> BIOES


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER"`` -> ``("B", "PER")``; ``"O"`` -> ``("O", None)``. Raises on anything else."""
    if tag == "O":
        return "O", None
    prefix, sep, label = tag.partition("-")
    if sep and prefix in _PREFIXES and label:
        return _NORMALISE.get(prefix, prefix), label
    raise ProjectError(f"invalid tag {tag!r}: expected 'O' or a prefix B/I/E/S/L/U, '-', and a type "
                       "(e.g. 'B-PER')")


def tags_to_spans(tags: Sequence[str] | None, *, repair: bool = True) -> list[Span]:
    """Entity spans of a tag sequence (see module docstring for the two modes)."""
    if not tags:
        return []
    spans: list[Span] = []
    start: int | None = None
    label: str | None = None

    def close(end: int) -> None:
        nonlocal start, label
        if start is not None and label is not None:
            spans.append(Span(start, end, label))
        start, label = None, None

    for k, tag in enumerate(tags):
        prefix, typ = split_tag(tag)
        if not repair and prefix in {"E", "S"}:
            raise ProjectError(f"tag {tag!r} at position {k} is not IOB2 (strict mode)")
        if prefix == "O":
            close(k)
        elif prefix == "B":
            close(k)
            start, label = k, typ
        elif prefix == "S":
            close(k)
            spans.append(Span(k, k + 1, typ))  # type: ignore[arg-type]
        elif prefix == "I":
            if start is not None and label == typ:
                continue
            close(k)
            if repair:
                start, label = k, typ
        elif prefix == "E":
            if start is not None and label == typ:
                close(k + 1)
            else:
                close(k)
                spans.append(Span(k, k + 1, typ))  # type: ignore[arg-type]
    close(len(tags))
    return spans


def spans_to_tags(spans: Iterable[Span], length: int) -> list[str]:
    """IOB2 tags for non-overlapping spans inside ``[0, length)``."""
    tags = ["O"] * length
    for span in sorted(spans):
        if span.end > length:
            raise ProjectError(f"span [{span.start}, {span.end}) {span.label} exceeds sentence "
                               f"length {length}")
        if any(t != "O" for t in tags[span.start:span.end]):
            raise ProjectError(f"span [{span.start}, {span.end}) {span.label} overlaps another span")
        tags[span.start] = f"B-{span.label}"
        for k in range(span.start + 1, span.end):
            tags[k] = f"I-{span.label}"
    return tags


def normalise_tags(tags: Sequence[str]) -> list[str]:
    """Any accepted scheme -> valid IOB2 (repairing invalid ``I-`` starts)."""
    return spans_to_tags(tags_to_spans(tags, repair=True), len(tags))


# OntoNotes 5 (spaCy English) -> CoNLL types. Numeric and temporal types are not entities in
# CoNLL/WikiANN/MasakhaNER (for our purposes) and map to O.
ONTONOTES_TO_CONLL: dict[str, str | None] = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None,
    "ORDINAL": None, "CARDINAL": None,
}

def _compose(first: Mapping[str, str | None],
             then: Mapping[str, str | None]) -> dict[str, str | None]:
    """The mapping that applies ``first`` and then ``then`` (unlisted types map to themselves)."""
    out: dict[str, str | None] = {k: (None if v is None else then.get(v, v))
                                  for k, v in first.items()}
    for k, v in then.items():
        out.setdefault(k, v)
    return out


#: Named label maps users can pick in configs (``label_map: no_misc``) or combine with "+".
LABEL_MAPS: dict[str, dict[str, str | None]] = {
    "identity": {},
    "no_misc": {"MISC": None},
    "no_date": {"DATE": None},
    "ontonotes": ONTONOTES_TO_CONLL,
    "wikiner": {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"},
}


@dataclass(frozen=True)
class LabelMap:
    """Maps entity types; a type mapped to ``None`` becomes O (the span is dropped).

    Types not in ``mapping`` are kept unchanged, unless ``keep`` is given, in which case any
    resulting type outside ``keep`` is dropped (e.g. keep PER/ORG/LOC only).
    """

    mapping: Mapping[str, str | None] = field(default_factory=dict)
    keep: frozenset[str] | None = None

    @classmethod
    def parse(cls, spec: str | Mapping[str, str | None] | None, *,
              keep: Iterable[str] | None = None) -> "LabelMap":
        """Build from a preset name, ``"MISC=O,GPE=LOC"`` pairs, a dict, or a chain of these
        joined by ``"+"`` (or ``","``).

        A chain applies its parts in order: ``"ontonotes+no_misc"`` maps NORP to MISC and then
        drops MISC (the parts are composed, not merged), and ``"A=B,B=C"`` maps A to C.
        """
        keep_set = frozenset(keep) if keep is not None else None
        if spec is None:
            return cls({}, keep_set)
        if isinstance(spec, Mapping):
            return cls({k: (None if v in (None, "O") else v) for k, v in spec.items()}, keep_set)
        composed: dict[str, str | None] = {}
        for part in filter(None, (p.strip() for p in spec.replace(",", "+").split("+"))):
            if "=" in part:
                src, _, dst = part.partition("=")
                step = {src.strip(): None if dst.strip() in ("", "O") else dst.strip()}
            elif part in LABEL_MAPS:
                step = LABEL_MAPS[part]
            else:
                raise ProjectError(f"unknown label map {part!r}", setting="label_map",
                                   hint=f"use one of {sorted(LABEL_MAPS)} or 'TYPE=NEW' pairs")
            composed = _compose(composed, step)
        return cls(composed, keep_set)

    def label(self, typ: str) -> str | None:
        new = self.mapping.get(typ, typ)
        if new is not None and self.keep is not None and new not in self.keep:
            return None
        return new

    def spans(self, spans: Iterable[Span]) -> list[Span]:
        out = []
        for s in spans:
            new = self.label(s.label)
            if new is not None:
                out.append(s if new == s.label else s.with_label(new))
        return out

    def tags(self, tags: Sequence[str]) -> list[str]:
        return spans_to_tags(self.spans(tags_to_spans(tags)), len(tags))
