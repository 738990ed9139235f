"""PDF notes, batch export and CSV from plain data."""
