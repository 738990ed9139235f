"""The session document's optional ``ultrasound.images`` (issue 15): written only when a
session has images, read back byte for byte, and refused, naming the image's field, when the
bytes are not the image the document says they are."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tests.image_support import dicom_bytes, jpeg_bytes, png_bytes
from tests.shape_support import base_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import PatientFacts, ProviderFacts
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    SessionDocument,
    from_json,
    session_document_to_dict,
    to_json,
)

PATIENT = PatientFacts("MRN-100001", "Rivera", "Alex", date(1970, 2, 3))
PROVIDER = ProviderFacts("ihartley", "Dr. Imogen Hartley", "MD")
PNG = read_ultrasound_image("long-axis.png", png_bytes())
JPEG = read_ultrasound_image("short-axis.jpg", jpeg_bytes())
DICOM = read_ultrasound_image("probe.dcm", dicom_bytes())


def document(*images: Any) -> SessionDocument:
    entry = replace(base_entry(), ultrasound_guided=True, ultrasound_images=images)
    return SessionDocument(PATIENT, PROVIDER, entry)


def with_first_image(**changes: object) -> str:
    data = json.loads(to_json(document(PNG, JPEG)))
    data["ultrasound"]["images"][0].update(changes)
    return json.dumps(data)


def problems(text: str, catalog: Catalog) -> list[tuple[str, str, str]]:
    with pytest.raises(DocumentInvalid) as invalid:
        from_json(text, catalog)
    return [(p.path, p.label, p.message) for p in invalid.value.problems]


def test_images_are_written_after_the_other_ultrasound_keys_and_read_back(
    catalog: Catalog,
) -> None:
    written = session_document_to_dict(document(DICOM, PNG))
    ultrasound = written["ultrasound"]
    assert isinstance(ultrasound, dict)
    assert list(ultrasound) == ["guided", "image_retained", "device", "interpretation", "images"]
    assert ultrasound["images"][1] == {
        "file_name": "long-axis.png",
        "media_type": "image/png",
        "sha256": PNG.sha256,
        "data": base64.b64encode(PNG.content).decode("ascii"),
    }
    assert from_json(to_json(document(DICOM, PNG)), catalog) == document(DICOM, PNG)


def test_a_session_without_images_writes_no_images_key() -> None:
    ultrasound = session_document_to_dict(document())["ultrasound"]
    assert isinstance(ultrasound, dict)
    assert "images" not in ultrasound


BAD_IMAGES = [
    (
        {"sha256": JPEG.sha256},
        "ultrasound.images[0].sha256",
        "Ultrasound, image 1: SHA-256",
        "does not match the image's bytes",
    ),
    (
        {"media_type": "image/jpeg"},
        "ultrasound.images[0].media_type",
        "Ultrasound, image 1: media type",
        "says image/jpeg, but the file is a PNG image",
    ),
    (
        {"media_type": "image/gif"},
        "ultrasound.images[0].media_type",
        "Ultrasound, image 1: media type",
        "must be one of: image/png, image/jpeg, application/dicom",
    ),
    (
        {"data": "not base64!"},
        "ultrasound.images[0].data",
        "Ultrasound, image 1: image data",
        "is not valid base64",
    ),
    (
        {"data": base64.b64encode(png_bytes()[:60]).decode("ascii")},
        "ultrasound.images[0].data",
        "Ultrasound, image 1: image data",
        "is not an image that can be kept: long-axis.png: the PNG image is damaged",
    ),
    (
        {"data": base64.b64encode(b"GIF89a" + bytes(40)).decode("ascii")},
        "ultrasound.images[0].data",
        "Ultrasound, image 1: image data",
        "not a PNG, JPEG or DICOM image",
    ),
    (
        {"data": None},
        "ultrasound.images[0].data",
        "Ultrasound, image 1: image data",
        "is required",
    ),
    (
        {"data": 17},
        "ultrasound.images[0].data",
        "Ultrasound, image 1: image data",
        "must be the image's bytes in base64 text",
    ),
]


@pytest.mark.parametrize(("changes", "path", "label", "message"), BAD_IMAGES)
def test_an_image_that_is_not_what_the_document_says_is_refused_by_its_field(
    catalog: Catalog, changes: dict[str, object], path: str, label: str, message: str
) -> None:
    ((found_path, found_label, found_message),) = problems(with_first_image(**changes), catalog)
    assert (found_path, found_label) == (path, label)
    assert message in found_message


def test_images_without_guidance_are_refused(catalog: Catalog) -> None:
    data = json.loads(to_json(document(PNG)))
    data["ultrasound"]["guided"] = False
    found = problems(json.dumps(data), catalog)
    assert found == [
        (
            "ultrasound.images",
            "Ultrasound: ultrasound images",
            "cannot be attached without ultrasound guidance",
        )
    ]


def test_a_first_version_document_has_no_images(catalog: Catalog) -> None:
    data = json.loads(to_json(document(PNG)))
    data["format"] = "tpi-desk/session@1"
    assert ("ultrasound.images", "is not a field of this format") in {
        (path, message) for path, _, message in problems(json.dumps(data), catalog)
    }
