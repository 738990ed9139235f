"""The optional ``ultrasound.images`` list of the session document (issue 15).

Written only when the session holds images, so a session without reads and writes exactly
as before. Each image carries its file name, media type, SHA-256 and bytes (base64). Reading
decodes the bytes again as an ultrasound image (``read_ultrasound_image``: a damaged or
disguised file is refused like one attached in the editor) and refuses an image whose bytes
do not have the SHA-256 written beside them, or are not of the media type written.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from tpi_desk.clinical.document_fields import IS_REQUIRED, Fields
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import (
    MAX_IMAGE_BYTES,
    ImageFormat,
    ImageProblem,
    UltrasoundImage,
)

IMAGES_KEY = "images"
IMAGE_KEYS = ("file_name", "media_type", "sha256", "data")


def images_entry(images: Sequence[UltrasoundImage]) -> dict[str, object]:
    """``{"images": [...]}`` to add to the ultrasound object, or nothing without images."""
    if not images:
        return {}
    return {
        IMAGES_KEY: [
            {
                "file_name": image.file_name,
                "media_type": image.image_format.value,
                "sha256": image.sha256,
                "data": base64.b64encode(image.content).decode("ascii"),
            }
            for image in images
        ]
    }


def read_images(ultrasound: Fields) -> tuple[UltrasoundImage, ...]:
    """The images of the document's ultrasound object (none when the key is absent); an
    image with a problem is reported at its own path and left out."""
    images = []
    for fields in ultrasound.children(IMAGES_KEY, IMAGE_KEYS):
        image = _read_image(fields)
        if image is not None:
            images.append(image)
    return tuple(images)


def _read_image(fields: Fields) -> UltrasoundImage | None:
    file_name = fields.text("file_name", required=True)
    media_type = fields.required_choice("media_type", ImageFormat)
    sha256 = fields.text("sha256", required=True)
    content = _decoded(fields)
    if content is None:
        return None
    try:
        image = read_ultrasound_image(file_name or "image", content)
    except ImageProblem as problem:
        fields.report("data", f"is not an image that can be kept: {problem}")
        return None
    if fields.value("media_type") == media_type.value and image.image_format is not media_type:
        fields.report(
            "media_type",
            f"says {media_type.value}, but the file is a {image.image_format.words} image",
        )
        return None
    if sha256.strip().lower() != image.sha256:
        fields.report(
            "sha256",
            "does not match the image's bytes (the image was altered or damaged after it "
            "was written)",
        )
        return None
    return image


def _decoded(fields: Fields) -> bytes | None:
    raw = fields.value("data")
    if raw is None:
        fields.report("data", IS_REQUIRED)
        return None
    if not isinstance(raw, str):
        fields.report("data", "must be the image's bytes in base64 text")
        return None
    if len(raw) > (MAX_IMAGE_BYTES // 3 + 1) * 4:
        fields.report("data", f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        fields.report("data", "is not valid base64")
        return None
