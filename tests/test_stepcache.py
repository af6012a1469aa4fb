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
