"""CoNLL-2003 English test translated by DeepL: the released aligners next to ours.

Data (``conll2003_deepl`` under --datasets): the English CoNLL-2003 test gold, its DeepL
translations into de/es/it/nl, and the released alignments of four aligners (awesome,
fast_align, mgiza, simalign) with their projections (``en2<lang>/projections/DeepL.50000.
<aligner>.test.tsv``). All files are block-aligned with the English test set. There is **no
target gold** for these translations, so this bench compares aligners with each other:

1. link agreement (:func:`core.metrics.alignment.corpus_agreement`): Jaccard ``|A∩B| / |A∪B|``
   and both / only-A / only-B link counts, between every pair of {released aligners, ours};
2. projections: the English gold entities (PER/ORG/LOC/MISC) projected through every alignment
   with ``heuristic`` and ``candidates-ngram-greedy``: proj_ratio per aligner, span-level F1
   between the projections of two aligners (:func:`core.metrics.score_sentence` +
   :func:`core.metrics.aggregate`; the released awesome alignment's projection is the
   reference), and the share of sentences whose projected span sets are identical;
3. runs: one translate-test run per aligner and method through :func:`core.pipeline.execute`
   with a pre-translated JSONL input (written under --work, a temporary directory, never the
   repository). The JSONL's ``target_labels`` are the **released awesome projection labels, a
   silver reference, not gold** (the run names say ``vs-awesome-silver``); ``source_labels``
   are the English gold, so MT and tagging are skipped. Released aligners enter through the
   ``alignment`` field (aligner ``file:<their .talp>``); ours are computed (aligner = spec).

Sentences used: every block except ``-DOCSTART-`` blocks and blocks whose target words differ
between the four projection files (the awesome file is tokenised differently in a few blocks);
both counts are printed. ``--limit N`` keeps the first N usable blocks.

Our aligners (``--ours``, specs of :func:`core.aligners.registry.get_aligner`) go through the
step cache, so a second invocation reuses their alignments; me5-small methods with the same
encoder settings share one encoding. ``eflomal`` can be added to ``--ours`` (it trains about a
minute per language on the DeepL train translations).

Last line: ``mean_jaccard_ours_vs_awesome=<x> identical_projection_share=<y>`` where x is the
mean over --langs of the corpus Jaccard between the first of --ours and the released awesome
alignment, and y the share of sentences (pooled over --langs) whose heuristic projection
through the first of --ours equals the heuristic projection through the released awesome
alignment.

Usage: .venv/bin/python bench/conll_deepl_aligners.py [--langs de es it nl]
       [--ours me5-small:itermax me5-small:awesome] [--limit N] [--runs DIR] [--export DIR]
       [--work DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.aligners.registry import get_aligner  # noqa: E402
from core.cache import atomic_write_text, sha256_file  # noqa: E402
from core.config import RunConfig  # noqa: E402
from core.datasets import dataset_path, get_dataset, load_alignments, load_dataset  # noqa: E402
from core.errors import ProjectError  # noqa: E402
from core.metrics import aggregate, score_sentence  # noqa: E402
from core.metrics.alignment import AgreementCounts, corpus_agreement  # noqa: E402
from core.paths import REPO_ROOT, datasets_dir  # noqa: E402
from core.pipeline import CachedAligner, Components, execute  # noqa: E402
from core.records import record_from_row  # noqa: E402
from core.readers.conll import is_docstart  # noqa: E402
from core.runs import (export_summary, read_manifest, read_run, read_sentences,  # noqa: E402
                       run_dir)
from core.stepcache import content_key  # noqa: E402
from core.types import Alignment, Sentence, Span  # noqa: E402

#: released aligner -> split name in the projections / alignments dataset specs
RELEASED = {"awesome": "awesome.test",
            "fast_align": "fast_align.test.grow_diag_final-and",
            "mgiza": "mgiza.test.grow_diag_final-and",
            "simalign": "simalign.test.itermax"}
REFERENCE = "awesome"
METHODS = ("heuristic", "candidates-ngram-greedy")
SHORT_METHOD = {"heuristic": "heuristic", "candidates-ngram-greedy": "cand-ngram-greedy"}
PROJ_DATASET, ALIGN_DATASET = "conll2003_deepl_projections", "conll2003_deepl_alignments"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ data


@dataclass
class LangData:
    """The usable sentence pairs of one language and the released alignments of each."""

    lang: str
    blocks: list[int]                    # block index in the English test file
    source: list[Sentence]               # English gold
    target_words: list[tuple[str, ...]]
    silver: list[Sentence]               # released awesome projection (silver labels)
    released: dict[str, list[Alignment]]
    talp: dict[str, Path]
    n_blocks: int
    skipped_docstart: int
    skipped_tokenisation: int


def load_language(root: Path, lang: str, limit: int | None) -> LangData:
    """Read the English gold, the four projection files and the four .talp files of ``lang``."""
    en = load_dataset("conll2003", "en", "test", root, keep_docstart=True)
    markers = get_dataset(PROJ_DATASET).docstart_markers
    proj = {a: load_dataset(PROJ_DATASET, lang, f"{a}.test", root, keep_docstart=True)
            for a in RELEASED}
    talp = {a: dataset_path(ALIGN_DATASET, lang, split, root) for a, split in RELEASED.items()}
    aligns = {a: load_alignments(ALIGN_DATASET, lang, split, root)
              for a, split in RELEASED.items()}
    for name, seq in [("en", en), *proj.items(), *aligns.items()]:
        if len(seq) != len(en):
            raise ProjectError(f"{lang}/{name}: {len(seq)} blocks, English test has {len(en)}",
                               hint="the conll2003_deepl files must be block-aligned")
    data = LangData(lang, [], [], [], [], {a: [] for a in RELEASED}, talp, len(en), 0, 0)
    for k, src in enumerate(en):
        if is_docstart(src) or any(is_docstart(p[k], markers) for p in proj.values()):
            data.skipped_docstart += 1
            continue
        if len({p[k].words for p in proj.values()}) > 1:
            data.skipped_tokenisation += 1
            continue
        if limit is not None and len(data.blocks) >= limit:
            continue
        tgt = proj[REFERENCE][k]
        data.blocks.append(k)
        data.source.append(src)
        data.target_words.append(tgt.words)
        data.silver.append(tgt)
        for a in RELEASED:
            aligns[a][k].check_bounds(len(src.words), len(tgt.words),
                                      where=f"{talp[a]}:{k + 1}")
            data.released[a].append(aligns[a][k])
    return data


# ------------------------------------------------------------------------------ our aligners


class _Precomputed:
    """An aligner answering from alignments computed beforehand (keyed by pair content), with
    the ``name`` and ``signature`` of the registry aligner that computed them; unknown pairs go
    to that aligner."""

    def __init__(self, inner: Any, known: dict[str, Alignment]) -> None:
        self.inner, self.known = inner, known
        self.name, self.signature = inner.name, inner.signature

    def align(self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[Alignment]:
        keys = [content_key(list(s), list(t)) for s, t in pairs]
        todo = [p for p, k in zip(pairs, keys) if k not in self.known]
        fresh = iter(self.inner.align(todo) if todo else [])
        return [self.known[k] if k in self.known else next(fresh) for k in keys]


Pair = tuple[tuple[str, ...], tuple[str, ...]]


class OurAligners:
    """Registry aligners built once (eflomal once per language), aligned through the step cache.

    me5-small methods with the same encoder settings share one encoding, and the pairs of all
    languages are encoded together, interleaved by English block, so that each English sentence
    is encoded once per chunk rather than once per language.
    """

    def __init__(self, specs: Sequence[str], datasets: Path) -> None:
        self.specs, self.datasets = list(specs), datasets
        self._built: dict[tuple[str, str], Any] = {}

    def build(self, spec: str, lang: str) -> Any:
        """The aligner of ``spec`` (loaded once; per language when it trains on the language)."""
        key = (spec, lang if "eflomal" in spec else "")
        if key not in self._built:
            self._built[key] = get_aligner(spec, lang=lang, datasets_root=self.datasets)
        return self._built[key]

    def align(self, jobs: dict[str, tuple[list[int], list[Pair]]]
              ) -> dict[str, dict[str, tuple[CachedAligner, list[Alignment]]]]:
        """``jobs``: language -> (English block of each pair, pairs). Returns, per language and
        spec, the cached aligner (for the pipeline) and the alignments of the pairs."""
        from core.aligners.embedding import EmbeddingAligner

        built = {(s, lang): self.build(s, lang) for s in self.specs for lang in jobs}
        keys = {lang: [content_key(list(a), list(b)) for a, b in pairs]
                for lang, (_, pairs) in jobs.items()}
        known: dict[tuple[str, str], dict[str, Alignment]] = {k: {} for k in built}
        groups: dict[tuple, list[str]] = {}
        for s in self.specs:
            a = built[(s, next(iter(jobs)))] if jobs else None
            if isinstance(a, EmbeddingAligner):
                groups.setdefault((a.encoder_name, a.layer, a.distortion, a.awesome_threshold,
                                   a.encoder.batch_size), []).append(s)
        for members in groups.values():
            todo: list[tuple[int, str, int]] = []  # (block, lang, pair index)
            for lang, (blocks, _) in jobs.items():
                missing: set[int] = set()
                for s in members:
                    have = CachedAligner(built[(s, lang)]).cache.get_many(keys[lang])
                    missing.update(k for k, key in enumerate(keys[lang]) if key not in have)
                todo.extend((blocks[k], lang, k) for k in missing)
            if not todo:
                continue
            todo.sort()
            lang0 = todo[0][1]
            first = built[(members[0], lang0)]
            view = first.for_method(first.methods[0])
            view.methods = tuple(dict.fromkeys(built[(s, lang0)].methods[0] for s in members))
            log(f"encoding {len(todo)} pairs ({', '.join(sorted({t[1] for t in todo}))}) for "
                f"{', '.join(members)}")
            t0 = time.perf_counter()
            out = view.align_methods([jobs[lang][1][k] for _, lang, k in todo])
            log(f"  {len(todo) / (time.perf_counter() - t0):.1f} pairs/s")
            for s in members:
                for (_, lang, k), a in zip(todo, out[built[(s, lang)].methods[0]]):
                    known[(s, lang)][keys[lang][k]] = Alignment(a.links, built[(s, lang)].name,
                                                               a.possible, a.scores)
        result: dict[str, dict[str, tuple[CachedAligner, list[Alignment]]]] = {}
        for lang, (_, pairs) in jobs.items():
            result[lang] = {}
            for s in self.specs:
                cached = CachedAligner(_Precomputed(built[(s, lang)], known[(s, lang)]))
                t0 = time.perf_counter()
                result[lang][s] = (cached, cached.align(pairs))
                if not known[(s, lang)]:
                    log(f"{lang}: {s} {time.perf_counter() - t0:.1f} s (step cache or own run)")
        return result


# ------------------------------------------------------------------------------ projections


SpanKeys = frozenset[tuple[int, int, str]]


@dataclass(frozen=True)
class RunResult:
    """What this bench reads back from one stored run."""

    run_id: str
    metrics: dict[str, Any]
    predicted: list[tuple[Span, ...]]      # projected target spans per sentence

    @property
    def span_sets(self) -> list[SpanKeys]:
        return [frozenset((s.start, s.end, s.label) for s in p) for p in self.predicted]


def read_back(runs: Path, run_id: str) -> RunResult:
    """Metrics and per-sentence projected spans of a stored run (in input order)."""
    table = read_sentences(runs, run_id).sort_values("index")
    predicted = [record_from_row(row).predicted for row in table.to_dict("records")]
    return RunResult(run_id, dict(read_run(runs, run_id).metrics), predicted)


def span_f1(ref: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> float:
    """Exact-match span F1 of ``pred`` against ``ref`` (micro over sentences)."""
    return aggregate(score_sentence(r, p) for r, p in zip(ref, pred)).f1


def identical_share(ref: Sequence[SpanKeys], pred: Sequence[SpanKeys]) -> float:
    """Share of sentences whose projected span sets (hence tags) are identical."""
    return sum(r == p for r, p in zip(ref, pred)) / len(ref) if ref else 0.0


# ------------------------------------------------------------------------------ runs


def write_jsonl(path: Path, data: LangData, alignments: Sequence[Alignment] | None) -> Path:
    """The pre-translated input (core.pipeline.read_pretranslated); labels: English gold on the
    source side, released awesome projection (silver) on the target side."""
    lines = []
    for k, (block, src, tgt) in enumerate(zip(data.blocks, data.source, data.silver)):
        obj: dict[str, Any] = {"id": f"conll2003_deepl/{data.lang}:{block}",
                               "target_words": list(tgt.words),
                               "target_labels": list(tgt.labels or ()),
                               "source_words": list(src.words),
                               "source_labels": list(src.labels or ())}
        if alignments is not None:
            obj["alignment"] = alignments[k].pharaoh()
        lines.append(json.dumps(obj, ensure_ascii=False))
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)
    return path


def run_one(cfg: RunConfig, runs: Path, datasets: Path, aligner: Any | None) -> RunResult:
    """Execute ``cfg`` unless a run of the same config and input file exists; read it back."""
    rid = cfg.run_id()
    path = run_dir(runs, rid)
    if path.exists():
        inputs = read_manifest(path).get("inputs", {})
        assert cfg.input is not None
        if inputs.get(Path(cfg.input).name) != sha256_file(cfg.input):
            raise ProjectError("an existing run was made from another version of the input",
                               path=path, hint="delete the run directory and run again")
    else:
        execute(cfg, runs, datasets_root=datasets, components=Components(aligner=aligner))
    return read_back(runs, rid)


def _suffix(limit: int | None) -> str:
    return f"-limit{limit}" if limit else ""


# ------------------------------------------------------------------------------ printing


def _label(name: str) -> str:
    return name if name in RELEASED else f"{name}*"


def print_matrix(title: str, names: Sequence[str], cell: Any) -> None:
    width = max(8, *(len(_label(n)) for n in names))
    print(title)
    print(" " * (width + 1) + " ".join(f"{_label(n):>{width}}" for n in names))
    for a in names:
        print(f"{_label(a):>{width}} " + " ".join(f"{cell(a, b):>{width}.3f}" for b in names))


def _agreement_dict(c: AgreementCounts) -> dict[str, Any]:
    return {"both": c.both, "only_a": c.only_a, "only_b": c.only_b, "jaccard": c.jaccard}


# ------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=Path, default=datasets_dir())
    ap.add_argument("--langs", nargs="+", default=["de", "es", "it", "nl"])
    ap.add_argument("--ours", nargs="+", default=["me5-small:itermax", "me5-small:awesome"],
                    help="aligner specs of core.aligners.registry (first one: summary line)")
    ap.add_argument("--limit", type=int, default=None, help="first N usable blocks per language")
    ap.add_argument("--runs", type=Path, default=REPO_ROOT / "runs")
    ap.add_argument("--export", type=Path, default=None,
                    help="write summary-only copies (manifest + metrics.json) here")
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "conll_deepl_bench",
                    help="where the pre-translated JSONL inputs are written (not the repo)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be positive")
    if set(args.ours) & set(RELEASED):
        ap.error(f"--ours may not use the released names {sorted(RELEASED)}")

    t_start = time.perf_counter()
    args.work.mkdir(parents=True, exist_ok=True)
    names = [*RELEASED, *args.ours]
    print("CoNLL-2003 en test -> DeepL de/es/it/nl: released aligners vs ours (* = ours).")
    print("No target gold. 'silver' = the RELEASED awesome projection labels "
          "(en2<lang>/projections/DeepL.50000.awesome.test.tsv), used as a silver reference.")
    data = {lang: load_language(args.datasets, lang, args.limit) for lang in args.langs}

    ours = OurAligners(args.ours, args.datasets)
    t0 = time.perf_counter()
    for lang in args.langs:
        for spec in args.ours:
            ours.build(spec, lang)
    load_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    computed = ours.align({lang: (d.blocks, [(s.words, t) for s, t in
                                             zip(d.source, d.target_words)])
                           for lang, d in data.items()})
    align_seconds = time.perf_counter() - t0
    n_pairs = sum(len(d.blocks) for d in data.values())
    print(f"our aligners: loaded in {load_seconds:.1f} s; {n_pairs} pairs aligned in "
          f"{align_seconds:.1f} s (step-cache hits included)")

    report: dict[str, Any] = {"langs": {}, "ours": list(args.ours), "reference": REFERENCE,
                              "methods": list(METHODS), "limit": args.limit,
                              "load_seconds": round(load_seconds, 2),
                              "align_seconds": round(align_seconds, 2)}
    jaccards, same_total, n_total = [], 0, 0
    for lang, d in data.items():
        t_lang = time.perf_counter()
        n = len(d.blocks)
        print(f"\n=== {lang}: {n} sentence pairs used of {d.n_blocks} blocks (skipped "
              f"{d.skipped_docstart} -DOCSTART-, {d.skipped_tokenisation} whose target words "
              "differ between the four projection files"
              + (f"; --limit {args.limit}" if args.limit else "") + ")")
        alignments = {**d.released, **{s: a for s, (_, a) in computed[lang].items()}}
        agree = {(a, b): corpus_agreement(alignments[a], alignments[b])
                 for a in names for b in names}
        links = {a: sum(len(x) for x in alignments[a]) for a in names}
        print("links: " + ", ".join(f"{_label(a)} {links[a]}" for a in names))
        print_matrix("link Jaccard |A∩B|/|A∪B|:", names, lambda a, b: agree[(a, b)].jaccard)
        print("link counts, A vs B: both / only A / only B:")
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                c = agree[(a, b)]
                print(f"  {_label(a):>20} vs {_label(b):<20} {c.both:7d} / {c.only_a:6d} / "
                      f"{c.only_b:6d}   jaccard {c.jaccard:.3f}")

        # one translate-test run per aligner x method, then read back for the comparisons
        ours_input = write_jsonl(args.work / f"{lang}-ours{_suffix(args.limit)}.jsonl", d, None)
        results: dict[tuple[str, str], RunResult] = {}
        for a in names:
            if a in RELEASED:
                jsonl = write_jsonl(args.work / f"{lang}-{a}{_suffix(args.limit)}.jsonl", d,
                                    d.released[a])
                spec = f"file:{d.talp[a]}"
                comp = get_aligner(spec)
            else:
                jsonl, spec, comp = ours_input, a, computed[lang][a][0]
            for m in METHODS:
                cfg = RunConfig(pipeline="translate-test", dataset=PROJ_DATASET, lang=lang,
                                split=f"{REFERENCE}.test", input=str(jsonl), aligner=spec,
                                method=m, name=f"conll-deepl-{lang}-vs-awesome-silver-{a}-"
                                               f"{SHORT_METHOD[m]}{_suffix(args.limit)}")
                log(f"{lang}: run {cfg.run_id()}")
                results[(m, a)] = run_one(cfg, args.runs, args.datasets, comp)
                if args.export:
                    export_summary(args.runs, cfg.run_id(), args.export,
                                   pipeline="translate-train")

        lang_rep: dict[str, Any] = {
            "sentences": n, "blocks": d.n_blocks, "skipped_docstart": d.skipped_docstart,
            "skipped_tokenisation": d.skipped_tokenisation, "links": links,
            "agreement": {a: {b: _agreement_dict(agree[(a, b)]) for b in names} for a in names},
            "projection": {}, "f1_matrix": {},
            "runs": {a: {m: results[(m, a)].run_id for m in METHODS} for a in names}}
        for m in METHODS:
            sets = {a: results[(m, a)].span_sets for a in names}
            matrix: dict[str, dict[str, float]] = {a: {} for a in names}
            for i, a in enumerate(names):
                matrix[a][a] = 1.0 if any(sets[a]) else 0.0
                for b in names[i + 1:]:
                    matrix[a][b] = matrix[b][a] = span_f1(results[(m, a)].predicted,
                                                          results[(m, b)].predicted)
            print(f"\nprojection {m}: F1 / identical vs the released {REFERENCE} alignment's "
                  "projection; silver F1 = the run's F1 against the released awesome labels")
            print(f"  {'aligner':22} {'proj_ratio':>10} {'F1 vs ref':>10} {'identical':>10} "
                  f"{'silver F1':>10}")
            rows = {}
            for a in names:
                met = results[(m, a)].metrics
                silver = (met.get("overall") or {}).get("f1", float("nan"))
                same = identical_share(sets[REFERENCE], sets[a])
                rows[a] = {"proj_ratio": met["proj_ratio"], "f1_vs_reference": matrix[REFERENCE][a],
                           "identical_vs_reference": same, "silver_f1": silver,
                           "run_id": results[(m, a)].run_id}
                print(f"  {_label(a):22} {met['proj_ratio']:10.4f} {matrix[REFERENCE][a]:10.4f} "
                      f"{same:10.4f} {silver:10.4f}")
            lang_rep["projection"][m] = rows
            lang_rep["f1_matrix"][m] = matrix
            print_matrix(f"  span F1 between the aligners' projections ({m}; symmetric):",
                         names, lambda a, b: matrix[a][b])

        first = args.ours[0]
        jaccards.append(agree[(first, REFERENCE)].jaccard)
        ref_sets = results[("heuristic", REFERENCE)].span_sets
        same_total += sum(r == p for r, p in zip(ref_sets,
                                                 results[("heuristic", first)].span_sets))
        n_total += n
        lang_rep["seconds"] = round(time.perf_counter() - t_lang, 2)
        report["langs"][lang] = lang_rep
        print(f"{lang}: runs conll-deepl-{lang}-vs-awesome-silver-*{_suffix(args.limit)}-<hash>; "
              f"runs and comparisons {lang_rep['seconds']:.1f} s")

    x = sum(jaccards) / len(jaccards) if jaccards else 0.0
    y = same_total / n_total if n_total else 0.0
    seconds = time.perf_counter() - t_start
    report["summary"] = {"mean_jaccard_ours_vs_awesome": x, "identical_projection_share": y,
                         "first_ours": args.ours[0], "seconds": round(seconds, 2)}
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\ntotal {seconds:.1f} s; runs in {args.runs}"
          + (f", summaries exported to {args.export}" if args.export else ""))
    print(f"mean_jaccard_ours_vs_awesome={x:.4f} identical_projection_share={y:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
