"""tests/compiled_statements.py: the suite's engines share compiled statements, not data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, select

from tpi_desk.models.engine import create_database_engine

SCRATCH = Table("scratch_numbers", MetaData(), Column("number", Integer))


def test_a_statement_compiled_for_one_database_is_reused_for_the_next(tmp_path: Path) -> None:
    engines = [create_database_engine(f"sqlite:///{tmp_path / name}") for name in "ab"]
    try:
        for number, engine in enumerate(engines, start=1):
            with engine.begin() as connection:
                SCRATCH.create(connection)
                connection.execute(SCRATCH.insert(), [{"number": number}] * number)
        read = select(SCRATCH.c.number)
        with engines[0].connect() as connection:
            assert connection.execute(read).scalars().all() == [1]
        with engines[1].connect() as connection:
            result = connection.execute(read)
            # Compiled for the first file, found in the cache for the second...
            assert result.context.cache_hit == engines[1].dialect.CACHE_HIT
            # ...and run against the second file's own rows.
            assert result.scalars().all() == [2, 2]
        assert engines[0].dialect is engines[1].dialect
    finally:
        for engine in engines:
            engine.dispose()
