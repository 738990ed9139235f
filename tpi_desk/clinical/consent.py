"""Which consent risks the app ticks for the clinician to confirm (never printed unchosen)."""

from __future__ import annotations

from tpi_desk.clinical.catalog import Catalog, RiskPreselect
from tpi_desk.clinical.record import ProcedureKind, SessionEntry


def preselected_risks(entry: SessionEntry, catalog: Catalog) -> tuple[str, ...]:
    """The catalog's consent risks that apply to ``entry``'s sites and drugs, in catalog order.

    The editor ticks these when the clinician has not chosen yet; the note prints only the
    risks the clinician kept (``SessionEntry.consent_risks``).
    """
    muscles = [catalog.muscles.get(site.muscle_id) for site in entry.sites]
    drugs = [
        catalog.drugs.get(medication.drug_id)
        for site in entry.sites
        for medication in site.medications
    ]
    injected = entry.kind is ProcedureKind.TRIGGER_POINT_INJECTION
    applies = {
        RiskPreselect.ALWAYS: True,
        RiskPreselect.PNEUMOTHORAX_RISK_SITE: any(
            m is not None and m.pneumothorax_risk for m in muscles
        ),
        RiskPreselect.CORTICOSTEROID: injected
        and any(d is not None and d.is_corticosteroid for d in drugs),
        RiskPreselect.LOCAL_ANAESTHETIC: injected
        and any(d is not None and d.is_local_anaesthetic for d in drugs),
        RiskPreselect.NEVER: False,
    }
    return tuple(
        risk.id for risk in catalog.documentation.consent_risks.values() if applies[risk.preselect]
    )
