"""Training models (NER)."""
