"""Similarity: fingerprints, embeddings, alignment and reports.

``similarity`` never queries a store: the pipeline in ``api`` asks the
repository for candidates and hands them in.
"""
