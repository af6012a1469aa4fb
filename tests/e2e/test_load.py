"""Load check: 8 concurrent browser sessions (one Chromium, 8 contexts) click through the
inspector for 60 s. Every page must render without an exception; the p95 latency (navigation
until the app script is idle) is written to test-artifacts/load.json and printed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import random
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, IDLE, _in_ci

SESSIONS = 8
SECONDS = 60.0


async def _session(browser, base: str, paths: list[str], seed: int, deadline: float,
                   latencies: list[float], failures: list[str]) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(90_000)
    try:
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            t0 = time.perf_counter()
            await page.goto(f"{base}/{path}")
            await page.wait_for_selector(IDLE)
            latencies.append(time.perf_counter() - t0)
            if await page.locator('[data-testid="stException"]').count():
                failures.append(f"exception on {path}")
            text = await page.locator('[data-testid="stApp"]').inner_text()
            if "Traceback" in text:
                failures.append(f"traceback on {path}")
    finally:
        await context.close()


async def _load(base: str, paths: list[str]) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    failures: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        deadline = time.monotonic() + SECONDS
        try:
            await asyncio.gather(*(_session(browser, base, paths, k, deadline, latencies,
                                            failures) for k in range(SESSIONS)))
        finally:
            await browser.close()
    return latencies, failures


@pytest.mark.slow
def test_eight_sessions_click_through_the_inspector(app_url, e2e_runs, artifacts):
    if not Path(CHROMIUM).exists():
        if _in_ci():
            pytest.fail(f"{CHROMIUM} not found; CI requires Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not found")
    _, ids = e2e_runs
    run = ids["pt-match"]
    paths = [f"inspector?run={run}&sid=" + urllib.parse.quote(f"demo/pt/test:{k}")
             for k in range(20)]
    paths += [f"inspector?run={ids['pt-candidates']}", f"compare?runs={ids['pt-match']},"
              f"{ids['pt-candidates']}", "dashboard"]
    # its own thread: the sync Playwright fixtures of other tests may own this thread's loop
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        latencies, failures = pool.submit(asyncio.run, _load(app_url, paths)).result()
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    report = {"sessions": SESSIONS, "seconds": SECONDS, "requests": len(latencies),
              "p50_s": round(latencies[len(latencies) // 2], 3), "p95_s": round(p95, 3),
              "max_s": round(latencies[-1], 3), "failures": failures}
    (artifacts / "load.json").write_text(json.dumps(report, indent=2))
    print(f"load check: {report}")
    assert not failures, failures[:5]
    assert len(latencies) >= SESSIONS  # every session completed at least one page
