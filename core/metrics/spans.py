"""Entity-level evaluation: count per sentence, aggregate later.

Counting
    An entity is a ``(start, end, type)`` triple. A predicted entity is a true positive only if a
    gold entity has the same start, the same end and the same type; every other predicted entity
    is a false positive and every unmatched gold entity a false negative. The gold and predicted
    entities of one sentence are treated as *sets*: an entity listed twice counts once (as in
    seqeval, which also compares sets). :func:`score_sentence` returns these counts, overall and
    per type; :func:`aggregate` adds them up, so corpus scores are exact micro averages and never
    averages of sentence scores.

Scores (same conventions as seqeval 1.2.2, ``classification_report(mode="strict")``)
    precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·P·R / (P + R). A ratio whose
    denominator is zero is 0.0, and F1 is 0.0 when P + R is 0 (seqeval's default
    ``zero_division="warn"`` gives the same values; we do not emit its warning — the counts are
    stored, so a zero denominator is visible). Overall scores are micro averages over types;
    ``macro`` is the unweighted mean of the per-type scores and ``weighted`` their mean weighted by
    support (gold count). Types are every type seen in gold or prediction. With no types at all the
    macro average is 0.0 (seqeval returns NaN there, which JSON cannot hold).

    :func:`evaluate_tags` decodes tag sequences with :func:`core.labels.tags_to_spans`:
    ``mode="strict"`` (default) uses ``repair=False``, seqeval's strict IOB2 mode (only
    ``B-X I-X*`` forms an entity; a stray ``I-X`` is ignored; E-/S-/L-/U- tags raise);
    ``mode="default"`` uses ``repair=True``, which equals seqeval's default (conlleval-style) mode,
    the mode behind Hugging Face ``evaluate``'s "seqeval" metric, for B/I/E/S/O tags.

Entity outcomes (one per distinct gold entity and one per distinct predicted entity)
    For an entity ``x`` on one side, its *partners* are the entities on the other side that
    overlap it (share at least one word). Its category is the first that applies:

    ``exact``       a partner has the same start, end and type;
    ``boundary``    no exact partner, but a partner of the same type (its boundaries differ);
    ``wrong_type``  every partner has another type (boundaries may match or not — the record's
                    ``same_range`` tells);
    ``missed``      gold entity without partners;
    ``spurious``    predicted entity without partners.

    The record names one partner (``None`` for missed/spurious): for ``exact`` the identical one;
    otherwise, among the partners that qualify for the category (same type for ``boundary``, all
    for ``wrong_type``), the one with the same range if any, then the largest overlap in words,
    then the smallest combined extent (min start to max end), then the first in (start, end, type)
    order. Outcomes are assigned to each side independently, not as a one-to-one matching: two
    predictions can both be ``boundary`` against the same gold entity. Hence the number of gold
    ``exact`` outcomes and the number of predicted ``exact`` outcomes both equal tp.

Sentence results
    :class:`SentenceResult` holds a sentence's counts and outcomes. Its precision is ``None`` when
    nothing was predicted and its recall ``None`` when there is no gold entity; its F1 is
    2·tp / (2·tp + fp + fn), and 1.0 for a sentence with neither gold nor predicted entities
    (nothing to find, nothing wrongly found). ``errors`` = fp + fn; "worst first" means most
    errors first, then lowest F1, then id (:func:`worst_first`).

Projection ratio
    ``proj_ratio`` is the share of source entities whose projection has at least one target span
    (:attr:`core.types.Projection.projected`); counts are kept so that aggregation is exact. With no
    source entities the ratio is 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping, Sequence

from core.errors import ProjectError
from core.labels import tags_to_spans
from core.types import Projection, Span

GOLD_CATEGORIES: tuple[str, ...] = ("exact", "boundary", "wrong_type", "missed")
PRED_CATEGORIES: tuple[str, ...] = ("exact", "boundary", "wrong_type", "spurious")
CATEGORIES: dict[str, tuple[str, ...]] = {"gold": GOLD_CATEGORIES, "pred": PRED_CATEGORIES}

Key = tuple[int, int, str]


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(precision: float, recall: float) -> float:
    # Same operation order as seqeval/sklearn: (2·P)·R / (P + R), so results agree bit for bit.
    den = precision + recall
    return 2.0 * precision * recall / den if den else 0.0


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives; add them with ``+``."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        """Number of gold entities."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.support)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, float | int]:
        """Scores and the counts behind them."""
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "support": self.support, "predicted": self.predicted,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Counts":
        return cls(int(d["tp"]), int(d["fp"]), int(d["fn"]))


@dataclass(frozen=True)
class PRF:
    """An averaged score (macro or weighted); ``support`` is the total gold count."""

    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "support": self.support}


@dataclass(frozen=True)
class SentenceScore:
    """Counts for one sentence: overall and per type (every type seen in gold or prediction)."""

    counts: Counts
    per_type: Mapping[str, Counts] = field(default_factory=dict)


def _keys(spans: Iterable[Span]) -> set[Key]:
    return {(s.start, s.end, s.label) for s in spans}


def score_sentence(gold: Sequence[Span], pred: Sequence[Span]) -> SentenceScore:
    """Exact-match counts of ``pred`` against ``gold`` (both taken as sets of entities)."""
    g, p = _keys(gold), _keys(pred)
    per_type: dict[str, Counts] = {}
    for typ in sorted({k[2] for k in g | p}):
        gt = {k for k in g if k[2] == typ}
        pt = {k for k in p if k[2] == typ}
        tp = len(gt & pt)
        per_type[typ] = Counts(tp, len(pt) - tp, len(gt) - tp)
    total = Counts()
    for c in per_type.values():
        total = total + c
    return SentenceScore(total, per_type)


# --------------------------------------------------------------------------- projection ratio


@dataclass(frozen=True)
class ProjCounts:
    """How many source entities received a projection, out of how many."""

    projected: int = 0
    total: int = 0

    def __add__(self, other: "ProjCounts") -> "ProjCounts":
        return ProjCounts(self.projected + other.projected, self.total + other.total)

    @property
    def ratio(self) -> float:
        return _ratio(self.projected, self.total)


def projection_counts(projections: Sequence[Projection]) -> ProjCounts:
    """Projected / total source entities of one sentence (one :class:`Projection` per entity)."""
    return ProjCounts(sum(1 for p in projections if p.projected), len(projections))


def proj_ratio(projections: Sequence[Projection]) -> float:
    """Share of source entities that received at least one target span (0.0 when none)."""
    return projection_counts(projections).ratio


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class EntityOutcome:
    """What happened to one gold (``side="gold"``) or predicted (``side="pred"``) entity."""

    side: Literal["gold", "pred"]
    span: Span
    category: str
    partner: Span | None = None

    @property
    def same_range(self) -> bool:
        """True when the partner covers exactly the same words (type may differ)."""
        return self.partner is not None and self.partner.range == self.span.range

    def to_dict(self) -> dict[str, Any]:
        """Flat record (parquet-friendly: partner fields are ``None`` without a partner)."""
        p = self.partner
        return {"side": self.side, "start": self.span.start, "end": self.span.end,
                "label": self.span.label, "category": self.category,
                "partner_start": p.start if p else None, "partner_end": p.end if p else None,
                "partner_label": p.label if p else None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "EntityOutcome":
        partner = None
        if d.get("partner_start") is not None:
            partner = Span(int(d["partner_start"]), int(d["partner_end"]), str(d["partner_label"]))
        return cls(d["side"], Span(int(d["start"]), int(d["end"]), str(d["label"])),
                   str(d["category"]), partner)


def _unique(spans: Iterable[Span]) -> list[Span]:
    seen: dict[Key, Span] = {}
    for s in sorted(spans):
        seen.setdefault((s.start, s.end, s.label), s)
    return list(seen.values())


def _partner_key(x: Span, y: Span) -> tuple:
    overlap = min(x.end, y.end) - max(x.start, y.start)
    extent = max(x.end, y.end) - min(x.start, y.start)
    return (y.range != x.range, -overlap, extent, y.start, y.end, y.label)


def _classify(x: Span, others: Sequence[Span], side: Literal["gold", "pred"]) -> EntityOutcome:
    partners = [y for y in others if y.overlaps(x)]
    if not partners:
        return EntityOutcome(side, x, "missed" if side == "gold" else "spurious", None)
    for y in partners:
        if y.range == x.range and y.label == x.label:
            return EntityOutcome(side, x, "exact", y)
    same_type = [y for y in partners if y.label == x.label]
    if same_type:
        return EntityOutcome(side, x, "boundary", min(same_type, key=lambda y: _partner_key(x, y)))
    return EntityOutcome(side, x, "wrong_type", min(partners, key=lambda y: _partner_key(x, y)))


def entity_outcomes(gold: Sequence[Span], pred: Sequence[Span]) -> list[EntityOutcome]:
    """One outcome per distinct gold entity, then one per distinct predicted entity, each in
    (start, end, type) order (categories and partner choice: see the module docstring)."""
    g, p = _unique(gold), _unique(pred)
    return [_classify(x, p, "gold") for x in g] + [_classify(x, g, "pred") for x in p]


def outcome_counts(outcomes: Iterable[EntityOutcome]) -> dict[str, dict[str, int]]:
    """``{"gold": {category: n}, "pred": {category: n}}`` with every category present."""
    counts = {side: dict.fromkeys(cats, 0) for side, cats in CATEGORIES.items()}
    for o in outcomes:
        counts[o.side][o.category] += 1
    return counts


def _add_outcome_counts(a: Mapping[str, Mapping[str, int]],
                        b: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    return {side: {c: a[side][c] + b[side][c] for c in cats} for side, cats in CATEGORIES.items()}


# --------------------------------------------------------------------------- sentence results


@dataclass(frozen=True)
class SentenceResult:
    """Everything the inspector shows about one sentence's evaluation."""

    id: str
    score: SentenceScore
    outcomes: tuple[EntityOutcome, ...] = ()
    proj: ProjCounts | None = None

    @property
    def counts(self) -> Counts:
        return self.score.counts

    @property
    def errors(self) -> int:
        """False positives + false negatives."""
        return self.counts.fp + self.counts.fn

    @property
    def precision(self) -> float | None:
        c = self.counts
        return c.tp / c.predicted if c.predicted else None

    @property
    def recall(self) -> float | None:
        c = self.counts
        return c.tp / c.support if c.support else None

    @property
    def f1(self) -> float:
        c = self.counts
        den = 2 * c.tp + c.fp + c.fn
        return 2 * c.tp / den if den else 1.0

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        return outcome_counts(self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        """Plain, parquet-friendly record: scalars, a list of per-type counts, flat outcomes."""
        c = self.counts
        return {
            "id": self.id, "tp": c.tp, "fp": c.fp, "fn": c.fn, "support": c.support,
            "predicted": c.predicted, "errors": self.errors, "precision": self.precision,
            "recall": self.recall, "f1": self.f1,
            "per_type": [{"label": t, "tp": k.tp, "fp": k.fp, "fn": k.fn}
                         for t, k in self.score.per_type.items()],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "projected": self.proj.projected if self.proj else None,
            "source_entities": self.proj.total if self.proj else None,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "SentenceResult":
        per_type = {str(r["label"]): Counts.from_dict(r) for r in d["per_type"]}
        proj = None
        if d.get("source_entities") is not None:
            proj = ProjCounts(int(d["projected"]), int(d["source_entities"]))
        return cls(str(d["id"]), SentenceScore(Counts.from_dict(d), per_type),
                   tuple(EntityOutcome.from_dict(o) for o in d["outcomes"]), proj)


def evaluate_sentence(gold: Sequence[Span], pred: Sequence[Span], *, id: str = "",
                      projections: Sequence[Projection] | None = None) -> SentenceResult:
    """Counts, outcomes and (when ``projections`` are given) projection counts of one sentence."""
    proj = projection_counts(projections) if projections is not None else None
    return SentenceResult(id, score_sentence(gold, pred), tuple(entity_outcomes(gold, pred)), proj)


def worst_first(results: Iterable[SentenceResult]) -> list[SentenceResult]:
    """Most errors first, then lowest F1, then id."""
    return sorted(results, key=lambda r: (-r.errors, r.f1, r.id))


# --------------------------------------------------------------------------- corpus scores


@dataclass(frozen=True)
class Scores:
    """Corpus-level scores built from summed counts (see module docstring for conventions).

    ``outcomes`` is ``None`` unless every aggregated item carried outcomes; ``proj`` is ``None``
    unless projection counts were given.
    """

    counts: Counts
    per_type: Mapping[str, Counts]
    sentences: int = 0
    outcomes: Mapping[str, Mapping[str, int]] | None = None
    proj: ProjCounts | None = None

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        return self.counts.recall

    @property
    def f1(self) -> float:
        return self.counts.f1

    @property
    def support(self) -> int:
        return self.counts.support

    @property
    def proj_ratio(self) -> float | None:
        return self.proj.ratio if self.proj is not None else None

    @property
    def macro(self) -> PRF:
        """Unweighted mean of the per-type scores (0.0 when there are no types)."""
        n = len(self.per_type)
        if not n:
            return PRF(0.0, 0.0, 0.0, 0)
        cs = list(self.per_type.values())
        return PRF(sum(c.precision for c in cs) / n, sum(c.recall for c in cs) / n,
                   sum(c.f1 for c in cs) / n, self.support)

    @property
    def weighted(self) -> PRF:
        """Mean of the per-type scores weighted by support (0.0 when there is no gold entity)."""
        total = self.support
        if not total:
            return PRF(0.0, 0.0, 0.0, 0)
        cs = list(self.per_type.values())
        return PRF(sum(c.precision * c.support for c in cs) / total,
                   sum(c.recall * c.support for c in cs) / total,
                   sum(c.f1 * c.support for c in cs) / total, total)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly summary; keys are always present (``None`` when not computed)."""
        return {
            "overall": self.counts.to_dict(),
            "per_type": {t: c.to_dict() for t, c in self.per_type.items()},
            "macro": self.macro.to_dict(),
            "weighted": self.weighted.to_dict(),
            "sentences": self.sentences,
            "outcomes": ({s: dict(c) for s, c in self.outcomes.items()}
                         if self.outcomes is not None else None),
            "proj_ratio": self.proj_ratio,
            "projected": self.proj.projected if self.proj is not None else None,
            "source_entities": self.proj.total if self.proj is not None else None,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Scores":
        """Inverse of :meth:`to_dict` (rebuilt from the stored counts)."""
        proj = None
        if d.get("source_entities") is not None:
            proj = ProjCounts(int(d["projected"]), int(d["source_entities"]))
        outcomes = None
        if d.get("outcomes") is not None:
            outcomes = {s: {c: int(d["outcomes"][s][c]) for c in cats}
                        for s, cats in CATEGORIES.items()}
        return cls(Counts.from_dict(d["overall"]),
                   {t: Counts.from_dict(c) for t, c in sorted(d["per_type"].items())},
                   int(d.get("sentences", 0)), outcomes, proj)


def aggregate(items: Iterable[SentenceScore | SentenceResult], *,
              proj: ProjCounts | None = None) -> Scores:
    """Sum sentence counts into corpus scores.

    Outcome counts are included when every item is a :class:`SentenceResult`. Projection counts:
    ``proj`` when given, else the sum over the results that carry them (``None`` if none do).
    """
    total = Counts()
    per_type: dict[str, Counts] = {}
    outcomes: dict[str, dict[str, int]] | None = outcome_counts(())
    summed_proj: ProjCounts | None = None
    n = 0
    for item in items:
        n += 1
        score = item.score if isinstance(item, SentenceResult) else item
        total = total + score.counts
        for typ, c in score.per_type.items():
            per_type[typ] = per_type.get(typ, Counts()) + c
        if isinstance(item, SentenceResult):
            if outcomes is not None:
                outcomes = _add_outcome_counts(outcomes, item.outcome_counts())
            if item.proj is not None:
                summed_proj = item.proj if summed_proj is None else summed_proj + item.proj
        else:
            outcomes = None
    return Scores(total, dict(sorted(per_type.items())), n, outcomes,
                  proj if proj is not None else summed_proj)


def evaluate_tags(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]], *,
                  mode: Literal["strict", "default"] = "strict") -> Scores:
    """Score tag sequences as seqeval does (``strict``: IOB2 strict mode; ``default``: its
    conlleval-style default mode), with outcome counts. Raises :class:`ProjectError` on a
    length mismatch or, in strict mode, on a tag that is not IOB2."""
    if mode not in ("strict", "default"):
        raise ProjectError(f"unknown evaluation mode {mode!r}", setting="mode",
                           hint="use 'strict' or 'default'")
    if len(y_true) != len(y_pred):
        raise ProjectError(f"{len(y_true)} gold sentences but {len(y_pred)} predicted ones")
    repair = mode == "default"
    results = []
    for k, (t, p) in enumerate(zip(y_true, y_pred)):
        if len(t) != len(p):
            raise ProjectError(f"sentence {k}: {len(t)} gold tags but {len(p)} predicted tags")
        try:
            gold = tags_to_spans(t, repair=repair)
        except ProjectError as exc:
            raise ProjectError(f"gold sentence {k}: {exc}") from exc
        try:
            pred = tags_to_spans(p, repair=repair)
        except ProjectError as exc:
            raise ProjectError(f"predicted sentence {k}: {exc}") from exc
        results.append(evaluate_sentence(gold, pred, id=str(k)))
    return aggregate(results)
