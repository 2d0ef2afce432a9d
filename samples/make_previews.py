"""Render each sample's blank form and save its sides as PNG previews (the README's gallery).

    python samples/make_previews.py            # every sample
    python samples/make_previews.py NAME ...   # some

Needs poppler's pdftoppm.  Each printed side becomes preview-face.png or
preview-reverse.png beside the spec (a schedule page is not previewed).

The previews are also the golden pages of tests/test_golden.py, which renders
them again with render_previews() and compares: regenerate a sample's previews
with this script when its layout is meant to change.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import certgen

HERE = Path(__file__).resolve().parent

#: Resolution of the previews, in dots per inch (a letter page is 880 x 680 pixels).
RESOLUTION = 80


def previewed_sides(spec: certgen.Spec) -> list[tuple[int, str]]:
    """The pages of the blank form that are previewed: (page number, side)."""
    sides = [side for side, _ in spec.page_templates()]
    return [(number, side) for number, side in enumerate(sides, start=1) if side != "schedule"]


def rasterise(pdf: Path, page: int, target: Path, *, pdftoppm: str = "pdftoppm") -> Path:
    """Rasterise page *page* (from 1) of *pdf* to the PNG *target* (``….png``), as the previews are."""
    stem = target.with_suffix("")
    options = ["-r", str(RESOLUTION), "-png", "-singlefile", "-f", str(page), "-l", str(page)]
    subprocess.run([pdftoppm, *options, str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")


def render_previews(spec: certgen.Spec, folder: Path, *, pdftoppm: str = "pdftoppm") -> list[Path]:
    """Render *spec*'s blank form and write each previewed side to *folder*/preview-SIDE.png."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "form.pdf"
        pdf.write_bytes(certgen.render(spec))
        for number, side in previewed_sides(spec):
            out.append(rasterise(pdf, number, folder / f"preview-{side}.png", pdftoppm=pdftoppm))
    return out


def previews(sample: Path) -> list[Path]:
    return render_previews(certgen.load_spec(sample / "spec.yaml"), sample)


def main(names: list[str]) -> None:
    samples = [HERE / name for name in names] if names else sorted(p.parent for p in HERE.glob("*/spec.yaml"))
    for sample in samples:
        for path in previews(sample):
            print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
