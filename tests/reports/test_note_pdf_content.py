"""Every field of a signed note reads back from the PDF, in plain words a payer can check."""

from __future__ import annotations

from tests.reports.pdf_reading import RenderedNote, lines


def test_the_clinic_header_names_clinic_address_phone_and_procedure(
    single_site: RenderedNote,
) -> None:
    first_page = single_site.pages[0]
    assert first_page.startswith(
        lines(
            "Riverside Pain & Spine Clinic",
            "1200 Harbor Avenue, Suite 310",
            "Portland, ME 04101",
            "Phone (207) 555-0142",
        )
    )
    assert "Trigger Point Injection" in first_page
    assert "Electronically signed" in first_page


def test_the_patient_block_shows_name_birth_date_mrn_sex_and_allergies(
    single_site: RenderedNote,
) -> None:
    assert (
        lines(
            "PATIENT",
            "Name",
            "Ñúñez, Zoë",
            "Date of birth",
            "1984-07-19 (age 41)",
            "MRN",
            "D-104233",
            "Sex",
            "Female",
            "Weight",
            "68 kg",
            "Allergies",
            "Sulfa drugs, Latex",
        )
        in single_site.pages[0]
    )


def test_the_session_block_shows_time_with_offset_provider_npi_and_location(
    single_site: RenderedNote,
) -> None:
    assert (
        lines(
            "SESSION",
            "Date/time",
            "2026-03-04 14:30 (UTC-05:00)",
            "Performed by",
            "Amara Okafor, MD · NPI 1234567893",
            "Location",
            "Procedure room 2",
            "Session ID",
            "S-2026-000417",
        )
        in single_site.pages[0]
    )
    assert "Supervising" not in single_site.text


def test_a_supervised_session_names_the_supervising_provider(long_text: RenderedNote) -> None:
    assert (
        lines(
            "Performed by",
            "Siobhán Ó Briain, FNP-C ·",
            "NPI 1987654328",
            "Supervising",
            "Rafael Ibáñez, DO · NPI 1573928466",
        )
        in long_text.pages[0]
    )


def test_indication_and_diagnoses_print_with_codes_and_descriptors(
    single_site: RenderedNote,
) -> None:
    text = single_site.text
    assert lines("Conservative care tried", "Pain medication, Physical therapy") in text
    assert lines("Ongoing alongside", "Home exercise program") in text
    assert (
        lines(
            "M79.12",
            "Myalgia of auxiliary muscles, head and neck",
            "G44.229",
            "Chronic tension-type headache, not intractable",
        )
        in text
    )


def test_consent_prints_no_risk_the_clinician_did_not_choose(single_site: RenderedNote) -> None:
    # Issue 12, note truthfulness: the note prints the risks the clinician chose
    # (consent.risks_discussed), never risks generated from the sites; none were chosen here.
    words = single_site.words
    assert "Informed consent Consent obtained after discussing risks, benefits and" in words
    assert "Risks discussed" not in words
    assert "pneumothorax" not in words.lower().split("instructions and follow-up")[0]
    assert "Time-out Performed (patient identity, site and side, consent, position" in words


def test_position_and_ultrasound_guidance_print(
    single_site: RenderedNote, with_addenda: RenderedNote
) -> None:
    assert lines("Position", "Seated", "Ultrasound guidance", "Not used") in single_site.text
    assert (
        lines(
            "Position",
            "Supine",
            "Ultrasound guidance",
            "Used; device Butterfly iQ3, linear preset; image retained",
        )
        in with_addenda.text
    )


def test_the_sites_table_has_one_row_per_medication_with_every_column(
    single_site: RenderedNote,
) -> None:
    text = single_site.text
    assert lines(
        "#", "Muscle", "Side", "Points", "Needle", "Twitch", "Drug", "Concentration", "mL", "mg",
        "Lot / expiry",
    ) in text  # fmt: skip
    assert lines(
        "1", "Upper trapezius", "Left", "3", "25 G", "38 mm", "Yes",
        "Lidocaine", "1 % (10 mg/mL)", "2", "20", "LD-24117", "exp 2027-05-31",
        "Triamcinolone", "acetonide", "40 mg/mL", "0.5", "20", "TK-88310", "exp 2026-11-30",
    ) in text  # fmt: skip


def test_local_anaesthetics_show_percent_and_mg_per_ml(with_addenda: RenderedNote) -> None:
    assert "Bupivacaine\n0.25 %\n(2.5 mg/mL)\n3\n7.5\nBP-55102" in with_addenda.text


def test_dose_totals_show_mg_per_kg_and_the_maximum(single_site: RenderedNote) -> None:
    words = single_site.words
    assert "Lidocaine 20 mg 0.29 mg/kg 300 mg (4.5 mg/kg × 68 kg; absolute 300 mg) 7 %" in words
    assert "Triamcinolone acetonide 20 mg 0.29 mg/kg 80 mg (absolute 80 mg) 25 %" in words


def test_the_body_map_lists_the_numbered_sites(single_site: RenderedNote) -> None:
    text = single_site.text
    assert "Body map" in text
    assert "Treated muscles are filled and labelled with their site numbers." in text
    assert "1 Upper trapezius, left" in text


def test_outcome_prints_pain_relief_side_effects_and_complications(
    single_site: RenderedNote,
) -> None:
    assert (
        lines(
            "Pain (NRS 0-10)",
            "Before 7, after 2 — 71 % relief",
            "Side effects",
            "Transient numbness",
            "Complications",
            "None reported",
        )
        in single_site.text
    )


def test_the_catalog_instructions_print_when_the_entry_has_none(
    single_site: RenderedNote, long_text: RenderedNote
) -> None:
    words = single_site.words
    assert "Expect numbness or soreness at the injection sites for a few days." in words
    assert "seek care right away for shortness of breath or chest pain" in words
    assert "Follow-up Review in 6 weeks; continue the home exercise program." in words
    own = long_text.words
    assert "Heat and gentle stretching tonight." in own
    assert "Expect numbness or soreness" not in own


def test_the_coding_summary_lists_cpt_hcpcs_and_icd10_with_units(
    single_site: RenderedNote, with_addenda: RenderedNote
) -> None:
    assert lines(
        "CPT", "20552", "Trigger point injection(s), one or two muscles", "1", "—",
        "HCPCS", "J3301", "Triamcinolone acetonide, per 10 mg", "2", "20 mg",
        "ICD-10-CM", "M79.12", "Myalgia of auxiliary muscles, head and neck",
        "ICD-10-CM", "G44.229", "Chronic tension-type headache, not intractable",
    ) in single_site.text  # fmt: skip
    words = with_addenda.words
    assert "CPT 76942 Ultrasonic guidance for needle placement" in words
    # Single-dose vials, nothing discarded: JZ (DOMAIN.md, CPT; CMS JW/JZ FAQ).
    assert "HCPCS J0665 JZ Bupivacaine, per 0.5 mg 25 12.5 mg" in words
    assert "HCPCS J1010 JZ Methylprednisolone acetate, per 1 mg 20 20 mg" in words


def test_the_signature_block_names_signer_time_attestation_and_hash(
    single_site: RenderedNote,
) -> None:
    assert (
        lines(
            "Electronic signature",
            "Electronically signed by Amara Okafor, MD",
            "Signed 2026-03-04 15:02 (UTC-05:00)",
            "I personally performed this procedure and attest that this note is accurate and "
            "complete.",
            "Content hash: 9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
        )
        in single_site.text
    )


def test_a_supervisor_signing_attests_review_not_performance(long_text: RenderedNote) -> None:
    words = long_text.words
    assert "Electronically signed by Rafael Ibáñez, DO" in words
    assert "I have reviewed this note and attest that it is accurate and complete." in words
    assert "I personally performed" not in words


def test_each_addendum_prints_author_credentials_times_and_text(
    with_addenda: RenderedNote,
) -> None:
    words = with_addenda.words
    assert (
        "Addenda Addendum 1 · Amara Okafor, MD Written 2026-03-05 09:30 (UTC-05:00) · signed "
        "2026-03-05 09:34 (UTC-05:00) Telephone follow-up: the patient reports no shortness"
    ) in words
    assert (
        "Addendum 2 · Siobhán Ó Briain, FNP-C Written 2026-03-06 14:30 (UTC-05:00) · signed "
        "2026-03-06 14:32 (UTC-05:00) Late entry: the ultrasound images were archived"
    ) in words


def test_every_page_carries_the_footer_with_patient_mrn_and_date_of_service(
    every_layout: dict[str, RenderedNote],
) -> None:
    for layout, note in every_layout.items():
        patient = note.data.patient
        footer = f"{patient.family_name}, {patient.given_name} · MRN {patient.mrn} · DOS 2026-03-04"
        for number, page in enumerate(note.pages, start=1):
            assert f"{footer} · Page {number} of {len(note.pages)}" in page, (layout, number)


def test_a_signed_note_prints_no_alerts(single_site: RenderedNote) -> None:
    assert "Review before signing" not in single_site.text
    assert "Warning" not in single_site.text
