"""Home page: what the tool shows, the views, and the run roots with what they hold."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state as S
from ui import ensure_router
from ui.runs import all_runs, configured_roots, inspectable, run_fields
from ui.widgets import guard, no_runs_message

VIEWS = [
    ("pages/inspector.py", "Inspector", ":material/search:",
     "One sentence pair of one run: alignment links, source entities, scored candidate spans, "
     "the projection against gold with its outcome, and **why** each entity landed where it "
     "did. Filter by error category, type and reason; sort worst first; share a deep link."),
    ("pages/compare.py", "Compare aligners", ":material/compare_arrows:",
     "One sentence under 2–4 aligners: links in both / only A / only B, each aligner's "
     "projection of each entity, sentences ranked by disagreement or F1 difference, and "
     "corpus agreement."),
    ("pages/dashboard.py", "Dashboard", ":material/grid_on:",
     "One benchmark at a time, as in the paper's tables: per language and pipeline family, "
     "our best run beside the paper's figure and the difference; CSV and LaTeX export."),
    ("pages/your_data.py", "Your data", ":material/upload_file:",
     "Run the projection on your own files (CoNLL, translations, optional gold and Pharaoh "
     "alignments) and inspect the result."),
    ("pages/playground.py", "Playground", ":material/science:",
     "Type a sentence and a translation and watch the projection live (offline models)."),
]

ensure_router()  # before any element: see ui/__init__.py


def main() -> None:
    st.title("Projection Inspector")
    st.markdown(
        "See **why** a cross-lingual NER label projection succeeded or failed: source and "
        "target sentences with their word alignments, candidate target spans and their scores, "
        "the chosen projection against gold, and per-language F1 from cached runs "
        "(Politov et al. 2025, *Revisiting Projection-based Data Transfer for Cross-Lingual "
        "NER in Low-Resource Languages*)."
    )
    cols = st.columns(len(VIEWS))
    for col, (path, title, icon, text) in zip(cols, VIEWS):
        with col.container(border=True):
            st.page_link(path, label=f"**{title}**", icon=icon)
            st.caption(text)
    st.subheader("Runs")
    runs, errors = all_runs()
    roots = configured_roots()
    counts = {}
    for r in runs:
        counts[str(r.root)] = counts.get(str(r.root), 0) + 1
    st.dataframe(pd.DataFrame([{
        "root": str(p), "exists": p.is_dir(),
        "runs": counts.get(str(p.resolve()) if p.exists() else str(p), 0)} for p in roots]),
        hide_index=True)
    if errors:
        st.warning(f"{len(errors)} run directories could not be read; see the sidebar.")
    ours = inspectable(runs)
    c = st.columns(3)
    c[0].metric("runs with sentence tables", len(ours))
    c[1].metric("reported results (papers)", sum(r.kind == "reported" for r in runs))
    c[2].metric("languages", len({run_fields(r).get("lang") for r in runs} - {None}))
    if not ours:
        no_runs_message()
        return
    rows = []
    for r in ours:
        f = run_fields(r)
        overall = r.metrics.get("overall") or {}
        rows.append({"lang": f.get("lang"), "pipeline": f.get("pipeline"),
                     "back-translation": bool(f.get("back_translation")),
                     "aligner": f.get("aligner"), "method": f.get("method"),
                     "F1": overall.get("f1"), "proj_ratio": r.metrics.get("proj_ratio"),
                     "sentences": r.metrics.get("sentences_total"), "run id": r.run_id})
    df = pd.DataFrame(rows)
    st.caption("Runs you can open in the inspector — select a row to get a link.")
    event = st.dataframe(
        df, hide_index=True, key=S.HOME_RUNS, on_select="rerun", selection_mode="single-row",
        height=min(400, 38 + 35 * len(df)),
        column_config={"F1": st.column_config.NumberColumn("F1", format="%.3f"),
                       "proj_ratio": st.column_config.NumberColumn("proj_ratio",
                                                                   format="%.3f")})
    picked = event.selection.rows if event is not None else []
    if picked:
        run_id = str(df["run id"].iloc[picked[0]])
        st.page_link("pages/inspector.py", label=f"Open {run_id} in the inspector",
                     icon=":material/search:", query_params={"run": run_id})


with guard("the home page"):
    main()
