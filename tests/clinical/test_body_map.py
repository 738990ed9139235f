"""The shipped body map covers the catalog's muscles on both sides, in the right places."""

from __future__ import annotations

import importlib.util
import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tpi_desk.clinical.body_map import (
    BODY_MAP_RESOURCE,
    BodyMap,
    BodyMapError,
    BodyMapRegion,
    BodyMapView,
    load_body_map,
    point_in_polygon,
    polygon_area,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Side
from tpi_desk.paths import resource_path

BACK_MUSCLES = (
    "upper_trapezius",
    "middle_trapezius",
    "lower_trapezius",
    "levator_scapulae",
    "rhomboid_major",
    "rhomboid_minor",
    "supraspinatus",
    "infraspinatus",
    "teres_major",
    "teres_minor",
    "latissimus_dorsi",
    "quadratus_lumborum",
    "iliocostalis_lumborum",
    "multifidus",
    "gluteus_maximus",
    "gluteus_medius",
    "piriformis",
    "splenius_capitis",
    "suboccipitals",
    "triceps_brachii",
    "gastrocnemius",
    "biceps_femoris",
    "semitendinosus",
    "deltoid",
)
FRONT_MUSCLES = (
    "sternocleidomastoid",
    "anterior_scalene",
    "pectoralis_major",
    "pectoralis_minor",
    "serratus_anterior",
    "deltoid",
    "biceps_brachii",
    "brachioradialis",
    "extensor_carpi_radialis_longus",
    "flexor_carpi_radialis",
    "rectus_femoris",
    "vastus_lateralis",
    "vastus_medialis",
    "tibialis_anterior",
    "adductor_longus",
    "tensor_fasciae_latae",
    "iliopsoas",
)
MIDLINE_X = 100.0


@pytest.fixture(scope="module")
def body_map_file() -> Path:
    return resource_path(*BODY_MAP_RESOURCE)


@pytest.fixture(scope="module")
def body_map(body_map_file: Path) -> BodyMap:
    return load_body_map(body_map_file)


def _region(body_map: BodyMap, view: str, muscle_id: str, side: Side) -> BodyMapRegion:
    (region,) = [
        r for r in body_map.view(view).regions if r.muscle_id == muscle_id and r.side is side
    ]
    return region


# --- The shipped art ------------------------------------------------------------------------


def test_the_file_names_its_source_date_and_design_size(body_map_file: Path) -> None:
    data = json.loads(body_map_file.read_text(encoding="utf-8"))
    meta = data["meta"]
    assert meta["source"] == "drawn for TPI Desk"
    assert date.fromisoformat(meta["effective_date"]) <= date.today()
    for view in data["views"].values():
        assert (view["width"], view["height"]) == (meta["design_width"], meta["design_height"])


def test_there_is_a_front_and_a_back_view_with_detailed_outlines(body_map: BodyMap) -> None:
    assert set(body_map.views) == {"front", "back"}
    for view in body_map.views.values():
        assert len(view.outline) >= 150
        xs = [x for x, _ in view.outline]
        ys = [y for _, y in view.outline]
        assert min(xs) >= 0 and max(xs) <= view.width
        assert min(ys) >= 0 and max(ys) <= view.height
        # A standing body fills most of the height and a good part of the width.
        assert max(ys) - min(ys) > 0.9 * view.height
        assert max(xs) - min(xs) > 0.6 * view.width


def test_outlines_are_mirror_symmetric(body_map: BodyMap) -> None:
    for view in body_map.views.values():
        mirrored = {(round(view.width - x, 2), y) for x, y in view.outline}
        assert mirrored == set(view.outline)


def test_every_region_is_a_catalog_muscle(body_map: BodyMap, catalog: Catalog) -> None:
    unknown = body_map.muscle_ids() - set(catalog.muscles)
    assert not unknown


@pytest.mark.parametrize(("view", "muscles"), [("back", BACK_MUSCLES), ("front", FRONT_MUSCLES)])
def test_every_listed_muscle_has_a_left_and_a_right_region(
    body_map: BodyMap, view: str, muscles: tuple[str, ...]
) -> None:
    drawn = {(r.muscle_id, r.side) for r in body_map.view(view).regions}
    missing = [
        (muscle, side)
        for muscle in muscles
        for side in (Side.LEFT, Side.RIGHT)
        if (muscle, side) not in drawn
    ]
    assert not missing


def test_every_catalog_muscle_is_drawn_on_each_view_the_catalog_names(
    body_map: BodyMap, catalog: Catalog
) -> None:
    missing = [
        (muscle.id, view, side)
        for muscle in catalog.muscles.values()
        for view in muscle.views
        for side in (Side.LEFT, Side.RIGHT)
        if not any(r.view == view for r in body_map.regions_for(muscle.id, side))
    ]
    assert not missing


def test_the_right_side_mirrors_the_left(body_map: BodyMap) -> None:
    for view in body_map.views.values():
        for left in (r for r in view.regions if r.side is Side.LEFT):
            right = _region(body_map, view.name, left.muscle_id, Side.RIGHT)
            assert {(round(view.width - x, 2), y) for x, y in left.points} == set(right.points)
            assert right.label_anchor == pytest.approx(
                (view.width - left.label_anchor[0], left.label_anchor[1])
            )


def test_regions_lie_inside_the_body_outline(body_map: BodyMap) -> None:
    for view in body_map.views.values():
        for region in view.regions:
            outside = [p for p in region.points if not point_in_polygon(*p, view.outline)]
            assert not outside, (region.muscle_id, region.side, outside[:3])


def test_clicking_a_label_anchor_finds_that_region(body_map: BodyMap) -> None:
    for view in body_map.views.values():
        for region in view.regions:
            assert body_map.region_at(view.name, *region.label_anchor) == region


def test_regions_of_one_view_do_not_overlap(body_map: BodyMap) -> None:
    step = 0.25
    for view in body_map.views.values():
        for a, b in itertools.combinations(view.regions, 2):
            left, top = max(a.bounds[0], b.bounds[0]), max(a.bounds[1], b.bounds[1])
            right, bottom = min(a.bounds[2], b.bounds[2]), min(a.bounds[3], b.bounds[3])
            if left >= right or top >= bottom:
                continue
            shared = sum(
                1
                for i in range(int((right - left) / step) + 1)
                for j in range(int((bottom - top) / step) + 1)
                if a.contains(left + i * step, top + j * step)
                and b.contains(left + i * step, top + j * step)
            )
            assert shared * step * step <= 0.5, (view.name, a.muscle_id, b.muscle_id)


def test_patient_left_is_on_the_viewers_right_from_the_front_and_left_from_behind(
    body_map: BodyMap,
) -> None:
    for view in body_map.views.values():
        for region in view.regions:
            xs = [x for x, _ in region.points]
            on_viewers_right = min(xs) > MIDLINE_X
            on_viewers_left = max(xs) < MIDLINE_X
            if (view.name == "front") == (region.side is Side.LEFT):
                assert on_viewers_right, (view.name, region.muscle_id, region.side)
            else:
                assert on_viewers_left, (view.name, region.muscle_id, region.side)


@pytest.mark.parametrize(
    ("view", "top_to_bottom"),
    [
        (
            "back",
            "suboccipitals splenius_capitis upper_trapezius infraspinatus latissimus_dorsi "
            "quadratus_lumborum gluteus_medius gluteus_maximus biceps_femoris gastrocnemius "
            "soleus",
        ),
        ("back", "lower_trapezius multifidus"),
        ("back", "deltoid triceps_brachii anconeus extensor_carpi_radialis_brevis"),
        (
            "front",
            "sternocleidomastoid pectoralis_major serratus_anterior iliopsoas rectus_femoris "
            "vastus_medialis tibialis_anterior",
        ),
        ("front", "deltoid biceps_brachii pronator_teres flexor_carpi_radialis"),
        ("front", "tensor_fasciae_latae vastus_lateralis"),
    ],
)
def test_muscles_are_stacked_from_head_to_foot(
    body_map: BodyMap, view: str, top_to_bottom: str
) -> None:
    heights = [
        _region(body_map, view, muscle, Side.LEFT).label_anchor[1]
        for muscle in top_to_bottom.split()
    ]
    assert heights == sorted(heights)


@pytest.mark.parametrize(
    ("view", "medial_to_lateral"),
    [
        ("back", "multifidus iliocostalis_lumborum quadratus_lumborum latissimus_dorsi"),
        ("back", "rhomboid_major infraspinatus teres_minor deltoid"),
        ("back", "semitendinosus biceps_femoris"),
        ("front", "pectoralis_major pectoralis_minor deltoid"),
        ("front", "sternocleidomastoid anterior_scalene"),
        ("front", "adductor_longus rectus_femoris vastus_lateralis"),
        ("front", "flexor_carpi_ulnaris flexor_carpi_radialis brachioradialis"),
    ],
)
def test_muscles_run_from_the_midline_outwards(
    body_map: BodyMap, view: str, medial_to_lateral: str
) -> None:
    distances = [
        abs(_region(body_map, view, muscle, Side.RIGHT).label_anchor[0] - MIDLINE_X)
        for muscle in medial_to_lateral.split()
    ]
    assert distances == sorted(distances)


def test_the_committed_file_is_what_the_generator_writes(body_map_file: Path) -> None:
    generator_path = body_map_file.with_name("generate_body_map.py")
    spec = importlib.util.spec_from_file_location("generate_body_map", generator_path)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generated = json.loads(generator.to_json(generator.build_body_map()))
    committed = json.loads(body_map_file.read_text(encoding="utf-8"))
    _assert_same(generated, committed, "body_map")


def _assert_same(generated: Any, committed: Any, where: str) -> None:
    """Equal data, numbers within the last rounded digit (platform maths may differ by 1 ulp)."""
    if isinstance(generated, dict):
        assert isinstance(committed, dict) and generated.keys() == committed.keys(), where
        for key in generated:
            _assert_same(generated[key], committed[key], f"{where}.{key}")
    elif isinstance(generated, list):
        assert isinstance(committed, list) and len(generated) == len(committed), where
        for index, (a, b) in enumerate(zip(generated, committed, strict=True)):
            _assert_same(a, b, f"{where}[{index}]")
    elif isinstance(generated, float):
        assert committed == pytest.approx(generated, abs=0.011), where
    else:
        assert generated == committed, where


# --- Hit testing and look-up ----------------------------------------------------------------


def test_nothing_is_hit_outside_the_regions(body_map: BodyMap) -> None:
    assert body_map.region_at("front", 2.0, 2.0) is None  # outside the body
    assert body_map.region_at("front", MIDLINE_X, 30.0) is None  # the face
    assert body_map.region_at("back", MIDLINE_X, 150.0) is None  # on the spine


def test_a_click_on_the_shoulder_blade_finds_infraspinatus(body_map: BodyMap) -> None:
    left = body_map.region_at("back", 72.0, 112.0)
    right = body_map.region_at("back", 128.0, 112.0)
    assert left is not None and (left.muscle_id, left.side) == ("infraspinatus", Side.LEFT)
    assert right is not None and (right.muscle_id, right.side) == ("infraspinatus", Side.RIGHT)


def test_an_unknown_view_is_a_key_error(body_map: BodyMap) -> None:
    with pytest.raises(KeyError, match="side"):
        body_map.region_at("side", 10.0, 10.0)


def _square(muscle_id: str, side: Side, left: float, top: float, size: float) -> BodyMapRegion:
    points = ((left, top), (left + size, top), (left + size, top + size), (left, top + size))
    return BodyMapRegion(muscle_id, side, "back", points, (left + size / 2, top + size / 2))


def test_where_regions_layer_the_smaller_one_wins() -> None:
    large = _square("gluteus_maximus", Side.LEFT, 0.0, 0.0, 40.0)
    small = _square("piriformis", Side.LEFT, 10.0, 10.0, 8.0)
    square = ((0.0, 0.0), (50.0, 0.0), (50.0, 50.0), (0.0, 50.0))
    view = BodyMapView("back", 50.0, 50.0, square, (large, small))
    body_map = BodyMap({"back": view})
    assert body_map.region_at("back", 12.0, 12.0) == small
    assert body_map.region_at("back", 30.0, 30.0) == large
    assert body_map.region_at("back", 45.0, 45.0) is None
    assert small.area == 64.0 and large.area == 1600.0


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        (Side.LEFT, {Side.LEFT}),
        (Side.RIGHT, {Side.RIGHT}),
        (Side.BILATERAL, {Side.LEFT, Side.RIGHT}),
        (Side.MIDLINE, {Side.LEFT, Side.RIGHT}),
    ],
)
def test_regions_for_a_side(body_map: BodyMap, side: Side, expected: set[Side]) -> None:
    regions = body_map.regions_for("deltoid", side)
    assert {r.side for r in regions} == expected
    assert {r.muscle_id for r in regions} == {"deltoid"}
    # The deltoid is drawn on both views.
    assert len(regions) == 2 * len(expected)
    assert {r.view for r in regions} == {"front", "back"}


def test_a_muscle_not_drawn_has_no_regions(body_map: BodyMap) -> None:
    assert body_map.regions_for("rectus_abdominis", Side.BILATERAL) == ()


def test_a_region_is_only_left_or_right() -> None:
    with pytest.raises(ValueError, match="left or right"):
        _square("multifidus", Side.BILATERAL, 0.0, 0.0, 4.0)


def test_polygon_area_and_containment_of_a_triangle() -> None:
    triangle = ((0.0, 0.0), (10.0, 0.0), (0.0, 10.0))
    assert polygon_area(triangle) == 50.0
    assert point_in_polygon(2.0, 2.0, triangle)
    assert not point_in_polygon(6.0, 6.0, triangle)


# --- Malformed files ------------------------------------------------------------------------


def _square_points() -> list[list[int]]:
    return [[0, 0], [10, 0], [10, 10], [0, 10]]


def _valid_document() -> dict[str, Any]:
    region = {
        "muscle_id": "multifidus",
        "side": "left",
        "points": _square_points(),
        "label_anchor": [5, 5],
    }
    view = {"width": 200, "height": 480, "outline": _square_points(), "regions": [region]}
    return {"meta": {"source": "drawn for TPI Desk"}, "views": {"back": view}}


def test_a_valid_small_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "body_map.json"
    path.write_text(json.dumps(_valid_document()), encoding="utf-8")
    loaded = load_body_map(path)
    (region,) = loaded.view("back").regions
    assert (region.muscle_id, region.side, region.view) == ("multifidus", Side.LEFT, "back")
    assert region.points[1] == (10.0, 0.0)
    assert loaded.view("back").guides == ()


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda d: d.pop("views"), "views: must be an object"),
        (lambda d: d["views"].clear(), "views: must hold at least one view"),
        (lambda d: d["views"]["back"].update(width=0), "views.back.width: must be greater than 0"),
        (lambda d: d["views"]["back"].update(outline=[[0, 0], [1, 1]]), "needs at least 3"),
        (
            lambda d: d["views"]["back"]["regions"][0].update(side="bilateral"),
            "views.back.regions[0].side: must be left or right",
        ),
        (
            lambda d: d["views"]["back"]["regions"][0].update(muscle_id=""),
            "views.back.regions[0].muscle_id",
        ),
        (
            lambda d: d["views"]["back"]["regions"][0]["points"].__setitem__(2, [10, "x"]),
            "views.back.regions[0].points[2]: must hold finite numbers",
        ),
        (
            lambda d: d["views"]["back"]["regions"][0].update(label_anchor=[5]),
            "views.back.regions[0].label_anchor: must be a point",
        ),
        (
            lambda d: d["views"]["back"]["regions"][0].update(points=[[0, 0], [5, 5], [10, 10]]),
            "encloses no area",
        ),
    ],
)
def test_malformed_data_names_the_file_and_the_entry(
    tmp_path: Path, corrupt: Any, message: str
) -> None:
    document = _valid_document()
    corrupt(document)
    path = tmp_path / "broken_map.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(BodyMapError, match=r"broken_map\.json") as raised:
        load_body_map(path)
    assert raised.value.file == path
    assert message in str(raised.value)


def test_a_file_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "body_map.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(BodyMapError, match=r"body_map\.json: is not valid JSON"):
        load_body_map(path)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BodyMapError, match=r"missing_map\.json: cannot be read"):
        load_body_map(tmp_path / "missing_map.json")
