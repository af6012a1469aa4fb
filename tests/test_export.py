"""Export (core/export.py, ``python -m core export``): Pharaoh, CoNLL and JSONL files of a run,
and the round trips: export -> import gives identical projections (JSONL: projections,
candidates with their score components, links with scores; CoNLL + Pharaoh through the
predictions importer: identical predicted spans and links)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app_runs import ALIGNERS, CapsTagger, EchoTranslator, _env
from core.config import RunConfig
from core.errors import ProjectError
from core.export import export_run, read_records
from core.importers import write_imported
from core.importers.alignments import import_alignments
from core.importers.elp import import_elp
from core.importers.jsonl import import_jsonl
from core.importers.predictions import import_predictions
from core.pipeline import Components, execute

FIX = Path(__file__).parent / "fixtures" / "importers"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("export_runs")
    cfg = RunConfig(dataset="demo", lang="pt", limit=12, aligner="prefix",
                    method="candidates-ngram-greedy")
    with _env("PROJ_CACHE", str(root / ".cache")):
        path = execute(cfg, root, components=Components(
            translator=EchoTranslator(), tagger=CapsTagger(), aligner=ALIGNERS["prefix"]()))
    return root, path.name


def test_export_writes_the_three_formats(run, tmp_path) -> None:
    root, rid = run
    files = export_run(root, rid, ["pharaoh", "conll", "jsonl"], tmp_path / "out")
    names = sorted(p.name for p in files)
    assert names == sorted([f"{rid}.talp", f"{rid}.src-tgt.txt", f"{rid}.source.conll",
                            f"{rid}.projected.conll", f"{rid}.gold.conll", f"{rid}.jsonl"])
    lines = (tmp_path / "out" / f"{rid}.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    obj = json.loads(lines[0])
    assert obj["format"] == "projection-inspector" and obj["version"] == 1
    ent = next(e for x in map(json.loads, lines) for e in x["entities"] if e["candidates"])
    cand = ent["candidates"][0]
    assert {"start", "end", "text", "origin", "components", "sum", "chosen"} <= set(cand)
    assert cand["sum"] == pytest.approx(sum(cand["components"].values()))


def test_jsonl_round_trip_is_identical(run, tmp_path) -> None:
    root, rid = run
    export_run(root, rid, ["jsonl"], tmp_path)
    imp = import_jsonl(tmp_path / f"{rid}.jsonl")
    back = write_imported(imp, tmp_path / "runs")
    a, _ = read_records(root, rid)
    b, _ = read_records(tmp_path / "runs", back.name)
    assert len(a) == len(b) == 12
    for x, y in zip(a, b):
        assert x.projections == y.projections
        assert x.predicted == y.predicted and x.gold == y.gold
        assert x.alignment.links == y.alignment.links
        assert [(c.range, c.origin, dict(c.scores)) for c in x.candidates] == \
            [(c.range, c.origin, dict(c.scores)) for c in y.candidates]
    # exporting the imported run again gives the same entities
    export_run(tmp_path / "runs", back.name, ["jsonl"], tmp_path / "again")
    first = [json.loads(x) for x in (tmp_path / f"{rid}.jsonl").read_text().splitlines()]
    second = [json.loads(x) for x in
              (tmp_path / "again" / f"{back.name}.jsonl").read_text().splitlines()]
    assert [x["entities"] for x in first] == [x["entities"] for x in second]


def test_conll_and_pharaoh_round_trip_through_predictions(run, tmp_path) -> None:
    root, rid = run
    export_run(root, rid, ["pharaoh", "conll"], tmp_path)
    imp = import_predictions(tmp_path / f"{rid}.source.conll",
                             tmp_path / f"{rid}.projected.conll", lang="pt",
                             gold=tmp_path / f"{rid}.gold.conll",
                             alignment=tmp_path / f"{rid}.talp")
    a, _ = read_records(root, rid)
    for x, y in zip(a, imp.records):
        assert x.predicted == y.predicted and x.gold == y.gold
        assert x.alignment.links == y.alignment.links
        # every exported span is attributed back to a source entity
        assert sorted(t for p in y.projections for t in p.targets) == list(y.predicted)
    pairs = import_alignments(tmp_path / f"{rid}.talp", text=tmp_path / f"{rid}.src-tgt.txt",
                              lang="pt")
    assert [r.alignment.links for r in pairs.records] == [r.alignment.links for r in a]


def test_scored_links_survive_export(tmp_path) -> None:
    imp = import_alignments(FIX / "awesome.out", probs=FIX / "awesome.prob",
                            text=FIX / "awesome.src-tgt", lang="de")
    path = write_imported(imp, tmp_path / "runs")
    export_run(tmp_path / "runs", path.name, ["pharaoh"], tmp_path)
    talp = (tmp_path / f"{path.name}.talp").read_text().splitlines()
    assert talp[1].split()[4] == "3-4-0.41"


def test_no_gold_run_exports_without_gold_file(tmp_path) -> None:
    imp = import_elp(FIX / "en.conll", FIX / "elp.de.tsv", FIX / "elp.de.talp", lang="de")
    path = write_imported(imp, tmp_path / "runs")
    files = export_run(tmp_path / "runs", path.name, ["conll", "jsonl"], tmp_path)
    assert not any(p.name.endswith(".gold.conll") for p in files)
    obj = json.loads((tmp_path / f"{path.name}.jsonl").read_text().splitlines()[0])
    assert obj["gold_labels"] is None


def test_export_errors(run, tmp_path) -> None:
    root, rid = run
    with pytest.raises(ProjectError, match="valid formats"):
        export_run(root, rid, ["xml"], tmp_path)
    with pytest.raises(ProjectError, match="invalid run id"):
        export_run(root, "../x", ["jsonl"], tmp_path)
    from core.cli import main

    assert main(["--runs", str(root), "export", rid, "--format", "jsonl,conll", "--out",
                 str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / f"{rid}.jsonl").is_file()
