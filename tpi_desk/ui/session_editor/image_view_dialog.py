"""One attached ultrasound image, larger: the picture fitted to the screen, its file name and
size, and Close (Esc)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from tpi_desk.clinical.image_reading import display_picture
from tpi_desk.clinical.ultrasound_images import UltrasoundImage

# The picture takes at most this share of the screen's width and height.
SCREEN_SHARE = 0.8
FALLBACK_SIZE = QSize(960, 640)


def image_pixmap(image: UltrasoundImage) -> QPixmap:
    """The image as Qt draws it (a DICOM image through its PNG picture); empty if Qt cannot."""
    content, _ = display_picture(image)
    pixmap = QPixmap()
    pixmap.loadFromData(content)
    return pixmap


class ImageViewDialog(QDialog):
    """Shows ``image`` as large as the screen allows (never enlarged past its own pixels)."""

    def __init__(self, image: UltrasoundImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Ultrasound image: {image.file_name}")
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(f"Ultrasound image {image.file_name}")
        pixmap = image_pixmap(image)
        if pixmap.isNull():
            self.picture.setText("This image cannot be shown here.")
        else:
            room = _room()
            if pixmap.width() > room.width() or pixmap.height() > room.height():
                pixmap = pixmap.scaled(
                    room,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.picture.setPixmap(pixmap)
        self.caption = QLabel(f"{image.file_name} · {image.size_words}")
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addWidget(buttons)


def _room() -> QSize:
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return FALLBACK_SIZE
    available = screen.availableGeometry().size()
    return QSize(int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE))
