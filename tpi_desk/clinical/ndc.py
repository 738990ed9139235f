"""National Drug Codes: the 10-digit forms on a package, normalised to the 11-digit 5-4-2
form claims use (DOMAIN.md, Billing: pad the short segment with a leading zero)."""

from __future__ import annotations

import re

# The three 10-digit layouts (labeler-product-package) and the 11-digit claim layout, each
# with the zero-padded width of its segments in the 5-4-2 form.
_HYPHENATED = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_LAYOUTS = {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
CLAIM_WIDTHS = (5, 4, 2)

NDC_EXAMPLE = "0409-4276-01"
NDC_PROBLEM = (
    "must be a 10- or 11-digit NDC with its hyphens (4-4-2, 5-3-2, 5-4-1 or 5-4-2, "
    f"e.g. {NDC_EXAMPLE}) or 11 digits without them"
)


def normalised_ndc(text: str) -> str | None:
    """``text`` as a 5-4-2 NDC ("00409-4276-01"), or None when it is not an NDC.

    4-4-2 pads the labeler, 5-3-2 the product and 5-4-1 the package with a leading zero;
    5-4-2 and 11 bare digits are already the claim form. Ten bare digits are refused: without
    the hyphens nobody can tell which segment is short.
    """
    value = text.strip()
    if _ELEVEN_DIGITS.fullmatch(value):
        return f"{value[:5]}-{value[5:9]}-{value[9:]}"
    match = _HYPHENATED.fullmatch(value)
    if match is None:
        return None
    segments = match.groups()
    if tuple(len(segment) for segment in segments) not in _LAYOUTS:
        return None
    return "-".join(
        segment.rjust(width, "0") for segment, width in zip(segments, CLAIM_WIDTHS, strict=True)
    )
