"""Checks of the note's documentation fields (session document @2): closed vocabularies from
``catalog.documentation``, ranges, the midline side, a medication's container, waste and NDC.

Each problem names the field's document path; ``validation.validate_entry`` runs them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.field_problems import in_range, problem
from tpi_desk.clinical.ndc import NDC_PROBLEM, normalised_ndc
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    ContainerKind,
    MedicationEntry,
    SessionEntry,
    Side,
    SiteEntry,
)

PRIOR_RELIEF_PERCENT_RANGE = (0, 100)
# Relief lasting longer than two years is not relief "since the previous session".
PRIOR_RELIEF_WEEKS_RANGE = (0, 104)
OBSERVATION_MINUTES_RANGE = (0, 240)
# Decimal places the function score column keeps (PROMIS T-scores have one).
FUNCTION_SCORE_PLACES = 1
# What one single-dose container can hold at most: the catalog names no vial sizes, and no
# single-dose vial of the catalog's drugs is larger than 50 mL (the largest volume a
# medication line accepts, validation.MAX_VOLUME_ML). Waste is recorded per line.
MAX_SINGLE_DOSE_CONTAINER_ML = Decimal(50)
DISCARDED_PLACES = 3


def documentation_problems(entry: SessionEntry, catalog: Catalog) -> Iterator[FieldProblem]:
    """Problems of the session's location, consent, findings, scores and outcome fields."""
    vocabulary = catalog.documentation
    if entry.location_state and entry.location_state not in vocabulary.states:
        yield problem("location.state", "must be a two-letter USPS code in capitals, e.g. NY")
    yield from _one_of(
        "location.place_of_service", entry.place_of_service, vocabulary.places_of_service
    )
    yield from _each_one_of(
        "consent.risks_discussed", entry.consent_risks, vocabulary.consent_risks
    )
    yield from _each_one_of("exam_findings", entry.exam_findings, vocabulary.exam_findings)
    yield from _function_score_problems(entry, catalog)
    yield from in_range(
        "prior_relief.percent", entry.prior_relief_percent, *PRIOR_RELIEF_PERCENT_RANGE
    )
    yield from in_range("prior_relief.weeks", entry.prior_relief_weeks, *PRIOR_RELIEF_WEEKS_RANGE)
    yield from _one_of("skin_prep", entry.skin_prep, vocabulary.skin_preps)
    yield from in_range(
        "observation_minutes", entry.observation_minutes, *OBSERVATION_MINUTES_RANGE
    )


def side_problems(site: SiteEntry, path: str, catalog: Catalog) -> Iterator[FieldProblem]:
    """``midline`` only for a muscle the catalog marks as midline (no paired muscle is)."""
    muscle = catalog.muscles.get(site.muscle_id)
    if site.side is Side.MIDLINE and muscle is not None and not muscle.midline:
        yield problem(
            path, f"cannot be midline: the {muscle.name.lower()} is paired (left, right or both)"
        )


def medication_documentation_problems(
    medication: MedicationEntry, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    """The discarded amount (single-dose containers only, within one container) and the NDC."""
    discarded = medication.discarded_ml
    if discarded is not None:
        yield from _discarded_problems(medication, discarded, f"{path}.discarded_ml", catalog)
    if medication.ndc:
        normalised = normalised_ndc(medication.ndc)
        if normalised is None:
            yield problem(f"{path}.ndc", NDC_PROBLEM)
        elif normalised != medication.ndc:
            yield problem(f"{path}.ndc", f"must be written in the 5-4-2 form: {normalised}")


def container_of(medication: MedicationEntry, catalog: Catalog) -> ContainerKind | None:
    """The container used: as recorded, else the catalog product's usual one (None: the drug
    is not in the catalog)."""
    if medication.container is not None:
        return medication.container
    drug = catalog.drugs.get(medication.drug_id)
    if drug is None:
        return None
    return ContainerKind.SINGLE_DOSE if drug.single_dose_container else ContainerKind.MULTI_DOSE


def _discarded_problems(
    medication: MedicationEntry, discarded: Decimal, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    if container_of(medication, catalog) is ContainerKind.MULTI_DOSE:
        yield problem(
            path,
            "can be recorded only for a single-dose container (JW); a multi-dose vial keeps "
            "what is left",
        )
        return
    yield from in_range(
        path, discarded, Decimal(0), MAX_SINGLE_DOSE_CONTAINER_ML, places=DISCARDED_PLACES
    )
    if 0 <= discarded <= MAX_SINGLE_DOSE_CONTAINER_ML and medication.volume_ml > 0:
        drawn = medication.volume_ml + discarded
        if drawn > MAX_SINGLE_DOSE_CONTAINER_ML:
            yield problem(
                path,
                f"with {medication.volume_ml} mL given is more than one single-dose container "
                f"holds ({MAX_SINGLE_DOSE_CONTAINER_ML} mL)",
            )


def _function_score_problems(entry: SessionEntry, catalog: Catalog) -> Iterator[FieldProblem]:
    scales = catalog.documentation.function_scales
    scale = scales.get(entry.function_scale)
    if entry.function_scale and scale is None:
        yield problem("function_score.scale", "must be one of: " + ", ".join(scales))
        return
    if entry.function_score is None:
        return
    if scale is None:
        yield problem("function_score.scale", "is required when a value is given")
        return
    yield from in_range(
        "function_score.value",
        entry.function_score,
        Decimal(scale.minimum),
        Decimal(scale.maximum),
        places=FUNCTION_SCORE_PLACES,
    )


def _one_of(path: str, value: str, allowed: Mapping[str, object]) -> Iterator[FieldProblem]:
    """Empty (not recorded) or one of the ``allowed`` ids."""
    if value and value not in allowed:
        yield problem(path, "must be one of: " + ", ".join(allowed))


def _each_one_of(
    path: str, values: tuple[str, ...], allowed: Mapping[str, object]
) -> Iterator[FieldProblem]:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        item = f"{path}[{index}]"
        if value in seen:
            yield problem(item, f"{value} is already listed as item {seen[value] + 1}")
        elif value not in allowed:
            yield problem(item, "must be one of: " + ", ".join(allowed))
        seen.setdefault(value, index)
