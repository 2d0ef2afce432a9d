"""Text as PDF operators, in certgen's CID fonts: the one way certgen sets type.

Every run of text (the static text of an issue's pages, drawn once into its
Form XObjects, and the variable fields of each certificate) is written here as
content-stream operators naming a font by a fixed resource name (``/V1`` ...,
one per bundled face, :data:`~certgen.fonts.FONTS`).  Glyphs are encoded as
glyph ids (:mod:`certgen.drawing.cidfont`), so an operator string made once
stays valid in every document: the document only has to embed, under those
names, fonts holding the glyphs it used (:class:`TextUse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..fonts import FONTS
from ..resources import font_path
from .cidfont import FontProgram
from .cidfont import pdf_number as _n

__all__ = ["Face", "TextUse", "face", "show"]


@dataclass(frozen=True)
class Face:
    """A bundled face as documents name it: resource name and font program."""

    key: str
    resource: str
    program: FontProgram


@lru_cache(maxsize=None)
def face(key: str) -> Face:
    """The face named *key* in templates (parsed once per process)."""
    index = sorted(FONTS).index(key) + 1
    return Face(key, f"/V{index}", FontProgram.load(str(font_path(FONTS[key]))))


@dataclass
class TextUse:
    """The characters a document sets in each face (what its font subsets must hold)."""

    chars: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key: str, text: str) -> None:
        self.chars.setdefault(key, set()).update(text)

    def update(self, other: TextUse) -> None:
        for key, chars in other.chars.items():
            self.chars.setdefault(key, set()).update(chars)

    def text(self, key: str) -> str:
        """The face's characters, sorted (the same set gives the same subset)."""
        return "".join(sorted(self.chars.get(key, ())))


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
    f = face(key)
    use.add(key, text)
    program = f.program
    if word_space and " " in text:
        adjust = _n(-word_space * 1000 / size)
        words = text.split(" ")
        parts = [program.encode(word + " ") + " " + adjust for word in words[:-1]]
        parts.append(program.encode(words[-1]))
        shown = f"[{' '.join(parts)}] TJ"
    else:
        shown = f"{program.encode(text)} Tj"
    fill = "" if color is None else f"{_n(color[0])} {_n(color[1])} {_n(color[2])} rg "
    # Tc outlives BT/ET: set it every time.
    return f"BT {fill}{_n(tracking)} Tc {f.resource} {_n(size)} Tf 1 0 0 1 {_n(x)} {_n(y)} Tm {shown} ET"
