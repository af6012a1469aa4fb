"""Sentence overlap between a parallel corpus and NER gold sets (leakage check).

MAFAND-MT (detokenized text) and MasakhaNER2 (tokenized words) share many sentences. Two
sentences match when their keys are equal: lower-cased, every non-word character removed
(spaces and punctuation included), so tokenization does not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from core.types import Sentence

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

#: MasakhaNER2 language -> its MAFAND-MT pair (19 of the 20 languages; luo has none).
MAFAND_PAIR = {pair.split("-", 1)[1]: pair for pair in (
    "en-hau", "en-ibo", "en-kin", "en-lug", "en-nya", "en-pcm", "en-sna", "en-swa", "en-tsn",
    "en-twi", "en-xho", "en-yor", "en-zul",
    "fr-bam", "fr-bbj", "fr-ewe", "fr-fon", "fr-mos", "fr-wol")}


def match_key(text: str | Sequence[str]) -> str:
    """Lower-cased text with every non-word character (and ``_``) removed."""
    if not isinstance(text, str):
        text = " ".join(text)
    return _NON_WORD.sub("", text.lower())


@dataclass
class Overlap:
    """Which gold sentences a corpus contains, and which corpus lines are gold sentences."""

    matched: dict[str, list[int]] = field(default_factory=dict)  # gold set -> gold indices
    totals: dict[str, int] = field(default_factory=dict)          # gold set -> size
    leaked_lines: set[int] = field(default_factory=set)           # corpus line indices

    def counts(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, total in self.totals.items():
            out[name] = {"matched": len(self.matched.get(name, [])), "total": total}
        out["corpus_lines_removed"] = len(self.leaked_lines)
        return out


def find_overlap(corpus_targets: Sequence[str], gold: dict[str, Iterable[Sentence]]) -> Overlap:
    """Match every gold sentence (by :func:`match_key`) against the corpus' target side.

    Empty keys (lines of only punctuation) never match."""
    index: dict[str, list[int]] = {}
    for k, text in enumerate(corpus_targets):
        key = match_key(text)
        if key:
            index.setdefault(key, []).append(k)
    out = Overlap()
    for name, sentences in gold.items():
        sents = list(sentences)
        out.totals[name] = len(sents)
        hits = []
        for g, s in enumerate(sents):
            lines = index.get(match_key(s.words), [])
            if lines:
                hits.append(g)
                out.leaked_lines.update(lines)
        out.matched[name] = hits
    return out


def mafand_lines(lang: str, root: str | Path | None = None) -> list[tuple[str, str, str]]:
    """Every MAFAND-MT line pair of ``lang``'s pair: (split, source text, target text)."""
    from core.datasets import get_dataset, load_parallel
    from core.errors import ProjectError

    pair = MAFAND_PAIR.get(lang)
    if pair is None:
        raise ProjectError(f"MAFAND-MT has no pair for {lang!r}", setting="lang",
                           hint=f"one of {', '.join(sorted(MAFAND_PAIR))}")
    spec = get_dataset("mafand_mt")
    out = []
    for split in spec.splits:
        if (pair, split) in spec.unavailable:
            continue
        out.extend((split, s, t) for s, t in load_parallel("mafand_mt", pair, split, root))
    return out


def mafand_leakage(lang: str, root: str | Path | None = None) -> Overlap:
    """MAFAND lines of ``lang`` that are MasakhaNER2 test or dev sentences of ``lang``."""
    from core.datasets import load_dataset

    lines = mafand_lines(lang, root)
    gold = {split: load_dataset("masakhaner2", lang, split, root) for split in ("test", "dev")}
    return find_overlap([t for _, _, t in lines], gold)
