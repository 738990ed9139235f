"""When demo sessions happen: evenly over the weekdays of recent years, today's as drafts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class ClinicDay:
    midnight: datetime  # UTC
    sessions: int
    signed: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    """Sessions spread evenly over the weekdays of the last years; today's are drafts."""

    today: date
    start: datetime
    days: tuple[ClinicDay, ...]

    @classmethod
    def spread(cls, sessions: int, today: date) -> Timeline:
        # A large set spans up to ten years; about forty sessions per calendar day.
        span_days = max(30, min(3650, sessions // 40))
        midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
        past = [
            midnight - timedelta(days=days_ago)
            for days_ago in range(span_days, 0, -1)
            if (today - timedelta(days=days_ago)).weekday() < 5
        ]
        drafts = min(sessions, max(1, round(sessions / (len(past) + 1)))) if sessions else 0
        signed = sessions - drafts
        days = [
            ClinicDay(day, (i + 1) * signed // len(past) - i * signed // len(past), True)
            for i, day in enumerate(past)
        ]
        days.append(ClinicDay(midnight, drafts, False))
        start = midnight - timedelta(days=span_days + 1)
        return cls(today, start, tuple(day for day in days if day.sessions))

    def chunks(self, size: int) -> Iterator[list[ClinicDay]]:
        """Whole days, grouped until a group holds at least ``size`` sessions."""
        chunk: list[ClinicDay] = []
        count = 0
        for day in self.days:
            chunk.append(day)
            count += day.sessions
            if count >= size:
                yield chunk
                chunk, count = [], 0
        if chunk:
            yield chunk
