"""Fill a page's variable fields for one certificate: the per-certificate layout.

:func:`fill_field` substitutes the certificate's values into a field's
``{placeholders}``, picks the largest size at which the text fits the
field's box, and returns the lines to draw.  It is the only layout work done
per certificate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from ..errors import FitError, GlyphError, RenderError, describe_char
from ..fonts import FALLBACK, ascent_descent, face_for, face_name, missing_glyphs, unshaped
from .elements import Field, Line
from .fit import fit_lines, sizes_between, text_width

__all__ = ["PLACEHOLDER", "check_field", "fill_field", "placeholders"]

#: A certificate value in a field's text: ``{registration}``.  Other braces print as they are.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_sizes = lru_cache(maxsize=256)(sizes_between)


def fill_field(field: Field, values: Mapping[str, str], certificate: str | None = None) -> list[Line]:
    """Lines to draw for *field* on the certificate whose values are *values*.

    A field whose placeholders are all empty (the blank form) draws nothing.

    :raises FitError: when the text does not fit even at the field's minimum size.
    :raises RenderError: when a placeholder names a value the certificate lacks.
    """
    text, filled = _substitute(field, values, certificate)
    if not filled:
        return []
    if field.kind == "qr":  # the symbol fills the box, whatever the text
        return [Line(field.x, field.y, text, field.width)]
    font, size, lines_text = _fit(field, text, certificate)
    lead = size * field.leading
    asc, desc = ascent_descent(font, size)
    block = len(lines_text) * lead
    if field.valign == "top":
        top = field.y + field.height
    elif field.valign == "bottom":
        top = field.y + block
    else:
        top = field.y + (field.height + block) / 2
    baseline = top - (lead + asc + desc) / 2
    out = []
    for index, line in enumerate(lines_text):
        width = text_width(line, font, size, field.tracking)
        if field.align == "left":
            x = field.x
        elif field.align == "right":
            x = field.x + field.width - width
        else:
            x = field.x + (field.width - width) / 2
        out.append(Line(x, baseline - index * lead, line, size, "" if font == field.font else font))
    return out


def check_field(field: Field, values: Mapping[str, str], certificate: str | None = None) -> None:
    """Raise what :func:`fill_field` would raise, without placing the lines (for validation).
    A QR code always fits (its payload is made when it is printed)."""
    if field.kind == "qr":
        return
    text, filled = _substitute(field, values, certificate)
    if filled:
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


def _substitute(field: Field, values: Mapping[str, str], certificate: str | None) -> tuple[str, bool]:
    """The field's text with its placeholders replaced; and whether any value was non-empty."""
    filled = False

    def value(match: re.Match[str]) -> str:
        nonlocal filled
        name = match.group(1)
        try:
            text = values[name]
        except KeyError:
            raise RenderError(
                f"field {field.name!r} prints {{{name}}}, but the holder data has no column {name!r}: "
                "add the column or change the template",
                f"certificate {certificate}" if certificate else None,
            ) from None
        filled = filled or bool(text)
        return text

    return PLACEHOLDER.sub(value, field.text), filled
