"""The calibration sheet for overlay printing on pre-printed security paper.

Printers place the page a millimetre or two off; on pre-printed stock that
puts the holder's name across an engraved line.  The sheet prints crosshairs
at known distances from the paper's edges, with millimetre scales; the
operator measures where they landed and gives the difference to
``certgen batch --overlay --offset X,Y``.  With a spec, the sheet also
outlines every variable field of each page, so a trial run on one sheet of
the stock shows whether the fields fall in their blanks.  Printed with a
trial offset, the sheet shows that offset applied.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from ..fonts import ensure_fonts
from ..layout.elements import Page
from ..units import page_size
from .plan import mm

__all__ = ["CROSSHAIR_MM", "calibration_sheet"]

#: Distance of the corner crosshairs from the paper's nearest edges, in millimetres.
CROSSHAIR_MM = 20.0


def calibration_sheet(
    pages: Sequence[Page] | None = None,
    *,
    paper: str = "letter",
    orientation: str = "portrait",
    offset_mm: tuple[float, float] = (0.0, 0.0),
) -> bytes:
    """The calibration sheet as PDF bytes: a page of instructions, then one page per certificate page."""
    ensure_fonts()
    width, height = (pages[0].width, pages[0].height) if pages else page_size(paper, orientation)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1, initialFontName="garamond")
    c.setTitle("certgen calibration sheet")
    dx, dy = mm(offset_mm[0]), mm(offset_mm[1])
    # First the instructions, then (with a spec) each certificate page with its fields outlined.
    sheets: list[tuple[float, float, Page | None]] = [(width, height, None)]
    sheets += [(p.width, p.height, p) for p in pages or ()]
    for w, h, page in sheets:
        c.setPageSize((w, h))
        c.translate(dx, dy)
        d = mm(CROSSHAIR_MM)
        for x, y in ((d, d), (w - d, d), (d, h - d), (w - d, h - d), (w / 2, h / 2)):
            _crosshair(c, x, y)
        _scale(c, d, d, horizontal=True)
        _scale(c, d, d, horizontal=False)
        if page is None:
            _instructions(c, w, h, offset_mm)
        else:
            _fields(c, page)
            c.setFont("garamond", 8)
            c.drawCentredString(
                w / 2, d - 3, f"page: {page.name} — offset {offset_mm[0]:+.2f}, {offset_mm[1]:+.2f} mm"
            )
        c.showPage()
    c.save()
    return buffer.getvalue()


def _instructions(c: Canvas, width: float, height: float, offset: tuple[float, float]) -> None:
    lines = [
        "certgen calibration sheet",
        "Print this page as the run will be printed (same printer, tray, paper and settings).",
        f"Measure the centre of the lower-left crosshair from the paper's left and bottom edges: it should be {CROSSHAIR_MM:g} mm.",
        f"Offset X = {CROSSHAIR_MM:g} − (measured from the left edge); offset Y = {CROSSHAIR_MM:g} − (measured from the bottom).",
        "Add them to the offset printed below and print again until the crosshair sits at 20 mm;",
        "then run: certgen batch ... --overlay --offset X,Y",
        f"Offset of this printing: {offset[0]:+.2f}, {offset[1]:+.2f} mm",
    ]
    y = height / 2 - 50
    for index, line in enumerate(lines):
        c.setFont("oldstandard-bold" if index == 0 else "garamond", 11 if index == 0 else 9)
        c.drawCentredString(width / 2, y - index * 13, line)


def _crosshair(c: Canvas, x: float, y: float) -> None:
    c.setLineWidth(0.3)
    c.line(x - 14, y, x + 14, y)
    c.line(x, y - 14, x, y + 14)
    c.circle(x, y, 6)


def _scale(c: Canvas, x: float, y: float, *, horizontal: bool) -> None:
    """A millimetre scale from the crosshair towards the page edge, labelled every 5 mm."""
    c.setLineWidth(0.25)
    c.setFont("garamond", 5)
    for k in range(0, int(CROSSHAIR_MM) + 1):
        length = 6.0 if k % 5 == 0 else 3.0
        offset = mm(k)
        if horizontal:
            c.line(x - offset, y - 18, x - offset, y - 18 - length)
            if k % 5 == 0:
                c.drawCentredString(x - offset, y - 30, str(k))
        else:
            c.line(x - 18, y - offset, x - 18 - length, y - offset)
            if k % 5 == 0:
                c.drawRightString(x - 27, y - offset - 2, str(k))


def _fields(c: Canvas, page: Page) -> None:
    """Each variable field's box, dashed, with its name."""
    c.saveState()
    c.setDash(2, 2)
    c.setLineWidth(0.4)
    c.setStrokeColorRGB(0.8, 0.1, 0.1)
    c.setFillColorRGB(0.8, 0.1, 0.1)
    c.setFont("garamond", 6)
    for field in page.fields:
        c.rect(field.x, field.y, field.width, field.height)
        c.drawString(field.x + 1.5, field.y + field.height + 1.5, field.name)
    c.restoreState()
