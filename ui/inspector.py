"""The inspector's sentence view: one sentence of one run, drawn as a fragment.

"◀ prev" / "next ▶", the sentence picker, the view and focus pickers and a click on a word
rerun only this fragment, not the run picker, the filters and the sentence table above it
(pages/inspector.py), so stepping through sentences redraws only what changes.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from core.access import markdown_literal as md  # run data and URL values shown as text
from core.errors import ProjectError
from core.runs import RunInfo
from core.types import SentenceRecord
from core.viz.explain import (REASON_TEXT, build_inspector_view, focus_options,
                              marker_issue_rows, reason_text, reference_name, round_trip_html)
from core.viz.spans import marked_text_html, outcome_color
from ui import state as S
from ui.runs import (aligner_name, filter_table, load_record, run_fields, table_options,
                     table_rows)
from ui.widgets import (focus_picker, guard, interactive, links_view, publish, sid_from_table,
                        sync, view_picker)

PAGE = "inspector"


def sentence_header(record: SentenceRecord, row: dict[str, Any]) -> None:
    if record.gold is None:  # nothing to score against: no F1/TP/FP/FN pretending otherwise
        cols = st.columns(4)
        cols[0].metric("source entities", len(record.source_entities))
        cols[1].metric("projected", sum(p.projected for p in record.projections))
        cols[2].metric("target spans", len(record.predicted))
        cols[3].metric("links", len(record.alignment.links))
        return
    cols = st.columns(7)
    f1 = row.get("f1")
    cols[0].metric("F1", "—" if f1 is None or f1 != f1 else f"{f1:.2f}")
    for col, key in zip(cols[1:4], ("tp", "fp", "fn")):
        v = row.get(key)
        col.metric(key.upper(), "—" if v is None or v != v else int(v))
    cols[4].metric("source entities", len(record.source_entities))
    cols[5].metric("projected", sum(p.projected for p in record.projections))
    cols[6].metric(reference_name(record).split(" (")[0], len(record.gold))



def why_cards(rows: list[dict[str, Any]]) -> str:
    """The why-table as readable cards (escaped HTML)."""
    out = []
    for r in rows:
        head = (f"{html.escape(str(r['type']))} {html.escape(str(r['source']))}"
                if r["kind"] == "source entity" else
                f"missed gold {html.escape(str(r['type']))} {html.escape(str(r['target']))}")
        bits = [f"<b>{head}</b>"]
        if "outcome" in r:  # no outcome badge without gold
            outcome = str(r["outcome"]).replace(" ", "_")
            color = outcome_color(outcome if outcome != "no_gold" else None, str(r["type"]))
            bits[0] += (f" <span style='background:{color}33; border:1px solid {color}; "
                        f"border-radius:4px; padding:0 4px;'>{html.escape(str(r['outcome']))}"
                        "</span>")
        if r["kind"] == "source entity":
            target = "not projected" if r["target"] == "—" else html.escape(str(r["target"]))
            bits.append(f"→ {target} — <i>{html.escape(str(r['reason']))}</i>")
            facts = []
            for key in ("aligned words", "length ratio", "support links", "beaten by",
                        "rejected"):
                if r.get(key):
                    facts.append(f"<b>{html.escape(key)}:</b> {html.escape(str(r[key]))}")
            if r.get("score") is not None:
                facts.append(f"<b>score:</b> {r['score']}")
            if r.get("detail"):
                facts.append(f"<b>detail:</b> {html.escape(str(r['detail']))}")
        else:
            facts = [html.escape(str(r["reason"]))]
            if r.get("support links"):
                facts.append(f"<b>links into it:</b> {html.escape(str(r['support links']))}")
        body = "".join(f"<li>{f}</li>" for f in facts)
        out.append(f"<div dir='auto' style='margin:0 0 0.6em 0; font-family:sans-serif; "
                   f"font-size:0.9rem;'>{' '.join(bits)}<ul style='margin:0.2em 0 0 0;'>"
                   f"{body}</ul></div>")
    return "".join(out)



def texts(record: SentenceRecord) -> None:
    extra = record.extra or {}
    shown = False
    if record.translation:
        st.markdown("**Translation**")
        st.html(f"<div dir='auto'>{html.escape(record.translation)}</div>")
        shown = True
    if record.english_words:
        st.markdown("**Back-translation round trip** — the English source, its marker "
                    "translation B (projected from), and the target")
        st.html(round_trip_html(record))
        shown = True
    if record.back_translation:
        st.markdown("**Back-translation**")
        st.html(f"<div dir='auto'>{html.escape(record.back_translation)}</div>")
        shown = True
    if record.marked_translation:
        st.markdown("**Marker translation (EasyProject markers)**")
        st.html(marked_text_html(record.marked_translation))
        shown = True
    outputs = extra.get("model_outputs") or []
    if outputs:
        st.markdown(f"**Model outputs** ({len(outputs)}, as the tool generated them)")
        st.dataframe(pd.DataFrame({"output": [str(o) for o in outputs]}), hide_index=True)
        shown = True
    issues = marker_issue_rows(record)
    if issues:
        st.markdown("**Marker issues**")
        st.dataframe(pd.DataFrame(issues), hide_index=True)
    elif record.marked_translation:
        st.caption("No marker issues in this sentence.")
    if not shown:
        st.caption("This run has no translation step (the target sentence is given).")



def provenance(info: RunInfo, df: pd.DataFrame) -> None:
    """What an imported run is, where its parts come from, and whether it has gold."""
    man = info.manifest
    if man.get("kind") == "imported":
        given = man.get("given") or {}
        parts = ", ".join(f"{md(k)}: {md(v)}" for k, v in given.items())
        st.caption(f"Imported from **{md(man.get('tool') or 'another tool')}** — {parts}")
    elif man.get("given"):
        parts = ", ".join(f"{md(k)}: {md(v)}" for k, v in (man.get("given") or {}).items())
        st.caption(f"Parts given by the input file, not computed: {parts}")
    ref = (man.get("reference") or {}) if isinstance(man.get("reference"), dict) else {}
    if not table_has_gold(df):
        st.info("This run has no gold for its target sentences: links and projections are "
                "shown, outcomes and F1 are not.", icon=":material/info:")
    elif ref.get("kind") == "silver":
        st.warning(f"Outcomes below are against a **silver reference** — the projections of run "
                   f"{md(ref.get('run'))} — not against gold.", icon=":material/info:")
    linked_runs(info)



def _open_run(run_id: str) -> None:
    st.session_state[S.INSP_RUN] = run_id


def linked_runs(info: RunInfo) -> None:
    """Training on projection: open the linked run (training data <-> test predictions) and
    find the projected training sentences that carry an entity string (exact match)."""
    links = info.manifest.get("linked_runs")
    if not isinstance(links, dict):
        return
    from ui.runs import all_runs, find_run, training_hits

    runs, _ = all_runs()
    for role, rid in links.items():
        linked = find_run(str(rid), runs)
        if linked is None:
            st.caption(f"Linked {md(role)} run {md(rid)} is not in the run roots.")
        else:
            st.button(f"Open the linked {str(role).replace('_', ' ')} run", key=f"link-{role}",
                      on_click=_open_run, args=(linked.run_id,))
    training = find_run(str(links.get("training_data") or info.run_id), runs)
    if training is None or not training.manifest.get("checksums", {}).get("sentences.parquet"):
        return
    query = st.text_input("Training sentences that taught an entity (exact target words)",
                          key=S.INSP_TRAINING_QUERY, placeholder="e.g. Kampala")
    if query:
        hits = training_hits(training, query)
        if hits:
            st.dataframe(pd.DataFrame(hits), hide_index=True, width="stretch")
        else:
            st.caption(f"No projected training entity is exactly {md(query)}.")


@st.cache_resource(show_spinner="loading the NER model")
def _ner_tagger(name: str) -> Any:
    from core.models.registry import load_tagger

    return load_tagger(name)


def ner_model_section(record: SentenceRecord) -> None:
    """The packaged NER model's label probabilities for the target words (on demand: loading
    the model takes a few seconds)."""
    from core.viz.ner_probs import DEFAULT_TAGGER, record_ner_rows, tag_words

    st.subheader("NER model")
    if not st.toggle(f"Label probabilities of `{DEFAULT_TAGGER}` for the target words",
                     key=S.INSP_NER_PROBS):
        st.caption("The model behind NER candidates, the `ner` score component and model "
                   "transfer; switch on to tag this sentence.")
        return
    try:
        probs = tag_words(_ner_tagger(DEFAULT_TAGGER), [record.target.words])[0]
    except ProjectError as exc:
        st.warning(f"cannot load the NER model: {exc}")
        return
    st.caption("Percent per IOB2 tag; `best` is the model's tag. The `ner` score of a "
               "candidate averages P(B-type) of its first word and P(I-type) of the others.")
    st.dataframe(pd.DataFrame(record_ner_rows(record, probs)), hide_index=True)



def _step(options: list[str], delta: int) -> None:
    cur = st.session_state.get(S.INSP_SID)
    if not options:
        return
    k = options.index(cur) if cur in options else -delta
    st.session_state[S.INSP_SID] = options[max(0, min(len(options) - 1, k + delta))]


def table_has_gold(df: pd.DataFrame) -> bool:
    """Whether any sentence of the run has a reference (gold or silver) to score against."""
    return "n_gold" in df and bool(df["n_gold"].notna().any())


def sentence_label(row_of: dict[str, dict[str, Any]]):
    """``sid -> "sid · F1 0.50 · first words"`` for the sentence picker."""
    def label(sid: str) -> str:
        r = row_of.get(sid, {})
        f1 = r.get("f1")
        f1s = "no gold" if f1 is None or f1 != f1 else f"F1 {f1:.2f}"
        text = str(r.get("text", "")).split(" ||| ")[0]
        return f"{sid} · {f1s} · {text[:70]}"
    return label


@st.fragment
def sentence_view(info: RunInfo, sibs: list[RunInfo], df: pd.DataFrame, options: list[str],
                  url: dict[str, Any]) -> None:
    """Prev/next and the sentence picker over ``options``, then the sentence itself (errors
    are shown in the fragment: Streamlit does not pass them to the page's guard). ``url``:
    the URL values the page computed (run, aligner, language)."""
    with guard("the sentence view"):
        _sentence(info, sibs, df, options, url)


def _sentence(info: RunInfo, sibs: list[RunInfo], df: pd.DataFrame, options: list[str],
              url: dict[str, Any]) -> None:
    c1, c2, c3 = st.columns([1, 8, 1], vertical_alignment="bottom")
    c1.button("◀ prev", on_click=_step, args=(options, -1), width="stretch",
              key=S.INSP_PREV)
    rows = table_rows(info)
    sid = c2.selectbox("Sentence", options, key=S.INSP_SID, format_func=sentence_label(rows))
    c3.button("next ▶", on_click=_step, args=(options, 1), width="stretch",
              key=S.INSP_NEXT)
    record = load_record(info, sid)
    if record is None:
        st.error(f"Sentence {md(repr(sid))} is not in run {info.run_id}.")
        publish(PAGE, S.INSPECTOR_URL, url)
        return
    row = rows.get(sid, {})
    st.subheader(f"Sentence {md(sid)}")
    sentence_header(record, row)
    if len(sibs) > 1:
        st.page_link("pages/compare.py", label=f"Compare this sentence under {len(sibs[:4])} "
                     "aligners", icon=":material/compare_arrows:",
                     query_params={S.QP_RUNS: ",".join(r.run_id for r in sibs[:4]),
                                   S.QP_SID: sid})

    foci = focus_options(record)
    notes: list[str] = []
    sync(PAGE, S.INSPECTOR_URL, {S.QP_VIEW: None, S.QP_FOCUS: list(foci)}, notes)
    c1, c2 = st.columns([1, 1])
    with c1:
        layout = view_picker(S.INSP_VIEW)
    with c2:
        focus = focus_picker(S.INSP_FOCUS, foci)
    for n in notes:
        st.warning(n, icon=":material/link_off:")
    publish(PAGE, S.INSPECTOR_URL, url)

    view = build_inspector_view([record], [aligner_name(info)], focus=focus, layout=layout,
                                figure=interactive(S.INSP_INTERACTIVE))
    st.html(view.html)
    st.markdown(f"**Alignment** ({md(aligner_name(info))}, {len(record.alignment.links)} links; "
                f"{view.layout} view)")
    links_view(view, toggle_key=S.INSP_INTERACTIVE, figure_key=S.INSP_FIGURE,
               focus_key=S.INSP_FOCUS)

    st.subheader("Why")
    if view.why:
        st.html(why_cards(view.why))
        with st.expander("as a table"):
            st.dataframe(pd.DataFrame(view.why), hide_index=True)
    else:
        st.caption("No source entity and no missed gold entity in this sentence.")
    st.subheader("Candidates")
    if record.candidates:
        which = "for the highlighted entity" if view.candidates and focus.startswith("e") \
            else "for every entity (highlight an entity to narrow this down)"
        origins = sorted({c.origin for c in record.candidates})
        st.caption(f"Scored target spans {which}: score components, their sum, whether the "
                   "entity chose it, and which other entity took it."
                   + (" The `tprojection` column is T-Projection's own score."
                      if "tprojection" in origins else ""))
        st.dataframe(pd.DataFrame(view.candidates), hide_index=True,
                     column_config={"chosen": st.column_config.CheckboxColumn("chosen")})
    else:
        st.caption(f"This run's method ({md(run_fields(info).get('method') or '—')}) keeps no "
                   "scored candidates" + ("." if info.manifest.get("kind") == "imported" else
                                          "; the heuristic methods project runs of aligned "
                                          "words."))
    ner_model_section(record)
    st.subheader("Translation steps")
    texts(record)
    with st.expander("Projection reasons explained"):
        st.markdown("\n".join(f"- `{r.value}` — {t}" for r, t in REASON_TEXT.items()))


TABLE_COLUMNS = ["index", "id", "f1", "errors", "exact", "boundary", "wrong_type", "missed",
                 "spurious", "n_source_words", "n_target_words", "text"]


#: columns that only mean something against a reference (gold or silver)
NO_GOLD_COLUMNS = ["index", "id", "n_source_entities", "n_projected", "n_pred",
                   "n_source_words", "n_target_words", "text"]


def pick_sentence(df: pd.DataFrame, notes: list[str]) -> tuple[str | None, list[str]]:
    """Language, filters, sort and the sentence table; returns the language and the sentence
    ids the prev/next buttons step through (empty when nothing matches)."""
    opts = table_options(df)
    scored = table_has_gold(df)
    all_ids = [str(x) for x in df["id"]]
    sync(PAGE, S.INSPECTOR_URL, {S.QP_LANG: opts["lang"], S.QP_CATEGORY: None,
                                 S.QP_TYPE: opts["types"], S.QP_REASON: opts["reasons"],
                                 S.QP_QUERY: None, S.QP_SORT: None, S.QP_SID: all_ids}, notes)
    lang = None
    if len(opts["lang"]) > 1:
        lang = st.selectbox("Language", opts["lang"], key=S.INSP_LANG)
    with st.expander("Filter and sort sentences", expanded=True):
        c = st.columns([2, 2, 2, 2, 1.4])
        if scored:
            cats = c[0].multiselect("Error category", list(S.CATEGORIES), key=S.INSP_CATEGORY,
                                    format_func=lambda x: x.replace("_", " "),
                                    help="Sentences with at least one entity of these "
                                         "outcomes.")
        else:
            cats = []
            c[0].caption("No gold: no error categories to filter by.")
        types = c[1].multiselect("Entity type", opts["types"], key=S.INSP_TYPE)
        reasons = c[2].multiselect("Projection reason", opts["reasons"], key=S.INSP_REASON,
                                   format_func=reason_text)
        query = c[3].text_input("Search text or id", key=S.INSP_QUERY)
        sort = c[4].selectbox("Sort", list(S.SORTS), key=S.INSP_SORT,
                              format_func=S.SORTS.__getitem__)
        shown = filter_table(df, lang=lang, categories=cats, types=types, reasons=reasons,
                             query=query, sort=sort)
        st.caption(f"{len(shown)} of {len(df)} sentences match.")
        ids = [str(x) for x in shown["id"]]
        st.session_state[S.INSP_TABLE_IDS] = ids
        view = shown[[c for c in (TABLE_COLUMNS if scored else NO_GOLD_COLUMNS) if c in shown]]
        st.dataframe(view, hide_index=True, key=S.INSP_TABLE,
                     on_select=sid_from_table(S.INSP_TABLE, S.INSP_TABLE_IDS, S.INSP_SID),
                     selection_mode="single-row", height=min(250, 38 + 35 * max(len(view), 1)),
                     column_config={"f1": st.column_config.NumberColumn("F1", format="%.2f"),
                                    "text": st.column_config.TextColumn("text", width="large")})
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
