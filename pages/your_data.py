"""Your data: project the entities of your own files, then inspect the result.

Upload (or point to) an English CoNLL source, the target words or translations, and optionally
Pharaoh alignments; choose aligners and methods; each combination becomes a run in the user runs
root (``runs/`` or ``$PROJ_RUNS``) with a link to the inspector — or, in the read-only demo
mode, a result kept in memory and inspected on the page (``ui/your_data.py``). Files on the
server are read only as the access policy allows (``core/access.py``); the runs wait their turn
in the work queue (``ui/work_queue.py``). Where files come from is one entry of ``MODES``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.projection.registry import NEEDS_TARGET_NER, describe
from core.resources import LANGUAGES
from core.userdata import EXTERNAL, TARGET_KINDS, UserData
from core.viz.colors import TYPE_COLORS
from core.viz.spans import Mark, sentences_html
from ui import playground as pg
from ui import upload as ud
from ui import your_data as yd
from ui.access import policy
from ui.widgets import guard

LABELS = ("English source (CoNLL, labelled)", "Target words or translations",
          "Alignments (Pharaoh, optional)")
METHODS = {name: desc for name, desc in describe() if name not in NEEDS_TARGET_NER}
KIND_NAMES = {"auto": "detect", "conll": "CoNLL words (labels optional)",
              "text": "plain text, one translation per line"}
FORMAT_HELP = """
**Source** — English CoNLL, one `token<TAB>label` per line, a blank line between sentences
(IOB2, IOB1 or BIOES tags; they are normalised to IOB2):
```
Angela	B-PER
Merkel	I-PER
visited	O
Paris	B-LOC
```
**Target** — either CoNLL words of the translation in the same layout (with labels they are the
gold standard and the run is scored; without labels write one token per line), or plain text
with one translated sentence per line (it is split into words).

**Alignments** (optional) — Pharaoh format, one line per sentence pair, `i-j` links with the
source (English) word index first, counting from 0: `0-0 1-1 2-2 3-3`. Choose the aligner
**external** to use them.
"""


def upload_inputs(cols: list[Any]) -> dict[str, Any] | None:
    """The upload widgets; the uploaded files by role, or None until source and target are in."""
    limit = ud.max_upload_mb()
    files = {role: col.file_uploader(label, key=key, max_upload_size=limit)
             for role, col, label, key in zip(ud.ROLES, cols, LABELS,
                                              (ud.SOURCE, ud.TARGET, ud.ALIGNMENT))}
    st.caption(f"Up to {limit} MB per file (set PROJ_MAX_UPLOAD_MB to change). Files stay "
               "in memory; " + ("nothing is written (read-only demo)." if policy().read_only
                                else "only the runs you start are written to disk."))
    if files["source"] is None or files["target"] is None:
        st.info("Upload an English source file and a target file to start "
                "(the alignment file is optional).", icon=":material/upload_file:")
        return None
    return files


def path_inputs(cols: list[Any]) -> dict[str, str] | None:
    """Paths of files on the server (confined by the access policy, core/access.py)."""
    for col, label, key, name in zip(cols, LABELS, (ud.SOURCE_PATH, ud.TARGET_PATH,
                                                    ud.ALIGNMENT_PATH), ud.FILE_NAMES.values()):
        col.text_input(label, key=key, placeholder=f"/path/to/{name}")
    if policy().server_paths:
        st.caption(f"Files on this server that the app may read: {policy().describe()}.")
    else:
        st.warning("Files on this server are off: the app is served to other machines. Upload "
                   "your files instead (the person who starts the app can allow directories "
                   "with PROJ_ALLOWED_DIRS).", icon=":material/lock:")
    paths = {r: str(st.session_state.get(k) or "") for r, k in
             zip(ud.ROLES, (ud.SOURCE_PATH, ud.TARGET_PATH, ud.ALIGNMENT_PATH))}
    if not paths["source"].strip() or not paths["target"].strip():
        st.info("Give the paths of an English source file and a target file.",
                icon=":material/folder_open:")
        return None
    return paths


#: Where the files come from: radio value -> (label, widgets, reader of what they return).
MODES = {"upload": ("Upload", upload_inputs, ud.read_uploads),
         "path": ("Files on this machine", path_inputs, ud.read_paths)}


def file_inputs() -> tuple[UserData | None, str]:
    """The file widgets; returns the validated data (or None) and the target language."""
    mode = st.radio("Files", list(MODES), horizontal=True, key=ud.MODE,
                    format_func=lambda m: MODES[m][0])
    given = MODES[mode][1](list(st.columns(3)))
    c1, c2, c3 = st.columns(3)
    codes = sorted((c for c in LANGUAGES if c != "en"), key=lambda c: LANGUAGES[c].name)
    st.session_state.setdefault(ud.LANG, "pt")
    lang = c1.selectbox("Target language", codes, key=ud.LANG,
                        format_func=lambda c: f"{c} — {LANGUAGES[c].name}")
    kind = c2.selectbox("Target format", TARGET_KINDS, key=ud.KIND, format_func=KIND_NAMES.get,
                        help="'detect' reads plain text when the file has exactly one line "
                             "per source sentence, CoNLL otherwise")
    c3.text_input("Run name", value="upload", key=ud.NAME, max_chars=40,
                  help="The start of the run ids (letters, digits, - _ .)")
    with st.expander("File formats"):
        st.markdown(FORMAT_HELP)
    if given is None:
        return None, lang
    return MODES[mode][2](given, lang=lang, kind=kind), lang


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
    current = st.session_state.get(ud.ALIGNERS)
    # follow the default (e.g. an alignment file was added) unless the user chose otherwise
    if current is None or any(a not in choices for a in current) or (
            current == st.session_state.get(ud.ALIGNERS_DEFAULT) and current != default):
        st.session_state[ud.ALIGNERS] = default
    st.session_state[ud.ALIGNERS_DEFAULT] = default
    st.session_state.setdefault(ud.METHODS, ["heuristic"])
    c1, c2 = st.columns(2)
    aligners = c1.multiselect(
        "Aligners", choices, key=ud.ALIGNERS,
        format_func=lambda a: "external (uploaded Pharaoh)" if a == EXTERNAL else a,
        help="external = your uploaded links; me5-small = offline multilingual-e5-small "
             "embeddings; eflomal (priors) only for languages with a training corpus")
    methods = c2.multiselect("Projection methods", list(METHODS), key=ud.METHODS,
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
    if st.radio("What do you have?", ["project", "imported"], horizontal=True, key="ud_have",
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
                         disabled=not ready, key="ud_run", icon=":material/play_arrow:"):
                yd.submit(data, lang, aligners, methods)
    with yd.shown_errors("your runs"):
        yd.wait_pending()
    yd.show_results()


with guard("the Your-data page"):
    main()
