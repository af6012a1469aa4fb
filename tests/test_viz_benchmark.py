"""The dashboard's benchmark view (core.viz.benchmark): paper table, marks, LaTeX, coverage,
per-language dumbbell and family bars, on hand-written run summaries."""

from __future__ import annotations

import math

import pytest
from test_viz_dashboard import ours, reported, validated

from core.viz import benchmark as b
from core.viz import dashboard as d


def _frame():
    return d.runs_frame([
        ours("de", "me5-small:itermax", "heuristic", 0.80, dataset="europarl_ner"),
        ours("de", "eflomal", "heuristic", 0.70, dataset="europarl_ner"),
        ours("de", "me5-small:itermax", "candidates-ngram-greedy", 0.90,
             dataset="europarl_ner"),
        ours("es", "me5-small:itermax", "heuristic", 0.60, dataset="europarl_ner"),
        reported("de", "mbert:itermax", "heuristic", 0.85, pipeline="intrinsic",
                 dataset="europarl_ner"),
        reported("es", "mbert:itermax", "heuristic", 0.50, pipeline="intrinsic",
                 dataset="europarl_ner"),
        reported("it", "mbert:itermax", "heuristic", 0.75, pipeline="intrinsic",
                 dataset="europarl_ner"),
        reported("it", None, None, 0.65, pipeline="model-transfer", dataset="europarl_ner"),
        ours("pt", "a", "heuristic", 0.4, dataset="demo"),
        ours("sw", "a", "heuristic", 0.3, dataset="demo"),
    ])


def test_benchmarks_put_the_one_with_ours_beside_reported_first() -> None:
    assert b.benchmarks(_frame()) == ["Europarl-NER", "Demo corpus"]


def test_paper_table_best_per_family_with_difference_and_means() -> None:
    df = _frame()
    t = b.paper_table(df[df["benchmark"] == "Europarl-NER"])
    assert list(t["language"]) == ["de German", "it Italian", "es Spanish",
                                   "mean (high-resource)", "mean (all languages)"]
    de = t.iloc[0]
    assert de["heuristic · ours"] == pytest.approx(80.0)  # best of itermax and eflomal
    assert de["heuristic · paper"] == pytest.approx(85.0)
    assert de["heuristic · Δ"] == pytest.approx(-5.0)
    assert de["n-gram candidates · ours"] == pytest.approx(90.0)
    assert math.isnan(de["n-gram candidates · paper"])
    it = t.iloc[1]
    assert math.isnan(it["heuristic · ours"]) and it["model transfer · paper"] == 65.0
    mean = t.iloc[-1]
    assert mean["heuristic · ours"] == pytest.approx(70.0)
    assert mean["heuristic · paper"] == pytest.approx(70.0)
    assert mean["heuristic · Δ"] == pytest.approx(2.5)  # mean of -5 and +10 (both sides)
    # the families are the paper's columns, in its order
    assert [c.rsplit(" · ", 1)[0] for c in b.value_columns(t, b.OURS)] == \
        ["model transfer", "heuristic", "n-gram candidates"]


def test_best_marks_and_latex() -> None:
    df = _frame()
    t = b.paper_table(df[df["benchmark"] == "Europarl-NER"])
    marks = b.best_marks(t)
    assert marks.at[0, "n-gram candidates · ours"] and not marks.at[0, "heuristic · paper"]
    assert marks.at[2, "heuristic · ours"]  # es: ours 60 beats the paper's 50
    tex = b.to_latex(t, caption="Europarl_NER: F1 & more")
    assert r"\textbf{90.0}" in tex and r"\multicolumn{3}{c}{n-gram candidates}" in tex
    assert r"Europarl\_NER: F1 \& more" in tex and "$\\Delta$" in tex
    assert tex.count(r"\\") == 2 + len(t) and "--" in tex and "+10.0" in tex


def test_coverage_and_default_family() -> None:
    df = _frame()
    cov = b.coverage(df[df["benchmark"] == "Europarl-NER"])
    row = cov.set_index("language")
    assert row.at["de German", "heuristic"] == "both"
    assert row.at["de German", "n-gram candidates"] == "ours"
    assert row.at["it Italian", "model transfer"] == "paper"
    assert row.at["es Spanish", "model transfer"] == "—"
    assert b.default_family(df[df["benchmark"] == "Europarl-NER"]) == "heuristic"


def test_dumbbell_rows_grow_with_languages_and_click_to_ours() -> None:
    df = _frame()
    fig = validated(b.dumbbell_figure(df[df["benchmark"] == "Europarl-NER"], "heuristic"))
    line, paper, mine = fig.data
    assert list(mine.y) == ["de German", "es Spanish"]
    assert [c[0] for c in mine.customdata] == ["europarl_ner-de-me5-small-itermax-heuristic",
                                               "europarl_ner-es-me5-small-itermax-heuristic"]
    assert {c[1] for c in mine.customdata} == {"de", "es"}
    assert all(c[0] == "" for c in paper.customdata)  # reported runs have nothing to inspect
    assert fig.layout.height >= b.ROW_HEIGHT * 3
    assert len([x for x in line.x if x is not None]) == 4  # de and es have both


def test_family_bars_one_trace_per_family() -> None:
    df = _frame()
    fig = validated(b.family_bars(df))
    assert [t.name for t in fig.data] == ["model transfer", "heuristic", "n-gram candidates"]
    heur = fig.data[1]
    assert list(heur.x[1]) == ["ours", "paper"] * 2  # high, low × ours, paper
    assert heur.y[0] == pytest.approx((80 + 60 + 40) / 3)
    assert len(fig.data) <= len(b.FAMILIES)
