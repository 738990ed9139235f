"""Fuzz-test settings: one fixed, derandomized hypothesis profile and SQLite-only databases."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

FUZZ_PROFILE = "fuzz"
DATABASE_PROFILE = "fuzz-database"

settings.register_profile(
    FUZZ_PROFILE,
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    DATABASE_PROFILE,
    parent=settings.get_profile(FUZZ_PROFILE),
    max_examples=12,
)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The fuzz tests hit SQLite only: one throwaway database per test function."""
    return sqlite_url
