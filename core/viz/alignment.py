"""Alignment link figures (Plotly) and aligner agreement tables — pure builders, no Streamlit.

One figure shows a source and a target sentence with the links of one to four aligners:

- ``rows``: source words on a top row, target words on a bottom row, placed by their text width
  (East Asian wide characters count double), straight links between them. Readable up to about
  25 words (:data:`ROWS_MAX_WORDS`, :data:`ROWS_MAX_CHARS`).
- ``columns``: source words in a left column, target words in a right column, one row per word;
  the height grows with the sentence, so 80 words stay readable (the page scrolls).
- ``matrix``: source words as rows, target words as columns, one square per link.

``auto`` picks ``rows`` for short sentences and ``columns`` otherwise.

Links are classified by which aligners have them (:func:`classify_links`): with two aligners
``both`` / ``only_a`` / ``only_b``; with three or four ``both`` (all of them), ``only_<k>`` (one)
and ``some`` (several but not all); with one aligner every link is ``both``. Links only in the
gold alignment (when one is given) are ``gold``. Each class is one line trace (segments joined
with ``None``), plus one invisible marker trace at the link midpoints that carries the hover text
and ``customdata = [src, tgt, src word, tgt word, aligners, score]``. Tokens carry
``customdata = ["s"|"t", index]`` so a selection can be mapped back to a word.

Focus (``focus_src`` / ``focus_tgt``): links touching a focused word are drawn bold on top, all
others faded. Entity boxes (:class:`Box`) are filled polygons behind the words: gold with a solid
outline, projected with a dashed one, filled with the outcome colour.

Every word is HTML-escaped before it reaches Plotly (Plotly interprets a subset of HTML tags).
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import plotly.graph_objects as go

from core.metrics.alignment import AgreementCounts, agreement
from core.types import Alignment, Link
from core.viz.colors import LINK_COLORS, LINK_DASH, OUTCOME_COLORS, SAFE, TYPE_COLORS

LAYOUTS = ("auto", "rows", "columns", "matrix")
ROWS_MAX_WORDS = 25
ROWS_MAX_CHARS = 140
GAP = 2.0  # character units between two words in the rows layout

#: Colours/dashes of the "only <k>" classes for the 3rd and 4th aligner.
_EXTRA_ONLY = {2: ("#44AA99", "dashdot"), 3: ("#AA4499", "longdashdot")}
_LETTERS = "ABCD"
_NOT_PROJECTED = "#888888"


@dataclass(frozen=True)
class LinkClass:
    """A link class: key (``both``, ``only_a``, ...), legend label, colour and dash style."""

    key: str
    label: str
    color: str
    dash: str


@dataclass(frozen=True)
class Box:
    """An entity box: ``side`` is ``"source"`` or ``"target"``; ``status`` ``"gold"`` (solid
    outline) or ``"projected"`` (dashed); ``outcome`` picks the colour (an outcome category,
    ``"not_projected"``, or ``None`` for the type colour)."""

    side: str
    start: int
    end: int
    label: str
    status: str = "gold"
    outcome: str | None = None


# ------------------------------------------------------------------------------ measuring


def text_width(word: str) -> int:
    """Display width in character cells: wide/fullwidth characters 2, combining marks 0."""
    width = 0
    for ch in word:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return max(width, 1)


def token_centres(words: Sequence[str], gap: float = GAP) -> tuple[list[float], float]:
    """Centre x of each word (in character units) and the total row width."""
    xs, x = [], 0.0
    for w in words:
        n = text_width(w)
        xs.append(x + n / 2)
        x += n + gap
    return xs, max(x - gap, 0.0)


def choose_layout(src_words: Sequence[str], tgt_words: Sequence[str], layout: str = "auto"
                  ) -> str:
    """The concrete layout for ``layout`` (``auto`` → ``rows`` or ``columns``)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; use one of {LAYOUTS}")
    if layout != "auto":
        return layout
    longest = max(len(src_words), len(tgt_words))
    chars = max(token_centres(src_words)[1], token_centres(tgt_words)[1])
    return "rows" if longest <= ROWS_MAX_WORDS and chars <= ROWS_MAX_CHARS else "columns"


# ------------------------------------------------------------------------------ link classes


def link_classes(n_aligners: int, names: Sequence[str] = (), *, gold: bool = False
                 ) -> dict[str, LinkClass]:
    """The classes used for ``n_aligners`` aligners, in drawing order (legend order)."""
    names = list(names) + [_LETTERS[k] for k in range(len(names), n_aligners)]
    out: dict[str, LinkClass] = {}
    if n_aligners <= 1:
        out["both"] = LinkClass("both", names[0] if names else "link", LINK_COLORS["both"],
                                LINK_DASH["both"])
    else:
        out["both"] = LinkClass("both", "both" if n_aligners == 2 else f"all {n_aligners}",
                                LINK_COLORS["both"], LINK_DASH["both"])
        for k in range(n_aligners):
            key = f"only_{_LETTERS[k].lower()}"
            if k < 2:
                color, dash = LINK_COLORS[key], LINK_DASH[key]
            else:
                color, dash = _EXTRA_ONLY[k]
            letter = _LETTERS[k]
            label = (f"only {names[k]}" if names[k].startswith(f"{letter}:")
                     else f"only {letter} ({names[k]})")
            out[key] = LinkClass(key, label, color, dash)
        if n_aligners > 2:
            out["some"] = LinkClass("some", f"2–{n_aligners - 1} of {n_aligners}",
                                    LINK_COLORS["other"], "2px,4px")
    if gold:
        out["gold"] = LinkClass("gold", "gold only", LINK_COLORS["gold"], LINK_DASH["gold"])
    return out


def classify_links(alignments: Sequence[Alignment], gold: Alignment | None = None
                   ) -> dict[Link, tuple[str, tuple[int, ...]]]:
    """Every link of any aligner (and of ``gold``) -> (class key, indices of the aligners
    that have it). Sure links only."""
    members: dict[Link, list[int]] = {}
    for k, a in enumerate(alignments):
        for link in a.links:
            members.setdefault(link, []).append(k)
    n = len(alignments)
    out: dict[Link, tuple[str, tuple[int, ...]]] = {}
    for link, ks in members.items():
        if len(ks) == n:
            key = "both"
        elif len(ks) == 1:
            key = f"only_{_LETTERS[ks[0]].lower()}"
        else:
            key = "some"
        out[link] = (key, tuple(ks))
    if gold is not None:
        for link in (*gold.links, *gold.possible):
            if link not in out:
                out[link] = ("gold", ())
    return out


# ------------------------------------------------------------------------------ helpers


def rgba(color: str, alpha: float) -> str:
    """``#RRGGBB`` -> ``rgba(r,g,b,alpha)``."""
    c = color.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return f"rgba({r},{g},{b},{alpha:g})"


def box_color(box: Box) -> str:
    if box.outcome is None:
        return TYPE_COLORS.get(box.label, SAFE[-1])
    return OUTCOME_COLORS.get(box.outcome, _NOT_PROJECTED)


def _esc(words: Iterable[str]) -> list[str]:
    return [html.escape(w, quote=False) for w in words]


def _is_focused(link: Link, fs: frozenset[int], ft: frozenset[int]) -> bool:
    return link[0] in fs or link[1] in ft


@dataclass(frozen=True)
class _Geometry:
    """Where words and link ends sit for one layout."""

    src_xy: list[tuple[float, float]]
    tgt_xy: list[tuple[float, float]]
    src_end: list[tuple[float, float]]   # link end points on the source side
    tgt_end: list[tuple[float, float]]


def _rows_geometry(src: Sequence[str], tgt: Sequence[str]) -> tuple[_Geometry, float]:
    xs, ws = token_centres(src)
    xt, wt = token_centres(tgt)
    width = max(ws, wt, 1.0)
    xs = [x + (width - ws) / 2 for x in xs]
    xt = [x + (width - wt) / 2 for x in xt]
    g = _Geometry([(x, 1.0) for x in xs], [(x, 0.0) for x in xt],
                  [(x, 0.78) for x in xs], [(x, 0.22) for x in xt])
    return g, width


def _columns_geometry(src: Sequence[str], tgt: Sequence[str]) -> _Geometry:
    return _Geometry([(-0.03, -float(i)) for i in range(len(src))],
                     [(1.03, -float(j)) for j in range(len(tgt))],
                     [(0.0, -float(i)) for i in range(len(src))],
                     [(1.0, -float(j)) for j in range(len(tgt))])


def _box_polygon(box: Box, layout: str, centres: tuple[list[float], list[float]],
                 words: tuple[Sequence[str], Sequence[str]], n: tuple[int, int]
                 ) -> tuple[list[float], list[float]]:
    """Closed polygon (x, y) of an entity box for ``layout``."""
    src = box.side == "source"
    inset = 0.0 if box.status == "gold" else 1.0
    s, e = box.start, box.end - 1
    if layout == "rows":
        xs = centres[0] if src else centres[1]
        ws = words[0] if src else words[1]
        pad = 0.7 - 0.35 * inset
        x0 = xs[s] - text_width(ws[s]) / 2 - pad
        x1 = xs[e] + text_width(ws[e]) / 2 + pad
        yc, h = (1.0, 0.16) if src else (0.0, 0.16 - 0.05 * inset)
        y0, y1 = yc - h, yc + h
    elif layout == "columns":
        h = 0.42 - 0.1 * inset
        y0, y1 = -e - h, -s + h
        x0, x1 = (-0.75, -0.01) if src else (1.01 + 0.03 * inset, 1.75 - 0.03 * inset)
    else:  # matrix: source entity = horizontal band, target span = vertical band
        h = 0.5 - 0.12 * inset
        if src:
            x0, x1, y0, y1 = -0.5, n[1] - 0.5, s - h, e + h
        else:
            x0, x1, y0, y1 = s - h, e + h, -0.5, n[0] - 0.5
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


# ------------------------------------------------------------------------------ the figure


def alignment_figure(src_words: Sequence[str], tgt_words: Sequence[str],
                     alignments: Sequence[Alignment], *, names: Sequence[str] = (),
                     gold: Alignment | None = None, boxes: Sequence[Box] = (),
                     focus_src: Iterable[int] = (), focus_tgt: Iterable[int] = (),
                     layout: str = "auto", title: str | None = None) -> go.Figure:
    """Source and target words with the links of ``alignments`` (see the module docstring).

    ``names`` label the aligners (A, B, ... by default). Raises ``ValueError`` for more than
    four alignments or an unknown layout.
    """
    if len(alignments) > 4:
        raise ValueError("at most four alignments can be drawn together")
    layout = choose_layout(src_words, tgt_words, layout)
    names = [names[k] if k < len(names) else (a.aligner or _LETTERS[k])
             for k, a in enumerate(alignments)]
    fs, ft = frozenset(focus_src), frozenset(focus_tgt)
    focusing = bool(fs or ft)
    classes = link_classes(len(alignments), names, gold=gold is not None)
    links = classify_links(alignments, gold)
    n_src, n_tgt = len(src_words), len(tgt_words)
    links = {lk: v for lk, v in links.items() if lk[0] < n_src and lk[1] < n_tgt}
    scores = _link_scores(alignments)
    esc_src, esc_tgt = _esc(src_words), _esc(tgt_words)

    if layout == "rows":
        geo, width = _rows_geometry(src_words, tgt_words)
        centres = ([x for x, _ in geo.src_xy], [x for x, _ in geo.tgt_xy])
    elif layout == "columns":
        geo, width, centres = _columns_geometry(src_words, tgt_words), 0.0, ([], [])
    else:
        geo, width, centres = None, 0.0, ([], [])

    data: list[Any] = []
    # entity boxes first (behind everything)
    groups: dict[tuple[str, str, str], list[Box]] = {}
    for b in boxes:
        if b.start < 0 or b.end > (n_src if b.side == "source" else n_tgt) or b.end <= b.start:
            continue
        groups.setdefault((b.side, b.status, b.outcome or b.label), []).append(b)
    for (side, status, what), group in groups.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for b in group:
            px, py = _box_polygon(b, layout, centres, (src_words, tgt_words), (n_src, n_tgt))
            xs += [*px, None]
            ys += [*py, None]
        color = box_color(group[0])
        data.append(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", hoverinfo="skip",
            fillcolor=rgba(color, (0.16 if status == "gold" else 0.28)
                           * (0.5 if layout == "matrix" else 1.0)),
            line={"color": color, "width": 2, "dash": "solid" if status == "gold" else "dash"},
            name=html.escape(f"{side} {status}: {what.replace('_', ' ')}"), showlegend=True))

    # links: one line trace per (class, focused) + one midpoint marker trace per class
    by_class: dict[str, list[Link]] = {k: [] for k in classes}
    for link, (key, _) in sorted(links.items()):
        by_class.setdefault(key, []).append(link)
    for key, cls in classes.items():
        members = by_class.get(key, [])
        if not members:
            continue
        legend_done = False
        for focused in () if layout == "matrix" else (False, True) if focusing else (False,):
            part = [lk for lk in members if _is_focused(lk, fs, ft) == focused] \
                if focusing else members
            if not part:
                continue
            xs, ys = [], []
            for i, j in part:
                (x0, y0), (x1, y1) = _ends(layout, geo, i, j)
                xs += [x0, x1, None]
                ys += [y0, y1, None]
            faded = focusing and not focused
            data.append(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", name=cls.label,
                legendgroup=key, showlegend=not legend_done,
                opacity=0.18 if faded else 1.0,
                line={"color": cls.color, "dash": cls.dash,
                      "width": 3.5 if focused else (1.2 if faded else 1.8)}))
            legend_done = True
        mx, my, custom = [], [], []
        for i, j in members:
            (x0, y0), (x1, y1) = _ends(layout, geo, i, j)
            mx.append((x0 + x1) / 2)
            my.append((y0 + y1) / 2)
            who = ", ".join(names[k] for k in links[(i, j)][1]) or "gold"
            sc = scores.get((i, j))
            custom.append([i, j, esc_src[i], esc_tgt[j], html.escape(who),
                           "" if sc is None else f"{sc:.3f}"])
        marker: dict[str, Any] = {"size": 6, "color": cls.color, "opacity": 0.0}
        if layout == "matrix":
            cell = max(5.0, min(16.0, 640.0 / max(n_src, n_tgt, 1)))
            marker = {"size": cell, "color": cls.color, "symbol": "square",
                      "opacity": [1.0 if (not focusing or _is_focused(lk, fs, ft)) else 0.25
                                  for lk in members],
                      "line": {"width": [2 if focusing and _is_focused(lk, fs, ft) else 0
                                         for lk in members], "color": "#000000"}}
        data.append(go.Scatter(
            x=mx, y=my, mode="markers", marker=marker, customdata=custom, name=cls.label,
            legendgroup=key, showlegend=layout == "matrix",
            hovertemplate=("%{customdata[2]} (%{customdata[0]}) → %{customdata[3]} "
                           "(%{customdata[1]})<br>%{customdata[4]}<br>score %{customdata[5]}"
                           "<extra>" + html.escape(cls.label) + "</extra>")))

    # words
    if layout != "matrix":
        assert geo is not None
        hot_src = set(fs) | {i for (i, j) in links if _is_focused((i, j), fs, ft)}
        hot_tgt = set(ft) | {j for (i, j) in links if _is_focused((i, j), fs, ft)}
        for side, xy, esc, hot, pos in (
                ("s", geo.src_xy, esc_src, hot_src, "middle left" if layout == "columns"
                 else "middle center"),
                ("t", geo.tgt_xy, esc_tgt, hot_tgt, "middle right" if layout == "columns"
                 else "middle center")):
            text = [f"<b>{w}</b>" if k in hot else w for k, w in enumerate(esc)]
            colors = ["#000000" if (k in hot or not focusing) else "#777777"
                      for k in range(len(esc))]
            data.append(go.Scatter(
                x=[x for x, _ in xy], y=[y for _, y in xy], mode="markers+text", text=text,
                textposition=pos, textfont={"size": 13, "color": colors}, cliponaxis=False,
                marker={"size": 12, "color": "rgba(0,0,0,0)"},
                customdata=[[side, k, w] for k, w in enumerate(esc)],
                hovertemplate=("source" if side == "s" else "target")
                + " word %{customdata[1]}: %{customdata[2]}<extra></extra>",
                showlegend=False, name="source words" if side == "s" else "target words"))

    fig = go.Figure(data=data)
    _layout(fig, layout, src_words, tgt_words, esc_src, esc_tgt, width, title)
    return fig


def _ends(layout: str, geo: _Geometry | None, i: int, j: int
          ) -> tuple[tuple[float, float], tuple[float, float]]:
    if layout == "matrix" or geo is None:
        return (float(j), float(i)), (float(j), float(i))
    return geo.src_end[i], geo.tgt_end[j]


def _link_scores(alignments: Sequence[Alignment]) -> dict[Link, float]:
    out: dict[Link, float] = {}
    for a in alignments:
        for link, v in a.scores.items():
            if v == v and (link not in out or v > out[link]):  # skip NaN
                out[link] = float(v)
    return out


def _layout(fig: go.Figure, layout: str, src: Sequence[str], tgt: Sequence[str],
            esc_src: list[str], esc_tgt: list[str], width: float, title: str | None) -> None:
    common: dict[str, Any] = {
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        "plot_bgcolor": "rgba(0,0,0,0)", "paper_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest", "dragmode": "pan",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                   "groupclick": "toggleitem"},
        "title": {"text": html.escape(title)} if title else None,
    }
    hidden = {"visible": False, "fixedrange": True}
    n = max(len(src), len(tgt), 1)
    if layout == "rows":
        fig.update_layout(**common, height=300 + (40 if title else 0),
                          xaxis={**hidden, "range": [-1.5, width + 1.5]},
                          yaxis={**hidden, "range": [-0.45, 1.45]})
    elif layout == "columns":
        fig.update_layout(**common, height=int(26 * n + 120),
                          xaxis={**hidden, "range": [-1.05, 2.05]},
                          yaxis={**hidden, "range": [-n + 0.4, 1.6]})
    else:
        cell = max(10.0, min(22.0, 900.0 / n))
        fig.update_layout(
            **{**common, "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10}},
            height=int(cell * len(src) + 190),
            xaxis={"tickmode": "array", "tickvals": list(range(len(tgt))),
                   "ticktext": [f"{w} {j}" for j, w in enumerate(esc_tgt)], "side": "top",
                   "tickangle": -60, "range": [-0.5, len(tgt) - 0.5], "showgrid": True,
                   "gridcolor": "#EEEEEE", "zeroline": False, "title": {"text": "target"}},
            yaxis={"tickmode": "array", "tickvals": list(range(len(src))),
                   "ticktext": [f"{i} {w}" for i, w in enumerate(esc_src)],
                   "autorange": False, "range": [len(src) - 0.5, -0.5], "showgrid": True,
                   "gridcolor": "#EEEEEE", "zeroline": False, "title": {"text": "source"}})
        fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0})


# ------------------------------------------------------------------------------ agreement


@dataclass(frozen=True)
class PairAgreement:
    """Corpus agreement of aligners A and B over the sentences both have."""

    sentences: int
    counts: AgreementCounts
    mean_jaccard: float      # macro: mean of the sentence Jaccards
    micro_jaccard: float     # |both| / |union| summed over the corpus


def sentence_agreement(a: Mapping[str, Alignment], b: Mapping[str, Alignment]
                       ) -> dict[str, AgreementCounts]:
    """Per sentence id (present in both) the link agreement of A and B."""
    return {sid: agreement(a[sid], b[sid]) for sid in a if sid in b}


def pair_agreement(a: Mapping[str, Alignment], b: Mapping[str, Alignment]) -> PairAgreement:
    """Corpus agreement of two aligners (see :class:`PairAgreement`). A sentence where neither
    aligner has a link counts as full agreement (Jaccard 1) in the macro mean."""
    per = sentence_agreement(a, b)
    total = AgreementCounts()
    jac = []
    for c in per.values():
        total = total + c
        jac.append(c.jaccard if c.union else 1.0)
    return PairAgreement(len(per), total, sum(jac) / len(jac) if jac else 0.0, total.jaccard)


def disagreement_rows(alignments: Sequence[Mapping[str, Alignment]],
                      f1s: Sequence[Mapping[str, float | None]], names: Sequence[str]
                      ) -> list[dict[str, Any]]:
    """One row per sentence id common to all runs, for ranking sentences.

    Columns: ``id``, ``disagreement`` (1 − mean pairwise link Jaccard; 0 when no aligner has
    a link), ``both`` / ``only_a`` / ``only_b`` (aligners A and B), ``f1 <name>`` for each run,
    and ``f1_spread`` (max − min F1 over the runs with an F1; ``None`` without gold).
    """
    if not alignments:
        return []
    common = [sid for sid in alignments[0] if all(sid in m for m in alignments[1:])]
    rows = []
    for sid in common:
        jac = []
        for x in range(len(alignments)):
            for y in range(x + 1, len(alignments)):
                c = agreement(alignments[x][sid], alignments[y][sid])
                jac.append(c.jaccard if c.union else 1.0)
        ab = agreement(alignments[0][sid], alignments[1][sid]) if len(alignments) > 1 \
            else AgreementCounts(len(alignments[0][sid]), 0, 0)
        row: dict[str, Any] = {"id": sid,
                               "disagreement": 1.0 - (sum(jac) / len(jac) if jac else 1.0),
                               "both": ab.both, "only_a": ab.only_a, "only_b": ab.only_b}
        vals = []
        for name, f1 in zip(names, f1s):
            v = f1.get(sid)
            row[f"f1 {name}"] = v
            if v is not None and v == v:
                vals.append(float(v))
        row["f1_spread"] = max(vals) - min(vals) if len(vals) > 1 else None
        rows.append(row)
    return rows
