"""Your data: project the entities of your own files, then inspect the result.

Upload (or point to) an English CoNLL source, the target words or translations, and optionally
Pharaoh alignments; choose aligners and methods; each combination becomes a run in the user runs
root (``runs/`` or ``$PROJ_RUNS``) with a link to the inspector — or, in the read-only demo
mode, a result kept in memory and inspected on the page (``ui/your_data.py``). Files on the
server are read only as the access policy allows (``core/access.py``); the runs wait their turn
in the work queue (``ui/work_queue.py``). Where files come from is one entry of ``MODES``.
"""

from __future__ import annotations


import streamlit as st

from core.projection.registry import NEEDS_TARGET_NER, describe
from core.userdata import EXTERNAL, UserData
from core.viz.colors import TYPE_COLORS
from core.viz.spans import Mark, sentences_html
from ui import state as S
from ui import playground as pg
from ui import your_data as yd
from ui.access import policy
from ui.widgets import guard
from ui.your_data import KIND_NAMES, file_inputs

METHODS = {name: desc for name, desc in describe() if name not in NEEDS_TARGET_NER}


def summary(data: UserData) -> None:
    gold = "yes — runs are scored" if data.has_gold else "no — runs show projections only"
    al = f"{len(data.alignments)} lines" if data.alignments is not None else "none"
    st.success(f"{len(data.source)} sentence pairs, {data.n_entities} source entities; "
               f"target read as {KIND_NAMES[data.target_kind]}; target gold: {gold}; "
               f"alignments: {al}.", icon=":material/check_circle:")
    if data.n_entities == 0:
        st.warning("The source has no entities: there is nothing to project.")
    first_s, first_t = data.source[0], data.target[0]

    def marks(spans):
        return [Mark(s.start, s.end, s.label, TYPE_COLORS.get(s.label, "#888888"))
                for s in spans]

    st.caption("First sentence pair as read:")
    st.html(sentences_html([("source (en)", first_s.words, marks(first_s.spans)),
                            (f"target ({data.lang})", first_t.words,
                             marks(first_t.spans))]))


def run_choices(data: UserData, lang: str) -> tuple[list[str], list[str]]:
    choices = ([EXTERNAL] if data.alignments is not None else []) + \
        pg.aligner_choices(lang, corpus=True)
    default = [EXTERNAL] if data.alignments is not None else [pg.ME5[0]]
    current = st.session_state.get(S.UD_ALIGNERS)
    # follow the default (e.g. an alignment file was added) unless the user chose otherwise
    if current is None or any(a not in choices for a in current) or (
            current == st.session_state.get(S.UD_ALIGNERS_DEFAULT) and current != default):
        st.session_state[S.UD_ALIGNERS] = default
    st.session_state[S.UD_ALIGNERS_DEFAULT] = default
    st.session_state.setdefault(S.UD_METHODS, ["heuristic"])
    c1, c2 = st.columns(2)
    aligners = c1.multiselect(
        "Aligners", choices, key=S.UD_ALIGNERS,
        format_func=lambda a: "external (uploaded Pharaoh)" if a == EXTERNAL else a,
        help="external = your uploaded links; me5-small = offline multilingual-e5-small "
             "embeddings; eflomal (priors) only for languages with a training corpus")
    methods = c2.multiselect("Projection methods", list(METHODS), key=S.UD_METHODS,
                             help="\n".join(f"- **{k}**: {v}" for k, v in METHODS.items()))
    return aligners, methods


def main() -> None:
    st.title("Your data")
    where = ("Read-only demo: runs stay in memory, in this browser session only."
             if policy().read_only else
             f"Runs are stored like any other run, in `{yd.runs_root_shown()}`.")
    st.caption("Project the entities of your own English CoNLL file onto your translations, "
               f"then inspect every sentence. {where} Runs wait their turn in the server's "
               "work queue.")
    if st.radio("What do you have?", ["project", "imported"], horizontal=True, key=S.UD_HAVE,
                format_func={"project": "English labels to project",
                             "imported": "I already have projections"}.get) == "imported":
        from ui.imports import render_import_mode  # other tools' outputs (docs/formats.md)

        with guard("your projections"):
            render_import_mode()
        return
    with yd.shown_errors("your files"):
        data, lang = file_inputs()
        if data is not None:
            summary(data)
            aligners, methods = run_choices(data, lang)
            ready = bool(aligners and methods and data.n_entities)
            n = len(aligners) * len(methods)
            if st.button(f"Run {n} projection{'s' if n != 1 else ''}", type="primary",
                         disabled=not ready, key=S.UD_RUN, icon=":material/play_arrow:"):
                yd.submit(data, lang, aligners, methods)
    with yd.shown_errors("your runs"):
        yd.wait_pending()
    yd.show_results()


with guard("the Your-data page"):
    main()
