"""Hand-written ReportLab: the speed reference for benchmarks/batch.py.

What a developer writes without certgen, for the same certificates: the
static page (certgen's design for the sample, drawn by certgen's element
painters, since the art is not what is measured) drawn once per file into a
Form XObject, and per certificate the form placed and the five variable
fields drawn with ``drawCentredString`` at their boxes' centres, at the
template's size: no fitting, no validation, no register.  And the floor for
one-PDF-per-certificate: a two-page PDF with one embedded font subset and
one line of text.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

import certgen
from certgen.drawing.canvas import define_tiles, draw_element, patterns_of
from certgen.drawing.document import field_groups, static_segments
from certgen.fonts import ensure_fonts

NAMES = [
    "María José García-López",
    "CEDE & CO.",
    "John S Brown Mary B Brown JT TEN",
    "First Fiduciary Trust Company of Baltimore, N.A., as Trustee of the Whitcombe Family Trust",
]


def _values(i: int) -> dict[str, str]:
    shares = (i * 7919) % 2_000_000 + 1
    return {
        "certificate_number": f"PB-{i:06d}",
        "registration": f"{NAMES[i % len(NAMES)]} {i}",
        "shares": f"{shares:,}",
        "shares_words": certgen.in_words(shares),
        "issue_date": "November 23, 2026",
    }


class _Document:
    def __init__(self, pages: tuple, target: str) -> None:  # type: ignore[type-arg]
        self.pages = pages
        c = Canvas(
            target,
            pagesize=(pages[0].width, pages[0].height),
            invariant=1,
            pageCompression=1,
            initialFontName="garamond",
        )
        runs = [static_segments(page) for page in pages]
        static = [element for page in runs for run in page for element in run]
        define_tiles(c, [p for element in static for p in patterns_of(element)])
        # The static page in the same runs as certgen's (a form each, the fields between them,
        # so the page reads in the same order).
        for index, (page, page_runs) in enumerate(zip(pages, runs, strict=True)):
            for part, run in enumerate(page_runs):
                c.beginForm(f"page{index}-{part}", 0, 0, page.width, page.height)
                for element in run:
                    draw_element(c, element)
                c.endForm()
        self.groups = [field_groups(page) for page in pages]
        self.c = c

    def certificate(self, values: dict[str, str]) -> None:
        c = self.c
        for index, page in enumerate(self.pages):
            for part, group in enumerate(self.groups[index]):
                c.doForm(f"page{index}-{part}")
                for i in group:
                    field = page.fields[i]
                    text = field.text.format_map(values)
                    c.setFont(field.font, field.size)
                    c.setFillColorRGB(*field.color)
                    c.drawCentredString(
                        field.x + field.width / 2, field.y + (field.height - field.size * 0.7) / 2, text
                    )
            c.showPage()

    def save(self) -> None:
        self.c.save()


def write_run(spec: Path, n: int, folder: Path, chunk: int = 500) -> None:
    """*n* certificates in files of *chunk*, as a batch run prints them."""
    ensure_fonts()
    pages = certgen.prepare(spec).pages
    for start in range(0, n, chunk):
        doc = _Document(pages, str(folder / f"reference-{start // chunk + 1:04d}.pdf"))
        for i in range(start + 1, min(start + chunk, n) + 1):
            doc.certificate(_values(i))
        doc.save()


def write_each(spec: Path, m: int, folder: Path) -> int:
    """One PDF per certificate; returns the bytes written."""
    ensure_fonts()
    pages = certgen.prepare(spec).pages
    total = 0
    for i in range(1, m + 1):
        path = folder / f"each-{i:06d}.pdf"
        doc = _Document(pages, str(path))
        doc.certificate(_values(i))
        doc.save()
        total += path.stat().st_size
    return total


def write_floor(m: int, folder: Path) -> int:
    """The floor: a two-page PDF, one embedded font subset, one line of text."""
    ensure_fonts()
    total = 0
    for i in range(1, m + 1):
        path = folder / f"floor-{i:06d}.pdf"
        c = Canvas(str(path), pagesize=(792, 612), invariant=1, pageCompression=1, initialFontName="garamond")
        c.setFont("garamond", 12)
        c.drawString(72, 500, f"Certificate PB-{i:06d}")
        c.showPage()
        c.showPage()
        c.save()
        total += path.stat().st_size
    return total


if __name__ == "__main__":  # a whole process, as benchmarks/whole.py times it
    import sys

    from specs import variant

    write_run(variant(art=True, qr=False), int(sys.argv[1]), Path(sys.argv[2]))
