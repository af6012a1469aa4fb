"""Human translate-test on MasakhaNER2: each test sentence paired with its MAFAND-MT human
English/French translation (matched with :func:`core.extrinsic.leakage.match_key`), written as a
pre-translated translate-test input and run as an ordinary translate-test run (tagger on the
English/French side, alignment, projection, scoring against MasakhaNER2 gold with DATE -> O).

eflomal (``aligner = "eflomal"``) is trained on the remaining MAFAND text of the pair (every line
that is not a matched test sentence) together with the test pairs, in one joint call, and its
links are handed to the run by sentence index. Test sentences without a MAFAND match are listed
in the manifest (``unmatched``) and are not part of the run's score.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Sequence

from core.errors import ProjectError
from core.extrinsic.leakage import MAFAND_PAIR, mafand_lines, match_key

#: Pairs with MasakhaNER2's test set (almost) entirely inside MAFAND.
OVERLAP_LANGS = ("lug", "pcm", "tsn", "twi", "bam", "bbj", "ewe", "mos", "wol")


class GivenAligner:
    """Alignments computed beforehand, looked up by sentence index (not step-cached)."""

    def __init__(self, alignments: Sequence[Any], name: str, signature: str) -> None:
        self.alignments, self.name, self.signature = list(alignments), name, signature

    def align(self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]], *,
              indices: Sequence[int]) -> list[Any]:
        return [self.alignments[k] for k in indices]


def pair_test(lang: str, datasets_root: Path | None = None
              ) -> tuple[list[tuple[Any, str]], list[str], list[int]]:
    """([(gold test sentence, source text)], unmatched test ids, MAFAND lines used)."""
    from core.datasets import load_dataset

    lines = mafand_lines(lang, datasets_root)
    index: dict[str, int] = {}
    for k, (_, _, tgt) in enumerate(lines):
        index.setdefault(match_key(tgt), k)
    matched, unmatched, used = [], [], []
    for s in load_dataset("masakhaner2", lang, "test", datasets_root):
        k = index.get(match_key(s.words))
        if k is None or not match_key(s.words):
            unmatched.append(s.id)
        else:
            matched.append((s, lines[k][1]))
            used.append(k)
    return matched, unmatched, used


def write_input(path: Path, matched: Sequence[tuple[Any, str]], src_lang: str) -> list[list[str]]:
    """The pre-translated JSONL (docs/pipelines.md); returns the source word lists."""
    from core.cache import atomic_write_text
    from core.text import split_words

    rows, words = [], []
    for s, text in matched:
        src = split_words(text, src_lang)
        words.append(src)
        rows.append(json.dumps({"id": s.id, "target_words": list(s.words),
                                "target_labels": list(s.labels), "source_words": src},
                               ensure_ascii=False))
    atomic_write_text(path, "\n".join(rows) + "\n")
    return words


def run_human_tt(lang: str, runs_root: str | Path, *, tagger: str, aligner: str = "eflomal",
                 methods: Sequence[str] = ("heuristic", "candidates-ngram-greedy"),
                 datasets_root: Path | None = None, tagger_obj: Any = None,
                 progress: Any = None) -> list[Path]:
    """One translate-test run per method (existing runs are kept); returns their dirs."""
    from core.cache import file_lock
    from core.config import RunConfig
    from core.models.registry import load_tagger
    from core.paths import cache_dir
    from core.pipeline import (CachedTagger, Components, build_components, input_checksums,
                               process_into_run, read_pretranslated)
    from core.runs import run_dir
    from core.text import split_words

    if lang not in MAFAND_PAIR:
        raise ProjectError(f"no MAFAND pair for {lang!r}", setting="lang",
                           hint=f"one of {', '.join(sorted(MAFAND_PAIR))}")
    src_lang = MAFAND_PAIR[lang].split("-")[0]
    matched, unmatched, used = pair_test(lang, datasets_root)
    if not matched:
        raise ProjectError(f"no MasakhaNER2 {lang} test sentence is in MAFAND-MT",
                           setting="lang", hint=f"use one of {', '.join(OVERLAP_LANGS)}")
    work = cache_dir() / "human-tt"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"masakhaner2-{lang}-test-mafand-{src_lang}.jsonl"
    src_words = write_input(path, matched, src_lang)
    tag_map = "ontonotes" if tagger.startswith("spacy:en") else "identity"
    inner = tagger_obj if tagger_obj is not None else load_tagger(tagger)
    cached_tagger = CachedTagger(inner)
    given_aligner = None
    if aligner == "eflomal":
        from core.aligners.eflomal_aligner import EflomalAligner

        used_set = set(used)
        rest = [(split_words(s, src_lang), split_words(t, lang))
                for k, (_, s, t) in enumerate(mafand_lines(lang, datasets_root))
                if k not in used_set]
        ef = EflomalAligner(rest)
        links = ef.align([(w, list(s.words)) for w, (s, _) in zip(src_words, matched)])
        given_aligner = GivenAligner(links, "eflomal:mafand-rest",
                                     f"eflomal:{ef.symmetrization}|train:"
                                     f"{ef.training_checksum()[:12]}")
    out = []
    for method in methods:
        cfg = RunConfig(pipeline="translate-test", dataset="masakhaner2", lang=lang,
                        split="test", source_lang=src_lang,
                        aligner="eflomal:mafand-rest" if aligner == "eflomal" else aligner,
                        method=method, tagger=tagger, input=str(path),
                        gold_label_map="no_date", pred_label_map=tag_map,
                        keep_types=("PER", "ORG", "LOC"),
                        name=f"human-tt-masakhaner2-{lang}-{tagger}-{aligner}-{method}")
        run_id = cfg.run_id()
        if (run_dir(runs_root, run_id) / "manifest.json").is_file():
            out.append(run_dir(runs_root, run_id))
            continue
        with file_lock(Path(runs_root) / ".locks" / f"{run_id}.lock", what=f"run {run_id}"):
            t0 = time.perf_counter()
            items = read_pretranslated(path, lang, src_lang)
            comp = build_components(cfg, Components(tagger=cached_tagger,
                                                    aligner=given_aligner), datasets_root, items)
            if given_aligner is not None:  # looked up by index, not through the step cache
                comp.aligner = given_aligner
            p, _ = process_into_run(
                cfg, items, comp, runs_root, run_id, progress=progress, started=t0,
                manifest={"inputs": input_checksums(cfg, datasets_root),
                          "human_translate_test": {
                              "translations": f"mafand_mt {MAFAND_PAIR[lang]} (human)",
                              "matched": len(matched), "test_sentences":
                                  len(matched) + len(unmatched), "unmatched": unmatched}})
            out.append(p)
    return out
