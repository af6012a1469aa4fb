"""Inspector: one sentence of one run — alignment links, entities, candidates, projection vs
gold, and why each entity ended up where it did. The URL holds run, aligner, language,
sentence, filters, view and focus (``/inspector?run=…&sid=…``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access import markdown_literal as md  # run data and URL values shown as text
from core.runs import RunInfo
from core.viz.explain import reason_text
from ui import ensure_router
from ui import state as S
from ui.inspector import provenance, sentence_view, table_has_gold
from ui.runs import (aligner_name, all_runs, filter_table, find_run, inspectable, load_table,
                     run_fields, run_label, siblings, table_options)
from ui.widgets import guard, no_runs_message, publish, seed, split_list, url_update

PAGE = "inspector"
TABLE_COLUMNS = ["index", "id", "f1", "errors", "exact", "boundary", "wrong_type", "missed",
                 "spurious", "n_source_words", "n_target_words", "text"]
#: columns that only mean something against a reference (gold or silver)
NO_GOLD_COLUMNS = ["index", "id", "n_source_entities", "n_projected", "n_pred",
                   "n_source_words", "n_target_words", "text"]

ensure_router()  # before any element: see ui/__init__.py


def _set_run_from_aligner(sibs: dict[str, str]) -> None:
    chosen = st.session_state.get(S.INSP_ALIGNER)
    if chosen in sibs:
        st.session_state[S.INSP_RUN] = sibs[chosen]


def _set_sid_from_table() -> None:
    event = st.session_state.get(S.INSP_TABLE)
    ids = st.session_state.get(S.INSP_TABLE_IDS, [])
    try:
        rows = event["selection"]["rows"]
    except (KeyError, TypeError):
        return
    if rows and rows[0] < len(ids):
        st.session_state[S.INSP_SID] = ids[rows[0]]


def pick_run(runs: list[RunInfo], notes: list[str]) -> RunInfo:
    ids = [r.run_id for r in runs]
    notes.append(seed(PAGE, S.QP_RUN, S.INSP_RUN, options=ids) or "")
    if st.session_state.get(S.INSP_RUN) not in ids:
        st.session_state[S.INSP_RUN] = ids[0]
    current = find_run(st.session_state[S.INSP_RUN], runs)
    assert current is not None
    raw = url_update(PAGE, S.QP_ALIGNER)
    sibs = {aligner_name(r): r.run_id for r in siblings(current, runs)}
    if raw is not None:
        if raw in sibs:
            st.session_state[S.INSP_RUN] = sibs[raw]
        else:
            notes.append(f"Aligner {md(raw)} from the URL has no run like this one.")
    labels = {r.run_id: run_label(r) for r in runs}
    c1, c2 = st.columns([3, 1])
    run_id = c1.selectbox("Run", ids, key=S.INSP_RUN, format_func=labels.__getitem__,
                          help="language · pipeline · aligner · projection method (run id)")
    info = find_run(run_id, runs) or runs[0]
    sibs = {aligner_name(r): r.run_id for r in siblings(info, runs)}
    st.session_state[S.INSP_ALIGNER] = aligner_name(info)
    c2.selectbox("Aligner", list(sibs) or [aligner_name(info)], key=S.INSP_ALIGNER,
                 on_change=_set_run_from_aligner, args=(sibs,),
                 help="Switch to the run with the same data and method under another aligner.")
    return info


def pick_sentence(df: pd.DataFrame, notes: list[str]) -> tuple[str | None, list[str]]:
    """Language, filters, sort and the sentence table; returns the language and the sentence
    ids the prev/next buttons step through (empty when nothing matches)."""
    opts = table_options(df)
    scored = table_has_gold(df)
    lang = None
    if len(opts["lang"]) > 1:
        notes.append(seed(PAGE, S.QP_LANG, S.INSP_LANG, options=opts["lang"]) or "")
        lang = st.selectbox("Language", opts["lang"], key=S.INSP_LANG)
    with st.expander("Filter and sort sentences", expanded=True):
        c = st.columns([2, 2, 2, 2, 1.4])
        notes.append(seed(PAGE, S.QP_CATEGORY, S.INSP_CATEGORY, options=list(S.CATEGORIES),
                          parse=split_list) or "")
        if scored:
            cats = c[0].multiselect("Error category", list(S.CATEGORIES), key=S.INSP_CATEGORY,
                                    format_func=lambda x: x.replace("_", " "),
                                    help="Sentences with at least one entity of these "
                                         "outcomes.")
        else:
            cats = []
            c[0].caption("No gold: no error categories to filter by.")
        notes.append(seed(PAGE, S.QP_TYPE, S.INSP_TYPE, options=opts["types"],
                          parse=split_list) or "")
        types = c[1].multiselect("Entity type", opts["types"], key=S.INSP_TYPE)
        notes.append(seed(PAGE, S.QP_REASON, S.INSP_REASON, options=opts["reasons"],
                          parse=split_list) or "")
        reasons = c[2].multiselect("Projection reason", opts["reasons"], key=S.INSP_REASON,
                                   format_func=reason_text)
        notes.append(seed(PAGE, S.QP_QUERY, S.INSP_QUERY) or "")
        query = c[3].text_input("Search text or id", key=S.INSP_QUERY)
        notes.append(seed(PAGE, S.QP_SORT, S.INSP_SORT, options=list(S.SORTS)) or "")
        if S.INSP_SORT not in st.session_state:
            st.session_state[S.INSP_SORT] = "worst"
        sort = c[4].selectbox("Sort", list(S.SORTS), key=S.INSP_SORT,
                              format_func=S.SORTS.__getitem__)
        shown = filter_table(df, lang=lang, categories=cats, types=types, reasons=reasons,
                             query=query, sort=sort)
        st.caption(f"{len(shown)} of {len(df)} sentences match.")
        ids = [str(x) for x in shown["id"]]
        st.session_state[S.INSP_TABLE_IDS] = ids
        view = shown[[c for c in (TABLE_COLUMNS if scored else NO_GOLD_COLUMNS) if c in shown]]
        st.dataframe(view, hide_index=True, key=S.INSP_TABLE, on_select=_set_sid_from_table,
                     selection_mode="single-row", height=min(250, 38 + 35 * max(len(view), 1)),
                     column_config={"f1": st.column_config.NumberColumn("F1", format="%.2f"),
                                    "text": st.column_config.TextColumn("text", width="large")})
    all_ids = [str(x) for x in df["id"]]
    notes.append(seed(PAGE, S.QP_SID, S.INSP_SID, options=all_ids) or "")
    current = st.session_state.get(S.INSP_SID)
    if current not in all_ids:
        current = ids[0] if ids else None
        st.session_state[S.INSP_SID] = current
    if current is None:
        st.info("No sentence matches these filters.")
        return lang, []
    options = ids if current in ids else [current, *ids]
    if current not in ids:
        st.caption("The sentence shown does not match the current filters.")
    return lang, options


def main() -> None:
    st.title("Inspector")
    st.caption("One sentence pair of one run: alignment links, entities, candidate spans, the "
               "chosen projection against gold, and why.")
    runs_all, _ = all_runs()
    runs = inspectable(runs_all)
    if not runs:
        no_runs_message()
        return
    notes: list[str] = []
    info = pick_run(runs, notes)
    st.code(info.summary.signature or "(this run records no signature)", language=None,
            wrap_lines=True)  # the run's identity: copy it with the button on the right
    df = load_table(info)
    if df.empty:
        st.info("This run has no sentences.")
        return
    provenance(info, df)
    lang, options = pick_sentence(df, notes)
    for n in filter(None, notes):
        st.warning(n, icon=":material/link_off:")
    state = {S.QP_RUN: info.run_id, S.QP_ALIGNER: aligner_name(info)
             if run_fields(info).get("aligner") else None, S.QP_LANG: lang,
             S.QP_CATEGORY: st.session_state.get(S.INSP_CATEGORY),
             S.QP_TYPE: st.session_state.get(S.INSP_TYPE),
             S.QP_REASON: st.session_state.get(S.INSP_REASON),
             S.QP_QUERY: st.session_state.get(S.INSP_QUERY),
             S.QP_SORT: None if st.session_state.get(S.INSP_SORT) == "worst"
             else st.session_state.get(S.INSP_SORT)}
    if not options:
        publish(PAGE, state)
        return
    sentence_view(info, siblings(info, runs), df, options, state)


with guard("the inspector"):
    main()
