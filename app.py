"""Streamlit entry point: a router over the page scripts in pages/ (see docs/ARCHITECTURE.md)."""

import streamlit as st

st.set_page_config(page_title="Projection Inspector", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
]
st.navigation(pages).run()
