"""PAdES digital signatures on the PDFs certgen writes (pyHanko).

A spec's ``pdf_signature:`` section names the signer's X.509 certificate, the
intermediate CA certificates that chain it to a root, and where its private
key is (a PEM file, or the PEM text in an environment variable, optionally
encrypted with a passphrase from another variable).  Every PDF the issue
writes is then signed: the blank form, specimens, each certificate, each
print file.

The signature is an incremental update of the file certgen wrote: an
invisible signature field whose CMS container (``ETSI.CAdES.detached``, the
PAdES baseline B-B profile: signing-certificate-v2 attribute, the signing
time in the signature dictionary) covers the whole file.  Any later change
to the bytes breaks it, which ``pdfsig``, Acrobat and pyHanko report.

Signing is deterministic given the signing time: the update's document id
and modification date are derived from the file and that time, and RSA
PKCS#1 v1.5 signatures are deterministic.  The time is the current time,
unless the caller fixes it (``prepare(signing_time=...)``) or the
``SOURCE_DATE_EPOCH`` environment variable does (reproducible builds'
convention), so the same spec, data and time give byte-identical signed
files.  ECDSA signatures are randomised: the same time still gives a
signature that holds, but other bytes.

The private key is never printed, logged or put in an error message.
pyHanko is imported only when a spec asks for a signature (``pip install
'certgen[signature]'``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .payload import SigningKeyError, private_key_from_env, read_key_file

if TYPE_CHECKING:
    from cryptography import x509

    from ..spec.schema import Spec

__all__ = ["DocumentSigner", "SignatureCheck", "check_signatures", "load_document_signer", "signing_time"]

#: The signature field's name (pdfsig and Acrobat show it).
FIELD_NAME = "CertgenSignature"

#: RSA keys shorter than this are refused (NIST SP 800-131A: 2048 bits since 2014).
MIN_RSA_BITS = 2048

INSTALL_HINT = "PDF signatures need pyHanko: pip install 'certgen[signature]'"


def signing_time(fixed: dt.datetime | None = None) -> dt.datetime:
    """The time a signature records: *fixed*, else ``$SOURCE_DATE_EPOCH``, else now (UTC, whole seconds)."""
    if fixed is not None:
        when = fixed if fixed.tzinfo is not None else fixed.replace(tzinfo=dt.UTC)
    elif os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        try:
            when = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC)
        except ValueError:
            raise SigningKeyError(
                "SOURCE_DATE_EPOCH is not a whole number of seconds since 1970: set it to one (date +%s), or unset it",
                "$SOURCE_DATE_EPOCH",
            ) from None
    else:
        when = dt.datetime.now(dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)


class DocumentSigner:
    """Signs PDFs with one certificate and key (kept out of ``repr`` and logs).

    :param certificate: the signer's certificate.
    :param chain: the certificates that chain it to a root (intermediates, optionally the root).
    :param key: its private key (RSA of 2048 bits or more, or EC).
    """

    def __init__(
        self,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        key: Any,
        *,
        reason: str | None = None,
        location: str | None = None,
    ) -> None:
        self.certificate = certificate
        self.chain = tuple(chain)
        self.reason = reason
        self.location = location
        self._key = key
        self._pyhanko_signer: Any = None
        self._reserved = 0

    def __repr__(self) -> str:
        return f"DocumentSigner({self.subject})"

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("a DocumentSigner holds a private key and is not pickled")

    @property
    def subject(self) -> str:
        """The certificate's subject (``CN=..., O=...``)."""
        return subject_text(self.certificate)

    def sign(self, pdf: bytes, when: dt.datetime | None = None) -> bytes:
        """*pdf* with a PAdES signature appended (an incremental update), signed at *when*
        (default: :func:`signing_time`).

        :raises SigningKeyError: when the certificate is not valid at that time.
        """
        at = signing_time(when)
        self.check_valid_at(at)
        signer = self._signer()
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        class _Writer(IncrementalPdfFileWriter):
            def _update_meta(self) -> None:
                super()._update_meta()  # type: ignore[no-untyped-call]  # pyHanko method without annotations
                # pyHanko dates the update "now" in the local zone: the signing time instead.
                if self._info is not None:
                    info = self._info.get_object()  # type: ignore[no-untyped-call]  # pyHanko method without annotations
                    info[generic.pdf_name("/ModDate")] = generic.pdf_date(at)

        class _PdfSigner(signers.PdfSigner):
            def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
                session = super().init_signing_session(pdf_out, existing_fields_only)
                session.system_time = at
                return session

        writer = _Writer(io.BytesIO(pdf), strict=True)
        # The update's document id: the file's first id kept (ISO 32000 14.4), the second derived
        # from the file and the time instead of random bytes.
        first = writer._document_id[0]
        second = hashlib.sha256(pdf + at.isoformat().encode()).digest()[:16]
        writer._document_id = generic.ArrayObject([first, generic.ByteStringObject(second)])
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=self.reason,
            location=self.location,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        out = _PdfSigner(meta, signer).sign_pdf(writer, bytes_reserved=self._reserved or None)
        return bytes(out.getvalue())

    def check_valid_at(self, when: dt.datetime) -> None:
        """Raise :class:`SigningKeyError` if the certificate is not valid at *when*."""
        start, end = self.certificate.not_valid_before_utc, self.certificate.not_valid_after_utc
        if when < start:
            raise SigningKeyError(
                f"the signing certificate is valid from {start:%Y-%m-%d %H:%M} UTC, after the signing time "
                f"{when:%Y-%m-%d %H:%M} UTC: sign later, or use a certificate valid now",
                "pdf_signature.certificate",
                field="pdf_signature.certificate",
            )
        if when > end:
            raise SigningKeyError(
                f"the signing certificate expired on {end:%Y-%m-%d} (signing time {when:%Y-%m-%d}): "
                "renew it and name the new certificate and key",
                "pdf_signature.certificate",
                field="pdf_signature.certificate",
            )

    def _signer(self) -> Any:
        """pyHanko's signer, made on first use (and the room its signatures take, measured once)."""
        if self._pyhanko_signer is None:
            self._pyhanko_signer = _pyhanko_signer(self.certificate, self.chain, self._key)
            self._reserved = _room_for_signature(self._pyhanko_signer)
        return self._pyhanko_signer


def _pyhanko_signer(certificate: x509.Certificate, chain: Sequence[x509.Certificate], key: Any) -> Any:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(cert: x509.Certificate) -> Any:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    class _Signer(signers.SimpleSigner):
        # pyHanko's SimpleSigner parses the key again for every signature (40 ms for RSA): the
        # key loaded once signs instead.
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            digest = getattr(hashes, digest_algorithm.upper())()  # sha256 -> hashes.SHA256
            if isinstance(key, RSAPrivateKey):
                return bytes(key.sign(data, PKCS1v15(), digest))
            return bytes(key.sign(data, ECDSA(digest)))

    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _Signer(
        signing_cert=asn1(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in chain]),  # type: ignore[no-untyped-call]  # pyHanko method without annotations
    )


def _room_for_signature(signer: Any) -> int:
    """Bytes to reserve for the signature container (hex): a trial signature's size plus room
    for the few bytes an ECDSA signature's length varies by."""
    import asyncio

    from cryptography.hazmat.primitives import hashes
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    trial = asyncio.run(
        signer.async_sign(
            hashes.Hash(hashes.SHA256()).finalize(),
            "sha256",
            use_pades=True,
            dry_run=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC)),
        )
    )
    return 2 * len(trial.dump()) + 512


def load_document_signer(
    spec: Spec, key_pem: bytes | None = None, when: dt.datetime | None = None
) -> DocumentSigner:
    """The signer the spec's ``pdf_signature:`` names: its certificate, chain and key (the key
    given, else in the spec's variable, else its file); its certificate must be valid at *when*
    (default: :func:`signing_time`).

    :raises SigningKeyError: naming the spec key (its ``field``) at fault: a file missing or
        unreadable, no key, a key that is not the certificate's, a certificate not valid now or
        not for signing, or pyHanko not installed.
    """
    config = spec.pdf_signature
    assert config is not None
    field = "pdf_signature"
    try:
        try:
            import pyhanko  # noqa: F401  (imported only to tell whether the extra is installed)
        except ImportError:
            raise SigningKeyError(INSTALL_HINT, spec.locate(field)) from None
        field = "pdf_signature.certificate"
        certificate = _certificates(spec, config.certificate, field)[0]
        chain = []
        for index, name in enumerate(config.chain):
            field = f"pdf_signature.chain[{index}]"
            chain.extend(_certificates(spec, name, field))
        field, where = "pdf_signature.key_env", f"${config.key_env}"
        if key_pem is None:
            key_pem = private_key_from_env(config.key_env)
        else:
            field, where = "", "the PDF signing key given"
        if key_pem is None and config.key_file:
            field = "pdf_signature.key_file"
            where = spec.locate(field)
            key_pem = read_key_file(spec.base_dir / config.key_file, "private key", where)
        if key_pem is None:
            field = "pdf_signature"
            raise SigningKeyError(
                f"PDF signatures need the certificate's private key: set ${config.key_env} to its PEM text "
                "or name its file in pdf_signature.key_file",
                spec.locate(field),
            )
        key = _private_key(key_pem, where, config.passphrase_env)
        field = "pdf_signature.certificate"
        _check_certificate(certificate, key, spec.locate(field))
    except SigningKeyError as exc:
        exc.field = exc.field or field or None
        raise
    signer = DocumentSigner(certificate, chain, key, reason=config.reason, location=config.location)
    try:
        signer.check_valid_at(signing_time(when))
    except SigningKeyError as exc:
        exc.where = spec.locate("pdf_signature.certificate")
        raise
    return signer


def certificate_der(spec: Spec) -> bytes:
    """The DER of the spec's ``pdf_signature.certificate`` (what verification expects to find).

    :raises SigningKeyError: when it is missing or not a certificate.
    """
    from cryptography.hazmat.primitives import serialization

    assert spec.pdf_signature is not None
    found = _certificates(spec, spec.pdf_signature.certificate, "pdf_signature.certificate")
    return bytes(found[0].public_bytes(serialization.Encoding.DER))


def _certificates(spec: Spec, name: str, field: str) -> list[x509.Certificate]:
    from cryptography import x509

    where = spec.locate(field)
    data = read_key_file(spec.base_dir / name, "certificate", where)
    try:
        if b"-----BEGIN" in data:
            found = x509.load_pem_x509_certificates(data)
        else:
            found = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise SigningKeyError(f"{name!r} is not an X.509 certificate (PEM or DER)", where) from None
    return found


def _private_key(pem: bytes, where: str, passphrase_env: str | None) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    passphrase = os.environ.get(passphrase_env, "").encode() if passphrase_env else b""
    try:
        key = _parsed_key(pem, passphrase)
    except TypeError:
        if passphrase:
            raise SigningKeyError(
                "the private key is not encrypted: unset pdf_signature.passphrase_env", where
            ) from None
        raise SigningKeyError(
            "the private key is encrypted: name the variable holding its passphrase in pdf_signature.passphrase_env"
            + (f" and set ${passphrase_env}" if passphrase_env else ""),
            where,
        ) from None
    except ValueError:
        if passphrase:
            raise SigningKeyError(
                f"cannot read the private key: not a PEM private key, or ${passphrase_env} is not its passphrase",
                where,
            ) from None
        raise SigningKeyError("not a PEM private key (-----BEGIN PRIVATE KEY-----)", where) from None
    if isinstance(key, RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise SigningKeyError(f"the RSA key has {key.key_size} bits: use {MIN_RSA_BITS} or more", where)
        return key
    if isinstance(key, EllipticCurvePrivateKey):
        return key
    raise SigningKeyError(
        f"the private key is a {type(key).__name__.removeprefix('_').replace('PrivateKey', '')} key: PDF readers "
        "(Acrobat, poppler) check RSA and ECDSA signatures; use an RSA or EC certificate",
        where,
    )


@lru_cache(maxsize=4)
def _parsed_key(pem: bytes, passphrase: bytes) -> Any:
    """A PEM private key parsed once per process (an RSA key takes some 40 ms): the spec rule
    that checks the keys and the issue that signs with them read the same key."""
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=passphrase or None)


def _check_certificate(certificate: x509.Certificate, key: Any, where: str) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    def spki(public: Any) -> bytes:
        return bytes(
            public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

    if spki(certificate.public_key()) != spki(key.public_key()):
        raise SigningKeyError(
            f"the private key is not the key of the certificate ({subject_text(certificate)}): "
            "give the certificate's own key",
            where,
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningKeyError(
            "the certificate's key usage does not allow signing (neither digitalSignature nor "
            "nonRepudiation): ask the CA for a document-signing certificate",
            where,
        )


@dataclass(frozen=True)
class SignatureCheck:
    """One digital signature found in a PDF, and whether it holds."""

    #: The signature field's name.
    field: str
    #: The signer's certificate subject (``CN=..., O=...``).
    signer: str
    #: The signing time the signature claims (its /M), if any.
    signed_at: dt.datetime | None
    #: The signed bytes are unchanged and the signature is the certificate's key's.
    holds: bool
    #: Nothing was added to the file after the signature (it covers the whole file).
    whole_file: bool
    #: The signer's certificate (DER), to compare with the one expected.
    certificate: bytes

    def describe(self) -> str:
        when = f" on {self.signed_at:%Y-%m-%d %H:%M} UTC" if self.signed_at else ""
        return f"signed by {self.signer}{when}"


def has_signatures(pdf: bytes) -> bool:
    """Whether *pdf* appears to carry a digital signature (a signature dictionary's byte range)."""
    return b"/ByteRange" in pdf


def check_signatures(pdf: bytes, where: str = "PDF") -> list[SignatureCheck]:
    """The digital signatures in *pdf*, each checked: its signed bytes unchanged, its signature
    the certificate's, and the whole file covered.  Trust in the certificate is not judged here
    (pdfsig or Acrobat with the CA's certificate do that).

    :raises CertgenError: when pyHanko is not installed, or the file is not a readable PDF.
    """
    from ..errors import CertgenError

    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        raise CertgenError(f"checking its digital signature: {INSTALL_HINT}", where) from None
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = list(reader.embedded_signatures)
    except Exception as exc:  # pyHanko raises many types for damaged files
        raise CertgenError(f"cannot read the PDF's signatures ({exc})", where) from None
    checks = []
    for signature in found:
        certificate = signature.signer_cert
        try:
            # The signer's own certificate as the trust anchor: the check is of the signature, not
            # of trust in its CA (and pyHanko then builds no path, nor logs a failure to).
            context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
            status = validate_pdf_signature(signature, context)
            holds = bool(status.intact and status.valid)
            # Nothing may follow the signature: pyHanko's difference analysis lets a metadata
            # update pass as harmless, and on a certificate it is not.
            whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        except Exception:  # a malformed signature container does not hold
            holds, whole = False, False
        when = signature.self_reported_timestamp
        checks.append(
            SignatureCheck(
                field=str(signature.field_name),
                signer=_asn1_subject(certificate),
                signed_at=when.astimezone(dt.UTC) if when is not None else None,
                holds=holds,
                whole_file=whole,
                certificate=bytes(certificate.dump()),
            )
        )
    return checks


def _asn1_subject(certificate: Any) -> str:
    """:func:`subject_text` of an asn1crypto certificate (as pyHanko gives them)."""
    from cryptography import x509

    return subject_text(x509.load_der_x509_certificate(certificate.dump()))


def subject_text(certificate: x509.Certificate) -> str:
    """A certificate's subject as people read it: ``CN=..., O=..., C=US`` (in the certificate's order)."""
    return ", ".join(
        f"{a.rfc4514_attribute_name}={a.value if isinstance(a.value, str) else a.value.hex()}"
        for a in certificate.subject
    )
