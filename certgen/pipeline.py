"""The whole pipeline, top to bottom.

``prepare(spec)`` does the per-issue work once: the spec rules (:mod:`certgen.validation`),
the layout (:func:`certgen.issue.lay_out`: legends resolved, templates expanded, pages laid
out), the document information and the signers (:mod:`certgen.signing`); and returns a :class:`PreparedIssue`, whose ``render*`` methods do the
per-certificate work: fill the variable fields for each holder and draw the
PDF, reusing each page's static part as a Form XObject.

A prepared issue is immutable and safe to share between threads.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .drawing import DocumentInfo, FilledPage, PrintOptions, write_pdf
from .errors import CertgenError, RenderError
from .files import atomic_output
from .issue import IssueLayout, lay_out, resolve_legends
from .layout.fieldmap import field_map
from .layout.fields import fill_fields
from .model.certificate import Holder, blank_values, certificate_values, specimen_values
from .signing import (
    Payload,
    Signer,
    SigningKeyError,
    field_map_digest,
    load_public_key,
    read_key_file,
)
from .signing.signers import certificate_payload, load_signer, missing_private_key
from .spec import load_spec
from .spec.schema import Spec
from .version import __version__

if TYPE_CHECKING:
    from .signing.pades import DocumentSigner
    from .signing.verify import Verdict

__all__ = ["PreparedIssue", "RenderedCertificate", "prepare", "resolve_legends", "verify"]


log = logging.getLogger("certgen")

#: The word printed across the face of specimens and proofs.
SPECIMEN = "SPECIMEN"


@dataclass(frozen=True)
class RenderedCertificate:
    """One certificate rendered on its own: its holder and its PDF bytes."""

    holder: Holder
    pdf: bytes


def prepare(
    spec: Spec | str | PathLike[str] | Mapping[str, Any],
    *,
    validate: bool = True,
    signing_key: bytes | None = None,
    sign: bool = True,
    pdf_signing_key: bytes | None = None,
    signing_time: datetime | None = None,
) -> PreparedIssue:
    """Do the per-issue work once: legends, templates, layout.

    :param spec: a loaded :class:`Spec`, a spec file path, or a mapping.
    :param validate: run the spec rules first (as for the blank form) and, when
        certificates are written, the holder rules on each row and the rules
        that issued certificates add (a full CUSIP); ``False`` only for a
        caller that has run :func:`certgen.validate` itself.
    :param signing_key: the PEM of the private key that signs the QR codes (a spec with a
        ``qr:`` section); by default it is read from the variable or file the spec names.
    :param sign: ``False``: no key is read (the layout only: checks, verification); such an
        issue prints blank forms and specimens only, without PDF signatures.
    :param pdf_signing_key: the PEM of the private key of the ``pdf_signature:`` certificate;
        by default it is read from the variable or file the spec names.
    :param signing_time: the time PDF signatures record (default: ``$SOURCE_DATE_EPOCH`` if set,
        else the time of each signature); a fixed time makes signed output reproducible.
    :raises ValidationError: when a rule finds an error.
    :raises SpecError: for an unknown template or a legend template's missing parameter.
    :raises TemplateError: when a template fails to expand or describes a bad layout.
    :raises FitError: when static text (a legend, a clause) does not fit its box.
    :raises SigningKeyError: when the QR code's keys are unreadable or do not make a pair, or
        the PDF signature's certificate or key is missing, unreadable, expired or not a pair.
    """
    if not isinstance(spec, Spec):
        spec = load_spec(spec)
    legends = None
    if validate:
        from .validation import Report, check_spec_rules

        legends, findings = check_spec_rules(spec, form=True)
        Report.of(findings).raise_for_errors()
    laid = lay_out(spec, legends)
    info = DocumentInfo(
        title=f"{spec.issuer.name} {spec.security.title}",
        author=spec.issuer.name,
        subject=f"{spec.security.title} certificate"
        + (f", CUSIP {spec.security.primary_cusip}" if spec.security.primary_cusip else ""),
        creator=f"certgen {__version__}",
    )
    signer = load_signer(spec, signing_key) if spec.qr is not None and sign else None
    document_signer = None
    if spec.pdf_signature is not None and sign:
        from .signing.pades import load_document_signer

        document_signer = load_document_signer(spec, pdf_signing_key, signing_time)
    return PreparedIssue(
        spec, laid.pages, laid.legends, info, validate, signer, document_signer, signing_time
    )


@dataclass(frozen=True)
class PreparedIssue(IssueLayout):
    """An issue whose templates are expanded and laid out: ready to print certificates."""

    info: DocumentInfo
    #: Holder rows are checked by the validation rules as they are written.
    validated: bool = True
    #: Signs the QR codes (a spec with ``qr:``); None when there is no code, or no private key
    #: (then only the blank form and specimens print).
    signer: Signer | None = dataclass_field(default=None, compare=False, repr=False)
    #: Signs each PDF written (a spec with ``pdf_signature:``, unless prepared with sign=False).
    document_signer: DocumentSigner | None = dataclass_field(default=None, compare=False, repr=False)
    #: The time PDF signatures record (None: see :func:`certgen.signing.pades.signing_time`).
    signing_time: datetime | None = None
    #: Per-issue encodings made on first use (the static shell of print files).
    _cache: dict[str, Any] = dataclass_field(default_factory=dict, compare=False, repr=False)

    def fill(self, holder: Holder | None, *, specimen: bool = False) -> list[FilledPage]:
        """Lay out the variable fields of one certificate (``None``: the blank form, or with
        *specimen* the specimen's values: SPECIMEN and zero-filled numbers)."""
        if holder is None:
            security = self.spec.security
            base = (
                specimen_values(security.certificate_prefix, security.currency)
                if specimen
                else blank_values()
            )
            values: Mapping[str, str] = _BlankValues({**base, **self.spec.form.values})
            number = None
        else:
            values = certificate_values(holder, self.spec.security.currency)
            number = holder.certificate_number
            if self.spec.qr is not None:
                values["qr_payload"] = self._signer().encode(
                    certificate_payload(self.spec, holder, self.fields_digest())
                )
        try:
            return [fill_fields(page.fields, values, number) for page in self.pages]
        except CertgenError as exc:
            if holder is not None and holder.source:
                exc.where = f"{holder.source}: {exc.where}" if exc.where else holder.source
            raise

    def payload(self, holder: Holder) -> Payload:
        """The signed payload of *holder*'s certificate (its QR code and metadata).

        :raises SigningKeyError: when the issue has no private key to sign with.
        """
        return self._signer().sign(certificate_payload(self.spec, holder, self.fields_digest()))

    def _signer(self) -> Signer:
        if self.signer is None:
            raise SigningKeyError(missing_private_key(self.spec), self.spec.locate("qr"), field="qr")
        return self.signer

    def fields_digest(self) -> str:
        """The digest of the face's field map (the page that prints the code), which each
        payload signs: verify finds the printed fields in the boxes it names."""
        digest = self._cache.get("fields_digest")
        if digest is None:
            face = next((p for p in self.pages if any(f.kind == "qr" for f in p.fields)), self.pages[0])
            digest = self._cache["fields_digest"] = field_map_digest(field_map(face.fields))
        return str(digest)

    def write(
        self,
        target: BinaryIO,
        holders: Iterable[Holder] | None = None,
        *,
        specimen: bool = False,
        options: PrintOptions | None = None,
    ) -> int:
        """Write one PDF: the blank form (no holders), or one certificate per holder.

        :param specimen: print SPECIMEN across each face; without holders, one
            specimen certificate with zero-filled numbers (what issuers file
            with exchanges); with holders, proofs that cannot pass as originals.
        :param options: print-file layout (the batch printer's order, banner,
            crop marks, overlay mode; not with *specimen*); ``None``: each
            certificate's pages in turn.
        :returns: the number of certificates written.
        """
        if holders is None:
            certificates: Iterable[list[FilledPage]] = [self.fill(None, specimen=specimen)]
        else:
            certificates = (self.fill(holder) for holder in self._checked(holders))
        if options is not None and specimen:
            raise ValueError("specimens are not print files: write them without print options")
        # The static part is encoded once per issue; the pages are written directly (or, to be
        # signed, into memory first: the signature covers the finished file).
        out: BinaryIO = io.BytesIO() if self.document_signer is not None else target
        count = write_pdf(
            self.pages,
            self.static_shell(),
            certificates,
            out,
            self.info,
            options,
            overlay=SPECIMEN if specimen else None,
        )
        if holders is not None and count == 0:
            raise RenderError("the holder data has no rows: nothing to print")
        if self.document_signer is not None:
            assert isinstance(out, io.BytesIO)
            target.write(self.sign_pdf(out.getvalue()))
        return count

    def sign_pdf(self, pdf: bytes) -> bytes:
        """*pdf* with the issue's PAdES signature (spec ``pdf_signature:``); unchanged without one."""
        if self.document_signer is None:
            return pdf
        return self.document_signer.sign(pdf, self.signing_time)

    def static_shell(self) -> Any:
        """The static part of the issue's pages, drawn and encoded once."""
        shell = self._cache.get("shell")
        if shell is None:
            from .drawing import static_shell

            shell = self._cache["shell"] = static_shell(self.pages, self.info)
        return shell

    def render(self, holders: Iterable[Holder] | None = None, *, specimen: bool = False) -> bytes:
        """The PDF as bytes: the blank form, or one certificate per holder (see :meth:`write`)."""
        buffer = io.BytesIO()
        self.write(buffer, holders, specimen=specimen)
        return buffer.getvalue()

    def render_each(self, holders: Iterable[Holder]) -> Iterator[RenderedCertificate]:
        """One PDF per certificate, yielded as it is made (memory stays flat)."""
        unchecked = replace(self, validated=False)
        pages = PrintOptions(order="pages")
        for holder in self._checked(holders):
            buffer = io.BytesIO()
            unchecked.write(buffer, [holder], options=pages)  # the static part encoded once, reused
            yield RenderedCertificate(holder, buffer.getvalue())

    def _checked(self, holders: Iterable[Holder]) -> Iterator[Holder]:
        """The holders, each checked by the validation rules before it is drawn.

        Raises :class:`~certgen.errors.ValidationError` at the first row with an
        error (and before the first row for the issue-wide rules of issued
        certificates), so nothing is printed from data known to be wrong.
        """
        if not self.validated:
            yield from holders
            return
        from .validation import Report, spec_findings
        from .validation.holder_rules import HolderChecker

        Report.of(spec_findings(self.spec, form=False)).raise_for_errors()
        checker = HolderChecker(self.spec, legends=self.legends)
        for holder in holders:
            Report.of(checker.check(holder)).raise_for_errors()
            yield holder
        Report.of(checker.finish()).raise_for_errors()

    def save(
        self, path: str | PathLike[str], holders: Iterable[Holder] | None = None, *, specimen: bool = False
    ) -> int:
        """Write the PDF to *path* atomically: a temporary file renamed at the end.

        Nothing is left at *path* (or beside it) when rendering fails.
        """
        with atomic_output(Path(path)) as stream:
            return self.write(stream, holders, specimen=specimen)


class _BlankValues(dict[str, str]):
    """The blank form: any placeholder, known or not, prints nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def verify(
    file: str | PathLike[str] | None = None,
    *,
    spec: Spec | str | PathLike[str] | Mapping[str, Any] | None = None,
    key: str | PathLike[str] | None = None,
    payload: str | None = None,
) -> list[Verdict]:
    """Is a certificate authentic?  ``certgen verify``'s decisions, for a library caller.

    :param file: a certificate PDF or a scanned image (PNG, JPEG...); or give *payload*.
    :param spec: the issue's spec: its ``qr.public_key``, its face's layout (each field compared
        in its own box) and its ``pdf_signature.certificate``; a spec without ``qr:`` judges a
        PDF by its digital signature alone.
    :param key: the public key (PEM file) instead of a spec.
    :param payload: a payload string (what a phone's scanner shows) instead of a file.
    :returns: one :class:`~certgen.signing.verify.Verdict` per certificate found.
    :raises TypeError: unless exactly one of *file*/*payload* and one of *spec*/*key* is given.
    :raises CertgenError: for a spec or key that cannot be read.
    """
    from .signing.signers import issue_of
    from .signing.verify import (
        IMAGE_SUFFIXES,
        Design,
        ReverseSide,
        code_only,
        of_issue,
        verify_file,
        verify_payload,
        verify_signed_pdf,
    )

    if (file is None) == (payload is None):
        raise TypeError("give a file (a PDF or an image) or a payload string")
    if (key is None) == (spec is None):
        raise TypeError("give the public key: key= (a PEM file) or spec= (its qr.public_key)")
    fields = None
    pdf_certificate = None
    design = None
    if spec is not None:
        loaded = spec if isinstance(spec, Spec) else load_spec(spec)
        if loaded.pdf_signature is not None:
            from .signing.pades import certificate_der

            pdf_certificate = certificate_der(loaded)
        if loaded.qr is None:
            if pdf_certificate is None:
                raise CertgenError(
                    "the spec has neither a qr: nor a pdf_signature: section: nothing to verify with",
                    loaded.locate(),
                )
            if file is None:
                raise CertgenError(
                    "the spec prints no QR code (no qr: section), so there is no payload to verify: give a PDF",
                    loaded.locate(),
                )
            return [verify_signed_pdf(file, pdf_certificate)]
        key_file, where = loaded.base_dir / loaded.qr.public_key, loaded.locate("qr.public_key")
        # The face's layout, and its design as the spec prints it: without reading the signing key.
        issue = prepare(loaded, validate=False, sign=False)
        face = issue.pages[0]
        fields = face.fields
        if file is not None and Path(file).suffix.lower() not in IMAGE_SUFFIXES:
            from .validation import page_form_text

            design = Design(
                issue.render(),
                (face.width, face.height),
                frozenset(loaded.security.cusips),
                page_form_text(issue, 0),
                issue_of(loaded),
                tuple(
                    ReverseSide((page.width, page.height), tuple(page.fields), page_form_text(issue, index))
                    for index, page in enumerate(issue.pages[1:], start=1)
                ),
            )
    else:
        assert key is not None
        key_file, where = Path(key), str(key)
    public_key = load_public_key(read_key_file(key_file, "public key", where), where)
    if payload is not None:
        verdicts = [code_only(verify_payload(payload, public_key), "a payload string")]
    else:
        assert file is not None
        verdicts = verify_file(
            file, public_key, fields=fields, pdf_certificate=pdf_certificate, design=design
        )
    # With the spec, a certificate of another issue signed by the same key is not one of this issue.
    return verdicts if spec is None else of_issue(verdicts, issue_of(loaded))
