"""Pure builders for the dashboard: a tidy table of runs and the Plotly figures drawn from it.

Input is what the run store reads cheaply (:class:`core.runs.RunInfo`: manifest + metrics, never
the sentence table). :func:`runs_frame` turns runs into one row per run; every figure function
takes (a filtered copy of) that table and returns a ``plotly.graph_objects.Figure``.

Conventions:

- F1, precision, recall and proj_ratio stay fractions in the table; the figures show them
  ×100 (as the paper does).
- A run's *method label* is ``pipeline/aligner/method`` (``+bt`` for back-translation;
  ``model-transfer`` alone for model transfer); reported runs carry the prefix ``paper: ``
  in column ``label`` so ours and theirs never share a heatmap column.
- Colours come from :mod:`core.viz.colors`: the projection method picks the colour
  (``color_for``), the aligner picks a bar pattern, reported runs are drawn lighter with an
  outline. Diverging scales (RdBu, differences) and Cividis (absolute values) are colour-blind safe.
- Heatmap cells carry ``customdata = [run_id, lang]`` (on an invisible scatter overlay, because
  Plotly heatmaps cannot be selected) so a click can open the inspector on that run.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.resources import language_info, resource_rank
from core.summary import RunSummary
from core.viz.colors import OUTCOME_COLORS, SAFE, TYPE_COLORS, color_for

#: Entity types in display order (others follow alphabetically).
TYPE_ORDER = ("PER", "ORG", "LOC", "MISC", "DATE")
#: Outcome columns: the gold side's four categories plus spurious predictions.
OUTCOMES = ("exact", "boundary", "wrong_type", "missed", "spurious")
PAPER_PREFIX = "paper: "
MEAN = "mean"
TICK_CHARS = 34  # longest tick label (full label in the hover)
_BASE_COLUMNS = ("run_id", "root", "kind", "dataset", "benchmark", "lang", "lang_name", "script",
                 "family", "resource", "split", "pipeline", "aligner", "method",
                 "back_translation", "method_family", "variant", "method_label", "label", "f1", "precision", "recall", "proj_ratio",
                 "sentences", "has_sentences", "signature", "citation", "created")


# ------------------------------------------------------------------------------- the table


def run_row(summary: RunSummary) -> dict[str, Any]:
    """One table row from a run's typed summary (missing numbers are NaN)."""
    info = language_info(summary.lang)
    label = summary.label
    row: dict[str, Any] = {
        "run_id": summary.run_id, "root": summary.root, "kind": summary.kind,
        "dataset": summary.dataset, "benchmark": summary.benchmark, "lang": summary.lang,
        "lang_name": info.name, "script": info.script, "family": info.family,
        "resource": info.resource, "split": summary.split, "pipeline": summary.pipeline,
        "aligner": summary.aligner_label or None, "method": summary.method,
        "back_translation": summary.back_translation, "method_family": summary.family,
        "variant": summary.variant, "method_label": label,
        "label": (PAPER_PREFIX + label) if summary.kind == "reported" else label,
        "f1": summary.f1, "precision": summary.precision, "recall": summary.recall,
        "proj_ratio": summary.proj_ratio,
        "sentences": float("nan") if summary.sentences is None else float(summary.sentences),
        "has_sentences": summary.has_sentences, "signature": summary.signature,
        "citation": summary.citation, "created": summary.created,
    }
    for typ, f1 in summary.per_type_f1.items():
        row[f"f1_{typ}"] = f1
    if summary.outcomes_gold or summary.outcomes_pred:
        for cat in OUTCOMES:
            side = summary.outcomes_pred if cat == "spurious" else summary.outcomes_gold
            row[f"out_{cat}"] = float(side.get(cat, 0))
    for reason, n in summary.reasons.items():
        row[f"reason_{reason}"] = float(n)
    return row


def runs_frame(runs: Iterable[Any]) -> pd.DataFrame:
    """One row per run (``RunInfo``-like objects: ``run_id``, ``root``, ``manifest``,
    ``metrics``), with the columns of :data:`_BASE_COLUMNS` plus ``f1_<TYPE>``,
    ``out_<category>`` and ``reason_<reason>`` where the metrics have them."""
    rows = [run_row(r.summary) for r in runs]
    df = pd.DataFrame(rows)
    for col in _BASE_COLUMNS:
        if col not in df.columns:
            df[col] = pd.Series(dtype="object")
    return df


def type_columns(df: pd.DataFrame) -> list[str]:
    """The entity types with a per-type F1 column, in display order."""
    types = [c[3:] for c in df.columns if c.startswith("f1_")]
    return sorted(types, key=lambda t: (TYPE_ORDER.index(t) if t in TYPE_ORDER else 99, t))


def reason_columns(df: pd.DataFrame) -> list[str]:
    return sorted(c[7:] for c in df.columns if c.startswith("reason_"))


def language_order(langs: Iterable[str]) -> list[str]:
    """Languages sorted by resource level (high first), then name."""
    return sorted(set(langs), key=lambda c: (resource_rank(language_info(c).resource),
                                             language_info(c).name.lower(), c))


def dedupe(df: pd.DataFrame, keys: Sequence[str] = ("dataset", "lang", "label")) -> pd.DataFrame:
    """One run per ``keys``: the one with most sentences, then the newest, then the first id.

    Adds ``n_runs``: how many runs shared the key (shown in hovers). (Plain Python over the
    columns: much faster than pandas group/sort on string columns for a few hundred rows.)
    """
    if df.empty:
        return df.assign(n_runs=pd.Series(dtype="int64"))
    cols = [df[k].tolist() for k in keys]
    sentences = df["sentences"].tolist()
    created = df["created"].tolist()
    run_ids = df["run_id"].tolist()
    best: dict[tuple, int] = {}
    count: dict[tuple, int] = {}

    def rank(i: int) -> tuple:
        s = sentences[i]
        s = -1.0 if s is None or s != s else float(s)
        c = created[i] if isinstance(created[i], str) else ""
        return (s, c, [-ord(ch) for ch in run_ids[i]])

    for i, key in enumerate(zip(*cols)):
        key = tuple(None if (isinstance(v, float) and v != v) else v for v in key)
        count[key] = count.get(key, 0) + 1
        j = best.get(key)
        if j is None or rank(i) > rank(j):
            best[key] = i
    picked = sorted(best.values())
    out = df.iloc[picked].reset_index(drop=True)
    keyed = [tuple(None if (isinstance(v, float) and v != v) else v for v in key)
             for key in zip(*(out[k].tolist() for k in keys))]
    return out.assign(n_runs=[count[k] for k in keyed])


def row_labels(df: pd.DataFrame) -> pd.Series:
    """Heatmap row names: ``code Name``, plus ``(dataset)`` when a language appears in several
    datasets of ``df``."""
    if df.empty:
        return pd.Series(dtype="object")
    langs, names, datasets = (df[c].astype(str).tolist() for c in ("lang", "lang_name",
                                                                    "dataset"))
    seen: dict[str, set[str]] = {}
    for lang, ds in zip(langs, datasets):
        seen.setdefault(lang, set()).add(ds)
    return pd.Series([f"{lang} {name}" + (f" ({ds})" if len(seen[lang]) > 1 else "")
                      for lang, name, ds in zip(langs, names, datasets)], index=df.index,
                     dtype="object")


def tick_labels(labels: Sequence[str]) -> list[str]:
    """Axis ticks for method labels: a family shared by every label is dropped (the title names
    it) and long labels are cut to :data:`TICK_CHARS` characters."""
    def body(label: str) -> tuple[str, str]:
        prefix = PAPER_PREFIX if label.startswith(PAPER_PREFIX) else ""
        return prefix, label[len(prefix):]

    fams = {body(x)[1].split(" · ", 1)[0] for x in labels if x != MEAN}
    out = []
    for x in labels:
        prefix, rest = body(x)
        if len(fams) == 1 and " · " in rest:
            rest = rest.split(" · ", 1)[1]
        text = prefix + rest
        out.append(text if len(text) <= TICK_CHARS else text[: TICK_CHARS - 1] + "…")
    return out


def label_order(df: pd.DataFrame) -> list[str]:
    """Ours first, then paper; by pipeline, method, aligner, label."""
    first: dict[str, tuple] = {}
    for label, kind, pipeline, method, aligner in zip(
            *(df[c].tolist() for c in ("label", "kind", "pipeline", "method", "aligner"))):
        if label not in first:
            first[label] = (kind == "reported", *(
                "" if not isinstance(v, str) else v for v in (pipeline, method, aligner)), label)
    return [k for k, _ in sorted(first.items(), key=lambda kv: kv[1])]


# ------------------------------------------------------------------------------- figures


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain trace/layout dicts without Plotly's per-property validation.

    Validation costs ~10 ms per bar trace with custom data (it walks every list), which is most
    of the dashboard's time over hundreds of runs. The dicts built here are checked once by the
    tests (``go.Figure(fig.to_dict())`` validates); ``_validate`` is a documented constructor
    keyword of ``plotly.basedatatypes.BaseFigure`` in plotly 7.1 (pinned).
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def _layout(text: str, height: int, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"title": {"text": text}, "height": height,
                            "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
                            "template": _TEMPLATE}
    base.update(extra)
    return base


_TEMPLATE = {"layout": {"font": {"family": "sans-serif"}, "plot_bgcolor": "#FFFFFF",
                        "paper_bgcolor": "#FFFFFF",
                        "xaxis": {"gridcolor": "#EEEEEE", "zeroline": False},
                        "yaxis": {"gridcolor": "#EEEEEE", "zeroline": False}}}
_CIVIDIS = "Cividis"
_RDBU = "RdBu"
_WHAT = {"f1": "F1", "precision": "precision", "recall": "recall",
         "proj_ratio": "projection ratio"}


def heatmap_tables(df: pd.DataFrame, *, value: str = "f1", baseline: str | None = None,
                   mean: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(values ×100, run ids, langs) as row × label tables.

    Run ids are empty for runs without a sentence table (reported runs): nothing to inspect.
    With ``baseline`` (a label), values are differences to the baseline's value in the same row
    (percentage points; NaN where either is missing). ``mean`` appends a mean row and column
    (their run ids are empty).
    """
    cells = dedupe(df[df[value].notna()]) if not df.empty else df
    if cells.empty:
        empty = pd.DataFrame()
        return empty, empty, empty
    row_of = row_labels(cells).tolist()
    # only runs with a sentence table can be opened in the inspector
    run_ids = cells["run_id"].where(cells["has_sentences"].fillna(False).astype(bool), "")
    recs = list(zip(row_of, cells["label"].tolist(), cells["lang"].tolist(),
                    cells[value].astype(float).tolist(), run_ids.tolist()))
    order = {lang: k for k, lang in enumerate(language_order(cells["lang"]))}
    rows = sorted({(order[lang], row) for row, _, lang, _, _ in recs})
    rows_list = [row for _, row in rows]
    cols = label_order(cells)
    r_at = {row: k for k, row in enumerate(rows_list)}
    c_at = {col: k for k, col in enumerate(cols)}
    z = np.full((len(rows_list), len(cols)), np.nan)
    id_m = np.full(z.shape, "", dtype=object)
    lang_m = np.full(z.shape, "", dtype=object)
    for row, label, lang, v, run_id in recs:
        i, j = r_at[row], c_at[label]
        z[i, j], id_m[i, j], lang_m[i, j] = v * 100.0, run_id, lang
    if baseline is not None and baseline in c_at:
        z = z - z[:, [c_at[baseline]]]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows/columns -> NaN mean
        if mean and len(cols) > 1:
            z = np.column_stack([z, np.nanmean(z, axis=1)])
            id_m = np.column_stack([id_m, np.full(len(rows_list), "", dtype=object)])
            lang_m = np.column_stack([lang_m, np.full(len(rows_list), "", dtype=object)])
            cols = [*cols, MEAN]
        if mean and len(rows_list) > 1:
            z = np.vstack([z, np.nanmean(z, axis=0)])
            id_m = np.vstack([id_m, np.full(len(cols), "", dtype=object)])
            lang_m = np.vstack([lang_m, np.full(len(cols), "", dtype=object)])
            rows_list = [*rows_list, MEAN]
    values = pd.DataFrame(z, index=rows_list, columns=cols)
    ids = pd.DataFrame(id_m, index=rows_list, columns=cols)
    langs = pd.DataFrame(lang_m, index=rows_list, columns=cols)
    for t in (values, ids, langs):
        t.index.name, t.columns.name = "language", "method"
    return values, ids, langs


def heatmap_figure(df: pd.DataFrame, *, value: str = "f1", baseline: str | None = None,
                   mean: bool = True, orientation: str = "auto") -> go.Figure:
    """Languages (by resource level) × method labels, values written in the cells.

    ``orientation``: ``"languages"`` puts languages on the rows, ``"methods"`` the method
    labels, ``"auto"`` (default) puts the longer dimension on the rows when there are more
    than 12 method labels (many long column names stay readable as row names).
    Absolute values use Cividis over the data's range; with ``baseline`` the cells show the
    difference to it in percentage points on RdBu centred at 0 (blue = better than the
    baseline). An invisible scatter trace over the cells carries ``customdata = [run_id,
    lang]`` for click selection.
    """
    values, ids, langs = heatmap_tables(df, value=value, baseline=baseline, mean=mean)
    if values.empty:
        return empty_figure("No runs with scores for this selection.")
    n_langs, n_labels = values.shape
    flip = orientation == "methods" or (orientation == "auto" and n_labels > 12
                                        and n_labels > n_langs)
    z = values.to_numpy(dtype=float)
    id_m, lang_m = ids.to_numpy(), langs.to_numpy()
    labels = [str(c) for c in values.columns]
    rows_text = [str(r) for r in values.index]
    if flip:
        z, id_m, lang_m = z.T, id_m.T, lang_m.T
        xs, ys = rows_text, labels
        x_ticks, y_ticks = rows_text, tick_labels(labels)
    else:
        xs, ys = labels, rows_text
        x_ticks, y_ticks = tick_labels(labels), rows_text
    finite = z[np.isfinite(z)]
    what = _WHAT.get(value, value)
    if baseline is not None and baseline in values.columns:
        span = max(float(np.abs(finite).max()) if finite.size else 1.0, 0.5)
        scale = {"colorscale": _RDBU, "cmid": 0.0, "cmin": -span, "cmax": span,
                 "colorbar": {"title": {"text": f"Δ {what}"}}}
        title = f"{what} − baseline ({baseline}), percentage points"
    else:
        lo = float(np.floor(finite.min() / 10) * 10) if finite.size else 0.0
        hi = float(np.ceil(finite.max() / 10) * 10) if finite.size else 100.0
        scale = {"colorscale": _CIVIDIS, "cmin": lo, "cmax": max(hi, lo + 10),
                 "colorbar": {"title": {"text": f"{what} ×100"}}}
        title = f"{what} ×100 by language and method (click a cell to inspect the run)"
    z_text = np.where(np.isfinite(z), z, None)
    heat = {"type": "heatmap", "x": xs, "y": ys, "z": z_text, "coloraxis": "coloraxis",
            "texttemplate": "%{z:.1f}", "hoverongaps": False, "xgap": 1, "ygap": 1,
            "hovertemplate": "%{y}<br>%{x}<br>%{z:.1f}<extra></extra>"}
    mask = (id_m != "") & np.isfinite(z)
    r_idx, c_idx = np.nonzero(mask)
    custom = np.stack([id_m[mask], lang_m[mask]], axis=1) if mask.any() \
        else np.empty((0, 2), dtype=object)
    targets = {"type": "scatter", "mode": "markers", "name": "runs", "showlegend": False,
               "x": np.array(xs, dtype=object)[c_idx], "y": np.array(ys, dtype=object)[r_idx],
               "customdata": custom,
               "marker": {"symbol": "square", "size": 22, "color": "rgba(0,0,0,0)"},
               "selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}},
               "hovertemplate": "%{y}<br>%{x}<br>run %{customdata[0]}<br>"
                                "click to open in the inspector<extra></extra>"}
    n_rows, n_cols = z.shape
    longest = max((len(t) for t in x_ticks), default=4)
    # rotated ticks keep ≥ 0.7 × column spacing between neighbours, so they never overlap
    angle = 0 if longest * 7 < 900 / max(n_cols, 1) else -45  # ~900 px of plot width
    top = 70 + (int(4.2 * longest) if angle else 16)
    layout = _layout(title, max(320, top + 40 + 24 * n_rows), coloraxis=scale,
                     clickmode="event+select", dragmode=False,
                     margin={"l": 10, "r": 10, "t": top, "b": 10},
                     title={"text": title, "y": 0.995, "yanchor": "top", "x": 0.0,
                            "xanchor": "left"},
                     xaxis={"side": "top", "tickangle": angle, "type": "category", "automargin": True,
                            "showgrid": False, "tickmode": "array", "tickvals": xs,
                            "ticktext": x_ticks},
                     yaxis={"autorange": "reversed", "type": "category", "showgrid": False,
                            "tickmode": "array", "tickvals": ys, "ticktext": y_ticks})
    return figure([heat, targets], layout)


# ----------------------------------------------------------------------------------- bars


def _style(labels: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Bar style per label: colour by method, lighter with an outline for reported runs."""
    out: dict[str, dict[str, Any]] = {}
    for r in labels.drop_duplicates("label")[["label", "method", "pipeline", "kind"]].itertuples(
            index=False):
        name = r.method if isinstance(r.method, str) and r.method else r.pipeline
        reported = r.kind == "reported"
        out[r.label] = {"marker": {"color": color_for(name),
                                   "line": {"color": "#333333", "width": 1.2 if reported else 0}},
                        "opacity": 0.55 if reported else 1.0}
    return out


def _bar_layout(title: str, height: int, y_title: str, **extra: Any) -> dict[str, Any]:
    return _layout(title, height, barmode="group",
                   yaxis={"title": {"text": y_title}, "range": [0, 100]},
                   legend={"orientation": "h", "y": -0.3}, **extra)


# ---------------------------------------------------------------------- per type, outcomes


def per_type_figure(df: pd.DataFrame) -> go.Figure:
    """Per-type F1 ×100 averaged over the selected languages: one trace per entity type (so
    at most a handful of series), the method labels on the x axis."""
    types = type_columns(df)
    cells = dedupe(df) if not df.empty else df
    if cells.empty or not types:
        return empty_figure("No per-type scores in this selection.")
    cols = [f"f1_{t}" for t in types]
    labels = [x for x in label_order(cells)
              if cells.loc[cells["label"] == x, cols].notna().any(axis=None)]
    means = cells.groupby("label")[cols].mean().reindex(labels) * 100
    counts = cells.groupby("label")[cols].count().reindex(labels)
    ticks = tick_labels(labels)
    data = [{"type": "bar", "name": t, "x": labels, "y": means[f"f1_{t}"].to_numpy(),
             "customdata": counts[f"f1_{t}"].to_numpy(),
             "marker": {"color": TYPE_COLORS.get(t, SAFE[-1])},
             "hovertemplate": "%{x}<br>" + t + ": %{y:.1f} (mean of %{customdata} "
                                               "languages)<extra></extra>"} for t in types]
    return figure(data, _bar_layout("F1 ×100 per entity type (mean over the selected "
                                    "languages)", 460, "F1 ×100",
                                    xaxis={"type": "category", "tickmode": "array",
                                           "tickvals": labels, "ticktext": ticks,
                                           "tickangle": -30 if len(labels) > 4 else 0,
                                           "automargin": True}))


def _stacked(df: pd.DataFrame, columns: Sequence[str], names: Sequence[str],
             colors: Sequence[str], title: str, by: str, what: str) -> go.Figure:
    cells = dedupe(df) if not df.empty else df
    present = [c for c in columns if c in cells.columns]
    none = f"No {what} in this selection (reported runs have none)."
    if cells.empty or not present:
        return empty_figure(none)
    cells = cells[cells[present].notna().any(axis=1)]
    if cells.empty:
        return empty_figure(none)
    if by == "label":
        order = [x for x in label_order(cells)]
        groups = cells.groupby("label")[present].sum().reindex(order)
    else:
        groups = cells.assign(_k=cells["lang"] + " · " + cells["label"]).groupby("_k")[
            present].sum()
    totals = groups.sum(axis=1).replace(0, np.nan)
    shares = groups.div(totals, axis=0) * 100
    ys = [str(x) for x in shares.index]
    data = []
    for col, name, color in zip(columns, names, colors):
        if col in present:
            data.append({"type": "bar", "name": name, "y": ys, "x": shares[col].to_numpy(),
                         "orientation": "h", "marker": {"color": color},
                         "customdata": groups[col].to_numpy(),
                         "hovertemplate": "%{y}<br>" + name + ": %{x:.1f}% (%{customdata:.0f})"
                                                              "<extra></extra>"})
    return figure(data, _layout(title, max(280, 170 + 28 * len(ys)), barmode="stack",
                                margin={"l": 10, "r": 10, "t": 90, "b": 10},
                                xaxis={"title": {"text": "% of entities"}, "range": [0, 100]},
                                yaxis={"autorange": "reversed", "type": "category"},
                                legend={"orientation": "h", "x": 0, "y": 1.0,
                                        "yanchor": "bottom", "traceorder": "normal"}))


def outcomes_figure(df: pd.DataFrame, *, by: str = "label") -> go.Figure:
    """Stacked shares of entity outcomes (exact / boundary / wrong type / missed / spurious)
    per method label (summed over the selected languages) or per ``lang · label``."""
    return _stacked(df, [f"out_{c}" for c in OUTCOMES],
                    [c.replace("_", " ") for c in OUTCOMES],
                    [OUTCOME_COLORS[c] for c in OUTCOMES],
                    "Entity outcomes: gold entities by category, plus spurious predictions",
                    by, "outcome counts")


def reasons_figure(df: pd.DataFrame, *, by: str = "label") -> go.Figure:
    """Stacked shares of projection reasons (why each source entity was or was not
    projected) per method label."""
    reasons = sorted(reason_columns(df), key=lambda r: (r != "projected", r))
    palette = [c for c in SAFE if c != OUTCOME_COLORS["exact"]]
    colors = [OUTCOME_COLORS["exact"] if r == "projected" else palette[k % len(palette)]
              for k, r in enumerate(reasons)]
    return _stacked(df, [f"reason_{r}" for r in reasons], [r.replace("_", " ") for r in reasons],
                    colors, "Why source entities were (not) projected", by, "projection reasons")


def empty_figure(message: str) -> go.Figure:
    """A blank figure with a centred message (for empty selections)."""
    return figure([], {"annotations": [{"text": message, "x": 0.5, "y": 0.5, "xref": "paper",
                                        "yref": "paper", "showarrow": False,
                                        "font": {"size": 14}}],
                       "xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 200,
                       "margin": {"l": 10, "r": 10, "t": 10, "b": 10}})


def dashboard_figures(df: pd.DataFrame, *, baseline: str | None = None) -> dict[str, go.Figure]:
    """The per-run figures of one selection (what the "all runs" tab draws; used by benches)."""
    return {
        "heatmap": heatmap_figure(df, baseline=baseline),
        "per_type": per_type_figure(df),
        "outcomes": outcomes_figure(df),
        "reasons": reasons_figure(df),
    }
