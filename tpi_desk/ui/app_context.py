"""Everything a window needs from below, built once at start-up and passed down (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import Database
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.importing import ImportService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService
from tpi_desk.services.settings.clinic_settings import ClinicSettingsService

if TYPE_CHECKING:
    from tpi_desk.services.export.exporting import ExportService


def _local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class AppContext:
    """The services, the catalog, the clock and the folder for crash-recovery files."""

    database: Database
    catalog: Catalog
    patients: PatientService
    providers: ProviderService
    drafts: DraftService
    sessions: SessionQueries
    signing: SigningService
    importing: ImportService
    settings: ClinicSettingsService
    data_dir: Path
    clock: Callable[[], datetime] = field(default=_local_now)

    @cached_property
    def exporting(self) -> ExportService:
        """The billing export, built on first use (it imports ReportLab: ~0.1 s of start-up)."""
        from tpi_desk.services.export.exporting import ExportService

        return ExportService(self.database.session_factory, self.catalog, clock=self.clock)

    @classmethod
    def create(
        cls,
        database: Database,
        catalog: Catalog,
        data_dir: Path,
        clock: Callable[[], datetime] = _local_now,
    ) -> AppContext:
        factory = database.session_factory
        return cls(
            database=database,
            catalog=catalog,
            patients=PatientService(factory),
            providers=ProviderService(factory),
            drafts=DraftService(factory, catalog),
            sessions=SessionQueries(factory, catalog, clock=clock),
            signing=SigningService(factory, catalog, clock=clock),
            importing=ImportService(factory, catalog, clock=clock),
            settings=ClinicSettingsService(factory),
            data_dir=data_dir,
            clock=clock,
        )
