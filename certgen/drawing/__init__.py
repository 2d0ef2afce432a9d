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
from typing import Any, BinaryIO

from ..layout.artwork import load_artwork
from ..layout.elements import Artwork, Page
from .canvas import ShellCanvas, define_tiles, draw_element, patterns_of
from .document import (
    BLEED,
    DocumentInfo,
    FilledPage,
    PrintOptions,
    print_sequence,
    segment_name,
    static_segments,
)

__all__ = [
    "BLEED",
    "DocumentInfo",
    "FilledPage",
    "PrintOptions",
    "print_sequence",
    "static_shell",
    "write_pdf",
]


# The static part is drawn with ReportLab's module-wide settings changed (no
# ASCII85 for its streams), so drawing it is serialised; it happens once per issue.
_SHELL_LOCK = threading.Lock()


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

    return write_print_file(
        pages, shell, certificates, target, info, options or PrintOptions(order="pages"), overlay
    )


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
        rl_config.useA85 = (
            0  # binary streams: ASCII85 makes them a quarter larger, for 7-bit channels nobody uses
        )
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
                from .artwork import define_artwork  # pypdf: only when there is artwork

                define_artwork(c, load_artwork(element.src, element.page))
    for index, page in enumerate(pages):
        for part, elements in enumerate(static_segments(page)):
            c.beginForm(segment_name(index, part), 0, 0, page.width, page.height)
            for element in elements:
                draw_element(c, element)
            c.endForm()
    for index, page in enumerate(pages):
        c.setPageSize((page.width, page.height))
        for part in range(len(static_segments(page))):
            c.doForm(segment_name(index, part))
        c.showPage()
    c.save()
    return c
