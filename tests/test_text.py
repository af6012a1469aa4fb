"""Word splitting and joining (core.text) on hand-written examples.

Expected splits follow NLTK's word_tokenize (Treebank conventions) except where core.text
documents a deliberate difference (double quotes are kept as ")."""

from __future__ import annotations

import pytest

from core.text import join_words, split_words

CASES = [
    ("They'll save and invest more.", ["They", "'ll", "save", "and", "invest", "more", "."]),
    ("I can't believe it's not butter!",
     ["I", "ca", "n't", "believe", "it", "'s", "not", "butter", "!"]),
    ("Good muffins cost $3.88 in New York.",
     ["Good", "muffins", "cost", "$", "3.88", "in", "New", "York", "."]),
    ("The U.S. economy grew 2.5% in 2023, officials said.",
     ["The", "U.S.", "economy", "grew", "2.5", "%", "in", "2023", ",", "officials", "said", "."]),
    ('He said "hello" to Mr. Smith (the state-of-the-art guy).',
     ["He", "said", '"', "hello", '"', "to", "Mr.", "Smith", "(", "the", "state-of-the-art",
      "guy", ")", "."]),
    ("She moved to the U.S.", ["She", "moved", "to", "the", "U.S", "."]),
    ("Wait... what?", ["Wait", "...", "what", "?"]),
    ("The students' books cost 1,000 euros at 10:30 -- really.",
     ["The", "students", "'", "books", "cost", "1,000", "euros", "at", "10:30", "--", "really",
      "."]),
    ("O'Neill's dog wasn't gonna bark; I cannot say.",
     ["O'Neill", "'s", "dog", "was", "n't", "gon", "na", "bark", ";", "I", "can", "not", "say",
      "."]),
    ("J. K. Rowling met Dr. Watson on Jan. 5.",
     ["J.", "K.", "Rowling", "met", "Dr.", "Watson", "on", "Jan.", "5", "."]),
    ("Visit https://example.org/a?b=1. Or write to info@example.org!",
     ["Visit", "https://example.org/a?b=1", ".", "Or", "write", "to", "info@example.org", "!"]),
    ("He said: \u201cDon\u2019t go\u201d \u2014 and left\u2026",
     ["He", "said", ":", "\u201c", "Do", "n\u2019t", "go", "\u201d", "\u2014", "and", "left",
      "\u2026"]),
    ("São Paulo é uma cidade d'água.", ["São", "Paulo", "é", "uma", "cidade", "d'água", "."]),
    ("Apple Inc. and AT&T met in Washington, D.C. yesterday.",
     ["Apple", "Inc.", "and", "AT", "&", "T", "met", "in", "Washington", ",", "D.C.",
      "yesterday", "."]),
    ("It's 5 p.m. in the 1990s, isn't it?",
     ["It", "'s", "5", "p.m.", "in", "the", "1990s", ",", "is", "n't", "it", "?"]),
    ("", []),
    ("   ", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_split_words_english(text: str, expected: list[str]) -> None:
    assert split_words(text) == expected


def test_split_words_keeps_combining_marks_inside_words() -> None:
    # Devanagari vowel signs and virama are combining marks, not word boundaries.
    assert split_words("हिन्दी भाषा बोलते हैं।", "hi") == ["हिन्दी", "भाषा", "बोलते", "हैं", "।"]


def test_split_words_no_space_languages_split_characters() -> None:
    assert split_words("北京大学在中国。abc 1.5", "zh") == ["北", "京", "大", "学", "在", "中",
                                                         "国", "。", "abc", "1.5"]
    # Thai: the vowel sign U+0E38 (a combining mark) stays with its consonant.
    assert split_words("กรุงเทพ", "th") == ["ก", "ร\u0e38", "ง", "เ", "ท", "พ"]
    assert split_words("東京へ行く", "ja") == list("東京へ行く")


def test_split_words_returns_substrings_only() -> None:
    text = 'Mr. O\'Neill said: "The U.S.-based firm earned $3.5bn (2.1%)!"'
    words = split_words(text)
    assert all(w and w in text for w in words)
    # Nothing but whitespace is dropped.
    assert "".join(words) == "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "pt", "sw", "de"])
def test_join_words_spaces(lang: str) -> None:
    assert join_words(["Ela", "mora", "em", "Lisboa", "."], lang) == "Ela mora em Lisboa ."


@pytest.mark.parametrize("lang", ["zh", "ja", "th", "zh-TW", "jpn"])
def test_join_words_no_space_languages(lang: str) -> None:
    assert join_words(["北", "京", "大", "学"], lang) == "北京大学"


def test_join_words_detokenize() -> None:
    words = ["He", "said", '"', "I", "ca", "n't", "go", "(", "today", ")", '"', "and", "left",
             "...", "Really", "?", "It", "costs", "$", "5", ",", "or", "10", "%", "."]
    assert join_words(words, "en", detokenize=True) == (
        'He said "I can\'t go (today)" and left... Really? It costs $5, or 10%.')


def test_split_then_detokenize_round_trip() -> None:
    text = "The U.S. economy grew 2.5% in 2023, officials said (again)."
    assert join_words(split_words(text), "en", detokenize=True) == text
