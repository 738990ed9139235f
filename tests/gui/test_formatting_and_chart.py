"""How values read on screen, and the pain chart drawing each state it can be in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from tpi_desk.ui.formatting import (
    count_of,
    format_age,
    format_date,
    format_decimal,
    format_pain,
    format_time,
)
from tpi_desk.ui.pain_chart import AFTER_COLOUR, BEFORE_COLOUR, PainChart, PainPoint


def test_dates_times_and_numbers_read_the_same_in_every_locale() -> None:
    assert format_date(date(1984, 7, 22)) == "Jul 22, 1984"
    noon_utc = datetime(2026, 3, 4, 12, 5, tzinfo=UTC)
    local = noon_utc.astimezone()
    expected_hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    assert format_time(noon_utc) == f"{expected_hour}:{local.minute:02d} {suffix}"
    assert format_decimal(Decimal("67.50")) == "67.5"
    assert format_decimal(Decimal("70.00")) == "70"
    assert format_pain(None) == "–" and format_pain(0) == "0"
    assert count_of(1, "patient") == "1 patient"
    assert count_of(1000, "session") == "1,000 sessions"


def test_ages_count_whole_years_and_months_for_infants() -> None:
    today = date(2026, 11, 25)
    assert format_age(date(1979, 11, 25), today) == "47 y"
    assert format_age(date(1979, 11, 26), today) == "46 y"
    assert format_age(date(2026, 3, 26), today) == "7 mo"
    assert format_age(date(2024, 11, 26), today) == "23 mo"


def test_the_chart_orders_points_and_skips_missing_scores(qtbot: QtBot) -> None:
    chart = PainChart()
    qtbot.addWidget(chart)
    start = date(2026, 1, 5)
    chart.set_points(
        [
            PainPoint(start + timedelta(days=60), 4, None),
            PainPoint(start, 8, 3),
            PainPoint(start + timedelta(days=30), None, 2),
        ]
    )
    assert chart.before_series() == [(start, 8), (start + timedelta(days=60), 4)]
    assert chart.after_series() == [(start, 3), (start + timedelta(days=30), 2)]


def test_the_chart_draws_both_series_and_its_empty_state(qtbot: QtBot) -> None:
    chart = PainChart()
    qtbot.addWidget(chart)
    chart.resize(480, 220)
    empty = chart.grab().toImage()
    chart.set_points([PainPoint(date(2026, 1, 5), 9, 1)])  # a single day: centred
    one_day = chart.grab().toImage()
    chart.set_points([PainPoint(date(2026, 1, 5), 9, 1), PainPoint(date(2026, 6, 5), 6, 2)])
    drawn = chart.grab().toImage()

    assert empty.size() == drawn.size() == one_day.size()
    series = {BEFORE_COLOUR.name(), AFTER_COLOUR.name()}
    assert series <= colours_in(drawn, range(0, drawn.width()))
    # Below the legend, the empty chart draws no series at all.
    assert not series & colours_in(empty, range(0, empty.width()), top=24)
    # A single session sits in the middle of the plot.
    middle = one_day.width() // 2
    assert series <= colours_in(one_day, range(middle - 30, middle + 30), top=24)


def colours_in(image: QImage, columns: range, top: int = 0) -> set[str]:
    return {QColor(image.pixel(x, y)).name() for x in columns for y in range(top, image.height())}
