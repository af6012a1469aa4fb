"""The security matrix (issue 15): one row per attack on a surface a visitor can reach, run
through the real entry points (the access policy, the Your-data readers, the sidebar's run
roots, URL parameters, the HTML and markdown the pages draw, uploads, run files). A row returns
the texts the app showed; it fails (:class:`Breach`) when the attack got through, and any line
of the secret files in those texts is a leak. ``tests/test_security.py`` runs every row;
``bench/security.py`` counts ``attacks``, ``blocked`` and ``leaked_lines``. The rows are listed
in ``docs/robustness.md`` ("Serving the app to a room").

The sandbox of every row (:func:`build_site`): ``outside/`` holds the secrets (a passwd-like
file whose lines carry ``SECRET-000k`` markers, a hostname file), ``allowed/`` is the directory
named by ``PROJ_ALLOWED_DIRS`` in the rows that set it, with a valid and a malformed CoNLL file
whose bad line carries a secret, symlinks leaving it (a file and a directory), a FIFO, and a
sibling ``allowed-evil/`` whose name starts like it.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import shutil
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from core.access import ALLOWED_ENV, AccessDenied, policy_from
from core.errors import ProjectError
from core.paths import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
SECRETS = [f"svc{k}:x:{1000 + k}:{1000 + k}:SECRET-{k:04d} key=ab{k}cd:/srv/svc{k}:/bin/sh"
           for k in range(6)]
SECRET_MARK = re.compile(r"SECRET-\d{4}")
HOSTILE = ("<img src=x onerror=alert(1)>", '"><script>alert(1)</script>',
           "<svg/onload=alert(2)>", "' onmouseover='alert(3)")
RAW_TAG = re.compile(r"<\s*/?\s*(img|script|svg|iframe)\b", re.I)
#: markdown that would load a remote image / show a link; with a backtick to leave code spans
MD_PAYLOAD = "x` ![p](https://evil.example/p.png) [click](https://evil.example) `y"
MD_RAW = ("![p](https://evil.example", "[click](https://evil.example")
TYPE = "<img/src=x/onerror=alert(1)>"  # an entity type: no spaces, so a CoNLL label B-<...>


class Breach(AssertionError):
    """The attack got through (a read, a crash, unescaped markup, a missing refusal)."""


def _real_passwd_lines() -> list[str]:
    try:
        return [x for x in Path("/etc/passwd").read_text("utf-8").splitlines() if x.strip()]
    except OSError:
        return []


def leaked(texts: list[str]) -> int:
    """How many secret lines (ours, by marker, and /etc/passwd's, verbatim) the texts show."""
    blob = "\n".join(texts)
    ours = {m.group(0) for m in SECRET_MARK.finditer(blob)}
    theirs = [x for x in _real_passwd_lines() if len(x) > 12 and x in blob]
    return len(ours) + len(theirs)


# ------------------------------------------------------------------------- the sandbox


@dataclass(frozen=True)
class Site:
    root: Path
    outside: Path
    allowed: Path

    @property
    def secret(self) -> Path:
        return self.outside / "passwd"

    def env(self, **extra: str) -> dict[str, str]:
        return {ALLOWED_ENV: str(self.allowed), **extra}


GOOD_SRC = "Alice\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n"
GOOD_TGT = "Alice\tB-PER\nvisitou\tO\nParis\tB-LOC\n.\tO\n"


def build_site(tmp: Path) -> Site:
    outside, allowed = tmp / "outside", tmp / "allowed"
    outside.mkdir(parents=True)
    allowed.mkdir()
    (tmp / "allowed-evil").mkdir()
    (outside / "passwd").write_text("\n".join(SECRETS) + "\n", "utf-8")
    (outside / "hostname").write_text("secret-host SECRET-0099\n", "utf-8")
    shutil.copy(outside / "passwd", tmp / "allowed-evil" / "passwd")
    (allowed / "ok.conll").write_text(GOOD_SRC, "utf-8")
    (allowed / "ok.txt").write_text(GOOD_TGT, "utf-8")
    (allowed / "bad.conll").write_text(f"Alice\tB-PER\nvisited\tO\n{SECRETS[2]}\n", "utf-8")
    (allowed / "bad-target.conll").write_text(f"Alice\tB-PER\n{SECRETS[3]}\tBOGUS\n", "utf-8")
    (allowed / "bad-links.txt").write_text(f"0-0 1-1\n{SECRETS[4]}\n", "utf-8")
    (allowed / "link-passwd").symlink_to(outside / "passwd")
    (allowed / "linkdir").symlink_to(outside)
    os.mkfifo(allowed / "fifo")
    return Site(tmp, outside, allowed)


def _set_env(values: dict[str, str | None]) -> None:
    """Set each variable; ``None`` removes it."""
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextmanager
def environ(**values: str | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    try:
        _set_env(values)
        yield
    finally:
        _set_env(old)


#: every setting of the policy, cleared unless a row sets it
CLEAN = {"PROJ_ALLOWED_DIRS": None, "PROJ_SERVED": None, "PROJ_READ_ONLY": None,
         "PROJ_MAX_UPLOAD_MB": None, "PROJ_SESSION_MB": None}


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


@contextmanager
def spy_reads(forbidden: Path) -> Iterator[list[str]]:
    """Record every file opened (``open``, ``io.open``, ``os.open``) under ``forbidden``."""
    seen: list[str] = []
    forbidden = forbidden.resolve()
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

    def note(path: Any) -> None:
        try:
            p = Path(os.path.realpath(os.fspath(path)))
        except TypeError:
            return
        if p == forbidden or forbidden in p.parents:
            seen.append(str(p))

    def b_open(file: Any, *a: Any, **k: Any) -> Any:
        note(file)
        return real_open(file, *a, **k)

    def i_open(file: Any, *a: Any, **k: Any) -> Any:
        note(file)
        return real_io_open(file, *a, **k)

    def o_open(path: Any, *a: Any, **k: Any) -> Any:
        note(path)
        return real_os_open(path, *a, **k)

    with ExitStack() as stack:
        stack.enter_context(patched(builtins, "open", b_open))
        stack.enter_context(patched(io, "open", i_open))
        stack.enter_context(patched(os, "open", o_open))
        yield seen


# ------------------------------------------------------------------------- entry points


def _refused(exc: BaseException) -> str:
    """The refusal's message; a Breach unless it is an AccessDenied naming the setting."""
    msg = str(exc)
    if not isinstance(exc, AccessDenied) or ALLOWED_ENV not in msg:
        raise Breach(f"expected a refusal naming {ALLOWED_ENV}, got {type(exc).__name__}: {msg}")
    return msg


def _read_paths(env: dict[str, str | None], paths: Callable[[Site], dict[str, str]], *,
                expect: str = "refused", needles: tuple[str, ...] = ()
                ) -> Callable[[Site], list[str]]:
    """The Your-data page's reader of server paths (``ui.upload.read_paths``) under ``env``:
    ``expect`` "refused" (AccessDenied naming the setting, nothing opened outside) or "error"
    (a ProjectError containing ``needles``: file and line, no content)."""
    def call(site: Site) -> list[str]:
        from ui.upload import read_paths

        e = {k: (v.format(allowed=site.allowed) if isinstance(v, str) else v)
             for k, v in env.items()}
        with environ(**{**CLEAN, **e}), spy_reads(site.outside) as reads:
            try:
                read_paths(paths(site), lang="pt", kind="auto")
            except ProjectError as exc:
                msg = _refused(exc) if expect == "refused" else str(exc)
            else:
                raise Breach("the files were read")
        if expect == "refused" and reads:
            raise Breach(f"opened {reads}")
        missing = [n.format(allowed=site.allowed) for n in needles
                   if n.format(allowed=site.allowed) not in msg]
        if missing:
            raise Breach(f"message {msg!r} lacks {missing}")
        return [msg]
    return call


def _policy(env: dict[str, str], address: str | None, raw: Callable[[Site], str]
            ) -> Callable[[Site], list[str]]:
    """:func:`core.access.policy_from` for a server bound to ``address``."""
    def call(site: Site) -> list[str]:
        pol = policy_from({k: v.format(allowed=site.allowed) for k, v in env.items()}, address)
        try:
            pol.check(raw(site), "source")
        except ProjectError as exc:
            return [_refused(exc)]
        raise Breach(f"{raw(site)} allowed by {pol}")
    return call


def _texts(at: Any) -> list[str]:
    """Every text an AppTest run shows (messages, markdown, HTML, exceptions)."""
    out: list[str] = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption", "subheader",
                 "header", "title", "exception", "html", "code", "text", "toast"):
        for el in at.get(kind):
            for attr in ("value", "message", "body"):
                v = getattr(el, attr, None)
                if isinstance(v, str):
                    out.append(v)
                    break
    return out


def _markdown_texts(at: Any) -> list[str]:
    """The texts Streamlit renders as markdown (not the escaped HTML of st.html)."""
    out = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption", "subheader",
                 "header", "title"):
        out += [str(getattr(el, "value", "")) for el in at.get(kind)]
    return out


@contextmanager
def app(site: Site, env: dict[str, str | None], runs_root: Path | None = None
        ) -> Iterator[Any]:
    """An AppTest of app.py under ``env`` whose only run root is ``runs_root``."""
    from streamlit.testing.v1 import AppTest

    import core.cli
    import ui.runs

    e = {k: (v.format(allowed=site.allowed) if isinstance(v, str) else v)
         for k, v in env.items()}
    e.setdefault("PROJ_RUNS", str(runs_root or site.root / "no-runs"))
    e.setdefault("PROJ_CACHE", str(site.root / "cache"))
    with environ(**{**CLEAN, **e}), \
            patched(ui.runs, "DEFAULT_ROOT", site.root / "no-default-root"), \
            patched(core.cli, "default_runs_root", lambda: site.root / "user-runs"):
        yield AppTest.from_file(APP, default_timeout=60)


def _no_exception(at: Any) -> None:
    if at.exception:
        raise Breach(f"exception: {[e.value for e in at.exception]}")


def _page_paths(env: dict[str, str | None], source: Callable[[Site], str],
                target: Callable[[Site], str]) -> Callable[[Site], list[str]]:
    """The Your-data page in a browser session (AppTest): "Files on this machine", the two
    paths typed; a refusal must be shown and nothing opened outside."""
    def call(site: Site) -> list[str]:
        with app(site, env) as at, spy_reads(site.outside) as reads:
            at.switch_page("pages/your_data.py").run()
            at.radio(key="ud_mode").set_value("path").run()
            at.text_input(key="ud_source_path").input(source(site))
            at.text_input(key="ud_target_path").input(target(site))
            at.run()
            _no_exception(at)
            errors = [e.value for e in at.error]
            texts = _texts(at)
        if reads:
            raise Breach(f"opened {reads}")
        if not any("refused" in e and ALLOWED_ENV in e for e in errors):
            raise Breach(f"no refusal shown: {errors}")
        return texts
    return call


def _add_root(env: dict[str, str | None], raw: Callable[[Site], str], *,
              form: bool = True) -> Callable[[Site], list[str]]:
    """The sidebar's "Add a runs directory": refused (or, ``form=False``, not offered)."""
    def call(site: Site) -> list[str]:
        from ui import state

        with app(site, env) as at:
            at.run()
            _no_exception(at)
            inputs = [t for t in at.sidebar.text_input if t.key == state.ROOT_INPUT]
            if not form:
                if inputs:
                    raise Breach("the form to add a run root is offered")
                return _texts(at)
            inputs[0].input(raw(site))
            [b for b in at.sidebar.button if b.label == "Add"][0].click()
            at.run()
            _no_exception(at)
            extras = at.session_state[state.EXTRA_ROOTS] \
                if state.EXTRA_ROOTS in at.session_state else []
            if extras:
                raise Breach(f"added {extras}")
            errors = [e.value for e in at.sidebar.error]
            if not any("refused" in e and ALLOWED_ENV in e for e in errors):
                raise Breach(f"no refusal shown: {errors}")
            return _texts(at)
    return call


def _url(page: str, params: Callable[[Site], dict[str, str]], *,
         runs: bool = True) -> Callable[[Site], list[str]]:
    """A deep link with hostile parameters: no exception, no file read outside the runs root,
    no markup from the URL rendered."""
    def call(site: Site) -> list[str]:
        root = _base_run(site) if runs else None
        with app(site, {"PROJ_SERVED": "1"}, root) as at, spy_reads(site.outside) as reads:
            at.switch_page(page)
            for k, v in params(site).items():
                at.query_params[k] = v
            at.run()
            _no_exception(at)
            texts = _texts(at)
            md = _markdown_texts(at)
        if reads:
            raise Breach(f"opened {reads}")
        bad = [m for m in md if any(r in m for r in MD_RAW)]
        if bad:
            raise Breach(f"markup from the URL rendered: {bad}")
        return texts
    return call


# ------------------------------------------------------------------------- HTML rows


def _hostile_record(types: str = "PER", aligner: str = "aligner"):
    from core.labels import spans_to_tags
    from core.projection.registry import get_projector
    from core.types import Alignment, Sentence, SentenceRecord, Span

    src = list(HOSTILE) + ["in", "Lisbon"]
    tgt = list(HOSTILE) + ["em", "Lisboa"]
    ents = [Span(0, 1, types), Span(1, 3, "ORG"), Span(5, 6, "LOC")]
    al = Alignment.of([(k, k) for k in range(6)], aligner)
    projs = get_projector("heuristic").project(ents, al, tgt, src_words=src)
    pred = tuple(t for p in projs for t in p.targets)
    gold = (Span(0, 2, types), Span(5, 6, "LOC"))
    return SentenceRecord(HOSTILE[0], "pt",
                          Sentence(HOSTILE[1], "en", tuple(src), tuple(spans_to_tags(ents, 6))),
                          Sentence(HOSTILE[1], "pt", tuple(tgt), tuple(spans_to_tags(gold, 6))),
                          tuple(ents), al, tuple(projs), pred, gold,
                          translation=" ".join(HOSTILE), marked_translation=f"[ {HOSTILE[0]} ]")


def all_strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in all_strings(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in all_strings(v)]
    return []


def _html(build: Callable[[], list[str]]) -> Callable[[Site], list[str]]:
    """HTML / figure text built from hostile strings: no raw tag may survive."""
    def call(site: Site) -> list[str]:
        out = build()
        bad = [s for s in out if RAW_TAG.search(s)]
        if bad:
            raise Breach(f"raw tag in {bad[0][:200]!r}")
        if not any("&lt;" in s for s in out):
            raise Breach("the hostile text is not shown at all")
        return out
    return call


def _view_strings(record, names) -> list[str]:
    from core.viz.explain import build_inspector_view, record_html

    view = build_inspector_view([record, record], names)
    return [view.html, record_html(record), *all_strings(view.links.to_plotly_json())]


def _tokens() -> list[str]:
    from core.viz.spans import Mark, sentences_html

    rec = _hostile_record()
    marks = [Mark(0, 2, HOSTILE[1], "#ff0000", title=HOSTILE[3])]
    return [sentences_html([(HOSTILE[0], list(HOSTILE), marks)]),
            *_view_strings(rec, ["a", "b"])]


def _labels() -> list[str]:
    """An entity type read from an uploaded CoNLL label (``B-<img/src=x/…>``) drawn."""
    import tempfile

    from core.userdata import load_user_data
    from core.viz.colors import TYPE_COLORS
    from core.viz.spans import Mark, sentences_html

    with tempfile.TemporaryDirectory() as tmp:
        s, t = Path(tmp) / "s.conll", Path(tmp) / "t.conll"
        s.write_text(f"Alice\tB-{TYPE}\nsings\tO\n", "utf-8")
        t.write_text(f"Alice\tB-{TYPE}\ncanta\tO\n", "utf-8")
        data = load_user_data(s, t, lang="pt")
    first = data.source[0]
    preview = sentences_html([("source", first.words, [
        Mark(x.start, x.end, x.label, TYPE_COLORS.get(x.label, "#888888"))
        for x in first.spans])])
    return [preview, *_view_strings(_hostile_record(types=TYPE), ["a", "b"])]


def _aligner_names() -> list[str]:
    rec = _hostile_record(aligner='<b onclick="x">aligner</b>')
    return _view_strings(rec, ["<script>a</script>", HOSTILE[0]])


def _run_name(site: Site) -> list[str]:
    """The Your-data page's "Run name" becomes part of the run id: only safe characters."""
    from core.runs import RUN_ID_RE, check_run_id
    from core.types import Sentence
    from core.userdata import UserData, user_run_id

    data = UserData((Sentence("s:0", "en", ("a",), ("O",)),),
                    (Sentence("t:0", "pt", ("a",), ("O",)),), "pt")
    shown = []
    for name in (MD_PAYLOAD, "<script>alert(1)</script>", "../../etc/passwd", "a\x00b"):
        rid = check_run_id(user_run_id(data, "external", "heuristic", name))
        if not RUN_ID_RE.match(rid) or re.search(r"[<>\[\]()!`/\\\x00]", rid):
            raise Breach(f"run id {rid!r}")
        shown.append(rid)
    return shown


class _Upload:
    """What ``st.file_uploader`` returns, for ``ui.upload.read_uploads``."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data, self.size = name, data, len(data)

    def getvalue(self) -> bytes:
        return self._data


def _uploads(files: dict[str, tuple[str, bytes]], *, env: dict[str, str] | None = None,
             needles: tuple[str, ...] = (), literal: bool = False
             ) -> Callable[[Site], list[str]]:
    """``ui.upload.read_uploads`` with the given files: a ProjectError containing ``needles``;
    shown as the page shows it (``ui.your_data.error_text``) no markup may survive."""
    def call(site: Site) -> list[str]:
        from ui.upload import read_uploads
        from ui.your_data import error_text

        with environ(**{**CLEAN, **(env or {})}):
            try:
                read_uploads({r: _Upload(*f) for r, f in files.items()}, lang="pt", kind="auto")
            except ProjectError as exc:
                msg, shown = str(exc), error_text(exc)
            else:
                raise Breach("accepted")
        missing = [n for n in needles if n not in msg]
        if missing:
            raise Breach(f"message {msg!r} lacks {missing}")
        if any(r in shown for r in MD_RAW) or RAW_TAG.search(shown.replace("\\<", "")):
            raise Breach(f"markup survives in {shown!r}")
        if len(shown) > 700:
            raise Breach(f"a {len(shown)}-character error")
        return [shown]
    return call


# ------------------------------------------------------------------------- run files


def _base_run(site: Site) -> Path:
    """A small real run (uploaded alignments, no model) in ``site.root/runs``."""
    from core.userdata import load_user_data, run_user_data

    root = site.root / "runs"
    if not root.is_dir():
        d = site.root / "base-inputs"
        d.mkdir(exist_ok=True)
        (d / "s.conll").write_text(GOOD_SRC + "\nBob\tB-PER\nsings\tO\n", "utf-8")
        (d / "t.conll").write_text(GOOD_TGT + "\nBob\tB-PER\ncanta\tO\n", "utf-8")
        (d / "a.txt").write_text("0-0 1-1 2-2 3-3\n0-0 1-1\n", "utf-8")
        data = load_user_data(d / "s.conll", d / "t.conll", lang="pt", alignment=d / "a.txt")
        path, _ = run_user_data(data, root, aligner="external", method="heuristic", name="base")
        path.rename(root / "base-run")
    return root


def _rechecksum(run: Path) -> None:
    from core.cache import sha256_file

    man = json.loads((run / "manifest.json").read_text("utf-8"))
    for name in man.get("checksums", {}):
        man["checksums"][name] = sha256_file(run / name)
    (run / "manifest.json").write_text(json.dumps(man), "utf-8")


def _crafted(mutate: Callable[[Path], None], pages: tuple[str, ...] = (
        "pages/home.py", "pages/dashboard.py", "pages/inspector.py", "pages/compare.py"),
        markup: bool = False) -> Callable[[Site], list[str]]:
    """A copy of the base run changed by ``mutate``: scanning it never raises anything but a
    ProjectError, and every page (the inspector and compare on this run) renders with no
    exception and no "Unexpected error" (a clear message instead); with ``markup`` no markup
    from the run may be rendered either."""
    def call(site: Site) -> list[str]:
        from core.runs import scan_runs

        root = _base_run(site)
        run = root / "crafted-run"
        if run.exists():
            shutil.rmtree(run)
        shutil.copytree(root / "base-run", run)
        man = json.loads((run / "manifest.json").read_text("utf-8"))
        man["run_id"] = "crafted-run"
        (run / "manifest.json").write_text(json.dumps(man), "utf-8")
        mutate(run)
        try:
            scan_runs([root])
        except Exception as exc:  # noqa: BLE001 - any other type is the breach
            raise Breach(f"scan_runs raised {type(exc).__name__}: {exc}") from None
        texts: list[str] = []
        for page in pages:
            with app(site, {"PROJ_SERVED": "1"}, root) as at:
                at.switch_page(page)
                if page.endswith("inspector.py"):
                    at.query_params["run"] = "crafted-run"
                if page.endswith("compare.py"):
                    at.query_params["runs"] = "crafted-run,base-run"
                at.run()
                _no_exception(at)
                texts += _texts(at)
                if any("Unexpected error" in e.value for e in at.error):
                    raise Breach(f"{page}: {[e.value for e in at.error]}")
                if markup:
                    bad = [m for m in _markdown_texts(at) if any(r in m for r in MD_RAW)]
                    if bad:
                        raise Breach(f"{page}: markup from the run rendered: {bad[:2]}")
                    bad = [h for h in (x.value for x in at.get("html")) if RAW_TAG.search(h)]
                    if bad:
                        raise Breach(f"{page}: raw tag in HTML")
        return texts
    return call


def _json_file(name: str, text: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        (run / name).write_text(text, "utf-8")
        if name != "manifest.json":  # the manifest holds the others' checksums
            _rechecksum(run)
    return mutate


def _json_edit(name: str, edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        data = json.loads((run / name).read_text("utf-8"))
        edit(data)
        (run / name).write_text(json.dumps(data), "utf-8")
        _rechecksum(run)
    return mutate


def _parquet(edit: Callable[[Any], Any]) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        import pandas as pd

        df = pd.read_parquet(run / "sentences.parquet")
        edit(df).to_parquet(run / "sentences.parquet", index=False)
        _rechecksum(run)
    return mutate


def _not_parquet(run: Path) -> None:
    (run / "sentences.parquet").write_bytes(b"PAR1" + os.urandom(512) + b"PAR1")
    _rechecksum(run)


def _hostile_ids(df: Any) -> Any:
    df = df.copy()
    df["id"] = [MD_PAYLOAD + str(k) for k in range(len(df))]
    recs = []
    for k, r in enumerate(df["record"]):
        d = json.loads(r)
        d["id"] = MD_PAYLOAD + str(k)
        d["source"]["words"] = [HOSTILE[0]] + d["source"]["words"][1:]
        recs.append(json.dumps(d))
    df["record"] = recs
    return df


def _deep_record(df: Any) -> Any:
    df = df.copy()
    df["record"] = ["[" * 50_000 + "]" * 50_000] * len(df)
    return df


def _config_values(m: dict) -> None:
    m["config"] = {**m.get("config", {}), "aligner": MD_PAYLOAD, "method": MD_PAYLOAD,
                   "lang": MD_PAYLOAD, "pipeline": MD_PAYLOAD, "dataset": MD_PAYLOAD}
    m["kind"] = "imported"
    m["tool"] = MD_PAYLOAD
    m["given"] = {"alignment": MD_PAYLOAD}


def _metrics_config(m: dict) -> None:
    m["run"] = {**m.get("run", {}), "aligner": MD_PAYLOAD, "method": MD_PAYLOAD,
                "lang": MD_PAYLOAD}


def _wrong_types(m: dict) -> None:
    m.update(config="not a table", checksums=m["checksums"], kind=5, counts=[1, 2],
             timings="x", created=None)


def _wrong_metric_types(m: dict) -> None:
    m.update(overall="high", per_type=[1, 2], per_lang="x", proj_ratio="most", run=[1])


def _huge_numbers(m: dict) -> None:
    m.update(overall={"f1": 1e308, "precision": -1e308, "recall": 10 ** 30,
                      "tp": 10 ** 40, "fp": -5, "fn": 2 ** 70},
             proj_ratio=1e300, per_type={"PER": {"f1": 1e308, "tp": 10 ** 30}})


# ------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Attack:
    """One attack: ``call(site)`` returns the texts the app showed, or raises Breach."""

    id: str
    surface: str
    attack: str
    expect: str
    call: Callable[[Site], list[str]]


def _p(name: str) -> Callable[[Site], str]:
    return lambda site: name.format(allowed=site.allowed, outside=site.outside,
                                    root=site.root)


SERVED = {"PROJ_SERVED": "1"}
ALLOWED = {"PROJ_ALLOWED_DIRS": "{allowed}"}
ALLOWED_SERVED = {**ALLOWED, **SERVED}
RO = {"PROJ_READ_ONLY": "1", "PROJ_ALLOWED_DIRS": "{allowed}"}
SRC_OK = "{allowed}/ok.conll"


def _leave_allowed(source: Callable[[Site], str]) -> Callable[[Site], list[str]]:
    """Allowed dirs set, a good target file inside them, and a ``source`` path that tries to
    leave them: refused, nothing opened outside."""
    return _read_paths(ALLOWED, lambda s: {"source": source(s),
                                           "target": SRC_OK.format(allowed=s.allowed)})


ROWS: list[Attack] = [
    # -- files on the server (Your data: "Files on this machine") --------------------------
    Attack("path-served-etc-passwd", "your data", "served app, no setting: /etc/passwd as "
           "source, /etc/hostname as target", "refused naming PROJ_ALLOWED_DIRS, nothing opened",
           _read_paths(SERVED, lambda s: {"source": "/etc/passwd", "target": "/etc/hostname"})),
    Attack("path-served-secret", "your data", "served app, no setting: a readable secret file",
           "refused, nothing opened",
           _read_paths(SERVED, lambda s: {"source": str(s.secret), "target": str(s.secret)})),
    Attack("path-bound-all-interfaces", "policy", "bound to 0.0.0.0, no setting",
           "refused: server paths are off", _policy({}, "0.0.0.0", lambda s: str(s.secret))),
    Attack("path-bound-default-address", "policy", "Streamlit's default address (unset: every "
           "interface), no setting", "refused", _policy({}, None, lambda s: str(s.secret))),
    Attack("path-bound-hostname", "policy", "bound to a host name, no setting", "refused",
           _policy({}, "lab-server.example", lambda s: "/etc/passwd")),
    Attack("path-dotdot", "your data", "allowed dir + '..' leaving it", "refused",
           _leave_allowed(lambda s: f"{s.allowed}/../outside/passwd")),
    Attack("path-symlink-file", "your data", "a symlink inside the allowed dir to a secret "
           "file", "refused",
           _leave_allowed(lambda s: f"{s.allowed}/link-passwd")),
    Attack("path-symlink-dir", "your data", "a symlinked directory inside the allowed dir "
           "pointing outside", "refused",
           _leave_allowed(lambda s: f"{s.allowed}/linkdir/passwd")),
    Attack("path-sibling-prefix", "your data", "a sibling directory whose name starts like "
           "the allowed one (allowed-evil/)", "refused",
           _leave_allowed(lambda s: f"{s.allowed}-evil/passwd")),
    Attack("path-relative", "your data", "a relative path climbing out of the working "
           "directory", "refused",
           _leave_allowed(lambda s: os.path.relpath(s.secret))),
    Attack("path-tilde", "your data", "'~' expanding to the home directory", "refused",
           _leave_allowed(lambda s: "~/../etc/passwd")),
    Attack("path-nul-byte", "your data", "a NUL byte after an allowed name", "refused",
           _leave_allowed(lambda s: f"{s.allowed}/ok.conll\x00/../../passwd")),
    Attack("path-served-allowed-dotdot", "your data", "served app with allowed dirs: '..' "
           "out of them", "refused",
           _read_paths(ALLOWED_SERVED, lambda s: {"source": f"{s.allowed}/../outside/hostname",
                                                  "target": f"{s.allowed}/ok.txt"})),
    Attack("path-fifo", "your data", "a FIFO inside the allowed dir (a read would block)",
           "'not a file', no hang",
           _read_paths(ALLOWED, lambda s: {"source": f"{s.allowed}/fifo",
                                           "target": f"{s.allowed}/ok.txt"},
                       expect="error", needles=("fifo", "not a file"))),
    Attack("path-device", "your data", "local app: /dev/zero (endless)", "'not a file'",
           _read_paths({}, lambda s: {"source": "/dev/zero", "target": "/dev/zero"},
                       expect="error", needles=("/dev/zero", "not a file"))),
    Attack("path-directory", "your data", "a directory as the source file", "'not a file'",
           _read_paths(ALLOWED, lambda s: {"source": str(s.allowed),
                                           "target": f"{s.allowed}/ok.txt"},
                       expect="error", needles=("not a file",))),
    Attack("path-local-server-file", "your data", "local app (any path allowed): a secret "
           "passwd-like file as source", "file:line and what was expected, no line quoted",
           _read_paths({}, lambda s: {"source": str(s.secret), "target": str(s.secret)},
                       expect="error", needles=("passwd:1", "not a valid tag"))),
    Attack("path-allowed-malformed-source", "your data", "a malformed source inside the "
           "allowed dir, its bad line a secret", "names bad.conll:3, quotes nothing",
           _read_paths(ALLOWED, lambda s: {"source": f"{s.allowed}/bad.conll",
                                           "target": f"{s.allowed}/ok.txt"},
                       expect="error", needles=("bad.conll:3", "not a valid tag"))),
    Attack("path-allowed-malformed-target", "your data", "a malformed target line (not a "
           "tag) that is a secret", "names bad-target.conll:2, quotes nothing",
           _read_paths(ALLOWED, lambda s: {"source": f"{s.allowed}/ok.conll",
                                           "target": f"{s.allowed}/bad-target.conll"},
                       expect="error", needles=("bad-target.conll:2", "not a tag"))),
    Attack("path-allowed-malformed-links", "your data", "a malformed alignment line that is "
           "a secret", "names bad-links.txt:2, quotes nothing",
           _read_paths(ALLOWED, lambda s: {"source": f"{s.allowed}/ok.conll",
                                           "target": f"{s.allowed}/ok.txt",
                                           "alignment": f"{s.allowed}/bad-links.txt"},
                       expect="error", needles=("bad-links.txt:2", "malformed link"))),
    Attack("page-served-etc-passwd", "your data page", "the page (AppTest), served: "
           "/etc/passwd and a secret typed", "refusal shown, nothing opened",
           _page_paths(SERVED, _p("/etc/passwd"), lambda s: str(s.secret))),
    Attack("page-allowed-symlink", "your data page", "the page, allowed dir: a symlink to a "
           "secret", "refusal shown, nothing opened",
           _page_paths(ALLOWED, lambda s: f"{s.allowed}/link-passwd", _p("{allowed}/ok.txt"))),
    # -- run roots (sidebar) --------------------------------------------------------------
    Attack("roots-served", "run roots", "served app, no setting: add /etc as a run root",
           "the form is not offered", _add_root(SERVED, _p("/etc"), form=False)),
    Attack("roots-read-only", "run roots", "read-only demo: add a run root",
           "the form is not offered", _add_root(RO, _p("{allowed}"), form=False)),
    Attack("roots-outside", "run roots", "allowed dir set: add a directory outside it",
           "refused", _add_root(ALLOWED, _p("{outside}"))),
    Attack("roots-dotdot", "run roots", "allowed dir + '..'", "refused",
           _add_root(ALLOWED, _p("{allowed}/../outside"))),
    Attack("roots-symlink", "run roots", "a symlinked directory inside the allowed dir",
           "refused", _add_root(ALLOWED_SERVED, _p("{allowed}/linkdir"))),
    # -- URL parameters ---------------------------------------------------------------------
    Attack("url-run-traversal", "URL", "inspector ?run=../../outside/passwd", "ignored with "
           "a note, nothing read outside the runs root",
           _url("pages/inspector.py", lambda s: {"run": "../../outside/passwd"})),
    Attack("url-runs-traversal", "URL", "compare ?runs= with absolute and '..' paths",
           "ignored", _url("pages/compare.py",
                           lambda s: {"runs": f"{s.secret},../../outside/passwd"})),
    Attack("url-your-data-paths", "URL", "/your_data?ud_mode=path&ud_source_path=/etc/passwd",
           "URL parameters never name files: nothing read",
           _url("pages/your_data.py", lambda s: {"ud_mode": "path", "ud_source_path":
                                                str(s.secret), "path": str(s.secret)},
                runs=False)),
    Attack("url-markdown-run", "URL", "inspector ?run= with markdown (image, link, backtick)",
           "shown as text", _url("pages/inspector.py", lambda s: {"run": MD_PAYLOAD})),
    Attack("url-markdown-runs", "URL", "compare ?runs= with markdown", "shown as text",
           _url("pages/compare.py", lambda s: {"runs": MD_PAYLOAD})),
    Attack("url-markdown-params", "URL", "inspector ?sid=&type=&sort=&aligner= with markdown",
           "shown as text",
           _url("pages/inspector.py", lambda s: {"run": "base-run", "sid": MD_PAYLOAD,
                                                "type": MD_PAYLOAD, "sort": MD_PAYLOAD,
                                                "aligner": MD_PAYLOAD, "view": MD_PAYLOAD})),
    # -- markup in HTML ---------------------------------------------------------------------
    Attack("html-tokens", "HTML", "tokens with tags, handlers and quote breaks",
           "escaped in sentence HTML and figure", _html(_tokens)),
    Attack("html-labels", "HTML", f"an uploaded entity type B-{TYPE}", "escaped",
           _html(_labels)),
    Attack("html-aligner-names", "HTML", "aligner names with tags", "escaped",
           _html(_aligner_names)),
    Attack("run-names", "run ids", "Your-data run names with markup, '..', NUL",
           "slugged to [A-Za-z0-9._+=-]", _run_name),
    Attack("upload-file-name", "upload", "an uploaded file named with markdown and a tag, "
           "holding a bad line", "error names it, markup shown as text",
           _uploads({"source": (f"{MD_PAYLOAD}<img src=x>.conll", b"Alice\n"),
                     "target": ("t.conll", GOOD_TGT.encode())}, needles=("no label column",))),
    Attack("upload-token-markup", "upload", "an uploaded token with markdown (quoted back to "
           "its uploader)", "shown as text",
           _uploads({"source": ("s.conll", MD_PAYLOAD.replace(" ", "_").encode() + b"\n"),
                     "target": ("t.conll", GOOD_TGT.encode())}, needles=("s.conll:1",))),
    Attack("config-values", "run files", "a run whose manifest config, tool and given parts "
           "hold markdown", "no markup rendered on any page",
           _crafted(_json_edit("manifest.json", _config_values), markup=True)),
    Attack("metrics-run-fields", "run files", "metrics.json run fields (aligner, method, lang) "
           "with markdown", "no markup rendered",
           _crafted(_json_edit("metrics.json", _metrics_config), markup=True)),
    # -- uploads ----------------------------------------------------------------------------
    Attack("upload-oversized", "upload", "a file over PROJ_MAX_UPLOAD_MB",
           "refused naming file, size, limit",
           _uploads({"source": ("big.conll", b"a\tO\n" * 300_000),
                     "target": ("t.conll", GOOD_TGT.encode())}, env={"PROJ_MAX_UPLOAD_MB": "1"},
                    needles=("big.conll", "over the limit", "PROJ_MAX_UPLOAD_MB"))),
    Attack("upload-session-total", "upload", "three files each under the limit, together over "
           "PROJ_SESSION_MB", "refused naming the setting",
           _uploads({"source": ("s.conll", b"a\tO\n" * 200_000),
                     "target": ("t.conll", b"a\tO\n" * 200_000),
                     "alignment": ("a.txt", b"0-0\n" * 200_000)},
                    env={"PROJ_SESSION_MB": "2"}, needles=("PROJ_SESSION_MB", "session"))),
    Attack("upload-binary", "upload", "a binary file (NUL bytes)", "'binary', no bytes shown",
           _uploads({"source": ("x.bin", b"\x7fELF\x00\x01" + os.urandom(64)),
                     "target": ("t.conll", GOOD_TGT.encode())}, needles=("x.bin", "binary"))),
    Attack("upload-not-utf8", "upload", "random bytes without NUL (not UTF-8)",
           "'not valid UTF-8' naming the line",
           _uploads({"source": ("y.conll", bytes(range(128, 256)) * 8),
                     "target": ("t.conll", GOOD_TGT.encode())}, needles=("y.conll:1", "UTF-8"))),
    Attack("upload-huge-token", "upload", "one 2 MB token without a label (quoted back)",
           "error cut to a few hundred characters",
           _uploads({"source": ("h.conll", b"A" * 2_000_000 + b"\n"),
                     "target": ("t.conll", GOOD_TGT.encode())}, needles=("h.conll:1",))),
    # -- crafted run files ------------------------------------------------------------------
    Attack("manifest-wrong-types", "run files", "manifest.json fields of the wrong types",
           "pages render, no exception", _crafted(_json_edit("manifest.json", _wrong_types))),
    Attack("metrics-wrong-types", "run files", "metrics.json fields of the wrong types",
           "pages render", _crafted(_json_edit("metrics.json", _wrong_metric_types))),
    Attack("metrics-huge-numbers", "run files", "metrics with 1e308, 10**40, negative counts",
           "pages render", _crafted(_json_edit("metrics.json", _huge_numbers))),
    Attack("metrics-infinity-nan", "run files", "metrics with Infinity and NaN literals",
           "pages render", _crafted(_json_file(
               "metrics.json", '{"overall": {"f1": Infinity, "precision": NaN}, '
               '"proj_ratio": -Infinity}'))),
    Attack("metrics-huge-int-literal", "run files", "a 5,000-digit integer in metrics.json",
           "listed as unreadable", _crafted(_json_file(
               "metrics.json", '{"proj_ratio": ' + "9" * 5000 + "}"))),
    Attack("manifest-deep-nesting", "run files", "manifest.json nested 100,000 deep",
           "listed as unreadable", _crafted(_json_file(
               "manifest.json", "[" * 100_000 + "]" * 100_000))),
    Attack("metrics-deep-nesting", "run files", "metrics.json nested 100,000 deep (manifest "
           "checksum matching)", "listed as unreadable",
           _crafted(_json_file("metrics.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"))),
    Attack("parquet-not-parquet", "run files", "sentences.parquet of random bytes (checksum "
           "matching)", "a clear error on the inspector", _crafted(_not_parquet)),
    Attack("parquet-wrong-columns", "run files", "a valid parquet without the expected "
           "columns", "a clear error", _crafted(_parquet(
               lambda df: df[["index"]].rename(columns={"index": "x"})))),
    Attack("parquet-hostile-ids", "run files", "a parquet whose sentence ids and words hold "
           "markdown and tags", "shown as text", _crafted(_parquet(_hostile_ids),
                                                         markup=True)),
    Attack("parquet-deep-record", "run files", "a record column nested 50,000 deep",
           "a clear error", _crafted(_parquet(_deep_record),
                                     pages=("pages/inspector.py", "pages/compare.py"))),
]


@dataclass(frozen=True)
class Outcome:
    blocked: bool
    leaked: int
    detail: str


def run_attack(row: Attack, tmp: Path) -> Outcome:
    """Run one row in a fresh sandbox under ``tmp``."""
    site = build_site(tmp)
    try:
        texts = row.call(site)
    except Breach as exc:
        return Outcome(False, 0, str(exc)[:300])
    n = leaked(texts)
    return Outcome(n == 0, n, f"{len(texts)} texts shown")
