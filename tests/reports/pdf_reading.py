"""Reading rendered notes back: text per page (pypdf), fonts, and the "Page X of Y" footers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_pdf import render_note_bytes

PAGE_FOOTER = re.compile(r"Page (\d+) of (\d+)")


@dataclass(frozen=True)
class RenderedNote:
    """A note rendered with invariant output, and what a reader gets back from the PDF."""

    data: NoteData
    pdf: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def pages(self) -> list[str]:
        """Each page's extracted text, no-break spaces read as spaces."""
        return [page.extract_text().replace("\u00a0", " ") for page in self.reader.pages]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.pages)

    @cached_property
    def words(self) -> str:
        """The whole text with every run of whitespace made one space (for wrapped prose)."""
        return " ".join(self.text.split())

    @cached_property
    def body_words(self) -> str:
        """``words`` without the page furniture (footers, running headers) between pages."""
        kept = [
            line
            for line in self.text.splitlines()
            if not PAGE_FOOTER.search(line) and " procedure note · " not in line
        ]
        return " ".join(" ".join(kept).split())

    def page_numbers(self) -> list[tuple[int, int]]:
        """The (X, Y) of every "Page X of Y" footer, page by page (one per page expected)."""
        found = []
        for text in self.pages:
            matches = PAGE_FOOTER.findall(text)
            assert len(matches) == 1, f"expected one page footer, found {matches}"
            found.append((int(matches[0][0]), int(matches[0][1])))
        return found

    def font_names(self) -> set[str]:
        """The base font names used by any page."""
        names = set()
        for page in self.reader.pages:
            resources = cast(DictionaryObject, page["/Resources"].get_object())
            fonts = cast(DictionaryObject, resources.get("/Font", DictionaryObject()))
            for font in fonts.values():
                names.add(str(cast(DictionaryObject, font.get_object())["/BaseFont"]))
        return names


def image_objects(reader: PdfReader, page_number: int | None = None) -> list[StreamObject]:
    """The image XObjects the pages (or one page) draw, from their /Resources /XObject."""
    pages = reader.pages if page_number is None else [reader.pages[page_number]]
    found = []
    for page in pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        objects = cast(DictionaryObject, resources.get("/XObject", DictionaryObject()))
        for reference in objects.values():
            stream = cast(StreamObject, reference.get_object())
            if stream["/Subtype"] == NameObject("/Image"):
                found.append(stream)
    return found


def integer(dictionary: DictionaryObject, key: str) -> int:
    """The whole number under ``key``: an image's /Width or /Height, a page tree's /Count."""
    value = dictionary[key]
    assert isinstance(value, NumberObject), f"{key} is {value!r}, not a whole number"
    return int(value)


def pixel_size(image: StreamObject) -> tuple[int, int]:
    """An image XObject's width and height in pixels."""
    return integer(image, "/Width"), integer(image, "/Height")


def render(data: NoteData) -> RenderedNote:
    return RenderedNote(data, render_note_bytes(data, invariant=True))


def lines(*cells: str) -> str:
    """Table cells as pypdf extracts them: one per line, in reading order."""
    return "\n".join(cells)
