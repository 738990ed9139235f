"""Issue 15 item 5, the clinical rules of attached ultrasound images, case by case: an
attached image is a retained image (76942), images need guidance and are bounded, and a
DICOM image naming another patient is a warning. Each row cites its source."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from tests.image_support import dicom_bytes, png_bytes
from tpi_desk.clinical.alerts import AlertCode, AlertSeverity
from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import (
    PatientFacts,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.ultrasound_images import MAX_IMAGES_PER_SESSION, UltrasoundImage
from tpi_desk.clinical.validation import validate_entry

US = "DOMAIN.md, CPT (76942: guidance, a retained image and a written interpretation)"
ISSUE = "Issue 15 item 5 (images attach to a session with ultrasound guidance)"
IDENTITY = "Issue 15 item 5 (the DICOM header's patient checked; a warning on mismatch)"
INTERPRETATION = "Needle tip seen within the taut band of the upper trapezius."
TODAY = date(2026, 3, 10)
PATIENT = PatientFacts("MRN-100001", "Rivera", "Alex", date(1970, 2, 3))
PNG = read_ultrasound_image("trapezius.png", png_bytes())


def session(**extra: Any) -> SessionEntry:
    return SessionEntry(
        datetime(2026, 3, 10, 9, 30),
        ProcedureKind.TRIGGER_POINT_INJECTION,
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
        **extra,
    )


def dicom(patient_name: str, patient_id: str) -> UltrasoundImage:
    content = dicom_bytes(patient_name=patient_name, patient_id=patient_id)
    return read_ultrasound_image("probe.dcm", content)


def many_images(count: int) -> tuple[UltrasoundImage, ...]:
    return tuple(read_ultrasound_image(f"{n}.png", png_bytes(seed=n)) for n in range(count))


BILLING_CASES = [
    # (source, images attached, checkbox "image retained", 76942 billed, not-retained warning)
    (US, (PNG,), False, True, False),
    (US, (), True, True, False),  # the image is kept on the device or in the PACS
    (US, (PNG,), True, True, False),
    (US, (), False, False, True),
]


@pytest.mark.parametrize(("source", "images", "checkbox", "billed", "warned"), BILLING_CASES)
def test_an_attached_image_is_a_retained_image(
    catalog: Catalog,
    source: str,
    images: tuple[UltrasoundImage, ...],
    checkbox: bool,
    billed: bool,
    warned: bool,
) -> None:
    assert source
    entry = session(
        ultrasound_guided=True,
        ultrasound_image_retained=checkbox,
        ultrasound_interpretation=INTERPRETATION,
        ultrasound_images=images,
    )
    analysis = analyse_session(entry, catalog, patient=PATIENT, today=TODAY)
    codes = [line.code for line in analysis.coding.all_lines]
    alerts = {alert.code for alert in analysis.alerts}
    assert ("76942" in codes) is billed
    assert (AlertCode.ULTRASOUND_IMAGE_NOT_RETAINED in alerts) is warned


VALIDATION_CASES = [
    # (source, changes, path, message part) -- every problem names its field
    (ISSUE, {"ultrasound_images": (PNG,)}, "ultrasound.images", "without ultrasound guidance"),
    (
        ISSUE,
        {
            "ultrasound_guided": True,
            "ultrasound_images": many_images(MAX_IMAGES_PER_SESSION + 1),
        },
        "ultrasound.images",
        f"at most {MAX_IMAGES_PER_SESSION} images (there are {MAX_IMAGES_PER_SESSION + 1})",
    ),
    (
        ISSUE,
        {"ultrasound_guided": True, "ultrasound_images": (PNG, replace(PNG, file_name="b.png"))},
        "ultrasound.images[1]",
        "the same image as image 1",
    ),
]


@pytest.mark.parametrize(("source", "changes", "path", "message"), VALIDATION_CASES)
def test_images_that_cannot_be_kept_name_their_field(
    catalog: Catalog, source: str, changes: dict[str, Any], path: str, message: str
) -> None:
    assert source
    problems = validate_entry(session(**changes), catalog)
    assert [(p.path, message in p.message) for p in problems] == [(path, True)]
    assert problems[0].label.startswith("Ultrasound")


def test_the_most_images_a_session_keeps_are_accepted(catalog: Catalog) -> None:
    entry = session(ultrasound_guided=True, ultrasound_images=many_images(MAX_IMAGES_PER_SESSION))
    assert validate_entry(entry, catalog) == ()


IDENTITY_CASES = [
    # (source, DICOM PatientName, PatientID, warned, words in the message)
    (IDENTITY, "RIVERA^ALEX", "MRN-100001", False, ()),
    (IDENTITY, "rivera^alex", "mrn-100001", False, ()),  # case is not a mismatch
    (IDENTITY, "", "", False, ()),  # an anonymised header names nobody
    (IDENTITY, "RIVERA^ALEX", "MRN-999999", True, ("patient id 'MRN-999999'",)),
    (IDENTITY, "OKAFOR^JUNE", "MRN-100001", True, ("family name 'OKAFOR'", "given name 'JUNE'")),
    (IDENTITY, "OKAFOR^JUNE", "MRN-5", True, ("patient id", "family name", "given name")),
]


@pytest.mark.parametrize(("source", "name", "patient_id", "warned", "words"), IDENTITY_CASES)
def test_a_dicom_image_of_another_patient_is_a_warning(
    catalog: Catalog,
    source: str,
    name: str,
    patient_id: str,
    warned: bool,
    words: tuple[str, ...],
) -> None:
    assert source
    entry = session(
        ultrasound_guided=True,
        ultrasound_interpretation=INTERPRETATION,
        ultrasound_images=(PNG, dicom(name, patient_id)),
    )
    analysis = analyse_session(entry, catalog, patient=PATIENT, today=TODAY)
    found = [a for a in analysis.alerts if a.code == AlertCode.IMAGE_PATIENT_MISMATCH]
    if not warned:
        assert found == []
        return
    (alert,) = found
    assert alert.severity is AlertSeverity.WARNING  # not a hard stop: signing is not blocked
    assert alert.path == "ultrasound.images[1]"
    assert alert.message.startswith("probe.dcm: the DICOM header's ")
    assert all(word in alert.message for word in words)
    assert (
        analysis.ready_to_sign
        == analyse_session(
            replace(entry, ultrasound_images=(PNG,)), catalog, patient=PATIENT, today=TODAY
        ).ready_to_sign
    )


def test_without_a_patient_no_identity_is_checked(catalog: Catalog) -> None:
    entry = session(ultrasound_guided=True, ultrasound_images=(dicom("OKAFOR^JUNE", "X"),))
    analysis = analyse_session(entry, catalog, patient=None, today=TODAY)
    assert AlertCode.IMAGE_PATIENT_MISMATCH not in {alert.code for alert in analysis.alerts}
