"""Dashboard loaders and widgets: the run table cached by a cheap fingerprint of the roots.

:func:`load_frame` reads only ``metrics.json`` + ``manifest.json`` (via
:func:`core.runs.scan_runs`) and caches the resulting table with ``st.cache_data`` keyed by the
roots and a fingerprint of every run's metrics file (path, mtime, size). Computing the
fingerprint is one ``stat`` per run, so a rerun over hundreds of runs costs milliseconds; a new,
deleted or rewritten run changes the fingerprint and reloads.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.runs import MANIFEST, METRICS, scan_runs
from core.viz.dashboard import runs_frame

# -- session-state keys (prefix dash_) ------------------------------------------------------
BENCHMARK = "dash_benchmark"
VALUE = "dash_value"
FAMILIES = "dash_families"
LEVELS = "dash_levels"
ONLY_OURS = "dash_only_ours"
FAMILY = "dash_family"
PIPELINE = "dash_pipeline"
TAB = "dash_tab"
DUMBBELL = "dash_dumbbell"
DIFF = "dash_diff"
BASELINE = "dash_baseline"
HEATMAP = "dash_heatmap"
CELL = "dash_cell"
QP_BENCHMARK = "benchmark"


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
            for name in (METRICS, MANIFEST):
                try:
                    st_ = os.stat(os.path.join(entry.path, name))
                except OSError:
                    h.update(f"{entry.name}/{name}:-\n".encode())
                    continue
                h.update(f"{entry.name}/{name}:{st_.st_mtime_ns}:{st_.st_size}\n".encode())
    return h.hexdigest()


@st.cache_data(show_spinner="Reading run summaries…", max_entries=16)
def _frame(roots: tuple[str, ...], fp: str) -> tuple[pd.DataFrame, list[str]]:
    """``fp`` only keys the cache (see :func:`fingerprint`)."""
    runs, errors = scan_runs(roots)
    df = runs_frame(runs)
    if not df.empty:  # the first root holding a run id wins (as in ui.runs.find_run)
        df = df.drop_duplicates("run_id", keep="first").reset_index(drop=True)
    return df, [str(e) for e in errors]


def load_frame(roots: Sequence[str | Path]) -> tuple[pd.DataFrame, list[str]]:
    """(one row per run, messages of broken runs) for ``roots``, cached by fingerprint."""
    key = tuple(str(Path(r).resolve()) for r in roots)
    return _frame(key, fingerprint(key))


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
