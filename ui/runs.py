"""Run roots, the run list and cached loaders for the pages.

Run roots: ``data/runs`` (the committed demo runs), every directory in the environment variable
``PROJ_RUNS`` (separated by ``os.pathsep``) and the directories added in the sidebar (session
state). A run is named in URLs by its id only; the first root holding that id wins. Paths never
come from URLs.

Loaders are cached functions keyed by the path and the file's modification time, so a
re-created run is read again: the run list (manifest + metrics only), a run's sentence table
without the heavy ``record`` column, one sentence record, and all alignments of a run (compare).
The run list, sentence tables and alignments are ``st.cache_resource``: one object shared by
every session, not a copy unpickled on every rerun (callers must not modify them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd
import streamlit as st

from core.errors import ProjectError
from core.paths import REPO_ROOT
from core.runs import (SENTENCE_COLUMNS, SENTENCES, RunInfo, check_run_id, read_alignments,
                       read_record, read_sentences, scan_runs)
from core.types import Alignment, SentenceRecord
from ui import state

DEFAULT_ROOT = REPO_ROOT / "data" / "runs"
ENV_VAR = "PROJ_RUNS"


# ------------------------------------------------------------------------------ roots


def env_roots() -> list[Path]:
    """Directories named in ``$PROJ_RUNS``."""
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def extra_roots() -> list[Path]:
    """Directories added in the sidebar during this session."""
    return [Path(p) for p in st.session_state.get(state.EXTRA_ROOTS, [])]


def configured_roots() -> list[Path]:
    """All run roots, first one wins for duplicate run ids (duplicates removed)."""
    out: list[Path] = []
    seen: set[str] = set()
    from core.paths import default_runs_root

    cli_root = default_runs_root()  # where `python -m core run` and "Your data" write
    for p in [DEFAULT_ROOT, *env_roots(), *([cli_root] if cli_root.is_dir() else []),
              *extra_roots()]:
        key = str(p.resolve()) if p.exists() else str(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _stamp(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@st.cache_resource(show_spinner=False, max_entries=32)
def _scan(roots: tuple[str, ...], stamps: tuple[float, ...]) -> tuple[list[RunInfo], list[str]]:
    """Shared by every session without copying (``RunInfo`` is frozen; its parsed summary is
    computed once per process), unlike ``st.cache_data`` which unpickles ~1,000 runs on every
    rerun. Callers must not modify the returned list."""
    del stamps  # only part of the cache key
    runs, errors = scan_runs([Path(r) for r in roots])
    return runs, [str(e) for e in errors]


def all_runs(roots: Sequence[Path] | None = None) -> tuple[list[RunInfo], list[str]]:
    """Every readable run in the roots (first root wins for a duplicate id, except that a run
    with its sentence table wins over a summary-only copy: the committed summaries must not
    hide the full local runs from the inspector and the compare page) and the messages of
    broken run directories."""
    roots = list(roots) if roots is not None else configured_roots()
    runs, errors = _scan(tuple(str(r) for r in roots), tuple(_stamp(r) for r in roots))
    unique: dict[str, RunInfo] = {}
    for r in runs:
        kept = unique.get(r.run_id)
        if kept is None or (r.has_sentences and not kept.has_sentences):
            unique[r.run_id] = r
    return list(unique.values()), errors


def roots_sidebar() -> None:
    """Sidebar block: the run roots with their run counts and a field to add a directory."""
    with st.sidebar:
        st.markdown("**Run roots**")
        runs, errors = all_runs()
        counts: dict[str, int] = {}
        for r in runs:
            counts[str(r.root)] = counts.get(str(r.root), 0) + 1
        extras = [str(p) for p in extra_roots()]
        for root in configured_roots():
            n = counts.get(str(root.resolve()) if root.exists() else str(root), 0)
            where = "missing" if not root.is_dir() else f"{n} run{'s' if n != 1 else ''}"
            cols = st.columns([5, 1]) if str(root) in extras else [st.container()]
            cols[0].caption(f"`{_short(root)}` — {where}")
            if str(root) in extras:
                cols[1].button("✕", key=f"rm_root_{extras.index(str(root))}",
                               help="remove this root", on_click=_remove_root, args=(str(root),))
        from ui.access import policy

        if policy().read_only:
            st.caption("Read-only demo: run roots cannot be added.")
        elif not policy().server_paths:
            st.caption("Adding run directories is off on this server (PROJ_ALLOWED_DIRS).")
        else:
            with st.form("add_root", clear_on_submit=True, border=False):
                st.text_input("Add a runs directory", key=state.ROOT_INPUT,
                              placeholder="/path/to/runs",
                              help=f"A directory holding run folders (or set {ENV_VAR}).")
                st.form_submit_button("Add", on_click=_add_root)
        problem = st.session_state.pop(state.ROOT_ERROR, None)
        if problem:
            st.error(problem)
        if errors:
            with st.expander(f"{len(errors)} unreadable run(s)"):
                for e in errors:
                    st.caption(e)


def _add_root() -> None:
    """Form callback: add the typed directory to the session's run roots (or report why not)."""
    from core.errors import ProjectError
    from ui.access import policy

    raw = str(st.session_state.get(state.ROOT_INPUT) or "").strip()
    if not raw:
        return
    try:  # the access policy decides before anything is looked at (core/access.py)
        if policy().read_only:
            raise ProjectError("read-only demo: run roots cannot be added")
        p = policy().check(raw, "runs directory")
    except ProjectError as exc:
        st.session_state[state.ROOT_ERROR] = str(exc)
        return
    if not p.is_dir():
        st.session_state[state.ROOT_ERROR] = f"{p}: not a directory"
        return
    extras = [str(x) for x in extra_roots()]
    if str(p.resolve()) not in extras:
        st.session_state[state.EXTRA_ROOTS] = [*extras, str(p.resolve())]


def _remove_root(root: str) -> None:
    st.session_state[state.EXTRA_ROOTS] = [p for p in st.session_state.get(state.EXTRA_ROOTS, [])
                                           if p != root]


def _short(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(p)


# ------------------------------------------------------------------------------ run metadata


def run_fields(info: RunInfo) -> dict[str, Any]:
    """dataset, lang, split, pipeline, aligner, method, back_translation, kind of a run (from
    its typed summary, so every page names a run the same way)."""
    s = info.summary
    return {"dataset": s.dataset, "lang": s.lang, "split": s.split, "pipeline": s.pipeline,
            "aligner": s.aligner, "method": s.method, "back_translation": s.back_translation,
            "kind": s.kind}


def aligner_name(info: RunInfo) -> str:
    """The run's aligner as people read it (never a file path)."""
    return info.summary.aligner_label or "—"


def run_label(info: RunInfo) -> str:
    """One line naming a run: language, pipeline, the run label, id."""
    s = info.summary
    return f"{s.lang} · {s.pipeline} · {s.label}  ({info.run_id})"


def inspectable(runs: Iterable[RunInfo]) -> list[RunInfo]:
    """Runs with a sentence table, sorted by language, pipeline, method, aligner."""
    def key(r: RunInfo) -> tuple:
        f = run_fields(r)
        return (str(f.get("dataset")), str(f.get("lang")), str(f.get("pipeline")),
                bool(f.get("back_translation")), str(f.get("method")), aligner_name(r),
                r.run_id)
    return sorted((r for r in runs if r.has_sentences), key=key)


def _group_key(info: RunInfo) -> tuple:
    f = run_fields(info)
    return (f.get("dataset"), f.get("lang"), f.get("split"), f.get("pipeline"), f.get("method"),
            bool(f.get("back_translation")))


def siblings(info: RunInfo, runs: Iterable[RunInfo]) -> list[RunInfo]:
    """Runs over the same data with the same pipeline and method (any aligner), ``info``
    included, sorted by aligner name."""
    k = _group_key(info)
    return sorted((r for r in runs if r.has_sentences and _group_key(r) == k),
                  key=lambda r: (aligner_name(r), r.run_id))


@dataclass(frozen=True)
class ComparisonSet:
    """Runs (2–4) of one dataset/lang/pipeline/method with different aligners."""

    label: str
    run_ids: tuple[str, ...]


def comparison_sets(runs: Iterable[RunInfo]) -> list[ComparisonSet]:
    """Suggested aligner comparisons: every group of sibling runs with ≥ 2 aligners (the first
    four aligners by name); groups with more aligners first, then heuristic-method groups,
    then by language."""
    groups: dict[tuple, list[RunInfo]] = {}
    for r in inspectable(runs):
        if run_fields(r).get("aligner"):
            groups.setdefault(_group_key(r), []).append(r)
    out = []
    for key, members in groups.items():
        by_aligner: dict[str, RunInfo] = {}
        for r in members:
            by_aligner.setdefault(aligner_name(r), r)
        if len(by_aligner) < 2:
            continue
        chosen = [by_aligner[a] for a in sorted(by_aligner)][:4]
        dataset, lang, split, pipeline, method, bt = key
        label = (f"{lang} · {pipeline}{' +BT' if bt else ''} · {method} — "
                 f"{', '.join(aligner_name(r) for r in chosen)}")
        out.append((-len(chosen), method != "heuristic", str(lang), str(pipeline), label,
                    ComparisonSet(label, tuple(r.run_id for r in chosen))))
    return [item[-1] for item in sorted(out, key=lambda t: t[:-1])]


def find_run(run_id: str | None, runs: Iterable[RunInfo]) -> RunInfo | None:
    """The run with this id (``None`` for a missing or invalid id)."""
    if not run_id:
        return None
    try:
        check_run_id(run_id)
    except ProjectError:
        return None
    for r in runs:
        if r.run_id == run_id:
            return r
    return None


# ------------------------------------------------------------------------------ loaders


def _sentences_stamp(info: RunInfo) -> float:
    return _stamp(info.path / SENTENCES)


@st.cache_resource(show_spinner="Reading the run's sentence table…", max_entries=16)
def _table(root: str, run_id: str, stamp: float) -> pd.DataFrame:
    del stamp
    df = read_sentences(root, run_id, require=SENTENCE_COLUMNS)  # a clear error, not a crash
    return df.drop(columns=["record"], errors="ignore")


def load_table(info: RunInfo) -> pd.DataFrame:
    """The run's sentence table without the ``record`` column (checksum verified once; shared,
    do not modify)."""
    return _table(str(info.root), info.run_id, _sentences_stamp(info))


@st.cache_resource(show_spinner=False, max_entries=16)
def _rows(root: str, run_id: str, stamp: float) -> dict[str, dict[str, Any]]:
    df = _table(root, run_id, stamp)
    return {str(r["id"]): r for r in df.to_dict("records")}


def table_rows(info: RunInfo) -> dict[str, dict[str, Any]]:
    """Sentence id -> its row of the sentence table (shared, do not modify)."""
    return _rows(str(info.root), info.run_id, _sentences_stamp(info))


@st.cache_data(show_spinner=False, max_entries=256)
def _record(root: str, run_id: str, stamp: float, sid: str) -> SentenceRecord | None:
    del stamp
    return read_record(root, run_id, sid)


def load_record(info: RunInfo, sid: str) -> SentenceRecord | None:
    """One sentence record of a run (``None`` when the id is not in the run)."""
    return _record(str(info.root), info.run_id, _sentences_stamp(info), str(sid))


@st.cache_data(show_spinner="Searching the training sentences…", max_entries=64)
def _training_hits(root: str, run_id: str, stamp: float, text: str) -> list[dict[str, str]]:
    del stamp
    from core.extrinsic.pipeline import training_matches

    return training_matches(root, run_id, text)


def training_hits(info: RunInfo, text: str) -> list[dict[str, str]]:
    """:func:`core.extrinsic.pipeline.training_matches` over the run's records, cached per
    query (the search reads every record of the run; a rerun must not repeat it)."""
    return _training_hits(str(info.root), info.run_id, _sentences_stamp(info), text)


@st.cache_resource(show_spinner="Reading alignments…", max_entries=16)
def _alignments(root: str, run_id: str, stamp: float) -> dict[str, Alignment]:
    del stamp
    return read_alignments(root, run_id)


def load_alignments(info: RunInfo) -> dict[str, Alignment]:
    """Sentence id -> alignment, for every sentence of a run (shared, do not modify)."""
    return _alignments(str(info.root), info.run_id, _sentences_stamp(info))


# ------------------------------------------------------------------------------ filtering


def _as_list(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and v != v):
        return []
    return [str(x) for x in list(v)]


def table_options(df: pd.DataFrame) -> dict[str, list[str]]:
    """Values present in a sentence table: ``types``, ``reasons`` and ``lang``."""
    types = sorted({t for v in df.get("types", []) for t in _as_list(v)})
    reasons = sorted({t for v in df.get("reasons", []) for t in _as_list(v)})
    langs = sorted({str(x) for x in df.get("lang", [])})
    return {"types": types, "reasons": reasons, "lang": langs}


def filter_table(df: pd.DataFrame, *, lang: str | None = None,
                 categories: Sequence[str] = (), types: Sequence[str] = (),
                 reasons: Sequence[str] = (), query: str = "", sort: str = "worst"
                 ) -> pd.DataFrame:
    """Rows matching every filter, sorted.

    ``categories``: at least one entity of one of these outcome categories; ``types`` /
    ``reasons``: at least one of them in the row's list; ``query``: case-insensitive substring
    of the sentence text or id. ``sort``: ``worst`` (errors desc, F1 asc, index), ``index``,
    ``length`` (source + target words, desc).
    """
    out = df
    if lang and "lang" in out:
        out = out[out["lang"].astype(str) == lang]
    if categories:
        cols = [c for c in categories if c in out]
        if cols:
            out = out[(out[cols].fillna(0) > 0).any(axis=1)]
    if types:
        wanted = set(types)
        out = out[[bool(wanted & set(_as_list(v))) for v in out["types"]]]
    if reasons:
        wanted = set(reasons)
        out = out[[bool(wanted & set(_as_list(v))) for v in out["reasons"]]]
    if query.strip():
        q = query.strip().lower()
        text = out["text"].astype(str).str.lower()
        ids = out["id"].astype(str).str.lower()
        out = out[text.str.contains(q, regex=False) | ids.str.contains(q, regex=False)]
    if sort == "worst":
        out = out.assign(_e=out["errors"].fillna(-1), _f=out["f1"].fillna(2.0)) \
            .sort_values(["_e", "_f", "index"], ascending=[False, True, True]) \
            .drop(columns=["_e", "_f"])
    elif sort == "length":
        out = out.assign(_n=out["n_source_words"] + out["n_target_words"]) \
            .sort_values(["_n", "index"], ascending=[False, True]).drop(columns=["_n"])
    else:
        out = out.sort_values("index")
    return out
