"""Tests of core.labels: tag schemes -> spans, repair, IOB2 output, label maps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.scheme import IOB2, Tokens

from core.errors import ProjectError
from core.labels import (
    LABEL_MAPS,
    ONTONOTES_TO_CONLL,
    LabelMap,
    normalise_tags,
    spans_to_tags,
    split_tag,
    tags_to_spans,
)
from core.types import Span


def S(start: int, end: int, label: str) -> Span:
    return Span(start, end, label)


def is_valid_iob2(tags: list[str]) -> bool:
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            return False
        if t != "O" and t[:2] not in ("B-", "I-"):
            return False
        prev = t
    return True


# --------------------------------------------------------------------------- split_tag


def test_split_tag():
    assert split_tag("O") == ("O", None)
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("I-WORK_OF_ART") == ("I", "WORK_OF_ART")
    assert split_tag("L-LOC") == ("E", "LOC")   # BILOU read as BIOES
    assert split_tag("U-LOC") == ("S", "LOC")
    assert split_tag("B-X-Y") == ("B", "X-Y")   # only the first hyphen separates


@pytest.mark.parametrize("bad", ["", "PER", "B-", "B", "X-PER", "b-PER", "o", "B_PER"])
def test_split_tag_rejects(bad):
    with pytest.raises(ProjectError, match="invalid tag"):
        split_tag(bad)


# --------------------------------------------------------------------------- schemes


@pytest.mark.parametrize("scheme, tags, expected", [
    ("IOB2", ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"],
     [S(0, 2, "PER"), S(3, 4, "LOC"), S(4, 6, "LOC")]),
    ("IOB1", ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"],
     [S(0, 2, "PER"), S(2, 3, "PER"), S(4, 5, "LOC"), S(5, 6, "ORG")]),
    ("BIOES", ["B-PER", "I-PER", "E-PER", "S-LOC", "S-LOC", "O", "B-ORG", "E-ORG"],
     [S(0, 3, "PER"), S(3, 4, "LOC"), S(4, 5, "LOC"), S(6, 8, "ORG")]),
    ("BILOU", ["U-PER", "B-LOC", "L-LOC", "O", "B-ORG", "I-ORG", "L-ORG"],
     [S(0, 1, "PER"), S(1, 3, "LOC"), S(4, 7, "ORG")]),
    ("IO", ["I-PER", "I-PER", "O", "I-LOC", "I-ORG", "I-ORG"],
     [S(0, 2, "PER"), S(3, 4, "LOC"), S(4, 6, "ORG")]),
])
def test_schemes(scheme, tags, expected):
    assert tags_to_spans(tags) == expected
    normalised = normalise_tags(tags)
    assert is_valid_iob2(normalised)
    assert tags_to_spans(normalised, repair=False) == expected


@pytest.mark.parametrize("tags, repaired, strict", [
    (["I-PER"], [S(0, 1, "PER")], []),
    (["O", "I-PER", "I-PER"], [S(1, 3, "PER")], []),
    (["B-PER", "I-ORG"], [S(0, 1, "PER"), S(1, 2, "ORG")], [S(0, 1, "PER")]),
    (["B-PER", "I-ORG", "I-ORG", "I-PER"], [S(0, 1, "PER"), S(1, 3, "ORG"), S(3, 4, "PER")],
     [S(0, 1, "PER")]),
    (["B-PER", "I-PER", "B-PER"], [S(0, 2, "PER"), S(2, 3, "PER")],
     [S(0, 2, "PER"), S(2, 3, "PER")]),
    (["B-LOC", "O", "I-LOC", "B-LOC"], [S(0, 1, "LOC"), S(2, 3, "LOC"), S(3, 4, "LOC")],
     [S(0, 1, "LOC"), S(3, 4, "LOC")]),
])
def test_repair_of_invalid_i_starts_and_strict_mode(tags, repaired, strict):
    assert tags_to_spans(tags) == repaired
    assert tags_to_spans(tags, repair=True) == repaired
    assert tags_to_spans(tags, repair=False) == strict
    assert normalise_tags(tags) == spans_to_tags(repaired, len(tags))


def test_bioes_repairs():
    # an E- without a start is a one-word entity; an E- of another type closes nothing
    assert tags_to_spans(["E-PER", "O"]) == [S(0, 1, "PER")]
    assert tags_to_spans(["B-PER", "E-LOC"]) == [S(0, 1, "PER"), S(1, 2, "LOC")]
    assert tags_to_spans(["B-PER", "S-PER", "E-PER"]) == [S(0, 1, "PER"), S(1, 2, "PER"),
                                                          S(2, 3, "PER")]
    assert tags_to_spans(["B-PER", "I-PER"]) == [S(0, 2, "PER")]  # unterminated BIOES entity


@pytest.mark.parametrize("tag", ["E-PER", "S-PER", "L-PER", "U-PER"])
def test_strict_mode_rejects_non_iob2(tag):
    with pytest.raises(ProjectError, match="strict"):
        tags_to_spans(["B-PER", tag], repair=False)


def test_empty_and_none():
    assert tags_to_spans(None) == [] and tags_to_spans([]) == []
    assert spans_to_tags([], 3) == ["O", "O", "O"]
    assert normalise_tags([]) == []


def test_spans_to_tags_writes_iob2_and_checks():
    spans = [S(3, 5, "LOC"), S(0, 1, "PER"), S(1, 2, "PER")]
    assert spans_to_tags(spans, 6) == ["B-PER", "B-PER", "O", "B-LOC", "I-LOC", "O"]
    with pytest.raises(ProjectError, match="exceeds sentence length 4"):
        spans_to_tags([S(3, 5, "LOC")], 4)
    with pytest.raises(ProjectError, match="overlaps"):
        spans_to_tags([S(0, 3, "LOC"), S(2, 4, "PER")], 5)


def test_round_trip_spans_tags_spans():
    spans = [S(0, 1, "PER"), S(1, 4, "PER"), S(5, 6, "ORG"), S(6, 7, "LOC")]
    tags = spans_to_tags(spans, 8)
    assert tags_to_spans(tags, repair=False) == spans
    assert tags_to_spans(tags, repair=True) == spans


# --------------------------------------------------------------------------- label maps


def test_label_map_presets():
    assert LabelMap.parse(None).label("MISC") == "MISC"
    assert LabelMap.parse("identity").label("MISC") == "MISC"
    no_misc = LabelMap.parse("no_misc")
    assert no_misc.label("MISC") is None and no_misc.label("PER") == "PER"
    onto = LabelMap.parse("ontonotes")
    assert onto.mapping == ONTONOTES_TO_CONLL
    assert [onto.label(t) for t in ("PERSON", "GPE", "FAC", "NORP", "DATE", "CARDINAL")] == \
        ["PER", "LOC", "LOC", "MISC", None, None]
    assert LabelMap.parse("no_date").label("DATE") is None


def test_label_map_pairs_and_dict():
    m = LabelMap.parse("MISC=O,GPE=LOC")
    assert m.label("MISC") is None and m.label("GPE") == "LOC" and m.label("ORG") == "ORG"
    assert LabelMap.parse(" MISC = , PERSON = PER ").mapping == {"MISC": None, "PERSON": "PER"}
    d = LabelMap.parse({"MISC": "O", "GPE": "LOC", "X": None})
    assert d.mapping == {"MISC": None, "GPE": "LOC", "X": None}


def test_label_map_chain_applies_parts_in_order():
    chain = LabelMap.parse("ontonotes+no_misc")
    assert chain.label("NORP") is None          # NORP -> MISC -> dropped
    assert chain.label("PERSON") == "PER" and chain.label("MISC") is None
    reverse = LabelMap.parse("no_misc+ontonotes")
    assert reverse.label("NORP") == "MISC" and reverse.label("MISC") is None
    assert LabelMap.parse("A=B,B=C").label("A") == "C"
    assert LabelMap.parse("no_misc+MISC=LOC").label("MISC") is None  # dropped stays dropped


def test_label_map_unknown_name_lists_choices():
    with pytest.raises(ProjectError) as exc:
        LabelMap.parse("no_misc+nomisc")
    msg = str(exc.value)
    assert "'nomisc'" in msg and "label_map" in msg
    assert all(name in msg for name in LABEL_MAPS)
    assert exc.value.setting == "label_map"


def test_label_map_keep_and_application():
    m = LabelMap.parse("ontonotes", keep=["PER", "ORG", "LOC"])
    assert m.label("NORP") is None and m.label("GPE") == "LOC" and m.label("FOO") is None
    spans = [Span(0, 1, "PERSON", score=0.7), S(1, 2, "NORP"), S(2, 4, "GPE"), S(4, 5, "ORG")]
    out = m.spans(spans)
    assert out == [S(0, 1, "PER"), S(2, 4, "LOC"), S(4, 5, "ORG")]
    assert out[0].score == 0.7  # the score travels with the span
    tags = ["B-PERSON", "B-NORP", "B-GPE", "I-GPE", "I-ORG", "O"]  # I-ORG: invalid start, repaired
    assert m.tags(tags) == ["B-PER", "O", "B-LOC", "I-LOC", "B-ORG", "O"]
    assert LabelMap.parse(None, keep=["PER"]).label("LOC") is None


# --------------------------------------------------------------------------- properties


@st.composite
def span_sets(draw):
    """A sentence length and non-overlapping spans inside it."""
    length = draw(st.integers(0, 25))
    spans: list[Span] = []
    pos = 0
    while pos < length:
        gap = draw(st.integers(0, 3))
        start = pos + gap
        if start >= length or not draw(st.booleans()):
            break
        end = draw(st.integers(start + 1, min(length, start + 5)))
        spans.append(Span(start, end, draw(st.sampled_from(["PER", "LOC", "ORG", "MISC"]))))
        pos = end
    return length, spans


@settings(max_examples=300, deadline=None)
@given(span_sets())
def test_property_valid_spans_round_trip(case):
    length, spans = case
    tags = spans_to_tags(spans, length)
    assert len(tags) == length and is_valid_iob2(tags)
    assert tags_to_spans(tags, repair=False) == spans
    assert tags_to_spans(tags, repair=True) == spans
    assert normalise_tags(tags) == tags


ANY_TAG = st.sampled_from(["O"] + [f"{p}-{t}" for p in "BIESLU" for t in ("PER", "LOC", "A-B")])
IOB_TAG = st.sampled_from(["O"] + [f"{p}-{t}" for p in "BI" for t in ("PER", "LOC")])


@settings(max_examples=400, deadline=None)
@given(st.lists(ANY_TAG, max_size=20))
def test_property_arbitrary_tags_repair_never_crashes(tags):
    spans = tags_to_spans(tags, repair=True)
    assert all(0 <= s.start < s.end <= len(tags) for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # sorted, disjoint
    norm = normalise_tags(tags)
    assert len(norm) == len(tags) and is_valid_iob2(norm)
    assert tags_to_spans(norm, repair=False) == spans  # normalising keeps the entities
    assert normalise_tags(norm) == norm                 # idempotent
    # every word tagged in the input is inside an entity of the output, and vice versa
    assert {k for k, t in enumerate(tags) if t != "O"} == {k for s in spans for k in s.indices()}


@settings(max_examples=400, deadline=None)
@given(st.lists(IOB_TAG, max_size=15))
def test_property_strict_mode_equals_seqeval_iob2_entities(tags):
    ours = [(s.label, s.start, s.end) for s in tags_to_spans(tags, repair=False)]
    theirs = [(e.tag, e.start, e.end) for e in Tokens(tags, IOB2).entities]
    assert ours == theirs
