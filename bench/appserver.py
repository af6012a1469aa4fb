"""Start the Streamlit app on a free 127.0.0.1 port for a bench (and stop it by its pid).

Used by the browser benches and by the browser tests' fixtures (tests/e2e/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: The app's root element once its script has finished running.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


class ServerError(RuntimeError):
    """The app did not start (the message names its log file)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(workdir: Path, env: Mapping[str, str] | None = None, *,
          unset: Sequence[str] = (), timeout: float = 90.0) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 with ``env`` added to (and ``unset`` removed
    from) this process's environment, its log in ``workdir``; yields the base URL and stops
    the server by its pid afterwards. Raises :class:`ServerError` if it does not start."""
    port = free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    for name in unset:
        full_env.pop(name, None)
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "streamlit.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.fileWatcherType", "none"], cwd=REPO, env=full_env, stdout=log,
            stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise ServerError(f"streamlit exited with {proc.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise ServerError(f"streamlit did not answer within {timeout:.0f} s; "
                                      f"see {log_path}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
