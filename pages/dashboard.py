"""Dashboard: per-language scores of every cached run (ours and the paper's reported figures).

Reads only run summaries (metrics.json + manifest) through ui.dashboard.load_frame. Clicking a
heatmap cell (or the "Open in inspector" fallback) opens the inspector on that run and language.
"""

from __future__ import annotations

import streamlit as st

from core.viz import dashboard as viz
from ui import dashboard as ui
from ui.runs import configured_roots
from ui.widgets import guard

INSPECTOR = "pages/inspector.py"
METRICS = {"f1": "F1", "precision": "precision", "recall": "recall",
           "proj_ratio": "projection ratio"}


def open_inspector(run_id: str, lang: str) -> None:
    """Switch to the inspector on ``run_id`` / ``lang`` (an error message if it can't)."""
    try:
        st.switch_page(INSPECTOR, query_params={"run": run_id, "lang": lang})
    except st.errors.StreamlitAPIException as exc:  # page not registered in app.py
        st.error(f"Cannot open the inspector: {exc}")


def empty_state(roots: list) -> None:
    st.info(
        "No runs found yet. The dashboard reads the `metrics.json` of every run in these "
        "run roots:\n\n" + "\n".join(f"- `{r}`" for r in roots) +
        "\n\nCreate runs with `python -m core run --set dataset=demo --set lang=pt`, store the "
        "paper's published figures with `python -m core import-reported`, or add a runs "
        "directory in the sidebar."
    )


def _pick(container, label: str, options: list, key: str, **kwargs) -> list:
    """A multiselect where nothing chosen means everything (so a filter never empties the
    page by accident, and stale choices that are no longer options are dropped)."""
    if key in st.session_state:
        st.session_state[key] = [x for x in st.session_state[key] if x in options]
    chosen = container.multiselect(label, options, key=key, placeholder="all", **kwargs)
    return chosen or list(options)


def filters(df):
    """Top-of-page filters; returns the filtered table and the chosen metric."""
    ours = df[df["kind"] != "reported"]
    datasets = sorted(df["dataset"].dropna().unique())
    if ui.DATASETS not in st.session_state:  # default: the datasets of our own runs
        st.session_state[ui.DATASETS] = sorted(ours["dataset"].unique()) if not ours.empty \
            else [df["dataset"].value_counts().idxmax()]
    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    chosen_ds = _pick(c1, "Datasets", datasets, ui.DATASETS,
                      help="'upload' holds runs made on the Your-data page; empty = all")
    kinds = _pick(c2, "Results", ["ours", "paper"], ui.KINDS,
                  help="ours = cached runs; paper = the figures published by Politov et al. "
                       "2025 (stored with `python -m core import-reported`); empty = both")
    sub = df[df["dataset"].isin(chosen_ds)]
    want = ["reported" if k == "paper" else "ours" for k in kinds]
    sub = sub[sub["kind"].where(sub["kind"] == "reported", "ours").isin(want)]
    chosen_pl = _pick(c3, "Pipelines", sorted(sub["pipeline"].dropna().unique()), ui.PIPELINES)
    sub = sub[sub["pipeline"].isin(chosen_pl)]
    value = c4.selectbox("Score", list(METRICS), format_func=METRICS.get, key=ui.VALUE)
    with st.expander("More filters: methods, languages, resource levels"):
        labels = viz.label_order(sub) if not sub.empty else []
        chosen_lb = _pick(st, "Methods (pipeline/aligner/method)", labels, ui.LABELS)
        chosen_lg = _pick(st, "Languages", viz.language_order(sub["lang"]), ui.LANGS,
                          format_func=lambda c: f"{c} {viz.language_info(c).name}")
        levels = [lv for lv in ("high", "mid", "low", "unknown") if lv in set(sub["resource"])]
        chosen_lv = _pick(st, "Resource levels (approximate)", levels, ui.LEVELS)
    sub = sub[sub["label"].isin(chosen_lb) & sub["lang"].isin(chosen_lg)
              & sub["resource"].isin(chosen_lv)]
    return sub, value


def heatmap_section(sub, value: str) -> None:
    st.subheader("Languages × methods")
    labels = viz.label_order(sub[sub[value].notna()]) if not sub.empty else []
    c1, c2, c3 = st.columns([2, 4, 2])
    diff = c1.toggle("Difference to a baseline", key=ui.DIFF, disabled=len(labels) < 2,
                     help="Show each cell minus the baseline method's score for the same "
                          "language (percentage points)")
    baseline = None
    if diff and len(labels) >= 2:
        baseline = c2.selectbox("Baseline", labels, key=ui.BASELINE)
    mean = c3.toggle("Mean row/column", value=True, key="dash_mean")
    fig = viz.heatmap_figure(sub, value=value, baseline=baseline, mean=mean)
    event = st.plotly_chart(fig, key=ui.HEATMAP, on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False}, width="stretch")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for p in points:
        custom = p.get("customdata")
        if isinstance(custom, (list, tuple)) and len(custom) >= 2 and custom[0]:
            open_inspector(str(custom[0]), str(custom[1]))
            break
    # fallback without the click (keyboard users, tests): pick a cell, open it
    cells = viz.dedupe(sub[sub["has_sentences"].fillna(False).astype(bool)]) if not sub.empty \
        else sub
    if cells.empty:
        st.caption("Reported results have no sentences to inspect; cells of our runs open "
                   "the inspector when clicked.")
        return
    cells = cells.sort_values(["lang", "label"])
    options = list(cells["run_id"])
    names = {r.run_id: f"{r.lang} {r.lang_name} · {r.label}  ({r.dataset})"
             for r in cells.itertuples()}
    langs = dict(zip(cells["run_id"], cells["lang"]))
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    pick = c1.selectbox("Or pick a cell", options, format_func=names.get, key=ui.CELL,
                        help="Click a heatmap cell, or choose it here")
    if c2.button("Open in inspector", key="dash_open", icon=":material/search:"):
        open_inspector(pick, langs[pick])


def resource_section(sub, value: str) -> None:
    st.plotly_chart(viz.resource_bars(sub, value=value), width="stretch", key="dash_bars",
                    config={"displayModeBar": False})
    st.plotly_chart(viz.resource_summary(sub, value=value), width="stretch",
                    key="dash_levels_chart",
                    config={"displayModeBar": False})
    st.caption("Resource levels are approximate (core/resources.py): high ≈ classes 4–5, "
               "mid ≈ class 3, low ≈ classes 0–2 of Joshi et al. 2020.")


def reported_section(df, value: str) -> None:
    ours = viz.ours_labels(df[df["kind"] != "reported"])
    paper = sorted(df.loc[df["kind"] == "reported", "label"].unique())
    if not ours or not paper:
        st.info("Needs both our runs and reported ones. Store the paper's figures with "
                "`python -m core import-reported` (they become runs with kind 'reported').")
        return
    c1, c2 = st.columns(2)
    mine = c1.selectbox("Ours", ours, key=ui.OURS)
    match = viz.matching_reported(mine, df)
    default = paper.index(match) if match in paper else 0
    theirs = c2.selectbox("Paper", paper, index=default, key=f"{ui.PAPER}_{mine}",
                          help="Preselected: the closest reported method (same pipeline and "
                               "projection method)")
    st.plotly_chart(viz.reported_comparison(df, [mine], [theirs], value=value),
                    width="stretch", key="dash_reported", config={"displayModeBar": False})
    table = viz.comparison_table(df, mine, theirs, value=value)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f")
                                for c in ("ours", "paper", "Δ")})
    citation = df.loc[df["label"] == theirs, "citation"].dropna()
    if not citation.empty:
        st.caption(f"Reported figures: {citation.iloc[0]}")


def main() -> None:
    st.title("Dashboard")
    st.caption("Per-language scores from cached runs — ours and the paper's reported figures. "
               "Only run summaries are read, so this stays fast with hundreds of runs.")
    roots = configured_roots()
    df, errors = ui.load_frame(roots)
    if errors:
        with st.expander(f"{len(errors)} run folder(s) could not be read"):
            for e in errors:
                st.caption(e)
    if df.empty:
        empty_state(roots)
        return
    sub, value = filters(df)
    st.caption(f"{len(sub)} of {len(df)} runs selected.")
    if sub.empty:
        st.warning("No runs match these filters. Widen the dataset, result or pipeline choice.")
    heatmap_section(sub, value)
    tabs = st.tabs(["By resource level", "Ours vs paper", "Per entity type",
                    "Outcomes & reasons"])
    with tabs[0]:
        resource_section(sub, value)
    with tabs[1]:
        reported_section(df, value)
    with tabs[2]:
        st.plotly_chart(viz.per_type_figure(sub), width="stretch", key="dash_types",
                        config={"displayModeBar": False})
    with tabs[3]:
        by = st.radio("Rows", ["label", "lang"], horizontal=True, key="dash_outcomes_by",
                      format_func={"label": "per method (summed over languages)",
                                   "lang": "per language and method"}.get)
        st.plotly_chart(viz.outcomes_figure(sub, by=by), width="stretch", key="dash_outcomes",
                        config={"displayModeBar": False})
        st.plotly_chart(viz.reasons_figure(sub, by=by), width="stretch", key="dash_reasons",
                        config={"displayModeBar": False})


with guard("the dashboard"):
    main()
