"""The issue's static part is read back from ReportLab's PDF without pypdf, to the same bytes.

:mod:`certgen.drawing.shellpdf` reads the subset of PDF ReportLab writes and writes
values back as pypdf wrote them (the print files' bytes have always been those):
here pypdf is the oracle, on tricky values and on whole shells, artwork included.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

import certgen
from certgen.drawing import writer
from certgen.drawing.document import field_groups, segment_name, static_segments
from certgen.drawing.shellpdf import ShellPdf, pdf_source
from certgen.errors import RenderError
from conftest import ROOT, SAMPLE_HOLDERS, pdf_text


def _pdf(objects: dict[int, bytes], root: int) -> bytes:
    """A PDF of *objects* (bodies between ``obj`` and ``endobj``) with a classic xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def _stream(entries: bytes, content: bytes) -> bytes:
    data = zlib.compress(content)
    return b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


# Every kind of value, in the spellings a PDF may use: pypdf normalises numbers, names and
# strings when it writes them, and the shell's bytes are what it wrote.
TRICKY = rb"""<<
/Int 42 /Plus +7 /MinusZero -0 /Lead 007
/Half .5 /Neg -.25 /Real 148.0799 /Big 123456.789 /Tiny 0.0000123 /Zero 0.0 /One 1.0 /NegZero -0.0
/Names [ /A#20B /Sl#2Fash /Caf#C3#A9 /Gbk#B0#A1 /Hi#FF /#23 /Paren#28 / /a_b-c.d ]
/Strings [ (plain) (with \(parens\) and \\ back) (\101\102\0533) (line\
joined) (tab\tnl\n) (\q unknown) (nested (parens) ok) () (\177del) (Caf\351) ]
/Hex [ <48656C6C6F> <FEFF00410042> <FEFF004> <00410042> <4100> <EFBBBF414243> <EFBBBFFF> <abc> < 41 42 > ]
/Bool true /Bool2 false /Nothing null
/Refs [ 1 0 R 2 0 R ]
/Nested << /Inner [ 1 [ 2 [ 3 ] ] << /Deep (x) >> ] >>  % a comment
/Last /End
>>"""


def test_values_are_written_back_as_pypdf_writes_them() -> None:
    data = _pdf({1: TRICKY, 2: _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]", b"0 0 m")}, 1)
    ours = ShellPdf(data).get(1)
    theirs = pypdf.PdfReader(io.BytesIO(data)).get_object(1)
    assert list(ours) == list(theirs)
    for key in ours:
        buffer = io.BytesIO()
        theirs.raw_get(key).write_to_stream(buffer)
        assert pdf_source(ours[key]) == buffer.getvalue().decode("latin-1"), key
    stream = ShellPdf(data).get(2)
    assert zlib.decompress(stream.data) == b"0 0 m"
    assert "/Length" not in stream.dict and stream.dict["/BBox"] == [0, 0, 1, 1]
    assert ShellPdf(data).source(2).endswith(b"\nendstream")
    # what ReportLab never writes is a typed error, not a traceback
    for bad in (b"%PDF-1.4 no table", data.replace(b"2 0 obj", b"9 0 obj")):
        with pytest.raises(certgen.RenderError, match="cannot be read back"):
            ShellPdf(bad).get(2)


# -- the shell, as pypdf made it ------------------------------------------------------


def _pypdf_shell(pages: Any, shell_pdf: bytes) -> tuple[Any, ...]:
    """StaticShell's contents as pypdf read them (the implementation this module replaced)."""
    reader = pypdf.PdfReader(io.BytesIO(shell_pdf))

    def source(value: Any) -> str:
        buffer = io.BytesIO()
        value.write_to_stream(buffer)
        return buffer.getvalue().decode("latin-1")

    forms, resources = [], []
    for index, page in enumerate(reader.pages):
        res = page["/Resources"]
        names = [f"/FormXob.{segment_name(index, p)}" for p in range(len(static_segments(pages[index])))]
        forms.append(tuple((name, res["/XObject"].raw_get(name).idnum) for name in names))
        resources.append(
            " ".join(f"{k} {source(v)}" for k, v in res.items() if k not in ("/Font", "/ProcSet"))
        )
    fonts = reader.get_object(forms[0][0][1])["/Resources"].raw_get("/Font")
    fonts_object = fonts.idnum if isinstance(fonts, IndirectObject) else 0
    keep = {fonts_object}
    todo: list[Any] = [IndirectObject(n, 0, reader) for runs in forms for _, n in runs]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in keep:
                continue
            keep.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    keep.discard(fonts_object)
    objects = {}
    for number in sorted(keep):
        obj = reader.get_object(number)
        filters = obj.get("/Filter") if isinstance(obj, StreamObject) else None
        if isinstance(filters, ArrayObject):
            filters = filters[0] if len(filters) == 1 else None
        if filters == "/FlateDecode" and obj.get("/Subtype") == "/Form":
            text = b" Tf" in obj.get_data()
            parts = []
            for key, value in obj.items():
                if key == "/Filter" or (key == "/FormType" and value == 1):
                    continue
                if key == "/Matrix" and [float(v) for v in value] == [1, 0, 0, 1, 0, 0]:
                    continue
                if key == "/Resources":
                    value = DictionaryObject(
                        {
                            NameObject(k): v
                            for k, v in value.items()
                            if k != "/ProcSet"
                            and (text or k != "/Font" or getattr(v, "idnum", 0) != fonts_object)
                        }
                    )
                parts.append(f"{key} {source(value)}")
            head = " ".join(parts) + f" /Filter /FlateDecode /Length {len(obj._data)}"
            objects[number] = f"<< {head} >>\nstream\n".encode("latin-1") + obj._data + b"\nendstream"
        else:
            start = shell_pdf.index(b"%d 0 obj" % number, reader.xref[0][number]) + len(b"%d 0 obj" % number)
            objects[number] = shell_pdf[start : shell_pdf.index(b"endobj", start)].strip(b"\r\n")
    return objects, tuple(forms), tuple(resources), fonts_object or max(objects) + 1


def _shell_and_pypdf_shell(spec: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    drawn: list[tuple[Any, bytes]] = []
    build = writer.StaticShell.build

    def spy(pages: Any, shell_pdf: bytes, text: Any) -> Any:
        drawn.append((pages, shell_pdf))
        return build(pages, shell_pdf, text)

    monkeypatch.setattr(writer.StaticShell, "build", staticmethod(spy))
    shell = certgen.prepare(spec).static_shell()
    (pages, shell_pdf), *_ = drawn
    assert shell.groups == tuple(tuple(tuple(g) for g in field_groups(page)) for page in pages)
    return (shell.objects, shell.forms, shell.resources, shell.fonts_object), _pypdf_shell(pages, shell_pdf)


@pytest.mark.parametrize(
    "sample", ["thornburg-series-b", "cenex-coop-preferred", "canadian-bilingual-common-reverse"]
)
def test_the_shell_of_a_sample_is_the_one_pypdf_read(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = _shell_and_pypdf_shell(ROOT / "samples" / sample / "spec.yaml", monkeypatch)
    assert ours == theirs


# An engraved design whose resources hold what ReportLab's own drawing never writes:
# escaped names, real numbers without a leading zero, text and byte strings, booleans,
# null, and a nested Flate form with its own fonts and an identity matrix.
_DESIGN = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] /Contents 4 0 R /Resources << "
    b"/ExtGState << /G#20S << /Type /ExtGState /CA .5 /ca 0.25 /SA true /SMask /None >> >> "
    b"/Properties << /MC0 << /Title (Caf\\351 \\(draft\\)) /Id <FEFF00410042> /Raw <00FF> /Bin <417F42> /N null >> >> "
    b"/XObject << /Fm0 5 0 R >> /ProcSet [/PDF /Text] >> >>",
    4: _stream(b"", b"q /G#20S gs 2 w 20 20 m 772 592 l S Q /Fm0 Do /MC0 BDC EMC"),
    5: _stream(
        b"/Type /XObject /Subtype /Form /FormType 1 /BBox [0 0 792 612] /Matrix [1 0 0 1.0 0 0] "
        b"/Resources << /Font << /F1 6 0 R >> /ProcSet [/PDF /Text] >>",
        b"BT /F1 30 Tf 100 500 Td (ACME BANK NOTE COMPANY) Tj ET",
    ),
    6: b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold /Encoding /WinAnsiEncoding >>",
}


def _artwork_spec(tmp_path: Path, spec_data: dict) -> Path:
    """The sample's spec in *tmp_path* with a face that is ``design.pdf`` (beside it) and a number."""
    folder = tmp_path / "tpl" / "art"
    folder.mkdir(parents=True)
    (folder / "face.xml.j2").write_text(
        '<page name="face" paper="letter" orientation="landscape">\n'
        '  <artwork src="design.pdf" page="1" x="0" y="0" width="792" height="612"/>\n'
        '  <field name="certificate_number" x="60" y="470" width="120" height="20" font="oldstandard"'
        ' size="12" min-size="8">{certificate_number}</field>\n</page>\n',
        encoding="utf-8",
    )
    spec_data["templates"] = {"face": "art/face", "reverse": "stock/reverse", "search_path": ["tpl"]}
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(spec_data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return spec


def test_the_shell_of_an_unusual_artwork_is_the_one_pypdf_read(
    tmp_path: Path, spec_data: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "design.pdf").write_bytes(_pdf(_DESIGN, 1))
    spec = _artwork_spec(tmp_path, spec_data)
    ours, theirs = _shell_and_pypdf_shell(spec, monkeypatch)
    assert ours == theirs
    assert any(b"/G#20S" in body and b"/CA 0.5" in body for body in ours[0].values())
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    face = pdf_text(certgen.render(spec, holders[:1]))[0]
    assert "ACME BANK NOTE COMPANY" in face and holders[0].certificate_number in face


def test_an_artwork_nested_past_reason_is_refused_in_one_line(
    tmp_path: Path, spec_data: dict, run_cli: Any
) -> None:
    """A design whose objects nest hundreds deep (a hostile file: ReportLab writes nested objects
    by recursion, and 400 levels ended in Python's recursion limit, a traceback from the library)
    is refused with a typed error naming the file; 40 levels print."""
    spec = _artwork_spec(tmp_path, spec_data)
    holders = certgen.load_holders(SAMPLE_HOLDERS)[:1]

    def design(depth: int) -> None:
        nested = b"[" * depth + b"1" + b"]" * depth
        objects = dict(_DESIGN)
        objects[3] = objects[3].replace(b"/N null >>", b"/N null /Deep " + nested + b" >>")
        (tmp_path / "design.pdf").write_bytes(_pdf(objects, 1))

    design(40)
    assert "ACME BANK NOTE COMPANY" in pdf_text(certgen.render(spec, holders))[0]
    design(400)
    with pytest.raises(RenderError, match=r"artwork 'design.pdf' nests its objects more than 100 deep"):
        certgen.render(spec, holders)
    out = tmp_path / "form.pdf"
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert len(result.stderr.strip().splitlines()) == 1 and "more than 100 deep" in result.stderr
