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

from ..model.certificate import CERTIFICATE_FIELDS
from .elements import Field
from .fields import PLACEHOLDER

__all__ = ["SIGNED_VALUES", "field_map", "parse_field_map"]


#: The certificate values a payload signs (the registration by its digest): every value a
#: certificate defines.  A field that prints only these is in the face's field map, and verify
#: compares it.
SIGNED_VALUES = frozenset(CERTIFICATE_FIELDS)


def field_map(fields: Sequence[Field]) -> str:
    """The face's field map: the fields that print only signed values, and the code, with
    their boxes and how they are set, as compact JSON (one list per field, in layout order).

    The same layout always gives the same text, so its digest can be signed."""
    rows = []
    for field in fields:
        names = PLACEHOLDER.findall(field.text)
        if field.kind != "qr" and (not names or any(name not in SIGNED_VALUES for name in names)):
            continue
        rows.append(
            [
                field.name,
                field.kind,
                _r(field.x),
                _r(field.y),
                _r(field.width),
                _r(field.height),
                field.text,
                field.font,
                _r(field.size),
                _r(field.min_size),
                [_r(c) for c in field.color],
                field.align,
                field.valign,
                field.max_lines,
                _r(field.leading),
                _r(field.tracking),
            ]
        )
    return json.dumps(rows, ensure_ascii=True, separators=(",", ":"))


def _r(value: float) -> float | int:
    """A number as the field map writes it: three decimals, whole numbers without a point."""
    rounded = round(float(value), 3)
    return int(rounded) if rounded == int(rounded) else rounded


def parse_field_map(text: str) -> tuple[Field, ...]:
    """The fields of a stored field map.

    :raises ValueError: when it is not one."""
    try:
        rows = json.loads(text)
        fields = []
        for row in rows:
            (
                name,
                kind,
                x,
                y,
                w,
                h,
                template,
                font,
                size,
                min_size,
                color,
                align,
                valign,
                max_lines,
                leading,
                tracking,
            ) = row
            fields.append(
                Field(
                    name=str(name),
                    x=float(x),
                    y=float(y),
                    width=float(w),
                    height=float(h),
                    text=str(template),
                    font=str(font),
                    size=float(size),
                    min_size=float(min_size),
                    color=(float(color[0]), float(color[1]), float(color[2])),
                    align=str(align),
                    valign=str(valign),
                    max_lines=int(max_lines),
                    leading=float(leading),
                    tracking=float(tracking),
                    kind=str(kind),
                )
            )
    except (ValueError, TypeError, IndexError):
        raise ValueError("the page's field map (/CertgenFields) is not one certgen writes") from None
    return tuple(fields)
