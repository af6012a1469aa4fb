"""The verified-directory cache (core/cache.py): a built directory is re-hashed only when its
stat stamp no longer matches, damage is rebuilt; stamped values (Hub directory fingerprints)
are recomputed only when a file changes."""

from __future__ import annotations

import json
import os

from core.cache import MANIFEST_FILE, VerifiedDir, manifest_files, stamped_value


def _build(calls: list[int]):
    def build(tmp):
        calls.append(1)
        (tmp / "a.txt").write_text("alpha", "utf-8")
        files = manifest_files(tmp)
        (tmp / MANIFEST_FILE).write_text(json.dumps({"files": files}), "utf-8")
    return build


def test_built_once_then_cached_and_rebuilt_when_damaged(tmp_path) -> None:
    calls: list[int] = []
    d = VerifiedDir(tmp_path / "v1", required=frozenset({"a.txt"}))
    assert d.get(_build(calls))[1] == "built"
    assert d.get(_build(calls))[1] == "cached" and len(calls) == 1
    d.stamp_path.unlink()  # found without a stamp: re-hashed and adopted
    assert d.get(_build(calls))[1] == "verified" and len(calls) == 1
    (d.final / "a.txt").write_text("alphx", "utf-8")  # same size, other content
    assert d.problems() and d.get(_build(calls))[1] == "built" and len(calls) == 2
    assert (d.final / "a.txt").read_text("utf-8") == "alpha" and not d.problems(full=True)


def test_stamped_value_is_recomputed_only_after_a_change(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "w.bin").write_bytes(b"1234")
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return f"fp{len(calls)}"

    assert stamped_value(model, "k", compute) == "fp1"
    assert stamped_value(model, "k", compute) == "fp1" and len(calls) == 1
    (model / "w.bin").write_bytes(b"12345")
    os.utime(model / "w.bin", ns=(1, 1))
    assert stamped_value(model, "k", compute) == "fp2"
