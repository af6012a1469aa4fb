"""Dashboard: one benchmark at a time, in the shape of the paper's tables.

The first screen answers "which method is best for which language, and how do our numbers
compare with the paper's?": a languages × pipeline-families table with ours, the paper's and the
difference. Tabs draw the same numbers per language (ours against the paper), per resource
level, as coverage, and per run (heatmap with click-through to the inspector, types, outcomes).
Only run summaries are read (``ui.dashboard.load_frame``).
"""

from __future__ import annotations

import streamlit as st

from core.viz import benchmark as bench
from ui import dashboard as ui
from ui.runs import configured_roots
from ui.widgets import guard
from ui.dashboard import SCORES, table_tab, per_language_tab, runs_tab, resource_tab


def pick_benchmark(df) -> str:
    names = bench.benchmarks(df)
    wanted = st.query_params.get(ui.QP_BENCHMARK)
    if ui.BENCHMARK not in st.session_state or st.session_state[ui.BENCHMARK] not in names:
        st.session_state[ui.BENCHMARK] = wanted if wanted in names else names[0]
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    choice = c1.segmented_control("Benchmark", names, key=ui.BENCHMARK, required=True) \
        or names[0]
    c2.selectbox("Score", list(SCORES), format_func=SCORES.get, key=ui.VALUE)
    st.query_params[ui.QP_BENCHMARK] = choice
    return choice


def pick_pipeline(sub):
    """When a benchmark mixes pipelines (the demo corpus: intrinsic and translate-test), show
    one at a time (model transfer always), so a table cell never mixes two setups."""
    pipelines = sorted(set(sub["pipeline"].dropna()) - {"model-transfer"},
                       key=lambda p: (-int((sub["pipeline"] == p).sum()), p))
    if len(pipelines) < 2:
        return sub
    if st.session_state.get(ui.PIPELINE) not in pipelines:
        st.session_state[ui.PIPELINE] = pipelines[0]
    choice = st.segmented_control("Pipeline", pipelines, key=ui.PIPELINE, required=True,
                                  help="This benchmark holds runs of several pipelines; "
                                       "the table shows one at a time.") or pipelines[0]
    return sub[sub["pipeline"].isin([choice, "model-transfer"])]


def main() -> None:
    st.title("Dashboard")
    roots = configured_roots()
    df, errors = ui.load_frame(roots)
    if errors:
        with st.expander(f"{len(errors)} run folder(s) could not be read"):
            for e in errors:
                st.caption(e)
    if df.empty:
        st.info("No runs found in the run roots (" + ", ".join(f"`{r}`" for r in roots) +
                "). Create one with `python -m core run --set dataset=demo --set lang=pt`.")
        return
    name = pick_benchmark(df)
    value = st.session_state.get(ui.VALUE, "f1")
    sub = pick_pipeline(df[df["benchmark"] == name])
    # lazy tabs: only the open tab's content is computed and sent (a benchmark switch redraws
    # one view, not five)
    tabs = st.tabs(["Paper table", "Ours vs paper per language", "By resource level",
                    "Coverage", "All runs of a family"], key=ui.TAB, on_change="rerun")
    views = [lambda: table_tab(sub, value, name), lambda: per_language_tab(sub, value),
             lambda: resource_tab(sub, value),
             lambda: st.dataframe(bench.coverage(sub), hide_index=True, width="stretch",
                                  placeholder="–"),
             lambda: runs_tab(sub, value)]
    for tab, view in zip(tabs, views):
        if tab.open:
            with tab:
                view()


with guard("the dashboard"):
    main()
