"""The append-only audit log: writing events and reading the report."""
