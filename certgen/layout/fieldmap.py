"""A face's field map: where each field that prints a signed value stands, and how it is set.

A face's fields that print only values a certificate's QR payload signs (number,
registration, amount, date) and the code itself, with their boxes and type settings, as
compact JSON.  The writer stores it in the face page (``/CertgenFields``); the payload signs
its digest, so that ``certgen verify`` finds the same boxes with the public key alone as with
the issue's spec.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model.certificate import CERTIFICATE_FIELDS
from .elements import Field
from .fields import PLACEHOLDER

__all__ = ["SIGNED_VALUES", "field_map", "parse_field_map", "prints_signed_values"]


#: The certificate values a payload signs (the registration by its digest): every value a
#: certificate defines.  A field that prints only these is in the face's field map, and verify
#: compares it.
SIGNED_VALUES = frozenset(CERTIFICATE_FIELDS)


#: A field map row: these attributes of the field, in this order.
_ROW = (
    "name",
    "kind",
    "x",
    "y",
    "width",
    "height",
    "text",
    "font",
    "size",
    "min_size",
    "color",
    "align",
    "valign",
    "max_lines",
    "leading",
    "tracking",
)
_NUMBERS = frozenset({"x", "y", "width", "height", "size", "min_size", "leading", "tracking"})


def prints_signed_values(field: Field) -> bool:
    """A text field that prints certificate values only, all of which the payload signs."""
    names = PLACEHOLDER.findall(field.text)
    return field.kind == "text" and bool(names) and all(name in SIGNED_VALUES for name in names)


def field_map(fields: Sequence[Field]) -> str:
    """The face's field map: the fields that print only signed values, and the code, with
    their boxes and how they are set, as compact JSON (one list per field, in layout order).

    The same layout always gives the same text, so its digest can be signed."""
    rows = [
        [_written(attr, getattr(field, attr)) for attr in _ROW]
        for field in fields
        if field.kind == "qr" or prints_signed_values(field)
    ]
    return json.dumps(rows, ensure_ascii=True, separators=(",", ":"))


def _written(attr: str, value: Any) -> Any:
    if attr == "color":
        return [_r(c) for c in value]
    return _r(value) if attr in _NUMBERS else value


def _r(value: float) -> float | int:
    """A number as the field map writes it: three decimals, whole numbers without a point."""
    rounded = round(float(value), 3)
    return int(rounded) if rounded == int(rounded) else rounded


def _read(attr: str, value: Any) -> Any:
    if attr == "color":
        return (float(value[0]), float(value[1]), float(value[2]))
    if attr == "max_lines":
        return int(value)
    return float(value) if attr in _NUMBERS else str(value)


def parse_field_map(text: str) -> tuple[Field, ...]:
    """The fields of a stored field map.

    :raises ValueError: when it is not one."""
    try:
        rows = json.loads(text)
        fields = []
        for row in rows:
            if len(row) != len(_ROW):
                raise ValueError("a row of another length")
            fields.append(Field(**{attr: _read(attr, value) for attr, value in zip(_ROW, row, strict=True)}))
    except (ValueError, TypeError, IndexError):
        raise ValueError("the page's field map (/CertgenFields) is not one certgen writes") from None
    return tuple(fields)
