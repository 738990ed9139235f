"""The patient a DICOM image names against the session's patient: an image of another
patient kept with this note is a privacy breach and a wrong record, so it is flagged (a
warning, not a hard stop: the header may be a device's placeholder or an old spelling)."""

from __future__ import annotations

from collections.abc import Iterator

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.record import PatientFacts, SessionEntry
from tpi_desk.clinical.ultrasound_images import identity_mismatch


def image_identity_alerts(entry: SessionEntry, patient: PatientFacts | None) -> Iterator[Alert]:
    """One warning per image whose DICOM header names someone else than ``patient``."""
    if patient is None:
        return
    for index, image in enumerate(entry.ultrasound_images):
        mismatch = identity_mismatch(
            image, mrn=patient.mrn, family_name=patient.family_name, given_name=patient.given_name
        )
        if mismatch is not None:
            yield Alert(
                AlertCode.IMAGE_PATIENT_MISMATCH,
                AlertSeverity.WARNING,
                f"{mismatch}: check that the image is this patient's before signing",
                f"ultrasound.images[{index}]",
            )
