"""Atomic writes, checksums and locks for everything the project stores on disk.

Every file the project writes goes through :func:`atomic_write_bytes` / :func:`atomic_dir` so an
interrupted process leaves either the old state or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from core.errors import ProjectError


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: object) -> None:
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


@contextlib.contextmanager
def atomic_dir(final: str | Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``final``; on success rename it to ``final``.

    Raises :class:`ProjectError` if ``final`` already exists (directories are never modified).
    On any exception the temporary directory is removed.
    """
    final = Path(final)
    if final.exists():
        raise ProjectError("already exists; written directories are never modified", path=final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def file_lock(path: str | Path, *, what: str = "this resource") -> Iterator[None]:
    """Exclusive non-blocking lock; a second holder gets a clear :class:`ProjectError`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise ProjectError(f"another process is already using {what}", path=path,
                                   hint="wait for it to finish") from None
            raise
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def wait_lock(path: str | Path) -> Iterator[None]:
    """Exclusive blocking lock (for caches shared by parallel workers)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# ------------------------------------------------------------------------- verified directories

MANIFEST_FILE = "manifest.json"


def stat_key(path: Path) -> list[int]:
    """What changes when a file is written: size, mtime_ns, ctime_ns, inode."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def manifest_files(directory: Path) -> dict[str, dict[str, object]]:
    """``{name: {"size", "sha256"}}`` of the files of ``directory`` (for its manifest)."""
    return {p.name: {"size": p.stat().st_size, "sha256": sha256_file(p)}
            for p in sorted(directory.iterdir()) if p.is_file()}


class VerifiedDir:
    """A directory written once whose ``manifest.json`` lists every file's size and sha256.

    :meth:`get` returns it without hashing while the stamp of its last full verification (each
    file's :func:`stat_key`, beside the directory) still matches; otherwise every file is
    re-hashed under a lock, and a damaged or incomplete directory is discarded and built again
    by ``build(tmp)`` (which writes the files and the manifest into ``tmp``; it becomes the
    directory atomically). Concurrent callers serialise on the lock; the loser of a race reuses
    the winner's directory.
    """

    def __init__(self, final: str | Path, *, required: frozenset[str] = frozenset()) -> None:
        self.final = Path(final)
        self.root = self.final.parent
        self.required = required

    @property
    def stamp_path(self) -> Path:
        return self.root / f"{self.final.name}.verified.json"

    def manifest(self) -> dict | None:
        try:
            manifest = json.loads((self.final / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        files = manifest.get("files") if isinstance(manifest, dict) else None
        return manifest if isinstance(files, dict) and self.required <= files.keys() else None

    def _stamp(self, manifest: dict) -> dict[str, list[int]]:
        return {n: stat_key(self.final / n) for n in [*sorted(manifest["files"]), MANIFEST_FILE]}

    def stamp_matches(self) -> bool:
        """True when the stamp of the last full verification still matches every file."""
        manifest = self.manifest()
        if manifest is None:
            return False
        try:
            stamp = json.loads(self.stamp_path.read_text(encoding="utf-8"))
            return stamp == self._stamp(manifest)
        except (OSError, ValueError):
            return False

    def problems(self, *, full: bool = False) -> list[str]:
        """What is wrong with the directory (empty: usable); ``full`` always re-hashes."""
        manifest = self.manifest()
        if manifest is None:
            return [f"{self.final / MANIFEST_FILE}: missing or unreadable"]
        if not full and self.stamp_matches():
            return []
        out = []
        for name in sorted(manifest["files"]):
            want, file = manifest["files"][name], self.final / name
            try:
                size = file.stat().st_size
                if size != want.get("size"):
                    out.append(f"{file}: size {size}, expected {want.get('size')}")
                elif sha256_file(file) != want.get("sha256"):
                    out.append(f"{file}: sha256 mismatch")
            except OSError as exc:
                out.append(f"{file}: {exc.strerror or exc}")
        return out

    def write_stamp(self) -> None:
        manifest = self.manifest()
        assert manifest is not None
        atomic_write_json(self.stamp_path, self._stamp(manifest))

    def _discard(self) -> None:
        """Remove the directory (renamed first: a crash never leaves half of it in use) and the
        temporary directories of killed builders (the caller holds the lock)."""
        import uuid

        self.stamp_path.unlink(missing_ok=True)
        if self.final.exists():
            tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            trash = self.root / f".{self.final.name}.discard-{tag}.tmp"
            os.rename(self.final, trash)
            shutil.rmtree(trash, ignore_errors=True)
        for stale in self.root.glob(".*.tmp"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)

    def get(self, build: Callable[[Path], None], *, force: bool = False) -> tuple[Path, str]:
        """The directory and how it was had: ``cached`` (stamp), ``verified`` (re-hashed) or
        ``built``."""
        if not force and self.stamp_matches():  # no hashing, no lock: the common case
            return self.final, "cached"
        with wait_lock(self.root / ".lock"):
            if not force and self.final.is_dir() and not self.problems(full=True):
                self.write_stamp()
                return self.final, "verified"
            self._discard()
            with atomic_dir(self.final) as tmp:
                build(tmp)
            self.write_stamp()
        return self.final, "built"


def stamped_value(directory: Path, key: str, compute: Callable[[], str]) -> str:
    """``compute()`` for ``directory`` (e.g. a content fingerprint), kept under the cache
    directory with the stat stamp of the directory's files: recomputed only when a file changed."""
    from core.paths import cache_dir

    files = sorted(p for p in directory.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(directory).parts))
    stamp = {p.relative_to(directory).as_posix(): stat_key(p) for p in files}
    digest = sha256_text(key + "\n" + str(directory.resolve()))[:24]
    where = cache_dir() / "stamps" / f"{digest}.json"
    try:
        kept = json.loads(where.read_text(encoding="utf-8"))
        if kept.get("stamp") == stamp and isinstance(kept.get("value"), str):
            return kept["value"]
    except (OSError, ValueError, AttributeError):
        pass
    value = compute()
    try:
        atomic_write_json(where, {"stamp": stamp, "value": value})
    except OSError:  # a read-only cache only costs the recomputation
        pass
    return value
