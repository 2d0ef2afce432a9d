"""PAdES digital signatures of the output PDFs (spec ``pdf_signature:``), checked with pyHanko and poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

import certgen
from certgen import prepare
from certgen.signing import SigningKeyError
from certgen.signing.pades import FIELD_NAME, signing_time
from conftest import SAMPLE_HOLDERS, require_tool
from pki import TestPKI, ec_key, ed25519_key, encipherment_only, make_pki

#: Signing and checking with pyHanko and pdfsig takes a few seconds in all: out of the fast loop.
pytestmark = pytest.mark.slow

WHEN = dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def agent(pki: TestPKI) -> tuple[Path, Path]:
    """The transfer agent's RSA document-signing certificate and key."""
    return pki.signer("transfer-agent")


@pytest.fixture(scope="module")
def nssdb(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS database that trusts the test root, for pdfsig."""
    certutil = require_tool("certutil")
    folder = tmp_path_factory.mktemp("nss")
    db = f"sql:{folder}"
    subprocess.run([certutil, "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [
            certutil,
            "-A",
            "-d",
            db,
            "-n",
            "certgen test root",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.folder / "root.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return db


def _signed_spec(
    spec_data: dict[str, Any], pki: TestPKI, cert: Path, key: Path | None, **extra: Any
) -> dict[str, Any]:
    section: dict[str, Any] = {
        "certificate": str(cert),
        "chain": [str(p) for p in pki.chain_files],
        "location": "New York, New York",
    }
    if key is not None:
        section["key_file"] = str(key)
    spec_data["pdf_signature"] = {**section, **extra}
    return spec_data


def _pyhanko_status(data: bytes, pki: TestPKI) -> Any:
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    root = asn1_x509.Certificate.load(pki.root.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def _pdfsig(path: Path, nssdb: str) -> str:
    pdfsig = require_tool("pdfsig")
    result = subprocess.run(
        [pdfsig, "-nssdir", nssdb, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# -- signed output validates -----------------------------------------------------------


def test_signed_certificates_validate_with_pyhanko_as_pades_baseline(
    spec_data, write_spec, pki, agent, tmp_path: Path
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    issue = prepare(spec, signing_time=WHEN)
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    data = issue.render(holders)
    signature, status = _pyhanko_status(data, pki)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    # PAdES baseline B-B (ETSI EN 319 142-1 6.3): ETSI.CAdES.detached, the signer's certificate bound by
    # signing-certificate-v2, the claimed time in /M and not in a signing-time attribute.
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.field_name == FIELD_NAME
    attributes = {a["type"].native for a in signature.signer_info["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_certificate_v2"} <= attributes
    assert "signing_time" not in attributes
    assert signature.self_reported_timestamp == WHEN
    assert signature.sig_object["/Location"] == "New York, New York"
    assert signature.sig_object["/Reason"] == "Certificate issued by the transfer agent"
    assert status.signing_cert.subject.native["common_name"] == "transfer-agent (test)"
    # The signature is an incremental update: the unsigned file comes first, unchanged.
    unsigned = replace(issue, document_signer=None).render(holders)
    assert data.startswith(unsigned) and len(data) - len(unsigned) < 12_000
    assert "pyHanko" in str(PdfFileReader(io.BytesIO(data)).trailer["/Info"]["/Producer"])


def test_signed_output_validates_with_pdfsig(
    spec_data, write_spec, pki, agent, nssdb, tmp_path: Path, run_cli
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    out = tmp_path / "certs.pdf"
    result = run_cli("render", spec, "--holders", SAMPLE_HOLDERS, "-o", out)
    assert result.exit_code == 0, result.stderr
    report = _pdfsig(out, nssdb)
    assert "Signature Field Name: CertgenSignature" in report
    assert "Signer Certificate Common Name: transfer-agent (test)" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_an_ec_certificate_signs_too(spec_data, write_spec, pki, nssdb, tmp_path: Path) -> None:
    cert, key = pki.signer("ec-agent", key=ec_key())
    out = tmp_path / "form.pdf"
    prepare(write_spec(_signed_spec(spec_data, pki, cert, key))).save(out)
    report = _pdfsig(out, nssdb)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report
    _, status = _pyhanko_status(out.read_bytes(), pki)
    assert status.bottom_line


def test_a_change_after_signing_breaks_the_signature(
    spec_data, write_spec, pki, agent, nssdb, tmp_path: Path
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    data = bytearray(prepare(spec, signing_time=WHEN).render(certgen.load_holders(SAMPLE_HOLDERS)[:1]))
    at = data.index(b"/CertgenPayload")
    data[at + 1 : at + 2] = b"X"  # one byte inside the signed range
    out = tmp_path / "changed.pdf"
    out.write_bytes(bytes(data))
    report = _pdfsig(out, nssdb)
    assert "Signature Validation: Digest Mismatch." in report
    _, status = _pyhanko_status(bytes(data), pki)
    assert not status.intact and not status.bottom_line


# -- every PDF written is signed ---------------------------------------------------------


def test_print_files_and_one_file_per_certificate_are_signed(
    spec_data, write_spec, write_holders, pki, agent, tmp_path: Path
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    holders = write_holders(SAMPLE_HOLDERS.read_text(encoding="utf-8"))
    result = certgen.render_batch(spec, holders, tmp_path / "out", workers=1)
    files = sorted((tmp_path / "out").glob("*.pdf"))
    assert [f.name for f in files] == ["certificates-0001.pdf", "control.pdf"] and result.written == 1
    for path in files:  # the control report too
        assert _pyhanko_status(path.read_bytes(), pki)[1].bottom_line, path.name
    issue = prepare(spec)
    singles = list(issue.render_each(certgen.load_holders(SAMPLE_HOLDERS)))
    assert len(singles) == 4
    assert all(_pyhanko_status(single.pdf, pki)[1].bottom_line for single in singles)


# -- reproducible -------------------------------------------------------------------------


def test_the_same_signing_time_gives_byte_identical_files(
    spec_data, write_spec, pki, agent, monkeypatch
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    first = prepare(spec, signing_time=WHEN).render(holders)
    assert prepare(spec, signing_time=WHEN).render(holders) == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(WHEN.timestamp())))
    assert prepare(spec).render(holders) == first
    later = prepare(spec, signing_time=WHEN + dt.timedelta(seconds=1)).render(holders)
    assert later != first and _pyhanko_status(later, pki)[0].self_reported_timestamp == WHEN + dt.timedelta(
        seconds=1
    )


def test_signing_time_defaults_to_now_in_utc(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    now = signing_time()
    assert now.tzinfo == dt.UTC and abs((dt.datetime.now(dt.UTC) - now).total_seconds()) < 5
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert signing_time() == dt.datetime(2026, 9, 21, 14, 13, 20, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SigningKeyError, match="SOURCE_DATE_EPOCH is not a whole number"):
        signing_time()


# -- keys: from the environment, never printed; bad ones are one-line errors ----------------


def test_the_key_comes_from_the_environment_and_is_never_printed(
    spec_data, write_spec, pki, agent, tmp_path: Path, run_cli, monkeypatch
) -> None:
    cert, key = agent
    spec = write_spec(_signed_spec(spec_data, pki, cert, None))
    out = tmp_path / "form.pdf"
    monkeypatch.delenv("CERTGEN_PDF_SIGNING_KEY", raising=False)
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (
        "pdf_signature" in result.stderr
        and "$CERTGEN_PDF_SIGNING_KEY" in result.stderr
        and "pdf_signature.key_file" in result.stderr
    )
    pem = key.read_text()
    monkeypatch.setenv("CERTGEN_PDF_SIGNING_KEY", pem)
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    secret = pem.splitlines()[1]
    assert secret not in result.stdout + result.stderr and secret.encode() not in out.read_bytes()
    assert "PRIVATE" not in repr(prepare(spec).document_signer)


def _error(spec: Path) -> SigningKeyError:
    with pytest.raises(SigningKeyError) as caught:
        prepare(spec, validate=False)
    return caught.value


def test_bad_certificates_and_keys_are_named(
    spec_data, write_spec, pki, agent, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("CERTGEN_PDF_SIGNING_KEY", raising=False)
    cert, key = agent
    _, other_key = pki.signer("other-agent")

    error = _error(write_spec(_signed_spec(spec_data, pki, cert, other_key)))
    assert "not the key of the certificate" in error.message and error.field == "pdf_signature.certificate"

    error = _error(write_spec(_signed_spec(spec_data, pki, tmp_path / "missing.pem", key)))
    assert "does not exist" in error.message and error.field == "pdf_signature.certificate"

    error = _error(write_spec(_signed_spec(spec_data, pki, key, key)))
    assert "is not an X.509 certificate" in error.message

    expired = pki.signer(
        "expired",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    error = _error(write_spec(_signed_spec(spec_data, pki, *expired)))
    assert "expired on 2021-01-01" in error.message and "renew it" in error.message

    error = _error(
        write_spec(_signed_spec(spec_data, pki, *pki.signer("no-signing", usage=encipherment_only())))
    )
    assert "key usage does not allow signing" in error.message

    error = _error(write_spec(_signed_spec(spec_data, pki, *pki.signer("edwards", key=ed25519_key()))))
    assert "Ed25519 key" in error.message and "RSA or EC certificate" in error.message

    locked = pki.signer("locked", passphrase=b"open sesame")
    error = _error(write_spec(_signed_spec(spec_data, pki, *locked)))
    assert "encrypted" in error.message and "pdf_signature.passphrase_env" in error.message
    monkeypatch.setenv("CERTGEN_PDF_KEY_PASSPHRASE", "open sesame")
    assert prepare(
        write_spec(_signed_spec(spec_data, pki, *locked, passphrase_env="CERTGEN_PDF_KEY_PASSPHRASE")),
        validate=False,
    ).document_signer
    monkeypatch.setenv("CERTGEN_PDF_KEY_PASSPHRASE", "wrong")
    error = _error(
        write_spec(_signed_spec(spec_data, pki, *locked, passphrase_env="CERTGEN_PDF_KEY_PASSPHRASE"))
    )
    assert "$CERTGEN_PDF_KEY_PASSPHRASE is not its passphrase" in error.message


def test_a_certificate_not_valid_at_the_signing_time_refuses_to_sign(
    spec_data, write_spec, pki, agent
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    with pytest.raises(SigningKeyError, match="expired on 2035-01-01"):
        prepare(spec, validate=False, signing_time=dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(
        SigningKeyError, match="valid from 2025-01-01 00:00 UTC, after the signing time 2024-06-01"
    ):
        prepare(spec, validate=False, signing_time=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    issue = prepare(spec)  # valid now, but not when a later signature is made
    with pytest.raises(SigningKeyError, match="expired on 2035-01-01"):
        issue.document_signer.sign(issue.render(), dt.datetime(2040, 1, 1, tzinfo=dt.UTC))


def test_validate_reports_a_bad_signing_setup_as_a_rule(
    spec_data, write_spec, pki, agent, run_cli, monkeypatch
) -> None:
    monkeypatch.delenv("CERTGEN_PDF_SIGNING_KEY", raising=False)
    cert, _ = agent
    spec = write_spec(_signed_spec(spec_data, pki, cert, pki.signer("stranger")[1]))
    result = run_cli("validate", spec)
    assert result.exit_code == 1
    assert "pdf_signature.keys" in result.stdout and "not the key of the certificate" in result.stdout
    assert "line" in result.stdout  # the spec line of pdf_signature.certificate


def test_without_pyhanko_the_error_says_what_to_install(
    spec_data, write_spec, pki, agent, monkeypatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyhanko", None)
    error = _error(write_spec(_signed_spec(spec_data, pki, *agent)))
    assert "pip install 'certgen[signature]'" in error.message


# -- certgen verify checks the PDF signature too ------------------------------------------


def test_verify_reports_the_pdf_signature(spec_data, write_spec, pki, agent, tmp_path: Path, run_cli) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    out = tmp_path / "certs.pdf"
    prepare(spec, signing_time=WHEN).save(out, certgen.load_holders(SAMPLE_HOLDERS)[:2])
    result = run_cli("verify", out, "--spec", spec)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.count("authentic") == 2
    assert (
        "PDF signed by CN=transfer-agent (test), O=certgen test PKI, C=US on 2026-11-23 15:30 UTC, signature holds"
        in result.stdout
    )
    answer = json.loads(run_cli("verify", out, "--spec", spec, "--format", "json").stdout)
    assert answer["results"][0]["pdf_signature"] == {
        "signer": "CN=transfer-agent (test), O=certgen test PKI, C=US",
        "signed_at": "2026-11-23T15:30:00+00:00",
        "holds": True,
        "whole_file": True,
    }


def test_verify_names_a_pdf_changed_after_signing(
    spec_data, write_spec, pki, agent, tmp_path: Path, run_cli
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    signed = prepare(spec, signing_time=WHEN).render(certgen.load_holders(SAMPLE_HOLDERS)[:1])
    # A byte of the document information (not a printed field: the QR comparison still agrees).
    assert signed.count(b"/Creator (certgen") == 1
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(signed.replace(b"/Creator (certgen", b"/Creator (certgeN"))
    result = run_cli("verify", changed, "--spec", spec)
    assert result.exit_code == 1
    assert "altered: the PDF's digital signature (signed by CN=transfer-agent (test)" in result.stdout
    assert "does not hold: the file was changed after signing" in result.stdout
    # An update appended after the signature (the signature itself still holds).
    writer = pypdf.PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_metadata({"/Title": "Something else"})
    updated = tmp_path / "updated.pdf"
    with updated.open("wb") as stream:
        writer.write(stream)
    answer = json.loads(run_cli("verify", updated, "--spec", spec, "--format", "json").stdout)
    assert answer["status"] == "altered"
    (first,) = answer["results"]
    assert first["field"] == "pdf_signature" and "an update follows it" in first["message"]
    assert first["pdf_signature"]["holds"] is True and first["pdf_signature"]["whole_file"] is False


def test_verify_knows_the_issues_signing_certificate(
    spec_data, write_spec, pki, agent, tmp_path: Path, run_cli
) -> None:
    spec = write_spec(_signed_spec(spec_data, pki, *agent), "spec.yaml")
    stranger = write_spec(_signed_spec(spec_data, pki, *pki.signer("impostor")), "impostor.yaml")
    holders = certgen.load_holders(SAMPLE_HOLDERS)[:1]
    forged = tmp_path / "forged.pdf"
    prepare(stranger).save(forged, holders)
    result = run_cli("verify", forged, "--spec", spec)
    assert result.exit_code == 1 and "wrong-key: the PDF is signed by CN=impostor (test)" in result.stdout
    assert "not by the issue's pdf_signature.certificate" in result.stdout
    unsigned = tmp_path / "unsigned.pdf"
    replace(prepare(spec), document_signer=None).save(unsigned, holders)
    result = run_cli("verify", unsigned, "--spec", spec)
    assert result.exit_code == 1 and "carries no digital signature" in result.stdout
    # Without the spec, an unsigned PDF is judged by its QR code alone.
    assert run_cli("verify", unsigned, "--key", spec_data["qr"]["public_key"]).exit_code == 0


def test_an_issue_without_a_qr_code_is_verified_by_its_pdf_signature(
    spec_data, write_spec, pki, agent, tmp_path: Path, run_cli
) -> None:
    del spec_data["qr"]
    spec = write_spec(_signed_spec(spec_data, pki, *agent))
    out = tmp_path / "certs.pdf"
    prepare(spec, signing_time=WHEN).save(out, certgen.load_holders(SAMPLE_HOLDERS))
    result = run_cli("verify", out, "--spec", spec)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (
        result.stdout
        == f"{out}: authentic: PDF signed by CN=transfer-agent (test), O=certgen test PKI, C=US on 2026-11-23 15:30 UTC, signature holds\n"
    )
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(out.read_bytes().replace(b"/Creator (certgen", b"/Creator (certgeN"))
    answer = json.loads(run_cli("verify", changed, "--spec", spec, "--format", "json").stdout)
    assert answer["status"] == "altered" and answer["results"][0]["field"] == "pdf_signature"
    unsigned = tmp_path / "unsigned.pdf"
    replace(prepare(spec), document_signer=None).save(unsigned)
    result = run_cli("verify", unsigned, "--spec", spec)
    assert result.exit_code == 2 and "carries no digital signature" in result.stdout
    result = run_cli("verify", "--payload", "CG1|x", "--spec", spec)
    assert result.exit_code == 2 and "no QR code" in result.stderr
