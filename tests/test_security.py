"""The security matrix of :mod:`bench.attacks` (issue 15), one test per row, plus the access
policy, content-free errors, markdown escaping and the read-only mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.attacks import (CLEAN, MD_PAYLOAD, MD_RAW, ROWS, Attack, _no_exception, app,
                           build_site, environ, run_attack)
from core.access import ALLOWED_ENV, AccessDenied, markdown_literal, policy_from
from core.errors import ProjectError
from core.paths import REPO_ROOT


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_attack(row: Attack, tmp_path: Path) -> None:
    out = run_attack(row, tmp_path)
    assert out.leaked == 0, f"{row.id}: {out.leaked} secret line(s) shown"
    assert out.blocked, f"{row.id}: {out.detail}"


def test_rows_are_unique_and_documented() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
    doc = (REPO_ROOT / "docs" / "robustness.md").read_text("utf-8")
    undocumented = [i for i in ids if f"`{i}`" not in doc]
    assert not undocumented, f"rows missing from docs/robustness.md: {undocumented}"


# ------------------------------------------------------------------------- the policy itself


def test_policy_table() -> None:
    assert policy_from({}, "127.0.0.1").allowed is None           # local: today's behaviour
    assert policy_from({}, "localhost").allowed is None
    assert policy_from({}, "::1").allowed is None
    assert policy_from({}, "127.0.0.2").allowed is None
    assert policy_from({}, "0.0.0.0").allowed == ()               # served: uploads only
    assert policy_from({}, "192.168.1.5").allowed == ()
    assert policy_from({}, None).allowed == ()                    # Streamlit's default
    assert policy_from({}, None, server=False).allowed is None     # AppTest, scripts
    assert policy_from({"PROJ_SERVED": "1"}, "127.0.0.1").allowed == ()
    assert policy_from({"PROJ_SERVED": "0"}, "0.0.0.0").allowed is None
    assert policy_from({"PROJ_ALLOWED_DIRS": "none"}, "127.0.0.1").allowed == ()
    p = policy_from({"PROJ_ALLOWED_DIRS": "/srv/a:/srv/b"}, "0.0.0.0")
    assert p.allowed == (Path("/srv/a"), Path("/srv/b")) and p.served
    assert policy_from({"PROJ_READ_ONLY": "1"}, "127.0.0.1").read_only
    with pytest.raises(ProjectError, match="PROJ_SERVED"):
        policy_from({"PROJ_SERVED": "perhaps"}, None)


def test_inside_allowed_dirs_files_are_read(tmp_path) -> None:
    from ui.upload import read_paths

    site = build_site(tmp_path)
    with environ(**{**CLEAN, "PROJ_ALLOWED_DIRS": str(site.allowed), "PROJ_SERVED": "1"}):
        data = read_paths({"source": f"{site.allowed}/ok.conll",
                           "target": f"{site.allowed}/./ok.txt"}, lang="pt", kind="auto")
    assert data.n_entities == 2


def test_refusal_says_nothing_about_the_file(tmp_path) -> None:
    """Same message for a secret that exists, one that does not and a symlink to it."""
    site = build_site(tmp_path)
    pol = policy_from({"PROJ_ALLOWED_DIRS": str(site.allowed)}, "0.0.0.0")
    msgs = set()
    for raw in (site.secret, site.outside / "nope", f"{site.allowed}/link-passwd",
                f"{site.allowed}/linkdir/passwd"):
        with pytest.raises(AccessDenied) as exc:
            pol.check(str(raw), "source")
        msgs.add(str(exc.value))
    assert len(msgs) == 1
    (msg,) = msgs
    assert ALLOWED_ENV in msg and "passwd" not in msg and str(site.outside) not in msg


def test_served_address_is_read_from_streamlit(monkeypatch) -> None:
    import streamlit as st

    import ui.access

    monkeypatch.delenv("PROJ_SERVED", raising=False)
    monkeypatch.delenv("PROJ_ALLOWED_DIRS", raising=False)
    monkeypatch.setattr(ui.access, "_is_server", lambda: True)
    old = st.config.get_option("server.address")
    try:
        st.config.set_option("server.address", "0.0.0.0")
        assert ui.access.policy().served and not ui.access.policy().server_paths
        st.config.set_option("server.address", "127.0.0.1")
        assert ui.access.policy().unrestricted
    finally:
        st.config.set_option("server.address", old)


def test_content_free_errors_keep_location_and_expectation(tmp_path) -> None:
    from core.readers.conll import read_conll
    from core.readers.pharaoh import read_pharaoh

    bad = tmp_path / "x.conll"
    line = "svc0:x:1000:1000:SECRET-0000:/srv/svc0:/bin/sh"
    bad.write_text(f"a\tO\n{line}\n", "utf-8")
    with pytest.raises(ProjectError) as exc:
        read_conll(bad)
    assert line in str(exc.value)                  # the quoted form (uploads) is unchanged
    safe = str(exc.value.without_content())
    assert f"{bad}:2" in safe and "no label column" in safe and "SECRET" not in safe
    links = tmp_path / "l.txt"
    links.write_text("0-0\n0-x SECRET-0001\n", "utf-8")
    with pytest.raises(ProjectError) as exc:
        read_pharaoh(links)
    safe = str(exc.value.without_content())
    assert f"{links}:2" in safe and "malformed link" in safe and "SECRET" not in safe
    # a message without a redacted form loses every quoted string
    generic = ProjectError("bad value 'SECRET-0003' here", path="f.txt", line=4)
    assert str(generic.without_content()) == "f.txt:4: bad value … here"


def test_markdown_literal() -> None:
    out = markdown_literal(MD_PAYLOAD + " :red[x] <b>y</b> $x$\nnext")
    assert not any(r in out for r in MD_RAW)
    assert "\\[" in out and "\\<b\\>" in out and "\\$" in out and "\n" not in out
    assert markdown_literal("a" * 500, limit=10) == "a" * 10 + "…"


# ------------------------------------------------------------------------- read-only mode


def test_read_only_your_data_writes_nothing(tmp_path) -> None:
    site = build_site(tmp_path)
    src, tgt = site.allowed / "ok.conll", site.allowed / "ok.txt"
    links = site.allowed / "links.txt"
    links.write_text("0-0 1-1 2-2 3-3\n", "utf-8")
    with app(site, {"PROJ_READ_ONLY": "1", "PROJ_RUNS": str(site.root / "ro-runs")}) as at:
        at.run()
        assert any("Read-only demo" in c.value for c in at.sidebar.caption)
        at.switch_page("pages/your_data.py").run()
        at.radio(key="ud_mode").set_value("path").run()
        for key, p in (("ud_source_path", src), ("ud_target_path", tgt),
                       ("ud_alignment_path", links)):
            at.text_input(key=key).input(str(p))
        at.run()
        _no_exception(at)
        assert not at.error, [e.value for e in at.error]
        at.button(key="ud_run").click().run()
        _no_exception(at)
        assert not at.error, [e.value for e in at.error]
        results = at.session_state["ud_results"]
        assert results[0]["run_id"] is None and results[0]["f1"] == pytest.approx(1.0)
        assert len(results[0]["records"]) == 1
        assert not at.get("page_link")               # nothing to open in the inspector
        assert any('class="pi-links"' in m.value for m in at.markdown)  # inspected here
    written = [p for p in site.root.rglob("*") if "ro-runs" in str(p) or "user-runs" in str(p)]
    assert not written, written


def test_read_only_offers_no_eflomal(monkeypatch) -> None:
    """eflomal trains on a corpus and keeps its work on disk: not in the read-only mode."""
    import ui.playground as pg

    monkeypatch.setattr(pg, "eflomal_available", lambda lang: True)
    monkeypatch.delenv("PROJ_READ_ONLY", raising=False)
    assert pg.EFLOMAL_PRIORS in pg.aligner_choices("de")
    monkeypatch.setenv("PROJ_READ_ONLY", "1")
    assert pg.aligner_choices("de") == [*pg.ME5, *pg.FT]
    assert pg.aligner_choices("de", corpus=True) == [*pg.ME5, *pg.FT]
