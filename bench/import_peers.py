"""Import the projections of other tools and check them against their own files.

1. Easy-Label-Projection: the 16 released CoNLL-2003 DeepL projections (de/es/it/nl × awesome,
   fast_align, mgiza, simalign) with the English gold and the ``.talp`` each came from, imported
   as runs and read back; the agreement is the share of sentences whose projected labels (the
   target spans of the imported projections) equal the file's own labels, pooled over files.
2. T-Projection: the Europarl en→es example (output CoNLL, candidate scores, model outputs)
   imported with the Spanish gold; our F1 (metrics.json of the run) and seqeval's strict IOB2 F1
   on the same predictions read back from the run.
3. Round trip: each imported run exported as JSONL and imported again; 1 when every sentence
   has identical projections, predicted spans, links and candidates (with score components).

Data under --datasets (default ../shared/datasets); runs go to a temporary directory.
Last line: ``elp_files=16 elp_projection_agreement=<x> tprojection_f1_ours=<x>
tprojection_f1_seqeval=<x> roundtrip_identical=<0|1>``.

    .venv/bin/python bench/import_peers.py [--langs de es it nl]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.export import export_run, read_records  # noqa: E402
from core.importers import write_imported  # noqa: E402
from core.importers.elp import import_elp  # noqa: E402
from core.importers.jsonl import import_jsonl  # noqa: E402
from core.importers.tprojection import import_tprojection  # noqa: E402
from core.labels import spans_to_tags  # noqa: E402
from core.paths import datasets_dir  # noqa: E402
from core.readers.conll import read_conll  # noqa: E402
from core.runs import read_run  # noqa: E402

LANGS = ("de", "es", "it", "nl")
ALIGNERS = {"awesome": "awesome.test", "fast_align": "fast_align.test.grow_diag_final-and",
            "mgiza": "mgiza.test.grow_diag_final-and", "simalign": "simalign.test.itermax"}


def identical(root: Path, run_id: str, work: Path) -> bool:
    """Export ``run_id`` as JSONL, import it, compare every sentence."""
    export_run(root, run_id, ["jsonl"], work)
    back = write_imported(import_jsonl(work / f"{run_id}.jsonl"), root, name=f"rt-{run_id}"[:80])
    a, _ = read_records(root, run_id)
    b, _ = read_records(root, back.name)

    def cands(r):
        return [(c.range, c.origin, {k: dict(v) for k, v in c.scores.items()})
                for c in r.candidates]

    return len(a) == len(b) and all(
        x.projections == y.projections and x.predicted == y.predicted and x.gold == y.gold
        and x.alignment.links == y.alignment.links
        and dict(x.alignment.scores) == dict(y.alignment.scores) and cands(x) == cands(y)
        for x, y in zip(a, b))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=datasets_dir())
    parser.add_argument("--langs", nargs="+", default=list(LANGS), choices=LANGS)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    base = args.datasets / "conll2003_deepl"
    source = base / "original_gold" / "en.conll.test.tsv"
    with tempfile.TemporaryDirectory() as tmp:
        root, work = Path(tmp) / "runs", Path(tmp) / "work"
        print("Easy-Label-Projection: imported projections vs the files' own labels")
        print(f"  {'lang':5}{'aligner':12}{'sentences':>10}{'agree':>8}{'proj_ratio':>11}"
              f"{'unclaimed':>10}")
        files = agree = total = 0
        elp_runs = []
        for lang in args.langs:
            for aligner, mid in ALIGNERS.items():
                tsv = base / f"en2{lang}" / "projections" / f"DeepL.50000.{aligner}.test.tsv"
                talp = base / f"en2{lang}" / "alignments" / f"DeepL.50000.{mid}.talp"
                imp = import_elp(source, tsv, talp, lang=lang)
                path = write_imported(imp, root)
                released = read_conll(tsv, lang=lang, keep_docstart=True)
                records, _ = read_records(root, path.name)
                ok = 0
                for r in records:
                    k = int(r.id.rsplit(":", 1)[1])
                    tags = spans_to_tags([t for p in r.projections for t in p.targets],
                                         len(r.target.words))
                    ok += tags == list(released[k].labels) and \
                        r.target.words == released[k].words
                files += 1
                agree += ok
                total += len(records)
                elp_runs.append(path.name)
                m = read_run(root, path.name).metrics
                print(f"  {lang:5}{aligner:12}{len(records):>10}{ok / len(records):>8.4f}"
                      f"{m['proj_ratio']:>11.4f}{imp.notes['unclaimed_spans']:>10}", flush=True)
        elp_agreement = agree / total if total else 0.0

        d = args.datasets / "tprojection_europarl_example"
        imp = import_tprojection(d / "en.europarl.conll", d / "en2es.europarl.conll", lang="es",
                                 scores=d / "en2es.europarl.json",
                                 outputs=d / "en2es.europarl.jsonl", gold=d / "es.europarl.gold")
        tp = write_imported(imp, root)
        metrics = read_run(root, tp.name).metrics
        ours = metrics["overall"]["f1"]
        from seqeval.metrics import f1_score
        from seqeval.scheme import IOB2

        records, _ = read_records(root, tp.name)
        gold = [list(s.labels) for s in read_conll(d / "es.europarl.gold")]
        pred = [spans_to_tags(r.predicted, len(r.target.words)) for r in records]
        theirs = f1_score(gold, pred, mode="strict", scheme=IOB2)
        n_cands = sum(len(r.candidates) for r in records)
        print(f"\nT-Projection en→es Europarl example: {len(records)} sentences, {n_cands} "
              f"candidates with T-Projection's score, P={metrics['overall']['precision']:.4f} "
              f"R={metrics['overall']['recall']:.4f} F1 ours={ours:.6f} seqeval={theirs:.6f}")

        trip = [identical(root, rid, work) for rid in (elp_runs[0], tp.name)]
        print(f"round trip (export jsonl -> import): {elp_runs[0]}: {trip[0]}, {tp.name}: "
              f"{trip[1]}")
    print(f"time: {time.perf_counter() - t0:.1f}s")
    print(f"elp_files={files} elp_projection_agreement={elp_agreement:.4f} "
          f"tprojection_f1_ours={ours:.4f} tprojection_f1_seqeval={theirs:.4f} "
          f"roundtrip_identical={int(all(trip))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
