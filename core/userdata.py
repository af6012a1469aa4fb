"""Projection runs over the user's own files (the app's "Your data" page, also usable from code).

Inputs, all UTF-8 text:

- **source**: English CoNLL with labels (``token<TAB>label`` or ``token label``, a blank line
  between sentences; IOB1/IOB2/BIOES tags are normalised to IOB2);
- **target**: either CoNLL words — with labels (then they are the gold standard and the run is
  evaluated) or without (one token per line) — or plain translations, one sentence per line,
  split into words with :func:`core.text.split_words`;
- **alignment** (optional): Pharaoh ``i-j`` links, one line per sentence pair, source index
  first. It is used by the aligner :data:`EXTERNAL`; other aligners compute their own links.

Everything is validated before any model runs; problems raise :class:`ProjectError` naming the
file (by the name the user gave it) and the line. A run is the ``intrinsic`` pipeline of
:mod:`core.pipeline` (gold source entities projected onto the given target words) driven by
:class:`core.pipeline.Runner` on explicit items, written to a runs root as an ordinary run
(dataset ``upload``), so the inspector and the dashboard read it like any other.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from core import __version__
from core.cache import file_lock
from core.config import RunConfig
from core.errors import ProjectError
from core.labels import split_tag
from core.pipeline import Components, Item, Runner, build_components, process_into_run
from core.readers.conll import read_conll
from core.readers.parallel import read_lines
from core.readers.pharaoh import read_pharaoh
from core.runs import run_dir, slug
from core.types import Alignment, Sentence, SentenceRecord, Span

#: The aligner name that serves the uploaded Pharaoh alignments.
EXTERNAL = "external"
#: Upload size limit per file in MB (environment variable ``PROJ_MAX_UPLOAD_MB`` overrides).
DEFAULT_MAX_MB = 20.0
MAX_MB_ENV = "PROJ_MAX_UPLOAD_MB"
#: Memory one app session may use for its uploads (together), and for in-memory results.
DEFAULT_SESSION_MB = 64.0
SESSION_MB_ENV = "PROJ_SESSION_MB"
TARGET_KINDS = ("auto", "conll", "text")
DATASET = "upload"

Progress = Callable[[str, int, int], None]


def max_upload_bytes() -> int:
    """The per-file limit: ``$PROJ_MAX_UPLOAD_MB`` (a positive number) or 20 MB."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    if not raw:
        return int(DEFAULT_MAX_MB * 1024 * 1024)
    try:
        mb = float(raw)
    except ValueError:
        raise ProjectError(f"{MAX_MB_ENV}={raw!r} is not a number", setting=MAX_MB_ENV,
                           hint="give the limit in megabytes, e.g. 20") from None
    if mb <= 0:
        raise ProjectError(f"{MAX_MB_ENV} must be positive", setting=MAX_MB_ENV)
    return int(mb * 1024 * 1024)


def max_session_bytes() -> int:
    """What one app session may hold for its uploads together, and again for results kept in
    memory (read-only mode): ``$PROJ_SESSION_MB`` (a positive number) or 64 MB."""
    raw = os.environ.get(SESSION_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_SESSION_MB
    except ValueError:
        raise ProjectError(f"{SESSION_MB_ENV}={raw!r} is not a number", setting=SESSION_MB_ENV,
                           hint="give the limit in megabytes, e.g. 64") from None
    if mb <= 0:
        raise ProjectError(f"{SESSION_MB_ENV} must be positive", setting=SESSION_MB_ENV)
    return int(mb * 1024 * 1024)


def check_session_size(what: str, size: int, limit: int | None = None) -> None:
    """Raise :class:`ProjectError` if ``size`` bytes of ``what`` exceed the session limit."""
    limit = max_session_bytes() if limit is None else limit
    if size > limit:
        raise ProjectError(f"{what} take {size / 1048576:.1f} MB, over this session's limit of "
                           f"{limit / 1048576:.0f} MB", setting=SESSION_MB_ENV,
                           hint="use smaller files or fewer aligners and methods, or raise "
                           f"the limit with {SESSION_MB_ENV}")


def check_upload_size(name: str, size: int, limit: int | None = None) -> None:
    """Raise :class:`ProjectError` if a file of ``size`` bytes is over the limit."""
    limit = max_upload_bytes() if limit is None else limit
    if size > limit:
        raise ProjectError(f"file is {size / 1048576:.1f} MB, over the limit of "
                           f"{limit / 1048576:.0f} MB", path=name,
                           hint=f"split it, or raise the limit with {MAX_MB_ENV}")
    if size == 0:
        raise ProjectError("file is empty", path=name)


def _renamed(exc: ProjectError, real: Path, shown: str) -> ProjectError:
    """The same error with the temporary path replaced by the name the user knows (its
    content-free form too, see :meth:`ProjectError.without_content`)."""
    def sub(text: str | None) -> str | None:
        return None if text is None else text.replace(str(real), shown)

    return ProjectError(sub(exc.message) or "", path=sub(exc.path), line=exc.line,
                        setting=exc.setting, hint=sub(exc.hint), redacted=sub(exc.redacted))


# ------------------------------------------------------------------------------- readers


def read_source(path: str | Path, *, lang: str = "en", name: str | None = None
                ) -> list[Sentence]:
    """The labelled English sentences of a CoNLL file (at least one sentence)."""
    path = Path(path)
    shown = name or path.name
    try:
        sentences = read_conll(path, lang=lang, id_prefix="s", strip_lang_prefix=False)
    except ProjectError as exc:
        raise _renamed(exc, path, shown) from None
    if not sentences:
        raise ProjectError("no sentences found (expected 'token label' lines with a blank "
                           "line between sentences)", path=shown)
    return sentences


def _is_tag(text: str) -> bool:
    try:
        split_tag(text)
    except ProjectError:
        return False
    return True


def _split_line(text: str) -> list[str]:
    if "\t" in text:
        return [p for p in (c.strip() for c in text.split("\t")) if p]
    return text.split()


def read_target_conll(path: str | Path, *, lang: str, name: str | None = None
                      ) -> list[Sentence]:
    """Target words from CoNLL: with labels (gold) or one token per line (no labels).

    A file must be one or the other: a labelled line in an unlabelled file (or the reverse)
    is an error naming the line.
    """
    path = Path(path)
    shown = name or path.name
    lines = _lines(path, shown)
    labelled: bool | None = None
    first = 0
    for n, text in enumerate(lines, 1):
        parts = _split_line(text)
        if not parts:
            continue
        if len(parts) >= 2 and not _is_tag(parts[-1]):
            raise ProjectError(f"expected 'token<TAB>label' or a single token, got {text!r} "
                               f"(the last column {parts[-1]!r} is not a tag)", path=shown,
                               line=n, hint="separate token and label with a tab; a token "
                               "with spaces needs a tab before its label",
                               redacted="expected 'token<TAB>label' or a single token (the "
                               "last column of this line is not a tag)")
        has = len(parts) >= 2
        if labelled is None:
            labelled, first = has, n
        elif has != labelled:
            raise ProjectError(f"this line {'has' if has else 'has no'} label but line {first} "
                               f"{'has' if labelled else 'has none'}", path=shown, line=n,
                               hint="label every token (gold) or none")
    if labelled is None:
        raise ProjectError("no words found", path=shown)
    if labelled:
        try:
            return read_conll(path, lang=lang, id_prefix="t", strip_lang_prefix=False)
        except ProjectError as exc:
            raise _renamed(exc, path, shown) from None
    out: list[Sentence] = []
    words: list[str] = []
    for text in [*lines, ""]:
        parts = _split_line(text)
        if parts:
            words.append(parts[0])
        elif words:
            out.append(Sentence(f"t:{len(out)}", lang, tuple(words)))
            words = []
    return out


def read_target_text(path: str | Path, *, lang: str, name: str | None = None
                     ) -> list[Sentence]:
    """Plain translations, one sentence per line, split into words (no labels).

    Blank lines are errors (each line must be the translation of one source sentence), except
    trailing blank lines at the end of the file.
    """
    from core.text import split_words

    path = Path(path)
    shown = name or path.name
    lines = _lines(path, shown)
    while lines and not lines[-1].strip():
        lines.pop()
    out = []
    for n, text in enumerate(lines, 1):
        words = split_words(text, lang)
        if not words:
            raise ProjectError("empty line: every line must hold the translation of one source "
                               "sentence", path=shown, line=n)
        out.append(Sentence(f"t:{n - 1}", lang, tuple(words)))
    if not out:
        raise ProjectError("no translations found", path=shown)
    return out


def _lines(path: Path, shown: str) -> list[str]:
    try:
        return read_lines(path)
    except ProjectError as exc:
        raise _renamed(exc, path, shown) from None


def guess_target_kind(path: str | Path, n_source: int) -> str:
    """``"text"`` when the file has exactly one non-blank line per source sentence, no blank
    line between them and no tab (translations have none; CoNLL columns often do); else
    ``"conll"``."""
    lines = read_lines(path)
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) != n_source or any(not line.strip() or "\t" in line for line in lines):
        return "conll"
    return "text"


# -------------------------------------------------------------------------- the data set


@dataclass(frozen=True)
class UserData:
    """Validated uploads: sentence-parallel source and target, optional alignments."""

    source: tuple[Sentence, ...]
    target: tuple[Sentence, ...]
    lang: str
    source_lang: str = "en"
    alignments: tuple[Alignment, ...] | None = None
    target_kind: str = "conll"
    checksums: tuple[tuple[str, str], ...] = ()

    @property
    def has_gold(self) -> bool:
        return all(t.labels is not None for t in self.target)

    @property
    def n_entities(self) -> int:
        return sum(len(s.spans) for s in self.source)

    def digest(self) -> str:
        """A short hash of the inputs' contents (part of the run id)."""
        h = hashlib.sha256()
        for name, sha in self.checksums:
            h.update(f"{name}={sha};".encode())
        h.update(f"{self.lang}|{self.source_lang}|{self.target_kind}".encode())
        return h.hexdigest()[:10]

    def items(self, *, external: bool = False) -> list[Item]:
        """Pipeline items; with ``external`` each carries its uploaded alignment."""
        if external and self.alignments is None:
            raise ProjectError("the aligner 'external' needs an uploaded Pharaoh alignment file",
                               setting="aligner")
        out = []
        for k, (s, t) in enumerate(zip(self.source, self.target)):
            sid = f"{k}"
            target = Sentence(sid, self.lang, t.words, t.labels)
            source = Sentence(sid, self.source_lang, s.words, s.labels)
            alignment = None
            if external and self.alignments is not None:
                a = self.alignments[k]
                alignment = Alignment(a.links, EXTERNAL, a.possible, a.scores)
            out.append(Item(k, sid, target, source, " ".join(s.words), alignment))
        return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_user_data(source: str | Path, target: str | Path, *, lang: str,
                   alignment: str | Path | None = None, target_kind: str = "auto",
                   source_lang: str = "en", names: dict[str, str] | None = None,
                   quote: bool = True) -> UserData:
    """Read and cross-check the files (see the module docstring).

    ``names`` maps ``"source"``/``"target"``/``"alignment"`` to the names shown in errors (the
    uploaded file names, when the files were saved under temporary paths). With
    ``quote=False`` (files on a server, not the user's own uploads) an error names the file,
    the line and what was expected, but quotes nothing read from the file.
    """
    try:
        return _load_user_data(source, target, lang=lang, alignment=alignment,
                               target_kind=target_kind, source_lang=source_lang,
                               names=names or {})
    except ProjectError as exc:
        if quote:
            raise
        raise exc.without_content() from None


def _load_user_data(source: str | Path, target: str | Path, *, lang: str,
                    alignment: str | Path | None, target_kind: str, source_lang: str,
                    names: dict[str, str]) -> UserData:
    lang = lang.strip()
    if not lang:
        raise ProjectError("give the target language code (e.g. pt)", setting="lang")
    src_path, tgt_path = Path(source), Path(target)
    src_name = names.get("source", src_path.name)
    tgt_name = names.get("target", tgt_path.name)
    src = read_source(src_path, lang=source_lang, name=src_name)
    if target_kind not in TARGET_KINDS:
        raise ProjectError(f"unknown target format {target_kind!r}", setting="target format",
                           hint=f"use one of {', '.join(TARGET_KINDS)}")
    kind = target_kind
    if kind == "auto":
        try:
            kind = guess_target_kind(tgt_path, len(src))
        except ProjectError as exc:
            raise _renamed(exc, tgt_path, tgt_name) from None
    tgt = (read_target_text if kind == "text" else read_target_conll)(
        tgt_path, lang=lang, name=tgt_name)
    if len(src) != len(tgt):
        raise ProjectError(f"{src_name} has {len(src)} sentences but {tgt_name} has {len(tgt)}",
                           path=tgt_name, hint="sentence k of the target must translate "
                           "sentence k of the source" + (
                               "; plain text needs one line per sentence" if kind == "text"
                               else "; separate sentences with one blank line"))
    alignments = None
    checksums = [("source", _sha(src_path)), ("target", _sha(tgt_path))]
    if alignment is not None:
        al_path = Path(alignment)
        al_name = names.get("alignment", al_path.name)
        try:
            alignments = read_pharaoh(al_path, aligner=EXTERNAL)
        except ProjectError as exc:
            raise _renamed(exc, al_path, al_name) from None
        # a final empty line is an empty alignment only if the counts need it
        if len(alignments) != len(src):
            raise ProjectError(f"{len(alignments)} alignment lines for {len(src)} sentence "
                               "pairs", path=al_name,
                               hint="one Pharaoh line per sentence pair, in order")
        for k, (a, s, t) in enumerate(zip(alignments, src, tgt)):
            for i, j in (*a.links, *a.possible):
                if not (0 <= i < len(s.words) and 0 <= j < len(t.words)):
                    raise ProjectError(f"link {i}-{j} is out of range: sentence pair {k + 1} "
                                       f"has {len(s.words)} source and {len(t.words)} target "
                                       "words (indices start at 0, source first)",
                                       path=al_name, line=k + 1)
        checksums.append(("alignment", _sha(al_path)))
    return UserData(tuple(src), tuple(tgt), lang, source_lang,
                    tuple(alignments) if alignments is not None else None, kind,
                    tuple(checksums))


# ------------------------------------------------------------------------------------ runs


class GivenAlignments:
    """The aligner component of an ``external`` run: every item already carries its uploaded
    alignment, so :meth:`align` is never reached (it raises if it is)."""

    name = EXTERNAL

    def __init__(self, digest: str) -> None:
        self.signature = f"{EXTERNAL}:{digest}"

    def align(self, pairs: Sequence[Any]) -> list[Alignment]:
        raise ProjectError("a sentence pair has no uploaded alignment", setting="aligner",
                           hint="upload one Pharaoh line per sentence pair")


def user_run_id(data: UserData, aligner: str, method: str, name: str = "upload") -> str:
    """``<name>-<lang>-<aligner>-<method>-<digest>``; the digest covers the file contents and
    the settings, so the same upload and choice map to the same run."""
    h = hashlib.sha256(f"{data.digest()}|{aligner}|{method}|{__version__}".encode()).hexdigest()
    return slug(f"{name}-{data.lang}-{aligner}-{method}-{h[:8]}")


def run_user_data(data: UserData, runs_root: str | Path, *, aligner: str, method: str,
                  aligner_obj: Any = None, name: str = "upload",
                  progress: Progress | None = None) -> tuple[Path, bool]:
    """Project ``data`` with one aligner and method into a run; returns (run dir, created).

    ``aligner`` is the aligner's name (:data:`EXTERNAL` for the uploaded links; otherwise a
    registry spec); ``aligner_obj`` an already-loaded aligner for it (the app passes cached
    models; ``None`` resolves the spec through :mod:`core.aligners.registry`). A run with the
    same id already in ``runs_root`` (same files, same choice) is reused, not recomputed.
    """
    cfg, items, aligner_obj = _user_run(data, aligner, method, aligner_obj, name)
    run_id = user_run_id(data, aligner, method, name)
    final = run_dir(runs_root, run_id)
    if final.exists():
        return final, False
    Path(runs_root).mkdir(parents=True, exist_ok=True)
    with file_lock(Path(runs_root) / ".locks" / f"{run_id}.lock", what=f"run {run_id}"):
        if final.exists():
            return final, False
        comp = build_components(cfg, Components(aligner=aligner_obj))
        path, _ = process_into_run(
            cfg, items, comp, runs_root, run_id, progress=progress,
            manifest={"source": "upload",
                      "upload": {"target_format": data.target_kind, "has_gold": data.has_gold},
                      "inputs": dict(data.checksums)})
        return path, True


def _user_run(data: UserData, aligner: str, method: str, aligner_obj: Any, name: str
              ) -> tuple[RunConfig, list[Item], Any]:
    from core.projection.registry import NEEDS_TARGET_NER, parse_spec

    if parse_spec(method)[0] in NEEDS_TARGET_NER:
        raise ProjectError(f"method {method!r} needs a target-language NER model, which this "
                           "page does not offer", setting="method")
    external = aligner == EXTERNAL
    if external:
        aligner_obj = GivenAlignments(data.digest())
    cfg = RunConfig(pipeline="intrinsic", dataset=DATASET, lang=data.lang,
                    source_lang=data.source_lang, aligner=aligner, method=method,
                    name=slug(name))
    return cfg, data.items(external=external), aligner_obj


def project_user_data(data: UserData, *, aligner: str, method: str, aligner_obj: Any = None,
                      name: str = "upload", progress: Progress | None = None
                      ) -> tuple[list[SentenceRecord], dict[str, Any]]:
    """What :func:`run_user_data` computes, in memory only: the sentence records and the
    run's metrics, nothing written (not even the step caches) — the app's read-only mode."""
    from core.pipeline import metrics_of

    if aligner != EXTERNAL and aligner_obj is None:
        from core.aligners.registry import get_aligner

        aligner_obj = get_aligner(aligner, lang=data.lang, source_lang=data.source_lang)
    cfg, items, aligner_obj = _user_run(data, aligner, method, aligner_obj, name)
    records = list(Runner(cfg, Components(aligner=aligner_obj), progress=progress).run(items))
    return records, metrics_of(records, cfg)


# ------------------------------------------------------------------------ one sentence (playground)

_TYPE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Marked:
    """A sentence parsed from inline markup: words, entity spans and the plain text."""

    words: tuple[str, ...]
    spans: tuple[Span, ...]
    text: str


def parse_markup(text: str, lang: str = "en", *, what: str = "sentence") -> Marked:
    """Parse ``[PER Angela Merkel] visited [LOC Paris]`` into words and spans.

    An entity is ``[TYPE words]``: an opening bracket, a type (letters, digits, ``_``; written
    in upper case in the result), a space and at least one word. Text outside brackets is split
    with :func:`core.text.split_words`, so is the entity's text (an entity may hold several
    words). Brackets cannot nest; a stray ``]`` or an unclosed ``[`` is an error naming the
    character position (1-based) in the ``what`` field.
    """
    from core.text import split_words

    words: list[str] = []
    spans: list[Span] = []
    plain: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        open_at = text.find("[", pos)
        close_at = text.find("]", pos)
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            raise ProjectError(f"']' at character {close_at + 1} closes no entity",
                               setting=what, hint="write entities as [TYPE words], e.g. "
                               "[PER Angela Merkel]")
        if open_at == -1:
            outside = text[pos:]
            words += split_words(outside, lang)
            plain.append(outside)
            break
        outside = text[pos:open_at]
        words += split_words(outside, lang)
        plain.append(outside)
        end = text.find("]", open_at + 1)
        if end == -1:
            raise ProjectError(f"'[' at character {open_at + 1} is never closed", setting=what,
                               hint="close the entity with ']'")
        inner = text[open_at + 1:end]
        nested = inner.find("[")
        if nested != -1:
            raise ProjectError(f"'[' at character {open_at + nested + 2} is inside another "
                               "entity; entities cannot nest", setting=what)
        typ, _, body = inner.strip().partition(" ")
        if not typ:
            raise ProjectError(f"empty entity at character {open_at + 1}", setting=what,
                               hint="write [TYPE words], e.g. [LOC Paris]")
        if not _TYPE_RE.match(typ):
            raise ProjectError(f"entity type {typ!r} at character {open_at + 2} is not a type "
                               "name", setting=what, hint="use letters such as PER, ORG, LOC, "
                               "MISC followed by a space and the words")
        inside = split_words(body, lang)
        if not inside:
            raise ProjectError(f"entity [{typ}] at character {open_at + 1} has no words",
                               setting=what, hint=f"e.g. [{typ.upper()} Paris]")
        spans.append(Span(len(words), len(words) + len(inside), typ.upper()))
        words += inside
        plain.append(body.strip())
        pos = end + 1
    if not words:
        raise ProjectError("no words", setting=what)
    return Marked(tuple(words), tuple(spans), re.sub(r"\s+", " ", "".join(plain)).strip())


def project_sentence(src_words: Sequence[str], entities: Sequence[Span],
                     tgt_words: Sequence[str], *, aligner_obj: Any, method: str, lang: str,
                     gold: Sequence[Span] | None = None, translation: str = "",
                     source_lang: str = "en", alignment: Alignment | None = None
                     ) -> SentenceRecord:
    """Project one sentence's entities with ``aligner_obj`` (or a given ``alignment``) and
    ``method`` through the intrinsic pipeline's steps; returns the full sentence record.

    ``gold`` (target spans) makes the record evaluable; without it there is no gold.
    """
    from core.labels import spans_to_tags
    from core.projection.registry import NEEDS_TARGET_NER, parse_spec

    if parse_spec(method)[0] in NEEDS_TARGET_NER:
        raise ProjectError(f"method {method!r} needs a target-language NER model",
                           setting="method")
    if not src_words or not tgt_words:
        raise ProjectError("both sentences need at least one word", setting="sentence")
    for s in entities:
        if s.end > len(src_words):
            raise ProjectError(f"entity {s} is outside the {len(src_words)} source words",
                               setting="entities")
    src_labels = tuple(spans_to_tags(list(entities), len(src_words)))
    tgt_labels = tuple(spans_to_tags(list(gold), len(tgt_words))) if gold is not None else None
    item = Item(0, "0", Sentence("0", lang, tuple(tgt_words), tgt_labels),
                Sentence("0", source_lang, tuple(src_words), src_labels), translation,
                alignment)
    cfg = RunConfig(pipeline="intrinsic", dataset="playground", lang=lang,
                    source_lang=source_lang, aligner=getattr(aligner_obj, "name", EXTERNAL),
                    method=method)
    comp = Components(aligner=aligner_obj if alignment is None else GivenAlignments("given"))
    (record,) = list(Runner(cfg, comp).run([item]))
    return record
