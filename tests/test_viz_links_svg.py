"""The static alignment SVG (core/viz/links_svg.py) on hand-written records."""

import xml.etree.ElementTree as ET

import pytest

from core.types import Alignment
from core.viz.alignment import Box
from core.viz.explain import build_inspector_view
from core.viz.links_svg import _px, alignment_svg
from test_viz_explain import HEUR, _record

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = ("<script>alert(1)</script>", "a\"b'c", "<img src=x onerror=alert(2)>", "&amp;",
           "$x$", "ok")


def record_svg(record, *, focus: str = "", layout: str = "auto") -> str:
    """One record's links as the inspector shows them by default (no Plotly figure)."""
    view = build_inspector_view([record], focus=focus, layout=layout, figure=False)
    assert isinstance(view.links, str)
    return view.links


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML: every token escaped


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _all(svg: str, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in _tree(svg).iter(NS + tag) if cls in _classes(el)]


@pytest.mark.parametrize("layout", ["rows", "columns", "matrix"])
def test_hostile_tokens_are_escaped_text(layout) -> None:
    align = Alignment.of([(0, 0), (1, 1), (2, 2)], "<b>x</b>")
    svg = alignment_svg(HOSTILE, HOSTILE[::-1], [align], layout=layout,
                        boxes=[Box("source", 0, 2, "<i>T</i>", "gold", None)])
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "$" not in svg and "\n" not in svg     # shown through Markdown: no math, one block
    words = _all(svg, "text", "w-s")
    shown = [w.text for w in words]
    if layout == "matrix":
        shown = [t.split(" ", 1)[1] for t in shown]   # "index word"
    assert shown == list(HOSTILE)                   # the XML parser gets the tokens back
    assert all(w.find(NS + "title").text.endswith(HOSTILE[int(w.get("data-k"))])
               for w in words)


@pytest.mark.parametrize("layout", ["rows", "columns", "matrix"])
def test_one_drawn_link_per_alignment_link(layout) -> None:
    tag = "rect" if layout == "matrix" else "line"
    links = _all(record_svg(HEUR, layout=layout), tag, "link")
    assert len(links) == len(HEUR.alignment.links) == 4
    got = {(int(el.get("data-s")), int(el.get("data-t"))) for el in links}
    assert got == set(HEUR.alignment.links)


def test_out_of_range_links_are_dropped() -> None:
    svg = alignment_svg(("a", "b"), ("c",), [Alignment.of([(0, 0), (1, 0), (1, 5)], "x")],
                        layout="rows")
    assert len(_all(svg, "line", "link")) == 2


def test_entity_boxes_carry_outcome_side_and_status_classes() -> None:
    svg = record_svg(HEUR, layout="rows")
    boxes = {(frozenset(_classes(el)) - {"ent"}) for el in _all(svg, "rect", "ent")}
    assert boxes == {frozenset({"ent-exact", "ent-source", "ent-gold"}),
                     frozenset({"ent-not_projected", "ent-source", "ent-gold"}),
                     frozenset({"ent-exact", "ent-target", "ent-gold"}),
                     frozenset({"ent-missed", "ent-target", "ent-gold"}),
                     frozenset({"ent-exact", "ent-target", "ent-projected"})}
    dashed = [el for el in _all(svg, "rect", "ent-projected")]
    assert dashed and all(el.get("stroke-dasharray") for el in dashed)
    no_gold = record_svg(_record(HEUR.alignment, gold=None), layout="rows")
    no_gold_boxes = [_classes(el) for el in _all(no_gold, "rect", "ent")]
    assert {"ent-type-PER", "ent-source"} <= no_gold_boxes[0]  # no outcome: type colour
    assert all("ent-exact" not in c and "ent-missed" not in c for c in no_gold_boxes)


def test_focus_draws_its_links_and_words_emphasised() -> None:
    svg = record_svg(HEUR, focus="e0", layout="rows")   # entity 0 = source words 0-1
    focused = _all(svg, "line", "focus")
    assert {(int(e.get("data-s")), int(e.get("data-t"))) for e in focused} == {(0, 0), (1, 1)}
    assert len(_all(svg, "line", "faded")) == 2
    assert all(float(e.get("stroke-width")) > 3 for e in focused)
    lines = _all(svg, "line", "link")
    assert ["focus" in _classes(e) for e in lines] == [False, False, True, True]  # on top
    hot = {(el.get("class"), el.text) for el in _all(svg, "text", "hot")}
    assert hot == {("w w-s hot", "Ana"), ("w w-s hot", "Silva"), ("w w-t hot", "Ana"),
                   ("w w-t hot", "Silva")}
    assert not _all(record_svg(HEUR, layout="rows"), "line", "focus")


def test_output_is_deterministic_and_layout_auto_switches_to_columns() -> None:
    assert record_svg(HEUR, focus="s2") == record_svg(HEUR, focus="s2")
    assert 'data-layout="rows"' in record_svg(HEUR)
    long = tuple(f"w{k}" for k in range(40))
    svg = alignment_svg(long, long, [Alignment.of([(k, k) for k in range(40)], "a")])
    assert 'data-layout="columns"' in svg


def test_rows_never_overlap_words() -> None:
    words = ("Internationalisierung", "WWWWWW", "東京都庁", "a", "MMMMMMMMMM", "i")
    svg = alignment_svg(words, words, [Alignment.of([(0, 0)], "a")], layout="rows")
    xs = [float(el.get("x")) for el in _all(svg, "text", "w-s")]
    for k in range(len(words) - 1):  # right edge of word k before left edge of word k+1
        assert xs[k] + _px(words[k]) / 2 < xs[k + 1] - _px(words[k + 1]) / 2
    width = float(_tree(svg).find(NS + "svg").get("width"))
    assert xs[-1] + _px(words[-1]) / 2 <= width
    assert "max-width:100%" in _tree(svg).find(NS + "svg").get("style")  # shrinks to fit
    long = tuple(f"word{k}" for k in range(200))
    wide = _tree(alignment_svg(long, long, [Alignment.of([], "a")], layout="rows"))
    assert wide.find(NS + "svg").get("style") is None                    # scrolls instead
    assert float(wide.find(NS + "svg").get("width")) > 200 * _px("word0")


def test_several_aligners_get_classes_and_a_legend() -> None:
    a = Alignment.of([(0, 0), (1, 1)], "a")
    b = Alignment.of([(0, 0), (2, 2)], "b")
    svg = alignment_svg(("x", "y", "z"), ("x", "y", "z"), [a, b], names=["A: a", "B: b"])
    assert {el.get("data-s") for el in _all(svg, "line", "link-both")} == {"0"}
    assert len(_all(svg, "line", "link-only_a")) == 1
    assert len(_all(svg, "line", "link-only_b")) == 1
    assert "pi-links-legend" in svg and "only A: a" in svg
    with pytest.raises(ValueError, match="four"):
        alignment_svg(("x",), ("x",), [a] * 5)
