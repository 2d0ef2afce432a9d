"""Print files written directly: the issue's static part encoded once, each page a few hundred bytes.

ReportLab draws the static part of an issue's pages (text, guilloche, seal,
artwork) into Form XObjects once: :class:`StaticShell` keeps the encoded
objects of that drawing as bytes.  A print file is then written here
without ReportLab: the shell's objects copied as they are (their object
numbers kept), and per certificate a page object and a compressed content
stream that places the static form and sets the variable fields, in
certgen's own CID fonts (:mod:`certgen.cidfont`) subset to the
characters the file prints.  Per certificate that is string formatting and
one ``zlib`` call, instead of ReportLab's object model and serialisation.

The output is deterministic (no dates; the file identifier is a digest of
the content), like ReportLab's invariant mode.
"""

from __future__ import annotations

import hashlib
import io
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO

from ..cidfont import FONT_OBJECTS, type0_objects
from ..cidfont import pdf_number as _n
from ..fonts import string_width
from ..layout.elements import Page
from ..layout.fieldmap import field_map
from .qr import qr_operators
from .textops import TextUse, _state, face, font_slots, sharing_face, show

if TYPE_CHECKING:
    from .shellpdf import ShellPdf, Stream

__all__ = [
    "FIELDS_KEY",
    "ORIGIN_KEY",
    "PAYLOAD_KEY",
    "StaticShell",
    "TextRun",
    "write_print_file",
    "write_text_page",
]

#: The key of the signed QR payload in a face page's dictionary, and in the document
#: information of a file that holds one certificate.
PAYLOAD_KEY = "CertgenPayload"
#: The key of the face's field map (:func:`certgen.layout.fieldmap.field_map`) in a face page's
#: dictionary, beside its payload: which boxes print which signed values.
FIELDS_KEY = "CertgenFields"
#: Where the field map's origin lies on a face page whose fields are moved (crop marks,
#: an overlay offset): ``[x y]`` in points; absent when it is the page's corner.
ORIGIN_KEY = "CertgenOrigin"


@dataclass(frozen=True)
class StaticShell:
    """The encoded static part of an issue's pages, ready to copy into any print file."""

    #: Object number → the object's bytes (between ``N 0 obj`` and ``endobj``).
    objects: dict[int, bytes]
    #: Per page: the name and object number of its static form (of each run of its static
    #: elements, when fields come between them: :func:`~certgen.drawing.document.static_segments`).
    forms: tuple[tuple[tuple[str, int], ...], ...]
    #: Per page: the field indices drawn after each run (:func:`~certgen.drawing.document.field_groups`).
    groups: tuple[tuple[tuple[int, ...], ...], ...]
    #: Per page: its resources dictionary as PDF source, without fonts.
    resources: tuple[str, ...]
    #: The characters the static text sets in each face.
    text: TextUse
    #: Object number of the fonts dictionary the forms name (``/V1`` ...): each file writes its own.
    fonts_object: int

    @staticmethod
    def build(pages: Sequence[Page], shell_pdf: bytes, text: TextUse) -> StaticShell:
        """The shell from a ReportLab PDF whose page *k* draws only the static form of page *k*
        and whose text was set by :func:`~certgen.drawing.textops.show` (using *text*)."""
        from .document import field_groups, segment_name, static_segments
        from .shellpdf import Ref, ShellPdf, Stream, pdf_source

        pdf = ShellPdf(shell_pdf)
        forms: list[tuple[tuple[str, int], ...]] = []
        resources: list[str] = []
        for index, page in enumerate(pdf.pages()):
            res = pdf.resolve(page["/Resources"])
            xobjects = pdf.resolve(res["/XObject"])
            names = [
                f"/FormXob.{segment_name(index, part)}" for part in range(len(static_segments(pages[index])))
            ]
            forms.append(tuple((name, xobjects[name].number) for name in names))
            resources.append(
                " ".join(
                    f"{key} {pdf_source(value)}"
                    for key, value in res.items()
                    if key not in ("/Font", "/ProcSet")  # fonts are added per file
                )
            )
        # Keep what the static forms use, but not ReportLab's fonts: the fonts dictionary
        # the forms name (ReportLab's, one for the document) is certgen's in every file.
        # (Artwork forms keep their own fonts.)
        fonts_object = 0
        if forms:
            form_fonts = pdf.resolve(pdf.get(forms[0][0][1]).dict["/Resources"]).get("/Font")
            if isinstance(form_fonts, Ref):
                fonts_object = form_fonts.number
        keep: set[int] = {fonts_object}
        todo: list[Any] = [Ref(number) for runs in forms for _, number in runs]
        while todo:
            item = todo.pop()
            if isinstance(item, Ref):
                if item.number in keep:
                    continue
                keep.add(item.number)
                item = pdf.get(item.number)
            if isinstance(item, Stream):  # what its dictionary refers to
                item = item.dict
            if isinstance(item, dict):
                todo.extend(item.values())
            elif isinstance(item, list):
                todo.extend(item)
        keep.discard(fonts_object)
        objects: dict[int, bytes] = {}
        for number in sorted(keep):
            compact = _compact_form(pdf, pdf.get(number), fonts_object)
            objects[number] = compact if compact is not None else pdf.source(number)
        if not fonts_object:
            fonts_object = max(objects, default=0) + 1
        groups = tuple(tuple(tuple(group) for group in field_groups(page)) for page in pages)
        return StaticShell(objects, tuple(forms), groups, tuple(resources), text, fonts_object)


def _compact_form(pdf: ShellPdf, obj: Any, fonts_object: int) -> bytes | None:
    """A Form XObject of the shell rewritten without what says nothing: the default
    ``/FormType`` and ``/Matrix``, the obsolete ``/ProcSet``, and the fonts of a form that
    sets no text (ReportLab gives every form all of them).  ``None`` for any other object.

    Each file carries every form of the issue, so their dictionaries are worth a few lines.
    *pdf* is the :class:`~certgen.drawing.shellpdf.ShellPdf` that holds *obj*.
    """
    from .shellpdf import Ref, Stream, pdf_source

    if not isinstance(obj, Stream) or pdf.resolve(obj.dict.get("/Subtype")) != "/Form":
        return None
    filters = pdf.resolve(obj.dict.get("/Filter"))
    if isinstance(filters, list):
        filters = filters[0] if len(filters) == 1 else None
    if filters != "/FlateDecode":
        return None
    sets_text = _sets_text(obj, pdf)
    parts = []
    for key, value in obj.dict.items():
        if key == "/FormType" and value == 1 and isinstance(value, (int, float)):
            continue
        if key == "/Filter":
            continue
        if key == "/Matrix" and _is_identity(pdf.resolve(value)):
            continue
        if key == "/Resources":
            value = {
                k: v
                for k, v in pdf.resolve(value).items()
                if k != "/ProcSet"
                and not (k == "/Font" and not sets_text and isinstance(v, Ref) and v.number == fonts_object)
            }
        parts.append(f"{key} {pdf_source(value)}")
    head = " ".join(parts) + f" /Filter /FlateDecode /Length {len(obj.data)}"
    return f"<< {head} >>\nstream\n".encode("latin-1") + obj.data + b"\nendstream"


def _is_identity(matrix: Any) -> bool:
    return (
        isinstance(matrix, list)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in matrix)
        and [float(v) for v in matrix] == [1, 0, 0, 1, 0, 0]
    )


def _sets_text(stream: Stream, pdf: ShellPdf) -> bool:
    """Whether a form's content selects a font (``Tf``).  Content that is not plain Flate
    (a predictor, never seen in a form's content; damaged data) is taken to set text:
    its form keeps its fonts."""
    parms = pdf.resolve(stream.dict.get("/DecodeParms"))
    if parms is not None and parms != [] and parms != {}:
        return True
    try:
        return b" Tf" in zlib.decompress(stream.data)
    except zlib.error:
        return True


class _Content:
    """One page's content stream, as PDF operators."""

    def __init__(self, use: TextUse) -> None:
        self.ops: list[str] = []
        self.use = use
        #: The signed payload of the certificate's QR code on this page, if it has one.
        self.payload: str | None = None

    def text(
        self,
        font: str,
        size: float,
        x: float,
        y: float,
        text: str,
        color: tuple[float, float, float],
        tracking: float,
    ) -> None:
        self.ops.append(show(self.use, font, size, x, y, text, color, tracking))


def _put_fonts(out: _PdfFile, use: TextUse, first: int) -> str:
    """Write the fonts *use* needs, one subset per face, and return the fonts dictionary naming them.

    Each face's objects have fixed numbers from *first* (``FONT_OBJECTS`` per face, in the
    order of :func:`~certgen.drawing.textops.font_slots`), so a face's encoded objects can be
    reused by the next file.
    """
    faces = font_slots(use)
    refs = []
    for key in sorted(use.chars):
        number = first + FONT_OBJECTS * faces.index(key)
        for n, body in sorted(_font_objects(key, use.text(key), number).items()):
            out.put(n, body)
        refs.append(f"{face(key).resource} {number} 0 R")
    return f"<< {' '.join(refs)} >>"


@lru_cache(maxsize=64)
def _font_objects(key: str, text: str, first: int) -> dict[int, bytes]:
    """A face's font objects for a file, cached: most files of an issue set the same characters."""
    return type0_objects(face(key).program, text, first)


#: A number as a PDF operand (:func:`~certgen.cidfont.pdf_number`), remembered: a field's
#: baseline, and often its left edge, are the same on every certificate.
_num = lru_cache(maxsize=8192)(_n)


def _draw_field(content: _Content, field: Any, lines: list[Any]) -> None:
    """One filled field's text (or its QR code) on the page's content."""
    if not lines:
        return
    if field.kind == "qr":
        content.ops.append(qr_operators(lines[0].text, lines[0].x, lines[0].y, lines[0].size, field.color))
        content.payload = lines[0].text
        return
    use, ops = content.use, content.ops
    for line in lines:
        # show(), with the field's state made once and its numbers remembered
        text = line.text
        key = sharing_face(line.font or field.font, text)
        f = face(key)
        use.add(key, text)
        ops.append(
            f"{_begin(field, f.resource, line.size)}{_num(line.x)} {_num(line.y)} Tm {f.program.encode(text)} Tj ET"
        )


#: (field's id, face, size) → (the field, its text object's opening operators).
_BEGIN: dict[tuple[int, str, float], tuple[Any, str]] = {}


def _begin(field: Any, resource: str, size: float) -> str:
    """``BT``, the field's colour, tracking and font, and the start of its text matrix."""
    entry = _BEGIN.get((id(field), resource, size))
    if entry is None or entry[0] is not field:
        if len(_BEGIN) >= 4096:
            _BEGIN.clear()
        entry = _BEGIN[id(field), resource, size] = (
            field,
            f"BT {_state(field.color, field.tracking, resource, size)} 1 0 0 1 ",
        )
    return entry[1]


def write_print_file(
    pages: Sequence[Page],
    shell: StaticShell,
    certificates: Iterable[Sequence[Sequence[tuple[int, list[Any]]]]],
    target: BinaryIO,
    info: Any,
    options: Any,
    overlay: str | None = None,
) -> int:
    """Write a PDF: the certificates' pages in the order *options* gives (see
    :class:`~certgen.drawing.PrintOptions`), the shell's static forms under the fields.

    Pages whose content is the same (every reverse that prints no field, the blank backs of
    duplex) share one content stream, written once per file; the content of a side without
    fields is compressed once per issue.

    :param overlay: a word printed large across each face, over everything (SPECIMEN).
    :returns: the number of certificates written.
    """
    from .document import BLEED, print_sequence

    batch = list(certificates)
    margin = BLEED if options.crop_marks else 0.0
    fields_only = options.fields_only
    use = TextUse()
    if not fields_only:
        use.update(shell.text)
    # What every page of a side begins with: crop marks and the placement of its content.
    crops = [_crop_marks(page.width, page.height, margin) + " " if margin else "" for page in pages]
    placed = f"q 1 0 0 1 {_n(margin + options.offset[0])} {_n(margin + options.offset[1])} cm"
    unplaced = f"q 1 0 0 1 {_n(margin)} {_n(margin)} cm"
    # Per page: (side, content operators, QR payload).
    contents: list[tuple[int, str, str | None]] = []
    for entry in print_sequence(len(batch), len(pages), options):
        side = 0 if entry is None else entry[1]
        page = pages[side]
        content = _Content(use)
        if entry is None:
            content.ops.append(crops[side] + unplaced)
            if options.banner and not contents:  # the banner page
                y = page.height - 90
                for index, line in enumerate(options.banner):
                    size = 18.0 if index == 0 else 11.0
                    content.text(
                        "oldstandard-bold" if index == 0 else "garamond", size, 72, y, line, (0, 0, 0), 0.0
                    )
                    y -= size * 1.6
        else:
            content.ops.append(crops[side] + placed)
            cert, side = entry
            runs = shell.forms[side]
            fields = page.fields
            if len(runs) == 1:  # every field after the static part: the usual page
                if not fields_only:
                    content.ops.append(f"{runs[0][0]} Do")
                for field_index, lines in batch[cert][side]:
                    _draw_field(content, fields[field_index], lines)
            else:  # fields read in place: each run of the static part, then the fields after it
                filled = dict(batch[cert][side])
                for (name, _), group in zip(runs, shell.groups[side], strict=True):
                    if not fields_only:
                        content.ops.append(f"{name} Do")
                    for field_index in group:
                        _draw_field(content, fields[field_index], filled.get(field_index, []))
            if overlay and side == 0:
                content.ops.append(_specimen(use, overlay, page.width, page.height))
        content.ops.append("Q")
        contents.append((side, " ".join(content.ops), content.payload))

    out = _PdfFile()
    static = {} if fields_only else shell.objects
    for number in sorted(static):
        out.put(number, static[number])
    first_font = max(max(shell.objects, default=0), shell.fonts_object) + 1
    out.put(shell.fonts_object, _put_fonts(out, use, first_font).encode())
    pages_number = first_font + FONT_OBJECTS * len(font_slots(use))
    # Each side's page dictionary up to its /Contents (the same for every certificate).
    heads = []
    for side, page in enumerate(pages):
        resources = [f"/Font {shell.fonts_object} 0 R"]
        if not fields_only and shell.resources[side]:
            resources.append(shell.resources[side])
        if overlay and side == 0:
            resources.append(f"/ExtGState << {_SPECIMEN_STATE} >>")
        box = f"[0 0 {_n(page.width + 2 * margin)} {_n(page.height + 2 * margin)}]"
        trim = (
            f" /TrimBox [{_n(margin)} {_n(margin)} {_n(margin + page.width)} {_n(margin + page.height)}]"
            if margin
            else ""
        )
        heads.append(
            f"<< /Type /Page /Parent {pages_number} 0 R /MediaBox {box}{trim} "
            f"/Resources << {' '.join(resources)} >> /Contents "
        )
    origin = (margin + options.offset[0], margin + options.offset[1])
    next_number = pages_number + 1
    kids: list[int] = []
    written: dict[str, int] = {}  # content → its stream's object number
    for side, ops, payload in contents:
        stream_number = written.get(ops)
        if stream_number is None:
            # A side that prints no field has the same content in every file of the issue.
            stream = (
                _constant_stream(ops) if not pages[side].fields else zlib.compress(ops.encode("latin-1"), 6)
            )
            out.put(
                next_number,
                f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
                + stream
                + b"\nendstream",
            )
            stream_number = written[ops] = next_number
            next_number += 1
        tail = ""
        if payload:
            page = pages[side]
            tail = f" /{PAYLOAD_KEY} {_pdf_text(payload)} /{FIELDS_KEY} {_pdf_text(_field_map(page.fields))}"
            if origin != (0, 0):  # crop marks or an overlay offset move the fields on the sheet
                tail += f" /{ORIGIN_KEY} [{_n(origin[0])} {_n(origin[1])}]"
        out.put(next_number, f"{heads[side]}{stream_number} 0 R{tail} >>".encode("latin-1"))
        kids.append(next_number)
        next_number += 1
    out.put(
        pages_number,
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode(),
    )
    catalog = next_number
    out.put(catalog, f"<< /Type /Catalog /Pages {pages_number} 0 R >>".encode())
    payloads = [payload for _, _, payload in contents if payload]
    out.put(catalog + 1, _info(info, payloads[0] if len(payloads) == 1 else None))
    out.finish(target, catalog + 2, root=catalog, info=catalog + 1)
    return len(batch)


@lru_cache(maxsize=16)
def _constant_stream(ops: str) -> bytes:
    """A page content that is the same in every file (a reverse without fields), compressed once."""
    return zlib.compress(ops.encode("latin-1"), 6)


@lru_cache(maxsize=16)
def _field_map(fields: tuple[Any, ...]) -> str:
    return field_map(fields)


@dataclass(frozen=True)
class TextRun:
    """A line of text on a plain page: face, size, position (points from the bottom left)."""

    font: str
    size: float
    x: float
    y: float
    text: str
    tracking: float = 0.0


def write_text_page(
    target: BinaryIO, width: float, height: float, runs: Sequence[TextRun], info: Any
) -> None:
    """A one-page PDF of lines of text in certgen's fonts (reports that go with a print run)."""
    use = TextUse()
    ops = " ".join(
        show(use, run.font, run.size, run.x, run.y, run.text, (0.0, 0.0, 0.0), run.tracking) for run in runs
    )
    out = _PdfFile()
    fonts = _put_fonts(out, use, 1)
    number = 1 + FONT_OBJECTS * len(font_slots(use))
    stream = zlib.compress(ops.encode("latin-1"), 6)
    out.put(
        number,
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
    )
    out.put(
        number + 1,
        (
            f"<< /Type /Page /Parent {number + 2} 0 R /MediaBox [0 0 {_n(width)} {_n(height)}] "
            f"/Resources << /Font {fonts} >> /Contents {number} 0 R >>"
        ).encode("latin-1"),
    )
    out.put(number + 2, f"<< /Type /Pages /Kids [{number + 1} 0 R] /Count 1 >>".encode())
    out.put(number + 3, f"<< /Type /Catalog /Pages {number + 2} 0 R >>".encode())
    out.put(number + 4, _info(info))
    out.finish(target, number + 5, root=number + 3, info=number + 4)


class _PdfFile:
    """A PDF 1.5+ file being written: streams in the file, every other object packed into
    compressed object streams, and a cross-reference stream (PDF 1.7 §7.5.7, §7.5.8).

    Dictionaries (fonts, pages) are a third of a small certificate file when
    written plainly, and mostly repetition; packed, they compress like the
    content streams do.
    """

    #: Objects per object stream (a reader decompresses a whole stream to reach one object).
    PACK = 400

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.offsets: dict[int, int] = {}
        self.packed: dict[int, bytes] = {}

    def put(self, number: int, body: bytes) -> None:
        """Object *number*: *body* is a stream (``... endstream``) or any other object."""
        if body.endswith(b"endstream"):
            self.offsets[number] = self.out.tell()
            self.out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        else:
            self.packed[number] = body

    def finish(self, target: BinaryIO, first_free: int, root: int, info: int) -> None:
        where: dict[int, tuple[int, int]] = {}  # packed object → (its object stream, index)
        numbers = sorted(self.packed)
        next_number = first_free
        for start in range(0, len(numbers), self.PACK):
            group = numbers[start : start + self.PACK]
            header, bodies, at = [], [], 0
            for index, number in enumerate(group):
                header.append(f"{number} {at}")
                bodies.append(self.packed[number])
                at += len(self.packed[number]) + 1
                where[number] = (next_number, index)
            head = " ".join(header).encode() + b"\n"
            data = zlib.compress(head + b"\n".join(bodies), 6)
            self.put(
                next_number,
                f"<< /Type /ObjStm /N {len(group)} /First {len(head)} /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
                + data
                + b"\nendstream",
            )
            next_number += 1
        xref = next_number
        self.offsets[xref] = self.out.tell()
        size = xref + 1
        wide = max(4, (self.offsets[xref].bit_length() + 7) // 8)  # bytes of an offset
        free = b"\0" + bytes(wide) + b"\xff\xff"
        rows = bytearray(free)  # object 0
        for number in range(1, size):
            if number in self.offsets:
                rows += b"\1" + self.offsets[number].to_bytes(wide, "big") + b"\0\0"
            elif number in where:
                stream, index = where[number]
                rows += b"\2" + stream.to_bytes(wide, "big") + index.to_bytes(2, "big")
            else:
                rows += free
        data = zlib.compress(bytes(rows), 6)
        digest = hashlib.md5(self.out.getbuffer(), usedforsecurity=False).hexdigest()
        self.out.write(
            f"{xref} 0 obj\n<< /Type /XRef /Size {size} /W [1 {wide} 2] /Root {root} 0 R /Info {info} 0 R "
            f"/ID [<{digest}> <{digest}>] /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
            + data
            + f"\nendstream\nendobj\nstartxref\n{self.offsets[xref]}\n%%EOF\n".encode()
        )
        target.write(self.out.getbuffer())


#: The specimen word's transparency: a quarter-strength fill, a firmer outline.
_SPECIMEN_STATE = "/Specimen << /Type /ExtGState /ca 0.22 /CA 0.6 >>"


def _specimen(use: TextUse, word: str, width: float, height: float) -> str:
    """*word* in large open capitals along the page's diagonal, translucent red, over the face."""
    angle = math.atan2(height, width)
    diagonal = math.hypot(width, height)
    font = "oldstandard-bold"
    size = min(0.62 * diagonal / max(string_width(word, font, 1.0), 1e-6), height * 0.3)
    cos, sin = math.cos(angle), math.sin(angle)
    return (
        f"q {_n(cos)} {_n(sin)} {_n(-sin)} {_n(cos)} {_n(width / 2)} {_n(height / 2)} cm "
        f"/Specimen gs 0.78 0.1 0.1 RG 1.2 w 2 Tr "
        + show(use, font, size, -string_width(word, font, size) / 2, -size * 0.35, word, (0.78, 0.1, 0.1))
        + " Q"
    )


def _crop_marks(width: float, height: float, margin: float) -> str:
    gap, length = 3.0, margin - 6.0
    ops = ["q 0 0 0 RG 0.25 w"]
    for x in (margin, margin + width):
        for y in (margin, margin + height):
            out_x = -1 if x == margin else 1
            out_y = -1 if y == margin else 1
            ops.append(f"{_n(x + out_x * gap)} {_n(y)} m {_n(x + out_x * (gap + length))} {_n(y)} l S")
            ops.append(f"{_n(x)} {_n(y + out_y * gap)} m {_n(x)} {_n(y + out_y * (gap + length))} l S")
    ops.append("Q")
    return " ".join(ops)


def _pdf_text(value: str) -> str:
    """A PDF text string: printable ASCII as a literal string, anything else as UTF-16BE
    with a byte order mark, in hex."""
    if value.isascii() and value.isprintable():
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _info(info: Any, payload: str | None = None) -> bytes:
    parts = [
        f"/Title {_pdf_text(info.title)}",
        f"/Author {_pdf_text(info.author)}",
        f"/Creator {_pdf_text(info.creator)}",
    ]
    if info.subject:
        parts.append(f"/Subject {_pdf_text(info.subject)}")
    if payload:
        parts.append(f"/{PAYLOAD_KEY} {_pdf_text(payload)}")
    parts.append(f"/Producer {_pdf_text('certgen')}")
    return ("<< " + " ".join(parts) + " >>").encode("ascii")
