"""The certificate register: every certificate number of a security and what became of it.

A transfer agent must account for every certificate number it uses:
issued, voided before delivery, spoiled (a misprinted sheet), cancelled
(surrendered on transfer).  The register keeps, per security, every number
with its state, holder, amount, batch, print file and page, the file's
SHA-256 and timestamps, in a real database: SQLite by default (one file, no
server), or any SQLAlchemy URL (PostgreSQL for a register shared by several
print stations).

A number is never used twice: ``(security, number)`` is unique whatever the
state, so a voided or spoiled number stays taken.  Allocated numbers come
from a per-security sequence (``PB-000123``), advanced past every number the
register holds.

The batch printer (:mod:`certgen.batch`) is the writer: it reserves a run's
numbers as *pending* in one transaction before anything is printed, and
marks a file's certificates *issued* in the same transaction that records
the file.  Everything else (``certgen register list|void|spoil|cancel|export``)
reads or changes states.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

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
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from .errors import CertgenError

__all__ = [
    "STATES",
    "BatchEntry",
    "CertificateRecord",
    "Register",
    "RegisterError",
    "format_number",
    "open_register",
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
    # The batch printer reads a batch in print order, and marks a file's certificates (a run
    # of positions in that order) issued.
    Index("ix_certificates_batch_seq", "batch_id", "seq"),
)


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
        where = ", ".join(part for part in (register, f"certificate {number}" if number else None) if part) or None
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


def format_number(prefix: str, number: int, width: int = 6) -> str:
    """An allocated certificate number: ``PB-000123`` (a ``-`` follows a prefix not ending in ``-`` or space)."""
    digits = f"{number:0{width}d}" if width else str(number)
    if not prefix:
        return digits
    return f"{prefix}{digits}" if prefix[-1] in "- " else f"{prefix}-{digits}"


def _sequence_value(prefix: str, number: str) -> int | None:
    """The sequence number inside *number* when it is *prefix* + digits (``PB-000123`` → 123)."""
    match = re.fullmatch(re.escape(prefix.rstrip("- ")) + r"[- ]?(\d+)", number)
    return int(match.group(1)) if match else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def open_register(url: str | PathLike[str]) -> Register:
    """Open (and create if needed) the register at *url*: an SQLAlchemy URL, or a path to an SQLite file."""
    return Register(url)


class Register:
    """A certificate register in a database (see the module docs)."""

    def __init__(self, url: str | PathLike[str]) -> None:
        text = str(url)
        if "://" not in text:
            path = Path(text)
            if not path.parent.is_dir():
                raise RegisterError(f"the folder {str(path.parent)!r} does not exist", register=text)
            text = f"sqlite:///{path.resolve()}"
        self.url = text
        self.name = _display(text)
        try:
            # Pooled connections: a batch makes a dozen transactions, and closing SQLite's
            # last connection checkpoints the WAL (fsyncs) every time.  The register is closed
            # at the end of the job (engine disposed); processes forked meanwhile forget the
            # pool without touching its connections (_forget_connections_after_fork).
            engine = create_engine(text, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise RegisterError(f"cannot open the register ({_reason(exc)})", register=self.name) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        self.engine: Engine = engine
        _OPEN.add(self)
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise RegisterError(f"cannot open the register ({_reason(exc)})", register=self.name) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- securities -----------------------------------------------------------

    def security_id(self, conn: Connection, key: str, issuer: str, title: str, prefix: str) -> int:
        """The security's id, adding it on first use."""
        row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
        if row is not None:
            return int(row[0])
        result = conn.execute(
            securities.insert().values(key=key, issuer=issuer, title=title, prefix=prefix, next_number=1, created_at=_now())
        )
        return int(result.inserted_primary_key[0])

    def next_number(self, conn: Connection, security_id: int) -> int:
        """The number the security's sequence allocates next."""
        return int(conn.execute(select(securities.c.next_number).where(securities.c.id == security_id)).scalar_one())

    def allocate(self, conn: Connection, security_id: int, count: int, width: int = 6) -> list[str]:
        """Take the next *count* numbers of the security's sequence (inside the caller's transaction)."""
        prefix, first = self.allocate_range(conn, security_id, count)
        return [format_number(prefix, first + i, width) for i in range(count)]

    def allocate_range(self, conn: Connection, security_id: int, count: int) -> tuple[str, int]:
        """Take the next *count* numbers of the security's sequence (inside the caller's transaction):
        the prefix and the first number's value (the others follow it)."""
        row = conn.execute(
            select(securities.c.prefix, securities.c.next_number).where(securities.c.id == security_id).with_for_update()
        ).one()
        prefix, first = row[0], int(row[1])
        conn.execute(update(securities).where(securities.c.id == security_id).values(next_number=first + count))
        return prefix, first

    def used(self, conn: Connection, security_id: int, numbers: Iterable[str]) -> dict[str, str]:
        """Which of *numbers* the register already holds, with their states."""
        found: dict[str, str] = {}
        chunk: list[str] = []

        def flush() -> None:
            if chunk:
                query = select(certificates.c.number, certificates.c.state).where(
                    certificates.c.security_id == security_id, certificates.c.number.in_(chunk)
                )
                found.update({r[0]: r[1] for r in conn.execute(query)})
                chunk.clear()

        for number in numbers:
            chunk.append(number)
            if len(chunk) >= 500:
                flush()
        flush()
        return found

    def reserve(
        self,
        conn: Connection,
        security_id: int,
        batch_id: int,
        rows: Iterable[tuple[str, str, int, str, int]],
        *,
        check_sequence: bool = True,
        written: Mapping[str, str] | None = None,
    ) -> None:
        """Record a batch's numbers as pending: ``(number, registration, amount, file, page)`` in print order.

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
        # The driver's executemany, with the timestamp converted once: SQLAlchemy's per-row
        # parameter processing was most of a long run's register time.
        convert = certificates.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        stamp = convert(now) if convert else now
        columns = (
            "security_id", "number", "state", "registration", "amount", "batch_id", "seq", "file", "page", "sha256", "created_at", "updated_at"
        )
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO certificates ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        highest = 0
        batch: list[tuple[Any, ...]] = []
        for seq, (number, registration, amount, file, page) in enumerate(rows):
            if check_sequence:
                value = _sequence_value(prefix, number)
                if value is not None and value > highest:
                    highest = value
            digest = written.get(file) if written else None
            state = "issued" if digest else "pending"
            batch.append((security_id, number, state, registration, amount, batch_id, seq, file, page, digest, stamp, stamp))
            if len(batch) == 1000:
                conn.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            conn.exec_driver_sql(sql, batch)
        if highest >= next_number:
            conn.execute(update(securities).where(securities.c.id == security_id).values(next_number=highest + 1))

    # -- batches --------------------------------------------------------------

    def find_batch(self, conn: Connection, job_key: str) -> dict[str, Any] | None:
        row = conn.execute(select(batches).where(batches.c.job_key == job_key)).mappings().first()
        return dict(row) if row else None

    def batches_in(self, conn: Connection, output_dir: str) -> list[dict[str, Any]]:
        rows = conn.execute(select(batches).where(batches.c.output_dir == output_dir).order_by(batches.c.id)).mappings()
        return [dict(r) for r in rows]

    def add_batch(self, conn: Connection, **values: Any) -> int:
        result = conn.execute(batches.insert().values(state="printing", created_at=_now(), **values))
        return int(result.inserted_primary_key[0])

    def batch_numbers(self, conn: Connection, batch_id: int) -> list[str]:
        query = select(certificates.c.number).where(certificates.c.batch_id == batch_id).order_by(certificates.c.seq)
        return [r[0] for r in conn.execute(query)]

    def recorded_files(self, conn: Connection, batch_id: int) -> dict[str, dict[str, Any]]:
        rows = conn.execute(select(files).where(files.c.batch_id == batch_id)).mappings()
        return {r["name"]: dict(r) for r in rows}

    def record_file(
        self, conn: Connection, batch_id: int, name: str, sha256: str, size: int, pages: int, numbers: Sequence[str], first: int
    ) -> None:
        """Record a written print file and mark its certificates issued (one transaction, the caller's).

        :param first: the position in the batch's print order of the file's first certificate
            (a file's certificates are consecutive).
        """
        now = self.add_file(conn, batch_id, name, sha256, size, pages, len(numbers))
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

    def add_file(self, conn: Connection, batch_id: int, name: str, sha256: str, size: int, pages: int, count: int) -> dt.datetime:
        """Record a written print file (its certificates recorded issued by :meth:`reserve`, or by
        :meth:`record_file`); returns the time recorded."""
        now = _now()
        conn.execute(
            files.insert().values(batch_id=batch_id, name=name, sha256=sha256, bytes=size, pages=pages, certificates=count, written_at=now)
        )
        return now

    def finish_batch(self, conn: Connection, batch_id: int) -> None:
        conn.execute(update(batches).where(batches.c.id == batch_id).values(state="done", finished_at=_now()))

    # -- the job running in an output folder --------------------------------------

    def running_job(self, conn: Connection, output_dir: str) -> dict[str, Any] | None:
        """Who runs the batch job in *output_dir* (pid, host, started_at, job_key), if one is recorded."""
        row = conn.execute(select(running_jobs).where(running_jobs.c.output_dir == output_dir)).mappings().first()
        return dict(row) if row else None

    def set_running_job(self, conn: Connection, output_dir: str, owner: Mapping[str, Any] | None) -> None:
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
            query = query.where(certificates.c.number.in_(list(numbers)))
        with self._connect() as conn:
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
        with self._connect() as conn:
            # The driver's cursor: SQLAlchemy's row processing doubled the time on a long run.
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            rows = conn.exec_driver_sql(
                f"SELECT number, registration, amount, state, file FROM certificates WHERE batch_id = {mark} ORDER BY seq",
                (batch_id,),
            ).fetchall()
        return [BatchEntry(number, registration, int(amount), state, file) for number, registration, amount, state, file in rows]

    def security_keys(self) -> list[str]:
        with self._connect() as conn:
            return [r[0] for r in conn.execute(select(securities.c.key).order_by(securities.c.key))]

    def change(self, action: str, numbers: Sequence[str], *, security: str | None = None, note: str | None = None) -> int:
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
                row = conn.execute(
                    select(certificates.c.state).where(
                        certificates.c.security_id == security_id, certificates.c.number == number
                    )
                ).first()
                if row is None:
                    raise RegisterError("is not in the register: check the number and --security", register=self.name, number=number)
                if row[0] not in TRANSITIONS[action]:
                    allowed = " or ".join(TRANSITIONS[action])
                    raise RegisterError(
                        f"is {row[0]}: only a certificate that is {allowed} can be {target}", register=self.name, number=number
                    )
                conn.execute(
                    update(certificates)
                    .where(certificates.c.security_id == security_id, certificates.c.number == number)
                    .values(state=target, note=note, updated_at=_now())
                )
        return len(numbers)

    def _security_for(self, conn: Connection, key: str | None) -> int:
        if key is not None:
            row = conn.execute(select(securities.c.id).where(securities.c.key == key)).first()
            if row is None:
                raise RegisterError(f"holds no security {key!r} (it has: {', '.join(self.security_keys()) or 'none'})", register=self.name)
            return int(row[0])
        rows = conn.execute(select(securities.c.id, securities.c.key)).all()
        if len(rows) != 1:
            known = ", ".join(r[1] for r in rows) or "none"
            raise RegisterError(f"holds {len(rows)} securities ({known}): name one with --security", register=self.name)
        return int(rows[0][0])

    def counts(self, batch_id: int) -> dict[str, int]:
        with self._connect() as conn:
            query = (
                select(certificates.c.state, func.count())
                .where(certificates.c.batch_id == batch_id)
                .group_by(certificates.c.state)
            )
            return {r[0]: int(r[1]) for r in conn.execute(query)}

    # -- connections ------------------------------------------------------------

    def _connect(self) -> Any:
        try:
            return self.engine.connect()
        except OperationalError as exc:
            raise RegisterError(f"cannot connect ({_reason(exc)})", register=self.name) from None

    def transaction(self) -> Any:
        """A connection in a transaction, committed on success (``with register.transaction() as conn``)."""
        return _Transaction(self)


class _Transaction:
    def __init__(self, register: Register) -> None:
        self.register = register
        self._ctx: Any = None

    def __enter__(self) -> Connection:
        try:
            self._ctx = self.register.engine.begin()
            return self._ctx.__enter__()  # type: ignore[no-any-return]
        except OperationalError as exc:
            raise RegisterError(f"cannot connect ({_reason(exc)})", register=self.register.name) from None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        try:
            self._ctx.__exit__(exc_type, exc, tb)
        except IntegrityError as error:  # at commit
            exc = error
        if isinstance(exc, IntegrityError):
            raise RegisterError(
                f"refused a change that would use a certificate number twice ({_reason(exc)})",
                register=self.register.name,
            ) from None
        if isinstance(exc, SQLAlchemyError):
            raise RegisterError(f"database error ({_reason(exc)})", register=self.register.name) from None
        return False


#: Registers open in this process: a forked child must not use (or close) their connections.
_OPEN: weakref.WeakSet[Register] = weakref.WeakSet()


def _forget_connections_after_fork() -> None:
    for register in list(_OPEN):
        register.engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_connections_after_fork)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (certgen register list) do not block the printer; FULL sync: a
    # committed file record survives a power cut, as the file itself does (fsync).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _display(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return " ".join(text.split())[:200]
