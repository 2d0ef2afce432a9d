"""The layout vocabulary: one frozen dataclass per element, in absolute points.

A laid-out page is a list of these, origin at the bottom-left corner of the
sheet as in PDF.  Static elements are drawn once per issue; :class:`Field`
elements are the variable part, filled per certificate.  docs/layout.md
describes the XML that produces them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Artwork",
    "Border",
    "Box",
    "Element",
    "Field",
    "Ground",
    "Image",
    "Line",
    "Microprint",
    "Page",
    "Rosette",
    "Rule",
    "Seal",
    "Signature",
    "Text",
]

RGB = tuple[float, float, float]


#: How far left of its x a line begins, in widths, by its alignment.
_ALIGN_SHIFT = {"left": 0.0, "center": 0.5, "right": 1.0}


@dataclass(frozen=True)
class Text:
    """One line of text with its baseline at (x, y).

    ``align`` is relative to x: ``left`` starts there, ``center`` centres on it,
    ``right`` ends there.  ``tracking`` is extra space after each letter.
    ``word_space`` widens the spaces of a justified line.
    """

    x: float
    y: float
    text: str
    font: str
    size: float
    color: RGB
    align: str = "left"
    tracking: float = 0.0
    word_space: float = 0.0
    #: Width the text occupies (measured at layout time).
    width: float = 0.0
    #: Name of the element for messages and validation, e.g. ``para:legend``.
    role: str = ""

    @property
    def left(self) -> float:
        """Where the line begins, whatever its alignment."""
        return self.x - self.width * _ALIGN_SHIFT.get(self.align, 0.0)


@dataclass(frozen=True)
class Rule:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: RGB
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Box:
    """A rectangle, stroked and/or filled, optionally with rounded corners."""

    x: float
    y: float
    width: float
    height: float
    stroke: RGB | None
    fill: RGB | None
    line_width: float = 0.5
    radius: float = 0.0


@dataclass(frozen=True)
class Image:
    """A raster image (seal, facsimile signature, logo) scaled into a box."""

    src: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Artwork:
    """A page of a PDF (the printer's engraved design) scaled into a box, kept as vector."""

    src: str
    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Border:
    """An ornamental guilloche band just inside the rectangle (x, y, width, height)."""

    x: float
    y: float
    width: float
    height: float
    band: float
    color: RGB
    seed: int
    line_width: float = 0.3
    #: Strands relative to the default (the spec's ``art.density``).
    density: float = 1.0


@dataclass(frozen=True)
class Rosette:
    """A guilloche rosette (vignette, seal ground) centred on (cx, cy)."""

    cx: float
    cy: float
    r: float
    color: RGB
    seed: int
    line_width: float = 0.3
    density: float = 1.0


@dataclass(frozen=True)
class Ground:
    """A fine guilloche ground (underprint) filling a rectangle, behind what is drawn after it."""

    x: float
    y: float
    width: float
    height: float
    color: RGB
    seed: int
    line_width: float = 0.2
    density: float = 1.0
    radius: float = 0.0


@dataclass(frozen=True)
class Microprint:
    """A rule made of text: *text* repeated along the line from (x1, y1) to (x2, y2) at *size*
    points (under one), its baseline on the line; legible under a loupe, a blur to a copier."""

    x1: float
    y1: float
    x2: float
    y2: float
    text: str
    size: float
    font: str
    color: RGB


@dataclass(frozen=True)
class Seal:
    """A corporate seal: rims, the text around the rim and centred inner lines."""

    cx: float
    cy: float
    r: float
    text: str
    inner: tuple[str, ...]
    font: str
    color: RGB
    seed: int
    #: A guilloche rosette under the inner lines (left out with the rest of the art).
    ground: bool = True


@dataclass(frozen=True)
class Signature:
    """A signature line: an optional facsimile image over a rule, the title beneath."""

    x: float
    y: float
    width: float
    title: str
    font: str
    size: float
    color: RGB
    line_color: RGB
    image: str | None = None


@dataclass(frozen=True)
class Field:
    """A variable text box, filled per certificate.

    ``text`` holds ``{placeholders}`` naming certificate values
    (``{registration}``, ``{shares}``...).  The text is wrapped into at most
    ``max_lines`` lines and shrunk from ``size`` down to ``min_size`` until it
    fits the box; past that the render fails naming the field.
    """

    name: str
    x: float
    y: float
    width: float
    height: float
    text: str
    font: str
    size: float
    min_size: float
    color: RGB
    align: str = "center"
    valign: str = "middle"
    max_lines: int = 1
    leading: float = 1.15
    tracking: float = 0.0
    #: ``text``, or ``qr``: the filled text is drawn as a QR code filling the (square) box.
    kind: str = "text"
    #: Faces a spec names (``fonts.fallback``, registered by :func:`~certgen.fonts.register_face`)
    #: for text that neither the field's face nor its bundled fallback faces can print.
    fallback: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One laid-out line of a field: text at a baseline with a size."""

    x: float
    y: float
    text: str
    size: float
    #: The face the line is set in when it is not the field's own (its fallback face, for
    #: characters the field's face lacks: :func:`~certgen.fonts.face_for`); "" for the field's.
    font: str = ""


@dataclass(frozen=True)
class FieldsHere:
    """Where, in the page's reading order, the fields named come: the static elements before it
    are drawn (and read) before those fields, the ones after it after them.  Without it a
    page's fields come after all of its static text."""

    names: tuple[str, ...]


Element = (
    Text
    | Rule
    | Box
    | Image
    | Artwork
    | Border
    | Rosette
    | Ground
    | Microprint
    | Seal
    | Signature
    | FieldsHere
)


@dataclass(frozen=True)
class Page:
    """A laid-out page: static elements (drawn once per issue) and fields."""

    name: str
    template: str
    width: float
    height: float
    static: tuple[Element, ...]
    fields: tuple[Field, ...]
