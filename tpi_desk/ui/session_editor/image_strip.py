"""The session's retained ultrasound images as a strip of thumbnails: attach (button or files
dropped; the files are read on a worker thread while "Reading …" shows), view larger (Enter
or double-click), remove (after a confirmation), and a warning when a DICOM image names
another patient."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDropEvent, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.image_reading import kept_file_name, thumbnail_picture
from tpi_desk.clinical.ultrasound_images import UltrasoundImage, identity_mismatch
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.image_files import IMAGE_FILE_FILTER
from tpi_desk.ui.session_editor.image_reader import ImageFileReader, ImagesRead
from tpi_desk.ui.session_editor.image_view_dialog import ImageViewDialog
from tpi_desk.ui.session_editor.style import ACCENT, AMBER, MUTED

THUMBNAIL_SIZE = QSize(128, 96)
# Room for a thumbnail and its file name under it.
THUMBNAIL_CELL = QSize(146, 124)
ATTACH_TEXT = "Attach i&mage…"
REMOVE_TITLE = "Remove image"
VIEW_TIP = "Enter or double-click shows an image larger"
VIEW_AND_REMOVE_TIP = f"{VIEW_TIP}; Delete removes it (asks first)"
_LIST_STYLE = f"""
QListWidget {{ padding: 2px; }}
QListWidget:focus {{ border: 2px solid {ACCENT}; padding: 1px; }}
QListWidget::item:selected {{ background: #dbe7fb; color: #1f2933; }}
QListWidget::item:selected:focus {{ border: 2px solid {ACCENT}; }}
"""

ChooseFiles = Callable[[QWidget], Sequence[str]]


def choose_image_files(parent: QWidget) -> list[str]:
    """Ask for image files (PNG, JPEG, DICOM) to attach; none when cancelled."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent, "Attach ultrasound images", "", IMAGE_FILE_FILTER
    )
    return list(paths)


def image_words(image: UltrasoundImage) -> str:
    """How an image is named to the user and a screen reader: "name.png, PNG, 640 x 480, 212 KB"."""
    return f"{image.file_name}, {image.size_words}"


class ThumbnailList(QListWidget):
    """The thumbnails; Enter opens the image, Delete asks to remove it."""

    open_requested = Signal()
    remove_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.open_requested.emit()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentItem() is not None:
            self.remove_requested.emit()
            return
        super().keyPressEvent(event)


class UltrasoundImageStrip(QWidget):
    """The images attached to the session, in order; hidden parts while there are none.

    ``attach_button`` is laid out by the ultrasound row that holds it. ``choose_files`` asks
    for the files (a file dialog; tests give their own), ``messages`` confirms a removal.
    """

    changed = Signal()
    images_attached = Signal()
    problem_found = Signal(str)
    # The files asked for are read and what could be kept is attached (not after a reading
    # that was given up: another note opened, or this one closed).
    reading_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choose_files: ChooseFiles = choose_image_files
        self.messages = UserMessages(self)
        self._images: list[UltrasoundImage] = []
        self._patient = ("", "", "")
        self._editable = True
        self._attach_allowed = True
        self._thumbnails: dict[str, QIcon] = {}  # by SHA-256: made once per image
        self.reader = ImageFileReader(self)
        self._reading: int | None = None  # the request this strip waits for
        self._reading_names = ""
        self.attach_button = QPushButton(ATTACH_TEXT)
        self.attach_button.setAccessibleName("Attach ultrasound image")
        self.attach_button.setToolTip(
            "Attach the retained ultrasound image: PNG, JPEG or DICOM (Alt+M); files can "
            "also be dropped here"
        )
        self.thumbnails = ThumbnailList()
        self.thumbnails.setAccessibleName("Ultrasound images")
        self.view_button = QPushButton("View…")
        self.view_button.setAccessibleName("View the ultrasound image larger")
        self.remove_button = QPushButton("Remove…")
        self.remove_button.setAccessibleName("Remove the ultrasound image")
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {MUTED};")
        self.status.setAccessibleName("Ultrasound image reading")
        self.status.hide()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {AMBER};")
        self.warning.setAccessibleName("Ultrasound image warning")
        self._set_up_list()
        self._lay_out()
        self._connect()
        for target in (self.attach_button, self.thumbnails.viewport()):
            target.setAcceptDrops(True)
            target.installEventFilter(self)
        self._show_images()

    def _set_up_list(self) -> None:
        strip = self.thumbnails
        strip.setViewMode(QListWidget.ViewMode.IconMode)
        strip.setFlow(QListWidget.Flow.LeftToRight)
        strip.setWrapping(False)
        strip.setMovement(QListWidget.Movement.Static)
        strip.setIconSize(THUMBNAIL_SIZE)
        strip.setGridSize(THUMBNAIL_CELL)
        strip.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        strip.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        strip.setStyleSheet(_LIST_STYLE)
        scroll_bar = strip.horizontalScrollBar().sizeHint().height()
        strip.setFixedHeight(THUMBNAIL_CELL.height() + scroll_bar + 8)
        strip.setMinimumWidth(THUMBNAIL_CELL.width() + 8)

    def _lay_out(self) -> None:
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.view_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.thumbnails, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.warning)

    def _connect(self) -> None:
        self.reader.finished.connect(self._take_read)
        self.attach_button.clicked.connect(self.attach_chosen)
        self.view_button.clicked.connect(self.view_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.thumbnails.open_requested.connect(self.view_current)
        self.thumbnails.remove_requested.connect(self.remove_current)
        self.thumbnails.itemDoubleClicked.connect(lambda _item: self.view_current())
        self.thumbnails.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.thumbnails.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.thumbnails.customContextMenuRequested.connect(self._show_menu)

    def _show_menu(self, where: QPoint) -> None:
        """Right-click on a thumbnail: view it larger, or remove it (asks first)."""
        item = self.thumbnails.itemAt(where)
        if item is None:
            return
        self.thumbnails.setCurrentItem(item)
        menu = QMenu(self)
        view = QAction("View larger", menu)
        view.triggered.connect(self.view_current)
        menu.addAction(view)
        if self._editable:
            remove = QAction("Remove…", menu)
            remove.triggered.connect(self.remove_current)
            menu.addAction(remove)
        menu.popup(self.thumbnails.viewport().mapToGlobal(where))

    # --- values ----------------------------------------------------------------------------

    def images(self) -> tuple[UltrasoundImage, ...]:
        return tuple(self._images)

    def set_images(self, images: Sequence[UltrasoundImage]) -> None:
        """Show ``images`` (a session opened or restored); not a change by the user."""
        self._images = list(images)
        self._show_images()

    def set_patient(self, mrn: str, family_name: str, given_name: str) -> None:
        """The session's patient, whom a DICOM image's header must name."""
        self._patient = (mrn, family_name, given_name)
        self._show_warnings()

    def mismatches(self) -> list[str]:
        """Why each DICOM image may be another patient's, in plain words."""
        mrn, family, given = self._patient
        found = (
            identity_mismatch(image, mrn=mrn, family_name=family, given_name=given)
            for image in self._images
        )
        return [reason for reason in found if reason is not None]

    def set_editable(self, editable: bool) -> None:
        """A signed note shows its images without attach and remove."""
        self._editable = editable
        self._update_buttons()

    def set_attach_allowed(self, allowed: bool) -> None:
        """Images are attached to ultrasound-guided sessions only."""
        self._attach_allowed = allowed
        self._update_buttons()

    def can_attach(self) -> bool:
        """Attach is open on an editable, guided session, once the files asked for before
        are read."""
        return self._editable and self._attach_allowed and self._reading is None

    def is_reading(self) -> bool:
        return self._reading is not None

    def cancel_reading(self) -> None:
        """Give up the files being read (the note closed, or another one opened): what they
        give is dropped when it comes."""
        if self._reading is None:
            return
        self._reading = None
        self._end_reading_state()

    # --- actions ---------------------------------------------------------------------------

    def attach_chosen(self) -> None:
        """Ask for files and attach them."""
        if self.can_attach():
            self.attach_files(self.choose_files(self))

    def attach_files(self, paths: Sequence[str]) -> bool:
        """Start reading ``paths`` on a worker thread, "Reading …" shown meanwhile; the images
        are attached when read, and a file that cannot be kept is reported then (by
        ``problem_found``, naming it). False when nothing could be started."""
        if not paths or not self.can_attach():
            return False
        self._reading_names = ", ".join(kept_file_name(path) for path in paths)
        self._reading = self.reader.start(paths, self._images, THUMBNAIL_SIZE)
        word = "image" if len(paths) == 1 else "images"
        self.status.setText(f"Reading {word} {self._reading_names}…")
        self.status.show()
        self.show()
        self._update_buttons()
        return True

    def _take_read(self, result: ImagesRead) -> None:
        """The files read: attach what can be kept, if this strip still waits for them."""
        if result.request != self._reading:
            return  # given up: another note, or this one closed
        self._reading = None
        self._end_reading_state()
        problems = list(result.files.problems)
        if not (self._editable and self._attach_allowed):
            why = (
                "the note was signed"
                if not self._editable
                else "the session was marked not ultrasound guided"
            )
            problems.insert(0, f"{self._reading_names}: {why} while the images were read")
            images: list[UltrasoundImage] = []
        else:
            images = self._new_images(result, problems)
        if images:
            self._images.extend(images)
            self._show_images()
            self.thumbnails.setCurrentRow(len(self._images) - 1)
            self.images_attached.emit()
            self.changed.emit()
        if problems:
            self.problem_found.emit("Not attached: " + " · ".join(problems))
        self.reading_finished.emit()

    def _new_images(self, result: ImagesRead, problems: list[str]) -> list[UltrasoundImage]:
        """The images read that are not attached already (one may have been removed and
        attached again meanwhile), their thumbnails kept."""
        known = {image.sha256 for image in self._images}
        images: list[UltrasoundImage] = []
        for image in result.files.images:
            if image.sha256 in known:
                problems.append(f"{image.file_name}: this image is attached already")
                continue
            known.add(image.sha256)
            images.append(image)
            self._thumbnails[image.sha256] = _icon(result.thumbnails.get(image.sha256))
        return images

    def _end_reading_state(self) -> None:
        self.status.hide()
        self.setVisible(bool(self._images))
        self._update_buttons()

    def current_image(self) -> UltrasoundImage | None:
        row = self.thumbnails.currentRow()
        return self._images[row] if 0 <= row < len(self._images) else None

    def view_current(self) -> None:
        image = self.current_image()
        if image is not None:
            self.view_image(image).exec()

    def view_image(self, image: UltrasoundImage) -> ImageViewDialog:
        """The larger view of ``image`` (not yet shown)."""
        return ImageViewDialog(image, self)

    def remove_current(self) -> bool:
        """Remove the selected image once the user confirms; True when removed."""
        image = self.current_image()
        if image is None or not self._editable:
            return False
        if not self.messages.confirm(
            self,
            REMOVE_TITLE,
            f"Remove the ultrasound image {image_words(image)} from this session?",
            confirm_text="Remove",
        ):
            return False
        row = self._images.index(image)
        del self._images[row]
        self._show_images()
        if self._images:
            self.thumbnails.setCurrentRow(min(row, len(self._images) - 1))
            self.thumbnails.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.attach_button.isEnabled():
            self.attach_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()
        return True

    # --- showing ---------------------------------------------------------------------------

    def _show_images(self) -> None:
        self.thumbnails.clear()
        self._thumbnails = {image.sha256: self._thumbnail(image) for image in self._images}
        for image in self._images:
            item = QListWidgetItem(self._thumbnails[image.sha256], image.file_name)
            item.setToolTip(f"{image.file_name}\n{image.size_words}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, image_words(image))
            self.thumbnails.addItem(item)
        has_images = bool(self._images)
        self.thumbnails.setVisible(has_images)
        # No empty strip taking the short screen's height (but "Reading …" while it shows).
        self.setVisible(has_images or self.is_reading())
        if has_images and self.thumbnails.currentRow() < 0:
            self.thumbnails.setCurrentRow(0)
        self._show_warnings()
        self._update_buttons()

    def _thumbnail(self, image: UltrasoundImage) -> QIcon:
        """The thumbnail made when ``image`` was read, or made now (a note opened)."""
        made = self._thumbnails.get(image.sha256)
        if made is not None:
            return made
        return _icon(thumbnail_picture(image, THUMBNAIL_SIZE.width(), THUMBNAIL_SIZE.height()))

    def _show_warnings(self) -> None:
        reasons = self.mismatches()
        self.warning.setText("\n".join(f"⚠ Another patient? {reason}" for reason in reasons))
        self.warning.setVisible(bool(reasons))

    def _update_buttons(self) -> None:
        has_images = bool(self._images)
        self.attach_button.setVisible(self._editable)
        self.attach_button.setEnabled(self.can_attach())
        # A signed note's images still open larger: View, Enter and double-click.
        self.view_button.setVisible(has_images)
        self.view_button.setEnabled(self.current_image() is not None)
        self.thumbnails.setToolTip(VIEW_AND_REMOVE_TIP if self._editable else VIEW_TIP)
        self.remove_button.setVisible(has_images and self._editable)
        self.remove_button.setEnabled(self.current_image() is not None)

    # --- files dropped ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Files dragged onto the button or the thumbnails are attached."""
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDropEvent
        ):
            if self.can_attach() and _dropped_files(event):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = _dropped_files(event)
            if self.can_attach() and paths:
                event.acceptProposedAction()
                self.attach_files(paths)
            return True
        return super().eventFilter(watched, event)


def _dropped_files(event: QDropEvent) -> list[str]:
    urls: list[QUrl] = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [url.toLocalFile() for url in urls if url.isLocalFile()]


def _icon(picture: bytes | None) -> QIcon:
    """A thumbnail (PNG bytes) as the strip shows it, grey when it cannot be drawn; the same
    picture when the strip is disabled, not a greyed one."""
    pixmap = QPixmap()
    if picture is None or not pixmap.loadFromData(picture):
        pixmap = QPixmap(THUMBNAIL_SIZE)
        pixmap.fill(Qt.GlobalColor.lightGray)
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Selected):
        icon.addPixmap(pixmap, mode)
    return icon
