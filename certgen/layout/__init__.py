"""Turn an expanded layout document (XML) into a laid-out :class:`Page`.

In: the XML a layout template expanded to (see docs/layout.md).  Out: a
:class:`~certgen.layout.elements.Page` whose static elements have absolute
positions, paragraphs broken into lines and shrunk to fit their boxes, and
whose fields are ready to be filled per certificate.

Errors are :class:`~certgen.errors.TemplateError` naming the template and
line (unknown element or attribute, bad length, unknown font) or
:class:`~certgen.errors.FitError` naming the element whose text does not fit.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..assets import check_image, check_pdf, confine
from ..errors import FitError, RenderError, TemplateError
from ..fonts import ascent_descent, is_known
from ..templating import LINE_MARK
from ..units import page_size, to_points
from .artwork import load_artwork
from .elements import (
    RGB,
    Artwork,
    Border,
    Box,
    Element,
    Field,
    FieldsHere,
    Ground,
    Image,
    Microprint,
    Page,
    Rosette,
    Rule,
    Seal,
    Signature,
    Text,
)
from .fields import placeholders
from .fit import break_lines, fit_lines, sizes_between, text_width

__all__ = ["layout_page", "without_art"]

_LINE = "{certgen}line"
_FILE = "{certgen}file"
BLACK: RGB = (0.0, 0.0, 0.0)


def layout_page(xml: str, *, template: str, base_dir: Path | None = None) -> Page:
    """Lay out one page from its expanded layout XML.

    :param template: the template's name, for messages.
    :param base_dir: folder that relative image paths are resolved against.
    """
    root = _parse(xml, template)
    if root.tag != "page":
        raise TemplateError(
            f"the root element must be <page>, not <{root.tag}>",
            template=_file(root, template),
            line=_line(root),
        )
    ctx = _Context(template, base_dir or Path.cwd())
    attrs = ctx.attrs(root, optional={"name": str, "paper": str, "orientation": str, "color": ctx.color})
    try:
        width, height = page_size(attrs.get("paper", "letter"), attrs.get("orientation", "portrait"))
    except ValueError as exc:
        raise ctx.error(root, str(exc)) from None
    ctx.default_color = attrs.get("color", BLACK)
    static: list[Element] = []
    fields: list[Field] = []
    for child in root:
        ctx.element(child, static, fields, dx=0.0, dy=0.0)
    for element in static:
        _check_on_page(element, width, height, template)
    names = [f.name for f in fields]
    for name in names:
        if names.count(name) > 1:
            raise TemplateError(f"two fields are named {name!r}: give each its own name", template=template)
    for element in static:
        if isinstance(element, FieldsHere):
            unknown = [name for name in element.names if name not in names]
            if unknown:
                raise TemplateError(
                    f"<fields-here> names {', '.join(map(repr, unknown))}, which the page has no field of",
                    template=template,
                )
    return Page(
        name=attrs.get("name", template),
        template=template,
        width=width,
        height=height,
        static=tuple(static),
        fields=tuple(fields),
    )


def _parse(xml: str, template: str) -> ET.Element:
    """Parse with expat directly, so every element knows its source line."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    builder = ET.TreeBuilder()

    # Where the element was written: the template's own file and line, from the line marks
    # the template loader puts in (certgen.templating.mark_lines); else the expanded XML's line.
    origin: list[str] = [template, ""]

    def mark(target: str, data: str) -> None:
        if target == LINE_MARK:
            name, _, number = data.rpartition(" ")
            origin[:] = [name, number]

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        element.set(_FILE, origin[0])
        element.set(_LINE, origin[1] or str(parser.CurrentLineNumber))

    parser.ProcessingInstructionHandler = mark
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code)
        raise TemplateError(
            f"the expanded layout is not well-formed XML ({message})", template=template, line=exc.lineno
        ) from None
    return builder.close()


def _line(element: ET.Element) -> int | None:
    value = element.get(_LINE)
    return int(value) if value else None


def _file(element: ET.Element, default: str) -> str:
    """The template file that wrote *element* (an included template's, for its elements)."""
    return element.get(_FILE) or default


def _text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


@dataclass
class _FlowItem:
    kind: str  # "para", "spacer", "block"
    element: ET.Element
    attrs: dict[str, Any]


class _Context:
    """Parses elements of one template, with its name for messages."""

    def __init__(self, template: str, base_dir: Path) -> None:
        self.template = template
        self.base_dir = base_dir
        self.default_color: RGB = BLACK

    # -- attribute parsing ------------------------------------------------

    def error(self, element: ET.Element, message: str) -> TemplateError:
        return TemplateError(
            f"<{element.tag}>: {message}", template=_file(element, self.template), line=_line(element)
        )

    def attrs(
        self,
        element: ET.Element,
        required: dict[str, Callable[[str], Any]] | None = None,
        optional: dict[str, Callable[[str], Any]] | None = None,
    ) -> dict[str, Any]:
        required = required or {}
        optional = optional or {}
        out: dict[str, Any] = {}
        for key, raw in element.attrib.items():
            if key in (_LINE, _FILE):
                continue
            parse = required.get(key) or optional.get(key)
            if parse is None:
                known = ", ".join(sorted({*required, *optional})) or "none"
                raise self.error(element, f"unknown attribute {key!r} (known: {known})")
            try:
                out[key] = parse(raw)
            except ValueError as exc:
                raise self.error(element, f"attribute {key}: {exc}") from None
        for key in required:
            if key not in out:
                raise self.error(element, f"attribute {key!r} is required")
        return out

    @staticmethod
    def color(value: str) -> RGB:
        text = value.strip()
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            raise ValueError(f"{value!r} is not a colour (use #rrggbb)")
        return (int(text[1:3], 16) / 255, int(text[3:5], 16) / 255, int(text[5:7], 16) / 255)

    @staticmethod
    def optional_color(value: str) -> RGB | None:
        return None if value.strip() == "none" else _Context.color(value)

    @staticmethod
    def font(value: str) -> str:
        if not is_known(value):
            from ..fonts import FONTS

            raise ValueError(f"unknown font {value!r} (bundled: {', '.join(FONTS)})")
        return value

    @staticmethod
    def choice(*options: str) -> Callable[[str], str]:
        def parse(value: str) -> str:
            if value not in options:
                raise ValueError(f"{value!r} is not one of {', '.join(options)}")
            return value

        return parse

    @staticmethod
    def number(value: str) -> float:
        return float(value)

    @staticmethod
    def density(value: str) -> float:
        number = float(value)
        if not 0.5 <= number <= 2.0:
            raise ValueError("density is 0.5 to 2 (1 is the default)")
        return number

    @staticmethod
    def integer(value: str) -> int:
        return int(value)

    def image_path(self, value: str) -> str:
        # In the spec's folder or an asset folder only (certgen.assets), and an image.
        path = confine(value, self.base_dir, "image file")
        check_image(path, value, "image file")
        return str(path)

    def pdf_path(self, value: str) -> str:
        path = confine(value, self.base_dir, "artwork file")
        check_pdf(path, value, "artwork file")
        return str(path)

    # -- elements -----------------------------------------------------------

    def element(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        handler = getattr(self, "_el_" + el.tag.replace("-", "_"), None)
        if handler is None:
            raise TemplateError(
                f"unknown element <{el.tag}> (see docs/layout.md for the vocabulary)",
                template=_file(el, self.template),
                line=_line(el),
            )
        handler(el, static, fields, dx, dy)

    def _text_attrs(self) -> dict[str, Callable[[str], Any]]:
        return {
            "font": self.font,
            "size": to_points,
            "color": self.color,
            "tracking": to_points,
            "name": str,
        }

    def _el_text(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points},
            optional={
                **self._text_attrs(),
                "align": self.choice("left", "center", "right"),
                "width": to_points,
                "min-size": to_points,
            },
        )
        text = _text_of(el)
        font = a.get("font", "garamond")
        size = a.get("size", 10.0)
        tracking = a.get("tracking", 0.0)
        if "width" in a:
            fitted = fit_lines(
                text, font, sizes_between(size, a.get("min-size", size)), a["width"], 1e9, 1, 1.0, tracking
            )
            if fitted is None or len(fitted[1]) > 1:
                raise FitError(
                    f"{text!r} does not fit {a['width']:.0f}pt even at {a.get('min-size', size)}pt: "
                    "shorten it, or lower min-size in the template",
                    field=a.get("name", "text"),
                    template=self.template,
                )
            size = fitted[0]
        if not text:
            return
        static.append(
            Text(
                x=a["x"] + dx,
                y=a["y"] + dy,
                text=text,
                font=font,
                size=size,
                color=a.get("color", self.default_color),
                align=a.get("align", "left"),
                tracking=tracking,
                width=text_width(text, font, size, tracking),
                role=a.get("name", ""),
            )
        )

    def _para_attrs(self) -> dict[str, Callable[[str], Any]]:
        return {
            **self._text_attrs(),
            "align": self.choice("justify", "left", "center", "right"),
            "leading": self.number,
            "indent": to_points,
            "space-after": to_points,
            "lead-in": str,
            "lead-in-font": self.font,
        }

    def _el_para(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "width": to_points, "height": to_points},
            optional={**self._para_attrs(), "min-size": to_points},
        )
        size = a.get("size", 10.0)
        sizes = sizes_between(size, a.get("min-size", size))
        for candidate in sizes:
            lines = self._para_lines(el, a, candidate)
            if lines is not None and _para_height(len(lines), candidate, a) <= a["height"] + 1e-6:
                break
        else:
            raise FitError(
                f"the paragraph does not fit its {a['width']:.0f}x{a['height']:.0f}pt box even at "
                f"{sizes[-1]}pt: shorten the text, or enlarge the box or lower min-size in the template",
                field=a.get("name", "para"),
                template=self.template,
            )
        static.extend(self._place_para(lines, a, candidate, a["x"] + dx, a["y"] + dy))

    def _para_lines(self, el: ET.Element, a: dict[str, Any], size: float) -> list[str] | None:
        font = a.get("font", "garamond")
        return break_lines(
            _text_of(el),
            font,
            size,
            a["width"] - a.get("indent", 0.0),
            a.get("tracking", 0.0),
            _lead_in_width(a, size),
        )

    def _place_para(
        self, lines: list[str], a: dict[str, Any], size: float, x: float, top: float
    ) -> list[Text]:
        font = a.get("font", "garamond")
        lead = size * a.get("leading", 1.2)
        asc, desc = ascent_descent(font, size)
        baseline = top - (lead + asc + desc) / 2
        align = a.get("align", "justify")
        tracking = a.get("tracking", 0.0)
        indent = a.get("indent", 0.0)
        width = a["width"] - indent
        out = []
        lead_in = a.get("lead-in", "")
        first = _lead_in_width(a, size)
        if lead_in:
            # The run-in heading, in its own face, before the first line (and read before it).
            lead_font = a.get("lead-in-font", font)
            out.append(
                Text(
                    x=x + indent,
                    y=baseline,
                    text=lead_in,
                    font=lead_font,
                    size=size,
                    color=a.get("color", self.default_color),
                    tracking=tracking,
                    width=text_width(lead_in, lead_font, size, tracking),
                    role=a.get("name", ""),
                )
            )
        for index, line in enumerate(lines):
            line_width = text_width(line, font, size, tracking)
            shift = first if index == 0 else 0.0
            word_space = 0.0
            if align == "justify" and index < len(lines) - 1 and line.count(" "):
                word_space = (width - shift - line_width) / line.count(" ")
            if align == "center":
                lx, text_align = x + indent + width / 2, "center"
            elif align == "right":
                lx, text_align = x + indent + width, "right"
            else:
                lx, text_align = x + indent + shift, "left"
            out.append(
                Text(
                    x=lx,
                    y=baseline - index * lead,
                    text=line,
                    font=font,
                    size=size,
                    color=a.get("color", self.default_color),
                    align=text_align,
                    tracking=tracking,
                    word_space=word_space,
                    width=line_width + word_space * line.count(" "),
                    role=a.get("name", ""),
                )
            )
        return out

    def _el_flow(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """A frame whose paragraphs, spacers and blocks stack downwards, shrunk to fit together."""
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "width": to_points, "height": to_points},
            optional={**self._para_attrs(), "min-size": to_points, "gap": to_points},
        )
        items = []
        for child in el:
            if child.tag == "para":
                # A paragraph may keep a floor of its own (min-size): the face's main lines stay
                # legible while the others shrink further.
                ca = self.attrs(child, optional={**self._para_attrs(), "min-size": to_points})
                items.append(
                    _FlowItem(
                        "para",
                        child,
                        {
                            **{
                                k: v
                                for k, v in a.items()
                                if k in self._para_attrs() and k != "name" and k != "space-after"
                            },
                            **ca,
                            "width": a["width"],
                        },
                    )
                )
            elif child.tag == "spacer":
                items.append(_FlowItem("spacer", child, self.attrs(child, required={"height": to_points})))
            elif child.tag == "block":
                items.append(
                    _FlowItem(
                        "block",
                        child,
                        self.attrs(
                            child,
                            required={"height": to_points},
                            optional={
                                "name": str,
                                "order": self.choice("drawn", "rows"),
                                "place": self.choice("flow", "page"),
                            },
                        ),
                    )
                )
                if items[-1].attrs.get("place") == "page" and items[-1].attrs["height"] != 0:
                    raise self.error(
                        child, 'a block placed on the page (place="page") takes no room: height="0"'
                    )
            else:
                raise self.error(child, "a <flow> holds only <para>, <spacer> and <block>")
        size = a.get("size", 10.0)
        sizes = sizes_between(size, a.get("min-size", size))
        gap = a.get("gap", 0.0)
        for candidate in sizes:
            scale = candidate / size
            plan = []
            total = 0.0
            ok = True
            for item in items:
                if item.kind == "para":
                    psize = max(item.attrs.get("size", size) * scale, item.attrs.get("min-size", 0.0))
                    lines = self._para_lines(item.element, item.attrs, psize)
                    if lines is None:
                        ok = False
                        break
                    height = (
                        _para_height(len(lines), psize, item.attrs)
                        + item.attrs.get("space-after", gap) * scale
                    )
                    plan.append((item, psize, lines, height))
                elif item.kind == "spacer":
                    height = item.attrs["height"] * scale
                    plan.append((item, 0.0, [], height))
                else:
                    height = item.attrs["height"]
                    plan.append((item, 0.0, [], height))
                total += height
            if ok and total <= a["height"] + 1e-6:
                break
        else:
            raise FitError(
                f"the text of this frame needs more than its {a['height']:.0f}pt height even at "
                f"{sizes[-1]}pt: shorten the legends, or lower min-size in the template",
                field=a.get("name", "flow"),
                template=self.template,
            )
        top = a["y"] + dy
        x = a["x"] + dx
        for item, psize, lines, height in plan:
            if item.kind == "para":
                static.extend(self._place_para(lines, item.attrs, psize, x, top))
            elif item.kind == "block":
                bottom = top - height
                drawn: list[Element] = []
                # place="page": its children keep their page positions; it only sets when they are
                # drawn, and so where their text is read (a header read after the title under it).
                ox, oy = (dx, dy) if item.attrs.get("place") == "page" else (x, bottom)
                known = len(fields)
                for child in item.element:
                    self.element(child, drawn, fields, dx=ox, dy=oy)
                if len(fields) > known:  # its fields are read where the block stands
                    drawn.append(FieldsHere(tuple(f.name for f in fields[known:])))
                if item.attrs.get("order") == "rows":
                    drawn = _in_rows(drawn)
                static.extend(drawn)
            top -= height

    def _el_fields_here(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """``<fields-here names="registration shares_words"/>``: the named fields are drawn, and
        so read, here: after the static elements before it, before those after it."""
        a = self.attrs(el, required={"names": str})
        names = tuple(a["names"].split())
        if not names:
            raise self.error(el, 'names the fields read here: names="registration"')
        static.append(FieldsHere(names))

    def _el_group(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """Its children, drawn where they stand; with ``order="rows"`` their text is read row by
        row, left to right (officers' conformed names, then their titles)."""
        a = self.attrs(el, optional={"order": self.choice("drawn", "rows"), "name": str})
        drawn: list[Element] = []
        for child in el:
            self.element(child, drawn, fields, dx=dx, dy=dy)
        static.extend(_in_rows(drawn) if a.get("order") == "rows" else drawn)

    def _el_choose(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """The first of its ``<option>`` layouts whose text fits.

        A template gives a page's usual arrangement first and roomier ones
        after (say, a taller legend frame with the body pushed down): the
        page takes the first option in which every paragraph and flow fits
        at or above its min-size.  When none fits, the last option's
        :class:`FitError` is raised: it is the roomiest, so its message says
        what is still too long.
        """
        options = list(el)
        if not options or any(child.tag != "option" for child in options):
            raise self.error(el, "a <choose> holds one or more <option> elements and nothing else")
        error: FitError | None = None
        for option in options:
            self.attrs(option, optional={"name": str})
            tried_static: list[Element] = []
            tried_fields: list[Field] = []
            try:
                for child in option:
                    self.element(child, tried_static, tried_fields, dx, dy)
            except FitError as exc:
                error = exc
                continue
            static.extend(tried_static)
            fields.extend(tried_fields)
            return
        assert error is not None
        raise error

    def _el_option(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        raise self.error(el, "an <option> belongs inside a <choose>")

    def _el_rule(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x1": to_points, "y1": to_points, "x2": to_points, "y2": to_points},
            optional={"width": to_points, "color": self.color, "dash": str},
        )
        try:
            dash = tuple(to_points(part) for part in a.get("dash", "").split())
        except ValueError as exc:
            raise self.error(el, f"attribute dash: {exc}") from None
        static.append(
            Rule(
                a["x1"] + dx,
                a["y1"] + dy,
                a["x2"] + dx,
                a["y2"] + dy,
                a.get("width", 0.5),
                a.get("color", self.default_color),
                dash,
            )
        )

    def _el_box(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "width": to_points, "height": to_points},
            optional={
                "stroke": self.optional_color,
                "fill": self.optional_color,
                "line-width": to_points,
                "radius": to_points,
            },
        )
        static.append(
            Box(
                a["x"] + dx,
                a["y"] + dy,
                a["width"],
                a["height"],
                a.get("stroke", self.default_color),
                a.get("fill"),
                a.get("line-width", 0.5),
                a.get("radius", 0.0),
            )
        )

    def _el_image(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={
                "src": self.image_path,
                "x": to_points,
                "y": to_points,
                "width": to_points,
                "height": to_points,
            },
        )
        static.append(Image(a["src"], a["x"] + dx, a["y"] + dy, a["width"], a["height"]))

    def _el_artwork(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={
                "src": self.pdf_path,
                "x": to_points,
                "y": to_points,
                "width": to_points,
                "height": to_points,
            },
            optional={"page": self.integer},
        )
        page = a.get("page", 1)
        try:
            load_artwork(a["src"], page)  # readable, and has that page: fail here, with the template line
        except RenderError as exc:
            raise self.error(el, exc.message) from None
        static.append(Artwork(a["src"], page, a["x"] + dx, a["y"] + dy, a["width"], a["height"]))

    def _el_border(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={
                "x": to_points,
                "y": to_points,
                "width": to_points,
                "height": to_points,
                "band": to_points,
            },
            optional={
                "color": self.color,
                "seed": self.integer,
                "line-width": to_points,
                "density": self.density,
            },
        )
        static.append(
            Border(
                a["x"] + dx,
                a["y"] + dy,
                a["width"],
                a["height"],
                a["band"],
                a.get("color", self.default_color),
                a.get("seed", 0),
                a.get("line-width", 0.3),
                a.get("density", 1.0),
            )
        )

    def _el_rosette(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"cx": to_points, "cy": to_points, "r": to_points},
            optional={
                "color": self.color,
                "seed": self.integer,
                "line-width": to_points,
                "density": self.density,
            },
        )
        static.append(
            Rosette(
                a["cx"] + dx,
                a["cy"] + dy,
                a["r"],
                a.get("color", self.default_color),
                a.get("seed", 0),
                a.get("line-width", 0.3),
                a.get("density", 1.0),
            )
        )

    def _el_ground(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "width": to_points, "height": to_points},
            optional={
                "color": self.color,
                "seed": self.integer,
                "line-width": to_points,
                "density": self.density,
                "radius": to_points,
            },
        )
        static.append(
            Ground(
                a["x"] + dx,
                a["y"] + dy,
                a["width"],
                a["height"],
                a.get("color", self.default_color),
                a.get("seed", 0),
                a.get("line-width", 0.2),
                a.get("density", 1.0),
                a.get("radius", 0.0),
            )
        )

    def _microprint_attrs(self, el: ET.Element, required: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
        a = self.attrs(
            el, required=required, optional={"size": to_points, "font": self.font, "color": self.color}
        )
        if not 0.3 <= a.get("size", 0.7) < 1.0:
            raise self.error(
                el,
                f"microprint size {a.get('size')}pt: give 0.3 to 0.99 points (it must stay under one point)",
            )
        a["text"] = " ".join(_text_of(el).split())
        if not a["text"]:
            raise self.error(el, f"<{el.tag}> needs a text to repeat, e.g. the issuer's name")
        return a

    def _el_microprint(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self._microprint_attrs(el, {"x1": to_points, "y1": to_points, "x2": to_points, "y2": to_points})
        static.append(
            Microprint(
                a["x1"] + dx,
                a["y1"] + dy,
                a["x2"] + dx,
                a["y2"] + dy,
                a["text"],
                a.get("size", 0.7),
                a.get("font", "garamond"),
                a.get("color", self.default_color),
            )
        )

    def _el_microprint_frame(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """Four microprint rules round a rectangle, reading clockwise from its bottom left, the
        letters' feet toward the inside."""
        a = self._microprint_attrs(
            el, {"x": to_points, "y": to_points, "width": to_points, "height": to_points}
        )
        x0, y0 = a["x"] + dx, a["y"] + dy
        x1, y1 = x0 + a["width"], y0 + a["height"]
        for start, end in (
            ((x0, y1), (x1, y1)),
            ((x1, y1), (x1, y0)),
            ((x1, y0), (x0, y0)),
            ((x0, y0), (x0, y1)),
        ):
            static.append(
                Microprint(
                    *start,
                    *end,
                    a["text"],
                    a.get("size", 0.7),
                    a.get("font", "garamond"),
                    a.get("color", self.default_color),
                )
            )

    def _el_qr(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        """The signed QR code (filled per certificate when the spec has a qr: section)."""
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "size": to_points},
            optional={"color": self.color, "name": str},
        )
        fields.append(
            Field(
                name=a.get("name", "qr"),
                x=a["x"] + dx,
                y=a["y"] + dy,
                width=a["size"],
                height=a["size"],
                text="{qr_payload}",
                font="garamond",
                size=1.0,
                min_size=1.0,
                color=a.get("color", self.default_color),
                kind="qr",
            )
        )

    def _el_seal(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"cx": to_points, "cy": to_points, "r": to_points, "text": str},
            optional={"color": self.color, "seed": self.integer, "font": self.font},
        )
        inner = []
        for child in el:
            if child.tag != "line":
                raise self.error(child, "a <seal> holds only <line> elements")
            self.attrs(child)
            inner.append(_text_of(child))
        static.append(
            Seal(
                a["cx"] + dx,
                a["cy"] + dy,
                a["r"],
                " ".join(a["text"].split()),
                tuple(inner),
                a.get("font", "oldstandard-bold"),
                a.get("color", self.default_color),
                a.get("seed", 0),
            )
        )

    def _el_signature(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"x": to_points, "y": to_points, "width": to_points, "title": str},
            optional={
                "font": self.font,
                "size": to_points,
                "color": self.color,
                "line-color": self.color,
                "image": self.image_path,
            },
        )
        static.append(
            Signature(
                a["x"] + dx,
                a["y"] + dy,
                a["width"],
                " ".join(a["title"].split()),
                a.get("font", "garamond-italic"),
                a.get("size", 9.0),
                a.get("color", self.default_color),
                a.get("line-color", a.get("color", self.default_color)),
                a.get("image"),
            )
        )

    def _el_field(
        self, el: ET.Element, static: list[Element], fields: list[Field], dx: float, dy: float
    ) -> None:
        a = self.attrs(
            el,
            required={"name": str, "x": to_points, "y": to_points, "width": to_points, "height": to_points},
            optional={
                "font": self.font,
                "size": to_points,
                "min-size": to_points,
                "color": self.color,
                "align": self.choice("left", "center", "right"),
                "valign": self.choice("top", "middle", "bottom"),
                "max-lines": self.integer,
                "leading": self.number,
                "tracking": to_points,
            },
        )
        text = "".join(el.itertext()).strip()
        if not placeholders(text):
            raise self.error(el, "a <field> needs at least one {placeholder}, e.g. {registration}")
        size = a.get("size", 10.0)
        fields.append(
            Field(
                name=a["name"],
                x=a["x"] + dx,
                y=a["y"] + dy,
                width=a["width"],
                height=a["height"],
                text=text,
                font=a.get("font", "garamond"),
                size=size,
                min_size=min(a.get("min-size", size), size),
                color=a.get("color", self.default_color),
                align=a.get("align", "center"),
                valign=a.get("valign", "middle"),
                max_lines=max(1, a.get("max-lines", 1)),
                leading=a.get("leading", 1.15),
                tracking=a.get("tracking", 0.0),
            )
        )


def _lead_in_width(a: dict[str, Any], size: float) -> float:
    """Room the first line leaves for a run-in heading (its width and a space)."""
    lead_in = a.get("lead-in", "")
    if not lead_in:
        return 0.0
    font = a.get("lead-in-font", a.get("font", "garamond"))
    return text_width(lead_in, font, size, a.get("tracking", 0.0)) + text_width(
        " ", a.get("font", "garamond"), size
    )


def _in_rows(elements: list[Element]) -> list[Element]:
    """The elements with the text in reading order, row by row (baselines within 3pt
    make a row), left to right; a table's text then reads as its rows do."""
    texts = sorted((e for e in elements if isinstance(e, Text)), key=lambda t: -t.y)
    rows: list[list[Text]] = []
    for text in texts:
        if rows and rows[-1][0].y - text.y <= 3.0:
            rows[-1].append(text)
        else:
            rows.append([text])
    ordered = [t for row in rows for t in sorted(row, key=lambda t: t.left)]
    marks = [e for e in elements if isinstance(e, FieldsHere)]
    return [e for e in elements if not isinstance(e, (Text, FieldsHere))] + ordered + marks


def _para_height(lines: int, size: float, attrs: dict[str, Any]) -> float:
    return float(lines * size * attrs.get("leading", 1.2))


def _check_on_page(element: Element, width: float, height: float, template: str) -> None:
    if not isinstance(element, Text):
        return
    left = element.left
    if left < -0.5 or left + element.width > width + 0.5 or element.y < 0 or element.y > height:
        raise TemplateError(
            f"the text {element.text[:40]!r} runs off the page (x {left:.0f} to {left + element.width:.0f}pt, "
            f"page {width:.0f}pt wide): move it or give it a width",
            template=template,
        )


def without_art(page: Page) -> Page:
    """The page with its security art left out (the spec's ``art.enabled: false``): a border
    becomes its two frame rules, a microprint rule a hairline; rosettes and grounds go (the
    seal stays, without its guilloche ground)."""
    static: list[Element] = []
    for element in page.static:
        if isinstance(element, Border):
            b = element
            static.append(Box(b.x, b.y, b.width, b.height, b.color, None, 1.6))
            static.append(
                Box(
                    b.x + b.band,
                    b.y + b.band,
                    b.width - 2 * b.band,
                    b.height - 2 * b.band,
                    b.color,
                    None,
                    1.0,
                )
            )
        elif isinstance(element, Microprint):
            m = element
            static.append(Rule(m.x1, m.y1, m.x2, m.y2, 0.4, m.color))
        elif isinstance(element, Seal):
            static.append(replace(element, ground=False))
        elif not isinstance(element, (Rosette, Ground)):
            static.append(element)
    return replace(page, static=tuple(static))
