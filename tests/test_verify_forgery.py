"""certgen verify against forgeries of a genuine certificate: each one edits a certificate of
the Thornburg sample (signed with the sample key) the way a forger would, with pypdf or qpdf,
and verify must answer altered, naming the field, with --key as with --spec."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

import certgen
import certgen.pipeline
from certgen import prepare
from certgen.drawing.textops import face, sharing_face
from conftest import ROOT, SAMPLE_HOLDERS, SAMPLE_SPEC, page_png, pdf_text, require_tool

PUBLIC = ROOT / "samples" / "keys" / "SAMPLE-qr-public-key.pem"
BOTH = [("--key", PUBLIC), ("--spec", SAMPLE_SPEC)]

#: Each test forges a PDF and renders pages to find the ink: seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Certificates PB 0001 (100 shares) and PB 0002 (1,234,567 shares), face and reverse each."""
    path = tmp_path_factory.mktemp("genuine") / "certs.pdf"
    prepare(SAMPLE_SPEC).save(path, certgen.load_holders(SAMPLE_HOLDERS)[:2])
    return path


def _encoded(font: str, text: str) -> bytes:
    """*text* as the glyph ids of a literal string, as certgen writes it in *font*."""
    return face(sharing_face(font, text)).program.encode(text)[1:-1].encode("latin-1")


def _text_object(data: bytes, font: str, text: str) -> tuple[int, int]:
    """Where the text object (BT ... ET) that shows *text* lies in a content stream."""
    at = data.index(_encoded(font, text))
    return data.rindex(b"BT ", 0, at), data.index(b" ET", at) + 3


def _after_amount(data: bytes, operators: bytes) -> bytes:
    """*operators* drawn right after the text object of the genuine amount (**100**)."""
    end = _text_object(data, "oldstandard-bold", "**100**")[1]
    return data[:end] + operators + data[end:]


def _edit_first_page(source: Path, out: Path, edit) -> None:
    writer = pypdf.PdfWriter(clone_from=source)
    page = writer.pages[0]
    content = page.get_contents()
    content.set_data(edit(content.get_data()))
    page.replace_contents(content)
    writer.write(out)


def _verdicts(run_cli, pdf: Path, option: str, value: Path) -> tuple[int, list[dict]]:
    result = run_cli("verify", pdf, option, value, "--format", "json")
    return result.exit_code, json.loads(result.stdout)["results"]


def _assert_altered(run_cli, pdf: Path, field: str, page: int = 1) -> None:
    for option, value in BOTH:
        code, results = _verdicts(run_cli, pdf, option, value)
        named = [(r["status"], r["field"]) for r in results if r["page"] == page]
        assert code == 1 and named == [("altered", field)], (option, results)


def test_a_genuine_certificate_is_authentic_with_key_and_spec_and_says_what_was_compared(
    genuine: Path, run_cli
) -> None:
    for option, value in BOTH:
        code, results = _verdicts(run_cli, genuine, option, value)
        assert code == 0 and [r["status"] for r in results] == ["authentic", "authentic"]
        compared = results[0]["compared"]
        for name in (
            "signature",
            "fields",
            "certificate_number",
            "shares",
            "shares_words",
            "registration",
            "issue_date",
            "ink",
            "qr",
            "issuer",
            "cusip",
        ):
            assert name in compared, (option, compared)
        assert ("layout" in compared) == ("design" in compared) == (option == "--spec")
        # The key alone knows no design: its verdict says what it did not compare.
        assert results[0]["not_compared"] == ([] if option == "--spec" else ["design", "reverse"])
        assert ("reverse" in compared) == (option == "--spec")
        assert results[0]["payload"]["format"] == "CG2"


def test_shares_edited_to_1100_is_altered_with_the_key_alone(genuine: Path, tmp_path: Path, run_cli) -> None:
    """The attack on --key: the figures and words of a 100-share certificate edited to 1,100 in a
    qpdf-expanded file and repacked.  The old --key check found '100' and 'ONE HUNDRED' inside
    the forged text and said authentic."""
    qpdf = require_tool("qpdf")
    expanded = tmp_path / "qdf.pdf"
    subprocess.run(
        [qpdf, "--qdf", "--object-streams=disable", "--normalize-content=n", str(genuine), str(expanded)],
        check=True,
    )
    data = expanded.read_bytes()
    for font, before, after in (
        ("oldstandard-bold", "**100**", "**1,100**"),
        ("garamond-sc", "ONE HUNDRED", "ONE THOUSAND ONE HUNDRED"),
    ):
        assert data.count(_encoded(font, before)) == 1
        data = data.replace(_encoded(font, before), _encoded(font, after))
    expanded.write_bytes(data)
    forged = tmp_path / "forged.pdf"
    fix_qdf = shutil.which("fix-qdf") or require_tool("fix-qdf")
    fixed = subprocess.run([fix_qdf, str(expanded)], capture_output=True, check=True).stdout
    (tmp_path / "fixed.pdf").write_bytes(fixed)
    subprocess.run([qpdf, str(tmp_path / "fixed.pdf"), str(forged)], check=True)
    face_text = " ".join(pdf_text(forged.read_bytes())[0].split())
    assert "**1,100**" in face_text and "ONE THOUSAND ONE HUNDRED" in face_text
    _assert_altered(run_cli, forged, "shares")
    result = run_cli("verify", forged, "--key", PUBLIC)
    assert "altered: shares printed '**1,100**', the payload says '**100**'" in result.stdout


def test_a_registration_changed_under_the_key_alone_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    forged = tmp_path / "registration.pdf"
    # "María José García-López" becomes "María José García-Lópaz": one glyph.
    _edit_first_page(
        genuine,
        forged,
        lambda d: d.replace(_encoded("oldstandard", "López"), _encoded("oldstandard", "Lópaz")),
    )
    assert "García-Lópaz" in pdf_text(forged.read_bytes())[0]
    _assert_altered(run_cli, forged, "registration")


def _forge_amount(data: bytes, hide: bytes, show_as: bytes) -> bytes:
    """The genuine share count's text object changed by *hide*; the forged 1,100 drawn as *show_as* says."""
    start, end = _text_object(data, "oldstandard-bold", "**100**")
    original = data[start:end]
    forged = original.replace(
        _encoded("oldstandard-bold", "**100**"), _encoded("oldstandard-bold", "**1,100**")
    )
    return data[:start] + hide.replace(b"$", original) + b" " + show_as.replace(b"$", forged) + data[end:]


# Each way of keeping the genuine amount's text in the file while the face shows another.
HIDDEN = {
    # Invisible original (render mode 3), forged amount marked as an artifact: the old --spec
    # check read the invisible text and skipped the artifact.
    "invisible-and-artifact": (b"q 3 Tr $ Q", b"/Artifact BMC $ EMC"),
    # The original in white, the forgery as an artifact.
    "white": (b"q $ Q", b"/Artifact BMC $ EMC"),
    # The original clipped away (render mode 7 adds it to the clip only), the forgery in paths-free text.
    "clip-mode": (b"q 7 Tr $ Q", b"/Artifact BMC $ EMC"),
}


@pytest.mark.parametrize("case", sorted(HIDDEN))
def test_an_amount_kept_invisible_under_a_forged_artifact_is_altered(
    case: str, genuine: Path, tmp_path: Path, run_cli
) -> None:
    hide, show_as = HIDDEN[case]
    forged = tmp_path / f"{case}.pdf"

    def edit(data: bytes) -> bytes:
        out = _forge_amount(data, hide, show_as)
        if case == "white":
            start, end = _text_object(out, "oldstandard-bold", "**100**")
            out = out[:start] + out[start:end].replace(b" rg ", b" rg 1 1 1 rg ", 1) + out[end:]
        return out

    _edit_first_page(genuine, forged, edit)
    _assert_altered(run_cli, forged, "shares")


def test_an_amount_covered_or_clipped_is_not_printed(genuine: Path, tmp_path: Path, run_cli) -> None:
    """The genuine text is still in the file, in its box, in ink: but a white box covers it, or a
    clipping path cuts it away, so the face does not show it (the raster of the box tells)."""
    box = b"576 452 124 30 re"
    for name, edit in {
        "covered": lambda d: _after_amount(d, b" q 1 1 1 rg " + box + b" f Q"),
        "clipped": lambda d: (lambda s, e: d[:s] + b"q 0 0 1 1 re W n " + d[s:e] + b" Q" + d[e:])(
            *_text_object(d, "oldstandard-bold", "**100**")
        ),
    }.items():
        forged = tmp_path / f"{name}.pdf"
        _edit_first_page(genuine, forged, edit)
        assert "**100**" in pdf_text(forged.read_bytes())[0]  # the text still extracts
        _assert_altered(run_cli, forged, "shares")
        result = run_cli("verify", forged, "--key", PUBLIC)
        assert "is not visible in its box" in result.stdout


def _forged_amount(data: bytes) -> bytes:
    """A face's content with its amount in figures and in words changed from 100 to 1,100."""
    for font, before, after in (
        ("oldstandard-bold", "**100**", "**1,100**"),
        ("garamond-sc", "ONE HUNDRED", "ONE THOUSAND ONE HUNDRED"),
    ):
        data = data.replace(_encoded(font, before), _encoded(font, after))
    return data


def test_a_forged_face_shown_through_the_crop_box_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """A viewer shows a page's CropBox, verify read and rendered its MediaBox: the genuine face
    kept where verify looked, a forged one (1,100 shares) where a viewer looks.  Either a MediaBox
    twice as wide whose CropBox shows a forged copy beside the genuine face, or a MediaBox moved to
    begin left of the page, whose CropBox shows the forgery where the face was, the genuine copy
    out of sight on the left (where verify, reading from the MediaBox's corner, found its fields)."""
    for name, (content, media, crop) in {
        "beside": (
            lambda d: d + b"\nq 1 0 0 1 792 0 cm " + _forged_amount(d) + b" Q",
            [0, 0, 1584, 612],
            [792, 0, 1584, 612],
        ),
        "moved": (
            lambda d: b"q 1 0 0 1 -792 0 cm " + d + b" Q\n" + _forged_amount(d),
            [-792, 0, 792, 612],
            [0, 0, 792, 612],
        ),
    }.items():
        writer = pypdf.PdfWriter(clone_from=genuine)
        page = writer.pages[0]
        stream = page.get_contents()
        stream.set_data(content(stream.get_data()))
        page.replace_contents(stream)
        page.mediabox = RectangleObject(media)
        page.cropbox = RectangleObject(crop)
        forged = tmp_path / f"{name}.pdf"
        writer.write(forged)
        _assert_altered(run_cli, forged, "page")
        result = run_cli("verify", forged, "--key", PUBLIC)
        assert "so what a viewer shows or a printer prints is not the face compared" in result.stdout
    # Turned pages are named too.
    writer = pypdf.PdfWriter(clone_from=genuine)
    writer.pages[0].rotate(180)
    forged = tmp_path / "turned.pdf"
    writer.write(forged)
    _assert_altered(run_cli, forged, "page")


def _name(value: str) -> NameObject:
    return NameObject(value)


def test_what_only_a_printer_shows_over_a_face_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """Poppler (which verify renders with, and most screens) leaves out an annotation flagged
    Print and NoView, and a layer whose usage is print only; a printer prints them.  A stamp
    printing 1,100 on white over the amount: pdftocairo's print path and Ghostscript's -dPrinted
    both print it, while the face verify rendered showed the genuine 100."""
    pdftocairo = require_tool("pdftocairo")
    writer = pypdf.PdfWriter(clone_from=genuine)
    page = writer.pages[0]
    appearance = StreamObject()
    appearance.set_data(b"1 1 1 rg 0 0 124 30 re f 0.1 0.1 0.1 rg BT /F 15 Tf 40 10 Td (1,100) Tj ET")
    font = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/Type1"),
            _name("/BaseFont"): _name("/Times-Bold"),
        }
    )
    appearance.update(
        {
            _name("/Type"): _name("/XObject"),
            _name("/Subtype"): _name("/Form"),
            _name("/BBox"): RectangleObject([0, 0, 124, 30]),
            _name("/Resources"): DictionaryObject({_name("/Font"): DictionaryObject({_name("/F"): font})}),
        }
    )
    stamp = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Stamp"),
            _name("/Rect"): RectangleObject([576, 452, 700, 482]),
            _name("/F"): NumberObject(4 | 32),  # Print, NoView
            _name("/AP"): DictionaryObject({_name("/N"): writer._add_object(appearance)}),
        }
    )
    page[_name("/Annots")] = ArrayObject([writer._add_object(stamp)])
    forged = tmp_path / "stamp.pdf"
    writer.write(forged)
    printed = tmp_path / "printed.pdf"
    subprocess.run([pdftocairo, "-pdf", "-f", "1", "-l", "1", str(forged), str(printed)], check=True)
    assert "1,100" in pdf_text(printed.read_bytes())[0]
    _assert_altered(run_cli, forged, "page")
    result = run_cli("verify", forged, "--key", PUBLIC)
    assert "page 1 was changed: it carries a Stamp annotation" in result.stdout
    # A white box over the amount in a layer that is printed, not viewed (a viewer that honours
    # the print usage, as Acrobat does, prints it).
    writer = pypdf.PdfWriter(clone_from=genuine)
    group = writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/OCG"),
                _name("/Name"): TextStringObject("print"),
                _name("/Usage"): DictionaryObject(
                    {_name("/Print"): DictionaryObject({_name("/PrintState"): _name("/ON")})}
                ),
            }
        )
    )
    writer._root_object[_name("/OCProperties")] = DictionaryObject(
        {
            _name("/OCGs"): ArrayObject([group]),
            _name("/D"): DictionaryObject(
                {
                    _name("/OFF"): ArrayObject([group]),
                    _name("/AS"): ArrayObject(
                        [
                            DictionaryObject(
                                {
                                    _name("/Event"): _name("/Print"),
                                    _name("/Category"): ArrayObject([_name("/Print")]),
                                    _name("/OCGs"): ArrayObject([group]),
                                }
                            )
                        ]
                    ),
                }
            ),
        }
    )
    page = writer.pages[0]
    page["/Resources"][_name("/Properties")] = DictionaryObject({_name("/print"): group})
    content = page.get_contents()
    content.set_data(content.get_data() + b" /OC /print BDC q 1 1 1 rg 576 452 124 30 re f Q EMC")
    page.replace_contents(content)
    forged = tmp_path / "layer.pdf"
    writer.write(forged)
    _assert_altered(run_cli, forged, "page")
    result = run_cli("verify", forged, "--key", PUBLIC)
    assert "page 1 was changed: the file holds optional content (/OCProperties)" in result.stdout


def test_a_digit_redrawn_as_a_close_one_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """PB 0002's 1,234,567 shares shown as 1,234,667: the genuine text object is kept in the file,
    clipped away, and the forged amount drawn from the same font's glyphs through a text clip
    (render mode 7, which no text extraction counts as printed) filled with ink.  At 100 dpi a 6
    drawn for a 5 (or an 8 for a 0, a 5 for a 3) lies within a pixel of the genuine glyph's ink,
    and verify called it authentic."""
    genuine_amount, forged_amount = (
        _encoded("oldstandard-bold", t) for t in ("**1,234,567**", "**1,234,667**")
    )
    writer = pypdf.PdfWriter(clone_from=genuine)
    page = writer.pages[2]
    content = page.get_contents()
    data = content.get_data()
    start, end = _text_object(data, "oldstandard-bold", "**1,234,567**")
    original = data[start:end]
    redrawn = original.replace(b"BT ", b"BT 7 Tr ", 1).replace(genuine_amount, forged_amount)
    content.set_data(
        data[:start]
        + b"q 0 0 1 1 re W n "
        + original
        + b" Q q "
        + redrawn
        + b" 0.106 0.114 0.11 rg 576 452 124 30 re f Q"
        + data[end:]
    )
    page.replace_contents(content)
    forged = tmp_path / "digit.pdf"
    writer.write(forged)
    for option, value in BOTH:
        code, results = _verdicts(run_cli, forged, option, value)
        named = [(r["page"], r["status"], r["field"]) for r in results]
        assert code == 1 and named == [(1, "authentic", None), (3, "altered", "shares")], (option, results)
    assert "at 300 dpi" in results[1]["message"]


def test_ink_drawn_beside_a_genuine_amount_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """Paths, not text: a bar drawn into the shares box shows on the face, so the box's ink differs."""
    forged = tmp_path / "ink.pdf"
    _edit_first_page(genuine, forged, lambda d: _after_amount(d, b" q 0 0 0 rg 590 460 8 14 re f Q"))
    _assert_altered(run_cli, forged, "shares")


def _qr_block(data: bytes) -> tuple[int, int]:
    start = data.index(b"q ", data.index(b"Do") + 2)
    return start, data.index(b"EI Q", start) + 4


def test_the_code_of_another_certificate_pasted_on_a_face_is_named(
    genuine: Path, tmp_path: Path, run_cli
) -> None:
    """The code drawn on PB 0001 replaced by PB 0002's: the file still stores PB 0001's payload."""
    reader = pypdf.PdfReader(genuine)
    other = reader.pages[2].get_contents().get_data()
    s, e = _qr_block(other)
    forged = tmp_path / "pasted.pdf"
    _edit_first_page(genuine, forged, lambda d: (lambda a, b: d[:a] + other[s:e] + d[b:])(*_qr_block(d)))
    _assert_altered(run_cli, forged, "qr")
    result = run_cli("verify", forged, "--key", PUBLIC)
    assert "the code drawn on the face reads certificate PB 0002" in result.stdout
    # Its scan: the code proves PB 0002, and the verdict says the face was not compared.
    page_png(forged, tmp_path / "scan", dpi=200)
    result = run_cli("verify", tmp_path / "scan.png", "--key", PUBLIC, "--format", "json")
    (answer,) = json.loads(result.stdout)["results"]
    assert answer["payload"]["certificate_number"] == "PB 0002"
    assert answer["compared"] == ["signature"]
    assert answer["not_compared"] == ["certificate_number", "amount", "registration", "issue_date"]
    assert "the printed fields were not compared" in answer["message"]
    assert "check that the face prints certificate PB 0002, 1,234,567 shares" in answer["message"]


@pytest.mark.parametrize("dpi", [150, 200])
def test_a_scan_of_a_genuine_face_is_authentic_and_says_the_fields_were_not_compared(
    dpi: int, genuine: Path, tmp_path: Path, run_cli
) -> None:
    page_png(genuine, tmp_path / "scan", dpi=dpi)
    for option, value in BOTH:
        result = run_cli("verify", tmp_path / "scan.png", option, value)
        assert result.exit_code == 0, result.stdout
        assert "authentic: certificate PB 0001" in result.stdout
        assert "a scan proves the code only: the printed fields were not compared" in result.stdout


def test_a_forged_face_appended_without_a_payload_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """A copy of a genuine face, its amount edited and its payload removed, added to the file."""
    writer = pypdf.PdfWriter(clone_from=genuine)
    writer.append(genuine, pages=[0])
    page = writer.pages[-1]
    for key in ("/CertgenPayload", "/CertgenFields"):
        del page[key]
    content = page.get_contents()
    content.set_data(
        content.get_data().replace(
            _encoded("oldstandard-bold", "**100**"), _encoded("oldstandard-bold", "**1,100**")
        )
    )
    page.replace_contents(content)
    forged = tmp_path / "appended.pdf"
    writer.write(forged)
    _assert_altered(run_cli, forged, "page", page=5)
    result = run_cli("verify", forged, "--key", PUBLIC)
    assert "page 5 looks like a certificate face" in result.stdout
    # The same face with its design's forms drawn inline (no shared form object) is found by its words.
    writer = pypdf.PdfWriter(clone_from=forged)
    page = writer.pages[-1]
    content = page.get_contents()
    data = content.get_data()
    resources = DictionaryObject({NameObject("/Font"): page["/Resources"]["/Font"]})
    inner = DictionaryObject()
    for name, form in page["/Resources"]["/XObject"].items():
        form = form.get_object()
        data = data.replace(f"{name} Do".encode(), b"q " + form.get_data() + b" Q")
        inner.update(form["/Resources"].get("/XObject", {}))
    resources[NameObject("/XObject")] = inner
    content.set_data(data)
    page.replace_contents(content)
    page[NameObject("/Resources")] = resources
    writer.write(forged)
    assert "**1,100**" in pdf_text(forged.read_bytes())[4]
    code, results = _verdicts(run_cli, forged, "--key", PUBLIC)
    assert code == 1 and [(r["page"], r["field"]) for r in results if r["status"] != "authentic"] == [
        (5, "page")
    ]
    assert "it prints the certificate face's text" in results[-1]["message"]


def test_a_changed_field_map_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """Moving a box in the stored field map breaks the digest the payload signs."""
    writer = pypdf.PdfWriter(clone_from=genuine)
    page = writer.pages[0]
    page[NameObject("/CertgenFields")] = TextStringObject(
        str(page["/CertgenFields"]).replace('"shares","text",576', '"shares","text",575')
    )
    forged = tmp_path / "map.pdf"
    writer.write(forged)
    _assert_altered(run_cli, forged, "fields")


def test_a_certificate_of_another_issue_of_the_same_key_is_not_authentic_with_the_spec(
    tmp_path: Path, run_cli
) -> None:
    """The issuer's common stock (CUSIP 885218107) and its Series B preferred (885218305) share the
    key and the face's layout: a genuine common-stock certificate verified with the preferred's spec
    was authentic (signature, field map and printed fields all agree), as was its payload string."""
    common = ROOT / "samples" / "thornburg-common"
    pdf = tmp_path / "common.pdf"
    prepare(common / "spec.yaml").save(pdf, certgen.load_holders(common / "holders.csv")[:1])
    code, results = _verdicts(run_cli, pdf, "--spec", SAMPLE_SPEC)
    assert code == 1 and [(r["status"], r["field"]) for r in results] == [("altered", "cusip")], results
    assert (
        "a certificate of another issue, its cusip '885218107' is not the spec's '885218305'"
        in results[0]["message"]
    )
    payload = str(pypdf.PdfReader(pdf).pages[0]["/CertgenPayload"])
    result = run_cli("verify", "--payload", payload, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 1 and "altered: certificate TMA 000101" in result.stdout
    # With its own spec, or the key alone (which names no issue), it is authentic.
    for option, value in (("--spec", common / "spec.yaml"), ("--key", PUBLIC)):
        code, results = _verdicts(run_cli, pdf, option, value)
        assert code == 0 and ("issue" in results[0]["compared"]) == (option == "--spec"), results


def test_a_cg1_certificate_is_judged_only_against_the_spec(tmp_path: Path, run_cli, monkeypatch) -> None:
    """An older certificate (CG1: no field map signed): --spec finds its fields by the layout and
    compares them all; --key alone refuses to call it authentic (it cannot know the boxes)."""
    monkeypatch.setattr(certgen.pipeline.PreparedIssue, "fields_digest", lambda self: None)
    made = tmp_path / "made.pdf"
    prepare(SAMPLE_SPEC).save(made, certgen.load_holders(SAMPLE_HOLDERS)[:1])
    writer = pypdf.PdfWriter(clone_from=made)
    assert str(writer.pages[0]["/CertgenPayload"]).startswith("CG1|")
    del writer.pages[0]["/CertgenFields"]
    cg1 = tmp_path / "cg1.pdf"
    writer.write(cg1)
    code, results = _verdicts(run_cli, cg1, "--spec", SAMPLE_SPEC)
    assert code == 0 and results[0]["status"] == "authentic", results
    assert "a CG1 payload signs no field map" in results[0]["message"] and "qr" in results[0]["compared"]
    code, results = _verdicts(run_cli, cg1, "--key", PUBLIC)
    assert (
        code == 2
        and results[0]["status"] == "unreadable"
        and "verify it with --spec SPEC" in results[0]["message"]
    )
    # And a forged amount on it is named with --spec.
    forged = tmp_path / "cg1-forged.pdf"
    _edit_first_page(
        cg1,
        forged,
        lambda d: d.replace(
            _encoded("oldstandard-bold", "**100**"), _encoded("oldstandard-bold", "**1,100**")
        ),
    )
    code, results = _verdicts(run_cli, forged, "--spec", SAMPLE_SPEC)
    assert code == 1 and (results[0]["status"], results[0]["field"]) == ("altered", "shares")


_SIGNED = [
    p.parent for p in sorted((ROOT / "samples").glob("*/spec.yaml")) if (p.parent / "holders.csv").exists()
]


@pytest.mark.parametrize("sample", _SIGNED, ids=[p.name for p in _SIGNED])
def test_every_samples_genuine_certificate_is_authentic(sample: Path, tmp_path: Path) -> None:
    """A genuine certificate of each kind (stock, notes, warrants, units) is authentic, with the
    spec and with the key alone: no fixed text of the face reaches into a signed field's box."""
    spec = certgen.load_spec(sample / "spec.yaml")
    assert spec.qr is not None, f"{sample.name}: a sample with holders carries the signed code"
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(certgen.render(spec, certgen.load_holders(sample / "holders.csv")[:1]))
    key = sample / spec.qr.public_key
    for verdict in (*certgen.verify(pdf, spec=spec), *certgen.verify(pdf, key=key)):
        assert verdict.status == "authentic", verdict.message


# -- outside the fields: the face's design ---------------------------------------------------

COMMON = ROOT / "samples" / "thornburg-common"
COMMON_BOTH = [("--key", PUBLIC), ("--spec", COMMON / "spec.yaml")]


@pytest.fixture(scope="module")
def common(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A genuine certificate of the issuer's common stock (CUSIP 885218 10 7), whose key also
    signs its Series B preferred's (CUSIP 885218 30 5)."""
    path = tmp_path_factory.mktemp("common") / "common.pdf"
    prepare(COMMON / "spec.yaml").save(path, certgen.load_holders(COMMON / "holders.csv")[:1])
    return path


def _edit_forms(source: Path, out: Path, edit) -> None:
    """*edit* applied to the content of each Form XObject the face draws (its static design)."""
    writer = pypdf.PdfWriter(clone_from=source)
    edited = 0
    for ref in writer.pages[0]["/Resources"]["/XObject"].values():
        form = ref.get_object()
        data = form.get_data()
        if edit(data) != data:
            form.set_data(edit(data))
            edited += 1
    assert edited == 1
    writer.write(out)


def _title_box(pdf: Path) -> tuple[float, float, float, float]:
    """The box of the face's title (COMMON STOCK, a line of its own), in points."""
    from certgen.pdftext import read_pdf

    glyphs = read_pdf(pdf)[0].glyphs
    runs: dict[int, list] = {}
    for glyph in glyphs:
        runs.setdefault(glyph.run, []).append(glyph)
    (title,) = [run for run in runs.values() if "".join(g.text for g in run).strip() == "COMMON STOCK"]
    return (
        min(g.x0 for g in title),
        min(g.y0 for g in title),
        max(g.x1 for g in title),
        max(g.y1 for g in title),
    )


def _draw_on_face(source: Path, out: Path, operators: bytes, form: bytes | None = None) -> None:
    """*operators* drawn over the face (after everything), with Helvetica as /Hv; with *form*,
    they are the content of a Form XObject /Over that the face draws last."""
    writer = pypdf.PdfWriter(clone_from=source)
    page = writer.pages[0]
    font = writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Font"),
                _name("/Subtype"): _name("/Type1"),
                _name("/BaseFont"): _name("/Helvetica-Bold"),
            }
        )
    )
    resources = page["/Resources"]
    if form is None:
        resources["/Font"][_name("/Hv")] = font
    else:
        over = StreamObject()
        over.set_data(operators)
        over.update(
            {
                _name("/Type"): _name("/XObject"),
                _name("/Subtype"): _name("/Form"),
                _name("/BBox"): RectangleObject([0, 0, 792, 612]),
                _name("/Resources"): DictionaryObject(
                    {_name("/Font"): DictionaryObject({_name("/Hv"): font})}
                ),
            }
        )
        resources["/XObject"][_name("/Over")] = writer._add_object(over)
        operators = form
    content = page.get_contents()
    content.set_data(content.get_data() + b" " + operators)
    page.replace_contents(content)
    writer.write(out)


def test_a_common_stock_face_whose_cusip_is_edited_into_the_preferreds_is_altered(
    common: Path, tmp_path: Path, run_cli
) -> None:
    """The CUSIP printed in the design (no field's box) edited from the common's 885218 10 7 to
    the preferred's 885218 30 5, in the Form XObject's content; or the preferred's CUSIP printed
    beside the genuine one.  Both were authentic with --key: the payload signs the CUSIP, the
    face was never compared with it."""
    edited = tmp_path / "cusip.pdf"
    _edit_forms(
        common,
        edited,
        lambda d: d.replace(_encoded("garamond", "885218 10 7"), _encoded("garamond", "885218 30 5")),
    )
    assert "CUSIP 885218 30 5" in pdf_text(edited.read_bytes())[0]
    added = tmp_path / "added.pdf"
    _draw_on_face(common, added, b"BT /Hv 9 Tf 0.1 0.1 0.1 rg 600 560 Td (CUSIP 885218 30 5) Tj ET")
    for forged, says in (
        (edited, "the face does not print the payload's CUSIP 885218107"),
        (added, "the face prints CUSIP 885218305, which the payload does not sign"),
    ):
        for option, value in COMMON_BOTH:
            code, results = _verdicts(run_cli, forged, option, value)
            assert code == 1 and [(r["status"], r["field"]) for r in results] == [("altered", "cusip")], (
                results
            )
            assert says in results[0]["message"], results


def test_a_common_stock_face_retitled_is_altered_with_the_spec(common: Path, tmp_path: Path, run_cli) -> None:
    """The title COMMON STOCK made SERIES B PREFERRED STOCK, the CUSIP and issuer left alone: in the
    design's Form XObject; by a white box and new text over the title; by a white box alone (the
    title still extracts); by a Form XObject of the forger's drawn over the face.  --spec compares
    the face's design with the spec's (its forms, its fixed text, its ink outside the fields'
    boxes) and names it; --key cannot know the title, and its verdict says the design was not
    compared (it was authentic without saying so)."""
    x0, y0, x1, y1 = _title_box(common)
    white = f"q 1 1 1 rg {x0 - 2:.1f} {y0 - 2:.1f} {x1 - x0 + 4:.1f} {y1 - y0 + 4:.1f} re f Q".encode()
    retitle = (
        white
        + f" BT /Hv 11 Tf 0.1 0.1 0.1 rg {x0 - 30:.1f} {y0:.1f} Td (SERIES B PREFERRED STOCK) Tj ET".encode()
    )
    forgeries = {}
    forgeries["form-content"] = tmp_path / "form-content.pdf"
    _edit_forms(
        common,
        forgeries["form-content"],
        lambda d: (
            d.replace(_encoded("garamond", "COMMON STOCK"), _encoded("garamond", "PREFERRED STOCK"), 1)
            if _encoded("garamond", "885218 10 7") in d  # the heading: title and CUSIP
            else d
        ),
    )
    forgeries["white-box-and-text"] = tmp_path / "white-box-and-text.pdf"
    _draw_on_face(common, forgeries["white-box-and-text"], retitle)
    forgeries["white-box"] = tmp_path / "white-box.pdf"
    _draw_on_face(common, forgeries["white-box"], white)
    forgeries["overlaid-form"] = tmp_path / "overlaid-form.pdf"
    _draw_on_face(common, forgeries["overlaid-form"], retitle, form=b"q /Over Do Q")
    assert "COMMON STOCK" in pdf_text(forgeries["white-box"].read_bytes())[0]
    spec = COMMON / "spec.yaml"
    for name, forged in forgeries.items():
        code, results = _verdicts(run_cli, forged, "--spec", spec)
        assert code == 1 and [(r["status"], r["field"]) for r in results] == [("altered", "design")], (
            name,
            results,
        )
        says = "Form XObject" if name in ("form-content", "overlaid-form") else "outside the fields' boxes"
        assert says in results[0]["message"], (name, results)
        code, results = _verdicts(run_cli, forged, "--key", PUBLIC)
        assert code == 0 and results[0]["not_compared"] == ["design", "reverse"], (name, results)
        assert "verify with --spec SPEC to compare its title" in results[0]["message"]


def test_a_print_file_with_crop_marks_and_an_overlay_face_are_authentic_and_compared(tmp_path: Path) -> None:
    """The design is compared where the face lies on the sheet (crop marks move it), with the
    blank back of a duplex sheet between certificates; a face that prints its fields alone
    (overlay mode) is compared with blank paper, and ink drawn beside its fields is named."""
    from certgen.drawing import PrintOptions

    notes = ROOT / "samples" / "thornburg-notes-global"
    spec = certgen.load_spec(notes / "spec.yaml")
    issue = prepare(spec)
    holders = certgen.load_holders(notes / "holders.csv")  # one note: three pages and a blank back
    for name, options in {
        "crop-marks": PrintOptions(order="duplex", crop_marks=True),
        "overlay": PrintOptions(order="pages", fields_only=True),
    }.items():
        pdf = tmp_path / f"{name}.pdf"
        with open(pdf, "wb") as out:
            issue.write(out, holders, options=options)
        verdicts = certgen.verify(pdf, spec=spec)
        assert [v.status for v in verdicts] == ["authentic"], [str(v) for v in verdicts]
        assert all("design" in v.compared for v in verdicts)
    forged = tmp_path / "overlay-forged.pdf"
    _draw_on_face(tmp_path / "overlay.pdf", forged, b"q 0 0 0 rg 300 560 90 6 re f Q")  # a bar, no text
    (verdict,) = certgen.verify(forged, spec=spec)
    assert (verdict.status, verdict.field) == ("altered", "design"), verdict.message
    assert "is not blank paper" in verdict.message


def _image_page(png: Path, out: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        image.convert("RGB").save(out, resolution=150)


def test_a_rasterised_face_added_to_the_file_is_named(genuine: Path, tmp_path: Path, run_cli) -> None:
    """A copy of a face as a picture (no text: its words, fields and payload gone) added to a
    genuine file: verify judged the faces it found and called the file authentic.  A picture
    that shows a certificate's code is a copy of a face (altered); any other page that shows ink
    and prints no text is one verify cannot compare (unreadable: the file is not vouched for)."""
    from PIL import Image, ImageDraw

    page_png(genuine, tmp_path / "face", dpi=150)
    with Image.open(tmp_path / "face.png") as image:
        blotted = image.convert("L")
    ImageDraw.Draw(blotted).rectangle((0, 0, blotted.width // 2, blotted.height), fill=255)
    blotted.save(tmp_path / "half.png")
    for png, status, says in (
        ("face.png", "altered", "page 5 shows the code of certificate PB 0001"),
        ("half.png", "unreadable", "page 5 shows an image or drawing and prints no text"),
    ):
        picture = tmp_path / f"{png}.pdf"
        _image_page(tmp_path / png, picture)
        writer = pypdf.PdfWriter(clone_from=genuine)
        writer.append(picture)
        forged = tmp_path / f"with-{png}.pdf"
        writer.write(forged)
        assert pdf_text(forged.read_bytes())[4].strip() == ""
        for option, value in BOTH:
            code, results = _verdicts(run_cli, forged, option, value)
            assert [(r["page"], r["status"]) for r in results] == [
                (1, "authentic"),
                (3, "authentic"),
                (5, status),
            ], results
            assert code == (1 if status == "altered" else 2) and says in results[-1]["message"], results


# -- the reverse: legends, the assignment form ------------------------------------------------


def _reverse_form(writer: pypdf.PdfWriter, index: int = 1) -> StreamObject:
    """The Form XObject that draws the reverse's static design (its legends) on page *index*."""
    (ref,) = writer.pages[index]["/Resources"]["/XObject"].values()
    return ref.get_object()


def _set_content(writer: pypdf.PdfWriter, index: int, data: bytes) -> None:
    """Page *index*'s content made *data*, in a stream of its own (the reverses of a file share one)."""
    stream = StreamObject()
    stream.set_data(data)
    writer.pages[index][NameObject("/Contents")] = writer._add_object(stream)


def _legend_box(pdf: Path, word: str, page: int = 2) -> tuple[float, float, float, float]:
    """The box of the line of the reverse that prints *word*, in points."""
    from certgen.pdftext import read_pdf

    runs: dict[int, list] = {}
    for glyph in read_pdf(pdf)[page - 1].glyphs:
        runs.setdefault(glyph.run, []).append(glyph)
    (line,) = [run for run in runs.values() if word in "".join(g.text for g in run)]
    return min(g.x0 for g in line), min(g.y0 for g in line), max(g.x1 for g in line), max(g.y1 for g in line)


def test_a_reverse_whose_legend_is_edited_covered_or_swapped_is_altered_with_the_spec(
    genuine: Path, common: Path, tmp_path: Path, run_cli
) -> None:
    """The REIT's ownership limit on the reverse of PB 0001, 9.9%, made 99% in the reverse's Form
    XObject, or in its content (the form drawn inline); the legend covered by a white box (its
    text still extracts); the reverse replaced by the common stock's (same issuer, its own
    legends).  verify compared the faces only and called each authentic; --spec now compares
    each certificate's reverse with the form's (its Form XObjects, its fixed text, its ink at 100
    dpi) and names it (field reverse, its page); --key says it did not compare the reverse."""
    limit, forged_limit = _encoded("garamond", "9.9%"), _encoded("garamond", "99%")
    forgeries = {}
    writer = pypdf.PdfWriter(clone_from=genuine)
    form = _reverse_form(writer)
    assert form.get_data().count(limit) == 1
    copy = StreamObject()  # PB 0002's reverse draws the same form: PB 0001's gets a copy of its own
    copy.update({key: value for key, value in form.items() if key not in ("/Length", "/Filter")})
    copy.set_data(form.get_data().replace(limit, forged_limit))
    xobjects = writer.pages[1]["/Resources"]["/XObject"]
    (name,) = xobjects.keys()
    writer.pages[1][NameObject("/Resources")] = DictionaryObject(
        {
            **writer.pages[1]["/Resources"],
            NameObject("/XObject"): DictionaryObject({NameObject(name): writer._add_object(copy)}),
        }
    )
    forgeries["form-content"] = tmp_path / "form-content.pdf"
    writer.write(forgeries["form-content"])
    writer = pypdf.PdfWriter(clone_from=genuine)
    page = writer.pages[1]
    form = _reverse_form(writer)
    data = page.get_contents().get_data()
    (name,) = page["/Resources"]["/XObject"].keys()
    edited = form.get_data().replace(limit, forged_limit)
    _set_content(writer, 1, data.replace(f"{name} Do".encode(), b"q " + edited + b" Q"))
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): form["/Resources"]["/Font"]})
    forgeries["page-content"] = tmp_path / "page-content.pdf"
    writer.write(forgeries["page-content"])
    x0, y0, x1, y1 = _legend_box(genuine, "9.9%")
    writer = pypdf.PdfWriter(clone_from=genuine)
    white = f" q 1 1 1 rg {x0 - 1:.1f} {y0 - 1:.1f} {x1 - x0 + 2:.1f} {y1 - y0 + 2:.1f} re f Q".encode()
    _set_content(writer, 1, writer.pages[1].get_contents().get_data() + white)
    forgeries["white-box"] = tmp_path / "white-box.pdf"
    writer.write(forgeries["white-box"])
    writer = pypdf.PdfWriter()
    writer.append(genuine, pages=[0])
    writer.append(common, pages=[1])
    writer.append(genuine, pages=[2, 3])
    forgeries["swapped"] = tmp_path / "swapped.pdf"
    writer.write(forgeries["swapped"])
    for name, forged in forgeries.items():
        text = pdf_text(forged.read_bytes())
        assert ("9.9%" in text[1]) == (name == "white-box") and text[3] == pdf_text(genuine.read_bytes())[3]
        code, results = _verdicts(run_cli, forged, "--spec", SAMPLE_SPEC)
        assert code == 1 and [(r["page"], r["status"], r["field"]) for r in results] == [
            (1, "altered", "reverse"),
            (3, "authentic", None),
        ], (name, results)
        assert "its reverse, page 2" in results[0]["message"], (name, results)
        says = "outside the fields' boxes" if name == "white-box" else "Form XObject"
        assert (says in results[0]["message"]) == (name != "white-box"), (name, results)
        assert "reverse" in results[1]["compared"]
        code, results = _verdicts(run_cli, forged, "--key", PUBLIC)
        assert code == 0 and all(r["not_compared"] == ["design", "reverse"] for r in results), (name, results)
        assert (
            "verify with --spec SPEC to compare its title, text and art, and the reverse"
            in results[0]["message"]
        )


def test_a_certificate_without_its_reverse_or_with_a_page_added_is_altered_with_the_spec(
    genuine: Path, tmp_path: Path, run_cli
) -> None:
    """PB 0001's reverse (its restrictions on ownership) removed from the file, or a page of the
    forger's (text only) added after it: the certificate is not the form's two pages."""
    removed = tmp_path / "removed.pdf"
    writer = pypdf.PdfWriter()
    writer.append(genuine, pages=[0, 2, 3])
    writer.write(removed)
    added = tmp_path / "added.pdf"
    writer = pypdf.PdfWriter(clone_from=genuine)
    writer.insert_blank_page(index=2)
    _draw_text = b"BT /Hv 10 Tf 72 700 Td (The ownership limit above is waived for this holder.) Tj ET"
    writer.write(added)
    _draw_on_page(added, added, 2, _draw_text)
    for forged, says in (
        (removed, "the certificate lacks its reverse: 0 page(s) printing text follow its face (pages: none)"),
        (
            added,
            "is followed by pages that are not its reverse: 2 page(s) printing text follow its face (pages: 2, 3)",
        ),
    ):
        code, results = _verdicts(run_cli, forged, "--spec", SAMPLE_SPEC)
        assert code == 1 and [(r["status"], r["field"]) for r in results][0] == ("altered", "reverse"), (
            results
        )
        assert says in results[0]["message"], results
        assert [r["status"] for r in results[1:]] == ["authentic"], results


def _draw_on_page(source: Path, out: Path, index: int, operators: bytes) -> None:
    """*operators* drawn on page *index*, with Helvetica as /Hv."""
    writer = pypdf.PdfWriter(clone_from=source)
    page = writer.pages[index]
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/Hv"): font})}
    )
    content = StreamObject()
    content.set_data(operators)
    page.replace_contents(content)
    writer.write(out)


def test_print_files_in_every_order_are_authentic_with_their_reverses_compared(tmp_path: Path) -> None:
    """A print file's banner page (it names the face's resources and draws none: it was called a
    face without a payload), a simplex file's reverses after all the faces (dealt out in the
    faces' order), each certificate's reverse compared."""
    from certgen.drawing import PrintOptions

    spec = certgen.load_spec(SAMPLE_SPEC)
    issue = prepare(spec)
    holders = certgen.load_holders(SAMPLE_HOLDERS)[:3]
    for name, options in {
        "duplex-banner": PrintOptions(order="duplex", banner=("Job 1", "three certificates")),
        "simplex-crop-marks": PrintOptions(order="simplex", crop_marks=True),
    }.items():
        pdf = tmp_path / f"{name}.pdf"
        with open(pdf, "wb") as out:
            issue.write(out, holders, options=options)
        verdicts = certgen.verify(pdf, spec=spec)
        assert [v.status for v in verdicts] == ["authentic"] * 3, [str(v) for v in verdicts]
        assert all("reverse" in v.compared for v in verdicts)
    # The simplex file's second reverse (page 5, certificate PB 0002's) covered in part.
    forged = tmp_path / "simplex-forged.pdf"
    writer = pypdf.PdfWriter(clone_from=tmp_path / "simplex-crop-marks.pdf")
    _set_content(writer, 4, writer.pages[4].get_contents().get_data() + b" q 1 1 1 rg 80 500 200 40 re f Q")
    writer.write(forged)
    verdicts = certgen.verify(forged, spec=spec)
    assert [(v.page, v.status, v.field) for v in verdicts] == [
        (1, "authentic", None),
        (2, "altered", "reverse"),
        (3, "authentic", None),
    ], [str(v) for v in verdicts]
    assert "its reverse, page 5" in verdicts[1].message


def test_a_reverse_that_prints_a_field_is_compared_outside_its_box(tmp_path: Path) -> None:
    """A spec whose reverse prints the certificate number (a template of its own): the field's box
    is left out of the reverse's comparison, and the verdict says so (``reverse:certificate_number``);
    a legend covered elsewhere on that reverse is still named."""
    issue_dir = tmp_path / "issue"
    (issue_dir / "tpl" / "mine").mkdir(parents=True)
    shutil.copytree(ROOT / "samples" / "keys", tmp_path / "keys")
    spec_text = SAMPLE_SPEC.read_text(encoding="utf-8")
    assert "  reverse: stock/reverse\n" in spec_text
    (issue_dir / "spec.yaml").write_text(
        spec_text.replace("  reverse: stock/reverse\n", "  reverse: mine/reverse\n  search_path: [tpl]\n"),
        encoding="utf-8",
    )
    reverse = (ROOT / "templates" / "stock" / "reverse.xml.j2").read_text(encoding="utf-8")
    field = (
        '  <field name="certificate_number" x="640" y="40" width="100" height="14" font="oldstandard-bold" '
        'size="10" min-size="8">{certificate_number}</field>\n</page>'
    )
    (issue_dir / "tpl" / "mine" / "reverse.xml.j2").write_text(
        reverse.replace("</page>", field), encoding="utf-8"
    )
    spec = certgen.load_spec(issue_dir / "spec.yaml")
    pdf = tmp_path / "certs.pdf"
    prepare(spec).save(pdf, certgen.load_holders(SAMPLE_HOLDERS)[:2])
    assert "PB 0002" in pdf_text(pdf.read_bytes())[3]
    verdicts = certgen.verify(pdf, spec=spec)
    assert [v.status for v in verdicts] == ["authentic", "authentic"], [str(v) for v in verdicts]
    assert all(
        "reverse" in v.compared and v.not_compared == ("reverse:certificate_number",) for v in verdicts
    )
    assert "the reverse's fields (certificate_number) were left out of its comparison" in verdicts[0].message
    forged = tmp_path / "forged.pdf"
    writer = pypdf.PdfWriter(clone_from=pdf)
    _set_content(writer, 3, writer.pages[3].get_contents().get_data() + b" q 1 1 1 rg 80 500 200 40 re f Q")
    writer.write(forged)
    verdicts = certgen.verify(forged, spec=spec)
    assert [(v.status, v.field) for v in verdicts] == [("authentic", None), ("altered", "reverse")], [
        str(v) for v in verdicts
    ]
    assert "its reverse, page 4: outside the fields' boxes the reverse's ink is not the spec's reverse" in (
        verdicts[1].message
    )
