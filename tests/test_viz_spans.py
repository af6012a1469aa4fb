"""Sentence HTML with entity spans (core/viz/spans.py): escaping, direction, styles, layers."""

import re

from core.viz.colors import OUTCOME_COLORS
from core.viz.spans import (Mark, legend_html, marked_text_html, outcome_color, sentence_html,
                            sentences_html)

EVIL = "<img src=x onerror=alert(1)>"


def test_every_word_is_escaped_and_has_dir_auto() -> None:
    out = sentence_html(["Ana", EVIL, "&", "\"q\""], [Mark(1, 2, "ORG<", "#117733")])
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&amp;" in out and "&quot;q&quot;" in out
    assert "ORG&lt;" in out
    assert out.count('class="pi-w" dir="auto"') == 4
    assert '<div class="pi-line" dir="auto"' in out


def test_rtl_words_keep_logical_order() -> None:
    words = ["ذهب", "أحمد", "إلى", "القاهرة"]
    out = sentence_html(words, [Mark(3, 4, "LOC", "#44AA99")])
    found = re.findall(r'dir="auto" title="\d+"[^>]*>([^<]+)<', out)
    assert found == words


def test_marks_group_words_with_style_colour_and_title() -> None:
    out = sentence_html(["Ana", "Silva", "went", "home"],
                        [Mark(0, 2, "PER", "#117733", "dashed", "projected PER: exact")])
    ent = re.search(r'<span class="pi-ent"[^>]*>(.*?)<sup', out)
    assert ent is not None
    assert "border: 2px dashed #117733" in ent.group(0)
    assert 'title="projected PER: exact"' in ent.group(0)
    assert ">Ana<" in ent.group(1) and ">Silva<" in ent.group(1) and "went" not in ent.group(1)


def test_overlapping_marks_go_to_separate_lines() -> None:
    marks = [Mark(0, 2, "PER", "#117733"), Mark(1, 3, "ORG", "#CC6677"),
             Mark(3, 4, "LOC", "#44AA99")]
    out = sentence_html(["a", "b", "c", "d"], marks)
    assert out.count('class="pi-line"') == 2
    assert out.count('class="pi-ent"') == 3
    # out-of-range marks are dropped, not drawn
    assert sentence_html(["a"], [Mark(0, 3, "X", "#000000")]).count("pi-ent") == 0


def test_highlight_and_captions() -> None:
    out = sentences_html([("source", ["a", "b"], []), ("target", ["c", "d"], [])],
                         {"target": [1]})
    assert out.count("pi-cap") == 2
    assert re.search(r'font-weight: 700[^>]*>d<', out)
    assert not re.search(r'font-weight: 700[^>]*>b<', out)


def test_marked_translation_highlights_brackets_and_escapes() -> None:
    out = marked_text_html(f"[ Ana ] met [ {EVIL} ] and ] stray")
    assert "<img" not in out
    assert out.count('<b style="color: #882255;">[</b>') == 2
    assert out.count('<b style="color: #882255;">]</b>') == 3
    assert re.search(r'background: #DDCC7755;">[^<]*Ana', out)
    assert 'dir="auto"' in out


def test_legend_and_outcome_colours() -> None:
    legend = legend_html()
    for cat, color in OUTCOME_COLORS.items():
        assert color in legend and cat.replace("_", " ") in legend
    assert "dashed" in legend and "not projected" in legend
    assert outcome_color("missed") == OUTCOME_COLORS["missed"]
    assert outcome_color(None, "PER") != outcome_color(None, "LOC")
