"""Streamlit entry point: a router over the page scripts in pages/ plus the run-roots sidebar.

Deep links use the url paths below, e.g. ``/inspector?run=<run id>&sid=<sentence id>``.
Who may read files on the server, and the read-only demo mode, are decided by the person who
starts the app (``core/access.py``: ``PROJ_ALLOWED_DIRS``, ``PROJ_SERVED``, ``PROJ_READ_ONLY``).
"""

import streamlit as st

from ui import ensure_router
from ui.access import badge
from ui.runs import roots_sidebar
from ui.widgets import guard

ensure_router()  # leave Streamlit's legacy pages/ mode before drawing anything (ui/__init__.py)
st.set_page_config(page_title="Projection Inspector", page_icon=":material/translate:",
                   layout="wide")

PAGES = {
    "": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Explore runs": [
        st.Page("pages/inspector.py", title="Inspector", icon=":material/search:",
                url_path="inspector"),
        st.Page("pages/compare.py", title="Compare aligners", icon=":material/compare_arrows:",
                url_path="compare"),
        st.Page("pages/dashboard.py", title="Dashboard", icon=":material/grid_on:",
                url_path="dashboard"),
    ],
    "Your data": [
        st.Page("pages/your_data.py", title="Your data", icon=":material/upload_file:",
                url_path="your_data"),
        st.Page("pages/playground.py", title="Playground", icon=":material/science:",
                url_path="playground"),
    ],
}

page = st.navigation(PAGES)
with guard("the sidebar"):
    badge()  # read-only demo / served: what visitors may do (ui/access.py)
    roots_sidebar()
page.run()
