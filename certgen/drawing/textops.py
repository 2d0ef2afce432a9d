"""Text as PDF operators, in certgen's CID fonts: the one way certgen sets type.

Every run of text (the static text of an issue's pages, drawn once into its
Form XObjects, and the variable fields of each certificate) is written here as
content-stream operators naming a font by a fixed resource name (``/V1`` ...,
one per bundled face, :data:`~certgen.fonts.FONTS`; ``/X`` and a digest for a face a spec
names, :func:`~certgen.fonts.register_face`).  Glyphs are encoded as
glyph ids (:mod:`certgen.cidfont`), so an operator string made once
stays valid in every document: the document only has to embed, under those
names, fonts holding the glyphs it used (:class:`TextUse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache, reduce
from operator import and_

from ..cidfont import FontProgram
from ..cidfont import pdf_number as _n
from ..fonts import EXTRA_PREFIX, FONTS, extra_program
from ..resources import font_path

__all__ = ["Face", "TextUse", "face", "font_slots", "sharing_face", "show", "show_each"]


@dataclass(frozen=True)
class Face:
    """A bundled face as documents name it: resource name and font program."""

    key: str
    resource: str
    program: FontProgram


@cache
def face(key: str) -> Face:
    """The face named *key* in templates (parsed once per process), or a face a spec names
    (its resource name made from the digest in its name: the same in every file and process)."""
    if key not in FONTS:
        return Face(key, "/X" + key.removeprefix(EXTRA_PREFIX), extra_program(key))
    index = sorted(FONTS).index(key) + 1
    return Face(key, f"/V{index}", FontProgram.load(str(font_path(FONTS[key]))))


def font_slots(use: TextUse) -> list[str]:
    """The faces a file's font objects are numbered by: every bundled face, in name order, then
    the faces of a spec's ``fonts.fallback`` that *use* sets, in name order (the same file's
    numbers, whatever else the process has printed)."""
    return sorted(FONTS) + sorted(key for key in use.chars if key not in FONTS)


@dataclass
class TextUse:
    """The characters a document sets in each face (what its font subsets must hold)."""

    chars: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key: str, text: str) -> None:
        chars = self.chars.get(key)
        if chars is None:
            chars = self.chars[key] = set()
        chars.update(text)

    def update(self, other: TextUse) -> None:
        for key, chars in other.chars.items():
            self.chars.setdefault(key, set()).update(chars)

    def text(self, key: str) -> str:
        """The face's characters, sorted (the same set gives the same subset)."""
        return "".join(sorted(self.chars.get(key, ())))


def _same_glyph(key: str, other: str, char: str) -> bool:
    a, b = face(key).program, face(other).program
    ga, gb = a.cmap.get(ord(char), 0), b.cmap.get(ord(char), 0)
    return (
        bool(ga and gb)
        and a.glyphs[ga] == b.glyphs[gb]
        and a.advances[ga] == b.advances[gb]
        and a.units_per_em == b.units_per_em
    )


def sharing_face(key: str, text: str) -> str:
    """The face to set *text* of face *key* in: the first face, in name order and before
    *key*, whose glyphs for every character of *text* are *key*'s own; else *key*."""
    earlier = _EARLIER.get(key, ())  # a spec's face shares no glyph
    if not earlier:
        return key
    mask = reduce(and_, map(_MASKS[key].__getitem__, text), (1 << len(earlier)) - 1)
    return earlier[(mask & -mask).bit_length() - 1] if mask else key


class _SameGlyphs(dict[str, int]):
    """Character → the earlier faces (bit *i*: the *i*-th in name order) whose glyph for it is
    the face's own; each character compared once, when first set."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def __missing__(self, char: str) -> int:
        mask = 0
        for bit, other in enumerate(_EARLIER[self.key]):
            if _same_glyph(self.key, other, char):
                mask |= 1 << bit
        self[char] = mask
        return mask


#: Each face → the faces before it in name order.
_EARLIER = {key: tuple(k for k in sorted(FONTS) if k < key) for key in FONTS}
_MASKS = {key: _SameGlyphs(key) for key in FONTS}


def show(
    use: TextUse,
    key: str,
    size: float,
    x: float,
    y: float,
    text: str,
    color: tuple[float, float, float] | None = None,
    tracking: float = 0.0,
    word_space: float = 0.0,
) -> str:
    """One run of text at (x, y) as operators; *color* None keeps the current fill colour.

    *tracking* is added after every glyph (``Tc``); *word_space* after every
    space.  (``Tw`` applies only to one-byte codes, so under Identity-H the
    spaces are widened by ``TJ`` adjustments.)
    """
    key = sharing_face(key, text)
    f = face(key)
    use.add(key, text)
    program = f.program
    if word_space and " " in text:
        # In thousandths of the type size: a tenth of one is 0.001 pt at 10 pt, finer than any press.
        adjust = _n(round(-word_space * 1000 / size, 1))
        words = text.split(" ")
        parts = [program.encode(word + " ") + " " + adjust for word in words[:-1]]
        parts.append(program.encode(words[-1]))
        shown = f"[{' '.join(parts)}] TJ"
    else:
        shown = f"{program.encode(text)} Tj"
    # Tc outlives BT/ET: set it every time.
    return f"BT {_state(color, tracking, f.resource, size)} 1 0 0 1 {_n(x)} {_n(y)} Tm {shown} ET"


@lru_cache(maxsize=1024)
def _state(color: tuple[float, float, float] | None, tracking: float, resource: str, size: float) -> str:
    """Fill colour, tracking and font as operators (a field's are the same for every certificate)."""
    fill = "" if color is None else f"{_n(color[0])} {_n(color[1])} {_n(color[2])} rg "
    return f"{fill}{_n(tracking)} Tc {resource} {_n(size)} Tf"


def show_each(use: TextUse, key: str, size: float, placed: list[tuple[tuple[float, ...], str]]) -> str:
    """Characters each placed by its own text matrix (letters round a seal's rim), as one
    text object in the current fill colour; *placed* is (``Tm`` matrix, character) pairs."""
    key = sharing_face(key, "".join(ch for _, ch in placed))
    f = face(key)
    parts = [f"BT 0 Tc {f.resource} {_n(size)} Tf"]
    for matrix, ch in placed:
        use.add(key, ch)
        parts.append(f"{' '.join(_n(v) for v in matrix)} Tm {f.program.encode(ch)} Tj")
    parts.append("ET")
    return " ".join(parts)
