"""Back-translation alignment refinement ("tgt2tgt", METHOD.md §3).

Instead of aligning the target sentence T with the English sentence E (cross-lingual), E's
entities are carried into T's language first and T is aligned with that back-translation B
(monolingual):

1. every entity of E is wrapped in ``[ … ]`` and the marked sentence is translated into the
   target language, each entity also on its own (:func:`core.markers.translate_with_markers`);
2. each bracketed span of the translation is labelled with the entity whose stand-alone
   translation is most similar; the markers are removed and the translation is split into
   words → B with labelled spans (problems such as lost or moved markers are kept as issues);
3. B and T are aligned with any word aligner, **B as the source side**: a link ``(i, j)`` joins
   B word ``i`` and T word ``j``.

The result (:class:`BackTranslation`) is a new source to project from: B's words and spans plus
the B↔T alignment, so any projector (``project(bt.spans, bt.alignment, target_words)``) can
label T. All sentences of a batch are translated in one call and aligned in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

from core.aligners.base import check_pairs
from core.errors import ProjectError
from core.markers import MarkerIssue, MarkerResult, Translator, translate_with_markers
from core.text import split_words
from core.types import Alignment, Span

Splitter = Callable[[str], list[str]]


@dataclass(frozen=True)
class BackTranslation:
    """One target sentence's back-translation and its alignment with the target sentence.

    ``words``/``spans``: B (markers removed) and its labelled entity spans, the new source.
    ``alignment``: links ``(B word, target word)``. ``marked_translation``: the raw translation
    with its markers, ``marked_source`` the marked English that was translated,
    ``entity_translations`` the stand-alone translation of each English entity (in the order of
    the sorted English spans), ``issues`` the marker problems (lost, moved, unbalanced, ...).
    """

    words: tuple[str, ...]
    spans: tuple[Span, ...]
    alignment: Alignment
    marked_translation: str
    issues: tuple[MarkerIssue, ...]
    marked_source: str = ""
    entity_translations: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """B's words joined with spaces (what the inspector shows as the back-translation)."""
        return " ".join(self.words)

    @property
    def n_lost(self) -> int:
        """Number of English entities that got no span in B."""
        return sum(1 for issue in self.issues if issue.kind == "lost")


#: One sentence to refine: English words, English entity spans, target words.
Item = tuple[Sequence[str], Sequence[Span], Sequence[str]]


class BackTranslationRefiner:
    """Back-translate marked English into the target language and align T with it.

    ``translator`` follows the :class:`core.markers.Translator` protocol (a batch of texts in,
    one translation each out); ``aligner`` is any word aligner (``align(pairs)``, ``name``).
    ``split`` turns translated text into words (default: :func:`core.text.split_words` for
    ``tgt_lang``, i.e. the same splitting as other machine-translated text); ``threshold`` is
    the fuzzy-match threshold for labelling spans. The name is ``"tgt2tgt(<aligner name>)"``.
    """

    def __init__(self, translator: Translator, aligner: object, tgt_lang: str, *,
                 src_lang: str = "en", split: Splitter | None = None,
                 threshold: float = 0.5) -> None:
        if not callable(getattr(translator, "translate", None)):
            raise ProjectError(f"{translator!r:.60} has no translate(texts, src, tgt) method",
                               setting="translator")
        if not callable(getattr(aligner, "align", None)):
            raise ProjectError(f"{aligner!r:.60} has no align(pairs) method", setting="aligner")
        if not 0 <= threshold < 1:
            raise ProjectError(f"threshold must be in [0, 1), got {threshold!r}",
                               setting="threshold")
        self.translator = translator
        self.aligner = aligner
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.split: Splitter = split or partial(split_words, lang=tgt_lang)
        self.threshold = threshold
        self.name = f"tgt2tgt({getattr(aligner, 'name', type(aligner).__name__)})"

    def marker_results(self, items: Sequence[Item]) -> list[MarkerResult]:
        """Steps 1–2 only: the labelled back-translations, without alignment."""
        return translate_with_markers(self.translator,
                                      [(list(words), list(spans)) for words, spans, _ in items],
                                      self.src_lang, self.tgt_lang, split=self.split,
                                      threshold=self.threshold)

    def run(self, items: Sequence[Item]) -> list[BackTranslation]:
        """One :class:`BackTranslation` per ``(english_words, english_spans, target_words)``."""
        for k, item in enumerate(items):
            if len(item) != 3:
                raise ProjectError(f"item {k} is not (english_words, english_spans, "
                                   f"target_words)", setting="items")
            words, spans, _ = item
            for span in spans:
                if span.end > len(words):
                    raise ProjectError(f"item {k}: entity {span.start}-{span.end} lies outside "
                                       f"its {len(words)} English words", setting="items")
        results = self.marker_results(items)
        targets = [tuple(t) for _, _, t in items]
        todo = [k for k, (r, t) in enumerate(zip(results, targets)) if r.words and t]
        pairs = check_pairs([(results[k].words, targets[k]) for k in todo])
        aligned = self.aligner.align(pairs) if pairs else []  # type: ignore[attr-defined]
        if len(aligned) != len(pairs):
            raise ProjectError(f"the aligner returned {len(aligned)} alignments for "
                               f"{len(pairs)} pairs", setting="aligner")
        by_item = dict(zip(todo, aligned))
        out = []
        for k, (result, tgt) in enumerate(zip(results, targets)):
            alignment = by_item.get(k) or Alignment.of([], self.name)
            alignment.check_bounds(len(result.words), len(tgt), where="back-translation "
                                   f"alignment of item {k}")
            out.append(BackTranslation(result.words, result.spans, alignment,
                                       result.marked_translation, result.issues,
                                       result.marked_source, result.entity_translations))
        return out


def back_translate(translator: Translator, aligner: object,
                   items: Sequence[Item], tgt_lang: str, *, src_lang: str = "en",
                   split: Splitter | None = None, threshold: float = 0.5) -> list[BackTranslation]:
    """Shortcut for ``BackTranslationRefiner(...).run(items)``."""
    return BackTranslationRefiner(translator, aligner, tgt_lang, src_lang=src_lang, split=split,
                                  threshold=threshold).run(items)
