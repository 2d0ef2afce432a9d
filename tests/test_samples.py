"""Every sample renders and passes `certgen validate --strict`: issued samples as a form and with
their holders; the reproductions of filed forms (form.excerpt) as forms, and never with holders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import certgen
from conftest import ROOT, pdf_text

SAMPLES = sorted(p.parent for p in (ROOT / "samples").glob("*/spec.yaml"))
EXCERPTS = [p for p in SAMPLES if certgen.load_spec(p / "spec.yaml").is_excerpt]
ISSUED = [p for p in SAMPLES if p not in EXCERPTS]


def test_every_sample_has_holders_or_is_an_excerpt() -> None:
    assert len(ISSUED) >= 4 and len(EXCERPTS) >= 5
    for sample in SAMPLES:
        assert (sample / "holders.csv").exists() != (sample in EXCERPTS), sample.name


@pytest.mark.parametrize("sample", ISSUED, ids=[p.name for p in ISSUED])
def test_sample_validates_strict(sample: Path) -> None:
    report = certgen.validate(sample / "spec.yaml", sample / "holders.csv")
    assert report.ok(strict=True), [str(f) for f in report]
    assert certgen.validate(sample / "spec.yaml").ok(strict=True)


@pytest.mark.parametrize("sample", ISSUED, ids=[p.name for p in ISSUED])
def test_sample_renders_and_its_pdf_passes(sample: Path, tmp_path: Path) -> None:
    holders = sample / "holders.csv"
    pdf = tmp_path / "certs.pdf"
    pdf.write_bytes(certgen.render(sample / "spec.yaml", holders))
    report = certgen.validate(sample / "spec.yaml", holders, pdf=pdf)
    assert report.ok(strict=True), [str(f) for f in report]
    assert (sample / "preview-face.png").exists() and (sample / "preview-reverse.png").exists()


@pytest.mark.parametrize("sample", EXCERPTS, ids=[p.name for p in EXCERPTS])
def test_excerpt_renders_as_a_form_and_passes(sample: Path, tmp_path: Path) -> None:
    spec = certgen.load_spec(sample / "spec.yaml")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(certgen.render(spec))
    report = certgen.validate(spec, pdf=pdf)
    assert report.ok(strict=True), [str(f) for f in report]
    # The parts the filed copy lacks are reported, as notes.
    assert report.findings and all(f.severity == "info" for f in report)
    assert all(
        f.message.startswith("not in the excerpt: ")
        for f in report
        # notes about the spec, not the copy; the copy gives a legend's words, not its type
        if f.rule not in ("issuer.ownership-limit", "issuer.state-law", "legend.conspicuous")
    )
    for side, _ in spec.page_templates():
        assert (sample / f"preview-{side}.png").exists(), side


@pytest.mark.parametrize("sample", EXCERPTS, ids=[p.name for p in EXCERPTS])
def test_excerpt_never_issues_certificates(sample: Path, tmp_path: Path, run_cli) -> None:
    holder = certgen.Holder("X 1", "JANE DOE", 1000, dt.date(2026, 11, 23))
    report = certgen.validate(sample / "spec.yaml", [holder])
    assert [f.rule for f in report.errors] == ["form.excerpt"]
    with pytest.raises(
        certgen.ValidationError, match=r"form\.excerpt: this spec is an excerpt of a filed form"
    ):
        certgen.render(sample / "spec.yaml", [holder])
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "certificate_number,registration,shares,issue_date\nX 1,JANE DOE,1000,2026-11-23\n", encoding="utf-8"
    )
    out = tmp_path / "certs.pdf"
    result = run_cli("render", str(sample / "spec.yaml"), "--holders", str(holders), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "[form.excerpt]" in result.stderr and "Traceback" not in result.stderr


def test_common_stock_sample_prints_the_prospectus_requirements() -> None:
    sample = ROOT / "samples" / "thornburg-common"
    face, reverse = (" ".join(t.split()) for t in pdf_text(certgen.render(sample / "spec.yaml")))
    assert "IN EXCESS OF 9.8% (SUBJECT TO CERTAIN EXCEPTIONS)" in reverse
    assert "SHAREHOLDER RIGHTS AGREEMENT, DATED AS OF JANUARY 25, 2001" in reverse
    assert "CUSIP 885218 10 7" in face
    assert "AMERICAN STOCK TRANSFER & TRUST COMPANY" in face
