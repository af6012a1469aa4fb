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
from core.userdata import (EXTERNAL, UserData, check_session_size, project_user_data,
                           run_user_data)
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
    name = str(st.session_state.get(ud.NAME) or "upload")
    st.session_state.pop(ud.RESULTS, None)  # a new run replaces the results kept so far
    wq.submit(ud.JOB, f"your data: {len(aligners) * len(methods)} run(s)",
              _job(data, lang, aligners, methods, name, policy().read_only))


def wait_pending() -> None:
    """If this session has a queued run: show its place in line and progress until it ends,
    then keep its results (errors are raised as :class:`ProjectError`)."""
    job = wq.pending(ud.JOB)
    if job is None:
        return
    results = wq.wait(job, what="Your runs", key=ud.JOB)
    st.session_state[ud.RESULTS] = results
    st.session_state[ud.TIMES] = (job.wait_s, job.run_s)
    if results and results[0]["run_id"] is not None:
        ud.make_root_visible(ud.user_runs_root())


def show_results() -> None:
    results = st.session_state.get(ud.RESULTS) or []
    if not results:
        return
    st.subheader("Runs" if results[0]["run_id"] is not None else "Results (in memory)")
    times = st.session_state.get(ud.TIMES)
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
                      on_click=st.session_state.__setitem__, args=(ud.INSPECT, k))
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
    k = st.session_state.get(ud.INSPECT, 0)
    if not isinstance(k, int) or not 0 <= k < len(results):
        k = 0
    r = results[k]
    records = r["records"]
    st.markdown(f"**{r['aligner']} · {r['method']}** — nothing was written: the results live "
                "in this browser session only.")
    sid = st.selectbox("Sentence", range(len(records)), key=ud.INSPECT_SID,
                       format_func=lambda i: f"{i + 1}: {' '.join(records[i].source.words)[:80]}")
    sid = sid if sid is not None and sid < len(records) else 0
    pg.show_sentence([records[sid]], [r["aligner"]], r["method"],
                     records[sid].gold is not None, "your source file", prefix="ud_")
