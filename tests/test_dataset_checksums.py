"""data/datasets.sha256: the registry's checksums live in a sha256sum-format file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.cache import sha256_file
from core.datasets import CHECKSUMS_FILE, DATASETS, read_checksums
from core.errors import ProjectError

# a few files of different datasets and formats (conll, pharaoh, parallel, tsv)
SAMPLE = ("masakhaner2/swa/test.txt", "europarl_ner/de-europarl.test.conll02",
          "conll2003_deepl/en2de/alignments/DeepL.50000.awesome.test.talp",
          "mafand_mt/en-swa/dev.swa", "menyo20k_en_yo/dev.tsv")


def test_checksum_file_parses_and_feeds_the_registry() -> None:
    sums = read_checksums()
    registered = {rel: h for spec in DATASETS.values() for rel, h in spec.sha256.items()}
    assert set(sums) <= set(registered), set(sums) - set(registered)
    assert all(registered[rel] == h for rel, h in sums.items())
    # every registered file has a checksum except the few with no upstream copy to hash
    unhashed = sorted(rel for rel, h in registered.items() if h is None)
    assert len(sums) + len(unhashed) == len(registered)
    assert len(unhashed) < 10 and "demo/en.conll" in unhashed  # bundled: no upstream copy
    assert set(SAMPLE) <= set(sums)


@pytest.mark.parametrize("line,problem", [
    ("abc  masakhaner2/swa/test.txt", "not a sha256sum line"),
    ("A" * 64 + "  upper/case.txt", "not a sha256sum line"),
    ("a" * 64 + " no-second-space.txt", "not a sha256sum line"),
    ("a" * 64 + "  ", "not a sha256sum line"),
])
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    f = tmp_path / "bad.sha256"
    f.write_text("b" * 64 + "  ok.txt\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=problem) as err:
        read_checksums(f)
    assert err.value.line == 2 and err.value.path == str(f)


def test_binary_marker_and_duplicates(tmp_path: Path) -> None:
    f = tmp_path / "sums"
    f.write_text("c" * 64 + " *a/b.txt\n", encoding="utf-8")
    assert read_checksums(f) == {"a/b.txt": "c" * 64}
    f.write_text("c" * 64 + "  a.txt\n" + "d" * 64 + "  a.txt\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="listed twice") as err:
        read_checksums(f)
    assert err.value.line == 2


def test_sha256sum_agrees_on_present_files(datasets: Path, tmp_path: Path) -> None:
    """`sha256sum -c` (GNU coreutils) accepts the file's lines for real dataset files, and our
    own hashing agrees; a tampered line makes it fail."""
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) not installed")
    sums = read_checksums()
    lines = [line for line in CHECKSUMS_FILE.read_text(encoding="utf-8").splitlines()
             if line.split("  ", 1)[1] in SAMPLE]
    assert len(lines) == len(SAMPLE)
    subset = tmp_path / "subset.sha256"
    subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok = subset.read_text(encoding="utf-8")
    done = subprocess.run(["sha256sum", "-c", "--strict", str(subset)], cwd=datasets,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(done.stdout.splitlines()) == sorted(f"{rel}: OK" for rel in SAMPLE)
    for rel in SAMPLE:
        assert sha256_file(datasets / rel) == sums[rel]
    subset.write_text(ok.replace(lines[0][:64], "0" * 64), encoding="utf-8")
    bad = subprocess.run(["sha256sum", "-c", str(subset)], cwd=datasets,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and f"{lines[0][66:]}: FAILED" in bad.stdout
