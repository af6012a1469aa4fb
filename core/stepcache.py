"""A verified on-disk key -> JSON store, one SQLite file per (kind, component signature).

Pipeline steps (translation, tagging, alignment) cache their per-sentence outputs here, keyed by
the content of their input. Re-running a run, or re-projecting with another method, therefore
reuses earlier work; a run interrupted at any point resumes from what the cache holds. Every
entry carries a checksum of its key and value and is verified when read: a damaged entry is
dropped (and recomputed by the caller), a damaged file raises :class:`ProjectError` naming it.
SQLite in WAL mode makes each ``put_many`` atomic and lets parallel workers share a file.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from core.errors import ProjectError

_SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)",
           "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT, checksum TEXT)")


def content_key(*parts: object) -> str:
    """A stable key for the JSON-serialisable ``parts`` (e.g. language pair + word lists)."""
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _checksum(key: str, value: str) -> str:
    return hashlib.sha256(f"{key}\t{value}".encode("utf-8")).hexdigest()


class StepCache:
    """Verified JSON values for one step kind and component signature."""

    def __init__(self, kind: str, signature: str, root: str | Path | None = None) -> None:
        from core.paths import cache_dir

        self.kind, self.signature = kind, signature
        base = Path(root) if root is not None else cache_dir() / "steps"
        digest = hashlib.sha256(f"{kind}\n{signature}".encode("utf-8")).hexdigest()[:24]
        self.path = base / kind / f"{digest}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.hits = self.misses = self.dropped = 0
        with self._connect() as con:
            for stmt in _SCHEMA:
                con.execute(stmt)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('signature', ?)", (signature,))
            row = con.execute("SELECT v FROM meta WHERE k='signature'").fetchone()
        if row is None or row[0] != signature:
            raise ProjectError(f"{kind} cache belongs to another component", path=self.path,
                               hint="delete this file; it will be rebuilt")

    def _connect(self) -> "_Connection":
        return _Connection(self.path, self.kind)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Verified values of the keys present (damaged entries are deleted and left out)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        bad: list[str] = []
        with self._connect() as con:
            for start in range(0, len(wanted), 500):
                part = wanted[start:start + 500]
                rows = con.execute(f"SELECT key, value, checksum FROM entries WHERE key IN "
                                   f"({','.join('?' * len(part))})", part).fetchall()
                for key, value, checksum in rows:
                    try:
                        if not isinstance(value, str) or checksum != _checksum(key, value):
                            raise ValueError("checksum")
                        found[key] = json.loads(value)
                    except ValueError:
                        bad.append(key)
            if bad:
                con.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in bad])
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        self.dropped += len(bad)
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        rows = []
        for key, value in items:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            rows.append((key, text, _checksum(key, text)))
        if not rows:
            return
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
            con.execute("COMMIT")

    def memoize(self, inputs: Sequence[Any], key: Callable[[Any], str],
                compute: Callable[[list[Any]], Sequence[Any]],
                encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> list[Any]:
        """``compute`` over ``inputs`` through the cache: each distinct key is computed once
        (those not cached, in one batch), stored as ``encode(output)``; every input's output
        is ``decode`` of its stored value, so a hit and a fresh result are the same value.
        ``compute`` must return one output per input (else a :class:`RuntimeError`)."""
        keys = [key(x) for x in inputs]
        known = self.get_many(keys)
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            by_key = dict(zip(keys, inputs))
            outputs = compute([by_key[k] for k in todo])
            if len(outputs) != len(todo):
                raise RuntimeError(f"{self.kind}: {len(outputs)} outputs for {len(todo)} inputs")
            fresh = {k: encode(out) for k, out in zip(todo, outputs)}
            self.put_many(fresh.items())
            known.update(fresh)
        return [decode(known[k]) for k in keys]

    def __len__(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def keys(self) -> Iterator[str]:
        with self._connect() as con:
            yield from (k for (k,) in con.execute("SELECT key FROM entries").fetchall())


#: How long a connection waits for another process's lock before giving up (seconds).
LOCK_WAIT = 60.0


def _is_lock(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and any(
        w in str(exc) for w in ("locked", "busy"))


class _Connection:
    """Opens the SQLite file; turns database errors into a :class:`ProjectError`; closes it.

    Several processes may open a new file at the same moment (the tasks of a cluster array
    sharing one step cache). Switching a file to WAL needs a lock SQLite does not wait for, so
    the switch is made only when the file is not in WAL yet and is retried while another
    process holds the lock. A lock held longer than :data:`LOCK_WAIT` is reported as busy, not
    as damage."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind
        self.con: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                self.con = sqlite3.connect(self.path, timeout=LOCK_WAIT, isolation_level=None)
                self.con.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT * 1000)}")
                mode = self.con.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    self.con.execute("PRAGMA journal_mode=WAL")
                return self.con
            except sqlite3.DatabaseError as exc:
                if self.con is not None:
                    self.con.close()
                    self.con = None
                if not _is_lock(exc) or time.monotonic() > deadline:
                    raise self._error(exc) from None
                time.sleep(0.05 + random.random() * 0.1)

    def _error(self, exc: sqlite3.Error) -> ProjectError:
        if _is_lock(exc):
            return ProjectError(f"{self.kind} cache is busy: another process held its lock "
                                f"for over {LOCK_WAIT:.0f} s ({exc})", path=self.path,
                                hint="wait for the other run to finish, then run again")
        return ProjectError(f"{self.kind} cache is unreadable ({exc})", path=self.path,
                            hint="delete this file; it will be rebuilt")

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.con is not None
        self.con.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise self._error(exc) from None
