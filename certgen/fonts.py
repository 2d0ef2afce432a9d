"""The bundled fonts: text measurement, and registration with ReportLab where it draws text.

certgen ships open-licensed TrueType fonts in ``fonts/`` (licences beside
them) and embeds subsets of them in every PDF, so a certificate prints the
same everywhere.  Templates name fonts by the names in :data:`FONTS`.

Text is measured from the fonts' own advance widths
(:class:`~certgen.cidfont.FontProgram`, read once per process), in the glyphs
certgen sets: digits are tabular lining figures wherever a face has them (EB
Garamond's default figures are old-style; Old Standard's are lining already).
ReportLab draws text only in the calibration sheet and the hand-written
benchmark; it registers the fonts once per process, under a lock, when first
asked (:func:`ensure_fonts`), with the same figures.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .cidfont import FontProgram
from .resources import font_path

__all__ = ["FONTS", "ascent_descent", "ensure_fonts", "is_known", "string_width", "unit_widths"]

#: Font name used in templates -> file in ``fonts/``.
FONTS: dict[str, str] = {
    # EB Garamond: the text face (legends, body, forms).
    "garamond": "EBGaramond12-Regular.ttf",
    "garamond-italic": "EBGaramond12-Italic.ttf",
    "garamond-sc": "EBGaramondSC12-Regular.ttf",
    # Old Standard: a high-contrast 19th-century face for engraved titles.
    "oldstandard": "OldStandard-Regular.ttf",
    "oldstandard-italic": "OldStandard-Italic.ttf",
    "oldstandard-bold": "OldStandard-Bold.ttf",
}

_lock = threading.Lock()
_registered = False


def ensure_fonts() -> None:
    """Register every bundled font with ReportLab (once per process)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in FONTS.items():
            font = TTFont(name, str(font_path(filename)))
            _use_figures(font, _program(name))
            pdfmetrics.registerFont(font)
        _registered = True


def _use_figures(font: TTFont, program: FontProgram) -> None:
    """Have ReportLab set digits in the glyphs certgen's own fonts use (its tabular lining figures),
    at their widths: ReportLab maps characters by the font's character map alone."""
    face = font.face
    for code in range(0x30, 0x3A):
        gid = program.cmap.get(code)
        if gid and face.charToGlyph.get(code) != gid:
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = program.width(gid)


def is_known(name: str) -> bool:
    """True when *name* is one of the bundled fonts."""
    return name in FONTS


def string_width(text: str, font: str, size: float) -> float:
    """Width of *text* in points when set in *font* at *size* (advance widths, no kerning)."""
    return _unit_width(text, font) * size


def unit_widths(font: str) -> Mapping[str, float]:
    """Each character's advance width in ems in *font*: ``sum(map(widths.__getitem__, text))``
    is :func:`string_width` at size 1, without its cache (for texts measured once)."""
    return _program(font).char_widths


@lru_cache(maxsize=65536)
def _unit_width(text: str, font: str) -> float:
    return sum(map(_program(font).char_widths.__getitem__, text))


@lru_cache(maxsize=64)
def ascent_descent(font: str, size: float) -> tuple[float, float]:
    """Ascent (positive) and descent (negative) of *font* at *size*, in points."""
    program = _program(font)
    return program.ascent / program.units_per_em * size, program.descent / program.units_per_em * size


@cache
def _program(font: str) -> FontProgram:
    """The font's metrics and glyphs, read once per process (certgen's own reader: measuring
    text needs no ReportLab font registration)."""
    return FontProgram.load(str(font_path(FONTS[font])))
