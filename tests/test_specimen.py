"""`certgen render --specimen`: SPECIMEN across the face, zero-filled numbers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import certgen
from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC, pdf_text, require_tool


def test_specimen_certificate(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "specimen.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--specimen", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out} (specimen)" in result.stderr
    face, reverse = pdf_text(out.read_bytes())
    assert "PB 000000" in face and "**000,000**" in face and "ZERO" in face
    assert face.count("SPECIMEN") == 2  # the holder line and the word across the face
    assert "SPECIMEN" not in reverse


def test_specimen_is_reproducible_and_differs_from_the_form() -> None:
    issue = certgen.prepare(SAMPLE_SPEC)
    assert issue.render(specimen=True) == certgen.prepare(SAMPLE_SPEC).render(specimen=True)
    assert issue.render(specimen=True) != issue.render()


def test_proofs_of_issued_certificates_are_marked(tmp_path: Path) -> None:
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    pages = pdf_text(certgen.prepare(SAMPLE_SPEC).render(holders, specimen=True))
    faces = pages[0::2]
    assert len(faces) == len(holders)
    for face, holder in zip(faces, holders, strict=True):
        assert "SPECIMEN" in face and holder.certificate_number in face


def test_specimen_pdf_passes_validation_and_renders_cleanly(tmp_path: Path) -> None:
    pdf = tmp_path / "specimen.pdf"
    pdf.write_bytes(certgen.prepare(SAMPLE_SPEC).render(specimen=True))
    assert certgen.validate(SAMPLE_SPEC, pdf=pdf).ok(strict=True)
    pdftoppm = require_tool("pdftoppm")
    proc = subprocess.run(
        [pdftoppm, "-r", "20", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr  # e.g. no "ExtGState is unknown"
