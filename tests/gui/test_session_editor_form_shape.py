"""Every field of the session shape survives the editor: shown, kept for recovery, read back."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.shape_support import Change, base_entry, variant_params
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_shape import MEDICATION_FIELDS, SITE_FIELDS
from tpi_desk.ui.session_editor.form_state import (
    RawMedication,
    RawSite,
    raw_from_entry,
    raw_from_payload,
    raw_to_payload,
    read_form,
)

# Raw fields named differently from the record's attribute.
RAW_NAMES = {"concentration_mg_per_ml": "concentration"}


@pytest.mark.parametrize(
    ("raw", "fields"), [(RawSite, SITE_FIELDS), (RawMedication, MEDICATION_FIELDS)]
)
def test_the_raw_form_has_a_value_for_each_field(
    raw: type[RawSite | RawMedication], fields: tuple
) -> None:
    names = {field.name for field in dataclasses.fields(raw)}
    assert {RAW_NAMES.get(field.name, field.name) for field in fields} <= names


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_each_field_is_shown_kept_and_read_back(
    path: str, change: Change, catalog: Catalog
) -> None:
    entry = change(base_entry())
    raw = raw_from_entry(entry, 1, catalog)
    recovered = raw_from_payload(json.loads(json.dumps(raw_to_payload(raw))))

    assert recovered == raw
    reading = read_form(recovered, catalog)
    assert reading.problems == ()
    assert reading.entry == entry
