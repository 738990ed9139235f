"""Several PDFs that ReportLab wrote, joined into one by copying their objects.

The billing export's worker processes each write a part of the merged PDF (``batch_parts``);
joining them with a general PDF library parses and rebuilds every object in Python, several
seconds for a thousand notes while the workers wait for a core. The parts come from our own
ReportLab documents, whose shape is simple and known: a classic cross-reference table, one
catalog with a flat page tree and a flat outline, no object streams, no encryption. So each
part's objects are copied as they are, renumbered: only the references in their dictionaries
change (strings and stream data are copied untouched). The parts' page trees and outlines
become one; the first part's document information is the joined file's.

``PdfJoiner`` writes each part to the target as it is added, so memory holds one part at a
time. A file of another shape raises ``PdfJoinError``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

# The first root objects of the joined file; the parts' objects are numbered after them.
CATALOG, PAGES, OUTLINES, INFO = 1, 2, 3, 4
_FIRST_COPIED = 5

# A literal string (ReportLab escapes the parentheses inside one), a hex string, a reference,
# or the keyword that starts a stream's data: whatever comes first.
_TOKEN = re.compile(
    rb"\((?:[^()\\]|\\.)*\)|(?<!<)<(?!<)[0-9A-Fa-f\s]*>|(\d+) 0 R\b|stream\r?\n", re.S
)
_XREF_ENTRY = re.compile(rb"(\d{10}) \d{5} ([nf])")
_OBJECT_HEADER = re.compile(rb"\s*(\d+) 0 obj\s*")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"xref\s+0 (\d+)\s+")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]*)>")


class PdfJoinError(Exception):
    """A part that is not a PDF of the shape ReportLab writes."""


@dataclass
class _Part:
    """One part's objects (number -> the bytes between ``obj`` and ``endobj``) and roots."""

    objects: dict[int, bytes]
    root: int
    info: int
    pages: int
    outlines: int | None
    file_id: bytes


@dataclass
class PdfJoiner:
    """Joins PDFs written by ReportLab, in the order added, into ``target`` (an open file)."""

    target: BinaryIO
    show_outline: bool = True
    _offsets: dict[int, int] = field(default_factory=dict)
    _next_number: int = _FIRST_COPIED
    _kids: list[bytes] = field(default_factory=list)
    _page_count: int = 0
    _outline_count: int = 0
    _first_item: int | None = None
    _held_item: tuple[int, bytes] | None = None  # the last outline entry, until its /Next
    _info: bytes | None = None
    _ids: list[bytes] = field(default_factory=list)
    _position: int = 0
    _last_item: int = 0

    def add(self, path: Path) -> None:
        """Append every page and outline entry of the PDF at ``path``."""
        part = _read_part(path.read_bytes(), path)
        if self._position == 0:
            self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        numbers = self._numbers_for(part)
        page_tree = _dictionary(part.objects.get(part.pages), "page tree", path)
        self._kids += [b"%d 0 R" % numbers[int(kid)] for kid in _refs_in(page_tree, b"Kids")]
        self._page_count += _integer(page_tree, b"Count", path)
        items = self._outline_items(part, numbers, path)
        for number, body in part.objects.items():
            if number in numbers and numbers[number] not in (PAGES, OUTLINES):
                text = _renumbered(body, numbers)
                if numbers[number] in items:
                    linked = self._linked_item(numbers[number], text, items)
                    if linked is None:
                        continue
                    text = linked
                self._write_object(numbers[number], text)
        if self._info is None and part.info in part.objects:
            self._info = _renumbered(part.objects[part.info], numbers)
        self._ids.append(part.file_id)

    def finish(self) -> None:
        """Write the page tree, outline, catalog and cross-reference table of the joined file."""
        if self._position == 0:
            raise PdfJoinError("No PDF was added.")
        if self._held_item is not None:
            self._write_object(*self._held_item)
        kids = b" ".join(self._kids)
        self._write_object(PAGES, b"<< /Count %d /Kids [ %s ] /Type /Pages >>" % (
            self._page_count, kids))  # fmt: skip
        catalog = b"<< /Pages 2 0 R /Type /Catalog"
        if self._first_item is not None:
            last = self._last_item
            self._write_object(
                OUTLINES,
                b"<< /Count %d /First %d 0 R /Last %d 0 R /Type /Outlines >>"
                % (self._outline_count, self._first_item, last),
            )
            catalog += b" /Outlines 3 0 R"
            if self.show_outline:
                catalog += b" /PageMode /UseOutlines"
        self._write_object(CATALOG, catalog + b" >>")
        self._write_object(INFO, self._info or b"<< >>")
        self._write_cross_references()

    # --- numbering and the outline -------------------------------------------------------

    def _numbers_for(self, part: _Part) -> dict[int, int]:
        """The joined file's number of each object copied from ``part``."""
        skipped = {part.root, part.info}
        numbers: dict[int, int] = {part.pages: PAGES}
        if part.outlines is not None:
            numbers[part.outlines] = OUTLINES
        for number in sorted(part.objects):
            if number not in numbers and number not in skipped:
                numbers[number] = self._next_number
                self._next_number += 1
        return numbers

    def _outline_items(self, part: _Part, numbers: dict[int, int], path: Path) -> dict[int, str]:
        """The part's first and last top-level outline entries (new numbers), to be linked to
        the entries of the parts before and after it."""
        if part.outlines is None:
            return {}
        outline = _dictionary(part.objects.get(part.outlines), "outline", path)
        first, last = _refs_in(outline, b"First"), _refs_in(outline, b"Last")
        if not first or not last:
            return {}
        self._outline_count += _integer(outline, b"Count", path)
        new_first, new_last = numbers[int(first[0])], numbers[int(last[0])]
        roles = {new_first: "first"}
        roles[new_last] = "both" if new_last == new_first else "last"
        return roles

    def _linked_item(self, number: int, text: bytes, roles: dict[int, str]) -> bytes | None:
        """An end entry of a part's outline, with /Prev to the entry before; a last entry is
        held back (None) until the next part's first entry or the end is known."""
        role = roles[number]
        if role in ("first", "both"):
            if self._held_item is None:
                self._first_item = number
            else:
                held_number, held_text = self._held_item
                self._write_object(held_number, _with_key(held_text, b"/Next %d 0 R" % number))
                self._held_item = None
                text = _with_key(text, b"/Prev %d 0 R" % held_number)
        if role in ("last", "both"):
            self._held_item = (number, text)
            self._last_item = number
            return None
        return text

    # --- writing ------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        self.target.write(data)
        self._position += len(data)

    def _write_object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _write_cross_references(self) -> None:
        size = self._next_number
        start = self._position
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        for number in range(1, size):
            offset = self._offsets.get(number)
            if offset is None:
                raise PdfJoinError(f"Object {number} of the joined file was never written.")
            lines.append(b"%010d 00000 n \n" % offset)
        file_id = hashlib.md5(b"".join(self._ids), usedforsecurity=False).hexdigest().encode()
        lines.append(
            b"trailer\n<< /ID [<%s><%s>] /Info %d 0 R /Root %d 0 R /Size %d >>\n"
            % (file_id, file_id, INFO, CATALOG, size)
        )
        lines.append(b"startxref\n%d\n%%%%EOF\n" % start)
        self._write(b"".join(lines))


# --- reading one part --------------------------------------------------------------------


def _read_part(data: bytes, path: Path) -> _Part:
    end = _STARTXREF.search(data[-64:])
    if end is None:
        raise PdfJoinError(f"{path.name} is not a complete PDF.")
    xref_at = int(end.group(1))
    section = _XREF_SECTION.match(data, xref_at)
    if section is None:
        raise PdfJoinError(f"{path.name} has no cross-reference table of the expected kind.")
    size = int(section.group(1))
    entries = _XREF_ENTRY.findall(data, section.end(), section.end() + 20 * size + 2 * size)
    if len(entries) != size:
        raise PdfJoinError(f"{path.name} has a cross-reference table of the wrong length.")
    offsets = {number: int(offset) for number, (offset, kind) in enumerate(entries) if kind == b"n"}
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    objects: dict[int, bytes] = {}
    for index, (number, offset) in enumerate(ordered):
        stop = ordered[index + 1][1] if index + 1 < len(ordered) else xref_at
        header = _OBJECT_HEADER.match(data, offset)
        if header is None or int(header.group(1)) != number:
            raise PdfJoinError(f"{path.name}: object {number} is not where the table says.")
        body = data[header.end() : stop].rstrip()
        if not body.endswith(b"endobj"):
            raise PdfJoinError(f"{path.name}: object {number} does not end where expected.")
        objects[number] = body[: -len(b"endobj")].rstrip()
    trailer = data[xref_at:]
    root = _refs_in(trailer, b"Root")
    if not root:
        raise PdfJoinError(f"{path.name} has no document catalog.")
    info = _refs_in(trailer, b"Info")
    catalog = _dictionary(objects.get(int(root[0])), "catalog", path)
    pages = _refs_in(catalog, b"Pages")
    if not pages:
        raise PdfJoinError(f"{path.name} has no page tree.")
    outlines = _refs_in(catalog, b"Outlines")
    file_id = _ID.search(trailer)
    return _Part(
        objects,
        root=int(root[0]),
        info=int(info[0]) if info else 0,
        pages=int(pages[0]),
        outlines=int(outlines[0]) if outlines else None,
        file_id=file_id.group(1) if file_id else b"",
    )


def _dictionary(body: bytes | None, what: str, path: Path) -> bytes:
    if body is None or not body.startswith(b"<<"):
        raise PdfJoinError(f"{path.name}: the {what} is not a dictionary.")
    return body


def _refs_in(text: bytes, key: bytes) -> list[bytes]:
    """The object numbers referenced by ``/key`` (one, or an array of them)."""
    found = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ 0 R)", text)
    if found is None:
        return []
    return re.findall(rb"(\d+) 0 R", found.group(1))


def _integer(text: bytes, key: bytes, path: Path) -> int:
    found = re.search(rb"/" + key + rb"\s+(-?\d+)", text)
    if found is None:
        raise PdfJoinError(f"{path.name}: /{key.decode()} is missing.")
    return abs(int(found.group(1)))  # a closed outline counts negative


def _renumbered(body: bytes, numbers: dict[int, int]) -> bytes:
    """``body`` with its references renumbered: strings and stream data left as they are."""
    pieces: list[bytes] = []
    copied = 0
    for token in _TOKEN.finditer(body):
        number = token.group(1)
        if number is not None:
            renumbered = numbers.get(int(number))
            if renumbered is None:
                raise PdfJoinError(f"A reference to object {int(number)}, which is not there.")
            pieces += [body[copied : token.start()], b"%d 0 R" % renumbered]
            copied = token.end()
        elif token.group().startswith(b"stream"):
            break
    pieces.append(body[copied:])
    return b"".join(pieces)


def _with_key(body: bytes, entry: bytes) -> bytes:
    """An outline entry's dictionary with one more key (before its closing ``>>``)."""
    end = body.rindex(b">>")
    return body[:end] + entry + b"\n" + body[end:]
