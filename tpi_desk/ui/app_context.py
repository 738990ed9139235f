"""Everything a window needs from below, built once at start-up and passed down (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.audit.events import AuditService
from tpi_desk.services.audit.queries import AuditQueries
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
from tpi_desk.services.storage.upkeep import StorageUpkeep

if TYPE_CHECKING:
    from tpi_desk.desk import Desk
    from tpi_desk.services.export.exporting import ExportService
    from tpi_desk.services.export.fhir_export import FhirExportService
    from tpi_desk.services.export.x12_claims import ClaimFileService
    from tpi_desk.services.settings.demo_database import DemoDatabase


@dataclass(frozen=True)
class AppContext:
    """The services, the catalog, the clock and the folder for crash-recovery files.

    Built from the composition root (``AppContext.of(desk)``); it holds no database.
    """

    catalog: Catalog
    patients: PatientService
    patient_import: PatientImportService
    providers: ProviderService
    users: UserService
    drafts: DraftService
    sessions: SessionQueries
    signing: SigningService
    addenda: AddendumService
    cosign: CosignService
    entered_in_error: EnteredInErrorService
    templates: TemplateService
    importing: ImportService
    lot_recall: LotRecallService
    demo_data: DemoDataService
    settings: ClinicSettingsService
    audit: AuditService
    audit_log: AuditQueries
    overview: DatabaseOverview
    outcomes: OutcomesService
    upkeep: StorageUpkeep
    data_dir: Path
    clock: Callable[[], datetime]
    load_exporting: Callable[[], ExportService]
    demo_database: DemoDatabase | None = None
    load_fhir_export: Callable[[], FhirExportService] | None = None
    load_claim_files: Callable[[], ClaimFileService] | None = None

    @cached_property
    def exporting(self) -> ExportService:
        """The billing export and note PDFs, built on first use (it imports ReportLab: ~0.1 s
        of start-up)."""
        return self.load_exporting()

    @classmethod
    def of(cls, desk: Desk) -> AppContext:
        """Every service the windows use, from ``desk`` (the export only once asked for)."""
        return cls(
            catalog=desk.catalog,
            patients=desk.patients,
            patient_import=desk.patient_import,
            providers=desk.providers,
            users=desk.users,
            drafts=desk.drafts,
            sessions=desk.sessions,
            signing=desk.signing,
            addenda=desk.addenda,
            cosign=desk.cosign,
            entered_in_error=desk.entered_in_error,
            templates=desk.templates,
            importing=desk.importing,
            lot_recall=desk.lot_recall,
            demo_data=desk.demo_data,
            settings=desk.settings,
            audit=desk.audit,
            audit_log=desk.audit_log,
            overview=desk.overview,
            outcomes=desk.outcomes,
            upkeep=desk.upkeep,
            data_dir=desk.data_dir,
            clock=desk.clock,
            load_exporting=lambda: desk.exporting,
            demo_database=desk.demo_database,
            load_fhir_export=lambda: desk.fhir_export,
            load_claim_files=lambda: desk.claim_files,
        )
