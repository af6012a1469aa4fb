"""Run-store integrity (issue 7): a run killed (SIGKILL) at random moments leaves nothing or a
complete run, resumes to exactly the uninterrupted result; corrupted files are detected through
the manifest checksums; two writers of one run id are refused. The harness is
:mod:`bench.integrity`. Step-cache entries are verified in tests/test_stepcache.py, the converted
me5 model in tests/test_me5.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.integrity import (N_SENTENCES, PYTHON, _env, check_root, corruption_cases,
                             detect_corruption, kill_and_resume, write_driver)
from core.errors import ProjectError


# ------------------------------------------------------------------------------- tests


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.slow
def test_killed_runs_leave_nothing_or_a_complete_run_and_resume_exactly(tmp_path) -> None:
    stats = kill_and_resume(tmp_path, kills=20, seed=7)
    assert stats["kills"] == 20
    assert stats["lost"] == 0
    assert stats["metrics_equal"] == 20
    # the kills landed over the whole life of the run, not only after it finished
    assert stats["complete_before_resume"] < 20


def test_stale_temp_dir_of_a_killed_writer_is_ignored_and_cleaned(tmp_path, cache) -> None:
    from core.runs import list_runs, read_run

    driver = write_driver(tmp_path)
    root = tmp_path / "runs"
    run_id = driver.CFG.run_id()
    stale = root / f".{run_id}.abc123.tmp"
    stale.mkdir(parents=True)
    (stale / "metrics.json").write_text("{", "utf-8")  # half-written
    other = root / ".another-run.xyz.tmp"
    other.mkdir()
    assert list_runs([root]) == []  # the listing ignores temp dirs
    path = driver.run(root)
    assert not stale.exists() and other.exists()  # only this run id's leftovers are removed
    assert read_run(root, path.name, verify=True).metrics["sentences_total"] == N_SENTENCES


@pytest.mark.parametrize("case", corruption_cases(), ids=lambda c: c[0])
def test_corruption_is_detected_through_the_manifest(tmp_path, cache, case) -> None:
    driver = write_driver(tmp_path)
    path = driver.run(tmp_path / "runs")
    name, file, damage, reader = case
    message = detect_corruption(tmp_path / "runs", path.name, name, file, damage, reader)
    assert file in message


def test_scan_reports_a_broken_run_instead_of_failing(tmp_path, cache) -> None:
    from core.runs import scan_runs

    driver = write_driver(tmp_path)
    path = driver.run(tmp_path / "runs")
    (path / "metrics.json").write_text("not json", "utf-8")
    runs, errors = scan_runs([tmp_path / "runs"])
    assert runs == [] and len(errors) == 1 and "metrics.json" in str(errors[0])


def test_second_writer_of_the_same_run_is_refused(tmp_path, cache) -> None:
    driver = write_driver(tmp_path)
    root = tmp_path / "runs"
    proc = subprocess.Popen([PYTHON, str(driver.PATH), str(root), "2.0"], env=_env(cache),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # first progress line: the lock is held
        assert line.startswith("progress"), line
        with pytest.raises(ProjectError, match="another process"):
            driver.run(root)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert check_root(root) == ("empty", 0)
