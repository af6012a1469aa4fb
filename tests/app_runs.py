"""A small runs root for the app tests, built with fake components (no models, a few seconds).

``build_runs(root)`` writes, over the committed demo corpus:

- ``pt`` intrinsic heuristic runs with four fake aligners (``match``, ``diag``, ``prefix``,
  ``union``) — the compare page's sibling group;
- one ``pt`` intrinsic ``candidates-ngram-greedy`` run (candidates with score components);
- one ``de`` intrinsic heuristic run;
- one ``pt`` back-translation run and one ``pt`` EasyProject translate-train run (markers);
- ``pt-xss``: a translate-test run from a pre-translated input file whose words include the
  token ``<img src=x onerror=alert(1)>`` (sentence id ``xss-1``) — it must render as text.

The fake aligners are deterministic stand-ins; ``prefix`` also gives per-link scores.
Used by tests/test_app_*.py (AppTest) and tests/e2e/conftest.py (browser tests).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from core.config import RunConfig
from core.pipeline import Components, execute
from core.types import Alignment, Span


class _Fake:
    name = "fake"

    @property
    def signature(self) -> str:
        return f"app-test-{self.name}-v1"

    def align(self, pairs):
        return [self.one(list(s), list(t)) for s, t in pairs]

    def one(self, src: list[str], tgt: list[str]) -> Alignment:  # pragma: no cover - abstract
        raise NotImplementedError


class MatchAligner(_Fake):
    """Links words equal ignoring case."""

    name = "match"

    def one(self, src, tgt):
        return Alignment.of([(i, j) for i, s in enumerate(src) for j, t in enumerate(tgt)
                             if s.lower() == t.lower()], self.name)


class DiagAligner(_Fake):
    """Links each source word to the target word at the same relative position."""

    name = "diag"

    def one(self, src, tgt):
        if not src or not tgt:
            return Alignment.of([], self.name)
        return Alignment.of([(i, min(len(tgt) - 1, round(i * len(tgt) / len(src))))
                             for i in range(len(src))], self.name)


class PrefixAligner(_Fake):
    """Links words sharing their first four letters (cognates); scores = shared prefix share."""

    name = "prefix"

    def one(self, src, tgt):
        links, scores = [], {}
        for i, s in enumerate(src):
            for j, t in enumerate(tgt):
                a, b = s.lower(), t.lower()
                if len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4]:
                    n = 0
                    while n < min(len(a), len(b)) and a[n] == b[n]:
                        n += 1
                    links.append((i, j))
                    scores[(i, j)] = round(n / max(len(a), len(b)), 3)
        return Alignment.of(links, self.name, scores=scores)


class UnionAligner(_Fake):
    """Union of ``match`` and ``prefix`` links."""

    name = "union"

    def one(self, src, tgt):
        a = MatchAligner().one(src, tgt)
        b = PrefixAligner().one(src, tgt)
        return Alignment.of(set(a.links) | set(b.links), self.name, scores=b.scores)


class CapsTagger:
    """Tags runs of capitalised words (not sentence-initial) as ORG."""

    signature = "app-test-caps-v1"

    def tag(self, sentences):
        out = []
        for words in sentences:
            spans, k = [], 1
            while k < len(words):
                if words[k][:1].isupper():
                    e = k
                    while e < len(words) and words[e][:1].isupper():
                        e += 1
                    spans.append(Span(k, e, "ORG"))
                    k = e
                else:
                    k += 1
            out.append(spans)
        return out


class EchoTranslator:
    """Returns the text unchanged (markers survive)."""

    name = signature = "app-test-echo"

    def translate(self, texts, src_lang, tgt_lang):
        return list(texts)


ALIGNERS = {"match": MatchAligner, "diag": DiagAligner, "prefix": PrefixAligner,
            "union": UnionAligner}


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


XSS = "<img src=x onerror=alert(1)>"


def _xss_input(path: Path) -> Path:
    lines = [
        {"id": "xss-1", "target_words": ["Ana", "visitou", XSS, "em", "Lisboa", "."],
         "target_labels": ["B-PER", "O", "B-ORG", "O", "B-LOC", "O"],
         "source_words": ["Ana", "visited", XSS, "in", "Lisbon", "."],
         "source_labels": ["B-PER", "O", "B-ORG", "O", "B-LOC", "O"],
         "alignment": "0-0 1-1 2-2 3-3 4-4 5-5"},
        {"id": "xss-2", "target_words": ["<b>bold</b>", "&amp;", "Rio", "."],
         "target_labels": ["O", "O", "B-LOC", "O"],
         "source_words": ["<b>bold</b>", "&amp;", "Rio", "."],
         "source_labels": ["O", "O", "B-LOC", "O"], "alignment": "0-0 1-1 2-2 3-3"},
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def build_runs(root: str | Path, *, limit: int = 20) -> dict[str, str]:
    """Write the runs described in the module docstring under ``root``; returns name -> run id.

    Names: ``pt-<aligner>`` (4 heuristic runs), ``pt-candidates``, ``de-match``, ``pt-bt``,
    ``pt-ep``, ``pt-xss``. The step cache goes to ``root/.cache`` so that user caches are
    untouched.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    ids: dict[str, str] = {}

    def comp(aligner: str = "match") -> Components:
        return Components(translator=EchoTranslator(), tagger=CapsTagger(),
                          aligner=ALIGNERS[aligner]())

    with _env("PROJ_CACHE", str(root / ".cache")):
        for name in ALIGNERS:
            cfg = RunConfig(dataset="demo", lang="pt", limit=limit, aligner=name)
            ids[f"pt-{name}"] = execute(cfg, root, components=comp(name)).name
        cfg = RunConfig(dataset="demo", lang="pt", limit=limit, aligner="prefix",
                        method="candidates-ngram-greedy")
        ids["pt-candidates"] = execute(cfg, root, components=comp("prefix")).name
        cfg = RunConfig(dataset="demo", lang="de", limit=limit, aligner="match")
        ids["de-match"] = execute(cfg, root, components=comp("match")).name
        cfg = RunConfig(dataset="demo", lang="pt", limit=limit, aligner="match",
                        back_translation=True)
        ids["pt-bt"] = execute(cfg, root, components=comp("match")).name
        cfg = RunConfig(dataset="demo", lang="pt", limit=limit, pipeline="translate-train",
                        easyproject=True)
        ids["pt-ep"] = execute(cfg, root, components=comp("match")).name
        cfg = RunConfig(pipeline="translate-test", lang="pt", name="xss",
                        input=str(_xss_input(root / ".inputs" / "xss.jsonl")))
        ids["pt-xss"] = execute(cfg, root, components=comp("match")).name
    return ids


def app_opener(app: str, page: str, root: Path, monkeypatch, tmp_path: Path):
    """``open(**query_params)`` -> an AppTest that has run ``page`` once with only ``root``
    configured as runs root (the committed data/runs hidden)."""
    import ui.runs
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROJ_RUNS", str(root))
    monkeypatch.setattr(ui.runs, "DEFAULT_ROOT", tmp_path / "no-committed-runs")

    def _open(**qp: str) -> AppTest:
        at = AppTest.from_file(app, default_timeout=30)
        at.switch_page(page)
        for k, v in qp.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return _open
