"""The "tpi-desk/session@3" JSON document (``@1`` and ``@2`` still read): parse, check, and
write one session exactly."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from tpi_desk.clinical.document_fields import (
    DOCUMENT_PATH,
    FieldReader,
    Fields,
    json_object_from_pairs,
)
from tpi_desk.clinical.document_json import json_text
from tpi_desk.clinical.document_problems import not_covered, positions_intact
from tpi_desk.clinical.image_document import images_entry, read_images
from tpi_desk.clinical.insurance_document import insurance_entry, read_insurance
from tpi_desk.clinical.ndc import normalised_ndc
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    ConsentType,
    Coverage,
    Indication,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    Sex,
    SiteEntry,
    Tolerance,
)
from tpi_desk.clinical.session_shape import (
    INDICATION_FIELDS,
    MEDICATION_FIELDS,
    SESSION_FIELDS,
    SITE_FIELDS,
    ShapeField,
    document_keys,
    plain_record,
    plain_value,
)
from tpi_desk.clinical.shape_reading import READ_FIRST, read_record, record_keys
from tpi_desk.clinical.validation import (
    field_label,
    validate_entry,
    validate_patient,
    validate_provider,
)

if TYPE_CHECKING:
    from tpi_desk.clinical.catalog import Catalog

FORMAT = "tpi-desk/session@3"
# The second version: no procedure start and end times, no chaperone; still read.
FORMAT_V2 = "tpi-desk/session@2"
# The first version: no location, consent as one flag (``consent_obtained``), none of the
# documentation fields; still read, never written.
FORMAT_V1 = "tpi-desk/session@1"
_FORMAT_FAMILY = "tpi-desk/session@"

T = TypeVar("T")

# The keys of each object, in the order the canonical document writes them.
DOCUMENT_KEYS = (
    "format",
    "patient",
    "provider",
    "location",
    "performed_at",
    "kind",
    "position",
    "ultrasound",
    "consent",
    "time_out_performed",
    "procedure_time",
    "chaperone",
    "exam_findings",
    "function_score",
    "prior_relief",
    "skin_prep",
    "aspiration_negative",
    "pain_before",
    "pain_after",
    "diagnoses",
    "indication",
    "sites",
    "side_effects",
    "complications",
    "tolerance",
    "observation_minutes",
    "notes",
    "instructions",
    "follow_up",
    "override_reason",
)
PATIENT_KEYS = (
    "mrn", "family_name", "given_name", "date_of_birth", "sex", "weight_kg", "allergies",
    "no_known_drug_allergies", "coverage", "insurance",  # insurance: only when on file
)  # fmt: skip
PROVIDER_KEYS = ("username", "display_name", "credentials", "npi", "acupuncture_certified")
INDICATION_KEYS = document_keys(INDICATION_FIELDS)
SITE_KEYS = document_keys(SITE_FIELDS)
MEDICATION_KEYS = document_keys(MEDICATION_FIELDS)


def _nested(group: str) -> tuple[ShapeField, ...]:
    """The session fields kept inside the object ``group`` (``location.state`` ...)."""
    return tuple(field for field in SESSION_FIELDS if field.key.startswith(f"{group}."))


NESTED_GROUPS = (
    "location",
    "ultrasound",
    "consent",
    "procedure_time",
    "function_score",
    "prior_relief",
)
NESTED_KEYS = {group: tuple(f.document_key for f in _nested(group)) for group in NESTED_GROUPS}


@dataclass(frozen=True, slots=True)
class _Layout:
    """The keys one version of the format has."""

    document: tuple[str, ...]
    patient: tuple[str, ...]
    provider: tuple[str, ...]
    nested: Mapping[str, tuple[str, ...]]
    absent: frozenset[str]  # site and medication fields the version does not have

    @property
    def first(self) -> bool:
        return "consent_obtained" in self.document


_V3 = _Layout(DOCUMENT_KEYS, PATIENT_KEYS, PROVIDER_KEYS, NESTED_KEYS, frozenset())
_V2 = _Layout(
    tuple(key for key in DOCUMENT_KEYS if key not in ("procedure_time", "chaperone")),
    PATIENT_KEYS,
    PROVIDER_KEYS,
    {group: keys for group, keys in NESTED_KEYS.items() if group != "procedure_time"},
    frozenset(),
)
_V1 = _Layout(
    document=(
        "format", "patient", "provider", "performed_at", "kind", "position", "ultrasound",
        "consent_obtained", "time_out_performed", "pain_before", "pain_after", "diagnoses",
        "indication", "sites", "side_effects", "complications", "notes", "instructions",
        "follow_up",
    ),
    patient=PATIENT_KEYS[:7],
    provider=PROVIDER_KEYS[:4],
    nested={"ultrasound": ("guided", "image_retained", "device")},
    absent=frozenset({"container", "discarded_ml", "ndc"}),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SessionDocument:
    """One session with the patient and provider it belongs to, as the document carries it."""

    patient: PatientFacts
    provider: ProviderFacts
    session: SessionEntry


class DocumentInvalid(ValueError):
    """A session document that cannot be accepted; ``problems`` names every field at fault."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_session_document(data: object, catalog: Catalog) -> SessionDocument:
    """Read a decoded JSON document, reporting every problem at once (``DocumentInvalid``)."""
    reader = FieldReader(field_label)
    written = data.get("format") if isinstance(data, Mapping) else None
    layout = {FORMAT_V1: _V1, FORMAT_V2: _V2}.get(written, _V3) if isinstance(written, str) else _V3
    root = reader.document(data, layout.document)
    if root is None:
        raise DocumentInvalid(reader.problems)
    _check_format(reader, root)
    patient, patient_clean = _read_part(reader, lambda: _read_patient(root, layout))
    provider, provider_clean = _read_part(reader, lambda: _read_provider(root, layout))
    session, session_clean = _read_part(reader, lambda: _read_session(root, layout))

    structural = tuple(reader.problems)
    # Range checks run on what could be read, so one pass names every problem. A field that
    # already has a structural problem is not reported again, and a part whose lists lost an
    # item (so indices would no longer match the document) is not range-checked at all.
    trusted = positions_intact(structural)
    problems = list(structural)
    if patient is not None and (patient_clean or trusted):
        problems += not_covered(validate_patient(patient), structural)
    if provider is not None and (provider_clean or trusted):
        problems += not_covered(validate_provider(provider), structural)
    if session is not None and (session_clean or trusted):
        problems += not_covered(validate_entry(session, catalog), structural)
    if problems or patient is None or provider is None or session is None:
        raise DocumentInvalid(problems)
    return SessionDocument(patient=patient, provider=provider, session=session)


def from_json(text: str, catalog: Catalog) -> SessionDocument:
    """Parse a document's JSON text; numbers are read as exact decimals."""
    return parse_session_document(_decoded(text), catalog)


def documents_from_json(text: str, catalog: Catalog) -> list[SessionDocument]:
    """One document, or a JSON list of them (what `tpi-desk export --json` writes).

    Every problem of every document is reported at once; in a list, paths start with the
    document's index (``[2].session.sites[0].muscle``) and labels with its number.
    """
    data = _decoded(text)
    if not isinstance(data, list):
        return [parse_session_document(data, catalog)]
    if not data:
        raise DocumentInvalid([_document_problem("is an empty list: no session to import")])
    documents: list[SessionDocument] = []
    problems: list[FieldProblem] = []
    for index, item in enumerate(data):
        try:
            documents.append(parse_session_document(item, catalog))
        except DocumentInvalid as invalid:
            problems += [
                FieldProblem(
                    f"[{index}]" if problem.path == DOCUMENT_PATH else f"[{index}].{problem.path}",
                    f"Document {index + 1}: {problem.label}",
                    problem.message,
                )
                for problem in invalid.problems
            ]
    if problems:
        raise DocumentInvalid(problems)
    return documents


def _decoded(text: str) -> object:
    """JSON text decoded with exact decimals, or ``DocumentInvalid`` saying why not."""
    try:
        return json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=Decimal,
            object_pairs_hook=json_object_from_pairs,
        )
    except json.JSONDecodeError as error:
        message = (
            f"is not valid JSON: {error.msg[:1].lower()}{error.msg[1:]} "
            f"at line {error.lineno}, column {error.colno}"
        )
        raise DocumentInvalid([_document_problem(message)]) from None
    except RecursionError:
        raise DocumentInvalid([_document_problem("is nested too deeply to read")]) from None


def session_document_to_dict(doc: SessionDocument) -> dict[str, object]:
    """The canonical document: every key, in the documented order; numbers stay Decimal."""
    patient, provider, session = doc.patient, doc.provider, doc.session
    if session.performed_at.utcoffset() is None:
        raise ValueError("performed_at needs a UTC offset to be written to a session document")
    return {
        "format": FORMAT,
        "patient": {
            "mrn": patient.mrn,
            "family_name": patient.family_name,
            "given_name": patient.given_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex.value,
            "weight_kg": patient.weight_kg,
            "allergies": list(patient.allergies),
            "no_known_drug_allergies": patient.no_known_drug_allergies,
            "coverage": patient.coverage.value,
            **insurance_entry(patient.insurance),
        },
        "provider": {
            "username": provider.username,
            "display_name": provider.display_name,
            "credentials": provider.credentials,
            "npi": provider.npi,
            "acupuncture_certified": provider.acupuncture_certified,
        },
        "location": _group(session, "location"),
        "performed_at": session.performed_at.isoformat(),
        "kind": session.kind.value,
        "position": None if session.position is None else session.position.value,
        "ultrasound": _group(session, "ultrasound"),
        "consent": _group(session, "consent"),
        "time_out_performed": session.time_out_performed,
        "procedure_time": _group(session, "procedure_time"),
        "chaperone": session.chaperone,
        "exam_findings": list(session.exam_findings),
        "function_score": _group(session, "function_score"),
        "prior_relief": _group(session, "prior_relief"),
        "skin_prep": session.skin_prep,
        "aspiration_negative": session.aspiration_negative,
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "diagnoses": list(session.diagnoses),
        "indication": plain_record(session.indication),
        "sites": [plain_record(site) for site in session.sites],
        "side_effects": list(session.side_effects),
        "complications": list(session.complications),
        "tolerance": None if session.tolerance is None else session.tolerance.value,
        "observation_minutes": session.observation_minutes,
        "notes": session.notes,
        "instructions": session.instructions,
        "follow_up": session.follow_up,
        "override_reason": session.override_reason,
    }


def _group(session: SessionEntry, group: str) -> dict[str, object]:
    """The nested object ``group`` of the session, every key in the definition's order (the
    ultrasound images only when there are some, last)."""
    return {
        **{
            field.document_key: plain_value(field, getattr(session, field.name))
            for field in _nested(group)
            if field.name != "ultrasound_images"
        },
        **(images_entry(session.ultrasound_images) if group == "ultrasound" else {}),
    }


def to_json(doc: SessionDocument) -> str:
    """The canonical document as JSON text (UTF-8 friendly, decimals written exactly)."""
    return json_text(session_document_to_dict(doc)) + "\n"


def _document_problem(message: str) -> FieldProblem:
    return FieldProblem(DOCUMENT_PATH, "The whole document", message)


def _read_part(reader: FieldReader, read: Callable[[], T]) -> tuple[T, bool]:
    """The value ``read`` builds, and whether reading it met no structural problem."""
    mark = reader.mark()
    value = read()
    return value, reader.clean_since(mark)


def _check_format(reader: FieldReader, root: Fields) -> None:
    value = root.value("format")
    if value in (FORMAT, FORMAT_V2, FORMAT_V1):
        return
    if value is None:
        reader.report("format", "is required")
    elif isinstance(value, str) and value.startswith(_FORMAT_FAMILY):
        reader.report(
            "format",
            f"is a version this app cannot read; it reads {FORMAT}, {FORMAT_V2} and {FORMAT_V1}",
        )
    else:
        reader.report("format", f'must be "{FORMAT}" (or "{FORMAT_V2}", "{FORMAT_V1}")')


def _read_patient(root: Fields, layout: _Layout) -> PatientFacts | None:
    fields = root.child("patient", layout.patient, required=True)
    if fields is None:
        return None
    return PatientFacts(
        mrn=fields.text("mrn", required=True),
        family_name=fields.text("family_name", required=True),
        given_name=fields.text("given_name", required=True),
        date_of_birth=fields.required_day("date_of_birth"),
        sex=fields.choice("sex", Sex, Sex.UNKNOWN),
        weight_kg=fields.number("weight_kg"),
        allergies=fields.texts("allergies"),
        no_known_drug_allergies=fields.flag("no_known_drug_allergies"),
        coverage=fields.choice("coverage", Coverage, Coverage.UNKNOWN),
        insurance=read_insurance(fields),
    )


def _read_provider(root: Fields, layout: _Layout) -> ProviderFacts | None:
    fields = root.child("provider", layout.provider, required=True)
    if fields is None:
        return None
    return ProviderFacts(
        username=fields.text("username", required=True),
        display_name=fields.text("display_name", required=True),
        credentials=fields.text("credentials", required=True),
        npi=fields.text("npi"),
        acupuncture_certified=fields.flag("acupuncture_certified"),
    )


def _read_session(root: Fields, layout: _Layout) -> SessionEntry:
    performed_at = root.moment("performed_at")
    kind = root.required_choice("kind", ProcedureKind)
    position = root.optional_choice("position", Position)
    groups = {group: root.child(group, keys) or _NOTHING for group, keys in layout.nested.items()}
    indication = root.child("indication", INDICATION_KEYS)
    ultrasound, consent = groups["ultrasound"], groups.get("consent", _NOTHING)
    location, score = groups.get("location", _NOTHING), groups.get("function_score", _NOTHING)
    relief = groups.get("prior_relief", _NOTHING)
    times = groups.get("procedure_time", _NOTHING)
    return SessionEntry(
        performed_at=performed_at,
        kind=kind,
        location_name=location.text("name"),
        location_state=location.text("state"),
        place_of_service=location.text("place_of_service"),
        position=position,
        ultrasound_guided=ultrasound.flag("guided"),
        ultrasound_image_retained=ultrasound.flag("image_retained"),
        ultrasound_device=ultrasound.text("device"),
        ultrasound_interpretation=ultrasound.text("interpretation"),
        ultrasound_images=read_images(ultrasound),
        consent_obtained=root.flag("consent_obtained")
        if layout.first
        else consent.flag("obtained"),
        consent_type=consent.optional_choice("type", ConsentType),
        consent_risks=consent.texts("risks_discussed"),
        consent_witness=consent.text("witness"),
        time_out_performed=root.flag("time_out_performed"),
        procedure_started=times.clock_time("started"),
        procedure_ended=times.clock_time("ended"),
        chaperone=root.text("chaperone"),
        exam_findings=root.texts("exam_findings"),
        function_scale=score.text("scale"),
        function_score=score.number("value"),
        prior_relief_percent=relief.whole("percent"),
        prior_relief_weeks=relief.whole("weeks"),
        skin_prep=root.text("skin_prep"),
        aspiration_negative=root.optional_flag("aspiration_negative"),
        pain_before=root.whole("pain_before"),
        pain_after=root.whole("pain_after"),
        diagnoses=root.texts("diagnoses"),
        indication=read_record(indication, Indication) if indication else Indication(),
        sites=tuple(
            _with_claim_ndcs(
                read_record(site, SiteEntry, first=READ_FIRST[SiteEntry], absent=layout.absent)
            )
            for site in root.children("sites", record_keys(SiteEntry, layout.absent))
        ),
        side_effects=root.texts("side_effects"),
        complications=root.texts("complications"),
        tolerance=root.optional_choice("tolerance", Tolerance),
        observation_minutes=root.whole("observation_minutes"),
        notes=root.text("notes"),
        instructions=root.text("instructions"),
        follow_up=root.text("follow_up"),
        override_reason=root.text("override_reason"),
    )


# Stands in for a nested object the document leaves out: every key reads as absent.
_NOTHING = Fields(FieldReader(field_label), {}, "")


def _with_claim_ndcs(site: SiteEntry) -> SiteEntry:
    """The site with each NDC written in the 5-4-2 claim form (invalid ones are left for
    validation to name)."""
    medications = tuple(
        replace(line, ndc=normalised_ndc(line.ndc) or line.ndc) if line.ndc else line
        for line in site.medications
    )
    return replace(site, medications=medications) if medications != site.medications else site
