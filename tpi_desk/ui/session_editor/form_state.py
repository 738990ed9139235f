"""The editor's raw field values: read as a SessionEntry, made from one, and kept as JSON."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    Position,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.validation import field_label, validate_entry

_E = TypeVar("_E", ProcedureKind, Position, Side)

PAYLOAD_FORMAT = "tpi-desk/editor-form@1"
OTHER_SEPARATOR = ";"

ENTER_DECIMAL = "enter a number like 1.5"
ENTER_LENGTH = "enter a number of millimetres like 38"
ENTER_GAUGE = "enter a whole number like 25"
ENTER_POINTS = "enter a whole number like 2"
ENTER_PAIN = "enter a whole number from 0 to 10, or leave it empty"
ENTER_EXPIRY = "enter a date like 2027-08-31 (or 08/2027)"
NOT_ON_CALENDAR = "is not a date on the calendar"
CHOOSE_MUSCLE = "choose a muscle from the list"
CHOOSE_SIDE = "choose left, right, bilateral or midline"
CHOOSE_DRUG = "choose a drug and strength from the list"
ENTER_VOLUME = "enter the volume given, like 1.5"
CHOOSE_PROVIDER = "choose who performed the session"
ENTER_DATE_TIME = "enter the date and time of the session"

_DECIMAL_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_WHOLE_TEXT = re.compile(r"[-+]?[0-9]+")
_ISO_DATE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_ISO_MONTH = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})")
_US_DATE = re.compile(r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})")
_US_MONTH = re.compile(r"(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})")


@dataclass(frozen=True, slots=True)
class RawMedication:
    """One medication row as typed; ``concentration`` is mg/mL as text ("10")."""

    drug_id: str = ""
    concentration: str = ""
    volume_ml: str = ""
    lot: str = ""
    expires: str = ""


@dataclass(frozen=True, slots=True)
class RawSite:
    """One site row as typed; ``muscle_text`` is what the muscle field shows."""

    muscle_id: str = ""
    muscle_text: str = ""
    side: str = ""
    points: str = "1"
    needle_gauge: str = ""
    needle_length_mm: str = ""
    twitch_response: bool = False
    medications: tuple[RawMedication, ...] = ()


@dataclass(frozen=True, slots=True)
class RawSession:
    """Every field of the editor exactly as shown, so even invalid input can be kept."""

    performed_at: str = ""
    provider_id: int | None = None
    kind: str = ProcedureKind.TRIGGER_POINT_INJECTION.value
    position: str = ""
    ultrasound_guided: bool = False
    ultrasound_image_retained: bool = False
    ultrasound_device: str = ""
    consent_obtained: bool = False
    time_out_performed: bool = False
    pain_before: str = ""
    pain_after: str = ""
    diagnoses: tuple[str, ...] = ()
    conservative_care_tried: tuple[str, ...] = ()
    ongoing_care: tuple[str, ...] = ()
    sites: tuple[RawSite, ...] = ()
    side_effects: tuple[str, ...] = ()
    side_effects_other: str = ""
    complications: tuple[str, ...] = ()
    complications_other: str = ""
    notes: str = ""
    instructions: str = ""
    follow_up: str = ""


@dataclass(frozen=True, slots=True)
class FormReading:
    """The form read as a session: ``entry`` is a best effort, ``problems`` block saving.

    Values that could not be read (text in a number field, no muscle chosen) are left at a
    neutral placeholder in ``entry`` so that list positions, and with them problem paths,
    stay the same as on screen.
    """

    entry: SessionEntry
    provider_id: int | None
    problems: tuple[FieldProblem, ...]

    @property
    def is_valid(self) -> bool:
        return not self.problems


def short_label(path: str) -> str:
    """The label of a path's last field, for a message shown right next to it."""
    return field_label(path.rsplit(".", 1)[-1])


# --- reading -------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Collects problems (and the paths they cover) while reading raw texts."""

    problems: list[FieldProblem] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)

    def fail(self, path: str, message: str, *, also_covers: Iterable[str] = ()) -> None:
        self.problems.append(FieldProblem(path, field_label(path), message))
        self.covered.add(path)
        self.covered.update(also_covers)

    def decimal(self, path: str, text: str, message: str) -> Decimal | None:
        value = parse_decimal(text)
        if value is None and text.strip():
            self.fail(path, message)
        return value

    def whole(self, path: str, text: str, message: str) -> int | None:
        stripped = text.strip()
        if not stripped:
            return None
        if not _WHOLE_TEXT.fullmatch(stripped) or len(stripped) > 9:
            self.fail(path, message)
            return None
        return int(stripped)


def parse_decimal(text: str) -> Decimal | None:
    """``text`` as an exact decimal ("1.5", ".5", "2"), or None if it is not a plain number."""
    stripped = text.strip()
    if not _DECIMAL_TEXT.fullmatch(stripped) or len(stripped) > 20:
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def parse_expiry(text: str) -> date | None:
    """An expiry date: 2027-08-31, 8/31/2027, or a month (2027-08, 08/2027) meaning its last day.

    Raises ValueError("not on the calendar") for impossible dates; returns None for empty text
    and raises ValueError("format") for text that is not a date at all.
    """
    stripped = text.strip()
    if not stripped:
        return None
    for pattern, whole_month in (
        (_ISO_DATE, False),
        (_US_DATE, False),
        (_ISO_MONTH, True),
        (_US_MONTH, True),
    ):
        match = pattern.fullmatch(stripped)
        if match is None:
            continue
        year, month = int(match["y"]), int(match["m"])
        if not 1 <= month <= 12:
            raise ValueError("calendar")
        day = calendar.monthrange(year, month)[1] if whole_month else int(match["d"])
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError("calendar") from None
    raise ValueError("format")


def _split_other(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(OTHER_SEPARATOR) if part.strip())


def read_form(raw: RawSession, catalog: Catalog) -> FormReading:
    """Read every raw value; the problems are the form's own plus the clinical validation."""
    reader = _Reader()
    performed_at = _read_performed_at(reader, raw.performed_at)
    kind = _enum(ProcedureKind, raw.kind) or ProcedureKind.TRIGGER_POINT_INJECTION
    if raw.provider_id is None:
        reader.fail("provider", CHOOSE_PROVIDER)
    entry = SessionEntry(
        performed_at=performed_at,
        kind=kind,
        position=_enum(Position, raw.position),
        ultrasound_guided=raw.ultrasound_guided,
        ultrasound_image_retained=raw.ultrasound_image_retained,
        ultrasound_device=raw.ultrasound_device.strip(),
        consent_obtained=raw.consent_obtained,
        time_out_performed=raw.time_out_performed,
        pain_before=reader.whole("pain_before", raw.pain_before, ENTER_PAIN),
        pain_after=reader.whole("pain_after", raw.pain_after, ENTER_PAIN),
        diagnoses=tuple(raw.diagnoses),
        sites=tuple(
            _read_site(reader, site, f"sites[{index}]") for index, site in enumerate(raw.sites)
        ),
        indication=Indication(
            conservative_care_tried=tuple(raw.conservative_care_tried),
            ongoing_care=tuple(raw.ongoing_care),
        ),
        side_effects=(*raw.side_effects, *_split_other(raw.side_effects_other)),
        complications=(*raw.complications, *_split_other(raw.complications_other)),
        notes=raw.notes,
        instructions=raw.instructions,
        follow_up=raw.follow_up,
    )
    checked = [p for p in validate_entry(entry, catalog) if p.path not in reader.covered]
    return FormReading(entry, raw.provider_id, (*reader.problems, *checked))


def _read_performed_at(reader: _Reader, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        reader.fail("performed_at", ENTER_DATE_TIME)
        return datetime.now().astimezone()
    return moment


def _read_site(reader: _Reader, raw: RawSite, path: str) -> SiteEntry:
    if not raw.muscle_id:
        reader.fail(f"{path}.muscle", CHOOSE_MUSCLE)
    side = _enum(Side, raw.side)
    if side is None:
        reader.fail(f"{path}.side", CHOOSE_SIDE)
    points = reader.whole(f"{path}.points", raw.points, ENTER_POINTS)
    return SiteEntry(
        muscle_id=raw.muscle_id,
        side=side or Side.MIDLINE,
        points=1 if points is None else points,
        needle_gauge=reader.whole(f"{path}.needle_gauge", raw.needle_gauge, ENTER_GAUGE),
        needle_length_mm=reader.decimal(
            f"{path}.needle_length_mm", raw.needle_length_mm, ENTER_LENGTH
        ),
        twitch_response=raw.twitch_response,
        medications=tuple(
            _read_medication(reader, medication, f"{path}.medications[{index}]")
            for index, medication in enumerate(raw.medications)
        ),
    )


def _read_medication(reader: _Reader, raw: RawMedication, path: str) -> MedicationEntry:
    concentration = parse_decimal(raw.concentration)
    if not raw.drug_id or concentration is None:
        reader.fail(f"{path}.drug", CHOOSE_DRUG, also_covers=[f"{path}.concentration_mg_per_ml"])
    if raw.volume_ml.strip():
        volume = reader.decimal(f"{path}.volume_ml", raw.volume_ml, ENTER_DECIMAL)
    else:
        volume = None
        reader.fail(f"{path}.volume_ml", ENTER_VOLUME)
    expires = None
    try:
        expires = parse_expiry(raw.expires)
    except ValueError as error:
        reader.fail(
            f"{path}.expires", NOT_ON_CALENDAR if str(error) == "calendar" else ENTER_EXPIRY
        )
    return MedicationEntry(
        drug_id=raw.drug_id,
        concentration_mg_per_ml=concentration if concentration is not None else Decimal(0),
        volume_ml=volume if volume is not None else Decimal(0),
        lot=raw.lot.strip(),
        expires=expires,
    )


def _enum(kind: type[_E], value: str) -> _E | None:
    try:
        return kind(value)
    except ValueError:
        return None


# --- writing -------------------------------------------------------------------------------


def decimal_text(value: Decimal | None) -> str:
    """A stored decimal as the editor shows it: exact, without exponent ("38", "0.5")."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def raw_medication(medication: MedicationEntry) -> RawMedication:
    return RawMedication(
        drug_id=medication.drug_id,
        concentration=decimal_text(medication.concentration_mg_per_ml),
        volume_ml=decimal_text(medication.volume_ml),
        lot=medication.lot,
        expires=medication.expires.isoformat() if medication.expires else "",
    )


def raw_site(site: SiteEntry, catalog: Catalog) -> RawSite:
    muscle = catalog.muscles.get(site.muscle_id)
    return RawSite(
        muscle_id=site.muscle_id,
        muscle_text=muscle.name if muscle is not None else site.muscle_id,
        side=site.side.value,
        points=str(site.points),
        needle_gauge="" if site.needle_gauge is None else str(site.needle_gauge),
        needle_length_mm=decimal_text(site.needle_length_mm),
        twitch_response=site.twitch_response,
        medications=tuple(raw_medication(m) for m in site.medications),
    )


def _split_known(items: Iterable[str], known: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    listed = tuple(items)
    ids = tuple(item for item in listed if item in known)
    others = f"{OTHER_SEPARATOR} ".join(item for item in listed if item not in known)
    return ids, others


def raw_from_entry(entry: SessionEntry, provider_id: int | None, catalog: Catalog) -> RawSession:
    """The form showing ``entry`` as stored."""
    side_effects, side_effects_other = _split_known(entry.side_effects, catalog.side_effects)
    complications, complications_other = _split_known(entry.complications, catalog.complications)
    return RawSession(
        performed_at=entry.performed_at.isoformat(),
        provider_id=provider_id,
        kind=entry.kind.value,
        position=entry.position.value if entry.position is not None else "",
        ultrasound_guided=entry.ultrasound_guided,
        ultrasound_image_retained=entry.ultrasound_image_retained,
        ultrasound_device=entry.ultrasound_device,
        consent_obtained=entry.consent_obtained,
        time_out_performed=entry.time_out_performed,
        pain_before="" if entry.pain_before is None else str(entry.pain_before),
        pain_after="" if entry.pain_after is None else str(entry.pain_after),
        diagnoses=entry.diagnoses,
        conservative_care_tried=entry.indication.conservative_care_tried,
        ongoing_care=entry.indication.ongoing_care,
        sites=tuple(raw_site(site, catalog) for site in entry.sites),
        side_effects=side_effects,
        side_effects_other=side_effects_other,
        complications=complications,
        complications_other=complications_other,
        notes=entry.notes,
        instructions=entry.instructions,
        follow_up=entry.follow_up,
    )


# --- JSON for crash recovery ---------------------------------------------------------------


def raw_to_payload(raw: RawSession) -> dict[str, object]:
    """The raw form as JSON values (texts, booleans, lists, one integer)."""
    return {
        "format": PAYLOAD_FORMAT,
        "performed_at": raw.performed_at,
        "provider_id": raw.provider_id,
        "kind": raw.kind,
        "position": raw.position,
        "ultrasound_guided": raw.ultrasound_guided,
        "ultrasound_image_retained": raw.ultrasound_image_retained,
        "ultrasound_device": raw.ultrasound_device,
        "consent_obtained": raw.consent_obtained,
        "time_out_performed": raw.time_out_performed,
        "pain_before": raw.pain_before,
        "pain_after": raw.pain_after,
        "diagnoses": list(raw.diagnoses),
        "conservative_care_tried": list(raw.conservative_care_tried),
        "ongoing_care": list(raw.ongoing_care),
        "sites": [_site_payload(site) for site in raw.sites],
        "side_effects": list(raw.side_effects),
        "side_effects_other": raw.side_effects_other,
        "complications": list(raw.complications),
        "complications_other": raw.complications_other,
        "notes": raw.notes,
        "instructions": raw.instructions,
        "follow_up": raw.follow_up,
    }


def _site_payload(site: RawSite) -> dict[str, object]:
    return {
        "muscle_id": site.muscle_id,
        "muscle_text": site.muscle_text,
        "side": site.side,
        "points": site.points,
        "needle_gauge": site.needle_gauge,
        "needle_length_mm": site.needle_length_mm,
        "twitch_response": site.twitch_response,
        "medications": [
            {
                "drug_id": m.drug_id,
                "concentration": m.concentration,
                "volume_ml": m.volume_ml,
                "lot": m.lot,
                "expires": m.expires,
            }
            for m in site.medications
        ],
    }


class _Payload:
    """Typed, forgiving reads from a JSON object: a wrong or missing value gives the default."""

    def __init__(self, data: object) -> None:
        self.data: Mapping[str, object] = data if isinstance(data, Mapping) else {}

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str) -> bool:
        return self.data.get(key) is True

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if not isinstance(value, list):
            return ()
        return tuple(item for item in value if isinstance(item, str))

    def objects(self, key: str) -> list[_Payload]:
        value = self.data.get(key)
        if not isinstance(value, list):
            return []
        return [_Payload(item) for item in value if isinstance(item, Mapping)]

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def raw_from_payload(data: Mapping[str, object]) -> RawSession:
    """The raw form from ``raw_to_payload`` output; unknown or damaged values fall back."""
    read = _Payload(data)
    defaults = RawSession()
    return RawSession(
        performed_at=read.text("performed_at"),
        provider_id=read.integer("provider_id"),
        kind=read.text("kind", defaults.kind),
        position=read.text("position"),
        ultrasound_guided=read.flag("ultrasound_guided"),
        ultrasound_image_retained=read.flag("ultrasound_image_retained"),
        ultrasound_device=read.text("ultrasound_device"),
        consent_obtained=read.flag("consent_obtained"),
        time_out_performed=read.flag("time_out_performed"),
        pain_before=read.text("pain_before"),
        pain_after=read.text("pain_after"),
        diagnoses=read.texts("diagnoses"),
        conservative_care_tried=read.texts("conservative_care_tried"),
        ongoing_care=read.texts("ongoing_care"),
        sites=tuple(_site_from_payload(site) for site in read.objects("sites")),
        side_effects=read.texts("side_effects"),
        side_effects_other=read.text("side_effects_other"),
        complications=read.texts("complications"),
        complications_other=read.text("complications_other"),
        notes=read.text("notes"),
        instructions=read.text("instructions"),
        follow_up=read.text("follow_up"),
    )


def _site_from_payload(read: _Payload) -> RawSite:
    return RawSite(
        muscle_id=read.text("muscle_id"),
        muscle_text=read.text("muscle_text"),
        side=read.text("side"),
        points=read.text("points", "1"),
        needle_gauge=read.text("needle_gauge"),
        needle_length_mm=read.text("needle_length_mm"),
        twitch_response=read.flag("twitch_response"),
        medications=tuple(
            RawMedication(
                drug_id=m.text("drug_id"),
                concentration=m.text("concentration"),
                volume_ml=m.text("volume_ml"),
                lot=m.text("lot"),
                expires=m.text("expires"),
            )
            for m in read.objects("medications")
        ),
    )
