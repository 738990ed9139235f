"""Use cases: one unit of work per user action; return DTOs, raise typed errors."""
