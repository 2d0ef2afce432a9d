"""Is this certificate authentic?  ``certgen verify`` and its library form.

Three kinds of input:

* a **payload** string (what a phone's scanner shows): its signature is
  checked against the public key;
* a **scanned page** (PNG, JPEG...): its QR codes are read with zbar's
  ``zbarimg`` (Debian ``zbar-tools``) where it is installed, else with
  zxing-cpp, then each payload is checked.  A scan
  or a payload proves the code only: the verdict says the printed fields were
  not compared (``not_compared``);
* a **certificate PDF**: what each face visibly prints.  Each face's payload
  is read from the page (and the document information of a one-certificate
  file), its signature checked; the face's field map (``/CertgenFields``,
  whose digest a CG2 payload signs; with ``--spec``, the spec's layout too)
  says where each printed field is; each field's box must print the payload's
  value as a whole (the registration by its digest), in text that leaves ink
  (not invisible, clip-only or white; never an artifact), and the box's ink,
  rendered at 300 dpi, must be that text set in the field (nothing covering,
  clipping or added); the code drawn on the face, rendered and read with
  ``zbarimg`` (or zxing-cpp), must be the payload stored; outside the fields' boxes the face
  must print the payload's issuer and CUSIP and no other CUSIP, and with the spec's
  :class:`Design` draw the spec's design, print its fixed text and show its ink, nothing
  else, and each certificate's reverse (the pages after its face) be the form's reverse, its
  design, fixed text and ink; every page that looks like a face must carry a payload, and a page that prints no
  text but shows ink is a copy of a face (a code on it) or a page verify cannot compare.
  ``Verdict.compared`` lists what was compared.

Each answer is a :class:`Verdict`: ``authentic``; ``altered`` (naming the
field that differs); ``wrong-key`` (signed, but not by this key); or
``unreadable``.  The command's exit status is 0, 1 (altered or wrong key) or
2 (unreadable).
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import CertgenError, GlyphError
from ..layout.elements import Field
from ..layout.fields import PLACEHOLDER
from ..model.certificate import Holder, certificate_values
from ..model.identifiers import cusip_check_digit
from ..words import CURRENCIES
from .payload import UNIT_WORDS, Payload, PayloadError, key_id, registration_digest, signature_holds

if TYPE_CHECKING:
    from .pades import SignatureCheck

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "Design",
    "ReverseSide",
    "Verdict",
    "code_only",
    "of_issue",
    "verify_file",
    "verify_payload",
    "verify_signed_pdf",
]

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
    #: The PDF's digital signature, when it carries one (see :mod:`certgen.signing.pades`).
    pdf_signature: SignatureCheck | None = None
    #: What was compared before the answer: ``signature`` (the payload's), ``fields`` (the
    #: face's field map against the payload), ``layout`` (against the spec's), each printed
    #: field by name, ``ink`` (the raster of each field's box), ``qr`` (the code drawn on the
    #: face against the payload stored), ``design`` and ``reverse`` (with the spec: the face
    #: outside the fields' boxes, the pages after it), ``pdf_signature``.  A scan or a payload string:
    #: ``signature`` only.
    compared: tuple[str, ...] = ()
    #: What a printed certificate shows that was not compared (a scan: its printed fields).
    not_compared: tuple[str, ...] = ()

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
            "compared": list(self.compared),
            "not_compared": list(self.not_compared),
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
                "format": payload.format,
                "fields_digest": payload.fields_digest,
            },
        }


@dataclass(frozen=True)
class Design:
    """The issue's face as its spec prints it (``--spec``): what verify compares outside the
    fields' boxes, where the payload signs nothing (the title, the class, the CUSIP, the
    legends, the art).  ``certgen verify --spec`` makes it from the spec
    (:func:`certgen.verify`)."""

    #: The spec's blank form (a PDF): its first page is the face's design.
    form_pdf: bytes
    #: The face's width and height, in points.
    size: tuple[float, float]
    #: Every CUSIP the spec's face prints (``security.cusips``).
    cusips: frozenset[str] = frozenset()
    #: The rule pdf.form-text on a face's text (:class:`~certgen.pdftext.PageText`): what it
    #: lacks of the form's fixed lines, if anything.
    form_text: Callable[[Any], str | None] | None = None
    #: The issue's issuer, CUSIP and unit (:func:`~certgen.signing.signers.issue_of`): a face of
    #: another issue is named as such (:func:`of_issue`) before its design is compared.
    issue: Mapping[str, str] | None = None
    #: The form's pages after the face (its reverse: legends, the assignment form...), in order,
    #: pages 2 and on of *form_pdf*: each certificate's reverse is compared with them.  None: the
    #: reverse is not compared (``not_compared``: ``reverse``).
    reverses: tuple[ReverseSide, ...] | None = None


@dataclass(frozen=True)
class ReverseSide:
    """One page of the spec's form after the face (:attr:`Design.reverses`)."""

    #: The page's width and height, in points.
    size: tuple[float, float]
    #: The variable fields the page prints, if any: their boxes are left out of the comparison
    #: of its ink (no payload signs what they print).
    fields: tuple[Field, ...] = ()
    #: The rule pdf.form-text on the page: what it lacks of the form's page's fixed lines.
    form_text: Callable[[Any], str | None] | None = None


def verify_payload(
    text: str, public_key: Ed25519PublicKey, *, source: str = "payload", page: int | None = None
) -> Verdict:
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
            compared=("signature",),
        )
    return Verdict(
        "authentic",
        f"{payload.describe()}; signed by key {payload.key_id}",
        source,
        payload,
        page=page,
        compared=("signature",),
    )


#: What a face prints that only the PDF (not a scan or a payload string) lets verify compare.
PRINTED_FIELDS = ("certificate_number", "amount", "registration", "issue_date")


def code_only(verdict: Verdict, what: str = "a scan") -> Verdict:
    """*verdict* on a code read from *what*, saying that the printed fields were not compared:
    the code proves itself, not the face it is printed on."""
    if verdict.payload is None or verdict.status == "unreadable":
        return verdict
    p = verdict.payload
    note = (
        f"; {what} proves the code only: the printed fields were not compared: check that the face prints "
        f"certificate {p.number}, {p.amount:,} {UNIT_WORDS.get(p.unit, p.unit)}, issued {p.issue_date.isoformat()}"
        " (or verify the certificate's PDF)"
    )
    return replace(verdict, message=verdict.message + note, not_compared=PRINTED_FIELDS)


def of_issue(verdicts: Sequence[Verdict], issue: Mapping[str, str]) -> list[Verdict]:
    """*verdicts* against the issue a spec describes (its issuer, CUSIP and unit,
    :func:`~certgen.signing.signers.issue_of`): a certificate signed by the issue's key that is
    of another issue (the issuer's common stock verified with its preferred's spec, whose layout
    and key are the same) is not an authentic certificate of this one."""
    out = []
    for verdict in verdicts:
        payload = verdict.payload
        if verdict.status == "authentic" and payload is not None:
            signed = {"issuer": payload.issuer, "cusip": payload.cusip, "unit": payload.unit}
            for field, value in signed.items():
                if value != issue[field]:
                    verdict = replace(
                        verdict,
                        status="altered",
                        field=field,
                        message=f"{payload.describe()}: a certificate of another issue, its {field} {value!r} is not "
                        f"the spec's {issue[field]!r}",
                    )
                    break
            else:
                verdict = replace(verdict, compared=(*verdict.compared, "issue"))
        out.append(verdict)
    return out


def verify_file(
    path: str | PathLike[str],
    public_key: Ed25519PublicKey,
    *,
    fields: Sequence[Field] | None = None,
    pdf_certificate: bytes | None = None,
    design: Design | None = None,
) -> list[Verdict]:
    """Check a certificate PDF or a scanned image; one verdict per certificate found.

    :param fields: the face's variable fields (the issue's layout, ``prepare(spec).pages[0].fields``):
        the face's field map must then be the layout's.  Without them the field map stored in
        the face page (signed by a CG2 payload) says where the fields are; either way each
        field's box is compared, as text and as ink, with the payload's value (the
        registration by its digest), and the code drawn with the payload stored.  A CG1
        payload (no field map) needs *fields*.
    :param pdf_certificate: the certificate (DER) that signs the issue's PDFs (its spec's
        ``pdf_signature.certificate``): a PDF must then carry a signature by it.  A PDF's
        digital signature, when it has one, must hold and cover the whole file either way.
    :param design: the issue's face as its spec prints it (with *fields*): each face must then
        draw the spec's design, print its fixed text, and show its ink outside the fields'
        boxes, and each certificate's reverse must be the form's (:attr:`Design.reverses`).
        Without it, only the issuer's name and CUSIP the payload signs are compared outside the
        boxes (``not_compared``: ``design`` and ``reverse``).
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
    return _with_document_signature(_verify_pdf(path, public_key, fields, design), path, pdf_certificate)


def _verify_image(path: Path, public_key: Ed25519PublicKey) -> list[Verdict]:
    name = str(path)
    if shutil.which("zbarimg") is None:  # zxing-cpp (a dependency) reads the codes instead
        texts = _zxing_texts(path)
        if texts is None:
            return [Verdict("unreadable", "cannot read the image (not a PNG or JPEG?)", name)]
    else:
        texts, problem = _zbar_codes(path)
        if problem is not None:
            return [Verdict("unreadable", problem, name)]
    if not texts:
        return [
            Verdict(
                "unreadable",
                "no QR code found in the image (scan at 150 dpi or more, the whole code in view)",
                name,
            )
        ]
    return [code_only(verify_payload(text, public_key, source=name)) for text in texts]


def _zxing_texts(image: Any) -> list[str] | None:
    """The QR codes zxing-cpp reads in *image* (a path or a Pillow image), as zbarimg would
    print them; None when the file is not an image."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, Path):
        try:
            with Image.open(image) as opened:
                image = opened.convert("L")
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            return None
    codes = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        text_mode=zxingcpp.TextMode.Plain,
    )
    return [line for code in codes for line in code.text.splitlines() if line.strip()]


def _verify_pdf(
    path: Path,
    public_key: Ed25519PublicKey,
    spec_fields: Sequence[Field] | None,
    design: Design | None = None,
) -> list[Verdict]:
    import pypdf

    from ..drawing.writer import FIELDS_KEY, ORIGIN_KEY, PAYLOAD_KEY
    from ..pdftext import PdfReadError, read_pdf

    name = str(path)
    try:
        reader = pypdf.PdfReader(path)
        layers = "/OCProperties" in reader.root_object
        stored: dict[int, _Stored] = {}
        forms: dict[int, set[str]] = {}
        boxes: dict[int, tuple[float, float, float, float]] = {}
        for number, page in enumerate(reader.pages, start=1):
            forms[number] = _form_digests(page, drawn=True)
            boxes[number] = _shown_box(page)
            value = page.get(f"/{PAYLOAD_KEY}")
            fmap = page.get(f"/{FIELDS_KEY}")
            origin = page.get(f"/{ORIGIN_KEY}")
            if value is not None or fmap is not None:
                stored[number] = _Stored(
                    None if value is None else str(value),
                    None if fmap is None else str(fmap),
                    (float(origin[0]), float(origin[1])) if origin is not None else (0.0, 0.0),
                    (float(page.mediabox.width), float(page.mediabox.height)),
                    _shown_otherwise(page, layers),
                )
        if not any(s.payload for s in stored.values()):
            info = reader.metadata
            value = info.get(f"/{PAYLOAD_KEY}") if info is not None else None
            if value is not None and reader.pages:
                first = reader.pages[0]
                box = first.mediabox
                stored[1] = _Stored(
                    str(value),
                    None,
                    (0.0, 0.0),
                    (float(box.width), float(box.height)),
                    _shown_otherwise(first, layers),
                )
    except Exception as exc:  # pypdf raises many types for damaged files
        return [Verdict("unreadable", f"not a readable PDF ({exc})", name)]
    if not any(s.payload for s in stored.values()):
        return [
            Verdict(
                "unreadable",
                "the PDF carries no certgen payload (was it rendered with a qr: section in its spec?)",
                name,
            )
        ]
    try:
        pages = read_pdf(path, artifacts=True)
    except PdfReadError as exc:
        return [Verdict("unreadable", f"not a readable PDF ({exc})", name)]
    faces = [number for number, s in sorted(stored.items()) if s.payload]
    verdicts: list[Verdict] = []
    seen: dict[str, int] = {}
    rendered: dict[Any, Any] = {}  # the design's renderings, made once a file
    at: dict[int, int] = {}  # each face's page → its verdict's index
    for number in faces:
        item = stored[number]
        assert item.payload is not None
        if item.payload in seen:
            verdicts.append(
                Verdict(
                    "altered",
                    f"page {number} repeats the certificate of page {seen[item.payload]}: a file prints each certificate once",
                    name,
                    field="page",
                    page=number,
                )
            )
            continue
        seen[item.payload] = number
        at[number] = len(verdicts)
        verdict = _verify_face(path, number, item, pages[number - 1], public_key, spec_fields)
        if verdict.status == "authentic" and verdict.payload is not None:
            verdict = _outside_the_fields(
                path,
                number,
                item,
                pages[number - 1],
                verdict,
                _form_digests(reader.pages[number - 1], nested=True) if design is not None else set(),
                design,
                spec_fields,
                rendered,
            )
        verdicts.append(verdict)
    # Every page that looks like a face must carry its payload.
    face_words = _words(pages[faces[0] - 1])
    face_forms = set().union(*(forms[n] for n in faces))
    printing: list[int] = []  # the pages that print text and are no face: the reverses
    for number, text in enumerate(pages, start=1):
        if number in faces:
            continue
        other = stored.get(number)
        why = None
        words = _words(text)
        if other is not None and other.field_map is not None:
            why = "it carries a certificate's field map"
        elif not words:  # blank (a duplex sheet's back names the face's resources), or a picture
            textless = _textless_page(path, number, boxes.get(number))
            if textless is not None:
                verdicts.append(textless)
            continue
        elif forms[number] & face_forms:
            why = "it draws the certificate face's design"
        elif len(words & face_words) >= 0.6 * len(words | face_words):
            why = "it prints the certificate face's text"
        if why:
            verdicts.append(
                Verdict(
                    "altered",
                    f"page {number} looks like a certificate face ({why}) but carries no signed payload: it was not printed by the issuer",
                    name,
                    field="page",
                    page=number,
                )
            )
        else:
            printing.append(number)
    # With the spec, each certificate's reverse is the spec's.
    if design is not None and design.reverses is None:  # a design that does not know the form's reverse
        verdicts = [
            replace(v, not_compared=(*v.not_compared, "reverse"))
            if v.page in at and "design" in v.compared
            else v
            for v in verdicts
        ]
    elif design is not None and design.reverses is not None:
        fields_only = {n: not _form_digests(reader.pages[n - 1]) for n in at}
        for face, reverse in _reverses(faces, printing, design.reverses, fields_only).items():
            index = at.get(face)
            if (
                index is None
                or verdicts[index].status != "authentic"
                or "design" not in verdicts[index].compared
            ):
                continue  # a face already judged otherwise, or of another issue (of_issue names it)
            verdicts[index] = _judge_reverse(
                path,
                verdicts[index],
                stored[face],
                reverse,
                [(n, pages[n - 1], reader.pages[n - 1]) for n in reverse],
                design,
                fields_only[face],
                layers,
                rendered,
            )
    return verdicts


def _expected_sides(reverses: Sequence[ReverseSide], fields_only: bool) -> list[int]:
    """The form's pages (1 and on) that a certificate's reverse prints text on: all of them; on
    pre-printed paper (the face prints its fields alone), those with fields (the others are
    blank paper, like the blank backs of a duplex print file, and are not told apart from them)."""
    return [i for i, side in enumerate(reverses, start=1) if side.fields or not fields_only]


def _reverses(
    faces: Sequence[int],
    printing: Sequence[int],
    reverses: Sequence[ReverseSide],
    fields_only: Mapping[int, bool],
) -> dict[int, list[int]]:
    """Each face's reverse: the pages that print text after it up to the next face (blank pages,
    the backs of duplex sheets, aside).  A simplex print file prints every face, then every
    certificate's second page in the same order, and so on: when the faces come one after
    another and the pages after the last are as many as their reverses, they are dealt out
    in that order.  Pages before the first face (a print file's banner) are no certificate's."""
    out: dict[int, list[int]] = {}
    for index, face in enumerate(faces):
        end = faces[index + 1] if index + 1 < len(faces) else math.inf
        out[face] = [n for n in printing if face < n < end]
    if len(faces) > 1 and all(not out[face] for face in faces[:-1]):
        per = {len(_expected_sides(reverses, fields_only.get(face, False))) for face in faces}
        trailing = out[faces[-1]]
        if len(per) == 1 and len(trailing) == per.pop() * len(faces):
            out = {face: list(trailing[k :: len(faces)]) for k, face in enumerate(faces)}
    return out


def _judge_reverse(
    path: Path,
    verdict: Verdict,
    item: _Stored,
    numbers: Sequence[int],
    reverse: Sequence[tuple[int, Any, Any]],
    design: Design,
    fields_only: bool,
    layers: bool,
    rendered: dict[Any, Any],
) -> Verdict:
    """*verdict* (an authentic face whose design is the spec's) judged on its reverse too: the
    pages that follow the face must be the form's pages after the face, as many, each drawing
    the form's Form XObjects, printing its fixed text (the rule pdf.form-text) and showing its
    ink at DESIGN_DPI outside the boxes of its fields (if it has any); on pre-printed paper (the
    face prints its fields alone), blank paper outside them."""
    assert design.reverses is not None and verdict.payload is not None
    payload = verdict.payload

    def altered(message: str) -> Verdict:
        return replace(verdict, status="altered", field="reverse", message=f"{payload.describe()}: {message}")

    sides = _expected_sides(design.reverses, fields_only)
    shown = ", ".join(str(n) for n in numbers) or "none"
    if len(numbers) != len(sides):
        how = (
            "lacks its reverse"
            if len(numbers) < len(sides)
            else "is followed by pages that are not its reverse"
        )
        return altered(
            f"the certificate {how}: {len(numbers)} page(s) printing text follow its face (pages: {shown}), "
            f"the spec's form has {len(sides)} after the face{' that print on pre-printed paper' if fields_only else ''}: "
            "a page of the certificate was removed, replaced or added"
        )
    for (number, text, page), side in zip(reverse, sides, strict=True):
        form = design.reverses[side - 1]
        otherwise = _shown_otherwise(page, layers)
        if otherwise is not None:
            return altered(
                f"its reverse, page {number}, was changed: {otherwise}, so what a viewer shows or a printer prints "
                "is not the page compared"
            )
        if not fields_only:
            wanted = rendered.get(("forms", side))
            if wanted is None:
                import pypdf

                wanted = rendered["forms", side] = _form_digests(
                    pypdf.PdfReader(io.BytesIO(design.form_pdf)).pages[side], nested=True
                )
            drawn = _form_digests(page, nested=True)
            if drawn != wanted:
                return altered(
                    f"its reverse, page {number}, draws {len(drawn - wanted)} Form XObject(s) that are not the "
                    f"spec's (page {side + 1} of its form) and lacks {len(wanted - drawn)} of its {len(wanted)}: "
                    "the reverse was changed, or is another issue's"
                )
            if form.form_text is not None:
                lacks = form.form_text(text)
                if lacks is not None:
                    return altered(
                        f"the fixed text of its reverse, page {number}, is not the spec's form: {lacks}"
                    )
        differs = _design_differs(
            path,
            number,
            replace(item, size=(float(page.mediabox.width), float(page.mediabox.height))),
            design,
            form.fields,
            fields_only,
            rendered,
            side,
        )
        if differs is not None:
            return altered(f"its reverse, page {number}: {differs}")
    compared = (*verdict.compared, "reverse") if design.reverses else verdict.compared
    unsigned = [f.name for side in sides for f in design.reverses[side - 1].fields]
    if not unsigned:
        return replace(verdict, compared=compared)
    return replace(
        verdict,
        compared=compared,
        message=f"{verdict.message}; the reverse's fields ({', '.join(unsigned)}) were left out of its comparison: "
        "check what they print by eye",
        not_compared=(*verdict.not_compared, *(f"reverse:{name}" for name in unsigned)),
    )


def _shown_box(page: Any) -> tuple[float, float, float, float]:
    """The part of a page that is printed, as (left, top, width, height) in points from the
    MediaBox's upper left: its TrimBox (the sheet inside crop marks), else its MediaBox."""
    media = _normal(page.mediabox)
    trim = page.get("/TrimBox")
    shown = _normal(trim.get_object()) if trim is not None else media
    return (shown[0] - media[0], media[3] - shown[3], shown[2] - shown[0], shown[3] - shown[1])


#: Resolution at which a page that prints no text is searched for ink and codes (a picture of a
#: face at 150 dpi, rendered at 150, blurs its code past reading).
TEXTLESS_DPI = 200


def _textless_page(path: Path, number: int, box: tuple[float, float, float, float] | None) -> Verdict | None:
    """A page that prints no text (a face rasterised, or turned into outlines, and added to the
    file): certgen writes none that shows anything but crop marks.  None for a blank page; a
    picture of a certificate's code, an alteration (a copy of a face); any other ink, a page
    verify cannot compare, so the file is not vouched for."""
    if box is None:
        return None
    scale = TEXTLESS_DPI / 72
    crop = tuple(round(v * scale) for v in box)
    image = _render_gray(path, number, TEXTLESS_DPI, (crop[0], crop[1], crop[2], crop[3]))
    if image.getextrema()[0] >= 192:  # blank paper (a duplex sheet's empty back)
        return None
    codes = _image_codes(image)
    if codes:
        return Verdict(
            "altered",
            f"page {number} shows the code of {_describe_text(codes[0])} as a picture and prints no text: a copy "
            "of a certificate's face (a scan or a rasterised page), not printed by the issuer",
            str(path),
            field="page",
            page=number,
        )
    return Verdict(
        "unreadable",
        f"page {number} shows an image or drawing and prints no text: verify cannot compare it with a "
        "certificate (certgen prints no such page), so the file is not authentic as a whole; remove the page, "
        "or verify its certificate on its own",
        str(path),
        field="page",
        page=number,
    )


def _image_codes(image: Any) -> list[str]:
    """The QR codes read in a Pillow image: by zbarimg where it is installed, else by zxing-cpp."""
    import tempfile

    if shutil.which("zbarimg") is None:  # zxing-cpp (a dependency) reads the codes instead
        return _zxing_texts(image) or []
    with tempfile.TemporaryDirectory(prefix="certgen-verify-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        return _zbar_codes(png)[0]


@dataclass(frozen=True)
class _Stored:
    """What a face page's dictionary carries."""

    payload: str | None
    field_map: str | None
    origin: tuple[float, float]
    size: tuple[float, float]
    #: What makes a viewer or a printer show the page otherwise than verify renders it, if anything.
    shown_otherwise: str | None = None


def _shown_otherwise(page: Any, layers: bool) -> str | None:
    """Why a viewer would not show this face page as certgen wrote it and verify renders it, if it would not.

    Verify reads the page's text and renders its ink with the page's origin at the lower-left
    corner of its MediaBox, and the whole MediaBox; a viewer shows (and a printer prints) only
    the CropBox, turned by /Rotate.  certgen writes a MediaBox from 0 0, no CropBox and no
    /Rotate, so a page otherwise was changed: a larger MediaBox whose CropBox shows a forged face
    beside the genuine one, or a genuine copy of the fields moved out of the CropBox where verify
    would read it.

    Nor does certgen write annotations on a face (but the PDF signature's invisible widget, of no
    area) or optional content (*layers*: the catalog's /OCProperties): a viewer or a printer
    draws them on their own terms, and poppler, which verify renders with, leaves out what is
    to be printed only (an annotation flagged Print and NoView, a layer printed and not viewed)."""
    media = _normal(page.mediabox)
    if media[:2] != (0.0, 0.0):
        return f"its MediaBox [{_box_text(page.mediabox)}] no longer begins at 0 0"
    crop = page.get("/CropBox")
    if crop is not None and _normal(crop.get_object()) != media:
        return (
            f"its CropBox [{_box_text(crop.get_object())}] shows another part of the page than its MediaBox"
        )
    if int(page.get("/Rotate", 0) or 0) % 360:
        return f"it is turned by /Rotate {int(page['/Rotate'])}"
    for annotation in page.get("/Annots") or ():
        annotation = annotation.get_object()
        kind = str(annotation.get("/Subtype", "/Annot"))[1:]
        left, bottom, right, top = _normal(annotation.get("/Rect", (0, 0, 0, 0)))
        if kind == "Widget" and (left == right or bottom == top):
            continue  # an invisible signature field
        return f"it carries a {kind} annotation"
    if layers:
        return "the file holds optional content (/OCProperties)"
    return None


def _normal(box: Any) -> tuple[float, float, float, float]:
    """A PDF rectangle as (left, bottom, right, top), whichever corners it names."""
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _box_text(box: Any) -> str:
    return " ".join(f"{float(v):g}" for v in box)


def _form_digests(page: Any, nested: bool = False, drawn: bool = False) -> set[str]:
    """Digests of the Form XObjects a page's resources name (a face's static design); *nested*:
    and of the forms these draw, in turn (the guilloche, the microprint); *drawn*: only those
    the page's content draws (a print file's banner page names the face's resources and draws
    none of them)."""
    import hashlib

    out: set[str] = set()
    try:
        named = page["/Resources"].get("/XObject", {})
        if drawn:
            used = {m.decode("latin-1") for m in _DRAWS.findall(page.get_contents().get_data())}
            xobjects = [ref for key, ref in named.items() if key[1:] in used]
        else:
            xobjects = list(named.values())
        while xobjects:
            xobject = xobjects.pop().get_object()
            if xobject.get("/Subtype") == "/Form":
                digest = hashlib.sha256(xobject.get_data()).hexdigest()
                if nested and digest not in out:
                    xobjects += list(xobject.get("/Resources", {}).get("/XObject", {}).values())
                out.add(digest)
    except Exception:  # a page without resources, or a broken one: nothing to compare
        pass
    return out


#: A ``Do`` operator in a content stream, and the XObject's name it draws.
_DRAWS = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![A-Za-z])")


def _words(page: Any) -> set[str]:
    """The words a page prints in type of 2 points or more (microprint and artifacts aside)."""
    from ..pdftext import inked, reading_text

    glyphs = [g for g in page.glyphs if g.size >= 2.0 and not g.artifact and inked(g)]
    return set(reading_text(glyphs).split())


def _verify_face(
    path: Path,
    number: int,
    item: _Stored,
    page: Any,
    public_key: Ed25519PublicKey,
    spec_fields: Sequence[Field] | None,
) -> Verdict:
    """One face: the payload's signature, then the field map, the printed text of each field,
    the ink in each field's box, and the code drawn on the page."""
    from ..layout.fieldmap import field_map, parse_field_map
    from .payload import field_map_digest

    name = str(path)
    assert item.payload is not None
    verdict = verify_payload(item.payload, public_key, source=name, page=number)
    if verdict.status not in ("authentic", "altered") or verdict.payload is None:
        return verdict
    payload = verdict.payload
    broken = verdict.status == "altered"  # the payload's signature does not hold

    def altered(field: str, message: str) -> Verdict:
        if broken:
            message += ", and the payload's signature does not hold"
        return Verdict("altered", message, name, payload, field=field, page=number, compared=compared)

    compared: tuple[str, ...] = ("signature",)
    if item.shown_otherwise is not None:
        return altered(
            "page",
            f"page {number} was changed: {item.shown_otherwise}, so what a viewer shows or a printer prints "
            "is not the face compared",
        )
    note = ""
    if payload.fields_digest is not None:
        if item.field_map is None:
            return altered(
                "fields", "the face carries no field map (/CertgenFields), which its CG2 payload signs"
            )
        if field_map_digest(item.field_map) != payload.fields_digest:
            return altered(
                "fields",
                "the face's field map is not the one its payload signs: the fields' boxes were changed",
            )
        try:
            fields = parse_field_map(item.field_map)
        except ValueError as exc:
            return altered("fields", str(exc))
        compared += ("fields",)
        if spec_fields is not None:
            if field_map_digest(field_map(spec_fields)) != payload.fields_digest:
                return altered(
                    "layout",
                    "the face's fields are not where the spec's layout puts them (another layout, or another issue)",
                )
            compared += ("layout",)
    elif spec_fields is not None:
        fields = parse_field_map(field_map(spec_fields))
        note = "; a CG1 payload signs no field map: the fields were found by the spec's layout"
        compared += ("layout",)
    else:
        return Verdict(
            "unreadable",
            f"{payload.describe()}: a CG1 payload signs no field map, so without the issue's layout the printed fields "
            "cannot be found: verify it with --spec SPEC",
            name,
            payload,
            page=number,
            compared=compared,
        )
    dx, dy = item.origin
    # The spec's fonts.fallback faces (the field map names each field's own face only): with the
    # spec, each field's text is set as the issue set it.
    fallback = {f.name: f.fallback for f in spec_fields or ()}
    fields = tuple(
        replace(f, x=f.x + dx, y=f.y + dy, fallback=fallback.get(f.name, f.fallback)) for f in fields
    )
    text_fields = [f for f in fields if f.kind == "text"]
    # 1. The text printed in each field's box, whole values.
    values = signed_values(payload)
    registration = ""
    for field in text_fields:
        printed_glyphs, artifacts = _glyphs_in_box(page, field)
        if artifacts:
            return altered(
                field.name,
                f"text marked as an artifact ({artifacts!r}) is printed in the {field.name} box: a field's text is never an artifact",
            )
        printed = _fold(_reading(printed_glyphs))
        names = PLACEHOLDER.findall(field.text)
        if names == ["registration"]:
            if registration_digest(printed) != payload.registration_digest:
                return altered(
                    "registration",
                    f"the registration printed ({printed!r}) is not the payload's (its digest differs)",
                )
            registration = printed
        else:
            wanted = _fold(PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), field.text))
            if printed != wanted:
                return altered(field.name, f"{field.name} printed {printed!r}, the payload says {wanted!r}")
        compared += (field.name,)
    # 2. The ink in each box: what is printed there, as a raster, is the payload's text set
    # in its field (nothing covers, clips or whitens it, nothing else is drawn there).
    problem, unset = _ink_differs(
        path, number, item.size, text_fields, {**values, "registration": registration}, payload.number
    )
    if problem is not None:
        return altered(*problem)
    compared += ("ink",)
    not_compared = tuple(f"ink:{name}" for name in unset)
    if unset:
        note += (
            f"; the ink of {', '.join(unset)} was not compared: its text is set in a font of the issue's spec "
            "(fonts.fallback), not one of certgen's: verify with --spec SPEC to compare it"
        )
    # 3. The code drawn on the page is the payload stored in the file.
    codes = [f for f in fields if f.kind == "qr"]
    for field in codes:
        drawn = _drawn_codes(path, number, field, item.size[1])
        if drawn != [item.payload]:
            if not drawn:
                return altered("qr", "no readable code is drawn in the code's box on the face")
            other = _describe_text(drawn[0])
            return altered(
                "qr", f"the code drawn on the face reads {other}, not the payload stored in the file"
            )
    if codes:
        compared += ("qr",)
    if broken:
        return replace(verdict, compared=compared, not_compared=not_compared)
    printed_names = ", ".join(c for c in compared if c not in ("signature", "fields", "layout", "ink", "qr"))
    message = (
        f"{payload.describe()}; signed by key {payload.key_id}; compared with the face: the code drawn, "
        f"{printed_names} (text and ink in each field's box){note}"
    )
    return Verdict(
        "authentic", message, name, payload, page=number, compared=compared, not_compared=not_compared
    )


def _face_fields(item: _Stored, spec_fields: Sequence[Field] | None) -> tuple[Field, ...]:
    """The face's fields in page coordinates: the spec's (all of them), else the field map's."""
    from ..layout.fieldmap import parse_field_map

    if spec_fields is not None:
        fields: Sequence[Field] = spec_fields
    else:
        try:
            fields = parse_field_map(item.field_map or "[]")
        except ValueError:
            fields = ()
    dx, dy = item.origin
    return tuple(replace(f, x=f.x + dx, y=f.y + dy) for f in fields)


def _outside_the_fields(
    path: Path,
    number: int,
    item: _Stored,
    page: Any,
    verdict: Verdict,
    forms: set[str],
    design: Design | None,
    spec_fields: Sequence[Field] | None,
    rendered: dict[Any, Any],
) -> Verdict:
    """*verdict* (an authentic face) judged outside the fields' boxes too, where the payload signs
    the issuer and the CUSIP only: the face must print the payload's issuer and CUSIP, and no
    other CUSIP (a genuine face of the issuer's common stock whose title and CUSIP were edited
    into its preferred's); with the spec's *design*, the face must draw the spec's design (its
    Form XObjects), print the form's fixed text (the rule pdf.form-text) and show, outside the
    fields' boxes, the ink of the spec's face and nothing else.  A face that prints its fields
    alone (overlay mode, for pre-printed paper) prints nothing outside them."""
    from ..pdftext import inked

    payload = verdict.payload
    assert payload is not None
    if (
        design is not None
        and design.issue is not None
        and of_issue([verdict], design.issue)[0].status != "authentic"
    ):
        return verdict  # another issue's face: of_issue names its issuer, CUSIP or unit
    boxes = _face_fields(item, spec_fields)
    outside = [
        g
        for g in page.glyphs
        if inked(g) and not g.artifact and g.size >= MICROPRINT and not any(_holds(f, g) for f in boxes)
    ]

    def altered(field: str, message: str) -> Verdict:
        return replace(verdict, status="altered", field=field, message=f"{payload.describe()}: {message}")

    compared = verdict.compared
    if outside:  # the face's design is printed with its fields
        problem = _identity_problem(_fold(_reading(outside)), payload, design)
        if problem is not None:
            return altered(*problem)
        compared += ("issuer", "cusip")
    if design is None:
        note = (
            "; the face's design outside the fields' boxes was compared only for the issuer's name and the CUSIP, "
            "and the reverse not at all: verify with --spec SPEC to compare its title, text and art, and "
            "the reverse"
        )
        return replace(
            verdict,
            message=verdict.message + note,
            compared=compared,
            not_compared=(*verdict.not_compared, "design", "reverse"),
        )
    assert spec_fields is not None
    fields_only = not forms
    if not fields_only:
        wanted = rendered.get("forms")
        if wanted is None:
            import pypdf

            wanted = rendered["forms"] = _form_digests(
                pypdf.PdfReader(io.BytesIO(design.form_pdf)).pages[0], nested=True
            )
        if forms != wanted:
            return altered(
                "design",
                f"the face draws {len(forms - wanted)} Form XObject(s) that are not the spec's face design "
                f"and lacks {len(wanted - forms)} of its {len(wanted)}: its design was changed, or added to",
            )
        if design.form_text is not None:
            lacks = design.form_text(page)
            if lacks is not None:
                return altered("design", f"the face's fixed text is not the spec's form: {lacks}")
    differs = _design_differs(path, number, item, design, spec_fields, fields_only, rendered)
    if differs is not None:
        return altered("design", differs)
    return replace(verdict, compared=(*compared, "design"))


def _holds(field: Field, glyph: Any) -> bool:
    """Whether a glyph's centre lies in a field's box (a point of slack)."""
    x, y = (glyph.x0 + glyph.x1) / 2, (glyph.y0 + glyph.y1) / 2
    return bool(
        field.x - 1 <= x <= field.x + field.width + 1 and field.y - 1 <= y <= field.y + field.height + 1
    )


#: A CUSIP as a face prints it (``885218 10 7``, ``02079K AQ0``, ``885218107``): six characters
#: with a digit among them, two, and the check digit; and the CUSIP inside a US or Canadian ISIN.
_CUSIP_LIKE = re.compile(
    r"(?<![0-9A-Z*@#])((?=[0-9A-Z*@#]{0,5}\d)[0-9A-Z*@#]{6})[ -]?([0-9A-Z*@#]{2})[ -]?(\d)(?![0-9A-Z*@#])"
)
_ISIN_LIKE = re.compile(r"(?<![0-9A-Z])(?:US|CA)([0-9A-Z*@#]{9})\d(?![0-9A-Z])")


def printed_cusips(text: str) -> list[str]:
    """The CUSIPs *text* prints, alone or in an ISIN, whose check digits hold, in order."""
    upper = text.upper()
    found = ["".join(m.groups()) for m in _CUSIP_LIKE.finditer(upper)]
    found += [m.group(1) for m in _ISIN_LIKE.finditer(upper)]
    return [c for c in found if cusip_check_digit(c[:8]) == c[8]]


def _squash(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).replace("\u2019", "'").casefold().split())


def _identity_problem(text: str, payload: Payload, design: Design | None) -> tuple[str, str] | None:
    """(field, message) when the face's text outside the fields does not print the payload's
    issuer or CUSIP, or prints another CUSIP (with the spec: one the spec's face does not print)."""
    cusips = printed_cusips(text)
    if payload.cusip and payload.cusip not in cusips:
        return (
            "cusip",
            f"the face does not print the payload's CUSIP {payload.cusip}: its CUSIP was changed, or it is "
            "another issue's face",
        )
    allowed = {payload.cusip} | (set(design.cusips) if design is not None else set())
    other = next((c for c in cusips if c not in allowed), None)
    if other is not None:
        hint = "" if design is not None else " (a face that prints two CUSIPs is verified with --spec SPEC)"
        return (
            "cusip",
            f"the face prints CUSIP {other}, which the payload does not sign (it signs "
            f"{payload.cusip or 'no CUSIP'}): another issue's CUSIP printed on the face{hint}",
        )
    if _squash(payload.issuer) not in _squash(text):
        return (
            "issuer",
            f"the face does not print the payload's issuer {payload.issuer!r} (outside the fields' boxes): "
            "its design was changed, or it is another issuer's face",
        )
    return None


#: Resolution of the design's comparison outside the fields' boxes: the spec's face and the
#: certificate's are drawn from the same Form XObjects at the same place, so their renderings
#: are the same pixel for pixel (a title of 10 points is 14 pixels high).
DESIGN_DPI = 100
#: A pixel differs when its grey levels differ by more than this.
DESIGN_CONTRAST = 64
#: The differing pixels allowed in any INK_WINDOW points square (a genuine face differs by none).
DESIGN_SLACK = 4


def _design_differs(
    path: Path,
    number: int,
    item: _Stored,
    design: Design,
    fields: Sequence[Field],
    fields_only: bool,
    rendered: dict[Any, Any],
    side: int = 0,
) -> str | None:
    """Compare the face's ink outside the fields' boxes with the spec's face (blank paper for a
    face that prints its fields alone), both rendered at DESIGN_DPI; what differs, if anything.
    *side*: page *number* is the certificate's page after the face that page ``side + 1`` of
    the spec's form prints (its reverse), placed as the face is (*item*: the face's origin,
    the page's size)."""
    import tempfile

    from PIL import Image, ImageChops, ImageDraw

    scale = DESIGN_DPI / 72
    width, height = design.size if side == 0 or design.reverses is None else design.reverses[side - 1].size
    dx, dy = item.origin
    crop = (
        round(dx * scale),
        round((item.size[1] - dy - height) * scale),
        round(width * scale),
        round(height * scale),
    )
    actual = _render_gray(path, number, DESIGN_DPI, crop)
    key = (fields_only, item.size, item.origin, side)
    expected = rendered.get(key)
    if expected is None:
        if fields_only:
            expected = Image.new("L", actual.size, 255)
        else:
            with tempfile.TemporaryDirectory(prefix="certgen-verify-") as tmp:
                form = Path(tmp) / "form.pdf"
                pdf, page = _placed(design, item, side)
                form.write_bytes(pdf)
                expected = _render_gray(form, page, DESIGN_DPI, crop)
        rendered[key] = expected
    page_name = "face" if side == 0 else "reverse"
    if expected.size != actual.size:
        return (
            f"the page ({_box_text((0, 0, *item.size))}) does not hold the spec's {page_name} where its fields are"
            if side == 0
            else f"the page ({_box_text((0, 0, *item.size))}) does not hold the spec's reverse where the face is"
        )
    difference = ImageChops.difference(actual, expected).point(lambda v: 255 if v > DESIGN_CONTRAST else 0)
    draw = ImageDraw.Draw(difference)
    for f in fields:
        draw.rectangle(
            (
                math.floor((f.x - 1) * scale),
                math.floor((height - f.y - f.height - 1) * scale),
                math.ceil((f.x + f.width + 1) * scale),
                math.ceil((height - f.y + 1) * scale),
            ),
            fill=0,
        )
    window = 2 * round(INK_WINDOW * scale / 2) + 1
    found = _densest(difference, window)
    if found <= DESIGN_SLACK:
        return None
    left, top, right, bottom = difference.getbbox() or (0, 0, 0, 0)
    where = (left / scale, height - bottom / scale, right / scale, height - top / scale)
    if fields_only:
        what = "blank paper (the face prints its fields alone)"
    else:
        what = f"the spec's {page_name}" if side < 2 else f"page {side + 1} of the spec's form"
    outside = "outside the fields' boxes " if fields else ""
    return (
        f"{outside}the {page_name}'s ink is not {what}: {found} pixels differ in {INK_WINDOW:g} points "
        f"at {DESIGN_DPI} dpi, within [{' '.join(f'{v:.0f}' for v in where)}] (points from the {page_name}'s lower left): "
        "text or art changed, covered or drawn over it"
    )


def _placed(design: Design, item: _Stored, side: int = 0) -> tuple[bytes, int]:
    """The spec's face (or page ``side + 1`` of its form) on a page of the certificate's page's
    size, where the face's fields are (crop marks and an overlay offset move them): what the
    certificate's page shows when it is genuine; and the number of that page in the PDF."""
    size = design.size if side == 0 or design.reverses is None else design.reverses[side - 1].size
    if item.origin == (0.0, 0.0) and item.size == size:
        return design.form_pdf, side + 1
    import pypdf

    face = pypdf.PdfReader(io.BytesIO(design.form_pdf)).pages[side]
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=item.size[0], height=item.size[1])
    page.merge_transformed_page(face, pypdf.Transformation().translate(*item.origin))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), 1


def _describe_text(text: str) -> str:
    try:
        return Payload.decode(text).describe()
    except PayloadError:
        return repr(text[:40])


#: Type under this size is microprint (0.75-0.8 pt), not a field's text, even in a field's box.
MICROPRINT = 1.0


def _glyphs_in_box(page: Any, field: Field) -> tuple[list[Any], str]:
    """The glyphs printed in a field's box (centres inside it, a point of slack): those that
    leave ink and are not artifacts; and the text of artifacts that would be printed there."""
    from ..pdftext import inked

    x0, y0, x1, y1 = field.x - 1, field.y - 1, field.x + field.width + 1, field.y + field.height + 1
    inside = [
        g for g in page.glyphs if x0 <= (g.x0 + g.x1) / 2 <= x1 and y0 <= (g.y0 + g.y1) / 2 <= y1 and inked(g)
    ]
    artifacts = [g for g in inside if g.artifact and g.size >= MICROPRINT]
    printed = [g for g in inside if not g.artifact]
    return printed, _fold(_reading(artifacts))


def _reading(glyphs: list[Any]) -> str:
    from ..pdftext import reading_text

    return reading_text(glyphs)


#: Resolution of the ink comparison: 300 dpi, a field's type of 8 points is 33 pixels high, and
#: a stroke of its digits 2 or more wide (at 100 dpi an 8 drawn for a 0, a 5 for a 3, lay within
#: the pixel of slack around the genuine ink: **180** passed for **100**).
INK_DPI = 300
#: The differing pixels (ink added or missing, beyond a pixel around the genuine glyphs' own)
#: allowed in any window of INK_WINDOW points square: a genuine face differs by a few at the
#: edges of its type over the guilloche ground; a digit changed into another differs by 25 or more.
INK_SLACK = 12
INK_WINDOW = 4.0


def _densest(difference: Any, window: int) -> int:
    """The most differing pixels (255 in *difference*) in any *window* × *window* square."""
    from PIL import ImageFilter

    if difference.histogram()[255] == 0:
        return 0
    if min(difference.size) < window:
        return int(difference.histogram()[255])
    mean = difference.filter(ImageFilter.BoxBlur(window // 2))
    return int(round(mean.getextrema()[1] * window * window / 255))


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CertgenError(
            f"verifying a certificate PDF needs {name}: install {package} (apt-get install {package})"
        )
    return found


def _render_gray(pdf: Path, number: int, dpi: int, crop: tuple[int, int, int, int] | None = None) -> Any:
    """Page *number* of *pdf* as a grey Pillow image (pdftoppm), optionally a crop in pixels."""
    from PIL import Image

    command = [
        _tool("pdftoppm", "poppler-utils"),
        "-r",
        str(dpi),
        "-gray",
        "-f",
        str(number),
        "-l",
        str(number),
        "-singlefile",
    ]
    if crop is not None:
        command += ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])]
    result = subprocess.run([*command, str(pdf)], capture_output=True, check=False)
    if result.returncode != 0:
        raise CertgenError(
            f"pdftoppm cannot render page {number} ({result.stderr.decode('utf-8', 'replace').strip()[:200]})",
            str(pdf),
        )
    return Image.open(io.BytesIO(result.stdout))


def _ink_differs(
    path: Path,
    number: int,
    size: tuple[float, float],
    fields: Sequence[Field],
    values: Mapping[str, str],
    certificate: str,
) -> tuple[tuple[str, str] | None, tuple[str, ...]]:
    """Compare, box by box, the ink on the page with the payload's text set in each field on
    blank paper (certgen's own fonts, the field's layout): (field, message) where they part;
    and the fields not compared: those whose text (a genuine one: it was compared already) no
    face of theirs has, set in a font of the spec's own (``fonts.fallback``) that verify was
    not given."""
    import tempfile

    from PIL import ImageChops, ImageFilter

    from ..drawing import DocumentInfo
    from ..drawing.writer import TextRun, write_text_page
    from ..layout.fields import fill_field

    runs: list[TextRun] = []
    unset: list[str] = []
    for field in fields:
        try:
            lines = fill_field(field, values, certificate)
        except GlyphError:
            if field.fallback:  # the spec's faces lack it too: the face does not print it
                return (
                    field.name,
                    f"the payload's {field.name} cannot be set in the spec's fonts: the face does not print it",
                ), ()
            unset.append(field.name)
            continue
        except CertgenError:
            return (
                field.name,
                f"the payload's {field.name} does not fit its box: the field map does not match the face",
            ), ()
        runs.extend(
            TextRun(line.font or field.font, line.size, line.x, line.y, line.text, field.tracking)
            for line in lines
        )
    scale = INK_DPI / 72
    compared = [f for f in fields if f.name not in unset]
    if not compared:
        return None, tuple(unset)
    # One crop of the page holds every compared box (rendering the whole face at 300 dpi would
    # take three times as long).
    left = max(0, math.floor((min(f.x for f in compared) - 1) * scale))
    top = max(0, math.floor((size[1] - max(f.y + f.height for f in compared) - 1) * scale))
    right = math.ceil((max(f.x + f.width for f in compared) + 1) * scale)
    bottom = math.ceil((size[1] - min(f.y for f in compared) + 1) * scale)
    crop = (left, top, right - left, bottom - top)
    with tempfile.TemporaryDirectory(prefix="certgen-verify-") as tmp:
        expected_pdf = Path(tmp) / "expected.pdf"
        with open(expected_pdf, "wb") as out:
            write_text_page(out, size[0], size[1], runs, DocumentInfo("expected", "certgen verify"))
        actual = _render_gray(path, number, INK_DPI, crop)
        expected = _render_gray(expected_pdf, 1, INK_DPI, crop)
    window = 2 * round(INK_WINDOW * scale / 2) + 1
    for field in compared:
        box = (
            max(0, math.floor((field.x - 1) * scale) - left),
            max(0, math.floor((size[1] - field.y - field.height - 1) * scale) - top),
            math.ceil((field.x + field.width + 1) * scale) - left,
            math.ceil((size[1] - field.y + 1) * scale) - top,
        )
        luminance = 0.299 * field.color[0] + 0.587 * field.color[1] + 0.114 * field.color[2]
        threshold = min(160, int(255 * (1 + luminance) / 2))
        ink_a = actual.crop(box).point(lambda v, t=threshold: 255 if v < t else 0)
        ink_e = expected.crop(box).point(lambda v: 255 if v < 128 else 0)
        wide_a = ink_a.filter(ImageFilter.MaxFilter(3))
        wide_e = ink_e.filter(ImageFilter.MaxFilter(3))
        extra = _densest(ImageChops.subtract(ink_a, wide_e), window)
        missing = _densest(ImageChops.subtract(ink_e, wide_a), window)
        if missing > INK_SLACK:
            return (
                field.name,
                (
                    f"the payload's {field.name} is not visible in its box ({missing} pixels of its ink missing "
                    f"in {INK_WINDOW:g} points at {INK_DPI} dpi): covered, clipped, painted in white or not printed"
                ),
            ), ()
        if extra > INK_SLACK:
            return (
                field.name,
                (
                    f"the {field.name} box shows ink that is not the payload's {field.name} ({extra} pixels "
                    f"in {INK_WINDOW:g} points at {INK_DPI} dpi): something else is drawn over or beside it"
                ),
            ), ()
    return None, tuple(unset)


#: Resolution at which the code drawn on a face is read: 5 pixels or more per module.
QR_DPI = 300


def _drawn_codes(path: Path, number: int, field: Field, height: float) -> list[str]:
    """The QR codes read in a field's box on the page (*height* points high), rendered with
    its quiet zone: by zbarimg where it is installed, else by zxing-cpp."""
    margin = field.width / 6
    scale = QR_DPI / 72
    crop = (
        max(0, math.floor((field.x - margin) * scale)),
        max(0, math.floor((height - field.y - field.height - margin) * scale)),
        math.ceil((field.width + 2 * margin) * scale),
        math.ceil((field.height + 2 * margin) * scale),
    )
    return _image_codes(_render_gray(path, number, QR_DPI, crop))


def _zbar_codes(image: Path) -> tuple[list[str], str | None]:
    """The QR codes zbarimg reads in an image (``--raw``: one a line); and what is wrong when it
    cannot read the image at all (zbarimg: 0 found, 4 nothing found, anything else unreadable)."""
    zbarimg = _tool("zbarimg", "zbar-tools")
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        check=False,
    )
    if result.returncode not in (0, 4):
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return [], f"zbarimg cannot read the image ({message[-1] if message else result.returncode})"
    return [line for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip()], None


def _with_document_signature(verdicts: list[Verdict], path: Path, expected: bytes | None) -> list[Verdict]:
    """The verdicts of a PDF's faces, with what its digital signature says (see :func:`_judge_signatures`)."""
    document, problem = _judge_signatures(path, expected)
    out = []
    for verdict in verdicts:
        if verdict.status == "unreadable":
            out.append(verdict)
        elif problem is None:
            message = verdict.message + (f"; PDF {document.describe()}, signature holds" if document else "")
            compared = verdict.compared + (("pdf_signature",) if document else ())
            out.append(replace(verdict, message=message, pdf_signature=document, compared=compared))
        elif verdict.status == "authentic":
            out.append(
                replace(
                    verdict,
                    status=problem[0],
                    message=problem[1],
                    field="pdf_signature",
                    pdf_signature=document,
                )
            )
        else:
            out.append(
                replace(verdict, message=f"{verdict.message}; and {problem[1]}", pdf_signature=document)
            )
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


def _judge_signatures(
    path: Path, expected: bytes | None
) -> tuple[SignatureCheck | None, tuple[Status, str] | None]:
    """A PDF's first digital signature, and what is wrong, if anything: a signature that does
    not hold, or a file changed after signing, is an alteration; a signer other than the issue's
    certificate is another key; an issue that signs its PDFs and a PDF without a signature, an
    alteration too."""
    from .pades import check_signatures, has_signatures

    data = path.read_bytes()
    checks = check_signatures(data, str(path)) if has_signatures(data) else []
    problem: tuple[Status, str] | None = None
    if expected is not None and not checks:
        problem = (
            "altered",
            "the issue signs its PDFs (pdf_signature) and this one carries no digital signature",
        )
    for check in checks:
        if not check.holds:
            problem = (
                "altered",
                f"the PDF's digital signature ({check.describe()}) does not hold: the file was changed after signing",
            )
        elif not check.whole_file:
            problem = (
                "altered",
                f"the PDF was changed after its digital signature ({check.describe()}): an update follows it",
            )
        elif expected is not None and check.certificate != expected:
            problem = (
                "wrong-key",
                f"the PDF is {check.describe()}, not by the issue's pdf_signature.certificate",
            )
        if problem:
            break
    return (checks[0] if checks else None), problem


def signed_values(payload: Payload) -> dict[str, str]:
    """The values a certificate's fields print, as its payload signs them (the registration
    is signed by its digest only)."""
    currency = payload.unit if payload.unit in CURRENCIES else "USD"
    values = certificate_values(Holder(payload.number, "", payload.amount, payload.issue_date), currency)
    del values["registration"]
    return values


def _fold(text: str) -> str:
    return " ".join(text.split())


def worst(verdicts: Sequence[Verdict]) -> int:
    """The command's exit status for several verdicts: the highest."""
    return max((v.exit_code for v in verdicts), default=2)


def verdicts_json(verdicts: Sequence[Verdict]) -> Mapping[str, Any]:
    statuses = [v.status for v in verdicts]
    overall = (
        "authentic"
        if statuses and all(s == "authentic" for s in statuses)
        else next((s for s in ("unreadable", "altered", "wrong-key") if s in statuses), "unreadable")
    )
    return {"status": overall, "results": [v.as_dict() for v in verdicts]}
