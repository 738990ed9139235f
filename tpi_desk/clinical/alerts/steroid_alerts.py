"""Corticosteroids together: every steroid of a session in triamcinolone-equivalent mg
against the session maximum, and the patient's cumulative dose over 90 days."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from decimal import Decimal

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.catalog import Catalog, SteroidEquivalence
from tpi_desk.clinical.dosing import dose_totals, format_number
from tpi_desk.clinical.record import NoteStatus, PriorSession, SessionEntry

CUMULATIVE_WINDOW = timedelta(days=90)


def steroid_alerts(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    history: Sequence[PriorSession],
    limit_90_days_mg: Decimal | None,
) -> Iterator[Alert]:
    equivalence = catalog.steroid_equivalence
    doses = [(t.drug_id, t.total_mg) for t in dose_totals(entry, catalog, None)]
    session_parts = _in_reference_mg(equivalence, doses)
    if not session_parts:
        return
    session_total = sum((mg for _, _, mg in session_parts), Decimal(0))
    unit = f"mg {equivalence.reference_name.lower()} equivalent"
    maximum = equivalence.session_maximum_mg
    if (
        maximum is not None
        and session_total > maximum
        and _not_said_per_drug(catalog, session_parts)
    ):
        parts = ", ".join(
            f"{catalog.drugs[d].name.lower()} {format_number(mg)} mg"
            + ("" if equivalent == mg else f" = {format_number(equivalent)}")
            for d, mg, equivalent in session_parts
        )
        yield Alert(
            AlertCode.STEROID_OVER_MAXIMUM,
            AlertSeverity.WARNING,
            f"Corticosteroids together: {format_number(session_total)} {unit} ({parts}) "
            f"exceeds the session maximum of {format_number(maximum)} {unit}",
        )
    if limit_90_days_mg is None:
        return
    start = entry.performed_at - CUMULATIVE_WINDOW
    earlier = [
        prior
        for prior in history
        if prior.status is not NoteStatus.ENTERED_IN_ERROR
        and start <= prior.performed_at < entry.performed_at
    ]
    earlier_total = sum(
        (mg for p in earlier for _, _, mg in _in_reference_mg(equivalence, p.drug_doses_mg)),
        Decimal(0),
    )
    cumulative = session_total + earlier_total
    if cumulative > limit_90_days_mg:
        yield Alert(
            AlertCode.STEROID_OVER_90_DAY_LIMIT,
            AlertSeverity.WARNING,
            f"Corticosteroids over 90 days: {format_number(cumulative)} {unit} "
            f"({format_number(session_total)} today, {format_number(earlier_total)} at "
            f"{_sessions(len(earlier))} before) exceeds the clinic's limit of "
            f"{format_number(limit_90_days_mg)} {unit}",
        )


def _in_reference_mg(
    equivalence: SteroidEquivalence, doses: Iterable[tuple[str, Decimal]]
) -> list[tuple[str, Decimal, Decimal]]:
    """(drug id, mg, mg of the reference steroid) of each steroid among ``doses``."""
    found = []
    for drug_id, mg in doses:
        equivalent = equivalence.in_reference_mg(drug_id, mg)
        if equivalent is not None:
            found.append((drug_id, mg, equivalent))
    return found


def _not_said_per_drug(catalog: Catalog, parts: Sequence[tuple[str, Decimal, Decimal]]) -> bool:
    """False when one steroid alone is over its own session maximum: the per-drug alert
    already says it, the same thing twice would only add noise."""
    if len(parts) != 1:
        return True
    drug_id, mg, _ = parts[0]
    own = catalog.drugs[drug_id].max_total_mg
    return own is None or mg <= own


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"
