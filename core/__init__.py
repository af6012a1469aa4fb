"""Core projection package: data model, readers, metrics, projection and matching.

Nothing in ``core`` imports Streamlit, prints, or exits the process.
"""

__version__ = "0.1.0"
