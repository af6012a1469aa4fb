"""The run store: the contract between the command line (writer) and the app (reader).

A run is a directory ``<root>/<run_id>/`` written atomically and never modified afterwards::

    manifest.json      config, signature, model/dataset ids and checksums, timings, counts, and
                       the sha256 of the two files below
    sentences.parquet  one row per sentence record (scalar columns for filtering + the full
                       record as JSON in column ``record``)
    metrics.json       overall / per-type / per-language P/R/F1, proj_ratio, outcome counts

The dashboard reads only ``metrics.json`` (and the manifest), never the parquet file. Reported
results of papers are runs with ``"kind": "reported"`` and no parquet file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from core.cache import atomic_dir, atomic_write_json, sha256_file
from core.errors import ProjectError

MANIFEST, SENTENCES, METRICS = "manifest.json", "sentences.parquet", "metrics.json"
#: Columns of ``sentences.parquet`` the app reads (written by ``core.records.record_row``).
SENTENCE_COLUMNS = ("index", "id", "lang", "n_source_words", "n_target_words", "f1", "errors",
                    "types", "reasons", "text", "record")
RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,199}$")
FORMAT_VERSION = 1


def check_run_id(run_id: str) -> str:
    """Reject ids that could escape the runs root (``..``, slashes, absolute paths, ...)."""
    if not isinstance(run_id, str) or not RUN_ID_RE.match(run_id) or ".." in run_id:
        raise ProjectError(f"invalid run id {run_id!r}: use letters, digits and . _ + = - only "
                           "(no slashes, no '..')", setting="run_id")
    return run_id


def run_dir(root: str | Path, run_id: str) -> Path:
    """``root/run_id``, guaranteed to lie inside ``root``."""
    root = Path(root).resolve()
    path = (root / check_run_id(run_id)).resolve()
    if path.parent != root:
        raise ProjectError(f"run id {run_id!r} escapes the runs root {root}", setting="run_id")
    return path


def slug(text: str) -> str:
    """A run-id-safe version of ``text``."""
    s = re.sub(r"[^A-Za-z0-9._+=-]+", "-", text).strip("-.")
    return s or "run"


def remove_stale_temps(root: str | Path, run_id: str) -> int:
    """Delete temporary directories a killed writer of ``run_id`` left in ``root``.

    :func:`core.cache.atomic_dir` writes a run into ``.<run_id>.<random>.tmp`` and renames it;
    a process killed with SIGKILL before the rename leaves that directory behind (the listing
    ignores it: its name starts with a dot). Call this only while holding the run's lock, so no
    live writer of the same id can own one of them. Returns the number removed.
    """
    import shutil

    root = Path(root)
    if not root.is_dir():
        return 0
    n = 0
    for d in root.glob(f".{check_run_id(run_id)}.*.tmp"):
        if d.is_dir() and d.parent == root:
            shutil.rmtree(d, ignore_errors=True)
            n += 1
    return n


def write_run(root: str | Path, run_id: str, manifest: Mapping[str, Any],
              rows: Sequence[Mapping[str, Any]] | None, metrics: Mapping[str, Any]) -> Path:
    """Write a complete run atomically; returns its directory.

    ``rows`` are sentence rows (see :func:`core.records.record_row`); ``None`` for reported runs.
    The manifest is completed with checksums of the files written.
    """
    final = run_dir(root, run_id)
    with atomic_dir(final) as tmp:
        files: dict[str, str] = {}
        if rows is not None:
            import pandas as pd

            pd.DataFrame(list(rows)).to_parquet(tmp / SENTENCES, index=False)
            files[SENTENCES] = sha256_file(tmp / SENTENCES)
        atomic_write_json(tmp / METRICS, dict(metrics))
        files[METRICS] = sha256_file(tmp / METRICS)
        full = {"format_version": FORMAT_VERSION, "run_id": run_id, **manifest,
                "checksums": files}
        atomic_write_json(tmp / MANIFEST, full)
    return final


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise ProjectError("missing file", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProjectError(f"not valid JSON ({exc})", path=path,
                           hint="the run is corrupted; delete it and re-run") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, 100,000-deep nesting
        raise ProjectError(f"not a JSON file this tool reads ({type(exc).__name__}: "
                           "a number too long or nesting too deep)", path=path) from None
    if not isinstance(data, dict):
        raise ProjectError("expected a JSON object", path=path)
    return data


# The shape of the two JSON files the pages read (issue 15: a crafted run is listed as
# unreadable instead of failing a page): objects where objects are expected, numbers (or null)
# where numbers are, every integer within 64 bits, nesting at most _MAX_DEPTH deep.
_OBJECTS = {MANIFEST: ("checksums", "code", "components", "config", "counts", "inputs",
                       "timings", "given", "reference", "upload", "cache"),
            METRICS: ("macro", "marker_issues", "outcomes", "overall", "per_type", "per_lang",
                      "reasons", "run", "weighted")}
_NUMBER_TABLES = ("overall", "macro", "weighted")          # {name: number}
_NESTED_NUMBER_TABLES = ("per_type", "per_lang", "outcomes")  # {key: {name: number}}
_NUMBERS = ("proj_ratio", "projected", "sentences", "sentences_total", "source_entities")
_STRINGS = ("kind", "run_id", "signature", "created", "tool")
_MAX_DEPTH = 32
_INT64 = 2 ** 63


def _is_number(v: Any) -> bool:
    """A number the pages can show (or null): floats (inf and nan included), booleans and
    integers within 64 bits."""
    if v is None or isinstance(v, (bool, float)):
        return True
    return isinstance(v, int) and -_INT64 <= v < _INT64


def _check_values(v: Any, where: str, path: Path, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        raise ProjectError(f"'{where}' is nested more than {_MAX_DEPTH} deep", path=path)
    if isinstance(v, bool) or v is None or isinstance(v, (str, float)):
        return
    if isinstance(v, int):
        if not -_INT64 <= v < _INT64:
            raise ProjectError(f"'{where}' holds an integer beyond 64 bits", path=path)
    elif isinstance(v, dict):
        for k, x in v.items():
            _check_values(x, f"{where}.{k}" if where else str(k), path, depth + 1)
    elif isinstance(v, list):
        for k, x in enumerate(v):
            _check_values(x, f"{where}[{k}]", path, depth + 1)


def check_run_files(manifest: Mapping[str, Any], metrics: Mapping[str, Any], run: Path
                    ) -> None:
    """Raise :class:`ProjectError` naming the file and field when ``manifest.json`` or
    ``metrics.json`` of ``run`` do not have the shape the app reads (see above)."""
    for name, data in ((MANIFEST, manifest), (METRICS, metrics)):
        path = run / name
        _check_values(data, "", path)
        for key in _OBJECTS[name]:
            if data.get(key) is not None and not isinstance(data[key], dict):
                raise ProjectError(f"field '{key}' must be an object", path=path)
    for key in _STRINGS:
        if manifest.get(key) is not None and not isinstance(manifest[key], str):
            raise ProjectError(f"field '{key}' must be a string", path=run / MANIFEST)
    if not all(isinstance(v, str) for v in (manifest.get("checksums") or {}).values()):
        raise ProjectError("field 'checksums' must map file names to strings",
                           path=run / MANIFEST)
    bad = [k for k in _NUMBERS if not _is_number(metrics.get(k))]
    bad += [f"{t}.{k}" for t in _NUMBER_TABLES for k, v in (metrics.get(t) or {}).items()
            if not _is_number(v)]
    for t in _NESTED_NUMBER_TABLES:
        for k, row in (metrics.get(t) or {}).items():
            if not isinstance(row, dict):
                bad.append(f"{t}.{k}")
            else:
                bad += [f"{t}.{k}.{n}" for n, v in row.items() if not _is_number(v)]
    if bad:
        raise ProjectError(f"field '{bad[0]}' must be a number", path=run / METRICS)


@dataclass(frozen=True)
class RunInfo:
    """What the dashboard needs about one run, read from manifest + metrics only."""

    root: Path
    run_id: str
    manifest: Mapping[str, Any]
    metrics: Mapping[str, Any]

    @property
    def path(self) -> Path:
        return self.root / self.run_id

    @property
    def kind(self) -> str:
        return self.summary.kind

    @property
    def has_sentences(self) -> bool:
        return self.summary.has_sentences

    @cached_property
    def summary(self):
        """The typed :class:`core.summary.RunSummary` of this run (parsed once)."""
        from core.summary import summarize

        return summarize(self.run_id, str(self.root), self.manifest, self.metrics)


def read_manifest(path: str | Path) -> dict[str, Any]:
    return _read_json(Path(path) / MANIFEST)


def read_run(root: str | Path, run_id: str, *, verify: bool = False) -> RunInfo:
    """Manifest and metrics of one run; ``verify`` checks the metrics checksum too."""
    path = run_dir(root, run_id)
    manifest = read_manifest(path)
    if verify:
        verify_run(path, manifest, files=(METRICS,))
    metrics = _read_json(path / METRICS)
    check_run_files(manifest, metrics, path)
    return RunInfo(Path(root).resolve(), run_id, manifest, metrics)


def verify_run(path: str | Path, manifest: Mapping[str, Any] | None = None, *,
               files: Iterable[str] | None = None) -> None:
    """Raise :class:`ProjectError` if a file's sha256 differs from the manifest's."""
    path = Path(path)
    manifest = manifest or read_manifest(path)
    sums: Mapping[str, str] = manifest.get("checksums", {})
    for name in files or sums:
        if name not in sums:
            continue
        f = path / name
        if not f.exists():
            raise ProjectError("missing file listed in the manifest", path=f)
        if sha256_file(f) != sums[name]:
            raise ProjectError("checksum mismatch: the file was modified or corrupted", path=f,
                               hint="delete the run directory and re-run it")


def list_runs(roots: Iterable[str | Path]) -> list[RunInfo]:
    """Every readable run under the given roots (unreadable ones are skipped, see
    :func:`scan_runs` for the errors)."""
    return scan_runs(roots)[0]


def scan_runs(roots: Iterable[str | Path]) -> tuple[list[RunInfo], list[ProjectError]]:
    """Runs under ``roots`` plus the errors of directories that look like broken runs."""
    runs: list[RunInfo] = []
    errors: list[ProjectError] = []
    for root in roots:
        root = Path(root).resolve()
        if not root.is_dir():
            continue
        for d in sorted(root.iterdir()):
            if d.name.startswith(".") or not RUN_ID_RE.match(d.name) \
                    or not (d / MANIFEST).exists():
                continue
            try:  # the names come from the directory listing: no path to confine
                manifest, metrics = _read_json(d / MANIFEST), _read_json(d / METRICS)
                check_run_files(manifest, metrics, d)
                runs.append(RunInfo(root, d.name, manifest, metrics))
            except ProjectError as exc:
                errors.append(exc)
    return runs, errors


def read_sentences(root: str | Path, run_id: str, *, verify: bool = True,
                   require: Sequence[str] = ("id", "record")):
    """The run's sentence table as a pandas DataFrame (checksum verified by default); a table
    without the columns ``require`` (e.g. :data:`SENTENCE_COLUMNS`, what the app reads) is a
    ProjectError."""
    import pandas as pd

    path = run_dir(root, run_id)
    manifest = read_manifest(path)
    if SENTENCES not in manifest.get("checksums", {}):
        raise ProjectError("this run has no sentence table (a reported or summary-only run)",
                           path=path)
    if verify:
        verify_run(path, manifest, files=(SENTENCES,))
    try:
        df = pd.read_parquet(path / SENTENCES)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ProjectError(f"cannot read parquet ({exc})", path=path / SENTENCES) from None
    missing = [c for c in require if c not in df.columns]
    if missing:
        raise ProjectError(f"the sentence table lacks the column(s) {', '.join(missing)}",
                           path=path / SENTENCES, hint="the run was not written by this tool "
                           "or is damaged; re-run it")
    return df


_ABS_PATH = re.compile(r"(?<![\w$}/])/(?:[^\s|,()\"'/]+/)+([^\s|,()\"'/]+)")


def portable(value: Any) -> Any:
    """``value`` (any JSON) with machine paths replaced: paths under the datasets root become
    ``${PROJ_DATASETS}/<relative path>``, other absolute paths their file name."""
    from core.paths import DATASETS_ENV, datasets_dir

    if isinstance(value, Mapping):
        return {k: portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [portable(v) for v in value]
    if not isinstance(value, str):
        return value
    for root in {str(datasets_dir()), str(datasets_dir().resolve())}:
        value = value.replace(root.rstrip("/") + "/", "${" + DATASETS_ENV + "}/")
    return _ABS_PATH.sub(lambda m: m.group(1), value)


@lru_cache(maxsize=256)
def _verified(path: str, mtime_ns: int, size: int) -> bool:
    """Verify a run's sentence table once per file version (path, mtime, size)."""
    del mtime_ns, size  # the cache key: a rewritten file is verified again
    verify_run(Path(path).parent, files=(SENTENCES,))
    return True


def _sentences_path(root: str | Path, run_id: str) -> Path:
    path = run_dir(root, run_id) / SENTENCES
    try:
        st = path.stat()
    except OSError:
        raise ProjectError("this run has no sentence table (a reported or summary-only run)",
                           path=path.parent) from None
    _verified(str(path), st.st_mtime_ns, st.st_size)
    return path


def _read_columns(path: Path, **kwargs: Any):
    import pandas as pd

    try:
        return pd.read_parquet(path, columns=["id", "record"], **kwargs)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ProjectError(f"cannot read parquet ({exc})", path=path) from None


def read_record(root: str | Path, run_id: str, sid: str):
    """One :class:`core.types.SentenceRecord` of a run (checksum verified once per file
    version), or ``None`` when the run has no sentence ``sid``."""
    from core.records import record_from_dict

    path = _sentences_path(root, run_id)
    df = _read_columns(path, filters=[("id", "==", str(sid))])
    if df.empty:
        return None
    return _from_record(df["record"].iloc[0], path, record_from_dict)


def read_alignments(root: str | Path, run_id: str) -> dict:
    """Sentence id -> :class:`core.types.Alignment` for every sentence of a run (verified)."""
    from core.records import alignment_from_dict

    path = _sentences_path(root, run_id)
    df = _read_columns(path)
    return {str(sid): _from_record(rec, path, lambda d: alignment_from_dict(d["alignment"]))
            for sid, rec in zip(df["id"], df["record"])}


def _from_record(text: Any, path: Path, build: Any) -> Any:
    """``build(json.loads(text))`` for a record of the sentence table; a record that is not
    one (bad JSON, nesting too deep, missing or wrong-typed fields) is a ProjectError."""
    try:
        return build(json.loads(text))
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError,
            IndexError) as exc:
        raise ProjectError(f"a sentence record is not readable ({type(exc).__name__})",
                           path=path, hint="the run was not written by this tool or is "
                           "damaged; re-run it") from None


def export_summary(src_root: str | Path, run_id: str, dest_root: str | Path, *,
                   pipeline: str | None = None) -> Path:
    """Copy a run's manifest and metrics (no sentence table) to ``dest_root``: the form in which
    runs over public datasets are committed (numbers only, no dataset text, no machine paths:
    :func:`portable`). ``pipeline`` relabels a run whose mechanism differs from its meaning
    (English labels projected onto given translations run as a pre-translated translate-test
    but are the translate-train direction)."""
    src = run_dir(src_root, run_id)
    dest = run_dir(dest_root, run_id)
    if dest.exists():
        return dest
    verify_run(src, files=(METRICS,))
    manifest = read_manifest(src)
    metrics = _read_json(src / METRICS)
    manifest = {k: v for k, v in manifest.items() if k not in ("checksums", "run_id",
                                                                "format_version")}
    manifest["summary_only"] = True
    if pipeline:
        manifest = relabel_pipeline(manifest, pipeline)
        metrics = relabel_pipeline(metrics, pipeline)
    return write_run(dest_root, run_id, portable(manifest), None, portable(metrics))


def relabel_pipeline(doc: Mapping[str, Any], pipeline: str) -> dict[str, Any]:
    """A manifest or metrics document with ``pipeline`` in its ``config``/``run`` section."""
    out = dict(doc)
    for section in ("config", "run"):
        if isinstance(out.get(section), Mapping):
            out[section] = {**out[section], "pipeline": pipeline}
    return out
