"""Speed and identity of our EmbeddingAligner against the ``simalign`` package, same model.

Both aligners use the converted me5-small encoder (layer 8, token_type "bpe", no distortion)
on the first ``--pairs`` sentence pairs of Europarl-NER en-de (sentence k of the English file
translates sentence k of the German one). The simalign package loads the model directory itself
(``SentenceAligner(model=<dir>)``, AutoModel/AutoTokenizer) and aligns pair by pair; ours loads
it with ``core.models.me5.load_me5`` and aligns all pairs in one batched call. Both are warmed up
on a few pairs first; model loading is not timed. "identical" is the fraction of (pair, method)
results where the two link sets are equal.

Usage: .venv/bin/python bench/aligner_speed.py [--pairs 500] [--methods inter,itermax,mwmf]
Last line: ``speedup_vs_simalign=<x> identical=<fraction>``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.aligners.embedding import EmbeddingAligner  # noqa: E402
from core.models.me5 import build_me5, load_me5  # noqa: E402
from core.paths import datasets_dir  # noqa: E402
from core.readers.conll import read_conll  # noqa: E402

_CODES = {"inter": "a", "itermax": "i", "mwmf": "m"}


def europarl_pairs(n: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    root = datasets_dir() / "europarl_ner"
    en = read_conll(root / "en-europarl.test.conll02", lang="en")
    de = read_conll(root / "de-europarl.test.conll02", lang="de")
    if len(en) != len(de):
        raise SystemExit(f"Europarl-NER en/de differ in sentence count: {len(en)} vs {len(de)}")
    return [(s.words, t.words) for s, t in zip(en, de)][:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--methods", default="inter,itermax,mwmf")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    pairs = europarl_pairs(args.pairs)
    n_sub = sum(len(s) + len(t) for s, t in pairs)
    print(f"pairs={len(pairs)} words={n_sub} methods={','.join(methods)}")

    from simalign import SentenceAligner

    logging.getLogger("simalign.simalign").setLevel(logging.WARNING)  # set to DEBUG on import

    path = build_me5()
    reference = SentenceAligner(model=str(path), token_type="bpe", layer=8,
                                matching_methods="".join(_CODES[m] for m in methods))
    model, tokenizer = load_me5()
    ours = EmbeddingAligner(model, tokenizer, layer=8, methods=methods,
                            batch_size=args.batch_size, name="me5-small")

    warm = pairs[:4]
    for s, t in warm:
        reference.get_word_aligns(list(s), list(t))
    ours.align_methods(warm)

    start = time.perf_counter()
    theirs = [reference.get_word_aligns(list(s), list(t)) for s, t in pairs]
    t_simalign = time.perf_counter() - start

    start = time.perf_counter()
    mine = ours.align_methods(pairs)
    t_ours = time.perf_counter() - start

    same = 0
    for method in methods:
        hits = sum(list(mine[method][k].links) == [tuple(x) for x in theirs[k][method]]
                   for k in range(len(pairs)))
        same += hits
        print(f"{method}: identical {hits}/{len(pairs)}")
    identical = same / (len(pairs) * len(methods)) if pairs else 0.0
    print(f"simalign package: {t_simalign:.2f} s ({1000 * t_simalign / len(pairs):.1f} ms/pair)")
    print(f"EmbeddingAligner: {t_ours:.2f} s ({1000 * t_ours / len(pairs):.1f} ms/pair)")
    print(f"speedup_vs_simalign={t_simalign / t_ours:.2f} identical={identical:.4f}")


if __name__ == "__main__":
    main()
