"""Your-data page helpers: reading uploads (size-checked, parsed once per content), the user
runs root and making it visible to the other pages, and the page's session-state keys."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import streamlit as st

from core.access import read_confined
from core.errors import ProjectError
from core.userdata import (UserData, check_session_size, check_upload_size, load_user_data,
                           max_upload_bytes)
from ui import state
from ui.access import policy

# session-state keys: ui/state.py (UD_*)

ROLES = ("source", "target", "alignment")
FILE_NAMES = {"source": "source.conll", "target": "target.txt", "alignment": "alignment.txt"}


def max_upload_mb() -> int:
    """The per-file limit in whole MB (for ``st.file_uploader(max_upload_size=...)``)."""
    return max(1, math.ceil(max_upload_bytes() / 1048576))


def user_runs_root() -> Path:
    """Where this page writes runs: the first ``$PROJ_RUNS`` directory or ``runs/`` in the
    repository (git-ignored) — the command line's default too."""
    from core.paths import default_runs_root

    return default_runs_root()


def make_root_visible(root: Path) -> None:
    """Add ``root`` to the session's extra run roots unless it is already configured, so the
    inspector and dashboard find the new runs."""
    from ui.runs import configured_roots

    known = {str(p.resolve()) for p in configured_roots()}
    resolved = str(root.resolve())
    if resolved not in known:
        extras = list(st.session_state.get(state.EXTRA_ROOTS, []))
        st.session_state[state.EXTRA_ROOTS] = [*extras, resolved]


@st.cache_data(show_spinner="Checking the files…", max_entries=8)
def _parse(contents: tuple[bytes, bytes, bytes | None], names: tuple[str, str, str],
           lang: str, kind: str, quote: bool = True) -> UserData:
    with tempfile.TemporaryDirectory(prefix="proj-upload-") as tmp:
        paths: dict[str, Path] = {}
        for role, data in zip(ROLES, contents):
            if data is not None:
                paths[role] = Path(tmp) / FILE_NAMES[role]
                paths[role].write_bytes(data)
        return load_user_data(paths["source"], paths["target"], lang=lang,
                              alignment=paths.get("alignment"), target_kind=kind,
                              names=dict(zip(ROLES, names)), quote=quote)


def read_uploads(files: Mapping[str, Any], *, lang: str, kind: str) -> UserData:
    """Validate uploaded files (``role -> UploadedFile``; source and target required)."""
    contents: list[bytes | None] = []
    names: list[str] = []
    for role in ROLES:
        f = files.get(role)
        if f is None:
            if role != "alignment":
                raise ProjectError(f"upload the {role} file", setting=role)
            contents.append(None)
            names.append("")
            continue
        check_upload_size(f.name, int(f.size))
        contents.append(f.getvalue())
        names.append(f.name)
    check_session_size("the uploaded files", sum(len(c or b"") for c in contents))
    return _parse((contents[0], contents[1], contents[2]),  # type: ignore[arg-type]
                  (names[0], names[1], names[2]), lang, kind)


def read_paths(paths: Mapping[str, str], *, lang: str, kind: str) -> UserData:
    """Validate files named by path on this machine (alignment optional).

    The access policy (``core/access.py``) decides first, before anything is looked at; an
    error about a file then names it and the line but quotes nothing from it (a server file
    is not the visitor's own upload)."""
    pol = policy()
    limit = max_upload_bytes()
    contents: list[bytes | None] = []
    names: list[str] = []
    for role in ROLES:
        raw = (paths.get(role) or "").strip()
        if not raw:
            if role != "alignment":
                raise ProjectError(f"give the path of the {role} file", setting=role)
            contents.append(None)
            names.append("")
            continue
        checked = pol.check(raw, role)
        name = str(Path(raw).expanduser())
        data, size = read_confined(Path(os.path.realpath(checked)), limit, name=name)
        check_upload_size(name, size, limit)
        contents.append(data)
        names.append(name)
    check_session_size("the files", sum(len(c or b"") for c in contents))
    try:
        return _parse((contents[0], contents[1], contents[2]),  # type: ignore[arg-type]
                      (names[0], names[1], names[2]), lang, kind, False)
    except ProjectError:
        raise
    except Exception as exc:  # noqa: BLE001 - its message might quote the file
        raise ProjectError(f"the files could not be read ({type(exc).__name__})") from None


def content_key(data: UserData) -> str:
    """A short key identifying the parsed inputs (for widget keys of the results)."""
    return hashlib.sha1(data.digest().encode()).hexdigest()[:8]
