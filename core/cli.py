"""Command line: ``python -m core`` (also the ``projinspect`` console script).

Commands::

    run             run a config (file and/or --set key=value; lists make a matrix)
    merge           merge the shard runs of one config
    runs list       list runs (ours and reported) with F1 and proj_ratio
    runs show       one run's manifest summary and scores
    runs compare    two runs side by side (per type; per sentence when both have sentences)
    runs check      re-run configs/*.toml and compare with the committed data/runs
    import-reported store the paper's released result tables as reported runs
    datasets list   the dataset registry
    datasets check  which registered files are present, with checksums

Errors a user can fix print one line ``error: ...`` and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from core.errors import ProjectError
from core.paths import REPO_ROOT, datasets_dir

RUNS_ENV = "PROJ_RUNS"


def default_runs_root() -> Path:
    env = os.environ.get(RUNS_ENV)
    return Path(env.split(os.pathsep)[0]) if env else REPO_ROOT / "runs"


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


def _run_table(infos: Sequence[Any]) -> list[list[str]]:
    rows = []
    for info in infos:
        run = info.metrics.get("run", {})
        overall = info.metrics.get("overall") or {}
        rows.append([info.run_id, info.kind, str(run.get("dataset")), str(run.get("lang")),
                     str(run.get("pipeline")), str(run.get("aligner") or "-"),
                     str(run.get("method") or "-") + ("+bt" if run.get("back_translation")
                                                      else ""),
                     _fmt(overall.get("f1")), _fmt(info.metrics.get("proj_ratio"))])
    return rows


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h)
              for k, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def cmd_runs_list(args: argparse.Namespace) -> int:
    from core.runs import scan_runs

    infos, errors = scan_runs(args.runs_dirs or [args.runs])
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

    runs = sub.add_parser("runs", help="list, show or compare runs")
    rs = runs.add_subparsers(dest="runs_command", required=True)
    rl = rs.add_parser("list")
    rl.add_argument("runs_dirs", nargs="*", type=Path, help="roots (default: --runs)")
    rl.add_argument("--kind", choices=("ours", "reported"))
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

    ds = sub.add_parser("datasets", help="the dataset registry")
    dss = ds.add_subparsers(dest="datasets_command", required=True)
    dss.add_parser("list").set_defaults(func=cmd_datasets_list)
    dc = dss.add_parser("check")
    dc.add_argument("names", nargs="*")
    dc.set_defaults(func=cmd_datasets_check)
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
