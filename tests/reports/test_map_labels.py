"""Site-number labels on the body map never cover each other and stay on the figure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tpi_desk.reports.map_labels import GAP, Label, place_labels

BOUNDS = (80.0, 200.0)


def box(centre: tuple[float, float], label: Label[int]) -> tuple[float, float, float, float]:
    x, y = centre
    return (x - label.width / 2, y - label.height / 2, x + label.width / 2, y + label.height / 2)


def test_a_label_with_room_sits_on_its_anchor() -> None:
    labels = [Label(1, (20.0, 30.0), 8.0, 8.0), Label(2, (60.0, 150.0), 12.0, 8.0)]
    assert place_labels(labels, BOUNDS) == {1: (20.0, 30.0), 2: (60.0, 150.0)}


def test_a_label_that_would_cover_another_moves_to_the_nearest_free_spot() -> None:
    labels = [Label("upper", (40.0, 50.0), 8.0, 8.0), Label("lower", (42.0, 52.0), 8.0, 8.0)]
    placed = place_labels(labels, BOUNDS)
    # One label height up would still touch "upper" (it sits 2 points higher): so, down.
    assert placed == {"upper": (40.0, 50.0), "lower": (42.0, 52.0 + 8.0 + GAP)}


def test_no_placement_when_the_labels_cannot_all_fit() -> None:
    crowd = [Label(n, (10.0, 10.0), 9.0, 9.0) for n in range(12)]
    assert place_labels(crowd, (20.0, 20.0)) is None


@given(
    st.lists(
        st.tuples(
            st.floats(0, BOUNDS[0]), st.floats(0, BOUNDS[1]), st.floats(4, 20), st.floats(4, 10)
        ),
        max_size=12,
    )
)
def test_placed_labels_never_overlap_and_stay_inside(
    specs: list[tuple[float, float, float, float]],
) -> None:
    labels = [Label(index, (x, y), w, h) for index, (x, y, w, h) in enumerate(specs)]
    placed = place_labels(labels, BOUNDS)
    if placed is None:
        return
    assert set(placed) == {label.key for label in labels}
    boxes = [box(placed[label.key], label) for label in labels]
    for index, (left, top, right, bottom) in enumerate(boxes):
        assert left >= 0 and top >= 0 and right <= BOUNDS[0] and bottom <= BOUNDS[1]
        for other in boxes[index + 1 :]:
            overlap = left < other[2] and other[0] < right and top < other[3] and other[1] < bottom
            assert not overlap
