"""The editor's form state: raw values as typed, read as a SessionEntry, made from one, kept
as JSON. One name to import; each job lives in its own module:

- ``form_values``: the raw values (``RawSession``, ``RawSite``, ``RawMedication``) and
  ``FormReading``;
- ``form_reading``: ``read_form`` and the parsing of typed numbers and dates;
- ``form_writing``: ``raw_from_entry`` and friends, a stored entry as the form shows it;
- ``form_payload``: the crash-recovery JSON (``raw_to_payload`` / ``raw_from_payload``).
"""

from __future__ import annotations

from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.ui.session_editor.form_payload import (
    PAYLOAD_FORMAT,
    raw_from_payload,
    raw_to_payload,
)
from tpi_desk.ui.session_editor.form_reading import (
    CHOOSE_DRUG,
    CHOOSE_MUSCLE,
    CHOOSE_PROVIDER,
    CHOOSE_SIDE,
    ENTER_DATE_TIME,
    ENTER_DECIMAL,
    ENTER_EXPIRY,
    ENTER_GAUGE,
    ENTER_LENGTH,
    ENTER_PAIN,
    ENTER_POINTS,
    ENTER_VOLUME,
    NOT_ON_CALENDAR,
    parse_decimal,
    parse_expiry,
    read_form,
    short_label,
)
from tpi_desk.ui.session_editor.form_values import (
    ASPIRATION_NEGATIVE,
    ASPIRATION_POSITIVE,
    OTHER_SEPARATOR,
    FormReading,
    RawMedication,
    RawSession,
    RawSite,
)
from tpi_desk.ui.session_editor.form_writing import raw_from_entry, raw_medication, raw_site

__all__ = [
    "ASPIRATION_NEGATIVE",
    "ASPIRATION_POSITIVE",
    "CHOOSE_DRUG",
    "CHOOSE_MUSCLE",
    "CHOOSE_PROVIDER",
    "CHOOSE_SIDE",
    "ENTER_DATE_TIME",
    "ENTER_DECIMAL",
    "ENTER_EXPIRY",
    "ENTER_GAUGE",
    "ENTER_LENGTH",
    "ENTER_PAIN",
    "ENTER_POINTS",
    "ENTER_VOLUME",
    "NOT_ON_CALENDAR",
    "OTHER_SEPARATOR",
    "PAYLOAD_FORMAT",
    "FormReading",
    "RawMedication",
    "RawSession",
    "RawSite",
    "decimal_text",
    "parse_decimal",
    "parse_expiry",
    "raw_from_entry",
    "raw_from_payload",
    "raw_medication",
    "raw_site",
    "raw_to_payload",
    "read_form",
    "short_label",
]
