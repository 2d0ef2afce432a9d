"""The signed payload of a certificate's QR code, and the Ed25519 keys that sign it.

A payload is one line of text, versioned by its first field::

    CG2|1a2b3c4d|THORNBURG MORTGAGE, INC.|885218107|TMA 000123|100|SH|20040115|Zq3...|Fm9...|<signature>

Its fields: the format (``CG1``), the signing key's id (the first four bytes
of the SHA-256 of the raw public key, in hex), the issuer, the CUSIP, the
certificate number as printed, the amount (shares, units, principal or
warrants) with its unit (``SH``, ``UN``, the note's currency ``USD``, ``EUR``..., ``WT``), the issue date, and the
registration digest (the first 12 bytes of the SHA-256 of the registration,
its white space folded, base64url), the **field map digest** (``CG2`` only:
the first 9 bytes of the SHA-256 of the face's field map, base64url; see
:func:`certgen.layout.fieldmap.field_map`), then the Ed25519 signature (base64url) of everything
before it, the ``|`` before it included.  A ``|`` or ``%`` inside a field is
written ``%7C`` or ``%25``.

The field map names each field of the face that prints a signed value (and
the code itself) with its box and how it is set; the writer stores it in the
face page's dictionary (``/CertgenFields``).  Its digest in the signed
payload lets ``certgen verify --key`` find every printed field without the
issue's spec, in the same boxes ``--spec`` uses.  ``CG1`` payloads (no field
map) are still read; a certificate PDF that carries one is judged only
against the issue's layout (``--spec``).

The registration itself is not in the code (a holder's name and address
need not be readable by every scanner); its digest binds the code to it.

Private keys are read from a file or an environment variable and are never
printed, logged or put in an error message.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CertgenError
from ..words import CURRENCIES

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "FORMAT",
    "FORMATS",
    "Payload",
    "PayloadError",
    "Signer",
    "SigningKeyError",
    "generate_key_pair",
    "field_map_digest",
    "key_id",
    "load_private_key",
    "load_public_key",
    "registration_digest",
    "signature_holds",
]

#: The payload format this version writes.
FORMAT = "CG2"
#: The formats it reads, and each one's number of ``|``-separated fields.
FORMATS = {"CG1": 10, "CG2": 11}


#: The unit of a payload's amount, by kind of security; a note's is its currency's ISO 4217
#: code (``USD``, ``EUR``: security.currency).
UNITS = {
    "common_stock": "SH",
    "preferred_stock": "SH",
    "global_note": "USD",
    "definitive_note": "USD",
    "warrant": "WT",
    "units": "UN",
}
#: Every unit a payload may carry, as people read it.
UNIT_WORDS = {
    "SH": "shares",
    "WT": "warrants",
    "UN": "units",
    "USD": "dollars of principal",
    **{code: f"{code} of principal" for code in CURRENCIES if code != "USD"},
}


class PayloadError(CertgenError):
    """A payload string is not a certgen payload (unreadable)."""


class SigningKeyError(CertgenError):
    """A key file or variable is missing, unreadable or not an Ed25519 key.

    :param field: the spec key that names the key (``qr.public_key``...), when one does.
    """

    def __init__(self, message: str, where: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message, where)
        self.field = field


@dataclass(frozen=True)
class Payload:
    """The signed fields of one certificate."""

    key_id: str
    issuer: str
    cusip: str
    number: str
    amount: int
    unit: str
    issue_date: dt.date
    registration_digest: str
    signature: bytes = b""
    #: The digest of the face's field map (``CG2``); ``None``: a ``CG1`` payload, which has none.
    fields_digest: str | None = None

    @property
    def format(self) -> str:
        """``CG2`` (with a field map digest) or ``CG1``."""
        return "CG1" if self.fields_digest is None else "CG2"

    def signed_text(self) -> str:
        """Everything the signature covers: the payload up to and including the ``|`` before it."""
        return _signed_text(self, self.key_id)

    def encode(self) -> str:
        """The payload as the QR code and the PDF's metadata carry it."""
        return self.signed_text() + _b64(self.signature)

    @classmethod
    def decode(cls, text: str) -> Payload:
        """Parse a payload string.

        :raises PayloadError: when it is not a certgen payload of a known format.
        """
        text = text.strip()
        parts = text.split("|")
        version = parts[0] if parts else ""
        if version not in FORMATS:
            found = version[:12] if version else "nothing"
            raise PayloadError(
                f"not a certgen payload: it starts with {found!r}, not {' or '.join(map(repr, FORMATS))}"
            )
        if len(parts) != FORMATS[version]:
            raise PayloadError(
                f"a {version} payload has {FORMATS[version]} fields separated by '|', this one has {len(parts)}"
            )
        values = [_unescape(p) for p in parts]
        fields_digest = values.pop(9) if version == "CG2" else None
        _, kid, issuer, cusip, number, amount, unit, date, digest, signature = values
        try:
            issue_date = dt.datetime.strptime(date, "%Y%m%d").date()
        except ValueError:
            raise PayloadError(f"the payload's issue date {date!r} is not a date (YYYYMMDD)") from None
        if not amount.isdigit():
            raise PayloadError(f"the payload's amount {amount!r} is not a whole number")
        if unit not in UNIT_WORDS:
            raise PayloadError(f"the payload's unit {unit!r} is not one of {', '.join(UNIT_WORDS)}")
        try:
            raw = _unb64(signature)
        except ValueError:
            raw = b""
        if len(raw) != 64:
            raise PayloadError("the payload's signature is not 64 bytes of base64url")
        return cls(kid, issuer, cusip, number, int(amount), unit, issue_date, digest, raw, fields_digest)

    def describe(self) -> str:
        """One line for people: certificate, amount, issuer, CUSIP, date."""
        amount = f"{self.amount:,} {UNIT_WORDS.get(self.unit, self.unit)}"
        cusip = f" (CUSIP {self.cusip})" if self.cusip else ""
        return f"certificate {self.number}, {amount} of {self.issuer}{cusip}, issued {self.issue_date.isoformat()}"


def _signed_text(payload: Payload, key_id: str) -> str:
    """:meth:`Payload.signed_text` of *payload* signed with the key *key_id*."""
    issued = payload.issue_date
    parts = [
        payload.format,
        key_id,
        payload.issuer,
        payload.cusip,
        payload.number,
        str(payload.amount),
        payload.unit,
        f"{issued.year}{issued.month:02d}{issued.day:02d}",  # strftime("%Y%m%d"), at a fifth of its cost
        payload.registration_digest,
    ]
    if payload.fields_digest is not None:
        parts.append(payload.fields_digest)
    text = "|".join(parts)
    if "%" in text or text.count("|") >= len(parts):  # a field holds a | or a %: each is escaped
        text = "|".join(map(_escape, parts))
    return text + "|"


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace("|", "%7C")


def _unescape(value: str) -> str:
    return value.replace("%7C", "|").replace("%7c", "|").replace("%25", "%")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or any(
        ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for ch in text
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def registration_digest(registration: str) -> str:
    """The registration's digest as a payload carries it: white space folded, SHA-256, 12 bytes, base64url."""
    folded = " ".join(registration.split())
    return _b64(hashlib.sha256(folded.encode("utf-8")).digest()[:12])


def field_map_digest(text: str) -> str:
    """The field map's digest as a CG2 payload signs it: SHA-256, 9 bytes, base64url."""
    return _b64(hashlib.sha256(text.encode("utf-8")).digest()[:9])


def key_id(public_key: Ed25519PublicKey) -> str:
    """A key's short id: the first four bytes of the SHA-256 of its raw 32 bytes, in hex."""
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()[:8]


#: The DER an Ed25519 key's 32 bytes follow (RFC 8410): in a SubjectPublicKeyInfo, and in an
#: unencrypted PKCS#8 PrivateKeyInfo.  A PEM key of exactly this form (what ``certgen keys
#: generate`` and OpenSSL write) is read without cryptography's serialization module, which
#: costs a blank form or a batch some 6 ms to import; any other text goes through it.
_ED25519_PUBLIC = bytes.fromhex("302a300506032b6570032100")
_ED25519_PRIVATE = bytes.fromhex("302e020100300506032b657004220420")


def _ed25519_der(data: bytes, label: str, head: bytes) -> bytes | None:
    """The 32 key bytes of *data* when it ends with one PEM block *label* holding *head* and
    them (text before the block, comments, is ignored, as PEM readers do)."""
    begin, end = f"-----BEGIN {label}-----".encode(), f"-----END {label}-----".encode()
    text = data.rstrip()
    start = text.find(begin)
    if start < 0 or text.count(b"-----BEGIN") != 1 or not text.endswith(end):
        return None
    text = text[start:]
    try:
        der = base64.b64decode(b"".join(text[len(begin) : -len(end)].split()), validate=True)
    except ValueError:
        return None
    return der[len(head) :] if len(der) == len(head) + 32 and der.startswith(head) else None


def load_public_key(data: bytes, source: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (``-----BEGIN PUBLIC KEY-----``).

    :raises SigningKeyError: naming *source* when it is not one.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = _ed25519_der(data, "PUBLIC KEY", _ED25519_PUBLIC)
    if raw is not None:
        return Ed25519PublicKey.from_public_bytes(raw)
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise SigningKeyError("not a PEM public key (make one with: certgen keys generate)", source) from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(
            f"the public key is {type(key).__name__.removeprefix('_')}, not Ed25519 (make one with: certgen keys generate)",
            source,
        )
    return key


def load_private_key(data: bytes, source: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from unencrypted PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``).

    :raises SigningKeyError: naming *source* (never the key) when it is not one.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = _ed25519_der(data, "PRIVATE KEY", _ED25519_PRIVATE)
    if raw is not None:
        return Ed25519PrivateKey.from_private_bytes(raw)
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise SigningKeyError(
            "the private key is encrypted: give it unencrypted (PKCS#8 PEM)", source
        ) from None
    except ValueError:
        raise SigningKeyError(
            "not a PEM private key (make one with: certgen keys generate)", source
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            "the private key is not an Ed25519 key (make one with: certgen keys generate)", source
        )
    return key


def read_key_file(path: Path, what: str, where: str) -> bytes:
    """A key file's bytes, or a one-line error naming it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"the {what} file {str(path)!r} does not exist", where) from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read the {what} file {str(path)!r} ({exc.strerror})", where) from None


def generate_key_pair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as PEM: (private PKCS#8, public SubjectPublicKeyInfo)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


class Signer:
    """Signs payloads with a private key (kept out of ``repr``, logs and pickles of the issue)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.key_id = key_id(private_key.public_key())

    def __repr__(self) -> str:
        return f"Signer(key {self.key_id})"

    def sign(self, payload: Payload) -> Payload:
        """*payload* with its key id set and signed."""
        text = _signed_text(payload, self.key_id)  # the signature is not part of it
        return replace(payload, key_id=self.key_id, signature=self._key.sign(text.encode("utf-8")))

    def encode(self, payload: Payload) -> str:
        """``sign(payload).encode()``: *payload* signed, as its code carries it (the text signed
        once, no signed copy made: a batch does this for every certificate)."""
        text = _signed_text(payload, self.key_id)
        return text + _b64(self._key.sign(text.encode("utf-8")))


def signature_holds(payload: Payload, public_key: Ed25519PublicKey) -> bool:
    """Whether the payload's signature is the key's over its fields."""
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(payload.signature, payload.signed_text().encode("utf-8"))
    except InvalidSignature:
        return False
    return True


def private_key_from_env(name: str) -> bytes | None:
    """The PEM text in environment variable *name*, if it is set and not empty."""
    value = os.environ.get(name, "")
    return value.encode() if value.strip() else None
