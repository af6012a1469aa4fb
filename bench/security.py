"""Security figures (issue 15): the attack matrix of bench/attacks.py, then the work
queue under four browser sessions that submit a Your-data run at the same moment on a served
app.

    python bench/security.py [--sessions 4] [--sentences 12] [--skip-queue]

The served app: ``streamlit run app.py`` bound to 127.0.0.1 (only ever reached there) with
``PROJ_SERVED=1``, which makes the access policy treat it exactly as an app bound to a lab's
network address (``core/access.py``): files on the server are off, only uploads work. One
queue worker (``PROJ_WORKERS=1``). Each session (its own Chromium context) uploads its own
slice of the demo corpus (English source, Portuguese target, no alignment file: the
me5-small:itermax aligner runs), clicks "Run", and waits for its result; the page then shows
how long the run waited in the queue. Every session must finish without an error.

Last line: ``attacks=<n> blocked=<n> leaked_lines=0 queue_sessions=4 queue_errors=0
queue_max_wait_s=<x>``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from appserver import CHROMIUM, CHROMIUM_ARGS, IDLE, serve  # noqa: E402
SHOTS = REPO / "test-artifacts"
WAITED = re.compile(r"Waited (\d+(?:\.\d+)?) s in the queue, ran (\d+(?:\.\d+)?) s")


def attacks() -> tuple[int, int, int]:
    from bench.attacks import ROWS, run_attack

    blocked = leaked = 0
    with tempfile.TemporaryDirectory(prefix="security-") as tmp:
        for k, row in enumerate(ROWS):
            d = Path(tmp) / f"row{k}"
            d.mkdir()
            out = run_attack(row, d)
            blocked += out.blocked
            leaked += out.leaked
            print(f"{'ok  ' if out.blocked else 'FAIL'} {row.id:36s} {row.surface:15s} "
                  f"{out.detail[:90]}", flush=True)
    return len(ROWS), blocked, leaked


def _blocks(path: Path) -> list[str]:
    return [b for b in path.read_text("utf-8").split("\n\n") if b.strip()]


def served(work: Path):
    """The app as a lab serves it (PROJ_SERVED=1, see the module docstring), on 127.0.0.1."""
    return serve(work, {"PROJ_SERVED": "1", "PROJ_WORKERS": "1",
                        "PROJ_RUNS": str(work / "runs"), "PROJ_CACHE": os.environ.get(
                            "PROJ_CACHE", str(Path.home() / ".cache" / "projection-inspector"))},
                 unset=("PROJ_ALLOWED_DIRS", "PROJ_READ_ONLY"))


async def _session(browser, url: str, k: int, files: list[Path], ready: asyncio.Event,
                   start: asyncio.Event, out: dict, leave: bool = False) -> None:
    """One visitor: upload, click "Run" with the others, wait for the result. A ``leave``
    session names its run "leaver", clicks a second after the others and closes its tab
    while it waits in the queue: its run must never be written."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    rec: dict = {"session": k, "error": None, "saw_queue": False}
    try:
        await page.goto(f"{url}/your_data")
        await page.wait_for_selector(IDLE)
        for label, f in zip(("English source", "Target words"), files):
            box = page.locator('[data-testid="stFileUploader"]').filter(has_text=label)
            for attempt in range(3):  # an upload during a rerun under load may be dropped
                await page.wait_for_selector(IDLE)
                async with page.expect_file_chooser() as chooser:
                    await box.get_by_role("button", name="Upload").last.click()
                await (await chooser.value).set_files(str(f))
                try:
                    await page.get_by_text(f.name, exact=True).first.wait_for(timeout=40_000)
                    break
                except Exception:  # noqa: BLE001 - retried, then reported
                    if attempt == 2:
                        raise
            await page.wait_for_selector(IDLE)
        await page.get_by_text("sentence pairs,").first.wait_for()
        await page.wait_for_selector(IDLE)
        button = page.get_by_role("button", name=re.compile(r"Run 1 projection"))
        await button.wait_for()
        if leave:
            await page.get_by_label("Run name", exact=True).fill("leaver")
            await page.keyboard.press("Enter")
            await page.wait_for_timeout(500)
            await page.wait_for_selector(IDLE)
        ready.set()
        await start.wait()  # every session clicks at the same moment
        if leave:
            await asyncio.sleep(1.0)  # last in line
        t0 = time.perf_counter()
        await button.click()
        if leave:
            await page.get_by_text("waiting in the queue").first.wait_for(timeout=30_000)
            rec["saw_queue"] = True
            return  # the tab closes (finally) while the run waits in line
        while True:
            body = await page.locator('[data-testid="stMain"]').inner_text()
            if "waiting in the queue" in body and not rec["saw_queue"]:
                rec["saw_queue"] = True
                await page.screenshot(path=str(SHOTS / f"security_queue_waiting{k}.png"))
            m = WAITED.search(body)
            if m:
                rec.update(wait_s=float(m.group(1)), run_s=float(m.group(2)),
                           total_s=round(time.perf_counter() - t0, 2))
                break
            if await page.locator('[data-testid="stAlertContentError"]').count():
                rec["error"] = (await page.locator(
                    '[data-testid="stAlertContentError"]').first.inner_text())[:200]
                break
            if await page.locator('[data-testid="stException"]').count():
                rec["error"] = "exception"
                break
            await asyncio.sleep(0.25)
        if rec["error"] is None:
            try:
                await page.get_by_text("Open in inspector").first.wait_for(timeout=60_000)
            except Exception:  # noqa: BLE001 - reported as the session's error
                rec["error"] = "no result link"
        await page.wait_for_selector(IDLE)
        await page.screenshot(path=str(SHOTS / f"security_queue_session{k}.png"), full_page=True)
    except Exception as exc:  # noqa: BLE001 - a session that breaks is a queue error
        rec["error"] = f"{type(exc).__name__}: {exc}"[:200]
        try:
            await page.screenshot(path=str(SHOTS / f"security_queue_session{k}_error.png"))
        except Exception:  # noqa: BLE001 - the page may be gone
            pass
    finally:
        await context.close()
        out[k] = rec


async def _sessions(url: str, inputs: list[list[Path]]) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {}
    start = asyncio.Event()
    ready = [asyncio.Event() for _ in inputs]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        try:
            tasks = [asyncio.create_task(_session(browser, url, k, files, ready[k], start, out,
                                                  leave=k == len(inputs) - 1))
                     for k, files in enumerate(inputs)]
            # every session has its files checked before anyone clicks (or has failed)
            waits = [asyncio.ensure_future(r.wait()) for r in ready]
            all_ready = asyncio.gather(*waits)
            await asyncio.wait([all_ready, asyncio.gather(*tasks)],
                               timeout=300, return_when=asyncio.FIRST_COMPLETED)
            all_ready.cancel()
            await asyncio.sleep(0.5)
            start.set()
            await asyncio.gather(*tasks)
        finally:
            await browser.close()
    return out


def queue_check(sessions: int, sentences: int) -> tuple[int, int, float]:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found (apt-get install chromium)")
    src, tgt = _blocks(REPO / "data/demo/en.conll"), _blocks(REPO / "data/demo/pt.conll")
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="security-queue-") as tmp:
        work = Path(tmp)
        inputs = []
        for k in range(sessions + 1):  # the last one leaves (closes its tab) while queued
            d = work / f"session{k}"
            d.mkdir()
            lo = (k * sentences) % max(1, len(src) - sentences)
            (d / f"en-{k}.conll").write_text("\n\n".join(src[lo:lo + sentences]) + "\n", "utf-8")
            (d / f"pt-{k}.conll").write_text("\n\n".join(tgt[lo:lo + sentences]) + "\n", "utf-8")
            inputs.append([d / f"en-{k}.conll", d / f"pt-{k}.conll"])
        with served(work) as url:
            out = asyncio.run(_sessions(url, inputs))
            time.sleep(5)  # time enough for the leaver's run, had it not been cancelled
        leaver = out.pop(sessions, {"error": "did not run"})
        for k in sorted(out):
            print(f"session {k}: {out[k]}", flush=True)
        errors = sum(1 for r in out.values() if r.get("error"))
        errors += sessions - len(out)
        waits = [r.get("wait_s", 0.0) for r in out.values()]
        print(f"sessions that saw their place in the queue: "
              f"{sum(r.get('saw_queue', False) for r in out.values())}/{sessions}")
        written = sorted(p.name for p in (work / "runs").glob("leaver-*"))
        cancelled = not written and leaver.get("saw_queue") and not leaver.get("error")
        print(f"closed tab while queued: {leaver}; its run written: {written or 'no'} -> "
              f"closed_tab_cancelled={int(bool(cancelled))}/1", flush=True)
    return sessions, errors, max(waits, default=0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--sentences", type=int, default=12, help="sentence pairs per session")
    ap.add_argument("--skip-queue", action="store_true")
    args = ap.parse_args()
    n, blocked, leaked = attacks()
    print(f"matrix: {n} attacks, {blocked} blocked, {leaked} secret lines shown")
    sessions, errors, max_wait = (0, 0, 0.0) if args.skip_queue else \
        queue_check(args.sessions, args.sentences)
    print(f"attacks={n} blocked={blocked} leaked_lines={leaked} queue_sessions={sessions} "
          f"queue_errors={errors} queue_max_wait_s={max_wait:.1f}")


if __name__ == "__main__":
    main()
