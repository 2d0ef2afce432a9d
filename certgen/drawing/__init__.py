"""Draw laid-out pages into PDF.

In: the issue's laid-out pages (face, reverse) and, per certificate, the
lines of its filled fields.  Out: PDF bytes written to a binary stream.

Each page's static elements are drawn once per issue by ReportLab into a PDF
Form XObject (:func:`static_shell`), kept encoded; every document copies
those objects and each certificate's page places its form with one ``Do``
operator, then sets only the variable fields (:mod:`certgen.drawing.writer`).
All text, static and variable, is set in certgen's CID fonts
(:mod:`certgen.drawing.textops`), each document embedding one subset per face.
The same input gives the same bytes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..layout.elements import Artwork, Line, Page
from ..layout.artwork import load_artwork
from .artwork import define_artwork
from .canvas import ShellCanvas, define_tiles, draw_element, patterns_of

__all__ = ["DocumentInfo", "FilledPage", "PrintOptions", "print_sequence", "static_shell", "write_pdf"]


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of the PDF document."""

    title: str
    author: str
    subject: str = ""
    creator: str = "certgen"


# The static part is drawn with ReportLab's module-wide settings changed (no
# ASCII85 for its streams), so drawing it is serialised; it happens once per issue.
_SHELL_LOCK = threading.Lock()

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
    shell: Any,
    certificates: Iterable[Sequence[FilledPage]],
    target: BinaryIO,
    info: DocumentInfo,
    options: PrintOptions | None = None,
    overlay: str | None = None,
) -> int:
    """Write one PDF holding every certificate, each on ``len(pages)`` pages.

    :param shell: the issue's static part (:func:`static_shell`), placed under the fields.
    :param certificates: per certificate, one :data:`FilledPage` per page.
    :param options: the print file's layout; by default each certificate's pages in turn.
    :param overlay: a word printed large across each face, over everything (SPECIMEN).
    :returns: the number of certificates written.
    """
    from .writer import write_print_file

    return write_print_file(pages, shell, certificates, target, info, options or PrintOptions(order="pages"), overlay)


def static_shell(pages: Sequence[Page], info: DocumentInfo) -> Any:
    """The issue's static part drawn once by ReportLab and kept encoded (:class:`~certgen.drawing.writer.StaticShell`).

    Each page's static elements become one Form XObject (their ornament tiles
    and artwork forms defined first, once); text is set in certgen's CID fonts.
    """
    from reportlab import rl_config

    from .writer import StaticShell

    buffer = io.BytesIO()
    with _SHELL_LOCK:
        a85 = rl_config.useA85
        rl_config.useA85 = 0  # binary streams: ASCII85 makes them a quarter larger, for 7-bit channels nobody uses
        try:
            c = _draw_shell(pages, info, buffer)
        finally:
            rl_config.useA85 = a85
    return StaticShell.build(pages, buffer.getvalue(), c.text_use)


def _draw_shell(pages: Sequence[Page], info: DocumentInfo, buffer: BinaryIO) -> ShellCanvas:
    c = ShellCanvas(buffer, pagesize=(pages[0].width, pages[0].height), invariant=1, pageCompression=1)
    c.setTitle(info.title)
    define_tiles(c, [p for page in pages for element in page.static for p in patterns_of(element)])
    for page in pages:  # the printer's artwork, once, before the forms that draw it
        for element in page.static:
            if isinstance(element, Artwork):
                define_artwork(c, load_artwork(element.src, element.page))
    for index, page in enumerate(pages):
        name = f"static{index}"
        c.beginForm(name, 0, 0, page.width, page.height)
        for element in page.static:
            draw_element(c, element)
        c.endForm()
    for index, page in enumerate(pages):
        c.setPageSize((page.width, page.height))
        c.doForm(f"static{index}")
        c.showPage()
    c.save()
    return c
