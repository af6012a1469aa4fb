"""The model components of a run: loaded from the config's names for exactly the stages the
run's plan has (:mod:`core.pipeline.stages`), each wrapped in the step cache
(:meth:`core.stepcache.StepCache.memoize`) under its ``signature``."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.config import RunConfig
from core.errors import ProjectError
from core.stepcache import StepCache, content_key
from core.types import Alignment, Item, Span


@dataclass
class Components:
    """Model components; ``None`` ones are built from the config's names on first use.

    Tests inject fakes here; the app passes already-loaded (cached) models.
    """

    translator: Any = None
    tagger: Any = None
    target_tagger: Any = None
    aligner: Any = None


def signature_of(component: Any) -> str:
    """A component's identity: its ``signature``; one without is refused (a fallback such as
    the class name would let two differently configured components share cache entries)."""
    sig = getattr(component, "signature", None)
    if not isinstance(sig, str) or not sig:
        raise ProjectError(f"component {type(component).__name__} has no signature",
                           hint="components declare `signature`, computed from their settings")
    return sig


def _words_key(words: Sequence[str]) -> str:
    return content_key(list(words))


class CachedTagger:
    """Tags word lists through the step cache (key: the words)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.signature = signature_of(inner)
        self.cache = StepCache("tag", self.signature)
        self._probs: StepCache | None = None

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return self.cache.memoize(
            sentences, _words_key, self.inner.tag,
            encode=lambda spans: [[s.start, s.end, s.label] for s in spans],
            decode=lambda v: [Span(s, e, lab) for s, e, lab in v])

    def word_probs(self, sentences: Sequence[Sequence[str]]) -> list[Any]:
        """Per-word probabilities in the label map's IOB2 tags (``WordProbs``), cached; needs
        a tagger with ``tag_with_probs`` (Hub / ``ner:`` taggers)."""
        from core.models.tagging import WordProbs

        if not hasattr(self.inner, "tag_with_probs"):
            raise ProjectError(f"the tagger {self.name} gives no probabilities (the NER score "
                               "needs them)", setting="target_tagger",
                               hint="use ner:me5-small-conll03")
        self._probs = self._probs or StepCache("tagprobs", self.signature)
        return self._probs.memoize(
            sentences, _words_key, self.inner.tag_with_probs,
            encode=lambda t: {"tags": list(t.mapped.tags),
                              "probs": np.round(t.mapped.probs, 5).tolist()},
            decode=lambda v: WordProbs(tuple(v["tags"]), np.asarray(
                v["probs"], dtype=np.float32).reshape(-1, len(v["tags"]))))


class CachedAligner:
    """Aligns pairs through the step cache (key: both word lists)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.signature = signature_of(inner)
        self.cache = StepCache("align", self.signature)

    def align(self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[Alignment]:
        return self.cache.memoize(
            pairs, lambda p: content_key(list(p[0]), list(p[1])), self.inner.align,
            encode=lambda a: {"links": [list(x) for x in a.links],
                              "scores": [[i, j, float(v)] for (i, j), v in a.scores.items()]},
            decode=lambda v: Alignment.of([tuple(x) for x in v["links"]], self.name,
                                          scores={(i, j): s for i, j, s in v["scores"]}))


def takes_indices(aligner: Any) -> bool:
    """Alignments read from files are looked up by sentence index, not cached by content."""
    try:
        return "indices" in inspect.signature(aligner.align).parameters
    except (TypeError, ValueError):
        return False


def _cached(name: str, obj: Any) -> Any:
    """The step-cache wrapper of a component (translators cache themselves when loaded)."""
    if obj is None or name == "translator" or isinstance(obj, (CachedTagger, CachedAligner)):
        return obj
    if name == "aligner":
        return obj if takes_indices(obj) else CachedAligner(obj)
    return CachedTagger(obj)


def _load(name: str, cfg: RunConfig, datasets_root: Path | None) -> Any:
    from core.models.registry import load_tagger, load_translator

    spec = getattr(cfg, name)
    if name == "translator":
        return load_translator(spec)
    if name == "aligner":
        from core.aligners.registry import get_aligner

        return get_aligner(spec, lang=cfg.lang, source_lang=cfg.source_lang,
                           datasets_root=datasets_root)
    return load_tagger(spec)


#: What to write in the config for each component, when it is missing.
_HINTS = {"target_tagger": "e.g. target_tagger = 'spacy:fr' (the method needs target-language "
                           "NER spans)"}


def build_components(cfg: RunConfig, given: Components | None = None,
                     datasets_root: Path | None = None, items: Sequence[Item] = ()
                     ) -> Components:
    """Load what the config's plan needs (and nothing else), wrapped in the step caches; a
    component the plan needs that is neither given nor named in the config is a
    :class:`ProjectError` listing every missing one."""
    from core.pipeline.provenance import given_parts
    from core.pipeline.stages import plan

    given = given or Components()
    comp = Components(**{f.name: _cached(f.name, getattr(given, f.name))
                         for f in fields(Components)})
    needs = plan(cfg, given_parts(cfg, items), items).needs
    check_components(cfg, comp, needs, loadable=True)
    for name in needs:
        if getattr(comp, name) is None:
            setattr(comp, name, _cached(name, _load(name, cfg, datasets_root)))
    return comp


def check_components(cfg: RunConfig, comp: Components, needs: Sequence[str], *,
                     loadable: bool = False) -> None:
    """Every component in ``needs`` is there (or, ``loadable``, named in the config)."""
    missing = [n for n in needs if getattr(comp, n) is None
               and not (loadable and getattr(cfg, n))]
    if missing:
        from core.pipeline.stages import pipeline_name

        raise ProjectError(f"the {pipeline_name(cfg)} pipeline with method {cfg.method!r} "
                           f"needs: {', '.join(missing)} (missing)", setting=missing[0],
                           hint=_HINTS.get(missing[0], f"set {missing[0]} in the config"))
