"""Ultrasound images kept with a session: the retained image that, with the written
interpretation, makes ultrasound guidance (76942) billable (DOMAIN.md; Medicare requires a
permanently recorded image).

An image is kept exactly as the clinic's ultrasound device wrote it (PNG, JPEG or DICOM),
with the SHA-256 of those bytes: a signed note covers each image by that hash. What is read
from inside the file (its pixel size; for DICOM the patient's name and id) is kept beside it
so that lists and checks never decode the image again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# A session holds at most this many images, each at most this large: an ultrasound still is
# a few hundred kilobytes (a DICOM frame a few megabytes); a clip is not a retained image.
MAX_IMAGES_PER_SESSION = 12
MAX_IMAGE_BYTES = 25 * 1024 * 1024
# Longest file name kept (the rest is cut, the extension kept).
MAX_FILE_NAME_LENGTH = 120


class ImageFormat(StrEnum):
    """The image's format, as its media type."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    DICOM = "application/dicom"

    @property
    def words(self) -> str:
        return {"image/png": "PNG", "image/jpeg": "JPEG", "application/dicom": "DICOM"}[self.value]


@dataclass(frozen=True, slots=True)
class UltrasoundImage:
    """One retained ultrasound image: the file's bytes as attached and what was read from it."""

    file_name: str
    image_format: ImageFormat
    content: bytes
    sha256: str
    width: int
    height: int
    # From the DICOM header (PatientName as "FAMILY^GIVEN", PatientID); "" for PNG and JPEG.
    dicom_patient_name: str = ""
    dicom_patient_id: str = ""

    @property
    def size_words(self) -> str:
        """E.g. "PNG, 640 x 480, 212 KB"."""
        kilobytes = max(1, round(len(self.content) / 1024))
        return f"{self.image_format.words}, {self.width} x {self.height}, {kilobytes:,} KB"


class ImageProblem(ValueError):
    """A file that cannot be kept as an ultrasound image; the message names the file and why,
    in plain words."""


def identity_mismatch(
    image: UltrasoundImage, *, mrn: str, family_name: str, given_name: str
) -> str | None:
    """Why a DICOM image may belong to another patient, in plain words, or None.

    The DICOM header names its patient (PatientID, PatientName ``FAMILY^GIVEN``); an image
    whose id is not the session patient's MRN, or whose family or given name differs, is
    flagged. Images without a header (PNG, JPEG) or with empty identity fields are not."""
    if image.image_format is not ImageFormat.DICOM:
        return None
    reasons: list[str] = []
    header_id = image.dicom_patient_id.strip()
    if header_id and header_id.casefold() != mrn.strip().casefold():
        reasons.append(f"patient id {header_id!r} is not the MRN {mrn!r}")
    header_family, _, header_rest = image.dicom_patient_name.partition("^")
    header_given = header_rest.partition("^")[0]
    if header_family.strip() and not _same_name(header_family, family_name):
        reasons.append(f"family name {header_family.strip()!r} is not {family_name!r}")
    if header_given.strip() and not _same_name(header_given, given_name):
        reasons.append(f"given name {header_given.strip()!r} is not {given_name!r}")
    if not reasons:
        return None
    return f"{image.file_name}: the DICOM header's " + "; ".join(reasons)


def _same_name(header: str, recorded: str) -> bool:
    def folded(text: str) -> str:
        return " ".join(text.replace("-", " ").split()).casefold()

    return folded(header) == folded(recorded)
