"""The compare page's parts: run picking, corpus agreement, the disagreement ranking and the
side-by-side sentence view (pages/compare.py keeps the flow)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access import markdown_literal as md  # run data shown as text
from core.runs import RunInfo
from core.types import SentenceRecord
from core.viz.alignment import disagreement_rows, pair_agreement
from core.viz.explain import build_inspector_view, focus_options, record_marks
from core.viz.spans import legend_html, sentences_html
from ui import state as S
from ui.runs import aligner_name, comparison_sets, find_run, load_table, run_fields, run_label
from ui.widgets import (focus_picker, interactive, links_view, sid_from_table, sync,
                        view_picker)

PAGE = "compare"
LETTERS = "ABCD"
CUSTOM = "custom"


def _apply_set(sets: dict[str, tuple[str, ...]]) -> None:
    chosen = st.session_state.get(S.CMP_SET)
    if chosen in sets:
        st.session_state[S.CMP_RUNS] = list(sets[chosen])


def run_names(infos: list[RunInfo]) -> list[str]:
    """``A: aligner`` per run; the method and id are added when that is not unique."""
    base = [aligner_name(i) for i in infos]
    names = []
    for k, (info, b) in enumerate(zip(infos, base)):
        label = b
        if base.count(b) > 1:
            label = f"{b} / {run_fields(info).get('method') or '—'}"
        names.append(f"{LETTERS[k]}: {label}")
    if len(set(names)) < len(names):
        names = [f"{LETTERS[k]}: {i.run_id}" for k, i in enumerate(infos)]
    return names


def pick_runs(runs: list[RunInfo], notes: list[str]) -> list[RunInfo]:
    ids = [r.run_id for r in runs]
    labels = {r.run_id: run_label(r) for r in runs}
    sets = {s.label: s.run_ids for s in comparison_sets(runs)}
    sync(PAGE, S.COMPARE_URL, {S.QP_RUNS: ids}, notes)
    if not st.session_state.get(S.CMP_RUNS):
        st.session_state[S.CMP_RUNS] = list(next(iter(sets.values()), ids[:2]))
    current = tuple(st.session_state[S.CMP_RUNS])
    st.session_state[S.CMP_SET] = next((k for k, v in sets.items() if v == current), CUSTOM)
    st.selectbox("Suggested comparison", [CUSTOM, *sets], key=S.CMP_SET,
                 on_change=_apply_set, args=(sets,),
                 format_func=lambda k: "— choose runs below —" if k == CUSTOM else k,
                 help="Runs over the same data with the same projection method and different "
                      "aligners.")
    chosen = st.multiselect("Runs to compare (2–4, the first is A)", ids, key=S.CMP_RUNS,
                            format_func=labels.__getitem__, max_selections=4)
    return [r for r in (find_run(x, runs) for x in chosen) if r is not None]


def corpus_stats(infos: list[RunInfo], names: list[str], aligns: list[dict]) -> None:
    st.subheader("Corpus agreement")
    rows = []
    for info, name, al in zip(infos, names, aligns):
        m = info.metrics
        overall = m.get("overall") or {}
        rows.append({"run": name, "sentences": len(al),
                     "links": sum(len(a) for a in al.values()),
                     "F1": overall.get("f1"), "precision": overall.get("precision"),
                     "recall": overall.get("recall"), "proj_ratio": m.get("proj_ratio"),
                     "run id": info.run_id})
    st.dataframe(pd.DataFrame(rows), hide_index=True,
                 column_config={c: st.column_config.NumberColumn(c, format="%.3f")
                                for c in ("F1", "precision", "recall", "proj_ratio")})
    pairs = []
    for x in range(len(aligns)):
        for y in range(x + 1, len(aligns)):
            agr = pair_agreement(aligns[x], aligns[y])
            pairs.append({"pair": f"{LETTERS[x]} vs {LETTERS[y]}", "sentences": agr.sentences,
                          "mean Jaccard": agr.mean_jaccard, "corpus Jaccard": agr.micro_jaccard,
                          "both": agr.counts.both, "only first": agr.counts.only_a,
                          "only second": agr.counts.only_b})
    if pairs:
        first = pairs[0]
        c = st.columns(4)
        c[0].metric("mean link Jaccard A vs B", f"{first['mean Jaccard']:.3f}")
        c[1].metric("links in both", first["both"])
        c[2].metric("only A", first["only first"])
        c[3].metric("only B", first["only second"])
        if len(pairs) > 1:
            st.dataframe(pd.DataFrame(pairs), hide_index=True,
                         column_config={c: st.column_config.NumberColumn(c, format="%.3f")
                                        for c in ("mean Jaccard", "corpus Jaccard")})
    st.caption("Jaccard = links in both / links in either (sure links only). The mean is over "
               "sentences (a sentence where neither aligner links anything counts as 1); the "
               "corpus Jaccard sums the counts first.")


def ranking(infos: list[RunInfo], names: list[str], aligns: list[dict], notes: list[str]
            ) -> str | None:
    st.subheader("Sentences ranked")
    f1s = []
    for info in infos:
        df = load_table(info)
        f1s.append({str(k): (None if v is None or v != v else float(v))
                    for k, v in zip(df["id"], df["f1"])})
    rows = disagreement_rows(aligns, f1s, names)
    if not rows:
        st.info("These runs share no sentence id, so there is nothing to compare. Pick runs "
                "over the same sentences (same dataset and language).")
        return None
    sync(PAGE, S.COMPARE_URL, {S.QP_RANK: None, S.QP_SID: [str(r["id"]) for r in rows]},
         notes)
    rank = st.radio("Rank by", list(S.RANKS), key=S.CMP_RANK, horizontal=True,
                    format_func=S.RANKS.__getitem__)
    df = pd.DataFrame(rows)
    if rank == "f1" and df["f1_spread"].notna().any():
        df = df.sort_values(["f1_spread", "disagreement"], ascending=False, na_position="last")
    else:
        if rank == "f1":
            st.caption("These runs have no gold, so there is no F1; ranked by disagreement.")
        df = df.sort_values("disagreement", ascending=False, kind="stable")
    ids = [str(x) for x in df["id"]]
    st.session_state[S.CMP_TABLE_IDS] = ids
    st.dataframe(df, hide_index=True, key=S.CMP_TABLE,
                 on_select=sid_from_table(S.CMP_TABLE, S.CMP_TABLE_IDS, S.CMP_SID),
                 selection_mode="single-row", height=min(250, 38 + 35 * len(df)),
                 column_config={c: st.column_config.NumberColumn(c, format="%.2f")
                                for c in df.columns if c.startswith("f1") or c == "disagreement"})
    if st.session_state.get(S.CMP_SID) not in ids:
        st.session_state[S.CMP_SID] = ids[0]
    return st.selectbox("Sentence", ids, key=S.CMP_SID)


def sentence_view(records: list[SentenceRecord], names: list[str], notes: list[str]) -> None:
    first = records[0]
    same = all(r.source.words == first.source.words and r.target.words == first.target.words
               for r in records)
    options = focus_options(first)
    sync(PAGE, S.COMPARE_URL, {S.QP_VIEW: None, S.QP_FOCUS: list(options)}, notes)
    c1, c2 = st.columns(2)
    with c1:
        layout = view_picker(S.CMP_VIEW)
    with c2:
        focus = focus_picker(S.CMP_FOCUS, options)
    marks = [record_marks(r) for r in records]
    neutral = record_marks(first, neutral=True)
    lines = [(f"source ({first.source.lang})", first.source.words, neutral["source"])]
    if first.gold is not None:
        lines.append(("gold", first.target.words, neutral["gold"]))
    if same:
        for name, m in zip(names, marks):
            lines.append((f"projected {name}", first.target.words, m["projected"]))
    st.html(sentences_html(lines) + legend_html())
    if same:
        view = build_inspector_view(records, names, focus=focus, layout=layout,
                                    figure=interactive(S.CMP_INTERACTIVE))
        st.markdown(f"**Links** — {md(', '.join(names))} ({view.layout} view)")
        links_view(view, toggle_key=S.CMP_INTERACTIVE, figure_key=S.CMP_FIGURE,
                   focus_key=S.CMP_FOCUS)
        st.caption("No gold word alignment is stored in these runs, so links are classed by "
                   "the aligners only (a 'gold only' class appears when gold links exist).")
        st.subheader("Projection of each source entity")
        st.dataframe(pd.DataFrame(view.compare), hide_index=True)
    else:
        st.warning("The runs have different words for this sentence (e.g. different machine "
                   "translations), so their links cannot be overlaid; each run is shown alone.")
        for name, r in zip(names, records):
            view = build_inspector_view([r], [name], focus="", layout=layout, figure=False)
            st.markdown(f"**{md(name)}**")
            st.html(view.html)
            st.markdown(view.links, unsafe_allow_html=True)  # escaped by core.viz.links_svg
