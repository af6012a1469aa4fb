"""Streamlit-side helpers shared by the pages: session-state keys, cached run loaders, widgets.

Pure builders (figures, HTML, tables) live in ``core/viz``; this package is the only place
besides ``app.py`` and ``pages/`` that imports Streamlit.

Importing this package also fixes a Streamlit quirk: because the page scripts live in a
directory named ``pages/``, a fresh server starts in the legacy "pages directory" mode, in which
the *first* request for a deep link such as ``/inspector?sid=3`` runs ``pages/inspector.py`` on
its own — without ``app.py`` (no sidebar, no wide layout) — until some session runs
``st.navigation``. When a page imports ``ui`` during such a run, we switch the legacy mode off and
rerun, so ``app.py`` routes the request (the page's url path is the same in both modes).
``app.py`` and every page call :func:`ensure_router` first as well, because the import happens
only once per process (AppTest resets the mode for every test app).
"""


def ensure_router() -> None:
    """Leave Streamlit's legacy pages-directory mode (see above); a no-op outside a script
    run and once ``st.navigation`` has run."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # pragma: no cover - other Streamlit versions
        return
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        import streamlit as st

        st.rerun()


ensure_router()
