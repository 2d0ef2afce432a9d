"""The per-certificate model: one holder row, and the values its fields print.

:class:`Holder` is what a row of holder data says; :func:`certificate_values`
turns it (with the spec) into the strings the variable fields of a layout
print: ``certificate_number``, ``registration``, ``shares`` (figures),
``shares_words``, ``issue_date``, and every extra column of the row.
A blank form has no holder: every value is the empty string.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..words import CURRENCIES, in_figures, in_words, money_in_words

__all__ = [
    "CERTIFICATE_FIELDS",
    "Holder",
    "blank_values",
    "certificate_values",
    "format_date",
    "specimen_values",
    "tidy_text",
]

#: The values every certificate defines, available to ``<field>`` elements.
CERTIFICATE_FIELDS: tuple[str, ...] = (
    "certificate_number",
    "registration",
    "shares",
    "shares_words",
    "issue_date",
    "issue_date_iso",
    "principal",
    "principal_words",
)

_MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True)
class Holder:
    """One certificate to print: who holds how many shares under which number."""

    #: Certificate number as printed, e.g. ``PB 0001``.
    certificate_number: str
    #: The registration: the holder's name(s) exactly as inscribed; may hold line breaks.
    registration: str
    #: Number of shares (or units), a positive whole number; for a note, its principal amount in
    #: whole units of its currency (dollars, euros).
    shares: int
    #: Date of issue.
    issue_date: dt.date
    #: Other columns of the holder row, available to templates by name.
    extra: Mapping[str, str] = field(default_factory=dict)
    #: Where the row came from, for messages: ``holders.csv, row 3``.
    source: str | None = None

    def __post_init__(self) -> None:
        # One spelling of each text before it is used: printed, signed, registered (tidy_text).
        # (Each attribute by name: a holder is made two or three times per certificate.)
        number, registration = self.certificate_number, self.registration
        tidy = tidy_text(number)
        if tidy is not number:
            object.__setattr__(self, "certificate_number", tidy)
        tidy = tidy_text(registration)
        if tidy is not registration:
            object.__setattr__(self, "registration", tidy)
        if self.extra and any(tidy_text(value) is not value for value in self.extra.values()):
            object.__setattr__(self, "extra", {key: tidy_text(value) for key, value in self.extra.items()})


#: A run of spaces of any width (no-break, thin, ideographic: Unicode Zs) or tabs.
_SPACES = re.compile(r"[^\S\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")
#: A run of spaces that is not one plain space: what _SPACES would change.
_UNTIDY_SPACE = re.compile(
    r" [^\S\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]|[^\S \n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]"
)


def tidy_text(value: str) -> str:
    """*value* as certgen uses it: Unicode NFC (``e`` + combining circumflex + tilde is ``ễ``,
    which the fonts have), CR LF a line break, and each run of spaces (no-break spaces and tabs
    among them) one space, so ``'TMA  000102'`` is ``'TMA 000102'``.  Other characters are
    kept: the holder rules refuse control and invisible ones, naming them.  *value* itself
    when there is nothing to change (most values: plain ASCII with single spaces)."""
    if not isinstance(value, str) or (
        value.isascii() and "  " not in value and "\t" not in value and "\r\n" not in value
    ):
        return value
    if unicodedata.is_normalized("NFC", value) and "\r\n" not in value and not _UNTIDY_SPACE.search(value):
        return value  # most other values: accented names, NFC already, with single spaces
    tidy = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    tidy = _SPACES.sub(" ", tidy)
    return value if tidy == value else tidy


def format_date(value: dt.date) -> str:
    """Date as printed on the face: ``November 23, 2026``."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def certificate_values(holder: Holder, currency: str = "USD") -> dict[str, str]:
    """The strings a certificate's variable fields print for *holder*; a note's principal in
    *currency* (ISO 4217 code: ``$50,000,000`` and ``FIFTY MILLION DOLLARS``, ``€50,000,000``
    and ``FIFTY MILLION EUROS``)."""
    figures = in_figures(holder.shares)
    words = in_words(holder.shares)
    sign, name = CURRENCIES[currency]
    issued = holder.issue_date
    own = {
        "certificate_number": holder.certificate_number,
        "registration": holder.registration,
        "shares": figures,
        "shares_words": words,
        "issue_date": format_date(issued),
        "issue_date_iso": issued.isoformat(),
        # money_in_figures and money_in_words, from the figures and words spelt once above
        "principal": f"{sign}{figures}",
        "principal_words": f"{words} {name}",
    }
    if not holder.extra:
        return own
    values = {key: str(value) for key, value in holder.extra.items()}
    values.update(own)  # (an extra column of the same name is overridden, in its place)
    return values


def blank_values() -> dict[str, str]:
    """Values of the blank form: every certificate field left empty."""
    return dict.fromkeys(CERTIFICATE_FIELDS, "")


def specimen_values(prefix: str | None, currency: str = "USD") -> dict[str, str]:
    """Values of a specimen certificate: SPECIMEN as the holder, zero-filled number and shares.

    The certificate number keeps the issue's prefix (``PB 000000``, the spec's
    ``security.certificate_prefix``); the date is left blank.
    """
    values = blank_values()
    values.update(
        certificate_number=f"{prefix} 000000" if prefix else "000000",
        registration="SPECIMEN",
        shares="000,000",
        shares_words="ZERO",
        principal=f"{CURRENCIES[currency][0]}000,000",
        principal_words=money_in_words(0, currency),
    )
    return values
