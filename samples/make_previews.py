"""Render each sample's blank form and save its sides as PNG previews (the README's gallery).

    python samples/make_previews.py            # every sample
    python samples/make_previews.py NAME ...   # some

Needs poppler's pdftoppm.  Each printed side becomes preview-face.png or
preview-reverse.png beside the spec (a schedule page is not previewed).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import certgen

HERE = Path(__file__).resolve().parent


def previews(sample: Path) -> list[Path]:
    spec = certgen.load_spec(sample / "spec.yaml")
    sides = [side for side, _ in spec.page_templates()]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "form.pdf"
        pdf.write_bytes(certgen.render(spec))
        for number, side in enumerate(sides, start=1):
            if side == "schedule":
                continue
            target = sample / f"preview-{side}.png"
            stem = Path(tmp) / side
            subprocess.run(
                ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(number), "-l", str(number), str(pdf), str(stem)],
                check=True,
            )
            target.write_bytes(stem.with_suffix(".png").read_bytes())
            out.append(target)
    return out


def main(names: list[str]) -> None:
    samples = [HERE / name for name in names] if names else sorted(p.parent for p in HERE.glob("*/spec.yaml"))
    for sample in samples:
        for path in previews(sample):
            print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
