"""What a batch leaves beside its print files: ``manifest.json`` and the control report.

Both are made from the register's record of the batch (not from the run's
memory), so a resumed run writes the same bytes as an uninterrupted one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..drawing import DocumentInfo
from ..drawing.writer import TextRun, write_text_page
from ..files import atomic_output
from ..version import __version__
from ..words import in_figures

if TYPE_CHECKING:  # the register (SQLAlchemy) is imported when a job opens one
    from ..register import BatchEntry

__all__ = [
    "BatchSummary",
    "Tally",
    "csv_cell",
    "manifest_line",
    "manifest_lines",
    "write_control_report",
    "write_manifest",
]


@dataclass(frozen=True)
class Tally:
    """What the control report counts of a batch's certificates."""

    #: Certificates in each state.
    counts: dict[str, int]
    #: The amount issued (shares, units or principal).
    total: int
    #: The first and last numbers issued, in print order ("" when none is).
    first: str
    last: str
    #: The numbers voided or spoiled, in print order.
    voids: Sequence[str]

    @staticmethod
    def of(certificates: Iterable[BatchEntry]) -> Tally:
        counts: dict[str, int] = {}
        total, first, last, voids = 0, "", "", []
        for record in certificates:
            counts[record.state] = counts.get(record.state, 0) + 1
            if record.state == "issued":
                total += record.amount
                first = first or record.number
                last = record.number
            elif record.state in ("voided", "spoiled"):
                voids.append(record.number)
        return Tally(counts, total, first, last, voids)


@dataclass(frozen=True)
class BatchSummary:
    """The figures of a batch that the manifest and control report give."""

    batch: int
    security: str
    issuer: str
    title: str
    unit: str
    job_key: str
    spec_file: str
    holders_file: str
    created_at: str
    options: dict[str, Any]
    files: Sequence[dict[str, Any]]
    #: Every certificate (may be left empty when *tally* is given: the manifest's entries are
    #: then made elsewhere).
    certificates: Sequence[BatchEntry]
    #: What the control report counts (by default, of *certificates*).
    tally: Tally | None = None

    @property
    def issued(self) -> list[BatchEntry]:
        return [c for c in self.certificates if c.state == "issued"]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for record in self.certificates:
            out[record.state] = out.get(record.state, 0) + 1
        return out


def manifest_line(
    number: str, registration: str, amount: int, state: str, file: str | None, pages: Sequence[int]
) -> str:
    """A certificate's entry in ``manifest.json``: one line of JSON."""
    return f"{_head(number, registration, amount)}{_tail(state, file)}{_pages_text(tuple(pages))}}}"


def manifest_lines(
    entries: Sequence[Sequence[Any]], state: str, file: str, pages: Sequence[Sequence[int]]
) -> bytes:
    """The entries of one file's certificates, as :func:`write_manifest` takes them: UTF-8, each
    line indented and followed by ``,\\n``.  *entries* start ``(number, registration, amount)``;
    *pages* are each one's page numbers."""
    tail = _tail(state, file)  # the same for the whole file
    made = [
        f"  {_head(*entry[:3])}{tail}{_pages_text(tuple(where))}}},\n"
        for entry, where in zip(entries, pages, strict=False)
    ]
    return "".join(made).encode("utf-8")


def _head(number: str, registration: str, amount: int) -> str:
    quote = _json_string  # json's own (C) string encoder: the entries are formatted, not walked
    return f'{{"number": {quote(number)}, "registration": {quote(registration)}, "shares": {int(amount)}, '


def _tail(state: str, file: str | None) -> str:
    return (
        f'"state": {_json_string(state)}, "file": {"null" if file is None else _json_string(file)}, "pages": '
    )


@lru_cache(maxsize=4096)
def _pages_text(pages: tuple[int, ...]) -> str:
    return f"[{', '.join(str(int(p)) for p in pages)}]"


def write_manifest(
    path: Path,
    summary: BatchSummary,
    pages: Callable[[int], list[int]],
    lines: BinaryIO | None = None,
    *,
    tag: str = "",
) -> None:
    """``manifest.json``: the job, every file with its SHA-256, every certificate with its file and pages.

    :param pages: the page numbers of the certificate at a position of the print order.
    :param lines: the certificates' entries already made, in print order (:func:`manifest_line`,
        UTF-8, each followed by ``,\n``), as a new batch makes them while its files come back;
        by default they are made from *summary*.
    :param tag: marks the temporary file's name (the batch job's, see :func:`~certgen.pipeline.atomic_output`).
    """
    data = {
        "manifest": 1,
        "batch": summary.batch,
        "security": summary.security,
        "issuer": summary.issuer,
        "title": summary.title,
        "job_key": summary.job_key,
        "spec": summary.spec_file,
        "holders": summary.holders_file,
        "created_at": summary.created_at,
        "options": summary.options,
        "files": [
            {
                "name": f["name"],
                "sha256": f["sha256"],
                "bytes": f["bytes"],
                "pages": f["pages"],
                "certificates": f["certificates"],
            }
            for f in summary.files
        ],
    }
    certificates = (manifest_line(*c, pages(index)) for index, c in enumerate(summary.certificates))
    # One entry per line: readable, diffable, and written by json's C encoder
    # (indent= switches to the pure-Python one, ten times slower on a long run);
    # written as it is made, so a long run's manifest is never whole in memory.
    with atomic_output(path, tag=tag) as stream:
        keys = list(data)
        stream.write(b"{\n")
        for key in keys:
            value = data[key]
            end = b",\n"
            stream.write(f" {json.dumps(key)}: ".encode())
            if isinstance(value, list):
                if not value:
                    stream.write(b"[]" + end)
                    continue
                stream.write(b"[\n")
                for index, item in enumerate(value):
                    line = (
                        "  "
                        + json.dumps(item, ensure_ascii=False)
                        + (",\n" if index < len(value) - 1 else "\n")
                    )
                    stream.write(line.encode("utf-8"))
                stream.write(b" ]" + end)
            else:
                stream.write(json.dumps(value, ensure_ascii=False).encode("utf-8") + end)
        stream.write(b' "certificates": [\n')
        if lines is not None:
            _copy_lines(lines, stream)
            stream.write(b" ]\n}\n")
            return
        count = len(summary.certificates)
        batch: list[str] = []
        for index, item in enumerate(certificates):
            batch.append("  " + item + (",\n" if index < count - 1 else "\n"))
            if len(batch) == 1000:
                stream.write("".join(batch).encode("utf-8"))
                batch = []
        stream.write("".join(batch).encode("utf-8") + b" ]\n}\n")


def _copy_lines(lines: BinaryIO, stream: BinaryIO) -> None:
    """Entries each ending ``,\n``, the last one's comma left out."""
    size = lines.seek(0, io.SEEK_END)
    lines.seek(0)
    left = size - 2
    while left > 0:
        block = lines.read(min(left, 1 << 20))
        if not block:
            break
        stream.write(block)
        left -= len(block)
    if size:
        stream.write(b"\n")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell that a spreadsheet opens as text, never as a formula: a text
    beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
    (OWASP, CSV injection).  Other values, and JSON output, are left as they are.

    >>> csv_cell('=1+1'), csv_cell('PB-000001'), csv_cell(7)
    ("'=1+1", 'PB-000001', 7)
    """
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


_FORMULA_STARTS = frozenset("=+-@\t\r")


#: A JSON string literal, as json.dumps(..., ensure_ascii=False) writes it.
_json_string = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def control_rows(summary: BatchSummary) -> list[tuple[str, str]]:
    """The control report's items, in order."""
    tally = summary.tally or Tally.of(summary.certificates)
    counts = tally.counts
    return [
        ("security", summary.security),
        ("issuer", summary.issuer),
        ("title", summary.title),
        ("batch", str(summary.batch)),
        ("certificates", str(sum(counts.values()))),
        ("issued", str(counts.get("issued", 0))),
        ("voided", str(counts.get("voided", 0))),
        ("spoiled", str(counts.get("spoiled", 0))),
        ("cancelled", str(counts.get("cancelled", 0))),
        (f"total {summary.unit.lower()}", in_figures(tally.total)),
        ("first number", tally.first),
        ("last number", tally.last),
        ("files", str(len(summary.files))),
        ("voids", " ".join(tally.voids)),
    ]


def write_control_report(
    folder: Path, summary: BatchSummary, sign: Callable[[bytes], bytes] | None = None, *, tag: str = ""
) -> None:
    """``control.csv`` and ``control.pdf`` (one page): counts, total, first and last numbers, voids.

    :param sign: signs the PDF (the issue's PDF signature), if given.
    :param tag: marks the temporary files' names (the batch job's).
    """
    rows = control_rows(summary)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["item", "value"])
    writer.writerows((item, csv_cell(value)) for item, value in rows)  # a registration may be "=cmd|..."
    with atomic_output(folder / "control.csv", tag=tag) as stream:
        stream.write(buffer.getvalue().encode("utf-8"))
    runs = [
        TextRun("oldstandard-bold", 16, 72, 720, "Certificate control report"),
        TextRun("garamond", 10, 72, 702, f"{summary.issuer} — {summary.title}"),
    ]
    y = 670
    for item, value in rows:
        runs.append(TextRun("garamond-sc", 10, 72, y, item))
        runs.append(TextRun("garamond", 10, 220, y, value if len(value) <= 90 else value[:87] + "..."))
        y -= 18
    files = ", ".join(f"{f['name']} ({f['sha256'][:16]}…)" for f in summary.files[:12])
    if len(summary.files) > 12:
        files += f", and {len(summary.files) - 12} more (manifest.json)"
    for line in _wrap(f"Files: {files}", 120)[:12]:
        runs.append(TextRun("garamond", 8, 72, y - 10, line))
        y -= 11
    pdf = io.BytesIO()
    info = DocumentInfo(
        title=f"Control report, batch {summary.batch}",
        author=summary.issuer,
        creator=f"certgen {__version__}",
    )
    write_text_page(pdf, 612, 792, runs, info)
    with atomic_output(folder / "control.pdf", tag=tag) as stream:
        stream.write(sign(pdf.getvalue()) if sign is not None else pdf.getvalue())


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines
