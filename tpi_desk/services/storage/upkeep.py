"""Background upkeep of the open database: the start-up backup and SQLite's integrity check."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from tpi_desk.models.engine import is_sqlite


class StorageUpkeep:
    """What the app does to the database file once its window is up, off the UI thread."""

    def __init__(self, url: URL) -> None:
        self._url = url

    @property
    def checks_integrity(self) -> bool:
        """Whether ``check_integrity`` means anything here (a SQLite file; not a server)."""
        return is_sqlite(self._url)

    def rotate_startup_backup(self) -> Path | None:
        """Copy the database to the start-up backups (see ``backups.rotate_startup_backup``);
        the copy made, or None when there is nothing to copy. Raises BackupError."""
        from tpi_desk.services.storage.backups import default_backup_folder, rotate_startup_backup

        return rotate_startup_backup(self._url_text(), default_backup_folder())

    def check_integrity(self) -> None:
        """Read the whole SQLite file with its integrity check; raises ``DatabaseOpenError``
        naming the damage (about 2.5 s for a million sessions)."""
        from tpi_desk.models.database import open_database

        open_database(self._url, upgrade=False, check_integrity=True).dispose()

    def _url_text(self) -> str:
        return self._url.render_as_string(hide_password=False)
