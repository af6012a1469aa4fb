"""Training on projection (core/extrinsic): the leakage matcher on a hand-made overlap, the
filters, the whole pipeline on hand-written parallel sentences with a tiny encoder (two linked
runs), and a run killed during training that resumes to the uninterrupted result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import ProjectError
from core.paths import REPO_ROOT
from core.types import Alignment, Sentence

#: (English words, English IOB2, Portuguese words). "~" marks a target word our test aligner
#: leaves unlinked.
PAIRS = [
    ("Maria Silva visited Lisbon .", "B-PER I-PER O B-LOC O", "Maria Silva visitou Lisboa ."),
    ("Pedro works at Petrobras .", "B-PER O O B-ORG O", "Pedro trabalha na Petrobras ."),
    ("The UN met in Geneva .", "O B-ORG O O B-LOC O", "A ONU reuniu-se em Genebra ."),
    ("Ana met Rui .", "B-PER O B-PER O", "~ encontrou Rui ."),            # Ana: unprojected
    ("Yes .", "O O", "Sim , claro que sim ."),                            # coverage 2/6
    ("Paulo lives in Porto .", "B-PER O O B-LOC O", "Paulo mora no Porto ."),
    ("Benfica beat Porto .", "B-ORG O B-LOC O", "Benfica venceu Porto ."),
    ("Rita visited Paris .", "B-PER O B-LOC O", "Rita visitou Paris ."),
    ("Carlos works at Galp .", "B-PER O O B-ORG O", "Carlos trabalha na Galp ."),
]
TEST = [
    ("Maria mora em Lisboa .", "B-PER O O B-LOC O"),
    ("Pedro visitou a Galp .", "B-PER O O B-ORG O"),
    ("A ONU reuniu-se em Paris .", "O B-ORG O O B-LOC O"),
]


class PositionAligner:
    """Links word i to word i unless the target word is "~" (deterministic, no model)."""

    name = "position"
    signature = "position-aligner/1"

    def __init__(self) -> None:
        self.calls = 0

    def align(self, pairs):
        self.calls += 1
        return [Alignment.of([(i, i) for i in range(min(len(s), len(t))) if t[i] != "~"],
                             self.name) for s, t in pairs]


def items():
    from core.pipeline import Item

    out = []
    for k, (src, tags, tgt) in enumerate(PAIRS):
        sid = f"hand:{k}"
        out.append(Item(k, sid, Sentence(sid, "pt", tuple(tgt.split())),
                        Sentence(sid, "en", tuple(src.split()), tuple(tags.split())), src))
    return out


def gold_sentences():
    return [Sentence(f"gold:{k}", "pt", tuple(w.split()), tuple(t.split()))
            for k, (w, t) in enumerate(TEST)]


def config(**kw):
    from core.extrinsic.pipeline import ExtrinsicConfig

    base = dict(lang="pt", source="mafand", aligner="position", method="heuristic",
                filters=("unprojected", "coverage:0.5"), encoder_layers=0, lora_from_layer=0,
                max_steps=12, save_steps=4, batch_size=2, lr=5e-3, head_lr=2e-2, threads=1,
                seed=5)
    base.update(kw)
    return ExtrinsicConfig(**base)


# ------------------------------------------------------------------------------- leakage


def test_match_key_ignores_case_spacing_and_punctuation():
    from core.extrinsic.leakage import match_key

    assert match_key("Kampala, Uganda — 2021!") == match_key(["kampala", ",", "UGANDA", "2021"])
    assert match_key("Kampala Uganda") != match_key("Kampala Ugandan")
    assert match_key("... !") == ""


def test_leakage_filter_on_a_hand_made_overlap():
    from core.extrinsic.leakage import find_overlap

    corpus = ["Museveni yagenze e Kampala.", "Abantu bangi.", "Omupiira gwabadde mulungi!",
              "Abantu bangi.", "...", "Museveni yagenze e Kampala"]
    gold = {"test": [Sentence("t0", "lug", ("Museveni", "yagenze", "e", "Kampala", ".")),
                     Sentence("t1", "lug", ("Tewali", "kintu", ".")),
                     Sentence("t2", "lug", (".", ".", "."))],
            "dev": [Sentence("d0", "lug", ("abantu", "bangi", "."))]}
    ov = find_overlap(corpus, gold)
    assert ov.matched == {"test": [0], "dev": [0]}
    assert ov.leaked_lines == {0, 5, 1, 3}  # every copy of a gold sentence goes
    assert ov.counts() == {"test": {"matched": 1, "total": 3}, "dev": {"matched": 1, "total": 1},
                           "corpus_lines_removed": 4}


def test_mafand_leakage_counts_on_the_real_data(datasets):
    from core.extrinsic.leakage import mafand_leakage

    lug = mafand_leakage("lug", datasets).counts()
    assert lug["test"]["total"] == 1412 and lug["test"]["matched"] >= 1400
    assert mafand_leakage("hau", datasets).counts()["test"]["matched"] == 0


# ------------------------------------------------------------------------------- filters


def test_bad_settings_are_clear_errors():
    with pytest.raises(ProjectError, match="unknown filter"):
        config(filters=("nothing",))
    with pytest.raises(ProjectError, match="coverage needs a fraction"):
        config(filters=("coverage:2",))
    with pytest.raises(ProjectError, match="easyproject needs machine translation"):
        config(easyproject=True)
    from core.extrinsic.pipeline import config_from

    with pytest.raises(ProjectError, match="unknown key"):
        config_from({"lang": "pt", "colour": "red"})
    assert config_from({"lang": "pt", "limit": "5", "filters": "partial,coverage:0.2",
                        "epochs": "0.5"}).filters == ("partial", "coverage:0.2")


# ------------------------------------------------------------------------------ pipeline


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory) -> Path:
    from bench.tiny_models import build_tiny_token_classifier

    return build_tiny_token_classifier(tmp_path_factory.mktemp("extrinsic"), arch="xlmr")


def run(cfg, runs: Path, work: Path, encoder: Path, aligner=None):
    from core.extrinsic.pipeline import Models, run_extrinsic

    return run_extrinsic(cfg, runs, models=Models(aligner=aligner or PositionAligner(),
                                                  items=items(), test=gold_sentences()),
                         encoder=str(encoder), work=work)


@pytest.mark.slow
def test_whole_pipeline_on_hand_written_pairs(tiny_encoder, tmp_path):
    from core.extrinsic.pipeline import read_records
    from core.runs import read_manifest, run_dir

    cfg = config()
    out = run(cfg, tmp_path / "runs", tmp_path / "work", tiny_encoder)
    assert out["filters"] == {"unprojected": 1, "coverage:0.5": 1, "empty target": 0}
    assert out["kept"] == len(PAIRS) - 2 and out["projected_sentences"] == len(PAIRS)
    data = read_manifest(run_dir(tmp_path / "runs", out["data_run"]))
    test = read_manifest(run_dir(tmp_path / "runs", out["test_run"]))
    assert data["linked_runs"] == {"test_predictions": out["test_run"]}
    assert test["linked_runs"] == {"training_data": out["data_run"]}
    assert test["config"]["pipeline"] == "train-on-projection"
    assert data["config"]["pipeline"] == "translate-train"
    assert test["extrinsic"]["filters_dropped"]["unprojected"] == 1
    # the training file is the kept projected sentences minus the held-out dev tenth
    training = test["extrinsic"]["training"]
    assert training["train_sentences"] + training["dev_sentences"] == out["kept"]
    # the data run explains every projection; Ana's has no aligned words
    recs = {r.id: r for r in read_records(tmp_path / "runs", out["data_run"])}
    ana = recs["hand:3"].projections[0]
    assert not ana.targets and ana.reason.value == "no_aligned_words"
    assert [(s.start, s.end, s.label) for s in recs["hand:0"].predicted] == [
        (0, 2, "PER"), (3, 4, "LOC")]
    # the inspector's search: which projected training sentences carry an entity string
    from core.extrinsic.pipeline import training_matches

    hits = training_matches(tmp_path / "runs", out["data_run"], "Maria  Silva")
    assert [(h["id"], h["label"]) for h in hits] == [("hand:0", "PER")]
    assert [h["id"] for h in training_matches(tmp_path / "runs", out["data_run"], "Porto")] \
        == ["hand:5", "hand:6"]
    assert training_matches(tmp_path / "runs", out["data_run"], "Ana") == []  # not projected
    # the test run is scored against gold (3 sentences, 6 gold entities)
    metrics = json.loads((run_dir(tmp_path / "runs", out["test_run"]) / "metrics.json")
                         .read_text())
    assert metrics["evaluated"] and metrics["overall"]["support"] == 6
    assert metrics["run"]["method"] == "heuristic" and metrics["run"]["aligner"] == "position"
    from core.summary import summarize  # the dashboard's family

    assert summarize(out["test_run"], tmp_path, test, metrics).family == \
        "training on projection"
    # a second call reuses both runs and the trained model: nothing is aligned again
    again_aligner = PositionAligner()
    again = run(cfg, tmp_path / "runs", tmp_path / "work", tiny_encoder, again_aligner)
    assert again == out and again_aligner.calls == 0


_DRIVER = """
import sys
from pathlib import Path
from tests.test_extrinsic import config, run
run(config(max_steps=16), Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
"""


@pytest.mark.slow
def test_resume_after_a_kill_during_training(tiny_encoder, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PROJ_TRAIN_STEP_DELAY": "0.3",
           "PROJ_CACHE": str(tmp_path / "cache")}
    args = [sys.executable, "-c", _DRIVER]
    killed = [str(tmp_path / "runs-a"), str(tmp_path / "work-a"), str(tiny_encoder)]
    proc = subprocess.Popen(args + killed, env=env, cwd=REPO_ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = tmp_path / "work-a" / "train" / "checkpoints" / "checkpoint-8" / "trainer_state.json"
    deadline = time.time() + 300
    while not ckpt.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    runs_a = tmp_path / "runs-a"
    assert [p.name for p in runs_a.iterdir() if "-data-" in p.name]  # data run written
    assert not [p.name for p in runs_a.iterdir() if "-test-" in p.name]  # no test run yet
    env.pop("PROJ_TRAIN_STEP_DELAY")
    for argv in (killed, [str(tmp_path / "runs-b"), str(tmp_path / "work-b"),
                          str(tiny_encoder)]):
        done = subprocess.run(args + argv, env=env, cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    ra = json.loads((tmp_path / "work-a" / "train" / "report.json").read_text())
    rb = json.loads((tmp_path / "work-b" / "train" / "report.json").read_text())
    # same evaluations and stopping step (early stopping ends both before max_steps)
    assert ra["dev_history"] == rb["dev_history"] and ra["steps"] == rb["steps"] > 8
    [ta] = [p for p in runs_a.iterdir() if "-test-" in p.name]
    [tb] = [p for p in (tmp_path / "runs-b").iterdir() if "-test-" in p.name]
    ma, mb = (json.loads((p / "metrics.json").read_text()) for p in (ta, tb))
    assert ma["overall"] == mb["overall"]


@pytest.mark.slow
def test_inspector_opens_the_linked_run_and_finds_training_sentences(tiny_encoder, tmp_path,
                                                                     monkeypatch):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from app_runs import app_opener

    from ui import state as S

    out = run(config(), tmp_path / "runs", tmp_path / "work", tiny_encoder)
    open_page = app_opener(str(REPO_ROOT / "app.py"), "pages/inspector.py", tmp_path / "runs",
                           monkeypatch, tmp_path)
    at = open_page(run=out["test_run"])
    assert at.selectbox(key=S.INSP_RUN).value == out["test_run"]
    [button] = [b for b in at.button if b.label == "Open the linked training data run"]
    button.click().run()
    assert not at.exception
    assert at.selectbox(key=S.INSP_RUN).value == out["data_run"]
    [back] = [b for b in at.button if b.label == "Open the linked test predictions run"]
    at.text_input(key="insp_training_query").input("Porto").run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe
               if list(d.value.columns) == ["id", "entity", "label", "sentence"]]
    assert list(table["id"]) == ["hand:5", "hand:6"] and set(table["label"]) == {"LOC"}
    at.text_input(key="insp_training_query").input("<b>Nope</b>").run()
    assert any("No projected training entity" in c.value for c in at.caption)
    assert back is not None


def test_limit_prefers_sentences_with_projected_entities():
    from core.extrinsic.pipeline import limit_training
    from core.types import Span

    class R:
        def __init__(self, k, ents):
            self.k, self.predicted = k, tuple(Span(0, 1, "PER") for _ in range(ents))

    recs = [R(0, 0), R(1, 1), R(2, 0), R(3, 2), R(4, 0)]
    assert [r.k for r in limit_training(recs, 2)] == [1, 3]
    assert [r.k for r in limit_training(recs, 3)] == [0, 1, 3]  # filled in corpus order
    assert [r.k for r in limit_training(recs, 9)] == [0, 1, 2, 3, 4]


@pytest.mark.slow
def test_training_can_start_from_an_english_ner_model(tiny_encoder, tmp_path, monkeypatch):
    """init = "ner:<model>": the English model merged into its encoder is the starting point
    (built once under the cache), not the plain encoder."""
    import torch

    from core.extrinsic.pipeline import Models, english_init, run_extrinsic
    from core.models.ner_model import load_ner
    from core.readers.conll import write_conll
    from core.train.ner import TrainConfig, train

    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    english = [Sentence(f"e{k}", "en", tuple(s.split()), tuple(t.split()))
               for k, (s, t, _) in enumerate(PAIRS)]
    write_conll(tmp_path / "en.conll", english)
    train(TrainConfig(train=str(tmp_path / "en.conll"), dev=str(tmp_path / "en.conll"),
                      out=str(tmp_path / "en-model"), encoder=str(tiny_encoder), max_steps=4,
                      batch_size=4, threads=1, tqdm=False, seed=1))
    name = f"ner:{tmp_path / 'en-model' / 'model'}"
    start = english_init(name)
    assert Path(start).parent == tmp_path / "cache" / "extrinsic-init"
    assert english_init(name) == start  # built once
    from transformers import AutoModel

    merged, _, _, _ = load_ner(name.removeprefix("ner:"), device="cpu")
    reloaded = AutoModel.from_pretrained(start)
    want = merged.base_model.encoder.layer[0].attention.self.query.weight
    got = reloaded.encoder.layer[0].attention.self.query.weight
    assert torch.allclose(want, got, atol=1e-6)
    out = run_extrinsic(config(init=name), tmp_path / "runs",
                        models=Models(aligner=PositionAligner(), items=items(),
                                      test=gold_sentences()), work=tmp_path / "work")
    report = json.loads((tmp_path / "work" / "train" / "report.json").read_text())
    assert report["encoder"] == start and out["f1"] is not None


def test_declared_stages_are_checked_and_drive_the_run():
    from core.extrinsic import pipeline as xp

    xp.check_stages()  # the product table is consistent
    assert [s.name for s in xp.STAGES] == ["project", "filter", "train", "evaluate"]
    # a stage that reads what nothing before it writes is refused before anything runs
    ran: list[str] = []
    bad = (xp.RunStage("train", reads=("kept",), writes=("model",),
                       run=lambda st: ran.append("train") or {"model": 1}),)
    with pytest.raises(ProjectError, match=r"stage 'train' reads \['kept'\]"):
        xp.run_stages(dict.fromkeys(xp.INPUTS), bad)
    assert ran == []
    # a stage that writes something other than it declares is an error too
    liar = (xp.RunStage("filter", reads=("cfg",), writes=("kept",),
                        run=lambda st: {"kept": [], "extra": 1}),)
    with pytest.raises(ProjectError, match="declared"):
        xp.run_stages(dict.fromkeys(xp.INPUTS), liar)
    # a stage sees only the fields it declares: an undeclared read fails
    sneaky = (xp.RunStage("filter", reads=("cfg",), writes=("kept",),
                          run=lambda st: {"kept": st["work"]}),)
    with pytest.raises(KeyError, match="work"):
        xp.run_stages(dict.fromkeys(xp.INPUTS), sneaky)
    # stages run in order and see what earlier ones wrote
    chain = (xp.RunStage("a", reads=("cfg",), writes=("x",), run=lambda st: {"x": 2}),
             xp.RunStage("b", reads=("x",), writes=("y",), run=lambda st: {"y": st["x"] * 3}))
    assert xp.run_stages({**dict.fromkeys(xp.INPUTS), "cfg": 1}, chain)["y"] == 6
