"""Is this certificate authentic?  ``certgen verify`` and its library form.

Three kinds of input:

* a **payload** string (what a phone's scanner shows): its signature is
  checked against the public key;
* a **scanned page** (PNG, JPEG...): its QR codes are read with zbar's
  ``zbarimg`` (Debian ``zbar-tools``), then each payload is checked;
* a **certificate PDF**: each face's payload is read from the page (certgen
  stores it in the page dictionary, and in the document information of a
  one-certificate file), its signature checked, and its signed fields
  compared with the text printed on that face: the certificate number, the
  amount in figures and in words, the issue date (text search), and with the
  issue's layout (``--spec``) each field in its own box, the registration by
  its digest.

Each answer is a :class:`Verdict`: ``authentic``; ``altered`` (naming the
field that differs); ``wrong-key`` (signed, but not by this key); or
``unreadable``.  The command's exit status is 0, 1 (altered or wrong key) or
2 (unreadable).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import CertgenError
from .layout.elements import Field
from .layout.fields import PLACEHOLDER
from .model.certificate import Holder, certificate_values
from .signing import Payload, PayloadError, key_id, registration_digest, signature_holds

if TYPE_CHECKING:
    from .pades import SignatureCheck

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = ["Verdict", "verify_file", "verify_payload", "verify_signed_pdf"]

Status = Literal["authentic", "altered", "wrong-key", "unreadable"]

#: Exit status of ``certgen verify`` for each answer.
EXIT = {"authentic": 0, "altered": 1, "wrong-key": 1, "unreadable": 2}

#: File suffixes read as scanned images.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".pbm", ".pgm", ".ppm", ".webp")


@dataclass(frozen=True)
class Verdict:
    """The answer for one certificate (one payload)."""

    status: Status
    #: One line for people.
    message: str
    #: What was checked: the payload string, a file, a file's page.
    source: str
    payload: Payload | None = None
    #: The signed field that differs from the printed one (``altered``), e.g. ``shares``.
    field: str | None = None
    page: int | None = None
    #: The PDF's digital signature, when it carries one (see :mod:`certgen.pades`).
    pdf_signature: SignatureCheck | None = None

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    def __str__(self) -> str:
        return f"{self.source}: {self.status}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The verdict for JSON (``--format json``)."""
        payload = self.payload
        document = self.pdf_signature
        return {
            "source": self.source,
            "page": self.page,
            "status": self.status,
            "field": self.field,
            "message": self.message,
            "pdf_signature": None
            if document is None
            else {
                "signer": document.signer,
                "signed_at": document.signed_at.isoformat() if document.signed_at else None,
                "holds": document.holds,
                "whole_file": document.whole_file,
            },
            "payload": None
            if payload is None
            else {
                "key_id": payload.key_id,
                "issuer": payload.issuer,
                "cusip": payload.cusip,
                "certificate_number": payload.number,
                "amount": payload.amount,
                "unit": payload.unit,
                "issue_date": payload.issue_date.isoformat(),
                "registration_digest": payload.registration_digest,
            },
        }


def verify_payload(text: str, public_key: Ed25519PublicKey, *, source: str = "payload", page: int | None = None) -> Verdict:
    """Check one payload string's signature against *public_key*."""
    try:
        payload = Payload.decode(text)
    except PayloadError as exc:
        return Verdict("unreadable", exc.message, source, page=page)
    expected = key_id(public_key)
    if payload.key_id != expected:
        return Verdict(
            "wrong-key",
            f"signed by key {payload.key_id}, not by this key ({expected}): {payload.describe()}",
            source,
            payload,
            page=page,
        )
    if not signature_holds(payload, public_key):
        return Verdict(
            "altered",
            f"the signature does not match the signed fields: a field was changed after signing ({payload.describe()} as it reads now)",
            source,
            payload,
            field="signature",
            page=page,
        )
    return Verdict("authentic", f"{payload.describe()}; signed by key {payload.key_id}", source, payload, page=page)


def verify_file(
    path: str | PathLike[str],
    public_key: Ed25519PublicKey,
    *,
    fields: Sequence[Field] | None = None,
    pdf_certificate: bytes | None = None,
) -> list[Verdict]:
    """Check a certificate PDF or a scanned image; one verdict per certificate found.

    :param fields: the face's variable fields (the issue's layout, ``prepare(spec).pages[0].fields``):
        each signed field is then compared with the text in its own box, the registration
        by its digest; without them the number, amount and date are looked for on the face.
    :param pdf_certificate: the certificate (DER) that signs the issue's PDFs (its spec's
        ``pdf_signature.certificate``): a PDF must then carry a signature by it.  A PDF's
        digital signature, when it has one, must hold and cover the whole file either way.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        return [Verdict("unreadable", "the file does not exist", name)]
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _verify_image(path, public_key)
    head = path.read_bytes()[:1024]
    if b"%PDF-" not in head:
        return [Verdict("unreadable", "neither a PDF nor an image (give a .pdf, .png or .jpg)", name)]
    return _with_document_signature(_verify_pdf(path, public_key, fields), path, pdf_certificate)


def _verify_image(path: Path, public_key: Ed25519PublicKey) -> list[Verdict]:
    name = str(path)
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        raise CertgenError("reading QR codes from images needs zbarimg: install zbar-tools (apt-get install zbar-tools)", name)
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", name],
        capture_output=True,
        check=False,
    )
    # zbarimg: 0 found, 4 nothing found, anything else an unreadable image.
    if result.returncode == 4 or (result.returncode == 0 and not result.stdout.strip()):
        return [Verdict("unreadable", "no QR code found in the image (scan at 150 dpi or more, the whole code in view)", name)]
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return [Verdict("unreadable", f"zbarimg cannot read the image ({message[-1] if message else result.returncode})", name)]
    texts = [line for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    return [verify_payload(text, public_key, source=name) for text in texts]


def _verify_pdf(path: Path, public_key: Ed25519PublicKey, fields: Sequence[Field] | None) -> list[Verdict]:
    import pypdf

    from .drawing.writer import PAYLOAD_KEY
    from .validation.pdftext import PdfReadError, read_pdf

    name = str(path)
    try:
        reader = pypdf.PdfReader(path)
        found: list[tuple[int, str]] = []
        for number, page in enumerate(reader.pages, start=1):
            value = page.get(f"/{PAYLOAD_KEY}")
            if value is not None:
                found.append((number, str(value)))
        if not found:
            info = reader.metadata
            value = info.get(f"/{PAYLOAD_KEY}") if info is not None else None
            if value is not None:
                found.append((1, str(value)))
    except Exception as exc:  # pypdf raises many types for damaged files
        return [Verdict("unreadable", f"not a readable PDF ({exc})", name)]
    if not found:
        return [Verdict("unreadable", "the PDF carries no certgen payload (was it rendered with a qr: section in its spec?)", name)]
    try:
        pages = read_pdf(path)
    except PdfReadError as exc:
        return [Verdict("unreadable", f"not a readable PDF ({exc})", name)]
    verdicts = []
    for number, text in found:
        verdict = verify_payload(text, public_key, source=name, page=number)
        if verdict.status in ("authentic", "altered") and verdict.payload is not None:
            # The face must print what the payload says: a changed face, or a changed
            # payload (its signature broken), is named by the field where they part.
            difference = _compare(verdict.payload, pages[number - 1], fields)
            if difference is not None:
                field, message = difference
                if verdict.status == "altered":
                    message += ", and the payload's signature does not hold"
                verdict = Verdict("altered", message, name, verdict.payload, field=field, page=number)
        verdicts.append(verdict)
    return verdicts


def _with_document_signature(verdicts: list[Verdict], path: Path, expected: bytes | None) -> list[Verdict]:
    """The verdicts of a PDF's faces, with what its digital signature says (see :func:`_judge_signatures`)."""
    document, problem = _judge_signatures(path, expected)
    out = []
    for verdict in verdicts:
        if verdict.status == "unreadable":
            out.append(verdict)
        elif problem is None:
            message = verdict.message + (f"; PDF {document.describe()}, signature holds" if document else "")
            out.append(replace(verdict, message=message, pdf_signature=document))
        elif verdict.status == "authentic":
            out.append(replace(verdict, status=problem[0], message=problem[1], field="pdf_signature", pdf_signature=document))
        else:
            out.append(replace(verdict, message=f"{verdict.message}; and {problem[1]}", pdf_signature=document))
    return out


def verify_signed_pdf(path: str | PathLike[str], pdf_certificate: bytes | None = None) -> Verdict:
    """Check a PDF by its digital signature alone (an issue that signs its PDFs and prints no QR code).

    :param pdf_certificate: the certificate (DER) that must have signed it (the spec's
        ``pdf_signature.certificate``); ``None``: any signer, as long as the signature holds.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        return Verdict("unreadable", "the file does not exist", name)
    if b"%PDF-" not in path.read_bytes()[:1024]:
        return Verdict("unreadable", "not a PDF (only a PDF carries a digital signature)", name)
    document, problem = _judge_signatures(path, pdf_certificate)
    if document is None:
        return Verdict("unreadable", "the PDF carries no digital signature", name)
    if problem is not None:
        return Verdict(problem[0], problem[1], name, field="pdf_signature", pdf_signature=document)
    return Verdict("authentic", f"PDF {document.describe()}, signature holds", name, pdf_signature=document)


def _judge_signatures(path: Path, expected: bytes | None) -> tuple[SignatureCheck | None, tuple[Status, str] | None]:
    """A PDF's first digital signature, and what is wrong, if anything: a signature that does
    not hold, or a file changed after signing, is an alteration; a signer other than the issue's
    certificate is another key; an issue that signs its PDFs and a PDF without a signature, an
    alteration too."""
    from .pades import check_signatures, has_signatures

    data = path.read_bytes()
    checks = check_signatures(data, str(path)) if has_signatures(data) else []
    problem: tuple[Status, str] | None = None
    if expected is not None and not checks:
        problem = "altered", "the issue signs its PDFs (pdf_signature) and this one carries no digital signature"
    for check in checks:
        if not check.holds:
            problem = "altered", f"the PDF's digital signature ({check.describe()}) does not hold: the file was changed after signing"
        elif not check.whole_file:
            problem = "altered", f"the PDF was changed after its digital signature ({check.describe()}): an update follows it"
        elif expected is not None and check.certificate != expected:
            problem = "wrong-key", f"the PDF is {check.describe()}, not by the issue's pdf_signature.certificate"
        if problem:
            break
    return (checks[0] if checks else None), problem


def signed_values(payload: Payload) -> dict[str, str]:
    """The values a certificate's fields print, as its payload signs them (the registration
    is signed by its digest only)."""
    values = certificate_values(Holder(payload.number, "", payload.amount, payload.issue_date))
    del values["registration"]
    return values


def _fold(text: str) -> str:
    return " ".join(text.split())


def _compare(payload: Payload, page: Any, fields: Sequence[Field] | None) -> tuple[str, str] | None:
    """The first signed field whose printed text differs: (field, message); None if all agree."""
    values = signed_values(payload)
    if fields is None:
        reading = _fold(page.reading)
        unit = "principal" if payload.unit == "USD" else "shares"
        for key in ("certificate_number", unit, f"{unit}_words", "issue_date"):
            if values[key] not in reading:
                return key, f"the face does not print the {key.replace('_', ' ')} {values[key]!r} of the payload"
        return None
    for field in fields:
        if field.kind != "text":
            continue
        names = PLACEHOLDER.findall(field.text)
        printed = _fold(_text_in_box(page, field))
        if names == ["registration"]:
            if registration_digest(printed) != payload.registration_digest:
                return "registration", f"the registration printed ({printed!r}) is not the payload's (its digest differs)"
            continue
        if not names or any(n not in values for n in names):
            continue  # a column the payload does not sign
        wanted = _fold(PLACEHOLDER.sub(lambda m: values[m.group(1)], field.text))
        if printed != wanted:
            return field.name, f"{field.name} printed {printed!r}, the payload says {wanted!r}"
    return None


def _text_in_box(page: Any, field: Field) -> str:
    """The text of the glyphs whose centres lie in the field's box (a point of slack), in
    reading order; type under 2 points (microprint) is not a field's."""
    from .validation.pdftext import reading_text

    x0, y0, x1, y1 = field.x - 1, field.y - 1, field.x + field.width + 1, field.y + field.height + 1
    inside = [
        g
        for g in page.glyphs
        if g.size >= 2.0 and x0 <= (g.x0 + g.x1) / 2 <= x1 and y0 <= (g.y0 + g.y1) / 2 <= y1
    ]
    return reading_text(inside)


def worst(verdicts: Sequence[Verdict]) -> int:
    """The command's exit status for several verdicts: the highest."""
    return max((v.exit_code for v in verdicts), default=2)


def verdicts_json(verdicts: Sequence[Verdict]) -> Mapping[str, Any]:
    statuses = [v.status for v in verdicts]
    overall = "authentic" if statuses and all(s == "authentic" for s in statuses) else next(
        (s for s in ("unreadable", "altered", "wrong-key") if s in statuses), "unreadable"
    )
    return {"status": overall, "results": [v.as_dict() for v in verdicts]}
