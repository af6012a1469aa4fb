"""The work queue (issue 15): first come first served on a fixed number of workers, places in
line, progress, cancellation by the session or when its tab is closed, per-session and total
limits; the Streamlit side: liveness from the runtime, the Your-data page's runs and the
playground's model calls going through it."""

from __future__ import annotations

import threading
import time

import pytest

from core.errors import ProjectError
from core.workqueue import CANCELLED, DONE, FAILED, Cancelled, QueueFull, WorkQueue


def _until(cond, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.01)


def _blocker(gate: threading.Event, steps: int = 1000):
    def fn(job):
        for k in range(steps):
            job.report(k / steps, f"step {k}")
            if gate.wait(0.01):
                return job.session
        return job.session
    return fn


def test_one_worker_runs_jobs_in_order_with_places_and_progress() -> None:
    q = WorkQueue(1, reap_every=60)
    gate = threading.Event()
    a = q.submit("a", "a", _blocker(gate))
    b = q.submit("b", "b", _blocker(gate))
    c = q.submit("c", "c", _blocker(gate))
    _until(lambda: a.state == "running" and a.message)
    assert (q.position(a), q.position(b), q.position(c)) == (0, 1, 2)
    assert q.running() == 1 and q.queued() == 2
    assert 0.0 <= a.fraction < 1.0 and a.message.startswith("step")
    gate.set()
    assert [q.take(j) for j in (a, b, c)] == ["a", "b", "c"]
    assert b.started >= a.finished and c.started >= b.finished
    assert q.stats()["finished"] == 3 and q.stats()["max_wait_s"] >= 0
    q.shutdown()


def test_two_workers_run_two_jobs_at_once() -> None:
    q = WorkQueue(2, reap_every=60)
    gate = threading.Event()
    jobs = [q.submit(s, s, _blocker(gate)) for s in "abc"]
    _until(lambda: q.running() == 2)
    assert q.position(jobs[2]) == 1
    gate.set()
    assert sorted(q.take(j) for j in jobs) == ["a", "b", "c"]
    q.shutdown()


def test_limits_per_session_and_in_total() -> None:
    q = WorkQueue(1, per_session=1, max_queued=2, reap_every=60)
    gate = threading.Event()
    a = q.submit("a", "a", _blocker(gate))
    _until(lambda: a.state == "running")
    with pytest.raises(QueueFull, match="already has work"):
        q.submit("a", "again", _blocker(gate))
    q.submit("b", "b", _blocker(gate))
    q.submit("c", "c", _blocker(gate))
    with pytest.raises(QueueFull, match="busy"):
        q.submit("d", "d", _blocker(gate))
    gate.set()
    q.shutdown()


def test_a_key_replaces_the_sessions_earlier_job() -> None:
    q = WorkQueue(1, per_session=1, reap_every=60)
    gate = threading.Event()
    first = q.submit("x", "running", _blocker(gate))
    old = q.submit("a", "old", _blocker(gate), key="page")
    new = q.submit("a", "new", _blocker(gate), key="page")
    assert old.state == CANCELLED and q.get(old.id) is None
    gate.set()
    assert q.take(new) == "a" and q.take(first) == "x"
    q.shutdown()


def test_cancel_a_queued_and_a_running_job() -> None:
    q = WorkQueue(1, reap_every=60)
    gate = threading.Event()
    a = q.submit("a", "a", _blocker(gate, steps=10_000))
    b = q.submit("b", "b", _blocker(gate))
    _until(lambda: a.state == "running")
    q.cancel(b)
    assert b.state == CANCELLED and q.position(b) == 0
    q.cancel(a)  # cooperative: the next report raises Cancelled
    assert a.wait(5) and a.state == CANCELLED
    with pytest.raises(Cancelled):
        q.take(a)
    q.shutdown()


def test_closed_tab_cancels_its_work_after_the_grace() -> None:
    alive = {"a": True, "b": True}
    q = WorkQueue(1, alive=lambda s: alive[s], grace_s=0.2, reap_every=0.05)
    gate = threading.Event()
    a = q.submit("a", "a", _blocker(gate, steps=100_000))
    b = q.submit("b", "b", _blocker(gate))
    _until(lambda: a.state == "running")
    alive["b"] = False                       # b's tab closes while b waits in line
    _until(lambda: b.state == CANCELLED, 3)
    assert a.state == "running"              # a's session is alive: untouched
    alive["a"] = False                       # a's tab closes while a runs
    _until(lambda: a.state == CANCELLED, 3)
    _until(lambda: q.get(a.id) is None and q.get(b.id) is None, 3)  # nobody will fetch them
    q.shutdown()


def test_a_brief_disconnect_within_the_grace_keeps_the_job() -> None:
    alive = {"a": True}
    q = WorkQueue(1, alive=lambda s: alive[s], grace_s=1.0, reap_every=0.05)
    gate = threading.Event()
    a = q.submit("a", "a", _blocker(gate, steps=100_000))
    alive["a"] = False
    time.sleep(0.3)
    alive["a"] = True
    time.sleep(1.0)
    assert a.state == "running"
    gate.set()
    assert q.take(a) == "a"
    q.shutdown()


def test_errors_reach_the_waiting_session() -> None:
    q = WorkQueue(1, reap_every=60)

    def boom(job):
        raise ProjectError("bad file", path="x.conll", line=3)

    j = q.submit("a", "a", boom)
    assert j.wait(5) and j.state == FAILED
    with pytest.raises(ProjectError, match="x.conll:3"):
        q.take(j)
    ok = q.submit("a", "b", lambda job: 42)
    assert q.take(ok) == 42 and ok.state == DONE
    q.shutdown()


def test_streamlit_liveness_and_workers(monkeypatch) -> None:
    import ui.access
    import ui.work_queue as wq

    assert wq.session_alive("anyone")        # no runtime (tests, scripts): alive

    class FakeRuntime:
        def is_active_session(self, sid):
            return sid == "open-tab"

    monkeypatch.setattr(ui.access, "real_runtime", lambda: FakeRuntime())
    assert wq.session_alive("open-tab") and not wq.session_alive("closed-tab")
    monkeypatch.setenv("PROJ_WORKERS", "3")
    assert wq.workers() == 3
    monkeypatch.setenv("PROJ_WORKERS", "0")
    with pytest.raises(ProjectError, match="PROJ_WORKERS"):
        wq.workers()
    monkeypatch.delenv("PROJ_WORKERS")
    assert wq.workers() >= 1


def test_your_data_runs_go_through_the_queue(tmp_path, monkeypatch) -> None:
    """The Your-data page submits its run to the queue and shows how long it waited."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    import ui.work_queue as wq

    monkeypatch.setenv("PROJ_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    files = {"s.conll": "Alice\tB-PER\nsings\tO\n", "t.conll": "Alice\tB-PER\ncanta\tO\n",
             "a.txt": "0-0 1-1\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    submitted = []
    real = wq.submit
    monkeypatch.setattr(wq, "submit", lambda *a, **k: submitted.append(a[1]) or real(*a, **k))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=60)
    at.switch_page("pages/your_data.py").run()
    at.radio(key="ud_mode").set_value("path").run()
    for key, name in (("ud_source_path", "s.conll"), ("ud_target_path", "t.conll"),
                      ("ud_alignment_path", "a.txt")):
        at.text_input(key=key).input(str(tmp_path / name))
    at.run()
    at.button(key="ud_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert submitted == ["your data: 1 run(s)"]
    assert any("in the queue" in c.value for c in at.caption)
    assert at.session_state["ud_results"][0]["f1"] == pytest.approx(1.0)
