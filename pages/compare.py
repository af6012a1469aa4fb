"""Compare aligners: one sentence under 2–4 runs (usually the same data and projection method
with different aligners). Links are drawn as both / only A / only B (…), each run's
projection of each source entity is tabled, sentences are ranked by link disagreement or F1
difference, and corpus agreement statistics sum it up. URL: ``/compare?runs=A,B&sid=…``."""

from __future__ import annotations

import streamlit as st

from core.access import markdown_literal as md  # run data shown as text
from ui import ensure_router
from ui import state as S
from ui.runs import all_runs, inspectable, load_alignments, load_record
from ui.compare import corpus_stats, pick_runs, ranking, run_names, sentence_view
from ui.widgets import guard, no_runs_message, publish, resume

PAGE = "compare"

ensure_router()  # before any element: see ui/__init__.py


def main() -> None:
    st.title("Compare aligners")
    st.caption("One sentence under 2–4 runs: which links the aligners share, how each run "
               "projected each entity, and where the aligners disagree most in the corpus.")
    runs = inspectable(all_runs()[0])
    if len(runs) < 2:
        no_runs_message("pair of runs with sentence tables")
        return
    resume(PAGE, S.COMPARE_URL)  # back from another page: as this session left it
    notes: list[str] = []
    infos = pick_runs(runs, notes)
    url = {S.QP_RUNS: [i.run_id for i in infos]}  # the rest of the URL is the widgets' state
    if len(infos) < 2:
        st.info("Pick at least two runs.")
        publish(PAGE, S.COMPARE_URL, {**url, S.QP_SID: None})
        return
    names = run_names(infos)
    aligns = [load_alignments(i) for i in infos]
    corpus_stats(infos, names, aligns)
    sid = ranking(infos, names, aligns, notes)
    url[S.QP_SID] = sid
    if sid is not None:
        records = [load_record(i, sid) for i in infos]
        if any(r is None for r in records):
            st.error(f"Sentence {md(repr(sid))} is missing from one of the runs.")
        else:
            st.subheader(f"Sentence {md(sid)}")
            st.page_link("pages/inspector.py", label="Open in the inspector (run A)",
                         icon=":material/search:",
                         query_params={S.QP_RUN: infos[0].run_id, S.QP_SID: sid})
            sentence_view([r for r in records if r is not None], names, notes)
    for n in filter(None, notes):
        st.warning(n, icon=":material/link_off:")
    publish(PAGE, S.COMPARE_URL, url)


with guard("the compare page"):
    main()
