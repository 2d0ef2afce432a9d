"""Security identifiers: CUSIP, ISIN and Common Code, as printed on certificates; certificate
numbers' one form.

The one place where identifiers are checked (the spec's schema, the spec rules and the PDF
rules all ask here).  A thin layer over python-stdnum (which owns the check-digit algorithms)
that adds what a certificate needs: the issuer-only 6-character CUSIP that a form
of certificate may carry before the issue number is assigned, the groupings certificates
print (``NNNNNN NN N`` or ``NNNNNN NNN``), and the Common Code of Euroclear and Clearstream
(9 digits, no check digit).

>>> format_cusip('885218107')
'885218 10 7'
>>> format_cusip('02079KAQ0', '6-3')
'02079K AQ0'
>>> format_cusip('885218')
'885218'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from stdnum import cusip as _cusip
from stdnum import isin as _isin
from stdnum.exceptions import InvalidChecksum as _InvalidChecksum
from stdnum.exceptions import ValidationError as _StdnumError

__all__ = [
    "IdentifierProblem",
    "BLANK",
    "GROUPINGS",
    "canonical_number",
    "common_code_problem",
    "compact_cusip",
    "cusip_check_digit",
    "cusip_problem",
    "format_cusip",
    "format_identifier",
    "format_number",
    "isin_problem",
    "sequence_in_key",
    "sequence_value",
]


@dataclass(frozen=True)
class IdentifierProblem:
    """What is wrong with an identifier: its ``format``, or its ``check`` digit (then
    *expected* is the digit its other characters give)."""

    kind: Literal["format", "check"]
    detail: str
    expected: str = ""


def cusip_check_digit(base: str) -> str:
    """The check digit of a CUSIP's first eight characters."""
    return str(_cusip.calc_check_digit(base))


def cusip_problem(value: str) -> IdentifierProblem | None:
    """None when *value* (compact, upper case) is a 9-character CUSIP whose check digit holds."""
    if len(value) != 9 or not re.fullmatch(r"[0-9A-Z*@#]{9}", value):
        return IdentifierProblem("format", "9 letters or digits")
    try:
        _cusip.validate(value)
    except _InvalidChecksum:
        return IdentifierProblem("check", "check digit", cusip_check_digit(value[:8]))
    except _StdnumError as exc:
        return IdentifierProblem("format", str(exc))
    return None


def isin_problem(value: str) -> IdentifierProblem | None:
    """None when *value* is an ISIN (2-letter country code, 9-character national number,
    check digit) whose check digit holds."""
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{9}[0-9]", value):
        return IdentifierProblem("format", "2-letter country code, 9-character national number, check digit")
    try:
        _isin.validate(value)
    except _InvalidChecksum:
        return IdentifierProblem("check", "check digit", str(_isin.calc_check_digit(value[:11])))
    except _StdnumError as exc:
        return IdentifierProblem("format", str(exc))
    return None


def common_code_problem(value: str) -> IdentifierProblem | None:
    """None when *value* is a Common Code (Euroclear and Clearstream): 9 digits.  It has no
    check digit."""
    if not re.fullmatch(r"[0-9]{9}", value):
        return IdentifierProblem("format", "9 digits")
    return None


def compact_cusip(value: str) -> str:
    """Upper-case the CUSIP and drop spaces and dashes."""
    return _cusip.compact(value)


#: How a 9-character CUSIP is grouped: issuer, issue and check digit (``885218 10 7``), issuer
#: and issue with its check digit (``02079K AQ0``), or not at all (``885218107``).
GROUPINGS = ("6-2-1", "6-3", "none")

#: What a form prints for an identifier left blank, to be filled in by hand.
BLANK = "__________"


def format_cusip(value: str, grouping: str = "6-2-1") -> str:
    """Group a CUSIP as certificates print it: ``885218 10 7`` (6-2-1), ``885218 107`` (6-3)
    or ``885218107`` (none).  A 6-character issuer number prints as it is."""
    if grouping not in GROUPINGS:
        raise ValueError(f"cusip: grouping {grouping!r} is not one of {', '.join(GROUPINGS)}")
    number = compact_cusip(value)
    if len(number) == 9 and grouping == "6-2-1":
        return f"{number[:6]} {number[6:8]} {number[8]}"
    if len(number) == 9 and grouping == "6-3":
        return f"{number[:6]} {number[6:]}"
    return number


def format_identifier(scheme: str, value: str | None, grouping: str = "none") -> str:
    """An identifier's value as printed: a CUSIP grouped (:func:`format_cusip`), any other
    as it is; :data:`BLANK` when there is no value (a form's blank).

    >>> format_identifier('cusip', '02079KAQ0', '6-3'), format_identifier('common_code', None)
    ('02079K AQ0', '__________')
    """
    if not value:
        return BLANK
    if scheme == "cusip":
        return format_cusip(value, grouping)
    return value


#: A run of digits, or of letters (any script).
_TOKEN = re.compile(r"\d+|[^\W\d_]+")

#: Greek and Cyrillic letters (case folded) whose capital or small form prints as a Latin letter:
#: the Latin letter a reader of the certificate sees (Unicode TS #39, confusables.txt).
_LOOK_ALIKES = str.maketrans(
    "авеікмнорстухјѕһԁԛԝүӏαβεζηικμνορτυχϲϳ",  # Cyrillic, Greek
    "abeikmhopctyxjshdqwylabezhikmnoptyxcj",
)


def canonical_number(value: str) -> str:
    """The one form of a certificate number: two numbers with the same form are the same number.

    A number is read as a reader of the printed certificate reads it: Unicode
    compatibility forms folded (NFKC: a full-width digit is a digit, a no-break
    space a space), invisible format characters dropped (zero-width spaces and
    joiners, bidi marks, soft hyphens: Unicode category Cf), case folded, Greek
    and Cyrillic letters that print as Latin ones read as those (``РВ`` in
    Cyrillic is ``PB``); then
    only its runs of letters and of digits count, each digit run without its
    leading zeros.  Separators (spaces, hyphens, dots, slashes, ...) between
    letters and digits are ignored; between two digit runs they keep the runs
    apart (``R1-5`` is not ``R15``), shown as ``.``.

    Uniqueness is checked on this form everywhere: within a holder file, within
    a batch and in the register.

    >>> canonical_number('PB-000005'), canonical_number('pb 5'), canonical_number('PB\u00a0000005')
    ('pb5', 'pb5', 'pb5')
    >>> canonical_number('PB-\u200b000005'), canonical_number('R1-000005'), canonical_number('R-000015')
    ('pb5', 'r1.5', 'r15')
    """
    if value.isascii():
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKC", value)
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
        text = unicodedata.normalize("NFKC", text.casefold()).translate(_LOOK_ALIKES)
    out: list[str] = []
    digits_before = False
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            if not token.isascii():  # other scripts' digits: their values
                token = "".join(map(_digit_value, token))
            if digits_before:
                out.append(".")
            out.append(token.lstrip("0") or "0")
            digits_before = True
        else:
            out.append(token)
            digits_before = False
    return "".join(out)


def _digit_value(char: str) -> str:
    """A digit of another script as the ASCII digit of its value: a decimal digit (Arabic-Indic
    ``٣``), or a digit that is not one (Tai Lue ``᧚`` is 1, as a reader reads it); *char*
    itself otherwise (never an error: any text is a number's spelling)."""
    value = unicodedata.decimal(char, None)
    if value is None:
        value = unicodedata.digit(char, None)
    return char if value is None else str(value)


def sequence_value(prefix: str, number: str) -> int | None:
    """The sequence number in *number* when it is *prefix* followed by digits, in any
    spelling of :func:`canonical_number` (``PB-000123``, ``pb 123`` → 123), else None.

    >>> sequence_value('PB', 'PB-000123'), sequence_value('R-', 'r 7'), sequence_value('PB', 'PX-1')
    (123, 7, None)
    """
    return sequence_in_key(canonical_number(prefix), canonical_number(number))


def sequence_in_key(head: str, key: str) -> int | None:
    """:func:`sequence_value` of canonical forms: the prefix's *head* and the number's *key*."""
    if not key.startswith(head):
        return None
    rest = key[len(head) :]
    if head and head[-1].isdigit():  # a prefix ending in digits: the number is a run of its own
        if not rest.startswith("."):
            return None
        rest = rest[1:]
    return int(rest) if rest.isascii() and rest.isdigit() else None


def format_number(prefix: str, number: int, width: int = 6) -> str:
    """An allocated certificate number: ``PB-000123`` (a ``-`` follows a prefix not ending in ``-`` or space)."""
    digits = f"{number:0{width}d}" if width else str(number)
    if not prefix:
        return digits
    return f"{prefix}{digits}" if prefix[-1] in "- " else f"{prefix}-{digits}"
