"""Print files written directly: the issue's static part encoded once, each page a few hundred bytes.

ReportLab draws the static part of an issue's pages (text, guilloche, seal,
artwork) into Form XObjects once: :class:`StaticShell` keeps the encoded
objects of that drawing as bytes.  A print file is then written here
without ReportLab: the shell's objects copied as they are (their object
numbers kept), and per certificate a page object and a compressed content
stream that places the static form and sets the variable fields, in
certgen's own CID fonts (:mod:`certgen.drawing.cidfont`) subset to the
characters the file prints.  Per certificate that is string formatting and
one ``zlib`` call, instead of ReportLab's object model and serialisation.

The output is deterministic (no dates; the file identifier is a digest of
the content), like ReportLab's invariant mode.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..layout.elements import Page
from ..resources import font_path
from ..fonts import FONTS
from .cidfont import FontProgram, pdf_number as _n, type0_objects

__all__ = ["StaticShell", "write_print_file"]


@dataclass(frozen=True)
class StaticShell:
    """The encoded static part of an issue's pages, ready to copy into any print file."""

    #: Object number → the object's bytes (between ``N 0 obj`` and ``endobj``).
    objects: dict[int, bytes]
    #: Per page: the name and object number of its static form.
    forms: tuple[tuple[str, int], ...]
    #: Per page: its resources dictionary as PDF source, without the variable fonts.
    resources: tuple[str, ...]

    @staticmethod
    def build(pages: Sequence[Page], shell_pdf: bytes) -> StaticShell:
        """The shell from a ReportLab PDF whose page *k* draws only the static form of page *k*."""
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(shell_pdf))
        root = reader.trailer.raw_get("/Root")
        drop = {root.idnum, root.get_object().raw_get("/Pages").idnum}
        if "/Info" in reader.trailer:
            drop.add(reader.trailer.raw_get("/Info").idnum)
        forms: list[tuple[str, int]] = []
        resources: list[str] = []
        for page in reader.pages:
            drop.add(page.indirect_reference.idnum)
            contents = page.raw_get("/Contents")
            for ref in contents.get_object() if isinstance(contents.get_object(), list) else [contents]:
                drop.add(ref.idnum)
            res = page["/Resources"]
            name = f"/FormXob.static{len(forms)}"
            forms.append((name, res["/XObject"].raw_get(name).idnum))
            parts = []
            for key, value in res.items():
                if key in ("/Font", "/ProcSet"):
                    continue  # the shell's pages draw no text of their own; certgen's fonts are added per file
                buffer = io.BytesIO()
                value.write_to_stream(buffer)
                parts.append(f"{key} {buffer.getvalue().decode('latin-1')}")
            resources.append(" ".join(parts))
        objects: dict[int, bytes] = {}
        for number, offset in reader.xref[0].items():
            if number in drop or not offset:
                continue
            head = f"{number} 0 obj".encode()
            start = shell_pdf.index(head, offset) + len(head)
            end = shell_pdf.index(b"endobj", start)
            objects[number] = shell_pdf[start:end].strip(b"\r\n")
        return StaticShell(objects, tuple(forms), tuple(resources))


@dataclass(frozen=True)
class _Font:
    key: str
    resource: str
    program: FontProgram


def _fonts() -> dict[str, _Font]:
    return {
        key: _Font(key, f"/V{index}", FontProgram.load(str(font_path(filename))))
        for index, (key, filename) in enumerate(sorted(FONTS.items()), start=1)
    }


_FONTS: dict[str, _Font] | None = None


def _font(key: str) -> _Font:
    global _FONTS
    if _FONTS is None:
        _FONTS = _fonts()
    return _FONTS[key]


class _Content:
    """One page's content stream, as PDF operators."""

    def __init__(self) -> None:
        self.ops: list[str] = []
        self.fonts: set[str] = set()

    def text(self, font: str, size: float, x: float, y: float, text: str, color: tuple[float, float, float], tracking: float, used: dict[str, list[str]]) -> None:
        f = _font(font)
        self.fonts.add(font)
        used.setdefault(font, []).append(text)
        # Tc and Tw outlive BT/ET: set both every time.
        self.ops.append(
            f"BT {_n(color[0])} {_n(color[1])} {_n(color[2])} rg {_n(tracking)} Tc 0 Tw {f.resource} {_n(size)} Tf "
            f"1 0 0 1 {_n(x)} {_n(y)} Tm {f.program.encode(text).decode('ascii')} Tj ET"
        )


def write_print_file(
    pages: Sequence[Page],
    shell: StaticShell,
    certificates: Iterable[Sequence[Sequence[tuple[int, list[Any]]]]],
    target: BinaryIO,
    info: Any,
    options: Any,
) -> int:
    """Write a print file: the certificates' pages in the order *options* gives (see
    :class:`~certgen.drawing.PrintOptions`), the shell's static forms under the fields.

    :returns: the number of certificates written.
    """
    from . import BLEED, print_sequence

    batch = list(certificates)
    margin = BLEED if options.crop_marks else 0.0
    used: dict[str, list[str]] = {}
    contents: list[tuple[int, Page, _Content]] = []
    for entry in print_sequence(len(batch), len(pages), options):
        side = 0 if entry is None else entry[1]
        page = pages[side]
        content = _Content()
        if margin:
            content.ops.append(_crop_marks(page.width, page.height, margin))
        content.ops.append(f"q 1 0 0 1 {_n(margin + options.offset[0] if entry else margin)} {_n(margin + options.offset[1] if entry else margin)} cm")
        if entry is None:
            if options.banner and not contents:  # the banner page
                y = page.height - 90
                for index, line in enumerate(options.banner):
                    size = 18.0 if index == 0 else 11.0
                    content.text("oldstandard-bold" if index == 0 else "garamond", size, 72, y, line, (0, 0, 0), 0.0, used)
                    y -= size * 1.6
        else:
            cert, side = entry
            if not options.fields_only:
                content.ops.append(f"{shell.forms[side][0]} Do")
            for field_index, lines in batch[cert][side]:
                if not lines:
                    continue
                field = page.fields[field_index]
                for line in lines:
                    content.text(field.font, line.size, line.x, line.y, line.text, field.color, field.tracking, used)
        content.ops.append("Q")
        contents.append((side, page, content))

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def put(number: int, body: bytes) -> None:
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    static = {} if options.fields_only else shell.objects
    for number in sorted(static):
        put(number, static[number])
    next_number = max(shell.objects, default=0) + 1
    font_refs: dict[str, int] = {}
    for key in sorted(used):
        objects = type0_objects(_font(key).program, "".join(used[key]), next_number)
        font_refs[key] = next_number
        for number in sorted(objects):
            put(number, objects[number])
        next_number = max(objects) + 1
    pages_number = next_number
    next_number += 1
    kids: list[int] = []
    for side, page, content in contents:
        stream = zlib.compress(" ".join(content.ops).encode("latin-1"), 6)
        put(next_number, f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
        fonts = " ".join(f"{_font(k).resource} {font_refs[k]} 0 R" for k in sorted(content.fonts))
        resources = []
        if not options.fields_only and content.ops and shell.resources[side]:
            resources.append(shell.resources[side])
        if fonts:
            resources.append(f"/Font << {fonts} >>")
        box = f"[0 0 {_n(page.width + 2 * margin)} {_n(page.height + 2 * margin)}]"
        trim = f" /TrimBox [{_n(margin)} {_n(margin)} {_n(margin + page.width)} {_n(margin + page.height)}]" if margin else ""
        put(
            next_number + 1,
            (
                f"<< /Type /Page /Parent {pages_number} 0 R /MediaBox {box}{trim} "
                f"/Resources << {' '.join(resources)} >> /Contents {next_number} 0 R >>"
            ).encode("latin-1"),
        )
        kids.append(next_number + 1)
        next_number += 2
    put(pages_number, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    catalog = next_number
    put(catalog, f"<< /Type /Catalog /Pages {pages_number} 0 R >>".encode())
    info_number = catalog + 1
    put(info_number, _info(info))
    xref = out.tell()
    size = info_number + 1
    lines = [f"xref\n0 {size}\n0000000000 65535 f \n"]
    for number in range(1, size):
        lines.append(f"{offsets[number]:010d} 00000 n \n" if number in offsets else "0000000000 65535 f \n")
    out.write("".join(lines).encode("ascii"))
    digest = hashlib.md5(out.getbuffer(), usedforsecurity=False).hexdigest()
    out.write(
        f"trailer\n<< /Size {size} /Root {catalog} 0 R /Info {info_number} 0 R /ID [<{digest}> <{digest}>] >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode("ascii")
    )
    target.write(out.getbuffer())
    return len(batch)


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
    """A PDF text string: UTF-16BE with BOM, in hex (any character, no escaping)."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _info(info: Any) -> bytes:
    parts = [f"/Title {_pdf_text(info.title)}", f"/Author {_pdf_text(info.author)}", f"/Creator {_pdf_text(info.creator)}"]
    if info.subject:
        parts.append(f"/Subject {_pdf_text(info.subject)}")
    parts.append(f"/Producer {_pdf_text('certgen')}")
    return ("<< " + " ".join(parts) + " >>").encode("ascii")
