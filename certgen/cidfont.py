"""TrueType fonts embedded as CID fonts (Type0, Identity-H), subset per document in microseconds.

ReportLab subsets a TrueType font for each document by reading the font file
again and keeps the ``name`` table and hinting programs: about 22 KiB per
face per document, and a large share of writing a one-certificate PDF.  Here
a font is read once per process (:meth:`FontProgram.load`), each glyph
record taken, without its hinting instructions, when first used, and a
document's subset is assembled from the glyphs it uses:

- glyph ids are kept (``CIDToGIDMap /Identity``), so text is encoded as glyph
  ids, the same in every document: a content stream written once per issue
  stays valid whatever else a document prints;
- the subset holds only ``head``, ``hhea``, ``maxp``, ``hmtx``, ``loca`` and
  ``glyf`` (what a CIDFontType2 program needs, PDF 1.7 §9.9); unused glyphs
  are empty, which compresses to almost nothing;
- composite glyphs bring their components; ``.notdef`` is always kept;
- digits are the font's tabular lining figures where it has them (its OpenType
  ``lnum`` then ``tnum`` substitutions, read from ``GSUB``): EB Garamond's
  default figures are old-style, and identifiers, amounts and dates print in
  lining figures, each as wide as the others (:func:`_figures`).

Text extraction uses the ToUnicode CMap written beside the font
(:func:`to_unicode_cmap`).  Hinting matters little on a certificate printed at
600 dpi or more; its removal is what keeps the subset small.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate

__all__ = ["FONT_OBJECTS", "FontProgram", "pdf_number", "subset_tag", "to_unicode_cmap", "type0_objects"]

# Composite glyph flags (TrueType 'glyf').
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080
_WE_HAVE_INSTRUCTIONS = 0x0100

#: Characters a literal string escapes: its delimiters, the escape itself, CR (which a reader
#: would take for a line end and turn into LF), and the bytes ReportLab's stream encoding
#: (PDFDocEncoding) has no character for, written in octal (static text is drawn by ReportLab).
_LITERAL_ESCAPES = str.maketrans(
    {"\\": "\\\\", "(": "\\(", ")": "\\)", "\r": "\\r"}
    | {chr(b): f"\\{b:03o}" for b in (*range(24, 32), *range(128, 161))}
)

#: Fonts are big-endian; arrays of a little-endian machine are swapped to and from them.
_LITTLE = sys.byteorder == "little"


class _LiteralCodes(dict[int, str]):
    """Code point → the two escaped bytes of its glyph id, made when first asked for."""

    def __init__(self, cmap: dict[int, int]) -> None:
        super().__init__()
        self._cmap = cmap

    def __missing__(self, code: int) -> str:
        gid = self._cmap.get(code, 0)
        value = self[code] = (chr(gid >> 8) + chr(gid & 0xFF)).translate(_LITERAL_ESCAPES)
        return value


class _CharWidths(dict[str, float]):
    """Character → advance width in ems, made when first asked for."""

    def __init__(self, font: FontProgram) -> None:
        super().__init__()
        self._font = font

    def __missing__(self, char: str) -> float:
        font = self._font
        value = self[char] = font.advances[font.cmap.get(ord(char), 0)] / font.units_per_em
        return value


class GlyphTable:
    """A font's glyph records, each read (and its hinting removed) the first time it is asked for:
    a document uses a few dozen of a face's thousands of glyphs."""

    def __init__(self, glyf: bytes, offsets: list[int]) -> None:
        self._glyf = glyf
        self._offsets = offsets
        self._records: dict[int, tuple[bytes, tuple[int, ...]]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def damage(self) -> str:
        """What keeps some glyph from being read ("" when every glyph can be): its location
        (``loca``) falls back or past the end of ``glyf``."""
        offsets = self._offsets
        if any(b < a for a, b in zip(offsets, offsets[1:], strict=False)):
            return "its glyph locations go backwards"
        if offsets and offsets[-1] > len(self._glyf):
            return "its glyph table is cut short"
        return ""

    def __getitem__(self, gid: int) -> bytes:
        """The glyph's record without instructions, padded to 4 bytes (b"" for an empty glyph)."""
        return self.record(gid)[0]

    def record(self, gid: int) -> tuple[bytes, tuple[int, ...]]:
        """The glyph's record and its components (none unless composite)."""
        found = self._records.get(gid)
        if found is None:
            if not 0 <= gid < len(self):
                raise IndexError(gid)
            record, parts = _without_instructions(self._glyf[self._offsets[gid] : self._offsets[gid + 1]])
            found = self._records[gid] = (record + b"\0" * (-len(record) % 4), parts)
        return found


class _Components(Mapping[int, tuple[int, ...]]):
    """Glyph id → components, for the composite glyphs of a :class:`GlyphTable`."""

    def __init__(self, glyphs: GlyphTable) -> None:
        self._glyphs = glyphs

    def __getitem__(self, gid: int) -> tuple[int, ...]:
        parts = self._glyphs.record(gid)[1] if isinstance(gid, int) and 0 <= gid < len(self._glyphs) else ()
        if not parts:
            raise KeyError(gid)
        return parts

    def __iter__(self) -> Iterator[int]:
        return (gid for gid in range(len(self._glyphs)) if self._glyphs.record(gid)[1])

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True, eq=False)
class FontProgram:
    """One TrueType font, parsed once: what subsets and PDF font dictionaries are made of."""

    #: PostScript name, e.g. ``EBGaramond12-Regular``.
    name: str
    units_per_em: int
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float
    #: Unicode code point → the glyph certgen sets for it: the font's character map, but for the
    #: digits ``0``-``9``, which are its tabular lining figures where it has them (:func:`_figures`).
    cmap: dict[int, int]
    #: Advance width of each glyph, in font units.
    advances: tuple[int, ...]
    #: Left side bearing of each glyph, in font units.
    bearings: tuple[int, ...]
    #: Each glyph's 'glyf' record, instructions removed, padded to 4 bytes (b"" for an empty glyph).
    glyphs: GlyphTable
    #: Components of each composite glyph.
    components: Mapping[int, tuple[int, ...]]
    head: bytes
    hhea: bytes
    maxp: bytes

    @staticmethod
    @cache
    def load(path: str) -> FontProgram:
        """Parse the font at *path* (cached per process)."""
        with open(path, "rb") as handle:
            return FontProgram.parse(handle.read())

    @staticmethod
    def parse(data: bytes) -> FontProgram:
        """Parse a TrueType font file: the tables a CID font and text measurement need, read
        directly (a few milliseconds; glyph records are read when first used)."""
        raw = _tables(data)
        head, hhea, maxp = raw[b"head"], raw[b"hhea"], raw[b"maxp"]
        units = struct.unpack(">H", head[18:20])[0]
        bbox = struct.unpack(">4h", head[36:44])
        long_loca = struct.unpack(">h", head[50:52])[0] == 1
        count = struct.unpack(">H", maxp[4:6])[0]
        metrics = struct.unpack(">H", hhea[34:36])[0]
        loca = array("I" if long_loca else "H", raw[b"loca"][: (count + 1) * (4 if long_loca else 2)])
        if _LITTLE:  # little-endian machine: the font is big-endian
            loca.byteswap()
        offsets = [o if long_loca else o * 2 for o in loca]
        # hmtx: `metrics` (advance, bearing) pairs, then the bearings of the glyphs that
        # repeat the last advance.  Read as arrays (a glyph at a time was a third of the parse).
        hmtx = raw[b"hmtx"]
        long_metrics = min(metrics, count)
        unsigned = array("H", hmtx[: 4 * long_metrics])
        signed = array("h", hmtx[: 4 * long_metrics + 2 * (count - long_metrics)])
        if _LITTLE:
            unsigned.byteswap()
            signed.byteswap()
        advances = list(unsigned[0::2])
        advances.extend(advances[-1:] * (count - long_metrics))
        bearings = list(signed[1 : 2 * long_metrics : 2]) + list(signed[2 * long_metrics :])
        glyphs = GlyphTable(raw[b"glyf"], offsets)
        ascent, descent = struct.unpack(">hh", hhea[4:8])
        cap_height = 0
        os2 = raw.get(b"OS/2", b"")
        if len(os2) >= 72:
            ascent, descent = struct.unpack(">hh", os2[68:72])  # sTypoAscender, sTypoDescender
        if len(os2) >= 90 and struct.unpack(">H", os2[:2])[0] >= 2:
            (cap_height,) = struct.unpack(">h", os2[88:90])
        italic_angle = struct.unpack(">i", raw[b"post"][4:8])[0] / 65536
        name = _name(raw.get(b"name", b""), 6) or _name(raw.get(b"name", b""), 4) or "Font"
        cmap = {code: gid for code, gid in _cmap(raw[b"cmap"]).items() if 0 < gid < count}
        cmap.update(_figures(cmap, raw.get(b"GSUB", b""), count))
        return FontProgram(
            name="".join(ch for ch in name if ch.isalnum() or ch in "-_"),
            units_per_em=units,
            bbox=bbox,
            ascent=ascent,
            descent=descent,
            cap_height=cap_height or ascent,
            italic_angle=italic_angle,
            cmap=cmap,
            advances=tuple(advances),
            bearings=tuple(bearings),
            glyphs=glyphs,
            components=_Components(glyphs),
            head=head,
            hhea=hhea,
            maxp=maxp,
        )

    def glyph_ids(self, text: str) -> list[int]:
        """The glyph of each character (0, ``.notdef``, for a character the font lacks)."""
        cmap = self.cmap
        return [cmap.get(ord(ch), 0) for ch in text]

    def encode(self, text: str) -> str:
        """*text* as a PDF string operand under Identity-H: two bytes per glyph id, as a literal
        string of Latin-1 characters (write the content stream as Latin-1).

        Binary rather than hex: half the bytes, and it compresses better.
        """
        return "(" + text.translate(self.literal_codes) + ")"

    @cached_property
    def literal_codes(self) -> _LiteralCodes:
        """Character → its glyph id as two escaped Latin-1 characters (a :meth:`str.translate` table)."""
        return _LiteralCodes(self.cmap)

    @cached_property
    def char_widths(self) -> _CharWidths:
        """Character → advance width in ems (a mapping filled as characters are asked for)."""
        return _CharWidths(self)

    def width(self, gid: int) -> float:
        """Advance width of a glyph in PDF glyph space (1000 units per em)."""
        return self.advances[gid] * 1000 / self.units_per_em

    def closure(self, gids: Iterable[int]) -> set[int]:
        """The glyphs and, for composites, their components (recursively), with ``.notdef``."""
        keep = {0}
        todo = list(gids)
        while todo:
            gid = todo.pop()
            if gid in keep or gid >= len(self.glyphs):
                continue
            keep.add(gid)
            todo.extend(self.components.get(gid, ()))
        return keep

    def subset(self, gids: Iterable[int]) -> bytes:
        """A TrueType font program holding *gids* (and their components) at their own ids
        (the others empty; none after the last one kept).

        Deterministic: the same glyphs give the same bytes.
        """
        keep = self.closure(gids)
        count = max(keep) + 1  # the glyphs after the last one kept are left out altogether
        records = [self.glyphs[gid] if gid in keep else b"" for gid in range(count)]
        offsets = list(accumulate((len(r) for r in records), initial=0))
        short = offsets[-1] < 0x20000  # records are padded to 4 bytes: offsets / 2 fit in 16 bits
        loca = array("H", [o // 2 for o in offsets]) if short else array("I", offsets)
        hmtx = array("h", [0]) * (2 * count)
        for gid in keep:
            hmtx[2 * gid] = self.advances[gid] - 65536 if self.advances[gid] > 32767 else self.advances[gid]
            hmtx[2 * gid + 1] = self.bearings[gid]
        if _LITTLE:
            loca.byteswap()
            hmtx.byteswap()
        head = bytearray(self.head)
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 0 if short else 1)  # loca format
        hhea = bytearray(self.hhea)
        hhea[34:36] = struct.pack(">H", count)  # every glyph has its own advance
        maxp = bytearray(self.maxp)
        maxp[4:6] = struct.pack(">H", count)
        tables = {
            b"glyf": b"".join(records),
            b"head": bytes(head),
            b"hhea": bytes(hhea),
            b"hmtx": hmtx.tobytes(),
            b"loca": loca.tobytes(),
            b"maxp": bytes(maxp),
        }
        font, table_offsets = _sfnt(tables)
        adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
        at = table_offsets[b"head"] + 8
        return font[:at] + struct.pack(">I", adjustment) + font[at + 4 :]

    def widths_array(self, gids: Iterable[int]) -> str:
        """The CIDFont's ``/W`` array for *gids*: runs of consecutive ids share one entry."""
        parts: list[str] = []
        run: list[int] = []
        for gid in sorted(set(gids)):
            if run and gid != run[-1] + 1:
                parts.append(_w_entry(self, run))
                run = []
            run.append(gid)
        if run:
            parts.append(_w_entry(self, run))
        return "[" + " ".join(parts) + "]"


def _tables(data: bytes) -> dict[bytes, bytes]:
    """The tables of a TrueType file, by tag."""
    version, count = struct.unpack(">IH", data[:6])
    if version not in (0x00010000, 0x74727565):  # TrueType outlines ('true' on Apple)
        raise ValueError("not a TrueType font (glyf outlines)")
    tables = {}
    for index in range(count):
        tag, _checksum_, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag] = data[offset : offset + length]
    for tag in (b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf", b"cmap", b"post"):
        if tag not in tables:
            raise ValueError(f"the font has no {tag.decode()} table")
    return tables


#: Character map subtables in order of preference (platform, encoding), as fontTools' getBestCmap.
_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _cmap(table: bytes) -> dict[int, int]:
    """Unicode code point → glyph id, from the best Unicode subtable (format 4 or 12)."""
    (count,) = struct.unpack(">H", table[2:4])
    found: dict[tuple[int, int], int] = {}
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * index)
        found.setdefault((platform, encoding), offset)
    for key in _CMAP_PREFERENCE:
        offset = found.get(key)
        if offset is None:
            continue
        (fmt,) = struct.unpack_from(">H", table, offset)
        if fmt == 12:
            (groups,) = struct.unpack_from(">I", table, offset + 12)
            out: dict[int, int] = {}
            for group in range(groups):
                start, end, glyph = struct.unpack_from(">III", table, offset + 16 + 12 * group)
                for code in range(start, end + 1):
                    out[code] = glyph + code - start
            return out
        if fmt == 4:
            return _cmap_format4(table, offset)
    return {}


def _cmap_format4(table: bytes, offset: int) -> dict[int, int]:
    (segments,) = struct.unpack_from(">H", table, offset + 6)
    segments //= 2
    ends_at = offset + 14
    starts_at = ends_at + 2 * segments + 2
    deltas_at = starts_at + 2 * segments
    ranges_at = deltas_at + 2 * segments
    out: dict[int, int] = {}
    for seg in range(segments):
        (end,) = struct.unpack_from(">H", table, ends_at + 2 * seg)
        (start,) = struct.unpack_from(">H", table, starts_at + 2 * seg)
        (delta,) = struct.unpack_from(">h", table, deltas_at + 2 * seg)
        (range_offset,) = struct.unpack_from(">H", table, ranges_at + 2 * seg)
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                (glyph,) = struct.unpack_from(
                    ">H", table, ranges_at + 2 * seg + range_offset + 2 * (code - start)
                )
                if glyph:
                    glyph = (glyph + delta) & 0xFFFF
            out[code] = glyph
    return out


#: The OpenType features whose substitutions give the digits' glyphs, applied in this order:
#: lining figures, then their tabular (equal-width) forms.
_FIGURE_FEATURES = (b"lnum", b"tnum")


def _figures(cmap: dict[int, int], gsub: bytes, count: int) -> dict[int, int]:
    """The digits ``0``-``9`` → their tabular lining figures, for those a font's ``GSUB`` gives other
    glyphs than its character map does (:data:`_FIGURE_FEATURES`; none in a font without them).

    Lining figures stand on the baseline at cap height (``885218 10 7``, ``8.00%``), not the
    old-style figures of x-height with ascenders and descenders that are EB Garamond's default;
    tabular ones are each as wide as the others, so a number's width depends only on how many
    digits it has (a specimen's zero-filled number measures as any certificate's) and amounts in
    boxes and columns align, as Old Standard's digits (lining and tabular by default) do.
    """
    lookups = [lookup for feature in _FIGURE_FEATURES for lookup in _feature_lookups(gsub, feature)]
    out: dict[int, int] = {}
    for code in range(0x30, 0x3A):
        gid = cmap.get(code, 0)
        if not gid:
            continue
        for lookup in lookups:
            gid = lookup.get(gid, gid)
        if gid != cmap[code] and 0 < gid < count:
            out[code] = gid
    return out


def _feature_lookups(gsub: bytes, feature: bytes) -> list[dict[int, int]]:
    """The single substitutions (glyph → glyph) of each lookup of a ``GSUB`` *feature*, in lookup
    list order (the order they apply in): lookup type 1, or type 7 (extension) holding type 1.

    Every feature record of that tag counts (a font's scripts and languages share the figures).
    """
    if len(gsub) < 10:
        return []
    feature_list, lookup_list = struct.unpack_from(">HH", gsub, 6)
    (features,) = struct.unpack_from(">H", gsub, feature_list)
    indices: set[int] = set()
    for index in range(features):
        tag, offset = struct.unpack_from(">4sH", gsub, feature_list + 2 + 6 * index)
        if tag == feature:
            (n,) = struct.unpack_from(">H", gsub, feature_list + offset + 2)
            indices.update(struct.unpack_from(f">{n}H", gsub, feature_list + offset + 4))
    lookups: list[dict[int, int]] = []
    for index in sorted(indices):
        (offset,) = struct.unpack_from(">H", gsub, lookup_list + 2 + 2 * index)
        at = lookup_list + offset
        kind, _flags, subtables = struct.unpack_from(">HHH", gsub, at)
        mapping: dict[int, int] = {}
        for sub_index in range(subtables):
            (sub_offset,) = struct.unpack_from(">H", gsub, at + 6 + 2 * sub_index)
            sub, sub_kind = at + sub_offset, kind
            if kind == 7:  # extension: the real subtable is further on
                _format, sub_kind, extension = struct.unpack_from(">HHI", gsub, sub)
                sub += extension
            if sub_kind == 1:
                for glyph, new in _single_substitution(gsub, sub).items():
                    mapping.setdefault(glyph, new)  # the first subtable to cover a glyph applies
        lookups.append(mapping)
    return lookups


def _single_substitution(gsub: bytes, at: int) -> dict[int, int]:
    """Glyph → glyph of a single substitution subtable (format 1: a delta; format 2: a list)."""
    fmt, coverage = struct.unpack_from(">HH", gsub, at)
    glyphs = _coverage(gsub, at + coverage)
    if fmt == 1:
        (delta,) = struct.unpack_from(">h", gsub, at + 4)
        return {glyph: (glyph + delta) & 0xFFFF for glyph in glyphs}
    if fmt == 2:
        (n,) = struct.unpack_from(">H", gsub, at + 4)
        return dict(zip(glyphs, struct.unpack_from(f">{n}H", gsub, at + 6), strict=False))
    return {}


def _coverage(gsub: bytes, at: int) -> list[int]:
    """The glyphs of a coverage table, in coverage index order."""
    fmt, n = struct.unpack_from(">HH", gsub, at)
    if fmt == 1:
        return list(struct.unpack_from(f">{n}H", gsub, at + 4))
    glyphs: list[int] = []
    for index in range(n if fmt == 2 else 0):
        start, end, _first = struct.unpack_from(">HHH", gsub, at + 4 + 6 * index)
        glyphs.extend(range(start, end + 1))
    return glyphs


def _name(table: bytes, name_id: int) -> str:
    """A name of the font (6: PostScript name, 4: full name), from its Windows or Mac record."""
    if len(table) < 6:
        return ""
    count, storage = struct.unpack(">HH", table[2:6])
    for index in range(count):
        platform, encoding, _language, nid, length, offset = struct.unpack_from(">6H", table, 6 + 12 * index)
        if nid != name_id:
            continue
        raw = table[storage + offset : storage + offset + length]
        if platform == 3 or platform == 0:
            return raw.decode("utf-16-be", "replace")
        if platform == 1 and encoding == 0:
            return raw.decode("mac_roman", "replace")
    return ""


def _w_entry(font: FontProgram, run: list[int]) -> str:
    return f"{run[0]} [" + " ".join(pdf_number(font.width(g)) for g in run) + "]"


def pdf_number(value: float, digits: int = 3) -> str:
    """A number as a PDF operand: at most *digits* decimals, no trailing zeros (``12.5``, ``0``)."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _without_instructions(data: bytes) -> tuple[bytes, tuple[int, ...]]:
    """A glyph record without its hinting instructions, and its components if composite."""
    if len(data) < 10:
        return b"", ()
    (contours,) = struct.unpack(">h", data[:2])
    if contours >= 0:
        at = 10 + 2 * contours
        points = struct.unpack(">H", data[at - 2 : at])[0] + 1 if contours else 0
        (length,) = struct.unpack(">H", data[at : at + 2])
        rest = data[at + 2 + length :]
        return data[:at] + b"\0\0" + rest[: _outline_length(rest, points)], ()
    out = bytearray(data)
    parts: list[int] = []
    at = 10
    while True:
        flags, gid = struct.unpack(">HH", data[at : at + 4])
        parts.append(gid)
        flags_at = at
        at += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            at += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            at += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            at += 8
        if flags & _WE_HAVE_INSTRUCTIONS:
            out[flags_at : flags_at + 2] = struct.pack(">H", flags & ~_WE_HAVE_INSTRUCTIONS)
        if not flags & _MORE_COMPONENTS:
            break
    return bytes(out[:at]), tuple(parts)


def _outline_length(data: bytes, points: int) -> int:
    """Bytes of a simple glyph's flags and coordinates (what follows its instructions), padding excluded."""
    at = 0
    x_bytes = y_bytes = 0
    seen = 0
    while seen < points:
        flag = data[at]
        at += 1
        repeat = 1
        if flag & 0x08:
            repeat += data[at]
            at += 1
        x_bytes += repeat * (1 if flag & 0x02 else 0 if flag & 0x10 else 2)
        y_bytes += repeat * (1 if flag & 0x04 else 0 if flag & 0x20 else 2)
        seen += repeat
    return at + x_bytes + y_bytes


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I", padded)
    if _LITTLE:
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _sfnt(tables: dict[bytes, bytes]) -> tuple[bytes, dict[bytes, int]]:
    """An sfnt (TrueType) file from its tables, in tag order, each padded to 4 bytes; and each table's offset."""
    tags = sorted(tables)
    count = len(tags)
    power = 1
    while power * 2 <= count:
        power *= 2
    header = struct.pack(
        ">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    offset = 12 + 16 * count
    directory = b""
    body = b""
    offsets = {}
    for tag in tags:
        data = tables[tag]
        offsets[tag] = offset + len(body)
        directory += struct.pack(">4sIII", tag, _checksum(data), offsets[tag], len(data))
        body += data + b"\0" * (-len(data) % 4)
    return header + directory + body, offsets


def subset_tag(font: FontProgram, gids: Iterable[int]) -> str:
    """The six capital letters before a subset's name (``ABCDEF+EBGaramond12-Regular``), from its glyphs:
    the same subset always gets the same tag (reproducible output)."""
    digest = hashlib.sha256((font.name + ",".join(map(str, sorted(set(gids))))).encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def to_unicode_cmap(font: FontProgram, text: str) -> bytes:
    """A ToUnicode CMap mapping the glyphs of *text* back to its characters (for text extraction).

    Runs of consecutive glyphs for consecutive characters (``A``..``Z`` in most
    fonts) are one ``bfrange`` entry each.
    """
    pairs: dict[int, str] = {}
    for ch, gid in zip(text, font.glyph_ids(text), strict=False):
        if gid and gid not in pairs:
            pairs[gid] = ch
    runs: list[list[tuple[int, int]]] = []
    for gid, ch in sorted(pairs.items()):
        code = ord(ch)
        last = runs[-1][-1] if runs else None
        # A range stays within one high byte of both codes, and in the Basic Multilingual Plane.
        if (
            last
            and gid == last[0] + 1
            and code == last[1] + 1
            and gid & 0xFF
            and code & 0xFF
            and code <= 0xFFFF
        ):
            runs[-1].append((gid, code))
        else:
            runs.append([(gid, code)])
    singles: list[tuple[int, int]] = [run[0] for run in runs if len(run) == 1]
    ranges: list[tuple[int, int, int]] = [(run[0][0], run[-1][0], run[0][1]) for run in runs if len(run) > 1]
    lines = []
    for start in range(0, len(singles), 100):  # at most 100 entries per block
        block = singles[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{gid:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for gid, code in block)
        lines.append("endbfchar")
    for start in range(0, len(ranges), 100):
        spans = ranges[start : start + 100]
        lines.append(f"{len(spans)} beginbfrange")
        lines.extend(f"<{first:04X}> <{last:04X}> <{code:04X}>" for first, last, code in spans)
        lines.append("endbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(lines)
        + "\nendcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n"
    ).encode("ascii")


#: How many objects :func:`type0_objects` makes.
FONT_OBJECTS = 5


def type0_objects(font: FontProgram, text: str, first: int) -> dict[int, bytes]:
    """The PDF objects of a Type0 font holding the glyphs of *text*, numbered from *first*.

    Object *first* is the font dictionary that pages name in their resources;
    the others are its CIDFont, font descriptor, font program (FontFile2,
    Flate) and ToUnicode CMap (Flate).
    """
    import zlib

    gids = font.closure(font.glyph_ids(text))
    tag = subset_tag(font, gids)
    base = f"{tag}+{font.name}"
    program = font.subset(gids)
    packed = zlib.compress(program, 6)
    cmap = zlib.compress(to_unicode_cmap(font, text), 6)
    scale = 1000 / font.units_per_em
    bbox = " ".join(pdf_number(v * scale) for v in font.bbox)
    flags = 32 | (64 if font.italic_angle else 0)  # nonsymbolic; italic
    n = first
    return {
        n: (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
            f"/DescendantFonts [{n + 1} 0 R] /ToUnicode {n + 4} 0 R >>"
        ).encode(),
        n + 1: (
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {n + 2} 0 R /CIDToGIDMap /Identity /DW 1000 /W {font.widths_array(gids)} >>"
        ).encode(),
        n + 2: (
            f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags} /FontBBox [{bbox}] "
            f"/ItalicAngle {pdf_number(font.italic_angle)} /Ascent {pdf_number(font.ascent * scale)} "
            f"/Descent {pdf_number(font.descent * scale)} /CapHeight {pdf_number(font.cap_height * scale)} "
            f"/StemV 80 /FontFile2 {n + 3} 0 R >>"
        ).encode(),
        n + 3: f"<< /Length {len(packed)} /Length1 {len(program)} /Filter /FlateDecode >>\nstream\n".encode()
        + packed
        + b"\nendstream",
        n + 4: f"<< /Length {len(cmap)} /Filter /FlateDecode >>\nstream\n".encode() + cmap + b"\nendstream",
    }
