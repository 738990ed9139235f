"""Where the app finds its shipped resources and keeps its data (one place, overridable)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

from tpi_desk.clinical.private_files import create_private_files, private_folder
from tpi_desk.clinical.settings import DATA_DIR_ENV as DATA_DIR_ENV
from tpi_desk.clinical.settings import DATABASE_URL_ENV as DATABASE_URL_ENV
from tpi_desk.clinical.settings import WorkstationSettings

APP_NAME = "TPI Desk"


def resource_root() -> Path:
    """The `resources/` folder: inside the installed package, or at the checkout's root."""
    packaged = resources.files("tpi_desk") / "resources"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("TPI Desk's resources folder is missing; reinstall the app.")


def resource_path(*parts: str) -> Path:
    """A file under `resources/`, e.g. ``resource_path("catalog", "muscles.toml")``."""
    return resource_root().joinpath(*parts)


def data_dir() -> Path:
    """The user's data folder (``TPI_DESK_DATA_DIR`` overrides it, e.g. in tests)."""
    override = WorkstationSettings.from_environment(os.environ).data_dir
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def keep_files_private() -> None:
    """At start: every file the app creates is its owner's only, and so is the data folder
    (created private when first needed; an older one made private now)."""
    create_private_files()
    folder = data_dir()
    if folder.is_dir():
        private_folder(folder)


def default_database_url() -> str:
    """``TPI_DESK_DATABASE_URL`` if set, else a SQLite file in the data folder."""
    configured = WorkstationSettings.from_environment(os.environ).database_url
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'tpi-desk.sqlite3'}"
