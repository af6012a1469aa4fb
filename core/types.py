"""The data that flows through the projection engine.

Conventions used everywhere in the project:
- a sentence is a tuple of words; word indices are zero-based;
- a span is a half-open word range ``[start, end)`` with a label;
- an alignment link ``(i, j)`` joins source word ``i`` and target word ``j``; "source" is the side
  that carries entity labels (English), "target" the side that receives them.

All types are frozen dataclasses. Conversion between IOB2 tags and spans lives in
:mod:`core.labels` and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Mapping

from core.errors import ProjectError

Link = tuple[int, int]


@dataclass(frozen=True, order=True)
class Span:
    """A labelled half-open word range ``[start, end)``; ``score`` is optional and not compared."""

    start: int
    end: int
    label: str
    score: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ProjectError(f"invalid span [{self.start}, {self.end}) with label {self.label!r}: "
                               "start must be >= 0 and end > start")

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def range(self) -> tuple[int, int]:
        return (self.start, self.end)

    def overlaps(self, other: "Span | tuple[int, int]") -> bool:
        s, e = (other.start, other.end) if isinstance(other, Span) else other
        return self.start < e and s < self.end

    def indices(self) -> range:
        return range(self.start, self.end)

    def text(self, words: "Iterable[str]") -> str:
        return " ".join(list(words)[self.start:self.end])

    def with_label(self, label: str) -> "Span":
        return Span(self.start, self.end, label, self.score)


@dataclass(frozen=True)
class Sentence:
    """One tokenised sentence; ``labels`` are IOB2 tags (gold) when known."""

    id: str
    lang: str
    words: tuple[str, ...]
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.labels is not None and len(self.labels) != len(self.words):
            raise ProjectError(f"sentence {self.id!r}: {len(self.words)} words but "
                               f"{len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.words)

    @property
    def spans(self) -> list[Span]:
        """Gold entity spans (empty when the sentence has no labels)."""
        from core.labels import tags_to_spans

        return tags_to_spans(self.labels) if self.labels is not None else []


@dataclass(frozen=True)
class Alignment:
    """Word alignment links, sorted and unique, with optional per-link scores.

    ``possible`` holds links marked possible (``i?j`` / ``ipj`` in gold files); ``links`` holds
    the sure ones. ``scores`` maps a link to its probability/similarity when the aligner gives one.
    """

    links: tuple[Link, ...]
    aligner: str = ""
    possible: tuple[Link, ...] = ()
    scores: Mapping[Link, float] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, links: Iterable[Link], aligner: str = "", *, possible: Iterable[Link] = (),
           scores: Mapping[Link, float] | None = None) -> "Alignment":
        sure = tuple(sorted({(int(i), int(j)) for i, j in links}))
        poss = tuple(sorted({(int(i), int(j)) for i, j in possible} - set(sure)))
        return cls(sure, aligner, poss, dict(scores or {}))

    def __len__(self) -> int:
        return len(self.links)

    def check_bounds(self, n_src: int, n_tgt: int, *, where: str = "alignment") -> None:
        """Raise :class:`ProjectError` if a link points outside the two sentences."""
        for i, j in (*self.links, *self.possible):
            if not (0 <= i < n_src and 0 <= j < n_tgt):
                raise ProjectError(f"link {i}-{j} is out of range for {n_src} source and "
                                   f"{n_tgt} target words", setting=where)

    def targets_of(self, src_indices: Iterable[int]) -> list[int]:
        """Sorted target words linked to any of ``src_indices`` (sure links only)."""
        wanted = set(src_indices)
        return sorted({j for i, j in self.links if i in wanted})

    def links_between(self, src: tuple[int, int], tgt: tuple[int, int]) -> list[Link]:
        """Links with source in ``[src)`` and target in ``[tgt)``."""
        return [(i, j) for i, j in self.links
                if src[0] <= i < src[1] and tgt[0] <= j < tgt[1]]

    def pharaoh(self) -> str:
        parts = [f"{i}-{j}" for i, j in self.links] + [f"{i}?{j}" for i, j in self.possible]
        return " ".join(parts)


@dataclass(frozen=True)
class Candidate:
    """A contiguous target word range that a source entity may be projected onto.

    ``origin`` says where it came from (``"ngram"``, ``"ner"``, ...). ``scores`` maps the index
    of a source entity to its named score components, e.g. ``{0: {"align": 0.8}}``.
    """

    start: int
    end: int
    origin: str = "ngram"
    scores: Mapping[int, Mapping[str, float]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ProjectError(f"invalid candidate [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def range(self) -> tuple[int, int]:
        return (self.start, self.end)

    def overlaps(self, other: "Candidate | Span | tuple[int, int]") -> bool:
        s, e = other if isinstance(other, tuple) else (other.start, other.end)
        return self.start < e and s < self.end


class Reason(str, Enum):
    """Why a source entity ended up projected (or not) where it did."""

    PROJECTED = "projected"                      # chosen target span(s) exist
    NO_ALIGNED_WORDS = "no_aligned_words"        # no target word is linked to the entity
    ONLY_PUNCTUATION = "only_punctuation"        # linked target words were all punctuation
    LENGTH_RATIO = "length_ratio"                # every run failed the length-ratio filter
    OVERWRITTEN = "overwritten"                  # a later entity overwrote all its words
    LOST_COLLISION = "lost_collision"            # lost a collision with another entity's span
    NO_CANDIDATE = "no_candidate"                # no candidate scored above zero
    LOST_TO_HIGHER_SCORE = "lost_to_higher_score"  # its candidates went to better-scoring entities
    NOT_SELECTED = "not_selected"                # exact matching left it out of the optimum
    SMALLER_RUN = "smaller_run"                  # a run dropped because only the largest is kept
    MERGED = "merged"                            # merged into a same-type neighbour's span


@dataclass(frozen=True)
class Projection:
    """The outcome of projecting one source entity, with the reason.

    ``targets`` are the target spans that carry the entity's label in the output (empty when
    not projected). ``support`` are the alignment links that connect entity and chosen span(s).
    ``rejected`` lists target ranges that were considered and dropped, each with its reason.
    ``competitor`` is the index of the source entity that took this entity's place, if any.
    ``score`` is the matching score of the chosen candidate (candidate methods only).
    """

    entity: int
    source: Span
    targets: tuple[Span, ...]
    reason: Reason
    detail: str = ""
    support: tuple[Link, ...] = ()
    rejected: tuple[tuple[tuple[int, int], Reason], ...] = ()
    competitor: int | None = None
    score: float | None = None

    @property
    def projected(self) -> bool:
        return bool(self.targets)


@dataclass(frozen=True)
class ModelSettings:
    """What determines a model component's outputs (translator, tagger): the model's identity
    (name and version, or its weights' hash) and the options that change its outputs, in order.
    ``signature`` is what step caches and run manifests key on."""

    model: str
    options: tuple[tuple[str, object], ...] = ()

    @property
    def signature(self) -> str:
        return self.model + "".join(f"|{k}={v}" for k, v in self.options)


class Signed:
    """A component whose ``signature`` is computed from its frozen ``settings``."""

    settings: ModelSettings

    @property
    def signature(self) -> str:
        return self.settings.signature


@dataclass(frozen=True)
class MarkerIssue:
    """Something that went wrong with EasyProject markers in one translation (``kind``: e.g.
    ``lost``, ``unbalanced_open``; ``detail``: readable; ``entity``: the source entity's index
    when one is concerned, not stored in records)."""

    kind: str
    detail: str = ""
    entity: int | None = None


@dataclass(frozen=True)
class SentenceRecord:
    """Everything about one sentence pair in one run (what the inspector shows).

    ``predicted`` are the target spans after projection (the labels written out), ``gold`` the
    target gold spans when known. Text fields are empty when the pipeline has no such step.
    Back-translation (tgt2tgt) projects from B, the marked English translated back into the
    target language: ``source`` is B, and ``english_words`` / ``english_entities`` keep the
    English side. ``marker_issues`` are the marker problems of the marker translation
    (EasyProject or back-translation); ``None`` when no markers were used. ``extra`` holds what
    only some producers know (e.g. an imported run's ``reference``).
    """

    id: str
    lang: str
    source: Sentence
    target: Sentence
    source_entities: tuple[Span, ...]
    alignment: Alignment
    projections: tuple[Projection, ...]
    predicted: tuple[Span, ...]
    gold: tuple[Span, ...] | None = None
    candidates: tuple[Candidate, ...] = ()
    translation: str = ""
    back_translation: str = ""
    marked_translation: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, compare=False)
    english_words: tuple[str, ...] | None = None
    english_entities: tuple[Span, ...] | None = None
    marker_issues: tuple[MarkerIssue, ...] | None = None


@dataclass
class Item:
    """One sentence pair before a pipeline processes it: the target sentence, and the source
    when it is known before any model runs (gold, or read from a file with its ``translation``
    text and, possibly, its ``alignment``). ``index`` is its position in the corpus."""

    index: int
    id: str
    target: Sentence
    source: Sentence | None = None
    translation: str = ""
    alignment: Alignment | None = None
