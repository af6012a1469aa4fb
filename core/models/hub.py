"""Loading Hugging Face Hub-format models: a local directory or a Hub id, offline first.

Rules every Hub-backed backend follows (translation, tagging, encoders):

- A *local directory* (anything that exists on disk) is loaded from disk only.
- A *Hub id* (``facebook/nllb-200-3.3B``) is loaded with ``local_files_only=True`` first, i.e.
  from the Hugging Face cache (``$HF_HOME``/``$HF_HUB_CACHE``). Nothing touches the network.
- Only when the user allowed downloads — ``allow_download=True`` or the environment variable
  ``PROJ_ALLOW_DOWNLOAD=1`` — is a missing model fetched from the Hub.
- A model that is neither cached nor downloadable gives a :class:`ProjectError` that says how
  to get it (``huggingface-cli download <id>`` on a machine with internet, then copy the cache
  or point ``HF_HOME`` at it, or pass a local directory).

Offline behaviour is requested per call (``local_files_only``); no global environment variable
is changed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from core.errors import ProjectError

#: Environment variable that allows downloading Hub models ("1", "true", "yes").
ALLOW_DOWNLOAD_ENV = "PROJ_ALLOW_DOWNLOAD"

_HUB_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".model")

T = TypeVar("T")


def downloads_allowed(flag: bool | None = None) -> bool:
    """``flag`` when given, else whether ``$PROJ_ALLOW_DOWNLOAD`` is 1/true/yes."""
    if flag is not None:
        return flag
    return os.environ.get(ALLOW_DOWNLOAD_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: ``ref`` is an absolute directory (``local``) or a Hub id."""

    ref: str
    local: bool

    def __str__(self) -> str:
        return self.ref


def resolve_source(ref: str, *, setting: str = "model") -> ModelSource:
    """Classify ``ref`` as an existing local directory or a Hub id.

    A path that looks like a path (starts with ``/``, ``.``, ``~`` or contains more than one
    ``/``) but does not exist raises :class:`ProjectError`, as does a malformed Hub id.
    """
    ref = ref.strip()
    path = Path(ref).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ProjectError("a Hub-format model must be a directory with config.json",
                               path=path, setting=setting)
        if not (path / "config.json").is_file():
            raise ProjectError("no config.json in this directory; it is not a Hub-format model",
                               path=path, setting=setting,
                               hint="pass the directory that save_pretrained() wrote")
        return ModelSource(str(path.resolve()), True)
    if ref.startswith(("/", ".", "~")) or ref.count("/") > 1 or os.sep != "/" and os.sep in ref:
        raise ProjectError("model directory does not exist", path=path, setting=setting)
    if not _HUB_ID_RE.match(ref):
        raise ProjectError(f"{ref!r} is neither an existing directory nor a Hub id "
                           "like 'facebook/nllb-200-3.3B'", setting=setting)
    return ModelSource(ref, False)


def _how_to_get(ref: str) -> str:
    return (f"on a machine with internet run `huggingface-cli download {ref}` (or "
            f"`hf download {ref}`) and copy the cache to this machine, pointing HF_HOME at it; "
            f"or pass a local directory written by save_pretrained(); or set "
            f"{ALLOW_DOWNLOAD_ENV}=1 to download it here")


def load_pretrained(loader: Callable[..., T], source: ModelSource, *, what: str,
                    allow_download: bool | None = None, setting: str = "model",
                    **kwargs: Any) -> T:
    """Call ``loader(ref, local_files_only=..., **kwargs)`` following the module's rules.

    ``loader`` is a ``from_pretrained``-style callable (``AutoTokenizer.from_pretrained``, ...);
    ``what`` names the thing in error messages ("NLLB tokenizer").
    """
    if source.local:
        try:
            return loader(source.ref, local_files_only=True, **kwargs)
        except (OSError, ValueError, KeyError) as exc:
            raise ProjectError(f"cannot load the {what} from this directory: {exc}",
                               path=source.ref, setting=setting) from exc
    try:
        return loader(source.ref, local_files_only=True, **kwargs)
    except OSError as first:
        if not downloads_allowed(allow_download):
            raise ProjectError(
                f"the {what} '{source.ref}' is not in the local Hugging Face cache and "
                "downloads are off", setting=setting, hint=_how_to_get(source.ref)) from first
    try:
        return loader(source.ref, local_files_only=False, **kwargs)
    except Exception as exc:  # network errors come in many types
        raise ProjectError(f"could not download the {what} '{source.ref}': {exc}",
                           setting=setting, hint=_how_to_get(source.ref)) from exc


def _dir_fingerprint(directory: Path) -> str:
    """Cheap content hash of a model directory: small files in full, weight files by size and
    their first and last MiB (hashing multi-GB weights in full would take minutes)."""
    h = hashlib.sha256()
    for f in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = f.relative_to(directory).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue
        size = f.stat().st_size
        h.update(f"{rel}\0{size}\0".encode())
        with open(f, "rb") as fh:
            if size <= 4 << 20 and not f.name.endswith(_WEIGHT_SUFFIXES):
                h.update(fh.read())
            else:
                h.update(fh.read(1 << 20))
                fh.seek(max(0, size - (1 << 20)))
                h.update(fh.read(1 << 20))
    return h.hexdigest()[:16]


def source_signature(source: ModelSource) -> str:
    """Identifies the exact weights: ``<id>@<cache commit>`` for Hub models, ``<dir>#<content
    hash>`` for local directories. Used in cache keys and run manifests."""
    if source.local:  # hashed again only when a file's stat changed (core.cache.stamped_value)
        from core.cache import stamped_value

        directory = Path(source.ref)
        digest = stamped_value(directory, "hub-fingerprint", lambda: _dir_fingerprint(directory))
        return f"{source.ref}#{digest}"
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(source.ref, "config.json")
    except Exception:  # pragma: no cover - defensive: a broken cache must not break loading
        cached = None
    if isinstance(cached, str):
        snapshot = Path(cached).parent
        return f"{source.ref}@{snapshot.name}"
    return f"{source.ref}@unknown"


def pick_device(device: str | None = None) -> str:
    """``device`` when given, else ``"cuda"`` if a GPU is visible, else ``"cpu"``."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass(frozen=True, eq=False)
class HubEncoder:
    """A transformers encoder (``AutoModel``) with its fast tokenizer, ready for alignment."""

    name: str
    signature: str
    model: Any
    tokenizer: Any
    device: str
    #: the layer this encoder is meant to align at (an alignment adapter's training layer);
    #: ``None``: the embedding aligner's default
    layer: int | None = None


def load_hub_encoder(ref: str, *, allow_download: bool | None = None,
                     device: str | None = None) -> HubEncoder:
    """Load an encoder (``bert-base-multilingual-cased``, a local BERT, ...) for aligners."""
    from transformers import AutoModel, AutoTokenizer

    source = resolve_source(ref, setting="encoder")
    tok = load_pretrained(AutoTokenizer.from_pretrained, source, what="encoder tokenizer",
                          allow_download=allow_download, setting="encoder")
    model = load_pretrained(AutoModel.from_pretrained, source, what="encoder model",
                            allow_download=allow_download, setting="encoder")
    dev = pick_device(device)
    model.to(dev).eval()
    return HubEncoder(name=f"hub:{source.ref}", signature=source_signature(source), model=model,
                      tokenizer=tok, device=dev)
