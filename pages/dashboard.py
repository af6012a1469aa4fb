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
from ui import state as S
from ui.runs import configured_roots
from ui.widgets import guard, publish, resume, sync
from ui.dashboard import table_tab, per_language_tab, runs_tab, resource_tab

PAGE = "dashboard"


def pick_benchmark(df) -> str:
    """The benchmark (``?benchmark=``; first: the one with most of our runs) and the score."""
    names = bench.benchmarks(df)
    resume(PAGE, S.DASHBOARD_URL)  # back from another page: as this session left it
    notes: list[str] = []
    sync(PAGE, S.DASHBOARD_URL, {S.QP_BENCHMARK: names}, notes)
    if st.session_state.get(S.DASH_BENCHMARK) not in names:
        st.session_state[S.DASH_BENCHMARK] = names[0]
    for n in notes:
        st.warning(n, icon=":material/link_off:")
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    choice = c1.segmented_control("Benchmark", names, key=S.DASH_BENCHMARK, required=True) \
        or names[0]
    c2.selectbox("Score", list(S.SCORES), format_func=S.SCORES.get, key=S.DASH_VALUE)
    publish(PAGE, S.DASHBOARD_URL, {S.QP_BENCHMARK: choice})
    return choice


def pick_pipeline(sub):
    """When a benchmark mixes pipelines (the demo corpus: intrinsic and translate-test), show
    one at a time (model transfer always), so a table cell never mixes two setups."""
    pipelines = sorted(set(sub["pipeline"].dropna()) - {"model-transfer"},
                       key=lambda p: (-int((sub["pipeline"] == p).sum()), p))
    if len(pipelines) < 2:
        return sub
    if st.session_state.get(S.DASH_PIPELINE) not in pipelines:
        st.session_state[S.DASH_PIPELINE] = pipelines[0]
    choice = st.segmented_control("Pipeline", pipelines, key=S.DASH_PIPELINE, required=True,
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
    value = st.session_state.get(S.DASH_VALUE, "f1")
    sub = pick_pipeline(df[df["benchmark"] == name])
    # lazy tabs: only the open tab's content is computed and sent (a benchmark switch redraws
    # one view, not five)
    tabs = st.tabs(["Paper table", "Ours vs paper per language", "By resource level",
                    "Coverage", "All runs of a family"], key=S.DASH_TAB, on_change="rerun")
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
