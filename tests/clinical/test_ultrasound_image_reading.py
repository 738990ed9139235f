"""Reading ultrasound image files (issue 15 item 5): the format from the bytes, whole images
only, the pixel size and a DICOM file's patient; every refusal names the file and why."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import pytest
from PIL import Image

from tests.image_support import dicom_bytes, jpeg_bytes, png_bytes
from tpi_desk.clinical.image_reading import (
    display_picture,
    kept_file_name,
    read_ultrasound_image,
    thumbnail_picture,
)
from tpi_desk.clinical.ultrasound_images import (
    MAX_IMAGE_BYTES,
    ImageFormat,
    ImageProblem,
    identity_mismatch,
)


@pytest.mark.parametrize(
    ("file_name", "content", "expected_format"),
    [
        ("long-axis.png", png_bytes(), ImageFormat.PNG),
        ("long-axis.jpg", jpeg_bytes(), ImageFormat.JPEG),
        ("IM0001", dicom_bytes(), ImageFormat.DICOM),
        # The name says PNG, the bytes say JPEG: the bytes decide.
        ("mislabelled.png", jpeg_bytes(), ImageFormat.JPEG),
    ],
)
def test_an_image_is_read_with_its_format_size_and_hash(
    file_name: str, content: bytes, expected_format: ImageFormat
) -> None:
    image = read_ultrasound_image(file_name, content)

    assert image.image_format is expected_format
    assert (image.width, image.height) == (64, 48)
    assert image.sha256 == hashlib.sha256(content).hexdigest()
    assert image.content == content
    picture, picture_format = display_picture(image)
    if expected_format is ImageFormat.DICOM:  # drawn as a PNG of its frame
        assert picture_format is ImageFormat.PNG and picture.startswith(b"\x89PNG")
    else:  # shown as attached
        assert (picture, picture_format) == (content, expected_format)


def test_a_dicom_image_names_its_patient() -> None:
    image = read_ultrasound_image(
        "IM0001", dicom_bytes(patient_name="RIVERA^ALEX", patient_id="M-7")
    )

    assert (image.dicom_patient_name, image.dicom_patient_id) == ("RIVERA^ALEX", "M-7")
    assert display_picture(image)[0].startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7 not an image", "not a PNG, JPEG or DICOM image"),
        (png_bytes()[:60], "the PNG image is damaged"),
        (jpeg_bytes()[:200], "the JPEG image is damaged"),
        (b"\0" * 128 + b"DICM" + b"\x02\x00", "the DICOM file"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_IMAGE_BYTES), "larger than 25 MB"),
    ],
)
def test_a_file_that_is_not_a_whole_image_is_refused_in_plain_words(
    content: bytes, reason: str
) -> None:
    with pytest.raises(ImageProblem) as refusal:
        read_ultrasound_image("scans/view 1.png", content)

    assert str(refusal.value).startswith("view 1.png: ")
    assert reason in str(refusal.value)


def test_a_file_name_keeps_no_folder_no_hidden_character_and_its_extension() -> None:
    assert kept_file_name("C:\\scans\\left trap.png") == "left trap.png"
    assert kept_file_name("a\u202egnp.exe") == "a\\u202egnp.exe"
    long_name = kept_file_name("x" * 300 + ".dcm")
    assert len(long_name) == 120 and long_name.endswith(".dcm")


# Each row: the DICOM header's name and id against the session's patient (MRN-100001,
# Rivera, Alex), and whether the image is flagged as possibly another patient's (issue 15:
# "the patient identity inside a DICOM file is checked against the session's patient").
IDENTITY_CASES = [
    ("RIVERA^ALEX", "MRN-100001", None),
    ("rivera^alex^^", "mrn-100001", None),  # case and empty name parts do not matter
    ("", "", None),  # an anonymised header names nobody: nothing to compare
    ("RIVERA^ALEX", "MRN-100002", "patient id 'MRN-100002' is not the MRN 'MRN-100001'"),
    ("MORGAN^ALEX", "MRN-100001", "family name 'MORGAN' is not 'Rivera'"),
    ("RIVERA^SAM", "", "given name 'SAM' is not 'Alex'"),
]


@pytest.mark.parametrize(("header_name", "header_id", "expected"), IDENTITY_CASES)
def test_a_dicom_image_of_another_patient_is_flagged(
    header_name: str, header_id: str, expected: str | None
) -> None:
    image = read_ultrasound_image(
        "IM0001", dicom_bytes(patient_name=header_name, patient_id=header_id)
    )

    mismatch = identity_mismatch(image, mrn="MRN-100001", family_name="Rivera", given_name="Alex")

    if expected is None:
        assert mismatch is None
    else:
        assert mismatch is not None and expected in mismatch


def test_pictures_without_a_header_are_never_flagged() -> None:
    image = read_ultrasound_image("view.png", png_bytes())

    assert identity_mismatch(image, mrn="X", family_name="Y", given_name="Z") is None


@pytest.mark.parametrize(
    ("content", "fits"),
    [
        (png_bytes(640, 480), (128, 96)),  # 4:3 fills the box
        (jpeg_bytes(800, 400), (128, 64)),  # wide: as wide as the box, half as high
        (dicom_bytes(width=300, height=600), (48, 96)),  # tall, through its PNG picture
        (png_bytes(40, 30), (40, 30)),  # small: never enlarged
    ],
)
def test_a_thumbnail_fits_its_box_and_keeps_the_image_s_shape(
    content: bytes, fits: tuple[int, int]
) -> None:
    image = read_ultrasound_image("still", content)

    thumbnail = thumbnail_picture(image, 128, 96)

    assert thumbnail is not None
    with Image.open(io.BytesIO(thumbnail)) as picture:
        assert picture.format == "PNG"
        assert picture.size == fits


def test_an_image_that_cannot_be_drawn_has_no_thumbnail() -> None:
    image = read_ultrasound_image("still.png", png_bytes())

    assert thumbnail_picture(replace(image, content=png_bytes()[:60]), 128, 96) is None
