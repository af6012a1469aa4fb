"""The alignment view as a static SVG string — a pure builder, no Plotly in the browser.

The same picture as :func:`core.viz.alignment.alignment_figure` (same layouts, link classes,
entity boxes and focus), drawn on the server so that a page showing it loads no figure library:

- ``rows``: source words on a top row, target words on a bottom row, straight links between
  them; words never overlap (each gets its measured width, see
  :func:`core.viz.alignment.text_width`); a drawing up to :data:`FIT_MAX` px wide shrinks to
  the page width, a wider one keeps its size and its box scrolls horizontally.
- ``columns``: source words right-aligned in a left column, target words in a right column,
  one line per word; the drawing grows downwards.
- ``matrix``: source words as rows, target words as (rotated) columns, one square per link.

Classes for styling and tests: every link is ``<line class="link link-<class>">`` (``focus``
or ``faded`` added under a focus; one square ``<rect class="link …">`` per link in the
matrix), every entity box ``<rect class="ent ent-<outcome> ent-<side> ent-<status>">`` (the
outcome is an outcome category, ``not_projected``, or ``type-<label>`` when there is none),
every word ``<text class="w w-s|w-t">`` (``hot`` when highlighted). Links and words carry a
``<title>`` tooltip. Every token and label is HTML-escaped (``$`` too, for Markdown), and
the string has no newline, so it can be shown with ``st.markdown(..., unsafe_allow_html=True)``
(``st.html`` drops SVG).
"""

from __future__ import annotations

import html
from typing import Iterable, Sequence

from core.types import Alignment
from core.viz.alignment import (Box, box_color, choose_layout, classify_links, link_classes,
                                text_width)

FONT = 14            # px
CELL = 8.6           # px per character cell at FONT (generous: capitals are wide)
GAP = 18             # px between two words of a row
PAD = 12             # px around the drawing
ROW_H = 24           # px per word in the columns layout
LINK_W = 260         # px between the two columns
SQUARE = 18          # px per cell of the matrix
FIT_MAX = 1300       # px: a drawing up to this wide shrinks to the page width (font >= ~10 px
                     # on a 1400 px window); a wider one keeps its size and scrolls sideways
_DASH = {"solid": "", "dash": "6,4", "dot": "2,3", "dashdot": "6,3,2,3",
         "longdash": "10,4", "longdashdot": "10,3,2,3"}


def _esc(text: object) -> str:
    """HTML-escaped, and ``$`` as an entity (the page shows the SVG through Markdown)."""
    return html.escape(str(text), quote=True).replace("$", "&#36;")


def _px(word: str) -> float:
    return text_width(word) * CELL


def _dash(dash: str) -> str:
    d = _DASH.get(dash, dash.replace("px", ""))
    return f' stroke-dasharray="{d}"' if d else ""


def _outcome_class(box: Box) -> str:
    return f"type-{box.label}" if box.outcome is None else box.outcome


def alignment_svg(src_words: Sequence[str], tgt_words: Sequence[str],
                  alignments: Sequence[Alignment], *, names: Sequence[str] = (),
                  gold: Alignment | None = None, boxes: Sequence[Box] = (),
                  focus_src: Iterable[int] = (), focus_tgt: Iterable[int] = (),
                  layout: str = "auto") -> str:
    """Source and target words with the links of ``alignments`` as an HTML ``<div>`` holding
    one ``<svg>`` (see the module docstring). Raises ``ValueError`` for more than four
    alignments or an unknown layout."""
    if len(alignments) > 4:
        raise ValueError("at most four alignments can be drawn together")
    layout = choose_layout(src_words, tgt_words, layout)
    names = [names[k] if k < len(names) else (a.aligner or "ABCD"[k])
             for k, a in enumerate(alignments)]
    n_src, n_tgt = len(src_words), len(tgt_words)
    classes = link_classes(len(alignments), names, gold=gold is not None)
    links = {lk: v for lk, v in classify_links(alignments, gold).items()
             if 0 <= lk[0] < n_src and 0 <= lk[1] < n_tgt}
    fs, ft = frozenset(focus_src), frozenset(focus_tgt)
    focusing = bool(fs or ft)
    hot = {lk for lk in links if lk[0] in fs or lk[1] in ft}
    hot_src = set(fs) | {i for i, _ in hot}
    hot_tgt = set(ft) | {j for _, j in hot}
    boxes = [b for b in boxes if 0 <= b.start < b.end <= (n_src if b.side == "source" else n_tgt)]
    draw = {"rows": _rows, "columns": _columns, "matrix": _matrix}[layout]
    width, height, body = draw(list(src_words), list(tgt_words), links, classes, boxes,
                               hot, hot_src, hot_tgt, focusing, names)
    legend = _legend(classes, {v[0] for v in links.values()})
    fit = ' style="max-width:100%; height:auto;"' if width <= FIT_MAX else ""
    return (f'<div class="pi-links" data-layout="{layout}" style="overflow-x:auto; '
            f'max-width:100%;">{legend}<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="sans-serif" font-size="{FONT}" role="img"{fit} '
            f'aria-label="alignment links ({layout} view)">{body}</svg></div>')


# ------------------------------------------------------------------------------ pieces


def _legend(classes: dict, present: set[str]) -> str:
    shown = [c for k, c in classes.items() if k in present]
    if len(shown) < 2:
        return ""
    items = "".join(
        f'<span style="margin-right:14px;"><svg width="28" height="10"><line x1="0" y1="5" '
        f'x2="28" y2="5" stroke="{c.color}" stroke-width="2.5"{_dash(c.dash)}/></svg> '
        f'{_esc(c.label)}</span>' for c in shown)
    return ('<div class="pi-links-legend" style="font-family:sans-serif; font-size:0.8rem;">'
            f'{items}</div>')


def _line(x0: float, y0: float, x1: float, y1: float, link: tuple[int, int], cls, key: str,
          state: str, tip: str) -> str:
    width = {"focus": 3.5, "faded": 1.2, "": 1.8}[state]
    opacity = ' opacity="0.18"' if state == "faded" else ""
    return (f'<line class="link link-{key}{" " + state if state else ""}" data-s="{link[0]}" '
            f'data-t="{link[1]}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'stroke="{cls.color}" stroke-width="{width}"{_dash(cls.dash)}{opacity}>'
            f'<title>{tip}</title></line>')


def _links(links: dict, classes: dict, hot: set, focusing: bool, src: list[str],
           tgt: list[str], names: list[str], ends) -> str:
    """Faded links first, focused ones last (on top)."""
    out = []
    order = sorted(links, key=lambda lk: (focusing and lk in hot, lk))
    for lk in order:
        key, who = links[lk]
        state = ("focus" if lk in hot else "faded") if focusing else ""
        (x0, y0), (x1, y1) = ends(lk)
        out.append(_line(x0, y0, x1, y1, lk, classes[key], key, state, _tip(lk, src, tgt,
                                                                          names, who)))
    return "".join(out)


def _tip(lk: tuple[int, int], src: list[str], tgt: list[str], names: list[str],
         who: tuple[int, ...]) -> str:
    by = ", ".join(names[k] for k in who) or "gold"
    return _esc(f"{src[lk[0]]} ({lk[0]}) → {tgt[lk[1]]} ({lk[1]}) · {by}")


def _word(x: float, y: float, word: str, side: str, k: int, hot: bool, focusing: bool,
          anchor: str = "middle", extra: str = "", shown: str | None = None) -> str:
    color = "#000000" if hot or not focusing else "#777777"
    weight = ' font-weight="bold"' if hot else ""
    return (f'<text class="w w-{side}{" hot" if hot else ""}" data-k="{k}" x="{x:.1f}" '
            f'y="{y:.1f}" text-anchor="{anchor}" fill="{color}"{weight}{extra}>'
            f'{_esc(word if shown is None else shown)}'
            f'<title>{"source" if side == "s" else "target"} word {k}: {_esc(word)}</title>'
            f'</text>')


def _box(x: float, y: float, w: float, h: float, box: Box, alpha: float) -> str:
    color = box_color(box)
    dash = "" if box.status == "gold" else ' stroke-dasharray="5,3"'
    return (f'<rect class="ent ent-{_esc(_outcome_class(box))} ent-{box.side} '
            f'ent-{box.status}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="4" fill="{color}" fill-opacity="{alpha}" stroke="{color}" '
            f'stroke-width="2"{dash}><title>{_esc(_box_tip(box))}</title></rect>')


def _box_tip(box: Box) -> str:
    what = "source entity" if box.side == "source" else (
        "target gold" if box.status == "gold" else "projected")
    outcome = "" if box.outcome is None else f": {box.outcome.replace('_', ' ')}"
    return f"{what} {box.label}{outcome}"


def _rows(src, tgt, links, classes, boxes, hot, hot_src, hot_tgt, focusing, names):
    def place(words: list[str]) -> tuple[list[float], float]:
        xs, x = [], 0.0
        for w in words:
            xs.append(x + _px(w) / 2)
            x += _px(w) + GAP
        return xs, max(x - GAP, 0.0)

    xs, ws = place(src)
    xt, wt = place(tgt)
    inner = max(ws, wt, 1.0)
    xs = [PAD + x + (inner - ws) / 2 for x in xs]
    xt = [PAD + x + (inner - wt) / 2 for x in xt]
    sy, ty = 34.0, 196.0   # baselines
    parts = []
    for b in boxes:
        src_side = b.side == "source"
        centres, words = (xs, src) if src_side else (xt, tgt)
        inset = 0.0 if b.status == "gold" else 3.0
        x0 = centres[b.start] - _px(words[b.start]) / 2 - 6 + inset
        x1 = centres[b.end - 1] + _px(words[b.end - 1]) / 2 + 6 - inset
        base = sy if src_side else ty
        parts.append(_box(x0, base - 18 + inset, x1 - x0, 26 - 2 * inset, b,
                          0.16 if b.status == "gold" else 0.28))
    parts.append(_links(links, classes, hot, focusing, src, tgt, names,
                        lambda lk: ((xs[lk[0]], sy + 12), (xt[lk[1]], ty - 22))))
    parts += [_word(x, sy, w, "s", k, k in hot_src, focusing) for k, (x, w) in
              enumerate(zip(xs, src))]
    parts += [_word(x, ty, w, "t", k, k in hot_tgt, focusing) for k, (x, w) in
              enumerate(zip(xt, tgt))]
    return inner + 2 * PAD, ty + 16, "".join(parts)


def _columns(src, tgt, links, classes, boxes, hot, hot_src, hot_tgt, focusing, names):
    left = max([_px(w) for w in src] + [40.0]) + 16
    right = max([_px(w) for w in tgt] + [40.0]) + 16
    xl, xr = PAD + left, PAD + left + LINK_W      # link ends (left and right column)
    n = max(len(src), len(tgt), 1)

    def y(k: int) -> float:
        return PAD + ROW_H * k + ROW_H / 2

    parts = []
    for b in boxes:
        inset = 0.0 if b.status == "gold" else 3.0
        y0, y1 = y(b.start) - ROW_H / 2 + 1 + inset, y(b.end - 1) + ROW_H / 2 - 1 - inset
        x0, x1 = (PAD, xl - 4) if b.side == "source" else (xr + 4 + inset, xr + right - inset)
        parts.append(_box(x0, y0, x1 - x0, y1 - y0, b, 0.16 if b.status == "gold" else 0.28))
    parts.append(_links(links, classes, hot, focusing, src, tgt, names,
                        lambda lk: ((xl, y(lk[0])), (xr, y(lk[1])))))
    parts += [_word(xl - 10, y(k) + 5, w, "s", k, k in hot_src, focusing, "end")
              for k, w in enumerate(src)]
    parts += [_word(xr + 10, y(k) + 5, w, "t", k, k in hot_tgt, focusing, "start")
              for k, w in enumerate(tgt)]
    return xr + right + PAD, ROW_H * n + 2 * PAD, "".join(parts)


def _matrix(src, tgt, links, classes, boxes, hot, hot_src, hot_tgt, focusing, names):
    labels_s = [f"{i} {w}" for i, w in enumerate(src)]
    labels_t = [f"{j} {w}" for j, w in enumerate(tgt)]
    left = PAD + max([_px(w) for w in labels_s] + [40.0]) + 8
    top = PAD + 0.87 * max([_px(w) for w in labels_t] + [40.0]) + 8  # text rotated by -60°
    n_s, n_t = max(len(src), 1), max(len(tgt), 1)
    parts = []
    for b in boxes:
        inset = 0.0 if b.status == "gold" else 3.0
        if b.side == "source":
            x, yy, w, h = left, top + SQUARE * b.start + inset, SQUARE * n_t, \
                SQUARE * (b.end - b.start) - 2 * inset
        else:
            x, yy, w, h = left + SQUARE * b.start + inset, top, \
                SQUARE * (b.end - b.start) - 2 * inset, SQUARE * n_s
        parts.append(_box(x, yy, w, h, b, 0.08 if b.status == "gold" else 0.14))
    grid = "".join(
        f'<line x1="{left}" y1="{top + SQUARE * i:.1f}" x2="{left + SQUARE * n_t}" '
        f'y2="{top + SQUARE * i:.1f}" stroke="#EEEEEE"/>' for i in range(n_s + 1)) + "".join(
        f'<line x1="{left + SQUARE * j:.1f}" y1="{top}" x2="{left + SQUARE * j:.1f}" '
        f'y2="{top + SQUARE * n_s}" stroke="#EEEEEE"/>' for j in range(n_t + 1))
    parts.append(grid)
    for lk in sorted(links):
        key, who = links[lk]
        cls = classes[key]
        state = ("focus" if lk in hot else "faded") if focusing else ""
        extra = {"focus": ' stroke="#000000" stroke-width="2"', "faded": ' opacity="0.25"',
                 "": ""}[state]
        parts.append(f'<rect class="link link-{key}{" " + state if state else ""}" '
                     f'data-s="{lk[0]}" data-t="{lk[1]}" x="{left + SQUARE * lk[1] + 2:.1f}" '
                     f'y="{top + SQUARE * lk[0] + 2:.1f}" width="{SQUARE - 4}" '
                     f'height="{SQUARE - 4}" fill="{cls.color}"{extra}>'
                     f'<title>{_tip(lk, src, tgt, names, who)}</title></rect>')
    parts += [_word(left - 6, top + SQUARE * i + SQUARE / 2 + 5, w, "s", i, i in hot_src,
                    focusing, "end", shown=labels_s[i]) for i, w in enumerate(src)]
    for j, w in enumerate(tgt):
        x, yy = left + SQUARE * j + SQUARE / 2 + 4, top - 6
        parts.append(_word(x, yy, w, "t", j, j in hot_tgt, focusing, "start",
                           f' transform="rotate(-60 {x:.1f} {yy:.1f})"', shown=labels_t[j]))
    overhang = max([0.5 * _px(w) - SQUARE * (n_t - 1 - j) for j, w in enumerate(labels_t)]
                   + [0.0])
    return left + SQUARE * n_t + PAD + overhang, top + SQUARE * n_s + PAD, "".join(parts)
