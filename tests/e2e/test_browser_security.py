"""Serving the app to a room (issue 15), in headless Chromium:

- the exact attempt of the issue — "Files on this machine", ``/etc/passwd`` as the English
  source and ``/etc/hostname`` as the target — on a server bound the way a lab binds it shows a
  refusal naming PROJ_ALLOWED_DIRS and no line of either file;
- a file on the server that the policy allows but that is malformed: the error names the file
  and the line, and quotes nothing of it;
- the read-only demo mode: the sidebar badge, no form to add run roots.

"Bound the way a lab binds it": ``PROJ_SERVED=1`` makes the access policy treat the server as
bound to a network address (``core/access.py``) while the test only ever connects to
127.0.0.1 — the same decision Streamlit's ``--server.address 0.0.0.0`` would lead to.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import wait_idle


def _secret_lines() -> list[str]:
    lines = []
    for name in ("/etc/passwd", "/etc/hostname"):
        try:
            lines += [x.strip() for x in Path(name).read_text("utf-8").splitlines()]
        except OSError:
            pass
    return [x for x in lines if len(x) >= 6]


def _open(browser, url: str, path: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/{path}")
    wait_idle(page)
    return context, page


def _type_paths(page, source: str, target: str) -> None:
    page.get_by_text("Files on this machine").click()
    wait_idle(page)
    for label, value in (("English source (CoNLL, labelled)", source),
                         ("Target words or translations", target)):
        # a textbox, not the uploader's dropzone of the same label: waits until the rerun after
        # the click has swapped the uploaders for the path boxes
        box = page.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")  # on the input itself: focus may have moved during the rerun
        page.wait_for_timeout(300)
        wait_idle(page)
    assert page.get_by_role("textbox", name=label, exact=True).input_value() == target


def test_etc_passwd_on_a_served_app_is_refused(e2e_runs, serve, browser, tmp_path,
                                               monkeypatch, artifacts) -> None:
    root, _ = e2e_runs
    monkeypatch.setenv("PROJ_SERVED", "1")
    monkeypatch.delenv("PROJ_ALLOWED_DIRS", raising=False)
    with serve(root, tmp_path) as url:
        context, page = _open(browser, url, "your_data")
        try:
            _type_paths(page, "/etc/passwd", "/etc/hostname")
            alert = page.locator('[data-testid="stAlertContentError"]').first
            alert.wait_for()
            text = alert.inner_text()
            assert "refused" in text and "PROJ_ALLOWED_DIRS" in text, text
            page.get_by_text("Files on this server are off").first.wait_for()
            body = page.inner_text("body")
            shown = [x for x in _secret_lines() if x in body]
            assert not shown, f"file content on the page: {shown}"
            assert "root:x:0:0" not in body and socket.gethostname() not in body
            page.screenshot(path=str(artifacts / "security_your_data_served.png"),
                            full_page=True)
        finally:
            context.close()


def test_allowed_but_malformed_server_file_is_not_quoted(e2e_runs, serve, browser, tmp_path,
                                                         monkeypatch, artifacts) -> None:
    root, _ = e2e_runs
    allowed = tmp_path / "corpora"
    allowed.mkdir()
    secret = "svc9:x:1009:1009:SECRET-0009:/srv/svc9:/bin/sh"
    (allowed / "notes.conll").write_text(f"Alice\tB-PER\n{secret}\n", "utf-8")
    (allowed / "pt.conll").write_text("Alice\tB-PER\n", "utf-8")
    monkeypatch.setenv("PROJ_SERVED", "1")
    monkeypatch.setenv("PROJ_ALLOWED_DIRS", str(allowed))
    with serve(root, tmp_path) as url:
        context, page = _open(browser, url, "your_data")
        try:
            _type_paths(page, str(allowed / "notes.conll"), str(allowed / "pt.conll"))
            alert = page.locator('[data-testid="stAlertContentError"]').first
            alert.wait_for()
            text = alert.inner_text()
            assert "notes.conll:2" in text and "label column" in text, text
            assert "SECRET" not in page.inner_text("body")
        finally:
            context.close()


def test_read_only_demo_has_a_badge_and_no_root_form(e2e_runs, serve, browser, tmp_path,
                                                     monkeypatch, artifacts) -> None:
    root, _ = e2e_runs
    monkeypatch.setenv("PROJ_SERVED", "1")
    monkeypatch.setenv("PROJ_READ_ONLY", "1")
    with serve(root, tmp_path) as url:
        context, page = _open(browser, url, "playground")
        try:
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text("Read-only demo").first.wait_for()
            assert sidebar.get_by_placeholder("/path/to/runs").count() == 0
            sidebar.get_by_text("run roots cannot be added").first.wait_for()
            page.screenshot(path=str(artifacts / "security_read_only.png"))
        finally:
            context.close()


@pytest.fixture(autouse=True)
def _no_policy_from_the_caller(monkeypatch):
    for name in ("PROJ_SERVED", "PROJ_ALLOWED_DIRS", "PROJ_READ_ONLY"):
        monkeypatch.delenv(name, raising=False)
