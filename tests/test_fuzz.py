"""Property tests (hypothesis, bounded example counts): the CoNLL reader, IOB2 <-> spans and
every projector in the registry never crash except with ProjectError, and their invariants hold."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ProjectError
from core.labels import normalise_tags, spans_to_tags, tags_to_spans
from core.projection.registry import PROJECTORS, get_projector
from core.types import Alignment, Reason, Span

FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
TYPES = ["PER", "ORG", "LOC", "MISC"]
TAGS = ["O"] + [f"{p}-{t}" for p in "BI" for t in TYPES]

# words: printable text without whitespace or control characters (what a tokeniser emits)
word = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
                             blacklist_characters="\ufeff\x85\x1c\x1d\x1e\x1f"),
               min_size=1, max_size=8)
garbage_line = st.text(max_size=20)


@st.composite
def tagged_sentences(draw, max_sentences: int = 4, max_len: int = 8):
    sents = []
    for _ in range(draw(st.integers(1, max_sentences))):
        n = draw(st.integers(1, max_len))
        sents.append((draw(st.lists(word, min_size=n, max_size=n)),
                      draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n))))
    return sents


def _read(text: str | bytes):
    from core.readers.conll import read_conll

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.conll"
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        return read_conll(p, strip_lang_prefix=False)


@FAST
@given(tagged_sentences())
def test_valid_conll_round_trips(sents) -> None:
    text = "".join("".join(f"{w}\t{t}\n" for w, t in zip(ws, ts)) + "\n" for ws, ts in sents)
    out = _read(text)
    assert [list(s.words) for s in out] == [ws for ws, _ in sents]
    # labels come back normalised to IOB2 (repair=True), and the entities are unchanged
    assert [list(s.labels) for s in out] == [normalise_tags(ts) for _, ts in sents]


@FAST
@given(st.lists(garbage_line, max_size=8), st.binary(max_size=30))
def test_garbage_never_crashes_the_reader(lines, raw) -> None:
    for data in ("\n".join(lines), raw):
        try:
            out = _read(data)
        except ProjectError as exc:
            assert "f.conll" in str(exc)
            continue
        for s in out:
            assert len(s.words) == len(s.labels) and all(w.strip() for w in s.words)
            tags_to_spans(s.labels, repair=False)  # the reader's output is valid IOB2


@FAST
@given(st.lists(st.sampled_from(TAGS + ["E-PER", "S-LOC", "L-ORG", "U-MISC"]), max_size=20))
def test_iob2_span_invariants(tags) -> None:
    spans = tags_to_spans(tags)
    assert all(0 <= s.start < s.end <= len(tags) for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # sorted, no overlap
    back = spans_to_tags(spans, len(tags))
    assert tags_to_spans(back) == spans and tags_to_spans(back, repair=False) == spans
    assert back == normalise_tags(tags) or not all(t[0] in "OBI" for t in tags)


@st.composite
def projection_inputs(draw):
    n_src = draw(st.integers(1, 12))
    n_tgt = draw(st.integers(1, 12))
    links = draw(st.lists(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                          max_size=30))
    cuts = sorted(draw(st.sets(st.integers(0, n_src), max_size=8)))
    ents = []
    for a, b in zip(cuts, cuts[1:]):
        if draw(st.booleans()):
            ents.append(Span(a, b, draw(st.sampled_from(TYPES))))
    tcuts = sorted(draw(st.sets(st.integers(0, n_tgt), max_size=6)))
    ner = [Span(a, b, draw(st.sampled_from(TYPES))) for a, b in zip(tcuts, tcuts[1:])
           if draw(st.booleans())]
    src = [f"s{k}" for k in range(n_src)]
    tgt = draw(st.lists(st.sampled_from(["t", ",", ".", "(", "x", "y"]), min_size=n_tgt,
                        max_size=n_tgt))
    return src, tgt, ents, Alignment.of(links), ner


PROJECTOR_OBJS = {name: get_projector(name) for name in PROJECTORS}


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(projection_inputs())
def test_every_projector_keeps_its_invariants(data) -> None:
    src, tgt, ents, alignment, ner = data
    for name, proj in PROJECTOR_OBJS.items():
        kw = {"ner_spans": ner} if "-ner-" in name else {}
        out = proj.project(ents, alignment, tgt, src_words=src, **kw)
        assert len(out) == len(ents), name
        assert sorted(p.entity for p in out) == list(range(len(ents))), name
        targets = sorted(t for p in out for t in p.targets)
        assert all(0 <= t.start < t.end <= len(tgt) for t in targets), name
        assert all(a.end <= b.start for a, b in zip(targets, targets[1:])), (name, targets)
        for p in out:
            assert isinstance(p.reason, Reason), name
            assert (p.reason == Reason.PROJECTED) == p.projected or p.reason == Reason.MERGED, \
                (name, p)
            assert all(t.label == p.source.label for t in p.targets), name
