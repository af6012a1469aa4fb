"""Your-data page (AppTest, files given by path; the upload widget itself is driven in the
browser test): checking files, running with the uploaded alignments, the link to the
inspector, clear errors for bad files and the size limit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.runs import read_run

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SOURCE = ("Alice\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\n"
          "Bob\tB-PER\nlikes\tO\nLisbon\tB-LOC\n")
TARGET = ("<b>Alice</b>\tB-PER\nvisitou\tO\nParis\tB-LOC\n.\tO\n\n"
          "Bob\tB-PER\ngosta\tO\nde\tO\nLisboa\tB-LOC\n")
LINKS = "0-0 1-1 2-2 3-3\n0-0 1-1 2-3\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    runs = tmp_path / "user-runs"
    monkeypatch.setenv("PROJ_RUNS", str(runs))
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    paths = {}
    for name, text in (("source.conll", SOURCE), ("target.conll", TARGET),
                       ("links.txt", LINKS)):
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return runs, paths


def _page(paths: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/your_data.py").run()
    assert not at.exception
    assert any("Upload an English source" in i.value for i in at.info)  # empty state
    at.radio(key="ud_mode").set_value("path").run()
    for key, value in paths.items():
        at.text_input(key=key).input(value)
    return at.run()


def test_check_run_and_link_to_inspector(env) -> None:
    runs, p = env
    at = _page({"ud_source_path": str(p["source.conll"]), "ud_target_path": str(
        p["target.conll"]), "ud_alignment_path": str(p["links.txt"])})
    assert not at.exception and not at.error
    ok = " ".join(s.value for s in at.success)
    assert "2 sentence pairs, 4 source entities" in ok and "target gold: yes" in ok
    preview = at.get("html")[0].value
    assert "&lt;b&gt;Alice&lt;/b&gt;" in preview and "<b>Alice" not in preview  # escaped
    aligners = at.multiselect(key="ud_aligners")
    assert aligners.value == ["external"] and "me5-small:itermax" in aligners.options
    assert "candidates-ner-greedy" not in at.multiselect(key="ud_methods").options
    at.multiselect(key="ud_methods").select("easy_label").run()
    at.button(key="ud_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    results = at.session_state["ud_results"]
    assert [(r["aligner"], r["method"]) for r in results] == [("external", "heuristic"),
                                                              ("external", "easy_label")]
    for r in results:
        info = read_run(runs, r["run_id"], verify=True)
        assert info.metrics["overall"]["f1"] == pytest.approx(r["f1"])
        assert info.metrics["run"]["lang"] == "pt"
    links = at.get("page_link")
    assert len(links) == 2
    assert all("inspector" in link.proto.page for link in links)
    assert any("already existed" not in m.value and "F1" in m.value for m in at.markdown)


def test_bad_file_names_the_line_without_traceback(env, tmp_path) -> None:
    _, p = env
    bad = tmp_path / "bad.conll"
    bad.write_text("Alice\tB-PER\nvisitou\t\tBOGUS TAG\n", encoding="utf-8")
    at = _page({"ud_source_path": str(p["source.conll"]), "ud_target_path": str(bad)})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and f"{bad}:2" in errors[0] and "not a tag" in errors[0]
    assert not at.get("button") or all(b.key != "ud_run" for b in at.button)


def test_missing_file_and_size_limit(env, tmp_path, monkeypatch) -> None:
    _, p = env
    at = _page({"ud_source_path": str(tmp_path / "nope.conll"),
                "ud_target_path": str(p["target.conll"])})
    assert not at.exception
    assert any("nope.conll" in e.value and "not a file" in e.value for e in at.error)
    monkeypatch.setenv("PROJ_MAX_UPLOAD_MB", "0.00005")  # 52 bytes
    at = _page({"ud_source_path": str(p["source.conll"]),
                "ud_target_path": str(p["target.conll"])})
    assert not at.exception
    assert any("over the limit" in e.value and "PROJ_MAX_UPLOAD_MB" in e.value
               for e in at.error)
