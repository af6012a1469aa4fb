"""Home page: what the tool is and what is available in this build."""

import streamlit as st

st.title("Projection Inspector")
st.markdown(
    "See **why** a cross-lingual NER label projection succeeded or failed: source and target "
    "sentences with their word alignments, candidate target spans and their scores, the chosen "
    "projection against gold, and per-language F1 from cached runs."
)
st.info(
    "This build contains the core projection engine (readers, metrics, heuristic and "
    "candidate-matching projectors). The inspector, aligner comparison and dashboard pages are "
    "not built yet."
)
