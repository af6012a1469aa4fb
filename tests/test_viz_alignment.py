"""Alignment figures and agreement tables (core/viz/alignment.py) on hand-written examples."""

import json

import pytest

from core.types import Alignment
from core.viz.alignment import (Box, choose_layout, classify_links, disagreement_rows,
                                link_classes, pair_agreement, text_width, token_centres,
                                alignment_figure)
from core.viz.colors import LINK_COLORS, OUTCOME_COLORS

SRC = ("Ana", "visited", "New", "York", ".")
TGT = ("Ana", "visitou", "Nova", "Iorque", ".")
A = Alignment.of([(0, 0), (1, 1), (2, 2), (3, 3)], "a", scores={(2, 2): 0.75})
B = Alignment.of([(0, 0), (1, 1), (3, 2), (4, 4)], "b")


def _segments(trace) -> list[tuple[float, float, float, float]]:
    xs, ys = list(trace.x), list(trace.y)
    out = []
    for k in range(0, len(xs), 3):
        assert xs[k + 2] is None and ys[k + 2] is None  # segments joined with None
        out.append((xs[k], ys[k], xs[k + 1], ys[k + 1]))
    return out


def _by_name(fig, name, mode):
    return [t for t in fig.data if t.name == name and t.mode == mode]


def test_text_width_counts_wide_characters_double_and_marks_zero() -> None:
    assert text_width("Lisboa") == 6
    assert text_width("東京") == 4          # two wide characters
    assert text_width("é") == 1             # e + combining acute
    assert text_width("") == 1              # never zero


def test_token_centres_follow_text_width() -> None:
    xs, total = token_centres(["a", "東京都", "bb"], gap=2)
    assert xs == [0.5, 6.0, 12.0]   # widths 1, 6, 2 with gaps of 2
    assert total == 13.0


def test_auto_layout_switches_to_columns_for_long_sentences() -> None:
    assert choose_layout(SRC, TGT) == "rows"
    long_src = [f"w{i}" for i in range(30)]
    assert choose_layout(long_src, TGT) == "columns"
    wide = ["supercalifragilistic"] * 10  # few words, but too wide for one row
    assert choose_layout(wide, wide) == "columns"
    assert choose_layout(long_src, TGT, "matrix") == "matrix"
    with pytest.raises(ValueError):
        choose_layout(SRC, TGT, "diagonal")


def test_classify_two_aligners_and_gold() -> None:
    gold = Alignment.of([(0, 0), (2, 3)], "gold")
    got = classify_links([A, B], gold)
    assert got[(0, 0)] == ("both", (0, 1))
    assert got[(2, 2)] == ("only_a", (0,))
    assert got[(3, 2)] == ("only_b", (1,))
    assert got[(2, 3)] == ("gold", ())
    assert len(got) == 7


def test_classify_four_aligners_uses_some_for_partial_agreement() -> None:
    c = Alignment.of([(0, 0), (2, 2)])
    d = Alignment.of([(0, 0), (4, 3)])
    got = classify_links([A, B, c, d])
    assert got[(0, 0)][0] == "both"
    assert got[(2, 2)] == ("some", (0, 2))
    assert got[(4, 3)] == ("only_d", (3,))
    classes = link_classes(4, ["a", "b", "c", "d"])
    assert list(classes) == ["both", "only_a", "only_b", "only_c", "only_d", "some"]
    assert classes["both"].label == "all 4"
    assert classes["only_a"].color == LINK_COLORS["only_a"]
    assert len({c.color for c in classes.values()}) == len(classes)
    assert len({c.dash for c in classes.values()}) == len(classes)


def test_rows_figure_draws_one_trace_per_class_with_hover_data() -> None:
    fig = alignment_figure(SRC, TGT, [A, B], names=["simalign", "eflomal"], layout="rows")
    both = _by_name(fig, "both", "lines")
    only_a = _by_name(fig, "only A (simalign)", "lines")
    only_b = _by_name(fig, "only B (eflomal)", "lines")
    assert len(both) == len(only_a) == len(only_b) == 1
    assert len(_segments(both[0])) == 2 and len(_segments(only_a[0])) == 2
    assert only_a[0].line.color == LINK_COLORS["only_a"] and only_a[0].line.dash == "dash"
    segs = _segments(only_b[0])
    assert len(segs) == 2
    assert all(y0 > y1 for _, y0, _, y1 in segs)  # source row above the target row
    mids = _by_name(fig, "only A (simalign)", "markers")[0]
    rows = {(c[0], c[1]): c for c in mids.customdata}
    assert rows[(2, 2)][2:] == ["New", "Nova", "simalign", "0.750"]
    assert rows[(3, 3)][5] == ""  # no score for that link
    words = [t for t in fig.data if t.mode == "markers+text"]
    assert [list(t.text) for t in words] == [list(SRC), list(TGT)]
    assert list(words[0].customdata[3][:2]) == ["s", 3]
    assert list(words[1].customdata[0][:2]) == ["t", 0]


def test_words_are_escaped_everywhere() -> None:
    evil = "<img src=x onerror=alert(1)>"
    src = ("a", evil)
    tgt = (evil, "b")
    fig = alignment_figure(src, tgt, [Alignment.of([(1, 0)])], layout="rows")
    text = fig.to_json()
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    mat = alignment_figure(src, tgt, [Alignment.of([(1, 0)])], layout="matrix").to_json()
    assert "<img" not in mat


def test_focus_draws_bold_focused_links_and_fades_the_rest() -> None:
    fig = alignment_figure(SRC, TGT, [A], focus_src={2, 3}, layout="rows")
    lines = [t for t in fig.data if t.mode == "lines" and t.fill != "toself"]
    bold = [t for t in lines if t.line.width == 3.5]
    faded = [t for t in lines if t.opacity < 1]
    assert len(bold) == 1 and len(faded) == 1
    assert len(_segments(bold[0])) == 2 and len(_segments(faded[0])) == 2
    words = [t for t in fig.data if t.mode == "markers+text"]
    assert words[0].text[2] == "<b>New</b>" and words[0].text[0] == "Ana"
    assert words[1].text[3] == "<b>Iorque</b>"  # linked from a focused word


def test_entity_boxes_gold_solid_projected_dashed_by_outcome() -> None:
    boxes = [Box("source", 2, 4, "LOC", "gold", "boundary"),
             Box("target", 2, 4, "LOC", "gold", "missed"),
             Box("target", 2, 3, "LOC", "projected", "boundary"),
             Box("target", 3, 9, "LOC", "projected", "exact")]  # out of range: skipped
    for layout in ("rows", "columns", "matrix"):
        fig = alignment_figure(SRC, TGT, [A], boxes=boxes, layout=layout)
        filled = [t for t in fig.data if t.fill == "toself"]
        assert len(filled) == 3
        styles = {t.name: (t.line.dash, t.line.color) for t in filled}
        assert styles["target gold: missed"] == ("solid", OUTCOME_COLORS["missed"])
        assert styles["target projected: boundary"] == ("dash", OUTCOME_COLORS["boundary"])
        assert styles["source gold: boundary"][0] == "solid"


def test_layout_sizes_and_matrix_axes() -> None:
    long_src = tuple(f"w{i}" for i in range(80))
    long_tgt = tuple(f"t{i}" for i in range(80))
    links = Alignment.of([(i, i) for i in range(80)])
    cols = alignment_figure(long_src, long_tgt, [links])
    assert cols.layout.height > 80 * 20  # columns grow with the sentence
    mat = alignment_figure(long_src, long_tgt, [links], layout="matrix")
    assert list(mat.layout.yaxis.ticktext[:2]) == ["0 w0", "1 w1"]
    assert mat.layout.xaxis.side == "top"
    assert list(mat.layout.yaxis.range) == [79.5, -0.5]  # first source word on top
    with pytest.raises(ValueError):
        alignment_figure(SRC, TGT, [A] * 5)


def test_figure_for_80_words_and_4_aligners_has_few_traces() -> None:
    """The figure's cost grows with its trace count: links are batched per aligner and kind,
    not drawn one trace per link (bench/app_latency.py times the build)."""
    n = 80
    src = tuple(f"word{i}" for i in range(n))
    tgt = tuple(f"palavra{i}" for i in range(n))
    aligns = [Alignment.of([(i, min(n - 1, i + k % 2)) for i in range(n)], f"al{k}")
              for k in range(4)]
    boxes = [Box("source", s, s + 2, "PER") for s in range(0, 78, 6)]
    links = sum(len(a.links) for a in aligns)
    for layout in ("columns", "matrix"):
        fig = alignment_figure(src, tgt, aligns, boxes=boxes, focus_src={10, 11},
                               layout=layout)
        assert json.loads(fig.to_json())["data"]
        assert len(fig.data) <= 4 * len(aligns) < links, (layout, len(fig.data))


def test_pair_agreement_macro_and_micro() -> None:
    a = {"1": Alignment.of([(0, 0), (1, 1)]), "2": Alignment.of([]), "3": Alignment.of([(0, 0)])}
    b = {"1": Alignment.of([(0, 0), (1, 2)]), "2": Alignment.of([]), "4": Alignment.of([])}
    agr = pair_agreement(a, b)
    assert agr.sentences == 2          # ids 1 and 2 only
    assert (agr.counts.both, agr.counts.only_a, agr.counts.only_b) == (1, 1, 1)
    assert agr.micro_jaccard == pytest.approx(1 / 3)
    assert agr.mean_jaccard == pytest.approx((1 / 3 + 1.0) / 2)  # empty pair counts as 1


def test_disagreement_rows_rank_material() -> None:
    a = {"x": Alignment.of([(0, 0), (1, 1)]), "y": Alignment.of([(0, 0)])}
    b = {"x": Alignment.of([(0, 1), (1, 0)]), "y": Alignment.of([(0, 0)])}
    rows = disagreement_rows([a, b], [{"x": 1.0, "y": 0.5}, {"x": 0.25, "y": None}],
                             ["A", "B"])
    by = {r["id"]: r for r in rows}
    assert by["x"]["disagreement"] == 1.0 and by["y"]["disagreement"] == 0.0
    assert (by["x"]["both"], by["x"]["only_a"], by["x"]["only_b"]) == (0, 2, 2)
    assert by["x"]["f1_spread"] == 0.75
    assert by["y"]["f1_spread"] is None  # only one run has an F1
    assert by["x"]["f1 A"] == 1.0
