"""An issue's signers: the QR code's Ed25519 key named by the spec, and the payload it signs
for each certificate."""

from __future__ import annotations

from ..model.certificate import Holder
from ..spec.schema import Spec
from .payload import (
    UNITS,
    Payload,
    Signer,
    SigningKeyError,
    key_id,
    load_private_key,
    load_public_key,
    private_key_from_env,
    read_key_file,
    registration_digest,
)

__all__ = ["certificate_payload", "issue_of", "load_signer", "missing_private_key"]


def issue_of(spec: Spec) -> dict[str, str]:
    """What every payload of the issue signs alike: its issuer, CUSIP and unit."""
    return {
        "issuer": " ".join(spec.issuer.name.split()),
        "cusip": spec.security.primary_cusip or "",
        "unit": spec.security.currency if spec.is_note else UNITS[spec.security.kind],
    }


def certificate_payload(spec: Spec, holder: Holder, fields_digest: str | None = None) -> Payload:
    """The fields of *holder*'s certificate that its QR code signs (not yet signed); with
    *fields_digest* (the face's field map digest) a CG2 payload, without it CG1."""
    issue = issue_of(spec)
    return Payload(
        key_id="",
        issuer=issue["issuer"],
        cusip=issue["cusip"],
        number=holder.certificate_number,
        amount=holder.shares,
        unit=issue["unit"],
        issue_date=holder.issue_date,
        registration_digest=registration_digest(holder.registration),
        fields_digest=fields_digest,
    )


def load_signer(spec: Spec, pem: bytes | None = None) -> Signer | None:
    """The QR code's signer: the key given, in the spec's variable, or in its file; None when
    there is none.  The private key must be the spec's public key's pair.

    :raises SigningKeyError: naming the spec key (its ``field``) whose key is at fault.
    """
    qr = spec.qr
    assert qr is not None
    field: str | None = "qr.public_key"
    try:
        where = spec.locate(field)
        public = load_public_key(read_key_file(spec.base_dir / qr.public_key, "public key", where), where)
        field, where = None, "the signing key given"
        if pem is None:
            pem = private_key_from_env(qr.private_key_env)
            field, where = "qr.private_key_env", f"${qr.private_key_env}"
        if pem is None and qr.private_key_file:
            field = "qr.private_key_file"
            where = spec.locate(field)
            pem = read_key_file(spec.base_dir / qr.private_key_file, "private key", where)
        if pem is None:
            return None
        signer = Signer(load_private_key(pem, where))
        if signer.key_id != key_id(public):
            raise SigningKeyError(
                f"the private key (id {signer.key_id}) is not the pair of qr.public_key (id {key_id(public)}): "
                "give the matching key, or the new public key",
                where,
            )
    except SigningKeyError as exc:
        exc.field = exc.field or field
        raise
    return signer


def missing_private_key(spec: Spec) -> str:
    """What to do when issued certificates are to be signed and there is no private key."""
    assert spec.qr is not None
    return (
        f"issued certificates carry a signed QR code, and there is no private key: set ${spec.qr.private_key_env} "
        "to the key's PEM text or name a file in qr.private_key_file"
    )
