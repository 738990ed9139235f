"""Ultrasound image files chosen by the clinician: read from disk, checked, or refused with the
file's name and the reason in plain words (never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tpi_desk.clinical.image_reading import kept_file_name, read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import (
    MAX_IMAGE_BYTES,
    MAX_IMAGES_PER_SESSION,
    ImageProblem,
    UltrasoundImage,
)

# What the file chooser offers: the formats kept, then anything (the bytes decide).
IMAGE_FILE_FILTER = (
    "Ultrasound images (*.png *.jpg *.jpeg *.dcm *.PNG *.JPG *.JPEG *.DCM);;"
    "PNG images (*.png *.PNG);;JPEG images (*.jpg *.jpeg *.JPG *.JPEG);;"
    "DICOM files (*.dcm *.DCM);;All files (*)"
)


@dataclass(frozen=True, slots=True)
class FilesRead:
    """What attaching some files gave: the images to add, in order, and why others were not."""

    images: tuple[UltrasoundImage, ...]
    problems: tuple[str, ...]


def read_image_file(path: str) -> UltrasoundImage:
    """The image in the file at ``path``; a file over the size limit is refused before it is
    read, so a huge file chosen by mistake costs no time."""
    name = kept_file_name(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise ImageProblem(f"{name}: not a file")
        if size > MAX_IMAGE_BYTES:
            megabytes = MAX_IMAGE_BYTES // (1024 * 1024)
            raise ImageProblem(f"{name}: the file is larger than {megabytes} MB")
        content = file.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImageProblem(f"{name}: the file cannot be read ({reason})") from None
    return read_ultrasound_image(name, content)


def read_image_files(paths: Sequence[str], attached: Sequence[UltrasoundImage]) -> FilesRead:
    """Read ``paths`` to add after the ``attached`` images: each problem names its file; an
    image attached already and images past the session's limit are left out with a reason."""
    images: list[UltrasoundImage] = []
    problems: list[str] = []
    known = {image.sha256 for image in attached}
    for path in paths:
        if len(attached) + len(images) >= MAX_IMAGES_PER_SESSION:
            problems.append(
                f"{kept_file_name(path)}: a session keeps at most {MAX_IMAGES_PER_SESSION} images"
            )
            continue
        try:
            image = read_image_file(path)
        except ImageProblem as problem:
            problems.append(str(problem))
            continue
        if image.sha256 in known:
            problems.append(f"{image.file_name}: this image is attached already")
            continue
        known.add(image.sha256)
        images.append(image)
    return FilesRead(tuple(images), tuple(problems))
