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
from core.viz import dashboard as viz
from ui import dashboard as ui
from ui.runs import configured_roots
from ui.widgets import guard

INSPECTOR = "pages/inspector.py"
METRICS = {"f1": "F1", "precision": "precision", "recall": "recall",
           "proj_ratio": "projection ratio"}


def open_inspector(run_id: str, lang: str) -> None:
    try:
        st.switch_page(INSPECTOR, query_params={"run": run_id, "lang": lang})
    except st.errors.StreamlitAPIException as exc:  # page not registered in app.py
        st.error(f"Cannot open the inspector: {exc}")


def clicked(event) -> None:
    """Open the inspector on the first clicked point that carries ``[run_id, lang, ...]``."""
    for p in ((event or {}).get("selection") or {}).get("points", []):
        custom = p.get("customdata")
        if isinstance(custom, (list, tuple)) and len(custom) >= 2 and custom[0]:
            open_inspector(str(custom[0]), str(custom[1]))


def pick_benchmark(df) -> str:
    names = bench.benchmarks(df)
    wanted = st.query_params.get(ui.QP_BENCHMARK)
    if ui.BENCHMARK not in st.session_state or st.session_state[ui.BENCHMARK] not in names:
        st.session_state[ui.BENCHMARK] = wanted if wanted in names else names[0]
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    choice = c1.segmented_control("Benchmark", names, key=ui.BENCHMARK, required=True) \
        or names[0]
    c2.selectbox("Score", list(METRICS), format_func=METRICS.get, key=ui.VALUE)
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


def data_note(sub) -> None:
    """Which datasets and splits stand behind ours and the paper's columns."""
    parts = []
    for who, rows in (("ours", sub[sub["kind"] != "reported"]),
                      ("paper", sub[sub["kind"] == "reported"])):
        if not rows.empty:
            sets = sorted({f"{d} ({s})" if s else d for d, s in
                           zip(rows["dataset"], rows["split"].fillna(""))})
            parts.append(f"**{who}**: {len(rows)} runs on " + ", ".join(sets))
    st.caption(" · ".join(parts) + ". Each cell is the best run of that family for the "
               "language; bold marks the best score of the row.")
    if {"wikiann_panx_dev", "wikiann_panx"} <= set(sub["dataset"]):
        st.warning("XTREME / WikiANN: our runs are on the PAN-X **dev** split, the paper's "
                   "figures on **test**. Read the differences with that in mind.",
                   icon=":material/info:")


def table_tab(sub, value: str, name: str) -> None:
    fams = bench.families_of(sub)
    c1, c2, c3 = st.columns([4, 3, 2], vertical_alignment="bottom")
    chosen = c1.multiselect("Families", fams, key=ui.FAMILIES, placeholder="all") or fams
    levels = [x for x in bench.LEVEL_NAMES.values()]
    lv = c2.multiselect("Resource levels", levels, key=ui.LEVELS, placeholder="all") or levels
    only = c3.toggle("Only languages with ours", key=ui.ONLY_OURS)
    table = ui.paper_table(sub, value, chosen)
    if table.empty:
        st.info("No scores for this choice.")
        return
    table = table[table["level"].isin([*lv, "all"])]
    if only:
        ours = [c for c in bench.value_columns(table, bench.OURS)]
        table = table[table[ours].notna().any(axis=1) | (table["row"] == "mean")]
    st.dataframe(ui.styled(table.reset_index(drop=True)), hide_index=True, width="stretch",
                 placeholder="–",
                 height=min(35 * (len(table) + 1) + 3, 770), column_config=ui.column_help(table))
    st.caption("MT model transfer · H heuristic · C-ng n-gram candidates · C-ner NER "
               "candidates · BT back-translation · EP EasyProject markers · Train training on "
               "projection. Click a column header to sort.")
    data_note(sub)
    slug = name.lower().replace(" / ", "-").replace(" ", "-")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("CSV", table.drop(columns=["row"]).to_csv(index=False).encode(),
                       f"{slug}-{value}.csv", "text/csv", icon=":material/download:")
    c2.download_button("LaTeX", bench.to_latex(table, caption=f"{name}: {METRICS[value]} ×100"),
                       f"{slug}-{value}.tex", "text/plain", icon=":material/download:")


def per_language_tab(sub, value: str) -> None:
    fams = bench.families_of(sub)
    default = bench.default_family(sub)
    if st.session_state.get(ui.FAMILY) not in fams:
        st.session_state[ui.FAMILY] = default
    fam = st.selectbox("Family", fams, key=ui.FAMILY)
    event = st.plotly_chart(bench.dumbbell_figure(sub, fam, value=value), key=ui.DUMBBELL,
                            on_select="rerun", selection_mode="points", width="stretch",
                            config={"displayModeBar": False})
    clicked(event)
    st.caption("Filled: our best run; open: the paper's. Click one of ours to inspect it.")


def runs_tab(sub, value: str) -> None:
    """Every run of one family: heatmap (click a cell), types, outcomes and reasons."""
    fams = bench.families_of(sub)
    fam = st.selectbox("Family", fams, key=f"{ui.FAMILY}_runs")
    runs = sub[sub["method_family"] == fam]
    event = st.plotly_chart(viz.heatmap_figure(runs, value=value), key=ui.HEATMAP,
                            on_select="rerun", selection_mode="points", width="stretch",
                            config={"displayModeBar": False})
    clicked(event)
    cells = viz.dedupe(runs[runs["has_sentences"].fillna(False).astype(bool)])
    if not cells.empty:
        names = {r.run_id: f"{r.lang} {r.lang_name} · {r.label}" for r in cells.itertuples()}
        langs = dict(zip(cells["run_id"], cells["lang"]))
        c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
        pick = c1.selectbox("Or pick a run", list(names), format_func=names.get, key=ui.CELL)
        if c2.button("Open in inspector", key="dash_open", icon=":material/search:"):
            open_inspector(pick, langs[pick])
    for key, fig in viz.dashboard_figures(runs).items():
        if key != "heatmap":
            st.plotly_chart(fig, width="stretch", key=f"dash_{key}",
                            config={"displayModeBar": False})


def resource_tab(sub, value: str) -> None:
    st.plotly_chart(bench.family_bars(sub, value=value), width="stretch", key="dash_bars",
                    config={"displayModeBar": False})
    st.caption("Resource levels are approximate (after Joshi et al. 2020).")


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
