"""Your-data runs through the work queue, and their results: runs on disk (links to the
inspector) or, in the read-only demo mode, results kept in memory and inspected on the page.

A run of the page is one queued job (:mod:`ui.work_queue`) over every chosen aligner × method.
Its id is kept in session state under :data:`ui.upload.JOB`, so a rerun while it waits (a
widget changed, the page was left and opened again) picks it up again.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from typing import Any, Iterator

import streamlit as st

from core.access import markdown_literal
from core.errors import ProjectError
from core.records import record_to_dict
from core.resources import LANGUAGES
from core.userdata import (EXTERNAL, TARGET_KINDS, UserData, check_session_size,
                           project_user_data, run_user_data)
from ui import state as S
from ui import playground as pg
from ui import upload as ud
from ui import work_queue as wq
from ui.access import policy

INSPECTOR = "pages/inspector.py"
log = logging.getLogger(__name__)


def error_text(exc: ProjectError) -> str:
    """An error about the visitor's files as markdown that shows exactly its text: a file
    name, token or path cannot become a link, an image or a tag, and a message quoting a
    huge token is cut."""
    return markdown_literal(str(exc), limit=600)


@contextmanager
def shown_errors(what: str) -> Iterator[None]:
    """Like :func:`ui.widgets.guard`, for the Your-data page: user errors shown literally
    (:func:`error_text`); an unexpected exception by its type only (its message might quote
    a file), the details in the server log."""
    try:
        yield
    except ProjectError as exc:
        st.error(error_text(exc), icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - the app never shows a traceback
        log.exception("unexpected error in %s", what)
        st.error(f"Unexpected error in {what} ({type(exc).__name__}); the details are in the "
                 "server log.", icon=":material/bug_report:")
        from ui.widgets import _raise_unexpected

        if _raise_unexpected():  # under the tests, as ui.widgets.guard does
            raise


def _job(data: UserData, lang: str, aligners: list[str], methods: list[str], name: str,
         read_only: bool) -> Any:
    """The queued work: every aligner × method, on a worker thread (draws nothing)."""
    root = ud.user_runs_root()
    combos = [(a, m) for a in aligners for m in methods]

    def run(job: Any) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        size = 0
        for k, (aligner, method) in enumerate(combos):
            label = f"{aligner} · {method}"

            def progress(step: str, done: int, total: int, k: int = k, label: str = label
                         ) -> None:
                frac = (k + (done / total if total else 1.0)) / len(combos)
                job.report(frac, f"{label}: {done}/{total} sentences")

            job.report(k / len(combos), f"{label}: loading the aligner…")
            obj = None if aligner == EXTERNAL else pg.load_aligner(aligner, lang)
            row: dict[str, Any] = {"aligner": aligner, "method": method, "lang": lang}
            if read_only:
                records, metrics = project_user_data(data, aligner=aligner, method=method,
                                                     aligner_obj=obj, name=name,
                                                     progress=progress)
                size += sum(len(json.dumps(record_to_dict(r))) for r in records)
                check_session_size("the results kept in memory", size)
                row.update(run_id=None, records=records, new=True)
            else:
                from core.runs import read_run

                path, created = run_user_data(data, root, aligner=aligner, method=method,
                                              aligner_obj=obj, progress=progress, name=name)
                metrics = dict(read_run(root, path.name).metrics)
                row.update(run_id=path.name, new=created)
            overall = metrics.get("overall") or {}
            row.update(f1=overall.get("f1"), proj_ratio=metrics.get("proj_ratio"))
            results.append(row)
        job.report(1.0, f"done: {len(combos)} run(s)")
        return results
    return run


def runs_root_shown() -> str:
    """Where runs go, as shown on the page: relative to the repository when inside it (a
    served app does not show visitors its absolute paths)."""
    from core.paths import REPO_ROOT

    root = ud.user_runs_root()
    try:
        return str(root.resolve().relative_to(REPO_ROOT)) + "/"
    except ValueError:
        return root.name + "/" if policy().served else str(root)


def submit(data: UserData, lang: str, aligners: list[str], methods: list[str]) -> None:
    """Queue a run of every aligner × method over ``data`` for this session."""
    name = str(st.session_state.get(S.UD_NAME) or "upload")
    st.session_state.pop(S.UD_RESULTS, None)  # a new run replaces the results kept so far
    wq.submit(S.UD_JOB, f"your data: {len(aligners) * len(methods)} run(s)",
              _job(data, lang, aligners, methods, name, policy().read_only))


def wait_pending() -> None:
    """If this session has a queued run: show its place in line and progress until it ends,
    then keep its results (errors are raised as :class:`ProjectError`)."""
    job = wq.pending(S.UD_JOB)
    if job is None:
        return
    results = wq.wait(job, what="Your runs", key=S.UD_JOB)
    st.session_state[S.UD_RESULTS] = results
    st.session_state[S.UD_TIMES] = (job.wait_s, job.run_s)
    if results and results[0]["run_id"] is not None:
        ud.make_root_visible(ud.user_runs_root())


def show_results() -> None:
    results = st.session_state.get(S.UD_RESULTS) or []
    if not results:
        return
    st.subheader("Runs" if results[0]["run_id"] is not None else "Results (in memory)")
    times = st.session_state.get(S.UD_TIMES)
    if times:
        st.caption(f"Waited {times[0]:.1f} s in the queue, ran {times[1]:.1f} s.")
    for k, r in enumerate(results):
        c1, c2 = st.columns([4, 2], vertical_alignment="center")
        scores = f"proj_ratio {100 * (r['proj_ratio'] or 0):.0f}%"
        if r["f1"] is not None:
            scores = f"F1 {100 * r['f1']:.1f} · " + scores
        if r["run_id"] is None:
            c1.markdown(f"**{r['aligner']} · {r['method']}** — {scores}")
            c2.button("Inspect here", key=f"ud_inspect_{k}", icon=":material/search:",
                      on_click=st.session_state.__setitem__, args=(S.UD_INSPECT, k))
            continue
        state = "new" if r["new"] else "already existed"
        c1.markdown(f"**{r['aligner']} · {r['method']}** — {scores} ({state}: "
                    f"`{r['run_id']}`)")
        c2.page_link(INSPECTOR, label="Open in inspector", icon=":material/search:",
                     query_params={"run": r["run_id"], "lang": r["lang"]})
    if results[0]["run_id"] is None:
        inspect_in_memory(results)


def inspect_in_memory(results: list[dict[str, Any]]) -> None:
    """Read-only mode: one sentence of an in-memory result, drawn like the playground."""
    k = st.session_state.get(S.UD_INSPECT, 0)
    if not isinstance(k, int) or not 0 <= k < len(results):
        k = 0
    r = results[k]
    records = r["records"]
    st.markdown(f"**{r['aligner']} · {r['method']}** — nothing was written: the results live "
                "in this browser session only.")
    sid = st.selectbox("Sentence", range(len(records)), key=S.UD_INSPECT_SID,
                       format_func=lambda i: f"{i + 1}: {' '.join(records[i].source.words)[:80]}")
    sid = sid if sid is not None and sid < len(records) else 0
    pg.show_sentence([records[sid]], [r["aligner"]], r["method"],
                     records[sid].gold is not None, "your source file", prefix="ud_")


LABELS = ("English source (CoNLL, labelled)", "Target words or translations",
          "Alignments (Pharaoh, optional)")


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
                                              (S.UD_SOURCE, S.UD_TARGET, S.UD_ALIGNMENT))}
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
    for col, label, key, name in zip(cols, LABELS, (S.UD_SOURCE_PATH, S.UD_TARGET_PATH,
                                                    S.UD_ALIGNMENT_PATH), ud.FILE_NAMES.values()):
        col.text_input(label, key=key, placeholder=f"/path/to/{name}")
    if policy().server_paths:
        st.caption(f"Files on this server that the app may read: {policy().describe()}.")
    else:
        st.warning("Files on this server are off: the app is served to other machines. Upload "
                   "your files instead (the person who starts the app can allow directories "
                   "with PROJ_ALLOWED_DIRS).", icon=":material/lock:")
    paths = {r: str(st.session_state.get(k) or "") for r, k in
             zip(ud.ROLES, (S.UD_SOURCE_PATH, S.UD_TARGET_PATH, S.UD_ALIGNMENT_PATH))}
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
    mode = st.radio("Files", list(MODES), horizontal=True, key=S.UD_MODE,
                    format_func=lambda m: MODES[m][0])
    given = MODES[mode][1](list(st.columns(3)))
    c1, c2, c3 = st.columns(3)
    codes = sorted((c for c in LANGUAGES if c != "en"), key=lambda c: LANGUAGES[c].name)
    st.session_state.setdefault(S.UD_LANG, "pt")
    lang = c1.selectbox("Target language", codes, key=S.UD_LANG,
                        format_func=lambda c: f"{c} — {LANGUAGES[c].name}")
    kind = c2.selectbox("Target format", TARGET_KINDS, key=S.UD_KIND, format_func=KIND_NAMES.get,
                        help="'detect' reads plain text when the file has exactly one line "
                             "per source sentence, CoNLL otherwise")
    c3.text_input("Run name", value="upload", key=S.UD_NAME, max_chars=40,
                  help="The start of the run ids (letters, digits, - _ .)")
    with st.expander("File formats"):
        st.markdown(FORMAT_HELP)
    if given is None:
        return None, lang
    return MODES[mode][2](given, lang=lang, kind=kind), lang
