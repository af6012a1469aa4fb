"""The verified step cache: round trip, damaged entries dropped, damaged files reported."""

import sqlite3

import pytest

from core.errors import ProjectError
from core.stepcache import StepCache, content_key


def test_round_trip_and_stats(tmp_path) -> None:
    c = StepCache("align", "me5-small:itermax|layer=8", tmp_path)
    k1, k2 = content_key(["a", "b"], ["x"]), content_key(["c"], ["y"])
    assert k1 != k2 and content_key(["a", "b"], ["x"]) == k1
    c.put_many([(k1, [[0, 0], [1, 0]])])
    again = StepCache("align", "me5-small:itermax|layer=8", tmp_path)
    assert again.get_many([k1, k2]) == {k1: [[0, 0], [1, 0]]}
    assert (again.hits, again.misses) == (1, 1) and len(again) == 1


def test_signatures_do_not_share_entries(tmp_path) -> None:
    StepCache("tag", "spacy:a", tmp_path).put_many([("k", 1)])
    assert StepCache("tag", "spacy:b", tmp_path).get_many(["k"]) == {}


def test_tampered_entry_is_dropped(tmp_path) -> None:
    c = StepCache("tag", "s", tmp_path)
    c.put_many([("k", {"v": 1}), ("j", 2)])
    with sqlite3.connect(c.path) as con:
        con.execute("UPDATE entries SET value = '{\"v\": 2}' WHERE key = 'k'")
    assert c.get_many(["k", "j"]) == {"j": 2}
    assert c.dropped == 1 and len(c) == 1


def test_garbage_file_is_reported_with_its_path(tmp_path) -> None:
    c = StepCache("tag", "s", tmp_path)
    c.path.write_bytes(b"this is not a database" * 100)
    for wal in c.path.parent.glob("*-wal"):
        wal.unlink()
    with pytest.raises(ProjectError, match="cache is unreadable.*delete this file") as err:
        StepCache("tag", "s", tmp_path).get_many(["k"])
    assert str(c.path) in str(err.value)


def _open_and_write(root: str, i: int, barrier, results) -> None:
    barrier.wait()  # every process opens the new file at the same moment
    try:
        c = StepCache("align", "shared", root)
        c.put_many([(f"{i}-{j}", j) for j in range(20)])
        results.put("ok" if len(c.get_many([f"{i}-{j}" for j in range(20)])) == 20 else "short")
    except ProjectError as exc:
        results.put(str(exc))


def test_processes_opening_a_new_file_together_all_succeed(tmp_path) -> None:
    """Cluster tasks share one step cache: before the WAL switch was retried, about one round
    in seven lost a process to 'database is locked' (CI, 2026-11-30)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for r in range(12):
        root = str(tmp_path / str(r))
        barrier, results = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_open_and_write, args=(root, i, barrier, results))
                 for i in range(6)]
        for p in procs:
            p.start()
        got = sorted(results.get(timeout=120) for _ in procs)
        for p in procs:
            p.join(timeout=60)
        assert got == ["ok"] * 6, (r, got)
        assert len(StepCache("align", "shared", root)) == 120


def test_a_held_lock_is_reported_as_busy_not_as_damage(tmp_path, monkeypatch) -> None:
    import core.stepcache as sc

    c = StepCache("tag", "s", tmp_path)
    monkeypatch.setattr(sc, "LOCK_WAIT", 0.2)
    holder = sqlite3.connect(c.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectError, match="cache is busy") as err:
            c.put_many([("k", 1)])
        assert "delete" not in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    c.put_many([("k", 1)])
    assert c.get_many(["k"]) == {"k": 1}


def test_memoize_computes_each_missing_key_once_and_refuses_short_outputs(tmp_path) -> None:
    c = StepCache("tag", "s", tmp_path)
    calls: list[list[str]] = []

    def upper(xs: list[str]) -> list[str]:
        calls.append(list(xs))
        return [x.upper() for x in xs]

    def memo(xs: list[str]) -> list[str]:
        return c.memoize(xs, lambda x: x, upper, encode=lambda v: v, decode=lambda v: v)

    assert memo(["a", "b", "a"]) == ["A", "B", "A"] and calls == [["a", "b"]]
    assert memo(["b", "c"]) == ["B", "C"] and calls[-1] == ["c"]
    with pytest.raises(RuntimeError, match="1 outputs for 2 inputs"):
        c.memoize(["x", "y"], lambda x: x, lambda xs: xs[:1], encode=lambda v: v,
                  decode=lambda v: v)
