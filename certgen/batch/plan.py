"""Planning a batch run: which certificate goes in which file, on which page.

Pure functions of the run's size and print options: the runner, the
register and the manifest agree on them because they all ask here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..drawing import PrintOptions, print_sequence

__all__ = ["BatchOptions", "Chunk", "chunks", "job_key", "mm", "page_numbers"]

#: Points per millimetre.
_MM = 72 / 25.4


def mm(value: float) -> float:
    """Millimetres in points."""
    return value * _MM


@dataclass(frozen=True)
class BatchOptions:
    """How a batch is printed.  Every field but *workers* is part of the job:
    rerunning with other options is another job, not a resume.

    :param chunk_size: certificates per print file.
    :param order: ``duplex`` or ``simplex`` (see :class:`~certgen.drawing.PrintOptions`).
    :param crop_marks: a quarter-inch margin with crop marks round each page.
    :param banner: a job banner page at the start of each file.
    :param overlay: print only the variable fields, for pre-printed security paper.
    :param offset_mm: calibration offset (x right, y up) in millimetres,
        measured with ``certgen calibrate``; moves everything printed.
    :param number_width: digits of an allocated certificate number (``PB-000123``: 6).
    """

    chunk_size: int = 500
    order: str = "duplex"
    crop_marks: bool = False
    banner: bool = False
    overlay: bool = False
    offset_mm: tuple[float, float] = (0.0, 0.0)
    number_width: int = 6

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"chunk size must be at least 1, not {self.chunk_size}")
        if self.order not in ("duplex", "simplex"):
            raise ValueError(f"order must be duplex or simplex, not {self.order!r}")
        if not 0 <= self.number_width <= 12:
            raise ValueError(f"number width must be 0 to 12 digits, not {self.number_width}")

    def print_options(self, banner: tuple[str, ...] = ()) -> PrintOptions:
        return PrintOptions(
            order=self.order,
            banner=banner if self.banner else (),
            crop_marks=self.crop_marks,
            fields_only=self.overlay,
            offset=(mm(self.offset_mm[0]), mm(self.offset_mm[1])),
        )


@dataclass(frozen=True)
class Chunk:
    """One print file: certificates ``start`` to ``stop - 1`` of the run (print order)."""

    index: int
    start: int
    stop: int

    @property
    def name(self) -> str:
        return f"certificates-{self.index + 1:04d}.pdf"

    @property
    def count(self) -> int:
        return self.stop - self.start


def chunks(count: int, size: int) -> list[Chunk]:
    """The run's print files."""
    return [Chunk(i, start, min(start + size, count)) for i, start in enumerate(range(0, count, size))]


def page_numbers(count: int, sides: int, options: PrintOptions) -> tuple[int, list[list[int]]]:
    """A file of *count* certificates: its page count, and each certificate's page numbers (from 1)."""
    sequence = print_sequence(count, sides, options)
    pages: list[list[int]] = [[0] * sides for _ in range(count)]
    for number, entry in enumerate(sequence, start=1):
        if entry is not None:
            pages[entry[0]][entry[1]] = number
    return len(sequence), pages


def job_key(spec_file: Path, holders_file: Path, options: BatchOptions, version: str) -> str:
    """SHA-256 naming the job: the spec's and holder file's bytes, the print options and certgen's version."""
    payload = {
        "spec": _file_sha256(spec_file),
        "holders": _file_sha256(holders_file),
        "options": asdict(options),
        "certgen": version,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _file_sha256(path: Path) -> str:
    """A file's SHA-256, read a block at a time (a long holder file is never whole in memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
