"""Every sample renders and passes `certgen validate --strict`, as a form and with its holders."""

from __future__ import annotations

from pathlib import Path

import pytest

import certgen
from conftest import ROOT, pdf_text

SAMPLES = sorted(p.parent for p in (ROOT / "samples").glob("*/spec.yaml"))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_validates_strict(sample: Path) -> None:
    holders = sample / "holders.csv"
    assert holders.exists(), "every sample has a holders.csv"
    report = certgen.validate(sample / "spec.yaml", holders)
    assert report.ok(strict=True), [str(f) for f in report]
    assert certgen.validate(sample / "spec.yaml").ok(strict=True)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_renders_and_its_pdf_passes(sample: Path, tmp_path: Path) -> None:
    holders = sample / "holders.csv"
    pdf = tmp_path / "certs.pdf"
    pdf.write_bytes(certgen.render(sample / "spec.yaml", holders))
    report = certgen.validate(sample / "spec.yaml", holders, pdf=pdf)
    assert report.ok(strict=True), [str(f) for f in report]
    assert (sample / "preview-face.png").exists() and (sample / "preview-reverse.png").exists()


def test_common_stock_sample_prints_the_prospectus_requirements() -> None:
    sample = ROOT / "samples" / "thornburg-common"
    face, reverse = (" ".join(t.split()) for t in pdf_text(certgen.render(sample / "spec.yaml")))
    assert "IN EXCESS OF 9.8% (SUBJECT TO CERTAIN EXCEPTIONS)" in reverse
    assert "SHAREHOLDER RIGHTS AGREEMENT, DATED AS OF JANUARY 25, 2001" in reverse
    assert "CUSIP 885218 10 7" in face
    assert "AMERICAN STOCK TRANSFER & TRUST COMPANY" in face
