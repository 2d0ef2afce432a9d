"""Jinja filters available to layout and legend templates.

- ``words``: a whole number in upper-case words (``1234 | words``).
- ``figures``: a whole number with thousands separators.
- ``percent``: ``9.9 | percent`` -> ``9.9%``; ``9.0 | percent`` -> ``9%``.
- ``cusip``: a CUSIP grouped as printed (``885218 10 7``; ``cusip("6-3")``: ``02079K AQ0``).
- ``identifier``: an identifier of ``security.identifiers``, its value as printed (a CUSIP
  grouped as it says, a blank ``__________`` where it has no value).
- ``join_and``: ``["A", "B", "C"] | join_and`` -> ``A, B AND C``.
- ``paragraphs``: split a text at blank lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..model.certificate import format_date
from ..model.identifiers import format_cusip, format_identifier
from ..spec.schema import Identifier
from ..words import in_figures, in_words

__all__ = ["FILTERS"]


def percent(value: Any) -> str:
    try:
        number = Decimal(str(value)).normalize()
    except (ArithmeticError, ValueError):  # decimal.InvalidOperation is an ArithmeticError
        raise ValueError(f"percent: {str(value)[:40]!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"percent: {value!r} is not a number")
    text = format(number, "f")
    return f"{text}%"


def join_and(items: Sequence[str], conjunction: str = "AND") -> str:
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def identifier(value: Identifier) -> str:
    if not isinstance(value, Identifier):
        raise ValueError(f"identifier: {str(value)[:40]!r} is not one of security.identifiers")
    return format_identifier(value.scheme, value.value, value.printed_grouping)


#: A date a form leaves blank (a warrant form's expiry) prints as a line to be written in.
BLANK_DATE = "____________"


def _longdate(value: dt.date | None) -> str:
    return BLANK_DATE if value is None else format_date(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "words": in_words,
    "figures": in_figures,
    "percent": percent,
    "cusip": format_cusip,
    "identifier": identifier,
    "join_and": join_and,
    "paragraphs": paragraphs,
    "longdate": _longdate,
}
