"""Test rendering end to end: the words of Exhibit 4.4, fonts, reproducibility, holders, threads."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest

import certgen
from certgen import FitError, Holder, load_holders, prepare
from certgen.drawing.document import static_segments
from certgen.layout.fields import fill_field
from certgen.model.certificate import certificate_values
from conftest import DATA, LONG_REGISTRATION, SAMPLE_HOLDERS, SAMPLE_SPEC, pdf_text, words


@pytest.fixture(scope="module")
def issue() -> certgen.PreparedIssue:
    return prepare(SAMPLE_SPEC)


@pytest.fixture(scope="module")
def form_pdf(issue: certgen.PreparedIssue) -> bytes:
    return issue.render()


def exhibit_words() -> list[str]:
    """Words of Exhibit 4.4 without the filing's artefacts (headers, page numbers)."""
    text = (DATA / "exhibit-4.4.txt").read_text(encoding="utf-8")
    text = text.replace("EXHIBIT 4.4", "")
    text = re.sub(r"Form of Preferred Stock Certificate for Series B Cumulative Preferred\s+Stock", "", text)
    text = re.sub(r"\((Face|Back)\)|<PAGE>|\bB-[12]\b", "", text)
    return words(text)


def words_in_order(expected: list[str], got: list[str]) -> int:
    """How many of *expected* appear in *got* in the same order (a lower bound of the LCS)."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def test_form_has_the_words_of_the_exhibit_in_order(form_pdf: bytes) -> None:
    expected = exhibit_words()
    assert len(expected) > 650
    got = words(" ".join(pdf_text(form_pdf)))
    ratio = words_in_order(expected, got) / len(expected)
    assert ratio >= 0.97, f"only {ratio:.1%} of the exhibit's words, in order"


def test_form_has_two_pages_letter_landscape(form_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(form_pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)


def test_legends_verbatim_on_the_reverse(form_pdf: bytes) -> None:
    reverse = " ".join(pdf_text(form_pdf)[1].split())
    assert "IN EXCESS OF 9.9% (SUBJECT TO CERTAIN EXCEPTIONS)" in reverse
    assert "PURSUANT TO S.E.C. RULE 17Ad-15." in reverse
    face = " ".join(pdf_text(form_pdf)[0].split())
    assert "CUSIP 885218 30 5" in face
    assert "INCORPORATED UNDER THE LAWS OF THE STATE OF MARYLAND" in face


def test_every_font_is_embedded(form_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(form_pdf))
    fonts = {}
    for page in reader.pages:
        _collect_fonts(page["/Resources"], fonts)
    assert fonts, "no fonts found"
    for name, font in fonts.items():
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert descriptor is not None, f"{name} has no descriptor"
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
            f"{name} is not embedded"
        )


def _collect_fonts(resources: object, out: dict) -> None:
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    if not resources:
        return
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        out[font["/BaseFont"]] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            _collect_fonts(xobject["/Resources"], out)


def test_reproducible(issue: certgen.PreparedIssue, form_pdf: bytes) -> None:
    assert prepare(SAMPLE_SPEC).render() == form_pdf
    holders = load_holders(SAMPLE_HOLDERS)
    assert issue.render(holders) == prepare(SAMPLE_SPEC).render(holders)


def test_static_part_is_drawn_once_and_shared_by_all_certificates(issue: certgen.PreparedIssue) -> None:
    """The face's static part is a few Form XObjects (one per run of static text between the
    fill-ins, so the page reads in order), the same objects on every certificate; the reverse,
    which has no fill-ins, is one."""
    holders = load_holders(SAMPLE_HOLDERS)
    reader = pypdf.PdfReader(io.BytesIO(issue.render(holders)))
    assert len(reader.pages) == 2 * len(holders)
    for side, runs in ((0, len(static_segments(issue.pages[0]))), (1, 1)):
        placed = set()
        for page in reader.pages[side::2]:
            xobjects = page["/Resources"]["/XObject"]
            content = page.get_contents().get_data().decode("latin-1")
            used = re.findall(r"/(\S+) Do", content)
            assert len(used) == runs, f"page side {side} places each static run once"
            placed.add(tuple(xobjects.raw_get("/" + name).idnum for name in used))
        assert len(placed) == 1, "every certificate uses the same form objects"
    assert len(static_segments(issue.pages[0])) == 6


def test_pages_of_the_same_content_share_one_content_stream(issue: certgen.PreparedIssue) -> None:
    """Every reverse (no fill-ins: the same operators on every certificate) names one content
    stream, written once in the file; each face has its own; the file is reproducible and reads
    as before."""
    holders = load_holders(SAMPLE_HOLDERS)[:3]
    assert len(holders) == 3
    pdf = issue.render(holders)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 6
    contents = [page.raw_get("/Contents").idnum for page in reader.pages]
    assert len({contents[i] for i in (1, 3, 5)}) == 1, "the reverses share one stream"
    assert len({contents[i] for i in (0, 2, 4)}) == 3, "each face has its own"
    assert contents[0] not in contents[1::2]
    assert len({page.indirect_reference.idnum for page in reader.pages}) == 6, "six page objects"
    text = pdf_text(pdf)
    assert text[1] == text[3] == text[5] and "IN EXCESS OF 9.9%" in text[1]
    for page, holder in zip(text[0::2], holders, strict=True):
        assert holder.registration.split()[0] in page
    assert prepare(SAMPLE_SPEC).render(holders) == pdf


def test_a_side_without_fields_is_compressed_once_per_issue(
    issue: certgen.PreparedIssue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reverse's content is the same in every file of an issue: a second file does not
    compress it again (each face still is), and its stream's bytes are the first file's."""
    import zlib

    from certgen.drawing import writer

    holders = load_holders(SAMPLE_HOLDERS)[:2]
    writer._constant_stream.cache_clear()
    first = issue.render(holders[:1])
    compressed: list[bytes] = []
    original = zlib.compress
    monkeypatch.setattr(
        writer.zlib, "compress", lambda data, level=-1: compressed.append(data) or original(data, level)
    )
    second = issue.render(holders[1:])
    reverse = [data for data in compressed if b"Do" in data and b"Tj" not in data]
    assert not reverse, "the reverse was compressed again"
    assert any(b"Tj" in data for data in compressed), "the face is compressed per certificate"

    def reverse_stream(pdf: bytes) -> bytes:
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[1]
        return page.raw_get("/Contents").get_object()._data

    assert reverse_stream(first) == reverse_stream(second)


def _holder(registration: str, shares: int, number: str = "PB 0099") -> Holder:
    return Holder(number, registration, shares, dt.date(2026, 11, 23))


@pytest.mark.parametrize(
    ("registration", "shares"),
    [
        ("María José García-López", 100),
        ("CEDE & CO.", 1_234_567),
        (LONG_REGISTRATION, 75_000),
    ],
    ids=["accented", "cede", "trust-160"],
)
def test_holder_fields_printed_inside_their_boxes(
    issue: certgen.PreparedIssue, registration: str, shares: int
) -> None:
    holder = _holder(registration, shares)
    pdf = issue.render([holder])
    face = " ".join(pdf_text(pdf)[0].split())
    assert " ".join(registration.split()) in face or all(w in face for w in registration.split())
    assert certgen.in_figures(shares) in face
    assert certgen.in_words(shares) in face
    values = certificate_values(holder)
    for field in issue.pages[0].fields:
        if field.kind == "qr":  # a square of modules, not lines of type (tests/test_security.py)
            continue
        lines = fill_field(field, values, holder.certificate_number)
        assert lines, f"{field.name} printed nothing"
        for line in lines:
            width = certgen.fonts.string_width(line.text, field.font, line.size) + field.tracking * (
                len(line.text) - 1
            )
            assert field.x - 0.01 <= line.x and line.x + width <= field.x + field.width + 0.01, field.name
            assert (
                field.y <= line.y - line.size * 0.25
                and line.y + line.size * 0.75 <= field.y + field.height + 0.5
            ), field.name
            assert line.size >= field.min_size >= 7, "legible: never below 7 pt"


def test_registration_positions_in_pdf(issue: certgen.PreparedIssue) -> None:
    """The extracted registration lies within the registration field's box."""
    field = next(f for f in issue.pages[0].fields if f.name == "registration")
    pdf = issue.render([_holder(LONG_REGISTRATION, 75_000)])
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    holder = _holder(LONG_REGISTRATION, 75_000)
    lines = {line.text for line in fill_field(field, certificate_values(holder))}
    assert len(lines) >= 2, "160 characters take more than one line"
    found = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip() in lines:
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((x, y))

    page.extract_text(visitor_text=visit)
    assert len(found) == len(lines)
    for x, y in found:
        assert field.x - 1 <= x <= field.x + field.width
        assert field.y <= y <= field.y + field.height


def test_name_that_cannot_fit(issue: certgen.PreparedIssue) -> None:
    with pytest.raises(FitError) as info:
        issue.render([_holder("W" * 400, 10, "PB 0100")])
    assert info.value.field == "registration"
    assert "certificate PB 0100" in str(info.value)
    assert "even at 8.0pt" in str(info.value)


def test_threads_give_the_same_bytes(issue: certgen.PreparedIssue) -> None:
    holders = load_holders(SAMPLE_HOLDERS)
    serial = [hashlib.sha256(issue.render([h])).hexdigest() for h in holders] * 2
    barrier = threading.Barrier(8)

    def render(index: int) -> str:
        barrier.wait()
        fresh = prepare(SAMPLE_SPEC) if index % 2 else issue
        return hashlib.sha256(fresh.render([holders[index % len(holders)]])).hexdigest()

    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(render, range(8)))
    assert parallel == serial


def test_render_each_yields_one_pdf_per_certificate(issue: certgen.PreparedIssue) -> None:
    holders = load_holders(SAMPLE_HOLDERS)
    rendered = list(issue.render_each(holders))
    assert [r.holder.certificate_number for r in rendered] == [h.certificate_number for h in holders]
    for item in rendered:
        assert len(pypdf.PdfReader(io.BytesIO(item.pdf)).pages) == 2


def test_render_convenience_function_accepts_rows() -> None:
    rows = [{"certificate_number": "PB 1", "registration": "A B", "shares": 3, "issue_date": "2026-11-23"}]
    assert "THREE" in pdf_text(certgen.render(SAMPLE_SPEC, rows))[0]


def test_render_refuses_a_mix_of_holders_and_rows() -> None:
    rows = [
        _holder("A B", 1),
        {"certificate_number": "PB 2", "registration": "C", "shares": 1, "issue_date": "2026-11-23"},
    ]
    with pytest.raises(TypeError, match="not a mix"):
        certgen.render(SAMPLE_SPEC, rows)


# The benchmark's registrations: accents, an ampersand, joint tenants, a long trust.
SIZE_NAMES = [
    "María José García-López",
    "CEDE & CO.",
    "John S Brown Mary B Brown JT TEN",
    "First Fiduciary Trust Company of Baltimore, N.A., as Trustee of the Whitcombe Family Trust",
]


def test_one_certificate_pdf_is_under_40_8_kb(spec_data: dict) -> None:
    """A PDF per certificate (archives, e-mail): every one no larger than 40,800 bytes, with text
    that extracts and fonts embedded once per face; the signed QR code adds at most 1,600: the
    code's stencil mask and payload (about 550 bytes) and the face's field map that certgen verify reads
    to find the printed fields without the spec (about 450, compressed with the page).

    (39,000 until digits were set in EB Garamond's lining figures, whose outlines and ToUnicode
    entries add about 90 bytes a file; 39,100 until the face's fill-ins were read in place: its
    static part is drawn in six runs between them, each a Form XObject compressed on its own,
    about 1,600 bytes a file.)"""
    holders = [
        Holder(f"PB {i:05d}", f"{name} {i}", 1_234 * i, dt.date(2026, 11, 23))
        for i, name in enumerate(SIZE_NAMES, 1)
    ]
    with_code = {
        item.holder.certificate_number: len(item.pdf) for item in prepare(spec_data).render_each(holders)
    }
    del spec_data["qr"]
    for item in prepare(spec_data).render_each(holders):
        assert len(item.pdf) <= 40_800, (item.holder.registration, len(item.pdf))
        assert 600 < with_code[item.holder.certificate_number] - len(item.pdf) <= 1_600
        assert item.holder.registration in " ".join(pdf_text(item.pdf)[0].split())
        reader = pypdf.PdfReader(io.BytesIO(item.pdf))
        fonts: dict = {}
        for page in reader.pages:
            _collect_fonts(page["/Resources"], fonts)
        faces = [name.split("+", 1)[1] for name in fonts]
        assert len(faces) == len(set(faces)), faces  # one subset per face, static and variable text together


def test_capitals_of_the_small_caps_face_are_set_in_the_text_face(issue: certgen.PreparedIssue) -> None:
    """EB Garamond SC's capitals are EB Garamond's: all-capital runs embed no second copy."""
    from certgen.drawing.textops import TextUse, sharing_face, show

    assert sharing_face("garamond-sc", "SERIES B CUMULATIVE") == "garamond"
    assert sharing_face("garamond-sc", "Series B") == "garamond-sc"  # small capitals are its own
    assert sharing_face("garamond", "SERIES") == "garamond"  # never to a later face
    use = TextUse()
    assert "/V1 " in show(use, "garamond-sc", 9, 0, 0, "NUMBER") and set(use.chars) == {"garamond"}
    fonts: dict = {}
    for page in pypdf.PdfReader(io.BytesIO(issue.render())).pages:
        _collect_fonts(page["/Resources"], fonts)
    assert not any(
        "EBGaramondSC" in name for name in fonts
    )  # the Thornburg form's small caps are all capitals
