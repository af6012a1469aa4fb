"""Dashboard loaders and widgets: the run table cached by a cheap fingerprint of the roots.

:func:`load_frame` reads only ``metrics.json`` + ``manifest.json`` (via
:func:`core.runs.scan_runs`) and caches the resulting table (``st.cache_resource``, shared by
every session) keyed by the roots and a fingerprint of every run's metrics and manifest files
(path, mtime, size); a new, deleted or rewritten run changes the fingerprint and reloads.
Computing the fingerprint is two ``stat`` calls per run (milliseconds over the ~1,200 committed
runs, timed by hand), so it is itself kept for a second: reruns within that second, of any
session, reuse it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.runs import MANIFEST, METRICS as METRICS_FILE, scan_runs
from core.viz.dashboard import runs_frame
from core.viz import benchmark as bench
from core.viz import dashboard as viz
from ui import state as S



def fingerprint(roots: Sequence[str | Path]) -> str:
    """A digest of (path, mtime_ns, size) of every run's metrics file under ``roots``."""
    h = hashlib.sha1()
    for root in roots:
        h.update(f"root:{root}\n".encode())
        try:
            entries = sorted(os.scandir(root), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            for name in (METRICS_FILE, MANIFEST):
                try:
                    st_ = os.stat(os.path.join(entry.path, name))
                except OSError:
                    h.update(f"{entry.name}/{name}:-\n".encode())
                    continue
                h.update(f"{entry.name}/{name}:{st_.st_mtime_ns}:{st_.st_size}\n".encode())
    return h.hexdigest()


@st.cache_resource(show_spinner="Reading run summaries…", max_entries=16)
def _frame(roots: tuple[str, ...], fp: str) -> tuple[pd.DataFrame, list[str]]:
    """``fp`` only keys the cache (see :func:`fingerprint`). One frame shared by every session
    (``st.cache_data`` would unpickle a copy of ~1,000 rows on every rerun): do not modify."""
    runs, errors = scan_runs(roots)
    df = runs_frame(runs)
    if not df.empty:  # the first root holding a run id wins (as in ui.runs.find_run)
        df = df.drop_duplicates("run_id", keep="first").reset_index(drop=True)
    return df, [str(e) for e in errors]


@st.cache_resource(show_spinner=False, ttl=1.0, max_entries=16)
def _recent_fingerprint(roots: tuple[str, ...]) -> str:
    return fingerprint(roots)


def load_frame(roots: Sequence[str | Path]) -> tuple[pd.DataFrame, list[str]]:
    """(one row per run, messages of broken runs) for ``roots``, cached by fingerprint (a run
    written in the last second may show on the next rerun)."""
    key = tuple(str(Path(r).resolve()) for r in roots)
    return _frame(key, _recent_fingerprint(key))


@st.cache_data(show_spinner=False, max_entries=64)
def _paper_table(run_ids: tuple[str, ...], value: str, families: tuple[str, ...],
                 _sub: pd.DataFrame) -> pd.DataFrame:
    """``run_ids`` (the rows of ``_sub``, whose runs are immutable) keys the cache."""
    from core.viz.benchmark import paper_table

    del run_ids
    return paper_table(_sub, value=value, families=list(families))


def paper_table(sub: pd.DataFrame, value: str, families: list[str]) -> pd.DataFrame:
    """:func:`core.viz.benchmark.paper_table`, cached per selection (a rerun that changes only
    a filter below the table reuses it)."""
    return _paper_table(tuple(sub["run_id"]), value, tuple(families), sub)


def styled(table: pd.DataFrame):
    """The paper table for ``st.dataframe``: best score of each row bold on a light
    background, Δ coloured (blue better than the paper, red worse), one decimal."""
    from core.viz.benchmark import DELTA, best_marks, short_name, value_columns

    names = {c: short_name(c) for c in value_columns(table)}
    marks = best_marks(table).rename(columns=names)
    shown = table.drop(columns=["row", "code"], errors="ignore").rename(columns=names)
    table = table.rename(columns=names)
    cols = list(names.values())

    # one CSS string per cell, built column by column with numpy (pandas .loc assignments per
    # mask cost more than the whole table here)
    css = {c: np.where(marks[c].to_numpy(), "font-weight: 700; background-color: #fff3c4",
                       "") if c in cols else np.full(len(shown), "", dtype=object)
           for c in shown.columns}
    for c in cols:
        if c.endswith(DELTA):
            v = shown[c].to_numpy(dtype=float)
            css[c] = np.where(v > 0, "color: #1f5fa8", np.where(v < 0, "color: #a8322b",
                                                                 css[c]))
    css["language"] = np.where(table["row"].to_numpy() == "mean", "font-style: italic", "")
    frame_css = pd.DataFrame(css, index=shown.index)

    def style(_: pd.DataFrame) -> pd.DataFrame:
        return frame_css

    return shown.style.apply(style, axis=None)


def column_help(table: pd.DataFrame) -> dict:
    """``st.dataframe`` column config: full family names as help, narrow number columns."""
    from core.viz.benchmark import short_name, value_columns

    config = {"language": st.column_config.TextColumn("language", pinned=True),
              "level": st.column_config.TextColumn("level", width="small")}
    for c in value_columns(table):
        fam, _, who = c.rpartition(" · ")
        text = {"ours": f"our best {fam} run", "paper": f"the paper's best {fam} figure",
                "Δ": f"ours − paper ({fam}), percentage points"}.get(who, c)
        config[short_name(c)] = st.column_config.NumberColumn(short_name(c), help=text,
                                                              width="small", format="%.1f")
    return config


INSPECTOR = "pages/inspector.py"


def open_inspector(run_id: str, lang: str) -> None:
    try:
        st.switch_page(INSPECTOR, query_params={S.QP_RUN: run_id, S.QP_LANG: lang})
    except st.errors.StreamlitAPIException as exc:  # page not registered in app.py
        st.error(f"Cannot open the inspector: {exc}")


def clicked(event) -> None:
    """Open the inspector on the first clicked point that carries ``[run_id, lang, ...]``."""
    for p in ((event or {}).get("selection") or {}).get("points", []):
        custom = p.get("customdata")
        if isinstance(custom, (list, tuple)) and len(custom) >= 2 and custom[0]:
            open_inspector(str(custom[0]), str(custom[1]))


def data_note(sub) -> None:
    """Which datasets and splits stand behind ours and the paper's columns."""
    parts = []
    for who, rows in (("ours", sub[sub["kind"] != "reported"]),
                      ("paper", sub[sub["kind"] == "reported"])):
        if not rows.empty:
            sets = sorted({f"{d} ({s})" if s else d for d, s in
                           zip(rows["dataset"], rows["split"].fillna(""))})
            runs = f"{len(rows)} run" + ("" if len(rows) == 1 else "s")
            parts.append(f"**{who}**: {runs} on " + ", ".join(sets))
    st.caption(" · ".join(parts) + ". Each cell is the best run of that family for the "
               "language; bold marks the best score of the row.")
    if {"wikiann_panx_dev", "wikiann_panx"} <= set(sub["dataset"]):
        st.warning("XTREME / WikiANN: our runs are on the PAN-X **dev** split, the paper's "
                   "figures on **test**. Read the differences with that in mind.",
                   icon=":material/info:")


def table_tab(sub, value: str, name: str) -> None:
    fams = bench.families_of(sub)
    c1, c2, c3 = st.columns([4, 3, 2], vertical_alignment="bottom")
    chosen = c1.multiselect("Families", fams, key=S.DASH_FAMILIES, placeholder="all") or fams
    levels = [x for x in bench.LEVEL_NAMES.values()]
    lv = c2.multiselect("Resource levels", levels, key=S.DASH_LEVELS, placeholder="all") or levels
    only = c3.toggle("Only languages with ours", key=S.DASH_ONLY_OURS)
    table = paper_table(sub, value, chosen)
    if table.empty:
        st.info("No scores for this choice.")
        return
    table = table[table["level"].isin([*lv, "all"])]
    if only:
        ours = [c for c in bench.value_columns(table, bench.OURS)]
        table = table[table[ours].notna().any(axis=1) | (table["row"] == "mean")]
    st.dataframe(styled(table.reset_index(drop=True)), hide_index=True, width="stretch",
                 placeholder="–",
                 height=min(35 * (len(table) + 1) + 3, 770), column_config=column_help(table))
    st.caption("MT model transfer · H heuristic · C-ng n-gram candidates · C-ner NER "
               "candidates · BT back-translation · EP EasyProject markers · Train training on "
               "projection. Click a column header to sort.")
    data_note(sub)
    slug = name.lower().replace(" / ", "-").replace(" ", "-")
    c1, c2, _ = st.columns([1, 1, 4])
    # the files are made when clicked (not on every rerun), and a click does not rerun the page
    c1.download_button("CSV", lambda: table.drop(columns=["row"]).to_csv(index=False).encode(),
                       f"{slug}-{value}.csv", "text/csv", icon=":material/download:",
                       on_click="ignore")
    c2.download_button("LaTeX", lambda: bench.to_latex(
        table, caption=f"{name}: {S.SCORES[value]} ×100"), f"{slug}-{value}.tex", "text/plain",
        icon=":material/download:", on_click="ignore")


def per_language_tab(sub, value: str) -> None:
    fams = bench.families_of(sub)
    default = bench.default_family(sub)
    if st.session_state.get(S.DASH_FAMILY) not in fams:
        st.session_state[S.DASH_FAMILY] = default
    fam = st.selectbox("Family", fams, key=S.DASH_FAMILY)
    event = st.plotly_chart(bench.dumbbell_figure(sub, fam, value=value), key=S.DASH_DUMBBELL,
                            on_select="rerun", selection_mode="points", width="stretch",
                            config={"displayModeBar": False})
    clicked(event)
    st.caption("Filled: our best run; open: the paper's. Click one of ours to inspect it.")


def runs_tab(sub, value: str) -> None:
    """Every run of one family: heatmap (click a cell), types, outcomes and reasons."""
    fams = bench.families_of(sub)
    fam = st.selectbox("Family", fams, key=f"{S.DASH_FAMILY}_runs")
    runs = sub[sub["method_family"] == fam]
    event = st.plotly_chart(viz.heatmap_figure(runs, value=value), key=S.DASH_HEATMAP,
                            on_select="rerun", selection_mode="points", width="stretch",
                            config={"displayModeBar": False})
    clicked(event)
    cells = viz.dedupe(runs[runs["has_sentences"].fillna(False).astype(bool)])
    if not cells.empty:
        names = {r.run_id: f"{r.lang} {r.lang_name} · {r.label}" for r in cells.itertuples()}
        langs = dict(zip(cells["run_id"], cells["lang"]))
        c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
        pick = c1.selectbox("Or pick a run", list(names), format_func=names.get, key=S.DASH_CELL)
        if c2.button("Open in inspector", key=S.DASH_OPEN, icon=":material/search:"):
            open_inspector(pick, langs[pick])
    for key, fig in viz.dashboard_figures(runs).items():
        if key != "heatmap":
            st.plotly_chart(fig, width="stretch", key=f"dash_{key}",
                            config={"displayModeBar": False})


def resource_tab(sub, value: str) -> None:
    st.plotly_chart(bench.family_bars(sub, value=value), width="stretch", key=S.DASH_BARS,
                    config={"displayModeBar": False})
    st.caption("Resource levels are approximate (after Joshi et al. 2020).")
