"""Draw laid-out pages into a PDF with ReportLab.

In: the issue's laid-out pages (face, reverse) and, per certificate, the
lines of its filled fields.  Out: PDF bytes written to a binary stream.

Each page's static elements are drawn once per document into a PDF Form
XObject and every certificate's page places it with one ``Do`` operator; the
per-certificate path draws only the variable fields.  Documents are written
in ReportLab's invariant mode, so the same input gives the same bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab.pdfgen.canvas import Canvas

from ..fonts import ensure_fonts
from ..layout.elements import Artwork, Line, Page
from .artwork import define_artwork, load_artwork
from .canvas import define_tiles, draw_element, draw_lines, draw_overlay, patterns_of

__all__ = ["DocumentInfo", "FilledPage", "PrintOptions", "print_sequence", "static_shell", "write_pdf"]


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of the PDF document."""

    title: str
    author: str
    subject: str = ""
    creator: str = "certgen"


# ReportLab's TrueType subsetting reads the font file through state shared by
# every document (TTFontFile's read position), so two documents saved at once
# corrupt each other's subsets.  Writing is CPU-bound Python under the GIL, so
# serialising it costs no parallelism; batch runs use processes.
_WRITE_LOCK = threading.Lock()

#: The fields of one page of one certificate, laid out: (field index, lines) pairs.
FilledPage = Sequence[tuple[int, list[Line]]]

#: Room around the trimmed page for crop marks, in points (a quarter inch).
BLEED = 18.0


@dataclass(frozen=True)
class PrintOptions:
    """How a print file lays its certificates out on the printer's sheets.

    :param order: ``duplex``: each certificate's pages in turn, padded with a
        blank page to an even count so every certificate starts on the front
        of a sheet; ``simplex``: every certificate's first page, then every
        second page, in the same order (the stack is turned and fed again);
        ``pages``: each certificate's pages in turn, nothing added (a file per
        certificate, an archive).
    :param banner: lines of a job banner page printed first (its back left
        blank in duplex).
    :param crop_marks: the sheet is a quarter inch larger all round, with crop
        marks at the corners of the page (its TrimBox).
    :param fields_only: overlay mode, for pre-printed security paper: only the
        variable fields are printed, none of the static art or text.
    :param offset: overlay calibration, in points: added to every field's
        position (positive x to the right, positive y up).
    """

    order: str = "duplex"
    banner: tuple[str, ...] = ()
    crop_marks: bool = False
    fields_only: bool = False
    offset: tuple[float, float] = (0.0, 0.0)


def print_sequence(count: int, sides: int, options: PrintOptions) -> list[tuple[int, int] | None]:
    """The pages of a print file in order: ``(certificate, side)``, or ``None`` for a blank or banner page.

    The banner (when there is one) is the first entry, as ``None``.
    """
    out: list[tuple[int, int] | None] = []
    duplex = options.order == "duplex"
    if options.banner:
        out.append(None)
        if duplex:
            out.append(None)
    if duplex or options.order == "pages":
        for cert in range(count):
            out.extend((cert, side) for side in range(sides))
            if sides % 2 and duplex:
                out.append(None)
    else:
        for side in range(sides):
            out.extend((cert, side) for cert in range(count))
    return out


def write_pdf(
    pages: Sequence[Page],
    certificates: Iterable[Sequence[FilledPage]],
    target: BinaryIO,
    info: DocumentInfo,
    overlay: str | None = None,
) -> int:
    """Write one PDF holding every certificate, each on ``len(pages)`` pages.

    Print files (banner, order, crop marks, overlay mode) are written by
    :mod:`certgen.drawing.writer` from the static part this draws once.

    :param certificates: per certificate, one :data:`FilledPage` per page.
    :param overlay: a word printed large across each face, over everything (SPECIMEN).
    :returns: the number of certificates written.
    """
    ensure_fonts()
    with _WRITE_LOCK:
        return _write_pdf(pages, certificates, target, info, overlay)


def _write_pdf(
    pages: Sequence[Page],
    certificates: Iterable[Sequence[FilledPage]],
    target: BinaryIO,
    info: DocumentInfo,
    overlay: str | None,
) -> int:
    first_w, first_h = pages[0].width, pages[0].height
    # The initial font is one of ours: ReportLab's default (Helvetica) would add a
    # non-embedded font to every page's resources.
    c = Canvas(
        target,
        pagesize=(first_w, first_h),
        invariant=1,
        pageCompression=1,
        initialFontName="garamond",
        initialFontSize=10,
    )
    c.setTitle(info.title)
    c.setAuthor(info.author)
    c.setSubject(info.subject)
    c.setCreator(info.creator)
    define_tiles(c, [p for page in pages for element in page.static for p in patterns_of(element)])
    for page in pages:  # the printer's artwork, once per document, before the forms that draw it
        for element in page.static:
            if isinstance(element, Artwork):
                define_artwork(c, load_artwork(element.src, element.page))
    forms = []
    for index, page in enumerate(pages):
        name = f"static{index}"
        c.beginForm(name, 0, 0, page.width, page.height)
        for element in page.static:
            draw_element(c, element)
        c.endForm()
        forms.append(name)
    count = 0
    for filled_pages in certificates:
        for side, (page, form, filled) in enumerate(zip(pages, forms, filled_pages, strict=True)):
            c.setPageSize((page.width, page.height))
            c.doForm(form)
            for field_index, lines in filled:
                if lines:
                    field = page.fields[field_index]
                    draw_lines(c, lines, field.font, field.color, field.tracking)
            if overlay and side == 0:
                # On the page, not in a form: its transparency (ExtGState) must be a page resource.
                draw_overlay(c, overlay, page.width, page.height)
            c.showPage()
        count += 1
    c.save()
    return count


def static_shell(pages: Sequence[Page], info: DocumentInfo) -> Any:
    """The issue's static part drawn once by ReportLab and kept encoded (:class:`~certgen.drawing.writer.StaticShell`)."""
    import io

    from .writer import StaticShell

    buffer = io.BytesIO()
    write_pdf(pages, [[[] for _ in pages]], buffer, info)
    return StaticShell.build(pages, buffer.getvalue())
