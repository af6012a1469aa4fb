"""``python -m core train-aligner``: fine-tune an encoder for word alignment on parallel text.

Objective: the self-training objective of Dou & Neubig (2021, §2.2), written from the paper.
For a pair, with ``x`` (``m`` source sub-words) and ``y`` (``n`` target sub-words) the
layer-``layer`` vectors (special tokens excluded, each side encoded on its own):

- ``S = x yᵀ``; ``P_fwd = softmax(S)`` over each row, ``P_bwd = softmax(S)`` over each column;
- the labels ``A`` are the alignments the *current* model extracts, as at inference
  (``P_fwd > c`` and ``P_bwd > c``, ``c = 1e-3``), computed without gradient;
- the loss moves both directions' probability mass onto the links the model already believes
  in, averaged over the links of the batch: ``objective="prob"`` (the default)
  ``1 - (Σ A·P_fwd + Σ A·P_bwd) / (2 Σ A)``, ``"logprob"`` ``-(Σ A·log P_fwd + Σ A·log P_bwd)
  / (2 Σ A)`` (:func:`self_training_loss`; docs/aligner_adapter.md says why ``prob``).

The encoder's own dropout is off during training (the labels and the loss come from the same
deterministic forward pass, so a step's labels are exactly the current model's alignments).

Parameter-efficient: ``peft`` LoRA on every linear layer of encoder layers ``0 .. layer-1``;
layers above the alignment layer are cut off for training (they cannot change the vectors).
The adapter (``adapter_model.safetensors``, ``adapter_config.json``), ``align_config.json``
(encoder, layer, threshold, data counts, loss curve, dev scores) and ``SHA256SUMS`` are exported
to ``<out>/model``; :mod:`core.models.align_adapter` loads them as aligners
``<name>:<method>``.

Machinery shared with the NER trainer (:mod:`core.train.ner`): seeding, the length-grouped
batch order drawn from ``seed + epoch`` (:class:`~core.train.ner.EpochLengthSampler`), minutes
per session, ``SHA256SUMS``. A plain torch loop (the pairs are not token-classification rows):
a checkpoint (trainable weights, optimizer, scheduler, step, loss history) every
``save_steps`` in ``<out>/checkpoint.pt``; running the same command again resumes from it and
ends exactly where an uninterrupted run ends. tqdm shows progress and ETA.
"""

from __future__ import annotations

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
from core.models.align_adapter import ALIGN_CONFIG
from core.train.ner import (STEP_DELAY_ENV, EpochLengthSampler, _session_minutes,
                            _trainable_state, write_sums)
from core.train.parallel import Pair

FORMAT = "core-align-lora/1"
THRESHOLD = 1e-3


@dataclass
class AlignTrainConfig:
    out: str
    encoder: str = "me5-small"
    layer: int = 8
    pairs: str = ""                 # a JSONL file of pairs; empty: sample the offline sources
    sizes: dict[str, int] = field(default_factory=dict)   # overrides of parallel.Sizes
    epochs: float = 1.0
    batch_size: int = 16
    lr: float = 3e-4
    warmup_ratio: float = 0.1
    lora_r: int = 8
    lora_alpha: int = 16
    threshold: float = THRESHOLD
    objective: str = "prob"         # prob | logprob (see self_training_loss)
    max_subwords: int = 64          # per side; longer pairs are skipped
    seed: int = 13
    save_steps: int = 25
    log_steps: int = 10
    max_steps: int = 0              # overrides epochs
    dev: bool = True                # silver projection F1 on the held-out DeepL slice
    threads: int = 1
    tqdm: bool = True
    datasets: str = ""
    stop_after: int = 0             # tests: leave the loop after this many steps (a "kill")
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------ model

def load_encoder_for_training(encoder: str) -> tuple[Any, Any, str]:
    """A fresh (never the process-wide cached) encoder, its tokenizer and its signature, for
    ``me5-small``, a local directory or a Hub id; training and the adapter modify the model in
    place, so the cached aligner encoders must not be handed out here."""
    from transformers import AutoModel, AutoTokenizer

    if encoder == "me5-small":
        from core.aligners.registry import encoder_signature
        from core.models.me5 import build_me5

        path, sig = str(build_me5()), encoder_signature(encoder)
    elif Path(encoder).is_dir():
        path, sig = encoder, Path(encoder).name
    else:
        from core.models.hub import resolve_source, source_signature

        source = resolve_source(encoder.removeprefix("hub:"), setting="encoder")
        path, sig = source.ref, source_signature(source)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return model.eval(), tok, sig


def cut_layers(model: Any, layer: int) -> Any:
    """Keep encoder layers ``0 .. layer-1`` (the vectors at ``layer`` do not depend on the
    rest)."""
    import torch

    from core.aligners.embedding import _find_layer_stack

    stack = _find_layer_stack(model)
    if stack is None or not 1 <= layer <= len(stack):
        raise ProjectError(f"cannot align at layer {layer} of this encoder", setting="--layer",
                           hint=f"choose 1..{len(stack) if stack is not None else '?'}")
    model.encoder.layer = torch.nn.ModuleList(list(stack)[:layer])
    model.config.num_hidden_layers = layer
    return model


def add_lora(model: Any, layer: int, r: int, alpha: int) -> Any:
    import torch
    from peft import LoraConfig, get_peft_model

    names = sorted({n.rsplit(".", 1)[-1] for n, m in model.named_modules()
                    if isinstance(m, torch.nn.Linear) and ".layer." in f".{n}"})
    cfg = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=0.0, target_modules=names,
                     layers_to_transform=list(range(layer)), layers_pattern="layer")
    return get_peft_model(model, cfg)


# ------------------------------------------------------------------------------- loss

def self_training_loss(hx: Any, hy: Any, mx: Any, my: Any, threshold: float = THRESHOLD,
                       objective: str = "prob") -> tuple[Any, int]:
    """(loss, number of label links) for a padded batch: ``hx`` [B, m, d], ``hy`` [B, n, d],
    masks ``mx`` [B, m], ``my`` [B, n] (True = a real sub-word). ``objective="logprob"``: the
    mean of ``-log P`` over the label links, both directions; ``"prob"``: the mean of ``1 - P``
    (bounded: a link the model cannot sharpen does not dominate)."""
    import torch

    s = torch.bmm(hx, hy.transpose(1, 2))                         # [B, m, n]
    valid = mx[:, :, None] & my[:, None, :]
    neg = torch.finfo(s.dtype).min
    log_fwd = torch.log_softmax(s.masked_fill(~my[:, None, :], neg), dim=2)
    log_bwd = torch.log_softmax(s.masked_fill(~mx[:, :, None], neg), dim=1)
    with torch.no_grad():
        labels = (log_fwd.exp() > threshold) & (log_bwd.exp() > threshold) & valid
    n_links = int(labels.sum())
    if n_links == 0:
        return s.sum() * 0.0, 0
    lab = labels.to(s.dtype)
    if objective == "prob":
        loss = 1 - ((log_fwd.exp() * lab).sum() + (log_bwd.exp() * lab).sum()) / (2 * n_links)
    elif objective == "logprob":
        loss = -((log_fwd * lab).sum() + (log_bwd * lab).sum()) / (2 * n_links)
    else:
        raise ProjectError(f"unknown objective {objective!r}", setting="--objective",
                           hint="logprob or prob")
    return loss, n_links


class PairEncoder:
    """Sub-word ids of word pairs exactly as the aligner tokenises them (each word on its
    own, the tokenizer's special tokens around each side), and differentiable layer vectors."""

    def __init__(self, model: Any, tokenizer: Any, layer: int) -> None:
        from core.aligners.embedding import SubwordEncoder

        self.sub = SubwordEncoder(model, tokenizer, layer=layer)
        self.pre, self.post = self.sub._prefix, self.sub._suffix

    def ids(self, words: Sequence[str]) -> list[int]:
        return self.sub.tokenize_words(words)[0]

    def vectors(self, model: Any, seqs: Sequence[Sequence[int]]) -> tuple[Any, Any]:
        """Last-layer vectors of the sub-words (special tokens dropped), padded, and mask."""
        import torch

        pre, post, pad = len(self.pre), len(self.post), self.sub._pad
        width = max(len(s) for s in seqs) + pre + post
        ids = torch.full((len(seqs), width), pad, dtype=torch.long)
        att = torch.zeros((len(seqs), width), dtype=torch.long)
        mask = torch.zeros((len(seqs), max(len(s) for s in seqs)), dtype=torch.bool)
        for row, s in enumerate(seqs):
            full = list(self.pre) + list(s) + list(self.post)
            ids[row, :len(full)] = torch.tensor(full)
            att[row, :len(full)] = 1
            mask[row, :len(s)] = True
        hidden = model(input_ids=ids, attention_mask=att).last_hidden_state
        return hidden[:, pre:pre + mask.shape[1]], mask


# ------------------------------------------------------------------------------ train

def _datasets_root(cfg: AlignTrainConfig) -> Path | None:
    return Path(cfg.datasets) if cfg.datasets else None


def prepare_pairs(cfg: AlignTrainConfig, out: Path) -> tuple[list[Pair], dict[str, Any]]:
    """The training pairs (built once, then read back from ``<out>/pairs.jsonl`` so a resumed
    run trains on the same ones) and the data report (counts per source, overlap)."""
    from core.train.parallel import (build_pairs, drop_overlap, europarl_gold, make_sizes,
                                     read_pairs, source_counts, write_pairs)

    path, info_path = out / "pairs.jsonl", out / "pairs.json"
    if path.exists() and info_path.exists():
        return read_pairs(path), json.loads(info_path.read_text(encoding="utf-8"))
    root = _datasets_root(cfg)
    if cfg.pairs:
        pairs = read_pairs(Path(cfg.pairs))
    else:
        pairs = build_pairs(make_sizes(cfg.sizes), cfg.seed, root)
    gold = europarl_gold(root) if not cfg.extra.get("no_europarl") else {}
    kept, overlap = drop_overlap(pairs, gold)
    info = {"sources": source_counts(kept), "pairs": len(kept), "overlap": overlap,
            "europarl_sets_checked": sorted(gold)}
    write_pairs(path, kept)
    info_path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return kept, info


def _save_checkpoint(path: Path, model: Any, optim: Any, sched: Any, step: int,
                     history: list[dict[str, Any]], window: list[tuple[float, int]]) -> None:
    import torch

    state = {"step": step, "history": history, "window": window, "optim": optim.state_dict(),
             "sched": sched.state_dict(), "trainable": _trainable_state(model)}
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def train(cfg: AlignTrainConfig) -> dict[str, Any]:
    """Train (or resume) and export; returns the report (also ``<out>/report.json``)."""
    import torch
    from transformers import get_linear_schedule_with_warmup, set_seed

    torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2) + "\n")
    set_seed(cfg.seed)
    pairs, data_info = prepare_pairs(cfg, out)

    model, tok, enc_sig = load_encoder_for_training(cfg.encoder)
    enc = PairEncoder(model, tok, cfg.layer)
    rows = [(enc.ids(p.src), enc.ids(p.tgt)) for p in pairs]
    rows = [r for r in rows if 0 < len(r[0]) <= cfg.max_subwords
            and 0 < len(r[1]) <= cfg.max_subwords]
    if not rows:
        raise ProjectError("no usable training pairs", setting="--pairs")
    model = add_lora(cut_layers(model, cfg.layer), cfg.layer, cfg.lora_r, cfg.lora_alpha)
    model.eval()  # encoder dropout off (see the module docstring); gradients still flow

    steps_per_epoch = math.ceil(len(rows) / cfg.batch_size)
    max_steps = cfg.max_steps or max(1, math.ceil(cfg.epochs * steps_per_epoch))
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
    sched = get_linear_schedule_with_warmup(optim, int(cfg.warmup_ratio * max_steps), max_steps)

    ckpt = out / "checkpoint.pt"
    step, history, window = 0, [], []
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["trainable"], strict=False)
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        step, history = int(state["step"]), list(state["history"])
        window = [tuple(w) for w in state["window"]]

    sampler = EpochLengthSampler([max(len(a), len(b)) for a, b in rows], cfg.batch_size,
                                 cfg.seed)
    session, t0 = time.strftime("%Y%m%dT%H%M%S"), time.time()
    delay = float(os.environ.get(STEP_DELAY_ENV) or 0)
    bar = None
    if cfg.tqdm and step < max_steps:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_steps, initial=step, desc="train-aligner", unit="step")
    started = step
    while step < max_steps:
        epoch, offset = divmod(step, steps_per_epoch)
        sampler.set_epoch(epoch)
        order = list(sampler)
        batch = order[offset * cfg.batch_size:(offset + 1) * cfg.batch_size]
        hx, mx = enc.vectors(model, [rows[i][0] for i in batch])
        hy, my = enc.vectors(model, [rows[i][1] for i in batch])
        loss, links = self_training_loss(hx, hy, mx, my, cfg.threshold, cfg.objective)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        optim.step()
        sched.step()
        step += 1
        window.append((float(loss.detach()), links))
        if step % cfg.log_steps == 0 or step == max_steps:
            history.append({"step": step, "loss": round(float(np.mean([w[0] for w in window])), 5),
                            "links_per_pair": round(sum(w[1] for w in window)
                                                    / (len(window) * cfg.batch_size), 2)})
            window = []
            if bar is not None:
                bar.set_postfix(loss=history[-1]["loss"])
        if bar is not None:
            bar.update(1)
        if step % cfg.save_steps == 0 or step == max_steps:
            _save_checkpoint(ckpt, model, optim, sched, step, history, window)
            _session_minutes(out, session, (time.time() - t0) / 60)
        if delay:
            time.sleep(delay)
        if cfg.stop_after and step - started >= cfg.stop_after:
            if bar is not None:
                bar.close()
            return {"stopped_at": step}
    if bar is not None:
        bar.close()
    if step > started:
        _session_minutes(out, session, (time.time() - t0) / 60)

    report: dict[str, Any] = {
        "format": FORMAT, "encoder": cfg.encoder, "encoder_signature": enc_sig,
        "layer": cfg.layer, "threshold": cfg.threshold, "seed": cfg.seed,
        "data": data_info, "train_pairs": len(rows), "steps": step,
        "steps_per_epoch": steps_per_epoch, "loss": history,
        "train_minutes": round(_session_minutes(out), 2),
        "config": asdict(cfg),
    }
    if cfg.dev:
        report["dev"] = dev_scores(model, tok, cfg.layer, cfg, before=True)
    export(model, cfg, report, out / "model")
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


# -------------------------------------------------------------------------------- dev

DEV_METHODS = ("itermax", "awesome")


def dev_scores(model: Any, tok: Any, layer: int, cfg: AlignTrainConfig, *,
               before: bool = False) -> dict[str, Any]:
    """Silver projection F1 (heuristic projection, held-out DeepL de/es train blocks) of the
    model, and with ``before`` of the plain encoder (the adapter disabled)."""
    out = {"after": dev_projection_f1(model, tok, layer, cfg)}
    if before:
        with model.disable_adapter():
            out["before"] = dev_projection_f1(model, tok, layer, cfg)
    return out


def dev_projection_f1(model: Any, tok: Any, layer: int, cfg: AlignTrainConfig
                      ) -> dict[str, float]:
    import torch

    from core.aligners.embedding import EmbeddingAligner
    from core.metrics.spans import aggregate, score_sentence
    from core.projection.base import projected_spans
    from core.projection.registry import get_projector
    from core.train.parallel import dev_items, make_sizes

    items = dev_items(make_sizes(cfg.sizes), _datasets_root(cfg))
    aligner = EmbeddingAligner(model, tok, layer=layer, methods=DEV_METHODS, name="dev")
    projector = get_projector("heuristic")
    scores: dict[str, float] = {}
    with torch.no_grad():
        for lang, pairs in items.items():
            per_method = aligner.align_methods([(e.words, t.words) for e, t in pairs])
            for method, alignments in per_method.items():
                sents = []
                for (e, t), a in zip(pairs, alignments):
                    proj = projector.project(e.spans, a, t.words, src_words=e.words)
                    sents.append(score_sentence(t.spans, projected_spans(proj)))
                scores[f"{lang}_{method}"] = round(100 * aggregate(sents).f1, 2)
    scores["mean"] = round(float(np.mean(list(scores.values()))), 2)
    return scores


# ----------------------------------------------------------------------------- export

def export(model: Any, cfg: AlignTrainConfig, report: dict[str, Any], dest: Path) -> Path:
    """The artifact: LoRA adapter, ``align_config.json`` and ``SHA256SUMS``."""
    from core.runs import portable

    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(str(tmp))
    (tmp / "README.md").unlink(missing_ok=True)
    acfg_path = tmp / "adapter_config.json"
    acfg = json.loads(acfg_path.read_text(encoding="utf-8"))
    acfg["base_model_name_or_path"] = (cfg.encoder if cfg.encoder == "me5-small"
                                       else Path(cfg.encoder).name)
    acfg_path.write_text(json.dumps(acfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    meta = {k: report[k] for k in ("format", "encoder", "encoder_signature", "layer",
                                   "threshold", "seed", "data", "train_pairs", "steps",
                                   "train_minutes")}
    meta["loss"] = report["loss"]
    if "dev" in report:
        meta["dev"] = report["dev"]
    meta["train_config"] = portable({k: v for k, v in asdict(cfg).items()
                                     if k not in ("out", "tqdm", "extra", "stop_after",
                                                  "datasets")})
    meta = portable(meta)  # a directory encoder is kept by name only (see load_adapter)
    (tmp / ALIGN_CONFIG).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_sums(tmp)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest
