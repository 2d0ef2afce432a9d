"""Read holder data: one row per certificate, from CSV, JSON or JSONL.

Required columns: ``certificate_number``, ``registration`` (the name(s) as
inscribed), ``shares`` (a positive whole number; ``1,234,567`` is accepted)
and ``issue_date`` (ISO date, ``2026-11-23``).  Other columns are kept and
available to templates by name.  Rows are numbered as a spreadsheet shows
them: in a CSV file the header is row 1, so the first holder is row 2; in
JSON and JSONL the first holder is row 1.

A holder file with a bad row is refused as a whole: certgen never prints
part of a run from data it knows to be wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Literal, overload

from ..errors import HolderDataError
from ..model.certificate import Holder

__all__ = [
    "REQUIRED_COLUMNS",
    "count_rows",
    "gives_numbers",
    "iter_holders",
    "load_holders",
    "parse_row",
    "read_cells",
    "read_rows",
    "row_mapping",
    "scan_holders",
    "source_row",
]

#: Columns every holder file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("certificate_number", "registration", "shares", "issue_date")
#: A note's holder file gives ``principal_amount`` (whole dollars) instead of ``shares``.
AMOUNT_ALIASES: dict[str, str] = {"shares": "principal_amount"}

_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")
_DIGITS = re.compile(r"^-?[0-9]+$")
_MAX_SHARES = 10**18
#: Most digits of a number of shares or dollars (:data:`_MAX_SHARES` less one has 18).
_MAX_DIGITS = 18


def load_holders(source: str | PathLike[str] | Iterable[Mapping[str, Any]]) -> list[Holder]:
    """Read and check every holder row.

    :param source: a ``.csv``, ``.json`` or ``.jsonl`` file, or an iterable of
        mappings (rows already in memory).
    :raises HolderDataError: naming the file, row and column of the first bad row.
    """
    holders = list(iter_holders(source))
    seen: dict[str, str | None] = {}
    for holder in holders:
        if holder.certificate_number in seen:
            first = seen[holder.certificate_number]
            raise HolderDataError(
                f"certificate number {holder.certificate_number!r} is used twice "
                f"(first at {first}): every certificate needs its own number",
                column="certificate_number",
                source=holder.source,
                rule="certificate.duplicate-number",
            )
        seen[holder.certificate_number] = holder.source
    return holders


def iter_holders(source: str | PathLike[str] | Iterable[Mapping[str, Any]]) -> Iterator[Holder]:
    """Yield holder rows one at a time (for long runs), checking each."""
    for _, holder, problems in scan_holders(source):
        if problems:
            raise problems[0]
        assert holder is not None
        yield holder


def scan_holders(
    source: str | PathLike[str] | Iterable[Mapping[str, Any]],
    *,
    numbered: bool = True,
) -> Iterator[tuple[int, Holder | None, list[HolderDataError]]]:
    """Yield ``(row number, holder or None, problems)`` for every row, bad ones included.

    What the validator reads: every problem of every row, each a
    :class:`HolderDataError` whose ``rule`` names the rule it breaks.  A file
    that cannot be read at all still raises :class:`HolderDataError`.

    :param numbered: ``False`` when the certificate numbers are allocated by
        the register (the batch printer): the file has no
        ``certificate_number`` column, and each holder's number is ``""``.
    """
    name, rows = read_rows(source, numbered=numbered)
    for row_number, row in rows:
        holder, problems = parse_row(row, name, row_number, numbered)
        yield row_number, holder, problems


def read_rows(
    source: str | PathLike[str] | Iterable[Mapping[str, Any]], *, numbered: bool = True
) -> tuple[str, Iterator[tuple[int, Any]]]:
    """The holder data's name for messages, and its rows unparsed: ``(row number, mapping)``.

    The file is opened (and a CSV header checked) here; the rows are read
    as the iterator is consumed.  :func:`parse_row` makes each a :class:`Holder`
    (the batch printer does that in its worker processes).
    """
    if isinstance(source, (str, PathLike)):
        path = Path(source)
        name = str(source)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json", ".jsonl"):
            raise HolderDataError("unknown holder file type: use .csv, .json or .jsonl", file=name)
        if suffix == ".csv":
            rows: Iterable[tuple[int, Any]] = _csv_rows(_read_text(path, name, lines=True), name, numbered)
        elif suffix == ".json":
            rows = _json_rows(_read_text(path, name), name)
        else:
            rows = _jsonl_rows(_read_text(path, name), name)
    else:
        name = "holder data"
        rows = enumerate(source, start=1)
    return name, iter(rows)


def read_cells(
    source: str | PathLike[str] | Iterable[Mapping[str, Any]], *, numbered: bool = True
) -> tuple[str, tuple[str, ...] | None, Iterator[tuple[int, Any]]]:
    """As :func:`read_rows`, but a CSV file's rows are lists of cells under the returned header
    (cheaper to read and to hand to another process); :func:`row_mapping` makes each a mapping.
    The header is None for JSON and JSONL, whose rows are mappings."""
    if isinstance(source, (str, PathLike)) and Path(source).suffix.lower() == ".csv":
        name = str(source)
        header, rows = _csv_cells(_read_text(Path(source), name, lines=True), name, numbered)
        return name, header, rows
    name, mappings = read_rows(source, numbered=numbered)
    return name, None, mappings


def parse_row(
    row: Any, name: str, number: int, numbered: bool = True
) -> tuple[Holder | None, list[HolderDataError]]:
    """One row of holder data as a :class:`Holder`, or ``None`` with the row's problems."""
    return _holder(row, name, number, numbered)


@overload
def _read_text(path: Path, name: str) -> str: ...
@overload
def _read_text(path: Path, name: str, *, lines: Literal[True]) -> Iterator[str]: ...
def _read_text(path: Path, name: str, *, lines: bool = False) -> str | Iterator[str]:
    """The file's text; with *lines*, its lines (line ends kept, as :mod:`csv` reads them),
    read as they are asked for, so that a long file is never whole in memory.  Either way a
    file that is missing, unreadable or not UTF-8 is refused here, before any row is read."""
    try:
        if not lines:
            return path.read_text(encoding="utf-8-sig")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            while handle.read(1 << 20):  # decodes as UTF-8 throughout
                pass
    except FileNotFoundError:
        raise HolderDataError("file not found", file=name) from None
    except UnicodeDecodeError:
        raise HolderDataError("not UTF-8 text: save the file as UTF-8", file=name) from None
    except OSError as exc:
        raise HolderDataError(f"cannot read the file ({exc.strerror})", file=name) from None
    return _lines(path, name)


def _lines(path: Path, name: str) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from handle
    except UnicodeDecodeError:  # changed since it was checked
        raise HolderDataError("not UTF-8 text: save the file as UTF-8", file=name) from None
    except OSError as exc:
        raise HolderDataError(f"cannot read the file ({exc.strerror})", file=name) from None


def source_row(holder: Holder) -> int | None:
    """The row number in a holder's ``source`` (``holders.csv, row 7`` → 7), as :func:`read_rows` numbers rows."""
    tail = (holder.source or "").rsplit(", row ", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def gives_numbers(path: str | PathLike[str]) -> bool:
    """Whether a holder file numbers its certificates: a ``certificate_number``
    column in the CSV header, or a number in the first JSON row.  A file that
    cannot be read says yes, so that reading it reports the problem."""
    try:
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            with Path(path).open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), [])
            return "certificate_number" in header
        for _, row in (_json_rows if suffix == ".json" else _jsonl_rows)(
            Path(path).read_text(encoding="utf-8-sig"), str(path)
        ):
            return not isinstance(row, Mapping) or bool(_text(row.get("certificate_number")).strip())
        return True
    except (OSError, UnicodeDecodeError, csv.Error, HolderDataError, RecursionError, ValueError):
        return True


def count_rows(path: str | PathLike[str]) -> int:
    """How many rows a holder file has (blank lines not counted), without checking them."""
    try:
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            with Path(path).open(encoding="utf-8-sig", newline="") as handle:  # line by line
                return max(0, sum(1 for row in csv.reader(handle) if "".join(row).strip()) - 1)
        text = Path(path).read_text(encoding="utf-8-sig")
        if suffix == ".jsonl":
            return sum(1 for line in text.splitlines() if line.strip())
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("holders", [])
        return len(data) if isinstance(data, list) else 0
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, RecursionError):
        return 0


def _csv_rows(lines: Iterable[str], name: str, numbered: bool = True) -> Iterator[tuple[int, Any]]:
    header, rows = _csv_cells(lines, name, numbered)
    for row_number, cells in rows:
        yield row_number, row_mapping(header, cells)


def row_mapping(header: tuple[str, ...] | None, raw: Any) -> Any:
    """A row from :func:`read_cells` as :func:`parse_row` takes it: a CSV row's cells by column
    (as :class:`csv.DictReader` gives them: a missing cell is None; a header that names a column
    twice is refused when it is read); a JSON row as it is."""
    if header is None:
        return raw
    if len(raw) < len(header):
        raw = raw + [None] * (len(header) - len(raw))
    return dict(zip(header, raw, strict=False))


def _column_key(column: str) -> str:
    """A header cell's key: lower case, letters and digits only ("Certificate Number" is certificatenumber)."""
    return re.sub(r"[^a-z0-9]", "", column.lower())


#: The keys of the headers a spreadsheet gives certgen's columns, and the column each means: a
#: file whose header has one of them but not the column itself is refused, naming the rename (a
#: certificate_number column spelt otherwise would leave the numbers to the register unseen).
_COLUMN_SPELLINGS: dict[str, str] = {
    **{_column_key(column): column for column in (*REQUIRED_COLUMNS, "principal_amount")},
    **dict.fromkeys(
        # Not a bare "Certificate": a column of the user's own for a template (Original, Replacement).
        ("certificateno", "certificatenum", "certno", "certnumber", "certnum"),
        "certificate_number",
    ),
}


def _csv_problem(exc: csv.Error) -> str:
    """What a CSV reader's error means, and what to do about it."""
    text = str(exc)
    if text == "unexpected end of data":
        return (
            'a quote (") opened in this row is never closed: close it, or double a quote inside a cell ("")'
        )
    if text.endswith("expected after '\"'"):
        return (
            "a quote ends a cell before the cell ends: quote the whole cell and double each quote "
            'inside it ("JOHN ""JACK"" DOE")'
        )
    return f"not valid CSV ({text})"


def _misnamed_columns(header: tuple[str, ...]) -> str | None:
    """The fix for a header whose columns certgen reads are spelt otherwise, or whose cells are
    separated by semicolons, tabs or bars (a spreadsheet's regional CSV); None when it has neither."""
    renames = [
        (column, _COLUMN_SPELLINGS[_column_key(column)])
        for column in header
        if _column_key(column) in _COLUMN_SPELLINGS
        and column != _COLUMN_SPELLINGS[_column_key(column)]
        and _COLUMN_SPELLINGS[_column_key(column)] not in header
    ]
    if renames:
        return "; ".join(f"rename the column {column!r} to {target}" for column, target in renames) + (
            " (certgen reads columns by their exact names)"
        )
    if {"registration", "issue_date"} <= set(header) and {"shares", "principal_amount"} & set(header):
        return None  # separated by commas: a column of the user's own may have a ; in its name
    for separator, what in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        parts = {_column_key(part) for column in header for part in column.split(separator)}
        if len(parts) > len(header) and parts & {"registration", "shares", "issuedate", "principalamount"}:
            return (
                f"its cells are separated by {what}, not commas: save it as CSV with commas "
                "(in Excel: CSV UTF-8 (Comma delimited))"
            )
    return None


def _csv_cells(
    lines: Iterable[str], name: str, numbered: bool = True
) -> tuple[tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(lines, strict=True)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise HolderDataError(_csv_problem(exc), file=name, row=1) from None
    header = tuple(first or ())
    if not header:
        raise HolderDataError("the file is empty: it needs a header row", file=name)
    seen: set[str] = set()
    for column in header:
        if column.strip() and column in seen:
            raise HolderDataError(
                f"the column {column} is named twice in the header row: which one holds the data is "
                "unclear, so remove or rename the other",
                file=name,
                row=1,
                column=column,
                rule="holder.columns",
            )
        seen.add(column)
    fix = _misnamed_columns(header)
    if fix is not None:
        raise HolderDataError(
            f"the header row ({', '.join(h for h in header if h)}) does not name certgen's columns: {fix}",
            file=name,
            row=1,
            rule="holder.columns",
        )
    missing = [
        column
        for column in REQUIRED_COLUMNS
        if column not in header
        and AMOUNT_ALIASES.get(column) not in header
        and (numbered or column != "certificate_number")
    ]
    if missing:
        raise HolderDataError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"in the header row (it has: {', '.join(h for h in header if h)}): add "
            f"{'them' if len(missing) > 1 else 'it'}, or rename the column that holds "
            f"{'each' if len(missing) > 1 else 'it'} (certgen reads columns by their exact names)",
            file=name,
            row=1,
            rule="holder.columns",
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        while True:
            row_number = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise HolderDataError(_csv_problem(exc), file=name, row=row_number) from None
            lacking = [c for c in header[len(cells) :] if c in REQUIRED_COLUMNS or c == "principal_amount"]
            if lacking and "".join(cells).strip():
                at = header.index("certificate_number") if "certificate_number" in header else width
                raise HolderDataError(
                    f"has {len(cells)} cells but the header has {width}: no cell for {', '.join(lacking)}; "
                    "give the row a cell for every column",
                    file=name,
                    row=row_number,
                    column=lacking[0],
                    certificate=(cells[at].strip() or None) if at < len(cells) else None,
                )
            if len(cells) > width:
                raise HolderDataError(
                    f"has {len(cells)} cells but the header has {width}: quote cells that contain commas",
                    file=name,
                    row=row_number,
                )
            if not "".join(cells).strip():
                continue  # blank line
            yield row_number, cells

    return header, rows()


def _json_rows(text: str, name: str) -> Iterator[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HolderDataError(f"not valid JSON ({exc.msg} at line {exc.lineno})", file=name) from None
    except (RecursionError, ValueError) as exc:
        raise HolderDataError(_json_problem(exc), file=name) from None
    if isinstance(data, dict) and "holders" in data:
        data = data["holders"]
    if not isinstance(data, list):
        raise HolderDataError('must hold a list of rows, or {"holders": [...]}', file=name)
    yield from enumerate(data, start=1)


def _jsonl_rows(text: str, name: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise HolderDataError(f"not valid JSON ({exc.msg})", file=name, row=number) from None
        except (RecursionError, ValueError) as exc:
            raise HolderDataError(_json_problem(exc), file=name, row=number) from None


def _json_problem(exc: Exception) -> str:
    """What is wrong with JSON that parses but that Python cannot hold."""
    if isinstance(exc, RecursionError):
        return (
            "not valid holder data (lists or objects nested too deeply): a holder file is a list of flat rows"
        )
    if "integer string conversion" in str(exc):
        return "not valid holder data (a number of more than 4,300 digits)"
    return f"not valid JSON ({exc})"


def _holder(
    row: Any, name: str, number: int, numbered: bool = True
) -> tuple[Holder | None, list[HolderDataError]]:
    problems: list[HolderDataError] = []

    certificate: str | None = None

    def fail(message: str, column: str | None = None, rule: str = "holder.format") -> None:
        problems.append(
            HolderDataError(message, file=name, row=number, column=column, certificate=certificate, rule=rule)
        )

    if not isinstance(row, Mapping):
        fail("must be an object of column: value pairs")
        return None, problems
    certificate = _text(row.get("certificate_number")).strip() or None
    for key, value in row.items():  # JSON: a value is text, a number or a date, never a structure
        if not isinstance(value, str) and isinstance(value, (Mapping, list, tuple)):  # (CSV: all text)
            kind = "an object" if isinstance(value, Mapping) else "a list"
            fail(f"is {kind}, not a value: give it as text (or a number)", str(key))
    if problems:
        return None, problems
    amount = "shares" if "shares" in row or "principal_amount" not in row else "principal_amount"
    for column in REQUIRED_COLUMNS:
        if column == "certificate_number" and not numbered:
            continue
        if column not in row and not (column == "shares" and amount in row):
            fail(f"the column {column} is missing", column, "holder.columns")
    if problems:
        return None, problems
    cert_number = certificate or ""
    if not numbered:
        if cert_number:
            fail(
                "gives a certificate number, but the numbers of this file are allocated by the register: "
                "give every row a number, or none",
                "certificate_number",
                "certificate.number",
            )
    elif not cert_number:
        fail("is empty: every certificate needs a number", "certificate_number", "certificate.number")
    registration = _text(row["registration"]).strip()
    if not registration:
        fail("is empty: give the holder's name(s) as inscribed", "registration", "registration.empty")
    shares = _shares(row[amount], fail, amount)
    issue_date = _date(row["issue_date"], fail)
    if problems or shares is None or issue_date is None:
        return None, problems
    extra = {
        str(key): _text(value)
        for key, value in row.items()
        if key not in REQUIRED_COLUMNS and key != amount and key is not None
    }
    holder = Holder(
        certificate_number=cert_number,
        registration=registration,
        shares=shares,
        issue_date=issue_date,
        extra=extra,
        source=f"{name}, row {number}",
    )
    return holder, problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _shares(value: Any, fail: Callable[..., None], column: str = "shares") -> int | None:
    unit = "dollars" if column == "principal_amount" else "shares"
    if isinstance(value, bool):
        fail(f"{value!r} is not a number of {unit}", column, "shares.positive")
        return None
    if isinstance(value, int):
        shares = value
    elif isinstance(value, float) and value.is_integer():
        shares = int(value)
    else:
        text = _text(value).strip()
        if not (text.isascii() and text.isdigit()):  # the usual cell, digits alone, is a number as it is
            if _GROUPED.match(text):
                text = text.replace(",", "")
            if not _DIGITS.match(text):  # ASCII digits only: str.isdigit() takes '²' and '١٢٣'
                fail(
                    f"{text[:40]!r} is not a whole number of {unit} (e.g. 100 or 1,234,567)",
                    column,
                    "shares.positive",
                )
                return None
        if len(text.lstrip("-").lstrip("0")) > _MAX_DIGITS + 1:  # not even made an int
            fail(
                f"{text[:20]}... ({len(text)} digits) is too large a number of {unit}",
                column,
                "shares.positive",
            )
            return None
        shares = int(text)
    if shares <= 0:
        fail(f"must be a positive number of {unit}, not {shares}", column, "shares.positive")
        return None
    if shares >= _MAX_SHARES:
        shown = (
            str(shares)
            if shares < 10 ** (_MAX_DIGITS + 1)
            else f"a number of more than {_MAX_DIGITS + 1} digits"
        )
        fail(f"{shown} is too large a number of {unit}", column, "shares.positive")
        return None
    return shares


def _date(value: Any, fail: Callable[..., None]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = _text(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not an ISO date (write it as 2026-11-23)", "issue_date", "holder.issue-date")
        return None
