"""The command line: runs via injected components are covered in test_pipeline; here the
commands themselves, the reported import and error handling."""

from core.cli import main
from core.reported import import_reported
from core.runs import read_run


def test_import_reported_matches_the_published_averages(datasets, tmp_path) -> None:
    ids = import_reported(datasets / "politov2025_results", tmp_path)
    assert len(ids) == 507 + 234 + 21 and len(set(ids)) == len(ids)
    runs = [read_run(tmp_path, i) for i in ids]
    assert all(r.kind == "reported" and r.manifest["citation"] for r in runs)

    def mean_f1(dataset, method, aligner, bt=False):
        vals = [r.metrics["overall"]["f1"] for r in runs
                if r.metrics["run"]["dataset"] == dataset and r.metrics["run"]["method"] == method
                and r.metrics["run"]["aligner"] == aligner
                and r.metrics["run"]["back_translation"] == bt]
        return round(100 * sum(vals) / len(vals), 2), len(vals)

    # METHOD.md §6 averages
    assert mean_f1("wikiann_panx", "heuristic", "mbert:awesome") == (41.53, 39)
    assert mean_f1("masakhaner2", "heuristic", "mbert:awesome") == (67.29, 18)
    assert mean_f1("europarl_ner", "candidates-ngram-greedy", "mbert:awesome") == (89.27, 3)
    assert mean_f1("wikiann_panx", "heuristic", "mbert:awesome", bt=True) == (34.58, 39)
    # re-import skips what exists
    assert import_reported(datasets / "politov2025_results", tmp_path) == []


def test_cli_lists_shows_and_compares(datasets, tmp_path, capsys) -> None:
    assert main(["--runs", str(tmp_path), "import-reported", "--csv-dir",
                 str(datasets / "politov2025_results")]) == 0
    assert main(["--runs", str(tmp_path), "runs", "list", "--kind", "reported"]) == 0
    out = capsys.readouterr().out
    assert "paper-europarl_ner-de-intrinsic-mbert-awesome-heuristic" in out and "81.87" in out
    assert main(["--runs", str(tmp_path), "runs", "compare",
                 "paper-europarl_ner-de-intrinsic-mbert-awesome-heuristic",
                 "paper-europarl_ner-de-intrinsic-mbert-awesome-candidates-ngram-greedy"]) == 0
    out = capsys.readouterr().out
    assert "81.87" in out and "92.03" in out


def test_cli_errors_are_one_line_with_exit_2(tmp_path, capsys) -> None:
    assert main(["--runs", str(tmp_path), "run", "--set", "langg=de"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: setting 'langg'") and "Traceback" not in err
    assert main(["--runs", str(tmp_path), "runs", "show", "../etc"]) == 2
    assert "invalid run id" in capsys.readouterr().err
    assert main(["--runs", str(tmp_path), "run", "--set", "lang=de", "--shard", "x"]) == 2


def test_dry_run_lists_the_matrix(tmp_path, capsys) -> None:
    assert main(["--runs", str(tmp_path), "run", "--dry-run", "--set", "lang=[de;es]",
                 "--set", "method=[heuristic;easy_label]"]) == 0
    assert capsys.readouterr().err.count("run demo-") == 4
    assert not list(tmp_path.iterdir())


def test_datasets_commands(datasets, capsys) -> None:
    assert main(["--datasets", str(datasets), "datasets", "check", "europarl_ner"]) == 0
    assert "ok=3" in capsys.readouterr().out
    assert main(["datasets", "list"]) == 0
    assert "masakhaner2" in capsys.readouterr().out


def test_runs_list_shows_the_committed_runs_by_default(capsys) -> None:
    from core.cli import main

    assert main(["runs", "list", "--kind", "reported"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["run_id", "kind"]
    assert len(lines) > 700 and all(" reported " in line for line in lines[1:])
