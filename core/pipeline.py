"""The pipelines of the paper, run over a dataset into a run directory (docs/pipelines.md).

Pipelines (``RunConfig.pipeline``):

- ``intrinsic``: parallel gold data (source gold entities, human target translation, target
  gold): align, project, evaluate. Isolates alignment + projection.
- ``translate-test``: target sentence -> MT into English -> word splitting -> English NER ->
  align English ↔ target -> project -> evaluate on target gold. With ``input`` set, the English
  side (and optionally its labels and the alignment) comes from a pre-translated JSONL file.
- ``translate-train``: English labelled sentences -> MT into the target language (or EasyProject
  marker translation, ``easyproject = true``) -> align -> project -> target CoNLL (``output``).
- ``model-transfer``: the English NER model applied to the target words directly.

``back_translation = true`` (intrinsic / translate-test) replaces the cross-lingual alignment by
the tgt2tgt refinement of METHOD.md §3: the labelled English sentence is translated with markers
into the target language (B), and B's labelled spans are projected onto the target through a
monolingual B ↔ target alignment.

Every model step is cached per sentence by content and component signature
(:mod:`core.stepcache`): re-running a run, or re-projecting with another method, reuses earlier
translations, tags and alignments, and a run interrupted at any point resumes from the cache.
The run directory itself is written atomically at the end (:mod:`core.runs`).
"""

from __future__ import annotations

import collections
import datetime as _dt
import json
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from core import __version__
from core.cache import file_lock, sha256_file
from core.config import RunConfig
from core.errors import ProjectError
from core.labels import LabelMap, spans_to_tags
from core.metrics import ProjCounts, aggregate
from core.paths import REPO_ROOT
from core.projection.base import projected_spans
from core.projection.scores import ner_extra
from core.projection.registry import get_projector, needs_target_tagger, uses_ner_score
from core.records import evaluate_record, record_from_row, record_row
from core.runs import read_sentences, remove_stale_temps, run_dir, write_run
from core.stepcache import StepCache, content_key
from core.types import Alignment, Projection, Sentence, SentenceRecord, Span

#: progress(step, done, total) — the CLI draws bars from it, the app an st.progress.
Progress = Callable[[str, int, int], None]
CHUNK = 64


@dataclass
class Components:
    """Model components; ``None`` ones are built from the config's names on first use.

    Tests inject fakes here; the app passes already-loaded (cached) models.
    """

    translator: Any = None
    tagger: Any = None
    target_tagger: Any = None
    aligner: Any = None


@dataclass
class Item:
    """One sentence pair before processing (source may be unknown until MT)."""

    index: int
    id: str
    target: Sentence
    source: Sentence | None = None
    translation: str = ""
    alignment: Alignment | None = None


@dataclass
class _Timer:
    seconds: dict[str, float] = field(default_factory=lambda: collections.defaultdict(float))
    items: dict[str, int] = field(default_factory=lambda: collections.defaultdict(int))

    def add(self, step: str, seconds: float, n: int) -> None:
        self.seconds[step] += seconds
        self.items[step] += n

    def summary(self) -> dict[str, dict[str, float]]:
        return {k: {"seconds": round(v, 3), "sentences": self.items[k],
                    "sentences_per_s": round(self.items[k] / v, 2) if v > 0 else None}
                for k, v in self.seconds.items()}


# ------------------------------------------------------------------------------------- inputs


def _load(cfg: RunConfig, lang: str, root: Path | None) -> list[Sentence]:
    from core.datasets import load_dataset

    return load_dataset(cfg.dataset, lang, cfg.split, root)


def load_items(cfg: RunConfig, datasets_root: Path | None = None) -> list[Item]:
    """The sentences a config names, before ``limit`` and sharding."""
    if cfg.input:
        return read_pretranslated(cfg.input, cfg.lang, cfg.source_lang)
    if cfg.pipeline == "intrinsic":
        src = _load(cfg, cfg.source_lang, datasets_root)
        tgt = _load(cfg, cfg.lang, datasets_root)
        if len(src) != len(tgt):
            raise ProjectError(f"dataset {cfg.dataset!r}: {len(src)} {cfg.source_lang} but "
                               f"{len(tgt)} {cfg.lang} sentences; intrinsic projection needs "
                               "sentence-parallel files", setting="dataset")
        return [Item(k, t.id, t, s) for k, (s, t) in enumerate(zip(src, tgt))]
    if cfg.pipeline == "translate-train":
        src = _load(cfg, cfg.source_lang, datasets_root)
        return [Item(k, s.id, Sentence(s.id, cfg.lang, ()), s) for k, s in enumerate(src)]
    tgt = _load(cfg, cfg.lang, datasets_root)
    return [Item(k, t.id, t) for k, t in enumerate(tgt)]


def read_pretranslated(path: str | Path, lang: str, source_lang: str = "en") -> list[Item]:
    """Translate-test input already translated (format: docs/pipelines.md).

    One JSON object per line: ``id`` (optional), ``target_words`` and ``target_labels``
    (IOB2, same length), ``source_words`` (the English translation's words), and optionally
    ``source_labels`` (English IOB2 labels; the tagger is then skipped) and ``alignment``
    (Pharaoh ``i-j`` with i = English word; the aligner is then skipped). Given alignments are
    named ``given:<file name>#<sha256 prefix>`` (see :func:`given_parts`).
    """
    from core.config import given_label
    from core.readers.pharaoh import parse_pharaoh_line

    path = Path(path)
    items: list[Item] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ProjectError("input file not found", path=path, setting="input") from None
    except UnicodeDecodeError as exc:
        raise ProjectError(f"not UTF-8 text ({exc.reason})", path=path) from None
    label = given_label(path.name, sha256_file(path))
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ProjectError(f"not valid JSON ({exc.msg})", path=path, line=n) from None
        if not isinstance(obj, dict):
            raise ProjectError("expected a JSON object", path=path, line=n)
        for key in ("target_words", "target_labels", "source_words"):
            if not isinstance(obj.get(key), list) or not all(isinstance(w, str)
                                                             for w in obj[key]):
                raise ProjectError(f"'{key}' must be a list of strings", path=path, line=n)
        sid = str(obj.get("id", f"{path.stem}:{len(items)}"))
        try:
            target = Sentence(sid, lang, tuple(obj["target_words"]), tuple(obj["target_labels"]))
            src_labels = obj.get("source_labels")
            source = Sentence(sid, source_lang, tuple(obj["source_words"]),
                              tuple(src_labels) if src_labels is not None else None)
            target.spans, source.spans  # validate tags now, with the line number
            alignment = None
            if obj.get("alignment") is not None:
                alignment = parse_pharaoh_line(str(obj["alignment"]), aligner=label,
                                               where=f"{path}:{n}")
                alignment.check_bounds(len(source.words), len(target.words),
                                       where=f"{path}:{n} alignment")
        except ProjectError as exc:
            raise ProjectError(str(exc), path=path, line=n) from None
        items.append(Item(len(items), sid, target, source, " ".join(source.words), alignment))
    if not items:
        raise ProjectError("no sentences in the input file", path=path, setting="input")
    return items


def select(items: list[Item], limit: int | None, shard: tuple[int, int] | None) -> list[Item]:
    """``limit`` first, then the contiguous shard ``k`` of ``n`` (0-based)."""
    if limit is not None:
        items = items[:limit]
    if shard is not None:
        k, n = shard
        if not (n >= 1 and 0 <= k < n):
            raise ProjectError(f"bad shard {k}/{n}: expected 0 <= k < n", setting="--shard")
        size = len(items)
        items = items[size * k // n: size * (k + 1) // n]
    return items


# ---------------------------------------------------------------------------- cached steps


class CachedTagger:
    """Tags word lists through the step cache (key: the words)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.signature = getattr(inner, "signature", type(inner).__name__)
        self.cache = StepCache("tag", self.signature)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        keys = [content_key(list(words)) for words in sentences]
        known = self.cache.get_many(keys)
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            first = {k: words for k, words in zip(keys, sentences)}
            fresh = self.inner.tag([first[k] for k in todo])
            values = {k: [[s.start, s.end, s.label] for s in spans]
                      for k, spans in zip(todo, fresh)}
            self.cache.put_many(values.items())
            known.update(values)
        return [[Span(s, e, lab) for s, e, lab in known[k]] for k in keys]

    def word_probs(self, sentences: Sequence[Sequence[str]]) -> list[Any]:
        """Per-word probabilities in the label map's IOB2 tags (``WordProbs``), cached; needs
        a tagger with ``tag_with_probs`` (Hub / ``ner:`` taggers)."""
        from core.models.tagging import WordProbs

        if not hasattr(self.inner, "tag_with_probs"):
            raise ProjectError(f"the tagger {getattr(self.inner, 'name', '?')} gives no "
                               "probabilities (the NER score needs them)",
                               setting="target_tagger", hint="use ner:me5-small-conll03")
        cache = getattr(self, "_probs_cache", None) or StepCache("tagprobs", self.signature)
        self._probs_cache = cache
        keys = [content_key(list(words)) for words in sentences]
        known = cache.get_many(keys)
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            first = {k: words for k, words in zip(keys, sentences)}
            fresh = self.inner.tag_with_probs([first[k] for k in todo])
            values = {k: {"tags": list(t.mapped.tags),
                          "probs": np.round(t.mapped.probs, 5).tolist()}
                      for k, t in zip(todo, fresh)}
            cache.put_many(values.items())
            known.update(values)
        return [WordProbs(tuple(known[k]["tags"]),
                          np.asarray(known[k]["probs"], dtype=np.float32).reshape(
                              -1, len(known[k]["tags"]))) for k in keys]


class CachedAligner:
    """Aligns pairs through the step cache (key: both word lists)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.signature = getattr(inner, "signature", inner.name)
        self.cache = StepCache("align", self.signature)

    def align(self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[Alignment]:
        keys = [content_key(list(s), list(t)) for s, t in pairs]
        known = self.cache.get_many(keys)
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            first = {k: p for k, p in zip(keys, pairs)}
            fresh = self.inner.align([first[k] for k in todo])
            values = {k: {"links": [list(x) for x in a.links],
                          "scores": [[i, j, float(v)] for (i, j), v in a.scores.items()]}
                      for k, a in zip(todo, fresh)}
            self.cache.put_many(values.items())
            known.update(values)
        return [Alignment.of([tuple(x) for x in known[k]["links"]], self.name,
                             scores={(i, j): v for i, j, v in known[k]["scores"]})
                for k in keys]


def build_components(cfg: RunConfig, given: Components | None = None,
                     datasets_root: Path | None = None, items: Sequence[Item] = ()
                     ) -> Components:
    """Load what the config needs (and nothing else), wrapped in the step caches."""
    from core.models.registry import load_tagger, load_translator

    given = given or Components()

    def cached(obj: Any, wrapper: type) -> Any:
        return obj if obj is None or isinstance(obj, wrapper) else wrapper(obj)

    comp = Components(given.translator, cached(given.tagger, CachedTagger),
                      cached(given.target_tagger, CachedTagger),
                      cached(given.aligner, CachedAligner))
    needs_mt = (cfg.pipeline in ("translate-test", "translate-train") and not cfg.input) or \
        cfg.back_translation or cfg.easyproject
    if needs_mt and comp.translator is None:
        comp.translator = load_translator(cfg.translator)
    needs_tagger = cfg.pipeline == "model-transfer" or (
        cfg.pipeline == "translate-test" and not (cfg.input and _sources_labelled(items)))
    if needs_tagger and comp.tagger is None:
        comp.tagger = CachedTagger(load_tagger(cfg.tagger))
    method = cfg.method.partition(":")[0]
    if needs_target_tagger(cfg.method) and cfg.pipeline != "model-transfer" \
            and comp.target_tagger is None:
        if not cfg.target_tagger:
            raise ProjectError(f"method {method!r} needs target-language NER spans",
                               setting="target_tagger", hint="e.g. target_tagger = 'spacy:fr'")
        comp.target_tagger = CachedTagger(load_tagger(cfg.target_tagger))
    needs_aligner = cfg.pipeline != "model-transfer" and not cfg.easyproject and not (
        "alignment" in given_parts(cfg, items) and not cfg.back_translation)
    if needs_aligner and comp.aligner is None:
        from core.aligners.registry import get_aligner

        aligner = get_aligner(cfg.aligner, lang=cfg.lang, source_lang=cfg.source_lang,
                              datasets_root=datasets_root)
        # alignments read from files are looked up by sentence index, not cached by content
        comp.aligner = aligner if _takes_indices(aligner) else CachedAligner(aligner)
    return comp


def _takes_indices(aligner: Any) -> bool:
    import inspect

    try:
        return "indices" in inspect.signature(aligner.align).parameters
    except (TypeError, ValueError):
        return False


def given_parts(cfg: RunConfig, items: Sequence[Item]) -> dict[str, str]:
    """The parts of a run that a pre-translated input file brought instead of a model:
    ``translation`` (the English words), ``tags`` (English labels on every item) and
    ``alignment`` (links on every item, no back-translation), each named
    ``given:<file name>#<sha256 prefix>``. When only some items carry links the aligner ran
    for the others: ``<aligner>+given:...``. Empty without ``input``."""
    if not cfg.input or not items:
        return {}
    from core.config import given_label

    path = Path(cfg.input)
    label = given_label(path.name, sha256_file(path)) if path.is_file() else \
        f"given:{path.name}"
    out = {"translation": label}
    if _sources_labelled(items):
        out["tags"] = label
    with_links = sum(1 for i in items if i.alignment is not None)
    if with_links and not cfg.back_translation:
        out["alignment"] = label if with_links == len(items) else f"{cfg.aligner}+{label}"
    return out


def _sources_labelled(items: Sequence[Item]) -> bool:
    """True when every item brings English labels (pre-translated input): no tagger needed."""
    return bool(items) and all(i.source is not None and i.source.labels is not None
                               for i in items)


# ------------------------------------------------------------------------------ processing


@dataclass
class _Work:
    """Per-sentence state while a chunk moves through the steps."""

    item: Item
    src_words: tuple[str, ...] = ()
    src_entities: tuple[Span, ...] = ()
    tgt_words: tuple[str, ...] = ()
    translation: str = ""
    back_translation: str = ""
    marked: str = ""
    alignment: Alignment = field(default_factory=lambda: Alignment.of([]))
    projections: tuple[Projection, ...] = ()
    predicted: tuple[Span, ...] = ()
    candidates: tuple = ()
    ner_spans: tuple[Span, ...] | None = None
    ner_probs: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class Runner:
    """Runs one config over a list of items, chunk by chunk."""

    def __init__(self, cfg: RunConfig, comp: Components, *, progress: Progress | None = None
                 ) -> None:
        self.cfg, self.comp = cfg, comp
        self.progress = progress
        self.timer = _Timer()
        self.gold_map = LabelMap.parse(cfg.gold_label_map, keep=cfg.keep_types)
        self.pred_map = LabelMap.parse(cfg.pred_label_map, keep=cfg.keep_types)
        self.projector = None if cfg.pipeline == "model-transfer" or cfg.easyproject \
            else get_projector(cfg.method)

    def _timed(self, step: str, n: int, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        self.timer.add(step, time.perf_counter() - t0, n)
        return out

    def run(self, items: Sequence[Item]) -> Iterator[SentenceRecord]:
        total = len(items)
        done = 0
        if self.progress:
            self.progress("sentences", 0, total)
        for start in range(0, total, CHUNK):
            chunk = [_Work(it) for it in items[start:start + CHUNK]]
            self._source_side(chunk)
            self._target_side(chunk)
            self._align(chunk)
            self._project(chunk)
            for w in chunk:
                yield self._record(w)
            done += len(chunk)
            if self.progress:
                self.progress("sentences", done, total)

    # -- steps ------------------------------------------------------------------------------

    def _source_side(self, chunk: list[_Work]) -> None:
        """Source words and entities: gold (intrinsic/train), MT + NER (translate-test)."""
        from core.text import join_words, split_words

        cfg = self.cfg
        if cfg.pipeline == "model-transfer":
            return
        if cfg.pipeline == "translate-test" and not cfg.input:
            texts = [join_words(w.item.target.words, cfg.lang) for w in chunk]
            out = self._timed("translate", len(chunk), lambda: self.comp.translator.translate(
                texts, cfg.lang, cfg.source_lang))
            for w, text in zip(chunk, out):
                w.translation = text
                w.src_words = tuple(split_words(text, cfg.source_lang))
        else:
            for w in chunk:
                assert w.item.source is not None
                w.src_words = w.item.source.words
                w.translation = w.item.translation
        if cfg.pipeline == "translate-test" and not (
                cfg.input and _sources_labelled([w.item for w in chunk])):
            tags = self._timed("tag", len(chunk),
                               lambda: self.comp.tagger.tag([w.src_words for w in chunk]))
            for w, spans in zip(chunk, tags):
                w.src_entities = tuple(self.pred_map.spans(spans))
        else:
            for w in chunk:
                assert w.item.source is not None
                w.src_entities = tuple(self.gold_map.spans(w.item.source.spans))

    def _target_side(self, chunk: list[_Work]) -> None:
        """Target words: given, MT output (translate-train) or marker translation."""
        from core.markers import translate_with_markers
        from core.text import join_words, split_words

        cfg = self.cfg
        if cfg.pipeline != "translate-train":
            for w in chunk:
                w.tgt_words = w.item.target.words
        elif cfg.easyproject:
            res = self._timed("translate", len(chunk), lambda: translate_with_markers(
                self.comp.translator, [(w.src_words, w.src_entities) for w in chunk],
                cfg.source_lang, cfg.lang, split=lambda t: split_words(t, cfg.lang)))
            for w, r in zip(chunk, res):
                w.tgt_words, w.marked, w.translation = r.words, r.marked_translation, \
                    " ".join(r.words)
                w.projections = _marker_projections(w.src_entities, r)
                w.predicted = tuple(r.spans)
                w.extra["marker_issues"] = [[i.kind, i.detail] for i in r.issues]
        else:
            texts = [join_words(w.src_words, cfg.source_lang) for w in chunk]
            out = self._timed("translate", len(chunk), lambda: self.comp.translator.translate(
                texts, cfg.source_lang, cfg.lang))
            for w, text in zip(chunk, out):
                w.translation = text
                w.tgt_words = tuple(split_words(text, cfg.lang))
        if cfg.back_translation:
            res = self._timed("back_translate", len(chunk), lambda: translate_with_markers(
                self.comp.translator, [(w.src_words, w.src_entities) for w in chunk],
                cfg.source_lang, cfg.lang, split=lambda t: split_words(t, cfg.lang)))
            for w, r in zip(chunk, res):
                # B (the labelled back-translation) becomes the side projected from
                w.extra["english_words"] = list(w.src_words)
                w.extra["english_entities"] = [[s.start, s.end, s.label] for s in w.src_entities]
                w.extra["marker_issues"] = [[i.kind, i.detail] for i in r.issues]
                w.src_words, w.src_entities = r.words, tuple(r.spans)
                w.back_translation, w.marked = " ".join(r.words), r.marked_translation
        if self.comp.target_tagger is not None:
            tags = self._timed("tag_target", len(chunk), lambda: self.comp.target_tagger.tag(
                [w.tgt_words for w in chunk]))
            for w, spans in zip(chunk, tags):
                w.ner_spans = tuple(spans)
            if self.projector is not None and uses_ner_score(cfg.method):
                probs = self._timed("tag_target_probs", len(chunk),
                                    lambda: self.comp.target_tagger.word_probs(
                                        [w.tgt_words for w in chunk]))
                for w, p in zip(chunk, probs):
                    w.ner_probs = p

    def _align(self, chunk: list[_Work]) -> None:
        if self.cfg.pipeline == "model-transfer" or self.cfg.easyproject:
            return
        todo = [w for w in chunk if w.item.alignment is None or self.cfg.back_translation]
        for w in chunk:
            if w not in todo:
                w.alignment = w.item.alignment  # type: ignore[assignment]
        if todo:
            pairs = [(w.src_words, w.tgt_words) for w in todo]
            if _takes_indices(self.comp.aligner):
                out = self._timed("align", len(todo), lambda: self.comp.aligner.align(
                    pairs, indices=[w.item.index for w in todo]))
            else:
                out = self._timed("align", len(todo), lambda: self.comp.aligner.align(pairs))
            for w, a in zip(todo, out):
                a.check_bounds(len(w.src_words), len(w.tgt_words), where="aligner output")
                w.alignment = a

    def _project(self, chunk: list[_Work]) -> None:
        cfg = self.cfg
        if cfg.pipeline == "model-transfer":
            tags = self._timed("tag", len(chunk), lambda: self.comp.tagger.tag(
                [w.tgt_words for w in chunk]))
            for w, spans in zip(chunk, tags):
                w.predicted = tuple(self.pred_map.spans(spans))
            return
        if self.projector is None:
            return
        t0 = time.perf_counter()
        for w in chunk:
            kwargs: dict[str, Any] = {}
            if w.ner_spans is not None:
                kwargs["ner_spans"] = w.ner_spans
            if w.ner_probs is not None:
                kwargs["extra_scores"] = {"ner": ner_extra(w.ner_probs, w.alignment)}
            if hasattr(self.projector, "project_with_candidates"):
                projs, cands = self.projector.project_with_candidates(
                    w.src_entities, w.alignment, w.tgt_words, src_words=w.src_words, **kwargs)
                w.candidates = tuple(cands)
            else:
                projs = self.projector.project(w.src_entities, w.alignment, w.tgt_words,
                                               src_words=w.src_words)
            w.projections = tuple(projs)
            w.predicted = tuple(projected_spans(projs))
        self.timer.add("project", time.perf_counter() - t0, len(chunk))

    def _record(self, w: _Work) -> SentenceRecord:
        cfg = self.cfg
        it = w.item
        src_labels = tuple(spans_to_tags(w.src_entities, len(w.src_words)))
        source = Sentence(it.id, cfg.source_lang if not cfg.back_translation else cfg.lang,
                          w.src_words, src_labels)
        has_gold = it.target.labels is not None and cfg.pipeline != "translate-train"
        target = Sentence(it.id, cfg.lang, w.tgt_words, it.target.labels if has_gold else None)
        gold = tuple(self.gold_map.spans(it.target.spans)) if has_gold else None
        return SentenceRecord(it.id, cfg.lang, source, target, w.src_entities, w.alignment,
                              w.projections, w.predicted, gold, w.candidates,
                              translation=w.translation, back_translation=w.back_translation,
                              marked_translation=w.marked, extra=w.extra)


def _marker_projections(entities: Sequence[Span], result: Any) -> tuple[Projection, ...]:
    """EasyProject: the matched bracketed spans are the projections."""
    from core.types import Reason

    by_entity = {m.entity: m for m in result.matches}
    ents = sorted(entities)
    out = []
    for k, ent in enumerate(ents):
        m = by_entity.get(k)
        if m is not None:
            out.append(Projection(k, ent, (Span(m.span[0], m.span[1], ent.label),),
                                  Reason.PROJECTED, f"marker span matched (ratio {m.ratio:.2f})",
                                  score=m.ratio))
        else:
            why = "; ".join(i.detail for i in result.issues if i.entity == k) or "markers lost"
            out.append(Projection(k, ent, (), Reason.NO_CANDIDATE, why))
    return tuple(out)


# ------------------------------------------------------------------------------ run + store


def metrics_of(records: Sequence[SentenceRecord], cfg: RunConfig,
               given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """metrics.json: scores, outcomes, proj_ratio, reasons, plus what the dashboard shows
    (``given``: see :func:`given_parts`)."""
    results = [r for r in (evaluate_record(x) for x in records) if r is not None]
    proj = ProjCounts(sum(p.projected for x in records for p in x.projections),
                      sum(len(x.projections) for x in records))
    scores = aggregate(results, proj=proj).to_dict() if results else {
        "overall": None, "proj_ratio": proj.ratio, "projected": proj.projected,
        "source_entities": proj.total}
    reasons = collections.Counter(p.reason.value for x in records for p in x.projections)
    issues = collections.Counter(i[0] for x in records for i in x.extra.get("marker_issues", []))
    return {
        **scores,
        "evaluated": bool(results),
        "sentences_total": len(records),
        "reasons": dict(sorted(reasons.items())),
        "marker_issues": dict(sorted(issues.items())),
        "run": _summary(cfg, given),
    }


def _summary(cfg: RunConfig, given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The identifying fields the dashboard groups by (kept in metrics.json)."""
    given = given or {}
    return {"kind": "ours", "dataset": cfg.dataset, "lang": cfg.lang, "split": cfg.split,
            "pipeline": cfg.pipeline, "aligner": None if cfg.pipeline == "model-transfer"
            or cfg.easyproject else given.get("alignment") or cfg.aligner,
            "method": None if cfg.pipeline == "model-transfer" else
            ("easyproject" if cfg.easyproject else cfg.method),
            "back_translation": cfg.back_translation, "signature": cfg.signature(given),
            **({"given": dict(given)} if given else {})}


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _input_checksums(cfg: RunConfig, datasets_root: Path | None) -> dict[str, str]:
    from core.datasets import dataset_files

    paths: list[Path] = []
    if cfg.input:
        paths.append(Path(cfg.input))
    else:
        langs = {cfg.lang, cfg.source_lang} if cfg.pipeline == "intrinsic" else \
            {cfg.source_lang} if cfg.pipeline == "translate-train" else {cfg.lang}
        for lang in sorted(langs):
            paths.extend(dataset_files(cfg.dataset, lang, cfg.split, datasets_root))
    return {p.name: sha256_file(p) for p in paths if p.is_file()}


def _cache_counts(comp: Components) -> dict[str, dict[str, int]]:
    """Per cached component, sentences served from the step cache (hits) and computed (misses)."""
    out = {}
    for name, c in vars(comp).items():
        stats = getattr(c, "stats", None) or getattr(c, "cache", None)
        if hasattr(stats, "misses"):
            out[name] = {"hits": int(stats.hits), "misses": int(stats.misses)}
    return out


def _component_ids(comp: Components) -> dict[str, str]:
    return {name: getattr(c, "signature", type(c).__name__)
            for name, c in vars(comp).items() if c is not None}


def execute(cfg: RunConfig, runs_root: str | Path, *, datasets_root: Path | None = None,
            shard: tuple[int, int] | None = None, components: Components | None = None,
            progress: Progress | None = None, run_id: str | None = None) -> Path:
    """Run ``cfg`` and write its run directory; returns the directory.

    A run that already exists is an error (runs are never modified). Two processes running
    the same run id are refused (lock). Killed half-way, it leaves no run directory, and a
    re-run reuses every cached step.
    """
    run_id = run_id or cfg.run_id() + (f".shard-{shard[0]}-of-{shard[1]}" if shard else "")
    final = run_dir(runs_root, run_id)
    if final.exists():
        raise ProjectError("this run already exists", path=final,
                           hint="delete it to re-run, or change the config")
    with file_lock(Path(runs_root) / ".locks" / f"{run_id}.lock", what=f"run {run_id}"):
        t0 = time.perf_counter()
        items = select(load_items(cfg, datasets_root), cfg.limit, shard)
        comp = build_components(cfg, components, datasets_root, items)
        path, records = process_into_run(
            cfg, items, comp, runs_root, run_id, progress=progress, started=t0,
            manifest={"shard": list(shard) if shard else None,
                      "inputs": _input_checksums(cfg, datasets_root)})
        if cfg.output and cfg.pipeline == "translate-train":
            write_projected_conll(cfg.output, records)
        return path


def process_into_run(cfg: RunConfig, items: Sequence[Item], comp: Components,
                     runs_root: str | Path, run_id: str, *, progress: Progress | None = None,
                     manifest: Mapping[str, Any] | None = None, started: float | None = None
                     ) -> tuple[Path, list[SentenceRecord]]:
    """Run ``items`` through the steps and write the run (the caller holds the run's lock).

    ``manifest`` adds or overrides manifest fields (e.g. ``inputs``, ``source``).
    """
    t0 = time.perf_counter() if started is None else started
    remove_stale_temps(runs_root, run_id)  # left by a killed earlier attempt
    runner = Runner(cfg, comp, progress=progress)
    records = list(runner.run(items))
    rows = [record_row(r, it.index) for r, it in zip(records, items)]
    given = given_parts(cfg, items)
    components = _component_ids(comp)
    if "alignment" in given:  # no aligner ran (or not for every sentence): say where from
        components["aligner"] = given["alignment"]
    full = {
        "kind": "ours", "config": cfg.as_dict(), "signature": cfg.signature(given),
        "components": components, **({"given": given} if given else {}),
        "code": {"version": __version__, "git": _git_commit(),
                 "python": platform.python_version()},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {"sentences": len(records)},
        "timings": runner.timer.summary(),
        "cache": _cache_counts(comp),
        **(manifest or {}),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return write_run(runs_root, run_id, full, rows, metrics_of(records, cfg, given)), records


def write_projected_conll(path: str | Path, records: Sequence[SentenceRecord]) -> None:
    """The translate-train product: target words with projected IOB2 labels (atomic)."""
    from core.readers.conll import write_conll

    write_conll(path, [Sentence(r.id, r.lang, r.target.words,
                                tuple(spans_to_tags(r.predicted, len(r.target.words))))
                       for r in records if r.target.words])


def merge_shards(runs_root: str | Path, run_ids: Sequence[str], *,
                 run_id: str | None = None) -> Path:
    """Merge shard runs of one config into the run the unsharded config would have written."""
    from core.runs import read_manifest

    if not run_ids:
        raise ProjectError("no shard runs given", setting="merge")
    absent = [r for r in run_ids if not (run_dir(runs_root, r) / "manifest.json").is_file()]
    if absent:
        raise ProjectError(f"shard run {absent[0]} is missing"
                           + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""),
                           path=Path(runs_root), setting="merge",
                           hint="run or resubmit that shard first")
    manifests = [read_manifest(run_dir(runs_root, r)) for r in run_ids]
    sigs = {m.get("signature") for m in manifests}
    if len(sigs) != 1:
        raise ProjectError(f"shards come from different configs: {sorted(map(str, sigs))}",
                           setting="merge")
    shards = sorted(tuple(m.get("shard") or ()) for m in manifests)
    n = shards[0][1] if shards and len(shards[0]) == 2 else None
    if n is not None and all(len(s) == 2 and s[1] == n for s in shards) \
            and len(set(shards)) == len(shards):
        missing = sorted(set(range(n)) - {k for k, _ in shards})
        if missing:
            base = manifests[0].get("run_id", "").rsplit(".shard-", 1)[0]
            raise ProjectError(f"need shards 0..{n - 1} exactly once: shard {missing[0]} "
                               + (f"({base}.shard-{missing[0]}-of-{n}) " if base else "")
                               + "is missing" + (f"; also missing: "
                                                 f"{', '.join(map(str, missing[1:]))}"
                                                 if len(missing) > 1 else ""),
                               setting="merge", hint="run or resubmit that shard first")
    if n is None or shards != [(k, n) for k in range(n)]:
        raise ProjectError(f"need shards 0..n-1 of one split exactly once, got {shards}",
                           setting="merge")
    rows = []
    for r in run_ids:
        rows.extend(read_sentences(runs_root, r).to_dict("records"))
    rows.sort(key=lambda row: row["index"])
    if len({row["index"] for row in rows}) != len(rows):
        raise ProjectError("shards overlap (a sentence index appears twice)", setting="merge")
    cfg = RunConfig(**{k: (tuple(v) if k == "keep_types" and v is not None else v)
                       for k, v in manifests[0]["config"].items()})
    records = [record_from_row(row) for row in rows]
    merged_rows = [record_row(rec, int(row["index"])) for rec, row in zip(records, rows)]
    manifest = {**{k: v for k, v in manifests[0].items() if k not in ("checksums", "run_id")},
                "shard": None, "merged_from": list(run_ids),
                "counts": {"sentences": len(records)},
                "timings": _merge_timings([m.get("timings", {}) for m in manifests]),
                "cache": _merge_counts([m.get("cache", {}) for m in manifests]),
                "seconds": round(sum(m.get("seconds", 0) for m in manifests), 3)}
    return write_run(runs_root, run_id or cfg.run_id(), manifest, merged_rows,
                     metrics_of(records, cfg, manifests[0].get("given")))


def _merge_counts(parts: Sequence[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for part in parts:
        for name, v in part.items():
            for key, n in v.items():
                out.setdefault(name, {}).setdefault(key, 0)
                out[name][key] += int(n)
    return out


def _merge_timings(parts: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, Any]:
    t = _Timer()
    for part in parts:
        for step, v in part.items():
            t.add(step, float(v.get("seconds") or 0), int(v.get("sentences") or 0))
    return t.summary()
