"""eflomal: a statistical (Bayesian IBM/HMM/fertility) word aligner, trained on the fly.

eflomal (Östling & Tiedemann 2016; package ``eflomal``) is unsupervised: it learns from the text
it aligns. :class:`EflomalAligner` runs the package's ``eflomal`` program, which samples both
directions (source→target "forward", target→source "reverse") in parallel, and merges the two
with a symmetrization heuristic of :mod:`core.aligners.combine` (default
``grow-diag-final-and``). Two ways to use a parallel training corpus (``mode``):

- ``"joint"`` (default): the requested pairs are aligned **together with** the training corpus
  (training pairs first, requested pairs last) and only their alignments are returned. Most
  accurate; every new set of requested pairs trains again.
- ``"priors"``: the training corpus is aligned once on its own; its links become Dirichlet
  priors (:class:`Priors`: lexical, HMM jump and fertility counts, eflomal's prior kinds) and the
  requested pairs are aligned alone with them — seconds instead of minutes, e.g. for one sentence.

Details:

- words are lowercased before training when ``lowercase=True`` (the default; eflomal's own
  command line always lowercases);
- training pairs with an empty side or with more than 1,023 words on a side (eflomal's file
  format stores no more) are skipped; a requested pair of that kind gets an empty alignment;
- the number of sampling iterations follows eflomal's own rule unless ``iterations`` is given:
  ``n = max(2, round(rel_iterations * 5000 / sqrt(N)))`` and ``(max(2, n // 4), n // 4, n)``
  iterations for IBM1, HMM and fertility (``model=3``), with ``N`` the number of training plus
  requested pairs;
- eflomal seeds its sampler from ``/dev/urandom`` and has no seed option, so two runs may
  differ slightly. The **cache** makes results repeatable: under ``cache_dir()/eflomal/``
  (atomic writes, a lock per entry) ``joint-<key>.json`` / ``aligned-<key>.json`` hold the two
  directional link sets of the requested pairs and ``priors-<key>.json`` the priors of a
  corpus; keys are SHA-256 digests of the training corpus, the requested pairs and every
  setting that changes training. The symmetrization is applied after the cache, so changing it
  costs nothing;
- ``progress(message, fraction)`` is called while loading, training (from the program's stage
  messages) and symmetrizing; fractions grow from 0 to 1.

:func:`training_corpus` picks a parallel English–X corpus among the shared datasets for a
language code (see :data:`TRAINING_CORPORA`).
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
import tempfile
from collections import Counter, deque
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

from core import languages as _languages
from core.aligners.base import Pair, check_pairs
from core.aligners.combine import check_heuristic, symmetrize
from core.cache import atomic_write_json, wait_lock
from core.errors import ProjectError
from core.paths import cache_dir
from core.readers.pharaoh import parse_pharaoh_line
from core.types import Alignment, Link

Progress = Callable[[str, float], None]
_T = TypeVar("_T")
Words = tuple[str, ...]

#: eflomal's file format stores sentences of at most this many words.
MAX_WORDS = 1023
CACHE_VERSION = 1

_CORPUS_TEXT = {
    "conll2003_deepl": "DeepL translation of the English CoNLL-2003 train set (conll2003_deepl "
                       "en2{lang}, about 15,000 sentence pairs, tokenised)",
    "mafand_mt": "MAFAND-MT en-{lang} (all splits present, split into words with "
                 "core.text.split_words)",
    "menyo20k": "MENYO-20k English-Yoruba (train, dev and test, split into words with "
                "core.text.split_words)",
}
#: Language code -> where :func:`training_corpus` finds English–X parallel text (the
#: ``parallel_corpus`` column of the language table, :mod:`core.languages`).
TRAINING_CORPORA: dict[str, str] = {
    row.code: _CORPUS_TEXT[row.corpus[0]].format(lang=row.code)
    for row in _languages.LANGUAGES.values() if row.corpus and row.corpus[1] == "en"}
#: Two-letter codes accepted for the MAFAND languages (``yo`` is MENYO-20k, not an alias).
MAFAND_ALIASES = {row.iso639_1: row.code for row in _languages.LANGUAGES.values()
                  if row.corpus and row.corpus[:2] == ("mafand_mt", "en") and row.iso639_1
                  and row.iso639_1 not in TRAINING_CORPORA}
_NO_ENGLISH = {row.code for row in _languages.LANGUAGES.values()
               if row.corpus and row.corpus[1] != "en"}


def training_corpus(lang: str, root: str | Path | None = None) -> list[tuple[list[str], list[str]]]:
    """English–``lang`` sentence pairs as word lists, for training a statistical aligner.

    - ``de es it nl``: the DeepL translation of the English CoNLL-2003 train set, block by block
      (``-DOCSTART-`` blocks, including German ones mangled into ``-OCSTART-``, are skipped);
    - MAFAND-MT languages (``swa hau yor ibo ...``, or two-letter codes such as ``sw``): every
      split of ``en-<lang>`` that exists; lines are split into words with
      :func:`core.text.split_words`;
    - ``yo``: MENYO-20k (all three splits).

    ``root`` is the datasets directory (default :func:`core.paths.datasets_dir`). Languages
    without an English parallel corpus here (``pt``, the French-paired MAFAND languages, ...)
    raise :class:`ProjectError`: pass your own pairs to :class:`EflomalAligner` instead.
    """
    from core.datasets import get_dataset, load_dataset, load_parallel
    from core.readers.conll import is_docstart
    from core.text import split_words

    code = lang.strip().lower()
    code = MAFAND_ALIASES.get(code, code)
    if code in ("de", "es", "it", "nl"):
        english = load_dataset("conll2003", "en", "train", root, keep_docstart=True)
        spec = get_dataset("conll2003_deepl_projections")
        target = load_dataset(spec, code, "awesome.train", root, keep_docstart=True)
        if len(english) != len(target):
            raise ProjectError(f"the DeepL {code} train translation has {len(target)} blocks but "
                               f"the English train set has {len(english)}",
                               setting="training corpus", hint="the files must be block-aligned")
        markers = spec.docstart_markers
        return [(list(e.words), list(t.words)) for e, t in zip(english, target)
                if not is_docstart(e, markers) and not is_docstart(t, markers)]
    if code in TRAINING_CORPORA:
        if code == "yo":
            name, pair, splits = "menyo20k", "en-yo", ("train", "dev", "test")
        else:
            name, pair = "mafand_mt", f"en-{code}"
            spec = get_dataset(name)
            splits = tuple(s for s in spec.splits if (pair, s) not in spec.unavailable)
        out: list[tuple[list[str], list[str]]] = []
        for split in splits:
            for en, xx in load_parallel(name, pair, split, root):
                out.append((split_words(en, "en"), split_words(xx, code)))
        return out
    if code in _NO_ENGLISH:
        raise ProjectError(f"MAFAND-MT pairs {code!r} with French, not English",
                           setting="training corpus",
                           hint="pass your own English sentence pairs to EflomalAligner")
    hint = "pass your own English sentence pairs to EflomalAligner"
    if code in ("pt", "por"):
        raise ProjectError("no English-Portuguese parallel corpus is available to train eflomal",
                           setting="training corpus", hint=hint)
    raise ProjectError(f"no training corpus known for language {lang!r}",
                       setting="training corpus",
                       hint=f"known: {', '.join(sorted(TRAINING_CORPORA))} (or the two-letter "
                            f"codes {', '.join(sorted(MAFAND_ALIASES))}); otherwise {hint}")


def eflomal_binary() -> Path:
    """The ``eflomal`` program shipped inside the Python package (or found on ``PATH``)."""
    try:
        import eflomal
    except ImportError:  # pragma: no cover - dependency guard
        raise ProjectError("the package eflomal is not installed", setting="aligner",
                           hint="pip install eflomal==2.0.0") from None
    shipped = Path(eflomal.__file__).parent / "bin" / "eflomal"
    if shipped.is_file():
        return shipped
    found = shutil.which("eflomal")
    if found:
        return Path(found)
    raise ProjectError("the eflomal program is missing from the eflomal package",
                       path=shipped, hint="reinstall: pip install --force-reinstall eflomal==2.0.0")


def default_iterations(n_sentences: int, model: int = 3,
                       rel_iterations: float = 1.0) -> tuple[int, int, int]:
    """eflomal's own rule for the (IBM1, HMM, fertility) iteration counts."""
    n = max(2, int(round(rel_iterations * 5000 / math.sqrt(max(1, n_sentences)))))
    quarter = max(1, n // 4)
    if model == 1:
        return (n, 0, 0)
    if model == 2:
        return (max(2, quarter), n, 0)
    return (max(2, quarter), quarter, n)


def _usable(src: Sequence[str], tgt: Sequence[str]) -> bool:
    return 0 < len(src) <= MAX_WORDS and 0 < len(tgt) <= MAX_WORDS


def _checksum(pairs: Iterable[tuple[Sequence[str], Sequence[str]]]) -> str:
    h = hashlib.sha256()
    for src, tgt in pairs:
        h.update(json.dumps([list(src), list(tgt)], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _key(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode("utf-8")).hexdigest()


def _vocabulary(sentences: Iterable[Sequence[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for words in sentences:
        for w in words:
            vocab.setdefault(w, len(vocab))
    return vocab


def _write_corpus(path: Path, sentences: Sequence[Sequence[str]], lowercase: bool) -> None:
    """Write sentences in eflomal's numeric format (header ``n vocab``, then ``len ids...``).

    Word ids are 0-based in the order of first occurrence (after lowercasing when asked).
    """
    if lowercase:
        sentences = [[w.lower() for w in words] for words in sentences]
    vocab = _vocabulary(sentences)
    lines = [" ".join(map(str, [len(words), *(vocab[w] for w in words)])) for words in sentences]
    path.write_text(f"{len(sentences)} {len(vocab)}\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")


@dataclass(frozen=True)
class Priors:
    """Dirichlet prior counts learnt from an aligned corpus (eflomal's prior kinds).

    ``lexical``: (source word, target word) -> number of forward links between them;
    ``jumps_forward`` / ``jumps_reverse``: HMM jump length -> count, where a forward jump is
    the source-position difference between consecutive target words' links (from -1 at the
    start, and to the sentence length at the end) and a reverse jump the same with the roles
    swapped; ``fertility_source`` / ``fertility_target``: (word, number of its links) -> count
    (forward links for source words, reverse links for target words). Words are lowercased
    when the aligner lowercases.
    """

    lexical: dict[tuple[str, str], int]
    jumps_forward: dict[int, int]
    jumps_reverse: dict[int, int]
    fertility_source: dict[tuple[str, int], int]
    fertility_target: dict[tuple[str, int], int]

    @classmethod
    def count(cls, pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
              directional: Sequence[tuple[Sequence[Link], Sequence[Link]]]) -> "Priors":
        lexical: Counter[tuple[str, str]] = Counter()
        jf: Counter[int] = Counter()
        jr: Counter[int] = Counter()
        fs: Counter[tuple[str, int]] = Counter()
        ft: Counter[tuple[str, int]] = Counter()
        for (src, tgt), (fwd, rev) in zip(pairs, directional):
            lexical.update((src[i], tgt[j]) for i, j in fwd)
            jf.update(_jumps(sorted(fwd, key=lambda link: (link[1], link[0])), len(src)))
            jr.update(_jumps(sorted(((j, i) for i, j in rev), key=lambda link: (link[1], link[0])),
                             len(tgt)))
            fs.update((src[i], n) for i, n in Counter(i for i, _ in fwd).items())
            ft.update((tgt[j], n) for j, n in Counter(j for _, j in rev).items())
        return cls(dict(lexical), dict(jf), dict(jr), dict(fs), dict(ft))

    def to_json(self) -> dict[str, list]:
        return {"lexical": [[s, t, n] for (s, t), n in sorted(self.lexical.items())],
                "jumps_forward": sorted(self.jumps_forward.items()),
                "jumps_reverse": sorted(self.jumps_reverse.items()),
                "fertility_source": [[w, f, n] for (w, f), n
                                     in sorted(self.fertility_source.items())],
                "fertility_target": [[w, f, n] for (w, f), n
                                     in sorted(self.fertility_target.items())]}

    @classmethod
    def from_json(cls, data: dict[str, list]) -> "Priors":
        return cls({(s, t): int(n) for s, t, n in data["lexical"]},
                   {int(j): int(n) for j, n in data["jumps_forward"]},
                   {int(j): int(n) for j, n in data["jumps_reverse"]},
                   {(w, int(f)): int(n) for w, f, n in data["fertility_source"]},
                   {(w, int(f)): int(n) for w, f, n in data["fertility_target"]})

    def write(self, path: Path, src_vocab: dict[str, int], tgt_vocab: dict[str, int]) -> None:
        """Write the priors file the ``eflomal`` program reads, for one corpus's vocabularies.

        Word ids in that file are 1-based (0 is the empty word); priors of words the corpus
        does not contain are left out.
        """
        lex = [(src_vocab[s] + 1, tgt_vocab[t] + 1, n) for (s, t), n in self.lexical.items()
               if s in src_vocab and t in tgt_vocab]
        ferf = [(src_vocab[w] + 1, f, n) for (w, f), n in self.fertility_source.items()
                if w in src_vocab]
        ferr = [(tgt_vocab[w] + 1, f, n) for (w, f), n in self.fertility_target.items()
                if w in tgt_vocab]
        lines = [f"{len(src_vocab) + 1} {len(tgt_vocab) + 1} {len(lex)} "
                 f"{len(self.jumps_forward)} {len(self.jumps_reverse)} {len(ferf)} {len(ferr)}"]
        lines += [f"{e} {f} {n}" for e, f, n in sorted(lex)]
        lines += [f"{j} {n}" for j, n in sorted(self.jumps_forward.items())]
        lines += [f"{j} {n}" for j, n in sorted(self.jumps_reverse.items())]
        lines += [f"{e} {k} {n}" for e, k, n in sorted(ferf)]
        lines += [f"{e} {k} {n}" for e, k, n in sorted(ferr)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _jumps(links: Sequence[Link], length: int) -> list[int]:
    """HMM jumps along ``links`` sorted by their second element: each new position of the
    second element jumps from the previous first element (from -1), then to ``length``."""
    out = []
    last_first, last_second = -1, -1
    for first, second in links:
        if second != last_second:
            out.append(first - last_first)
        last_first, last_second = first, second
    out.append(length - last_first)
    return out


MODES = ("joint", "priors")


@dataclass(frozen=True)
class EflomalSettings:
    """What determines eflomal's links: the symmetrization, the training data (a language code,
    or ``sha:<prefix>`` of given pairs) and the sampler settings. The signature names the
    settings that differ from the defaults."""

    symmetrization: str
    train: str
    mode: str = "joint"
    lowercase: bool = True
    model: int = 3
    iterations: tuple[int, int, int] | None = None
    rel_iterations: float = 1.0
    n_samplers: int = 3
    null_prior: float = 0.2

    @property
    def signature(self) -> str:
        from core import __version__

        changed = "".join(f"|{f.name}={getattr(self, f.name)}" for f in fields(self)[2:]
                          if getattr(self, f.name) != f.default)
        return f"eflomal:{self.symmetrization}|train={self.train}{changed}|core={__version__}"


class EflomalAligner:
    """Align pairs with eflomal after training on a parallel corpus (see module docstring).

    ``train`` is a sequence of ``(source_words, target_words)`` pairs or a language code for
    :func:`training_corpus` (loaded on the first call, from ``datasets_root``). ``mode``:

    - ``"joint"`` (default): the requested pairs are aligned together with the whole training
      corpus (the most accurate; every new set of pairs retrains);
    - ``"priors"``: the training corpus is aligned once on its own (cached), its links are
      turned into Dirichlet priors (:class:`Priors`), and requested pairs are aligned alone
      with those priors (fast for small requests, e.g. one sentence in the app).

    The name is ``"eflomal:<symmetrization>"``.
    """

    def __init__(self, train: Sequence[Pair] | str = (), *,
                 symmetrization: str = "grow-diag-final-and", mode: str = "joint",
                 lowercase: bool = True, model: int = 3,
                 iterations: tuple[int, int, int] | None = None, rel_iterations: float = 1.0,
                 n_samplers: int = 3, null_prior: float = 0.2, cache: bool = True,
                 cache_root: str | Path | None = None, datasets_root: str | Path | None = None,
                 progress: Progress | None = None, name: str | None = None) -> None:
        self.symmetrization = check_heuristic(symmetrization)
        if mode not in MODES:
            raise ProjectError(f"unknown eflomal mode {mode!r}", setting="mode",
                               hint=f"use one of {', '.join(MODES)}")
        if model not in (1, 2, 3):
            raise ProjectError(f"eflomal model must be 1 (IBM1), 2 (+HMM) or 3 (+fertility), "
                               f"got {model!r}", setting="model")
        if iterations is not None and (len(iterations) != 3 or any(
                not isinstance(n, int) or n < 0 for n in iterations)):
            raise ProjectError(f"iterations must be three whole numbers >= 0 (IBM1, HMM, "
                               f"fertility), got {iterations!r}", setting="iterations")
        if not rel_iterations > 0:
            raise ProjectError(f"rel_iterations must be > 0, got {rel_iterations!r}",
                               setting="rel_iterations")
        if not isinstance(n_samplers, int) or n_samplers < 1:
            raise ProjectError(f"n_samplers must be a whole number >= 1, got {n_samplers!r}",
                               setting="n_samplers")
        if not 0 <= null_prior < 1:
            raise ProjectError(f"null_prior must be in [0, 1), got {null_prior!r}",
                               setting="null_prior")
        self._train_source = train
        self._train: list[tuple[Words, Words]] | None = None
        self._train_checksum: str | None = None
        self._priors: Priors | None = None
        self.mode = mode
        self.lowercase = lowercase
        self.model = model
        self.iterations = tuple(iterations) if iterations is not None else None
        self.rel_iterations = float(rel_iterations)
        self.n_samplers = n_samplers
        self.null_prior = float(null_prior)
        self.cache = cache
        self.cache_root = Path(cache_root) if cache_root is not None else None
        self.datasets_root = datasets_root
        self.progress = progress
        self.name = name or f"eflomal:{self.symmetrization}"
        #: Whether the last :meth:`align` call was answered from the cache.
        self.last_from_cache = False

    @property
    def settings(self) -> EflomalSettings:
        train = self._train_source if isinstance(self._train_source, str) else \
            f"sha:{self.training_checksum()[:12]}"
        return EflomalSettings(self.symmetrization, train, self.mode, self.lowercase,
                               self.model, self.iterations, self.rel_iterations,
                               self.n_samplers, self.null_prior)

    @property
    def signature(self) -> str:
        return self.settings.signature

    # -- training corpus ------------------------------------------------------------------------

    def _report(self, message: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(message, min(1.0, max(0.0, fraction)))

    def training_pairs(self) -> list[tuple[Words, Words]]:
        """The usable training pairs (loaded once)."""
        if self._train is None:
            source = self._train_source
            if isinstance(source, str):
                self._report(f"loading the training corpus for {source!r}", 0.0)
                source = training_corpus(source, self.datasets_root)
            pairs = check_pairs(source)
            self._train = [(s, t) for s, t in pairs if _usable(s, t)]
        return self._train

    def training_checksum(self) -> str:
        if self._train_checksum is None:
            self._train_checksum = _checksum(self.training_pairs())
        return self._train_checksum

    # -- settings and cache ---------------------------------------------------------------------

    def _settings(self, n_sentences: int) -> dict[str, object]:
        iterations = self.iterations or default_iterations(n_sentences, self.model,
                                                           self.rel_iterations)
        return {"lowercase": self.lowercase, "model": self.model,
                "iterations": list(iterations), "n_samplers": self.n_samplers,
                "null_prior": self.null_prior}

    def _cache_file(self, stem: str) -> Path:
        root = self.cache_root if self.cache_root is not None else cache_dir() / "eflomal"
        return root / f"{stem}.json"

    def _cached(self, path: Path, read: Callable[[dict], _T | None],
                compute: Callable[[], tuple[_T, dict]]) -> tuple[_T, bool]:
        """``read`` the cache file or ``compute`` (value, json) and store it; True if cached."""
        if not self.cache:
            return compute()[0], False
        with wait_lock(path.with_suffix(".lock")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                value = read(data) if data.get("version") == CACHE_VERSION else None
            except (OSError, ValueError, KeyError, TypeError, ProjectError):
                value = None
            if value is not None:
                return value, True
            value, payload = compute()
            atomic_write_json(path, {"version": CACHE_VERSION, **payload})
            return value, False

    # -- alignment ------------------------------------------------------------------------------

    def directional_links(self, pairs: Sequence[Pair]) -> list[tuple[list[Link], list[Link]]]:
        """Forward and reverse links of each pair (from the cache when possible)."""
        checked = check_pairs(pairs)
        self.last_from_cache = False
        usable = [k for k, (s, t) in enumerate(checked) if _usable(s, t)]
        out: list[tuple[list[Link], list[Link]]] = [([], []) for _ in checked]
        if not usable:
            self._report("nothing to align", 1.0)
            return out
        wanted = [checked[k] for k in usable]
        if self.mode == "joint":
            result, cached = self._joint(wanted)
        else:
            result, cached = self._with_priors(wanted)
        self.last_from_cache = cached
        if cached:
            self._report("alignments read from the cache", 0.98)
        for k, links in zip(usable, result):
            out[k] = links
        return out

    def align(self, pairs: Sequence[Pair]) -> list[Alignment]:
        """One symmetrized :class:`Alignment` per pair, in order."""
        directional = self.directional_links(pairs)
        self._report(f"symmetrizing ({self.symmetrization})", 0.99)
        out = [Alignment.of(symmetrize(f, r, self.symmetrization), self.name)
               for f, r in directional]
        self._report("done", 1.0)
        return out

    def _joint(self, wanted: list[tuple[Words, Words]]
               ) -> tuple[list[tuple[list[Link], list[Link]]], bool]:
        train = self.training_pairs()
        settings = self._settings(len(train) + len(wanted))
        key = _key({"mode": "joint", "train": self.training_checksum(),
                    "pairs": _checksum(wanted), "settings": settings})

        def compute() -> tuple[list, dict]:
            links = self._run([*train, *wanted], settings, None, "training eflomal", 0.05, 0.95)
            result = links[len(train):]
            return result, {"settings": settings, "n_train": len(train),
                            "n_pairs": len(wanted), **_links_json(result)}

        return self._cached(self._cache_file(f"joint-{key}"),
                            lambda data: _links_from_json(data, len(wanted)), compute)

    def priors(self) -> Priors:
        """Priors from the training corpus aligned on its own (computed once, cached)."""
        if self._priors is None:
            train = self.training_pairs()
            if not train:
                raise ProjectError("mode 'priors' needs a training corpus", setting="train",
                                   hint="pass training pairs or a language code")
            settings = self._settings(len(train))
            key = _key({"mode": "priors", "train": self.training_checksum(),
                        "settings": settings})

            def compute() -> tuple[Priors, dict]:
                links = self._run(train, settings, None, "training eflomal", 0.05, 0.75)
                lowered = [self._lower(p) for p in train]
                value = Priors.count(lowered, links)
                return value, {"settings": settings, "n_train": len(train),
                               "priors": value.to_json()}

            self._priors, _ = self._cached(self._cache_file(f"priors-{key}"),
                                           lambda data: Priors.from_json(data["priors"]),
                                           compute)
        return self._priors

    def _lower(self, pair: tuple[Words, Words]) -> tuple[Words, Words]:
        if not self.lowercase:
            return pair
        return tuple(w.lower() for w in pair[0]), tuple(w.lower() for w in pair[1])

    def _with_priors(self, wanted: list[tuple[Words, Words]]
                     ) -> tuple[list[tuple[list[Link], list[Link]]], bool]:
        priors = self.priors()
        # the priors stand for the training corpus: iterate as for training plus request
        settings = self._settings(len(self.training_pairs()) + len(wanted))
        key = _key({"mode": "priors", "train": self.training_checksum(),
                    "pairs": _checksum(wanted), "settings": settings})

        def compute() -> tuple[list, dict]:
            result = self._run(wanted, settings, priors, "aligning with priors", 0.8, 0.97)
            return result, {"settings": settings, "n_pairs": len(wanted), **_links_json(result)}

        return self._cached(self._cache_file(f"aligned-{key}"),
                            lambda data: _links_from_json(data, len(wanted)), compute)

    def _run(self, pairs: Sequence[tuple[Words, Words]], settings: dict[str, object],
             priors: Priors | None, what: str, lo: float, hi: float
             ) -> list[tuple[list[Link], list[Link]]]:
        """Run the eflomal program on ``pairs``; forward and reverse links of every pair."""
        binary = eflomal_binary()
        iters = settings["iterations"]
        assert isinstance(iters, list)
        stages = 2 * sum(1 for n in iters[:self.model] if n > 0)
        with tempfile.TemporaryDirectory(prefix="eflomal-") as tmp:
            d = Path(tmp)
            self._report(f"writing {len(pairs)} sentence pairs", lo)
            _write_corpus(d / "source", [s for s, _ in pairs], self.lowercase)
            _write_corpus(d / "target", [t for _, t in pairs], self.lowercase)
            args = [str(binary), "-m", str(self.model), "-s", str(d / "source"),
                    "-t", str(d / "target"), "-n", str(self.n_samplers),
                    "-N", repr(self.null_prior), "-1", str(iters[0]),
                    "-f", str(d / "forward"), "-r", str(d / "reverse")]
            if self.model >= 2:
                args += ["-2", str(iters[1])]
            if self.model >= 3:
                args += ["-3", str(iters[2])]
            if priors is not None:
                lowered = [self._lower(p) for p in pairs]
                priors.write(d / "priors", _vocabulary(s for s, _ in lowered),
                             _vocabulary(t for _, t in lowered))
                args += ["-p", str(d / "priors")]
            tail: deque[str] = deque(maxlen=20)
            done = 0
            self._report(f"{what} on {len(pairs)} pairs", lo)
            with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, errors="replace") as proc:
                assert proc.stderr is not None
                for line in proc.stderr:
                    line = line.strip()
                    tail.append(line)
                    if line.startswith("Done"):
                        done += 1
                        self._report(f"{what}: {done} of {stages} stages done",
                                     lo + (hi - lo) * min(1.0, done / max(1, stages)))
                code = proc.wait()
            if code != 0:
                raise ProjectError(f"eflomal exited with code {code}: {' | '.join(tail)}",
                                   setting="aligner", hint="check the eflomal installation")
            fwd = (d / "forward").read_text(encoding="utf-8").split("\n")
            rev = (d / "reverse").read_text(encoding="utf-8").split("\n")
        if len(fwd) < len(pairs) or len(rev) < len(pairs):
            raise ProjectError(f"eflomal wrote {len(fwd)} / {len(rev)} lines for {len(pairs)} "
                               "pairs", setting="aligner")
        result = []
        for k, (src, tgt) in enumerate(pairs):
            f = list(parse_pharaoh_line(fwd[k]).links)
            r = list(parse_pharaoh_line(rev[k]).links)
            for i, j in (*f, *r):
                if not (0 <= i < len(src) and 0 <= j < len(tgt)):  # pragma: no cover - guard
                    raise ProjectError(f"eflomal produced link {i}-{j} outside pair {k}",
                                       setting="aligner")
            result.append((f, r))
        return result


def _links_json(result: Sequence[tuple[Sequence[Link], Sequence[Link]]]) -> dict[str, list[str]]:
    return {"forward": [" ".join(f"{i}-{j}" for i, j in f) for f, _ in result],
            "reverse": [" ".join(f"{i}-{j}" for i, j in r) for _, r in result]}


def _links_from_json(data: dict, n: int) -> list[tuple[list[Link], list[Link]]] | None:
    fwd, rev = data["forward"], data["reverse"]
    if len(fwd) != n or len(rev) != n:
        return None
    return [(list(parse_pharaoh_line(f).links), list(parse_pharaoh_line(r).links))
            for f, r in zip(fwd, rev)]
