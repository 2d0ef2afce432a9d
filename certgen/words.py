"""Amounts in figures and in words, United States convention; money in its currency.

Certificates state the number of shares (or the principal amount) twice, in
figures and in words, so that an alteration of one shows against the other.
Words are upper case, without "and" and without commas; compound numbers
from 21 to 99 are hyphenated:

>>> in_words(1234567)
'ONE MILLION TWO HUNDRED THIRTY-FOUR THOUSAND FIVE HUNDRED SIXTY-SEVEN'
>>> in_words(0)
'ZERO'
>>> in_figures(1234567)
'1,234,567'

A principal amount is written with its currency (ISO 4217 code): its sign, or the code and
a space where the currency has no sign of its own, and its name in words:

>>> money_in_figures(50_000_000, "EUR"), money_in_words(50_000_000, "EUR")
('€50,000,000', 'FIFTY MILLION EUROS')
>>> money_in_figures(1_000, "CHF"), money_in_words(1_000, "GBP")
('CHF 1,000', 'ONE THOUSAND POUNDS STERLING')
"""

from __future__ import annotations

from functools import cache

__all__ = ["CURRENCIES", "in_figures", "in_words", "money_in_figures", "money_in_words"]

#: The currencies certgen writes out (ISO 4217 code -> sign in figures, name in words).  A
#: currency whose sign is shared by others (the dollars but the US dollar, the kronor) is
#: written with its code: ``CAD 1,000``.
CURRENCIES: dict[str, tuple[str, str]] = {
    "USD": ("$", "DOLLARS"),
    "EUR": ("€", "EUROS"),
    "GBP": ("£", "POUNDS STERLING"),
    "JPY": ("¥", "YEN"),
    "CHF": ("CHF ", "SWISS FRANCS"),
    "CAD": ("CAD ", "CANADIAN DOLLARS"),
    "AUD": ("AUD ", "AUSTRALIAN DOLLARS"),
    "NZD": ("NZD ", "NEW ZEALAND DOLLARS"),
    "HKD": ("HKD ", "HONG KONG DOLLARS"),
    "SGD": ("SGD ", "SINGAPORE DOLLARS"),
    "SEK": ("SEK ", "SWEDISH KRONOR"),
    "NOK": ("NOK ", "NORWEGIAN KRONER"),
    "DKK": ("DKK ", "DANISH KRONER"),
    "CNY": ("CNY ", "CHINESE YUAN RENMINBI"),
    "MXN": ("MXN ", "MEXICAN PESOS"),
    "ZAR": ("ZAR ", "SOUTH AFRICAN RAND"),
}

_ONES = (
    "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN "
    "FOURTEEN FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN"
).split()
_TENS = "- - TWENTY THIRTY FORTY FIFTY SIXTY SEVENTY EIGHTY NINETY".split()
_SCALES = (
    "",
    "THOUSAND",
    "MILLION",
    "BILLION",
    "TRILLION",
    "QUADRILLION",
    "QUINTILLION",
)


def _under_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_ONES[hundreds], "HUNDRED"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ONES[rest])
    return words


def in_words(number: int) -> str:
    """Spell a non-negative whole number in upper-case US English words.

    :raises ValueError: for a negative number, a non-integer, or a number of
        10**21 or more.
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"in_words() needs a whole number, not {number!r}")
    if number < 0:
        raise ValueError(f"in_words() needs a number of zero or more, not {number}")
    if number >= 1000 ** len(_SCALES):
        raise ValueError(f"{number} is too large to spell out")
    if number == 0:
        return _ONES[0]
    groups: list[str] = []
    scale = 0
    while number:
        number, group = divmod(number, 1000)
        if group:
            words = _group_words(group)
            groups.append(f"{words} {_SCALES[scale]}" if scale else words)
        scale += 1
    groups.reverse()
    return " ".join(groups)


@cache
def _group_words(n: int) -> str:
    """A group of three digits (1 to 999) in words, spelt once (every amount has one or more)."""
    return " ".join(_under_thousand(n))


def in_figures(number: int) -> str:
    """Format a whole number with thousands separators: ``1,234,567``."""
    return f"{number:,}"


def money_in_figures(amount: int, currency: str = "USD") -> str:
    """A whole amount of *currency* in figures: ``$1,000``, ``€50,000,000``, ``CHF 1,000``."""
    return f"{CURRENCIES[currency][0]}{in_figures(amount)}"


def money_in_words(amount: int, currency: str = "USD") -> str:
    """A whole amount of *currency* in words: ``ONE THOUSAND DOLLARS``, ``FIFTY MILLION EUROS``."""
    return f"{in_words(amount)} {CURRENCIES[currency][1]}"
