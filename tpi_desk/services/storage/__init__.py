"""Units of work, database failures as user errors, backups."""
