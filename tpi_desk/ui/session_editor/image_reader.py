"""Ultrasound image files read away from the window's thread: a 25 MB DICOM file is read,
decoded and shrunk to its thumbnail on a worker of the application's thread pool, and the
result comes back to the window's thread by a signal, so the window keeps answering.

Each result carries the number of the request it answers. The courier that brings results
back lives as long as the application, so a result always has somewhere to go: the strip
that asked takes it if it still waits for that request, and it is dropped otherwise (the
note was closed, another note opened, or the editor is gone).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal

from tpi_desk.clinical.image_reading import kept_file_name, thumbnail_picture
from tpi_desk.clinical.ultrasound_images import UltrasoundImage
from tpi_desk.ui.session_editor.image_files import FilesRead, read_image_files

_log = logging.getLogger(__name__)
_request_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class ImagesRead:
    """The answer to request ``request``: the files read, and each new image's thumbnail (PNG
    bytes, None when it cannot be drawn) by its SHA-256."""

    request: int
    files: FilesRead
    thumbnails: Mapping[str, bytes | None]


def read_with_thumbnails(
    request: int, paths: Sequence[str], attached: Sequence[UltrasoundImage], size: QSize
) -> ImagesRead:
    """Read ``paths`` as ``read_image_files`` does and make the new images' thumbnails (with
    Pillow: Qt's own decoding would hold Python's lock, and the window's thread with it); an
    unexpected failure is logged and named in plain words, never raised."""
    try:
        files = read_image_files(paths, attached)
        thumbnails = {
            image.sha256: thumbnail_picture(image, size.width(), size.height())
            for image in files.images
        }
    except Exception:  # a bug or no memory left: the strip must not wait for ever
        _log.exception("Reading ultrasound image files failed")
        names = ", ".join(kept_file_name(path) for path in paths)
        files = FilesRead((), (f"{names}: the files could not be read (an unexpected error)",))
        thumbnails = {}
    return ImagesRead(request, files, thumbnails)


class _Courier(QObject):
    """Brings results from the workers to the window's thread; never deleted."""

    delivered = Signal(object)


_courier: _Courier | None = None


def courier() -> _Courier:
    """The application's courier, made on first use (on the window's thread)."""
    global _courier
    if _courier is None:
        _courier = _Courier()
    return _courier


class _ReadJob(QRunnable):
    def __init__(
        self, request: int, paths: Sequence[str], attached: Sequence[UltrasoundImage], size: QSize
    ) -> None:
        super().__init__()
        self._request = request
        self._paths = tuple(paths)
        self._attached = tuple(attached)
        self._size = QSize(size)
        self._courier = courier()

    def run(self) -> None:
        result = read_with_thumbnails(self._request, self._paths, self._attached, self._size)
        self._courier.delivered.emit(result)


class ImageFileReader(QObject):
    """Starts reads on the application's thread pool; ``finished`` gives back (on the
    window's thread) the results of this reader's own requests, each an ``ImagesRead``."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._asked: set[int] = set()
        courier().delivered.connect(self._take, Qt.ConnectionType.QueuedConnection)

    def start(
        self, paths: Sequence[str], attached: Sequence[UltrasoundImage], thumbnail_size: QSize
    ) -> int:
        """Read ``paths`` (to add after ``attached``) on a worker; the request's number."""
        request = next(_request_numbers)
        self._asked.add(request)
        QThreadPool.globalInstance().start(_ReadJob(request, paths, attached, thumbnail_size))
        return request

    def _take(self, result: object) -> None:
        if isinstance(result, ImagesRead) and result.request in self._asked:
            self._asked.discard(result.request)
            self.finished.emit(result)
