"""Where a test's SQLite file comes from: a copy of the run's migrated template."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import URL

from tpi_desk.models.engine import normalize_url


def place_migrated_copy(template: Path, url: str | URL) -> None:
    """Put a copy of the migrated SQLite ``template`` where the SQLite ``url`` points (its
    folder is made if missing)."""
    database_file = normalize_url(url).database
    if not database_file:
        raise ValueError(f"not a SQLite file URL: {url}")
    target = Path(database_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
