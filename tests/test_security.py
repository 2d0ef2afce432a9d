"""Security printing and verification: the signed QR code, certgen verify, the art, microprint."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

import certgen
from certgen import prepare
from certgen.drawing import PrintOptions
from certgen.drawing.textops import face, sharing_face
from certgen.signing import (
    Payload,
    PayloadError,
    Signer,
    generate_key_pair,
    load_private_key,
    load_public_key,
)
from certgen.signing.verify import verify_file, verify_payload
from conftest import ROOT, SAMPLE_HOLDERS, SAMPLE_SPEC, page_png, pdf_text, require_tool

KEYS = ROOT / "samples" / "keys"
PUBLIC = KEYS / "SAMPLE-qr-public-key.pem"
SAMPLES_WITH_CODE = sorted(
    p.parent for p in (ROOT / "samples").glob("*/spec.yaml") if "\nqr:" in p.read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def public_key():
    return load_public_key(PUBLIC.read_bytes(), str(PUBLIC))


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signed") / "certs.pdf"
    prepare(SAMPLE_SPEC).save(path, certgen.load_holders(SAMPLE_HOLDERS))
    return path


def _zbar(png: Path) -> list[str]:
    zbarimg = require_tool("zbarimg")
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "--nodbus", str(png)], capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.decode().splitlines() if line]


# -- the payload ------------------------------------------------------------------


def test_ed25519_pem_keys_are_read_without_the_serialization_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A PEM key as `certgen keys generate` and OpenSSL write it is read directly (a blank form
    need not import cryptography's serialization); it is the key that module reads; any other
    text still goes through it and is refused as before."""
    import sys

    from cryptography.hazmat.primitives import serialization

    private, public = generate_key_pair()
    expected_public = serialization.load_pem_public_key(public)
    expected_private = serialization.load_pem_private_key(private, password=None)

    def used(*args: object, **kwargs: object) -> None:
        raise AssertionError("the serialization module was used")

    monkeypatch.setattr(serialization, "load_pem_public_key", used)
    monkeypatch.setattr(serialization, "load_pem_private_key", used)
    assert load_public_key(public, "p").public_bytes_raw() == expected_public.public_bytes_raw()  # type: ignore[attr-defined]
    assert load_private_key(private, "k").private_bytes_raw() == expected_private.private_bytes_raw()  # type: ignore[attr-defined]
    load_public_key(PUBLIC.read_bytes(), str(PUBLIC))
    with pytest.raises(AssertionError, match="serialization module was used"):  # not the Ed25519 form
        load_public_key(public.replace(b"-----END", b"junk\n-----END"), "p")
    monkeypatch.undo()
    with pytest.raises(certgen.CertgenError, match="not a PEM public key"):
        load_public_key(public.replace(b"-----END", b"junk\n-----END"), "p")
    with pytest.raises(certgen.CertgenError, match="encrypted"):
        load_private_key(
            expected_private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(b"secret"),
            ),
            "k",
        )
    code = (
        "import sys\nfrom certgen.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code\n"
        "print('cryptography.hazmat.primitives.serialization' in sys.modules, file=sys.stderr)\n"
    )
    form = subprocess.run(  # the sample's blank form reads its QR public key
        [sys.executable, "-c", code, "render", str(SAMPLE_SPEC), "-o", str(tmp_path / "form.pdf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert form.returncode == 0 and form.stderr.splitlines()[-1] == "False", form.stderr


def test_payload_round_trips_and_escapes_its_separator() -> None:
    private, _ = generate_key_pair()
    signer = Signer(load_private_key(private, "test"))
    payload = signer.sign(
        Payload("", "A|B 100% CO.", "885218305", "PB 0001", 100, "SH", dt.date(2026, 11, 23), "x" * 16)
    )
    text = payload.encode()
    assert text.startswith(f"CG1|{signer.key_id}|A%7CB 100%25 CO.|885218305|PB 0001|100|SH|20261123|")
    assert Payload.decode(text) == payload
    # What a batch puts in each code, signed and written in one step: the same text (Ed25519 is
    # deterministic), for CG1 and CG2 payloads.
    assert signer.encode(replace(payload, key_id="", signature=b"")) == text
    cg2 = replace(payload, key_id="", signature=b"", fields_digest="Zq3_fields9")
    assert signer.encode(cg2) == signer.sign(cg2).encode() and "|Zq3_fields9|" in signer.encode(cg2)
    assert "Signer(key " in repr(signer) and "PRIVATE" not in repr(signer)


@pytest.mark.parametrize(
    "text, message",
    [
        ("hello", "not a certgen payload"),
        ("CG1|a|b", "has 10 fields"),
        ("CG1|k|I|C|N|12x|SH|20261123|d|" + "A" * 86, "not a whole number"),
        ("CG1|k|I|C|N|12|SH|2026-11-23|d|" + "A" * 86, "not a date"),
        ("CG1|k|I|C|N|12|SH|20261123|d|short", "64 bytes"),
    ],
)
def test_a_malformed_payload_is_unreadable(public_key, text: str, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        Payload.decode(text)
    verdict = verify_payload(text, public_key)
    assert verdict.status == "unreadable" and message in verdict.message and verdict.exit_code == 2


# -- every sample's QR code, scanned ---------------------------------------------------


@pytest.mark.slow  # every holder of every sample, rasterised at 150 dpi and scanned: about 9 s
@pytest.mark.parametrize("sample", SAMPLES_WITH_CODE, ids=lambda p: p.name)
def test_every_sample_certificate_scans_and_verifies_authentic(sample: Path, tmp_path: Path, run_cli) -> None:
    """Render, rasterise at 150 dpi, decode with zbarimg: each face's code is its signed payload,
    and certgen verify on the PNG says authentic."""
    pdf = tmp_path / "certs.pdf"
    issue = prepare(sample / "spec.yaml")
    holders = certgen.load_holders(sample / "holders.csv")
    issue.save(pdf, holders)
    faces = len(issue.pages)
    for index, holder in enumerate(holders):
        page = index * faces + 1
        page_png(pdf, tmp_path / "face", dpi=150, page=page)
        png = tmp_path / "face.png"
        (text,) = _zbar(png)
        assert text == issue.payload(holder).encode()
        result = run_cli("verify", png, "--key", PUBLIC)
        assert result.exit_code == 0, result.stderr
        assert f"authentic: certificate {holder.certificate_number}," in result.stdout


def test_sample_faces_name_the_sample_key() -> None:
    assert SAMPLES_WITH_CODE and (ROOT / "samples" / "thornburg-series-b") in SAMPLES_WITH_CODE
    for path in KEYS.glob("*.pem"):
        assert "SAMPLE KEY - NOT SECRET" in path.read_text()


# -- the PDF: payload stored, printed text compared ------------------------------------


def test_pdf_stores_the_payload_and_verifies_against_its_printed_fields(sample_pdf: Path, run_cli) -> None:
    issue = prepare(SAMPLE_SPEC)
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    reader = pypdf.PdfReader(sample_pdf)
    stored = [str(page["/CertgenPayload"]) for page in reader.pages if "/CertgenPayload" in page]
    assert stored == [issue.payload(h).encode() for h in holders]
    result = run_cli("verify", sample_pdf, "--spec", SAMPLE_SPEC, "--format", "json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "authentic"
    assert [r["payload"]["certificate_number"] for r in answer["results"]] == [
        h.certificate_number for h in holders
    ]
    assert [r["page"] for r in answer["results"]] == [1, 3, 5, 7]
    one = tmp = sample_pdf.parent / "one.pdf"
    issue.save(tmp, holders[:1])
    assert str(pypdf.PdfReader(one).metadata["/CertgenPayload"]) == stored[0]  # the document's metadata too


def _tamper_shares(pdf: Path, out: Path, before: str, after: str) -> None:
    """Change the share count printed on the first face: the glyphs of *before* become *after*'s."""
    program = face(sharing_face("oldstandard-bold", f"**{before}**")).program
    # Literal strings: the glyph ids between the parentheses.
    old, new = program.encode(before)[1:-1].encode("latin-1"), program.encode(after)[1:-1].encode("latin-1")
    writer = pypdf.PdfWriter(clone_from=pdf)
    page = writer.pages[0]
    content = page.get_contents()
    data = content.get_data()
    assert data.count(old) == 1
    content.set_data(data.replace(old, new))
    page.replace_contents(content)
    writer.write(out)


@pytest.mark.slow
def test_a_changed_share_count_in_the_pdf_text_is_named(
    sample_pdf: Path, tmp_path: Path, public_key, run_cli
) -> None:
    holder = certgen.load_holders(SAMPLE_HOLDERS)[0]
    figures = certgen.in_figures(holder.shares)
    forged = figures[:-1] + ("1" if figures[-1] != "1" else "0")
    out = tmp_path / "forged.pdf"
    _tamper_shares(sample_pdf, out, figures, forged)
    assert f"**{forged}**" in pdf_text(out.read_bytes())[0]
    fields = prepare(SAMPLE_SPEC).pages[0].fields
    verdict = verify_file(out, public_key, fields=fields)[0]
    assert (verdict.status, verdict.field) == ("altered", "shares")
    assert f"'**{forged}**'" in verdict.message and f"'**{figures}**'" in verdict.message
    # Without the layout, the face is searched for the signed figures.
    assert verify_file(out, public_key)[0].field == "shares"
    result = run_cli("verify", out, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 1
    assert "altered: shares printed" in result.stdout.splitlines()[0]


def test_a_changed_share_count_in_the_payload_is_named(
    sample_pdf: Path, tmp_path: Path, public_key, run_cli
) -> None:
    issue = prepare(SAMPLE_SPEC)
    holder = certgen.load_holders(SAMPLE_HOLDERS)[0]
    genuine = issue.payload(holder).encode()
    changed = genuine.replace(f"|{holder.shares}|SH|", f"|{holder.shares + 1}|SH|")
    assert changed != genuine
    # The payload alone: its signature no longer holds.
    verdict = verify_payload(changed, public_key)
    assert (verdict.status, verdict.field) == ("altered", "signature")
    result = run_cli("verify", "--payload", changed, "--key", PUBLIC)
    assert result.exit_code == 1 and "altered: the signature does not match" in result.stdout
    # In the PDF: the field where payload and face part is named.
    writer = pypdf.PdfWriter(clone_from=sample_pdf)
    writer.pages[0][pypdf.generic.NameObject("/CertgenPayload")] = pypdf.generic.TextStringObject(changed)
    out = tmp_path / "payload.pdf"
    writer.write(out)
    verdict = verify_file(out, public_key, fields=issue.pages[0].fields)[0]
    assert (verdict.status, verdict.field) == ("altered", "shares")
    assert "signature does not hold" in verdict.message


def test_a_certificate_signed_with_another_key_is_not_signed_by_this_key(
    tmp_path: Path, spec_data: dict, write_spec, public_key, run_cli
) -> None:
    private, public = generate_key_pair()
    (tmp_path / "other.pem").write_bytes(private)
    (tmp_path / "other.pub").write_bytes(public)
    spec_data["qr"] = {"public_key": "other.pub", "private_key_file": "other.pem"}
    spec = write_spec(spec_data)
    pdf = tmp_path / "other.pdf"
    prepare(spec).save(pdf, certgen.load_holders(SAMPLE_HOLDERS)[:1])
    verdict = verify_file(pdf, public_key)[0]
    assert verdict.status == "wrong-key"
    other = Signer(load_private_key(private, "x")).key_id
    assert f"signed by key {other}, not by this key" in verdict.message
    result = run_cli("verify", pdf, "--key", PUBLIC)
    assert result.exit_code == 1 and "wrong-key" in result.stdout
    assert run_cli("verify", pdf, "--spec", spec).exit_code == 0  # its own key says authentic


def test_verify_answers_unreadable_with_exit_2(tmp_path: Path, run_cli) -> None:
    blank = tmp_path / "blank.pdf"
    prepare(SAMPLE_SPEC).save(blank)  # the blank form carries no payload
    result = run_cli("verify", blank, "--key", PUBLIC)
    assert result.exit_code == 2 and "unreadable: the PDF carries no certgen payload" in result.stdout
    junk = tmp_path / "junk.txt"
    junk.write_text("hello")
    assert run_cli("verify", junk, "--key", PUBLIC).exit_code == 2
    assert run_cli("verify", "--payload", "nonsense", "--key", PUBLIC).exit_code == 2
    usage = run_cli("verify", blank)
    assert usage.exit_code == 2 and "give the public key" in usage.stderr


# -- keys -------------------------------------------------------------------------------


def test_keys_generate_writes_a_private_key_only_its_owner_reads(tmp_path: Path, run_cli) -> None:
    private, public = tmp_path / "k.pem", tmp_path / "k.pub"
    result = run_cli("keys", "generate", "--private", private, "--public", public)
    assert result.exit_code == 0, result.stderr
    assert os.stat(private).st_mode & 0o777 == 0o600
    key = load_private_key(private.read_bytes(), "k")
    assert f"key id {Signer(key).key_id}" in result.stderr
    assert private.read_text() not in result.stderr + result.stdout
    again = run_cli("keys", "generate", "--private", private, "--public", tmp_path / "new.pub")
    assert again.exit_code == 1 and "does not overwrite" in again.stderr


def test_the_private_key_comes_from_the_environment_and_is_never_printed(
    tmp_path: Path, spec_data: dict, write_spec, run_cli, monkeypatch
) -> None:
    private, public = generate_key_pair()
    (tmp_path / "issuer.pub").write_bytes(public)
    spec_data["qr"] = {"public_key": "issuer.pub"}
    spec = write_spec(spec_data)
    out = tmp_path / "certs.pdf"
    missing = run_cli("render", spec, "--holders", SAMPLE_HOLDERS, "-o", out)
    assert missing.exit_code == 1 and "set $CERTGEN_SIGNING_KEY" in missing.stderr and not out.exists()
    monkeypatch.setenv("CERTGEN_SIGNING_KEY", private.decode())
    result = run_cli("render", spec, "--holders", SAMPLE_HOLDERS, "-o", out)
    assert result.exit_code == 0, result.stderr
    body = private.decode().splitlines()[1]
    assert body not in result.stderr + result.stdout
    assert body.encode() not in out.read_bytes()
    assert run_cli("verify", out, "--spec", spec).exit_code == 0
    # A private key that is not the public key's pair is refused.
    monkeypatch.setenv("CERTGEN_SIGNING_KEY", generate_key_pair()[0].decode())
    wrong = run_cli("render", spec, "--holders", SAMPLE_HOLDERS, "-o", tmp_path / "x.pdf")
    assert wrong.exit_code == 1 and "is not the pair of qr.public_key" in wrong.stderr
    assert "BEGIN" not in wrong.stderr


def test_blank_forms_and_specimens_carry_no_code() -> None:
    issue = prepare(SAMPLE_SPEC)
    for pdf in (issue.render(), issue.render(specimen=True)):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert all("/CertgenPayload" not in page for page in reader.pages)


# -- overlay and art ----------------------------------------------------------------------


def test_overlay_mode_draws_the_code_and_none_of_the_art(tmp_path: Path) -> None:
    issue = prepare(SAMPLE_SPEC)
    holders = certgen.load_holders(SAMPLE_HOLDERS)[:1]
    buffer = io.BytesIO()
    issue.write(buffer, holders, options=PrintOptions(order="pages", fields_only=True))
    reader = pypdf.PdfReader(buffer)
    face_page = reader.pages[0]
    assert "/XObject" not in face_page["/Resources"]  # no static form: no border, ground or microprint
    assert b" /IM true " in face_page.get_contents().get_data()  # the code's stencil mask
    pdf = tmp_path / "overlay.pdf"
    pdf.write_bytes(buffer.getvalue())
    page_png(pdf, tmp_path / "o", dpi=150)
    assert _zbar(tmp_path / "o.png") == [issue.payload(holders[0]).encode()]


def _static_streams(spec) -> dict[str, bytes]:
    """The static part's Form XObjects by name (the art's tiles among them), decoded."""
    reader = pypdf.PdfReader(io.BytesIO(prepare(spec).render()))
    out: dict[str, bytes] = {}

    def walk(resources) -> None:
        for name, ref in resources.get("/XObject", {}).items():
            xobject = ref.get_object()
            out[name] = xobject.get_data()
            walk(xobject.get("/Resources", {}))

    walk(reader.pages[0]["/Resources"])
    return out


def test_art_differs_between_issues_and_repeats_within_one(spec_data: dict) -> None:
    first = _static_streams(spec_data)
    assert _static_streams(spec_data) == first  # the same issue, drawn again: the same bytes
    assert prepare(spec_data).render() == prepare(spec_data).render()
    other = dict(spec_data, security=dict(spec_data["security"], cusip="885218107"))
    second = _static_streams(other)
    tiles = lambda streams: {data for name, data in streams.items() if re.match(r"/FormXob\.g[wrsg]", name)}  # noqa: E731
    assert tiles(first) and tiles(second)
    assert tiles(first).isdisjoint(tiles(second))  # every wave, rosette and ground curve differs
    # The spec's seed and colours reach the art.
    seeded = dict(spec_data, art={"seed": 7, "guilloche": "#123456", "density": 1.5})
    art = _static_streams(seeded)
    assert tiles(art).isdisjoint(tiles(first))
    assert any(b"0.071 0.204 0.337 RG" in data for data in art.values())


def test_microprint_is_extractable_text_under_one_point(sample_pdf: Path) -> None:
    pdftotext = require_tool("pdftotext")
    text = subprocess.run(
        [pdftotext, "-f", "1", "-l", "1", str(sample_pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert re.search(r"(THORNBURG MORTGAGE, INC\.\s+){5}", text)
    sizes: list[float] = []

    def visit(piece: str, cm, tm, font, size) -> None:
        if "THORNBURG MORTGAGE, INC.  THORNBURG" in piece:
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(size * abs(a * d - b * c) ** 0.5)

    pypdf.PdfReader(sample_pdf).pages[0].extract_text(visitor_text=visit)
    assert len(sizes) >= 5  # the frame's four sides and the holder rules
    assert all(0.5 <= s < 1.0 for s in sizes), sizes
    # Marked as an artifact, so certgen's own checks pass over it.
    form = next(iter(pypdf.PdfReader(sample_pdf).pages[0]["/Resources"]["/XObject"].values())).get_object()
    assert b"/Artifact BMC" in form.get_data()


def test_art_can_be_left_out(spec_data: dict) -> None:
    spec_data["art"] = {"enabled": False}
    plain = _static_streams(spec_data)
    assert not [name for name in plain if re.match(r"/FormXob\.g", name)]  # no guilloche tile at all
    assert b"/Artifact" not in b"".join(plain.values())
    full = prepare(SAMPLE_SPEC).render()
    assert len(prepare(spec_data).render()) < len(full) * 0.8  # the fonts are most of what remains
    assert "THORNBURG MORTGAGE, INC." in pdf_text(prepare(spec_data).render())[0]


def test_bad_art_parameters_are_one_line_errors(spec_data: dict, write_spec, run_cli, tmp_path: Path) -> None:
    spec_data["art"] = {"density": 5}
    result = run_cli("render", write_spec(spec_data), "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "art.density" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_code_is_one_stencil_mask_in_the_ink(sample_pdf: Path) -> None:
    """The code is one inline stencil mask (a bit a module, painted in the fill colour, never
    smoothed), its bits in hex so no byte of them ends the image early; no image object."""
    page = pypdf.PdfReader(sample_pdf).pages[0]
    data = page.get_contents().get_data()
    [mask] = re.findall(rb"BI /W (\d+) /H (\d+) /IM true /BPC 1 /F /AHx ID ([0-9a-f]+)> EI", data)
    side = int(mask[0])
    assert int(mask[1]) == side and len(mask[2]) == 2 * side * ((side + 7) // 8)
    assert b"/Interpolate" not in data and b"/I true" not in data
    assert "/Image" not in str(page["/Resources"])


# -- the encoder, read by independent decoders ----------------------------------------------


def _one_code_pdf(ops: str, side: float) -> bytes:
    """A one-page PDF whose content is *ops* (a code drawn at 36, 36), uncompressed."""
    content = ops.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side + 72:.0f} {side + 72:.0f}] /Contents 4 0 R >>".encode(),
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.slow  # nine codes rasterised and scanned by two decoders: about 2 s
def test_codes_of_every_length_are_read_by_zbar_and_zxing(tmp_path: Path) -> None:
    """Codes drawn by certgen's encoder (payloads of 1 to 1,200 bytes, accented Latin and other scripts, and a
    sample certificate's whole signed payload), rasterised by poppler at 150 dpi, are read back
    exactly by zbarimg and by zxing-cpp; the same payload always draws the same operators."""
    from PIL import Image

    from certgen.drawing.qr import qr_operators, qr_version
    from certgen.signing.verify import _zxing_texts

    pdftoppm = require_tool("pdftoppm")
    issue = prepare(SAMPLE_SPEC)
    signed = issue.payload(certgen.load_holders(SAMPLE_HOLDERS)[0]).encode()
    assert signed.startswith("CG2|") and qr_version(len(signed)) == 10
    latin, other = "María José García-López JT TEN", "Łódź 株式会社 ΑΒΓ"
    latin_dates = (latin + "|20261123|") * 8  # 320 bytes: version 13, drawn from the hex-digit tables
    payloads = ["A", "PB 0001", latin, other, "x7" * 60, signed, latin_dates, "Z9|" * 150, "q" * 1200]
    for index, payload in enumerate(payloads):
        side = 3.0 * 72 if len(payload) > 400 else 1.5 * 72  # about 2 pixels a module or more at 150 dpi
        ops = qr_operators(payload, 36, 36, side, (0.1, 0.1, 0.3))
        assert ops == qr_operators(payload, 36, 36, side, (0.1, 0.1, 0.3))
        pdf = tmp_path / f"code{index}.pdf"
        pdf.write_bytes(_one_code_pdf(ops, side))
        subprocess.run(
            [pdftoppm, "-r", "150", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / f"code{index}")],
            check=True,
        )
        png = tmp_path / f"code{index}.png"
        assert _zbar(png) == [payload], (index, len(payload))
        with Image.open(png) as image:
            assert _zxing_texts(image.convert("L")) == [payload], (index, len(payload))
        assert _zxing_texts(png) == [payload]
