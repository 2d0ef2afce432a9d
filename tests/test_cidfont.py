"""CID fonts: subsets that keep glyph ids, assembled from glyph records; text that extracts."""

from __future__ import annotations

import io
import re
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

import certgen
from certgen.cidfont import FontProgram, subset_tag, to_unicode_cmap, type0_objects
from certgen.pdftext import read_pdf
from conftest import ROOT, pdf_text, require_tool

FONTS = sorted((ROOT / "fonts").glob("*.ttf"))
TEXT = "María José García-López & Søren Ødegård, PB-000123: 1,234,567 ŒUVRE «ﬁ»"


@pytest.mark.parametrize("path", FONTS, ids=[p.stem for p in FONTS])
def test_every_glyph_survives_subsetting(path: Path) -> None:
    """Outlines, contour ends, flags and advances of every glyph are the font's own, at the same id."""
    font = FontProgram.load(str(path))
    sub = TTFont(io.BytesIO(font.subset(range(len(font.glyphs)))))
    with TTFont(str(path)) as orig:
        _compare(sub, orig)


def _compare(sub: TTFont, orig: TTFont) -> None:
    names, sub_names = orig.getGlyphOrder(), sub.getGlyphOrder()
    assert len(names) == len(sub_names)
    for gid, name in enumerate(names):
        a, b = sub["glyf"][sub_names[gid]], orig["glyf"][name]
        assert sub["hmtx"][sub_names[gid]] == orig["hmtx"][name]
        if b.numberOfContours == 0:
            continue
        ca, cb = a.getCoordinates(sub["glyf"]), b.getCoordinates(orig["glyf"])
        assert (list(ca[0]), list(ca[1]), list(ca[2])) == (list(cb[0]), list(cb[1]), list(cb[2])), name
        assert not getattr(a, "program", None) or not a.program.getBytecode()  # hinting removed


def test_a_subset_holds_only_its_glyphs_and_their_components() -> None:
    font = FontProgram.load(str(ROOT / "fonts" / "EBGaramond12-Regular.ttf"))
    gids = font.glyph_ids(TEXT)
    assert 0 not in gids  # the font has every character of the text
    keep = font.closure(gids)
    composite = next(g for g in gids if g in font.components)
    assert set(font.components[composite]) <= keep
    data = font.subset(gids)
    sub = TTFont(io.BytesIO(data))
    order = sub.getGlyphOrder()
    kept = {gid for gid, name in enumerate(order) if sub["glyf"][name].numberOfContours != 0}
    assert kept <= keep and set(gids) - {g for g in gids if font.glyphs[g] == b""} <= kept
    assert sorted(sub.keys()) == ["GlyphOrder", "glyf", "head", "hhea", "hmtx", "loca", "maxp"]
    assert len(zlib.compress(data)) < 8000  # the whole face is 500 KB
    assert font.subset(reversed(gids)) == data  # deterministic
    assert subset_tag(font, gids) == subset_tag(font, reversed(gids)) and len(subset_tag(font, gids)) == 6


def test_type0_font_text_extracts_and_renders(tmp_path: Path) -> None:
    font = FontProgram.load(str(ROOT / "fonts" / "EBGaramond12-Regular.ttf"))
    objects = type0_objects(font, TEXT, 5)
    content = b"BT /F1 14 Tf 1 0 0 1 40 100 Tm " + font.encode(TEXT).encode("latin-1") + b" Tj ET"
    objects.update(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            4: f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        }
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        out.write(f"{offsets[number]:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    pdf = tmp_path / "cid.pdf"
    pdf.write_bytes(out.getvalue())
    assert pypdf.PdfReader(pdf).pages[0].extract_text().strip() == TEXT
    assert "".join(g.text for g in read_pdf(pdf)[0].glyphs) == TEXT  # pdfminer, as certgen validate reads
    qpdf = require_tool("qpdf")
    check = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    pdftoppm = require_tool("pdftoppm")
    render = subprocess.run(
        [pdftoppm, "-r", "30", "-png", str(pdf), str(tmp_path / "page")], capture_output=True, text=True
    )
    assert render.returncode == 0 and render.stderr == ""


def test_to_unicode_maps_each_glyph_once() -> None:
    font = FontProgram.load(str(ROOT / "fonts" / "OldStandard-Bold.ttf"))
    a, b, c = font.glyph_ids("ABC")
    assert (b, c) == (a + 1, a + 2)  # the font's capitals are in order
    # Consecutive glyphs for consecutive characters: one range.
    cmap = to_unicode_cmap(font, "AAB")
    assert (
        b"beginbfchar" not in cmap
        and f"1 beginbfrange\n<{a:04X}> <{b:04X}> <0041>\nendbfrange".encode() in cmap
    )
    # Otherwise one entry per glyph.
    cmap = to_unicode_cmap(font, "CAA")
    assert (
        b"beginbfrange" not in cmap
        and f"2 beginbfchar\n<{a:04X}> <0041>\n<{c:04X}> <0043>\nendbfchar".encode() in cmap
    )


@pytest.mark.parametrize("path", FONTS, ids=[p.stem for p in FONTS])
def test_font_reader_agrees_with_fonttools(path: Path) -> None:
    """certgen reads the tables it needs itself; fontTools reads them its way."""
    font = FontProgram.parse(path.read_bytes())
    with TTFont(str(path)) as ref:
        order = {name: gid for gid, name in enumerate(ref.getGlyphOrder())}
        # The character map, but for digits: the glyph fontTools' GSUB gives for 'lnum' then 'tnum'.
        cmap = ref.getBestCmap()
        figures = {code: _lining_figure(ref, cmap[code]) for code in range(0x30, 0x3A)}
        assert font.cmap == {code: order[name] for code, name in (cmap | figures).items() if order[name]}
        assert font.name == ref["name"].getDebugName(6)
        os2 = ref["OS/2"]
        assert (font.ascent, font.descent, font.cap_height) == (
            os2.sTypoAscender,
            os2.sTypoDescender,
            os2.sCapHeight,
        )
        assert font.italic_angle == ref["post"].italicAngle
        assert font.units_per_em == ref["head"].unitsPerEm
        assert list(font.advances) == [ref["hmtx"][name][0] for name in ref.getGlyphOrder()]


def test_font_reader_refuses_what_is_not_a_truetype_font() -> None:
    with pytest.raises(ValueError, match="not a TrueType font"):
        FontProgram.parse(b"OTTO" + bytes(100))


def _lining_figure(ref: TTFont, glyph: str) -> str:
    """The glyph fontTools' reading of the font's GSUB gives *glyph* under 'lnum' then 'tnum'."""
    if "GSUB" not in ref:
        return glyph
    table = ref["GSUB"].table
    for tag in ("lnum", "tnum"):
        indices = {
            i
            for r in table.FeatureList.FeatureRecord
            if r.FeatureTag == tag
            for i in r.Feature.LookupListIndex
        }
        for index in sorted(indices):
            lookup = table.LookupList.Lookup[index]
            for sub in lookup.SubTable:
                sub = sub.ExtSubTable if lookup.LookupType == 7 else sub
                if getattr(sub, "LookupType", lookup.LookupType) == 1 and glyph in sub.mapping:
                    glyph = sub.mapping[glyph]
                    break
    return glyph


def _outline_top(ref: TTFont, glyph: str) -> int:
    g = ref["glyf"][glyph]
    g.recalcBounds(ref["glyf"])
    return int(g.yMax)


@pytest.mark.parametrize("path", FONTS, ids=[p.stem for p in FONTS])
def test_digits_are_tabular_lining_figures(path: Path) -> None:
    """Every face sets 0-9 as lining figures (as tall as the capitals, not the x-height of
    old-style figures) of one width (tabular): EB Garamond through its 'lnum' and 'tnum'
    glyphs, Old Standard with its default digits."""
    font = FontProgram.load(str(path))
    with TTFont(str(path)) as ref:
        names = ref.getGlyphOrder()
        cap, x_height = ref["OS/2"].sCapHeight, ref["OS/2"].sxHeight
        zero = font.cmap[ord("0")]
        assert _outline_top(ref, names[zero]) >= 0.9 * cap > x_height * 1.3
        tops = [_outline_top(ref, names[gid]) for gid in font.glyph_ids("0123456789")]
        assert min(tops) >= 0.9 * cap, tops
        widths = [font.char_widths[d] for d in "0123456789"]
        assert max(widths) - min(widths) <= 0.005, widths  # within 5 units per 1000
        default = ref.getBestCmap()[ord("0")]
        if path.stem.startswith("EBGaramond"):
            # The character map's own zero is old-style, about the x-height: not the one set.
            assert _outline_top(ref, default) < 1.1 * x_height and names[zero] != default
            assert names[zero] == "zero.tablining"
        else:
            assert names[zero] == default  # Old Standard's digits are lining and tabular already


def _type0_fonts(data: bytes) -> dict[str, tuple[dict[int, str], set[int]]]:
    """Each embedded Type0 font's name → its ToUnicode map (glyph id → text) and the glyph ids
    its /W array gives widths for."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts: dict[str, tuple[dict[int, str], set[int]]] = {}
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if not isinstance(obj, dict) or obj.get("/Subtype") != "/Type0":
            continue
        cmap = obj["/ToUnicode"].get_object().get_data().decode("ascii")
        to_text: dict[int, str] = {}
        for block in re.findall(r"beginbfchar\n(.*?)endbfchar", cmap, re.S):
            for gid, code in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", block):
                to_text[int(gid, 16)] = bytes.fromhex(code).decode("utf-16-be")
        for block in re.findall(r"beginbfrange\n(.*?)endbfrange", cmap, re.S):
            for first, last, code in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})> <([0-9A-F]{4})>", block):
                for gid in range(int(first, 16), int(last, 16) + 1):
                    to_text[gid] = chr(int(code, 16) + gid - int(first, 16))
        widths = obj["/DescendantFonts"][0].get_object()["/W"]
        gids: set[int] = set()
        for index in range(0, len(widths), 2):
            gids.update(range(int(widths[index]), int(widths[index]) + len(widths[index + 1])))
        fonts[str(obj["/BaseFont"]).split("+", 1)[1]] = (to_text, gids)
    return fonts


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("thornburg-common", ["CUSIP 885218 10 7", "2,500,000", "November 23, 2026", "9.8%"]),
        ("thornburg-series-b", ["9.9%"]),
        ("thornburg-notes-global", ["8.00% SENIOR NOTES DUE 2013", "885218 AB 3", "$50,000,000"]),
    ],
)
def test_a_certificate_prints_lining_figures_that_extract_as_digits(sample: str, expected: list[str]) -> None:
    """The Garamond faces of a rendered certificate hold the lining figures, and only those, for
    the digits; their ToUnicode map gives the digits back, so the text extracts as printed."""
    holders = certgen.load_holders(ROOT / "samples" / sample / "holders.csv")
    data = certgen.render(ROOT / "samples" / sample / "spec.yaml", holders[:1])
    fonts = _type0_fonts(data)
    garamond = {name: font for name, font in fonts.items() if name.startswith("EBGaramond")}
    assert garamond
    printed = 0
    for name, (to_text, gids) in garamond.items():
        program = FontProgram.load(str(ROOT / "fonts" / f"{name}.ttf"))
        with TTFont(str(ROOT / "fonts" / f"{name}.ttf")) as ref:
            default = {ref.getGlyphID(ref.getBestCmap()[code]) for code in range(0x30, 0x3A)}
        digits = {gid: text for gid, text in to_text.items() if text.isdigit()}
        assert all(program.cmap[ord(text)] == gid for gid, text in digits.items()), name
        assert not (gids | set(to_text)) & default, name  # no old-style figure embedded
        printed += len(digits)
    assert printed
    text = " ".join(pdf_text(data))
    for words in expected:
        assert words in text, words


def test_the_calibration_sheet_drawn_by_reportlab_sets_the_same_figures() -> None:
    """ReportLab, which draws the calibration sheet, embeds the tabular lining figures too, at
    their widths: its scales' digits are as tall as the capitals."""
    from certgen.batch.calibrate import calibration_sheet

    reader = pypdf.PdfReader(io.BytesIO(calibration_sheet()))
    assert "20 mm" in reader.pages[0].extract_text()  # the digits extract as digits
    fonts = [reader.get_object(n) for n in range(1, int(reader.trailer["/Size"]))]
    (font,) = [
        f
        for f in fonts
        if isinstance(f, dict) and str(f.get("/BaseFont", "")).endswith("EBGaramond12-Regular")
    ]
    assert list(font["/Widths"][0x30:0x3A]) == [480] * 10
    program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    sub = TTFont(io.BytesIO(program))
    (codes,) = [t.cmap for t in sub["cmap"].tables]
    tops = [_outline_top(sub, codes[code]) for code in range(0x30, 0x3A) if code in codes]
    assert tops and min(tops) >= 0.9 * 650, tops  # EB Garamond's cap height; old-style zero is 413
