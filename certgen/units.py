"""Measurements and paper sizes.

Layout templates give lengths as ``"1.5in"``, ``"12mm"``, ``"0.8cm"`` or
``"9pt"``; a bare number is in points (1/72 inch), as in PDF and RML.

>>> to_points("1in")
72.0
>>> to_points("25.4mm")
72.0
>>> to_points("9")
9.0
"""

from __future__ import annotations

import re

__all__ = ["PAPER_SIZES", "page_size", "to_points"]

_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72.0 / 25.4, "cm": 72.0 / 2.54}
_MEASURE = re.compile(r"^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(pt|in|mm|cm)?\s*$")

#: Paper sizes in points, portrait (width, height).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "a4": (595.2756, 841.8898),
    # The classic engraved stock-certificate sheet, 12 x 8 inches (landscape).
    "certificate": (576.0, 864.0),
}


def to_points(value: str | float | int) -> float:
    """Convert a measurement to points.

    :raises ValueError: when the value is not a number with an optional unit.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _MEASURE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a length (use e.g. 72, 9pt, 1.5in, 12mm)")
    number, unit = match.groups()
    return float(number) * _UNITS[unit or "pt"]


def page_size(name: str, orientation: str = "portrait") -> tuple[float, float]:
    """Return ``(width, height)`` in points for a named paper and orientation.

    :raises ValueError: for an unknown paper or orientation.
    """
    try:
        width, height = PAPER_SIZES[name.lower()]
    except KeyError:
        known = ", ".join(sorted(PAPER_SIZES))
        raise ValueError(f"unknown paper size {name!r} (known: {known})") from None
    if orientation == "landscape":
        return (height, width)
    if orientation != "portrait":
        raise ValueError(f"orientation must be portrait or landscape, not {orientation!r}")
    return (width, height)
