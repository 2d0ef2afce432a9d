"""A page of an existing PDF (a security printer's engraved design) as a Form XObject.

pypdf reads the page; its content streams and the objects its resources
reach (fonts, images, colour spaces, nested forms) are copied, as they are,
into the ReportLab document being written, and the page becomes one named
Form XObject.  The static part of each certgen page draws it once per
document (``<artwork>``), scaled into its box: the design stays vector, is
stored once, and costs nothing per certificate.

Streams are copied still encoded (their /Filter kept), so images and fonts
are neither decoded nor re-compressed; objects shared inside the artwork
stay shared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import generic as pg
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from ..errors import RenderError
from ..layout.artwork import ArtworkPage, short_reason

__all__ = ["define_artwork"]


def define_artwork(c: Canvas, artwork: ArtworkPage) -> str:
    """Register *artwork* in the canvas's document as a Form XObject; return its form name.

    Must run before the form that draws it is begun (ReportLab forms do not nest).
    """
    doc = c._doc
    if doc.hasForm(artwork.name):
        return artwork.name
    copier = _Copier(doc, Path(artwork.path).name)
    page = artwork.page
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources")
        copied = copier.copy(resources) if resources is not None else pdfdoc.PDFDictionary()
    except RenderError:
        raise
    except (
        Exception
    ) as exc:  # a damaged or hostile file: objects nested past Python's recursion limit, bad streams
        raise RenderError(
            f"artwork {Path(artwork.path).name!r} is not a readable PDF ({short_reason(exc)})"
        ) from None
    form_dict = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("XObject"),
            "Subtype": pdfdoc.PDFName("Form"),
            "FormType": 1,
            "BBox": pdfdoc.PDFArray(list(artwork.bbox)),
            "Matrix": pdfdoc.PDFArray([1, 0, 0, 1, 0, 0]),
            "Resources": copied,
        }
    )
    stream = pdfdoc.PDFStream(form_dict, data, filters=[pdfdoc.PDFZCompress])
    doc.addForm(artwork.name, stream)
    return artwork.name


#: How deep an artwork's objects may nest (arrays and dictionaries within each other).  A
#: printer's design nests a few levels; ReportLab writes nested objects by recursion, and a
#: hostile file nested a few hundred deep would end the render in Python's recursion limit.
MAX_NESTING = 100


class _Copier:
    """Copies pypdf objects into a ReportLab document, keeping indirect objects shared."""

    def __init__(self, doc: Any, name: str) -> None:
        self.doc = doc
        self.name = name
        self.done: dict[tuple[int, int], Any] = {}

    def copy(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_NESTING:
            raise RenderError(
                f"artwork {self.name!r} nests its objects more than {MAX_NESTING} deep: "
                "give the printer's design as an ordinary PDF (print it to PDF again)"
            )
        depth += 1
        if isinstance(obj, pg.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key not in self.done:
                self.done[key] = None  # a cycle back to this object (e.g. /Parent) is dropped
                converted = self.copy(obj.get_object(), depth)
                self.done[key] = (
                    self.doc.Reference(converted) if isinstance(converted, pdfdoc.PDFObject) else converted
                )
            return self.done[key] if self.done[key] is not None else "null"
        if isinstance(obj, pg.StreamObject):
            entries = {str(k)[1:]: self.copy(v, depth) for k, v in obj.items() if k != "/Length"}
            raw = obj._data  # still encoded when /Filter is set: copied as it is
            filters = None if "/Filter" in obj else [pdfdoc.PDFZCompress]
            return pdfdoc.PDFStream(pdfdoc.PDFDictionary(entries), raw, filters=filters)
        if isinstance(obj, pg.DictionaryObject):
            return pdfdoc.PDFDictionary(
                {str(k)[1:]: self.copy(v, depth) for k, v in obj.items() if k != "/Parent"}
            )
        if isinstance(obj, pg.ArrayObject):
            return pdfdoc.PDFArray([self.copy(v, depth) for v in obj])
        if isinstance(obj, pg.NameObject):
            return pdfdoc.PDFName(str(obj)[1:])
        if isinstance(obj, pg.BooleanObject):
            return "true" if obj else "false"
        if isinstance(obj, pg.NullObject) or obj is None:
            return "null"
        if isinstance(obj, (pg.FloatObject, pg.NumberObject)):
            return float(obj) if isinstance(obj, pg.FloatObject) else int(obj)
        if isinstance(obj, (pg.ByteStringObject, pg.TextStringObject)):
            raw = obj.original_bytes  # the string as the file had it (a text string too)
            return pdfdoc.PDFString(raw, escape=1, enc="raw")
        raise RenderError(f"artwork: cannot copy a PDF object of type {type(obj).__name__}")
