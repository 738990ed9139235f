"""Issue 12's fields in the session editor: typed values reach the session, stored values load
back into the widgets, invalid ones are named next to their field, the consent risks are
pre-ticked until the clinician chooses, and the location comes from the clinic settings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    LIDOCAINE_1,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    fill_medication,
    fill_site,
    make_editor,
    record_two_site_session,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import ConsentType, ContainerKind, Role, Tolerance
from tpi_desk.clinical.settings import CLINIC_LOCATION, CLINIC_PLACE_OF_SERVICE, CLINIC_STATE
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.form_state import raw_from_entry, read_form

NDC_LIDOCAINE = "00409-4276-01"


def _choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)


def _type_documentation_fields(editor: SessionEditor) -> None:
    form = editor.form
    header = form.header
    header.location_name.setText("Fjord Street office")
    _choose(header.location_state, "NY")
    _choose(header.place_of_service, "11")
    header.ultrasound_guided.setChecked(True)
    header.ultrasound_image_retained.setChecked(True)
    header.ultrasound_device.setText("Butterfly iQ3")
    header.ultrasound_interpretation.setText("Needle tip in the muscle; pleura clear")
    _choose(form.consent.consent_type, "verbal")
    form.consent.witness.setText("R. Haugen, RN")
    form.exam.findings["taut_band"].setChecked(True)
    form.exam.findings["referred_pain"].setChecked(True)
    _choose(form.exam.skin_prep, "chlorhexidine")
    _choose(form.exam.aspiration, "negative")
    _choose(form.exam.function_scale, "ndi")
    form.exam.function_score.setText("24")
    form.exam.prior_relief_percent.setText("60")
    form.exam.prior_relief_weeks.setText("8")
    _choose(form.outcome.tolerance, "well")
    form.outcome.observation_minutes.setText("15")
    row = form.sites.site_editors[0].medication_rows[0]
    _choose(row.container, "single_dose")
    row.discarded.setText("0.5")
    row.ndc.setText(NDC_LIDOCAINE)


def test_typed_values_reach_the_session_entry(qtbot: QtBot, context: AppContext) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)

    _type_documentation_fields(editor)
    editor.refresh_analysis()

    assert editor.reading is not None and editor.reading.problems == ()
    entry = editor.reading.entry
    assert (entry.location_name, entry.location_state, entry.place_of_service) == (
        "Fjord Street office",
        "NY",
        "11",
    )
    assert entry.ultrasound_interpretation == "Needle tip in the muscle; pleura clear"
    assert entry.consent_obtained and entry.consent_type is ConsentType.VERBAL
    assert entry.consent_witness == "R. Haugen, RN"
    assert entry.exam_findings == ("taut_band", "referred_pain")
    assert (entry.skin_prep, entry.aspiration_negative) == ("chlorhexidine", True)
    assert (entry.function_scale, entry.function_score) == ("ndi", Decimal(24))
    assert (entry.prior_relief_percent, entry.prior_relief_weeks) == (60, 8)
    assert (entry.tolerance, entry.observation_minutes) == (Tolerance.WELL, 15)
    medication = entry.sites[0].medications[0]
    assert medication.container is ContainerKind.SINGLE_DOSE
    assert medication.discarded_ml == Decimal("0.5")
    assert medication.ndc == NDC_LIDOCAINE
    assert entry.sites[0].medications[1].container is None  # the drug's usual container


def test_stored_values_load_back_into_the_widgets(qtbot: QtBot, context: AppContext) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    _type_documentation_fields(editor)
    editor.refresh_analysis()
    assert editor.reading is not None
    entry = replace(editor.reading.entry, override_reason="Reviewed with the attending")

    other = make_editor(qtbot, context, ScriptedMessages())
    other.form.load(raw_from_entry(entry, None, context.catalog))

    form = other.form
    assert form.header.location_name.text() == "Fjord Street office"
    assert form.header.location_state.currentText() == "NY  New York"
    assert form.header.place_of_service.currentText() == "11  Office"
    assert form.header.ultrasound_interpretation.text() == entry.ultrasound_interpretation
    assert form.consent.consent_type.currentText() == "Verbal"
    assert form.consent.witness.text() == "R. Haugen, RN"
    assert form.consent.risks.checked() == entry.consent_risks
    assert [f for f, box in form.exam.findings.items() if box.isChecked()] == [
        "taut_band",
        "referred_pain",
    ]
    assert form.exam.skin_prep.currentText() == "Chlorhexidine-alcohol"
    assert form.exam.aspiration.currentText() == "Aspiration negative"
    assert (form.exam.function_score.text(), form.exam.prior_relief_weeks.text()) == ("24", "8")
    assert form.outcome.tolerance.currentText() == "Tolerated well"
    assert form.outcome.observation_minutes.text() == "15"
    assert form.outcome.override_reason.text() == "Reviewed with the attending"
    assert form.outcome.override_reason.isVisibleTo(form)
    row = form.sites.site_editors[0].medication_rows[0]
    assert row.container.currentText() == "Single-dose"
    assert (row.discarded.text(), row.ndc.text()) == ("0.5", NDC_LIDOCAINE)
    assert read_form(form.raw(), context.catalog).entry == entry


def test_invalid_values_are_named_next_to_their_field(qtbot: QtBot, context: AppContext) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    form = editor.form
    row = form.sites.site_editors[0].medication_rows[0]

    form.outcome.observation_minutes.setText("a quarter hour")
    form.exam.prior_relief_percent.setText("most")
    form.exam.function_score.setText("high")
    row.discarded.setText("half")
    editor.refresh_analysis()

    assert form.outcome.after_errors.text() == (
        "Observation (minutes): enter a whole number of minutes, like 15"
    )
    assert form.outcome.observation_minutes.property("invalid") is True
    exam_errors = form.exam.errors.text().splitlines()
    assert "Prior relief: percent: enter a whole percent from 0 to 100, like 60" in (exam_errors)
    assert any(line.startswith("Function score:") for line in exam_errors)
    assert form.exam.prior_relief_percent.property("invalid") is True
    assert row.errors.text() == "Discarded (mL): enter the mL discarded, like 0.5 (0 when none)"
    assert row.discarded.property("invalid") is True
    assert not editor.save()


def test_consent_risks_are_pre_ticked_until_the_clinician_chooses(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    risks = editor.form.consent.risks
    always = ("bleeding_bruising", "infection", "soreness", "nerve_injury", "vasovagal")
    assert risks.checked() == always

    editor.form.sites.add_button.click()
    site = editor.form.sites.site_editors[0]
    fill_site(site, "Upper trapezius", "left", 2, "25", "38")
    fill_medication(site.medication_rows[0], LIDOCAINE_1, "2", "LD4471A", "2027-08-31")
    editor.refresh_analysis()

    assert risks.checked() == (*always, "allergic_reaction", "pneumothorax")
    assert not editor.form.consent.risks_chosen

    # The clinician unticks one: from now on the list is theirs and no longer follows.
    risks.item(0).setCheckState(Qt.CheckState.Unchecked)
    editor.form.sites.site_editors[0].medication_rows[0].volume.setText("3")
    editor.refresh_analysis()

    assert editor.form.consent.risks_chosen
    assert editor.reading is not None
    assert editor.reading.entry.consent_risks == (
        "infection",
        "soreness",
        "nerve_injury",
        "vasovagal",
        "allergic_reaction",
        "pneumothorax",
    )
    assert raw_from_entry(editor.reading.entry, None, context.catalog).consent_risks_chosen


def test_a_new_session_takes_its_location_from_the_clinic_settings(
    qtbot: QtBot, context: AppContext
) -> None:
    admin = context.users.add_user("admin", "Admin", PASSWORD, role=Role.ADMIN, actor=None)
    acting_admin = Actor(admin.id, admin.username, Role.ADMIN, "")
    for key, value in (
        (CLINIC_LOCATION, "Fjord Street office"),
        (CLINIC_STATE, "NY"),
        (CLINIC_PLACE_OF_SERVICE, "22"),
    ):
        context.settings.set_value(key, value, actor=acting_admin)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())

    editor.new_session(add_patient(context).id)

    assert editor.reading is not None
    entry = editor.reading.entry
    assert (entry.location_name, entry.location_state, entry.place_of_service) == (
        "Fjord Street office",
        "NY",
        "22",
    )


def test_dry_needling_hides_the_medication_only_fields(qtbot: QtBot, context: AppContext) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages(answer=True))
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    _choose(editor.form.exam.aspiration, "negative")
    kind = editor.form.header.kind

    kind.setCurrentIndex(kind.findData("dry_needling"))
    editor.refresh_analysis()

    assert editor.form.exam.aspiration.isHidden()
    assert editor.form.sites.medication_count() == 0
    assert editor.reading is not None and editor.reading.entry.aspiration_negative is None
    assert not editor.form.exam.skin_prep.isHidden()
    assert not editor.form.header.location_name.isHidden()
