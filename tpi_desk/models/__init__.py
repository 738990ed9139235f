"""Database layer: SQLAlchemy 2 ORM, engine factory and Alembic migrations.

Tables are split by topic (people, procedures, templates, audit, settings); ``open_database``
(in ``database``) is the one way the app opens a database. Bulk (Core) inserts into
``patients`` must fill ``search_text`` with ``patient_search_text(...)``; the ORM does it on
its own.

Import from the submodules: this package itself imports nothing, so code that only needs
``errors`` or ``first_look`` (the app's first window) does not wait for SQLAlchemy.
"""
