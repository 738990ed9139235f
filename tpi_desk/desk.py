"""The composition root: the one place that opens the database and builds the services.

The app (``ui.desk_loader``) and every ``tpi-desk`` subcommand open a ``Desk`` and take
their services from it; nothing else constructs a service or holds the database. Each
service is built on first use, so a subcommand pays only for what it uses and the billing
export (ReportLab: ~0.1 s to import) loads only when asked for.

Importing this module is cheap (no SQLAlchemy): the app's first window asks
``needs_first_admin_at_a_glance`` before anything heavy loads, and catches
``DatabaseOpenError`` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.models.first_look import needs_first_admin_at_a_glance

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from tpi_desk.clinical.catalog import Catalog
    from tpi_desk.models.database import Database
    from tpi_desk.services.audit.events import AuditService
    from tpi_desk.services.audit.queries import AuditQueries
    from tpi_desk.services.export.exporting import ExportService
    from tpi_desk.services.export.fhir_export import FhirExportService
    from tpi_desk.services.export.x12_claims import ClaimFileService
    from tpi_desk.services.integrity.anchors import Anchors
    from tpi_desk.services.integrity.key_registry import UnlockedKeys
    from tpi_desk.services.integrity.verification import VerificationService
    from tpi_desk.services.outcomes.outcomes import OutcomesService
    from tpi_desk.services.people.patient_import import PatientImportService
    from tpi_desk.services.people.patients import PatientService
    from tpi_desk.services.people.providers import ProviderService
    from tpi_desk.services.people.users import UserService
    from tpi_desk.services.sessions.addenda import AddendumService
    from tpi_desk.services.sessions.cosign import CosignService
    from tpi_desk.services.sessions.demo_sessions import DemoDataService
    from tpi_desk.services.sessions.drafts import DraftService
    from tpi_desk.services.sessions.entered_in_error import EnteredInErrorService
    from tpi_desk.services.sessions.importing import ImportService
    from tpi_desk.services.sessions.lot_recall import LotRecallService
    from tpi_desk.services.sessions.overview import DatabaseOverview
    from tpi_desk.services.sessions.session_queries import SessionQueries
    from tpi_desk.services.sessions.signing import SigningService
    from tpi_desk.services.sessions.templates import TemplateService
    from tpi_desk.services.settings.clinic_settings import ClinicSettingsService
    from tpi_desk.services.settings.demo_database import DemoDatabase
    from tpi_desk.services.storage.upkeep import StorageUpkeep

__all__ = ["DatabaseOpenError", "Desk", "local_now", "needs_first_admin_at_a_glance"]

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """Now on this computer's clock (the app shows and stamps local time)."""
    return datetime.now().astimezone()


class Desk:
    """An open database and the services over it; ``close()`` when done (or use ``with``).

    ``clock`` is the time the clinical services stamp; ``hasher`` (default: the services'
    own argon2id settings) hashes and checks passwords; ``catalog`` loads from the shipped
    resources on first use unless given; ``data_dir`` holds the crash-recovery copies.
    """

    def __init__(
        self,
        database: Database,
        *,
        catalog: Catalog | None = None,
        data_dir: Path | None = None,
        clock: Clock = local_now,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.database = database
        self._catalog = catalog
        self._data_dir = data_dir
        self.clock = clock
        self._hasher = hasher

    @classmethod
    def open(
        cls,
        url: str,
        *,
        upgrade: bool = True,
        check_integrity: bool = True,
        catalog: Catalog | None = None,
        data_dir: Path | None = None,
        clock: Clock = local_now,
        hasher: PasswordHasher | None = None,
        for_reading: bool = False,
    ) -> Desk:
        """Open ``url`` (see ``open_database``: raises ``DatabaseOpenError`` saying why not;
        ``for_reading``: not refused while another program writes)."""
        from tpi_desk.models.database import open_database

        database = open_database(
            url, upgrade=upgrade, check_integrity=check_integrity, for_reading=for_reading
        )
        desk = cls(database, catalog=catalog, data_dir=data_dir, clock=clock, hasher=hasher)
        desk.keep_checkpoints()
        return desk

    def keep_checkpoints(self) -> None:
        """Write the chains' heads to the data folder's checkpoint after every write."""
        from tpi_desk.services.integrity.checkpoints import keep_checkpoints

        keep_checkpoints(self.database.session_factory, self.anchors.file)

    def close(self) -> None:
        """Close every pooled connection."""
        self.database.dispose()

    def __enter__(self) -> Desk:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # What the services share

    @cached_property
    def catalog(self) -> Catalog:
        if self._catalog is not None:
            return self._catalog
        from tpi_desk.clinical.catalog import load_catalog
        from tpi_desk.paths import resource_path

        return load_catalog(resource_path("catalog"))

    @cached_property
    def data_dir(self) -> Path:
        if self._data_dir is not None:
            return self._data_dir
        from tpi_desk.paths import data_dir

        return data_dir()

    # People

    @cached_property
    def patients(self) -> PatientService:
        from tpi_desk.services.people.patients import PatientService

        return PatientService(self.database.session_factory)

    @cached_property
    def patient_import(self) -> PatientImportService:
        from tpi_desk.services.people.patient_import import PatientImportService

        return PatientImportService(self.database.session_factory, clock=self.clock)

    @cached_property
    def providers(self) -> ProviderService:
        from tpi_desk.services.people.providers import ProviderService

        return ProviderService(self.database.session_factory)

    @cached_property
    def unlocked_keys(self) -> UnlockedKeys:
        """The clinicians' keys unlocked in this run, in memory only: unlocked at sign-in
        and shared by every service that signs."""
        from tpi_desk.services.integrity.key_registry import UnlockedKeys

        return UnlockedKeys()

    @cached_property
    def users(self) -> UserService:
        from tpi_desk.services.people.users import UserService

        return UserService(
            self.database.session_factory, hasher=self._hasher, signing_keys=self.unlocked_keys
        )

    # Sessions

    @cached_property
    def drafts(self) -> DraftService:
        from tpi_desk.services.sessions.drafts import DraftService

        return DraftService(self.database.session_factory, self.catalog)

    @cached_property
    def sessions(self) -> SessionQueries:
        from tpi_desk.services.sessions.session_queries import SessionQueries

        return SessionQueries(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def signing(self) -> SigningService:
        from tpi_desk.services.sessions.signing import SigningService

        return SigningService(
            self.database.session_factory,
            self.catalog,
            clock=self.clock,
            hasher=self._hasher,
            unlocked_keys=self.unlocked_keys,
        )

    @cached_property
    def addenda(self) -> AddendumService:
        from tpi_desk.services.sessions.addenda import AddendumService

        return AddendumService(
            self.database.session_factory,
            clock=self.clock,
            hasher=self._hasher,
            unlocked_keys=self.unlocked_keys,
        )

    @cached_property
    def cosign(self) -> CosignService:
        from tpi_desk.services.sessions.cosign import CosignService

        return CosignService(
            self.database.session_factory,
            clock=self.clock,
            hasher=self._hasher,
            unlocked_keys=self.unlocked_keys,
        )

    @cached_property
    def entered_in_error(self) -> EnteredInErrorService:
        from tpi_desk.services.sessions.entered_in_error import EnteredInErrorService

        return EnteredInErrorService(
            self.database.session_factory,
            clock=self.clock,
            hasher=self._hasher,
            unlocked_keys=self.unlocked_keys,
        )

    @cached_property
    def templates(self) -> TemplateService:
        from tpi_desk.services.sessions.templates import TemplateService

        return TemplateService(self.database.session_factory, self.catalog)

    @cached_property
    def importing(self) -> ImportService:
        from tpi_desk.services.sessions.importing import ImportService

        return ImportService(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def lot_recall(self) -> LotRecallService:
        from tpi_desk.services.sessions.lot_recall import LotRecallService

        return LotRecallService(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def exporting(self) -> ExportService:
        """The billing export and the note PDF (imports ReportLab: ~0.1 s, on first use)."""
        from tpi_desk.services.export.exporting import ExportService

        return ExportService(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def fhir_export(self) -> FhirExportService:
        """The FHIR R4 export of signed notes (issue 15)."""
        from tpi_desk.services.export.fhir_export import FhirExportService

        return FhirExportService(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def claim_files(self) -> ClaimFileService:
        """The X12 837P claim file of chosen signed notes (issue 15)."""
        from tpi_desk.services.export.x12_claims import ClaimFileService

        return ClaimFileService(self.database.session_factory, self.exporting, clock=self.clock)

    @cached_property
    def demo_data(self) -> DemoDataService:
        from tpi_desk.services.sessions.demo_sessions import DemoDataService

        return DemoDataService(self.database.engine, self.catalog, self.demo_database)

    @cached_property
    def demo_database(self) -> DemoDatabase:
        """Whether this is a demo database; marking it one (`tpi-desk demo-data`)."""
        from tpi_desk.services.settings.demo_database import DemoDatabase

        return DemoDatabase(self.database.session_factory, self.users)

    # Clinic, audit, integrity, storage

    @cached_property
    def settings(self) -> ClinicSettingsService:
        from tpi_desk.services.settings.clinic_settings import ClinicSettingsService

        return ClinicSettingsService(self.database.session_factory)

    @cached_property
    def audit(self) -> AuditService:
        """Records what the services do not record themselves (lock, logout, print)."""
        from tpi_desk.services.audit.events import AuditService

        return AuditService(self.database.session_factory, clock=self.clock)

    @cached_property
    def audit_log(self) -> AuditQueries:
        """The audit report."""
        from tpi_desk.services.audit.queries import AuditQueries

        return AuditQueries(self.database.session_factory, clock=self.clock)

    @cached_property
    def outcomes(self) -> OutcomesService:
        """The outcomes report (pain and relief over time by region, muscle, drug, provider)."""
        from tpi_desk.services.outcomes.outcomes import OutcomesService

        return OutcomesService(self.database.session_factory, self.catalog, clock=self.clock)

    @cached_property
    def verification(self) -> VerificationService:
        from tpi_desk.services.integrity.verification import VerificationService

        return VerificationService(
            self.database.session_factory, clock=self.clock, anchors=self.anchors
        )

    @cached_property
    def anchors(self) -> Anchors:
        """The checkpoints of this database outside it: the data folder's, the backups'."""
        from tpi_desk.services.integrity.anchors import Anchors

        return Anchors(self.data_dir, self.database.url)

    @cached_property
    def overview(self) -> DatabaseOverview:
        from tpi_desk.services.sessions.overview import DatabaseOverview

        return DatabaseOverview(self.database.session_factory, self.database.url)

    @cached_property
    def upkeep(self) -> StorageUpkeep:
        from tpi_desk.services.storage.upkeep import StorageUpkeep

        return StorageUpkeep(self.database.url)
