"""Signing and verifying certificates.

* :mod:`~certgen.signing.payload`: the signed payload of a certificate's QR code and the
  Ed25519 keys that sign it;
* :mod:`~certgen.signing.signers`: an issue's QR signer (the keys its spec names) and the
  payload of each certificate;
* :mod:`~certgen.signing.pades`: PAdES signatures of the PDFs an issue writes (pyHanko);
* :mod:`~certgen.signing.verify`: ``certgen verify``, is a certificate authentic?

The payload's names are available from this package itself.
"""

from __future__ import annotations

from .payload import (
    FORMAT as FORMAT,
)
from .payload import (
    FORMATS as FORMATS,
)
from .payload import (
    UNIT_WORDS as UNIT_WORDS,
)
from .payload import (
    UNITS as UNITS,
)
from .payload import (
    Payload as Payload,
)
from .payload import (
    PayloadError as PayloadError,
)
from .payload import (
    Signer as Signer,
)
from .payload import (
    SigningKeyError as SigningKeyError,
)
from .payload import (
    field_map_digest as field_map_digest,
)
from .payload import (
    generate_key_pair as generate_key_pair,
)
from .payload import (
    key_id as key_id,
)
from .payload import (
    load_private_key as load_private_key,
)
from .payload import (
    load_public_key as load_public_key,
)
from .payload import (
    private_key_from_env as private_key_from_env,
)
from .payload import (
    read_key_file as read_key_file,
)
from .payload import (
    registration_digest as registration_digest,
)
from .payload import (
    signature_holds as signature_holds,
)

__all__ = [
    "FORMAT",
    "FORMATS",
    "UNITS",
    "UNIT_WORDS",
    "Payload",
    "PayloadError",
    "Signer",
    "SigningKeyError",
    "field_map_digest",
    "generate_key_pair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_from_env",
    "read_key_file",
    "registration_digest",
    "signature_holds",
]
