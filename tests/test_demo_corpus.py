"""The committed demo corpus (data/demo): format, labels, case index, and cross-language
consistency of the gold entities. Also checks that the generated files match source.txt."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from core.readers.conll import read_conll
from core.types import Sentence

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
LANGS = ("en", "pt", "de", "es", "fr", "sw")
TYPES = {"PER", "ORG", "LOC", "MISC"}
CASES = {"multiword_reordering", "inflection_compounds_agglutination", "dropped_paraphrased",
         "adjacent_punctuation", "long", "easy"}
# Categories in which a translation may legitimately have a different entity inventory.
INVENTORY_MAY_CHANGE = ("dropped_paraphrased", "inflection_compounds_agglutination",
                        "adjacent_punctuation")
_WORD = re.compile(r"\w")


def _load_build():
    spec = importlib.util.spec_from_file_location("demo_build", DEMO / "build.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Sentence]]:
    return {lang: read_conll(DEMO / f"{lang}.conll", lang=lang, repair=False) for lang in LANGS}


@pytest.fixture(scope="module")
def cases() -> dict[str, list[int]]:
    return json.loads((DEMO / "cases.json").read_text(encoding="utf-8"))


def _inventory(sentence: Sentence) -> Counter:
    return Counter(span.label for span in sentence.spans)


def _words(sentence: Sentence) -> int:
    return sum(1 for w in sentence.words if _WORD.search(w))


@pytest.mark.parametrize("lang", LANGS)
def test_file_is_plain_two_column_conll(lang: str) -> None:
    """Every non-blank line is exactly ``token<TAB>label``; no markers, no stray whitespace."""
    text = (DEMO / f"{lang}.conll").read_text(encoding="utf-8")
    assert text.endswith("\n\n"), "the last sentence must end with a blank line"
    for lineno, line in enumerate(text.split("\n")[:-1], start=1):
        if not line:
            continue
        parts = line.split("\t")
        assert len(parts) == 2, f"{lang}.conll:{lineno}: expected token<TAB>label: {line!r}"
        token, label = parts
        assert token and token == token.strip() and not any(c.isspace() for c in token), \
            f"{lang}.conll:{lineno}: bad token {token!r}"
        assert token != "-DOCSTART-", f"{lang}.conll:{lineno}: no document markers expected"
        assert label == "O" or (label[:2] in ("B-", "I-") and label[2:] in TYPES), \
            f"{lang}.conll:{lineno}: label {label!r} is not IOB2 over {sorted(TYPES)}"
    assert "\n\n\n" not in text, "exactly one blank line between sentences"


def test_all_languages_parse_strictly_and_align(corpus: dict[str, list[Sentence]]) -> None:
    counts = {lang: len(sents) for lang, sents in corpus.items()}
    assert len(set(counts.values())) == 1, f"sentence counts differ: {counts}"
    assert counts["en"] >= 60
    for lang, sents in corpus.items():
        # ids are block indices: no block was skipped, so sentence k is line-block k everywhere
        assert [s.id for s in sents] == [f"{lang}:{k}" for k in range(len(sents))]
        assert all(s.labels is not None and len(s) > 0 for s in sents)


def test_labels_are_valid_iob2_with_known_types(corpus: dict[str, list[Sentence]]) -> None:
    for lang, sents in corpus.items():
        for s in sents:
            previous = "O"
            for k, tag in enumerate(s.labels or ()):
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:] and previous != "O", \
                        f"{s.id} token {k} ({s.words[k]!r}): {tag} without B-/I- of that type"
                assert tag == "O" or tag[2:] in TYPES, f"{s.id} token {k}: unknown type {tag}"
                previous = tag
            assert {span.label for span in s.spans} <= TYPES


def test_case_index(cases: dict[str, list[int]], corpus: dict[str, list[Sentence]]) -> None:
    n = len(corpus["en"])
    assert set(cases) == CASES
    for case, ids in cases.items():
        assert ids, f"category {case!r} is empty"
        assert all(isinstance(i, int) and 0 <= i < n for i in ids), f"{case}: id out of range"
        assert ids == sorted(set(ids)), f"{case}: ids must be sorted and unique"
    for case in CASES - {"easy", "long"}:
        assert len(cases[case]) >= 4, f"{case} needs at least 4 sentences"
    # easy sentences are plain: no hard-case category at the same time
    hard = set().union(*(set(cases[c]) for c in CASES - {"easy", "long"}))
    assert not hard & set(cases["easy"])
    assert 0.25 <= len(cases["easy"]) / n <= 0.45, "about a third of the corpus should be easy"


def test_long_sentences(cases: dict[str, list[int]], corpus: dict[str, list[Sentence]]) -> None:
    en = corpus["en"]
    long_ids = [k for k, s in enumerate(en) if _words(s) >= 40]
    assert len(long_ids) >= 6
    assert cases["long"] == long_ids, "cases.json 'long' must list exactly the >= 40-word sentences"
    assert all(len(en[k].spans) >= 5 for k in long_ids), "long sentences carry many entities"


def test_english_sentences_have_entities(corpus: dict[str, list[Sentence]]) -> None:
    en = corpus["en"]
    with_entities = sum(1 for s in en if s.spans)
    assert with_entities >= 0.9 * len(en)


def test_translations_keep_entity_inventory(cases: dict[str, list[int]],
                                            corpus: dict[str, list[Sentence]]) -> None:
    """Outside the categories that allow it, every translation has the same number of entities
    of each type as the English sentence; an unexpected difference is an annotation mistake."""
    allowed = set().union(*(set(cases[c]) for c in INVENTORY_MAY_CHANGE))
    problems = []
    for k, src in enumerate(corpus["en"]):
        if k in allowed:
            continue
        expected = _inventory(src)
        for lang in LANGS[1:]:
            got = _inventory(corpus[lang][k])
            if got != expected:
                problems.append(f"sentence {k} {lang}: {dict(got)} vs en {dict(expected)}")
    assert not problems, "\n".join(problems)


def test_exempt_categories_really_change_something(cases: dict[str, list[int]],
                                                  corpus: dict[str, list[Sentence]]) -> None:
    """Each 'dropped_paraphrased' sentence drops or retypes an entity in some translation, or
    expands an acronym (same inventory, but a one-token name becomes a multi-token one)."""
    def shape(s: Sentence) -> list[tuple[str, int]]:
        return sorted((span.label, len(span)) for span in s.spans)

    changed_inventory = 0
    for k in cases["dropped_paraphrased"]:
        src = corpus["en"][k]
        inventory = any(_inventory(corpus[lang][k]) != _inventory(src) for lang in LANGS[1:])
        expanded = any(shape(corpus[lang][k]) != shape(src) for lang in LANGS[1:])
        assert inventory or expanded, \
            f"sentence {k} is listed as dropped_paraphrased but no translation changes an entity"
        changed_inventory += inventory
    assert changed_inventory >= 4


def test_generated_files_match_source() -> None:
    """The .conll files, cases.json and README statistics are what build.py makes of source.txt."""
    build = _load_build()
    stale = [p.name for p, text in build.expected_files(DEMO).items()
             if p.read_text(encoding="utf-8") != text]
    assert not stale, f"run data/demo/build.py: out of date: {stale}"


def test_markup_parser() -> None:
    build = _load_build()
    tokens, tags = build.parse_markup("The [ORG University of São Paulo] and [LOC Lisbon] .", "t")
    assert tokens == ("The", "University", "of", "São", "Paulo", "and", "Lisbon", ".")
    assert tags == ("O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "O")
    tokens, tags = build.parse_markup("[MISC Mkenya] [PER Grace Wanjiru] [ORG Yahoo!]", "t")
    assert tags == ("B-MISC", "B-PER", "I-PER", "B-ORG")
    assert tokens[-1] == "Yahoo!"
    for bad in ("[PER Ana", "Ana]", "[PER [LOC X]]", "[FOO X]", "a  b", "[PER ]"):
        with pytest.raises(ValueError):
            build.parse_markup(bad, "t")
