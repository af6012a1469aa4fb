"""Importers of other tools' projections (core/importers): every format on hand-written files
(tests/fixtures/importers) and on the real released files in ../shared/datasets, the written
runs (kind imported, given parts, no paths), bad input, and the provenance of pre-translated
input in our own pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ProjectError
from core.importers import FORMATS, get_format, write_imported
from core.importers.alignments import import_alignments, parse_simalign_line
from core.importers.easyproject import import_easyproject
from core.importers.elp import import_elp
from core.importers.predictions import import_predictions
from core.importers.tprojection import import_tprojection, parse_entity_markup
from core.labels import spans_to_tags
from core.records import record_from_row
from core.runs import read_manifest, read_run, read_sentences, run_dir
from core.types import Reason, Span

FIX = Path(__file__).parent / "fixtures" / "importers"
ELP_LANGS = ("de", "es", "it", "nl")
ELP_ALIGNERS = {"awesome": "awesome.test", "fast_align": "fast_align.test.grow_diag_final-and",
                "mgiza": "mgiza.test.grow_diag_final-and", "simalign": "simalign.test.itermax"}


def _f(name: str) -> Path:
    return FIX / name


def _records(root: Path, run_id: str):
    return [record_from_row(r) for r in read_sentences(root, run_id).to_dict("records")]


def _no_paths(obj) -> None:
    text = json.dumps(obj)
    assert str(FIX) not in text and "fixtures" not in text and "/tmp" not in text, text[:300]


# ------------------------------------------------------------------------------ registry


def test_registry_names_every_format() -> None:
    assert set(FORMATS) == {"elp", "tprojection", "easyproject", "alignments", "predictions",
                            "jsonl"}
    with pytest.raises(ProjectError, match="valid formats"):
        get_format("nope")


# ------------------------------------------------------------------------------ ELP


def test_elp_hand_written(tmp_path) -> None:
    imp = import_elp(_f("en.conll"), _f("elp.de.tsv"), _f("elp.de.talp"), lang="de")
    assert [r.id for r in imp.records] == ["en:1", "en:2"]  # the -DOCSTART- block is skipped
    r = imp.records[1]
    assert [(p.reason, p.targets) for p in r.projections] == [
        (Reason.PROJECTED, (Span(1, 3, "ORG"),)), (Reason.PROJECTED, (Span(6, 7, "LOC"),))]
    assert r.projections[0].support == ((1, 1), (2, 2))
    assert r.gold is None and r.alignment.aligner == "elp:elp.de"
    path = write_imported(imp, tmp_path)
    man = read_manifest(path)
    assert man["kind"] == "imported" and man["tool"] == "Easy-Label-Projection"
    assert man["config"]["pipeline"] == "imported"
    assert set(man["inputs"]) == {"en.conll", "elp.de.tsv", "elp.de.talp"}
    assert man["given"]["alignment"].startswith("given:elp.de.talp#")
    assert "align" not in man["signature"] or "given:" in man["signature"]
    _no_paths({k: man[k] for k in ("config", "given", "inputs", "signature")})
    metrics = read_run(tmp_path, path.name).metrics
    assert metrics["has_gold"] is False and metrics["evaluated"] is False
    assert metrics["overall"] is None and "no gold" in metrics["note"]
    assert metrics["proj_ratio"] == 1.0
    rows = read_sentences(tmp_path, path.name)
    assert rows["n_gold"].isna().all() and rows["f1"].isna().all()
    with pytest.raises(ProjectError, match="already exists"):
        write_imported(imp, tmp_path)


def test_elp_silver_reference_is_labelled(tmp_path) -> None:
    first = write_imported(import_elp(_f("en.conll"), _f("elp.de.tsv"), _f("elp.de.talp"),
                                      lang="de"), tmp_path, name="ref")
    imp = import_elp(_f("en.conll"), _f("elp.de.tsv"), _f("elp.de.talp"), lang="de",
                     runs_root=tmp_path, silver=first.name)
    path = write_imported(imp, tmp_path, name="vs-silver")
    m = read_run(tmp_path, path.name).metrics
    assert m["reference"] == "silver" and m["overall"] is None and not m["has_gold"]
    assert m["silver"]["overall"]["f1"] == 1.0 and "not against gold" in m["silver"]["note"]
    assert read_manifest(path)["reference"] == {"kind": "silver", "run": first.name}
    rec = _records(tmp_path, path.name)[0]
    assert rec.extra["reference"] == f"silver:{first.name}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ELP_LANGS)
def test_elp_released_files_agree_with_their_labels(datasets, lang, tmp_path) -> None:
    """All 16 released files: imported projections (read back from the run) equal the files'
    own labels in every sentence, and every span is attributed to a source entity."""
    from core.readers.conll import read_conll

    base = datasets / "conll2003_deepl"
    for aligner, mid in ELP_ALIGNERS.items():
        tsv = base / f"en2{lang}" / "projections" / f"DeepL.50000.{aligner}.test.tsv"
        imp = import_elp(base / "original_gold" / "en.conll.test.tsv", tsv,
                         base / f"en2{lang}" / "alignments" / f"DeepL.50000.{mid}.talp",
                         lang=lang)
        path = write_imported(imp, tmp_path)
        released = {k: s for k, s in enumerate(read_conll(tsv, keep_docstart=True))}
        recs = _records(tmp_path, path.name)
        assert len(recs) == 3453
        for r in recs:
            k = int(r.id.rsplit(":", 1)[1])
            tags = spans_to_tags([t for p in r.projections for t in p.targets],
                                 len(r.target.words))
            assert tags == list(released[k].labels), (lang, aligner, r.id)
        assert imp.notes["unclaimed_spans"] == 0


# ------------------------------------------------------------------------------ T-Projection


def test_tprojection_hand_written_candidates_and_scores(tmp_path) -> None:
    imp = import_tprojection(_f("en.conll"), _f("tp.es.conll"), lang="es",
                             scores=_f("tp.json"), outputs=_f("tp.jsonl"), gold=_f("es.gold"))
    r0, r1 = imp.records
    # Angela Merkel has no candidate; Paris -> París with T-Projection's own score
    assert r0.projections[0].reason == Reason.NO_CANDIDATE
    assert r0.projections[1].targets == (Span(3, 4, "LOC"),)
    assert r0.projections[1].score == pytest.approx(0.97)
    comps = {(c.start, c.end): dict(c.scores) for c in r1.candidates}
    assert comps[(1, 3)] == {0: {"tprojection": 0.99}} and comps[(1, 2)] == {0: {"tprojection":
                                                                                  0.31}}
    assert r1.extra["model_outputs"][0].startswith("<Organization>")
    path = write_imported(imp, tmp_path)
    m = read_run(tmp_path, path.name).metrics
    assert m["has_gold"] and m["overall"]["tp"] == 3 and m["overall"]["fn"] == 1
    from core.viz.explain import candidate_rows

    rows = candidate_rows(_records(tmp_path, path.name)[1])
    assert "tprojection" in rows[0] and rows[0]["chosen"]


def test_tprojection_markup_parser() -> None:
    assert parse_entity_markup("<Person>Ana Lima</Person><Location>Lisboa</Location>") == [
        ("PER", "Ana Lima"), ("LOC", "Lisboa")]
    with pytest.raises(ProjectError, match="unbalanced"):
        parse_entity_markup("<Person>Ana Lima")


def test_tprojection_real_example_f1_equals_seqeval(datasets, tmp_path) -> None:
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    from core.readers.conll import read_conll

    d = datasets / "tprojection_europarl_example"
    imp = import_tprojection(d / "en.europarl.conll", d / "en2es.europarl.conll", lang="es",
                             scores=d / "en2es.europarl.json", outputs=d / "en2es.europarl.jsonl",
                             gold=d / "es.europarl.gold")
    path = write_imported(imp, tmp_path)
    ours = read_run(tmp_path, path.name).metrics["overall"]["f1"]
    recs = _records(tmp_path, path.name)
    gold = [list(s.labels) for s in read_conll(d / "es.europarl.gold")]
    pred = [spans_to_tags(r.predicted, len(r.target.words)) for r in recs]
    assert ours == pytest.approx(f1_score(gold, pred, mode="strict", scheme=IOB2), abs=1e-12)
    assert pred == [list(s.labels) for s in read_conll(d / "en2es.europarl.conll")]
    assert sum(len(r.candidates) for r in recs) > 10
    assert imp.notes["model"] == "facebook/m2m100_418M"


def test_tprojection_entities_must_match_the_source(tmp_path) -> None:
    bad = tmp_path / "tp.jsonl"
    lines = _f("tp.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("<Location>Brussels</Location>", "<Location>Bonn</Location>")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"tp.jsonl:2: source entities .* do not match"):
        import_tprojection(_f("en.conll"), _f("tp.es.conll"), lang="es", outputs=bad)
    scores = tmp_path / "tp.json"
    scores.write_text('{"Paris": {}}', encoding="utf-8")
    with pytest.raises(ProjectError, match=r"'Angela Merkel' .*en.conll:3\) is not in the "
                                           "scores file"):
        import_tprojection(_f("en.conll"), _f("tp.es.conll"), lang="es", scores=scores)


# ------------------------------------------------------------------------------ EasyProject


def test_easyproject_with_and_without_entity_translations(tmp_path) -> None:
    for entities in (None, _f("ep.entities.txt")):
        imp = import_easyproject(_f("en.conll"), _f("ep.de.txt"), lang="de", entities=entities,
                                 gold=_f("de.gold"), split="whitespace")
        r0, r1 = imp.records
        assert r0.target.words == ("Angela", "Merkel", "besuchte", "Paris", ".")
        assert r0.projections[0].reason == Reason.NO_CANDIDATE  # Angela Merkel lost its markers
        assert ["lost"] == [i.kind for i in r0.marker_issues]
        assert r1.predicted == (Span(1, 3, "ORG"), Span(6, 7, "LOC"))
        assert r1.marked_translation.startswith("Die [ Europäische")
    path = write_imported(imp, tmp_path)
    m = read_run(tmp_path, path.name).metrics
    assert m["marker_issues"] == {"lost": 1} and m["overall"]["fn"] == 1


def test_easyproject_unbalanced_brackets(tmp_path) -> None:
    bad = tmp_path / "marked.txt"
    bad.write_text("Angela Merkel besuchte [ Paris .\nDie [ Europäische Union ] traf sich in "
                   "[ Brüssel ] .\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"marked.txt:1: unbalanced markers"):
        import_easyproject(_f("en.conll"), bad, lang="de")
    imp = import_easyproject(_f("en.conll"), bad, lang="de", lenient=True, split="whitespace")
    assert "unbalanced_open" in [i.kind for i in imp.records[0].marker_issues]


# ------------------------------------------------------------------------------ aligners


def test_awesome_align_with_prob_file(tmp_path) -> None:
    imp = import_alignments(_f("awesome.out"), probs=_f("awesome.prob"),
                            text=_f("awesome.src-tgt"), lang="de")
    assert imp.tool == "awesome-align"
    a = imp.records[1].alignment
    assert a.scores[(3, 4)] == pytest.approx(0.41) and a.aligner == "awesome-align:awesome.out"
    assert imp.records[0].projections == ()
    path = write_imported(imp, tmp_path)
    rec = _records(tmp_path, path.name)[1]
    assert rec.alignment.scores[(6, 7)] == pytest.approx(0.92)
    from core.viz.alignment import alignment_figure

    fig = alignment_figure(rec.source.words, rec.target.words, [rec.alignment], layout="matrix")
    hover = [c[5] for t in fig.data if t.customdata is not None for c in t.customdata
             if len(c) > 5]
    assert "0.410" in hover  # the per-link score is in the matrix view's hover


def test_simalign_output_with_source_labels_and_method(tmp_path) -> None:
    assert parse_simalign_line("0\t0-0-.991-.995 1-2")[1].scores == {(0, 0): 0.991}
    assert parse_simalign_line("3\t2-2-.0-.0")[1].scores == {(2, 2): 1.0}
    imp = import_alignments(_f("sim.itermax"), source=_f("en.conll"), target=_f("sim.de.txt"),
                            lang="de", method="heuristic")
    assert imp.tool == "SimAlign" and imp.notes["style"] == "simalign"
    r = imp.records[1]
    assert r.source_entities == (Span(1, 3, "ORG"), Span(5, 6, "LOC"))
    assert r.predicted == (Span(1, 3, "ORG"), Span(6, 7, "LOC"))
    assert imp.method == "heuristic" and imp.reference is None


def test_alignment_link_out_of_range(tmp_path) -> None:
    bad = tmp_path / "out.talp"
    bad.write_text("0-0 1-1\n0-0 9-1\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"out.talp:2: link 9-1 is out of range"):
        import_alignments(bad, text=_f("awesome.src-tgt"), lang="de")
    probs = tmp_path / "p.txt"
    probs.write_text("0.5\n0.5 0.5\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"p.txt:1: 1 probabilities for 5 links"):
        import_alignments(_f("awesome.out"), probs=probs, text=_f("awesome.src-tgt"), lang="de")


# ------------------------------------------------------------------------------ predictions


def test_predictions_with_gold_column_and_alignment(tmp_path) -> None:
    imp = import_predictions(_f("en.conll"), _f("pred.de.conll"), lang="de", gold_column=-2,
                             alignment=_f("elp.de.talp").parent / "awesome.out")
    r = imp.records[1]
    assert r.predicted == (Span(1, 3, "ORG"), Span(5, 7, "LOC"))
    assert r.gold == (Span(1, 3, "ORG"), Span(6, 7, "LOC"))
    assert r.projections[1].targets == (Span(5, 7, "LOC"),)
    path = write_imported(imp, tmp_path)
    m = read_run(tmp_path, path.name).metrics
    assert m["has_gold"] and m["overall"]["tp"] == 3 and m["outcomes"]["gold"]["boundary"] == 1


def test_predictions_without_alignment_attribute_by_type_and_order() -> None:
    imp = import_predictions(_f("en.conll"), _f("pred.de.conll"), lang="de")
    p = imp.records[0].projections[0]
    assert p.targets == (Span(0, 2, "PER"),) and "type and order" in p.detail
    assert imp.records[0].gold is None


def test_predictions_token_count_mismatch(tmp_path) -> None:
    gold = tmp_path / "gold.conll"
    gold.write_text("Angela B-PER\nMerkel I-PER\nbesuchte O\nParis B-LOC\n\nDie O\n\n",
                    encoding="utf-8")
    with pytest.raises(ProjectError, match=r"gold.conll:1: sentence 0 has 4 tokens in the gold "
                                           r"file but 5"):
        import_predictions(_f("en.conll"), _f("pred.de.conll"), lang="de", gold=gold)


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("make, match", [
    (lambda t: import_elp(_f("en.conll"), _f("elp.de.tsv"), _w(t, "a.talp", "\n0-0\n"),
                          lang="de"), r"a.talp:3: 2 lines in the alignment file but 3"),
    (lambda t: import_elp(_f("en.conll"), _w(t, "p.tsv", "Angela B-PER\n\n"), _f("elp.de.talp"),
                          lang="de"), r"p.tsv:\d+: 1 sentences .* but 3"),
    (lambda t: import_elp(_f("en.conll"), _f("elp.de.tsv"),
                          _w(t, "b.talp", "\n0-7\n0-0\n"), lang="de"),
     r"b.talp:2: link 0-7 is out of range: block 1 has 5 source words \(.*en.conll:3\)"),
    (lambda t: import_tprojection(_f("en.conll"), _f("tp.es.conll"), lang="es",
                                  gold=_w(t, "g.conll", "Angela O\n\n")),
     r"g.conll:1: 1 sentences in the gold file but 2"),
    (lambda t: import_easyproject(_f("en.conll"), _w(t, "m.txt", "only one line\n"), lang="de"),
     r"m.txt:2: 1 lines in the translations file but 2"),
])
def test_bad_input_names_file_and_line(tmp_path, make, match) -> None:
    with pytest.raises(ProjectError, match=match):
        make(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # nothing half-written


def _w(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------------ CLI


def test_cli_import_and_runs_list(tmp_path, capsys) -> None:
    from core.cli import main

    code = main(["--runs", str(tmp_path), "import", "elp", "--source", str(_f("en.conll")),
                 "--projection", str(_f("elp.de.tsv")), "--alignment", str(_f("elp.de.talp")),
                 "--lang", "de", "--name", "mine"])
    out = capsys.readouterr().out
    assert code == 0 and "f1=no-gold" in out and "tool=Easy-Label-Projection" in out
    assert main(["--runs", str(tmp_path), "runs", "list", "--kind", "imported"]) == 0
    assert "mine-" in capsys.readouterr().out
    code = main(["--runs", str(tmp_path), "import", "elp", "--source", str(_f("en.conll")),
                 "--projection", str(_f("elp.de.tsv")), "--alignment", str(tmp_path / "no"),
                 "--lang", "de"])
    assert code == 2 and "alignment file not found" in capsys.readouterr().err


# ------------------------------------------------------------------------------ provenance


def test_pretranslated_alignment_is_recorded_as_given(tmp_path) -> None:
    """A translate-test input that carries its own alignment names no aligner: the signature,
    the components, metrics.run and every record say given:<file>#<sha>."""
    from core.cache import sha256_file
    from core.config import RunConfig
    from core.pipeline import Components, execute

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "target_words": ["Ana", "mora", "em", "Lisboa"],
                               "target_labels": ["B-PER", "O", "O", "B-LOC"],
                               "source_words": ["Ana", "lives", "in", "Lisbon"],
                               "source_labels": ["B-PER", "O", "O", "B-LOC"],
                               "alignment": "0-0 1-1 2-2 3-3"}) + "\n", encoding="utf-8")
    cfg = RunConfig(pipeline="translate-test", dataset="demo", lang="pt", input=str(src))
    path = execute(cfg, tmp_path / "runs", components=Components())
    label = f"given:in.jsonl#{sha256_file(src)[:12]}"
    man = read_manifest(path)
    assert "me5-small" not in man["signature"] and f"align:{label}" in man["signature"]
    assert f"ner:{label}" in man["signature"] and f"mt:{label}" in man["signature"]
    assert man["components"]["aligner"] == label
    assert man["given"] == {"translation": label, "tags": label, "alignment": label}
    run = read_run(tmp_path / "runs", path.name).metrics["run"]
    assert run["aligner"] == label and run["signature"] == man["signature"]
    assert _records(tmp_path / "runs", path.name)[0].alignment.aligner == label
    assert path.name == cfg.run_id()  # run ids do not change


# ------------------------------------------------------------------------------ Your-data mode


class _Upload:
    """What st.file_uploader returns, as far as ui/imports.py uses it."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.name, self._data = name or path.name, path.read_bytes()
        self.size = len(self._data)

    def getvalue(self) -> bytes:
        return self._data


def test_your_data_import_mode_writes_a_run_named_by_the_uploads(tmp_path) -> None:
    from ui.imports import import_uploads

    files = {"source": _Upload(_f("en.conll"), "my source.conll"),
             "projection": _Upload(_f("elp.de.tsv")), "alignment": _Upload(_f("elp.de.talp"))}
    out = import_uploads("elp", files, lang="de", options={}, runs_root=tmp_path, name="up")
    assert out["sentences"] == 2 and not out["has_gold"] and out["run_id"].startswith("up-")
    man = read_manifest(run_dir(tmp_path, out["run_id"]))
    assert "my source.conll" in man["inputs"] and "proj-import" not in json.dumps(man)
    checked = import_uploads("elp", files, lang="de", options={}, runs_root=None)
    assert checked["run_id"] is None  # read-only mode: validated, nothing written
    files["alignment"] = None
    with pytest.raises(ProjectError, match="upload the alignment file"):
        import_uploads("elp", files, lang="de", options={}, runs_root=tmp_path)
    bad = tmp_path / "bad.talp"
    bad.write_text("\n0-9\n0-0\n", encoding="utf-8")
    files["alignment"] = _Upload(bad)
    with pytest.raises(ProjectError, match=r"^bad.talp:2: link 0-9"):
        import_uploads("elp", files, lang="de", options={}, runs_root=tmp_path)


# ------------------------------------------------------------------------------ the app reads them


def test_inspector_compare_and_dashboard_read_imported_runs(tmp_path, monkeypatch) -> None:
    """Two ELP imports of one source under different alignments (siblings on the compare
    page), a scored T-Projection import and a scored-link alignment import: every page opens
    without exception; the inspector shows T-Projection's named score component."""
    from app_runs import app_opener

    root = tmp_path / "runs"
    other = _w(tmp_path, "elp.other.talp", "\n0-0 1-1 3-3\n1-1 2-2 6-7\n")
    a = write_imported(import_elp(_f("en.conll"), _f("elp.de.tsv"), _f("elp.de.talp"),
                                  lang="de"), root).name
    b = write_imported(import_elp(_f("en.conll"), _f("elp.de.tsv"), other, lang="de"), root).name
    tp = write_imported(import_tprojection(_f("en.conll"), _f("tp.es.conll"), lang="es",
                                           scores=_f("tp.json"), outputs=_f("tp.jsonl"),
                                           gold=_f("es.gold")), root).name
    al = write_imported(import_alignments(_f("awesome.out"), probs=_f("awesome.prob"),
                                          text=_f("awesome.src-tgt"), lang="de"), root).name
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = app_opener(app, "pages/inspector.py", root, monkeypatch, tmp_path)(run=tp,
                                                                           sid="en:2")
    frames = [d.value for d in at.dataframe]
    assert any("tprojection" in f.columns for f in frames)
    assert any(m.label == "F1" for m in at.metric)
    at = app_opener(app, "pages/inspector.py", root, monkeypatch, tmp_path)(run=al, view="matrix")
    assert not any(m.label == "F1" for m in at.metric)
    app_opener(app, "pages/compare.py", root, monkeypatch, tmp_path)(runs=f"{a},{b}",
                                                                    sid="en:2")
    app_opener(app, "pages/dashboard.py", root, monkeypatch, tmp_path)()


def test_your_data_page_has_the_import_mode(tmp_path, monkeypatch) -> None:
    from app_runs import app_opener

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = app_opener(app, "pages/your_data.py", tmp_path / "runs", monkeypatch, tmp_path)()
    at.radio(key="ud_have").set_value("imported").run()
    assert not at.exception
    assert at.selectbox(key="imp_format").options  # the formats
    at.button(key="imp_go").click().run()
    assert any("upload the source file" in e.value for e in at.error)
