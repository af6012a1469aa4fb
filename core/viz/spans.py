"""Sentences with entity spans as escaped HTML (for ``st.html``) — pure builders, no Streamlit.

Every word and label is escaped with :func:`html.escape`; words come from user files. Each
sentence line and each word carries ``dir="auto"`` so right-to-left scripts display in their
own direction while words stay in logical order. Only inline styles are used (no scripts, no
``<style>`` blocks), so the output survives Streamlit's HTML sanitiser unchanged.

A :class:`Mark` is one coloured span: gold marks have a solid border, projected marks a dashed
one. Overlapping marks of one line are spread over extra lines (layers), so no mark hides
another.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from core.viz.colors import OUTCOME_COLORS, TYPE_COLORS

NOT_PROJECTED = "#888888"
_WRAP = ('<div class="pi-sentences" style="font-family: sans-serif; line-height: 2.3; '
         'font-size: 0.95rem;">{}</div>')


@dataclass(frozen=True)
class Mark:
    """A span ``[start, end)`` drawn with ``color``; ``style`` is ``"solid"`` or ``"dashed"``;
    ``title`` becomes the tooltip; ``tag`` is the small label after the words (the type)."""

    start: int
    end: int
    tag: str
    color: str
    style: str = "solid"
    title: str = ""


def outcome_color(outcome: str | None, label: str = "") -> str:
    """The colour of an outcome category (type colour when ``outcome`` is None)."""
    if outcome is None:
        return TYPE_COLORS.get(label, NOT_PROJECTED)
    return OUTCOME_COLORS.get(outcome, NOT_PROJECTED)


def _layers(marks: Sequence[Mark], n_words: int) -> list[list[Mark]]:
    layers: list[list[Mark]] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if m.start < 0 or m.end > n_words or m.end <= m.start:
            continue
        for layer in layers:
            if all(m.end <= x.start or x.end <= m.start for x in layer):
                layer.append(m)
                break
        else:
            layers.append([m])
    return layers or [[]]


def _word(w: str, k: int, hot: bool) -> str:
    style = ' style="font-weight: 700; text-decoration: underline;"' if hot else ""
    return f'<span class="pi-w" dir="auto" title="{k}"{style}>{html.escape(w)}</span>'


def _line(words: Sequence[str], marks: Sequence[Mark], highlight: frozenset[int]) -> str:
    starts = {m.start: m for m in marks}
    parts: list[str] = []
    k = 0
    while k < len(words):
        m = starts.get(k)
        if m is None:
            parts.append(_word(words[k], k, k in highlight))
            k += 1
            continue
        inner = " ".join(_word(words[i], i, i in highlight) for i in range(m.start, m.end))
        title = f' title="{html.escape(m.title)}"' if m.title else ""
        parts.append(
            f'<span class="pi-ent" dir="auto"{title} style="border: 2px {m.style} {m.color}; '
            f'background: {m.color}2E; border-radius: 4px; padding: 1px 3px; '
            f'white-space: nowrap;">{inner} <sup style="font-size: 0.7em; '
            f'color: #333;">{html.escape(m.tag)}</sup></span>')
        k = m.end
    return " ".join(parts)


def sentence_html(words: Sequence[str], marks: Iterable[Mark] = (), *, caption: str = "",
                  highlight: Iterable[int] = ()) -> str:
    """One sentence (several lines if marks overlap) with its marks; ``caption`` precedes it;
    ``highlight`` makes words bold and underlined."""
    hot = frozenset(highlight)
    lines = [_line(words, layer, hot) for layer in _layers(list(marks), len(words))]
    cap = (f'<span class="pi-cap" style="flex: 0 0 11em; color: #555; font-size: 0.85em; '
           f'overflow-wrap: anywhere;">{html.escape(caption)}</span>') if caption else ""
    blank = '<span class="pi-cap-pad" style="flex: 0 0 11em;"></span>' if caption else ""
    return "".join(
        f'<div class="pi-row" dir="ltr" style="display: flex; gap: 0.6em;">'
        f'{cap if n == 0 else blank}<div class="pi-line" dir="auto" style="flex: 1 1 auto;">'
        f'{line}</div></div>' for n, line in enumerate(lines))


def sentences_html(lines: Iterable[tuple[str, Sequence[str], Sequence[Mark]]],
                   highlight: dict[str, Iterable[int]] | None = None) -> str:
    """Several captioned sentences in one block: ``(caption, words, marks)`` triples."""
    highlight = highlight or {}
    return _WRAP.format("".join(sentence_html(w, m, caption=c, highlight=highlight.get(c, ()))
                                for c, w, m in lines))


_MARKER = re.compile(r"(\[|\])")


def marked_text_html(text: str) -> str:
    """A marker translation (``[ … ]`` around entities) with the brackets and the words
    between them emphasised; unbalanced brackets are shown as they are."""
    out: list[str] = []
    depth = 0
    for piece in _MARKER.split(text):
        if piece == "[":
            depth += 1
            out.append('<b style="color: #882255;">[</b>')
        elif piece == "]":
            depth = max(0, depth - 1)
            out.append('<b style="color: #882255;">]</b>')
        elif depth:
            out.append(f'<span style="background: #DDCC7755;">{html.escape(piece)}</span>')
        else:
            out.append(html.escape(piece))
    return ('<div dir="auto" style="font-family: sans-serif; line-height: 1.8;">'
            f'{"".join(out)}</div>')


def legend_html(categories: Sequence[str] = ("exact", "boundary", "wrong_type", "missed",
                                             "spurious")) -> str:
    """A one-line legend of outcome colours and of the two border styles."""
    items = [f'<span style="border: 2px solid {OUTCOME_COLORS[c]}; background: '
             f'{OUTCOME_COLORS[c]}2E; border-radius: 4px; padding: 0 4px; margin-right: 6px;">'
             f'{html.escape(c.replace("_", " "))}</span>' for c in categories]
    items.append(f'<span style="border: 2px solid {NOT_PROJECTED}; border-radius: 4px; '
                 'padding: 0 4px; margin-right: 6px;">not projected</span>')
    items.append('<span style="border: 2px solid #555; border-radius: 4px; padding: 0 4px; '
                 'margin-right: 6px;">gold (solid)</span>')
    items.append('<span style="border: 2px dashed #555; border-radius: 4px; padding: 0 4px;">'
                 'projected (dashed)</span>')
    return f'<div style="font-family: sans-serif; font-size: 0.8rem;">{"".join(items)}</div>'
