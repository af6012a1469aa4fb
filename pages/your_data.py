"""Your data: project the entities of your own files, then inspect the result.

Upload (or point to) an English CoNLL source, the target words or translations, and optionally
Pharaoh alignments; choose aligners and methods; each combination becomes a run in the user runs
root (``runs/`` or ``$PROJ_RUNS``) with a link to the inspector.
"""

from __future__ import annotations

import streamlit as st

from core.errors import ProjectError
from core.projection.registry import NEEDS_TARGET_NER, describe
from core.resources import LANGUAGES
from core.userdata import EXTERNAL, TARGET_KINDS, UserData, run_user_data
from core.viz.colors import TYPE_COLORS
from core.viz.spans import Mark, sentences_html
from ui import playground as pg
from ui import upload as ud
from ui.widgets import guard

INSPECTOR = "pages/inspector.py"
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


def file_inputs() -> tuple[UserData | None, str]:
    """The file widgets; returns the validated data (or None) and the target language."""
    mode = st.radio("Files", ["upload", "path"], horizontal=True, key=ud.MODE,
                    format_func={"upload": "Upload", "path": "Files on this machine"}.get)
    c1, c2, c3 = st.columns(3)
    limit = ud.max_upload_mb()
    if mode == "upload":
        src = c1.file_uploader("English source (CoNLL, labelled)", key=ud.SOURCE,
                               max_upload_size=limit)
        tgt = c2.file_uploader("Target words or translations", key=ud.TARGET,
                               max_upload_size=limit)
        al = c3.file_uploader("Alignments (Pharaoh, optional)", key=ud.ALIGNMENT,
                              max_upload_size=limit)
        st.caption(f"Up to {limit} MB per file (set PROJ_MAX_UPLOAD_MB to change). Files stay "
                   "in memory; only the runs you start are written to disk.")
    else:
        c1.text_input("English source (CoNLL, labelled)", key=ud.SOURCE_PATH,
                      placeholder="/path/to/source.conll")
        c2.text_input("Target words or translations", key=ud.TARGET_PATH,
                      placeholder="/path/to/target.conll")
        c3.text_input("Alignments (Pharaoh, optional)", key=ud.ALIGNMENT_PATH,
                      placeholder="/path/to/alignments.txt")
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
    if mode == "upload":
        files = {"source": src, "target": tgt, "alignment": al}
        if src is None or tgt is None:
            st.info("Upload an English source file and a target file to start "
                    "(the alignment file is optional).", icon=":material/upload_file:")
            return None, lang
        return ud.read_uploads(files, lang=lang, kind=kind), lang
    paths = {r: st.session_state.get(k, "") for r, k in
             zip(ud.ROLES, (ud.SOURCE_PATH, ud.TARGET_PATH, ud.ALIGNMENT_PATH))}
    if not paths["source"].strip() or not paths["target"].strip():
        st.info("Give the paths of an English source file and a target file.",
                icon=":material/folder_open:")
        return None, lang
    return ud.read_paths(paths, lang=lang, kind=kind), lang


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


def run_all(data: UserData, lang: str, aligners: list[str], methods: list[str]) -> None:
    root = ud.user_runs_root()
    combos = [(a, m) for a in aligners for m in methods]
    bar = st.progress(0.0, text="Starting…")
    results = []
    for k, (aligner, method) in enumerate(combos):
        label = f"{aligner} · {method}"

        def progress(step: str, done: int, total: int, k: int = k, label: str = label) -> None:
            frac = (k + (done / total if total else 1.0)) / len(combos)
            bar.progress(min(frac, 1.0), text=f"{label}: {done}/{total} sentences")

        bar.progress(k / len(combos), text=f"{label}: loading…")
        obj = None if aligner == EXTERNAL else pg.load_aligner(aligner, lang)
        path, created = run_user_data(data, root, aligner=aligner, method=method,
                                      aligner_obj=obj, progress=progress,
                                      name=st.session_state.get(ud.NAME) or "upload")
        from core.runs import read_run

        info = read_run(root, path.name)
        overall = info.metrics.get("overall") or {}
        results.append({"run_id": path.name, "aligner": aligner, "method": method,
                        "lang": lang, "f1": overall.get("f1"),
                        "proj_ratio": info.metrics.get("proj_ratio"), "new": created})
    bar.progress(1.0, text=f"Done: {len(combos)} run(s) in {root}")
    ud.make_root_visible(root)
    st.session_state[ud.RESULTS] = results


def show_results() -> None:
    results = st.session_state.get(ud.RESULTS) or []
    if not results:
        return
    st.subheader("Runs")
    for r in results:
        c1, c2 = st.columns([4, 2], vertical_alignment="center")
        scores = f"proj_ratio {100 * (r['proj_ratio'] or 0):.0f}%"
        if r["f1"] is not None:
            scores = f"F1 {100 * r['f1']:.1f} · " + scores
        state = "new" if r["new"] else "already existed"
        c1.markdown(f"**{r['aligner']} · {r['method']}** — {scores} ({state}: "
                    f"`{r['run_id']}`)")
        c2.page_link(INSPECTOR, label="Open in inspector", icon=":material/search:",
                     query_params={"run": r["run_id"], "lang": r["lang"]})


def main() -> None:
    st.title("Your data")
    st.caption("Project the entities of your own English CoNLL file onto your translations, "
               "then inspect every sentence. Runs are stored like any other run, in "
               f"`{ud.user_runs_root()}`.")
    data, lang = file_inputs()
    if data is None:
        show_results()
        return
    summary(data)
    aligners, methods = run_choices(data, lang)
    ready = bool(aligners and methods and data.n_entities)
    n = len(aligners) * len(methods)
    if st.button(f"Run {n} projection{'s' if n != 1 else ''}", type="primary",
                 disabled=not ready, key="ud_run", icon=":material/play_arrow:"):
        try:
            run_all(data, lang, aligners, methods)
        except ProjectError as exc:
            st.error(str(exc))
    show_results()


with guard("the Your-data page"):
    main()
