"""The schema revision this version of TPI Desk writes, known without importing Alembic.

A test checks it against the newest migration script, so the two cannot drift apart.
"""

from __future__ import annotations

SCHEMA_HEAD = "0011"
