"""A security printer's artwork (a page of an existing PDF) as the background of a face."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypdf
import pytest
import yaml
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen import canvas

import certgen
from conftest import SAMPLE_HOLDERS, pdf_text, require_tool

TEMPLATE = """<page name="face" paper="letter" orientation="landscape">
  <artwork src="{src}" page="{page}" x="0" y="0" width="792" height="612"/>
  <text x="396" y="300" align="center" font="garamond" size="12">{{{{ issuer.name }}}}</text>
  <field name="registration" x="150" y="230" width="492" height="44" font="oldstandard" size="14" min-size="8" max-lines="3">{{registration}}</field>
  <field name="certificate_number" x="60" y="470" width="120" height="20" font="oldstandard" size="12" min-size="8">{{certificate_number}}</field>
</page>
"""


def _design(path: Path, pages: int = 1) -> None:
    """An engraved design as a bank note company would deliver it: vector lines, its own fonts."""
    width, height = landscape(letter)
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    for number in range(1, pages + 1):
        c.setStrokeColorRGB(0.1, 0.3, 0.5)
        c.setLineWidth(6)
        c.rect(20, 20, width - 40, height - 40)
        for i in range(40):
            c.setLineWidth(0.3)
            c.circle(width / 2, height / 2 + 120, 20 + i * 1.5)
        c.setFont("Times-Bold", 30)
        c.drawCentredString(width / 2, height - 90, f"ACME BANK NOTE COMPANY DESIGN {number}")
        c.showPage()
    c.save()


def _spec(tmp_path: Path, spec_data: dict, src: str = "design.pdf", page: int = 1) -> Path:
    folder = tmp_path / "tpl" / "art"
    folder.mkdir(parents=True)
    (folder / "face.xml.j2").write_text(TEMPLATE.format(src=src, page=page), encoding="utf-8")
    spec_data["templates"] = {"face": "art/face", "reverse": "stock/reverse", "search_path": ["tpl"]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec_data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_artwork_is_drawn_once_per_document_under_every_face(tmp_path: Path, spec_data: dict) -> None:
    _design(tmp_path / "design.pdf", pages=2)
    spec = _spec(tmp_path, spec_data, page=2)
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    pdf = certgen.render(spec, holders)
    faces = pdf_text(pdf)[0::2]
    assert len(faces) == len(holders)
    for face, holder in zip(faces, holders, strict=True):
        assert "ACME BANK NOTE COMPANY DESIGN 2" in face and holder.certificate_number in face
    # the design is one Form XObject in the file, however many certificates use it
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    designs = {
        obj.indirect_reference.idnum
        for page in reader.pages
        for obj in _forms(page["/Resources"])
        if b"ACME" in obj.get_data()
    }
    assert len(designs) == 1
    assert pdf == certgen.render(spec, holders)  # reproducible


def _forms(resources: pypdf.generic.DictionaryObject) -> list:
    out = []
    for ref in (resources.get("/XObject") or {}).values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Form":
            out.append(obj)
            out.extend(_forms(obj.get("/Resources") or pypdf.generic.DictionaryObject()))
    return out


def test_artwork_pdf_is_clean(tmp_path: Path, spec_data: dict) -> None:
    _design(tmp_path / "design.pdf")
    out = tmp_path / "certs.pdf"
    out.write_bytes(certgen.render(_spec(tmp_path, spec_data), SAMPLE_HOLDERS))
    qpdf = require_tool("qpdf")
    check = subprocess.run([qpdf, "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    pdftoppm = require_tool("pdftoppm")
    proc = subprocess.run(
        [pdftoppm, "-r", "20", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


@pytest.mark.parametrize(
    ("src", "page", "message"),
    [
        ("missing.pdf", 1, "artwork file 'missing.pdf' not found"),
        ("notes.txt", 1, "artwork file 'notes.txt' is not a PDF"),
        ("design.pdf", 3, "artwork 'design.pdf' has 1 page(s), not a page 3"),
    ],
)
def test_bad_artwork_is_a_clear_error(
    run_cli, tmp_path: Path, spec_data: dict, src: str, page: int, message: str
) -> None:
    _design(tmp_path / "design.pdf")
    (tmp_path / "notes.txt").write_text("not a pdf", encoding="utf-8")
    spec = _spec(tmp_path, spec_data, src=src, page=page)
    out = tmp_path / "out.pdf"
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert message in line and "art/face.xml.j2, line 2" in line, line
