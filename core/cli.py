"""Command line: ``python -m core`` (also the ``projinspect`` console script).

Commands::

    run             run a config (file and/or --set key=value; lists make a matrix)
    merge           merge the shard runs of one config
    submit          run a config on a SLURM cluster: a job array of shards + a merge job
    status          the state of submitted runs (squeue/scontrol), shard by shard
    runs list       list runs (ours and reported) with F1 and proj_ratio
    runs show       one run's manifest summary and scores
    runs compare    two runs side by side (per type; per sentence when both have sentences)
    runs check      re-run configs/*.toml and compare with the committed data/runs
    import-reported store the paper's released result tables as reported runs
    import FORMAT   store another tool's projections as a run (elp, tprojection, easyproject,
                    alignments, predictions, jsonl; docs/formats.md)
    export RUN      write a run as Pharaoh, CoNLL or JSONL files
    datasets list   the dataset registry
    datasets check  which registered files are present, with checksums
    train-ner       fine-tune a token-classification NER model on CoNLL files (resumable)
    train-aligner   fine-tune an alignment adapter on parallel text (self-training, resumable)
    extrinsic       training on projection (run), MAFAND leakage counts, human translate-test

Errors a user can fix print one line ``error: ...`` and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from core import paths
from core.errors import ProjectError
from core.paths import RUNS_ENV, datasets_dir


def default_runs_root() -> Path:
    """:func:`core.paths.default_runs_root` (looked up at call time; kept for old callers)."""
    return paths.default_runs_root()


def _fmt(x: Any, digits: int = 2) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}" if isinstance(x, float) else str(x)


def _progress_bar(desc: str):
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(step: str, done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="sent", file=sys.stderr)
        bar["bar"].n = done
        bar["bar"].refresh()
        if done >= total:
            bar["bar"].close()

    return update


def cmd_run(args: argparse.Namespace) -> int:
    from core.config import configs_from
    from core.pipeline import execute

    configs = configs_from(args.config, args.set)
    shard = None
    if args.shard:
        k, _, n = args.shard.partition("/")
        try:
            shard = (int(k), int(n))
        except ValueError:
            raise ProjectError(f"bad shard {args.shard!r}: expected k/n, e.g. 0/4",
                               setting="--shard") from None
    for cfg in configs:
        print(f"run {cfg.run_id()}  [{cfg.signature()}]", file=sys.stderr)
        if args.dry_run:
            continue
        path = execute(cfg, args.runs, datasets_root=args.datasets, shard=shard,
                       progress=_progress_bar(cfg.lang))
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        f1 = (metrics.get("overall") or {}).get("f1")
        print(f"{path}  f1={_fmt(f1)}  proj_ratio={_fmt(metrics.get('proj_ratio'))}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from core.pipeline import merge_shards

    path = merge_shards(args.runs, args.run_ids, run_id=args.id)
    print(path)
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from core import cluster

    if args.resume is not None:
        if args.config or args.config_file or args.set:
            raise ProjectError("--resume takes a submission id, not a config", setting="--resume")
        print(cluster.resume(args.runs, args.resume or None)[2])
        return 0
    opts = cluster.JobOptions(args.partition, args.time, args.mem, args.cpus, args.gpus,
                              args.max_running, tuple(args.sbatch), args.merge_partition,
                              args.merge_time)
    state = cluster.submit(args.config or args.config_file, args.set, runs_root=args.runs,
                           datasets_root=args.datasets, shards=args.shards, options=opts,
                           dry_run=args.dry_run)
    if args.dry_run:
        for key in ("array", "merge"):
            print(f"# ---- {state['scripts'][key]}")
            print(Path(state["scripts"][key]).read_text(encoding="utf-8"))
        print("# nothing submitted; to submit these scripts by hand:\n"
              f"#   jid=$(sbatch --parsable {state['scripts']['array']})\n"
              f"#   sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes "
              f"{state['scripts']['merge']}")
        return 0
    print(f"submission {state['id']}: {len(state['cells'])} run(s) x {state['shards']} "
          f"shard(s), {len(state['tasks'])} task(s) submitted as array job "
          f"{state['arrays'][-1]['job'] if state['arrays'] else '-'}; merge job "
          f"{state['merges'][-1]['job']}\n  scripts and logs: {state['directory']}\n"
          f"  follow it: python -m core status {state['id']}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from core import cluster

    if args.wait:
        reps = [cluster.wait(args.runs, args.submission, timeout=args.timeout)]
    else:
        reps = cluster.reports(args.runs, args.submission, last=None if args.all else 1)
    print("\n".join(cluster.format_report(r) for r in reps))
    return 0 if not args.wait or reps[0].complete else 1


def _run_table(infos: Sequence[Any]) -> list[list[str]]:
    rows = []
    for info in infos:
        s = info.summary
        rows.append([info.run_id, s.kind, s.dataset, s.lang, s.pipeline,
                     s.aligner_label or "-", (s.method or "-") + ("+bt" if s.back_translation
                                                                   else ""),
                     _fmt(None if s.f1 != s.f1 else s.f1),
                     _fmt(None if s.proj_ratio != s.proj_ratio else s.proj_ratio)])
    return rows


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h)
              for k, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def cmd_runs_list(args: argparse.Namespace) -> int:
    from core.runs import scan_runs

    roots = args.runs_dirs or [paths.COMMITTED_RUNS, args.runs]  # ours + reported, and yours
    infos, errors = scan_runs(dict.fromkeys(Path(r).resolve() for r in roots))
    if args.kind:
        infos = [i for i in infos if i.kind == args.kind]
    _print_table(["run_id", "kind", "dataset", "lang", "pipeline", "aligner", "method", "f1",
                  "proj"], _run_table(infos))
    for e in errors:
        print(f"warning: {e}", file=sys.stderr)
    return 0


def cmd_runs_show(args: argparse.Namespace) -> int:
    from core.runs import read_run

    info = read_run(args.runs, args.run_id, verify=True)
    m, man = info.metrics, info.manifest
    print(f"run:       {info.run_id} ({info.kind})")
    print(f"signature: {man.get('signature')}")
    if man.get("citation"):
        print(f"citation:  {man['citation']}")
    for key in ("components", "inputs", "timings", "counts"):
        if man.get(key):
            print(f"{key}: {json.dumps(man[key], ensure_ascii=False)}")
    overall = m.get("overall") or {}
    print(f"overall:   P={_fmt(overall.get('precision'))} R={_fmt(overall.get('recall'))} "
          f"F1={_fmt(overall.get('f1'))} proj_ratio={_fmt(m.get('proj_ratio'))}")
    for t, v in sorted((m.get("per_type") or {}).items()):
        print(f"  {t:5} P={_fmt(v.get('precision'))} R={_fmt(v.get('recall'))} "
              f"F1={_fmt(v.get('f1'))} support={v.get('support')}")
    for key in ("outcomes", "reasons", "marker_issues"):
        if m.get(key):
            print(f"{key}: {json.dumps(m[key])}")
    return 0


def cmd_runs_compare(args: argparse.Namespace) -> int:
    from core.runs import read_run, read_sentences

    a, b = (read_run(args.runs, r) for r in (args.run_a, args.run_b))
    types = sorted(set(a.metrics.get("per_type") or {}) | set(b.metrics.get("per_type") or {}))
    rows = [["overall", _fmt((a.metrics.get("overall") or {}).get("f1")),
             _fmt((b.metrics.get("overall") or {}).get("f1"))],
            ["proj_ratio", _fmt(a.metrics.get("proj_ratio")), _fmt(b.metrics.get("proj_ratio"))]]
    for t in types:
        rows.append([t, _fmt(((a.metrics.get("per_type") or {}).get(t) or {}).get("f1")),
                     _fmt(((b.metrics.get("per_type") or {}).get(t) or {}).get("f1"))])
    _print_table(["F1", a.run_id, b.run_id], rows)
    if a.has_sentences and b.has_sentences:
        da = read_sentences(args.runs, a.run_id).set_index("id")
        db = read_sentences(args.runs, b.run_id).set_index("id")
        common = da.index.intersection(db.index)
        diff = (da.loc[common, "f1"] - db.loc[common, "f1"]).dropna()
        print(f"sentences in both: {len(common)}; A better: {(diff > 0).sum()}, "
              f"B better: {(diff < 0).sum()}, equal: {(diff == 0).sum()}")
        for sid in diff.abs().sort_values(ascending=False).index[:args.top]:
            print(f"  {sid}: A {_fmt(da.loc[sid, 'f1'])}  B {_fmt(db.loc[sid, 'f1'])}")
    return 0


def cmd_runs_check(args: argparse.Namespace) -> int:
    from core.repro import check_runs

    counts: dict[str, int] = {}
    failed = False
    for c in check_runs(only=args.only, datasets_root=args.datasets, work_root=args.keep):
        counts[c.status] = counts.get(c.status, 0) + 1
        failed = failed or c.failed
        print(f"{c.status:10} {c.run_id}" + (f"  ({c.detail})" if c.detail else ""), flush=True)
    print("runs check: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 1 if failed else 0


def cmd_import_reported(args: argparse.Namespace) -> int:
    from core.reported import import_reported

    written = import_reported(args.csv_dir, args.runs)
    print(f"{len(written)} reported runs written to {args.runs}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from core.importers import get_format, write_imported

    fmt = get_format(args.format)
    kw: dict[str, Any] = {slot.role: getattr(args, slot.role) for slot in fmt.files
                          if getattr(args, slot.role, None) is not None}
    for key in ("lang", "source_lang", "dataset", "tool", "method", "style", "split",
                "gold_column", "silver"):
        if getattr(args, key, None) is not None:
            kw[key] = getattr(args, key)
    if args.lenient:
        kw["lenient"] = True
    if "silver" in kw:
        kw["runs_root"] = args.runs
    imp = fmt.load(**kw)
    path = write_imported(imp, args.runs, name=args.name)
    metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    f1 = (metrics.get("overall") or {}).get("f1")
    print(f"{path}  tool={imp.tool}  sentences={len(imp.records)}  "
          f"f1={_fmt(f1) if metrics.get('has_gold') else 'no-gold'}  "
          f"proj_ratio={_fmt(metrics.get('proj_ratio'))}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from core.export import export_run

    formats = [f.strip() for item in args.format for f in item.split(",") if f.strip()]
    for path in export_run(args.runs, args.run_id, formats, args.out):
        print(path)
    return 0


def _add_import_parser(sub: Any) -> None:
    from core.importers import FORMATS

    imp = sub.add_parser("import", help="store another tool's projections as a run "
                                        "(docs/formats.md)")
    fs = imp.add_subparsers(dest="format", required=True)
    for fmt in FORMATS.values():
        f = fs.add_parser(fmt.name, help=f"{fmt.tool}: {fmt.description}")
        for slot in fmt.files:
            if slot.role == "path":
                f.add_argument("path", type=Path, help=slot.help)
            else:
                f.add_argument(f"--{slot.role}", type=Path, required=slot.required,
                               help=slot.help)
        f.add_argument("--lang", required=fmt.name != "jsonl",
                       help="target language code (e.g. de)")
        if fmt.name != "jsonl":
            f.add_argument("--source-lang", default="en")
        f.add_argument("--dataset", help="dataset name shown in the app (default: the source "
                                         "file's stem)")
        f.add_argument("--name", help="start of the run id")
        if fmt.name in ("alignments", "predictions", "jsonl"):
            f.add_argument("--tool", help="the tool's name (recorded in the manifest)")
        if fmt.name == "alignments":
            f.add_argument("--method", help="project source entities through the links with "
                                            "this method (e.g. heuristic)")
            f.add_argument("--style", choices=("auto", "pharaoh", "simalign"), default=None)
        if fmt.name == "predictions":
            f.add_argument("--gold-column", type=int,
                           help="0-based column of gold labels in --target (-2: conlleval's "
                                "token gold predicted)")
        if fmt.name == "easyproject":
            f.add_argument("--split", choices=("words", "whitespace"), default=None,
                           help="how the translations are split into words")
        f.add_argument("--lenient", action="store_true",
                       help=argparse.SUPPRESS if fmt.name != "easyproject" else
                       "record unbalanced brackets as marker issues instead of an error")
        if fmt.name == "elp":
            f.add_argument("--silver", metavar="RUN_ID",
                           help="a run in --runs whose projections serve as silver reference")
        f.set_defaults(func=cmd_import)

    ex = sub.add_parser("export", help="write a run as pharaoh, conll or jsonl files")
    ex.add_argument("run_id")
    ex.add_argument("--format", action="append", required=True,
                    help="pharaoh, conll, jsonl (repeat or comma-separate)")
    ex.add_argument("--out", type=Path, required=True, help="output directory")
    ex.set_defaults(func=cmd_export)


def cmd_datasets_list(args: argparse.Namespace) -> int:
    from core.datasets import DATASETS

    _print_table(["name", "format", "languages", "splits", "licence"],
                 [[s.name, s.format, str(len(s.languages)), ",".join(s.splits), s.licence]
                  for s in DATASETS.values()])
    return 0


def cmd_datasets_check(args: argparse.Namespace) -> int:
    from core.datasets import DATASETS, check_dataset

    bad = 0
    for name in args.names or list(DATASETS):
        report = check_dataset(name, args.datasets)
        counts: dict[str, int] = {}
        for f in report.files:
            counts[f.status] = counts.get(f.status, 0) + 1
            if f.status not in ("ok", "unknown"):
                bad += f.status == "mismatch"
        print(f"{name:28} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        for f in report.files:
            if f.status == "mismatch":
                print(f"  checksum mismatch: {f.path}")
    return 1 if bad else 0


def cmd_train_ner(args: argparse.Namespace) -> int:
    from core.train.ner import TrainConfig, train

    keys = TrainConfig.__dataclass_fields__
    cfg = TrainConfig(**{k: v for k, v in vars(args).items() if k in keys and v is not None})
    report = train(cfg)
    dev = report["dev"]
    print(f"{Path(cfg.out) / 'model'}  dev_f1={_fmt(dev.get('f1'))}  steps={report['steps']}  "
          f"minutes={report['train_minutes']}")
    return 0


def cmd_train_aligner(args: argparse.Namespace) -> int:
    from core.train.aligner import AlignTrainConfig, train

    keys = AlignTrainConfig.__dataclass_fields__
    values = {k: v for k, v in vars(args).items()
              if k in keys and v is not None and k != "sizes"}
    values["datasets"] = str(args.datasets)  # the global --datasets (a Path)
    cfg = AlignTrainConfig(**values)
    cfg.sizes = dict(_settings_pairs(args.size or []))
    report = train(cfg)
    dev = report.get("dev", {})
    print(f"{Path(cfg.out) / 'model'}  pairs={report['train_pairs']}  steps={report['steps']}  "
          f"loss={report['loss'][0]['loss']}->{report['loss'][-1]['loss']}  "
          f"dev_before={dev.get('before', {}).get('mean')}  "
          f"dev_after={dev.get('after', {}).get('mean')}  minutes={report['train_minutes']}")
    return 0


def _settings_pairs(items: Sequence[str]) -> list[tuple[str, int]]:
    out = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value.strip().isdigit():
            raise ProjectError(f"bad --size {item!r}: expected name=count", setting="--size",
                               hint="names: deepl_per_lang, mafand_per_pair, menyo, "
                                    "synthetic_pt, dev_per_lang, max_words")
        out.append((key.strip(), int(value)))
    return out


def cmd_extrinsic(args: argparse.Namespace) -> int:
    from core.extrinsic.leakage import MAFAND_PAIR

    langs = args.lang or (sorted(MAFAND_PAIR) if args.action == "leakage" else [])
    if not langs:
        raise ProjectError("name a language", setting="--lang")
    if args.action == "leakage":
        from core.extrinsic.leakage import mafand_leakage

        print("lang  pair    test_in_mafand  dev_in_mafand  mafand_lines_removed")
        for lang in langs:
            c = mafand_leakage(lang, args.datasets).counts()
            print(f"{lang:5} {MAFAND_PAIR[lang]:7} {c['test']['matched']:>5} / "
                  f"{c['test']['total']:<6} {c['dev']['matched']:>5} / {c['dev']['total']:<6} "
                  f"{c['corpus_lines_removed']}")
        return 0
    if args.action == "human-tt":
        from core.extrinsic.human_tt import run_human_tt

        for lang in langs:
            for path in run_human_tt(lang, args.runs, tagger=args.tagger,
                                     aligner=args.aligner or "eflomal",
                                     methods=args.method or ("heuristic",
                                                             "candidates-ngram-greedy"),
                                     datasets_root=args.datasets):
                m = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
                print(f"{path.name}  f1={_fmt((m.get('overall') or {}).get('f1'))}")
        return 0
    from core.config import parse_overrides
    from core.extrinsic.pipeline import config_from, run_extrinsic

    for lang in langs:
        cfg = config_from({**parse_overrides(args.set), "lang": lang})
        if args.action == "baselines":
            from core.extrinsic.baselines import run_baselines

            ids = run_baselines(cfg, args.runs, tagger=args.tagger,
                                aligner=args.aligner or "me5-small:itermax",
                                method=(args.method or ["heuristic"])[0],
                                datasets_root=args.datasets, progress=_progress_bar(lang))
            for kind, run_id in ids.items():
                m = json.loads((args.runs / run_id / "metrics.json").read_text("utf-8"))
                print(f"{kind:15} {run_id}  f1={_fmt((m.get('overall') or {}).get('f1'))}")
            continue
        out = run_extrinsic(cfg, args.runs, datasets_root=args.datasets,
                            progress=_progress_bar(lang))
        t = out["training"] or {}
        print(f"{out['test_run']}  f1={_fmt(out['f1'])}  kept={out['kept']}/"
              f"{out['projected_sentences']}  dropped={out['filters']}  "
              f"train_minutes={t.get('train_minutes')}  data_run={out['data_run']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=Path, default=default_runs_root(),
                   help=f"runs root (default: ${RUNS_ENV} or ./runs)")
    p.add_argument("--datasets", type=Path, default=datasets_dir(),
                   help="datasets root (default: $PROJ_DATASETS or ../shared/datasets)")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a config (see docs/pipelines.md)")
    r.add_argument("--config", type=Path, help="TOML file with a [run] table")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a key; [a;b] makes a matrix axis")
    r.add_argument("--shard", help="k/n: run the k-th of n contiguous shards (0-based)")
    r.add_argument("--dry-run", action="store_true", help="list the runs, do nothing")
    r.set_defaults(func=cmd_run)

    m = sub.add_parser("merge", help="merge shard runs into one run")
    m.add_argument("run_ids", nargs="+")
    m.add_argument("--id", help="id of the merged run (default: the config's run id)")
    m.set_defaults(func=cmd_merge)

    sb = sub.add_parser("submit", help="run a config on a SLURM cluster (docs/cluster.md)")
    sb.add_argument("config", nargs="?", type=Path, help="TOML file with a [run] table")
    sb.add_argument("--config", dest="config_file", type=Path, help=argparse.SUPPRESS)
    sb.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key; [a;b] makes a matrix axis")
    sb.add_argument("--slurm", action="store_true",
                    help="submit to SLURM with sbatch (the only engine; the default)")
    sb.add_argument("--shards", type=int, help="shards per run (default: one per ~1000 "
                    "sentences of the largest run)")
    sb.add_argument("--partition", help="partition of the array tasks")
    sb.add_argument("--time", help="time limit per task, e.g. 2:00:00")
    sb.add_argument("--mem", help="memory per task, e.g. 16G")
    sb.add_argument("--cpus", type=int, default=1, help="CPUs per task (default 1)")
    sb.add_argument("--gpus", type=int, default=0, help="GPUs per task (--gres=gpu:N)")
    sb.add_argument("--max-running", type=int, metavar="N",
                    help="at most N tasks at once (--array=...%%N)")
    sb.add_argument("--sbatch", action="append", default=[], metavar="OPTION",
                    help="extra sbatch line for both scripts, e.g. --sbatch=--account=nlp")
    sb.add_argument("--merge-partition", help="partition of the merge job (default: the "
                    "tasks' partition)")
    sb.add_argument("--merge-time", default="1:00:00", help="time limit of the merge job")
    sb.add_argument("--dry-run", action="store_true",
                    help="write and print the scripts, submit nothing")
    sb.add_argument("--resume", nargs="?", const="", metavar="SUBMISSION",
                    help="resubmit the failed or missing shards (default: latest submission)")
    sb.set_defaults(func=cmd_submit)

    st = sub.add_parser("status", help="state of submitted runs, shard by shard")
    st.add_argument("submission", nargs="?", help="submission id (default: the latest)")
    st.add_argument("--all", action="store_true", help="every submission")
    st.add_argument("--wait", action="store_true",
                    help="poll until nothing is pending or running; exit 1 if not all merged")
    st.add_argument("--timeout", type=float, default=3600, help="for --wait (seconds)")
    st.set_defaults(func=cmd_status)

    runs = sub.add_parser("runs", help="list, show or compare runs")
    rs = runs.add_subparsers(dest="runs_command", required=True)
    rl = rs.add_parser("list")
    rl.add_argument("runs_dirs", nargs="*", type=Path,
                    help="roots (default: the committed data/runs and --runs)")
    rl.add_argument("--kind", choices=("ours", "reported", "imported"))
    rl.set_defaults(func=cmd_runs_list)
    rsh = rs.add_parser("show")
    rsh.add_argument("run_id")
    rsh.set_defaults(func=cmd_runs_show)
    rc = rs.add_parser("compare")
    rc.add_argument("run_a")
    rc.add_argument("run_b")
    rc.add_argument("--top", type=int, default=10, help="sentences with the largest F1 gap")
    rc.set_defaults(func=cmd_runs_compare)
    rk = rs.add_parser("check", help="re-run configs/*.toml and compare with data/runs")
    rk.add_argument("--only", metavar="PATTERN", help="glob on run ids or config names")
    rk.add_argument("--keep", type=Path, metavar="DIR", help="write the fresh runs here")
    rk.set_defaults(func=cmd_runs_check)

    ir = sub.add_parser("import-reported", help="store the paper's result tables as runs")
    ir.add_argument("--csv-dir", type=Path, default=datasets_dir() / "politov2025_results")
    ir.set_defaults(func=cmd_import_reported)

    _add_import_parser(sub)

    ds = sub.add_parser("datasets", help="the dataset registry")
    dss = ds.add_subparsers(dest="datasets_command", required=True)
    dss.add_parser("list").set_defaults(func=cmd_datasets_list)
    dc = dss.add_parser("check")
    dc.add_argument("names", nargs="*")
    dc.set_defaults(func=cmd_datasets_check)
    tn = sub.add_parser("train-ner", help="fine-tune an NER model on CoNLL files (resumes "
                                          "from its last checkpoint)")
    tn.add_argument("--train", required=True, help="CoNLL training file")
    tn.add_argument("--dev", required=True, help="CoNLL validation file (model selection)")
    tn.add_argument("--out", required=True, help="output directory (checkpoints, model/)")
    tn.add_argument("--encoder", help="me5-small (default) or a Hub id / local directory")
    tn.add_argument("--method", choices=("lora", "full"))
    for name, typ in (("epochs", float), ("batch-size", int), ("lr", float), ("head-lr", float),
                      ("lora-r", int), ("lora-alpha", int), ("lora-from-layer", int),
                      ("encoder-layers", int), ("max-length", int), ("seed", int),
                      ("eval-steps", int), ("save-steps", int), ("patience", int),
                      ("limit-train", int), ("limit-dev", int), ("max-steps", int),
                      ("threads", int)):
        tn.add_argument(f"--{name}", type=typ)
    tn.add_argument("--lora-targets", choices=("all", "attn"))
    tn.set_defaults(func=cmd_train_ner)

    ta = sub.add_parser("train-aligner", help="fine-tune an alignment adapter on parallel text "
                                              "(resumes from its last checkpoint)")
    ta.add_argument("--out", required=True, help="output directory (checkpoint, model/)")
    ta.add_argument("--encoder", help="me5-small (default) or a Hub id / local directory")
    ta.add_argument("--pairs", help="JSONL pairs instead of the offline sources")
    ta.add_argument("--size", action="append", metavar="NAME=COUNT",
                    help="sample sizes (core/train/parallel.py Sizes), e.g. menyo=400")
    ta.add_argument("--objective", choices=("prob", "logprob"))
    for name, typ in (("layer", int), ("epochs", float), ("batch-size", int), ("lr", float),
                      ("lora-r", int), ("lora-alpha", int), ("max-subwords", int),
                      ("seed", int), ("save-steps", int), ("max-steps", int),
                      ("threads", int), ("threshold", float)):
        ta.add_argument(f"--{name}", type=typ)
    ta.set_defaults(func=cmd_train_aligner)

    ex = sub.add_parser("extrinsic", help="training on projection, leakage check, human "
                                          "translate-test (docs/pipelines.md)")
    ex.add_argument("action", choices=("run", "leakage", "human-tt", "baselines"))
    ex.add_argument("--lang", action="append", default=[], help="language (repeatable)")
    ex.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="run: an ExtrinsicConfig key (core/extrinsic/pipeline.py)")
    ex.add_argument("--tagger", default="spacy:en",
                    help="human-tt: source-side tagger; baselines: model transfer and "
                         "translate-test tagger")
    ex.add_argument("--aligner", help="human-tt: eflomal (default) or a registry name; "
                                      "baselines: translate-test aligner (me5-small:itermax)")
    ex.add_argument("--method", action="append", default=[],
                    help="human-tt: methods; baselines: the translate-test method")
    ex.set_defaults(func=cmd_extrinsic)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("interrupted: cached steps are kept; run the same command again to resume",
              file=sys.stderr)
        return 130
