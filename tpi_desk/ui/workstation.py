"""What this computer remembers between sessions (window geometry, the export folder): an
INI file in the data folder, beside the database, never in the clinic's database."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from tpi_desk.paths import data_dir

SETTINGS_FILE = "workstation.ini"
EXPORT_FOLDER_KEY = "export/folder"


def workstation_settings() -> QSettings:
    return QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def remembered_text(key: str) -> str:
    value = workstation_settings().value(key)
    return value if isinstance(value, str) else ""


def remember_text(key: str, value: str) -> None:
    settings = workstation_settings()
    settings.setValue(key, value)
    settings.sync()
