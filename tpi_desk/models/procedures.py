"""A procedure session and its children: diagnoses, sites, medications, findings, images,
addenda."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    and_,
    func,
    inspect,
    literal_column,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, foreign, mapped_column, object_session, relationship

from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    NoteStatus,
    Position,
    ProcedureKind,
    Side,
    Tolerance,
)
from tpi_desk.clinical.ultrasound_images import ImageFormat
from tpi_desk.models.base import (
    Base,
    CreatedAt,
    Dose,
    Hash64,
    IntPk,
    Str10,
    Str32,
    Str40,
    Str64,
    Str128,
    TextList,
    UpdatedAt,
    Version,
    str_enum,
)
from tpi_desk.models.column_types import ExactDecimal, UtcDateTime, utc_now
from tpi_desk.models.people import Patient, User


class FindingKind(StrEnum):
    SIDE_EFFECT = "side_effect"
    COMPLICATION = "complication"


class SignedRecordKind(StrEnum):
    """What a link of the signature chain signs."""

    SESSION = "session"
    ADDENDUM = "addendum"
    COSIGNATURE = "cosignature"
    ENTERED_IN_ERROR = "entered_in_error"


def _children(target: str, back: str) -> Mapped[list[Any]]:
    """A child collection: ordered and numbered by ``position``, deleted with its parent."""
    return relationship(
        target,
        back_populates=back,
        order_by=f"{target}.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ProcedureSession(Base):
    """One TPI or dry-needling session: a draft, then signed (immutable), or entered in error."""

    __tablename__ = "procedure_sessions"

    id: Mapped[IntPk] = mapped_column()
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    performed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    performed_at_offset_minutes: Mapped[int] = mapped_column(SmallInteger, default=0)
    kind: Mapped[ProcedureKind] = mapped_column(str_enum(ProcedureKind, "kind"))
    position: Mapped[Position | None] = mapped_column(str_enum(Position, "position"))
    ultrasound_guided: Mapped[bool] = mapped_column(default=False)
    ultrasound_image_retained: Mapped[bool] = mapped_column(default=False)
    ultrasound_device: Mapped[Str128] = mapped_column(default="")
    consent_obtained: Mapped[bool] = mapped_column(default=False)
    time_out_performed: Mapped[bool] = mapped_column(default=False)
    pain_before: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after: Mapped[int | None] = mapped_column(SmallInteger)
    conservative_care_tried: Mapped[TextList]
    ongoing_care: Mapped[TextList]
    notes: Mapped[str] = mapped_column(default="")
    instructions: Mapped[str] = mapped_column(default="")
    follow_up: Mapped[str] = mapped_column(default="")
    # Session document @2 (migration 0004): where, consent, findings, scores and outcome.
    location_name: Mapped[str] = mapped_column(String(200), default="")
    location_state: Mapped[str] = mapped_column(String(2), default="")
    place_of_service: Mapped[str] = mapped_column(String(2), default="")
    ultrasound_interpretation: Mapped[str] = mapped_column(default="")
    consent_type: Mapped[ConsentType | None] = mapped_column(str_enum(ConsentType, "consent_type"))
    consent_risks: Mapped[TextList]
    consent_witness: Mapped[Str128] = mapped_column(default="")
    exam_findings: Mapped[TextList]
    function_scale: Mapped[Str32] = mapped_column(default="")
    function_score: Mapped[Decimal | None] = mapped_column(ExactDecimal(5, 1))
    prior_relief_percent: Mapped[int | None] = mapped_column(SmallInteger)
    prior_relief_weeks: Mapped[int | None] = mapped_column(SmallInteger)
    skin_prep: Mapped[Str32] = mapped_column(default="")
    aspiration_negative: Mapped[bool | None]
    tolerance: Mapped[Tolerance | None] = mapped_column(str_enum(Tolerance, "tolerance"))
    observation_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    override_reason: Mapped[str] = mapped_column(default="")
    # Session document @3 (migration 0007): when the procedure began and ended (times of day
    # on the session's clock) and who chaperoned it.
    procedure_started: Mapped[time | None] = mapped_column(Time())
    procedure_ended: Mapped[time | None] = mapped_column(Time())
    chaperone: Mapped[Str128] = mapped_column(default="")
    status: Mapped[NoteStatus] = mapped_column(
        str_enum(NoteStatus, "status"), default=NoteStatus.DRAFT
    )
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content_hash: Mapped[Hash64]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    version: Mapped[Version] = mapped_column()

    patient: Mapped[Patient] = relationship()
    provider: Mapped[User] = relationship(foreign_keys=[provider_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    diagnoses: Mapped[list[SessionDiagnosis]] = _children("SessionDiagnosis", "session")
    sites: Mapped[list[InjectionSite]] = _children("InjectionSite", "session")
    findings: Mapped[list[SessionFinding]] = _children("SessionFinding", "session")
    # Loaded only where a whole note is (never by lists): each row holds the image's bytes.
    images: Mapped[list[SessionImage]] = _children("SessionImage", "session")
    addenda: Mapped[list[Addendum]] = relationship(
        back_populates="session", order_by=lambda: (Addendum.created_at, Addendum.id)
    )
    # Read-only views of the rows signing adds beside the note (the note's row never changes).
    signature: Mapped[Signature | None] = relationship(
        primaryjoin=lambda: and_(
            foreign(Signature.record_id) == ProcedureSession.id,
            Signature.record_type == SignedRecordKind.SESSION,
        ),
        viewonly=True,
    )
    cosign_request: Mapped[CosignRequest | None] = relationship(viewonly=True)
    cosignature: Mapped[Cosignature | None] = relationship(viewonly=True)
    error_mark: Mapped[EnteredInErrorMark | None] = relationship(viewonly=True)

    __table_args__ = (
        Index("ix_procedure_sessions_newest", performed_at.desc(), id.desc()),
        Index("ix_procedure_sessions_patient_performed", patient_id, performed_at),
        Index("ix_procedure_sessions_provider_performed", provider_id, performed_at),
        Index("ix_procedure_sessions_status_performed", status, performed_at),
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_range"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_range"),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def local_performed_at(self) -> datetime:
        """``performed_at`` on the clinician's clock when the session was recorded."""
        offset = timezone(timedelta(minutes=self.performed_at_offset_minutes))
        return self.performed_at.astimezone(offset)

    def set_performed_at(self, when: datetime) -> None:
        """Store the instant in UTC and remember the offset of the clock that gave it."""
        offset = when.utcoffset()
        if offset is None:
            raise ValueError(f"naive datetime {when.isoformat()} refused: give it a time zone")
        self.performed_at = when
        self.performed_at_offset_minutes = int(offset.total_seconds() // 60)

    @property
    def side_effects(self) -> tuple[str, ...]:
        return tuple(f.text for f in self.findings if f.kind == FindingKind.SIDE_EFFECT)

    @property
    def complications(self) -> tuple[str, ...]:
        return tuple(f.text for f in self.findings if f.kind == FindingKind.COMPLICATION)


class SessionDiagnosis(Base):
    """An ICD-10-CM code of a session, in the order the clinician listed it."""

    __tablename__ = "session_diagnoses"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id", ondelete="CASCADE"))
    position: Mapped[int]
    code: Mapped[Str10]

    session: Mapped[ProcedureSession] = relationship(back_populates="diagnoses")

    __table_args__ = (UniqueConstraint("session_id", "position"),)


class InjectionSite(Base):
    """One muscle on one side, with its needle and (for injections) its medications."""

    __tablename__ = "injection_sites"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    muscle_id: Mapped[Str64]
    side: Mapped[Side] = mapped_column(str_enum(Side, "side"))
    points: Mapped[int] = mapped_column(default=1)
    needle_gauge: Mapped[int | None]
    needle_length_mm: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 1))
    twitch_response: Mapped[bool] = mapped_column(default=False)

    session: Mapped[ProcedureSession] = relationship(back_populates="sites")
    medications: Mapped[list[MedicationLine]] = _children("MedicationLine", "site")


def lot_key_sql(lot: Any) -> Any:
    """The SQL of a lot's recall key (``clinical.lot_recall.lot_key``): no spaces, upper case.

    Written with literals, never bound values, so that a query's expression is the indexed
    one (SQLite uses an expression index only for the same expression).
    """
    return func.upper(func.replace(lot, literal_column("' '"), literal_column("''")))


class MedicationLine(Base):
    """One drug given at one site; mg = concentration x volume (computed, not stored)."""

    __tablename__ = "medication_lines"

    id: Mapped[IntPk]
    site_id: Mapped[int] = mapped_column(
        ForeignKey("injection_sites.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    drug_id: Mapped[Str64]
    concentration_mg_per_ml: Mapped[Dose]
    volume_ml: Mapped[Decimal] = mapped_column(ExactDecimal(8, 3))
    lot: Mapped[Str40] = mapped_column(default="")
    expires: Mapped[date | None]
    # None: the catalog product's usual container (migration 0004).
    container: Mapped[ContainerKind | None] = mapped_column(str_enum(ContainerKind, "container"))
    discarded_ml: Mapped[Decimal | None] = mapped_column(ExactDecimal(8, 3))
    ndc: Mapped[str] = mapped_column(String(13), default="")  # 5-4-2 with hyphens

    site: Mapped[InjectionSite] = relationship(back_populates="medications")

    __table_args__ = (
        # Lot recalls (migration 0009): lines by the key of their lot, then their NDC.
        Index("ix_medication_lines_lot_key_ndc", lot_key_sql(lot), ndc),
    )


class SessionFinding(Base):
    """A side effect or complication noted during or after the session."""

    __tablename__ = "session_findings"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FindingKind] = mapped_column(str_enum(FindingKind, "kind"))
    position: Mapped[int]
    text: Mapped[str]

    session: Mapped[ProcedureSession] = relationship(back_populates="findings")


class SessionImage(Base):
    """A retained ultrasound image of a session (migration 0010): the file's bytes as
    attached, their SHA-256 (which a signed-note@4 covers) and what was read from the file."""

    __tablename__ = "session_images"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[ImageFormat] = mapped_column(str_enum(ImageFormat, "media_type"))
    # BLOB on SQLite, bytea on PostgreSQL.
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    dicom_patient_name: Mapped[str] = mapped_column(default="")
    dicom_patient_id: Mapped[str] = mapped_column(default="")

    session: Mapped[ProcedureSession] = relationship(back_populates="images")

    __table_args__ = (CheckConstraint("width > 0 AND height > 0", name="pixel_size"),)


class Addendum(Base):
    """A dated, authored amendment to a signed note; the note itself never changes."""

    __tablename__ = "addenda"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    text: Mapped[str]
    signed_at: Mapped[datetime | None]
    version: Mapped[Version] = mapped_column()

    session: Mapped[ProcedureSession] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()
    signature: Mapped[Signature | None] = relationship(
        primaryjoin=lambda: and_(
            foreign(Signature.record_id) == Addendum.id,
            Signature.record_type == SignedRecordKind.ADDENDUM,
        ),
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Signature(Base):
    """One link of the signature chain: a signed note, addendum, co-signature or error mark.

    ``content`` is the canonical JSON that was signed (see docs/security.md); its SHA-256 is
    ``content_hash``, and ``chain_hash`` = SHA-256(``previous_hash`` + ``content_hash``),
    where ``previous_hash`` is the chain hash of the link numbered ``sequence`` - 1.
    """

    __tablename__ = "signatures"

    id: Mapped[IntPk]
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    record_type: Mapped[SignedRecordKind] = mapped_column(str_enum(SignedRecordKind, "record_type"))
    record_id: Mapped[int]
    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id"), index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    content: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    # Migration 0005: the signer's Ed25519 key and its signature (hex) of the link's message
    # (see services/integrity/signing_keys.py); empty on links made before signing keys.
    key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_keys.id"))
    signature: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (UniqueConstraint("record_type", "record_id"),)


class CosignRequest(Base):
    """A note signed by a non-physician while the clinic requires a physician co-signature."""

    __tablename__ = "cosign_requests"

    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id"), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Cosignature(Base):
    """A physician's co-signature of a note signed by a nurse practitioner or PA."""

    __tablename__ = "cosignatures"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id"), unique=True)
    cosigner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cosigned_at: Mapped[datetime] = mapped_column(UtcDateTime())

    cosigner: Mapped[User] = relationship()


class EnteredInErrorMark(Base):
    """Why, when and by whom a signed note was marked entered in error (it is never deleted)."""

    __tablename__ = "entered_in_error_marks"

    id: Mapped[IntPk]
    session_id: Mapped[int] = mapped_column(ForeignKey("procedure_sessions.id"), unique=True)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str]

    marked_by: Mapped[User] = relationship()


def replace_children(
    parent: ProcedureSession | InjectionSite, attribute: str, new: Sequence[object]
) -> None:
    """Replace a child collection of a draft: old rows are deleted before the new ones go in.

    Use it for every change to ``diagnoses`` (whose positions are unique): the unit of work
    inserts and renumbers before it deletes, so the old rows are flushed away first. The
    session row is touched so its version check (and ``updated_at``) applies even when only
    children changed; it is written once, at the next flush, however many collections change.
    """
    db_session = object_session(parent)
    if db_session is None:
        getattr(parent, attribute)[:] = new
        return
    with db_session.no_autoflush:
        collection = getattr(parent, attribute)
        stored = [row for row in collection if inspect(row).persistent]
        for row in stored:
            db_session.delete(row)  # cascades to the children already in memory
        collection.clear()  # rows never flushed are simply dropped
        if stored:
            db_session.flush(objects=list(_with_loaded_descendants(stored)))
        for index, row in enumerate(new):  # numbered once here; appending renumbers nothing
            setattr(row, "position", index)  # noqa: B010 - every child has a position
        collection.extend(new)
    owner = parent.session if isinstance(parent, InjectionSite) else parent
    owner.updated_at = utc_now()


def _with_loaded_descendants(rows: Sequence[object]) -> Iterator[object]:
    """The rows and their children already in memory (the database cascades the rest)."""
    for row in rows:
        yield row
        if isinstance(row, InjectionSite) and "medications" in inspect(row).dict:
            yield from row.medications
