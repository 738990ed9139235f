"""Synthetic patients and sessions on request (File menu, `--demo`, `tpi-desk demo-data`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tpi_desk.clinical.catalog import Catalog

if TYPE_CHECKING:
    from tpi_desk.services.demo_data import DemoDataResult


class DemoDataService:
    """Adds invented patients and sessions to the open database (see ``generate_demo_data``)."""

    def __init__(self, engine: Engine, catalog: Catalog) -> None:
        self._engine = engine
        self._catalog = catalog

    def add(
        self, *, patients: int, sessions: int, seed: int = 1, signatures: bool = True
    ) -> DemoDataResult:
        """Add ``patients`` patients and ``sessions`` sessions; raises UserError when the
        database refuses them."""
        # Imported here: only this action needs the generator, and start-up should not pay.
        from tpi_desk.services.demo_data import generate_demo_data

        return generate_demo_data(
            self._engine,
            self._catalog,
            patients=patients,
            sessions=sessions,
            seed=seed,
            signatures=signatures,
        )
