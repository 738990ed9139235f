"""Reading the editor's raw values as a SessionEntry, with a plain message for each problem."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    Indication,
    MedicationEntry,
    Position,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
    Tolerance,
)
from tpi_desk.clinical.validation import field_label, validate_entry
from tpi_desk.ui.session_editor.form_values import (
    ASPIRATION_NEGATIVE,
    ASPIRATION_POSITIVE,
    OTHER_SEPARATOR,
    FormReading,
    RawMedication,
    RawSession,
    RawSite,
)

_E = TypeVar("_E", ProcedureKind, Position, Side, ConsentType, ContainerKind, Tolerance)

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
ENTER_SCORE = "enter the score as a number, like 24"
ENTER_PERCENT = "enter a whole percent from 0 to 100, like 60"
ENTER_WEEKS = "enter a whole number of weeks, like 8"
ENTER_MINUTES = "enter a whole number of minutes, like 15"
ENTER_CLOCK_TIME = "enter a time of day like 09:32 (24-hour clock), or leave it empty"
_CLOCK_TIME = re.compile(r"(?P<hour>[0-9]{1,2})[:.h]?(?P<minute>[0-9]{2})")
ENTER_DISCARDED = "enter the mL discarded, like 0.5 (0 when none)"
CHOOSE_FROM_LIST = "choose one from the list"

_DECIMAL_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_WHOLE_TEXT = re.compile(r"[-+]?[0-9]+")
_ISO_DATE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_ISO_MONTH = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})")
_US_DATE = re.compile(r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})")
_US_MONTH = re.compile(r"(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})")


def short_label(path: str) -> str:
    """The label of a path's last field, for a message shown right next to it; a field of a
    nested object keeps the object's name ("Prior relief: percent", not "Percent")."""
    parent, _, last = path.rpartition(".")
    if parent and "[" not in parent.rsplit(".", 1)[-1]:
        return field_label(path)
    return field_label(last)


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

    def choice(self, path: str, kind: type[_E], text: str) -> _E | None:
        """``text`` as one of ``kind``'s values; None when empty (or not one: a problem)."""
        if not text:
            return None
        value = _enum(kind, text)
        if value is None:
            self.fail(path, CHOOSE_FROM_LIST)
        return value

    def clock_time(self, path: str, text: str) -> time | None:
        if not text.strip():
            return None
        value = parse_clock_time(text)
        if value is None:
            self.fail(path, ENTER_CLOCK_TIME)
        return value

    def whole(self, path: str, text: str, message: str) -> int | None:
        stripped = text.strip()
        if not stripped:
            return None
        if not _WHOLE_TEXT.fullmatch(stripped) or len(stripped) > 9:
            self.fail(path, message)
            return None
        return int(stripped)


def parse_clock_time(text: str) -> time | None:
    """ "9:32", "09:32", "0932", "9.32" -> 09:32 (24-hour clock); None when not a time."""
    match = _CLOCK_TIME.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


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
        location_name=raw.location_name.strip(),
        location_state=raw.location_state.strip(),
        place_of_service=raw.place_of_service.strip(),
        position=_enum(Position, raw.position),
        ultrasound_guided=raw.ultrasound_guided,
        ultrasound_image_retained=raw.ultrasound_image_retained,
        ultrasound_device=raw.ultrasound_device.strip(),
        ultrasound_interpretation=raw.ultrasound_interpretation.strip(),
        ultrasound_images=raw.ultrasound_images,
        consent_obtained=raw.consent_obtained,
        consent_type=reader.choice("consent.type", ConsentType, raw.consent_type),
        consent_risks=tuple(raw.consent_risks),
        consent_witness=raw.consent_witness.strip(),
        time_out_performed=raw.time_out_performed,
        procedure_started=reader.clock_time("procedure_time.started", raw.procedure_started),
        procedure_ended=reader.clock_time("procedure_time.ended", raw.procedure_ended),
        chaperone=raw.chaperone.strip(),
        exam_findings=tuple(raw.exam_findings),
        function_scale=raw.function_scale.strip(),
        function_score=reader.decimal("function_score.value", raw.function_score, ENTER_SCORE),
        prior_relief_percent=reader.whole(
            "prior_relief.percent", raw.prior_relief_percent, ENTER_PERCENT
        ),
        prior_relief_weeks=reader.whole("prior_relief.weeks", raw.prior_relief_weeks, ENTER_WEEKS),
        skin_prep=raw.skin_prep.strip(),
        aspiration_negative=_read_aspiration(reader, raw.aspiration),
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
        tolerance=reader.choice("tolerance", Tolerance, raw.tolerance),
        observation_minutes=reader.whole(
            "observation_minutes", raw.observation_minutes, ENTER_MINUTES
        ),
        override_reason=raw.override_reason.strip(),
        notes=raw.notes,
        instructions=raw.instructions,
        follow_up=raw.follow_up,
    )
    checked = [p for p in validate_entry(entry, catalog) if p.path not in reader.covered]
    return FormReading(entry, raw.provider_id, (*reader.problems, *checked))


def _read_aspiration(reader: _Reader, text: str) -> bool | None:
    if text in ("", ASPIRATION_NEGATIVE, ASPIRATION_POSITIVE):
        return None if not text else text == ASPIRATION_NEGATIVE
    reader.fail("aspiration_negative", CHOOSE_FROM_LIST)
    return None


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
        container=reader.choice(f"{path}.container", ContainerKind, raw.container),
        discarded_ml=reader.decimal(f"{path}.discarded_ml", raw.discarded_ml, ENTER_DISCARDED),
        ndc=raw.ndc.strip(),
    )


def _enum(kind: type[_E], value: str) -> _E | None:
    try:
        return kind(value)
    except ValueError:
        return None
