"""Line breaking and shrink-to-fit in fixed boxes.

Pure functions over font metrics: they decide where lines break, which size
a text takes to fit its box, and how far justified words spread.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..fonts import string_width, unit_widths

__all__ = ["break_lines", "fit_lines", "sizes_between", "text_width"]


def text_width(text: str, font: str, size: float, tracking: float = 0.0) -> float:
    """Advance width of one line, letter spacing included (none after the last letter)."""
    width = string_width(text, font, size)
    if tracking and text:
        width += tracking * (len(text) - 1)
    return width


def break_lines(
    text: str, font: str, size: float, width: float, tracking: float = 0.0, first_indent: float = 0.0
) -> list[str] | None:
    """Break *text* into lines no wider than *width*, greedily, at spaces.

    Line breaks in *text* are kept.  The first line is *first_indent* shorter
    (room for a run-in heading).  Returns ``None`` when a single word is
    wider than the line: the text cannot be set at this size.
    """
    paragraphs = [[(word, string_width(word, font, 1.0)) for word in p.split()] for p in text.split("\n")]
    return _break_scaled(paragraphs, string_width(" ", font, 1.0), size, width, tracking, None, first_indent)


def sizes_between(size: float, min_size: float, step: float = 0.25) -> list[float]:
    """Candidate sizes from *size* down to *min_size* in *step* decrements."""
    sizes = []
    current = size
    while current >= min_size - 1e-9:
        sizes.append(round(current, 3))
        current -= step
    if not sizes or sizes[-1] > min_size + 1e-9:
        sizes.append(min_size)
    return sizes


def fit_lines(
    text: str,
    font: str,
    sizes: Sequence[float],
    width: float,
    height: float,
    max_lines: int,
    leading: float,
    tracking: float = 0.0,
) -> tuple[float, list[str]] | None:
    """The largest size in *sizes* at which *text* fits the box, and its lines.

    A text fits when it breaks into at most *max_lines* lines of at most
    *width*, and ``lines * size * leading`` is at most *height*.
    Returns ``None`` when it fits at no size.

    Widths are measured once, at size 1, and scaled: advance widths are
    proportional to the size (the per-certificate path tries up to a few
    dozen sizes per field).
    """
    single = " ".join(text.split()) if "\n" not in text else None
    # Measured without string_width's cache: a whole value rarely comes again (its words do).
    unit_single = sum(map(unit_widths(font).__getitem__, single)) if single is not None else 0.0
    extra = tracking * (len(single) - 1) if single and tracking else 0.0
    paragraphs: list[list[tuple[str, float]]] | None = None
    for size in sizes:
        if single is not None and unit_single * size + extra <= width - 1e-3:
            lines: list[str] | None = [single]  # what greedy breaking gives, measured once
        else:
            # Wider than the line by more than rounding (or broken by "\n"), the text takes two
            # lines or more: at a size where two are already too tall, nothing to break.
            if 2 * size * leading > height + 1e-6 and (
                single is None or unit_single * size + extra > width + 1e-3
            ):
                continue
            if paragraphs is None:
                paragraphs = [
                    [(word, string_width(word, font, 1.0)) for word in p.split()] for p in text.split("\n")
                ]
            lines = _break_scaled(paragraphs, string_width(" ", font, 1.0), size, width, tracking, max_lines)
        if lines is None or len(lines) > max_lines:
            continue
        if len(lines) * size * leading <= height + 1e-6 or len(lines) == 1 and size <= height:
            return size, lines
    return None


def _break_scaled(
    paragraphs: list[list[tuple[str, float]]],
    unit_space: float,
    size: float,
    width: float,
    tracking: float,
    max_lines: int | None,
    first_indent: float = 0.0,
) -> list[str] | None:
    """Greedy line breaking over words measured at size 1 (widths scale with the size);
    stops early once there are more than *max_lines* lines."""
    lines: list[str] = []
    space = unit_space * size + tracking
    for words in paragraphs:
        if not words:
            lines.append("")
            continue
        limit = width - (first_indent if not lines else 0.0)
        current, unit = words[0]
        current_width = unit * size + (tracking * (len(current) - 1) if tracking else 0.0)
        if current_width > limit:
            return None
        for word, unit in words[1:]:
            word_width = unit * size + (tracking * (len(word) - 1) if tracking else 0.0)
            if word_width > width:
                return None
            if current_width + tracking + space + word_width <= limit:
                current += " " + word
                current_width += tracking + space + word_width
            else:
                lines.append(current)
                if max_lines is not None and len(lines) > max_lines:
                    return lines
                current, current_width = word, word_width
                limit = width
        lines.append(current)
    return lines
