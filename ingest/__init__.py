"""Ingest: turn a submitted file into a :class:`~ingest.document.Document`.

Nothing heavy happens at import time: extractors, language models and OCR are
loaded by the functions that need them.
"""
