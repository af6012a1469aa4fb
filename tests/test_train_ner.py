"""The NER trainer (``python -m core train-ner``) on a tiny local model: the loss falls, the
exported adapter reloads with identical predictions, and a run killed mid-training then resumed
ends exactly where an uninterrupted run of the same seed ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.paths import REPO_ROOT
from bench.tiny_models import build_tiny_token_classifier

SENTENCES = [
    ("Angela Merkel visited Microsoft in Redmond .", "B-PER I-PER O B-ORG O B-LOC O"),
    ("Maria Silva works for the United Nations in Geneva .",
     "B-PER I-PER O O O B-ORG I-ORG O B-LOC O"),
    ("Barack Obama was born in Honolulu .", "B-PER I-PER O O O B-LOC O"),
    ("The company Apple opened a store in London .", "O O B-ORG O O O O B-LOC O"),
    ("Peter Blackburn wrote a report in 1996 .", "B-PER I-PER O O O O O O"),
    ("Kofi Annan spoke at the African Union in Addis Ababa .",
     "B-PER I-PER O O O B-ORG I-ORG O B-LOC I-LOC O"),
    ("Siemens invests in Berlin .", "B-ORG O O B-LOC O"),
    ("We translated the sentences carefully .", "O O O O O O"),
]


def _write_conll(path: Path, repeat: int = 1) -> Path:
    lines = ["-DOCSTART- O", ""]
    for _ in range(repeat):
        for text, tags in SENTENCES:
            lines += [f"{w}\t{t}" for w, t in zip(text.split(), tags.split())] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train-ner")
    return {"model": build_tiny_token_classifier(root, arch="xlmr"),
            "train": _write_conll(root / "train.conll", repeat=4),
            "dev": _write_conll(root / "dev.conll"), "root": root}


def _cfg(tiny: dict[str, Path], out: Path, **kw):
    from core.train.ner import TrainConfig

    base = dict(train=str(tiny["train"]), dev=str(tiny["dev"]), out=str(out),
                encoder=str(tiny["model"]), batch_size=4, lr=5e-3, head_lr=2e-2, max_steps=40,
                eval_steps=20, save_steps=10, log_steps=5, seed=3, tqdm=False, threads=1)
    base.update(kw)
    return TrainConfig(**base)


def test_loss_falls_and_roundtrip_gives_identical_predictions(tiny, tmp_path):
    import torch

    from core.models.ner_model import load_ner_tagger, verify
    from core.train.ner import encode, label_set, load_base, prepare, read_split, train

    cfg = _cfg(tiny, tmp_path / "run")
    report = train(cfg)
    losses = [x["loss"] for x in report["train_loss"]]
    assert len(losses) >= 2 and losses[-1] < 0.7 * losses[0], losses
    assert report["labels"] == ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    model_dir = tmp_path / "run" / "model"
    verify(model_dir)
    assert sum(p.stat().st_size for p in model_dir.iterdir()) < 10 << 20

    # the in-memory trained weights (best evaluation) vs the exported, reloaded artifact
    sents = read_split(tiny["dev"])
    labels = label_set(read_split(tiny["train"]))
    model, tok, _ = load_base(str(tiny["model"]), labels)
    model = prepare(model, cfg)
    model.load_state_dict(torch.load(tmp_path / "run" / "best_trainable.pt"), strict=False)
    model.eval()
    enc = encode(tok, sents, {t: i for i, t in enumerate(labels)}, 64)
    tagger = load_ner_tagger(str(model_dir), device="cpu")
    tagged = tagger.tag_with_probs([w for w, _ in sents])
    for (words, _), item, t in zip(sents, enc, tagged):
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([item["input_ids"]]),
                           attention_mask=torch.tensor([item["attention_mask"]])).logits[0]
        first = [k for k, lab in enumerate(item["labels"]) if lab != -100]
        want = torch.softmax(logits[first], -1).numpy()
        np.testing.assert_allclose(t.raw.probs, want, atol=1e-5)
        assert list(t.word_tags) == [labels[k] for k in want.argmax(1)]


def _cli(cfg, env) -> list[str]:
    return [sys.executable, "-m", "core", "train-ner", "--train", cfg.train, "--dev", cfg.dev,
            "--out", cfg.out, "--encoder", cfg.encoder, "--batch-size", str(cfg.batch_size),
            "--lr", str(cfg.lr), "--head-lr", str(cfg.head_lr), "--max-steps",
            str(cfg.max_steps), "--eval-steps", str(cfg.eval_steps), "--save-steps",
            str(cfg.save_steps), "--seed", str(cfg.seed), "--threads", "1"]


def test_kill_then_resume_matches_uninterrupted_run(tiny, tmp_path):
    from safetensors.numpy import load_file

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PROJ_TRAIN_STEP_DELAY": "0.25"}
    killed = _cfg(tiny, tmp_path / "killed")
    proc = subprocess.Popen(_cli(killed, env), env=env, cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    ckpt = tmp_path / "killed" / "checkpoints" / "checkpoint-20" / "trainer_state.json"
    deadline = time.time() + 240
    while not ckpt.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "killed" / "model").exists()
    env.pop("PROJ_TRAIN_STEP_DELAY")
    resumed = subprocess.run(_cli(killed, env), env=env, cwd=REPO_ROOT, capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    whole = _cfg(tiny, tmp_path / "whole")
    done = subprocess.run(_cli(whole, env), env=env, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    a = load_file(str(tmp_path / "killed" / "model" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "whole" / "model" / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], atol=1e-6, err_msg=k)
    import json

    ra = json.loads((tmp_path / "killed" / "report.json").read_text())
    rb = json.loads((tmp_path / "whole" / "report.json").read_text())
    assert ra["dev_history"] == rb["dev_history"]  # same evaluations, same selected step
    assert ra["best_step"] == rb["best_step"] and ra["steps"] == rb["steps"] == 40
