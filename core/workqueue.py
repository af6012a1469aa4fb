"""A small work queue for heavy work shared by many sessions (pure; no Streamlit).

Heavy jobs (a Your-data run, a playground model call) wait in one first-come-first-served
line and run on a fixed number of worker threads, so several visitors do not pile model calls
on the same two cores. Each job belongs to a *session*:

- a session may have at most ``per_session`` jobs queued or running (``QueueFull`` otherwise),
  and the line holds at most ``max_queued`` jobs;
- a job reports its progress through :meth:`Job.report`, which is also where a running job is
  cancelled (it raises :class:`Cancelled` once cancellation is requested);
- a *reaper* thread asks ``alive(session)`` every ``reap_every`` seconds; a session that has
  been gone for ``grace_s`` seconds (its browser tab was closed) has its queued jobs removed
  and its running job cancelled. Finished jobs are kept until fetched, for at most
  ``keep_s`` seconds, so results of a vanished session do not accumulate.

:class:`WorkQueue` records, per job, the seconds it waited in line (``wait_s``) and ran
(``run_s``); :meth:`WorkQueue.stats` sums them up.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from core.errors import ProjectError

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)


class Cancelled(Exception):
    """Raised inside a job (by :meth:`Job.report`) once its cancellation was requested."""


class QueueFull(ProjectError):
    """The session (or the whole queue) already has as many jobs as allowed."""


@dataclass(eq=False)
class Job:
    """One unit of heavy work: ``fn(job)`` runs on a worker thread; its return value becomes
    ``result`` and an exception ``error``."""

    id: str
    session: str
    label: str
    fn: Callable[["Job"], Any]
    key: str = ""
    submitted: float = field(default_factory=time.monotonic)
    state: str = QUEUED
    started: float | None = None
    finished: float | None = None
    fraction: float = 0.0
    message: str = ""
    result: Any = None
    error: BaseException | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def report(self, fraction: float | None = None, message: str | None = None) -> None:
        """Progress from inside the job; raises :class:`Cancelled` once cancelled."""
        if self._cancel.is_set():
            raise Cancelled(self.id)
        if fraction is not None:
            self.fraction = max(0.0, min(1.0, float(fraction)))
        if message is not None:
            self.message = message

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def finished_state(self) -> bool:
        return self.state in FINISHED

    @property
    def wait_s(self) -> float:
        """Seconds spent in line (so far, while still queued)."""
        end = self.started if self.started is not None else (
            self.finished if self.finished is not None else time.monotonic())
        return end - self.submitted

    @property
    def run_s(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished if self.finished is not None else time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (or ``timeout``); True when finished."""
        return self._done.wait(timeout)


class WorkQueue:
    """First-come-first-served jobs on ``workers`` threads (see the module docstring)."""

    def __init__(self, workers: int = 1, *, alive: Callable[[str], bool] | None = None,
                 per_session: int = 1, max_queued: int = 64, grace_s: float = 3.0,
                 reap_every: float = 1.0, keep_s: float = 600.0, name: str = "proj-work"
                 ) -> None:
        if workers < 1:
            raise ProjectError(f"{workers} workers: need at least 1", setting="workers")
        self.workers = workers
        self.per_session = per_session
        self.max_queued = max_queued
        self.grace_s = grace_s
        self.keep_s = keep_s
        self._alive = alive
        self._line: deque[Job] = deque()
        self._jobs: dict[str, Job] = {}
        self._gone_since: dict[str, float] = {}
        self._cv = threading.Condition()
        self._ids = itertools.count(1)
        self._closed = False
        self._stop = threading.Event()
        self.finished: list[dict[str, Any]] = []   # per finished job: wait_s, run_s, state
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{k}", daemon=True)
                         for k in range(workers)]
        self._threads.append(threading.Thread(target=self._reap_loop, args=(reap_every,),
                                              name=f"{name}-reaper", daemon=True))
        for t in self._threads:
            t.start()

    # -- submitting and looking -------------------------------------------------------------

    def submit(self, session: str, label: str, fn: Callable[[Job], Any], *, key: str = ""
               ) -> Job:
        """Put ``fn`` in line for ``session``. A ``key`` names a slot of the session (e.g. a
        page): an unfinished job of the same session and key is cancelled first (replaced)."""
        if key:
            with self._cv:
                old = [j for j in self._jobs.values() if j.session == session
                       and j.key == key and not j.finished_state]
            for j in old:
                self.cancel(j)
                with self._cv:
                    self._jobs.pop(j.id, None)
        with self._cv:
            if self._closed:
                raise ProjectError("the work queue is shut down")
            mine = [j for j in self._jobs.values()
                    if j.session == session and not j.finished_state]
            if len(mine) >= self.per_session:
                raise QueueFull("this session already has work in the queue: wait for it or "
                                "cancel it", setting="queue")
            if len(self._line) >= self.max_queued:
                raise QueueFull(f"the server is busy ({len(self._line)} jobs waiting): try "
                                "again in a minute", setting="queue")
            job = Job(f"job-{next(self._ids)}", session, label, fn, key)
            self._jobs[job.id] = job
            self._line.append(job)
            self._cv.notify()
            return job

    def get(self, job_id: str | None) -> Job | None:
        with self._cv:
            return self._jobs.get(job_id) if job_id else None

    def position(self, job: Job) -> int:
        """1 for the first job in line, 2 for the next, ...; 0 when running or finished."""
        with self._cv:
            try:
                return self._line.index(job) + 1
            except ValueError:
                return 0

    def queued(self) -> int:
        with self._cv:
            return len(self._line)

    def running(self) -> int:
        with self._cv:
            return sum(j.state == RUNNING for j in self._jobs.values())

    def take(self, job: Job) -> Any:
        """The finished job's result (its error is raised); the job is then forgotten."""
        job.wait()
        with self._cv:
            self._jobs.pop(job.id, None)
        if job.state == CANCELLED:
            raise Cancelled(job.id)
        if job.error is not None:
            raise job.error
        return job.result

    # -- cancelling --------------------------------------------------------------------------

    def cancel(self, job: Job) -> None:
        with self._cv:
            if job.state == QUEUED:
                self._line.remove(job)
                self._finish(job, CANCELLED)
            job._cancel.set()

    def cancel_session(self, session: str) -> int:
        """Cancel every unfinished job of ``session``; returns how many."""
        with self._cv:
            jobs = [j for j in self._jobs.values()
                    if j.session == session and not j.finished_state]
        for j in jobs:
            self.cancel(j)
        return len(jobs)

    def reap(self, now: float | None = None) -> int:
        """One reaper pass: cancel the work of sessions gone for ``grace_s``, forget finished
        jobs older than ``keep_s``. Returns the number of jobs cancelled."""
        now = time.monotonic() if now is None else now
        with self._cv:
            sessions = {j.session for j in self._jobs.values()}
            old = [j for j in self._jobs.values() if j.finished_state
                   and j.finished is not None and now - j.finished > self.keep_s]
            for j in old:
                self._jobs.pop(j.id, None)
        n = 0
        for s in sessions:
            if self._alive is None or self._alive(s):
                self._gone_since.pop(s, None)
                continue
            since = self._gone_since.setdefault(s, now)
            if now - since >= self.grace_s:
                n += self.cancel_session(s)
                with self._cv:  # nobody will fetch their results
                    for j in [j for j in self._jobs.values()
                              if j.session == s and j.finished_state]:
                        self._jobs.pop(j.id, None)
                self._gone_since.pop(s, None)
        return n

    def shutdown(self) -> None:
        with self._cv:
            self._closed = True
            self._stop.set()
            for j in list(self._line):
                self._finish(j, CANCELLED)
            self._line.clear()
            for j in self._jobs.values():
                j._cancel.set()
            self._cv.notify_all()

    def stats(self) -> dict[str, Any]:
        with self._cv:
            done = list(self.finished)
        waits = [d["wait_s"] for d in done]
        return {"workers": self.workers, "finished": len(done),
                "failed": sum(d["state"] == FAILED for d in done),
                "cancelled": sum(d["state"] == CANCELLED for d in done),
                "max_wait_s": max(waits, default=0.0)}

    # -- threads -----------------------------------------------------------------------------

    def _finish(self, job: Job, state: str) -> None:
        """Mark finished (caller holds the lock)."""
        job.state = state
        job.finished = time.monotonic()
        self.finished.append({"label": job.label, "state": state,
                              "wait_s": round(job.wait_s, 3), "run_s": round(job.run_s, 3)})
        del self.finished[:-1000]
        job._done.set()

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._line and not self._closed:
                    self._cv.wait()
                if self._closed:
                    return
                job = self._line.popleft()
                job.state = RUNNING
                job.started = time.monotonic()
            state = DONE
            try:
                job.result = job.fn(job)
                if job.cancel_requested:
                    state = CANCELLED
            except Cancelled:
                state = CANCELLED
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting session
                job.error = exc
                state = FAILED
            with self._cv:
                self._finish(job, state)

    def _reap_loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.reap()
            except Exception:  # noqa: BLE001 - a liveness probe must not kill the reaper
                pass
