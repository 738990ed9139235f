"""Credentials as written after a clinician's name, read into known ones and professions.

``"Jane Roe, M.D., L.Ac."`` -> MD and LAc; ``"AGPCNP-BC, DNP"`` -> nurse practitioner.
Unknown credentials are kept as written and reported (the alert ``credentials_unknown``),
never refused: the scope-of-practice table decides what is warned about, not this parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Profession(StrEnum):
    """The licensed professions the scope-of-practice table names (scope.toml ``allowed``)."""

    MD = "MD"  # doctor of medicine
    DO = "DO"  # doctor of osteopathic medicine
    NP = "NP"  # nurse practitioner (any certification)
    PA = "PA"  # physician assistant
    PT = "PT"  # physical therapist
    DC = "DC"  # doctor of chiropractic
    LAC = "LAc"  # licensed acupuncturist
    DENTIST = "DDS"  # dentist (DDS or DMD)
    RN = "RN"  # registered nurse


# Each known credential (upper case, without dots) -> how it is written, and its profession
# (None: a degree or board certification that licenses no procedure on its own).
_KNOWN: dict[str, tuple[str, Profession | None]] = {
    "MD": ("MD", Profession.MD),
    "DO": ("DO", Profession.DO),
    "MBBS": ("MBBS", Profession.MD),
    "NP": ("NP", Profession.NP),
    "NP-C": ("NP-C", Profession.NP),
    "APRN": ("APRN", Profession.NP),
    "APRN-BC": ("APRN-BC", Profession.NP),
    "APRN-CNP": ("APRN-CNP", Profession.NP),
    "CNP": ("CNP", Profession.NP),
    "CRNP": ("CRNP", Profession.NP),
    "ARNP": ("ARNP", Profession.NP),
    "FNP": ("FNP", Profession.NP),
    "FNP-C": ("FNP-C", Profession.NP),
    "FNP-BC": ("FNP-BC", Profession.NP),
    "ANP": ("ANP", Profession.NP),
    "ANP-BC": ("ANP-BC", Profession.NP),
    "ANP-C": ("ANP-C", Profession.NP),
    "AGNP": ("AGNP", Profession.NP),
    "AGNP-C": ("AGNP-C", Profession.NP),
    "AGPCNP-BC": ("AGPCNP-BC", Profession.NP),
    "AGACNP-BC": ("AGACNP-BC", Profession.NP),
    "PMHNP-BC": ("PMHNP-BC", Profession.NP),
    # A doctorate of nursing practice: in a pain clinic, the nurse practitioner's degree.
    "DNP": ("DNP", Profession.NP),
    "PA": ("PA", Profession.PA),
    "PA-C": ("PA-C", Profession.PA),
    "PT": ("PT", Profession.PT),
    "DPT": ("DPT", Profession.PT),
    "MPT": ("MPT", Profession.PT),
    "DC": ("DC", Profession.DC),
    "LAC": ("LAc", Profession.LAC),
    "DACM": ("DACM", Profession.LAC),
    "DAOM": ("DAOM", Profession.LAC),
    "DIPLOM": ("Dipl.OM", None),
    "DDS": ("DDS", Profession.DENTIST),
    "DMD": ("DMD", Profession.DENTIST),
    "RN": ("RN", Profession.RN),
    "BSN": ("BSN", None),
    "MSN": ("MSN", None),
    "PHD": ("PhD", None),
    "MS": ("MS", None),
    "MPH": ("MPH", None),
    "MBA": ("MBA", None),
    "FAAPMR": ("FAAPMR", None),
    "FIPP": ("FIPP", None),
    "DABPM": ("DABPM", None),
    "FACP": ("FACP", None),
}
_SEPARATORS = re.compile(r"[,;/|]+|\s+")


@dataclass(frozen=True, slots=True)
class Credentials:
    """What free-text credentials say: the known ones (as usually written), the professions
    they license, and the words that are not known credentials (kept as written)."""

    known: tuple[str, ...] = ()
    professions: frozenset[Profession] = frozenset()
    unknown: tuple[str, ...] = ()


def parse_credentials(text: str) -> Credentials:
    """Read ``"M.D., PA-C / L.Ac."``; dots and case do not matter, order is kept."""
    known: list[str] = []
    professions: set[Profession] = set()
    unknown: list[str] = []
    for word in _SEPARATORS.split(text):
        written = word.strip(".-")
        if not written:
            continue
        found = _KNOWN.get(written.replace(".", "").upper())
        if found is None:
            unknown.append(written)
            continue
        label, profession = found
        if label not in known:
            known.append(label)
        if profession is not None:
            professions.add(profession)
    return Credentials(tuple(known), frozenset(professions), tuple(unknown))


def profession_named(name: str) -> Profession | None:
    """The profession a scope table names ("MD", "LAc", "PT"), or None when unknown."""
    found = _KNOWN.get(name.replace(".", "").upper())
    return found[1] if found is not None else None
