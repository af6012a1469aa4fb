"""The server's work queue (:mod:`core.workqueue`) for the pages: one queue per server process,
the session's place in line and progress drawn while it waits, and closed tabs detected.

- Workers: ``PROJ_WORKERS`` (default: half the cores, at least 1 — one on a 2-core machine).
- A session is *alive* while Streamlit's runtime lists it as active (its browser tab is
  connected); under AppTest and in scripts there is no runtime and every session is alive.
  When a tab is closed, its queued jobs are dropped and its running job is cancelled at its
  next progress report (after a grace of ``PROJ_QUEUE_GRACE_S``, default 3 s).
- A session may have two jobs in the queue at once (one Your-data run, one playground call);
  the line holds at most ``PROJ_QUEUE_MAX`` jobs (default 64).

Jobs run on worker threads without a Streamlit script context: they must not draw anything.
They load models through the ``st.cache_resource`` loaders of :mod:`ui.playground`, which work
from any thread.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable

import streamlit as st

from core.errors import ProjectError
from core.workqueue import Cancelled, Job, WorkQueue

WORKERS_ENV = "PROJ_WORKERS"
GRACE_ENV = "PROJ_QUEUE_GRACE_S"
MAX_ENV = "PROJ_QUEUE_MAX"
THREAD_PREFIX = "proj-work"
POLL_S = 0.25
QUIET_S = 0.3


def _int_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ProjectError(f"{name}={raw!r} is not a whole number", setting=name) from None
    if value < minimum:
        raise ProjectError(f"{name} must be at least {minimum}", setting=name)
    return value


def workers() -> int:
    """``$PROJ_WORKERS`` or half the cores (at least 1)."""
    return _int_env(WORKERS_ENV, max(1, (os.cpu_count() or 2) // 2))


def session_id() -> str:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def session_alive(sid: str) -> bool:
    """Whether the browser session ``sid`` is still connected (True without a runtime)."""
    from ui.access import real_runtime

    rt = real_runtime()
    return True if rt is None else bool(rt.is_active_session(sid))  # type: ignore[attr-defined]


class _WorkerThreadFilter(logging.Filter):
    """Drop Streamlit's "missing ScriptRunContext" warning for our worker threads, which call
    the cached model loaders on purpose without a script context."""

    def filter(self, record: logging.LogRecord) -> bool:
        import threading

        return not (threading.current_thread().name.startswith(THREAD_PREFIX)
                    and "ScriptRunContext" in record.getMessage())


@st.cache_resource(show_spinner=False)
def _queue(n_workers: int, grace_s: float, max_queued: int) -> WorkQueue:
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context") \
        .addFilter(_WorkerThreadFilter())
    return WorkQueue(n_workers, alive=session_alive, per_session=2, max_queued=max_queued,
                     grace_s=grace_s, name=THREAD_PREFIX)


def queue() -> WorkQueue:
    """The server's queue (one per process and settings)."""
    grace = float(os.environ.get(GRACE_ENV, "").strip() or 3.0)
    return _queue(workers(), grace, _int_env(MAX_ENV, 64))


def submit(key: str, label: str, fn: Callable[[Job], Any]) -> Job:
    """Put ``fn`` in line for this session, its id stored under ``key`` in session state (an
    unfinished job of this session under the same key is cancelled: it is replaced)."""
    job = queue().submit(session_id(), label, fn, key=key)
    st.session_state[key] = job.id
    return job


def pending(key: str) -> Job | None:
    """The job whose id is stored under ``key`` in session state, if the queue still has it."""
    job = queue().get(st.session_state.get(key))
    if job is None:
        st.session_state.pop(key, None)
    return job


def wait(job: Job, *, what: str, key: str) -> Any:
    """Draw the job's place in line, then its progress, until it finishes; return its result
    (its error is raised, :class:`ProjectError` for a cancelled job). A "Cancel" button
    (``<key>_cancel``) cancels it; a rerun meanwhile interrupts only the drawing — call this
    again with :func:`pending` to pick the job up."""
    q = queue()
    if st.session_state.get(f"{key}_cancel"):
        q.cancel(job)
    box = st.empty()
    shown = None
    if not job.wait(QUIET_S):  # quick calls draw nothing
        with box.container():
            line = st.empty()
            st.button("Cancel", key=f"{key}_cancel", icon=":material/cancel:")
        while not job.wait(POLL_S if shown is not None else 0.0):
            pos = q.position(job)
            if pos:
                text = (f"{what}: waiting in the queue — place {pos} of {q.queued()} "
                        f"({q.running()} running on {q.workers} worker"
                        f"{'s' if q.workers != 1 else ''}, {job.wait_s:.0f} s so far)")
                if text != shown:
                    line.info(text, icon=":material/hourglass_top:")
            else:
                text = f"{what}: {job.message or 'starting…'}"
                if text != shown:
                    line.progress(job.fraction, text=text)
            shown = text
    box.empty()
    st.session_state.pop(key, None)
    try:
        return q.take(job)
    except Cancelled:
        raise ProjectError(f"{what}: cancelled") from None


def call(key: str, label: str, fn: Callable[[Job], Any], *, what: str) -> Any:
    """Run ``fn`` through the queue and wait for it (a playground model call). A job of this
    session already under ``key`` with the same ``label`` is waited for instead of submitting
    it again (the page was rerun while it waited); one with another label is cancelled."""
    job = pending(key)
    if job is not None and job.label != label:
        queue().cancel(job)
        job = None
    if job is None:
        job = submit(key, label, fn)
    return wait(job, what=what, key=key)
