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

A spec may name further TrueType faces (``fonts.fallback``: a CJK face, say) for the characters no
bundled face has: :func:`register_face` reads one, under a name made from a digest of its bytes
(two specs in one process never clash, and the same font always has the same name), and
:func:`face_for` tries them, in order, after a field's bundled fallback faces.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .cidfont import FontProgram
from .resources import font_path

__all__ = [
    "EXTRA_PREFIX",
    "FALLBACK",
    "FONTS",
    "ascent_descent",
    "ensure_fonts",
    "extra_program",
    "face_for",
    "face_name",
    "is_known",
    "is_extra",
    "missing_glyphs",
    "register_face",
    "string_width",
    "unit_widths",
    "unshaped",
]

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

#: The face a field's text is set in when its own face lacks a glyph for one of its characters:
#: Old Standard has no Vietnamese letters (ễ, ơ, ư, ạ ...), EB Garamond has them.  The whole
#: field changes face (a word set in two faces reads badly), and only when the other face has
#: every character of the text.  Together the faces cover Latin (Vietnamese included), Greek
#: and Cyrillic; no bundled face has CJK ideographs.
FALLBACK: dict[str, str] = {
    "oldstandard": "garamond",
    "oldstandard-italic": "garamond-italic",
    "oldstandard-bold": "garamond",
    "garamond-italic": "garamond",
    "garamond-sc": "garamond",
}

_lock = threading.Lock()
_registered = False

#: Faces a spec names (``fonts.fallback``): name (``fallback-`` and a digest of the file) -> font.
_EXTRA: dict[str, FontProgram] = {}
#: The prefix of an extra face's name.
EXTRA_PREFIX = "fallback-"


def register_face(data: bytes) -> str:
    """Register the TrueType font *data* as an extra face and return its name, made from a
    digest of the bytes (the same font: the same name, in any process; registered once).

    :raises ValueError: when the font cannot be set by certgen (a CFF-flavoured OpenType font, a
        collection, no Unicode character map, damaged tables): the message says what it is.
    """
    name = EXTRA_PREFIX + hashlib.sha256(data).hexdigest()[:16]
    if name in _EXTRA:
        return name
    kind = data[:4]
    if kind == b"OTTO":
        raise ValueError(
            "is an OpenType font with CFF (PostScript) outlines, which certgen cannot embed: "
            "give a TrueType font (.ttf, glyf outlines)"
        )
    if kind == b"ttcf":
        raise ValueError("is a font collection (.ttc): give one TrueType face (.ttf) of it")
    if kind in (b"wOFF", b"wOF2"):
        raise ValueError("is a web font (WOFF): give the TrueType font (.ttf)")
    if kind not in (b"\0\1\0\0", b"true"):
        raise ValueError("is not a TrueType font: give a TrueType font (.ttf, glyf outlines)")
    try:
        program = FontProgram.parse(data)
        damage = program.glyphs.damage()
        if len(program.glyphs) != len(program.advances):
            damage = "its glyph locations are cut short"
        if damage:
            raise ValueError(damage)
        if not 16 <= program.units_per_em <= 16384:
            raise ValueError(f"its em is {program.units_per_em} units")
    except ValueError as exc:
        raise ValueError(f"is a damaged TrueType font ({exc}): give a sound copy of the font") from None
    except (struct.error, IndexError, KeyError, OverflowError, ZeroDivisionError):
        raise ValueError(
            "is a damaged TrueType font (its tables cannot be read): give a sound copy of the font"
        ) from None
    if not program.cmap:
        raise ValueError(
            "has no Unicode character map (cmap format 4 or 12): give a TrueType font with Unicode characters"
        )
    with _lock:
        _EXTRA.setdefault(name, program)
    return name


def is_extra(name: str) -> bool:
    """True when *name* is a face registered from a spec's ``fonts.fallback``."""
    return name in _EXTRA


def extra_program(name: str) -> FontProgram:
    """The font of a face registered by :func:`register_face`.

    :raises KeyError: when no such face is registered in this process."""
    return _EXTRA[name]


def face_name(name: str) -> str:
    """A face as people know it: ``Old Standard``, ``EB Garamond``, or an extra face's own name."""
    if name in _EXTRA:
        return _EXTRA[name].name
    return _FACE_NAMES.get(name.split("-")[0], name)


_FACE_NAMES = {"oldstandard": "Old Standard", "garamond": "EB Garamond"}


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


#: A text's width is asked for again for a word (JT, TEN, TRUSTEE) and a field's fixed text; a
#: holder's whole line is asked once.  8,192 of them keep the words a run repeats, and a long
#: run's memory stops growing within its first 20,000 certificates (65,536 took some 15 MB,
#: filled over 130,000 certificates, for no more hits).
@lru_cache(maxsize=8192)
def _unit_width(text: str, font: str) -> float:
    return sum(map(_program(font).char_widths.__getitem__, text))


def missing_glyphs(text: str, font: str) -> str:
    """The characters of *text* that *font* has no glyph for (each once, in order; line breaks
    are not characters to print)."""
    if text.isascii() and _ascii_covered(font):
        if text.isprintable():  # the usual value: letters, digits, spaces and punctuation
            return ""
        return "".join(dict.fromkeys(c for c in text if c < " " and c != "\n"))
    cmap = _program(font).cmap
    return "".join(dict.fromkeys(c for c in text if ord(c) not in cmap and c != "\n"))


@cache
def _ascii_covered(font: str) -> bool:
    cmap = _program(font).cmap
    return all(code in cmap for code in range(0x20, 0x7F))


def face_for(font: str, text: str, extra: Sequence[str] = ()) -> tuple[str, str]:
    """The face to set *text* in, for a field whose face is *font*: *font* itself when it has
    every glyph, else the first of its :data:`FALLBACK` faces that has them all, else the first
    of the *extra* faces (:func:`register_face`, a spec's ``fonts.fallback``) that has them all.
    Returns the face and the characters that cannot be printed (empty when the text prints whole):
    those no face has, or (rarely) those of *font* when each character is in some face but none
    has them all.

    An extra face sets only text that needs no shaping or reordering (:func:`unshaped`): certgen
    sets one glyph per character, left to right, which is right for CJK, not for Arabic or Thai.
    """
    missing = missing_glyphs(text, font)
    if not missing:
        return font, ""
    nowhere = missing
    other = FALLBACK.get(font)
    while other is not None:
        lacks = missing_glyphs(text, other)
        if not lacks:
            return other, ""
        nowhere = "".join(c for c in nowhere if c in lacks)
        other = FALLBACK.get(other)
    if extra and not unshaped(text):
        for face in extra:
            lacks = missing_glyphs(text, face)
            if not lacks:
                return face, ""
            nowhere = "".join(c for c in nowhere if c in lacks)
    return font, nowhere or missing


def unshaped(text: str) -> str:
    """The characters of *text* that one glyph per character, set left to right, cannot print
    right: combining marks (which a shaping engine places) and right-to-left letters (Hebrew,
    Arabic: which a bidirectional algorithm reorders)."""
    return "".join(
        dict.fromkeys(
            c
            for c in text
            if not c.isascii()
            and (unicodedata.category(c)[0] == "M" or unicodedata.bidirectional(c) in ("R", "AL", "AN"))
        )
    )


@lru_cache(maxsize=64)
def ascent_descent(font: str, size: float) -> tuple[float, float]:
    """Ascent (positive) and descent (negative) of *font* at *size*, in points."""
    program = _program(font)
    return program.ascent / program.units_per_em * size, program.descent / program.units_per_em * size


@cache
def _program(font: str) -> FontProgram:
    """The font's metrics and glyphs, read once per process (certgen's own reader: measuring
    text needs no ReportLab font registration)."""
    extra = _EXTRA.get(font)
    if extra is not None:
        return extra
    return FontProgram.load(str(font_path(FONTS[font])))
