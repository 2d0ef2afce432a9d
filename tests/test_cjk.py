"""Holder names in Chinese, Japanese or Korean print in a TrueType face the spec names
(``fonts.fallback``), and are refused before printing without one.

The face is Debian's fonts-droid-fallback (``require_font``: in CI a missing font fails). Every
stage sets the field in the same face: fitting, the PDF's text and embedded subset, validation
(rule ``fields.printable``) and ``certgen verify`` (with the spec it compares the field's ink; with
the key alone it compares the text and says the ink was not compared).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fontTools.ttLib import TTFont

import certgen
from certgen import GlyphError, Holder, SpecError, prepare
from certgen.cidfont import FontProgram
from certgen.fonts import face_for, register_face
from conftest import CJK_FONT, SAMPLE_SPEC, pdf_text, require_font, require_tool

TODAY = dt.date.today().isoformat()
HEADER = "certificate_number,registration,shares,issue_date\n"
WANG = "\u738b\u5c0f\u660e"  # 王小明
YAMADA = "\u5c71\u7530\u592a\u90ce"  # 山田太郎
KIM = "\uae40\ubbfc\uc900"  # 김민준: Droid Sans Fallback has no Hangul syllables


@pytest.fixture
def cjk_spec(
    tmp_path: Path, spec_data: dict[str, Any], write_spec: Callable[..., Path]
) -> Callable[..., Path]:
    """A spec (the sample's) whose fonts.fallback is the CJK face, copied into the spec's folder."""

    def make(fallback: Any = "fonts/DroidSansFallbackFull.ttf", name: str = "spec.yaml") -> Path:
        font = require_font()
        (tmp_path / "fonts").mkdir(exist_ok=True)
        if not (tmp_path / "fonts" / font.name).exists():
            shutil.copyfile(font, tmp_path / "fonts" / font.name)
        return write_spec({**spec_data, "fonts": {"fallback": fallback}}, name)

    return make


def _holders(tmp_path: Path, *names: str, file: str = "holders.csv") -> Path:
    path = tmp_path / file
    rows = "".join(f"PB {n:04d},{name},100,{TODAY}\n" for n, name in enumerate(names, start=1))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.strip().splitlines() if line]


def _fallback_fonts(data: bytes) -> list[Any]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    return [
        f.get_object()
        for f in fonts.values()
        if str(f.get_object()["/BaseFont"]).endswith("+DroidSansFallback")
    ]


def test_a_chinese_name_prints_in_the_spec_font(tmp_path: Path, cjk_spec: Any, run_cli: Any) -> None:
    spec = cjk_spec()
    holders = _holders(tmp_path, WANG, YAMADA)
    out = tmp_path / "certs.pdf"
    result = run_cli("render", spec, "--holders", holders, "-o", out)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    pages = pdf_text(data)
    assert WANG in pages[0] and YAMADA in pages[2]
    pdftotext = require_tool("pdftotext")
    extracted = subprocess.run([pdftotext, str(out), "-"], capture_output=True, check=True).stdout.decode()
    assert WANG in extracted and YAMADA in extracted
    # One subset of the face, holding a real outline for each character (no .notdef box), small.
    [font] = _fallback_fonts(data)
    descendant = font["/DescendantFonts"][0].get_object()
    stream = descendant["/FontDescriptor"]["/FontFile2"].get_object()
    assert len(stream._data) < 6_000  # the subset as stored (compressed): the whole face is 4 MB
    subset = TTFont(io.BytesIO(stream.get_data()))
    whole = FontProgram.load(str(CJK_FONT))
    glyphs = subset.getGlyphOrder()
    glyf = subset["glyf"]

    def outlined(name: str) -> bool:  # contours of its own, or components that have them
        glyph = glyf[name]
        if glyph.isComposite():
            return all(outlined(component.glyphName) for component in glyph.components)
        return bool(glyph.numberOfContours > 0)

    for char in WANG + YAMADA:
        assert outlined(glyphs[whole.cmap[ord(char)]]), char
    assert len(data) < 60_000  # two certificates with their reverses (the Latin sample's are ~40 KB)


def test_validate_passes_and_without_the_font_the_name_is_refused_in_one_line(
    tmp_path: Path, cjk_spec: Any, run_cli: Any
) -> None:
    holders = _holders(tmp_path, WANG)
    result = run_cli("validate", cjk_spec(), "--holders", holders)
    assert result.exit_code == 0, result.stdout
    assert "fields.printable" not in result.stdout
    # The same rows with the sample's spec (no fonts.fallback): refused before a byte is written.
    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert line.startswith(f"certgen: error: {holders}, row 2 (certificate PB 0001), field registration: ")
    assert "give the name in Latin letters" in line and "fonts.fallback" in line
    assert line.endswith("[fields.printable]")


def test_the_library_prints_the_name_and_refuses_it_without_the_font(tmp_path: Path, cjk_spec: Any) -> None:
    holder = Holder("PB 0001", WANG, 100, dt.date.today())
    pdf = prepare(cjk_spec()).render([holder])
    assert WANG in pdf_text(pdf)[0]
    with pytest.raises(GlyphError) as caught:
        prepare(SAMPLE_SPEC, validate=False).render([holder])
    assert caught.value.chars == WANG and "fonts.fallback" in caught.value.message


def test_renders_are_byte_identical_and_latin_certificates_do_not_change(
    tmp_path: Path, cjk_spec: Any, run_cli: Any
) -> None:
    spec = cjk_spec()
    holders = _holders(tmp_path, WANG, "Jane Q. Public")
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run_cli("render", spec, "--holders", holders, "-o", first).exit_code == 0
    assert run_cli("render", spec, "--holders", holders, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    # A spec that names the font, printing Latin names only: the same bytes as without the key.
    latin = _holders(tmp_path, "Jane Q. Public", file="latin.csv")
    with_key, without = tmp_path / "k.pdf", tmp_path / "n.pdf"
    assert run_cli("render", spec, "--holders", latin, "-o", with_key).exit_code == 0
    assert run_cli("render", SAMPLE_SPEC, "--holders", latin, "-o", without).exit_code == 0
    assert with_key.read_bytes() == without.read_bytes()


def test_a_face_is_named_by_its_content() -> None:
    data = require_font().read_bytes()
    name = register_face(data)
    assert name == register_face(bytes(data)) and name.startswith("fallback-")
    assert face_for("oldstandard", WANG, (name,)) == (name, "")
    assert face_for("oldstandard", WANG) == ("oldstandard", WANG)
    # Hebrew and Arabic need right-to-left ordering, combining marks need shaping: never set by a
    # spec's face, whatever it covers.
    assert face_for("garamond", "\u05d3\u05d5\u05d3", (name,))[1]


def test_a_korean_name_the_font_lacks_is_refused(tmp_path: Path, cjk_spec: Any, run_cli: Any) -> None:
    holders = _holders(tmp_path, KIM)
    out = tmp_path / "certs.pdf"
    result = run_cli("render", cjk_spec(), "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert "U+AE40 HANGUL SYLLABLE GIM" in line and "DroidSansFallback" in line
    assert "the spec's fonts.fallback lacks them too" in line and line.endswith("[fields.printable]")
    # Latin and CJK in one field: the face has no Latin letters, and a field is set in one face.
    mixed = _holders(tmp_path, f"{WANG} (Wang Xiaoming)", file="mixed.csv")
    result = run_cli("render", cjk_spec(), "--holders", mixed, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert "none has them all" in line and "fonts.fallback" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"OTTO\x00\x0a\x00\x80" + bytes(200), "is an OpenType font with CFF (PostScript) outlines"),
        (b"ttcf\x00\x01\x00\x00" + bytes(200), "is a font collection (.ttc)"),
        (b"this is not a font at all\n", "is not a TrueType font"),
        (None, "is a damaged TrueType font"),  # the face cut short
    ],
    ids=["otf", "ttc", "garbage", "truncated"],
)
def test_a_font_certgen_cannot_set_is_refused_in_one_line(
    tmp_path: Path, cjk_spec: Any, run_cli: Any, content: bytes | None, expected: str
) -> None:
    bad = tmp_path / "fonts" / "Bad.ttf"
    spec = cjk_spec("fonts/Bad.ttf")
    bad.write_bytes(content if content is not None else CJK_FONT.read_bytes()[:100_000])
    out = tmp_path / "certs.pdf"
    result = run_cli("render", spec, "--holders", _holders(tmp_path, WANG), "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert line.startswith(f"certgen: error: {spec}, line ")
    assert ": fonts.fallback[0]: font file 'fonts/Bad.ttf' " in line and expected in line
    assert "give " in line  # the fix
    with pytest.raises(SpecError):
        prepare(spec, validate=False, sign=False)


def test_the_font_comes_from_the_spec_folder_only(
    tmp_path: Path, cjk_spec: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    font = require_font()
    monkeypatch.delenv("CERTGEN_ASSET_PATH", raising=False)
    out = tmp_path / "certs.pdf"
    holders = _holders(tmp_path, WANG)
    result = run_cli("render", cjk_spec(str(font)), "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert "fonts.fallback[0]: font file" in line and "is outside the spec's folder" in line
    assert "$CERTGEN_ASSET_PATH" in line
    (tmp_path / "link.ttf").symlink_to(font)
    result = run_cli("render", cjk_spec("link.ttf"), "--holders", holders, "-o", out)
    assert result.exit_code == 1 and "is a link to a file outside" in result.stderr
    # The operator's asset folder; a list of faces, tried in order.
    monkeypatch.setenv("CERTGEN_ASSET_PATH", str(font.parent))
    assert run_cli("render", cjk_spec([str(font)]), "--holders", holders, "-o", out).exit_code == 0
    assert WANG in pdf_text(out.read_bytes())[0]


@pytest.mark.slow  # rasterises the certificate to compare each field's ink
def test_a_chinese_certificate_verifies_as_authentic(tmp_path: Path, cjk_spec: Any, run_cli: Any) -> None:
    require_tool("pdftoppm")
    spec = cjk_spec()
    out = tmp_path / "certs.pdf"
    assert run_cli("render", spec, "--holders", _holders(tmp_path, WANG), "-o", out).exit_code == 0
    result = run_cli("verify", out, "--spec", spec, "--format", "json")
    assert result.exit_code == 0, result.stdout
    [verdict] = json.loads(result.stdout)["results"]
    assert verdict["status"] == "authentic" and "ink" in verdict["compared"]
    assert verdict["not_compared"] == []
    # The public key alone: no spec, so no font to set the name in; the name's text is compared
    # (its digest is signed), its ink is not, and the verdict says so.
    loaded = certgen.load_spec(spec)
    assert loaded.qr is not None
    key = loaded.base_dir / loaded.qr.public_key
    result = run_cli("verify", out, "--key", key)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(f"{out}: authentic: certificate PB 0001")
    assert "the ink of registration was not compared" in result.stdout and "--spec" in result.stdout
    [verdict] = json.loads(run_cli("verify", out, "--key", key, "--format", "json").stdout)["results"]
    assert "registration" in verdict["compared"] and verdict["not_compared"] == [
        "ink:registration",
        "design",
        "reverse",
    ]
    # A white box over the genuine name: the text still extracts; with the spec the ink shows it.
    forged = tmp_path / "covered.pdf"
    writer = pypdf.PdfWriter(clone_from=out)
    page = writer.pages[0]
    content = page.get_contents()
    assert content is not None
    data = content.get_data()
    registration = [f for f in prepare(spec, sign=False).pages[0].fields if f.name == "registration"][0]
    end = data.index(b" ET", data.index(b"/X")) + 3
    box = f" q 1 1 1 rg {registration.x} {registration.y} {registration.width} {registration.height} re f Q"
    content.set_data(data[:end] + box.encode() + data[end:])
    page.replace_contents(content)
    writer.write(forged)
    assert WANG in pdf_text(forged.read_bytes())[0]
    result = run_cli("verify", forged, "--spec", spec)
    assert result.exit_code == 1 and "registration is not visible in its box" in result.stdout
