"""Fill a page's variable fields for one certificate: the per-certificate layout.

:func:`fill_field` substitutes the certificate's values into a field's
``{placeholders}``, picks the largest size at which the text fits the
field's box, and returns the lines to draw.  It is the only layout work done
per certificate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..errors import FitError, GlyphError, RenderError, describe_char
from ..fonts import FALLBACK, ascent_descent, face_for, face_name, missing_glyphs, unit_widths, unshaped
from .elements import Field, Line
from .fit import fit_lines, sizes_between, text_width

__all__ = ["PLACEHOLDER", "check_field", "fill_field", "fill_fields", "placeholders"]

#: A certificate value in a field's text: ``{registration}``.  Other braces print as they are.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_sizes = lru_cache(maxsize=256)(sizes_between)
_PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))


def fill_field(field: Field, values: Mapping[str, str], certificate: str | None = None) -> list[Line]:
    """Lines to draw for *field* on the certificate whose values are *values*.

    A field whose placeholders are all empty (the blank form) draws nothing.

    :raises FitError: when the text does not fit even at the field's minimum size.
    :raises RenderError: when a placeholder names a value the certificate lacks.
    """
    return _filler(field).fill(values, certificate)


def fill_fields(
    fields: Sequence[Field], values: Mapping[str, str], certificate: str | None = None
) -> list[tuple[int, list[Line]]]:
    """:func:`fill_field` for each of a page's *fields*: (index, lines) pairs, in order."""
    return [(index, filler.fill(values, certificate)) for index, filler in enumerate(_fillers(fields))]


class _Filler:
    """A field made ready for filling: its text split at its placeholders, and what one line at
    the field's own size needs (the usual case: a value that fits its box as it is), computed
    once.  A value that fits on one line at the template's size is measured once and placed,
    without trying sizes; any other goes through :func:`~certgen.layout.fit.fit_lines`, whose
    first try is the same test, so both give the same lines."""

    __slots__ = ("ascii", "baseline", "field", "limit", "literal", "names", "one", "parts", "size", "widths")

    def __init__(self, field: Field) -> None:
        self.field = field
        pieces = PLACEHOLDER.split(field.text)
        #: Literal text and placeholder names, alternating (literal first and last).
        self.parts = tuple(pieces)
        self.names = tuple(pieces[1::2])
        #: The field's whole text when it is one placeholder and nothing else.
        self.literal = len(pieces) == 3 and not pieces[0] and not pieces[2]
        self.size = _sizes(field.size, field.min_size)[0]
        size = self.size
        lead = size * field.leading
        #: One line fits the height at the first size (fit_lines' test for one line).
        self.one = field.kind != "qr" and (lead <= field.height + 1e-6 or size <= field.height)
        self.baseline = _first_baseline(field, field.font, size, 1)
        self.widths = unit_widths(field.font).__getitem__
        #: The face has every printable ASCII character (what missing_glyphs answers at once).
        self.ascii = not missing_glyphs(_PRINTABLE_ASCII, field.font)
        #: The widest a line may be to fit at the field's size.
        self.limit = field.width - 1e-3

    def substitute(self, values: Mapping[str, str], certificate: str | None) -> tuple[str, bool]:
        """The field's text with its placeholders replaced; and whether any value was non-empty."""
        name = ""
        try:
            if self.literal:
                name = self.names[0]
                text = values[name]
                return text, bool(text)
            parts = list(self.parts)
            filled = False
            for index in range(1, len(parts), 2):
                name = parts[index]
                value = values[name]
                filled = filled or bool(value)
                parts[index] = value
            return "".join(parts), filled
        except KeyError:
            raise RenderError(
                f"field {self.field.name!r} prints {{{name}}}, but the holder data has no column {name!r}: "
                "add the column or change the template",
                f"certificate {certificate}" if certificate else None,
            ) from None

    def fill(self, values: Mapping[str, str], certificate: str | None) -> list[Line]:
        text, filled = self.substitute(values, certificate)
        if not filled:
            return []
        field = self.field
        if field.kind == "qr":  # the symbol fills the box, whatever the text
            return [Line(field.x, field.y, text, field.width)]
        fits = self.as_is(text)
        if fits is not None:
            single, width = fits
            return [Line(_left(field, width), self.baseline, single, self.size)]
        return _place(field, _fit(field, text, certificate))

    def as_is(self, text: str) -> tuple[str, float] | None:
        """*text* on one line at the field's size, and its width, when it fits so (the first
        thing fit_lines tries, measured the same way); else None."""
        if not self.one or "\n" in text:
            return None
        field = self.field
        single = " ".join(text.split())
        if not (self.ascii and single.isascii() and single.isprintable()) and missing_glyphs(
            single, field.font
        ):
            return None  # another face, or none: fit_lines' way
        width = sum(map(self.widths, single)) * self.size  # string_width(single, font, 1.0) * size
        if single and field.tracking:
            width += field.tracking * (len(single) - 1)
        return (single, width) if width <= self.limit else None


def _left(field: Field, width: float) -> float:
    """Where a line *width* points wide begins in the field's box, as its ``align`` says."""
    if field.align == "left":
        return field.x
    if field.align == "right":
        return field.x + field.width - width
    return field.x + (field.width - width) / 2


def _first_baseline(field: Field, font: str, size: float, count: int) -> float:
    """The baseline of the first of *count* lines set in *font* at *size*, the block of lines
    placed in the field's box as its ``valign`` says."""
    lead = size * field.leading
    asc, desc = ascent_descent(font, size)
    block = count * lead
    if field.valign == "top":
        top = field.y + field.height
    elif field.valign == "bottom":
        top = field.y + block
    else:
        top = field.y + (field.height + block) / 2
    return top - (lead + asc + desc) / 2


def _place(field: Field, fitted: tuple[str, float, list[str]]) -> list[Line]:
    """The lines of a fitted text, placed in the field's box."""
    font, size, lines_text = fitted
    lead = size * field.leading
    baseline = _first_baseline(field, font, size, len(lines_text))
    out = []
    for index, line in enumerate(lines_text):
        width = text_width(line, font, size, field.tracking)
        out.append(
            Line(_left(field, width), baseline - index * lead, line, size, "" if font == field.font else font)
        )
    return out


#: Each field's filler, by the field's identity (a field is hashed by value, which costs more
#: than the fill itself); the field is kept with it, so its id is not reused meanwhile.
_FILLERS: dict[int, _Filler] = {}


def _filler(field: Field) -> _Filler:
    filler = _FILLERS.get(id(field))
    if filler is None or filler.field is not field:
        if len(_FILLERS) >= 4096:  # fields of issues prepared long ago
            _FILLERS.clear()
        filler = _FILLERS[id(field)] = _Filler(field)
    return filler


#: Each page's fillers, by the identity of its fields (see _FILLERS).
_PAGES: dict[int, tuple[Sequence[Field], tuple[_Filler, ...]]] = {}


def _fillers(fields: Sequence[Field]) -> tuple[_Filler, ...]:
    entry = _PAGES.get(id(fields))
    if entry is None or entry[0] is not fields:
        if len(_PAGES) >= 1024:
            _PAGES.clear()
        entry = _PAGES[id(fields)] = (fields, tuple(_filler(field) for field in fields))
    return entry[1]


def check_field(field: Field, values: Mapping[str, str], certificate: str | None = None) -> None:
    """Raise what :func:`fill_field` would raise, without placing the lines (for validation).
    A QR code always fits (its payload is made when it is printed)."""
    if field.kind == "qr":
        return
    filler = _filler(field)
    text, filled = filler.substitute(values, certificate)
    if filled and filler.as_is(text) is None:
        _fit(field, text, certificate)


def _fit(field: Field, text: str, certificate: str | None) -> tuple[str, float, list[str]]:
    fitted = _fit_cached(field, text)
    if isinstance(fitted, str):
        raise GlyphError(
            _unprintable(field, text, fitted), field=field.name, chars=fitted, certificate=certificate
        )
    if fitted is None:
        lines = "one line" if field.max_lines == 1 else f"{field.max_lines} lines"
        raise FitError(
            f"{text!r} does not fit its {field.width:.0f}x{field.height:.0f}pt box in {lines} "
            f"even at {field.min_size}pt: shorten it (use standard abbreviations) or use a "
            "template with a larger box",
            field=field.name,
            certificate=certificate,
        )
    font, size, lines_text = fitted
    return font, size, list(lines_text)


@lru_cache(maxsize=4096)
def _fit_cached(field: Field, text: str) -> tuple[str, float, tuple[str, ...]] | str | None:
    """The face, size and lines of a field's text (None when it does not fit; the characters no
    face has a glyph for, as a string, when it cannot be printed).  The same texts recur (dates,
    amounts, and each row is fitted twice: by validation, then to print)."""
    font, missing = face_for(field.font, text, field.fallback)
    if missing:
        return missing
    fitted = fit_lines(
        text,
        font,
        _sizes(field.size, field.min_size),
        field.width,
        field.height,
        field.max_lines,
        field.leading,
        field.tracking,
    )
    return None if fitted is None else (font, fitted[0], tuple(fitted[1]))


def _unprintable(field: Field, text: str, missing: str) -> str:
    faces = [field.font]
    while faces[-1] in FALLBACK:
        faces.append(FALLBACK[faces[-1]])
    faces.extend(field.fallback)
    names = " or ".join(dict.fromkeys(face_name(f) for f in faces))
    shown = ", ".join(describe_char(c) for c in missing[:4]) + (", ..." if len(missing) > 4 else "")
    han = any(unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) for c in missing)
    spec_font = "name a TrueType font (.ttf) that has them in the spec's fonts.fallback"
    if field.fallback and unshaped(text):
        fix = (
            "certgen sets one glyph per character, left to right, without shaping or right-to-left "
            f"reordering, so the spec's fonts.fallback cannot print {describe_char(unshaped(text)[0])}: "
            "give the name in Latin letters as it is to be inscribed"
        )
    elif field.fallback and all(any(not missing_glyphs(c, f) for f in faces) for c in missing):
        fix = (
            "each character is in one of these fonts, but none has them all, and a field is set in one face: "
            "name in the spec's fonts.fallback a TrueType font (.ttf) that also has the text's other letters "
            "and digits, or give the name in one script"
        )
    elif field.fallback:
        fix = f"the spec's fonts.fallback lacks them too: {spec_font}, or give the name in Latin letters as it is to be inscribed"
    elif han:
        fix = (
            "certgen's fonts print Latin (Vietnamese included), Greek and Cyrillic, not CJK: give the name in Latin "
            f"letters as it is to be inscribed, or {spec_font}"
        )
    elif any(unicodedata.category(c).startswith("C") for c in missing):
        fix = "remove the invisible or control character"
    elif unshaped(missing):  # right-to-left or shaped: no font of the spec's would set it right
        fix = "spell it with letters the fonts have (Latin, Greek or Cyrillic), or use a template whose field font has them"
    else:
        fix = (
            "spell it with letters the fonts have (Latin, Greek or Cyrillic), use a template whose field "
            f"font has them, or {spec_font}"
        )
    return f"{text[:60]!r}: no glyph for {shown} in {names} (it would print as an empty box): {fix}"


def placeholders(text: str) -> list[str]:
    """Names of the ``{placeholders}`` in a field's text."""
    return PLACEHOLDER.findall(text)
