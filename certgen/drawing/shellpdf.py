"""Read back the PDF ReportLab has just written for an issue's static part, without pypdf.

:class:`~certgen.drawing.writer.StaticShell` needs, from that file, each page's
resources, the objects its static forms reach and the forms' dictionaries: a
few dozen small dictionaries, in a file ReportLab wrote a moment before with
a one-section cross-reference table.  This module reads that subset of PDF
(dictionaries, arrays, names, numbers, strings, references, streams kept
encoded) and writes values back as PDF source.  pypdf would take longer to
import (some 50 ms) than the whole shell takes to draw; it is still what
reads a printer's artwork PDF (:mod:`certgen.layout.artwork`).

A value is written back in the one canonical form pypdf gives it (the shell's
bytes have always been those): ``<<`` and ``>>`` on lines of their own, a
real number with at most eight decimals and a leading zero, a name with the
characters it escapes, a string as ``(...)`` with every byte other than
letters, digits and space in octal, or as hex when it is no text.
"""

from __future__ import annotations

import codecs
import math
import re
from typing import Any, NamedTuple

from ..errors import RenderError

__all__ = ["Name", "PdfString", "Ref", "ShellPdf", "Stream", "pdf_source"]


class Name(str):
    """A name, as ``/`` and its characters (``#xx`` escapes decoded): ``Name("/Font")``."""

    __slots__ = ()


class PdfString(bytes):
    """A string's bytes (escapes decoded)."""

    __slots__ = ()


class Ref(NamedTuple):
    """An indirect reference: ``number generation R``."""

    number: int
    generation: int = 0


class Stream(NamedTuple):
    """A stream object: its dictionary and its data, still encoded."""

    dict: dict[str, Any]
    data: bytes


class ShellPdfError(RenderError):
    """The file is not in the subset of PDF this module reads (a bug: ReportLab wrote it)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"the static part drawn by ReportLab cannot be read back: {message}")


_SPACE = b" \t\n\r\x0c\x00"
_SKIP = re.compile(rb"(?:[ \t\n\r\x0c\x00]+|%[^\r\n]*)*")
_NAME_END = re.compile(rb"[\s()<>\[\]{}/%]")
_NUMBER = re.compile(rb"[+,\-.0-9]*")  # the characters pypdf takes into a number token
_REF = re.compile(rb"[+-]?(\d+)\s+(\d+)\s+R(?![a-zA-Z])")
_OBJ = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_ESCAPES = {
    ord("n"): 10,
    ord("r"): 13,
    ord("t"): 9,
    ord("b"): 8,
    ord("f"): 12,
    **{c: c for c in b"()/\\ %<>[]#_&$"},
}
_HEX = b"0123456789abcdefABCDEF"


class ShellPdf:
    """The objects of a PDF with a classic cross-reference table, read on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offsets: dict[int, int] = {}
        self._objects: dict[int, tuple[Any, int, int]] = {}
        start = data.rfind(b"startxref")
        if start < 0:
            raise ShellPdfError("no startxref")
        pos = int(data[start + 9 : start + 30].split()[0])
        if not data.startswith(b"xref", pos):
            raise ShellPdfError("no cross-reference table")
        pos += 4
        while True:
            pos = self._skip(pos)
            if data.startswith(b"trailer", pos):
                break
            first_text, count_text = data[pos : data.index(b"\n", pos)].split()[:2]
            first, count = int(first_text), int(count_text)
            pos = data.index(b"\n", pos) + 1
            for number in range(first, first + count):
                entry = _XREF_ENTRY.match(data, pos)
                if entry is None:
                    raise ShellPdfError(f"bad cross-reference entry at byte {pos}")
                if entry[3] == b"n":
                    self.offsets[number] = int(entry[1])
                pos = self._skip(entry.end())
        self.trailer, _ = self._value(pos + len(b"trailer"))

    # -- objects --------------------------------------------------------------------

    def get(self, number: int) -> Any:
        """Object *number* (a dictionary, a :class:`Stream`, ...)."""
        return self._object(number)[0]

    def source(self, number: int) -> bytes:
        """Object *number* as the file has it, between ``N 0 obj`` and ``endobj``."""
        _, start, end = self._object(number)
        return self.data[start:end].strip(b"\r\n")

    def resolve(self, value: Any) -> Any:
        """*value*, or the object it refers to."""
        return self.get(value.number) if isinstance(value, Ref) else value

    def pages(self) -> list[dict[str, Any]]:
        """The page dictionaries, in order."""
        found: list[dict[str, Any]] = []
        todo = [self.resolve(self.resolve(self.trailer["/Root"])["/Pages"])]
        while todo:
            node = todo.pop(0)
            if node.get("/Type") == "/Pages":
                todo[:0] = [self.resolve(kid) for kid in self.resolve(node["/Kids"])]
            else:
                found.append(node)
        return found

    def _object(self, number: int) -> tuple[Any, int, int]:
        if number not in self._objects:
            head = _OBJ.match(self.data, self.offsets[number])
            if head is None or int(head[1]) != number:
                raise ShellPdfError(f"object {number} is not where the cross-reference table says")
            value, pos = self._value(head.end())
            pos = self._skip(pos)
            if self.data.startswith(b"stream", pos):
                pos += 6
                while self.data[pos : pos + 1] == b" ":
                    pos += 1
                if self.data[pos : pos + 2] == b"\r\n":
                    pos += 2
                elif self.data[pos : pos + 1] in (b"\n", b"\r"):
                    pos += 1
                length = self.resolve(value["/Length"])
                value = Stream(
                    {k: v for k, v in value.items() if k != "/Length"}, self.data[pos : pos + length]
                )
                pos = self._skip(pos + length)
                if not self.data.startswith(b"endstream", pos):
                    raise ShellPdfError(f"object {number}: stream not ended after /Length bytes")
                pos = self._skip(pos + 9)
            if not self.data.startswith(b"endobj", pos):
                raise ShellPdfError(f"object {number} not ended by endobj")
            self._objects[number] = (value, head.end(), pos)
        return self._objects[number]

    # -- values ---------------------------------------------------------------------

    def _skip(self, pos: int) -> int:
        """The position of the next token after *pos* (white space and comments skipped)."""
        space = _SKIP.match(self.data, pos)
        return space.end() if space is not None else pos

    def _value(self, pos: int) -> tuple[Any, int]:
        data = self.data
        pos = self._skip(pos)
        c = data[pos : pos + 1]
        if c == b"/":
            delimiter = _NAME_END.search(data, pos + 1)
            stop = delimiter.start() if delimiter is not None else len(data)
            return _name(data[pos:stop]), stop
        if data.startswith(b"<<", pos):
            entries: dict[str, Any] = {}
            pos += 2
            while True:
                pos = self._skip(pos)
                if data.startswith(b">>", pos):
                    return entries, pos + 2
                key, pos = self._value(pos)
                if not isinstance(key, Name):
                    raise ShellPdfError(f"dictionary key at byte {pos} is not a name")
                value, pos = self._value(pos)
                entries.setdefault(key, value)  # pypdf keeps the first of a repeated key
        if c == b"[":
            items: list[Any] = []
            pos += 1
            while True:
                pos = self._skip(pos)
                if data[pos : pos + 1] == b"]":
                    return items, pos + 1
                item, pos = self._value(pos)
                items.append(item)
        if c == b"<":
            end = data.index(b">", pos)
            digits = bytes(b for b in data[pos + 1 : end] if b not in _SPACE)
            if any(b not in _HEX for b in digits):
                raise ShellPdfError(f"bad hexadecimal string at byte {pos}")
            return PdfString(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())), end + 1
        if c == b"(":
            return self._literal(pos + 1)
        for word, value in ((b"true", True), (b"false", False), (b"null", None)):
            if data.startswith(word, pos):
                return value, pos + len(word)
        ref = _REF.match(data, pos)
        if ref is not None:
            return Ref(int(ref[1]), int(ref[2])), ref.end()
        token = _NUMBER.match(data, pos)
        if token is None or not token[0]:
            raise ShellPdfError(f"unexpected {data[pos : pos + 10]!r} at byte {pos}")
        try:
            number: float = float(token[0]) if b"." in token[0] else int(token[0])
        except ValueError:
            number = 0  # pypdf's reading of a malformed number
        return number, token.end()

    def _literal(self, pos: int) -> tuple[PdfString, int]:
        """A literal string from just after its ``(``; decoded as pypdf decodes it."""
        data = self.data
        out = bytearray()
        depth = 1
        while True:
            if pos >= len(data):
                raise ShellPdfError("string not closed")
            c = data[pos]
            pos += 1
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    return PdfString(out), pos
            elif c == 0x5C:
                e = data[pos]
                pos += 1
                if e in _ESCAPES:
                    out.append(_ESCAPES[e])
                    continue
                if 0x30 <= e <= 0x37:
                    start = pos - 1
                    while pos < len(data) and pos - start < 3 and 0x30 <= data[pos] <= 0x37:
                        pos += 1
                    code = int(data[start:pos], 8)
                    if code > 255:  # pypdf keeps the backslash and reads the digits as text
                        out.append(0x5C)
                        pos = start
                    else:
                        out.append(code)
                    continue
                if e in (0x0A, 0x0D):  # an escaped line break: nothing
                    if pos < len(data) and data[pos] in (0x0A, 0x0D):
                        pos += 1
                    continue
                out.append(0x5C)
                c = e
            out.append(c)


def _name(raw: bytes) -> Name:
    """A name token (``/`` included), its ``#xx`` escapes decoded as pypdf decodes them."""
    if b"#" in raw:
        out = bytearray()
        i = 0
        while i < len(raw):
            if raw[i] == 0x23:
                try:
                    out.append(int(raw[i + 1 : i + 3], 16))
                    i += 3
                    continue
                except ValueError:
                    pass
            out.append(raw[i])
            i += 1
        raw = bytes(out)
    for charset in ("utf-8", "gbk", "latin-1"):
        try:
            return Name(raw.decode(charset))
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


# -- writing ---------------------------------------------------------------------------

_NAME_ESCAPES = {chr(c): f"#{c:02X}" for c in (*b"#()<>[]{}/%", *range(33))}
# The bytes PDFDocEncoding leaves undefined (pypdf's table): a string holding one is no text.
_NOT_PDFDOC = frozenset({0, 22, 127, 159, 173})
_STRING_PLAIN = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ")


def pdf_source(value: Any) -> str:
    """*value* as PDF source, as pypdf writes it."""
    if isinstance(value, Name):
        return "/" + "".join(
            "".join(f"#{b:02X}" for b in c.encode()) if c > "~" else _NAME_ESCAPES.get(c, c)
            for c in value[1:]
        )
    if isinstance(value, Ref):
        return f"{value.number} {value.generation} R"
    if isinstance(value, dict):
        return "<<\n" + "".join(f"{pdf_source(k)} {pdf_source(v)}\n" for k, v in value.items()) + ">>"
    if isinstance(value, list):
        return "[" + "".join(" " + pdf_source(v) for v in value) + " ]"
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == 0:
            return "0.0"
        decimals = max(1, 8 - int(math.log10(abs(value))))
        return f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    if isinstance(value, PdfString):
        if not _is_text(value):
            return "<" + value.hex() + ">"
        return "(" + "".join(chr(b) if b in _STRING_PLAIN else f"\\{b:03o}" for b in value) + ")"
    raise TypeError(f"no PDF source for {type(value).__name__}")


def _is_text(data: bytes) -> bool:
    """Whether pypdf reads *data* as a text string (written ``(...)``), not bytes (``<...>``)."""
    try:
        if data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
            data.decode("utf-16")
            return True
        if data.startswith(b"\x00"):
            data.decode("utf-16be")
            return True
        if data[1:2] == b"\x00":
            data.decode("utf-16le")
            return True
    except UnicodeDecodeError:
        return False
    if data.startswith(codecs.BOM_UTF8):
        try:
            data[3:].decode("utf-8")
            return True
        except UnicodeDecodeError:
            pass
    return not _NOT_PDFDOC.intersection(data)
