"""The certificate register: every certificate number of a security and what became of it.

A transfer agent must account for every certificate number it uses:
issued, voided before delivery, spoiled (a misprinted sheet), cancelled
(surrendered on transfer).  The register keeps, per security, every number
with its state, holder, amount, batch, print file and page, the file's
SHA-256 and timestamps, in a real database: SQLite by default (one file, no
server), or any SQLAlchemy URL (PostgreSQL for a register shared by several
print stations).

A number is never used twice: ``(security, number)`` is unique whatever the
state, so a voided or spoiled number stays taken, and so is the number's
canonical form (:func:`certgen.model.identifiers.canonical_number`): ``PB 5``,
``pb-000005`` or ``PB-000005`` with a no-break or zero-width space are the
number ``PB-000005`` spelt otherwise, and taken with it.  Allocated numbers
come from a per-security sequence (``PB-000123``), advanced past every number
the register holds.

The register checks itself: SQLite's ``quick_check`` each time it is opened,
and :meth:`Register.check` (``certgen register check``) in full.  A damaged or
inconsistent register is refused (:class:`RegisterError`), never read as if
it were empty.

The batch printer (:mod:`certgen.batch`) is the writer: it reserves a run's
numbers as *pending* in one transaction before anything is printed, and
marks a file's certificates *issued* in the same transaction that records
the file.  Everything else (``certgen register list|void|spoil|cancel|export``)
reads or changes states.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .errors import CertgenError, printable
from .model.identifiers import canonical_number, format_number, sequence_in_key, sequence_value

__all__ = [
    "STATES",
    "BatchEntry",
    "CertificateRecord",
    "Register",
    "RegisterError",
    "format_number",
    "mask_url",
    "open_register",
    "printable",
]

#: States of a certificate number.  ``pending``: reserved for a batch, not yet printed.
STATES = ("pending", "issued", "voided", "spoiled", "cancelled")
#: What each change of state may start from.
TRANSITIONS = {
    "void": ("pending", "issued"),
    "spoil": ("issued",),
    "cancel": ("issued",),
}
_TARGET = {"void": "voided", "spoil": "spoiled", "cancel": "cancelled"}

metadata = MetaData()

securities = Table(
    "securities",
    metadata,
    Column("id", Integer, primary_key=True),
    #: The CUSIP, or ``issuer|title`` for a security without one.
    Column("key", String(200), nullable=False, unique=True),
    Column("issuer", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("prefix", String(40), nullable=False),
    #: The next number the sequence allocates.
    Column("next_number", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("security_id", Integer, ForeignKey("securities.id"), nullable=False),
    #: SHA-256 of the spec, the holder data and the print options: a rerun of the same job resumes it.
    Column("job_key", String(64), nullable=False, unique=True),
    Column("output_dir", Text, nullable=False),
    Column("spec_file", Text, nullable=False),
    Column("holders_file", Text, nullable=False),
    Column("state", String(20), nullable=False),  # printing, done
    Column("certificates", Integer, nullable=False),
    Column("files", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("certificates", Integer, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("batch_id", "name"),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("security_id", Integer, ForeignKey("securities.id"), nullable=False),
    Column("number", String(60), nullable=False),
    #: The number's canonical form (certgen.model.identifiers.canonical_number), unique per
    #: security: the same number spelt otherwise is refused.  Filled when an older register
    #: is opened (see Register._migrate).
    Column("number_key", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("registration", Text, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id")),
    #: Position in the batch's print order, from 0.
    Column("seq", Integer),
    Column("file", Text),
    Column("page", Integer),
    Column("sha256", String(64)),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("security_id", "number", name="uq_certificate_number"),
    Index("uq_certificate_number_key", "security_id", "number_key", unique=True),
    # The batch printer reads a batch in print order, and marks a file's certificates (a run
    # of positions in that order) issued.
    Index("ix_certificates_batch_seq", "batch_id", "seq"),
)


#: What the register says of itself: ``number_form``, the canonical form its number keys are in.
register_info = Table(
    "register_info",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

#: The canonical form of certificate numbers the keys are computed in (canonical_number): 1,
#: Unicode compatibility forms, case, separators and leading zeros aside; 2, Greek and Cyrillic
#: letters that look Latin read as Latin too.  A register keyed in an older form is keyed again
#: when opened.
NUMBER_FORM = "2"


#: The batch job running in an output folder (one row per folder, while it runs): who runs it.
#: Beside the folder's lock file, which the operating system releases when the process dies.
running_jobs = Table(
    "running_jobs",
    metadata,
    Column("output_dir", Text, primary_key=True),
    Column("job_key", String(64), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
)


class RegisterError(CertgenError):
    """The register cannot be opened, or refuses a change (a number already used, a bad state change)."""

    def __init__(self, message: str, *, register: str | None = None, number: str | None = None) -> None:
        self.number = number
        where = (
            ", ".join(
                part for part in (register, f"certificate {printable(number)}" if number else None) if part
            )
            or None
        )
        super().__init__(message, where)


class BatchEntry(NamedTuple):
    """A certificate of a batch, as the manifest and control report give it."""

    number: str
    registration: str
    amount: int
    state: str
    file: str | None


@dataclass(frozen=True)
class CertificateRecord:
    """One row of the register."""

    security: str
    number: str
    state: str
    registration: str
    amount: int
    batch: int | None
    file: str | None
    page: int | None
    sha256: str | None
    note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def open_register(url: str | PathLike[str]) -> Register:
    """Open (and create if needed) the register at *url*: an SQLAlchemy URL, or a path to an SQLite file."""
    return Register(url)


class Register:
    """A certificate register in a database (see the module docs)."""

    def __init__(self, url: str | PathLike[str], *, verify: str = "quick") -> None:
        """Open (and create if needed) the register at *url*.

        :param verify: how an SQLite register's file is checked first: ``quick`` (SQLite's
            quick_check: every page well formed; the default), or ``full`` (integrity_check: the
            indexes agree with the tables too; what a reading of the whole register costs anyway).
        """
        if verify not in ("quick", "full"):
            raise ValueError(f"verify must be quick or full, not {verify!r}")
        self._verify = "quick_check" if verify == "quick" else "integrity_check"
        text = str(url)
        target: str | URL = text
        if "://" not in text:
            path = Path(text)
            if not path.parent.is_dir():
                raise RegisterError(f"the folder {str(path.parent)!r} does not exist", register=text)
            # The path as the database's name, not parsed as a URL: a ? or %41 in a folder's
            # name is part of it (as text, sqlite:///dir?x/r.sqlite opened a file named dir).
            target = URL.create("sqlite", database=str(path.resolve()))
            text = f"sqlite:///{path.resolve()}"
        self.url = text
        self.name = mask_url(text)
        self._secrets = _url_secrets(text)
        try:
            # Pooled connections: a batch makes a dozen transactions, and closing SQLite's
            # last connection checkpoints the WAL (fsyncs) every time.  The register is closed
            # at the end of the job (engine disposed); processes forked meanwhile forget the
            # pool without touching its connections (_forget_connections_after_fork).
            engine = create_engine(target, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise RegisterError(
                f"cannot open the register ({self._reason(exc)})", register=self.name
            ) from None
        self.sqlite = engine.dialect.name == "sqlite"
        if self.sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        self.engine: Engine = engine
        #: The engine of transactions that write: on SQLite they take the write lock at once
        #: (BEGIN IMMEDIATE), as SELECT ... FOR UPDATE does elsewhere.
        self._writer: Engine = engine.execution_options(certgen_write=True)
        _OPEN.add(self)
        try:
            self._open_waiting()
        except BaseException:
            self.close()
            raise

    def _open_waiting(self) -> None:
        """:meth:`_open`, tried again while another process holds a new SQLite file: switching
        a file to WAL, and the first read of a WAL index being built, answer "database is
        locked" at once, without SQLite's busy wait."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self._open()
                return
            except RegisterError as exc:
                if not (self.sqlite and "database is locked" in exc.message) or time.monotonic() > deadline:
                    raise
                self.engine.dispose()
                time.sleep(0.05)

    def _open(self) -> None:
        """Check the register (SQLite: quick_check), then create or upgrade its tables if needed,
        one process at a time (two batches starting on a new register both work)."""
        try:
            with self.engine.connect() as conn:
                if self.sqlite:
                    self._integrity(conn, self._verify)
                if self._schema_ready(conn):
                    return
        except SQLAlchemyError as exc:
            raise RegisterError(self._failure(exc, "cannot open the register"), register=self.name) from None
        for attempt in (1, 2):
            try:
                with self._writer.begin() as conn:  # SQLite: BEGIN IMMEDIATE, one process at a time
                    if conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
                    metadata.create_all(conn)
                    self._migrate(conn)
                return
            except OSError as exc:  # a full disk, at the commit
                raise RegisterError(self._failure(exc), register=self.name) from None
            except SQLAlchemyError as exc:
                # Another kind of database, where another process created a table meanwhile: again.
                if attempt == 2 or self.sqlite or self.engine.dialect.name == "postgresql":
                    raise RegisterError(
                        self._failure(exc, "cannot open the register"), register=self.name
                    ) from None

    @staticmethod
    def _schema_ready(conn: Connection) -> bool:
        found = inspect(conn)
        if not set(metadata.tables) <= set(found.get_table_names()):
            return False
        if "number_key" not in {c["name"] for c in found.get_columns("certificates")}:
            return False
        if "uq_certificate_number_key" not in {i["name"] for i in found.get_indexes("certificates")}:
            return False
        return Register._number_form(conn) == NUMBER_FORM

    @staticmethod
    def _number_form(conn: Connection) -> str | None:
        return conn.execute(
            select(register_info.c.value).where(register_info.c.name == "number_form")
        ).scalar_one_or_none()

    def _migrate(self, conn: Connection) -> None:
        """A register made before numbers had a canonical form, or keyed in an older form: the
        column is added and filled (or the keys that change are written again), and the unique
        index made, in the caller's transaction.  Two numbers of one security with the same
        canonical form are refused (naming them): the register is left as it was."""
        added = "number_key" not in {c["name"] for c in inspect(conn).get_columns("certificates")}
        if added:
            conn.execute(text("ALTER TABLE certificates ADD COLUMN number_key TEXT"))
        form = self._number_form(conn)
        if added or form != NUMBER_FORM:
            self._key_numbers(conn, every=added)
        if "uq_certificate_number_key" not in {i["name"] for i in inspect(conn).get_indexes("certificates")}:
            next(i for i in certificates.indexes if i.name == "uq_certificate_number_key").create(conn)
        if form is None:
            conn.execute(register_info.insert().values(name="number_form", value=NUMBER_FORM))
        elif form != NUMBER_FORM:
            conn.execute(
                update(register_info).where(register_info.c.name == "number_form").values(value=NUMBER_FORM)
            )

    def _key_numbers(self, conn: Connection, *, every: bool) -> None:
        """Each number's key in the current canonical form: written for *every* row, or for the
        rows whose key it changes; refused when two numbers of a security share one."""
        rows = conn.execute(
            select(
                certificates.c.id,
                securities.c.key,
                certificates.c.security_id,
                certificates.c.number,
                certificates.c.number_key,
            )
            .join(securities, securities.c.id == certificates.c.security_id)
            .order_by(certificates.c.id)
        ).all()
        seen: dict[tuple[int, str], str] = {}
        clashes: list[str] = []
        values = []
        for row_id, security, security_id, number, stored in rows:
            key = canonical_number(number)
            first = seen.setdefault((security_id, key), number)
            if first != number:
                clashes.append(f"{printable(first)!r} and {printable(number)!r} of {printable(security)}")
            if every or stored != key:
                values.append({"row_id": row_id, "key": key})
        if clashes:
            raise RegisterError(
                f"holds numbers that are one number spelt two ways ({'; '.join(clashes[:3])}"
                f"{f' and {len(clashes) - 3} more' if len(clashes) > 3 else ''}): this certgen keeps each "
                "number once in one form; correct the register so each number is in it once, then open it again",
                register=self.name,
            )
        if values:
            conn.execute(
                update(certificates)
                .where(certificates.c.id == bindparam("row_id"))
                .values(number_key=bindparam("key")),
                values,
            )

    def _integrity(self, conn: Connection, pragma: str) -> None:
        """SQLite's own check of its file (``quick_check`` or ``integrity_check``)."""
        rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}(5)").fetchall()]
        if rows != ["ok"]:
            lines = [line.strip() for row in rows for line in row.splitlines()]
            said = "; ".join(line for line in lines if line and not line.startswith("***"))
            raise RegisterError(
                f"is damaged (SQLite {pragma}: {printable(said)[:200]}): do not print with it; "
                "restore it from a backup (certgen register check tells when it is whole)",
                register=self.name,
            )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- securities -----------------------------------------------------------

    def _security_id(self, conn: Connection, key: str, issuer: str, title: str, prefix: str) -> int:
        """The security's id, adding it on first use."""
        row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
        # The securities, read without the index on their keys (a handful of rows): a damaged
        # index that does not find the security must not give it a second row and sequence.
        scanned = [
            r[0]
            for r in conn.execute(select(securities.c.id, securities.c.key, securities.c.prefix))
            if r[1] == key
        ]
        if row is None and len(scanned) == 1 and not self.sqlite:
            # PostgreSQL reads each statement at its own moment: another batch may have added
            # the security between the two reads.  The index, asked again, then finds it.
            row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
        if (row is None and scanned) or (row is not None and scanned != [row[0]]):
            raise RegisterError(
                f"is damaged: its index of securities does not agree with its table on {printable(key)}: do not print "
                "with it; restore it from a backup (certgen register check tells when it is whole)",
                register=self.name,
            )
        if row is not None:
            return int(row[0])
        try:
            with conn.begin_nested():  # another process may add it meanwhile (PostgreSQL)
                result = conn.execute(
                    securities.insert().values(
                        key=key, issuer=issuer, title=title, prefix=prefix, next_number=1, created_at=_now()
                    )
                )
        except IntegrityError:
            row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
            if row is None:
                raise
            return int(row[0])
        inserted = result.inserted_primary_key
        assert inserted is not None  # an INSERT of one row
        return int(inserted[0])

    def _next_number(self, conn: Connection, security_id: int) -> int:
        """The number the security's sequence allocates next."""
        return self._sequence(
            conn.execute(select(securities.c.next_number).where(securities.c.id == security_id)).scalar_one(),
            security_id,
        )

    def _sequence(self, value: Any, security_id: int) -> int:
        """A sequence's next number as the register holds it: a whole number from 1, or the
        register is damaged (a hand edit, a broken copy) and is refused."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise RegisterError(
            f"is damaged: the sequence of security {security_id} holds {printable(repr(value))}, not a whole "
            "number from 1: do not print with it; restore it from a backup (certgen register check tells when it is whole)",
            register=self.name,
        )

    def _allocate_range(self, conn: Connection, security_id: int, count: int) -> tuple[str, int]:
        """Take the next *count* numbers of the security's sequence (inside the caller's transaction):
        the prefix and the first number's value (the others follow it)."""
        row = conn.execute(
            select(securities.c.prefix, securities.c.next_number)
            .where(securities.c.id == security_id)
            .with_for_update()
        ).one()
        prefix, first = row[0], self._sequence(row[1], security_id)
        conn.execute(
            update(securities).where(securities.c.id == security_id).values(next_number=first + count)
        )
        return prefix, first

    def _taken(
        self, conn: Connection, security_id: int, numbers: Iterable[str]
    ) -> dict[str, tuple[str, str]]:
        """Which of *numbers* the register already holds in any spelling of the same number
        (:func:`~certgen.model.identifiers.canonical_number`): each with the register's spelling
        and its state."""
        found: dict[str, tuple[str, str]] = {}
        chunk: dict[str, list[str]] = {}

        def flush() -> None:
            if chunk:
                query = select(certificates.c.number_key, certificates.c.number, certificates.c.state).where(
                    certificates.c.security_id == security_id, certificates.c.number_key.in_(list(chunk))
                )
                for key, number, state in conn.execute(query):
                    for given in chunk.get(key, ()):
                        found[given] = (number, state)
                chunk.clear()

        for number in numbers:
            chunk.setdefault(canonical_number(number), []).append(number)
            if len(chunk) >= 500:
                flush()
        flush()
        return found

    def _reserve(
        self,
        conn: Connection,
        security_id: int,
        batch_id: int,
        rows: Iterable[tuple[str, str, int, str, int] | tuple[str, str, int, str, int, str | None]],
        *,
        check_sequence: bool = True,
        written: Mapping[str, str] | None = None,
    ) -> None:
        """Record a batch's numbers as pending: ``(number, registration, amount, file, page)`` in print order,
        each with the number's canonical form after it when the caller has made it
        (:func:`~certgen.model.identifiers.canonical_number` of that number; None: made here).

        The sequence moves past any given number of the form prefix + digits, so
        allocation never offers it again (*check_sequence* False: the numbers
        were allocated from the sequence).  Rows are inserted a thousand at a
        time (memory stays flat on a long run).

        :param written: files already written (name → SHA-256), whose certificates are
            recorded issued at once; record the files themselves with :meth:`add_file`
            in the same transaction.
        """
        now = _now()
        prefix, next_number = conn.execute(
            select(securities.c.prefix, securities.c.next_number).where(securities.c.id == security_id)
        ).one()
        next_number = self._sequence(next_number, security_id)
        # The driver's executemany, with the timestamp converted once: SQLAlchemy's per-row
        # parameter processing was most of a long run's register time.
        convert = certificates.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        stamp = convert(now) if convert else now
        columns = (
            "security_id",
            "number",
            "number_key",
            "state",
            "registration",
            "amount",
            "batch_id",
            "seq",
            "file",
            "page",
            "sha256",
            "created_at",
            "updated_at",
        )
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO certificates ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        highest = 0
        head = canonical_number(prefix)
        batch: list[tuple[Any, ...]] = []
        for seq, row in enumerate(rows):
            number, registration, amount, file, page = row[:5]
            # The canonical form given (a batch's workers make it), or made here.
            key = row[5] if len(row) > 5 and row[5] is not None else canonical_number(number)
            if check_sequence:
                value = sequence_in_key(head, key)
                if value is not None and value > highest:
                    highest = value
            digest = written.get(file) if written else None
            state = "issued" if digest else "pending"
            batch.append(
                (
                    security_id,
                    number,
                    key,
                    state,
                    registration,
                    amount,
                    batch_id,
                    seq,
                    file,
                    page,
                    digest,
                    stamp,
                    stamp,
                )
            )
            if len(batch) == 1000:
                conn.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            conn.exec_driver_sql(sql, batch)
        if highest >= next_number:
            conn.execute(
                update(securities).where(securities.c.id == security_id).values(next_number=highest + 1)
            )

    # -- batches --------------------------------------------------------------

    def _find_batch(self, conn: Connection, job_key: str) -> dict[str, Any] | None:
        row = conn.execute(select(batches).where(batches.c.job_key == job_key)).mappings().first()
        return dict(row) if row else None

    def _add_batch(self, conn: Connection, **values: Any) -> int:
        result = conn.execute(batches.insert().values(state="printing", created_at=_now(), **values))
        inserted = result.inserted_primary_key
        assert inserted is not None  # an INSERT of one row
        return int(inserted[0])

    def _batch_numbers(self, conn: Connection, batch_id: int) -> list[str]:
        query = (
            select(certificates.c.number)
            .where(certificates.c.batch_id == batch_id)
            .order_by(certificates.c.seq)
        )
        return [r[0] for r in conn.execute(query)]

    def _recorded_files(self, conn: Connection, batch_id: int) -> dict[str, dict[str, Any]]:
        rows = conn.execute(select(files).where(files.c.batch_id == batch_id)).mappings()
        return {r["name"]: dict(r) for r in rows}

    def _record_file(
        self,
        conn: Connection,
        batch_id: int,
        name: str,
        sha256: str,
        size: int,
        pages: int,
        numbers: Sequence[str],
        first: int,
    ) -> None:
        """Record a written print file and mark its certificates issued (one transaction, the caller's).

        :param first: the position in the batch's print order of the file's first certificate
            (a file's certificates are consecutive).
        """
        now = self._add_file(conn, batch_id, name, sha256, size, pages, len(numbers))
        result = conn.execute(
            update(certificates)
            .where(
                certificates.c.batch_id == batch_id,
                certificates.c.seq >= first,
                certificates.c.seq < first + len(numbers),
                certificates.c.file == name,
                certificates.c.state == "pending",
            )
            .values(state="issued", sha256=sha256, updated_at=now)
        )
        if result.rowcount != len(numbers):
            raise RegisterError(
                f"the register expected {len(numbers)} pending certificates in {name}, found {result.rowcount}: "
                "another process changed this batch",
                register=self.name,
            )

    def _add_file(
        self, conn: Connection, batch_id: int, name: str, sha256: str, size: int, pages: int, count: int
    ) -> dt.datetime:
        """Record a written print file (its certificates recorded issued by :meth:`reserve`, or by
        :meth:`record_file`); returns the time recorded."""
        now = _now()
        conn.execute(
            files.insert().values(
                batch_id=batch_id,
                name=name,
                sha256=sha256,
                bytes=size,
                pages=pages,
                certificates=count,
                written_at=now,
            )
        )
        return now

    def _finish_batch(self, conn: Connection, batch_id: int) -> None:
        conn.execute(update(batches).where(batches.c.id == batch_id).values(state="done", finished_at=_now()))

    # -- the job running in an output folder --------------------------------------

    def _running_job(self, conn: Connection, output_dir: str) -> dict[str, Any] | None:
        """Who runs the batch job in *output_dir* (pid, host, started_at, job_key), if one is recorded."""
        row = (
            conn.execute(select(running_jobs).where(running_jobs.c.output_dir == output_dir))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def _set_running_job(self, conn: Connection, output_dir: str, owner: Mapping[str, Any] | None) -> None:
        """Record the job now running in *output_dir* (``job_key``, ``pid``, ``host``,
        ``started_at``), replacing any record; None: no job runs there any more."""
        conn.execute(running_jobs.delete().where(running_jobs.c.output_dir == output_dir))
        if owner is not None:
            conn.execute(running_jobs.insert().values(output_dir=output_dir, **owner))

    # -- reading and changing states -------------------------------------------

    def records(
        self,
        *,
        security: str | None = None,
        state: str | None = None,
        batch: int | None = None,
        numbers: Sequence[str] | None = None,
    ) -> Iterator[CertificateRecord]:
        """The register's certificates, by security then number order of issue."""
        query = (
            select(securities.c.key, certificates)
            .join(securities, securities.c.id == certificates.c.security_id)
            .order_by(securities.c.key, certificates.c.batch_id, certificates.c.seq, certificates.c.id)
        )
        if security is not None:
            query = query.where(securities.c.key == security)
        if state is not None:
            query = query.where(certificates.c.state == state)
        if batch is not None:
            query = query.where(certificates.c.batch_id == batch)
        if numbers is not None:
            query = query.where(certificates.c.number_key.in_(sorted({canonical_number(n) for n in numbers})))
        with self._reading() as conn:
            rows = conn.execute(query).mappings().all()
        for r in rows:
            yield CertificateRecord(
                security=r["key"],
                number=r["number"],
                state=r["state"],
                registration=r["registration"],
                amount=int(r["amount"]),
                batch=r["batch_id"],
                file=r["file"],
                page=r["page"],
                sha256=r["sha256"],
                note=r["note"],
                created_at=_utc(r["created_at"]),
                updated_at=_utc(r["updated_at"]),
            )

    def batch_entries(self, batch_id: int) -> list[BatchEntry]:
        """A batch's certificates in print order (a light query: the manifest of a long run reads them all)."""
        with self._reading() as conn:
            # The driver's cursor: SQLAlchemy's row processing doubled the time on a long run.
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            rows = conn.exec_driver_sql(
                f"SELECT number, registration, amount, state, file FROM certificates WHERE batch_id = {mark} ORDER BY seq",
                (batch_id,),
            ).fetchall()
        return [
            BatchEntry(number, registration, int(amount), state, file)
            for number, registration, amount, state, file in rows
        ]

    def security_keys(self) -> list[str]:
        with self._reading() as conn:
            return [r[0] for r in conn.execute(select(securities.c.key).order_by(securities.c.key))]

    def change(
        self, action: str, numbers: Sequence[str], *, security: str | None = None, note: str | None = None
    ) -> int:
        """``void``, ``spoil`` or ``cancel`` certificates by number, all or none.

        :param security: the security's key (CUSIP); needed when the register
            holds more than one security.
        :returns: how many certificates changed.
        """
        if action not in TRANSITIONS:
            raise RegisterError(f"unknown change {action!r}: use void, spoil or cancel", register=self.name)
        target = _TARGET[action]
        with self.transaction() as conn:
            security_id = self._security_for(conn, security)
            for number in numbers:
                # By the number's canonical form: PB-5 names PB-000005.
                key = certificates.c.number_key == canonical_number(number)
                row = conn.execute(
                    select(certificates.c.state).where(certificates.c.security_id == security_id, key)
                ).first()
                if row is None:
                    raise RegisterError(
                        "is not in the register: check the number and --security",
                        register=self.name,
                        number=number,
                    )
                if row[0] not in TRANSITIONS[action]:
                    allowed = " or ".join(TRANSITIONS[action])
                    raise RegisterError(
                        f"is {row[0]}: only a certificate that is {allowed} can be {target}",
                        register=self.name,
                        number=number,
                    )
                conn.execute(
                    update(certificates)
                    .where(certificates.c.security_id == security_id, key)
                    .values(state=target, note=note, updated_at=_now())
                )
        return len(numbers)

    def _security_for(self, conn: Connection, key: str | None) -> int:
        if key is not None:
            row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
            if row is None:
                raise RegisterError(
                    f"holds no security {key!r} (it has: {', '.join(self.security_keys()) or 'none'})",
                    register=self.name,
                )
            return int(row[0])
        rows = conn.execute(select(securities.c.id, securities.c.key)).all()
        if len(rows) != 1:
            known = ", ".join(r[1] for r in rows) or "none"
            raise RegisterError(
                f"holds {len(rows)} securities ({known}): name one with --security", register=self.name
            )
        return int(rows[0][0])

    def counts(self, batch_id: int) -> dict[str, int]:
        with self._reading() as conn:
            query = (
                select(certificates.c.state, func.count())
                .where(certificates.c.batch_id == batch_id)
                .group_by(certificates.c.state)
            )
            return {r[0]: int(r[1]) for r in conn.execute(query)}

    # -- checking -------------------------------------------------------------------

    def check(self) -> str:
        """Check the whole register: SQLite's ``integrity_check`` of the file, then certgen's own
        rules: each security once, each number's canonical form as recorded and used once, each
        security's sequence past the highest number it holds.

        :returns: a one-line summary, when the register is whole.
        :raises RegisterError: naming the first problems, when it is not.
        """
        problems: list[str] = []
        with self._reading() as conn:
            if self.sqlite:
                self._integrity(conn, "integrity_check")
            rows = conn.execute(
                select(
                    securities.c.id, securities.c.key, securities.c.prefix, securities.c.next_number
                ).order_by(securities.c.id)
            ).all()
            keys: dict[str, int] = {}
            for _, key, _, _ in rows:
                keys[key] = keys.get(key, 0) + 1
            problems += [f"security {printable(k)} is in it {n} times" for k, n in keys.items() if n > 1]
            count = 0
            for security_id, key, prefix, next_number in rows:
                highest = 0
                seen: dict[str, str] = {}
                query = select(certificates.c.number, certificates.c.number_key).where(
                    certificates.c.security_id == security_id
                )
                for number, stored in conn.execute(query):
                    count += 1
                    canonical = canonical_number(number)
                    if stored != canonical:
                        problems.append(
                            f"certificate {printable(number)!r} of {printable(key)} has no or another canonical form recorded"
                        )
                    first = seen.setdefault(canonical, number)
                    if first != number:
                        problems.append(
                            f"{printable(first)!r} and {printable(number)!r} of {printable(key)} are one number"
                        )
                    value = sequence_value(prefix, number)
                    if value is not None and value > highest:
                        highest = value
                if not (
                    isinstance(next_number, int) and not isinstance(next_number, bool) and next_number >= 1
                ):
                    problems.append(
                        f"the sequence of {printable(key)} holds {printable(repr(next_number))}, not a whole number from 1"
                    )
                elif next_number <= highest:
                    problems.append(
                        f"the sequence of {printable(key)} would next allocate {format_number(prefix, next_number)}, "
                        f"but the register holds numbers up to {format_number(prefix, highest)}"
                    )
            orphans = conn.execute(
                select(func.count())
                .select_from(certificates)
                .where(certificates.c.security_id.not_in(select(securities.c.id)))
            ).scalar_one()
            if orphans:
                problems.append(f"{orphans} certificates belong to no security")
        if problems:
            more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
            raise RegisterError(f"is inconsistent: {'; '.join(problems[:3])}{more}", register=self.name)
        what = "SQLite integrity_check ok, " if self.sqlite else ""
        return (
            f"{self.name}: ok ({what}{len(rows)} securit{'y' if len(rows) == 1 else 'ies'}, {count} certificate"
            f"{'' if count == 1 else 's'}: each number once, sequences past every number)"
        )

    # -- connections ------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection to read with; a database error (a damaged file) is a RegisterError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise RegisterError(self._failure(exc), register=self.name) from None

    def _connect(self) -> Any:
        """A connection (kept for callers of the earlier name); see :meth:`_reading`."""
        try:
            return self.engine.connect()
        except SQLAlchemyError as exc:
            raise RegisterError(f"cannot connect ({self._reason(exc)})", register=self.name) from None

    def transaction(self) -> Any:
        """A connection in a transaction, committed on success (``with register.transaction() as conn``).

        On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``): two
        processes never read the same sequence value."""
        return _Transaction(self)

    def _reason(self, exc: BaseException) -> str:
        """The database's message, in one line, without the register's secrets."""
        reason = _reason(exc)
        for secret in self._secrets:
            reason = reason.replace(secret, "***")
        return reason

    def _failure(self, exc: BaseException, doing: str = "database error") -> str:
        reason = self._reason(exc)
        if isinstance(exc, OSError) or any(
            w in reason.lower() for w in ("disk is full", "no space", "disk i/o")
        ):
            return f"cannot write the register ({reason}): nothing of this change was recorded; free some space and run it again"
        if any(w in reason.lower() for w in ("malformed", "not a database", "corrupt")):
            return f"is damaged ({reason}): do not print with it; restore it from a backup (certgen register check tells when it is whole)"
        return f"{doing} ({reason})"


#: The PostgreSQL advisory lock that makes one process at a time create the register's tables.
_SCHEMA_LOCK = 0x63657274_67656E31  # "certgen1"


class _Transaction:
    def __init__(self, register: Register) -> None:
        self.register = register
        self._ctx: Any = None

    def __enter__(self) -> Connection:
        try:
            self._ctx = self.register._writer.begin()
            return self._ctx.__enter__()  # type: ignore[no-any-return]  # SQLAlchemy types the context manager loosely
        except SQLAlchemyError as exc:
            raise RegisterError(
                f"cannot connect ({self.register._reason(exc)})", register=self.register.name
            ) from None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        try:
            self._ctx.__exit__(exc_type, exc, tb)
        except (SQLAlchemyError, OSError) as error:  # at commit (a full disk), or rolling back
            exc = error
        if isinstance(exc, IntegrityError):
            reason = self.register._reason(exc)
            if "number" in reason:
                message = f"refused a change that would use a certificate number twice ({reason})"
            else:
                message = f"refused a change that breaks the register's rules ({reason}): run it again"
            raise RegisterError(message, register=self.register.name) from None
        if isinstance(exc, (SQLAlchemyError, OSError)):
            raise RegisterError(self.register._failure(exc), register=self.register.name) from None
        return False


#: Registers open in this process: a forked child must not use (or close) their connections.
_OPEN: weakref.WeakSet[Register] = weakref.WeakSet()


def _forget_connections_after_fork() -> None:
    for register in list(_OPEN):
        register.engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_connections_after_fork)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # certgen begins SQLite's transactions itself (_sqlite_begin): pysqlite's own handling
    # begins none before a SELECT or CREATE TABLE, so a read-then-write was not isolated.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The wait first: another process may be switching a new file to WAL.
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL: readers (certgen register list) do not block the printer; FULL sync: a
    # committed file record survives a power cut, as the file itself does (fsync).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """A transaction that writes takes SQLite's write lock at once (waiting for another
    writer): what it reads, the sequence's next number, no other process changes meanwhile."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("certgen_write") else "BEGIN")


#: Query parameters of a database URL that carry a secret (password, passfile, sslpassword, token, ...).
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key|auth|cred", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The database URL without its secrets, for messages and summaries: the password of
    ``user:password@`` and every query parameter that names one (``?password=``,
    ``passfile=``, ``sslpassword=``, ...) become ``***``."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*://)(.*)", url, re.DOTALL)
    if not match:
        return url
    scheme, rest = match.groups()
    query_at = rest.find("?")
    head, query = (rest[:query_at], rest[query_at:]) if query_at >= 0 else (rest, "")
    at = head.rfind("@")
    if at >= 0 and ":" in head[:at]:
        head = head[: head.index(":")] + ":***" + head[at:]

    def param(part: str) -> str:
        name, sep, _ = part.partition("=")
        return f"{name}=***" if sep and _SECRET_PARAM.search(unquote(name)) else part

    if query:
        query = "?" + "&".join(";".join(param(p) for p in group.split(";")) for group in query[1:].split("&"))
    return scheme + head + query


def _url_secrets(url: str) -> list[str]:
    """The secrets of a URL as they may appear in a driver's message (raw and decoded), the
    whole URL first."""
    found = [url]
    masked = mask_url(url)
    if masked != url:
        match = re.match(r"[^:]*://([^?]*)", url, re.DOTALL)
        head = match.group(1) if match else ""
        at = head.rfind("@")
        if at >= 0 and ":" in head[:at]:
            found.append(head[head.index(":") + 1 : at])
        for part in re.split(r"[&;]", url.partition("?")[2]):
            name, sep, value = part.partition("=")
            if sep and value and _SECRET_PARAM.search(unquote(name)):
                found.append(value)
    found += [unquote(v) for v in found[1:]]
    return sorted({v for v in found if len(v) >= 3}, key=len, reverse=True)


def _display(url: str) -> str:
    """The URL without its secrets (see :func:`mask_url`)."""
    return mask_url(url)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return " ".join(text.split())[:200]
