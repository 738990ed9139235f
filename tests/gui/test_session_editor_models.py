"""Every item model of the session editor passes Qt's model tester, empty and filled."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import MedicationEntry, ProcedureKind, SessionEntry, Side, SiteEntry
from tpi_desk.ui.session_editor.diagnosis_picker import Icd10ResultsModel
from tpi_desk.ui.session_editor.live_models import CodesTableModel, DoseTotalsModel
from tpi_desk.ui.session_editor.muscle_picker import MUSCLE_ID_ROLE, MuscleResultsModel

HEAVY_SESSION = SessionEntry(
    performed_at=datetime(2026, 3, 4, 9, 30).astimezone(),
    kind=ProcedureKind.TRIGGER_POINT_INJECTION,
    sites=(
        SiteEntry(
            "upper_trapezius",
            Side.BILATERAL,
            medications=(
                MedicationEntry("lidocaine", Decimal(10), Decimal(28)),
                MedicationEntry("triamcinolone_acetonide", Decimal(40), Decimal(1)),
            ),
        ),
        SiteEntry(
            "levator_scapulae",
            Side.LEFT,
            medications=(MedicationEntry("bupivacaine", Decimal("2.5"), Decimal(10)),),
        ),
    ),
)


def test_the_icd10_results_model(qtmodeltester: ModelTester, catalog: Catalog) -> None:
    model = Icd10ResultsModel(catalog)
    qtmodeltester.check(model)
    model.search("myofascial")
    qtmodeltester.check(model)

    rows = [model.index(row, 0) for row in range(model.rowCount())]
    assert rows and all(index.data(Qt.ItemDataRole.EditRole).startswith("M79.1") for index in rows)
    non_billable = next(i for i in rows if i.data(Qt.ItemDataRole.EditRole) == "M79.1")
    assert "not billable" in non_billable.data()


def test_the_muscle_results_model(qtmodeltester: ModelTester, catalog: Catalog) -> None:
    model = MuscleResultsModel(catalog)
    qtmodeltester.check(model)
    model.search("gluteus")
    qtmodeltester.check(model)

    assert [model.index(r, 0).data(MUSCLE_ID_ROLE) for r in range(model.rowCount())] == [
        "gluteus_maximus",
        "gluteus_medius",
        "gluteus_minimus",
    ]
    model.search("no such muscle")
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_the_codes_and_doses_models(qtmodeltester: ModelTester, catalog: Catalog) -> None:
    today = HEAVY_SESSION.performed_at.date()
    analysis = analyse_session(HEAVY_SESSION, catalog, patient=None, today=today)
    codes = CodesTableModel()
    doses = DoseTotalsModel(catalog)
    qtmodeltester.check(codes)
    qtmodeltester.check(doses)
    codes.set_lines(analysis.coding.all_lines)
    doses.set_totals(analysis.dose_totals)
    qtmodeltester.check(codes)
    qtmodeltester.check(doses)

    table = [
        [codes.index(row, column).data() for column in range(3)] for row in range(codes.rowCount())
    ]
    # Bilateral + one more muscle: 3 muscles, 20553 (DOMAIN.md, CPT); bupivacaine from its
    # usual single-dose vial, nothing discarded: JZ (CMS JW/JZ FAQ).
    assert table == [
        ["20553", "Trigger point injection(s), three or more muscles", "1"],
        ["J3301", "Triamcinolone acetonide, per 10 mg", "4"],
        ["J0665 JZ", "Bupivacaine, per 0.5 mg", "50"],
    ]
    rows = {
        doses.index(row, 0).data(): [doses.index(row, c).data() for c in range(1, 3)]
        for row in range(doses.rowCount())
    }
    assert rows == {
        "Lidocaine": ["280 mg", "93 %"],
        "Triamcinolone acetonide": ["40 mg", "50 %"],
        "Bupivacaine": ["25 mg", "14 %"],
    }
    assert doses.headerData(2, Qt.Orientation.Horizontal) == "Of max"
