"""``submit --slurm``, ``status`` and ``submit --resume`` (core/cluster), first without a
cluster (scripts, plans, the merge refusal), then on a real single-node SLURM cluster
(bench/slurm_cluster.py; in CI a cluster that cannot be installed or started fails the tests,
elsewhere they skip only when installing is impossible): a 4-shard demo run merged by the
dependent job equals the unsharded run; a cancelled task is resubmitted alone and computes
nothing twice; a cancelled merge with every shard done is resubmitted alone; a bad config is
refused before anything is submitted."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from core import cluster
from core.cli import main
from core.cluster.plan import config_args
from core.cluster.scripts import array_range
from core.config import RunConfig, configs_from
from core.errors import ProjectError
from core.paths import REPO_ROOT
from core.pipeline import execute, merge_shards
from bench.slurm_cluster import (Unavailable, aligned, align_keys, cancel_first_running,
                                 same_run, start, warm_cache)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory):
    """A running cluster; ``SLURM_CONF`` points every client command of the session at it."""
    try:
        running = start(tmp_path_factory.mktemp("slurm"))
    except Unavailable as exc:
        if IN_CI:
            pytest.fail(f"CI needs the SLURM cluster: {exc}")
        pytest.skip(str(exc))
    old = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = str(running.conf)
    try:
        yield running
    finally:
        running.stop()
        if old is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = old


# -- without a cluster ----------------------------------------------------------------------------


def test_array_range_compresses_indices() -> None:
    assert array_range([0, 1, 2, 3]) == "0-3"
    assert array_range([5, 0, 1, 3], 2) == "0-1,3,5%2"


@pytest.mark.parametrize("config", sorted(p.name for p in (REPO_ROOT / "configs").glob("*.toml")))
def test_every_demo_config_survives_the_set_round_trip(config) -> None:
    for cfg in configs_from(REPO_ROOT / "configs" / config):
        again = configs_from(None, config_args(cfg)[1::2])
        assert [c.run_id() for c in again] == [cfg.run_id()]


def test_dry_run_prints_editable_scripts_and_submits_nothing(tmp_path, capsys) -> None:
    runs = tmp_path / "runs"
    rc = main(["--runs", str(runs), "submit", "--set", "lang=de",
               "--set", "method=[heuristic;easy_label]", "--slurm", "--shards", "3",
               "--partition", "gpu", "--time", "2:00:00", "--mem", "16G", "--gpus", "1",
               "--max-running", "2", "--sbatch=--account=nlp", "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0
    for line in ("#SBATCH --array=0-5%2", "#SBATCH --partition=gpu", "#SBATCH --time=2:00:00",
                 "#SBATCH --mem=16G", "#SBATCH --gres=gpu:1", "#SBATCH --account=nlp",
                 "--dependency=afterok:$jid"):
        assert line in out
    (sub,) = (runs / ".submissions").iterdir()
    state = json.loads((sub / "submission.json").read_text())
    assert state["dry_run"] and not state["arrays"] and not state["merges"]
    assert cluster.submission.list_ids(runs) == []  # status and --resume ignore dry runs
    for script in ("array.sbatch", "merge.sbatch"):
        subprocess.run(["bash", "-n", str(sub / script)], check=True)
    # task 4 = run 1 (easy_label), shard 1 of 3: run the script with a stand-in interpreter
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    text = (sub / "array.sbatch").read_text().replace(f"PY={state['python']}", f"PY={fake}")
    (tmp_path / "edited.sbatch").write_text(text)
    out = subprocess.run(["bash", str(tmp_path / "edited.sbatch")], capture_output=True,
                         text=True, env={**os.environ, "SLURM_ARRAY_TASK_ID": "4"}, check=True)
    argv = out.stdout.split()
    assert argv[:2] == ["-P", "-m"] and argv[-2:] == ["--shard", "1/3"]
    assert "method=easy_label" in argv and "lang=de" in argv


def test_merge_refuses_naming_the_missing_shard(tmp_path, monkeypatch) -> None:
    from test_pipeline import fakes

    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    cfg = RunConfig(dataset="demo", lang="sw", limit=20)
    ids = [execute(cfg, tmp_path, shard=(k, 4), components=fakes()).name for k in range(4)]
    with pytest.raises(ProjectError, match=r"shard 2 \(.*\.shard-2-of-4\) is missing") as e:
        merge_shards(tmp_path, ids[:2] + ids[3:])
    assert e.value.setting == "merge"
    with pytest.raises(ProjectError, match=r"shard run .*shard-9-of-4 is missing"):
        merge_shards(tmp_path, ids[:3] + [ids[0].replace("shard-0", "shard-9")])


# -- on a real single-node cluster --------------------------------------------------------------


@pytest.fixture(scope="session")
def cluster_cache(tmp_path_factory) -> tuple[Path, Path]:
    """(the step cache all jobs share, a reference cache with the same model and no steps)."""
    cache = tmp_path_factory.mktemp("cluster") / "cache"
    return cache, warm_cache(cache)


def _submit(runs: Path, *args: str) -> dict:
    assert main(["--runs", str(runs), "submit", *args, "--slurm"]) == 0
    return cluster.load(runs)


def _reference(tmp_path: Path, cache: Path, monkeypatch, lang: str) -> tuple[Path, str]:
    monkeypatch.setenv("PROJ_CACHE", str(cache))
    path = execute(RunConfig(dataset="demo", lang=lang), tmp_path / "reference")
    return path.parent, path.name


@pytest.mark.slow
def test_four_shards_merge_into_the_unsharded_run(slurm_cluster, cluster_cache, tmp_path,
                                                 monkeypatch, capsys) -> None:
    cache, ref_cache = cluster_cache
    monkeypatch.setenv("PROJ_CACHE", str(cache))
    runs = tmp_path / "runs"
    before = align_keys(cache)
    state = _submit(runs, "--set", "dataset=demo", "--set", "lang=de", "--shards", "4")
    assert len(state["tasks"]) == 4 and len(state["merges"]) == 1
    rep = cluster.wait(runs, timeout=240, interval=0.5)
    assert rep.complete and rep.count("done") == 4 and rep.merge_state == "done"
    capsys.readouterr()
    assert main(["--runs", str(runs), "status"]) == 0
    assert "4/4 done  merged" in capsys.readouterr().out

    run_id = state["cells"][0]["run_id"]
    # each sentence aligned once, by one of the four tasks
    shards = [f"{run_id}.shard-{k}-of-4" for k in range(4)]
    assert sum(aligned(runs, s) for s in shards) == len(align_keys(cache) - before) == 66
    # the unsharded run over the same step cache: identical sentences and metrics
    same_cache_root, ref_id = _reference(tmp_path / "same-cache", cache, monkeypatch, "de")
    assert ref_id == run_id
    assert same_run(same_cache_root, runs, run_id)
    # computed apart (own cache, batches, threads): same metrics, scores equal to 1e-5
    ref_root, _ = _reference(tmp_path, ref_cache, monkeypatch, "de")
    assert same_run(ref_root, runs, run_id, tolerance=1e-5)


@pytest.mark.slow
def test_cancelled_task_is_resubmitted_alone_and_nothing_is_computed_twice(
        slurm_cluster, cluster_cache, tmp_path, monkeypatch, capsys) -> None:
    cache, ref_cache = cluster_cache
    monkeypatch.setenv("PROJ_CACHE", str(cache))
    runs = tmp_path / "runs"
    state = _submit(runs, "--set", "dataset=demo", "--set", "lang=es", "--shards", "3",
                    "--max-running", "2")
    first = state["arrays"][0]["job"]
    cancelled = cancel_first_running(slurm_cluster, first, Path(state["directory"]))
    rep = cluster.wait(runs, timeout=240, interval=0.5)
    run_id = state["cells"][0]["run_id"]
    (run,) = rep.runs
    assert not run.merged and rep.merge_state == "cancelled"  # afterok never satisfied
    assert [t.shard for t in run.tasks if t.state == "failed"] == [cancelled]
    capsys.readouterr()
    main(["--runs", str(runs), "status"])
    out = capsys.readouterr().out
    assert f"shard {cancelled}: failed (CANCELLED)" in out and "submit --resume" in out

    # the merge job's script, run by hand now, refuses and names the missing shard
    merge = subprocess.run(["bash", state["scripts"]["merge"]], capture_output=True, text=True)
    assert merge.returncode == 1
    assert f"{run_id}.shard-{cancelled}-of-3 is missing" in merge.stderr

    before = align_keys(cache)
    capsys.readouterr()
    assert main(["--runs", str(runs), "submit", "--resume"]) == 0
    assert "resubmitted 1 shard(s)" in capsys.readouterr().out
    state = cluster.load(runs)
    assert state["arrays"][-1]["array"] == f"{cancelled}%2"
    assert {t: j for t, j in state["tasks"].items() if j == first} == \
        {str(k): first for k in range(3) if k != cancelled}
    rep = cluster.wait(runs, timeout=240, interval=0.5)
    assert rep.complete and rep.count("done") == 3

    new = align_keys(cache) - before
    recomputed = aligned(runs, f"{run_id}.shard-{cancelled}-of-3") - len(new)
    assert recomputed == 0  # the resubmitted task aligned only sentences nobody had aligned
    same_cache_root, _ = _reference(tmp_path / "same-cache", cache, monkeypatch, "es")
    assert same_run(same_cache_root, runs, run_id)
    ref_root, _ = _reference(tmp_path, ref_cache, monkeypatch, "es")
    assert same_run(ref_root, runs, run_id, tolerance=1e-5)


@pytest.mark.slow
def test_every_shard_done_but_the_merge_cancelled_resubmits_only_the_merge(
        slurm_cluster, cluster_cache, tmp_path, monkeypatch, capsys) -> None:
    """What CI once saw: a task cancelled as it started finished anyway, so every shard run
    exists but the merge job (afterok) was cancelled. Here the merge is cancelled by hand."""
    cache, _ = cluster_cache
    monkeypatch.setenv("PROJ_CACHE", str(cache))
    runs = tmp_path / "runs"
    state = _submit(runs, "--set", "dataset=demo", "--set", "lang=fr", "--shards", "2")
    slurm_cluster.run("scancel", state["merges"][0]["job"])  # pending until the array ends
    rep = cluster.wait(runs, timeout=240, interval=0.5)
    assert rep.count("done") == 2 and not rep.complete and rep.merge_state == "cancelled"
    capsys.readouterr()
    assert main(["--runs", str(runs), "status"]) == 0
    assert "all shards done but not every run is merged" in capsys.readouterr().out
    arrays = len(state["arrays"])
    assert main(["--runs", str(runs), "submit", "--resume"]) == 0
    assert "resubmitted 0 shard(s); merge job" in capsys.readouterr().out
    state = cluster.load(runs)
    assert len(state["arrays"]) == arrays and len(state["merges"]) == 2  # no task ran again
    rep = cluster.wait(runs, timeout=240, interval=0.5)
    assert rep.complete and rep.merge_state == "done"


@pytest.mark.slow
@pytest.mark.parametrize("args, setting", [
    (["--set", "method=no-such-method"], "method"),
    (["--set", "aligner=me5-small:nearest"], "aligner"),
    (["--set", "colour=blue"], "colour"),
    (["--set", "lang=xx"], None),
    (["--time", "two hours"], "--time"),
    (["--shards", "500"], "--shards"),
    (["--partition", "no-such-partition"], "--partition"),
])
def test_bad_config_is_refused_before_anything_is_submitted(slurm_cluster, tmp_path, capsys,
                                                            args, setting) -> None:
    queued = slurm_cluster.run("squeue", "-h", "-o", "%i")
    runs = tmp_path / "runs"
    rc = main(["--runs", str(runs), "submit", "--set", "dataset=demo", "--set", "lang=de",
               *args, "--slurm"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error: ")
    if setting:
        assert f"setting '{setting}'" in err
    else:
        assert "xx" in err
    assert not (runs / ".submissions").exists()
    assert slurm_cluster.run("squeue", "-h", "-o", "%i") == queued
