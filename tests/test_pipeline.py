"""Pipelines end to end with injected fake components (no models): intrinsic, translate-test
(MT, pre-translated input), translate-train (plain and EasyProject), model transfer,
back-translation; plus caching, interruption/resume, sharding/merge and config errors."""

import json

import pandas as pd
import pytest

from core.config import RunConfig, build_config, configs_from
from core.errors import ProjectError
from core.paths import REPO_ROOT
from core.pipeline import Components, execute, merge_shards, read_pretranslated
from core.readers.conll import read_conll
from core.runs import read_run, read_sentences
from app_runs import CapsTagger  # tags runs of capitalised words as ORG
from core.types import Alignment


class MatchAligner:
    """Links words that are equal ignoring case (a deterministic stand-in for a real aligner)."""

    name = "match"
    signature = "match-v1"

    def __init__(self) -> None:
        self.calls = 0

    def align(self, pairs):
        self.calls += len(pairs)
        return [Alignment.of([(i, j) for i, s in enumerate(src) for j, t in enumerate(tgt)
                              if s.lower() == t.lower()], self.name) for src, tgt in pairs]


class EchoTranslator:
    """'Translates' by returning the text unchanged (keeps markers), counting calls."""

    name = signature = "echo"

    def __init__(self) -> None:
        self.n = 0

    def translate(self, texts, src_lang, tgt_lang):
        self.n += len(texts)
        return list(texts)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))


def fakes(**kw) -> Components:
    return Components(translator=kw.get("translator", EchoTranslator()),
                      tagger=kw.get("tagger", CapsTagger()),
                      target_tagger=kw.get("target_tagger"),
                      aligner=kw.get("aligner", MatchAligner()))


def test_intrinsic_on_demo_writes_a_complete_run(tmp_path) -> None:
    cfg = RunConfig(pipeline="intrinsic", dataset="demo", lang="pt", limit=12)
    path = execute(cfg, tmp_path / "runs", components=fakes())
    info = read_run(tmp_path / "runs", path.name, verify=True)
    m = info.metrics
    assert m["sentences_total"] == 12 and m["evaluated"]
    assert 0 < m["overall"]["f1"] <= 1 and 0 < m["proj_ratio"] <= 1
    assert sum(m["reasons"].values()) == m["source_entities"]
    assert m["run"]["aligner"] == "me5-small:itermax" and m["run"]["dataset"] == "demo"
    df = read_sentences(tmp_path / "runs", path.name)
    assert list(df["index"]) == list(range(12))
    assert info.manifest["components"]["aligner"] == "match-v1"
    assert set(info.manifest["inputs"]) == {"en.conll", "pt.conll"}
    assert info.manifest["timings"]["align"]["sentences"] == 12


def test_rerun_with_another_method_reuses_cached_alignments(tmp_path) -> None:
    aligner = MatchAligner()
    execute(RunConfig(dataset="demo", lang="es", limit=10), tmp_path, components=fakes(
        aligner=aligner))
    assert aligner.calls == 10
    again = MatchAligner()
    execute(RunConfig(dataset="demo", lang="es", limit=10, method="candidates-ngram-exact"),
            tmp_path, components=fakes(aligner=again))
    assert again.calls == 0  # every alignment came from the step cache


def test_existing_run_is_not_overwritten(tmp_path) -> None:
    cfg = RunConfig(dataset="demo", lang="de", limit=3)
    execute(cfg, tmp_path, components=fakes())
    with pytest.raises(ProjectError, match="already exists"):
        execute(cfg, tmp_path, components=fakes())


def test_interrupted_run_leaves_nothing_and_resumes_from_cache(tmp_path) -> None:
    cfg = RunConfig(dataset="demo", lang="fr", limit=66)

    def stop(step, done, total):
        if done >= 64:
            raise KeyboardInterrupt

    aligner = MatchAligner()
    with pytest.raises(KeyboardInterrupt):
        execute(cfg, tmp_path / "runs", components=fakes(aligner=aligner), progress=stop)
    assert not [p for p in (tmp_path / "runs").iterdir() if not p.name.startswith(".")]
    resumed = MatchAligner()
    path = execute(cfg, tmp_path / "runs", components=fakes(aligner=resumed))
    assert resumed.calls == 2  # only the sentences after the first chunk were aligned
    df = read_sentences(tmp_path / "runs", path.name)
    assert list(df["index"]) == list(range(66)) and df["id"].is_unique
    fresh = execute(cfg, tmp_path / "other", components=fakes())
    assert read_run(tmp_path / "other", fresh.name).metrics == read_run(
        tmp_path / "runs", path.name).metrics


def test_shards_merge_into_the_unsharded_result(tmp_path) -> None:
    cfg = RunConfig(dataset="demo", lang="sw", limit=30, method="candidates-ngram-greedy")
    full = execute(cfg, tmp_path / "full", components=fakes())
    ids = [execute(cfg, tmp_path / "sh", shard=(k, 3), components=fakes()).name
           for k in range(3)]
    merged = merge_shards(tmp_path / "sh", ids)
    assert merged.name == full.name
    a = read_sentences(tmp_path / "full", full.name)
    b = read_sentences(tmp_path / "sh", merged.name)
    pd.testing.assert_frame_equal(a, b)
    assert (full / "metrics.json").read_text() == (merged / "metrics.json").read_text()
    with pytest.raises(ProjectError, match="need shards"):
        merge_shards(tmp_path / "sh", ids[:2], run_id="partial")


def test_translate_test_with_mt_and_tagger(tmp_path) -> None:
    cfg = RunConfig(pipeline="translate-test", dataset="demo", lang="de", limit=8)
    path = execute(cfg, tmp_path, components=fakes())
    df = read_sentences(tmp_path, path.name)
    rec = json.loads(df["record"][0])
    assert rec["translation"] == " ".join(rec["target"]["words"])  # echo MT
    assert read_run(tmp_path, path.name).metrics["evaluated"]


def test_pretranslated_input_skips_mt_tagger_and_aligner(tmp_path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "target_words": ["Ana", "mora", "em", "Lisboa"],
                               "target_labels": ["B-PER", "O", "O", "B-LOC"],
                               "source_words": ["Ana", "lives", "in", "Lisbon"],
                               "source_labels": ["B-PER", "O", "O", "B-LOC"],
                               "alignment": "0-0 1-1 2-2 3-3"}) + "\n", encoding="utf-8")
    cfg = RunConfig(pipeline="translate-test", dataset="demo", lang="pt", input=str(src))
    comp = Components(aligner=MatchAligner())
    path = execute(cfg, tmp_path / "runs", components=comp)
    assert comp.aligner.calls == 0
    assert read_run(tmp_path / "runs", path.name).metrics["overall"]["f1"] == 1.0


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('{"target_words": ["a"], "target_labels": ["X-1"], "source_words": ["a"]}', "invalid tag"),
    ('{"target_words": ["a"], "target_labels": ["O"], "source_words": "a"}', "source_words"),
    ('{"target_words": ["a"], "target_labels": ["O"], "source_words": ["a"], '
     '"alignment": "0-5"}', "out of range"),
])
def test_pretranslated_input_errors_name_the_line(tmp_path, line, message) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"target_words": ["x"], "target_labels": ["O"], "source_words": ["x"]}\n'
                 + line + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=message) as err:
        read_pretranslated(f, "pt")
    assert f"{f}:2" in str(err.value)


def test_translate_train_writes_projected_conll(tmp_path) -> None:
    out = tmp_path / "train.pt.conll"
    cfg = RunConfig(pipeline="translate-train", dataset="demo", lang="pt", limit=5,
                    output=str(out))
    path = execute(cfg, tmp_path / "runs", components=fakes())
    sents = read_conll(out)
    assert len(sents) == 5
    en = read_conll(REPO_ROOT / "data" / "demo" / "en.conll")[:5]
    # echo MT keeps the text (re-split into words), so projection through the match aligner
    # labels the same entity strings as the English gold
    def entities(s):
        return [(" ".join(s.words[x.start:x.end]), x.label) for x in s.spans]

    assert [entities(s) for s in sents] == [entities(s) for s in en]
    m = read_run(tmp_path / "runs", path.name).metrics
    assert not m["evaluated"] and m["proj_ratio"] == 1.0


def test_easyproject_translate_train_uses_marker_spans(tmp_path) -> None:
    cfg = RunConfig(pipeline="translate-train", dataset="demo", lang="pt", limit=4,
                    easyproject=True)
    path = execute(cfg, tmp_path, components=fakes())
    rec = json.loads(read_sentences(tmp_path, path.name)["record"][0])
    assert "[" in rec["marked_translation"]
    assert [p[:3] for p in rec["predicted"]] == [s[:3] for s in rec["source_entities"]]


def test_back_translation_projects_from_the_labelled_back_translation(tmp_path) -> None:
    cfg = RunConfig(pipeline="intrinsic", dataset="demo", lang="pt", limit=6,
                    back_translation=True)
    path = execute(cfg, tmp_path, components=fakes())
    rec = json.loads(read_sentences(tmp_path, path.name)["record"][0])
    assert rec["marked_translation"].count("[") == len(rec["extra"]["english_entities"])
    assert rec["back_translation"]


def test_model_transfer_tags_target_directly(tmp_path) -> None:
    cfg = RunConfig(pipeline="model-transfer", dataset="demo", lang="de", limit=5)
    comp = fakes()
    path = execute(cfg, tmp_path, components=comp)
    assert comp.aligner.calls == 0
    assert read_run(tmp_path, path.name).metrics["evaluated"]


def test_config_errors_are_clear(tmp_path) -> None:
    with pytest.raises(ProjectError, match="valid keys"):
        build_config({"langg": "de"})
    with pytest.raises(ProjectError, match="expected an integer"):
        build_config({"limit": "ten"})
    with pytest.raises(ProjectError, match="valid pipelines"):
        build_config({"pipeline": "translate"})
    toml = tmp_path / "c.toml"
    toml.write_text('[run]\nlang = ["de", "es"]\nmethod = ["heuristic", "easy_label"]\n')
    cfgs = configs_from(toml, ["limit=3"])
    assert len(cfgs) == 4 and {c.limit for c in cfgs} == {3}
    toml.write_text("[run\n")
    with pytest.raises(ProjectError, match="not valid TOML"):
        configs_from(toml)
