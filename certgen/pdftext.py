"""Text and glyph positions of a PDF, for the PDF rules.

pdfminer.six interprets each page (Form XObjects included) and reports every
glyph with its box; certgen keeps the text in content order (how legends are
written) and in reading order (lines top to bottom, for phrases whose parts
are drawn at different times, like a form's fixed words and its filled-in
fields).

Ornament (guilloche borders, rosettes) is drawn as paths in Form XObjects
placed many times; a form whose content has no text object (``BT``) and no
nested XObject cannot show text, so it is skipped instead of interpreted
at every placement.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["Glyph", "PageText", "inked", "producer", "read_pdf", "reading_text"]


@dataclass(frozen=True)
class Glyph:
    """One glyph: its text and its box in page coordinates (points)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    upright: bool
    #: Index of the text run (one BT…ET show operation) it belongs to.
    run: int
    #: Set inside ``/Artifact`` marked content (read only with ``read_pdf(artifacts=True)``).
    artifact: bool = False
    #: The text rendering mode (``Tr``): 3 is invisible, 7 adds to the clip only.
    mode: int = 0
    #: The colour it is painted in (the fill colour; the stroke colour for modes 1 and 5),
    #: as pdfminer gives it: a grey level, RGB or CMYK components; None when unknown.
    color: Any = None


@dataclass(frozen=True)
class PageText:
    """What one page of a PDF shows."""

    number: int
    width: float
    height: float
    x0: float
    y0: float
    glyphs: tuple[Glyph, ...]
    #: Text in content-stream order, runs separated by line breaks.
    text: str
    #: Text in reading order: lines top to bottom, left to right.
    reading: str


class PdfReadError(Exception):
    """The file is not a PDF pdfminer can read."""


def producer(source: bytes | str | PathLike[str]) -> str:
    """The program the document information names as having made the PDF (``/Producer``;
    certgen writes ``certgen``), or an empty string."""
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as handle:
            for info in PDFDocument(PDFParser(handle)).info:
                value = resolve1(info.get("Producer"))
                if isinstance(value, bytes):
                    return value.decode("latin-1")
    except Exception:  # an unreadable file is reported by read_pdf
        return ""
    return ""


def read_pdf(
    source: bytes | str | PathLike[str], *, microprint: bool = False, artifacts: bool = False
) -> list[PageText]:
    """Every page's glyphs and text; text marked as an artifact (certgen's microprint rules:
    thousands of glyphs under a point, the issuer's name repeated) only with *microprint*.

    With *artifacts*, artifact text is read too, each glyph marked (``Glyph.artifact``), and
    glyphs keep their rendering mode and colour: what :func:`inked` judges (``certgen
    verify`` reads a page so, to tell what is printed from what merely extracts).

    :raises PdfReadError: when the file cannot be opened or parsed.
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTPage
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import LITERAL_FORM, PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import stream_value
    from pdfminer.psparser import literal_name

    class TextOnly(PDFPageAggregator):
        artifact = False  # whether the text being shown is inside /Artifact marked content
        mode = 0
        marks: dict[int, tuple[bool, int, Any]] = {}  # id(LTChar) -> (artifact, mode, colour)

        def paint_path(self, *args: Any, **kwargs: Any) -> None:  # ornament: not text
            return None

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self.mode = int(getattr(textstate, "render", 0) or 0)
            super().render_string(textstate, seq, ncs, graphicstate)

        def render_char(self, *args: Any) -> float:
            advance = super().render_char(*args)
            if artifacts:
                graphicstate = args[-1]
                color = graphicstate.scolor if self.mode in (1, 5) else graphicstate.ncolor
                self.marks[id(self.cur_item._objs[-1])] = (self.artifact, self.mode, color)
            return advance

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            return None

    shows_text: dict[int, bool] = {}

    class Interpreter(PDFPageInterpreter):
        artifact = 0  # depth of /Artifact marked content around the current operator
        outer = 0  # the same around the Do that runs this (form) interpreter

        def do_BMC(self, tag: Any) -> None:
            if self.artifact or literal_name(tag) == "Artifact":
                self.artifact += 1
            super().do_BMC(tag)

        def do_BDC(self, tag: Any, props: Any) -> None:
            if self.artifact or literal_name(tag) == "Artifact":
                self.artifact += 1
            super().do_BDC(tag, props)

        def do_EMC(self) -> None:
            self.artifact = max(0, self.artifact - 1)
            super().do_EMC()

        def do_TJ(self, seq: Any) -> None:
            inside = bool(self.artifact or self.outer)
            if microprint or artifacts or not inside:
                device.artifact = inside
                super().do_TJ(seq)

        def do_Tj(self, s: Any) -> None:
            inside = bool(self.artifact or self.outer)
            if microprint or artifacts or not inside:
                device.artifact = inside
                super().do_Tj(s)

        def do_Do(self, xobjid_arg: Any) -> None:
            try:
                xobj = stream_value(self.xobjmap[literal_name(xobjid_arg)])
                key = id(xobj)
                if key not in shows_text:
                    data = xobj.get_data() if xobj.get("Subtype") is LITERAL_FORM else b"BT"
                    shows_text[key] = b"BT" in data or b"Do" in data
                if not shows_text[key]:
                    return  # no text object and no nested XObject: it cannot show text
            except Exception:  # let pdfminer report what it makes of a broken object
                pass
            super().do_Do(xobjid_arg)

        def subinterp(self) -> PDFPageInterpreter:
            inner = Interpreter(self.rsrcmgr, self.device)
            inner.outer = self.artifact + self.outer
            return inner

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
        manager = PDFResourceManager(caching=True)
        device = TextOnly(manager, laparams=None)
        interpreter = Interpreter(manager, device)
        pages: list[PageText] = []
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            interpreter.process_page(page)
            layout: LTPage = device.get_result()
            glyphs = _glyphs(layout, LTChar, device.marks)
            device.marks.clear()
            x0, y0, x1, y1 = page.mediabox
            pages.append(
                PageText(
                    number=number,
                    width=x1 - x0,
                    height=y1 - y0,
                    x0=x0,
                    y0=y0,
                    glyphs=tuple(glyphs),
                    text=_content_text(glyphs),
                    reading=reading_text(glyphs),
                )
            )
        return pages
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise PdfReadError(str(exc) or type(exc).__name__) from None


def _glyphs(layout: Any, char_type: type, marks: dict[int, tuple[bool, int, Any]]) -> list[Glyph]:
    """Every character of a laid-out page, in content order, numbered by text run."""
    glyphs: list[Glyph] = []
    run = 0
    pen: tuple[float, float] | None = None  # baseline and right edge of the previous glyph
    stack = [iter([layout])]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, char_type):
            char: Any = item
            a, b, c, d, e, f = char.matrix
            upright = abs(b) < 1e-6 and abs(c) < 1e-6 and a > 0 and d > 0
            baseline = round(f, 1)
            # A new run when the baseline changes or the pen jumps back or far ahead.
            if pen is None or baseline != pen[0] or e < pen[1] - 0.5 or e > pen[1] + 3 * char.size:
                run += 1
            pen = (baseline, char.x1)
            artifact, mode, color = marks.get(id(char), (False, 0, None))
            glyphs.append(
                Glyph(
                    char.get_text(),
                    char.x0,
                    char.y0,
                    char.x1,
                    char.y1,
                    char.size,
                    upright,
                    run,
                    artifact,
                    mode,
                    color,
                )
            )
        elif hasattr(item, "__iter__"):
            stack.append(iter(item))
    return glyphs


def inked(glyph: Glyph) -> bool:
    """Whether a glyph leaves ink: not invisible (rendering mode 3) or clip-only (7), and
    not painted in white.  (Whether something covers or clips it is for a raster to tell.)"""
    if glyph.mode in (3, 7):
        return False
    color = glyph.color
    if isinstance(color, (int, float)):
        components: tuple[float, ...] = (float(color),)
    elif isinstance(color, (tuple, list)) and color and all(isinstance(c, (int, float)) for c in color):
        components = tuple(float(c) for c in color)
    else:
        return True  # a pattern or an unknown space: let the raster judge
    if len(components) == 4:  # CMYK: white is no ink at all
        return max(components) > 0.05
    return min(components) < 0.95


def _content_text(glyphs: list[Glyph]) -> str:
    out: list[str] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if previous is not None:
            if glyph.run != previous.run:
                out.append("\n")
            elif (
                glyph.x0 - previous.x1 > 0.2 * glyph.size
                and not glyph.text.isspace()
                and not previous.text.isspace()
            ):
                out.append(" ")
        out.append(glyph.text)
        previous = glyph
    return "".join(out)


def reading_text(glyphs: list[Glyph]) -> str:
    """Lines by baseline (within a third of the size), top to bottom; words by gaps."""
    upright = [g for g in glyphs if g.upright]
    lines: list[list[Glyph]] = []
    for glyph in sorted(upright, key=lambda g: -g.y0):
        if lines and abs(lines[-1][0].y0 - glyph.y0) <= glyph.size / 3:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    text_lines = []
    for line in lines:
        line.sort(key=lambda g: g.x0)
        parts: list[str] = []
        previous: Glyph | None = None
        for glyph in line:
            if previous is not None and glyph.x0 - previous.x1 > 0.2 * glyph.size:
                parts.append(" ")
            parts.append(glyph.text)
            previous = glyph
        text_lines.append("".join(parts))
    return "\n".join(text_lines)
