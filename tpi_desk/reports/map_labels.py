"""Placing site-number labels on a figure so that none covers another."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
Box = tuple[float, float, float, float]

# Where to try a label, in label sizes from its anchor: on it first, then ever farther.
OFFSETS = (
    (0, 0),
    (0, -1),
    (0, 1),
    (-1, 0),
    (1, 0),
    (-1, -1),
    (1, -1),
    (-1, 1),
    (1, 1),
    (0, -2),
    (0, 2),
    (-2, 0),
    (2, 0),
)
GAP = 1.0


@dataclass(frozen=True, slots=True)
class Label(Generic[K]):
    """A label of ``width`` x ``height`` that belongs at ``anchor`` (its centre, y down)."""

    key: K
    anchor: tuple[float, float]
    width: float
    height: float


def place_labels(
    labels: Sequence[Label[K]], bounds: tuple[float, float]
) -> dict[K, tuple[float, float]] | None:
    """Centres for all labels, each as near its anchor as it can be without overlapping.

    Labels are placed top to bottom, each on its anchor or at the nearest free spot of
    ``OFFSETS`` inside ``bounds`` (width, height). None when some label finds no room.
    """
    placed: list[Box] = []
    centres: dict[K, tuple[float, float]] = {}
    for label in sorted(labels, key=lambda item: (item.anchor[1], item.anchor[0])):
        spot = _free_spot(label, placed, bounds)
        if spot is None:
            return None
        centres[label.key] = spot
        placed.append(_box(spot, label))
    return centres


def _free_spot(
    label: Label[K], placed: Sequence[Box], bounds: tuple[float, float]
) -> tuple[float, float] | None:
    for dx, dy in OFFSETS:
        centre = (
            label.anchor[0] + dx * (label.width + GAP),
            label.anchor[1] + dy * (label.height + GAP),
        )
        box = _box(centre, label)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= bounds[0] and box[3] <= bounds[1]
        if inside and not any(_overlap(box, other) for other in placed):
            return centre
    return None


def _box(centre: tuple[float, float], label: Label[K]) -> Box:
    x, y = centre
    return (x - label.width / 2, y - label.height / 2, x + label.width / 2, y + label.height / 2)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
