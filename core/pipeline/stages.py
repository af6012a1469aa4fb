"""The stages of a run and the one table that says which stages each pipeline runs.

A stage declares the per-sentence fields it reads (``reads``) and writes (``writes``), the model
components it needs (``needs``: names of :class:`~core.pipeline.components.Components` fields),
the signature parts it contributes, and ``run(runner, chunk)``. :data:`PIPELINES` maps every
pipeline name (``RunConfig.pipeline`` plus the options that change its stages: ``+input``,
``+bt``, ``+easyproject``) to its stages. :func:`plan` turns a config (and the items, which may
bring parts from a file) into the stages to run; everything else is derived from that plan:
the components :func:`~core.pipeline.components.build_components` loads, the run signature
(:func:`signature`), the summary fields of ``metrics.json`` and the runner loop.

A part an input file brings (``given``: ``tags``, ``alignment``, see
:func:`~core.pipeline.provenance.given_parts`) replaces the stage that would compute it
(``Stage.given`` / ``Stage.instead``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from core.errors import ProjectError
from core.types import Alignment, Item, MarkerIssue, Projection, Span

if TYPE_CHECKING:
    from core.config import RunConfig
    from core.pipeline.runner import Runner


@dataclass
class Work:
    """Per-sentence state while a chunk moves through the stages."""

    item: Item
    src_lang: str = ""
    src_words: tuple[str, ...] = ()
    src_entities: tuple[Span, ...] = ()
    tgt_words: tuple[str, ...] = ()
    translation: str = ""
    back_translation: str = ""
    marked: str = ""
    english_words: tuple[str, ...] | None = None
    english_entities: tuple[Span, ...] | None = None
    marker_issues: tuple[MarkerIssue, ...] | None = None
    alignment: Alignment = field(default_factory=lambda: Alignment.of([]))
    projections: tuple[Projection, ...] = ()
    predicted: tuple[Span, ...] = ()
    candidates: tuple = ()
    ner_spans: tuple[Span, ...] | None = None
    ner_probs: Any = None
    gold: tuple[Span, ...] | None = None


#: Where each kind of signature part goes, in the order of the run signature.
SLOTS = ("mt", "ner", "input", "mt-given", "ner-given", "transfer", "align", "proj", "bt",
         "easyproject")
Parts = Callable[["RunConfig", Mapping[str, str]], Sequence[tuple[str, str]]]


def _no_parts(cfg: "RunConfig", given: Mapping[str, str]) -> Sequence[tuple[str, str]]:
    return ()


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[["Runner", list[Work]], None]
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    parts: Parts = _no_parts
    #: a part an input file may bring; when it does, ``instead`` runs in this stage's place
    given: str | None = None
    instead: "Stage | None" = None


# ------------------------------------------------------------------------------- the stages


def _given_source(r: "Runner", chunk: list[Work]) -> None:
    for w in chunk:
        assert w.item.source is not None
        w.src_words, w.translation = w.item.source.words, w.item.translation


def _source_labels(r: "Runner", chunk: list[Work]) -> None:
    for w in chunk:
        assert w.item.source is not None
        w.src_entities = tuple(r.gold_map.spans(w.item.source.spans))


def _mt(r: "Runner", words: list[tuple[str, ...]], src: str, tgt: str
        ) -> list[tuple[str, tuple[str, ...]]]:
    """(translation, its words) of each word list, ``src`` -> ``tgt``."""
    from core.text import join_words, split_words

    texts = [join_words(ws, src) for ws in words]
    out = r.timed("translate", len(texts), lambda: r.comp.translator.translate(texts, src, tgt))
    return [(text, tuple(split_words(text, tgt))) for text in out]


def _ner(r: "Runner", words: list[tuple[str, ...]]) -> list[tuple[Span, ...]]:
    """The tagger's spans of each word list, through the prediction label map."""
    tags = r.timed("tag", len(words), lambda: r.comp.tagger.tag(words))
    return [tuple(r.pred_map.spans(spans)) for spans in tags]


def _translate_source(r: "Runner", chunk: list[Work]) -> None:
    out = _mt(r, [w.item.target.words for w in chunk], r.cfg.lang, r.cfg.source_lang)
    for w, (text, words) in zip(chunk, out):
        w.translation, w.src_words = text, words


def _tag_source(r: "Runner", chunk: list[Work]) -> None:
    for w, spans in zip(chunk, _ner(r, [w.src_words for w in chunk])):
        w.src_entities = spans


def _given_target(r: "Runner", chunk: list[Work]) -> None:
    for w in chunk:
        w.tgt_words = w.item.target.words


def _translate_target(r: "Runner", chunk: list[Work]) -> None:
    out = _mt(r, [w.src_words for w in chunk], r.cfg.source_lang, r.cfg.lang)
    for w, (text, words) in zip(chunk, out):
        w.translation, w.tgt_words = text, words


def _with_markers(r: "Runner", chunk: list[Work], step: str) -> list[Any]:
    from core.markers import translate_with_markers
    from core.text import split_words

    cfg = r.cfg
    return r.timed(step, len(chunk), lambda: translate_with_markers(
        r.comp.translator, [(w.src_words, w.src_entities) for w in chunk],
        cfg.source_lang, cfg.lang, split=lambda t: split_words(t, cfg.lang)))


def _issues(result: Any) -> tuple[MarkerIssue, ...]:
    return tuple(MarkerIssue(i.kind, i.detail) for i in result.issues)


def _marker_target(r: "Runner", chunk: list[Work]) -> None:
    """EasyProject: the bracketed spans of the marker translation are the projection."""
    for w, res in zip(chunk, _with_markers(r, chunk, "translate")):
        w.tgt_words, w.marked, w.translation = res.words, res.marked_translation, \
            " ".join(res.words)
        w.projections = marker_projections(w.src_entities, res)
        w.predicted = tuple(res.spans)
        w.marker_issues = _issues(res)


def _back_translate(r: "Runner", chunk: list[Work]) -> None:
    """tgt2tgt: the labelled English sentence translated with markers into the target language
    (B) becomes the side projected from; the English side is kept on the record."""
    for w, res in zip(chunk, _with_markers(r, chunk, "back_translate")):
        w.english_words, w.english_entities = w.src_words, w.src_entities
        w.marker_issues = _issues(res)
        w.src_lang, w.src_words, w.src_entities = r.cfg.lang, res.words, tuple(res.spans)
        w.back_translation, w.marked = " ".join(res.words), res.marked_translation


def _tag_target(r: "Runner", chunk: list[Work]) -> None:
    """Target-language NER spans (NER candidates) and word probabilities (the NER score)."""
    from core.projection.registry import uses_ner_score

    words = [w.tgt_words for w in chunk]
    tags = r.timed("tag_target", len(chunk), lambda: r.comp.target_tagger.tag(words))
    for w, spans in zip(chunk, tags):
        w.ner_spans = tuple(spans)
    if uses_ner_score(r.cfg.method):
        probs = r.timed("tag_target_probs", len(chunk),
                        lambda: r.comp.target_tagger.word_probs(words))
        for w, p in zip(chunk, probs):
            w.ner_probs = p


def _align(r: "Runner", chunk: list[Work]) -> None:
    """Alignment links; an item that brings its own (input file, upload) keeps them, except
    under back-translation (B is aligned to the target, not English)."""
    from core.pipeline.components import takes_indices

    keep = not r.cfg.back_translation
    todo = [w for w in chunk if w.item.alignment is None or not keep]
    for w in chunk:
        if w.item.alignment is not None and keep:
            w.alignment = w.item.alignment
    if not todo:
        return
    aligner = r.comp.aligner
    pairs = [(w.src_words, w.tgt_words) for w in todo]
    if takes_indices(aligner):
        out = r.timed("align", len(todo), lambda: aligner.align(
            pairs, indices=[w.item.index for w in todo]))
    else:
        out = r.timed("align", len(todo), lambda: aligner.align(pairs))
    for w, a in zip(todo, out):
        a.check_bounds(len(w.src_words), len(w.tgt_words), where="aligner output")
        w.alignment = a


def _project(r: "Runner", chunk: list[Work]) -> None:
    import time

    from core.projection.base import projected_spans
    from core.projection.scores import ner_extra

    t0 = time.perf_counter()
    projector = r.projector
    for w in chunk:
        if hasattr(projector, "project_with_candidates"):
            kwargs: dict[str, Any] = {}
            if w.ner_spans is not None:
                kwargs["ner_spans"] = w.ner_spans
            if w.ner_probs is not None:
                kwargs["extra_scores"] = {"ner": ner_extra(w.ner_probs, w.alignment)}
            projs, cands = projector.project_with_candidates(
                w.src_entities, w.alignment, w.tgt_words, src_words=w.src_words, **kwargs)
            w.candidates = tuple(cands)
        else:
            projs = projector.project(w.src_entities, w.alignment, w.tgt_words,
                                      src_words=w.src_words)
        w.projections = tuple(projs)
        w.predicted = tuple(projected_spans(projs))
    r.timer.add("project", time.perf_counter() - t0, len(chunk))


def _transfer(r: "Runner", chunk: list[Work]) -> None:
    """Model transfer: the source-language NER model tags the target words directly."""
    for w, spans in zip(chunk, _ner(r, [w.tgt_words for w in chunk])):
        w.predicted = spans


def _evaluate(r: "Runner", chunk: list[Work]) -> None:
    for w in chunk:
        if w.item.target.labels is not None:
            w.gold = tuple(r.gold_map.spans(w.item.target.spans))


def marker_projections(entities: Sequence[Span], result: Any) -> tuple[Projection, ...]:
    """EasyProject: the matched bracketed spans are the projections."""
    from core.types import Reason

    by_entity = {m.entity: m for m in result.matches}
    out = []
    for k, ent in enumerate(sorted(entities)):
        m = by_entity.get(k)
        if m is not None:
            out.append(Projection(k, ent, (Span(m.span[0], m.span[1], ent.label),),
                                  Reason.PROJECTED, f"marker span matched (ratio {m.ratio:.2f})",
                                  score=m.ratio))
        else:
            why = "; ".join(i.detail for i in result.issues if i.entity == k) or "markers lost"
            out.append(Projection(k, ent, (), Reason.NO_CANDIDATE, why))
    return tuple(out)


# ----------------------------------------------------------------------- declarations


SOURCE_LABELS = Stage("source labels", _source_labels, reads=("source",),
                      writes=("src_entities",))
GOLD_SOURCE = Stage("source words", _given_source, reads=("source",),
                    writes=("src_words", "translation"))
FILE_SOURCE = Stage("source words from the input file", _given_source, reads=("source",),
                    writes=("src_words", "translation"),
                    parts=lambda cfg, given: [("input", f"input:{_file_name(cfg.input)}")] + (
                        [("mt-given", f"mt:{given['translation']}")]
                        if given.get("translation") else []))
MT_SOURCE = Stage("machine translation into the source language", _translate_source,
                  reads=("target",), writes=("src_words", "translation"),
                  needs=("translator",), parts=lambda cfg, given: [("mt", f"mt:{cfg.translator}")])
TAG_SOURCE = Stage("source NER", _tag_source, reads=("src_words",), writes=("src_entities",),
                   needs=("tagger",), parts=lambda cfg, given: [("ner", f"ner:{cfg.tagger}")])
FILE_LABELS = Stage("source labels from the input file", _source_labels, reads=("source",),
                    writes=("src_entities",),
                    parts=lambda cfg, given: [("ner-given", f"ner:{given['tags']}")]
                    if given.get("tags") else [])
#: source NER of a pre-translated input: its labels when every sentence brings them
TAG_FILE_SOURCE = Stage(
    "source NER (unless the input file labels every sentence)", _tag_source,
    reads=("src_words",), writes=("src_entities",), needs=("tagger",),
    parts=lambda cfg, given: [("ner-given", f"ner:{cfg.tagger}")] if given else [],
    given="tags", instead=FILE_LABELS)
TARGET = Stage("target words", _given_target, reads=("target",), writes=("tgt_words",))
MT_TARGET = Stage("machine translation into the target language", _translate_target,
                  reads=("src_words",), writes=("tgt_words", "translation"),
                  needs=("translator",), parts=lambda cfg, given: [("mt", f"mt:{cfg.translator}")])
MARKER_TARGET = Stage(
    "EasyProject marker translation", _marker_target, reads=("src_words", "src_entities"),
    writes=("tgt_words", "translation", "marked", "projections", "predicted", "marker_issues"),
    needs=("translator",),
    # the aligner and method are named although no aligner runs: the signatures (and so the
    # run ids) of the EasyProject runs written before the stages were declared stay the same
    parts=lambda cfg, given: [("mt", f"mt:{cfg.translator}"), ("align", f"align:{cfg.aligner}"),
                              ("proj", f"proj:{cfg.method}"), ("easyproject", "easyproject")])
BACK_TRANSLATE = Stage(
    "back-translation with markers (tgt2tgt)", _back_translate,
    reads=("src_words", "src_entities"),
    writes=("src_words", "src_entities", "english_words", "english_entities", "marker_issues",
            "back_translation", "marked"),
    needs=("translator",), parts=lambda cfg, given: [("bt", "bt:markers")])
TAG_TARGET = Stage("target NER (for NER candidates and the NER score)", _tag_target,
                   reads=("tgt_words",), writes=("ner_spans", "ner_probs"),
                   needs=("target_tagger",))
ALIGN = Stage("alignment", _align, reads=("src_words", "tgt_words"), writes=("alignment",),
              needs=("aligner",),
              parts=lambda cfg, given: [
                  ("align", f"align:{given.get('alignment') or cfg.aligner}")])
PROJECT = Stage("projection", _project, reads=("src_entities", "alignment", "tgt_words"),
                writes=("projections", "predicted", "candidates"),
                parts=lambda cfg, given: [("proj", f"proj:{cfg.method}")])
TRANSFER = Stage("model transfer (NER on the target words)", _transfer, reads=("tgt_words",),
                 writes=("predicted",), needs=("tagger",),
                 parts=lambda cfg, given: [("transfer", f"ner:{cfg.tagger}")])
EVALUATE = Stage("evaluation against the target gold", _evaluate, reads=("target",),
                 writes=("gold",))

_TT = (MT_SOURCE, TAG_SOURCE, TARGET)
_TT_INPUT = (FILE_SOURCE, TAG_FILE_SOURCE, TARGET)
_INTRINSIC = (GOLD_SOURCE, SOURCE_LABELS, TARGET)
_PROJECT = (ALIGN, PROJECT, EVALUATE)

#: Every pipeline name and its stages, in order. ``RunConfig.pipeline`` plus the options that
#: change the stages; :func:`pipeline_name` gives a config's name.
PIPELINES: dict[str, tuple[Stage, ...]] = {
    "intrinsic": _INTRINSIC + _PROJECT,
    "intrinsic+bt": _INTRINSIC + (BACK_TRANSLATE,) + _PROJECT,
    "intrinsic+input": (FILE_SOURCE, FILE_LABELS, TARGET) + _PROJECT,
    "translate-test": _TT + _PROJECT,
    "translate-test+bt": _TT + (BACK_TRANSLATE,) + _PROJECT,
    "translate-test+input": _TT_INPUT + _PROJECT,
    "translate-test+input+bt": _TT_INPUT + (BACK_TRANSLATE,) + _PROJECT,
    "translate-train": (GOLD_SOURCE, SOURCE_LABELS, MT_TARGET, ALIGN, PROJECT),
    "translate-train+easyproject": (GOLD_SOURCE, SOURCE_LABELS, MARKER_TARGET),
    "model-transfer": (TARGET, TRANSFER, EVALUATE),
}
#: What each option adds to the pipeline name, and the pipelines it applies to.
OPTIONS = (("input", "input"), ("back_translation", "bt"), ("easyproject", "easyproject"))


def pipeline_name(cfg: "RunConfig") -> str:
    """The :data:`PIPELINES` key of a config; an option its pipeline has no stages for is a
    :class:`ProjectError` naming the setting."""
    name = cfg.pipeline
    for key, suffix in OPTIONS:
        if getattr(cfg, key):
            if not any(k.startswith(f"{name}+{suffix}") for k in PIPELINES):
                applies = sorted({k.split("+")[0] for k in PIPELINES if f"+{suffix}" in k})
                raise ProjectError(f"{key} applies to the {' and '.join(applies)} pipeline"
                                   + ("s" if len(applies) > 1 else ""), setting=key)
            name = f"{name}+{suffix}"
    return name


@dataclass(frozen=True)
class Plan:
    """The stages one config runs on its items, with what they need."""

    name: str
    stages: tuple[Stage, ...]
    given: Mapping[str, str]

    @property
    def needs(self) -> tuple[str, ...]:
        """The components the stages need, in stage order."""
        return tuple(dict.fromkeys(n for s in self.stages for n in s.needs))

    def has(self, stage: Stage) -> bool:
        return any(s.name == stage.name for s in self.stages)

    def signature_parts(self, cfg: "RunConfig") -> list[str]:
        parts = [p for s in self.stages for p in s.parts(cfg, self.given)]
        return [text for _, text in sorted(parts, key=lambda p: SLOTS.index(p[0]))]


def plan(cfg: "RunConfig", given: Mapping[str, str] | None = None,
         items: Sequence[Item] = ()) -> Plan:
    """The stages ``cfg`` runs. ``given``: parts an input file brings
    (:func:`~core.pipeline.provenance.given_parts`); ``items``: when every item already carries
    its alignment (input file, upload, pre-aligned pairs) the aligner is not needed."""
    from core.projection.registry import needs_target_tagger

    given = dict(given or {})
    name = pipeline_name(cfg)
    stages: list[Stage] = []
    for stage in PIPELINES[name]:
        if stage.instead is not None and stage.given in given:
            stage = stage.instead
        if stage is PROJECT and needs_target_tagger(cfg.method):
            stages.append(TAG_TARGET)
        if stage is ALIGN and items and not cfg.back_translation and all(
                i.alignment is not None for i in items):
            stage = replace(ALIGN, needs=())
        stages.append(stage)
    return Plan(name, tuple(stages), given)


def check_table() -> None:
    """Every stage reads only what the item or an earlier stage provides (the tests call it)."""
    for name, stages in PIPELINES.items():
        have = {"source", "target"}
        for stage in stages:
            for s in (stage, stage.instead) if stage.instead else (stage,):
                missing = set(s.reads) - have
                if missing:
                    raise AssertionError(f"{name}: stage {s.name!r} reads {sorted(missing)} "
                                         "that no earlier stage writes")
            have.update(stage.writes)


def signature(cfg: "RunConfig", given: Mapping[str, str] | None = None) -> list[str]:
    """The middle of the run signature: the parts the stages contribute, in slot order."""
    return plan(cfg, given).signature_parts(cfg)


def _file_name(path: str | None) -> str:
    from pathlib import Path

    return Path(path or "").name
