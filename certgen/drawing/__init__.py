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
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from ..fonts import ensure_fonts
from ..layout.elements import Artwork, Line, Page
from .artwork import define_artwork, load_artwork
from .canvas import define_tiles, draw_element, draw_lines, draw_overlay, patterns_of

__all__ = ["DocumentInfo", "FilledPage", "write_pdf"]


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


def write_pdf(
    pages: Sequence[Page],
    certificates: Iterable[Sequence[FilledPage]],
    target: BinaryIO,
    info: DocumentInfo,
    overlay: str | None = None,
) -> int:
    """Write one PDF holding every certificate, each on ``len(pages)`` pages.

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
