"""Back-translation (tgt2tgt) refinement with a hand-written translator and aligner."""

from __future__ import annotations

from typing import Sequence

import pytest

from core.aligners.backtranslation import BackTranslation, BackTranslationRefiner, back_translate
from core.errors import ProjectError
from core.projection.base import projected_spans
from core.projection.heuristic import HeuristicProjector
from core.types import Alignment, Span

WORDS = {"John": "Jan", "Smith": "Smit", "lives": "woont", "in": "in", "works": "werkt",
         "for": "voor", "the": "het", "Red": "Rode", "Cross": "Kruis", "Amsterdam": "Amsterdam",
         "Mary": "Marie", "sleeps": "slaapt"}


class WordByWordTranslator:
    """Deterministic toy translator: word by word from WORDS, markers and unknown words kept.

    ``drop_markers_around`` removes the brackets around that (translated) word, imitating an
    MT model that loses markers; ``empty`` translates every sentence to an empty string.
    """

    def __init__(self, drop_markers_around: str | None = None, empty: bool = False) -> None:
        self.drop = drop_markers_around
        self.empty = empty
        self.calls: list[tuple[list[str], str, str]] = []

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.calls.append((list(texts), src_lang, tgt_lang))
        out = []
        for text in texts:
            words = [WORDS.get(w, w) for w in text.split()]
            joined = " ".join(words)
            if self.drop and "[" in text:
                joined = joined.replace(f"[ {self.drop} ]", self.drop)
            out.append("" if self.empty and "[" in text else joined)
        return out


class StringMatchAligner:
    """Links every pair of words that are equal ignoring case (a monolingual aligner)."""

    name = "same-word"

    def __init__(self) -> None:
        self.calls: list[list] = []

    def align(self, pairs):
        self.calls.append(list(pairs))
        return [Alignment.of([(i, j) for i, a in enumerate(src) for j, b in enumerate(tgt)
                              if a.lower() == b.lower()], self.name) for src, tgt in pairs]


ENGLISH = "John Smith lives in Amsterdam .".split()
ENTITIES = [Span(0, 2, "PER"), Span(4, 5, "LOC")]
# a human target sentence with an extra word and another word order than the translation
TARGET = "Gisteren woont Jan Smit in Amsterdam .".split()


def test_back_translation_labels_b_and_aligns_it_with_the_target() -> None:
    translator, aligner = WordByWordTranslator(), StringMatchAligner()
    refiner = BackTranslationRefiner(translator, aligner, "nl")
    assert refiner.name == "tgt2tgt(same-word)"
    (bt,) = refiner.run([(ENGLISH, ENTITIES, TARGET)])
    assert isinstance(bt, BackTranslation)
    assert bt.marked_translation == "[ Jan Smit ] woont in [ Amsterdam ] ."
    assert bt.marked_source == "[ John Smith ] lives in [ Amsterdam ] ."
    assert bt.words == ("Jan", "Smit", "woont", "in", "Amsterdam", ".")
    assert bt.text == "Jan Smit woont in Amsterdam ."
    assert bt.spans == (Span(0, 2, "PER"), Span(4, 5, "LOC"))
    assert bt.entity_translations == ("Jan Smit", "Amsterdam")
    assert bt.issues == () and bt.n_lost == 0
    # links are (B word, target word)
    assert set(bt.alignment.links) == {(0, 2), (1, 3), (2, 1), (3, 4), (4, 5), (5, 6)}
    projections = HeuristicProjector().project(bt.spans, bt.alignment, TARGET)
    assert projected_spans(projections) == [Span(2, 4, "PER"), Span(5, 6, "LOC")]
    # one batched call for the marked sentences, one for the entities
    assert len(translator.calls) == 2 and translator.calls[0][1:] == ("en", "nl")
    assert translator.calls[1][0] == ["Amsterdam", "John Smith"]


def test_lost_markers_are_reported_and_the_entity_is_missing_from_b() -> None:
    translator = WordByWordTranslator(drop_markers_around="Amsterdam")
    (bt,) = back_translate(translator, StringMatchAligner(), [(ENGLISH, ENTITIES, TARGET)], "nl")
    assert bt.words == ("Jan", "Smit", "woont", "in", "Amsterdam", ".")
    assert bt.spans == (Span(0, 2, "PER"),)
    assert bt.n_lost == 1
    lost = [i for i in bt.issues if i.kind == "lost"]
    assert lost[0].entity == 1 and "LOC" in lost[0].detail
    assert projected_spans(HeuristicProjector().project(bt.spans, bt.alignment, TARGET)) == [
        Span(2, 4, "PER")]


def test_batch_with_empty_translation_and_sentence_without_entities() -> None:
    items = [(ENGLISH, ENTITIES, TARGET),
             ("Mary sleeps .".split(), [], "Marie slaapt .".split())]
    aligner = StringMatchAligner()
    out = back_translate(WordByWordTranslator(), aligner, items, "nl")
    assert out[1].spans == () and out[1].words == ("Marie", "slaapt", ".")
    assert out[1].alignment.links == ((0, 0), (1, 1), (2, 2))
    assert len(aligner.calls) == 1 and len(aligner.calls[0]) == 2

    aligner = StringMatchAligner()
    out = back_translate(WordByWordTranslator(empty=True), aligner, items, "nl")
    assert out[0].words == () and out[0].spans == () and len(out[0].alignment) == 0
    assert out[0].n_lost == 2
    assert [len(p) for p in aligner.calls] == [1]  # only the non-empty one was aligned


def test_bad_inputs_raise_project_errors() -> None:
    with pytest.raises(ProjectError, match="translate"):
        BackTranslationRefiner(object(), StringMatchAligner(), "nl")
    with pytest.raises(ProjectError, match="align"):
        BackTranslationRefiner(WordByWordTranslator(), object(), "nl")
    refiner = BackTranslationRefiner(WordByWordTranslator(), StringMatchAligner(), "nl")
    with pytest.raises(ProjectError, match="outside"):
        refiner.run([(["John"], [Span(0, 2, "PER")], ["Jan"])])
    with pytest.raises(ProjectError, match="item 0"):
        refiner.run([(ENGLISH, ENTITIES)])  # type: ignore[list-item]

    class Broken(StringMatchAligner):
        def align(self, pairs):
            return [Alignment.of([(9, 9)]) for _ in pairs]

    with pytest.raises(ProjectError, match="out of range"):
        back_translate(WordByWordTranslator(), Broken(), [(ENGLISH, ENTITIES, TARGET)], "nl")


@pytest.mark.models
def test_real_offline_translator_english_to_portuguese() -> None:
    from core.models.translate import FastTranslateTranslator

    english = "John Smith lives in Lisbon .".split()
    entities = [Span(0, 2, "PER"), Span(4, 5, "LOC")]
    target = "John Smith mora em Lisboa .".split()
    (bt,) = back_translate(FastTranslateTranslator(), StringMatchAligner(),
                           [(english, entities, target)], "pt")
    assert "[" in bt.marked_translation and "[" not in bt.words
    by_label = {s.label: s.text(bt.words) for s in bt.spans}
    assert by_label.get("LOC") == "Lisboa", bt
    assert by_label.get("PER") == "John Smith", bt
    projected = projected_spans(HeuristicProjector().project(bt.spans, bt.alignment, target))
    assert Span(4, 5, "LOC") in projected and Span(0, 2, "PER") in projected
