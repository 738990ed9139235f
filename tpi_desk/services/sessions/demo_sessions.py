"""Synthetic patients and sessions on request (File menu, `--demo`, `tpi-desk demo-data`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.integrity.signing_keys import UnlockedKey
from tpi_desk.services.permissions import Actor

if TYPE_CHECKING:
    from tpi_desk.services.demo_data import DemoDataResult
    from tpi_desk.services.settings.demo_database import DemoClaim, DemoDatabase


@dataclass(frozen=True, slots=True)
class DemoFill:
    """What ``fill`` did: the database's claim (the demo administrator) and the data."""

    claim: DemoClaim
    result: DemoDataResult


class DemoDataService:
    """Adds invented patients and sessions to the open database (see ``generate_demo_data``)."""

    def __init__(self, engine: Engine, catalog: Catalog, demo_database: DemoDatabase) -> None:
        self._engine = engine
        self._catalog = catalog
        self._demo_database = demo_database

    def fill(
        self,
        operator: Actor | None,
        *,
        admin_password: str | None,
        patients: int,
        sessions: int,
        seed: int = 1,
        signatures: bool = True,
        on_claimed: Callable[[DemoClaim], None] = lambda _claim: None,
    ) -> DemoFill:
        """Demo data as every way of asking for it adds it (the command, the File menu,
        ``--demo``): only into a new database or a demo database, which is marked as one and
        gets the demo administrator (``DemoDatabase.claim``; raises PermissionDenied,
        writing nothing, when the database holds data demo data did not create), then the
        data in one transaction (``add``). ``on_claimed`` is told of the claim before the
        data is made, so that a generated password is shown even if making the data fails
        (the database then stays a demo database with its administrator, and no data).
        The notes are signed with the demo clinicians' keys the claim unlocked."""
        claim = self._demo_database.claim(operator, admin_password=admin_password)
        on_claimed(claim)
        result = self.add(
            patients=patients,
            sessions=sessions,
            seed=seed,
            signatures=signatures,
            signing_keys=claim.signing_keys,
        )
        return DemoFill(claim, result)

    def add(
        self,
        *,
        patients: int,
        sessions: int,
        seed: int = 1,
        signatures: bool = True,
        signing_keys: Mapping[int, UnlockedKey] | None = None,
    ) -> DemoDataResult:
        """Add ``patients`` patients and ``sessions`` sessions, unfenced (tests and benchmarks
        fill their own databases with it; users go through ``fill``); raises UserError when
        the database refuses them. A note whose clinician has no key in ``signing_keys``
        (by user id) is chained without an Ed25519 signature."""
        # Imported here: only this action needs the generator, and start-up should not pay.
        from tpi_desk.services.demo_data import generate_demo_data

        return generate_demo_data(
            self._engine,
            self._catalog,
            patients=patients,
            sessions=sessions,
            seed=seed,
            signatures=signatures,
            signing_keys=signing_keys,
        )
