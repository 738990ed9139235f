"""Writes body_map.json: the front and back body outlines and muscle regions (stdlib only)."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

Point = tuple[float, float]
Polyline = list[Point]

WIDTH = 200.0
HEIGHT = 480.0
CENTRE_X = WIDTH / 2
EFFECTIVE_DATE = "2026-01-01"
OUTPUT = Path(__file__).with_name("body_map.json")


# --- Curves -------------------------------------------------------------------------------


def catmull_rom(points: Sequence[Point], samples: int, *, closed: bool) -> Polyline:
    """A uniform Catmull-Rom spline through ``points``, ``samples`` points per segment."""
    count = len(points)
    segments = count if closed else count - 1
    result: Polyline = []
    for index in range(segments):
        p0 = points[(index - 1) % count] if closed or index > 0 else points[0]
        p1 = points[index]
        p2 = points[(index + 1) % count]
        p3 = points[(index + 2) % count] if closed or index + 2 < count else points[-1]
        for step in range(samples):
            t = step / samples
            result.append(_catmull_rom_point(p0, p1, p2, p3, t))
    if not closed:
        result.append(points[-1])
    return result


def _catmull_rom_point(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    t2 = t * t
    t3 = t2 * t
    return (
        0.5
        * (
            2 * p1[0]
            + (p2[0] - p0[0]) * t
            + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
            + (3 * p1[0] - p0[0] - 3 * p2[0] + p3[0]) * t3
        ),
        0.5
        * (
            2 * p1[1]
            + (p2[1] - p0[1]) * t
            + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
            + (3 * p1[1] - p0[1] - 3 * p2[1] + p3[1]) * t3
        ),
    )


def chaikin(points: Sequence[Point], iterations: int) -> Polyline:
    """Rounds the corners of a closed polygon by cutting them (it never bulges outwards)."""
    result = list(points)
    for _ in range(iterations):
        smoothed: Polyline = []
        for index, (x0, y0) in enumerate(result):
            x1, y1 = result[(index + 1) % len(result)]
            smoothed.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            smoothed.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        result = smoothed
    return result


def mirror(points: Sequence[Point]) -> Polyline:
    """The same points reflected about the body's vertical midline."""
    return [(WIDTH - x, y) for x, y in points]


# --- Limbs: a centre line with an outer and an inner half-width at each station -------------


class Station(NamedTuple):
    x: float
    y: float
    outer: float
    inner: float


class Limb:
    """Maps limb coordinates (t along the limb 0..1, s across it -1 inner..+1 outer) to points."""

    def __init__(self, stations: Sequence[Station]) -> None:
        centres = [(s.x, s.y) for s in stations]
        widths = [(s.outer, s.inner) for s in stations]
        self._centre = _spline_function(centres)
        self._widths = _spline_function(widths)

    def point(self, t: float, s: float) -> Point:
        cx, cy = self._centre(t)
        ax, ay = self._centre(min(t + 0.002, 1.0))
        bx, by = self._centre(max(t - 0.002, 0.0))
        length = math.hypot(ax - bx, ay - by)
        # The outward normal points away from the body's midline (x grows on this half).
        nx, ny = (ay - by) / length, -(ax - bx) / length
        if nx < 0:
            nx, ny = -nx, -ny
        outer, inner = self._widths(t)
        width = outer if s >= 0 else inner
        return (cx + nx * s * width, cy + ny * s * width)

    def edge(self, s: float, t0: float, t1: float, count: int) -> Polyline:
        return [self.point(t0 + (t1 - t0) * i / count, s) for i in range(count + 1)]

    def band(self, t0: float, t1: float, s0: float, s1: float, count: int = 6) -> Polyline:
        """A quadrilateral patch of the limb, following its curve on all four sides."""
        along_count = max(2, round(count * (t1 - t0) / 0.25))
        across = max(2, round(count * abs(s1 - s0) / 1.0))
        side_a = self.edge(s0, t0, t1, along_count)
        side_b = self.edge(s1, t0, t1, along_count)
        bottom = [self.point(t1, s0 + (s1 - s0) * i / across) for i in range(1, across)]
        top = [self.point(t0, s1 + (s0 - s1) * i / across) for i in range(1, across)]
        return side_a + bottom + side_b[::-1] + top

    def patch(self, corners: Sequence[Point]) -> Polyline:
        """A polygon given in limb coordinates, each edge subdivided so it follows the limb."""
        result: Polyline = []
        for index, (t0, s0) in enumerate(corners):
            t1, s1 = corners[(index + 1) % len(corners)]
            steps = max(1, round(max(abs(t1 - t0) / 0.04, abs(s1 - s0) / 0.5)))
            for step in range(steps):
                f = step / steps
                result.append(self.point(t0 + (t1 - t0) * f, s0 + (s1 - s0) * f))
        return result


def _spline_function(values: Sequence[Point]) -> Callable[[float], Point]:
    last = len(values) - 1

    def at(t: float) -> Point:
        position = min(max(t, 0.0), 1.0) * last
        index = min(int(position), last - 1)
        p0 = values[max(index - 1, 0)]
        p3 = values[min(index + 2, last)]
        return _catmull_rom_point(p0, values[index], values[index + 1], p3, position - index)

    return at


ARM = Limb(
    [
        Station(149.0, 102.0, 13.0, 9.5),
        Station(152.2, 120.0, 13.2, 11.4),
        Station(155.0, 139.0, 11.6, 11.2),
        Station(157.6, 158.0, 11.0, 10.6),
        Station(160.0, 178.0, 9.2, 9.0),
        Station(162.2, 193.0, 10.8, 9.8),
        Station(165.0, 213.0, 8.8, 8.0),
        Station(167.8, 232.0, 6.8, 6.6),
        Station(169.2, 242.0, 6.2, 6.0),
    ]
)
HAND = Limb(
    [
        Station(169.2, 242.0, 6.2, 6.0),
        Station(170.6, 254.0, 8.2, 7.8),
        Station(172.2, 267.0, 8.2, 7.4),
        Station(173.4, 279.0, 6.6, 6.2),
        Station(174.0, 288.0, 2.6, 2.6),
    ]
)
THUMB_SIDE = (
    (0.0, 1.0),
    (0.16, 1.1),
    (0.3, 1.26),
    (0.42, 1.3),
    (0.5, 1.16),
    (0.56, 1.0),
    (0.64, 0.97),
    (0.78, 0.98),
)
LEG = Limb(
    [
        Station(119.0, 232.0, 18.4, 19.0),
        Station(119.4, 258.0, 18.0, 16.8),
        Station(119.0, 290.0, 15.8, 14.6),
        Station(118.0, 322.0, 12.8, 12.4),
        Station(117.0, 348.0, 10.6, 10.4),
        Station(116.5, 366.0, 11.4, 11.0),
        Station(116.0, 385.0, 12.4, 12.0),
        Station(115.0, 412.0, 8.8, 8.2),
        Station(114.5, 440.0, 5.6, 5.4),
    ]
)


# --- Outline --------------------------------------------------------------------------------


def half_outline_controls() -> Polyline:
    """Control points of the viewer's right half, from the crown down to the crotch."""
    head = [
        (100.0, 5.0),
        (109.0, 6.5),
        (116.2, 11.0),
        (120.6, 19.0),
        (122.0, 29.0),
        (122.2, 35.0),
        (123.8, 36.5),
        (124.2, 42.0),
        (122.4, 48.0),
        (120.4, 51.0),
        (117.8, 56.5),
        (114.2, 61.5),
        (113.0, 65.0),
        (112.8, 71.0),
        (114.4, 77.0),
        (119.5, 81.0),
        (128.0, 84.8),
        (137.5, 88.4),
        (146.0, 92.0),
        (153.0, 95.6),
        (158.8, 100.8),
    ]
    arm_outer = [ARM.point(t, 1.0) for t in (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875)]
    # The thumb hangs beside the palm on the outer (radial) side.
    hand_outer = [HAND.point(t, s) for t, s in THUMB_SIDE]
    hand_tip = [HAND.point(1.0, 0.0)]
    hand_inner = [HAND.point(t, -1.0) for t in (0.75, 0.5, 0.25, 0.0)]
    arm_inner = [ARM.point(t, -1.0) for t in (0.875, 0.75, 0.625, 0.5, 0.375, 0.25)]
    armpit = [(140.4, 129.0)]
    torso_side = [
        (136.8, 134.0),
        (135.6, 146.0),
        (134.2, 160.0),
        (131.4, 175.0),
        (129.4, 188.0),
        (130.2, 200.0),
        (133.4, 212.0),
        (136.6, 224.0),
    ]
    leg_outer = [LEG.point(t, 1.0) for t in (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0)]
    foot = [
        (121.6, 451.0),
        (123.6, 461.0),
        (124.4, 469.5),
        (122.6, 475.5),
        (116.5, 477.8),
        (109.8, 477.0),
        (106.4, 472.5),
        (106.2, 462.0),
        (107.8, 450.5),
    ]
    leg_inner = [LEG.point(t, -1.0) for t in (1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125)]
    crotch = [(101.6, 247.0)]
    return (
        head
        + arm_outer
        + hand_outer
        + hand_tip
        + hand_inner
        + arm_inner
        + armpit
        + torso_side
        + leg_outer
        + foot
        + leg_inner
        + crotch
    )


def outline() -> Polyline:
    """The closed body outline, clockwise from the crown, exactly mirror-symmetric."""
    half = half_outline_controls()
    # Crown and crotch lie on the midline; the mirrored half runs back up the other side.
    controls = [*half, (CENTRE_X, 244.5), *mirror(half[1:])[::-1]]
    samples = [(round(x, 2), round(y, 2)) for x, y in catmull_rom(controls, 4, closed=True)]
    middle = len(samples) // 2
    right = samples[: middle + 1]
    return right + [(round(x, 2), y) for x, y in mirror(right[1:-1])[::-1]]


BODY_OUTLINE = outline()


def inside(point: Point, polygon: Sequence[Point]) -> bool:
    """Even-odd point-in-polygon test."""
    x, y = point
    result = False
    for index, (x0, y0) in enumerate(polygon):
        x1, y1 = polygon[index - 1]
        if (y0 > y) != (y1 > y) and x < x0 + (x1 - x0) * (y - y0) / (y1 - y0):
            result = not result
    return result


def along_outline(start: Point, end: Point, inset: float) -> Polyline:
    """The body outline from near ``start`` to near ``end``, moved ``inset`` units inwards."""
    first = _nearest_outline_index(start)
    last = _nearest_outline_index(end)
    step = 1 if last >= first else -1
    result: Polyline = []
    for index in range(first, last + step, step):
        x0, y0 = BODY_OUTLINE[index - 1]
        x1, y1 = BODY_OUTLINE[(index + 1) % len(BODY_OUTLINE)]
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        x, y = BODY_OUTLINE[index]
        if not inside((x + nx * 0.3, y + ny * 0.3), BODY_OUTLINE):
            nx, ny = -nx, -ny
        result.append((x + nx * inset, y + ny * inset))
    return result


def _nearest_outline_index(point: Point) -> int:
    half = [i for i, (x, _) in enumerate(BODY_OUTLINE) if x >= CENTRE_X]
    return min(half, key=lambda i: math.dist(BODY_OUTLINE[i], point))


# --- Regions (drawn on the viewer's right half, x > 100) --------------------------------------


class Sheet:
    """Maps (u down the sheet 0..1, v across it 0 at ``left``..1 at ``right``) to points."""

    def __init__(self, left: Sequence[Point], right: Sequence[Point]) -> None:
        self._left = _by_arc_length(left)
        self._right = _by_arc_length(right)

    def point(self, u: float, v: float) -> Point:
        lx, ly = self._left(u)
        rx, ry = self._right(u)
        return (lx + (rx - lx) * v, ly + (ry - ly) * v)

    def patch(self, corners: Sequence[Point]) -> Polyline:
        """A polygon given in sheet coordinates, each edge subdivided so it follows the sheet."""
        result: Polyline = []
        for index, (u0, v0) in enumerate(corners):
            u1, v1 = corners[(index + 1) % len(corners)]
            steps = max(1, round(max(abs(u1 - u0), abs(v1 - v0)) / 0.08))
            for step in range(steps):
                f = step / steps
                result.append(self.point(u0 + (u1 - u0) * f, v0 + (v1 - v0) * f))
        return result


def _by_arc_length(points: Sequence[Point]) -> Callable[[float], Point]:
    lengths = [0.0]
    for a, b in itertools.pairwise(points):
        lengths.append(lengths[-1] + math.dist(a, b))
    total = lengths[-1]

    def at(u: float) -> Point:
        target = min(max(u, 0.0), 1.0) * total
        for index in range(1, len(points)):
            if lengths[index] >= target:
                span = lengths[index] - lengths[index - 1]
                f = (target - lengths[index - 1]) / span if span else 0.0
                (x0, y0), (x1, y1) = points[index - 1], points[index]
                return (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)
        return points[-1]

    return at


Shapes = dict[str, list[Polyline]]
MIDLINE_GAP = 0.8  # regions keep this far from the midline so left and right never touch


def back_shapes() -> Shapes:
    """Muscles seen from behind, drawn on the viewer's right half (the patient's right)."""
    m = CENTRE_X + MIDLINE_GAP
    levator_edge = along_outline((113.6, 60.0), (118.2, 80.6), 1.1)
    trapezius_top = along_outline((118.2, 80.6), (152.8, 95.8), 1.1)
    acromion = trapezius_top[-1]
    deltoid_edge = along_outline((154.2, 96.6), ARM.point(0.29, 1.0), 1.1)
    latissimus_edge = along_outline((136.6, 135.0), (129.6, 186.0), 1.0)
    medius_edge = along_outline((130.6, 203.0), (136.2, 222.4), 1.0)
    minimus_edge = along_outline((136.4, 224.2), (137.2, 233.0), 1.0)
    maximus_edge = along_outline((137.2, 234.6), (137.5, 250.6), 1.0)

    def below_latissimus(x: float) -> float:
        return _interpolate([(m, 172.6), (118.2, 177.0), (128.4, 187.6)], x)

    def column(x0: float, x1: float, bottom: Sequence[Point]) -> Polyline:
        return [(x0, below_latissimus(x0)), (x1, below_latissimus(x1)), *bottom]

    return {
        "suboccipitals": [[(m, 50.6), (108.0, 49.4), (115.2, 52.0), (114.4, 57.0), (m, 57.8)]],
        "semispinalis_capitis": [[(m, 58.4), (104.2, 58.4), (104.2, 79.2), (m, 79.2)]],
        "splenius_capitis": [
            [(104.8, 58.4), (113.6, 57.6), (108.6, 64.2), (108.6, 69.0), (104.8, 69.0)]
        ],
        "splenius_cervicis": [[(104.8, 69.6), (108.6, 69.6), (108.6, 79.2), (104.8, 79.2)]],
        "levator_scapulae": [[(109.2, 65.0), *levator_edge, (113.4, 80.6), (109.2, 79.2)]],
        "upper_trapezius": [
            [
                (m, 79.8),
                (109.2, 79.8),
                (113.4, 81.2),
                *trapezius_top,
                (143.6, 98.0),
                (131.0, 95.9),
                (117.2, 94.3),
                (m, 92.8),
            ]
        ],
        "middle_trapezius": [[(m, 93.4), (116.8, 94.9), (116.6, 103.6), (m, 103.8)]],
        "supraspinatus": [
            [
                (117.4, 94.9),
                (131.0, 96.5),
                (143.4, 98.6),
                (144.4, 99.6),
                (131.0, 101.4),
                (117.2, 103.4),
            ]
        ],
        "rhomboid_minor": [[(104.8, 104.2), (116.2, 104.4), (116.2, 110.8), (104.8, 107.6)]],
        "rhomboid_major": [
            [(104.8, 108.2), (116.2, 111.4), (117.6, 124.0), (120.0, 139.4), (104.8, 127.6)]
        ],
        "lower_trapezius": [
            [(m, 104.4), (104.2, 104.4), (104.2, 128.4), (120.2, 140.6), (m, 169.8)]
        ],
        "infraspinatus": [
            [
                (117.6, 104.7),
                (131.0, 102.7),
                (143.6, 100.9),
                (143.2, 106.4),
                (137.4, 112.2),
                (131.0, 120.6),
                (125.8, 127.6),
                (119.8, 132.2),
                (118.6, 124.0),
                (117.4, 111.4),
            ]
        ],
        "teres_minor": [
            [
                (143.6, 107.4),
                (143.6, 119.0),
                (133.6, 122.6),
                (126.8, 128.0),
                (131.6, 121.2),
                (137.8, 112.8),
            ]
        ],
        "teres_major": [
            [
                (120.6, 133.4),
                (126.8, 128.8),
                (133.8, 123.4),
                (144.4, 120.0),
                (145.0, 127.4),
                (141.0, 126.6),
                (137.2, 130.6),
                (134.4, 133.6),
                (128.2, 138.6),
                (121.4, 141.8),
            ]
        ],
        "deltoid": [
            [
                *deltoid_edge,
                ARM.point(0.35, 0.25),
                ARM.point(0.25, -0.4),
                (146.4, 123.8),
                (145.2, 116.0),
                (145.0, 108.0),
                (145.8, 100.4),
                (145.0, 99.0),
                (acromion[0] + 0.8, acromion[1] + 0.6),
            ]
        ],
        "triceps_brachii": [
            [
                (145.8, 128.6),
                ARM.point(0.26, -0.4),
                ARM.point(0.36, 0.25),
                *ARM.edge(0.9, 0.3, 0.49, 6),
                *ARM.edge(-0.9, 0.49, 0.2, 8),
                (142.8, 130.0),
            ]
        ],
        "latissimus_dorsi": [
            [
                (122.0, 142.6),
                (128.6, 139.4),
                (134.8, 134.4),
                *latissimus_edge,
                (118.2, 176.2),
                (m + 0.4, 171.4),
            ]
        ],
        "multifidus": [column(m, 104.4, [(104.4, 208.0), (103.2, 216.0), (m, 218.0)])],
        "longissimus_thoracis": [column(104.9, 108.8, [(108.8, 205.0), (104.9, 207.4)])],
        "iliocostalis_lumborum": [column(109.3, 113.4, [(113.4, 203.2), (109.3, 204.8)])],
        "quadratus_lumborum": [
            column(113.9, 125.2, [(126.4, 192.0), (125.2, 199.4), (113.9, 202.4)])
        ],
        "gluteus_medius": [
            [
                (109.6, 206.2),
                (116.0, 204.0),
                (124.0, 201.6),
                *medius_edge,
                (130.8, 223.4),
                (124.0, 219.6),
                (116.0, 215.6),
                (110.6, 213.2),
            ]
        ],
        "gluteus_minimus": [[(131.4, 224.6), *minimus_edge, (131.8, 232.4), (129.4, 228.6)]],
        "piriformis": [
            [
                (107.2, 216.4),
                (116.0, 216.4),
                (124.0, 220.4),
                (129.6, 224.4),
                (127.8, 228.4),
                (116.0, 223.0),
                (107.4, 222.4),
            ]
        ],
        "gluteus_maximus": [
            [
                (107.6, 223.2),
                (116.0, 224.0),
                (126.4, 229.4),
                (130.6, 233.6),
                (135.4, 234.0),
                *maximus_edge,
                (130.0, 253.4),
                (120.0, 254.6),
                (110.0, 252.6),
                (103.6, 249.6),
                (101.6, 244.0),
                (101.4, 236.0),
                (103.8, 228.6),
            ]
        ],
        "adductor_magnus": [LEG.band(0.13, 0.3, -0.9, -0.5)],
        "semimembranosus": [LEG.band(0.31, 0.47, -0.9, -0.5)],
        "semitendinosus": [LEG.band(0.13, 0.46, -0.45, -0.03)],
        "biceps_femoris": [LEG.band(0.13, 0.47, 0.03, 0.9)],
        "gastrocnemius": [
            LEG.patch(
                [
                    (0.545, -0.86),
                    (0.53, -0.2),
                    (0.545, 0.5),
                    (0.7, 0.56),
                    (0.8, 0.3),
                    (0.815, -0.3),
                    (0.77, -0.86),
                ]
            )
        ],
        "soleus": [
            LEG.patch(
                [
                    (0.79, -0.88),
                    (0.835, -0.3),
                    (0.82, 0.3),
                    (0.72, 0.56),
                    (0.8, 0.56),
                    (0.93, 0.4),
                    (0.93, -0.6),
                ]
            )
        ],
        "fibularis_longus": [LEG.band(0.56, 0.86, 0.6, 0.9)],
        "anconeus": [ARM.band(0.51, 0.6, -0.2, 0.55)],
        "extensor_carpi_radialis_longus": [ARM.band(0.52, 0.72, 0.6, 0.9)],
        "extensor_carpi_radialis_brevis": [ARM.band(0.73, 0.93, 0.6, 0.9)],
        "extensor_digitorum": [ARM.band(0.61, 0.93, -0.2, 0.55)],
        "extensor_carpi_ulnaris": [ARM.band(0.53, 0.93, -0.9, -0.25)],
    }


def front_shapes() -> Shapes:
    """Muscles seen from the front, drawn on the viewer's right half (the patient's left)."""
    m = CENTRE_X + MIDLINE_GAP
    deltoid_edge = along_outline((154.2, 96.6), ARM.point(0.29, 1.0), 1.1)
    clavicle_end = (143.0, 94.6)
    serratus_edge = along_outline((137.2, 134.4), (133.6, 163.0), 0.9)
    tfl_edge = along_outline((132.0, 207.0), (137.4, 248.0), 1.0)
    neck_edge = along_outline((113.0, 66.0), (124.0, 83.6), 0.9)
    scalenes = Sheet(
        [(112.0, 65.8), (110.6, 69.8), (108.8, 75.0), (107.0, 80.4), (106.6, 84.4)],
        [*neck_edge[:-1], (123.6, 87.8)],
    )
    return {
        # The muscles of mastication on the side of the face: temporalis on the temple,
        # lateral pterygoid below the zygomatic arch in front of the ear (needled through the
        # mandibular notch), masseter over the ramus, medial pterygoid at the angle of the jaw.
        "temporalis": [
            [
                (111.8, 21.0),
                (116.6, 17.6),
                (119.4, 22.0),
                (120.2, 28.0),
                (119.6, 33.0),
                (112.6, 33.4),
                (111.4, 28.0),
            ]
        ],
        "lateral_pterygoid": [[(113.8, 34.2), (120.0, 34.0), (121.2, 38.0), (113.8, 38.4)]],
        "masseter": [
            [
                (112.4, 39.2),
                (121.0, 39.0),
                (120.8, 44.0),
                (119.6, 48.8),
                (117.2, 51.4),
                (112.4, 51.4),
            ]
        ],
        "medial_pterygoid": [[(111.2, 52.2), (116.6, 52.2), (115.4, 54.8), (112.0, 55.8)]],
        "sternocleidomastoid": [
            [
                (111.8, 57.2),
                (116.2, 56.6),
                (113.4, 60.8),
                (111.2, 65.6),
                (108.2, 74.2),
                (106.0, 84.4),
                (m, 84.6),
                (m, 81.8),
                (104.6, 76.4),
                (108.0, 67.6),
            ]
        ],
        "anterior_scalene": [scalenes.patch([(0.0, 0.1), (0.0, 0.5), (1.0, 0.3), (1.0, 0.04)])],
        "middle_scalene": [scalenes.patch([(0.0, 0.55), (0.0, 0.95), (1.0, 0.62), (1.0, 0.34)])],
        "posterior_scalene": [scalenes.patch([(0.3, 0.98), (1.0, 0.96), (1.0, 0.66)])],
        "pectoralis_minor": [
            [
                (136.6, 96.4),
                (140.2, 97.4),
                (139.4, 104.8),
                (133.6, 114.6),
                (126.4, 118.2),
                (124.6, 113.6),
                (129.4, 105.2),
            ]
        ],
        "pectoralis_major": [
            [
                (m, 86.2),
                (115.0, 87.4),
                (128.0, 90.4),
                (140.6, 94.4),
                (135.8, 95.6),
                (128.6, 105.0),
                (123.8, 113.8),
                (126.0, 119.2),
                (133.6, 115.6),
                (140.0, 105.8),
                (141.6, 97.4),
                (143.0, 104.0),
                (142.6, 114.0),
                (141.4, 121.0),
                (139.8, 125.6),
                (134.4, 131.4),
                (126.0, 136.2),
                (116.0, 138.0),
                (106.0, 136.6),
                (m, 134.0),
            ]
        ],
        "subscapularis": [
            [(143.4, 117.2), (146.0, 116.6), (147.4, 122.6), (145.8, 127.6), (142.4, 127.2)]
        ],
        "deltoid": [
            [
                *deltoid_edge,
                ARM.point(0.35, 0.25),
                ARM.point(0.2, -0.35),
                (147.0, 116.0),
                (144.2, 112.0),
                (144.2, 104.0),
                clavicle_end,
            ]
        ],
        "serratus_anterior": [
            [
                (128.0, 137.6),
                (135.2, 133.2),
                *serratus_edge,
                (128.8, 165.4),
                (126.6, 160.2),
                (129.0, 156.8),
                (125.8, 152.6),
                (128.2, 148.6),
                (125.4, 144.2),
                (127.8, 140.6),
            ]
        ],
        "coracobrachialis": [ARM.band(0.21, 0.36, -0.9, -0.55)],
        "biceps_brachii": [
            ARM.patch(
                [(0.22, -0.3), (0.37, 0.3), (0.48, 0.56), (0.48, -0.9), (0.37, -0.9), (0.37, -0.5)]
            )
        ],
        "brachialis": [ARM.band(0.33, 0.48, 0.62, 0.9)],
        "extensor_carpi_radialis_longus": [ARM.band(0.52, 0.76, 0.68, 0.92)],
        "brachioradialis": [ARM.band(0.52, 0.9, 0.36, 0.64)],
        "pronator_teres": [
            ARM.patch([(0.52, -0.62), (0.52, -0.26), (0.62, 0.32), (0.65, 0.32), (0.65, -0.02)])
        ],
        "flexor_carpi_radialis": [ARM.band(0.68, 0.92, 0.02, 0.32)],
        "palmaris_longus": [ARM.band(0.68, 0.92, -0.32, -0.04)],
        "flexor_digitorum_superficialis": [ARM.band(0.62, 0.92, -0.64, -0.36)],
        "flexor_carpi_ulnaris": [ARM.band(0.52, 0.92, -0.92, -0.68)],
        "iliopsoas": [
            [
                (112.4, 197.0),
                (121.8, 196.4),
                (125.6, 205.0),
                (121.6, 215.6),
                (117.2, 229.0),
                (114.6, 238.6),
                (110.2, 236.2),
                (111.0, 224.0),
                (110.4, 210.0),
            ]
        ],
        "tensor_fasciae_latae": [
            [
                (127.6, 205.6),
                (131.0, 204.2),
                *tfl_edge,
                (131.4, 246.8),
                (127.8, 230.0),
                (126.6, 216.0),
            ]
        ],
        "rectus_femoris": [
            LEG.patch(
                [(0.02, 0.1), (0.02, 0.42), (0.2, 0.46), (0.42, 0.3), (0.45, 0.04), (0.2, 0.02)]
            )
        ],
        "vastus_lateralis": [LEG.band(0.14, 0.46, 0.5, 0.9)],
        "adductor_longus": [LEG.patch([(0.05, -0.9), (0.08, -0.2), (0.3, -0.56), (0.32, -0.9)])],
        "adductor_magnus": [LEG.band(0.33, 0.4, -0.92, -0.6)],
        "vastus_medialis": [
            LEG.patch(
                [
                    (0.3, -0.52),
                    (0.3, -0.02),
                    (0.47, 0.0),
                    (0.49, -0.5),
                    (0.45, -0.92),
                    (0.41, -0.92),
                    (0.41, -0.56),
                ]
            )
        ],
        "tibialis_anterior": [LEG.band(0.56, 0.88, 0.02, 0.52)],
        "fibularis_longus": [LEG.band(0.56, 0.82, 0.56, 0.9)],
    }


def _interpolate(points: Sequence[Point], x: float) -> float:
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


# --- Guides: thin landmark lines drawn under the regions -------------------------------------


def front_guides() -> list[Polyline]:
    clavicle = [(102.6, 85.2), (115.0, 86.4), (128.0, 89.4), (143.0, 93.8)]
    navel = [
        (CENTRE_X + 1.3 * math.cos(a / 8 * math.pi), 186.0 + 1.6 * math.sin(a / 8 * math.pi))
        for a in range(17)
    ]
    inguinal = [(128.6, 207.0), (118.0, 222.0), (104.0, 238.0)]
    kneecap = [
        LEG.point(0.5 + 0.045 * math.sin(a / 8 * math.pi), 0.45 * math.cos(a / 8 * math.pi))
        for a in range(17)
    ]
    halves = [clavicle, inguinal, kneecap]
    return [navel, *halves, *(mirror(line) for line in halves)]


def back_guides() -> list[Polyline]:
    spine = [(CENTRE_X, 80.0), (CENTRE_X, 244.0)]
    knee_crease = [LEG.point(0.51, s) for s in (-0.6, -0.2, 0.2, 0.6)]
    elbow = [
        ARM.point(0.5 + 0.02 * math.sin(a / 6 * math.pi), 0.25 * math.cos(a / 6 * math.pi))
        for a in range(13)
    ]
    halves = [knee_crease, elbow]
    return [spine, *halves, *(mirror(line) for line in halves)]


# --- Assembly -------------------------------------------------------------------------------


def simplify(points: Sequence[Point], tolerance: float) -> Polyline:
    """Douglas-Peucker on a closed polygon: drops points that change its shape < tolerance."""
    if len(points) < 4:
        return list(points)
    far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
    first = _simplify_open(list(points[: far + 1]), tolerance)
    second = _simplify_open([*points[far:], points[0]], tolerance)
    return first[:-1] + second[:-1]


def _simplify_open(points: Polyline, tolerance: float) -> Polyline:
    (x0, y0), (x1, y1) = points[0], points[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1e-9
    worst, worst_index = 0.0, 0
    for index in range(1, len(points) - 1):
        x, y = points[index]
        distance = abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length
        if distance > worst:
            worst, worst_index = distance, index
    if worst <= tolerance:
        return [points[0], points[-1]]
    head = _simplify_open(points[: worst_index + 1], tolerance)
    return head[:-1] + _simplify_open(points[worst_index:], tolerance)


def label_anchor(polygon: Sequence[Point]) -> Point:
    """The point inside ``polygon`` farthest from its edges (a coarse-to-fine grid search)."""
    xs = [x for x, _ in polygon]
    ys = [y for _, y in polygon]
    best = (sum(xs) / len(xs), sum(ys) / len(ys))
    best_score = _clearance(best, polygon) if inside(best, polygon) else -1.0
    step = max(max(xs) - min(xs), max(ys) - min(ys)) / 24
    centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    reach = 13 * step
    for _ in range(4):
        count = round(reach / step)
        for i in range(-count, count + 1):
            for j in range(-count, count + 1):
                candidate = (centre[0] + i * step, centre[1] + j * step)
                if inside(candidate, polygon):
                    score = _clearance(candidate, polygon)
                    if score > best_score:
                        best, best_score = candidate, score
        centre, reach, step = best, 2 * step, step / 4
    return best


def _clearance(point: Point, polygon: Sequence[Point]) -> float:
    return min(
        _segment_distance(point, polygon[index - 1], polygon[index])
        for index in range(len(polygon))
    )


def _segment_distance(point: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    f = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - f * dx, py - ay - f * dy)


def regions(shapes: Shapes, drawn_side: str, mirrored_side: str) -> list[dict[str, object]]:
    """Both sides of every shape: as drawn (viewer's right half) and mirrored."""
    result: list[dict[str, object]] = []
    for muscle_id, polygons in shapes.items():
        for polygon in polygons:
            smooth = _rounded(simplify(chaikin(polygon, 2), 0.03))
            anchor = _rounded([label_anchor(smooth)])[0]
            for side, points, mirrored in (
                (mirrored_side, _rounded(mirror(smooth)[::-1]), True),
                (drawn_side, smooth, False),
            ):
                x, y = (WIDTH - anchor[0], anchor[1]) if mirrored else anchor
                result.append(
                    {
                        "muscle_id": muscle_id,
                        "side": side,
                        "label_anchor": [round(x, 2), y],
                        "points": [list(point) for point in points],
                    }
                )
    return result


def _rounded(points: Sequence[Point]) -> Polyline:
    return [(round(x, 2), round(y, 2)) for x, y in points]


def build_body_map() -> dict[str, object]:
    """The whole body map as JSON-ready data (deterministic)."""
    body = [list(point) for point in BODY_OUTLINE]
    # Front: the viewer's right half is the patient's left. Back: it is the patient's right.
    views = {
        "front": {
            "width": WIDTH,
            "height": HEIGHT,
            "outline": body,
            "guides": [[list(p) for p in _rounded(line)] for line in front_guides()],
            "regions": regions(front_shapes(), drawn_side="left", mirrored_side="right"),
        },
        "back": {
            "width": WIDTH,
            "height": HEIGHT,
            "outline": body,
            "guides": [[list(p) for p in _rounded(line)] for line in back_guides()],
            "regions": regions(back_shapes(), drawn_side="right", mirrored_side="left"),
        },
    }
    return {
        "meta": {
            "source": "drawn for TPI Desk",
            "effective_date": EFFECTIVE_DATE,
            "design_width": WIDTH,
            "design_height": HEIGHT,
            "coordinates": "design units, origin top left, x to the viewer's right, y down",
            "generator": "generate_body_map.py",
        },
        "views": views,
    }


def to_json(data: dict[str, object]) -> str:
    """Indented JSON with each [x, y] pair kept on one line."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text) + "\n"


def main() -> None:
    OUTPUT.write_text(to_json(build_body_map()), encoding="utf-8")


if __name__ == "__main__":
    main()
