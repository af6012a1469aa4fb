"""Why each source entity was projected where it was — as plain rows (lists of dicts) for tables.

For one :class:`~core.types.SentenceRecord`:

- :func:`projection_outcomes` — per source entity the outcome of its projection against the
  target gold: the worst category of its target spans (``spurious`` > ``wrong_type`` >
  ``boundary`` > ``exact``), ``not_projected``, or ``None`` when projected but there is no gold.
- :func:`why_rows` — per source entity: reason and the projector's detail, target span(s),
  supporting links, how many entity words are aligned at all, the length ratio (target words /
  entity words, of the chosen span or else of the largest rejected range), the competitor that
  took its place, rejected ranges, score; then one row per *missed* gold target entity with
  the source words its links come from and what happened to the entities holding them.
- :func:`candidate_rows` — the scored candidate target spans per entity with their score
  components, whether the entity chose it and which entity got it otherwise.
- :func:`record_boxes` / :func:`record_marks` — entity boxes for the alignment figure and
  marks for the sentence HTML, coloured by outcome.
- :func:`compare_projection_rows` — entity × aligner table of outcomes for the compare page.
- :func:`build_inspector_view` — everything the inspector draws for one sentence (the figure,
  the HTML, the tables), used by the pages and by the latency benchmark.

Without target gold (``record.gold is None``, e.g. an imported Easy-Label-Projection run) there
are no outcomes: the why rows have no ``outcome`` column, marks and boxes use type colours and
the legend lists no outcome category. A record whose ``extra["reference"]`` is
``"silver:<run>"`` has another run's projections in place of gold: they are captioned as a
silver reference, never as gold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import plotly.graph_objects as go

from core.metrics import entity_outcomes
from core.types import Projection, Reason, SentenceRecord, Span
from core.viz.alignment import Box, alignment_figure, choose_layout
from core.viz.links_svg import alignment_svg
from core.viz.spans import Mark, legend_html, outcome_color, sentences_html

REASON_TEXT = {
    Reason.PROJECTED: "projected",
    Reason.NO_ALIGNED_WORDS: "no target word aligned",
    Reason.ONLY_PUNCTUATION: "only punctuation aligned",
    Reason.LENGTH_RATIO: "failed the length-ratio filter",
    Reason.OVERWRITTEN: "overwritten by a later entity",
    Reason.LOST_COLLISION: "lost a collision",
    Reason.NO_CANDIDATE: "no candidate scored above 0",
    Reason.LOST_TO_HIGHER_SCORE: "lost to a higher-scoring entity",
    Reason.NOT_SELECTED: "left out of the optimal matching",
    Reason.SMALLER_RUN: "a smaller run (only the largest is kept)",
    Reason.MERGED: "merged into a neighbour's span",
}
_SEVERITY = {"exact": 0, "boundary": 1, "wrong_type": 2, "spurious": 3}
MAX_LINKS_SHOWN = 8


def has_gold(record: SentenceRecord) -> bool:
    """Whether the record has a reference to score against (gold or a silver run)."""
    return record.gold is not None


def reference_name(record: SentenceRecord) -> str:
    """``gold``, or ``silver reference (<run>)`` when another run stands in for gold."""
    ref = str((record.extra or {}).get("reference", ""))
    if ref.startswith("silver:"):
        return f"silver reference ({ref.split(':', 1)[1]})"
    return "gold"


def reason_text(reason: Reason | str) -> str:
    try:
        return REASON_TEXT[Reason(reason)]
    except ValueError:
        return str(reason)


def quote(words: Sequence[str], start: int, end: int) -> str:
    """``'w1 w2' [s, e)`` (words clipped to the sentence)."""
    return f"'{' '.join(words[start:end])}' [{start}, {end})"


def _key(s: Span) -> tuple[int, int, str]:
    return (s.start, s.end, s.label)


def outcome_maps(record: SentenceRecord) -> tuple[dict, dict]:
    """(gold key -> category, predicted key -> category); empty without gold."""
    if record.gold is None:
        return {}, {}
    gold, pred = {}, {}
    for o in entity_outcomes(record.gold, record.predicted):
        (gold if o.side == "gold" else pred)[_key(o.span)] = o.category
    return gold, pred


def projection_outcomes(record: SentenceRecord) -> list[str | None]:
    """Per projection (in record order) its outcome category (see module docstring)."""
    _, pred = outcome_maps(record)
    out: list[str | None] = []
    for p in record.projections:
        if not p.projected:
            out.append("not_projected")
        elif record.gold is None:
            out.append(None)
        else:
            cats = [pred.get(_key(t), "spurious") for t in p.targets]
            out.append(max(cats, key=lambda c: _SEVERITY.get(c, 0)))
    return out


def _by_entity(record: SentenceRecord) -> dict[int, Projection]:
    return {p.entity: p for p in record.projections}


def _links_text(links: Sequence[tuple[int, int]], src: Sequence[str], tgt: Sequence[str]) -> str:
    parts = [f"{src[i]}→{tgt[j]} ({i}→{j})" for i, j in links[:MAX_LINKS_SHOWN]
             if i < len(src) and j < len(tgt)]
    more = len(links) - MAX_LINKS_SHOWN
    return "; ".join(parts) + (f"; +{more} more" if more > 0 else "")


def _ratio(n_tgt: int, n_src: int) -> str:
    return f"{n_tgt}/{n_src} = {n_tgt / n_src:.2f}" if n_src else ""


def _best_candidate(record: SentenceRecord, k: int) -> tuple[tuple[int, int], float] | None:
    best = None
    for c in record.candidates:
        comps = c.scores.get(k)
        if comps is None:
            continue
        total = float(sum(comps.values()))
        if best is None or total > best[1]:
            best = (c.range, total)
    return best


def _owner_of(record: SentenceRecord, rng: tuple[int, int], not_k: int) -> Projection | None:
    for p in record.projections:
        if p.entity != not_k and any(t.start < rng[1] and rng[0] < t.end for t in p.targets):
            return p
    return None


def _describe(p: Projection, src: Sequence[str], tgt: Sequence[str]) -> str:
    head = f"entity {p.entity}: {p.source.label} {quote(src, p.source.start, p.source.end)}"
    if p.targets:
        head += " → " + ", ".join(quote(tgt, t.start, t.end) for t in p.targets)
    return head


def why_rows(record: SentenceRecord) -> list[dict[str, Any]]:
    """The "why" table (see the module docstring); every value is a string or a number."""
    src, tgt = record.source.words, record.target.words
    outcomes = projection_outcomes(record)
    by_entity = _by_entity(record)
    linked_src = {i for i, _ in record.alignment.links}
    rows: list[dict[str, Any]] = []
    for p, outcome in zip(record.projections, outcomes):
        ent = p.source
        aligned = sum(1 for i in ent.indices() if i in linked_src)
        if p.targets:
            ratio = _ratio(sum(len(t) for t in p.targets), len(ent))
        elif p.rejected:
            (s, e), _ = max(p.rejected, key=lambda r: r[0][1] - r[0][0])
            ratio = _ratio(e - s, len(ent)) + f" (rejected [{s}, {e}))"
        else:
            ratio = ""
        beaten = ""
        if p.competitor is not None and p.competitor in by_entity:
            beaten = _describe(by_entity[p.competitor], src, tgt)
        elif not p.targets and record.candidates:
            best = _best_candidate(record, p.entity)
            if best is not None:
                owner = _owner_of(record, best[0], p.entity)
                beaten = f"best candidate {quote(tgt, *best[0])} (sum {best[1]:.3f})"
                beaten += f" went to {_describe(owner, src, tgt)}" if owner else " was not chosen"
        row = {
            "kind": "source entity",
            "entity": p.entity,
            "type": ent.label,
            "source": quote(src, ent.start, ent.end),
            "outcome": (outcome or "projected").replace("_", " "),
            "reason": reason_text(p.reason),
            "target": ", ".join(quote(tgt, t.start, t.end) for t in p.targets) or "—",
            "aligned words": f"{aligned}/{len(ent)}",
            "support links": _links_text(list(p.support), src, tgt),
            "length ratio": ratio,
            "beaten by": beaten,
            "rejected": "; ".join(f"[{s}, {e}) {reason_text(r)}" for (s, e), r in p.rejected),
            "score": None if p.score is None else round(float(p.score), 3),
            "detail": p.detail,
        }
        if record.gold is None:  # no reference: no outcome column pretending there is one
            del row["outcome"]
        rows.append(row)
    rows.extend(_missed_rows(record))
    return rows


def _missed_rows(record: SentenceRecord) -> list[dict[str, Any]]:
    """One row per missed gold target entity: where its links come from."""
    gold_cat, _ = outcome_maps(record)
    if not gold_cat:
        return []
    src, tgt = record.source.words, record.target.words
    rows = []
    for g in sorted(record.gold or ()):
        if gold_cat.get(_key(g)) != "missed":
            continue
        links = sorted((i, j) for i, j in record.alignment.links if g.start <= j < g.end)
        from_src = sorted({i for i, _ in links})
        holders = [p for p in record.projections
                   if any(p.source.start <= i < p.source.end for i in from_src)]
        if not links:
            why = ("no source word is aligned to it: the aligner missed it, or the "
                   "translation has no counterpart of a source entity")
        elif not holders:
            why = (f"its links come from source words {from_src}, which belong to no "
                   "source entity")
        else:
            why = "its links come from " + "; ".join(
                f"{_describe(p, src, tgt)} ({reason_text(p.reason)})" for p in holders)
        rows.append({
            "kind": "missed gold entity", "entity": None, "type": g.label,
            "source": "", "outcome": "missed", "reason": why,
            "target": quote(tgt, g.start, g.end), "aligned words": "",
            "support links": _links_text(links, src, tgt), "length ratio": "",
            "beaten by": "", "rejected": "", "score": None, "detail": "",
        })
    return rows


def candidate_rows(record: SentenceRecord, entity: int | None = None) -> list[dict[str, Any]]:
    """Scored candidates (one row per candidate × entity it was scored for), best first per
    entity. ``sum`` is the unweighted sum of the components; ``chosen`` marks the entity's
    projection; ``taken by`` names the other entity whose projection overlaps the range."""
    src, tgt = record.source.words, record.target.words
    by_entity = _by_entity(record)
    components = sorted({name for c in record.candidates for comps in c.scores.values()
                         for name in comps})
    rows = []
    for c in record.candidates:
        for k, comps in c.scores.items():
            if entity is not None and k != entity:
                continue
            p = by_entity.get(k)
            chosen = p is not None and any(t.range == c.range for t in p.targets)
            owner = None if chosen else _owner_of(record, c.range, k)
            ent = p.source if p is not None else None
            row: dict[str, Any] = {
                "entity": k,
                "source": f"{ent.label} {quote(src, ent.start, ent.end)}" if ent else str(k),
                "candidate": quote(tgt, c.start, c.end), "origin": c.origin,
            }
            for name in components:
                v = comps.get(name)
                row[name] = None if v is None else round(float(v), 4)
            row["sum"] = round(float(sum(comps.values())), 4)
            row["chosen"] = chosen
            row["taken by"] = f"entity {owner.entity}" if owner else ""
            rows.append(row)
    rows.sort(key=lambda r: (r["entity"], -r["sum"]))
    return rows


def record_boxes(record: SentenceRecord, *, neutral: bool = False) -> list[Box]:
    """Entity boxes: source entities (gold, coloured by their projection's outcome), target
    gold spans (solid, by gold outcome) and projected spans (dashed, by predicted outcome).
    ``neutral``: source and gold boxes in type colours (when several runs are overlaid)."""
    gold_cat, pred_cat = outcome_maps(record)
    if neutral:
        gold_cat = {}
    boxes = []
    outcome_of = {} if neutral else {
        _key(p.source): o for p, o in zip(record.projections, projection_outcomes(record))}
    for s in record.source_entities:
        boxes.append(Box("source", s.start, s.end, s.label, "gold",
                         outcome_of.get(_key(s), None)))
    for g in record.gold or ():
        boxes.append(Box("target", g.start, g.end, g.label, "gold", gold_cat.get(_key(g))))
    for s in record.predicted:
        boxes.append(Box("target", s.start, s.end, s.label, "projected",
                         pred_cat.get(_key(s)) if record.gold is not None else None))
    return boxes


def record_marks(record: SentenceRecord, *, neutral: bool = False) -> dict[str, list[Mark]]:
    """Marks for the sentence HTML: ``source``, ``gold`` and ``projected`` lines.
    ``neutral``: source and gold marks in type colours (several runs side by side)."""
    gold_cat, pred_cat = outcome_maps(record)
    outcome_of = {_key(p.source): (o, p.reason) for p, o in
                  zip(record.projections, projection_outcomes(record))}
    if neutral:
        gold_cat, outcome_of = {}, {}
    src = []
    for s in record.source_entities:
        o, reason = outcome_of.get(_key(s), (None, None))
        title = f"{s.label}: " + (reason_text(reason) if reason else "no projection")
        if o:
            title += f" ({o.replace('_', ' ')})"
        src.append(Mark(s.start, s.end, s.label, outcome_color(o, s.label), "solid", title))
    gold = []
    for g in record.gold or ():
        cat = gold_cat.get(_key(g))
        gold.append(Mark(g.start, g.end, g.label, outcome_color(cat, g.label), "solid",
                         f"gold {g.label}" + (f": {cat.replace('_', ' ')}" if cat else "")))
    pred = []
    for s in record.predicted:
        o = pred_cat.get(_key(s)) if record.gold is not None else None
        pred.append(Mark(s.start, s.end, s.label, outcome_color(o, s.label), "dashed",
                         f"projected {s.label}" + (f": {o.replace('_', ' ')}" if o else "")))
    return {"source": src, "gold": gold, "projected": pred}


def record_html(record: SentenceRecord, *, highlight_src: Sequence[int] = (),
                highlight_tgt: Sequence[int] = ()) -> str:
    """Source with its entities, target gold and target projection, plus the legend."""
    marks = record_marks(record)
    lines = [(f"source ({record.source.lang})", record.source.words, marks["source"])]
    if record.gold is not None:
        lines.append((f"{reference_name(record)} ({record.target.lang})", record.target.words,
                      marks["gold"]))
    lines.append(("projected", record.target.words, marks["projected"]))
    hl = {lines[0][0]: highlight_src, "projected": highlight_tgt}
    if record.gold is not None:
        hl[lines[1][0]] = highlight_tgt
    return sentences_html(lines, hl) + record_legend(record)


def record_legend(record: SentenceRecord) -> str:
    """The outcome legend, or — without gold — a legend of entity types and border styles
    only (no outcome category is shown when nothing was scored)."""
    import html as _html

    from core.viz.colors import TYPE_COLORS

    if record.gold is not None:
        legend = legend_html()
        if reference_name(record) != "gold":
            legend = legend.replace("gold (solid)", "silver reference (solid)")
            legend += ('<div style="font-family: sans-serif; font-size: 0.8rem; color: #555;">'
                       f"Outcomes are against the {_html.escape(reference_name(record))}, "
                       "another run's projections — not gold.</div>")
        return legend
    types = sorted({s.label for s in (*record.source_entities, *record.predicted)})
    items = [f'<span style="border: 2px solid {TYPE_COLORS.get(t, "#888888")}; background: '
             f'{TYPE_COLORS.get(t, "#888888")}2E; border-radius: 4px; padding: 0 4px; '
             f'margin-right: 6px;">{_html.escape(t)}</span>' for t in types]
    items.append('<span style="border: 2px solid #555; border-radius: 4px; padding: 0 4px; '
                 'margin-right: 6px;">source entity (solid)</span>')
    items.append('<span style="border: 2px dashed #555; border-radius: 4px; padding: 0 4px; '
                 'margin-right: 6px;">projected (dashed)</span>')
    items.append('<span style="color: #555;">no gold for this target: entities are coloured '
                 'by type, outcomes are not computed</span>')
    return ('<div class="pi-legend-nogold" style="font-family: sans-serif; font-size: 0.8rem;">'
            f'{"".join(items)}</div>')


# ------------------------------------------------------------------------------ focus


def round_trip_html(record: SentenceRecord) -> str:
    """The back-translation round trip (English source with its entities, B, target) as
    escaped HTML; empty when the record has no English side."""
    if not record.english_words:
        return ""
    marks = [Mark(s.start, s.end, s.label, outcome_color(None, s.label))
             for s in record.english_entities or ()]
    return sentences_html([("English source", list(record.english_words), marks),
                           ("B (back-translation)", record.source.words, []),
                           ("target", record.target.words, [])])


def marker_issue_rows(record: SentenceRecord) -> list[dict[str, str]]:
    """One row per marker issue of the record (EasyProject or back-translation markers)."""
    return [{"issue": i.kind, "detail": i.detail} for i in record.marker_issues or ()]


def focus_options(record: SentenceRecord) -> dict[str, str]:
    """Focus key -> label: ``""`` nothing, ``e<k>`` source entity, ``g<k>`` gold target
    entity, ``s<i>`` source word, ``t<j>`` target word."""
    src, tgt = record.source.words, record.target.words
    out = {"": "nothing"}
    for k, s in enumerate(record.source_entities):
        out[f"e{k}"] = f"source entity {k}: {s.label} {quote(src, s.start, s.end)}"
    for k, g in enumerate(sorted(record.gold or ())):
        out[f"g{k}"] = f"gold target entity {k}: {g.label} {quote(tgt, g.start, g.end)}"
    for i, w in enumerate(src):
        out[f"s{i}"] = f"source word {i}: {w}"
    for j, w in enumerate(tgt):
        out[f"t{j}"] = f"target word {j}: {w}"
    return out


def focus_sets(record: SentenceRecord, key: str) -> tuple[set[int], set[int]]:
    """(source words, target words) whose links a focus key highlights (empty if unknown)."""
    if not key or not key[1:].isdigit():
        return set(), set()
    kind, n = key[0], int(key[1:])
    if kind == "e" and n < len(record.source_entities):
        return set(record.source_entities[n].indices()), set()
    gold = sorted(record.gold or ())
    if kind == "g" and n < len(gold):
        return set(), set(gold[n].indices())
    if kind == "s" and n < len(record.source.words):
        return {n}, set()
    if kind == "t" and n < len(record.target.words):
        return set(), {n}
    return set(), set()


def focused_entity(record: SentenceRecord, key: str) -> int | None:
    """The projection entity index behind an ``e<k>`` focus key (for the candidates table)."""
    if key.startswith("e") and key[1:].isdigit():
        k = int(key[1:])
        if k < len(record.source_entities):
            s = record.source_entities[k]
            for p in record.projections:
                if _key(p.source) == _key(s):
                    return p.entity
    return None


# ------------------------------------------------------------------------------ compare


def compare_projection_rows(records: Sequence[SentenceRecord], names: Sequence[str]
                            ) -> list[dict[str, Any]]:
    """Entity × aligner: one row per source entity of the first record (matched by range and
    type in the others), one column per run with ``outcome: target span`` or the reason it
    was not projected; a last row holds each run's sentence F1 (when there is gold)."""
    if not records:
        return []
    first = records[0]
    src = first.source.words
    per_run = []
    for r in records:
        outs = projection_outcomes(r)
        per_run.append({_key(p.source): (p, o) for p, o in zip(r.projections, outs)})
    rows = []
    for s in first.source_entities:
        row: dict[str, Any] = {"entity": f"{s.label} {quote(src, s.start, s.end)}"}
        for name, table, r in zip(names, per_run, records):
            hit = table.get(_key(s))
            if hit is None:
                row[name] = "—"
                continue
            p, o = hit
            if p.targets:
                spans = ", ".join(quote(r.target.words, t.start, t.end) for t in p.targets)
                row[name] = f"{(o or 'projected').replace('_', ' ')}: {spans}"
            else:
                row[name] = f"not projected ({reason_text(p.reason)})"
        rows.append(row)
    f1_row: dict[str, Any] = {"entity": "sentence F1"}
    for name, r in zip(names, records):
        f1_row[name] = _sentence_f1(r)
    rows.append(f1_row)
    return rows


def _sentence_f1(r: SentenceRecord) -> str:
    if r.gold is None:
        return "no gold"
    g = {_key(s) for s in r.gold}
    p = {_key(s) for s in r.predicted}
    tp = len(g & p)
    den = len(g) + len(p)
    return f"{(2 * tp / den if den else 1.0):.2f}"


# ------------------------------------------------------------------------------ one view


@dataclass(frozen=True)
class InspectorView:
    """What the inspector draws for one sentence under one or more runs."""

    layout: str
    links: go.Figure | str  # a Plotly figure, or with ``figure=False`` the static SVG
    html: str
    why: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    compare: list[dict[str, Any]]


def build_inspector_view(records: Sequence[SentenceRecord], names: Sequence[str] = (), *,
                         focus: str = "", layout: str = "auto", figure: bool = True
                         ) -> InspectorView:
    """The links, sentence HTML and tables for ``records`` (one sentence under 1–4 runs with
    the same words; the first record provides the entities and the tables). The links are a
    Plotly figure, or with ``figure=False`` the static SVG of :mod:`core.viz.links_svg` (a page
    showing it loads no figure library in the browser)."""
    if not records:
        raise ValueError("no record to show")
    first = records[0]
    names = list(names) or [r.alignment.aligner or f"run {k}" for k, r in enumerate(records)]
    fs, ft = focus_sets(first, focus)
    concrete = choose_layout(first.source.words, first.target.words, layout)
    boxes = record_boxes(first, neutral=len(records) > 1)
    if len(records) > 1:  # projections differ per run: keep source entities and gold only
        boxes = [b for b in boxes if b.status == "gold"]
    draw = alignment_figure if figure else alignment_svg
    links = draw(first.source.words, first.target.words, [r.alignment for r in records],
                 names=names, boxes=boxes, focus_src=fs, focus_tgt=ft, layout=concrete)
    hot_t = set(ft) | {j for i, j in first.alignment.links if i in fs}
    return InspectorView(
        concrete, links, record_html(first, highlight_src=sorted(fs), highlight_tgt=sorted(hot_t)),
        why_rows(first), candidate_rows(first, focused_entity(first, focus)),
        compare_projection_rows(records, names) if len(records) > 1 else [])
