"""Playground: one English sentence with entities, a translation, live projection (offline).

Entities come from inline markup (``[PER Angela Merkel] visited [LOC Paris]``) or from spaCy;
the translation is typed (markup there is gold) or made by the offline en→pt model. Every chosen
aligner × method is projected on the spot and drawn with the inspector's builders.
"""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from core.projection.registry import NEEDS_TARGET_NER, describe
from core.types import SentenceRecord
from core.userdata import Marked, project_sentence
from ui import state as S
from ui import playground as pg
from ui.access import policy
from ui.widgets import guard
from ui.playground import source_side, target_side

EXAMPLE_SOURCE = "[PER Angela Merkel] met [ORG Siemens] engineers in [LOC São Paulo] on Monday."
EXAMPLE_TARGET = ("[PER Angela Merkel] encontrou engenheiros da [ORG Siemens] em "
                  "[LOC São Paulo] na segunda-feira.")
METHODS = {name: desc for name, desc in describe() if name not in NEEDS_TARGET_NER}


def pickers(lang: str) -> tuple[list[str], list[str]]:
    c1, c2 = st.columns(2)
    choices = pg.aligner_choices(lang)
    if any(a not in choices for a in st.session_state.get(S.PG_ALIGNERS, [])):
        st.session_state[S.PG_ALIGNERS] = [a for a in st.session_state[S.PG_ALIGNERS]
                                         if a in choices]
    aligners = c1.multiselect(
        "Aligners (up to 4)", choices, key=S.PG_ALIGNERS, max_selections=4,
        help="Offline only. me5-small = multilingual-e5-small embeddings with SimAlign-style "
             "extraction; eflomal (priors mode) appears for languages with a training corpus.")
    if pg.EFLOMAL_PRIORS not in choices:
        c1.caption(f"eflomal is not offered for {lang}: it learns from English–{lang} "
                   "parallel text, and none is available for this language (corpora exist "
                   "for de, es, it, nl and the MAFAND/MENYO African languages). The "
                   "me5-small aligners need no training corpus.")
    methods = c2.multiselect("Projection methods", list(METHODS), key=S.PG_METHODS,
                             help="\n".join(f"- **{k}**: {v}" for k, v in METHODS.items()))
    c2.caption("NER-candidate methods need a target-language NER model and are not offered.")
    return aligners, methods


def results(source: Marked, target: Marked, lang: str, aligners: Sequence[str],
            methods: Sequence[str], origin: str) -> None:
    gold = target.spans or None
    alignments = pg.align_all(aligners, lang, source.words, target.words)
    tabs = st.tabs([f"{m}" for m in methods])
    for method, tab in zip(methods, tabs):
        with tab:
            records: list[SentenceRecord] = [
                project_sentence(source.words, source.spans, target.words, aligner_obj=None,
                                 method=method, lang=lang, gold=gold, translation=target.text,
                                 alignment=alignments[spec]) for spec in aligners]
            pg.show_sentence(records, list(aligners), method, bool(gold), origin)


def main() -> None:
    st.title("Playground")
    st.caption("Type an English sentence with entities and a translation, pick aligners and "
               "projection methods, and watch the projection. Only offline models run here; "
               "model calls wait their turn in the server's work queue."
               + (" Read-only demo: nothing is written." if policy().read_only else ""))
    st.session_state.setdefault(S.PG_SOURCE, EXAMPLE_SOURCE)
    st.session_state.setdefault(S.PG_TARGET, EXAMPLE_TARGET)
    st.session_state.setdefault(S.PG_LANG, "pt")
    st.session_state.setdefault(S.PG_ALIGNERS, [pg.ME5[0]])
    st.session_state.setdefault(S.PG_METHODS, ["heuristic"])
    source: Marked | None = None
    target: Marked | None = None
    origin, lang = "markup", str(st.session_state.get(S.PG_LANG, "pt"))
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
