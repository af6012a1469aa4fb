"""The ``simalign`` package (GPL, Jalili Sabet et al. 2020) itself, as a selectable aligner.

This backend calls the package's ``SentenceAligner.get_word_aligns`` pair by pair (token_type
"bpe"), so it is slow (one forward pass per pair; ``mwmf`` runs networkx's blossom matching) and
serves as the reference that :class:`~core.aligners.embedding.EmbeddingAligner` reproduces.

Two ways to give it a model:

- ``model="bert"``, ``"xlmr"``, a Hub id or a local directory: the package loads it itself
  (its own name table, else ``AutoModel``/``AutoTokenizer``);
- ``encoder=(model, tokenizer)``: an already loaded encoder is injected into the package's
  ``EmbeddingLoader`` (the package has no parameter for that, so the instances are assembled
  without running their constructors; the model is called with ``output_hidden_states=True``).

Differences from calling the package directly: an empty side gives an empty alignment (the
package fails on it), and a sentence longer than the encoder's input limit raises
:class:`ProjectError` instead of being truncated silently (the package drops its tail). The
package's logger, which it sets to DEBUG with its own stderr handler, is lowered to WARNING.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from core.aligners.base import Pair, check_pairs, make_alignment
from core.errors import ProjectError
from core.types import Alignment

#: Our method names -> the package's one-letter codes.
METHOD_CODES = {"inter": "a", "argmax": "a", "itermax": "i", "mwmf": "m", "fwd": "f", "rev": "r"}
_PACKAGE_KEYS = {"argmax": "inter"}


class _HiddenStatesModel:
    """Calls an injected model with ``output_hidden_states=True`` (what the package expects)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __call__(self, **inputs: Any) -> Any:
        return self.model(**inputs, output_hidden_states=True)


def _import_simalign() -> Any:
    try:
        import simalign
    except ImportError as exc:  # pragma: no cover - simalign is in requirements.txt
        raise ProjectError(f"the simalign package is not installed ({exc})", setting="aligner",
                           hint="pip install simalign==0.4") from None
    logging.getLogger("simalign.simalign").setLevel(logging.WARNING)
    return simalign


class SimAlignPackageAligner:
    """The ``simalign`` package behind the :class:`~core.aligners.base.Aligner` interface."""

    def __init__(self, model: str | None = None, *, encoder: tuple[Any, Any] | None = None,
                 layer: int = 8, methods: Sequence[str] = ("itermax",), distortion: float = 0.0,
                 device: str = "cpu", name: str = "simalign") -> None:
        if (model is None) == (encoder is None):
            raise ProjectError("give either a model name/path or an encoder=(model, tokenizer)",
                               setting="encoder")
        methods = tuple(methods)
        unknown = [m for m in methods if m not in METHOD_CODES]
        if not methods or unknown:
            raise ProjectError(f"unknown simalign method(s) {unknown or methods!r}",
                               setting="methods", hint=f"choose from {', '.join(METHOD_CODES)}")
        self.methods = methods
        self.encoder_name = name
        codes = "".join(dict.fromkeys(METHOD_CODES[m] for m in methods))
        simalign = _import_simalign()
        if model is not None:
            self._aligner = simalign.SentenceAligner(model=str(model), token_type="bpe",
                                                     distortion=distortion,
                                                     matching_methods=codes, device=device,
                                                     layer=layer)
        else:
            self._aligner = self._assemble(simalign, encoder, codes, layer, distortion, device)
        loader = self._aligner.embed_loader
        inner = loader.emb_model
        inner = inner.model if isinstance(inner, _HiddenStatesModel) else inner
        depth = int(getattr(inner.config, "num_hidden_layers", layer))
        if not 0 <= layer <= depth:
            raise ProjectError(f"cannot take embeddings from layer {layer}: the encoder has "
                               f"{depth} layers", setting="layer")
        limit = getattr(loader.tokenizer, "model_max_length", 512)
        self._limit = int(limit) if limit and limit < 1_000_000 else 512

    @staticmethod
    def _assemble(simalign: Any, encoder: tuple[Any, Any], codes: str, layer: int,
                  distortion: float, device: str) -> Any:
        import torch

        model, tokenizer = encoder
        names = {"a": "inter", "m": "mwmf", "i": "itermax", "f": "fwd", "r": "rev"}
        loader = object.__new__(simalign.simalign.EmbeddingLoader)
        loader.__dict__.update(model=getattr(model.config, "_name_or_path", "injected"),
                               device=torch.device(device), layer=layer,
                               emb_model=_HiddenStatesModel(model), tokenizer=tokenizer)
        aligner = object.__new__(simalign.SentenceAligner)
        aligner.__dict__.update(model=loader.model, token_type="bpe", distortion=distortion,
                                matching_methods=[names[c] for c in codes],
                                device=torch.device(device), embed_loader=loader)
        return aligner

    @property
    def name(self) -> str:
        return f"{self.encoder_name}:{self.methods[0]}"

    def align(self, pairs: Sequence[Pair]) -> list[Alignment]:
        """Alignments of the first method, one per pair."""
        return self.align_methods(pairs)[self.methods[0]]

    def align_methods(self, pairs: Sequence[Pair]) -> dict[str, list[Alignment]]:
        """Alignments of every configured method (one package call per pair)."""
        result: dict[str, list[Alignment]] = {m: [] for m in self.methods}
        tokenizer = self._aligner.embed_loader.tokenizer
        for k, (src, tgt) in enumerate(check_pairs(pairs)):
            links: dict[str, list] = {}
            if src and tgt:
                for side in (src, tgt):
                    n = sum(len(tokenizer.tokenize(w)) for w in side) + 2
                    if n > self._limit:
                        raise ProjectError(
                            f"pair {k}: a sentence has {n} sub-words, more than the encoder's "
                            f"{self._limit}; the simalign package would truncate it silently",
                            setting="aligner",
                            hint="use the embedding aligner (e.g. me5-small:itermax), which "
                                 "encodes long sentences in overlapping windows")
                links = self._aligner.get_word_aligns(list(src), list(tgt))
            for method in self.methods:
                found = links.get(_PACKAGE_KEYS.get(method, method), [])
                result[method].append(make_alignment([tuple(x) for x in found],
                                                     f"{self.encoder_name}:{method}"))
        return result
