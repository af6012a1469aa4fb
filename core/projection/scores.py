"""Scores of (source entity, candidate) pairs and their weighted fusion (METHOD.md §4).

A *score component* rates every pair of a sentence at once and returns a matrix of shape
``(n_entities, n_candidates)``. The registry :data:`BUILTIN_COMPONENTS` maps names to component
functions; it holds the paper's alignment Dice score under ``"align"``. Components computed
elsewhere (an NER score, an NMT score) are passed in as ``extra_scores``: either a matrix of that
shape (columns in candidate order) or a mapping ``{(entity_index, (start, end)): value}`` where
missing pairs are 0.

An extra may also be a function ``(entities, ranges) -> matrix``, evaluated on the candidate
ranges the projector builds: :func:`ner_extra` makes the thesis NER score (:func:`ner_matrix`)
from a target tagger's per-word probabilities, registered under the name ``"ner"``.

The total of a pair is ``Σ_k weights[k] · component_k``; a pair whose total is ``<= 0`` is never
selected by matching. Weights are written in method specs as ``align 0.5 + ner 0.5``
(:func:`parse_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, Sequence, Union

import numpy as np

from core.errors import ProjectError
from core.types import Alignment, Candidate, Span

Range = tuple[int, int]

#: A score component: (entities, candidate ranges, alignment, target words) -> (S, C) matrix.
ScoreFn = Callable[[Sequence[Span], Sequence[Range], Alignment, Sequence[str]], np.ndarray]
#: A precomputed component: a (S, C) matrix or {(entity index, (start, end)): value}.
ExtraScore = Union[np.ndarray, Mapping[tuple[int, Range], float],
                   Callable[[Sequence[Span], Sequence[Range]], np.ndarray]]

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({"align": 1.0})


def _range(x: Span | Candidate | Range) -> Range:
    return (x.start, x.end) if isinstance(x, (Span, Candidate)) else (int(x[0]), int(x[1]))


def align_score(entity: Span | Range, cand: Candidate | Span | Range,
                alignment: Alignment) -> float:
    """``2 · |links from entity words to candidate words| / (|entity| + |candidate|)``.

    Links ``(i, j)`` are counted, not words (sure links only), so with many-to-many links the
    score can exceed 1; a one-to-one perfect match scores 1.0 and no link scores 0.
    """
    es, ee = _range(entity)
    cs, ce = _range(cand)
    links = sum(1 for i, j in alignment.links if es <= i < ee and cs <= j < ce)
    return 2.0 * links / ((ee - es) + (ce - cs))


def align_matrix(entities: Sequence[Span], ranges: Sequence[Range], alignment: Alignment,
                 tgt_words: Sequence[str] = ()) -> np.ndarray:
    """:func:`align_score` for every (entity, candidate) pair, vectorised with prefix sums."""
    n_ent, n_cand = len(entities), len(ranges)
    if n_ent == 0 or n_cand == 0:
        return np.zeros((n_ent, n_cand))
    arr = np.asarray(ranges, dtype=np.int64).reshape(n_cand, 2)
    starts, ends = arr[:, 0], arr[:, 1]
    n_tgt = int(max(ends.max(), max((j for _, j in alignment.links), default=-1) + 1))
    counts = np.zeros((n_ent, n_tgt + 1), dtype=np.float64)
    if alignment.links:
        links = np.asarray(alignment.links, dtype=np.int64)
        for k, ent in enumerate(entities):
            tgt = links[(links[:, 0] >= ent.start) & (links[:, 0] < ent.end), 1]
            if tgt.size:
                counts[k, 1:] = np.bincount(tgt, minlength=n_tgt)
    prefix = np.cumsum(counts, axis=1)
    linked = prefix[:, ends] - prefix[:, starts]
    ent_len = np.array([len(e) for e in entities], dtype=np.float64)[:, None]
    return 2.0 * linked / (ent_len + (ends - starts)[None, :])


#: The thesis NER score: length bonus per extra word, and the floor below which it is 0.
NER_ALPHA = 1.15
NER_FLOOR = 0.05


def ner_score(probs: "WordProbsLike", start: int, end: int, label: str, *,
              alpha: float = NER_ALPHA, floor: float = NER_FLOOR) -> float:
    """P(B-label) of the first word and P(I-label) of the others, averaged, times
    ``alpha ** (length - 1)``; 0 when below ``floor`` (METHOD.md §4). ``probs`` has
    ``column(tag)`` (a :class:`~core.models.tagging.WordProbs` in IOB2 tags)."""
    b = probs.column(f"B-{label}")
    i = probs.column(f"I-{label}")
    vals = np.concatenate([b[start:start + 1], i[start + 1:end]])
    score = float(vals.mean()) * alpha ** (end - start - 1) if len(vals) else 0.0
    return score if score >= floor else 0.0


def ner_matrix(entities: Sequence[Span], ranges: Sequence[Range], probs: "WordProbsLike", *,
               alpha: float = NER_ALPHA, floor: float = NER_FLOOR) -> np.ndarray:
    """:func:`ner_score` of every (entity, candidate) pair (the entity gives the label),
    vectorised with prefix sums of P(I-label)."""
    out = np.zeros((len(entities), len(ranges)))
    if not len(entities) or not len(ranges):
        return out
    arr = np.asarray(ranges, dtype=np.int64).reshape(len(ranges), 2)
    starts, ends = arr[:, 0], arr[:, 1]
    lengths = (ends - starts).astype(np.float64)
    by_label: dict[str, np.ndarray] = {}
    for k, ent in enumerate(entities):
        if ent.label not in by_label:
            b = np.asarray(probs.column(f"B-{ent.label}"), dtype=np.float64)
            i = np.asarray(probs.column(f"I-{ent.label}"), dtype=np.float64)
            prefix = np.concatenate([[0.0], np.cumsum(i)])
            rest = prefix[ends] - prefix[np.minimum(starts + 1, ends)]
            score = (b[starts] + rest) / lengths * alpha ** (lengths - 1)
            by_label[ent.label] = np.where(score >= floor, score, 0.0)
        out[k] = by_label[ent.label]
    return out


def ner_extra(probs: "WordProbsLike", alignment: Alignment | None = None, *,
              alpha: float = NER_ALPHA, floor: float = NER_FLOOR
              ) -> Callable[[Sequence[Span], Sequence[Range]], np.ndarray]:
    """An ``extra_scores`` entry computing :func:`ner_matrix` on the projector's candidates.

    With ``alignment`` the score is kept only for pairs that at least one link connects: the
    NER score says a span looks like an entity of that type, not that it translates this
    entity, so a pair without any link stays unselectable as under the alignment score alone
    (otherwise every PER entity could land on any person name of the sentence)."""
    def fn(entities: Sequence[Span], ranges: Sequence[Range]) -> np.ndarray:
        m = ner_matrix(entities, ranges, probs, alpha=alpha, floor=floor)
        if alignment is not None and m.size:
            m = np.where(align_matrix(entities, ranges, alignment) > 0, m, 0.0)
        return m

    return fn


def parse_weights(text: str | Mapping[str, float]) -> dict[str, float]:
    """``"align 0.5 + ner 0.5"`` (also ``align=0.5+ner=0.5``, ``ner``) -> ``{"align": 0.5,
    "ner": 0.5}``; a name without a number weighs 1."""
    if isinstance(text, Mapping):
        return {str(k): float(v) for k, v in text.items()}
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in str(text).split("+"))):
        bits = part.replace("=", " ").replace("*", " ").split()
        try:
            if len(bits) == 1:
                name, value = bits[0], 1.0
            elif len(bits) == 2:
                try:
                    name, value = bits[0], float(bits[1])
                except ValueError:
                    value, name = float(bits[0]), bits[1]
            else:
                raise ValueError(part)
        except ValueError:
            raise ProjectError(f"bad weight {part!r} in {text!r}", setting="weights",
                               hint="write e.g. 'align 0.5 + ner 0.5'") from None
        out[name] = out.get(name, 0.0) + value
    if not out:
        raise ProjectError(f"no weights in {text!r}", setting="weights",
                           hint="write e.g. 'align 0.5 + ner 0.5'")
    return out


class WordProbsLike:  # pragma: no cover - documentation of the duck type
    """Anything with ``column(tag) -> np.ndarray`` of per-word probabilities."""

    def column(self, tag: str) -> np.ndarray: ...


#: Named score components computed from the alignment (extend by passing ``components=``).
BUILTIN_COMPONENTS: Mapping[str, ScoreFn] = MappingProxyType({"align": align_matrix})


@dataclass(frozen=True)
class ScoreTable:
    """Score components and their weighted total for one sentence.

    ``components[name]`` and ``total`` have shape ``(n_entities, n_candidates)``; column ``c``
    belongs to ``ranges[c]``.
    """

    ranges: tuple[Range, ...]
    components: Mapping[str, np.ndarray]
    weights: Mapping[str, float]
    total: np.ndarray = field(compare=False)

    def pair(self, entity: int, cand: int) -> dict[str, float]:
        """The components of one pair, by name."""
        return {name: float(m[entity, cand]) for name, m in self.components.items()}


def _extra_matrix(name: str, value: ExtraScore, n_ent: int, ranges: Sequence[Range],
                  entities: Sequence[Span] = ()) -> np.ndarray:
    if callable(value):
        value = value(entities, ranges)
    if isinstance(value, Mapping):
        col = {r: c for c, r in enumerate(ranges)}
        out = np.zeros((n_ent, len(ranges)))
        for key, score in value.items():
            try:
                ent, rng = key
                c = col.get((int(rng[0]), int(rng[1])))
            except (TypeError, ValueError) as exc:
                raise ProjectError(f"key {key!r} is not (entity index, (start, end))",
                                   setting=f"extra_scores[{name}]") from exc
            if not 0 <= int(ent) < n_ent:
                raise ProjectError(f"entity index {ent} out of range for {n_ent} entities",
                                   setting=f"extra_scores[{name}]")
            if c is not None:  # scores for ranges that are not candidates are ignored
                out[int(ent), c] = float(score)
        return out
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (n_ent, len(ranges)):
        raise ProjectError(f"matrix has shape {arr.shape}, expected {(n_ent, len(ranges))} "
                           "(entities x candidates, candidates sorted by (start, end))",
                           setting=f"extra_scores[{name}]")
    return arr


def score_candidates(entities: Sequence[Span], candidates: Sequence[Candidate | Range],
                     alignment: Alignment, tgt_words: Sequence[str] = (), *,
                     weights: Mapping[str, float] | None = None,
                     extra_scores: Mapping[str, ExtraScore] | None = None,
                     components: Mapping[str, ScoreFn] = BUILTIN_COMPONENTS) -> ScoreTable:
    """Compute the components named in ``weights`` (plus ``"align"`` and every extra, for
    display) and their weighted total.

    A weight whose name is neither a registered component nor an extra raises
    :class:`ProjectError`. Extras override registered components of the same name.
    """
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    extras = dict(extra_scores or {})
    for name, w in weights.items():
        if name not in components and name not in extras:
            raise ProjectError(f"no score component named {name!r}", setting="weights",
                               hint=f"use one of {sorted(set(components) | set(extras))} or pass "
                                    "its precomputed scores in extra_scores")
        if not np.isfinite(w):
            raise ProjectError(f"weight of {name!r} is {w}", setting="weights")
    ranges = tuple(c if type(c) is tuple else _range(c) for c in candidates)
    n_ent = len(entities)
    names = list(dict.fromkeys([*weights, *(["align"] if "align" in components else []), *extras]))
    mats: dict[str, np.ndarray] = {}
    for name in names:
        if name in extras:
            mats[name] = _extra_matrix(name, extras[name], n_ent, ranges, entities)
        else:
            mats[name] = np.asarray(components[name](entities, ranges, alignment, tgt_words),
                                    dtype=np.float64).reshape(n_ent, len(ranges))
    total = np.zeros((n_ent, len(ranges)))
    for name, w in weights.items():
        if w:
            total += w * mats[name]
    return ScoreTable(ranges, mats, weights, total)


def attach_scores(candidates: Sequence[Candidate | Range], table: ScoreTable, *,
                  pairs: Iterable[tuple[int, int]] | None = None, keep_unscored: bool = True,
                  origin: str = "ngram") -> list[Candidate]:
    """Candidates whose ``scores`` map an entity index to that pair's components,
    ``{entity_index: {"align": ..., ...}}`` (plain ranges become candidates of ``origin``).

    ``pairs`` (entity index, candidate index) restricts which pairs are stored; by default every
    pair with a non-zero component is. With ``keep_unscored=False`` candidates without any stored
    pair are left out.
    """
    if len(candidates) != len(table.ranges):
        raise ProjectError(f"{len(candidates)} candidates but the score table has "
                           f"{len(table.ranges)} columns")
    if pairs is None:
        nonzero = np.zeros(table.total.shape, dtype=bool)
        for m in table.components.values():
            nonzero |= m != 0
        rows, cols = (x.tolist() for x in np.nonzero(nonzero))
    else:
        chosen = list(pairs)
        rows, cols = [p[0] for p in chosen], [p[1] for p in chosen]
    names = list(table.components)
    values = [table.components[k][rows, cols].tolist() for k in names]
    scores: dict[int, dict[int, dict[str, float]]] = {}
    for k, (s, c) in enumerate(zip(rows, cols)):
        scores.setdefault(c, {})[s] = {name: vals[k] for name, vals in zip(names, values)}
    keep = range(len(candidates)) if keep_unscored else sorted(scores)
    out = []
    for c in keep:
        cand = candidates[c]
        start, end, orig = ((cand.start, cand.end, cand.origin) if isinstance(cand, Candidate)
                            else (cand[0], cand[1], origin))
        out.append(Candidate(start, end, orig, scores.get(c, {})))
    return out
