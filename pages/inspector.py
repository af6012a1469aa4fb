"""Inspector: one sentence of one run — alignment links, entities, candidates, projection vs
gold, and why each entity ended up where it did. The URL holds run, aligner, language,
sentence, filters, view and focus (``/inspector?run=…&sid=…``)."""

from __future__ import annotations

import streamlit as st

from core.runs import RunInfo
from ui import ensure_router
from ui import state as S
from ui.inspector import provenance, sentence_view
from ui.runs import (aligner_name, all_runs, find_run, inspectable, load_table, run_fields,
                     run_label, siblings)
from ui.widgets import guard, no_runs_message, publish, resume, sync
from ui.inspector import pick_sentence

PAGE = "inspector"

ensure_router()  # before any element: see ui/__init__.py


def _set_run_from_aligner(sibs: dict[str, str]) -> None:
    chosen = st.session_state.get(S.INSP_ALIGNER)
    if chosen in sibs:
        st.session_state[S.INSP_RUN] = sibs[chosen]


def pick_run(runs: list[RunInfo], notes: list[str]) -> RunInfo:
    ids = [r.run_id for r in runs]
    sync(PAGE, S.INSPECTOR_URL, {S.QP_RUN: ids}, notes)
    if st.session_state.get(S.INSP_RUN) not in ids:
        st.session_state[S.INSP_RUN] = ids[0]
    current = find_run(st.session_state[S.INSP_RUN], runs)
    assert current is not None
    sibs = {aligner_name(r): r.run_id for r in siblings(current, runs)}
    if sync(PAGE, S.INSPECTOR_URL, {S.QP_ALIGNER: list(sibs)}, notes):
        st.session_state[S.INSP_RUN] = sibs[st.session_state[S.INSP_ALIGNER]]
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


def main() -> None:
    st.title("Inspector")
    st.caption("One sentence pair of one run: alignment links, entities, candidate spans, the "
               "chosen projection against gold, and why.")
    runs_all, _ = all_runs()
    runs = inspectable(runs_all)
    if not runs:
        no_runs_message()
        return
    resume(PAGE, S.INSPECTOR_URL)  # back from another page: as this session left it
    notes: list[str] = []  # URL values that could not be used, shown as warnings
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
    url = {S.QP_RUN: info.run_id, S.QP_LANG: lang,
           S.QP_ALIGNER: aligner_name(info) if run_fields(info).get("aligner") else None}
    if not options:
        publish(PAGE, S.INSPECTOR_URL, url)
        return
    sentence_view(info, siblings(info, runs), df, options, url)


with guard("the inspector"):
    main()
