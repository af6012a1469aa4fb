"""Candidate extraction and score components (METHOD.md §4), on hand-written examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ProjectError
from core.projection.base import punctuation_only
from core.projection.candidates import (alignment_window, merge_candidates,
                                        ner_candidates, ngram_candidates, ngram_ranges)
from core.projection.scores import (align_matrix, align_score, attach_scores,
                                    score_candidates)
from core.types import Alignment, Candidate, Span


def ranges(cands: list[Candidate]) -> list[tuple[int, int]]:
    return [c.range for c in cands]


# ----------------------------------------------------------------------------- n-grams

def test_ngrams_cover_every_range_sorted() -> None:
    words = ["Die", "Stadt", "Köln", "liegt"]
    got = ranges(ngram_candidates(words))
    assert len(got) == 4 * 5 // 2
    assert got == sorted(got)
    assert set(got) == {(s, e) for s in range(4) for e in range(s + 1, 5)}
    assert all(c.origin == "ngram" for c in ngram_candidates(words))


def test_ngrams_max_len() -> None:
    words = list("abcdef")
    got = ranges(ngram_candidates(words, max_len=2))
    assert got == [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (3, 5), (4, 5),
                   (4, 6), (5, 6)]
    assert len(ngram_candidates(words, max_len=1)) == 6
    with pytest.raises(ProjectError, match="max_len"):
        ngram_candidates(words, max_len=0)


def test_ngrams_skip_words_with_exclamation_or_question_mark() -> None:
    words = ["Hallo", "Welt!", "Wie", "geht's", "?", "Gut"]
    got = set(ranges(ngram_candidates(words)))
    # no range may contain word 1 ("Welt!") or word 4 ("?")
    assert all(not (s <= 1 < e or s <= 4 < e) for s, e in got)
    assert got == {(0, 1), (2, 3), (2, 4), (3, 4), (5, 6)}
    # the paper's behaviour can be switched off
    assert len(ngram_candidates(words, skip_chars=())) == 21


def test_ngrams_skip_punct_edges_is_optional() -> None:
    words = ["(", "Bayern", "München", ")", ","]
    default = set(ranges(ngram_candidates(words)))
    assert (0, 4) in default and (1, 3) in default
    trimmed = set(ranges(ngram_candidates(words, skip_punct_edges=True)))
    assert trimmed == {(1, 2), (1, 3), (2, 3)}
    assert punctuation_only("),", "unicode") and punctuation_only("«", "unicode")
    assert not punctuation_only("U.S.", "unicode")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "!", "x?", ",", "(", "c"]), max_size=9),
       st.one_of(st.none(), st.integers(1, 4)), st.booleans())
def test_ngram_ranges_match_the_definition(words: list[str], max_len: int | None,
                                           punct_edges: bool) -> None:
    def allowed(s: int, e: int) -> bool:
        span = words[s:e]
        if max_len is not None and e - s > max_len:
            return False
        if any("!" in w or "?" in w for w in span):
            return False
        return not (punct_edges and (punctuation_only(span[0], "unicode")
                                    or punctuation_only(span[-1], "unicode")))

    n = len(words)
    expected = [(s, e) for s in range(n) for e in range(s + 1, n + 1) if allowed(s, e)]
    got = ngram_ranges(words, max_len=max_len, skip_punct_edges=punct_edges)
    assert got == expected
    assert ranges(ngram_candidates(words, max_len=max_len, skip_punct_edges=punct_edges)) == got


def test_ngrams_empty_sentence() -> None:
    assert ngram_candidates([]) == []


# ----------------------------------------------------------------------------- NER candidates

def test_ner_candidates_discard_type_and_duplicates() -> None:
    spans = [Span(3, 5, "LOC"), Span(0, 1, "PER"), Span(3, 5, "ORG"), (6, 7)]
    got = ner_candidates(spans, n_words=7)
    assert ranges(got) == [(0, 1), (3, 5), (6, 7)]
    assert all(c.origin == "ner" for c in got)
    with pytest.raises(ProjectError, match="exceeds"):
        ner_candidates([Span(2, 9, "PER")], n_words=7)


def test_merge_candidates_keeps_one_per_range() -> None:
    merged = merge_candidates(ngram_candidates(["a", "b"]), ner_candidates([Span(0, 2, "X")]))
    assert ranges(merged) == [(0, 1), (0, 2), (1, 2)]
    assert merged[1].origin == "ngram"


def test_alignment_window() -> None:
    al = Alignment.of([(0, 4), (1, 2), (1, 7), (3, 0)])
    assert alignment_window(Span(0, 2, "PER"), al) == (2, 8)
    assert alignment_window((3, 4), al) == (0, 1)
    assert alignment_window(Span(2, 3, "PER"), al) is None


# ----------------------------------------------------------------------------- scores

def test_dice_one_to_one_perfect_match_is_one() -> None:
    al = Alignment.of([(0, 1), (1, 2)])
    assert align_score(Span(0, 2, "PER"), (1, 3), al) == 1.0
    assert align_score((0, 1), Candidate(1, 2), al) == 1.0


def test_dice_without_links_is_zero() -> None:
    al = Alignment.of([(0, 1), (1, 2)])
    assert align_score(Span(0, 2, "PER"), (3, 5), al) == 0.0
    assert align_score(Span(2, 3, "PER"), (0, 5), al) == 0.0


def test_dice_hand_worked() -> None:
    # entity of 2 words, candidate of 3 words, 2 links: 2*2/(2+3)
    al = Alignment.of([(0, 0), (1, 1), (2, 5)])
    assert align_score((0, 2), (0, 3), al) == pytest.approx(0.8)
    # one source word linked to both words of a 2-word candidate: links are counted, 2*2/(1+2)
    al2 = Alignment.of([(0, 0), (0, 1)])
    assert align_score((0, 1), (0, 2), al2) == pytest.approx(4 / 3)
    # with only one of those links inside the candidate: 2*1/(1+1)
    assert align_score((0, 1), (1, 2), al2) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_align_matrix_equals_pairwise_score(data: st.DataObject) -> None:
    n_src = data.draw(st.integers(1, 6))
    n_tgt = data.draw(st.integers(1, 6))
    links = data.draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1))))
    al = Alignment.of(links)
    ents = [Span(s, e, "X") for s in range(n_src) for e in range(s + 1, n_src + 1)][:5]
    cands = ngram_candidates(["w"] * n_tgt)
    mat = align_matrix(ents, [c.range for c in cands], al)
    expected = np.array([[align_score(e, c, al) for c in cands] for e in ents])
    np.testing.assert_allclose(mat, expected)


def test_score_candidates_weighted_fusion_and_extras() -> None:
    al = Alignment.of([(0, 0), (1, 2)])
    ents = [Span(0, 1, "PER"), Span(1, 2, "LOC")]
    cands = ngram_candidates(["a", "b", "c"])  # (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    ner = np.zeros((2, 6))
    ner[0, 0] = 0.5
    nmt = {(1, (2, 3)): 0.25, (1, (0, 3)): 0.1}
    table = score_candidates(ents, cands, al, weights={"align": 0.5, "ner": 2.0, "nmt": 1.0},
                             extra_scores={"ner": ner, "nmt": nmt})
    assert set(table.components) == {"align", "ner", "nmt"}
    assert table.total[0, 0] == pytest.approx(0.5 * 1.0 + 2.0 * 0.5)
    assert table.total[1, 5] == pytest.approx(0.5 * 1.0 + 0.25)
    assert table.total[1, 2] == pytest.approx(0.5 * (2 / 4) + 0.1)
    assert table.pair(0, 0) == {"align": 1.0, "ner": 0.5, "nmt": 0.0}
    scored = attach_scores(cands, table)
    assert scored[0].scores == {0: {"align": 1.0, "ner": 0.5, "nmt": 0.0}}
    assert 1 not in scored[0].scores  # no component is non-zero for entity 1 on (0, 1)
    assert scored[5].scores[1]["nmt"] == 0.25
    assert cands[0].scores == {}  # the input candidates are not modified
    only = attach_scores([c.range for c in cands], table, pairs=[(1, 5)], keep_unscored=False,
                         origin="ner")
    assert [(c.range, c.origin) for c in only] == [((2, 3), "ner")]
    assert only[0].scores == {1: {"align": 1.0, "ner": 0.0, "nmt": 0.25}}


def test_score_candidates_errors_name_the_setting() -> None:
    al = Alignment.of([(0, 0)])
    ents = [Span(0, 1, "PER")]
    cands = ngram_candidates(["a", "b"])
    with pytest.raises(ProjectError, match="weights.*'ner'"):
        score_candidates(ents, cands, al, weights={"ner": 1.0})
    with pytest.raises(ProjectError, match=r"extra_scores\[ner\].*shape"):
        score_candidates(ents, cands, al, weights={"ner": 1.0},
                         extra_scores={"ner": np.zeros((2, 3))})
    with pytest.raises(ProjectError, match=r"extra_scores\[ner\].*entity index"):
        score_candidates(ents, cands, al, weights={"ner": 1.0},
                         extra_scores={"ner": {(4, (0, 1)): 1.0}})


def test_custom_component_registry() -> None:
    def length_bonus(entities, rngs, alignment, words):  # noqa: ANN001, ANN202
        return np.array([[1.0 / (e - s) for s, e in rngs] for _ in entities])

    al = Alignment.of([(0, 1)])
    table = score_candidates([Span(0, 1, "X")], ngram_candidates(["a", "b"]), al,
                             weights={"len": 1.0}, components={"len": length_bonus})
    np.testing.assert_allclose(table.total, [[1.0, 0.5, 1.0]])
    assert set(table.components) == {"len"}
