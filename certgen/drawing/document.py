"""What a PDF is made of and how a print file orders its pages: document information, the
filled fields of a page, print options and the page sequence (shared by the drawing modules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..layout.elements import FieldsHere, Line, Page

__all__ = [
    "BLEED",
    "DocumentInfo",
    "FilledPage",
    "PrintOptions",
    "field_groups",
    "print_sequence",
    "segment_name",
    "static_segments",
]


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of the PDF document."""

    title: str
    author: str
    subject: str = ""
    creator: str = "certgen"


#: The fields of one page of one certificate, laid out: (field index, lines) pairs.
FilledPage = Sequence[tuple[int, list[Line]]]

#: Room around the trimmed page for crop marks, in points (a quarter inch).
BLEED = 18.0


@dataclass(frozen=True)
class PrintOptions:
    """How a print file lays its certificates out on the printer's sheets.

    :param order: ``duplex``: each certificate's pages in turn, padded with a
        blank page to an even count so every certificate starts on the front
        of a sheet; ``simplex``: every certificate's first page, then every
        second page, in the same order (the stack is turned and fed again);
        ``pages``: each certificate's pages in turn, nothing added (a file per
        certificate, an archive).
    :param banner: lines of a job banner page printed first (its back left
        blank in duplex).
    :param crop_marks: the sheet is a quarter inch larger all round, with crop
        marks at the corners of the page (its TrimBox).
    :param fields_only: overlay mode, for pre-printed security paper: only the
        variable fields are printed, none of the static art or text.
    :param offset: overlay calibration, in points: added to every field's
        position (positive x to the right, positive y up).
    """

    order: str = "duplex"
    banner: tuple[str, ...] = ()
    crop_marks: bool = False
    fields_only: bool = False
    offset: tuple[float, float] = (0.0, 0.0)


def print_sequence(count: int, sides: int, options: PrintOptions) -> list[tuple[int, int] | None]:
    """The pages of a print file in order: ``(certificate, side)``, or ``None`` for a blank or banner page.

    The banner (when there is one) is the first entry, as ``None``.
    """
    out: list[tuple[int, int] | None] = []
    duplex = options.order == "duplex"
    if options.banner:
        out.append(None)
        if duplex:
            out.append(None)
    if duplex or options.order == "pages":
        for cert in range(count):
            out.extend((cert, side) for side in range(sides))
            if sides % 2 and duplex:
                out.append(None)
    else:
        for side in range(sides):
            out.extend((cert, side) for cert in range(count))
    return out


def static_segments(page: Page) -> list[list[Any]]:
    """The page's static elements in the runs its fields come between (:class:`FieldsHere`
    marks): one run, one Form XObject, when every field comes after all the static text."""
    segments: list[list[Any]] = [[]]
    for element in page.static:
        if isinstance(element, FieldsHere):
            segments.append([])
        else:
            segments[-1].append(element)
    return segments


def segment_name(page: int, part: int) -> str:
    """The name of the Form XObject of a page's static run (``static0``, ``static0x1``...)."""
    return f"static{page}" if part == 0 else f"static{page}x{part}"


def field_groups(page: Page) -> list[list[int]]:
    """The page's field indices in the order they are drawn: the fields of each
    :class:`FieldsHere` mark after its run, the others after the last run."""
    marks = [e for e in page.static if isinstance(e, FieldsHere)]
    index = {field.name: i for i, field in enumerate(page.fields)}
    placed: set[int] = set()
    groups: list[list[int]] = []
    for mark in marks:  # a field named twice is drawn at its first place only
        group = [index[name] for name in mark.names if name in index and index[name] not in placed]
        placed.update(group)
        groups.append(group)
    groups.append([i for i in range(len(page.fields)) if i not in placed])
    return groups
