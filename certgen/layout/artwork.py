"""A page of an existing PDF (a security printer's engraved design), read for the layout.

pypdf reads the page and its crop box once per file, page and modification time; the layout
checks with it that the file is a readable PDF and has the page (its error naming the
template's line), and :mod:`certgen.drawing.artwork` copies it into the output as a Form XObject.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..errors import RenderError

__all__ = ["ArtworkPage", "load_artwork", "short_reason"]


class ArtworkPage:
    """One page of an artwork PDF, read once per issue."""

    def __init__(self, path: str, number: int) -> None:
        from pypdf import PdfReader  # only an issue with artwork needs pypdf (70 ms to import)

        try:
            reader = PdfReader(path)
            count = len(reader.pages)
            if 1 <= number <= count:
                page = reader.pages[number - 1]
                box = page.cropbox
                bbox = (float(box.left), float(box.bottom), float(box.right), float(box.top))
        except Exception as exc:  # pypdf raises several types for damaged files (RecursionError too)
            raise RenderError(
                f"artwork {Path(path).name!r} is not a readable PDF ({short_reason(exc)})"
            ) from None
        if not 1 <= number <= count:
            raise RenderError(f"artwork {Path(path).name!r} has {count} page(s), not a page {number}")
        self.path = path
        self.number = number
        self.page = page
        self.bbox = bbox
        digest = hashlib.sha256(f"{Path(path).name}|{number}".encode()).hexdigest()[:10]
        self.name = f"artwork{digest}"  # stable across runs: output stays byte-identical

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@lru_cache(maxsize=16)
def _load(path: str, number: int, mtime: float) -> ArtworkPage:
    return ArtworkPage(path, number)


def load_artwork(path: str, number: int = 1) -> ArtworkPage:
    """The artwork page (cached per file, page and modification time)."""
    return _load(path, number, Path(path).stat().st_mtime)


def short_reason(exc: BaseException) -> str:
    """An exception as a short phrase for a one-line message."""
    if isinstance(exc, RecursionError):
        return "objects nested too deeply"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
