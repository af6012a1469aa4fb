"""Dashboard builders (core.viz.dashboard) and the language table (core.resources), on
hand-written run summaries plus real runs written by the pipeline and the reported importer."""

from __future__ import annotations

import math
from pathlib import Path

import plotly.graph_objects as go
import pytest

from core.config import RunConfig
from core.pipeline import Components, execute
from core.reported import row_to_run
from core.resources import LANGUAGES, RESOURCE_LEVELS, language_info
from core.runs import RunInfo, list_runs, write_run
from core.types import Alignment
from core.viz import dashboard as d
from core.viz.colors import OUTCOME_COLORS

XTREME = ("af ar bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt "
          "ru sw ta te th tl tr ur vi yo zh").split()
MASAKHANER2 = "bam ewe fon hau ibo kin lug luo mos nya sna swa tsn twi wol xho yor zul".split()


def ours(lang: str, aligner: str, method: str, f1: float, *, pipeline: str = "intrinsic",
         dataset: str = "demo", sentences: int = 10, per_type=None, outcomes=None,
         reasons=None, bt: bool = False, run_id: str | None = None) -> RunInfo:
    run = {"kind": "ours", "dataset": dataset, "lang": lang, "split": "test",
           "pipeline": pipeline, "aligner": aligner, "method": method,
           "back_translation": bt, "signature": f"sig-{lang}-{aligner}-{method}"}
    metrics = {"overall": {"f1": f1, "precision": f1, "recall": f1}, "proj_ratio": 0.9,
               "evaluated": True, "sentences_total": sentences, "run": run,
               "per_type": {t: {"f1": v} for t, v in (per_type or {}).items()},
               "outcomes": outcomes or {}, "reasons": reasons or {}}
    rid = run_id or f"{dataset}-{lang}-{aligner}-{method}".replace(":", "-")
    manifest = {"kind": "ours", "checksums": {"metrics.json": "x", "sentences.parquet": "y"},
                "created": "2026-01-01T00:00:00+00:00"}
    return RunInfo(Path("/runs"), rid, manifest, metrics)


def reported(lang: str, aligner: str, method: str, f1: float, *,
             pipeline: str = "translate-test", dataset: str = "wikiann_panx") -> RunInfo:
    run = {"kind": "reported", "dataset": dataset, "lang": lang, "split": "test",
           "pipeline": pipeline, "aligner": aligner, "method": method,
           "back_translation": False, "citation": "Paper 2025"}
    metrics = {"overall": {"f1": f1}, "per_type": {"PER": {"f1": f1}}, "evaluated": True,
               "run": run}
    rid = f"paper-{dataset}-{lang}-{aligner}-{method}".replace(":", "-")
    return RunInfo(Path("/runs"), rid, {"kind": "reported", "checksums": {"metrics.json": "x"}},
                   metrics)


def validated(fig: go.Figure) -> go.Figure:
    """Run Plotly's full validation on a figure built without it (raises on invalid keys);
    returns the figure itself (its arrays stay numpy arrays for the assertions)."""
    go.Figure(fig.to_dict())
    fig.to_json()
    return fig


# ------------------------------------------------------------------------------- the table


def test_runs_frame_one_row_per_run_with_all_fields() -> None:
    df = d.runs_frame([
        ours("pt", "a:x", "heuristic", 0.5, per_type={"PER": 0.7, "LOC": 0.3},
             outcomes={"gold": {"exact": 3, "boundary": 1, "wrong_type": 0, "missed": 2},
                       "pred": {"exact": 3, "spurious": 4}},
             reasons={"projected": 4, "no_aligned_words": 2}),
        reported("pt", "mbert:awesome", "heuristic", 0.8),
    ])
    assert len(df) == 2
    a, b = df.iloc[0], df.iloc[1]
    assert a["kind"] == "ours" and b["kind"] == "reported"
    assert a["label"] == "heuristic · a:x" and a["method_family"] == "heuristic"
    assert b["label"] == "paper: heuristic · mbert:awesome"
    assert b["method_label"] == "heuristic · mbert:awesome"
    assert a["benchmark"] == "Demo corpus" and b["benchmark"] == "XTREME / WikiANN"
    assert a["lang_name"] == "Portuguese" and a["resource"] == "high" and a["script"] == "Latin"
    assert a["f1_PER"] == 0.7 and a["f1_LOC"] == 0.3 and math.isnan(b["f1_LOC"])
    assert (a["out_exact"], a["out_missed"], a["out_spurious"]) == (3, 2, 4)
    assert a["reason_no_aligned_words"] == 2
    assert bool(a["has_sentences"]) and not bool(b["has_sentences"])
    assert b["citation"] == "Paper 2025"
    assert d.type_columns(df) == ["PER", "LOC"]


def test_unevaluated_run_has_no_scores() -> None:
    info = ours("pt", "a", "heuristic", 0.5)
    info.metrics["evaluated"] = False  # type: ignore[index]
    info.metrics["overall"] = None  # type: ignore[index]
    df = d.runs_frame([info])
    assert math.isnan(df["f1"].iloc[0])
    assert d.heatmap_tables(df)[0].empty


class _Echo:
    name = signature = "echo"

    def translate(self, texts, src, tgt):
        return list(texts)


class _Same:
    name, signature = "same", "same-v1"

    def align(self, pairs):
        return [Alignment.of([(i, j) for i, s in enumerate(a) for j, t in enumerate(b)
                              if s.lower() == t.lower()], "same") for a, b in pairs]


def test_frame_from_real_runs_and_reported_importer(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PROJ_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "runs"
    path = execute(RunConfig(dataset="demo", lang="de", limit=8, aligner="same"), root,
                   components=Components(translator=_Echo(), aligner=_Same()))
    row = {"pipeline_type": "align_src", "aligner": "awesome", "lang": "de",
           "candidate_selection": "", "overall_f1": "0.75", "overall_precision": "0.8",
           "overall_recall": "0.7", "proj_ratio": "0.9", "PER_f1": "0.9",
           "PER_precision": "0.9", "PER_recall": "0.9", "PER_number": "10"}
    rid, manifest, metrics = row_to_run(row, "wikiann_panx", "translate-test")
    write_run(root, rid, manifest, None, metrics)
    df = d.runs_frame(list_runs([root]))
    assert set(df["kind"]) == {"ours", "reported"}
    mine = df[df["kind"] == "ours"].iloc[0]
    stored = list_runs([root])[[r.run_id for r in list_runs([root])].index(path.name)]
    assert mine["f1"] == pytest.approx(stored.metrics["overall"]["f1"])
    assert mine["label"] == "heuristic · same" and mine["sentences"] == 8
    gold = stored.metrics["outcomes"]["gold"]
    assert mine["out_exact"] == gold["exact"] and mine["out_missed"] == gold["missed"]
    theirs = df[df["kind"] == "reported"].iloc[0]
    assert theirs["label"] == "paper: heuristic · mbert:awesome"
    assert theirs["f1"] == 0.75 and theirs["f1_PER"] == 0.9 and not theirs["has_sentences"]


def test_dedupe_keeps_the_run_with_most_sentences() -> None:
    df = d.runs_frame([ours("pt", "a", "m", 0.1, sentences=5, run_id="small"),
                       ours("pt", "a", "m", 0.9, sentences=50, run_id="big"),
                       ours("de", "a", "m", 0.5, run_id="de")])
    out = d.dedupe(df)
    assert sorted(out["run_id"]) == ["big", "de"]
    assert int(out.loc[out["run_id"] == "big", "n_runs"].iloc[0]) == 2


# ------------------------------------------------------------------------------- heatmap


def _grid():
    return d.runs_frame([
        ours("pt", "a", "heuristic", 0.60), ours("pt", "a", "easy_label", 0.70),
        ours("sw", "a", "heuristic", 0.30), ours("sw", "a", "easy_label", 0.20),
        reported("pt", "mbert:awesome", "heuristic", 0.80),
    ])


def test_heatmap_tables_absolute_and_baseline_difference() -> None:
    df = _grid()
    values, ids, langs = d.heatmap_tables(df, mean=False)
    # high before low; the paper's pt row is another data set, so another row
    assert list(values.index) == ["pt Portuguese (demo)", "pt Portuguese (wikiann_panx)",
                                  "sw Swahili"]
    assert values.columns[-1].startswith(d.PAPER_PREFIX)  # ours first, then paper
    h, e = "heuristic · a", "heuristic · a · García-Ferrero"
    pt, paper = "pt Portuguese (demo)", "pt Portuguese (wikiann_panx)"
    assert values.at[pt, h] == pytest.approx(60.0)
    assert values.at[paper, values.columns[-1]] == pytest.approx(80.0)
    assert math.isnan(values.at[paper, h])
    assert ids.at[pt, h] == "demo-pt-a-heuristic"
    assert ids.at[paper, values.columns[-1]] == ""  # reported: nothing to inspect
    assert langs.at["sw Swahili", e] == "sw"
    diff, _, _ = d.heatmap_tables(df, baseline=h, mean=True)
    assert diff.at[pt, e] == pytest.approx(10.0)
    assert diff.at["sw Swahili", e] == pytest.approx(-10.0)
    assert diff.at[pt, h] == pytest.approx(0.0)
    assert diff.at[d.MEAN, e] == pytest.approx(0.0)  # mean of +10 and -10
    assert math.isnan(diff.at["sw Swahili", values.columns[-1]])


def test_heatmap_figure_click_targets_and_colour_scales() -> None:
    df = _grid()
    fig = validated(d.heatmap_figure(df))
    heat, targets = fig.data
    assert heat.type == "heatmap" and heat.texttemplate == "%{z:.1f}"
    assert fig.layout.coloraxis.colorscale == "Cividis"  # colour-blind safe
    custom = {tuple(c) for c in targets.customdata}
    assert custom == {("demo-pt-a-heuristic", "pt"), ("demo-pt-a-easy_label", "pt"),
                      ("demo-sw-a-heuristic", "sw"), ("demo-sw-a-easy_label", "sw")}
    assert fig.layout.clickmode == "event+select"
    diff = validated(d.heatmap_figure(df, baseline="heuristic · a"))
    axis = diff.layout.coloraxis
    assert axis.cmid == 0 and axis.cmin == -axis.cmax
    assert axis.colorscale == "RdBu"


def test_per_type_figure_means_over_languages() -> None:
    df = d.runs_frame([ours("pt", "a", "h", 0.6, per_type={"PER": 0.8, "ORG": 0.2}),
                       ours("de", "a", "h", 0.6, per_type={"PER": 0.6})])
    per, org = validated(d.per_type_figure(df)).data
    assert (per.name, org.name) == ("PER", "ORG")
    assert list(per.x) == ["other · a"]
    assert per.y[0] == pytest.approx(70.0) and org.y[0] == pytest.approx(20.0)
    assert (per.customdata[0], org.customdata[0]) == (2, 1)


def test_outcomes_figure_shares_add_up() -> None:
    out = {"gold": {"exact": 6, "boundary": 2, "wrong_type": 0, "missed": 1},
           "pred": {"exact": 6, "spurious": 1}}
    df = d.runs_frame([ours("pt", "a", "h", 0.6, outcomes=out), reported("pt", "b", "h", 0.5)])
    fig = validated(d.outcomes_figure(df))
    assert [t.name for t in fig.data] == ["exact", "boundary", "wrong type", "missed",
                                          "spurious"]
    assert sum(t.x[0] for t in fig.data) == pytest.approx(100.0)
    assert fig.data[0].x[0] == pytest.approx(60.0)
    assert fig.data[0].marker.color == OUTCOME_COLORS["exact"]
    assert list(fig.data[0].y) == ["other · a"]  # the reported run has no outcomes
    reasons = validated(d.reasons_figure(d.runs_frame([ours(
        "pt", "a", "h", 0.6, reasons={"projected": 3, "length_ratio": 1})])))
    assert [t.name for t in reasons.data] == ["projected", "length ratio"]
    assert reasons.data[0].x[0] == pytest.approx(75.0)


def test_empty_selection_gives_message_figures() -> None:
    empty = d.runs_frame([])
    for name, fig in d.dashboard_figures(empty).items():
        fig = validated(fig)
        assert not fig.data and fig.layout.annotations, name


# ------------------------------------------------------------------------------- resources


def test_language_table_covers_the_papers_datasets() -> None:
    for code in [*XTREME, *MASAKHANER2, "en", "de", "es", "it", "pt", "fr", "sw"]:
        info = language_info(code)
        assert info.resource in RESOURCE_LEVELS[:3], code
        assert info.name and info.script != "unknown" and info.family != "unknown", code
    assert len(set(XTREME)) == 39 and len(set(MASAKHANER2)) == 18
    assert language_info("ar").script == "Arabic" and language_info("yor").resource == "low"
    unknown = language_info("xx")
    assert unknown.resource == "unknown" and unknown.name == "xx"
    assert language_info("PT") == LANGUAGES["pt"]


# ------------------------------------------------------------------------------- scale


def test_dashboard_over_600_runs_builds_every_cell() -> None:
    langs = XTREME + MASAKHANER2
    methods = ["heuristic", "easy_label", "candidates-ngram-greedy"]
    aligners = ["me5-small:itermax", "me5-small:awesome", "eflomal"]
    out = {"gold": {"exact": 5, "boundary": 1, "wrong_type": 1, "missed": 2},
           "pred": {"exact": 5, "spurious": 1}}
    runs = [ours(lang, a, m, 0.3 + 0.01 * k, dataset="synthetic", outcomes=out,
                 per_type={"PER": 0.5, "LOC": 0.4}, reasons={"projected": 5})
            for k, lang in enumerate(langs) for a in aligners for m in methods]
    runs += [reported(lang, "mbert:awesome", m, 0.5, dataset="synthetic") for lang in langs
             for m in methods]
    assert len(runs) >= 600
    df = d.runs_frame(runs)  # timings: bench/app_latency.py
    figs = d.dashboard_figures(df, baseline="heuristic · me5-small:itermax")
    for fig in figs.values():
        validated(fig)
    values, ids, _ = d.heatmap_tables(df)
    assert values.shape == (len(langs) + 1, 3 * 3 + 3 + 1)
    assert (ids.iloc[:-1, :9] != "").all().all()


def test_heatmap_puts_many_methods_on_the_rows() -> None:
    runs = [ours(lang, f"a{k}", "heuristic", 0.5) for lang in ("pt", "de") for k in range(14)]
    df = d.runs_frame(runs)
    fig = validated(d.heatmap_figure(df))
    heat, targets = fig.data
    assert list(heat.x) == ["de German", "pt Portuguese", d.MEAN]
    assert len(heat.y) == 15 and heat.y[-1] == d.MEAN
    assert list(fig.layout.yaxis.ticktext[:2]) == ["a0", "a1"]
    assert len(targets.customdata) == 28
    assert {tuple(c)[1] for c in targets.customdata} == {"pt", "de"}
    wide = validated(d.heatmap_figure(df, orientation="languages"))
    assert list(wide.data[0].y) == ["de German", "pt Portuguese", d.MEAN]
