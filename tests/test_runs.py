"""Run store: atomic writes, confinement of run ids, checksum verification, scanning."""

import json

import pytest

from core.errors import ProjectError
from core.runs import (list_runs, read_run, read_sentences, run_dir, scan_runs, verify_run,
                       write_run)

ROWS = [{"id": "s0", "lang": "pt", "f1": 1.0, "record": "{}"},
        {"id": "s1", "lang": "pt", "f1": 0.5, "record": "{}"}]


def test_write_and_read_back(tmp_path) -> None:
    path = write_run(tmp_path, "demo-pt-1", {"kind": "ours", "signature": "x"}, ROWS,
                     {"overall": {"f1": 0.75}})
    assert (path / "sentences.parquet").exists()
    info = read_run(tmp_path, "demo-pt-1", verify=True)
    assert info.metrics["overall"]["f1"] == 0.75
    assert info.has_sentences and info.kind == "ours"
    df = read_sentences(tmp_path, "demo-pt-1")
    assert list(df["id"]) == ["s0", "s1"]
    assert [r.run_id for r in list_runs([tmp_path])] == ["demo-pt-1"]


def test_runs_are_never_overwritten(tmp_path) -> None:
    write_run(tmp_path, "r", {}, ROWS, {})
    with pytest.raises(ProjectError, match="already exists"):
        write_run(tmp_path, "r", {}, ROWS, {})


def test_failed_write_leaves_nothing(tmp_path) -> None:
    with pytest.raises(TypeError):
        write_run(tmp_path, "r", {}, ROWS, {"bad": object()})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["../x", "/etc", "a/b", "..", ".hidden", "", "a\\b"])
def test_run_ids_cannot_escape_root(tmp_path, bad) -> None:
    with pytest.raises(ProjectError, match="run id"):
        run_dir(tmp_path, bad)


@pytest.mark.parametrize("name", ["sentences.parquet", "metrics.json"])
def test_corruption_is_detected(tmp_path, name) -> None:
    path = write_run(tmp_path, "r", {}, ROWS, {"overall": {"f1": 0.1}})
    data = bytearray((path / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (path / name).write_bytes(bytes(data))
    with pytest.raises(ProjectError, match="checksum mismatch"):
        verify_run(path)


def test_reported_run_without_sentences(tmp_path) -> None:
    write_run(tmp_path, "paper", {"kind": "reported", "citation": "Politov et al. 2025"}, None,
              {"overall": {"f1": 0.4}})
    info = read_run(tmp_path, "paper")
    assert info.kind == "reported" and not info.has_sentences
    with pytest.raises(ProjectError, match="no sentence table"):
        read_sentences(tmp_path, "paper")


def test_scan_reports_broken_runs(tmp_path) -> None:
    write_run(tmp_path, "good", {}, None, {})
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    runs, errors = scan_runs([tmp_path, tmp_path / "missing"])
    assert [r.run_id for r in runs] == ["good"]
    assert len(errors) == 1 and "broken" in str(errors[0])
    assert json.loads((tmp_path / "good" / "manifest.json").read_text())["checksums"]


def test_export_summary_keeps_numbers_only(tmp_path) -> None:
    from core.runs import export_summary

    write_run(tmp_path / "a", "r", {"kind": "ours", "signature": "s"}, ROWS, {"overall": {"f1": 1}})
    out = export_summary(tmp_path / "a", "r", tmp_path / "b")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "metrics.json"]
    info = read_run(tmp_path / "b", "r", verify=True)
    assert info.manifest["summary_only"] and not info.has_sentences
    assert info.metrics == {"overall": {"f1": 1}}


def test_read_record_and_alignments_verify_the_sentence_table(tmp_path) -> None:
    from app_runs import build_runs

    from core.runs import read_alignments, read_record, read_sentences

    ids = build_runs(tmp_path, limit=4)
    run = ids["pt-match"]
    sid = str(read_sentences(tmp_path, run)["id"].iloc[0])
    record = read_record(tmp_path, run, sid)
    assert record is not None and record.id == sid
    assert read_record(tmp_path, run, "no-such-sentence") is None
    aligns = read_alignments(tmp_path, run)
    assert set(aligns) >= {sid} and aligns[sid].links == record.alignment.links
    path = tmp_path / run / "sentences.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: a new file version, verified again
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectError, match="checksum mismatch"):
        read_record(tmp_path, run, sid)
