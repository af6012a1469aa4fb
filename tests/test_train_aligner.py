"""The alignment trainer (``python -m core train-aligner``) on a tiny local encoder: the
self-training loss falls, a killed-then-resumed run ends where an uninterrupted one ends, the
exported adapter reloads (checksums checked) with identical alignments, the overlap check
catches a hand-made leak, and ``me5-small-ft:<method>`` resolves in the aligner registry."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from bench.tiny_models import build_tiny_bert
from core.errors import ProjectError
from core.train.parallel import Pair, drop_overlap, write_pairs
from core.types import Sentence

PAIRS = [
    ("Angela Merkel visited Microsoft in Redmond on Monday .",
     "Angela Merkel besuchte am Montag Microsoft in Redmond ."),
    ("The European Commission met in Brussels last week .",
     "Die Europäische Kommission tagte letzte Woche in Brüssel ."),
    ("Maria Silva works for the United Nations in Geneva .",
     "Maria Silva trabalha para as Nações Unidas em Genebra ."),
    ("The president spoke with journalists in Berlin .",
     "Der Präsident sprach mit Journalisten in Berlin ."),
    ("Barack Obama was born in Honolulu , Hawaii .",
     "Barack Obama nasceu em Honolulu , Havaí ."),
    ("Peter Blackburn wrote a report for the newspaper in 1996 .",
     "Peter Blackburn escreveu um relatório para o jornal em 1996 ."),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train-aligner")
    pairs = [Pair("hand", tuple(s.split()), tuple(t.split())) for s, t in PAIRS] * 4
    write_pairs(root / "pairs.jsonl", pairs)
    return {"model": build_tiny_bert(root, layers=3), "pairs": root / "pairs.jsonl",
            "root": root}


def _cfg(tiny: dict[str, Path], out: Path, **kw):
    from core.train.aligner import AlignTrainConfig

    base = dict(out=str(out), encoder=str(tiny["model"]), layer=2, pairs=str(tiny["pairs"]),
                batch_size=4, lr=1e-2, max_steps=36, save_steps=4, log_steps=6, seed=5,
                dev=False, tqdm=False, threads=1, lora_r=4, lora_alpha=8,
                extra={"no_europarl": True})
    base.update(kw)
    return AlignTrainConfig(**base)


@pytest.fixture(scope="module")
def trained(tiny, tmp_path_factory) -> dict:
    from core.train.aligner import train

    out = tmp_path_factory.mktemp("run")
    return {"report": train(_cfg(tiny, out)), "out": out}


def test_loss_falls(trained) -> None:
    losses = [h["loss"] for h in trained["report"]["loss"]]
    # one logged window = one epoch over the same 24 pairs, so the windows are comparable
    assert len(losses) == 6
    assert losses[-1] < 0.85 * losses[0], losses
    links = [h["links_per_pair"] for h in trained["report"]["loss"]]
    assert 0 < links[-1] < links[0]  # the alignments get sharper, not denser
    assert trained["report"]["data"]["sources"] == {"hand": len(PAIRS) * 4}


def test_loss_labels_are_the_models_own_alignments() -> None:
    """The labels are the links awesome extraction gives on the same vectors."""
    import torch

    from core.aligners.awesome import awesome_links
    from core.train.aligner import self_training_loss

    gen = torch.Generator().manual_seed(0)
    hx, hy = torch.randn(1, 5, 8, generator=gen), torch.randn(1, 4, 8, generator=gen)
    mx, my = torch.ones(1, 5, dtype=torch.bool), torch.ones(1, 4, dtype=torch.bool)
    want = awesome_links(hx[0].numpy(), hy[0].numpy())
    s = hx[0] @ hy[0].T
    lf, lb = torch.log_softmax(s, 1), torch.log_softmax(s, 0)
    a = torch.from_numpy(want)
    expected = {"logprob": -(lf[a].sum() + lb[a].sum()) / (2 * a.sum()),
                "prob": 1 - (lf.exp()[a].sum() + lb.exp()[a].sum()) / (2 * a.sum())}
    hx2 = torch.cat([hx, torch.randn(1, 2, 8, generator=gen)], 1)
    mx2 = torch.cat([mx, torch.zeros(1, 2, dtype=torch.bool)], 1)
    for objective, value in expected.items():
        loss, links = self_training_loss(hx, hy, mx, my, objective=objective)
        assert links == int(want.sum()) > 0
        assert float(loss) == pytest.approx(float(value), rel=1e-5)
        # padding does not change the loss of the real sub-words
        loss2, links2 = self_training_loss(hx2, hy, mx2, my, objective=objective)
        assert links2 == links and float(loss2) == pytest.approx(float(loss), rel=1e-5)
    with pytest.raises(ProjectError, match="objective"):
        self_training_loss(hx, hy, mx, my, objective="nll")


def test_resume_after_a_kill_ends_like_an_uninterrupted_run(tiny, trained, tmp_path) -> None:
    import torch

    from core.train.aligner import train

    out = tmp_path / "resumed"
    assert train(_cfg(tiny, out, stop_after=10)) == {"stopped_at": 10}
    report = train(_cfg(tiny, out))
    assert report["steps"] == 36
    assert report["loss"] == trained["report"]["loss"]
    a = torch.load(out / "checkpoint.pt", weights_only=False)["trainable"]
    b = torch.load(trained["out"] / "checkpoint.pt", weights_only=False)["trainable"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_resume_after_a_sigkill_ends_like_an_uninterrupted_run(tiny, trained, tmp_path) -> None:
    """The same, with the training process killed (SIGKILL) between two checkpoints."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    import torch

    from core.paths import REPO_ROOT
    from core.train.aligner import train

    out = tmp_path / "killed"
    kwargs = {k: v for k, v in vars(_cfg(tiny, out)).items()}
    child = ("import json, sys\n"
             "from core.train.aligner import AlignTrainConfig, train\n"
             "train(AlignTrainConfig(**json.loads(sys.argv[1])))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PROJ_TRAIN_STEP_DELAY": "0.3"}
    proc = subprocess.Popen([sys.executable, "-c", child, json.dumps(kwargs, default=str)],
                            env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    ckpt, deadline = out / "checkpoint.pt", time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        if ckpt.exists() and torch.load(ckpt, weights_only=False)["step"] >= 8:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "model").exists()
    killed_at = torch.load(ckpt, weights_only=False)["step"]
    assert 8 <= killed_at < 36
    report = train(_cfg(tiny, out))
    assert report["steps"] == 36
    assert report["loss"] == trained["report"]["loss"]
    a = torch.load(ckpt, weights_only=False)["trainable"]
    b = torch.load(trained["out"] / "checkpoint.pt", weights_only=False)["trainable"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _aligner(model, tok):
    from core.aligners.embedding import EmbeddingAligner

    return EmbeddingAligner(model, tok, layer=2, methods=("itermax", "awesome", "mwmf"),
                            name="t")


def test_adapter_round_trip_gives_identical_alignments(tiny, trained) -> None:
    """The exported adapter (loaded, checksums verified, merged) aligns exactly like the
    trained weights applied to a fresh encoder; and it differs from the plain encoder."""
    import torch

    from core.models.align_adapter import load_adapter
    from core.train.aligner import add_lora, cut_layers, load_encoder_for_training

    model, tok, meta, sig = load_adapter(str(trained["out"] / "model"),
                                         encoder=str(tiny["model"]))
    assert meta["layer"] == 2 and sig.startswith("align-adapter:model#")
    base, tok2, _ = load_encoder_for_training(str(tiny["model"]))
    fresh = add_lora(cut_layers(base, 2), 2, 4, 8)
    state = torch.load(trained["out"] / "checkpoint.pt", weights_only=False)["trainable"]
    fresh.load_state_dict(state, strict=False)
    fresh.eval()
    pairs = [(s.split(), t.split()) for s, t in PAIRS]
    loaded = _aligner(model, tok).align_methods(pairs)
    direct = _aligner(fresh, tok2).align_methods(pairs)
    for method in loaded:
        assert [a.links for a in loaded[method]] == [a.links for a in direct[method]]
    plain, _, _ = load_encoder_for_training(str(tiny["model"]))
    sub = _aligner(model, tok).encoder.encode([pairs[0][0]])[0].vectors
    sub_plain = _aligner(plain, tok).encoder.encode([pairs[0][0]])[0].vectors
    assert not np.allclose(sub, sub_plain, atol=1e-4)


def test_tampered_adapter_is_refused(tiny, trained, tmp_path) -> None:
    import shutil

    from core.models.align_adapter import load_adapter

    copy = tmp_path / "copy"
    shutil.copytree(trained["out"] / "model", copy)
    with open(copy / "adapter_model.safetensors", "r+b") as fh:
        fh.seek(-8, 2)
        fh.write(b"\x00" * 8)
    with pytest.raises(ProjectError, match="does not match its SHA256SUMS"):
        load_adapter(str(copy), encoder=str(tiny["model"]))


def test_exported_files_carry_no_machine_path(trained) -> None:
    for path in (trained["out"] / "model").iterdir():
        if path.suffix in (".json", ".txt") or path.name == "SHA256SUMS":
            text = path.read_text(encoding="utf-8")
            assert str(trained["out"]) not in text, path.name
            assert tempfile.gettempdir() not in text, path.name


# ------------------------------------------------------------------------------ overlap

def test_overlap_check_catches_a_hand_made_leak() -> None:
    gold = {"europarl_ner/de": [
        Sentence("g1", "de", ("Herr", "Präsident", ",", "ich", "danke", "Ihnen", ".")),
        Sentence("g2", "de", ("Das", "Parlament", "stimmt", "zu", "."))]}
    pairs = [Pair("a", ("Thank", "you", "."), ("Danke", ".")),
             # the same sentence, other tokenisation and case: still a leak
             Pair("b", ("Mr", "President", "..."), ("herr", "präsident,", "ich danke", "Ihnen.")),
             Pair("c", ("Parliament", "agrees", "."), ("Das", "Parlament", "stimmt", "nicht"))]
    kept, counts = drop_overlap(pairs, gold)
    assert [p.source for p in kept] == ["a", "c"]
    assert counts == {"europarl_ner/de": 1, "pairs_removed": 1}
    kept, counts = drop_overlap(pairs[::2], gold)
    assert counts["pairs_removed"] == 0 and len(kept) == 2


def test_overlap_check_on_the_real_europarl_test(datasets) -> None:
    """A Europarl-NER sentence smuggled into the training pairs (source or target side) is
    found; the sampled sources themselves hold none."""
    from core.train.parallel import europarl_gold

    gold = europarl_gold(datasets)
    assert {"europarl_ner/en", "europarl_ner/de", "europarl_ner/es"} <= set(gold)
    es = gold["europarl_ner/es"][17].words
    en = gold["europarl_ner/en"][400].words
    pairs = [Pair("clean", ("A", "clean", "pair", "."), ("Ein", "sauberes", "Paar", ".")),
             Pair("leak-tgt", ("whatever",), tuple(es)),
             Pair("leak-src", tuple(en), ("egal",))]
    kept, counts = drop_overlap(pairs, gold)
    assert [p.source for p in kept] == ["clean"]
    assert counts["pairs_removed"] == 2
    assert counts["europarl_ner/es"] >= 1 and counts["europarl_ner/en"] >= 1


def test_bad_pairs_file_names_the_line(tmp_path) -> None:
    from core.train.parallel import read_pairs

    path = tmp_path / "p.jsonl"
    path.write_text('{"src": ["a"], "tgt": ["b"]}\n{"src": ["a"]}\n', encoding="utf-8")
    with pytest.raises(ProjectError) as err:
        read_pairs(path)
    assert err.value.line == 2


# ----------------------------------------------------------------------------- registry

def test_packaged_adapter_is_registered_and_checksummed() -> None:
    """``me5-small-ft`` is an encoder of the models registry (so ``me5-small-ft:<method>`` is an
    aligner for every method); its signature carries the committed SHA256SUMS' hash."""
    import hashlib

    from core.models.align_adapter import adapter_dir, adapter_signature, read_config
    from core.models.registry import parse

    assert parse("me5-small-ft", "encoder").entry.key == "me5-small-ft"
    directory = adapter_dir("me5-small-ft")
    digest = hashlib.sha256((directory / "SHA256SUMS").read_bytes()).hexdigest()[:16]
    assert f"#{digest}|" in adapter_signature("me5-small-ft")
    meta = read_config(directory)
    assert meta["encoder"] == "me5-small" and meta["layer"] == 8
    assert meta["data"]["overlap"]["pairs_removed"] == 0
    size = sum(p.stat().st_size for p in directory.iterdir())
    assert size <= 10 * 1024 * 1024


@pytest.mark.models
@pytest.mark.slow
def test_fine_tuned_aligner_names_resolve_for_every_method() -> None:
    from core.aligners.registry import EMBEDDING_METHODS, get_aligner

    pair = [("The Commission met in Brussels .".split(),
             "Die Kommission tagte in Brüssel .".split())]
    plain = get_aligner("me5-small:itermax")
    for method in EMBEDDING_METHODS:
        tuned = get_aligner(f"me5-small-ft:{method}")
        assert tuned.name == f"me5-small-ft:{method}"
        assert "align-adapter:me5-small-align#" in tuned.signature
        assert tuned.signature != plain.signature
        assert tuned.align(pair)[0].links


def test_cli_names_a_bad_sample_size(tmp_path, capsys) -> None:
    from core.cli import main

    assert main(["train-aligner", "--out", str(tmp_path / "o"), "--size", "bogus=3"]) == 2
    assert "unknown sample size(s) ['bogus']" in capsys.readouterr().err
    assert main(["train-aligner", "--out", str(tmp_path / "o"), "--size", "menyo"]) == 2
    assert "--size" in capsys.readouterr().err


def test_cli_passes_the_layer_scan_settings(tmp_path, monkeypatch, capsys) -> None:
    """The layer-scan / loss-form command of docs/aligner_adapter.md reaches the trainer with
    every setting, and its output line carries the dev scores the tables quote."""
    import core.train.aligner as aligner
    from core.cli import main

    seen = {}

    def fake_train(cfg):
        seen["cfg"] = cfg
        return {"train_pairs": 623, "steps": 30, "loss": [{"loss": 0.5}, {"loss": 0.2}],
                "train_minutes": 1.0,
                "dev": {"before": {"mean": 93.33}, "after": {"mean": 92.41}}}

    monkeypatch.setattr(aligner, "train", fake_train)
    assert main(["train-aligner", "--out", str(tmp_path / "o"), "--layer", "10",
                 "--max-steps", "30", "--batch-size", "16", "--lr", "3e-4",
                 "--objective", "logprob", "--seed", "7", "--save-steps", "10",
                 "--size", "deepl_per_lang=100", "--size", "mafand_per_pair=10",
                 "--size", "menyo=60", "--size", "synthetic_pt=60",
                 "--size", "dev_per_lang=150"]) == 0
    cfg = seen["cfg"]
    assert (cfg.layer, cfg.max_steps, cfg.batch_size, cfg.lr, cfg.objective, cfg.seed,
            cfg.save_steps) == (10, 30, 16, 3e-4, "logprob", 7, 10)
    assert cfg.sizes == {"deepl_per_lang": 100, "mafand_per_pair": 10, "menyo": 60,
                         "synthetic_pt": 60, "dev_per_lang": 150}
    assert cfg.pairs == "" and cfg.dev  # pairs sampled from the sources, dev scored
    out = capsys.readouterr().out
    assert "pairs=623" in out and "dev_before=93.33" in out and "dev_after=92.41" in out
    # the global --datasets reaches the trainer (a subcommand option of the same name hid it)
    assert main(["--datasets", str(tmp_path / "corpora"), "train-aligner", "--out",
                 str(tmp_path / "o")]) == 0
    assert seen["cfg"].datasets == str(tmp_path / "corpora")
