"""Qt table models over service DTOs, fetched lazily a page at a time."""
