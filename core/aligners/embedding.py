"""Word alignment from contextual sub-word embeddings of any transformers encoder.

Pipeline (SimAlign's, token_type "bpe", reorganised for batches):

1. **Sub-words.** Every word is tokenised on its own (``tokenizer(words,
   add_special_tokens=False)``, cached per word); a sentence is the concatenation of its words'
   sub-words, and ``word_of[k]`` is the word of sub-word ``k``. A word that tokenises to nothing
   has no sub-words and therefore no links (as in SimAlign). The encoder input is the sentence
   wrapped in the tokenizer's own special tokens (e.g. ``[CLS] … [SEP]`` or ``<s> … </s>``).
2. **Encoding.** All sentences of a call (both sides, deduplicated) are sorted by length and
   encoded in padded batches of ``batch_size`` sequences, one forward pass per batch under
   ``torch.inference_mode``. The forward pass stops after encoder layer ``layer`` (layer 0 is the
   embedding output, layer k the output of the k-th transformer block, i.e. ``hidden_states[k]``).
3. **Long sentences** (more sub-words than ``max_length`` minus the special tokens) are never
   truncated. They are cut into overlapping windows of the full capacity ``C`` whose starts are
   ``0, C//2, 2*(C//2), …`` with a last window ending exactly at the sentence end; every window is
   encoded as its own sequence (own special tokens, positions from 0). Each sub-word takes its
   embedding from the window where it has the most context, i.e. where ``min(left, right)``
   (sub-words before and after it in that window) is largest; ties go to the earlier window.
4. **Extraction** per pair on the sub-word matrices: SimAlign's ``fwd``/``rev``/``inter``
   (alias ``argmax``)/``itermax``/``mwmf`` (:mod:`core.aligners.simalign_methods`) on
   ``(cos + 1) / 2`` with optional distortion, and ``awesome`` (:mod:`core.aligners.awesome`) on
   dot products. Two words are linked when any of their sub-words are. Each word link keeps a
   score: for SimAlign methods the largest ``(cos + 1) / 2`` (without distortion) among its
   sub-word links, for ``awesome`` the largest AWESoME alignment probability.

On sentences that fit the encoder this gives the same alignments as the ``simalign`` package with
the same model, layer and distortion (see tests and ``bench/aligner_speed.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.aligners import simalign_methods as sm
from core.aligners.awesome import AWESOME_THRESHOLD, awesome_links, awesome_scores
from core.aligners.base import Pair, check_pairs, make_alignment, subword_links_to_words
from core.errors import ProjectError
from core.types import Alignment

#: Extraction methods an :class:`EmbeddingAligner` accepts.
METHODS = ("fwd", "rev", "inter", "argmax", "itermax", "mwmf", "awesome")
#: Short names of the encoders SimAlign knows, mapped to their Hub ids.
SIMALIGN_MODEL_ALIASES = {"bert": "bert-base-multilingual-cased", "xlmr": "xlm-roberta-base"}
_NO_LIMIT = 1_000_000  # tokenizers report ~1e30 as model_max_length when they have no limit
_WORD_CACHE_LIMIT = 500_000


class _StopForward(Exception):
    """Raised by a forward hook once the wanted layer has been computed."""


@dataclass(frozen=True, eq=False)
class EncodedSentence:
    """Sub-word embeddings of one sentence at the chosen layer.

    ``vectors[k]`` is the embedding of sub-word ``ids[k]``, which belongs to word ``word_of[k]``;
    ``windows`` is the number of encoder passes the sentence needed (1 unless it was long).
    """

    words: tuple[str, ...]
    ids: np.ndarray
    word_of: np.ndarray
    vectors: np.ndarray
    windows: int = 1

    @property
    def unit(self) -> np.ndarray:
        """Rows of :attr:`vectors` scaled to unit length (computed once)."""
        cached = self.__dict__.get("_unit")
        if cached is None:
            cached = sm.normalise_rows(self.vectors)
            object.__setattr__(self, "_unit", cached)
        return cached


@dataclass(frozen=True, eq=False)
class SubwordView:
    """What the inspector shows for one pair: sub-word tokens, their words and similarities.

    ``similarity[a, b]`` is SimAlign's ``(cos + 1) / 2`` between source sub-word ``a`` and target
    sub-word ``b`` (no distortion).
    """

    src_tokens: tuple[str, ...]
    tgt_tokens: tuple[str, ...]
    src_word_of: np.ndarray
    tgt_word_of: np.ndarray
    similarity: np.ndarray
    n_src_words: int
    n_tgt_words: int

    def word_matrix(self) -> np.ndarray:
        """Word-by-word similarity: the maximum over the two words' sub-word pairs (the same
        "any sub-word" rule that turns sub-word links into word links). Words without
        sub-words get 0."""
        out = np.full((self.n_src_words, self.n_tgt_words), -np.inf)
        if self.similarity.size:
            np.maximum.at(out, (self.src_word_of[:, None], self.tgt_word_of[None, :]),
                          self.similarity.astype(np.float64))
        out[np.isneginf(out)] = 0.0
        return out


def _find_layer_stack(model: Any) -> Any | None:
    """The ModuleList of transformer blocks (``encoder.layer`` for BERT/XLM-R), if found."""
    import torch

    depth = getattr(model.config, "num_hidden_layers", None)
    found = [(name, module) for name, module in model.named_modules()
             if isinstance(module, torch.nn.ModuleList) and len(module) == depth
             and name.rsplit(".", 1)[-1] in ("layer", "layers")]
    return found[0][1] if len(found) == 1 else None


class SubwordEncoder:
    """Batched sub-word embeddings at one layer of an encoder (see the module docstring)."""

    def __init__(self, model: Any, tokenizer: Any, *, layer: int = 8, batch_size: int = 32,
                 max_length: int | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = int(batch_size)
        if self.batch_size < 1:
            raise ProjectError(f"batch size must be at least 1, got {batch_size}",
                               setting="batch_size")
        depth = int(getattr(model.config, "num_hidden_layers", 0))
        if not 0 <= layer <= depth:
            raise ProjectError(f"cannot take embeddings from layer {layer}: the encoder has "
                               f"{depth} layers (0 = embedding output)", setting="layer",
                               hint=f"choose a layer between 0 and {depth}")
        self.layer = int(layer)
        self._prefix, self._suffix = self._special_ids()
        self.max_length = int(max_length) if max_length is not None else self._model_limit()
        self.capacity = self.max_length - len(self._prefix) - len(self._suffix)
        if self.capacity < 2:
            raise ProjectError(f"max_length {self.max_length} leaves no room for sub-words next "
                               f"to {len(self._prefix) + len(self._suffix)} special tokens",
                               setting="max_length")
        pad = getattr(tokenizer, "pad_token_id", None)
        self._pad = int(pad) if pad is not None else 0
        self._word_ids: dict[str, tuple[int, ...]] = {}
        self._stop_at = self._stop_module()

    # ------------------------------------------------------------------ setup helpers
    def _special_ids(self) -> tuple[list[int], list[int]]:
        """Special ids the tokenizer puts before and after a sentence's sub-words."""
        plain = list(self.tokenizer("a", add_special_tokens=False)["input_ids"])
        full = list(self.tokenizer("a")["input_ids"])
        for start in range(len(full) - len(plain) + 1):
            if full[start:start + len(plain)] == plain:
                return full[:start], full[start + len(plain):]
        raise ProjectError("cannot locate the sub-words inside the tokenizer's special tokens",
                           setting="encoder")

    def _model_limit(self) -> int:
        """Longest input in sub-words incl. special tokens the model and tokenizer accept."""
        limits = []
        tok_limit = getattr(self.tokenizer, "model_max_length", None)
        if tok_limit and tok_limit < _NO_LIMIT:
            limits.append(int(tok_limit))
        config = self.model.config
        positions = getattr(config, "max_position_embeddings", None)
        if positions:
            # RoBERTa-style models number positions from padding_idx + 1.
            offset = (int(config.pad_token_id) + 1
                      if "roberta" in str(getattr(config, "model_type", "")) else 0)
            limits.append(int(positions) - offset)
        return min(limits) if limits else 512

    def _stop_module(self) -> Any | None:
        """The module after which the forward pass may stop, if stopping there is exact."""
        import torch

        if self.layer == 0:
            module = getattr(self.model, "embeddings", None)
        else:
            stack = _find_layer_stack(self.model)
            module = stack[self.layer - 1] if stack is not None else None
        if module is None:
            return None
        ids = torch.tensor([self._prefix + self.tokenize_words(("a", "b"))[0] + self._suffix],
                           device=self.device)
        mask = torch.ones_like(ids)
        with torch.inference_mode():
            full = self.model(input_ids=ids, attention_mask=mask,
                              output_hidden_states=True).hidden_states[self.layer]
            early = self._run(ids, mask, module)
        return module if torch.equal(full, early) else None

    @property
    def device(self) -> Any:
        return next(self.model.parameters()).device

    # ------------------------------------------------------------------ tokenisation
    def tokenize_words(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        """Sub-word ids of a sentence and the word index of each."""
        missing = list(dict.fromkeys(w for w in words if w not in self._word_ids))
        if missing:
            if len(self._word_ids) + len(missing) > _WORD_CACHE_LIMIT:
                self._word_ids.clear()
            encoded = self.tokenizer(missing, add_special_tokens=False)["input_ids"]
            self._word_ids.update(zip(missing, map(tuple, encoded)))
        ids: list[int] = []
        word_of: list[int] = []
        for index, word in enumerate(words):
            pieces = self._word_ids[word]
            ids.extend(pieces)
            word_of.extend([index] * len(pieces))
        return ids, word_of

    def windows(self, length: int) -> list[tuple[int, int]]:
        """``[start, end)`` sub-word windows covering a sentence of ``length`` sub-words."""
        cap = self.capacity
        if length <= cap:
            return [(0, length)]
        step = max(1, cap // 2)
        starts = list(range(0, length - cap, step)) + [length - cap]
        return [(s, s + cap) for s in starts]

    # ------------------------------------------------------------------ encoding
    def _run(self, ids: Any, mask: Any, stop_at: Any | None) -> Any:
        """Hidden states at :attr:`layer` for a padded batch."""
        if stop_at is None:
            out = self.model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            return out.hidden_states[self.layer]
        captured: list[Any] = []

        def hook(_module: Any, _args: Any, output: Any) -> None:
            captured.append(output[0] if isinstance(output, (tuple, list)) else output)
            raise _StopForward

        handle = stop_at.register_forward_hook(hook)
        try:
            self.model(input_ids=ids, attention_mask=mask)
        except _StopForward:
            pass
        finally:
            handle.remove()
        return captured[0]

    def owners(self, length: int) -> tuple[list[tuple[int, int]], np.ndarray]:
        """The windows of a sentence and, per sub-word, the index of the window whose
        embedding it takes: the one where it has the most context on its poorer side
        (``min(left, right)``), the earliest on ties."""
        spans = self.windows(length)
        if len(spans) == 1:
            return spans, np.zeros(length, dtype=np.int64)
        pos = np.arange(length)
        context = np.full((len(spans), length), -1, dtype=np.int64)
        for w, (a, b) in enumerate(spans):
            inside = pos[a:b]
            context[w, a:b] = np.minimum(inside - a, b - 1 - inside)
        return spans, context.argmax(axis=0)

    def encode(self, sentences: Sequence[Sequence[str]]) -> list[EncodedSentence]:
        """Embeddings of every sentence (identical word tuples are encoded once)."""
        import torch

        unique: dict[tuple[str, ...], int] = {}
        for words in sentences:
            unique.setdefault(tuple(words), len(unique))
        keys = list(unique)
        tokenised = [self.tokenize_words(words) for words in keys]
        owners = []
        # One encoder sequence per window: (sentence, window index, start, end).
        sequences = []
        for s, (ids, _) in enumerate(tokenised):
            spans, owner = self.owners(len(ids))
            owners.append(owner)
            sequences.extend((s, w, a, b) for w, (a, b) in enumerate(spans) if b > a)
        sequences.sort(key=lambda seq: seq[3] - seq[2], reverse=True)
        dim = int(self.model.config.hidden_size)
        vectors = [np.zeros((len(ids), dim), dtype=np.float32) for ids, _ in tokenised]
        pre, post = len(self._prefix), len(self._suffix)
        device = self.device
        for first in range(0, len(sequences), self.batch_size):
            batch = sequences[first:first + self.batch_size]
            width = pre + max(b - a for _, _, a, b in batch) + post
            ids = np.full((len(batch), width), self._pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (s, _, a, b) in enumerate(batch):
                seq = self._prefix + tokenised[s][0][a:b] + self._suffix
                ids[row, :len(seq)] = seq
                mask[row, :len(seq)] = 1
            with torch.inference_mode():
                hidden = self._run(torch.from_numpy(ids).to(device),
                                   torch.from_numpy(mask).to(device), self._stop_at)
                hidden = hidden.float().cpu().numpy()
            for row, (s, w, a, b) in enumerate(batch):
                take = a + np.flatnonzero(owners[s][a:b] == w)
                vectors[s][take] = hidden[row, pre + take - a]
        encoded = [EncodedSentence(words, np.asarray(ids, dtype=np.int64),
                                   np.asarray(word_of, dtype=np.int64), vecs,
                                   len(self.windows(len(ids))))
                   for words, (ids, word_of), vecs in zip(keys, tokenised, vectors)]
        return [encoded[unique[tuple(words)]] for words in sentences]

    def tokens(self, ids: np.ndarray) -> tuple[str, ...]:
        """Sub-word strings of ``ids`` (for display)."""
        return tuple(self.tokenizer.convert_ids_to_tokens([int(i) for i in ids]))


def _default_name(model: Any) -> str:
    ref = str(getattr(model.config, "_name_or_path", "") or getattr(model, "name_or_path", ""))
    return Path(ref).name if ref else "encoder"


@dataclass(frozen=True)
class EmbeddingSettings:
    """What determines an embedding aligner's links: the encoder's identity, the extraction
    method, the layer, SimAlign's distortion and AWESoME's threshold (batching does not)."""

    encoder: str
    method: str
    layer: int
    distortion: float = 0.0
    awesome_threshold: float = AWESOME_THRESHOLD

    @property
    def signature(self) -> str:
        from core import __version__

        threshold = "" if self.awesome_threshold == AWESOME_THRESHOLD else \
            f"|awesome_threshold={self.awesome_threshold}"
        return (f"{self.encoder}|{self.method}|layer={self.layer}|distortion={self.distortion}"
                f"{threshold}|core={__version__}")


class EmbeddingAligner:
    """SimAlign and AWESoME extraction on any encoder, batched (see the module docstring).

    ``methods`` are extracted from one encoding; :meth:`align` returns the first of them,
    :meth:`align_methods` all, each :class:`Alignment` named ``"<name>:<method>"``.
    ``distortion`` is SimAlign's distortion ratio (0 = off; it does not affect ``awesome``).
    ``chunk_size`` pairs are encoded at a time, bounding memory on large corpora.
    ``encoder_signature`` identifies the encoder (default: its name); :attr:`signature` (the
    step-cache key) is computed from :attr:`settings`.
    """

    def __init__(self, model: Any, tokenizer: Any, *, layer: int = 8,
                 methods: Sequence[str] = ("inter", "itermax", "mwmf"), distortion: float = 0.0,
                 batch_size: int = 32, max_length: int | None = None,
                 awesome_threshold: float = AWESOME_THRESHOLD, name: str | None = None,
                 chunk_size: int = 1024, encoder_signature: str | None = None) -> None:
        methods = tuple(methods)
        unknown = [m for m in methods if m not in METHODS]
        if not methods or unknown:
            raise ProjectError(f"unknown alignment method(s) {unknown or methods!r}",
                               setting="methods", hint=f"choose from {', '.join(METHODS)}")
        self.methods = methods
        self.distortion = float(distortion)
        self.awesome_threshold = float(awesome_threshold)
        self.encoder = SubwordEncoder(model, tokenizer, layer=layer, batch_size=batch_size,
                                      max_length=max_length)
        self.encoder_name = name or _default_name(model)
        self.encoder_signature = encoder_signature or self.encoder_name
        self.chunk_size = max(1, int(chunk_size))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_name(cls, name: str, *, device: str | None = None, **kwargs: Any
                  ) -> "EmbeddingAligner":
        """An aligner on a named encoder: a registered name (``me5-small``), one of SimAlign's
        short names (``bert``, ``xlmr``), a Hub id or a local model directory."""
        model, tokenizer = load_encoder(name, device=device)
        kwargs.setdefault("name", name)
        return cls(model, tokenizer, **kwargs)

    @property
    def name(self) -> str:
        """Name of the first method's alignments (``"<encoder>:<method>"``)."""
        return f"{self.encoder_name}:{self.methods[0]}"

    @property
    def layer(self) -> int:
        return self.encoder.layer

    @property
    def settings(self) -> EmbeddingSettings:
        """The settings of the first method's alignments (those :meth:`align` returns)."""
        return EmbeddingSettings(self.encoder_signature, self.methods[0], self.layer,
                                 self.distortion, self.awesome_threshold)

    @property
    def signature(self) -> str:
        return self.settings.signature

    def for_method(self, method: str) -> "EmbeddingAligner":
        """A view of this aligner producing ``method`` (shares the loaded model)."""
        view = object.__new__(EmbeddingAligner)
        view.__dict__.update(self.__dict__)
        if method not in METHODS:
            raise ProjectError(f"unknown alignment method {method!r}", setting="methods",
                               hint=f"choose from {', '.join(METHODS)}")
        view.methods = (method,)
        return view

    # ------------------------------------------------------------------ alignment
    def align(self, pairs: Sequence[Pair]) -> list[Alignment]:
        """Alignments of the first method, one per pair."""
        return self.align_methods(pairs)[self.methods[0]]

    def align_methods(self, pairs: Sequence[Pair]) -> dict[str, list[Alignment]]:
        """Alignments of every configured method, one list per method, one entry per pair."""
        checked = check_pairs(pairs)
        result: dict[str, list[Alignment]] = {m: [] for m in self.methods}
        for first in range(0, len(checked), self.chunk_size):
            chunk = checked[first:first + self.chunk_size]
            encoded = self.encoder.encode([side for pair in chunk for side in pair])
            for k in range(len(chunk)):
                per_method = self._extract(encoded[2 * k], encoded[2 * k + 1])
                for method, alignment in per_method.items():
                    result[method].append(alignment)
        return result

    def _extract(self, src: EncodedSentence, tgt: EncodedSentence) -> dict[str, Alignment]:
        out: dict[str, Alignment] = {}
        if len(src.ids) == 0 or len(tgt.ids) == 0:
            return {m: make_alignment([], f"{self.encoder_name}:{m}") for m in self.methods}
        sim = None
        distorted = None
        for method in self.methods:
            if method == "awesome":
                links = awesome_links(src.vectors, tgt.vectors, self.awesome_threshold)
                scores = awesome_scores(src.vectors, tgt.vectors)
            else:
                if sim is None:
                    sim = sm.similarity(src.unit, tgt.unit, normalised=True)
                    distorted = sm.apply_distortion(sim, self.distortion)
                links, scores = sm.extract(distorted, method), sim
            word_links, word_scores = subword_links_to_words(links, src.word_of, tgt.word_of,
                                                             scores)
            out[method] = make_alignment(word_links, f"{self.encoder_name}:{method}",
                                         word_scores)
        return out

    # ------------------------------------------------------------------ inspection
    def subword_view(self, pair: Pair) -> SubwordView:
        """Sub-word tokens, sub-word -> word maps and the sub-word similarity matrix of a pair."""
        (src_words, tgt_words), = check_pairs([pair])
        src, tgt = self.encoder.encode([src_words, tgt_words])
        return SubwordView(self.encoder.tokens(src.ids), self.encoder.tokens(tgt.ids),
                           src.word_of, tgt.word_of,
                           sm.similarity(src.unit, tgt.unit, normalised=True),
                           len(src_words), len(tgt_words))

    def similarity(self, pair: Pair) -> np.ndarray:
        """Word-by-word similarity of a pair (see :meth:`SubwordView.word_matrix`)."""
        return self.subword_view(pair).word_matrix()


# ---------------------------------------------------------------------- encoders by name


def load_encoder(name: str, *, device: str | None = None) -> tuple[Any, Any]:
    """``(model, tokenizer)`` of ``me5-small``, a SimAlign short name (``bert``, ``xlmr``), a Hub
    id (with or without ``hub:``) or a local directory, via :mod:`core.models.registry` (Hub
    ids load offline unless downloads are allowed, see :mod:`core.models.hub`)."""
    from core.models.registry import load_encoder as load

    ref = SIMALIGN_MODEL_ALIASES.get(name, name)
    if ref != "me5-small" and not ref.startswith("hub:") and not Path(ref).is_dir():
        ref = f"hub:{ref}"
    encoder = load(ref, device=device)
    return encoder.model, encoder.tokenizer
