"""Which range problems a session document reports beside its structural ones: none at a
field already reported, and none at all when a structural problem removed a list item or
a whole object (the parsed record's indices would no longer name the document's)."""

from __future__ import annotations

from collections.abc import Sequence

from tpi_desk.clinical.problems import FieldProblem

# Keys whose value is a list or an object: a structural problem there changes what the
# parsed record's indices refer to.
_CONTAINER_KEYS = frozenset(
    {"patient", "provider", "ultrasound", "indication", "sites", "medications", "diagnoses",
     "allergies", "side_effects", "complications", "conservative_care_tried", "ongoing_care",
     "location", "consent", "function_score", "prior_relief", "risks_discussed",
     "exam_findings", "insurance", "images"}
)  # fmt: skip


def positions_intact(problems: Sequence[FieldProblem]) -> bool:
    """True when no problem removed a list item or a whole object from what was read."""
    for problem in problems:
        last_key = problem.path.rsplit(".", 1)[-1]
        if problem.path.endswith("]") or last_key in _CONTAINER_KEYS:
            return False
    return True


def not_covered(
    found: Sequence[FieldProblem], structural: Sequence[FieldProblem]
) -> list[FieldProblem]:
    """``found`` without the problems at (or inside) a field that has a structural problem."""
    taken = [problem.path for problem in structural]
    return [
        problem
        for problem in found
        if not any(
            problem.path == path or problem.path.startswith((f"{path}.", f"{path}["))
            for path in taken
        )
    ]
