"""The body map: front and back outlines with clickable left/right muscle regions, from JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tpi_desk.clinical.record import Side

# Where the shipped art lives under resources/: ``resource_path(*BODY_MAP_RESOURCE)``.
BODY_MAP_RESOURCE = ("body_map", "body_map.json")

Point = tuple[float, float]


class BodyMapError(Exception):
    """The body-map file is missing or malformed; the message names the file and the entry."""

    def __init__(self, file: Path, entry: str | None, problem: str) -> None:
        where = f"{file.name}, {entry}" if entry else file.name
        super().__init__(f"Body map file {where}: {problem}")
        self.file = file
        self.entry = entry
        self.problem = problem


@dataclass(frozen=True, slots=True)
class BodyMapRegion:
    """One muscle on one side, as a closed polygon in its view's design coordinates (y down)."""

    muscle_id: str
    side: Side
    view: str
    points: tuple[Point, ...]
    label_anchor: Point
    area: float = field(init=False, repr=False, compare=False)
    bounds: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.side not in (Side.LEFT, Side.RIGHT):
            raise ValueError(f"a body-map region is left or right, not {self.side}")
        object.__setattr__(self, "area", polygon_area(self.points))
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        object.__setattr__(self, "bounds", (min(xs), min(ys), max(xs), max(ys)))

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies inside this region."""
        left, top, right, bottom = self.bounds
        if not (left <= x <= right and top <= y <= bottom):
            return False
        return point_in_polygon(x, y, self.points)


@dataclass(frozen=True, slots=True)
class BodyMapView:
    """One view ("front" or "back"): its design size, body outline and muscle regions.

    ``guides`` are open polylines (clavicles, spine, kneecaps...) to draw thinly under the
    regions; they are decoration, never hit-tested.
    """

    name: str
    width: float
    height: float
    outline: tuple[Point, ...]
    regions: tuple[BodyMapRegion, ...]
    guides: tuple[tuple[Point, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class BodyMap:
    """All views of the body map, keyed by view name."""

    views: Mapping[str, BodyMapView]

    def view(self, name: str) -> BodyMapView:
        try:
            return self.views[name]
        except KeyError:
            raise KeyError(f"the body map has no view named {name!r}") from None

    def region_at(self, view: str, x: float, y: float) -> BodyMapRegion | None:
        """The region under a point of ``view``; where regions overlap, the smallest wins."""
        hits = [region for region in self.view(view).regions if region.contains(x, y)]
        return min(hits, key=lambda region: region.area, default=None)

    def regions_for(self, muscle_id: str, side: Side) -> tuple[BodyMapRegion, ...]:
        """Every region of a muscle on a side; bilateral and midline give both sides."""
        sides = {side} if side in (Side.LEFT, Side.RIGHT) else {Side.LEFT, Side.RIGHT}
        return tuple(
            region
            for region in self._all_regions()
            if region.muscle_id == muscle_id and region.side in sides
        )

    def muscle_ids(self) -> frozenset[str]:
        """Every muscle drawn on any view."""
        return frozenset(region.muscle_id for region in self._all_regions())

    def _all_regions(self) -> Iterator[BodyMapRegion]:
        for view in self.views.values():
            yield from view.regions


def polygon_area(points: tuple[Point, ...]) -> float:
    """The area enclosed by a simple closed polygon (shoelace formula)."""
    twice = 0.0
    for index, (x1, y1) in enumerate(points):
        x0, y0 = points[index - 1]
        twice += x0 * y1 - x1 * y0
    return abs(twice) / 2


def point_in_polygon(x: float, y: float, points: tuple[Point, ...]) -> bool:
    """Even-odd ray casting: whether (x, y) lies inside the closed polygon."""
    inside = False
    for index, (x1, y1) in enumerate(points):
        x0, y0 = points[index - 1]
        if (y1 > y) != (y0 > y) and x < x1 + (x0 - x1) * (y - y1) / (y0 - y1):
            inside = not inside
    return inside


def load_body_map(path: Path) -> BodyMap:
    """Read a body-map JSON file; raise BodyMapError naming the file and entry if malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BodyMapError(path, None, f"cannot be read ({error.strerror or error})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BodyMapError(path, None, f"is not valid JSON ({error})") from error
    return _Reader(path).body_map(data)


class _Reader:
    """Turns the parsed JSON into a BodyMap, failing with the address of the bad entry."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, entry: str, problem: str) -> BodyMapError:
        return BodyMapError(self.path, entry, problem)

    def body_map(self, data: Any) -> BodyMap:
        if not isinstance(data, dict):
            raise self.fail("top level", "must be an object with meta and views")
        self.object(data.get("meta"), "meta")
        views = self.object(data.get("views"), "views")
        if not views:
            raise self.fail("views", "must hold at least one view")
        return BodyMap(views={name: self.view(name, value) for name, value in views.items()})

    def view(self, name: str, data: Any) -> BodyMapView:
        entry = f"views.{name}"
        view = self.object(data, entry)
        regions = self.array(view.get("regions"), f"{entry}.regions")
        guides = self.array(view.get("guides", []), f"{entry}.guides")
        return BodyMapView(
            name=name,
            width=self.positive(view.get("width"), f"{entry}.width"),
            height=self.positive(view.get("height"), f"{entry}.height"),
            outline=self.polygon(view.get("outline"), f"{entry}.outline"),
            regions=tuple(
                self.region(name, value, f"{entry}.regions[{index}]")
                for index, value in enumerate(regions)
            ),
            guides=tuple(
                self.points(value, f"{entry}.guides[{index}]", minimum=2)
                for index, value in enumerate(guides)
            ),
        )

    def region(self, view: str, data: Any, entry: str) -> BodyMapRegion:
        region = self.object(data, entry)
        muscle_id = region.get("muscle_id")
        if not isinstance(muscle_id, str) or not muscle_id.strip():
            raise self.fail(f"{entry}.muscle_id", "must be a muscle id such as upper_trapezius")
        side = region.get("side")
        if side not in (Side.LEFT.value, Side.RIGHT.value):
            raise self.fail(f"{entry}.side", f"must be left or right, not {side!r}")
        return BodyMapRegion(
            muscle_id=muscle_id,
            side=Side(side),
            view=view,
            points=self.polygon(region.get("points"), f"{entry}.points"),
            label_anchor=self.point(region.get("label_anchor"), f"{entry}.label_anchor"),
        )

    def polygon(self, data: Any, entry: str) -> tuple[Point, ...]:
        points = self.points(data, entry, minimum=3)
        if polygon_area(points) == 0:
            raise self.fail(entry, "encloses no area")
        return points

    def points(self, data: Any, entry: str, *, minimum: int) -> tuple[Point, ...]:
        values = self.array(data, entry)
        if len(values) < minimum:
            raise self.fail(entry, f"needs at least {minimum} points, has {len(values)}")
        return tuple(self.point(value, f"{entry}[{index}]") for index, value in enumerate(values))

    def point(self, data: Any, entry: str) -> Point:
        if not isinstance(data, list) or len(data) != 2:
            raise self.fail(entry, "must be a point [x, y]")
        return (self.number(data[0], entry), self.number(data[1], entry))

    def number(self, data: Any, entry: str) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float) or not math.isfinite(data):
            raise self.fail(entry, f"must hold finite numbers, not {data!r}")
        return float(data)

    def positive(self, data: Any, entry: str) -> float:
        value = self.number(data, entry)
        if value <= 0:
            raise self.fail(entry, "must be greater than 0")
        return value

    def object(self, data: Any, entry: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(entry, "must be an object")
        return data

    def array(self, data: Any, entry: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.fail(entry, "must be a list")
        return data
