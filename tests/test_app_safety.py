"""App safety (issue 7): HTML built from data is escaped, run ids from the URL are confined to
the configured roots, uploads have a size limit with a clear message, and no module uses
pickle, eval/exec or trust_remote_code=True."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.attacks import all_strings
from core.errors import ProjectError
from core.paths import REPO_ROOT
from core.types import Alignment, Span

HOSTILE = ("<img src=x onerror=alert(1)>", '"><script>alert(1)</script>',
           "<svg/onload=alert(2)>", "' onmouseover='alert(3)", "<iframe src=javascript:1>")
RAW_TAG = re.compile(r"<\s*/?\s*(img|script|svg|iframe)\b", re.I)


def _record():
    """A record whose every word, label and detail is hostile, projected by the heuristic."""
    from core.labels import spans_to_tags
    from core.projection.registry import get_projector
    from core.types import Sentence, SentenceRecord

    src = list(HOSTILE) + ["in", "Lisbon"]
    tgt = list(HOSTILE) + ["em", "Lisboa"]
    ents = [Span(0, 1, "PER"), Span(1, 3, "ORG"), Span(6, 7, "LOC")]
    al = Alignment.of([(k, k) for k in range(7)], '<b onclick="x">aligner</b>')
    projs = get_projector("heuristic").project(ents, al, tgt, src_words=src)
    pred = tuple(t for p in projs for t in p.targets)
    gold = (Span(0, 2, "PER"), Span(6, 7, "LOC"))
    return SentenceRecord(HOSTILE[0], "pt",
                          Sentence(HOSTILE[1], "en", tuple(src), tuple(spans_to_tags(ents, 7))),
                          Sentence(HOSTILE[1], "pt", tuple(tgt), tuple(spans_to_tags(gold, 7))),
                          tuple(ents), al, tuple(projs), pred, gold,
                          translation=" ".join(HOSTILE), marked_translation=f"[ {HOSTILE[0]} ]")


def test_sentence_html_escapes_hostile_words_and_captions() -> None:
    from core.viz.spans import Mark, marked_text_html, sentence_html, sentences_html

    marks = [Mark(0, 2, HOSTILE[1], "#ff0000", title=HOSTILE[3])]
    out = sentence_html(list(HOSTILE), marks, caption=HOSTILE[0], highlight=[1])
    out += sentences_html([(HOSTILE[4], list(HOSTILE), marks)])
    out += marked_text_html(f"[ {HOSTILE[0]} ] and {HOSTILE[1]}")
    assert not RAW_TAG.search(out), RAW_TAG.search(out)
    assert "&lt;img src=x onerror=alert(1)&gt;" in out  # shown as text, not dropped
    # a quote in a title attribute cannot close it
    assert "' onmouseover='" not in out and "&#x27; onmouseover=&#x27;" in out


def test_inspector_view_escapes_everything_it_draws() -> None:
    from core.viz.explain import build_inspector_view, record_html

    rec = _record()
    view = build_inspector_view([rec, rec], ["<script>a</script>", HOSTILE[0]])
    html_out = view.html + record_html(rec)
    assert not RAW_TAG.search(html_out)
    fig_strings = all_strings(view.links.to_plotly_json())
    bad = [s for s in fig_strings if RAW_TAG.search(s)]
    assert not bad, bad[:3]
    assert any("&lt;img" in s for s in fig_strings)  # hostile words are present, escaped
    # tables are rendered by st.dataframe (text cells); still no tag reaches HTML builders
    assert view.why and json.dumps(view.why)


def test_upload_size_limit_has_a_clear_message(monkeypatch) -> None:
    from core.userdata import MAX_MB_ENV, check_upload_size, max_upload_bytes

    monkeypatch.setenv(MAX_MB_ENV, "1")
    assert max_upload_bytes() == 1048576
    check_upload_size("ok.conll", 1048576)
    with pytest.raises(ProjectError) as exc:
        check_upload_size("big.conll", 3 * 1048576)
    msg = str(exc.value)
    assert "big.conll" in msg and "3.0 MB" in msg and "limit of 1 MB" in msg
    assert MAX_MB_ENV in msg
    with pytest.raises(ProjectError, match="empty"):
        check_upload_size("empty.conll", 0)
    monkeypatch.setenv(MAX_MB_ENV, "lots")
    with pytest.raises(ProjectError, match=MAX_MB_ENV):
        max_upload_bytes()


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "..", "a/../../b",
                                 "%2e%2e%2fetc", "run\x00id", "~root"])
def test_run_ids_cannot_escape_the_root(tmp_path, bad) -> None:
    from core.runs import read_run, read_sentences, run_dir

    for fn in (lambda: run_dir(tmp_path, bad), lambda: read_run(tmp_path, bad),
               lambda: read_sentences(tmp_path, bad)):
        with pytest.raises(ProjectError):
            fn()


@pytest.fixture(scope="module")
def app_root(tmp_path_factory) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from app_runs import build_runs

    root = tmp_path_factory.mktemp("safety_runs")
    build_runs(root)
    return root


@pytest.mark.parametrize("page,param", [("pages/inspector.py", "run"),
                                        ("pages/compare.py", "runs")])
@pytest.mark.parametrize("value", ["../../etc/passwd", "/etc/passwd",
                                   "../../../../../../etc/shadow,/etc/hosts"])
def test_query_params_are_confined_to_the_run_roots(app_root, tmp_path, monkeypatch, page,
                                                    param, value) -> None:
    from streamlit.testing.v1 import AppTest

    import core.runs
    import pandas
    import ui.runs

    monkeypatch.setenv("PROJ_RUNS", str(app_root))
    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "none")
    read: list[Path] = []
    real_json, real_parquet = core.runs._read_json, pandas.read_parquet

    def spy_json(path, *a, **k):
        read.append(Path(path).resolve())
        return real_json(path, *a, **k)

    def spy_parquet(path, *a, **k):
        read.append(Path(path).resolve())
        return real_parquet(path, *a, **k)

    monkeypatch.setattr(core.runs, "_read_json", spy_json)
    monkeypatch.setattr(pandas, "read_parquet", spy_parquet)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    at.query_params[param] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert "passwd" in warnings or "shadow" in warnings or "not available" in warnings, \
        warnings
    root = app_root.resolve()
    outside = [p for p in read if root not in p.parents]
    assert not outside, outside


SCAN_DIRS = ("core", "ui", "pages")
FORBIDDEN = {
    "pickle": re.compile(r"\b(import\s+pickle|from\s+pickle\b|pickle\.load|cPickle|dill\b|"
                         r"joblib\.load|torch\.load\()"),
    "eval/exec": re.compile(r"(?<!\.\s)(?<![\w.])(eval|exec)\s*\("),  # not model.eval()
    "trust_remote_code": re.compile(r"trust_remote_code\s*=\s*True"),
}


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """Source lines without comments and docstrings (tokenize-based)."""
    import tokenize

    keep: dict[int, list[str]] = {}
    prev = None
    with open(path, "rb") as f:
        tokens = list(tokenize.tokenize(f.readline))
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            continue
        if tok.type == tokenize.STRING and prev in (tokenize.INDENT, tokenize.NEWLINE,
                                                    tokenize.DEDENT, tokenize.ENCODING, None):
            prev = tok.type
            continue  # a docstring / bare string statement
        if tok.type not in (tokenize.NL, tokenize.ENCODING):
            prev = tok.type
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENCODING, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        keep.setdefault(tok.start[0], []).append(tok.string)
    return [(n, " ".join(parts)) for n, parts in sorted(keep.items())]


def test_no_module_uses_pickle_eval_exec_or_remote_code() -> None:
    files = [REPO_ROOT / "app.py"] + [p for d in SCAN_DIRS for p in (REPO_ROOT / d).rglob("*.py")]
    assert len(files) > 30
    hits = []
    for path in files:
        for n, line in _code_lines(path):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    hits.append(f"{path.relative_to(REPO_ROOT)}:{n}: {what}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_scan_would_catch_a_violation(tmp_path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('"""We never use eval( here."""\n# trust_remote_code=True is banned\n'
                   'x = eval("1")\nimport pickle\nm(trust_remote_code=True)\n', "utf-8")
    found = {what for n, line in _code_lines(bad) for what, p in FORBIDDEN.items()
             if p.search(line)}
    assert found == {"pickle", "eval/exec", "trust_remote_code"}
    lines = dict(_code_lines(bad))
    assert 1 not in lines and 2 not in lines  # docstring and comment are ignored
