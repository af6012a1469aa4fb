"""core/repro.py and `python -m core runs check`: re-run committed configs, compare with data/runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core import repro
from core.cli import main
from core.errors import ProjectError
from core.runs import write_run

CHEAP = "demo-pt-intrinsic-me5-small-itermax-heuristic-*"


def _row(sid: str, f1: float | None, scores: list[float], links: list[list[int]]) -> dict:
    record = {"id": sid, "alignment": {"links": links, "scores": scores}}
    return {"index": int(sid[-1]), "id": sid, "f1": f1, "types": ["PER"],
            "record": json.dumps(record)}


def test_plan_expands_every_config_and_filters() -> None:
    plan = repro.planned_runs()
    ids = [cfg.run_id() for _, cfg in plan]
    assert len(ids) == len(set(ids)) >= 100
    assert {p.name for p, _ in plan} == {p.name for p in repro.CONFIGS_DIR.glob("*.toml")}
    only = repro.planned_runs(only="demo-intrinsic-ner")  # a config stem
    assert len(only) == 8 and all(p.stem == "demo-intrinsic-ner" for p, _ in only)
    assert [cfg.run_id() for _, cfg in repro.planned_runs(only=CHEAP)] == [
        "demo-pt-intrinsic-me5-small-itermax-heuristic-47e2d855"]
    with pytest.raises(ProjectError, match="no run or config matches") as err:
        repro.planned_runs(only="nothing-like-this")
    assert err.value.setting == "--only"


def test_sentence_diff_names_columns_fields_and_float_noise() -> None:
    a = [_row("s:0", 1.0, [0.5], [[0, 0]]), _row("s:1", 0.5, [0.25], [[0, 1]])]
    assert repro.diff_sentences(a, [dict(r) for r in a]) == {}
    noisy = [a[0], _row("s:1", 0.5, [0.25 + 1e-9], [[0, 1]])]
    d = repro.diff_sentences(a, noisy)
    assert d == {"sentences": 1, "first": "s:1", "columns": ["record"],
                 "record_fields": ["alignment"], "noise_only": True}
    moved = [_row("s:0", 0.0, [0.5], [[0, 1]]), a[1]]
    d = repro.diff_sentences(a, moved)
    assert d["columns"] == ["f1", "record"] and d["noise_only"] is False
    assert repro.diff_sentences(a, a[:1]) == {"rows": (2, 1)}
    assert repro.close([1.0, {"x": 2.0}], [1.0 + 1e-6, {"x": 2.0}])
    assert not repro.close([1.0], [1.001]) and not repro.close({"x": 1}, {"y": 1})


def test_compare_run_statuses(tmp_path: Path) -> None:
    rows = [_row("s:0", 1.0, [0.5], [[0, 0]])]
    metrics = {"overall": {"f1": 0.5}, "run": {"kind": "ours"}}
    for root in ("old", "same", "noise", "diff"):
        (tmp_path / root).mkdir()
    write_run(tmp_path / "old", "r", {"kind": "ours"}, rows, metrics)
    write_run(tmp_path / "same", "r", {"kind": "ours"}, rows, metrics)
    write_run(tmp_path / "noise", "r", {"kind": "ours"}, rows,
              {**metrics, "overall": {"f1": 0.5 + 1e-9}})
    write_run(tmp_path / "diff", "r", {"kind": "ours"}, [_row("s:0", 0.0, [0.5], [[0, 1]])],
              metrics)
    assert repro.compare_run(tmp_path / "old", tmp_path / "same", "r") == ("identical", [])
    status, details = repro.compare_run(tmp_path / "old", tmp_path / "noise", "r")
    assert status == "close" and details == ["metrics differ in overall (float noise)"]
    status, details = repro.compare_run(tmp_path / "old", tmp_path / "diff", "r")
    assert status == "different" and "columns f1, record" in details[0]
    # a tampered committed run is refused, not compared
    (tmp_path / "old" / "r" / "metrics.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ProjectError, match="checksum mismatch"):
        repro.compare_run(tmp_path / "old", tmp_path / "same", "r")


def test_missing_committed_run_fails_the_check(tmp_path: Path, capsys) -> None:
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(repro.CONFIGS_DIR / "demo-pt-translate-train.toml", configs)
    checks = list(repro.check_runs(configs_dir=configs, committed_root=tmp_path / "none",
                                   only="*"))
    assert [c.status for c in checks] == ["missing", "missing"] and all(c.failed for c in checks)
    assert main(["runs", "check", "--only", "nothing-like-this"]) == 2
    assert "no run or config matches" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.models
def test_one_committed_demo_run_is_reproduced(tmp_path: Path, capsys) -> None:
    """The real check on one cheap committed run (me5-small itermax + heuristic on pt)."""
    assert main(["runs", "check", "--only", CHEAP, "--keep", str(tmp_path / "fresh")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] in ("identical", "close") and "47e2d855" in out[0]
    assert out[-1] in ("runs check: 1 identical", "runs check: 1 close")
    assert (tmp_path / "fresh" / "demo-pt-intrinsic-me5-small-itermax-heuristic-47e2d855").is_dir()
