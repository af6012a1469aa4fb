"""Tests of core.metrics: exact counts, seqeval equality (hand-written, property-based and on real
files), entity outcomes, sentence results, projection ratio, serialisation."""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2

from core.errors import ProjectError
from core.labels import tags_to_spans
from core.metrics import (
    GOLD_CATEGORIES,
    PRED_CATEGORIES,
    Counts,
    EntityOutcome,
    ProjCounts,
    Scores,
    SentenceResult,
    aggregate,
    entity_outcomes,
    evaluate_sentence,
    evaluate_tags,
    outcome_counts,
    proj_ratio,
    projection_counts,
    score_sentence,
    worst_first,
)
from core.readers.conll import read_conll
from core.types import Projection, Reason, Span

TOL = 1e-12


# --------------------------------------------------------------------------- helpers


def seqeval_report(y_true, y_pred, mode: str = "strict") -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if mode == "strict":
            return classification_report(y_true, y_pred, mode="strict", scheme=IOB2,
                                         output_dict=True)
        return classification_report(y_true, y_pred, output_dict=True)


def seqeval_f1(y_true, y_pred) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(f1_score(y_true, y_pred, mode="strict", scheme=IOB2))


def assert_same_as_seqeval(ours: Scores, report: dict, *, check_macro: bool = True) -> None:
    """Every per-type and averaged number of seqeval's report equals ours to TOL."""
    types = [k for k in report if not k.endswith(" avg")]
    assert sorted(types) == list(ours.per_type)
    for t in types:
        c = ours.per_type[t]
        r = report[t]
        assert abs(c.precision - r["precision"]) < TOL, t
        assert abs(c.recall - r["recall"]) < TOL, t
        assert abs(c.f1 - r["f1-score"]) < TOL, t
        assert c.support == int(r["support"]), t
    micro = report["micro avg"]
    assert abs(ours.precision - micro["precision"]) < TOL
    assert abs(ours.recall - micro["recall"]) < TOL
    assert abs(ours.f1 - micro["f1-score"]) < TOL
    assert ours.support == int(micro["support"])
    averages = [("weighted", ours.weighted)] + ([("macro", ours.macro)] if check_macro else [])
    for name, prf in averages:
        r = report[f"{name} avg"]
        assert abs(prf.precision - r["precision"]) < TOL, name
        assert abs(prf.recall - r["recall"]) < TOL, name
        assert abs(prf.f1 - r["f1-score"]) < TOL, name
        assert prf.support == int(r["support"]), name


def check_against_seqeval(y_true, y_pred, *, also_f1_score: bool = True) -> Scores:
    ours = evaluate_tags(y_true, y_pred)
    assert_same_as_seqeval(ours, seqeval_report(y_true, y_pred), check_macro=bool(ours.per_type))
    if also_f1_score:
        assert abs(ours.f1 - seqeval_f1(y_true, y_pred)) < TOL
    return ours


def read_raw_tags(path: Path) -> list[tuple[list[str], list[str]]]:
    """Blocks of a CoNLL file as (words, raw tags), exactly as written (no repair); -DOCSTART-
    blocks included so that block k is block k of a parallel file."""
    blocks: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t") if "\t" in line else line.split()
            parts = [p.strip() for p in parts if p.strip()]
            if not parts:
                if words:
                    blocks.append((words, tags))
                    words, tags = [], []
                continue
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        blocks.append((words, tags))
    return blocks


def perturb(tags: list[str], rng: random.Random, types: list[str], rate: float = 0.35) -> list[str]:
    """A deterministic (seeded) corruption of one tag sequence: drop an entity, shift a boundary,
    change a type, make an entity start with I-, insert a stray I-, or add a spurious entity."""
    out = list(tags)
    if rng.random() >= rate:
        return out
    for _ in range(rng.randint(1, 3)):
        spans = tags_to_spans(out, repair=True)
        op = rng.choice(["drop", "shift", "retype", "invalid_start", "stray_i", "spurious"])
        if op in ("drop", "shift", "retype", "invalid_start") and spans:
            s = rng.choice(spans)
            if op == "drop":
                out[s.start:s.end] = ["O"] * len(s)
            elif op == "retype":
                new = rng.choice([t for t in types if t != s.label] or [s.label])
                out[s.start] = f"B-{new}"
                out[s.start + 1:s.end] = [f"I-{new}"] * (len(s) - 1)
            elif op == "invalid_start":
                out[s.start] = f"I-{s.label}"
            else:  # shift one boundary by one word, inwards or outwards
                if rng.random() < 0.5 and s.end < len(out):
                    out[s.end] = f"I-{s.label}"
                elif rng.random() < 0.5 and len(s) > 1:
                    out[s.end - 1] = "O"
                elif s.start > 0:
                    out[s.start - 1] = f"B-{s.label}"
                    out[s.start] = f"I-{s.label}"
        elif op in ("stray_i", "spurious"):
            free = [k for k, t in enumerate(out) if t == "O"]
            if free:
                k = rng.choice(free)
                out[k] = f"{'I' if op == 'stray_i' else 'B'}-{rng.choice(types)}"
    return out


def perturb_corpus(y_true: list[list[str]], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    types = sorted({t[2:] for tags in y_true for t in tags if t != "O"})
    return [perturb(tags, rng, types) for tags in y_true]


def S(start: int, end: int, label: str) -> Span:
    return Span(start, end, label)


# --------------------------------------------------------------------------- counting


def test_score_sentence_counts_exact_matches_only():
    gold = [S(0, 2, "PER"), S(3, 4, "LOC"), S(5, 6, "ORG")]
    pred = [S(0, 2, "PER"), S(3, 5, "LOC"), S(5, 6, "PER"), S(8, 9, "MISC")]
    sc = score_sentence(gold, pred)
    assert sc.counts == Counts(tp=1, fp=3, fn=2)
    assert list(sc.per_type) == ["LOC", "MISC", "ORG", "PER"]
    assert sc.per_type["PER"] == Counts(1, 1, 0)
    assert sc.per_type["LOC"] == Counts(0, 1, 1)
    assert sc.per_type["ORG"] == Counts(0, 0, 1)
    assert sc.per_type["MISC"] == Counts(0, 1, 0)


def test_duplicates_count_once_and_score_is_ignored():
    gold = [S(0, 1, "PER"), S(0, 1, "PER")]
    pred = [Span(0, 1, "PER", score=0.3), Span(0, 1, "PER", score=0.9), S(2, 3, "LOC"),
            S(2, 3, "LOC")]
    assert score_sentence(gold, pred).counts == Counts(1, 1, 0)
    outs = entity_outcomes(gold, pred)
    assert [(o.side, o.category) for o in outs] == [("gold", "exact"), ("pred", "exact"),
                                                     ("pred", "spurious")]


def test_zero_division_gives_zero_like_seqeval():
    c = Counts(0, 0, 0)
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
    # a type only predicted: recall undefined -> 0; only in gold: precision undefined -> 0
    ours = check_against_seqeval([["B-PER", "O"]], [["O", "B-LOC"]])
    assert ours.per_type["LOC"].recall == 0.0 and ours.per_type["PER"].precision == 0.0
    assert ours.f1 == 0.0


def test_no_entities_at_all():
    ours = evaluate_tags([["O", "O"], []], [["O", "O"], []])
    rep = seqeval_report([["O", "O"], []], [["O", "O"], []])
    assert_same_as_seqeval(ours, rep, check_macro=False)  # seqeval's macro is NaN here
    assert ours.macro.f1 == 0.0 and ours.sentences == 2
    assert ours.to_dict()["per_type"] == {}


def test_aggregate_is_micro_not_mean_of_sentences():
    s1 = score_sentence([S(0, 1, "PER")], [S(0, 1, "PER")])                      # F1 1
    s2 = score_sentence([S(k, k + 1, "LOC") for k in range(9)], [S(0, 1, "ORG")])  # F1 0
    agg = aggregate([s1, s2])
    assert agg.counts == Counts(1, 1, 9)
    assert agg.f1 == pytest.approx(2 / 12)
    assert agg.outcomes is None  # plain SentenceScores carry no outcomes
    assert agg.proj is None and agg.sentences == 2


def test_counts_add_up_over_split_corpus():
    rng = random.Random(7)
    y_true = [[rng.choice(["O", "O", "B-PER", "I-PER", "B-LOC"]) for _ in range(8)]
              for _ in range(40)]
    y_pred = perturb_corpus(y_true, seed=3)
    whole = evaluate_tags(y_true, y_pred)
    parts = [evaluate_tags(y_true[:15], y_pred[:15]), evaluate_tags(y_true[15:], y_pred[15:])]
    assert whole.counts == parts[0].counts + parts[1].counts
    assert whole.outcomes == {s: {c: parts[0].outcomes[s][c] + parts[1].outcomes[s][c]
                                  for c in parts[0].outcomes[s]} for s in whole.outcomes}


# --------------------------------------------------------------------------- seqeval equality


@pytest.mark.parametrize("true, pred, expected_pred_spans", [
    (["B-PER", "I-PER"], ["B-PER", "I-ORG"], [S(0, 1, "PER")]),
    (["B-PER", "I-PER"], ["I-PER", "I-PER"], []),
    (["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "B-PER"], [S(0, 2, "PER"), S(2, 3, "PER")]),
    (["B-LOC", "O", "B-LOC"], ["O", "I-LOC", "B-LOC"], [S(2, 3, "LOC")]),
    (["B-ORG", "I-ORG", "I-ORG"], ["B-ORG", "I-PER", "I-ORG"], [S(0, 1, "ORG")]),
    (["B-ORG", "I-ORG", "I-ORG"], ["B-ORG", "B-ORG", "I-ORG"], [S(0, 1, "ORG"), S(1, 3, "ORG")]),
    (["O", "B-MISC"], ["I-MISC", "I-MISC"], []),
    (["B-PER", "B-PER"], ["B-PER", "I-PER"], [S(0, 2, "PER")]),
])
def test_invalid_i_starts_handled_like_seqeval_strict(true, pred, expected_pred_spans):
    assert tags_to_spans(pred, repair=False) == expected_pred_spans
    ours = check_against_seqeval([true], [pred])
    assert ours.counts.predicted == len(expected_pred_spans)


@pytest.mark.parametrize("bad", ["E-PER", "S-PER", "L-PER", "U-PER"])
@pytest.mark.parametrize("side", ["gold", "pred"])
def test_non_iob2_prefixes_raise_in_strict_mode_as_in_seqeval(bad, side):
    good = ["B-PER", "O"]
    seq = ["B-PER", bad] if bad[0] in "EL" else [bad, "O"]
    y_true, y_pred = ([seq], [good]) if side == "gold" else ([good], [seq])
    with pytest.raises(ValueError):
        seqeval_report(y_true, y_pred)
    with pytest.raises(ProjectError, match=f"{'gold' if side == 'gold' else 'predicted'} "
                                           "sentence 0"):
        evaluate_tags(y_true, y_pred)


def test_default_mode_matches_seqeval_default_on_bioes_and_stray_i():
    y_true = [["B-PER", "E-PER", "S-LOC", "O"], ["I-ORG", "I-ORG", "O", "B-PER"]]
    y_pred = [["B-PER", "I-PER", "S-LOC", "E-LOC"], ["I-ORG", "I-ORG", "O", "I-PER"]]
    ours = evaluate_tags(y_true, y_pred, mode="default")
    assert_same_as_seqeval(ours, seqeval_report(y_true, y_pred, mode="default"))
    assert ours.counts == Counts(tp=4, fp=1, fn=0)


def test_length_and_mode_errors():
    with pytest.raises(ProjectError, match="2 gold sentences but 1"):
        evaluate_tags([["O"], ["O"]], [["O"]])
    with pytest.raises(ProjectError, match="sentence 1: 2 gold tags but 1"):
        evaluate_tags([["O"], ["O", "O"]], [["O"], ["O"]])
    with pytest.raises(ProjectError, match="mode"):
        evaluate_tags([["O"]], [["O"]], mode="lenient")  # type: ignore[arg-type]


IOB_TAGS = st.sampled_from(["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"])
BIOES_TAGS = st.sampled_from(["O", "O"] + [f"{p}-{t}" for p in "BIES" for t in ("PER", "LOC")])


@st.composite
def tag_corpora(draw, tags=IOB_TAGS):
    lengths = draw(st.lists(st.integers(0, 9), min_size=1, max_size=8))
    y_true = [draw(st.lists(tags, min_size=n, max_size=n)) for n in lengths]
    y_pred = [draw(st.lists(tags, min_size=n, max_size=n)) for n in lengths]
    return y_true, y_pred


@settings(max_examples=250, deadline=None)
@given(tag_corpora())
def test_property_strict_equals_seqeval(corpus):
    y_true, y_pred = corpus
    ours = check_against_seqeval(y_true, y_pred)
    assert ours.outcomes["gold"]["exact"] == ours.outcomes["pred"]["exact"] == ours.counts.tp


@settings(max_examples=200, deadline=None)
@given(tag_corpora(BIOES_TAGS))
def test_property_default_mode_equals_seqeval_default(corpus):
    y_true, y_pred = corpus
    ours = evaluate_tags(y_true, y_pred, mode="default")
    assert_same_as_seqeval(ours, seqeval_report(y_true, y_pred, mode="default"),
                           check_macro=bool(ours.per_type))


# --------------------------------------------------------------------------- real files


DEEPL_ALIGNERS = ("awesome", "fast_align", "mgiza", "simalign")


@pytest.mark.parametrize("lang", ["de", "es", "it", "nl"])
def test_deepl_projections_one_aligner_against_another(datasets, lang):
    root = datasets / "conll2003_deepl" / f"en2{lang}" / "projections"
    files = {a: read_raw_tags(root / f"DeepL.50000.{a}.test.tsv") for a in DEEPL_ALIGNERS}
    # block-aligned: same number of blocks; fast_align/mgiza/simalign share the tokenisation,
    # awesome's file splits a few tokens differently (those blocks are left out below)
    n = len(files["simalign"])
    assert n == 3684 and all(len(b) == n for b in files.values())
    for a in ("fast_align", "mgiza"):
        assert all(x[0] == y[0] for x, y in zip(files[a], files["simalign"]))
    same = [k for k in range(n) if files["awesome"][k][0] == files["simalign"][k][0]]
    assert n - 10 <= len(same) < n or lang == "nl"

    # the project's reader sees the same words (it drops -DOCSTART- blocks; ids keep block index)
    sents = read_conll(root / "DeepL.50000.simalign.test.tsv", lang=lang)
    by_block = {int(s.id.rsplit(":", 1)[1]): s for s in sents}
    assert all(list(s.words) == files["simalign"][k][0] for k, s in by_block.items())

    pairs = [("simalign", "fast_align", range(n)), ("mgiza", "awesome", same)]
    for pred_name, gold_name, blocks in pairs:
        y_true = [files[gold_name][k][1] for k in blocks]
        y_pred = [files[pred_name][k][1] for k in blocks]
        ours = check_against_seqeval(y_true, y_pred, also_f1_score=pred_name == "simalign")
        assert 0.5 < ours.f1 < 1.0 and ours.counts.fp > 0 and ours.counts.fn > 0
        assert sum(ours.outcomes["gold"].values()) == ours.support
        assert sum(ours.outcomes["pred"].values()) == ours.counts.predicted


def test_europarl_gold_against_seeded_perturbations(datasets):
    for lang in ("en", "de", "es"):
        blocks = read_raw_tags(datasets / "europarl_ner" / f"{lang}-europarl.test.conll02")
        assert len(blocks) == 799
        y_true = [tags for _, tags in blocks]
        y_pred = perturb_corpus(y_true, seed=11)
        invalid = sum(1 for tags in y_pred for k, t in enumerate(tags)
                      if t.startswith("I-") and (k == 0 or tags[k - 1][2:] != t[2:]))
        assert invalid > 0  # the perturbation really exercises strict decoding
        ours = check_against_seqeval(y_true, y_pred)
        assert 0.3 < ours.f1 < 0.99
        # invalid sequences on the gold side too
        check_against_seqeval(y_pred, y_true, also_f1_score=False)
        # with the reader's normalised gold the numbers still match seqeval
        gold = [list(s.labels) for s in read_conll(
            datasets / "europarl_ner" / f"{lang}-europarl.test.conll02", lang=lang)]
        assert gold == y_true  # Europarl gold is already valid IOB2


@pytest.mark.parametrize("lang", ["hau", "xho", "yor", "zul"])
def test_masakhaner_gold_against_seeded_perturbations(datasets, lang):
    blocks = read_raw_tags(datasets / "masakhaner2" / lang / "test.txt")
    y_true = [tags for _, tags in blocks]
    assert "DATE" in {t[2:] for tags in y_true for t in tags}
    for seed in (1, 2):
        y_pred = perturb_corpus(y_true, seed=seed)
        ours = check_against_seqeval(y_true, y_pred, also_f1_score=seed == 1)
        assert 0.3 < ours.f1 < 0.99
    # these gold files contain stray I- tags: strict scoring ignores them, the reader repairs them
    repaired = [list(s.labels) for s in read_conll(datasets / "masakhaner2" / lang / "test.txt")]
    assert len(repaired) == len(y_true)
    assert evaluate_tags(repaired, repaired).support > evaluate_tags(y_true, y_true).support


# --------------------------------------------------------------------------- outcomes


def cats(outs, side):
    return [(o.span.range, o.category, o.partner) for o in outs if o.side == side]


def test_outcome_categories_hand_written():
    gold = [S(0, 2, "PER"), S(3, 5, "LOC"), S(6, 7, "ORG"), S(8, 10, "PER"), S(12, 13, "LOC")]
    pred = [S(0, 2, "PER"), S(3, 4, "LOC"), S(6, 7, "LOC"), S(9, 11, "ORG"), S(14, 15, "MISC")]
    outs = entity_outcomes(gold, pred)
    assert cats(outs, "gold") == [
        ((0, 2), "exact", S(0, 2, "PER")),
        ((3, 5), "boundary", S(3, 4, "LOC")),
        ((6, 7), "wrong_type", S(6, 7, "LOC")),
        ((8, 10), "wrong_type", S(9, 11, "ORG")),
        ((12, 13), "missed", None),
    ]
    assert cats(outs, "pred") == [
        ((0, 2), "exact", S(0, 2, "PER")),
        ((3, 4), "boundary", S(3, 5, "LOC")),
        ((6, 7), "wrong_type", S(6, 7, "ORG")),
        ((9, 11), "wrong_type", S(8, 10, "PER")),
        ((14, 15), "spurious", None),
    ]
    same_range = {o.span.range: o.same_range for o in outs if o.side == "gold"}
    assert same_range[(6, 7)] and not same_range[(8, 10)] and not same_range[(12, 13)]
    counts = outcome_counts(outs)
    assert counts == {"gold": {"exact": 1, "boundary": 1, "wrong_type": 2, "missed": 1},
                      "pred": {"exact": 1, "boundary": 1, "wrong_type": 2, "spurious": 1}}


def test_partner_preference():
    # same type beats a bigger overlap with another type
    outs = entity_outcomes([S(0, 4, "PER")], [S(0, 3, "ORG"), S(3, 5, "PER")])
    assert outs[0].category == "boundary" and outs[0].partner == S(3, 5, "PER")
    # among other types, the same range wins, then the largest overlap
    outs = entity_outcomes([S(2, 4, "PER")], [S(1, 5, "ORG"), S(2, 4, "LOC"), S(3, 4, "MISC")])
    assert outs[0].category == "wrong_type" and outs[0].partner == S(2, 4, "LOC")
    outs = entity_outcomes([S(2, 5, "PER")], [S(0, 3, "ORG"), S(3, 6, "LOC")])
    assert outs[0].partner == S(3, 6, "LOC")
    # equal overlap: the tighter partner (smaller combined extent), then the first in order
    outs = entity_outcomes([S(2, 4, "PER")], [S(0, 3, "PER"), S(3, 4, "PER")])
    assert outs[0].partner == S(3, 4, "PER")
    outs = entity_outcomes([S(2, 4, "PER")], [S(1, 3, "PER"), S(3, 5, "PER")])
    assert outs[0].partner == S(1, 3, "PER")
    # exact beats everything, even when other partners overlap
    outs = entity_outcomes([S(0, 5, "PER")], [S(0, 5, "PER"), S(0, 5, "ORG"), S(1, 2, "PER")])
    assert outs[0].category == "exact" and outs[0].partner == S(0, 5, "PER")


def test_sides_are_independent_not_one_to_one():
    outs = entity_outcomes([S(0, 3, "PER")], [S(0, 1, "PER"), S(2, 3, "PER")])
    assert [o.category for o in outs] == ["boundary", "boundary", "boundary"]
    assert all(o.partner == S(0, 3, "PER") for o in outs if o.side == "pred")


spans_st = st.lists(st.builds(lambda s, n, t: Span(s, s + n, t), st.integers(0, 12),
                              st.integers(1, 4), st.sampled_from(["PER", "LOC", "ORG"])),
                    max_size=7)


@settings(max_examples=300, deadline=None)
@given(spans_st, spans_st)
def test_property_one_outcome_per_entity(gold, pred):
    outs = entity_outcomes(gold, pred)
    gkeys = {(s.start, s.end, s.label) for s in gold}
    pkeys = {(s.start, s.end, s.label) for s in pred}
    got = {side: [(o.span.start, o.span.end, o.span.label) for o in outs if o.side == side]
           for side in ("gold", "pred")}
    assert sorted(got["gold"]) == sorted(gkeys) and len(got["gold"]) == len(gkeys)
    assert sorted(got["pred"]) == sorted(pkeys) and len(got["pred"]) == len(pkeys)
    tp = score_sentence(gold, pred).counts.tp
    counts = outcome_counts(outs)
    assert counts["gold"]["exact"] == counts["pred"]["exact"] == tp
    for o in outs:
        others = pred if o.side == "gold" else gold
        overlapping = [y for y in others if y.overlaps(o.span)]
        assert o.category in (GOLD_CATEGORIES if o.side == "gold" else PRED_CATEGORIES)
        if o.category in ("missed", "spurious"):
            assert not overlapping and o.partner is None
            continue
        assert o.partner in overlapping
        if o.category == "exact":
            assert o.partner.range == o.span.range and o.partner.label == o.span.label
        elif o.category == "boundary":
            assert o.partner.label == o.span.label and o.partner.range != o.span.range
        else:
            assert all(y.label != o.span.label for y in overlapping)


# --------------------------------------------------------------------------- sentence results


def test_sentence_result_scores_and_serialisation():
    gold = [S(0, 2, "PER"), S(4, 5, "LOC")]
    pred = [S(0, 2, "PER"), S(4, 6, "LOC"), S(7, 8, "ORG")]
    projections = [
        Projection(0, S(0, 1, "PER"), (S(0, 2, "PER"),), Reason.PROJECTED),
        Projection(1, S(3, 4, "LOC"), (), Reason.NO_ALIGNED_WORDS),
    ]
    r = evaluate_sentence(gold, pred, id="doc:3", projections=projections)
    assert (r.counts.tp, r.counts.fp, r.counts.fn, r.errors) == (1, 2, 1, 3)
    assert r.precision == pytest.approx(1 / 3) and r.recall == pytest.approx(1 / 2)
    assert r.f1 == pytest.approx(2 * 1 / (2 + 3))
    assert r.proj == ProjCounts(1, 2)
    d = r.to_dict()
    json.dumps(d)  # plain JSON types only
    assert d["outcomes"][1] == {"side": "gold", "start": 4, "end": 5, "label": "LOC",
                                "category": "boundary", "partner_start": 4, "partner_end": 6,
                                "partner_label": "LOC"}
    assert SentenceResult.from_dict(d) == r

    import pyarrow as pa

    table = pa.Table.from_pylist([d, evaluate_sentence([], [], id="empty").to_dict()])
    back = [SentenceResult.from_dict(row) for row in table.to_pylist()]
    assert back[0] == r and back[1].f1 == 1.0 and back[1].proj is None


def test_sentence_result_edge_cases_and_worst_first():
    empty = evaluate_sentence([], [], id="a")
    assert (empty.precision, empty.recall, empty.f1, empty.errors) == (None, None, 1.0, 0)
    only_pred = evaluate_sentence([], [S(0, 1, "PER")], id="b")
    assert (only_pred.precision, only_pred.recall, only_pred.f1) == (0.0, None, 0.0)
    only_gold = evaluate_sentence([S(0, 1, "PER")], [], id="c")
    assert (only_gold.precision, only_gold.recall, only_gold.f1) == (None, 0.0, 0.0)
    half = evaluate_sentence([S(0, 1, "PER"), S(2, 3, "LOC")], [S(0, 1, "PER")], id="d")
    bad = evaluate_sentence([S(0, 1, "PER"), S(2, 3, "LOC")], [S(5, 6, "PER")], id="e")
    order = [r.id for r in worst_first([empty, only_pred, half, bad, only_gold])]
    assert order == ["e", "b", "c", "d", "a"]


# --------------------------------------------------------------------------- projection ratio


def test_proj_ratio_counts_aggregate_exactly():
    def proj(i, projected):
        targets = (S(i, i + 1, "PER"),) if projected else ()
        return Projection(i, S(i, i + 1, "PER"), targets,
                          Reason.PROJECTED if projected else Reason.LENGTH_RATIO)

    sent1 = [proj(0, True)]                                   # 1/1
    sent2 = [proj(0, False), proj(1, False), proj(2, True)]   # 1/3
    assert proj_ratio(sent1) == 1.0 and proj_ratio(sent2) == pytest.approx(1 / 3)
    assert proj_ratio([]) == 0.0
    total = projection_counts(sent1) + projection_counts(sent2)
    assert total == ProjCounts(2, 4) and total.ratio == 0.5  # not the mean of 1 and 1/3
    results = [evaluate_sentence([], [], id="1", projections=sent1),
               evaluate_sentence([], [], id="2", projections=sent2),
               evaluate_sentence([], [], id="3")]
    agg = aggregate(results)
    assert agg.proj == ProjCounts(2, 4) and agg.proj_ratio == 0.5
    assert aggregate(results, proj=ProjCounts(3, 4)).proj_ratio == 0.75


def test_scores_to_dict_round_trip():
    y_true = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "O", "O"]]
    y_pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "I-ORG", "O", "I-LOC"]]
    unprojected = [Projection(0, S(0, 1, "PER"), (), Reason.NO_CANDIDATE)]
    results = [evaluate_sentence(tags_to_spans(t, repair=False), tags_to_spans(p, repair=False),
                                 id=str(k), projections=unprojected)
               for k, (t, p) in enumerate(zip(y_true, y_pred))]
    scores = aggregate(results)
    d = json.loads(json.dumps(scores.to_dict()))
    assert set(d) == {"overall", "per_type", "macro", "weighted", "sentences", "outcomes",
                      "proj_ratio", "projected", "source_entities"}
    assert d["overall"]["tp"] == 1 and d["overall"]["fp"] == 2 and d["overall"]["fn"] == 2
    assert d["outcomes"]["gold"] == {"exact": 1, "boundary": 1, "wrong_type": 1, "missed": 0}
    assert (d["proj_ratio"], d["projected"], d["source_entities"]) == (0.0, 0, 2)
    assert Scores.from_dict(d) == scores
    plain = aggregate(r.score for r in results).to_dict()
    assert plain["outcomes"] is None and plain["proj_ratio"] is None
    assert EntityOutcome.from_dict(results[0].outcomes[0].to_dict()) == results[0].outcomes[0]
