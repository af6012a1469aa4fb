"""The dashboard's benchmark view: one benchmark at a time, in the shape of the paper's tables.

Input is the run table of :func:`core.viz.dashboard.runs_frame` (one row per run, built from
:class:`core.summary.RunSummary`). Everything here is pure: tables are pandas DataFrames, figures
plain Plotly dicts wrapped by :func:`core.viz.dashboard.figure`.

- :func:`benchmarks` orders the benchmarks, the one with most of our runs beside reported ones
  first (the dashboard's default).
- :func:`paper_table` is the main view: languages grouped by resource level (with mean rows)
  × pipeline families, ours and the paper's best run of each family side by side with the
  difference. :func:`best_marks` says which cell of each row is the best; :func:`to_latex`
  writes the table for a paper.
- :func:`coverage` says which languages × families have ours, the paper's, both or neither.
- :func:`dumbbell_figure` draws ours against the paper per language for one family;
  :func:`family_bars` the mean per resource level (one trace per family, so never more than
  the number of families).
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.resources import language_info, resource_rank
from core.summary import FAMILIES
from core.viz.colors import SAFE
from core.viz.dashboard import dedupe, empty_figure, figure, language_order

OURS, PAPER, DELTA = "ours", "paper", "Δ"
LEVEL_NAMES = {"high": "high", "mid": "mid", "low": "low", "unknown": "unknown"}
_WHAT = {"f1": "F1", "precision": "precision", "recall": "recall", "proj_ratio":
         "projection ratio"}
#: Short column names, as the paper abbreviates its methods (full names in the column help).
ABBREVIATIONS = {"model transfer": "MT", "heuristic": "H", "n-gram candidates": "C-ng",
                 "NER candidates": "C-ner", "back-translation": "BT",
                 "EasyProject markers": "EP", "training on projection": "Train",
                 "imported": "Imported", "other": "Other"}
ROW_HEIGHT = 22  # px per language in the per-language figures (legible at any count)


def side(kind: Any) -> str:
    """``paper`` for reported runs, ``ours`` for our own and imported runs."""
    return PAPER if kind == "reported" else OURS


def benchmarks(df: pd.DataFrame) -> list[str]:
    """Benchmarks of ``df``: most (language, family) cells with ours AND reported first, then
    most runs of ours, then by name."""
    if df.empty:
        return []
    cells = df.assign(side=df["kind"].map(side))
    both = cells.groupby(["benchmark", "lang", "method_family"])["side"].nunique()
    n_both = (both == 2).groupby(level=0).sum()
    n_ours = (cells["side"] == OURS).groupby(cells["benchmark"]).sum()
    names = sorted(cells["benchmark"].unique())
    return sorted(names, key=lambda b: (-int(n_both.get(b, 0)), -int(n_ours.get(b, 0)), b))


def families_of(df: pd.DataFrame) -> list[str]:
    """The families present in ``df`` in the paper's column order."""
    present = set(df["method_family"].dropna())
    return [f for f in FAMILIES if f in present]


def best_runs(df: pd.DataFrame, value: str = "f1") -> pd.DataFrame:
    """The best run per (language, family, side): columns lang, family, side, value, run_id,
    label, has_sentences."""
    cells = df[df[value].notna()]
    if cells.empty:
        return pd.DataFrame(columns=["lang", "family", "side", "value", "run_id", "label",
                                     "has_sentences"])
    cells = dedupe(cells, keys=("lang", "label"))
    cells = cells.assign(side=cells["kind"].map(side), family=cells["method_family"],
                         value=cells[value].astype(float))
    cells = cells.sort_values(["value", "run_id"], ascending=[False, True])
    best = cells.drop_duplicates(["lang", "family", "side"], keep="first")
    return best[["lang", "family", "side", "value", "run_id", "label", "has_sentences"]] \
        .reset_index(drop=True)


def _lang_rows(langs: Sequence[str]) -> list[tuple[str, str]]:
    """(level, lang) in display order: resource level (high first), then name."""
    return [(language_info(lang).resource, lang) for lang in language_order(langs)]


def paper_table(df: pd.DataFrame, *, value: str = "f1",
                families: Sequence[str] | None = None) -> pd.DataFrame:
    """Languages × families, ours / paper / Δ per family (×100), plus mean rows.

    Rows carry ``language``, ``level`` and ``row`` (``lang`` or ``mean``); a mean row is the
    mean over the languages of its resource level that have a value in that column (``mean``
    of all languages last). Δ is ours − paper where both exist (its mean is over those
    languages only, so it compares like with like).
    """
    best = best_runs(df, value)
    fams = [f for f in (families or families_of(df)) if f in set(best["family"])]
    if best.empty or not fams:
        return pd.DataFrame(columns=["language", "level", "row"])
    at = {(r.lang, r.family, r.side): r.value * 100 for r in best.itertuples()}
    records = []
    for level, lang in _lang_rows(best["lang"].unique()):
        rec: dict[str, Any] = {"language": f"{lang} {language_info(lang).name}",
                               "level": LEVEL_NAMES.get(level, level), "row": "lang",
                               "code": lang}
        for fam in fams:
            o, p = at.get((lang, fam, OURS)), at.get((lang, fam, PAPER))
            rec[f"{fam} · {OURS}"] = np.nan if o is None else o
            rec[f"{fam} · {PAPER}"] = np.nan if p is None else p
            rec[f"{fam} · {DELTA}"] = np.nan if o is None or p is None else o - p
        records.append(rec)
    table = pd.DataFrame(records)
    value_cols = [c for c in table.columns if " · " in c]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for level, group in table.groupby("level", sort=False):
            out.append(group)
            if len(group) > 1 or table["level"].nunique() > 1:
                mean = {"language": f"mean ({level}-resource)", "level": level, "row": "mean",
                        "code": ""}
                mean.update({c: float(np.nanmean(group[c])) if group[c].notna().any()
                             else np.nan for c in value_cols})
                out.append(pd.DataFrame([mean]))
        mean_all = {"language": "mean (all languages)", "level": "all", "row": "mean",
                    "code": ""}
        mean_all.update({c: float(np.nanmean(table[c])) if table[c].notna().any() else np.nan
                         for c in value_cols})
        out.append(pd.DataFrame([mean_all]))
    return pd.concat(out, ignore_index=True)


def value_columns(table: pd.DataFrame, which: str | None = None) -> list[str]:
    """The ``family · side`` columns of a paper table (only ``ours``/``paper``/``Δ`` if given)."""
    cols = [c for c in table.columns if " · " in c]
    return [c for c in cols if which is None or c.endswith(f" · {which}")]


def short_name(column: str) -> str:
    """``heuristic · ours`` -> ``H ours``."""
    fam, _, who = column.rpartition(" · ")
    return f"{ABBREVIATIONS.get(fam, fam)} {who}" if fam else column


def best_marks(table: pd.DataFrame) -> pd.DataFrame:
    """Booleans shaped like the table: True at the best ours or paper score of each row."""
    marks = pd.DataFrame(False, index=table.index, columns=table.columns)
    cols = value_columns(table, OURS) + value_columns(table, PAPER)
    if not cols or table.empty:
        return marks
    values = table[cols].astype(float)
    top = values.max(axis=1, skipna=True)
    for c in cols:
        marks[c] = values[c].notna() & (values[c] >= top - 1e-9)
    return marks


def _tex(text: str) -> str:
    out = str(text)
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                 ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("Δ", r"$\Delta$")):
        out = out.replace(a, b) if a != "\\" else out.replace(a, "\x00")
    return out.replace("\x00", r"\textbackslash{}")


def to_latex(table: pd.DataFrame, *, caption: str = "") -> str:
    """A booktabs ``tabular`` of a paper table: family headers over ours/paper/Δ, the best
    score of each row in bold, a rule before each mean row."""
    cols = value_columns(table)
    fams = list(dict.fromkeys(c.rsplit(" · ", 1)[0] for c in cols))
    marks = best_marks(table)
    lines = [r"\begin{table}[t]", r"\centering", r"\small",
             r"\begin{tabular}{l" + "rrr" * len(fams) + "}", r"\toprule",
             "Language & " + " & ".join(rf"\multicolumn{{3}}{{c}}{{{_tex(f)}}}"
                                        for f in fams) + r" \\",
             "".join(rf"\cmidrule(lr){{{2 + 3 * k}-{4 + 3 * k}}}" for k in range(len(fams))),
             " & " + " & ".join(["ours & paper & $\\Delta$"] * len(fams)) + r" \\",
             r"\midrule"]
    for i, row in table.iterrows():
        if row.get("row") == "mean":
            lines.append(r"\midrule")
        cells = [_tex(row["language"])]
        for c in cols:
            v = row[c]
            text = "--" if pd.isna(v) else (f"{v:+.1f}" if c.endswith(DELTA) else f"{v:.1f}")
            cells.append(rf"\textbf{{{text}}}" if marks.at[i, c] else text)
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if caption:
        lines.append(rf"\caption{{{_tex(caption)}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def coverage(df: pd.DataFrame) -> pd.DataFrame:
    """Languages × families: ``both``, ``ours``, ``paper`` or ``—`` (neither)."""
    if df.empty:
        return pd.DataFrame()
    fams = families_of(df)
    cells = df.assign(side=df["kind"].map(side))
    have = cells.groupby(["lang", "method_family"])["side"].agg(set).to_dict()
    rows = []
    for level, lang in _lang_rows(cells["lang"].unique()):
        rec = {"language": f"{lang} {language_info(lang).name}",
               "level": LEVEL_NAMES.get(level, level)}
        for fam in fams:
            s = have.get((lang, fam), set())
            rec[fam] = "both" if len(s) == 2 else (next(iter(s)) if s else "—")
        rows.append(rec)
    return pd.DataFrame(rows)


def default_family(df: pd.DataFrame) -> str | None:
    """The family with most languages that have both ours and the paper's figure."""
    fams = families_of(df)
    if not fams:
        return None
    cov = coverage(df)
    return max(fams, key=lambda f: ((cov[f] == "both").sum(), (cov[f] != "—").sum(),
                                    -fams.index(f)))


def dumbbell_figure(df: pd.DataFrame, family: str, *, value: str = "f1") -> go.Figure:
    """Per language: our best run of ``family`` (filled) and the paper's (open), joined by a
    line. Languages are rows (resource level, then name), :data:`ROW_HEIGHT` px each; our
    markers carry ``customdata = [run_id, lang]`` to open the inspector."""
    best = best_runs(df[df["method_family"] == family], value)
    if best.empty:
        return empty_figure(f"No {family} scores in this benchmark.")
    langs = language_order(best["lang"])
    at = {(r.lang, r.side): r for r in best.itertuples()}
    names = [f"{lang} {language_info(lang).name}" for lang in langs]
    xs, ys = [], []
    for lang, name in zip(langs, names):
        o, p = at.get((lang, OURS)), at.get((lang, PAPER))
        if o is not None and p is not None:
            xs += [o.value * 100, p.value * 100, None]
            ys += [name, name, None]
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "x": xs, "y": ys,
                                   "line": {"color": "#BBBBBB", "width": 3},
                                   "hoverinfo": "skip", "showlegend": False}]
    for who, symbol, color in ((PAPER, "circle-open", SAFE[1]), (OURS, "circle", SAFE[4])):
        rows = [(name, at[(lang, who)]) for lang, name in zip(langs, names)
                if (lang, who) in at]
        data.append({
            "type": "scatter", "mode": "markers", "name": who,
            "x": [r.value * 100 for _, r in rows], "y": [n for n, _ in rows],
            "customdata": [[r.run_id if r.has_sentences and who == OURS else "",
                            lang_of(n), r.label]
                           for n, r in rows],
            "marker": {"symbol": symbol, "size": 11, "color": color,
                       "line": {"width": 2, "color": color}},
            "hovertemplate": "%{y}<br>" + who + ": %{x:.1f}<br>%{customdata[2]}<extra></extra>"})
    what = _WHAT.get(value, value)
    height = max(260, 120 + ROW_HEIGHT * len(langs))
    layout = {"title": {"text": f"{family}: our best run against the paper's, per language "
                                f"({what} ×100)", "x": 0.0, "xanchor": "left"},
              "height": height, "template": "plotly_white", "clickmode": "event+select",
              "margin": {"l": 10, "r": 10, "t": 60, "b": 40},
              "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0,
                         "xanchor": "right"},
              "xaxis": {"title": {"text": f"{what} ×100"}, "range": [0, 100]},
              "yaxis": {"type": "category", "autorange": "reversed", "automargin": True,
                        "categoryorder": "array", "categoryarray": names}}
    return figure(data, layout)


def lang_of(row_name: str) -> str:
    """The language code of a ``code Name`` row label."""
    return row_name.split(" ", 1)[0]


def family_bars(df: pd.DataFrame, *, value: str = "f1") -> go.Figure:
    """Mean of the best run per language, by resource level and side (ours / paper): one
    trace per family (so at most ``len(FAMILIES)`` traces)."""
    best = best_runs(df, value)
    if best.empty:
        return empty_figure("No scores in this benchmark.")
    best = best.assign(level=best["lang"].map(lambda c: language_info(c).resource))
    levels = sorted(best["level"].unique(), key=resource_rank)
    sides = [s for s in (OURS, PAPER) if s in set(best["side"])]
    x = [[LEVEL_NAMES.get(lv, lv) for lv in levels for _ in sides],
         [s for _ in levels for s in sides]]
    stats = best.groupby(["family", "level", "side"])["value"].agg(["mean", "size"])
    data = []
    for k, fam in enumerate(f for f in FAMILIES if f in set(best["family"])):
        ys, ns = [], []
        for lv in levels:
            for s in sides:
                hit = stats.loc[(fam, lv, s)] if (fam, lv, s) in stats.index else None
                ys.append(None if hit is None else float(hit["mean"]) * 100)
                ns.append(0 if hit is None else int(hit["size"]))
        data.append({"type": "bar", "name": fam, "x": x, "y": ys, "customdata": ns,
                     "marker": {"color": SAFE[k % len(SAFE)]},
                     "hovertemplate": fam + "<br>%{x}: %{y:.1f} (mean of %{customdata} "
                                            "languages)<extra></extra>"})
    what = _WHAT.get(value, value)
    layout = {"title": {"text": f"Mean {what} ×100 per resource level (best run per language "
                                "and family)", "x": 0.0, "xanchor": "left"},
              "height": 420, "template": "plotly_white", "barmode": "group",
              "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
              "yaxis": {"title": {"text": f"{what} ×100"}, "range": [0, 100]},
              "legend": {"orientation": "h", "y": -0.25}}
    return figure(data, layout)
