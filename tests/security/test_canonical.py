"""The canonical form that signatures and audit entries hash: one value, one text."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpi_desk.clinical.record import Side
from tpi_desk.services.integrity.canonical import (
    GENESIS_HASH,
    canonical_decimal,
    canonical_instant,
    canonical_json,
    link_hash,
    sha256_hex,
)


def test_keys_are_sorted_and_there_is_no_whitespace() -> None:
    text = canonical_json({"b": [1, {"z": None, "a": True}], "a": "x y"})

    assert text == '{"a":"x y","b":[1,{"a":true,"z":null}]}'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("10"), "10"),
        (Decimal("10.0"), "10"),
        (Decimal("10.000"), "10"),
        (Decimal("1E+1"), "10"),
        (10, "10"),
        (Decimal("0.500"), "0.5"),
        (Decimal("-0.0"), "0"),
        (Decimal("0E-7"), "0"),
        (Decimal("38.10"), "38.1"),
        (Decimal("1E+25"), "10000000000000000000000000"),
        (Decimal("-2.50"), "-2.5"),
    ],
)
def test_decimals_are_normalised(value: Decimal | int, expected: str) -> None:
    assert canonical_decimal(value) == expected
    assert canonical_json({"dose": value}) == '{"dose":' + expected + "}"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=3))
def test_a_number_hashes_the_same_at_any_scale(value: Decimal) -> None:
    rescaled = value.quantize(Decimal("0.00001"))

    assert canonical_json([value]) == canonical_json([rescaled])
    assert Decimal(canonical_decimal(value)) == value


def test_long_numbers_are_written_exactly() -> None:
    digits = "1234567890123456789012345678901234567890.5"

    assert canonical_decimal(Decimal(digits + "000")) == digits


def test_text_outside_printable_ascii_is_escaped() -> None:
    assert canonical_json('Zoë Ñúñez\n\t"Ł" \x7f 😀') == (
        '"Zo\\u00eb \\u00d1\\u00fa\\u00f1ez\\n\\t\\"\\u0141\\" \\u007f \\ud83d\\ude00"'
    )


def test_instants_are_written_in_utc_with_microseconds_and_dates_as_days() -> None:
    new_york = timezone(timedelta(hours=-5))
    local = datetime(2026, 11, 20, 9, 30, tzinfo=new_york)

    assert canonical_instant(local) == "2026-11-20T14:30:00.000000Z"
    assert canonical_json([local, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)]) == (
        '["2026-11-20T14:30:00.000000Z","2026-11-20T14:30:00.000000Z"]'
    )
    assert canonical_json(date(2027, 1, 31)) == '"2027-01-31"'
    assert canonical_json(Side.BILATERAL) == '"bilateral"'


@pytest.mark.parametrize(
    "value",
    [1.5, datetime(2026, 1, 1), {1: "x"}, Decimal("NaN"), object()],
    ids=["float", "naive-datetime", "int-key", "nan", "object"],
)
def test_values_without_one_exact_text_are_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_json(value)


def test_hashes_are_sha256_and_links_hash_the_previous_chain_hash_first() -> None:
    content = canonical_json({"note": "Łukasz"})
    content_hash = sha256_hex(content)

    assert content_hash == hashlib.sha256(content.encode("ascii")).hexdigest()
    assert GENESIS_HASH == "0" * 64
    assert link_hash(GENESIS_HASH, content_hash) == (
        hashlib.sha256((GENESIS_HASH + content_hash).encode("ascii")).hexdigest()
    )
    assert link_hash(GENESIS_HASH, content_hash) != link_hash(content_hash, GENESIS_HASH)


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
)
def test_an_instant_is_written_as_strftime_writes_it(value: datetime) -> None:
    # canonical_instant takes isoformat's faster road from year 1000 on: the same text.
    expected = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert canonical_instant(value) == expected
