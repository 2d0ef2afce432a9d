"""A spec's images and artwork come from its own folder (or one named in $CERTGEN_ASSET_PATH),
are what they claim to be, and template folders are folders that are never walked whole."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml

import certgen
from certgen import SpecError
from conftest import ROOT, SAMPLE_SPEC, load_sample, page_images, pdf_text


def _png(width: int = 8, height: int = 4, grey: bool = False) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    channels = 1 if grey else 3
    raw = zlib.compress((b"\x00" + bytes(width * channels)) * height, 1)
    header = struct.pack(">IIBBBBB", width, height, 8, 0 if grey else 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _spec(folder: Path, signature: str) -> Path:
    data = load_sample(SAMPLE_SPEC)
    data["issuer"]["officers"][0]["signature"] = signature
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _images(pdf: Path) -> int:
    return page_images(pdf)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A spec folder beside another folder (what a spec must not reach)."""
    folder = tmp_path / "issue"
    folder.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.png").write_bytes(_png())
    (folder / "notes.png").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "link.png").symlink_to(outside / "secret.png")
    (folder / "sub").mkdir()
    (folder / "sub" / "sig.png").write_bytes(_png())
    return folder


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("/etc/passwd", "signature image '/etc/passwd' is outside the spec's folder"),
        ("{outside}", "signature image '{outside}' is outside the spec's folder"),
        ("../elsewhere/secret.png", "signature image '../elsewhere/secret.png' is outside the spec's folder"),
        (
            "sub/../../elsewhere/secret.png",
            "signature image 'sub/../../elsewhere/secret.png' is outside the spec's folder",
        ),
        ("link.png", "signature image 'link.png' is a link to a file outside the spec's folder"),
        ("notes.png", "signature image 'notes.png' is not a PNG or JPEG image: give the image file"),
        ("sub", "signature image 'sub' is not a file"),
    ],
    ids=["absolute", "absolute-outside", "dotdot", "sub-dotdot", "symlink", "not-an-image", "folder"],
)
def test_a_signature_image_from_elsewhere_or_not_an_image_is_one_line(
    run_cli, issue: Path, signature: str, message: str
) -> None:
    outside = str(issue.parent / "elsewhere" / "secret.png")
    spec = _spec(issue, signature.format(outside=outside))
    out = issue / "out.pdf"
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        f"certgen: error: {spec}, line 7: issuer.officers[0].signature: {message.format(outside=outside)}"
    ), line
    if "outside" in message:
        assert (
            "keep images and artwork in the spec's folder (or its subfolders), or name their folder in $CERTGEN_ASSET_PATH"
            in line
        )


def test_images_come_from_the_spec_folder_or_an_asset_folder_only(
    run_cli, issue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = issue / "out.pdf"
    assert run_cli("render", _spec(issue, "sub/sig.png"), "-o", out).exit_code == 0
    assert _images(out) == 1
    assert (
        run_cli("render", _spec(issue, str(issue / "sub" / "sig.png")), "-o", out).exit_code == 0
    )  # absolute, inside
    out.unlink()
    elsewhere = issue.parent / "elsewhere"
    outside = ("../elsewhere/secret.png", str(elsewhere / "secret.png"), "link.png")
    for signature in outside:
        assert run_cli("render", _spec(issue, signature), "-o", out).exit_code == 1 and not out.exists()
    monkeypatch.setenv("CERTGEN_ASSET_PATH", f"/nonexistent{os.pathsep}{elsewhere}")  # the operator's folder
    for signature in outside:
        result = run_cli("render", _spec(issue, signature), "-o", out)
        assert result.exit_code == 0, result.stderr
        assert _images(out) == 1
        out.unlink()
    # a spec given as a mapping reads from the working folder
    monkeypatch.delenv("CERTGEN_ASSET_PATH")
    data = load_sample(SAMPLE_SPEC)
    data["issuer"]["officers"][0]["signature"] = "sub/sig.png"
    monkeypatch.chdir(issue)
    assert certgen.render(data)[:5] == b"%PDF-"
    data["issuer"]["officers"][0]["signature"] = "/etc/passwd"
    with pytest.raises(SpecError) as info:
        certgen.render(data)
    assert str(info.value).startswith(
        "issuer.officers[0].signature: signature image '/etc/passwd' is outside the spec's folder"
    )


def test_an_image_of_too_many_pixels_is_refused(run_cli, issue: Path) -> None:
    (issue / "huge.png").write_bytes(_png(6000, 5000, grey=True))  # 30 million pixels in 30 KB
    spec = _spec(issue, "huge.png")
    result = run_cli("render", spec, "-o", issue / "out.pdf")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert (
        "issuer.officers[0].signature: signature image 'huge.png' has more than 25,000,000 pixels" in line
    ), line


_FACE = """<page name="face" paper="letter" orientation="landscape">
  {element}
  <field name="registration" x="150" y="230" width="492" height="44" font="oldstandard" size="14" min-size="8" max-lines="3">{{registration}}</field>
</page>
"""


def _write_spec(spec: Path, data: dict[str, Any]) -> Path:
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return spec


def _my_face(issue: Path, element: str, *search_path: str) -> tuple[dict[str, Any], Path]:
    """The sample's spec in *issue* with a face of its own (tpl/mine/face) drawing *element*."""
    (issue / "tpl" / "mine").mkdir(parents=True, exist_ok=True)
    (issue / "tpl" / "mine" / "face.xml.j2").write_text(_FACE.format(element=element), encoding="utf-8")
    data = load_sample(SAMPLE_SPEC)
    data["templates"] = {
        "face": "mine/face",
        "reverse": "stock/reverse",
        "search_path": ["tpl", *search_path],
    }
    return data, _write_spec(issue / "spec.yaml", data)


def _refused(run_cli: Any, spec: Path, out: Path) -> str:
    """The one line of ``certgen render SPEC -o OUT`` refusing it (exit 1, nothing written)."""
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    return str(line)


#: A face element printing the file secret.txt of the template folders.
_INCLUDE_SECRET = '<text x="100" y="100" size="12">{% include "secret.txt" %}</text>'


@pytest.mark.parametrize(
    ("element", "message"),
    [
        (
            '<image src="/etc/passwd" x="0" y="0" width="10" height="10"/>',
            "<image>: attribute src: image file '/etc/passwd' is outside the spec's folder",
        ),
        (
            '<image src="../elsewhere/secret.png" x="0" y="0" width="10" height="10"/>',
            "<image>: attribute src: image file '../elsewhere/secret.png' is outside the spec's folder",
        ),
        (
            '<image src="notes.png" x="0" y="0" width="10" height="10"/>',
            "<image>: attribute src: image file 'notes.png' is not a PNG or JPEG image",
        ),
        (
            '<artwork src="/etc/passwd" x="0" y="0" width="10" height="10"/>',
            "<artwork>: attribute src: artwork file '/etc/passwd' is outside the spec's folder",
        ),
        (
            '<artwork src="link.png" x="0" y="0" width="10" height="10"/>',
            "<artwork>: attribute src: artwork file 'link.png' is a link to a file outside the spec's folder",
        ),
        (
            '<signature x="0" y="0" width="100" title="T" image="/etc/passwd"/>',
            "<signature>: attribute image: image file '/etc/passwd' is outside the spec's folder",
        ),
    ],
    ids=[
        "image-absolute",
        "image-dotdot",
        "image-not-an-image",
        "artwork-absolute",
        "artwork-symlink",
        "signature-absolute",
    ],
)
def test_a_template_cannot_draw_files_from_elsewhere(
    run_cli, issue: Path, element: str, message: str
) -> None:
    _, spec = _my_face(issue, element)
    line = _refused(run_cli, spec, issue / "out.pdf")
    assert "template mine/face.xml.j2, line 2: " + message in line, line


def test_a_search_path_entry_must_be_a_folder(run_cli, issue: Path) -> None:
    data = load_sample(SAMPLE_SPEC)
    for entry, message in (
        ("nope", "'nope' is not a folder (it does not exist)"),
        ("notes.png", "'notes.png' is not a folder:"),
    ):
        data["templates"] = {"search_path": ["sub", entry]}
        spec = issue / "spec.yaml"
        spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        result = run_cli("render", spec, "-o", issue / "out.pdf")
        assert result.exit_code == 1
        [line] = result.stderr.strip().splitlines()
        assert f"templates.search_path[1]: {message}" in line and "give folders of templates" in line, line


def test_a_search_path_outside_the_spec_folder_is_refused(
    run_cli, issue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template may include any file of its folders: a spec naming / (or any folder outside its
    own) as a template folder printed any file the user running certgen can read, e.g. the
    machine's name through {% include "etc/hostname" %}.  Refused, naming the key and the fix; a
    folder the operator names in $CERTGEN_ASSET_PATH is allowed."""
    secret = issue.parent / "elsewhere" / "secret.txt"
    secret.write_text("THE SECRET OF THIS MACHINE", encoding="utf-8")
    data, spec = _my_face(issue, _INCLUDE_SECRET, "../elsewhere")
    out = issue / "out.pdf"
    line = _refused(run_cli, spec, out)
    assert "templates.search_path[1]: '../elsewhere' is outside the spec's folder" in line, line
    assert "$CERTGEN_ASSET_PATH" in line
    for root in ("/", str(issue.parent)):
        data["templates"]["search_path"] = ["tpl", root]
        spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        with pytest.raises(certgen.CertgenError, match=r"search_path\[1\]: .* is outside the spec's folder"):
            certgen.prepare(spec)
    # The operator's choice: the folder named in $CERTGEN_ASSET_PATH is searched.
    monkeypatch.setenv("CERTGEN_ASSET_PATH", str(issue.parent / "elsewhere"))
    data["templates"]["search_path"] = ["tpl", "../elsewhere"]
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert run_cli("render", spec, "-o", out).exit_code == 0
    assert "THE SECRET OF THIS MACHINE" in pdf_text(out.read_bytes())[0]


def test_a_template_that_is_a_link_out_of_its_folder_is_refused(run_cli, issue: Path) -> None:
    """A template folder in the spec's folder holding a link to a file elsewhere (a template
    included, or the face itself): refused as it loads, naming the template."""
    secret = issue.parent / "elsewhere" / "secret.txt"
    secret.write_text("THE SECRET OF THIS MACHINE", encoding="utf-8")
    data, spec = _my_face(issue, _INCLUDE_SECRET)
    (issue / "tpl" / "secret.txt").symlink_to(secret)
    (issue / "tpl" / "mine" / "linked.xml.j2").symlink_to(issue / "tpl" / "mine" / "face.xml.j2")  # inside
    out = issue / "out.pdf"
    line = _refused(run_cli, spec, out)
    assert (
        f"{spec}: templates.face: template 'mine/face': 'secret.txt' ({issue / 'tpl' / 'secret.txt'}) is a link "
        in line
    )
    assert "to a file outside its template folder: keep templates" in line, line
    (issue / "tpl" / "secret.txt").unlink()
    (issue / "tpl" / "secret.txt").write_text("A TEXT OF THE ISSUE", encoding="utf-8")
    data["templates"]["face"] = "mine/linked"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert run_cli("render", spec, "-o", out).exit_code == 0
    assert "A TEXT OF THE ISSUE" in pdf_text(out.read_bytes())[0]


def test_a_legend_template_that_is_a_link_out_of_its_folder_names_the_template(run_cli, issue: Path) -> None:
    """A legend template of the spec's folder that is a link to a file elsewhere is refused naming
    the legend's template key and the link; it was reported on the legend's params with the fix
    of a missing value ("give the missing value under params:"), which no params could fix."""
    secret = issue.parent / "elsewhere" / "secret.txt"
    secret.write_text("THE SECRET OF THIS MACHINE", encoding="utf-8")
    (issue / "tpl" / "legends").mkdir(parents=True)
    (issue / "tpl" / "legends" / "mine.txt.j2").symlink_to(secret)
    data = load_sample(SAMPLE_SPEC)
    data["templates"]["search_path"] = ["tpl"]
    data["legends"].append({"template": "mine"})
    index = len(data["legends"]) - 1
    spec = issue / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = issue / "out.pdf"
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert f"legends[{index}].template: legend template 'mine': 'legends/mine.txt.j2' (" in line, line
    assert "is a link to a file outside its template folder: keep templates" in line
    assert "params" not in line and "THE SECRET" not in line


_MISSPELT = """
import sys, time, certgen, yaml
sys.path.insert(0, "tests")
from conftest import load_sample, SAMPLE_SPEC
data = load_sample(SAMPLE_SPEC)
data["templates"] = {"face": "stock/fase", "search_path": ["/"]}
start = time.perf_counter()
try:
    certgen.prepare(data)
except certgen.SpecError as exc:
    print(exc)
print(round(time.perf_counter() - start, 3))
"""


@pytest.mark.slow  # starts Python in a subprocess
def test_a_misspelt_template_with_search_path_root_answers_at_once() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _MISSPELT],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        env={**os.environ, "CERTGEN_ASSET_PATH": "/"},  # the operator allows it: a spec cannot
    )
    assert done.returncode == 0, done.stderr
    message, seconds = done.stdout.strip().splitlines()
    assert float(seconds) < 1.0
    assert message.startswith("templates.face: no layout template named 'stock/fase' (available: ")
    assert "stock/face" in message


def test_a_legend_template_given_a_non_number_is_one_line(issue: Path) -> None:
    (issue / "tpl" / "legends").mkdir(parents=True)
    (issue / "tpl" / "legends" / "rate.txt.j2").write_text(
        "INTEREST AT {{ params.rate | percent }} A YEAR.\n", encoding="utf-8"
    )
    data = load_sample(SAMPLE_SPEC)
    data["templates"] = {"search_path": ["tpl"]}
    data["legends"].append({"template": "rate", "params": {"rate": "abc"}})
    spec = issue / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        certgen.prepare(spec, validate=False)
    index = len(data["legends"]) - 1
    assert str(info.value).startswith(
        f"{spec}: legends[{index}].params: legend template 'rate': percent: 'abc' is not a number"
    )
