"""Tamper evidence: the signature and audit chains, canonical forms, verification."""
