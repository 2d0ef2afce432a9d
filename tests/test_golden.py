"""Golden pages: each sample's blank form, rasterised as samples/make_previews.py rasterises it,
matches the committed preview (samples/NAME/preview-SIDE.png), so a layout change that moves
anything shows up here.

The comparison is made in grey levels, tile by tile: a side differs when some 32 x 32 pixel tile
holds more than 16 pixels that differ by more than 64 of 255 levels.  Anti-aliasing noise stays
under 64 levels; 2 pt (2.2 pixels at 80 dpi) moves the edges of whatever moved by whole pixels,
and the smallest element of a face moved 2 pt (the 9 pt "By" of the countersignature) changes
45 pixels in one tile.  A page-wide percentage would let such a move through (47 pixels of
598,400)."""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pypdf
import pytest
from PIL import Image, ImageChops

import certgen
from conftest import ROOT, load_sample, require_tool

SAMPLES = sorted(p.parent for p in (ROOT / "samples").glob("*/spec.yaml"))

TILE = 32  #: pixels, square
LEVELS = 64  #: a pixel differs when its grey level changes by more than this
PIXELS = 16  #: a side differs when a tile has more differing pixels than this


def _make_previews() -> ModuleType:
    """samples/make_previews.py, whose render_previews() made the committed previews."""
    spec = importlib.util.spec_from_file_location("make_previews", ROOT / "samples" / "make_previews.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_previews = _make_previews()


@dataclass
class Difference:
    pixels: int  #: pixels of the page that differ by more than LEVELS
    worst: int  #: of them, in the worst tile
    at: tuple[int, int]  #: that tile's top-left corner, in pixels

    @property
    def differs(self) -> bool:
        return self.worst > PIXELS


def compare(new: Path, golden: Path) -> Difference:
    """How far the rasterised page *new* is from the committed *golden* one."""
    a, b = Image.open(new).convert("L"), Image.open(golden).convert("L")
    if a.size != b.size:  # another paper size or orientation: every pixel differs
        count = max(a.width * a.height, b.width * b.height)
        return Difference(count, count, (0, 0))
    width, height = a.size
    marked = ImageChops.difference(a, b).point(lambda v: 1 if v > LEVELS else 0).tobytes()
    tiles: dict[tuple[int, int], int] = {}
    for y in range(height):
        row = marked[y * width : (y + 1) * width]
        for x in range(0, width, TILE):
            count = sum(row[x : x + TILE])
            if count:
                key = (x, y - y % TILE)
                tiles[key] = tiles.get(key, 0) + count
    if not tiles:
        return Difference(0, 0, (0, 0))
    at = max(tiles, key=lambda key: (tiles[key], -key[1], -key[0]))
    return Difference(sum(tiles.values()), tiles[at], at)


def golden_failures(sample: Path, spec: certgen.Spec, folder: Path) -> list[str]:
    """Render *spec*'s previews into *folder* and compare them with *sample*'s: a message for each
    side that differs."""
    made = make_previews.render_previews(spec, folder, pdftoppm=require_tool("pdftoppm"))
    failures = []
    for new in made:
        golden = sample / new.name
        if not golden.exists():
            failures.append(f"{sample.name}: {golden.name} is missing")
            continue
        diff = compare(new, golden)
        if diff.differs:
            side = new.stem.removeprefix("preview-")
            x, y = diff.at
            failures.append(
                f"{sample.name} {side}: {diff.pixels} pixels differ from {golden.relative_to(ROOT)} by more "
                f"than {LEVELS} grey levels, {diff.worst} of them in the {TILE}x{TILE} tile at ({x}, {y}) px "
                f"(tolerance {PIXELS} a tile): the layout moved. If that is meant, regenerate the preview "
                f"with `python samples/make_previews.py {sample.name}` and commit it."
            )
    return failures


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_blank_form_matches_its_committed_preview(sample: Path, tmp_path: Path) -> None:
    spec = certgen.load_spec(sample / "spec.yaml")
    failures = golden_failures(sample, spec, tmp_path)
    assert not failures, "\n".join(failures)
    committed = sorted(p.name for p in sample.glob("preview-*.png"))
    assert committed == sorted(f"preview-{side}.png" for _, side in make_previews.previewed_sides(spec))


def test_an_identical_render_differs_in_no_pixel(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "thornburg-series-b"
    spec = certgen.load_spec(sample / "spec.yaml")
    made = make_previews.render_previews(spec, tmp_path, pdftoppm=require_tool("pdftoppm"))
    assert [p.name for p in made] == ["preview-face.png", "preview-reverse.png"]
    for new in made:
        assert compare(new, sample / new.name) == Difference(0, 0, (0, 0))


SERIES_B = ROOT / "samples" / "thornburg-series-b"

#: (what moves, its text in templates/stock/face.xml.j2, the same moved 2 pt); the differing
#: pixels, page and worst tile, measured when written.
MOVES = {
    "issuer-name-down": (  # 30 pt title: 2824, 127
        '<text x="396" y="{{ 375 - drop }}"',
        '<text x="396" y="{{ 373 - drop }}"',
    ),
    "by-down": ('<text x="474" y="154"', '<text x="474" y="152"'),  # 9 pt "By": 47, 45
    "cusip-right": ('<text x="638" y="407"', '<text x="640" y="407"'),  # 8.5 pt CUSIP: 216, 58
    "dated-rule-down": (  # 0.5 pt rule: 350, 64
        '<rule x1="132" y1="187" x2="290" y2="187"',
        '<rule x1="132" y1="185" x2="290" y2="185"',
    ),
    "seal-right": ('<seal cx="396" cy="128"', '<seal cx="398" cy="128"'),  # 2842, 335
}


@pytest.mark.parametrize("move", MOVES, ids=list(MOVES))
def test_an_element_moved_by_2pt_is_reported(
    move: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = MOVES[move]
    source = (ROOT / "templates" / "stock" / "face.xml.j2").read_text(encoding="utf-8")
    assert source.count(old) == 1
    folder = tmp_path / "templates" / "stock"
    folder.mkdir(parents=True)
    (folder / "face.xml.j2").write_text(source.replace(old, new), encoding="utf-8")
    data = load_sample(SERIES_B / "spec.yaml")
    data["templates"]["search_path"] = [str(tmp_path / "templates")]  # searched before certgen's own
    monkeypatch.setenv("CERTGEN_ASSET_PATH", str(tmp_path))  # a folder outside the spec's, allowed
    spec = certgen.load_spec(data, base_dir=SERIES_B)
    (out := tmp_path / "out").mkdir()

    failures = golden_failures(SERIES_B, spec, out)

    assert len(failures) == 1, failures  # the face; the reverse is unchanged
    assert failures[0].startswith("thornburg-series-b face: ")
    assert "python samples/make_previews.py thornburg-series-b" in failures[0]
    diff = compare(out / "preview-face.png", SERIES_B / "preview-face.png")
    assert diff.worst > 2 * PIXELS, diff  # with room to spare
    assert compare(out / "preview-reverse.png", SERIES_B / "preview-reverse.png").pixels == 0


def test_the_whole_face_moved_by_2pt_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every element of the face 2 pt lower (76,915 pixels differ, 442 in the worst tile)."""
    render = certgen.render

    def moved(spec: Any, holders: Any = None) -> bytes:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(render(spec, holders))))
        writer.pages[0].add_transformation(pypdf.Transformation().translate(0, -2))
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    monkeypatch.setattr(certgen, "render", moved)
    failures = golden_failures(SERIES_B, certgen.load_spec(SERIES_B / "spec.yaml"), tmp_path)
    assert [f.split(":")[0] for f in failures] == ["thornburg-series-b face"]
    assert compare(tmp_path / "preview-face.png", SERIES_B / "preview-face.png").worst > 2 * PIXELS
