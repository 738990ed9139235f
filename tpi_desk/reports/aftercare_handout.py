"""The patient's aftercare handout, printed from a signed note (issue 14): one Letter page in
English or Spanish with the patient's name, the date, the sites treated (muscle and side in
plain words), what to expect, when to call, and for chest-wall sites the pneumothorax warning.

The texts live in ``resources/aftercare.toml`` (with their sources); nothing clinical is
decided here beyond which sites carry the warning (the catalog's ``pneumothorax_risk``).
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tpi_desk.clinical.record import NoteStatus, Side
from tpi_desk.paths import resource_path
from tpi_desk.reports.fonts import BOLD, REGULAR, register_fonts
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_pages import binary_streams

ENGLISH = "en"
SPANISH = "es"
WARNING_RED = colors.HexColor("#9b1c1c")
WARNING_FILL = colors.HexColor("#fdecec")
MARGIN = 0.75 * inch


class HandoutNotAvailable(ValueError):
    """A handout is printed from a signed note only."""


@dataclass(frozen=True, slots=True)
class HandoutSite:
    muscle: str  # in the handout's language
    side: str  # "left side", "lado izquierdo"
    chest_wall: bool


@cache
def aftercare_texts() -> Mapping[str, Any]:
    """The handout's texts by language code (``resources/aftercare.toml``)."""
    with resource_path("aftercare.toml").open("rb") as handle:
        return tomllib.load(handle)


def handout_languages() -> dict[str, str]:
    """Language code -> its name in that language ("en" -> "English", "es" -> "Español")."""
    texts = aftercare_texts()
    return {code: str(texts[code]["name"]) for code in texts["languages"]}


def handout_sites(note: NoteData, language: str) -> list[HandoutSite]:
    """Each site of the note once, in the order recorded, in ``language``."""
    texts = aftercare_texts()[language]
    names: Mapping[str, str] = texts.get("muscles", {})
    sides = {
        Side.LEFT: texts["side_left"],
        Side.RIGHT: texts["side_right"],
        Side.BILATERAL: texts["side_bilateral"],
        Side.MIDLINE: texts["side_midline"],
    }
    found: dict[tuple[str, Side], HandoutSite] = {}
    for site in note.entry.sites:
        muscle = note.catalog.muscles.get(site.muscle_id)
        english = muscle.name if muscle is not None else site.muscle_id.replace("_", " ")
        found.setdefault(
            (site.muscle_id, site.side),
            HandoutSite(
                muscle=names.get(site.muscle_id, english),
                side=sides[site.side],
                chest_wall=muscle is not None and muscle.pneumothorax_risk,
            ),
        )
    return list(found.values())


def render_aftercare_handout(note: NoteData, language: str) -> bytes:
    """The handout of the signed ``note`` in ``language`` ("en" or "es") as PDF bytes.

    Raises HandoutNotAvailable for a draft (or a note entered in error) and ValueError for a
    language the texts do not have."""
    if note.status is not NoteStatus.SIGNED:
        raise HandoutNotAvailable("An aftercare handout is printed from a signed note only.")
    if language not in aftercare_texts()["languages"]:
        raise ValueError(f"no aftercare texts in {language!r}")
    register_fonts()
    texts = aftercare_texts()[language]
    target = io.BytesIO()
    document = SimpleDocTemplate(
        target,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=str(texts["title"]),
        author=note.clinic.name,
        subject=str(texts["footer"]),
        creator="TPI Desk",
        lang=language,
    )
    with binary_streams():
        document.build(_story(note, language, texts))
    return target.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=11, leading=14.5)
    return {
        "body": body,
        "clinic": ParagraphStyle("clinic", parent=body, fontName=BOLD, fontSize=12.5),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=18, leading=23, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=13, leading=17, spaceBefore=9,
            spaceAfter=3,
        ),
        "warning_heading": ParagraphStyle(
            "warning_heading", parent=body, fontName=BOLD, fontSize=13, leading=17,
            textColor=WARNING_RED, spaceAfter=4,
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=9, leading=12, textColor=colors.HexColor("#555555")
        ),
    }  # fmt: skip


def _story(note: NoteData, language: str, texts: Mapping[str, Any]) -> list[Flowable]:
    looks = _styles()
    sites = handout_sites(note, language)
    patient = f"{note.patient.given_name} {note.patient.family_name}"
    day = note.entry.performed_at.date()
    story: list[Flowable] = [
        Paragraph(escape(note.clinic.name), looks["clinic"]),
        *[Paragraph(escape(line), looks["small"]) for line in note.clinic.address_lines],
        Spacer(1, 10),
        Paragraph(escape(str(texts["title"])), looks["title"]),
        _facts(
            looks,
            [(texts["patient"], patient), (texts["date"], _date_text(day, language))],
        ),
        Paragraph(escape(str(texts["sites_heading"])), looks["heading"]),
        _bullets(looks, [f"{site.muscle}, {site.side}" for site in sites]),
    ]
    if any(site.chest_wall for site in sites):
        story.append(Spacer(1, 10))
        story.append(_warning_box(looks, texts["chest_heading"], texts["chest"]))
    story += [
        Paragraph(escape(str(texts["expect_heading"])), looks["heading"]),
        _bullets(looks, texts["expect"]),
        Paragraph(escape(str(texts["call_heading"])), looks["heading"]),
        _bullets(looks, texts["call"]),
        Spacer(1, 10),
    ]
    phone = note.clinic.phone.strip()
    contact = texts["phone_line"].format(phone=phone) if phone else texts["no_phone_line"]
    closing = [contact, texts["emergency_line"]]
    story.append(
        KeepTogether([Paragraph(f"<b>{escape(line)}</b>", looks["body"]) for line in closing])
    )
    story += [Spacer(1, 10), Paragraph(escape(str(texts["footer"])), looks["small"])]
    return story


def _facts(looks: Mapping[str, ParagraphStyle], rows: Sequence[tuple[str, str]]) -> Table:
    cells = [
        [
            Paragraph(f"<b>{escape(label)}</b>", looks["body"]),
            Paragraph(escape(v), looks["body"]),
        ]
        for label, v in rows
    ]
    table = Table(cells, colWidths=[2.2 * inch, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _bullets(looks: Mapping[str, ParagraphStyle], lines: Sequence[str]) -> ListFlowable:
    return ListFlowable(
        [ListItem(Paragraph(escape(line), looks["body"]), leftIndent=14) for line in lines],
        bulletType="bullet",
        bulletFontName=REGULAR,
        start="•",
        leftIndent=14,
        spaceBefore=2,
    )


def _warning_box(looks: Mapping[str, ParagraphStyle], heading: str, lines: Sequence[str]) -> Table:
    content: list[Flowable] = [
        Paragraph(escape(heading), looks["warning_heading"]),
        *[Paragraph(escape(line), looks["body"]) for line in lines],
    ]
    box = Table([[content]], colWidths=[LETTER[0] - 2 * MARGIN])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, WARNING_RED),
                ("BACKGROUND", (0, 0), (-1, -1), WARNING_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return box


_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip


def _date_text(day: Any, language: str) -> str:
    """ "March 4, 2026" / "4 de marzo de 2026"."""
    if language == SPANISH:
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day.strftime('%B')} {day.day}, {day.year}"
