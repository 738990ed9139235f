"""One SQLAlchemy dialect and compiled-statement cache per backend for the whole test run.

The app opens one engine per process and compiles each statement once. The suite opens a
new engine for nearly every test (a database of its own), and SQLAlchemy keys its
compiled-statement cache by the dialect object, so every test compiled every statement
again: loading a whole session the first time costs 70-100 ms (its eager loads), against
1 ms once compiled, and the suite spent about 40% of a database test's time compiling.

``share_compiled_statements`` makes each engine the app's factory creates
(``tpi_desk.models.engine``) use the first engine's dialect of that backend and driver and
its cache, so a statement is compiled once per test process, as in the app. Each test still
has its own database and its own connections, pool and event listeners; the SQL sent is the
same. The first engine's dialect was initialised against the same server (SQLite library or
PostgreSQL server) the later ones connect to. Engines made elsewhere (the tests' own
``create_engine`` calls, subprocesses) are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import Dialect

from tpi_desk.models import engine as engine_factory

SharedDialects = dict[tuple[type[Dialect], str, str], tuple[Dialect, Any]]


def _sharing(create: Callable[..., Engine], shared: SharedDialects) -> Callable[..., Engine]:
    def create_engine(*args: Any, **kwargs: Any) -> Engine:
        engine = create(*args, **kwargs)
        dialect = engine.dialect
        key = (type(dialect), dialect.name, dialect.driver)
        if key not in shared:
            shared[key] = (dialect, engine._compiled_cache)
        else:
            engine.dialect, engine._compiled_cache = shared[key]
        return engine

    return create_engine


def share_compiled_statements(monkeypatch: pytest.MonkeyPatch) -> SharedDialects:
    """Route the app's engine factory through the sharing above (undone with
    ``monkeypatch``); returns the shared dialects, by (class, backend, driver)."""
    shared: SharedDialects = {}
    monkeypatch.setattr(
        engine_factory, "create_engine", _sharing(engine_factory.create_engine, shared)
    )
    return shared
