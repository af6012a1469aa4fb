"""core.userdata: reading the user's files (with errors naming file and line), runs over them,
inline entity markup and one-sentence projection. Hand-written fixtures, fake aligner."""

from __future__ import annotations

import json

import pytest

from core.errors import ProjectError
from core.runs import read_run, read_sentences
from core.types import Alignment, Span
from core.userdata import (
    EXTERNAL,
    check_upload_size,
    guess_target_kind,
    load_user_data,
    max_upload_bytes,
    parse_markup,
    project_sentence,
    run_user_data,
    user_run_id,
)

SOURCE = ("Alice\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\n"
          "Bob\tB-PER\nlikes\tO\nNew\tB-ORG\nYork\tI-ORG\n")
TARGET_GOLD = ("Alice\tB-PER\nvisitou\tO\nParis\tB-LOC\n.\tO\n\n"
               "Bob\tB-PER\ngosta\tO\nde\tO\nNew\tB-ORG\nYork\tI-ORG\n")
TARGET_WORDS = "Alice\nvisitou\nParis\n.\n\nBob\ngosta\nde\nNew\nYork\n"
TARGET_TEXT = "Alice visitou Paris.\nBob gosta de New York.\n"
LINKS = "0-0 1-1 2-2 3-3\n0-0 1-1 2-3 3-4\n"


class Same:
    """Links words equal ignoring case."""

    name, signature = "same", "same-v1"

    def align(self, pairs):
        return [Alignment.of([(i, j) for i, s in enumerate(a) for j, t in enumerate(b)
                              if s.lower() == t.lower()], self.name) for a, b in pairs]


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))

    def write(name: str, text: str):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p
    return write


def test_target_formats_are_read_and_detected(files) -> None:
    src = files("src.conll", SOURCE)
    gold = load_user_data(src, files("tgt.conll", TARGET_GOLD), lang="pt")
    assert gold.target_kind == "conll" and gold.has_gold and gold.n_entities == 4
    assert gold.target[1].words == ("Bob", "gosta", "de", "New", "York")
    words = load_user_data(src, files("w.conll", TARGET_WORDS), lang="pt")
    assert words.target_kind == "conll" and not words.has_gold
    assert words.target[0].words == ("Alice", "visitou", "Paris", ".")
    text = load_user_data(src, files("t.txt", TARGET_TEXT), lang="pt")
    assert text.target_kind == "text" and not text.has_gold
    assert text.target[0].words == ("Alice", "visitou", "Paris", ".")  # split_words
    assert guess_target_kind(files("t2.txt", TARGET_TEXT), 3) == "conll"  # 2 lines, 3 sentences
    assert guess_target_kind(files("tab.txt", "Alice\tB-PER\nParis\tB-LOC\n"), 2) == "conll"


@pytest.mark.parametrize("name,text,where,what", [
    ("tgt.conll", "Alice\tB-PER\nvisitou\tX-LOC\n", "tgt.conll:2", "not a tag"),
    ("tgt.conll", "Alice\tB-PER\nvisitou\n", "tgt.conll:2", "has no label"),
    ("tgt.txt", "Alice visitou Paris.\n\nBob gosta.\n", "tgt.txt:2", "empty line"),
])
def test_bad_target_names_the_line(files, name, text, where, what) -> None:
    with pytest.raises(ProjectError) as exc:
        load_user_data(files("src.conll", SOURCE), files(name, text), lang="pt",
                       target_kind="text" if name.endswith(".txt") else "conll")
    assert where in str(exc.value) and what in str(exc.value)


def test_bad_source_and_alignments_name_file_and_line(files) -> None:
    with pytest.raises(ProjectError, match=r"my-source\.conll:3"):
        load_user_data(files("a.conll", "Alice\tB-PER\nvisited\tO\nParis\n"),
                       files("t.conll", TARGET_GOLD), lang="pt",
                       names={"source": "my-source.conll"})
    src, tgt = files("s.conll", SOURCE), files("t.conll", TARGET_GOLD)
    with pytest.raises(ProjectError, match=r"al\.txt:2: link 2-9 is out of range"):
        load_user_data(src, tgt, lang="pt", alignment=files("al.txt", "0-0\n2-9\n"))
    with pytest.raises(ProjectError, match=r"1 alignment lines for 2 sentence pairs"):
        load_user_data(src, tgt, lang="pt", alignment=files("al1.txt", "0-0\n"))
    with pytest.raises(ProjectError, match=r"al3\.txt:1"):
        load_user_data(src, tgt, lang="pt", alignment=files("al3.txt", "0-x\n0-0\n"))
    with pytest.raises(ProjectError, match="has 2 sentences but"):
        load_user_data(src, files("one.conll", "Alice\tB-PER\n"), lang="pt",
                       target_kind="conll")
    with pytest.raises(ProjectError, match="not valid UTF-8"):
        p = files("bin.conll", "")
        p.write_bytes(b"Alice\tB-PER\n\xff\xfe\tO\n")
        load_user_data(p, tgt, lang="pt")


def test_upload_limit(monkeypatch) -> None:
    monkeypatch.setenv("PROJ_MAX_UPLOAD_MB", "0.001")
    assert max_upload_bytes() == 1048
    with pytest.raises(ProjectError, match=r"big\.conll: file is .* over the limit"):
        check_upload_size("big.conll", 5000)
    check_upload_size("ok.conll", 1000)
    with pytest.raises(ProjectError, match="empty"):
        check_upload_size("empty.conll", 0)
    monkeypatch.setenv("PROJ_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ProjectError, match="PROJ_MAX_UPLOAD_MB"):
        max_upload_bytes()


def test_external_run_is_written_evaluated_and_reused(files, tmp_path) -> None:
    data = load_user_data(files("s.conll", SOURCE), files("t.conll", TARGET_GOLD), lang="pt",
                          alignment=files("al.txt", LINKS))
    seen = []
    path, created = run_user_data(data, tmp_path / "runs", aligner=EXTERNAL,
                                  method="heuristic",
                                  progress=lambda step, done, total: seen.append((done, total)))
    assert created and seen[-1] == (2, 2)
    info = read_run(tmp_path / "runs", path.name, verify=True)
    assert info.metrics["overall"]["f1"] == 1.0
    assert info.metrics["run"]["aligner"] == EXTERNAL
    assert info.metrics["run"]["dataset"] == "upload"
    assert set(info.manifest["inputs"]) == {"source", "target", "alignment"}
    df = read_sentences(tmp_path / "runs", path.name)
    rec = json.loads(df["record"].iloc[1])
    assert rec["alignment"]["links"] == [[0, 0], [1, 1], [2, 3], [3, 4]]
    again, created = run_user_data(data, tmp_path / "runs", aligner=EXTERNAL,
                                   method="heuristic")
    assert again == path and not created
    assert path.name == user_run_id(data, EXTERNAL, "heuristic")


def test_run_with_an_aligner_and_plain_translations(files, tmp_path) -> None:
    text = "Alice visitou Paris.\nEle gosta de New York.\n"  # Bob is not in the translation
    data = load_user_data(files("s.conll", SOURCE), files("t.txt", text), lang="pt")
    path, _ = run_user_data(data, tmp_path / "runs", aligner="same", method="easy_label",
                            aligner_obj=Same())
    m = read_run(tmp_path / "runs", path.name).metrics
    assert m["overall"] is None and not m["evaluated"]  # no gold: projections only
    assert m["proj_ratio"] == pytest.approx(3 / 4)
    assert m["reasons"] == {"no_aligned_words": 1, "projected": 3}
    with pytest.raises(ProjectError, match="needs an uploaded Pharaoh"):
        run_user_data(data, tmp_path / "runs", aligner=EXTERNAL, method="heuristic")
    with pytest.raises(ProjectError, match="target-language NER"):
        run_user_data(data, tmp_path / "runs", aligner="same", method="candidates-ner-greedy",
                      aligner_obj=Same())


def test_parse_markup() -> None:
    m = parse_markup("[PER Angela Merkel] visited [loc Paris], didn't she?")
    assert m.words == ("Angela", "Merkel", "visited", "Paris", ",", "did", "n't", "she", "?")
    assert m.spans == (Span(0, 2, "PER"), Span(3, 4, "LOC"))
    assert m.text == "Angela Merkel visited Paris, didn't she?"
    assert parse_markup("no entities here").spans == ()


@pytest.mark.parametrize("text,message", [
    ("[PER Angela", "character 1 is never closed"),
    ("Paris ] x", "']' at character 7 closes no entity"),
    ("[PER [LOC x]]", "cannot nest"),
    ("[] x", "empty entity"),
    ("[P-ER x]", "not a type name"),
    ("[PER  ]", "has no words"),
    ("   ", "no words"),
])
def test_parse_markup_errors(text, message) -> None:
    with pytest.raises(ProjectError, match=message):
        parse_markup(text, what="English sentence")


def test_project_sentence_with_aligner_or_given_links() -> None:
    src = parse_markup("[PER Angela Merkel] visited [LOC Paris] .")
    tgt = parse_markup("[PER Angela Merkel] visitou [LOC Paris] .", "pt")
    rec = project_sentence(src.words, src.spans, tgt.words, aligner_obj=Same(),
                           method="heuristic", lang="pt", gold=tgt.spans)
    assert rec.predicted == tgt.spans and rec.gold == tgt.spans
    assert rec.alignment.aligner == "same"
    given = Alignment.of([(0, 0)], "mine")
    rec = project_sentence(src.words, src.spans, tgt.words, aligner_obj=None,
                           method="heuristic", lang="pt", alignment=given)
    assert rec.alignment == given and rec.gold is None
    assert [p.reason.value for p in rec.projections] == ["length_ratio", "no_aligned_words"]
