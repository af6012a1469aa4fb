"""Parallel text: line-aligned file pairs (MAFAND-MT) and two-column TSV files (MENYO-20k).

Also home of :func:`iter_text_lines`, the strict UTF-8 line reader the other readers share: it
tolerates a UTF-8 BOM and CRLF line ends, and turns binary or non-UTF-8 input into a
:class:`ProjectError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from core.cache import atomic_write_text
from core.errors import ProjectError

_BOM = b"\xef\xbb\xbf"


def read_lines(path: str | Path) -> list[str]:
    """All lines of a UTF-8 text file, without line ends.

    A leading BOM and ``\\r\\n`` endings are removed; a final line end does not start an extra
    line. A file that does not exist, is binary (contains NUL bytes) or is not UTF-8 raises
    :class:`ProjectError` naming the file (and the line, for bad bytes).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError("file not found", path=path) from None
    except IsADirectoryError:
        raise ProjectError("is a directory, expected a file", path=path) from None
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ProjectError("file contains NUL bytes: this is a binary file, not text", path=path,
                           line=data.count(b"\n", 0, nul) + 1, hint="give a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectError("line is not valid UTF-8 text", path=path,
                           line=data.count(b"\n", 0, exc.start) + 1,
                           hint="re-encode the file as UTF-8") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def iter_text_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """``(line_number, text)`` for every line, 1-based (see :func:`read_lines`)."""
    return enumerate(read_lines(path), 1)


def read_json_lines(path: str | Path, shown: str | None = None) -> list[tuple[int, dict]]:
    """``(line_number, object)`` for every non-blank line of a JSON-lines file; a line that is
    not a JSON object is a :class:`ProjectError` naming ``shown`` (default: the path) and the
    line."""
    import json

    shown = shown or str(path)
    out = []
    for n, text in iter_text_lines(path):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProjectError(f"not valid JSON ({exc.msg})", path=shown, line=n) from None
        if not isinstance(obj, dict):
            raise ProjectError("expected a JSON object per line", path=shown, line=n)
        out.append((n, obj))
    return out


def read_line_aligned(src_path: str | Path, tgt_path: str | Path) -> list[tuple[str, str]]:
    """Pairs ``(src_line, tgt_line)`` of two line-aligned files (one sentence per line).

    Lines are kept verbatim (only the line end is removed). The two files must have the same
    number of lines, otherwise :class:`ProjectError` names both files and their counts.
    """
    src = read_lines(src_path)
    tgt = read_lines(tgt_path)
    if len(src) != len(tgt):
        raise ProjectError(f"line-aligned files differ in length: {src_path} has {len(src)} "
                           f"lines, {tgt_path} has {len(tgt)}", path=tgt_path,
                           hint="sentence k of one file must translate sentence k of the other")
    return list(zip(src, tgt))


def read_tsv_pairs(path: str | Path, *, header: bool = True,
                   quoting: bool = True) -> list[tuple[str, str]]:
    """Pairs from a two-column tab-separated file such as MENYO-20k (``English<TAB>Yoruba``).

    ``header=True`` skips the first row. With ``quoting=True`` (the default) fields may be
    quoted CSV-style (``"a<TAB>b"``, with ``""`` for a quote), as pandas writes them; a field
    that only contains a quote somewhere inside is read verbatim. ``quoting=False`` splits on
    every tab. A row with other than two columns raises :class:`ProjectError` with its line.
    """
    path = Path(path)
    text = "\n".join(read_lines(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=True,
                        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    pairs: list[tuple[str, str]] = []
    try:
        for k, row in enumerate(reader):
            if k == 0 and header:
                continue
            if not row:
                raise ProjectError("empty line in a two-column file", path=path,
                                   line=reader.line_num, hint="remove the blank line")
            if len(row) != 2:
                raise ProjectError(f"expected 2 tab-separated columns, found {len(row)}",
                                   path=path, line=reader.line_num)
            pairs.append((row[0], row[1]))
    except csv.Error as exc:
        raise ProjectError(f"malformed quoting: {exc}", path=path, line=reader.line_num,
                           hint="fix the quotes or read with quoting=False",
                           redacted="malformed quoting") from None
    return pairs


def write_line_aligned(src_path: str | Path, tgt_path: str | Path,
                       pairs: list[tuple[str, str]]) -> None:
    """Write pairs as two line-aligned files (atomically); lines must not contain newlines."""
    for k, (s, t) in enumerate(pairs):
        if any(c in s or c in t for c in "\r\n"):
            raise ProjectError(f"pair {k} contains a line break and cannot be written one per line")
    atomic_write_text(src_path, "".join(f"{s}\n" for s, _ in pairs))
    atomic_write_text(tgt_path, "".join(f"{t}\n" for _, t in pairs))
