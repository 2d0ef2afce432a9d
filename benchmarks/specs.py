"""Variants of the Thornburg Series B sample spec for the benchmarks.

The sample carries a signed QR code; the benchmarks that compare certgen with
hand-written ReportLab (which draws no code) use it without the code, so both
draw the same certificate.  ``benchmarks/art.py`` measures the art and the code
on their own.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "thornburg-series-b" / "spec.yaml"
_FOLDER = Path(tempfile.gettempdir()) / "certgen-bench-specs"


def variant(*, art: bool = True, qr: bool = False) -> Path:
    """A copy of the sample spec, with or without the security art and the signed QR code."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    if qr:
        for key in ("public_key", "private_key_file"):
            data["qr"][key] = str((SAMPLE.parent / data["qr"][key]).resolve())
    else:
        data.pop("qr", None)
    data["art"] = {"enabled": art}
    _FOLDER.mkdir(exist_ok=True)
    path = _FOLDER / f"spec-art{int(art)}-qr{int(qr)}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
