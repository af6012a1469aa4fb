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

import pandas as pd
import streamlit as st

from core.runs import MANIFEST, METRICS, scan_runs
from core.viz.dashboard import runs_frame

# -- session-state keys (prefix dash_) ------------------------------------------------------
DATASETS = "dash_datasets"
KINDS = "dash_kinds"
PIPELINES = "dash_pipelines"
LABELS = "dash_labels"
LANGS = "dash_langs"
LEVELS = "dash_levels"
VALUE = "dash_value"
DIFF = "dash_diff"
BASELINE = "dash_baseline"
HEATMAP = "dash_heatmap"
CELL = "dash_cell"
OURS = "dash_ours"
PAPER = "dash_paper"


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
