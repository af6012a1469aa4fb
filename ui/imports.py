"""The Your-data page's "I already have projections" mode: upload the files another tool wrote
(Easy-Label-Projection, T-Projection, EasyProject, an aligner's output, plain predictions, or
our own JSONL export), validate them, write an imported run, and open it in the inspector.

The formats and their checks live in :mod:`core.importers` (``docs/formats.md``); this module
only draws the widgets. Uploads are written to a temporary directory under their own file
names, so errors and the run's provenance name the files the user knows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import streamlit as st
from ui import state as S

from core.errors import ProjectError
from core.importers import FORMATS, write_imported
from core.userdata import check_session_size, check_upload_size

INSPECTOR = "pages/inspector.py"


def _file_key(fmt: str, role: str) -> str:
    return f"imp_file_{fmt}_{role}"


def _options(fmt: str) -> dict[str, Any]:
    """The format's extra settings."""
    kw: dict[str, Any] = {}
    if fmt == "easyproject":
        c1, c2 = st.columns(2)
        kw["split"] = c1.selectbox("Split the translations into words", ["words", "whitespace"],
                                   key=S.IMP_SPLIT)
        kw["lenient"] = c2.checkbox("Record unbalanced brackets as marker issues (instead of "
                                    "an error)", key=S.IMP_LENIENT)
    elif fmt == "alignments":
        from core.projection.registry import describe

        methods = ["(links only)", *(name for name, _ in describe())]
        m = st.selectbox("Project the source entities through the links with", methods,
                         key=S.IMP_METHOD, help="Needs a labelled CoNLL source.")
        if m != methods[0]:
            kw["method"] = m
    elif fmt == "predictions":
        col = st.selectbox("Gold labels in the target file", ["none", "second to last column "
                                                              "(token gold predicted)"],
                           key=S.IMP_GOLD_COL)
        if col != "none":
            kw["gold_column"] = -2
    return kw


def import_uploads(fmt: str, files: dict[str, Any], *, lang: str, options: dict[str, Any],
                   runs_root: Path | None, name: str | None = None) -> dict[str, Any]:
    """Validate the uploads (``role -> UploadedFile``) with the format's importer and, when
    ``runs_root`` is given, write the run. Returns what the page shows."""
    spec = FORMATS[fmt]
    missing = [s.role for s in spec.files if s.required and files.get(s.role) is None]
    if missing:
        raise ProjectError(f"upload the {missing[0]} file", setting=missing[0])
    total = 0
    for f in files.values():
        if f is not None:
            check_upload_size(f.name, int(f.size))
            total += int(f.size)
    check_session_size("the uploaded files", total)
    with tempfile.TemporaryDirectory(prefix="proj-import-") as tmp:
        kw: dict[str, Any] = dict(options)
        names: dict[str, str] = {}
        for role, f in files.items():
            if f is None:
                continue
            sub = Path(tmp) / role  # one directory per role: two uploads may share a name
            sub.mkdir()
            path = sub / Path(f.name).name
            path.write_bytes(f.getvalue())
            kw[role] = path
            names[role] = Path(f.name).name
        if fmt != "jsonl" or lang:
            kw["lang"] = lang
        imp = spec.load(**kw, names=names)
        out = {"tool": imp.tool, "sentences": len(imp.records),
               "has_gold": imp.reference == "gold", "run_id": None,
               "given": imp.given_labels(), "notes": dict(imp.notes)}
        if runs_root is not None:
            out["run_id"] = write_imported(imp, runs_root, name=name or None).name
    return out


def render_import_mode() -> None:
    """The "I already have projections" mode (called by pages/your_data.py)."""
    from core.resources import LANGUAGES
    from ui import upload as ud
    from ui.access import policy

    st.markdown("Bring the projections another tool made and inspect them like our own runs. "
                "Formats: `docs/formats.md`.")
    fmt = st.selectbox("Format", list(FORMATS), key=S.IMP_FORMAT,
                       format_func=lambda f: f"{FORMATS[f].tool} — {FORMATS[f].description}")
    spec = FORMATS[fmt]
    limit = ud.max_upload_mb()
    cols = st.columns(min(3, len(spec.files)))
    files: dict[str, Any] = {}
    for k, slot in enumerate(spec.files):
        label = f"{slot.role}{'' if slot.required else ' (optional)'}"
        files[slot.role] = cols[k % len(cols)].file_uploader(
            label, key=_file_key(fmt, slot.role), help=slot.help, max_upload_size=limit)
    c1, c2 = st.columns(2)
    codes = sorted((c for c in LANGUAGES if c != "en"), key=lambda c: LANGUAGES[c].name)
    st.session_state.setdefault(S.IMP_LANG, "de")
    lang = c1.selectbox("Target language", codes, key=S.IMP_LANG,
                        format_func=lambda c: f"{c} — {LANGUAGES[c].name}")
    name = c2.text_input("Run name", value="import", key=S.IMP_NAME, max_chars=40,
                         help="The start of the run id (letters, digits, - _ .)")
    options = _options(fmt)
    read_only = getattr(policy(), "read_only", False)
    if read_only:
        st.caption("Read-only mode: the files are validated, no run is written.")
    if st.button("Validate and import", type="primary", key=S.IMP_GO):
        root = None if read_only else ud.user_runs_root()
        try:
            result = import_uploads(fmt, files, lang=lang, options=options, runs_root=root,
                                    name=name)
        except ProjectError as exc:
            st.session_state.pop(S.IMP_RESULT, None)
            st.error(str(exc), icon=":material/error:")
            return
        if root is not None:
            ud.make_root_visible(root)
        st.session_state[S.IMP_RESULT] = result
    result = st.session_state.get(S.IMP_RESULT)
    if not result:
        return
    gold = "scored against the target gold" if result["has_gold"] else \
        "no target gold: links and projections are shown, outcomes are not"
    st.success(f"{result['sentences']} sentences from {result['tool']} — {gold}.",
               icon=":material/check_circle:")
    st.caption("Given parts: " + ", ".join(f"{k}: `{v}`" for k, v in result["given"].items()))
    if result.get("run_id"):
        st.page_link(INSPECTOR, label=f"Inspect {result['run_id']}", icon=":material/search:",
                     query_params={"run": result["run_id"]})
