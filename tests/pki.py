"""A throw-away test CA for the PDF signature tests: root → intermediate → document signers.

Made with the cryptography package's X.509 builder; nothing here is trusted outside the tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

#: Certificates are valid over this span (the tests sign inside it, or fix the time outside it).
NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certgen test PKI"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _usage(*, sign_certs: bool = False, sign_documents: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign_documents,
        content_commitment=sign_documents,
        key_encipherment=not sign_documents and not sign_certs,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(
    subject: str,
    public_key: Any,
    issuer: x509.Certificate | None,
    issuer_key: Any,
    serial: int,
    *,
    ca: bool,
    usage: x509.KeyUsage,
    not_before: dt.datetime = NOT_BEFORE,
    not_after: dt.datetime = NOT_AFTER,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: Any, passphrase: bytes | None = None) -> bytes:
    encryption: Any = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))


@dataclass
class TestPKI:
    """Files of the test PKI, in *folder*: root.pem, intermediate.pem, and signers."""

    folder: Path
    root: x509.Certificate
    intermediate: x509.Certificate
    intermediate_key: Any
    serial: int = 10

    __test__ = False  # not a pytest test class

    def signer(
        self,
        name: str,
        *,
        key: Any = None,
        usage: x509.KeyUsage | None = None,
        not_before: dt.datetime = NOT_BEFORE,
        not_after: dt.datetime = NOT_AFTER,
        passphrase: bytes | None = None,
    ) -> tuple[Path, Path]:
        """A document-signing certificate issued by the intermediate: (certificate file, key file)."""
        key = key if key is not None else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.serial += 1
        cert = _certificate(
            f"{name} (test)",
            key.public_key(),
            self.intermediate,
            self.intermediate_key,
            self.serial,
            ca=False,
            usage=usage or _usage(),
            not_before=not_before,
            not_after=not_after,
        )
        cert_file, key_file = self.folder / f"{name}.pem", self.folder / f"{name}-key.pem"
        cert_file.write_bytes(pem(cert))
        key_file.write_bytes(key_pem(key, passphrase))
        return cert_file, key_file

    @property
    def chain_files(self) -> list[Path]:
        return [self.folder / "intermediate.pem", self.folder / "root.pem"]


def make_pki(folder: Path) -> TestPKI:
    """A root CA and an intermediate CA, written to *folder*."""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate(
        "certgen Test Root CA",
        root_key.public_key(),
        None,
        root_key,
        1,
        ca=True,
        usage=_usage(sign_certs=True, sign_documents=False),
    )
    intermediate_key = ec.generate_private_key(ec.SECP256R1())
    intermediate = _certificate(
        "certgen Test Issuing CA",
        intermediate_key.public_key(),
        root,
        root_key,
        2,
        ca=True,
        usage=_usage(sign_certs=True, sign_documents=False),
    )
    (folder / "root.pem").write_bytes(pem(root))
    (folder / "intermediate.pem").write_bytes(pem(intermediate))
    return TestPKI(folder, root, intermediate, intermediate_key)


def ec_key() -> Any:
    return ec.generate_private_key(ec.SECP256R1())


def ed25519_key() -> Any:
    return ed25519.Ed25519PrivateKey.generate()


def encipherment_only() -> x509.KeyUsage:
    """A key usage that does not allow signing."""
    return _usage(sign_documents=False)
