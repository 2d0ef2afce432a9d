"""CID fonts: subsets that keep glyph ids, assembled from glyph records; text that extracts."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from certgen.cidfont import FontProgram, subset_tag, to_unicode_cmap, type0_objects
from certgen.pdftext import read_pdf
from conftest import ROOT, require_tool

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
        assert font.cmap == {code: order[name] for code, name in ref.getBestCmap().items() if order[name]}
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
