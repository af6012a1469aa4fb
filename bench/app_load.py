"""What a person waits for in the app, measured from a real browser (Debian Chromium).

Starts the app on 127.0.0.1 over the committed runs (``data/runs``) and measures, in one run:

1. one session alone on a warm server: the first load of every page (navigation until the
   page's script is idle and its title is shown), "next ▶" on the inspector (click until the
   next sentence is shown), and a change of benchmark on the dashboard (click until the new
   benchmark's table is shown);
2. ``--sessions`` concurrent sessions (one Chromium, one context each) working for
   ``--seconds``: each opens the inspector or the dashboard, then clicks "next ▶" or switches
   benchmarks three times, again and again. Every page load and every click counts as one
   page; an exception on the page or a timeout counts as an error.

Ends with one line::

    sessions=8 p95_page_s=<x> p50_page_s=<x> errors=<n> first_load_max_s=<x> next_sentence_ms=<x> dashboard_switch_ms=<x>

Usage: ``.venv/bin/python bench/app_load.py [--sessions 8] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from appserver import CHROMIUM, CHROMIUM_ARGS, IDLE, serve  # noqa: E402

from core.paths import COMMITTED_RUNS  # noqa: E402
from core.runs import list_runs  # noqa: E402

PAGES = {"": "Projection Inspector", "inspector": "Inspector", "compare": "Compare aligners",
         "dashboard": "Dashboard", "your_data": "Your data", "playground": "Playground"}
BENCHMARKS = ("Europarl-NER", "XTREME / WikiANN", "MasakhaNER2", "Demo corpus")
TIMEOUT_MS = 120_000


def demo_run() -> str:
    """A committed demo run with sentences (the inspector opens on its worst sentence, so
    "next ▶" always has a next one)."""
    runs = sorted((r for r in list_runs([COMMITTED_RUNS]) if r.has_sentences
                   and r.summary.dataset == "demo" and r.summary.lang == "pt"),
                  key=lambda r: r.run_id)
    if not runs:
        raise SystemExit("no committed demo run with sentences in data/runs")
    return runs[0].run_id


def _settled(extra: str = "true") -> str:
    return f"() => !!document.querySelector('{IDLE}') && ({extra})"


_TITLE = ("(t) => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)")
_SENTENCE = ("() => { const h = [...document.querySelectorAll('h3')].find("
             "x => x.innerText.startsWith('Sentence ')); return h ? h.innerText : ''; }")


async def open_page(page, base: str, path: str) -> float:
    """Navigate to ``path`` and wait until the script is idle and the page title shows."""
    title = PAGES[path.split("?")[0]]
    t0 = time.perf_counter()
    await page.goto(f"{base}/{path}")
    await page.wait_for_function(_settled(f"({_TITLE})({title!r})"), timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def next_sentence(page) -> float:
    """Click "next ▶" and wait until another sentence is shown."""
    before = await page.evaluate(_SENTENCE)
    t0 = time.perf_counter()
    await page.locator(".st-key-insp_next button").click()
    await page.wait_for_function(
        _settled(f"({_SENTENCE})() !== {before!r} && ({_SENTENCE})() !== ''"),
        timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def switch_benchmark(page, name: str) -> float:
    """Click a benchmark on the dashboard and wait until the page shows it."""
    t0 = time.perf_counter()
    await page.get_by_role("radio", name=name, exact=True).click()
    quoted = name.replace(" ", "+").replace("/", "%2F")
    await page.wait_for_function(
        _settled(f"location.search.includes('benchmark={quoted}')"), timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def has_exception(page) -> bool:
    return bool(await page.locator('[data-testid="stException"]').count())


async def alone(browser, base: str, run: str) -> dict[str, float]:
    """One session on a warm server: first loads, next-sentence and benchmark-switch times."""
    first: dict[str, float] = {}
    for path in PAGES:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await ctx.new_page()
        target = f"inspector?run={run}" if path == "inspector" else path
        first[path or "home"] = await open_page(page, base, target)
        await ctx.close()
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    await open_page(page, base, f"inspector?run={run}")
    nexts = [await next_sentence(page) for _ in range(6)]
    await open_page(page, base, "dashboard")
    switches = [await switch_benchmark(page, name) for name in (*BENCHMARKS[1:],
                                                                 BENCHMARKS[0])]
    await ctx.close()
    return {**{f"first_{k}": v for k, v in first.items()},
            "next_ms": 1000 * statistics.median(nexts),
            "switch_ms": 1000 * statistics.median(switches)}


async def worker(browser, base: str, run: str, seed: int, deadline: float,
                 times: list[float], errors: list[str]) -> None:
    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    try:
        while time.monotonic() < deadline:
            try:
                if rng.random() < 0.5:  # the worst sentence first, then three more
                    times.append(await open_page(page, base, f"inspector?run={run}"))
                    for _ in range(3):
                        times.append(await next_sentence(page))
                else:
                    times.append(await open_page(page, base, "dashboard"))
                    for name in rng.sample(BENCHMARKS, 3):
                        times.append(await switch_benchmark(page, name))
                if await has_exception(page):
                    errors.append(f"session {seed}: exception shown")
            except Exception as exc:  # noqa: BLE001 - a timeout or crash is an error here
                errors.append(f"session {seed}: {type(exc).__name__}: {str(exc)[:120]}")
    finally:
        await ctx.close()


async def measure(base: str, sessions: int, seconds: float) -> dict[str, float]:
    from playwright.async_api import async_playwright

    run = demo_run()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        try:
            warm = await browser.new_context()  # warm the server's caches once
            page = await warm.new_page()
            for path in PAGES:  # (the playground loads its models on its first visit)
                await open_page(page, base, path)
            await warm.close()
            single = await alone(browser, base, run)
            times: list[float] = []
            errors: list[str] = []
            before = cpu_seconds(base)
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(worker(browser, base, run, k, deadline, times, errors)
                                   for k in range(sessions)))
            after = cpu_seconds(base)
        finally:
            await browser.close()
    times.sort()
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    cpu = {k: after[k] - before[k] for k in before}
    return {**single, **cpu, "pages": len(times), "errors": len(errors),
            "p50": times[len(times) // 2] if times else float("nan"),
            "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan")}


def cpu_seconds(base: str) -> dict[str, float]:
    """CPU seconds used so far by the app server (the process serving ``base``) and by this
    bench's browser (Chromium processes below this process): where the time goes."""
    import psutil

    port = base.rsplit(":", 1)[1]
    server = browser = 0.0
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "streamlit" in cmd and f"--server.port {port}" in cmd:
            t = proc.cpu_times()
            server += t.user + t.system
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name().lower():
                t = proc.cpu_times()
                browser += t.user + t.system
        except psutil.Error:  # a renderer that just exited
            continue
    return {"cpu_server_s": server, "cpu_browser_s": browser}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with serve(Path(tmp), env={"PROJ_RUNS": str(Path(tmp) / "user-runs"),
                                   "PROJ_READ_ONLY": "1"}) as base:
            r = asyncio.run(measure(base, args.sessions, args.seconds))
    firsts = {k[6:]: v for k, v in r.items() if k.startswith("first_")}
    print("first load per page (s): " + ", ".join(f"{k} {v:.2f}" for k, v in firsts.items()))
    print(f"{args.sessions} sessions for {args.seconds:.0f} s: {r['pages']} pages; CPU used: "
          f"app server {r['cpu_server_s']:.0f} s, browser {r['cpu_browser_s']:.0f} s "
          f"(of {2 * args.seconds:.0f} core-seconds on 2 cores, shared with anything else "
          f"running)")
    print(f"sessions={args.sessions} p95_page_s={r['p95']:.2f} p50_page_s={r['p50']:.2f} "
          f"errors={r['errors']} first_load_max_s={max(firsts.values()):.2f} "
          f"next_sentence_ms={r['next_ms']:.0f} dashboard_switch_ms={r['switch_ms']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
