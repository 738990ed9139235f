"""Reading an ultrasound image file: which format it is (by its bytes, never by its name),
that it is a whole, decodable image, its pixel size and, for DICOM, the patient it names;
a picture of a DICOM image that screens and PDFs can show, and a thumbnail of any of them.

Pillow reads PNG and JPEG; pydicom reads DICOM (imported only when a DICOM file is read, so
starting the app does not pay for it). Whatever the file, a problem ends in
``ImageProblem`` with the file's name and the reason in plain words.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from PIL import Image, UnidentifiedImageError

from tpi_desk.clinical.text_safety import printable
from tpi_desk.clinical.ultrasound_images import (
    MAX_FILE_NAME_LENGTH,
    MAX_IMAGE_BYTES,
    ImageFormat,
    ImageProblem,
    UltrasoundImage,
)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_DICOM_MAGIC_OFFSET = 128
_DICOM_MAGIC = b"DICM"
# Decoding bombs: an ultrasound frame is at most a few thousand pixels a side.
_MAX_PIXELS = 40_000_000
# Modes a thumbnail keeps as they are; any other (16-bit grey, CMYK) is drawn as RGB.
_THUMBNAIL_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})


def read_ultrasound_image(file_name: str, content: bytes) -> UltrasoundImage:
    """``content`` (the bytes of the file called ``file_name``) as an ultrasound image."""
    name = kept_file_name(file_name)
    if not content:
        raise ImageProblem(f"{name}: the file is empty")
    if len(content) > MAX_IMAGE_BYTES:
        megabytes = MAX_IMAGE_BYTES // (1024 * 1024)
        raise ImageProblem(f"{name}: the file is larger than {megabytes} MB")
    image_format = sniff_format(content)
    if image_format is None:
        raise ImageProblem(f"{name}: not a PNG, JPEG or DICOM image")
    digest = hashlib.sha256(content).hexdigest()
    if image_format is ImageFormat.DICOM:
        width, height, patient_name, patient_id = _read_dicom(name, content)
        return UltrasoundImage(
            name, image_format, content, digest, width, height, patient_name, patient_id
        )
    width, height = _read_picture(name, content, image_format)
    return UltrasoundImage(name, image_format, content, digest, width, height)


def sniff_format(content: bytes) -> ImageFormat | None:
    """The format the file's first bytes announce, or None."""
    if content.startswith(_PNG_SIGNATURE):
        return ImageFormat.PNG
    if content.startswith(_JPEG_SIGNATURE):
        return ImageFormat.JPEG
    magic_end = _DICOM_MAGIC_OFFSET + len(_DICOM_MAGIC)
    if content[_DICOM_MAGIC_OFFSET:magic_end] == _DICOM_MAGIC:
        return ImageFormat.DICOM
    return None


def kept_file_name(file_name: str) -> str:
    """The file's own name (no folders), hidden characters escaped, at most
    ``MAX_FILE_NAME_LENGTH`` characters with its extension kept."""
    name = printable(file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()) or "image"
    if len(name) <= MAX_FILE_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[:MAX_FILE_NAME_LENGTH]
    return stem[: MAX_FILE_NAME_LENGTH - len(extension) - 1] + "." + extension


def display_picture(image: UltrasoundImage) -> tuple[bytes, ImageFormat]:
    """Bytes a screen or a PDF can draw: PNG and JPEG as attached, DICOM as a PNG of its
    first frame (windowed to 8 bits)."""
    if image.image_format is not ImageFormat.DICOM:
        return image.content, image.image_format
    return _dicom_as_png(image.content), ImageFormat.PNG


def thumbnail_picture(image: UltrasoundImage, width: int, height: int) -> bytes | None:
    """``image`` shrunk to fit ``width`` x ``height`` (never enlarged), as PNG bytes; None
    when it cannot be drawn. Pillow decodes and shrinks without holding Python's interpreter
    lock, so a worker thread making thumbnails leaves the window's thread free."""
    content, _ = display_picture(image)
    try:
        with Image.open(io.BytesIO(content)) as picture:
            picture.thumbnail((width, height), Image.Resampling.LANCZOS)  # JPEG: drafted
            shown = picture if picture.mode in _THUMBNAIL_MODES else picture.convert("RGB")
            buffer = io.BytesIO()
            shown.save(buffer, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return buffer.getvalue()


def _read_picture(name: str, content: bytes, image_format: ImageFormat) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(content)) as picture:
            width, height = picture.size
            if width * height > _MAX_PIXELS:
                raise ImageProblem(f"{name}: the image is too large ({width} x {height} pixels)")
            picture.load()  # decodes every pixel: a cut-off file fails here
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageProblem(f"{name}: the {image_format.words} image is damaged ({error})") from None
    except Image.DecompressionBombError:
        raise ImageProblem(f"{name}: the image is too large to decode") from None
    return width, height


def _read_dicom(name: str, content: bytes) -> tuple[int, int, str, str]:
    dataset = _dicom_dataset(name, content)
    try:
        width, height = int(dataset.Columns), int(dataset.Rows)
    except (AttributeError, TypeError, ValueError):
        raise ImageProblem(f"{name}: the DICOM file holds no image (no rows and columns)") from None
    if "PixelData" not in dataset:
        raise ImageProblem(f"{name}: the DICOM file holds no image (no pixel data)")
    if width * height > _MAX_PIXELS:
        raise ImageProblem(f"{name}: the image is too large ({width} x {height} pixels)")
    try:
        _dicom_as_png(content)
    except ImageProblem:
        raise
    except Exception as error:  # pydicom raises many kinds for pixel data it cannot decode
        raise ImageProblem(f"{name}: the DICOM image cannot be decoded ({error})") from None
    patient_name = printable(str(dataset.get("PatientName", "") or ""))
    patient_id = printable(str(dataset.get("PatientID", "") or ""))
    return width, height, patient_name, patient_id


def _dicom_dataset(name: str, content: bytes) -> Any:
    from pydicom import dcmread
    from pydicom.errors import InvalidDicomError

    try:
        return dcmread(io.BytesIO(content))
    except (InvalidDicomError, EOFError, OSError, ValueError, KeyError, TypeError) as error:
        raise ImageProblem(f"{name}: the DICOM file is damaged ({error})") from None


@lru_cache(maxsize=32)
def _dicom_as_png(content: bytes) -> bytes:
    """The first frame of a DICOM image as an 8-bit PNG (greyscale or RGB)."""
    import numpy

    dataset = _dicom_dataset("DICOM image", content)
    pixels = dataset.pixel_array
    frames = int(dataset.get("NumberOfFrames", 1) or 1)
    samples = int(dataset.get("SamplesPerPixel", 1) or 1)
    if frames > 1:
        pixels = pixels[0]
    if samples == 1:
        low, high = float(pixels.min()), float(pixels.max())
        scale = 255.0 / (high - low) if high > low else 0.0
        grey = ((pixels.astype(numpy.float64) - low) * scale).astype(numpy.uint8)
        if str(dataset.get("PhotometricInterpretation", "")) == "MONOCHROME1":
            grey = 255 - grey
        picture = Image.fromarray(grey)  # 8-bit, one sample: greyscale ("L")
    else:
        picture = Image.fromarray(pixels.astype(numpy.uint8))  # three samples: "RGB"
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
