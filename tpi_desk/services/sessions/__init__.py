"""Procedure sessions: drafts, signing, addenda, co-signatures, queries, templates, import."""
