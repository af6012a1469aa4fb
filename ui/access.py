"""The app's access policy (:mod:`core.access`) as Streamlit sees it, and its sidebar badge.

:func:`policy` reads Streamlit's ``server.address`` option and the environment each time (a
cheap call), so every page and the sidebar apply the same decision.
"""

from __future__ import annotations

import os

import streamlit as st

from core.access import ALLOWED_ENV, READ_ONLY_ENV, SERVED_ENV, Policy, policy_from


def _address() -> str | None:
    try:
        value = st.config.get_option("server.address")
    except Exception:  # noqa: BLE001 - an unknown option in another Streamlit version
        return None
    return str(value) if value else None


def real_runtime() -> object | None:
    """Streamlit's Runtime inside ``streamlit run``; ``None`` under AppTest (which installs a
    mock Runtime) and in scripts."""
    try:
        from streamlit.runtime import Runtime
    except ImportError:  # pragma: no cover - other Streamlit versions
        return None
    if not Runtime.exists():
        return None
    rt = Runtime.instance()
    return rt if isinstance(type(rt), type) and issubclass(type(rt), Runtime) else None


def _is_server() -> bool:
    return real_runtime() is not None


def policy() -> Policy:
    """The policy in force for this app (see :mod:`core.access`)."""
    return policy_from(os.environ, _address(), server=_is_server())


def read_only() -> bool:
    return policy().read_only


def badge() -> None:
    """Sidebar badge: read-only demo mode, and what visitors may read on a served app."""
    p = policy()
    if not (p.read_only or p.served or p.allowed is not None):
        return
    with st.sidebar:
        if p.read_only:
            st.badge("Read-only demo", icon=":material/lock:", color="orange")
            st.caption(f"Nothing is written on this server ({READ_ONLY_ENV}=1): your data and "
                       "the playground stay in memory, run roots cannot be added.")
        if p.served or p.allowed is not None:
            where = "Served to other machines" if p.served else "Local"
            st.caption(f"{where}. Files on the server: {p.describe()} — {ALLOWED_ENV}, "
                       f"{SERVED_ENV} (set when the app starts).")
