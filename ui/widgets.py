"""Widgets and page helpers shared by the pages: error guard, empty states, URL ↔ state sync,
the layout and focus pickers, and the figure/table renderers."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from copy import copy
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.access import markdown_literal
from core.errors import ProjectError
from ui import state
from ui.runs import ENV_VAR

log = logging.getLogger(__name__)

CLI_EXAMPLE = "python -m core run --set dataset=demo --set lang=pt"


# ------------------------------------------------------------------------------ errors


#: Set (to anything but ``""``/``0``) by the test suite: :func:`guard` then re-raises unexpected
#: exceptions after showing them, so AppTest reports them in ``at.exception``.
RAISE_ENV = "PROJ_APP_RAISE"


def _raise_unexpected() -> bool:
    return os.environ.get(RAISE_ENV, "") not in ("", "0")


@contextmanager
def guard(what: str = "this page") -> Iterator[None]:
    """Show user errors (:class:`ProjectError`) and unexpected exceptions as ``st.error``
    instead of a traceback. Streamlit's own control flow (rerun, stop) passes through. Under
    the tests (``$PROJ_APP_RAISE``) an unexpected exception is re-raised after its message, so
    it fails the AppTest run instead of hiding behind the error box."""
    try:
        yield
    except ProjectError as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - the app never shows a traceback
        log.exception("unexpected error in %s", what)
        st.error(f"Unexpected error in {what}: {type(exc).__name__}: {exc}. "
                 "The details are in the server log; please report it.",
                 icon=":material/bug_report:")
        if _raise_unexpected():
            raise


def no_runs_message(what: str = "runs with a sentence table") -> None:
    """The empty state when no usable run exists: how to make one, how to add a root."""
    st.info(f"No {what} found in the run roots.", icon=":material/folder_off:")
    st.markdown(
        "Create a run on the bundled demo corpus with the command line, from the repository "
        "root:\n\n"
        f"```bash\n.venv/bin/{CLI_EXAMPLE}\n```\n\n"
        "Runs are written to `data/runs/`. To show runs stored elsewhere, add their directory "
        f"in the sidebar (**Run roots → Add**) or start the app with `{ENV_VAR}=/path/to/runs` "
        "(several directories separated by `:`)."
    )


# ------------------------------------------------------------------------------ URL sync


def _seen(page: str) -> dict[str, str | None]:
    seen = st.session_state.setdefault(state.URL_SEEN, {})
    return seen.setdefault(page, {})


def _changed(page: str, param: str) -> str | None:
    """The URL value of ``param`` if it changed since this page last synced it (a new deep
    link or a page switch with query parameters), else ``None``."""
    raw = st.query_params.get(param)
    if raw is None or _seen(page).get(param) == raw:
        return None
    _seen(page)[param] = raw
    return raw


def resume(page: str, table: Sequence[state.Param]) -> None:
    """A page opened without any of its URL parameters (a click in the sidebar) comes back as
    this session left it: the parameters it last published return to the URL, and the next
    :func:`sync` takes them into the state. Widget states do not survive a visit to another
    page; this does. Call it before the page's first :func:`sync`."""
    seen = _seen(page)
    if any(p.name in st.query_params for p in table) or not any(seen.values()):
        return
    for name, text in list(seen.items()):
        if text is not None:
            st.query_params[name] = text
    seen.clear()


def sync(page: str, table: Sequence[state.Param],
         options: Mapping[str, Sequence[Any] | None], notes: list[str]) -> dict[str, Any]:
    """Copy the URL values of the parameters named in ``options`` that changed since this page
    last synced them, or whose session-state key is gone (a widget's state is dropped while
    another page is shown), into their session-state keys, before their widgets are drawn.

    ``options[name]`` holds the valid values the page's data allows (``None``: the table's
    own ``options``, or any value). Invalid values are left out, with a message appended to
    ``notes``. A key not in the state yet starts at the parameter's default. Returns
    ``{name: value}`` of what was taken from the URL.
    """
    by_name = {p.name: p for p in table}
    taken: dict[str, Any] = {}
    for name, valid in options.items():
        p = by_name[name]
        missing = p.key not in st.session_state
        if missing and p.default is not None:
            st.session_state[p.key] = copy(p.default)
        valid = valid if valid is not None else p.options
        raw = _changed(page, name)
        if raw is None and missing:  # e.g. a link back to the run this page last showed
            raw = st.query_params.get(name)
        if raw is None:
            continue
        try:
            value = p.parse(raw)
        except (ValueError, TypeError):
            notes.append(f"Ignored {name}={markdown_literal(raw)} from the URL: not a valid "
                         "value.")
            continue
        if valid is not None and isinstance(value, list):
            bad = [v for v in value if v not in valid]
            value = [v for v in value if v in valid]
            if bad:
                notes.append(f"Ignored unknown `{name}` value(s) from the URL: "
                             f"{markdown_literal(', '.join(map(str, bad)))}.")
        elif valid is not None and value not in valid:
            notes.append(f"{name}={markdown_literal(raw)} from the URL is not available here.")
            continue
        st.session_state[p.key] = taken[name] = value
    return taken


def publish(page: str, table: Sequence[state.Param],
            values: Mapping[str, Any] | None = None) -> None:
    """Write the page state to the URL: each parameter of ``table`` takes its value from
    ``values`` when named there, else from its session-state key; ``None``, empty and the
    parameter's default remove it from the URL."""
    seen = _seen(page)
    values = values or {}
    for p in table:
        value = values[p.name] if p.name in values else st.session_state.get(p.key)
        if p.default is not None and value == p.default:
            value = None
        if isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        text = None if value is None or value == "" else str(value)
        current = st.query_params.get(p.name)
        if text is None:
            if current is not None:
                del st.query_params[p.name]
        elif current != text:
            st.query_params[p.name] = text
        seen[p.name] = text


# ------------------------------------------------------------------------------ pickers


def view_picker(key: str, *, label: str = "Alignment view") -> str:
    """Layout of the alignment figure (auto / two rows / columns / matrix)."""
    if key not in st.session_state:
        st.session_state[key] = "auto"
    return st.radio(label, list(state.VIEWS), key=key, horizontal=True,
                    format_func=lambda v: state.VIEWS[v],
                    help="Long sentences read best in columns or as a matrix; 'auto' switches "
                         "to columns above 25 words.") or "auto"


def focus_picker(key: str, options: Mapping[str, str], *, label: str = "Highlight links of"
                 ) -> str:
    """Pick an entity or word whose links are highlighted ("" = nothing)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = ""
    return st.selectbox(label, list(options), key=key, format_func=lambda k: options[k],
                        help="You can also click a word in the figure.") or ""


def sid_from_table(table_key: str, ids_key: str, sid_key: str) -> Callable[[], None]:
    """A ``st.dataframe`` ``on_select`` callback: the picked row's sentence id (from the list
    of row ids kept under ``ids_key``) becomes the sentence."""
    def callback() -> None:
        event = st.session_state.get(table_key)
        ids = st.session_state.get(ids_key, [])
        try:
            rows = event["selection"]["rows"]
        except (KeyError, TypeError):
            return
        if rows and rows[0] < len(ids):
            st.session_state[sid_key] = ids[rows[0]]
    return callback


def focus_from_selection(figure_key: str, focus_key: str) -> Callable[[], None]:
    """A plotly ``on_select`` callback: a clicked word (or link) becomes the focus."""
    def callback() -> None:
        event = st.session_state.get(figure_key)
        try:
            points = event["selection"]["points"]
        except (KeyError, TypeError):
            return
        for pt in points:
            custom = pt.get("customdata")
            if not custom:
                continue
            if custom[0] in ("s", "t") and len(custom) > 1:
                st.session_state[focus_key] = f"{custom[0]}{int(custom[1])}"
                return
            if isinstance(custom[0], (int, float)):  # a link midpoint: focus its source word
                st.session_state[focus_key] = f"s{int(custom[0])}"
                return
    return callback


def show_figure(fig: go.Figure, key: str, *, on_select: Callable[[], None] | None = None,
                max_height: int = 760) -> None:
    """A Plotly figure; tall figures scroll inside a fixed-height box."""
    height = int(fig.layout.height or 400)
    config = {"displaylogo": False, "scrollZoom": False,
              "modeBarButtonsToRemove": ["lasso2d", "autoScale2d"]}
    kwargs: dict[str, Any] = {"key": key, "config": config}
    if on_select is not None:
        kwargs.update(on_select=on_select, selection_mode="points")
    if height > max_height:
        with st.container(height=max_height):
            st.plotly_chart(fig, **kwargs)
    else:
        st.plotly_chart(fig, **kwargs)


def interactive(toggle_key: str) -> bool:
    """Whether the "Interactive figure" toggle of :func:`links_view` is on (read before the
    view is built: the static drawing needs no Plotly figure)."""
    return bool(st.session_state.get(toggle_key))


def links_view(view: Any, *, toggle_key: str, figure_key: str, focus_key: str) -> None:
    """The alignment links of an inspector view (:func:`core.viz.explain.build_inspector_view`
    built with ``figure=interactive(toggle_key)``): a static SVG drawn on the server, or, with
    "Interactive figure" on, the Plotly figure, where a click on a word highlights its links."""
    st.toggle("Interactive figure", key=toggle_key,
              help="Zoom, hover and click a word to highlight its links (loads a figure "
                   "library of a few MB; the drawing below needs none).")
    if isinstance(view.links, str):
        st.caption("Hover a link or a word for details; pick a word or an entity under "
                   "'Highlight links of'.")
        # st.markdown, not st.html: st.html sanitizes with DOMPurify's HTML profile, which
        # drops <svg>; every token in the drawing is escaped by core.viz.links_svg
        st.markdown(view.links, unsafe_allow_html=True)
    else:
        st.caption("Click a word to highlight its links.")
        show_figure(view.links, figure_key,
                    on_select=focus_from_selection(figure_key, focus_key))


def rows_table(rows: Iterable[Mapping[str, Any]], *, key: str | None = None,
               column_config: Mapping[str, Any] | None = None, height: int | str = "auto"
               ) -> None:
    """A read-only table of plain rows (nothing when there are none)."""
    df = pd.DataFrame(list(rows))
    if df.empty:
        return
    st.dataframe(df, hide_index=True, key=key, column_config=dict(column_config or {}),
                 height=height)
