"""Robustness figures (issue 7): the bad-input matrix, the kill-and-resume loop and the
corruption checks: the rows of bench/bad_inputs.py and the harness of bench/integrity.py (the
tests run the same).

    python bench/robustness.py [--kills 20] [--seed 7]

Last line: ``bad_inputs=<n> clear_errors=<n> kills=<k> lost_sentences=<0>
corrupt_detected=<m>/<m>``. ``clear_errors`` counts rows that behaved as documented in
docs/robustness.md: a ProjectError naming the file:line or setting, or the documented recovery.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from bench.bad_inputs import ROWS, run_row
    from bench.integrity import corruption_cases, detect_corruption, kill_and_resume, write_driver

    with tempfile.TemporaryDirectory(prefix="robustness-") as tmp:
        tmp_path = Path(tmp)
        ok = errors = recovered = 0
        for k, row in enumerate(ROWS):
            d = tmp_path / f"row{k}"
            d.mkdir()
            try:
                outcome = run_row(row, d)
            except Exception as exc:  # noqa: BLE001 - a failing row is reported, not fatal
                print(f"FAIL {row.id}: {type(exc).__name__}: {exc}")
                continue
            ok += 1
            errors += outcome == "error"
            recovered += outcome == "recovered"
            print(f"ok   {row.id:40s} {outcome}")
        print(f"matrix: {len(ROWS)} rows, {errors} clear errors, {recovered} documented "
              "recoveries")

        stats = kill_and_resume(tmp_path / "kills", kills=args.kills, seed=args.seed)
        print(f"kill-and-resume: {stats}")

        import os

        os.environ["PROJ_CACHE"] = str(tmp_path / "corrupt-cache")
        driver = write_driver(tmp_path)
        run = driver.run(tmp_path / "corrupt")
        cases = corruption_cases()
        detected = 0
        for name, file, damage, reader in cases:
            try:
                msg = detect_corruption(tmp_path / "corrupt", run.name, name, file, damage,
                                        reader)
                detected += file in msg
                print(f"corruption {name}: detected: {msg[:120]}")
            except AssertionError as exc:
                print(f"corruption {name}: NOT detected ({exc})")
    print(f"bad_inputs={len(ROWS)} clear_errors={ok} kills={stats['kills']} "
          f"lost_sentences={stats['lost']} corrupt_detected={detected}/{len(cases)}")


if __name__ == "__main__":
    main()
