"""Security identifiers: CUSIP, as printed on certificates.

A thin layer over python-stdnum (which owns the check-digit algorithm) that
adds what a certificate needs: the issuer-only 6-character CUSIP that a form
of certificate may carry before the issue number is assigned, and the
``NNNNNN NN N`` grouping certificates print.

>>> format_cusip('885218107')
'885218 10 7'
>>> format_cusip('885218')
'885218'
"""

from __future__ import annotations

from stdnum import cusip as _cusip
from stdnum.exceptions import ValidationError as _StdnumError

__all__ = ["compact_cusip", "format_cusip", "validate_cusip"]


def compact_cusip(value: str) -> str:
    """Upper-case the CUSIP and drop spaces and dashes."""
    return _cusip.compact(value)


def validate_cusip(value: str) -> str:
    """Return the compact CUSIP, or raise ``ValueError`` saying what is wrong.

    Accepts a full 9-character CUSIP with a valid check digit, or the
    6-character issuer number alone.
    """
    number = compact_cusip(value)
    if len(number) == 6:
        if not number.isalnum():
            raise ValueError(f"CUSIP issuer number {value!r} must be 6 letters or digits")
        return number
    try:
        return str(_cusip.validate(number))
    except _StdnumError as exc:
        if len(number) == 9 and number[:8].isalnum():
            expected = _cusip.calc_check_digit(number[:8])
            raise ValueError(
                f"CUSIP {value!r} has check digit {number[8]!r}, expected {expected!r}"
            ) from None
        raise ValueError(
            f"{value!r} is not a CUSIP ({exc.message.lower().rstrip('.')}): "
            "give 9 characters (or the 6-character issuer number)"
        ) from None


def format_cusip(value: str) -> str:
    """Group a CUSIP as certificates print it: ``885218 10 7``."""
    number = compact_cusip(value)
    if len(number) == 9:
        return f"{number[:6]} {number[6:8]} {number[8]}"
    return number
