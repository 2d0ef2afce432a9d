"""Guilloche ornament: borders and rosettes as parametric curves.

Security printers cut these patterns on geometric lathes: families of
sine waves and trochoids, repeated with a phase shift so that the strokes
interlace.  Both repetitions are symmetries a PDF can express cheaply: a
phase-shifted wave is the same wave translated, a rosette's strands are
the same curve rotated.  So an ornament is a :class:`Pattern`: a few curve
*tiles* (each drawn once per document as a Form XObject) and the list of
transformation matrices that place them.  A border of several thousand
strokes costs a few kilobytes.

Curves are cubic Béziers built from the curves' analytic derivatives
(Hermite interpolation), so they stay smooth at any zoom, with as few
segments as keep them within :data:`TOLERANCE` of the true curve.  Everything here
is deterministic: the same element gives the same operators; another seed
gives other wave counts and phases.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..layout.elements import RGB, Border, Ground, Rosette

__all__ = ["Pattern", "Repeat", "Tile", "border_pattern", "circle_path", "ground_pattern", "rosette_pattern"]

Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Tile:
    """A curve drawn once per document as a Form XObject."""

    name: str
    bbox: tuple[float, float, float, float]
    operators: str


@dataclass(frozen=True)
class Repeat:
    """A tile placed through *matrix*, then again after each move: each a matrix in the
    tile's own space from the previous placement (a band's next wave, a rosette's next
    strand, a ground's next line).  The moves repeat, so their operators compress to little."""

    tile: str
    matrix: Matrix
    moves: tuple[Matrix, ...]


#: One step of a pattern: literal PDF operators, or a tile's placements.
Step = str | Repeat


@dataclass(frozen=True)
class Pattern:
    """An ornament: its tiles and the steps that draw it."""

    tiles: tuple[Tile, ...]
    steps: tuple[Step, ...]


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: How far a drawn curve may stray from the true one, in points: 0.018 mm, a sixth of the
#: finest guilloche line (0.3 pt) and under two dots of a 2400 dpi platesetter.  The curves stay
#: smooth (each joint shares its tangent); only their distance from the formula is bounded.
TOLERANCE = 0.05


def _segments(
    f: Callable[[float], Point],
    df: Callable[[float], Point],
    t0: float,
    t1: float,
    tolerance: float = TOLERANCE,
    hint: int | None = None,
) -> int:
    """The fewest Hermite segments (within an eighth) that keep within *tolerance*.

    A Hermite cubic's error falls as the fourth power of its segment's length, so one
    measurement at 16 segments predicts the count; it is then checked, and grown by an
    eighth until it holds, or shrunk while it still holds.
    """
    if hint is not None and _deviation(f, df, t0, t1, hint, tolerance) <= tolerance:
        return hint  # a sister curve's count (the same wave, shifted) holds: no search
    probe = 16
    error = _deviation(f, df, t0, t1, probe)
    n = max(4, math.ceil(probe * (error / tolerance) ** 0.25)) if error > 0 else 4
    if _deviation(f, df, t0, t1, n, tolerance) > tolerance:
        while n < 4096 and _deviation(f, df, t0, t1, n, tolerance) > tolerance:
            n = max(n + 1, round(n * 1.125))
    else:
        while (
            n > 4
            and _deviation(f, df, t0, t1, smaller := min(n - 1, round(n / 1.125)), tolerance) <= tolerance
        ):
            n = smaller
    return n


def _deviation(
    f: Callable[[float], Point],
    df: Callable[[float], Point],
    t0: float,
    t1: float,
    n: int,
    limit: float = math.inf,
) -> float:
    """The largest distance, sampled at each segment's quarter points, between the curve and its
    Béziers; or the first one over *limit* (the question is then only whether it holds)."""
    h = (t1 - t0) / n
    worst = 0.0
    for i in range(n):
        a = t0 + i * h
        (x0, y0), (x3, y3) = f(a), f(a + h)
        (dx0, dy0), (dx3, dy3) = df(a), df(a + h)
        x1, y1, x2, y2 = x0 + dx0 * h / 3, y0 + dy0 * h / 3, x3 - dx3 * h / 3, y3 - dy3 * h / 3
        for s in (0.25, 0.5, 0.75):
            u = 1 - s
            bx = u * u * u * x0 + 3 * u * u * s * x1 + 3 * u * s * s * x2 + s * s * s * x3
            by = u * u * u * y0 + 3 * u * u * s * y1 + 3 * u * s * s * y2 + s * s * s * y3
            tx, ty = f(a + s * h)
            worst = max(worst, math.hypot(bx - tx, by - ty))
        if worst > limit:
            break
    return worst


def _bezier(
    f: Callable[[float], Point],
    df: Callable[[float], Point],
    t0: float,
    t1: float,
    close: bool = False,
    tolerance: float = TOLERANCE,
    counts: list[int] | None = None,
) -> str:
    """Cubic Bézier path through f(t) on [t0, t1], tangents from df (Hermite), as few
    segments as stay within *tolerance* of the curve.

    *counts*: the segment counts of the sister curves drawn before (strands of one wave,
    shifted); the last is tried first, and this curve's count is added."""
    segments = _segments(f, df, t0, t1, tolerance, counts[-1] if counts else None)
    if counts is not None:
        counts.append(segments)
    h = (t1 - t0) / segments
    x, y = f(t0)
    parts = [f"{_fmt(x)} {_fmt(y)} m"]
    dx, dy = df(t0)
    for i in range(1, segments + 1):
        t = t0 + i * h
        nx, ny = f(t)
        ndx, ndy = df(t)
        parts.append(
            f"{_fmt(x + dx * h / 3)} {_fmt(y + dy * h / 3)} "
            f"{_fmt(nx - ndx * h / 3)} {_fmt(ny - ndy * h / 3)} {_fmt(nx)} {_fmt(ny)} c"
        )
        x, y, dx, dy = nx, ny, ndx, ndy
    parts.append("h S" if close else "S")
    return " ".join(parts)


def _stroke(color: RGB, width: float) -> str:
    r, g, b = color
    return f"{_fmt(width)} w 1 J 1 j {r:.3f} {g:.3f} {b:.3f} RG"


def _lighter(color: RGB, amount: float) -> RGB:
    return (
        color[0] + (1 - color[0]) * amount,
        color[1] + (1 - color[1]) * amount,
        color[2] + (1 - color[2]) * amount,
    )


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"{_fmt(x)} {_fmt(y)} {_fmt(w)} {_fmt(h)} re"


def _key(*values: object) -> str:
    return hashlib.sha256(repr(values).encode()).hexdigest()[:10]


@lru_cache(maxsize=32)
def border_pattern(border: Border) -> Pattern:
    """The guilloche band of *border*: frame rules, woven waves along each side, corner rosettes."""
    rng = random.Random(border.seed)
    x0, y0 = border.x, border.y
    w, h = border.width, border.height
    band = border.band
    strands = max(3, round(rng.choice((7, 8, 9)) * border.density))
    waves_per_band = rng.uniform(0.95, 1.25)
    lace = rng.choice((2, 3))
    phase = rng.uniform(0, 2 * math.pi)
    amplitude = (band - 8.0) / 2 * 0.92
    light = _lighter(border.color, 0.25)

    steps: list[Step] = ["q", _stroke(border.color, border.line_width)]
    for inset, width in ((0.0, 1.6), (band, 1.0), (band + 3.2, 0.4), (2.6, 0.35), (band - 2.6, 0.35)):
        steps.append(f"{_fmt(width)} w {_rect(x0 + inset, y0 + inset, w - 2 * inset, h - 2 * inset)} S")

    tiles: dict[str, Tile] = {}

    def wave_tile(wavelength: float) -> str:
        """One period of every strand of the band, horizontal, centred on y = 0."""
        k = 2 * math.pi / wavelength
        name = f"gw{_key('wave', border, round(wavelength, 4))}"
        parts = [_stroke(border.color, border.line_width)]
        main_counts: list[int] = []
        fine_counts: list[int] = []
        for strand in range(strands):
            a0 = phase + 2 * math.pi * strand / strands

            def main(t: float, a0: float = a0) -> Point:
                a = k * t + a0
                return (t, amplitude * (0.78 * math.sin(a) + 0.22 * math.sin(lace * a - phase)))

            def dmain(t: float, a0: float = a0) -> Point:
                a = k * t + a0
                return (1.0, amplitude * k * (0.78 * math.cos(a) + 0.22 * lace * math.cos(lace * a - phase)))

            parts.append(_bezier(main, dmain, 0, wavelength, counts=main_counts))
        parts.append(_stroke(light, border.line_width * 0.8))
        for strand in range(strands):
            a0 = phase + 2 * math.pi * (strand + 0.5) / strands

            def fine(t: float, a0: float = a0) -> Point:
                return (t, amplitude * 0.45 * math.sin(2 * k * t + a0))

            def dfine(t: float, a0: float = a0) -> Point:
                return (1.0, amplitude * 0.45 * 2 * k * math.cos(2 * k * t + a0))

            parts.append(_bezier(fine, dfine, 0, wavelength, counts=fine_counts))
        tiles[name] = Tile(name, (-2.0, -band / 2, wavelength + 2.0, band / 2), " ".join(parts))
        return name

    # The four sides, between the corner squares: (start, vertical?, length).
    # Each side is a whole number of periods, so the tiles meet end to end.  One
    # tile serves all four: made for the long sides, it is stretched along the
    # short ones by the little (a few per cent) that makes their periods whole.
    sides = (
        ((x0 + band, y0 + h - band / 2), False, w - 2 * band),
        ((x0 + band, y0 + band / 2), False, w - 2 * band),
        ((x0 + band / 2, y0 + band), True, h - 2 * band),
        ((x0 + w - band / 2, y0 + band), True, h - 2 * band),
    )

    def periods_of(length: float) -> int:
        return max(1, round(length / (band * waves_per_band)))

    tile_wavelength = (w - 2 * band) / periods_of(w - 2 * band)
    wave = wave_tile(tile_wavelength)
    for (sx, sy), vertical, length in sides:
        periods = periods_of(length)
        wavelength = length / periods
        stretch = wavelength / tile_wavelength
        if vertical:  # the horizontal tile turned by 90 degrees
            matrix: Matrix = (0.0, stretch, -1.0, 0.0, sx, sy)
        else:
            matrix = (stretch, 0.0, 0.0, 1.0, sx, sy)
        # Period after period: one tile's length along its own axis.
        steps.append(Repeat(wave, matrix, ((1.0, 0.0, 0.0, 1.0, tile_wavelength, 0.0),) * (periods - 1)))
    corner_tiles: list[Tile] = []
    for cx, cy in (
        (x0 + band / 2, y0 + band / 2),
        (x0 + w - band / 2, y0 + band / 2),
        (x0 + band / 2, y0 + h - band / 2),
        (x0 + w - band / 2, y0 + h - band / 2),
    ):
        corner = rosette_pattern(
            Rosette(cx, cy, band / 2 - 3.0, border.color, border.seed + 7, border.line_width, border.density)
        )
        corner_tiles.extend(corner.tiles)
        steps.extend(corner.steps)
    steps.append("Q")
    for tile in corner_tiles:
        tiles.setdefault(tile.name, tile)
    return Pattern(tuple(tiles.values()), tuple(steps))


@lru_cache(maxsize=64)
def rosette_pattern(rosette: Rosette) -> Pattern:
    """A rosette: one petal curve rotated into a woven ring, a trochoid star, two rims."""
    rng = random.Random(rosette.seed * 7919 + 17)
    r = rosette.r
    petals = rng.choice((10, 12, 14, 16, 18))
    # Fewer strands on a small rosette, or its ring fills in solid.
    copies = max(5, min(round(rng.choice((12, 14, 16)) * rosette.density), int(r / 3.2 * rosette.density)))
    star = rng.choice((5, 6, 7, 8, 9))

    ring_tile, star_tile = _rosette_tiles(r, petals, copies, star, rosette.color, rosette.line_width)
    steps: list[Step] = ["q", _stroke(rosette.color, rosette.line_width)]
    for tile, count, spread in ((ring_tile, copies, math.pi / petals), (star_tile, 3, 2 * math.pi / star)):
        a = spread / count
        turn: Matrix = (math.cos(a), math.sin(a), -math.sin(a), math.cos(a), 0.0, 0.0)
        steps.append(Repeat(tile.name, (1.0, 0.0, 0.0, 1.0, rosette.cx, rosette.cy), (turn,) * (count - 1)))
    for factor, width in ((1.0, rosette.line_width * 2.5), (0.965, rosette.line_width)):
        steps.append(f"{_fmt(width)} w {_circle(rosette.cx, rosette.cy, r * factor)}")
    steps.append("Q")
    return Pattern((ring_tile, star_tile), tuple(steps))


@lru_cache(maxsize=32)
def ground_pattern(ground: Ground) -> Pattern:
    """A fine underprint: two families of wavy hairlines crossing into a lattice of lenses,
    their amplitude swelling and ebbing across the box (a moiré a copier cannot hold),
    clipped to the box.

    Every line is the same curve shifted (up one spacing, along a phase step), the second
    family upside down: one tile, placed once per line.
    """
    rng = random.Random(ground.seed * 104729 + 3)
    spacing = 2.4 / ground.density
    wavelength = rng.uniform(14.0, 22.0)
    swell = rng.uniform(2.2, 3.4)  # wavelengths of the amplitude's slow modulation across the box
    amplitude = spacing * rng.uniform(1.1, 1.6)
    step = wavelength * rng.uniform(0.05, 0.11)  # phase step from one line to the next
    k = 2 * math.pi / wavelength
    slow = 2 * math.pi * swell / (ground.width + 2 * wavelength)
    # Each line is placed 0 to one wave left of the box: the tile spans the box and one wave.
    span = ground.width + wavelength

    def f(t: float) -> Point:
        return (t, amplitude * (0.55 + 0.45 * math.sin(slow * t)) * math.sin(k * t))

    def df(t: float) -> Point:
        m = 0.55 + 0.45 * math.sin(slow * t)
        dm = 0.45 * slow * math.cos(slow * t)
        return (1.0, amplitude * (dm * math.sin(k * t) + m * k * math.cos(k * t)))

    # One tile for both families (the second is the first upside down) and for every box
    # of the same size and seed: placed, not repeated.
    name = f"gg{_key('ground', ground.width, ground.height, ground.seed, ground.color, ground.line_width, ground.density)}"
    # A pale hairline under the type: twice the border's tolerance (0.035 mm) is still
    # finer than the line.
    tile = Tile(
        name,
        (-1.0, -amplitude - 1, span + 1, amplitude + 1),
        _bezier(f, df, 0.0, span, tolerance=2 * TOLERANCE),
    )
    steps: list[Step] = [
        "q",
        _rounded(ground.x, ground.y, ground.width, ground.height, ground.radius) + " W n",
        _stroke(ground.color, ground.line_width),
    ]
    lines = math.ceil((ground.height + 4 * amplitude) / spacing) + 1
    for family in (1.0, -1.0):
        # Each line is the last one moved up a spacing and back a phase step (forward a wave
        # less the step, where that keeps the tile over the box); the second family is
        # upside down, so its moves are too.
        moves = []
        shift = 0.0
        for _ in range(lines - 1):
            dx = -step if shift - step >= -wavelength else wavelength - step
            shift += dx
            moves.append((1.0, 0.0, 0.0, 1.0, dx, spacing * family))
        y = ground.y - 2 * amplitude + (spacing / 2 if family < 0 else 0.0)
        steps.append(Repeat(name, (1.0, 0.0, 0.0, family, ground.x, y), tuple(moves)))
    steps.append("Q")
    return Pattern((tile,), tuple(steps))


def _rounded(x: float, y: float, w: float, h: float, r: float) -> str:
    """A rectangle path, its corners rounded by *r* (not painted)."""
    if r <= 0:
        return _rect(x, y, w, h)
    k = 0.5523 * r
    return (
        f"{_fmt(x + r)} {_fmt(y)} m {_fmt(x + w - r)} {_fmt(y)} l "
        f"{_fmt(x + w - r + k)} {_fmt(y)} {_fmt(x + w)} {_fmt(y + r - k)} {_fmt(x + w)} {_fmt(y + r)} c "
        f"{_fmt(x + w)} {_fmt(y + h - r)} l "
        f"{_fmt(x + w)} {_fmt(y + h - r + k)} {_fmt(x + w - r + k)} {_fmt(y + h)} {_fmt(x + w - r)} {_fmt(y + h)} c "
        f"{_fmt(x + r)} {_fmt(y + h)} l "
        f"{_fmt(x + r - k)} {_fmt(y + h)} {_fmt(x)} {_fmt(y + h - r + k)} {_fmt(x)} {_fmt(y + h - r)} c "
        f"{_fmt(x)} {_fmt(y + r)} l "
        f"{_fmt(x)} {_fmt(y + r - k)} {_fmt(x + r - k)} {_fmt(y)} {_fmt(x + r)} {_fmt(y)} c h"
    )


@lru_cache(maxsize=64)
def _rosette_tiles(
    r: float, petals: int, copies: int, star: int, color: RGB, line_width: float
) -> tuple[Tile, Tile]:
    """A rosette's two curves, wherever it is placed (a border's four corners share them)."""

    def ring(t: float) -> Point:
        rad = r * (0.80 + 0.17 * math.sin(petals * t))
        return (rad * math.cos(t), rad * math.sin(t))

    def dring(t: float) -> Point:
        rad = r * (0.80 + 0.17 * math.sin(petals * t))
        drad = r * 0.17 * petals * math.cos(petals * t)
        return (drad * math.cos(t) - rad * math.sin(t), drad * math.sin(t) + rad * math.cos(t))

    small = 1.0 / star
    d = small * 2.4
    scale = r * 0.58 / (1 - small + d)
    ratio = (1 - small) / small

    def trochoid(t: float) -> Point:
        return (
            scale * ((1 - small) * math.cos(t) + d * math.cos(ratio * t)),
            scale * ((1 - small) * math.sin(t) - d * math.sin(ratio * t)),
        )

    def dtrochoid(t: float) -> Point:
        return (
            scale * (-(1 - small) * math.sin(t) - d * ratio * math.sin(ratio * t)),
            scale * ((1 - small) * math.cos(t) - d * ratio * math.cos(ratio * t)),
        )

    key = _key("rosette", r, petals, copies, star, color, line_width)
    bbox = (-r * 1.05, -r * 1.05, r * 1.05, r * 1.05)
    ring_tile = Tile(f"gr{key}", bbox, _bezier(ring, dring, 0, 2 * math.pi, close=True))
    star_tile = Tile(f"gs{key}", bbox, _bezier(trochoid, dtrochoid, 0, 2 * math.pi, close=True))
    return ring_tile, star_tile


def _circle(cx: float, cy: float, r: float) -> str:
    return circle_path(cx, cy, r) + " S"


def circle_path(cx: float, cy: float, r: float) -> str:
    """A circle as four Béziers, from its rightmost point, counter-clockwise (not painted)."""
    k = 0.5523 * r
    return (
        f"{_fmt(cx + r)} {_fmt(cy)} m "
        f"{_fmt(cx + r)} {_fmt(cy + k)} {_fmt(cx + k)} {_fmt(cy + r)} {_fmt(cx)} {_fmt(cy + r)} c "
        f"{_fmt(cx - k)} {_fmt(cy + r)} {_fmt(cx - r)} {_fmt(cy + k)} {_fmt(cx - r)} {_fmt(cy)} c "
        f"{_fmt(cx - r)} {_fmt(cy - k)} {_fmt(cx - k)} {_fmt(cy - r)} {_fmt(cx)} {_fmt(cy - r)} c "
        f"{_fmt(cx + k)} {_fmt(cy - r)} {_fmt(cx + r)} {_fmt(cy - k)} {_fmt(cx + r)} {_fmt(cy)} c"
    )
