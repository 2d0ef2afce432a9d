"""One draw function per layout element, onto a ReportLab canvas.

Like z3c.rml's canvas directives, each element class maps to a single
drawing routine (:data:`DRAW`).  Ornament geometry comes pre-computed from
:mod:`certgen.drawing.ornament` as PDF operators.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from ..cidfont import pdf_number
from ..fonts import string_width
from ..layout.artwork import load_artwork
from ..layout.elements import (
    Artwork,
    Border,
    Box,
    Element,
    Ground,
    Image,
    Microprint,
    Rosette,
    Rule,
    Seal,
    Signature,
    Text,
)
from .ornament import Pattern, Repeat, border_pattern, circle_path, ground_pattern, rosette_pattern
from .textops import TextUse, show, show_each

__all__ = ["DRAW", "ShellCanvas", "define_tiles", "draw_element", "patterns_of"]


class ShellCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type information: Canvas is Any
    """A canvas whose text is set in certgen's CID fonts (:mod:`certgen.drawing.textops`).

    It draws an issue's static part once; :attr:`text_use` says which
    characters each face must hold in every document that places it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_use = TextUse()

    def _make_preamble(self) -> None:
        # ReportLab starts every page and form by selecting its initial font (a standard
        # font, added to the document's fonts); the shell's text names certgen's fonts itself.
        super()._make_preamble()
        self._preamble = "1 0 0 1 0 0 cm" if self.bottomup else self._preamble  # type: ignore[has-type]  # set by ReportLab (untyped)


def _show(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    color: tuple[float, float, float] | None = None,
    tracking: float = 0.0,
    word_space: float = 0.0,
) -> None:
    """One run of text at (x, y); *color* None keeps the current fill colour."""
    if isinstance(c, ShellCanvas):
        c.addLiteral(show(c.text_use, font, size, x, y, text, color, tracking, word_space))
        return
    # A plain ReportLab canvas (the hand-written reference benchmark): ReportLab's own fonts.
    t = c.beginText(x, y)
    t.setFont(font, size)
    if color is not None:
        t.setFillColorRGB(*color)
    # Tc and Tw belong to the graphics state and outlive BT/ET: always set both.
    t.setCharSpace(tracking)
    t.setWordSpace(word_space)
    t.textOut(text)
    c.drawText(t)


def draw_text(c: Canvas, el: Text) -> None:
    _show(c, el.left, el.y, el.text, el.font, el.size, el.color, el.tracking, el.word_space)


def draw_rule(c: Canvas, el: Rule) -> None:
    c.saveState()
    c.setStrokeColorRGB(*el.color)
    c.setLineWidth(el.width)
    if el.dash:
        c.setDash(list(el.dash))
    c.line(el.x1, el.y1, el.x2, el.y2)
    c.restoreState()


def draw_box(c: Canvas, el: Box) -> None:
    c.saveState()
    if el.stroke is not None:
        c.setStrokeColorRGB(*el.stroke)
        c.setLineWidth(el.line_width)
    if el.fill is not None:
        c.setFillColorRGB(*el.fill)
    if el.radius:
        c.roundRect(
            el.x, el.y, el.width, el.height, el.radius, stroke=el.stroke is not None, fill=el.fill is not None
        )
    else:
        c.rect(el.x, el.y, el.width, el.height, stroke=el.stroke is not None, fill=el.fill is not None)
    c.restoreState()


def draw_image(c: Canvas, el: Image) -> None:
    c.drawImage(el.src, el.x, el.y, el.width, el.height, mask="auto", preserveAspectRatio=True, anchor="c")


def _seal_ground(el: Seal) -> Rosette:
    return Rosette(el.cx, el.cy, el.r * 0.66, _pale(el.color), el.seed + 3, 0.25)


def patterns_of(element: Element) -> list[Pattern]:
    """The ornament patterns an element draws (their tiles must exist first)."""
    if isinstance(element, Border):
        return [border_pattern(element)]
    if isinstance(element, Rosette):
        return [rosette_pattern(element)]
    if isinstance(element, Seal):
        return [rosette_pattern(_seal_ground(element))] if element.ground else []
    if isinstance(element, Ground):
        return [ground_pattern(element)]
    return []


def microprint_run(el: Microprint) -> tuple[str, float, tuple[float, ...]]:
    """A microprint rule's text, letter spacing and matrix: the text repeated a whole number
    of times, its letter spacing opened so the repeats fill the line exactly, turned along it."""
    length = math.hypot(el.x2 - el.x1, el.y2 - el.y1)
    separator = "  "
    unit_width = string_width(el.text + separator, el.font, el.size)
    count = max(1, int((length + string_width(separator, el.font, el.size)) // unit_width))
    text = separator.join([el.text] * count)
    tracking = max(0.0, (length - string_width(text, el.font, el.size)) / max(1, len(text) - 1))
    angle = math.atan2(el.y2 - el.y1, el.x2 - el.x1)
    cos, sin = math.cos(angle), math.sin(angle)
    return text, tracking, (cos, sin, -sin, cos, el.x1, el.y1)


@lru_cache(maxsize=64)
def microprint_operators(el: Microprint) -> tuple[str, TextUse]:
    """A microprint rule as operators, and the text it sets (:func:`microprint_run`).

    Marked as an artifact (PDF 32000 §14.8.2.2): decoration, which text extraction
    (certgen's checks, screen readers) may pass over, though it stays text that a loupe
    shows and a text search finds."""
    text, tracking, matrix = microprint_run(el)
    use = TextUse()
    cm = " ".join(pdf_number(v) for v in matrix)
    return f"/Artifact BMC q {cm} cm {show(use, el.font, el.size, 0, 0, text, el.color, tracking)} Q EMC", use


def define_tiles(c: Canvas, patterns: list[Pattern]) -> None:
    """Define each pattern tile once in this document, as a Form XObject.

    Must run before any other form is begun: ReportLab forms do not nest.
    """
    done: set[str] = set()
    for pattern in patterns:
        for tile in pattern.tiles:
            if tile.name in done:
                continue
            done.add(tile.name)
            c.beginForm(tile.name, *tile.bbox)
            c.addLiteral(tile.operators)
            c.endForm()


def draw_pattern(c: Canvas, pattern: Pattern) -> None:
    for step in pattern.steps:
        if isinstance(step, Repeat):
            c.addLiteral("q " + " ".join(pdf_number(v) for v in step.matrix) + " cm")
            c.doForm(step.tile)
            use = f"/{c._doc.getXObjectName(step.tile)} Do"
            for move in step.moves:  # six decimals: a turn repeated sixteen times must not drift
                c.addLiteral(" ".join(pdf_number(v, 6) for v in move) + f" cm {use}")
            c.addLiteral("Q")
        else:
            c.addLiteral(step)


def draw_border(c: Canvas, el: Border) -> None:
    draw_pattern(c, border_pattern(el))


def draw_rosette(c: Canvas, el: Rosette) -> None:
    draw_pattern(c, rosette_pattern(el))


def draw_ground(c: Canvas, el: Ground) -> None:
    draw_pattern(c, ground_pattern(el))


def draw_microprint(c: Canvas, el: Microprint) -> None:
    operators, use = microprint_operators(el)
    if isinstance(c, ShellCanvas):
        c.text_use.update(use)
        c.addLiteral(operators)
    else:  # a plain ReportLab canvas (the reference benchmark): its own fonts
        text, tracking, matrix = microprint_run(el)
        c.saveState()
        c.transform(*matrix)
        _show(c, 0, 0, text, el.font, el.size, el.color, tracking)
        c.restoreState()


def draw_seal(c: Canvas, el: Seal) -> None:
    """Rims, a guilloche ground, the text around the rim, the inner lines."""
    if el.ground:
        draw_pattern(c, rosette_pattern(_seal_ground(el)))
    c.saveState()
    c.setStrokeColorRGB(*el.color)
    c.setFillColorRGB(*el.color)
    c.setLineWidth(1.4)
    c.circle(el.cx, el.cy, el.r)
    c.setLineWidth(0.5)
    c.circle(el.cx, el.cy, el.r * 0.93)
    c.circle(el.cx, el.cy, el.r * 0.70)
    # Serrations on the outer rim, as an embossed seal has: 96 radial strokes 0.4 pt wide,
    # drawn as one dashed circle as wide as the rim (butt-capped dashes are radial).
    teeth = 96
    mid = el.r * 0.965
    gap = 2 * math.pi * mid / teeth - 0.4
    c.addLiteral(f"q {pdf_number(el.r * 0.07)} w 0 J [0.4 {pdf_number(gap)}] 0.2 d")
    c.addLiteral(circle_path(el.cx, el.cy, mid) + " S Q")
    # Rim text, clockwise, centred on the top; spread evenly round the whole rim.
    size = el.r * 0.165
    radius = el.r * 0.765
    text = f"{el.text}  \u2022  "
    widths = [string_width(ch, el.font, size) for ch in text]
    natural = sum(widths) / radius
    spacing = max(0.0, (2 * math.pi - natural) / len(text))
    if natural > 2 * math.pi:  # too long: condense the letters to fit the rim
        widths = [w * 2 * math.pi / natural for w in widths]
        spacing = 0.0
    name_extent = sum(widths[: len(el.text)]) / radius + spacing * (len(el.text) - 1)
    angle = math.pi / 2 + name_extent / 2
    placed: list[tuple[tuple[float, ...], str]] = []
    for ch, w in zip(text, widths, strict=False):
        step = w / radius
        mid = angle - step / 2
        # The letter upright on the rim: turned by mid - 90°, centred on its point of the circle.
        cos, sin = math.sin(mid), -math.cos(mid)
        half = string_width(ch, el.font, size) / 2
        x, y = el.cx + radius * math.cos(mid), el.cy + radius * math.sin(mid)
        placed.append(((cos, sin, -sin, cos, x - half * cos, y - half * sin), ch))
        angle -= step + spacing
    if isinstance(c, ShellCanvas):
        c.addLiteral(show_each(c.text_use, el.font, size, placed))
    else:
        for (a, b, cc, d, e, f), ch in placed:
            c.saveState()
            c.transform(a, b, cc, d, e, f)
            _show(c, 0, 0, ch, el.font, size)
            c.restoreState()
    # Inner lines, centred, at most the inner circle's width.
    if el.inner:
        lead = el.r * 0.17
        top = el.cy + (len(el.inner) - 1) * lead / 2
        for i, line in enumerate(el.inner):
            isize = el.r * 0.13
            limit = el.r * 1.15 if i in (0, len(el.inner) - 1) else el.r * 1.3
            while isize > 4 and string_width(line, el.font, isize) > limit:
                isize -= 0.25
            x = el.cx - string_width(line, el.font, isize) / 2
            _show(c, x, top - i * lead - isize * 0.35, line, el.font, isize)
    c.restoreState()


def draw_signature(c: Canvas, el: Signature) -> None:
    if el.image:
        c.drawImage(
            el.image,
            el.x,
            el.y + 1.5,
            el.width,
            el.size * 3.2,
            mask="auto",
            preserveAspectRatio=True,
            anchor="s",
        )
    c.saveState()
    c.setStrokeColorRGB(*el.line_color)
    c.setLineWidth(0.6)
    c.line(el.x, el.y, el.x + el.width, el.y)
    c.restoreState()
    width = string_width(el.title, el.font, el.size)
    _show(c, el.x + (el.width - width) / 2, el.y - el.size - 2, el.title, el.font, el.size, el.color)


def draw_artwork(c: Canvas, el: Artwork) -> None:
    """The artwork page, scaled to fit its box (aspect kept, centred), from its Form XObject."""
    art = load_artwork(el.src, el.page)
    scale = min(el.width / art.width, el.height / art.height)
    c.saveState()
    c.translate(el.x + (el.width - art.width * scale) / 2, el.y + (el.height - art.height * scale) / 2)
    c.scale(scale, scale)
    c.translate(-art.bbox[0], -art.bbox[1])
    c.doForm(art.name)
    c.restoreState()


def _pale(color: tuple[float, float, float]) -> tuple[float, float, float]:
    return tuple(v + (1 - v) * 0.55 for v in color)  # type: ignore[return-value]  # three channels in, three out


DRAW: dict[type, Callable[[Canvas, Any], None]] = {
    Text: draw_text,
    Rule: draw_rule,
    Box: draw_box,
    Image: draw_image,
    Artwork: draw_artwork,
    Border: draw_border,
    Rosette: draw_rosette,
    Ground: draw_ground,
    Microprint: draw_microprint,
    Seal: draw_seal,
    Signature: draw_signature,
}


def draw_element(c: Canvas, element: Element) -> None:
    """Draw one static element."""
    DRAW[type(element)](c, element)
