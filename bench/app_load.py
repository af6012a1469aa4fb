"""What a person waits for in the app, measured from a real browser (Debian Chromium).

Starts the app on 127.0.0.1 over the committed runs (``data/runs``) and measures, in one run:

1. one session alone on a warm server: the first load of every page (navigation until the
   page's script is idle, its title is shown and no element is still a loading placeholder),
   "next ▶" on the inspector (click until the next sentence is shown), and a change of
   benchmark on the dashboard (click until the new benchmark's table is shown);
2. ``--sessions`` concurrent sessions (one Chromium, one context each) working for
   ``--seconds``: each works on the inspector (three "next ▶") and on the dashboard (three
   benchmark switches), in turns. Every page load and every click counts as one page; an
   exception on the page or a timeout counts as an error. ``--navigation`` says how a session
   moves between the two pages: ``app``, as a person does, loads the app once (a full document
   load, counted) and then clicks the page in the sidebar; ``reload`` makes every visit a full
   document load, which re-parses the app's scripts each time; ``both`` (the default) runs
   one phase of each. All sessions start at once with an empty browser cache, so their first
   loads share the cores with eight browsers loading the app's scripts; ``--warm`` measures
   returning visitors instead (each session's browser has loaded the app once before the
   clock starts). The browsers run on the same two cores as the app server: most of the CPU
   of a phase is theirs, which the phase's CPU line shows.

Where the time goes, in counters that do not depend on the machine's load: for each kind of
interaction of one session alone, the app server's CPU time, the browser's CPU time, the script
runs it caused (whole page / fragment) and the bytes the server sent over the websocket, by
element type (``--repeat`` measures each kind more often); for the concurrent sessions, p50/p95
per kind of interaction and the CPU split between app server and browser.

Ends with one line (for ``both``: the ``app`` phase; the line before it, prefixed with
``navigation=reload``, is the ``reload`` phase)::

    sessions=8 p95_page_s=<x> p50_page_s=<x> errors=<n> first_load_max_s=<x> next_sentence_ms=<x> dashboard_switch_ms=<x>

Usage: ``.venv/bin/python bench/app_load.py [--sessions 8] [--seconds 60] [--repeat 1] [--warm]
[--navigation app|reload|both]``
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


#: the placeholder Streamlit draws while an element's code is still loading in the browser
SKELETON = '[data-testid="stSkeleton"]'


def _settled(extra: str = "true") -> str:
    """The script is idle, every element is drawn (no placeholder left) and ``extra`` holds."""
    return (f"() => !!document.querySelector('{IDLE}') && "
            f"!document.querySelector('{SKELETON}') && ({extra})")


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


async def open_in_app(page, path: str, extra: str = "true") -> float:
    """Click the page ``path`` in the sidebar (the app's own navigation: no document reload)
    and wait until that page is drawn and idle and ``extra`` holds."""
    title = PAGES[path]
    t0 = time.perf_counter()
    await page.locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]').click()
    await page.wait_for_function(_settled(f"({_TITLE})({title!r}) && ({extra})"),
                                 timeout=TIMEOUT_MS)
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


async def shown_benchmark(page) -> str:
    """The benchmark the dashboard shows (from its URL): a click on it would change nothing,
    so the switches go to the others."""
    name = await page.evaluate("() => new URLSearchParams(location.search).get('benchmark')")
    if name not in BENCHMARKS:
        raise RuntimeError(f"the dashboard shows {name!r}, not one of {BENCHMARKS}")
    return name


async def has_exception(page) -> bool:
    return bool(await page.locator('[data-testid="stException"]').count())


class Probe:
    """Counts what the server sends one page over its websocket: bytes (decompressed), script
    runs by how they ended, and delta bytes per element type (a plotly spec, an arrow table)."""

    def __init__(self, page) -> None:
        self.n: dict[str, float] = {}
        self.cdp = None
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    async def devtools(self, ctx, page) -> "Probe":
        """Also read the page's own main-thread times (script, layout + style) from Chromium's
        performance metrics."""
        self.cdp = await ctx.new_cdp_session(page)
        await self.cdp.send("Performance.enable")
        return self

    def _add(self, key: str, value: float = 1) -> None:
        self.n[key] = self.n.get(key, 0) + value

    def _frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, (bytes, bytearray)):
            return
        self._add("bytes", len(payload))
        try:
            msg = ForwardMsg.FromString(bytes(payload))
        except Exception:  # noqa: BLE001 - not a ForwardMsg: counted as bytes only
            return
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            self._add("fragment_runs" if "FRAGMENT" in status else
                      "early_stops" if "EARLY" in status else "full_runs")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._add(f"el:{msg.delta.new_element.WhichOneof('type')}", len(payload))

    async def snapshot(self) -> dict[str, float]:
        out = dict(self.n)
        if self.cdp is not None:
            m = {x["name"]: x["value"] for x in
                 (await self.cdp.send("Performance.getMetrics"))["metrics"]}
            out["page_script_s"] = m.get("ScriptDuration", 0.0)
            out["page_layout_s"] = m.get("LayoutDuration", 0.0) + m.get("RecalcStyleDuration",
                                                                        0.0)
        return out


class Meter:
    """CPU seconds of the app server process and of this bench's Chromium processes."""

    def __init__(self, base: str) -> None:
        import psutil

        port = base.rsplit(":", 1)[1]
        self.server = [p for p in psutil.process_iter(["cmdline"])
                       if "streamlit" in " ".join(p.info["cmdline"] or [])
                       and f"--server.port {port}" in " ".join(p.info["cmdline"] or [])]
        if not self.server:  # the server's CPU would read as zero
            raise SystemExit(f"bench: no streamlit process on port {port} to measure")
        self.browser: dict[int, float] = {}  # pid -> CPU seconds when last seen (kept on exit)

    def cpu(self) -> dict[str, float]:
        import psutil

        server = sum(t.user + t.system for t in (p.cpu_times() for p in self.server))
        for proc in psutil.Process().children(recursive=True):
            try:
                if "chrom" in proc.name().lower():
                    t = proc.cpu_times()
                    self.browser[proc.pid] = t.user + t.system
            except psutil.Error:  # a renderer that just exited
                continue
        return {"cpu_server_s": server, "cpu_browser_s": sum(self.browser.values())}


async def counted(meter: Meter, probe: Probe, rows: list[dict], kind: str, action) -> float:
    """Run ``action`` (a coroutine returning its wall time) and add one row of counters."""
    c0, n0 = meter.cpu(), await probe.snapshot()
    wall = await action
    await asyncio.sleep(0.3)  # let the last frames and the browser's drawing finish
    c1, n1 = meter.cpu(), await probe.snapshot()
    rows.append({"kind": kind, "wall_s": wall,
                 **{k: c1[k] - c0[k] for k in c0},
                 **{k: n1.get(k, 0) - n0.get(k, 0) for k in set(n1) | set(n0)}})
    return wall


async def alone(browser, base: str, run: str, meter: Meter, repeat: int
                ) -> tuple[dict[str, float], list[dict]]:
    """One session on a warm server: first loads, next-sentence and benchmark-switch times,
    and a row of counters per interaction."""
    rows: list[dict] = []
    first: dict[str, float] = {}
    for path in PAGES:
        for _ in range(repeat):
            ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
            page = await ctx.new_page()
            probe = await Probe(page).devtools(ctx, page)
            target = f"inspector?run={run}" if path == "inspector" else path
            wall = await counted(meter, probe, rows, f"load {path or 'home'}",
                                 open_page(page, base, target))
            first.setdefault(path or "home", wall)
            await ctx.close()
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    probe = await Probe(page).devtools(ctx, page)
    await open_page(page, base, f"inspector?run={run}")
    nexts = [await counted(meter, probe, rows, "next ▶", next_sentence(page))
             for _ in range(3 * repeat)]
    await open_page(page, base, "dashboard")
    start = await shown_benchmark(page)
    switches = []
    for _ in range(repeat):  # every other benchmark, then back: each click changes it
        for name in (*(b for b in BENCHMARKS if b != start), start):
            switches.append(await counted(meter, probe, rows, "benchmark switch",
                                          switch_benchmark(page, name)))
    for _ in range(repeat):  # back and forth with the sidebar, as the concurrent sessions do
        await counted(meter, probe, rows, "open inspector",
                      open_in_app(page, "inspector", f"({_SENTENCE})() !== ''"))
        await counted(meter, probe, rows, "open dashboard", open_in_app(page, "dashboard"))
    await ctx.close()
    return ({**{f"first_{k}": v for k, v in first.items()},
             "next_ms": 1000 * statistics.median(nexts),
             "switch_ms": 1000 * statistics.median(switches)}, rows)


async def worker(ctx, base: str, run: str, seed: int, deadline: float, reload: bool,
                 times: list[tuple[str, float]], errors: list[str]) -> None:
    """One person: the inspector (three "next ▶") and the dashboard (three benchmark
    switches), in turns. With ``reload`` every visit is a full document load (``goto``);
    otherwise the session loads the app once and then moves between the two pages with the
    sidebar, as a person does. The caller closes ``ctx`` (after reading its CPU time)."""
    rng = random.Random(seed)
    page = ctx.pages[0]
    sentence = f"({_SENTENCE})() !== ''"
    on_inspector = rng.random() < 0.5
    first = True
    while time.monotonic() < deadline:
        try:
            if on_inspector:  # the worst sentence first (or where it was left), 3 more
                if reload or first:
                    times.append(("load inspector",
                                  await open_page(page, base, f"inspector?run={run}")))
                else:
                    times.append(("open inspector", await open_in_app(page, "inspector",
                                                                      sentence)))
                for _ in range(3):
                    times.append(("next ▶", await next_sentence(page)))
            else:
                if reload or first:
                    times.append(("load dashboard", await open_page(page, base,
                                                                     "dashboard")))
                else:
                    times.append(("open dashboard", await open_in_app(page, "dashboard")))
                shown = await shown_benchmark(page)
                for name in rng.sample([b for b in BENCHMARKS if b != shown], 3):
                    times.append(("benchmark switch", await switch_benchmark(page, name)))
            if await has_exception(page):
                errors.append(f"session {seed}: exception shown")
        except Exception as exc:  # noqa: BLE001 - a timeout or crash is an error here
            errors.append(f"session {seed}: {type(exc).__name__}: {str(exc)[:120]}")
            first = True  # start over from a clean document
        else:
            first = False
        on_inspector = not on_inspector


async def concurrent(browser, base: str, run: str, sessions: int, seconds: float, warm: bool,
                     reload: bool, meter: "Meter") -> dict:
    """``sessions`` people working at once for ``seconds`` (see :func:`worker`)."""
    times: list[tuple[str, float]] = []
    errors: list[str] = []
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000})
                for _ in range(sessions)]
    for ctx in contexts:
        page = await ctx.new_page()
        if warm:  # a returning visitor: the app's scripts are in the browser's cache
            await open_page(page, base, f"inspector?run={run}")
            await open_page(page, base, "dashboard")
    import psutil

    def busy() -> float:
        t = psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0)

    async def sample() -> None:  # see renderers that start and exit within the phase
        while True:
            meter.cpu()
            await asyncio.sleep(0.5)

    before, machine0 = meter.cpu(), busy()
    deadline = time.monotonic() + seconds
    t0 = time.monotonic()
    sampler = asyncio.create_task(sample())
    # each session finishes the round it is in when the deadline passes: sampled until then,
    # and its browser context stays open until its CPU time is read below
    await asyncio.gather(*(worker(ctx, base, run, k, deadline, reload, times, errors)
                           for k, ctx in enumerate(contexts)))
    sampler.cancel()
    after, machine1 = meter.cpu(), busy()
    wall = time.monotonic() - t0
    for ctx in contexts:
        await ctx.close()
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    return {"times": times, "errors": len(errors), "cpu_machine_s": machine1 - machine0,
            "cpu_capacity_s": wall * (psutil.cpu_count() or 1),
            **{k: after[k] - before[k] for k in before}}


async def measure(base: str, sessions: int, seconds: float, repeat: int, warm: bool,
                  modes: tuple[bool, ...]) -> dict:
    """The session alone, then the concurrent sessions once per mode (``reload`` or not)."""
    from playwright.async_api import async_playwright

    run = demo_run()
    meter = Meter(base)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        try:
            warm_ctx = await browser.new_context()  # warm the server's caches once
            page = await warm_ctx.new_page()
            for path in PAGES:  # (the playground loads its models on its first visit)
                await open_page(page, base, path)
            await open_page(page, base, f"inspector?run={run}")
            await warm_ctx.close()
            single, rows = await alone(browser, base, run, meter, repeat)
            phases = {reload: await concurrent(browser, base, run, sessions, seconds, warm,
                                               reload, meter) for reload in modes}
        finally:
            await browser.close()
    return {"single": single, "rows": rows, "phases": phases}


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank below) of ``values``; NaN when empty."""
    v = sorted(values)
    return v[int(q * (len(v) - 1))] if v else float("nan")


def counters_table(rows: list[dict]) -> list[str]:
    """Median counters per kind of interaction of the session alone."""
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    out = [f"{'one session alone':<18} {'n':>3} {'wall ms':>8} {'server CPU ms':>13} "
           f"{'browser CPU ms':>14} {'page script/layout ms':>21} {'runs full/frag':>14} "
           f"{'KB sent':>8}  largest elements (KB)"]
    for kind in kinds:
        rs = [r for r in rows if r["kind"] == kind]

        def med(key: str) -> float:
            return statistics.median(r.get(key, 0) for r in rs)
        els = sorted(((k[3:], med(k)) for k in {k for r in rs for k in r if
                                                 k.startswith("el:")}), key=lambda x: -x[1])
        shown = ", ".join(f"{k} {v / 1024:.0f}" for k, v in els[:3] if v >= 1024)
        out.append(f"{kind:<18} {len(rs):>3} {1000 * med('wall_s'):>8.0f} "
                   f"{1000 * med('cpu_server_s'):>13.0f} {1000 * med('cpu_browser_s'):>14.0f} "
                   f"{1000 * med('page_script_s'):>10.0f}/{1000 * med('page_layout_s'):<10.0f} "
                   f"{med('full_runs'):>6.0f}/{med('fragment_runs'):<7.0f} "
                   f"{med('bytes') / 1024:>8.0f}  {shown}")
    return out


def latency_table(times: list[tuple[str, float]]) -> list[str]:
    out = [f"{'concurrent':<18} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"]
    for kind in dict.fromkeys(k for k, _ in times):
        v = [t for k, t in times if k == kind]
        out.append(f"{kind:<18} {len(v):>4} {pct(v, 0.5):>7.2f} {pct(v, 0.95):>7.2f} "
                   f"{max(v):>7.2f}")
    return out


def summary(sessions: int, seconds: float, phase: dict) -> list[str]:
    times = [t for _, t in phase["times"]]
    n = max(len(times), 1)
    return latency_table(phase["times"]) + [
        f"{sessions} sessions for {seconds:.0f} s: {len(times)} pages, {phase['errors']} "
        f"error(s); CPU used: app server {phase['cpu_server_s']:.0f} s "
        f"({1000 * phase['cpu_server_s'] / n:.0f} ms per page), browser "
        f"{phase['cpu_browser_s']:.0f} s ({1000 * phase['cpu_browser_s'] / n:.0f} ms per "
        f"page), the whole machine {phase['cpu_machine_s']:.0f} of "
        f"{phase['cpu_capacity_s']:.0f} core-seconds"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure each interaction of the session alone this many times")
    ap.add_argument("--warm", action="store_true",
                    help="returning visitors: each session's browser context opens the "
                         "inspector and the dashboard once before the measured seconds (by "
                         "default all sessions start with an empty browser cache at once)")
    ap.add_argument("--navigation", choices=("app", "reload", "both"), default="both",
                    help="how the concurrent sessions move between pages: with the app's "
                         "sidebar after one full load (app), with a full document load every "
                         "time (reload), or one phase of each (both; the last line reports "
                         "app, the line before it reload)")
    args = ap.parse_args(argv)
    modes = {"app": (False,), "reload": (True,), "both": (True, False)}[args.navigation]
    with tempfile.TemporaryDirectory() as tmp:
        with serve(Path(tmp), env={"PROJ_RUNS": str(Path(tmp) / "user-runs"),
                                   "PROJ_READ_ONLY": "1"}) as base:
            r = asyncio.run(measure(base, args.sessions, args.seconds, args.repeat,
                                    args.warm, modes))
    firsts = {k[6:]: v for k, v in r["single"].items() if k.startswith("first_")}
    print("\n".join(counters_table(r["rows"])))
    print("first load per page (s): " + ", ".join(f"{k} {v:.2f}" for k, v in firsts.items()))
    warm = " warm=1" if args.warm else ""
    last = ""
    for reload, phase in r["phases"].items():
        how = "reload" if reload else "app"
        print(f"-- concurrent, navigation={how}: " + (
            "every visit a full document load" if reload else
            "one full load per session, then the sidebar"))
        print("\n".join(summary(args.sessions, args.seconds, phase)))
        times = [t for _, t in phase["times"]]
        last = (f"sessions={args.sessions}{warm} p95_page_s={pct(times, 0.95):.2f} "
                f"p50_page_s={pct(times, 0.5):.2f} errors={phase['errors']} "
                f"first_load_max_s={max(firsts.values()):.2f} "
                f"next_sentence_ms={r['single']['next_ms']:.0f} "
                f"dashboard_switch_ms={r['single']['switch_ms']:.0f}")
        if len(r["phases"]) > 1 and reload:
            print(f"navigation=reload {last}")
    print(last)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
