"""Batch printing for transfer agents: a run of certificates, accounted for in the register.

``render_batch(spec, holders, out)`` prints every row of a holder file into
chunked print files in *out*, with ``manifest.json`` and a control report,
and records every certificate number in the register (SQLite in *out* by
default).  The steps:

1. **check and print**: every row is checked (the holder rules, row by row
   in the workers and across the whole file here) while its file is rendered
   (in worker processes) to a temporary name and fsynced; at the first bad
   row the printing stops, the rest is checked without printing, every
   finding is reported, the temporary files are deleted and nothing is
   recorded;
2. **record** (one transaction): the numbers are allocated (or taken from
   the file, refused if the register has any of them), every certificate is
   recorded *issued* with its file, page and the file's SHA-256, and the files
   are recorded; then the files are renamed to their names;
3. **close**: ``manifest.json``, ``control.csv`` and ``control.pdf`` are
   written from the register, and the batch is marked done.

If the register allocates other numbers than the files print (another print
station allocated meanwhile), the numbers are reserved *pending* instead and
the files printed again, each recorded (its certificates *issued*) as it is
renamed, as on a resumed run.

With worker processes, a new job's first files go to the workers before the
register is open, numbered from what an SQLite register's sequence gives next
(:func:`_sequence_guess`, read without SQLAlchemy); once it is open, files in
flight with other numbers are deleted and the job printed from its numbers.

Killed at any point, the same call (or command) finishes the job: the job is
found in the register by its key (spec, holder file and print options), its
numbers are the ones reserved, a recorded file still at its temporary name
is renamed, files already recorded are kept, and a file written but not
recorded is recorded if its bytes are what the job prints (rendering is
deterministic).  A recorded file that is missing is printed again, and must
come out with its recorded SHA-256.  Rerunning a finished job changes nothing.

The output folder belongs to one running job (:mod:`.lock`): a second run
there is refused before it touches anything.  Temporary files carry their
job's key in their names; only the run holding the folder's lock deletes
batch temporaries (any job that wrote them has ended), never other files.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import gc
import io
import multiprocessing
import os
import pickle
import re
import secrets
import signal
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CertgenError, HolderDataError, RenderError, ValidationError
from ..files import fsync_dir
from ..model.certificate import Holder
from ..model.identifiers import canonical_number, format_number
from ..pipeline import PreparedIssue, prepare
from ..spec import load_spec
from ..spec.holders import (
    count_rows,
    gives_numbers,
    parse_row,
    read_cells,
    read_rows,
    row_mapping,
    scan_holders,
    source_row,
)
from ..spec.schema import Spec
from ..validation import ERROR, Finding, fit_findings, spec_findings
from ..validation.holder_rules import DUPLICATE, HolderChecker, loader_finding
from ..version import __version__
from .lock import LOCK_NAME, FolderLock, running_beside
from .outputs import BatchSummary, Tally, manifest_lines, write_control_report, write_manifest
from .plan import BatchOptions, Chunk, chunks, job_key, page_numbers, sha256_of

if TYPE_CHECKING:  # the register (SQLAlchemy, 0.1 s to import) is imported once the workers run
    from ..register import BatchEntry, Register

__all__ = ["BANNER_MARK", "BatchOptions", "BatchResult", "Progress", "render_batch"]

#: Printed on every job banner page; certgen validate --pdf leaves such pages out.
BANNER_MARK = "job banner page, not a certificate"

#: Called after each file: (certificates done, certificates in all, file name).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BatchResult:
    """What a batch run did."""

    batch: int
    output_dir: Path
    register: str
    certificates: int
    files: int
    #: Files written by this call (0 when rerunning a finished job).
    written: int
    #: Files found written but not yet recorded (after a crash), recorded without rewriting.
    adopted: int
    #: The job was already finished, its files in place: nothing was changed.
    already_done: bool
    first_number: str
    last_number: str

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["output_dir"] = str(self.output_dir)
        return out


def render_batch(
    spec: str | PathLike[str],
    holders: str | PathLike[str],
    out: str | PathLike[str],
    *,
    register: str | PathLike[str] | None = None,
    options: BatchOptions | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Print a run of certificates into *out*, recording each in the register (see the module docs).

    :param spec: the spec file.
    :param holders: the holder file (CSV, JSON, JSONL).  Without a
        ``certificate_number`` column, numbers are allocated from the
        register's sequence for the security (``PB-000123``).
    :param out: the output folder (created if needed); one job per folder, and one run at a time
        (a second run while one runs there is refused, naming the first).
    :param register: an SQLAlchemy URL or SQLite file; default ``out/register.sqlite``.
    :param workers: rendering processes; default the number of cores, 1 renders in this process.
    :raises ValidationError: the spec or a holder row breaks a rule (every finding attached).
    :raises RegisterError: a number is already in the register, or the register refuses a change.
    :raises CertgenError: any other bad input; nothing is printed.
    """
    options = options or BatchOptions()
    spec_path, holders_path, out_dir = Path(spec), Path(holders), Path(out)
    for path, what in ((spec_path, "spec"), (holders_path, "holder file")):
        if not path.is_file():
            raise CertgenError(f"the {what} does not exist", str(path))
    loaded = load_spec(spec_path)
    issue = prepare(loaded)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder ({exc.strerror})", str(out_dir)) from None
    # The folder as named (a link's name: the folders beside it are where the user sees them).
    named = Path(os.path.abspath(out_dir))
    out_dir = out_dir.resolve()
    key = job_key(spec_path, holders_path, options, __version__)
    security = _security_key(loaded)
    register_at = register if register is not None else out_dir / "register.sqlite"
    register_file = None if "://" in str(register_at) else str(Path(register_at).resolve())
    # The folder is the job's for its whole life: another job running there is refused before
    # anything is touched (see .lock).  The lock names the security and the register, for a run
    # of the security starting beside it.
    lock = FolderLock(out_dir, key, security=security, register=register_file)
    lock.acquire()
    try:
        if register is None:  # with the lock held: of two runs starting at once, one sees the other
            _refuse_a_second_register(out_dir, security, named)
        # The workers start first: they encode the issue's static pages while this process opens
        # the register and plans the run (and they do not inherit its database connections).
        with _Renderer(issue, spec_path, workers or os.cpu_count() or 1) as renderer:
            renderer.start()
            job = _Job(loaded, issue, spec_path, holders_path, out_dir, options, key)
            # A new job's first files go to the workers before the register is open (0.1 s of
            # imports and checks), on the numbers it will most likely allocate (_Job.start_early).
            early = job.start_early(renderer, register_at)
            ran = False  # the job's run tidies what it leaves
            try:
                from ..register import Register  # after the workers start: they need none of it

                with Register(register_at) as reg, _collector_frozen():
                    try:
                        lock.record(reg)
                    except RenderError:  # another run is recorded in the folder: its files are its own
                        ran = True
                        raise
                    ran = True
                    try:
                        return job.run(reg, renderer, progress, early)
                    finally:
                        _quietly(lock.forget)
            finally:
                if early is not None:  # files in flight when the register or the job failed: deleted
                    early.results.close()
                    if not ran:
                        job.drop_early_leftovers()
    finally:
        lock.release()


def _quietly(step: Callable[[], None]) -> None:
    """Run a clean-up step on the way out; a failure of its own does not hide the run's outcome
    (its effect is undone at the next run)."""
    with contextlib.suppress(CertgenError, OSError):
        step()


@contextlib.contextmanager
def _collector_frozen() -> Iterator[None]:
    """For the run, the garbage collector leaves alone what exists when it starts (the
    modules, fonts and the prepared issue: most of the heap), and goes only through what the
    run makes.  A long run used to spend a tenth of its time walking the same objects again.
    Everything is handed back to the collector at the end.  A process that froze objects itself
    (a pre-forking server) is left as it is: unfreezing would hand back its objects too."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Job:
    #: The register, from :meth:`run` on.
    reg: Register

    def __init__(
        self,
        spec: Spec,
        issue: PreparedIssue,
        spec_path: Path,
        holders_path: Path,
        out_dir: Path,
        options: BatchOptions,
        key: str,
    ) -> None:
        self.spec = spec
        self.issue = issue
        self.spec_path = spec_path
        self.holders_path = holders_path
        self.out_dir = out_dir
        self.options = options
        self.key = key
        #: In the names of the job's temporary files: .certificates-0001.pdf.job-<key>-<random>.tmp
        self.tag = temporary_tag(key)
        self.numbered = gives_numbers(holders_path)
        self._planned_first = 0
        self._errors: list[Finding] | None = None
        self._fresh: _Fresh | None = None
        #: The batch temporaries found when the job started early (:meth:`start_early`).
        self._stale: list[Path] = []
        self._layouts: dict[int, list[list[int]]] = {}
        self.security_key = _security_key(spec)

    # -- the steps ----------------------------------------------------------------

    def run(
        self, reg: Register, renderer: _Renderer, progress: Progress | None, early: _Dispatch | None = None
    ) -> BatchResult:
        """Print the job, recording it in *reg*; *early*: its files started before the register
        was open (:meth:`start_early`)."""
        self.reg = reg
        with self.reg.transaction() as conn:
            batch = self.reg._find_batch(conn, self.key)
        if batch is not None and batch["output_dir"] != str(self.out_dir):
            raise self._elsewhere(batch)
        if batch is not None and early is not None:  # the register knows the job after all: a resumed run
            early.results.close()
            early = None
        if batch is None:  # before tidying: another job's temporaries may be its recorded files
            self._refuse_unfinished_job()
        # The temporary files a failed or killed run left: with a new job's early start, those
        # that were there before it (the others are this run's own).
        self._tidy(batch, stale=None if early is None else self._stale)
        try:
            return self._run(batch, renderer, progress, early)
        except BaseException:
            # Files rendered but not recorded (in flight when the run failed) are not part of the job.
            with self.reg.transaction() as conn:
                batch = self.reg._find_batch(conn, self.key)
            self._tidy(batch if batch is not None and batch["output_dir"] == str(self.out_dir) else None)
            raise

    def _elsewhere(self, batch: dict[str, Any]) -> CertgenError:
        """The refusal of a job the register records as printed into another folder: finishing
        it here would print its certificates a second time, under numbers issued."""
        from ..register import RegisterError

        return RegisterError(
            f"this job (the same spec, holder file and print options) is batch {batch['id']}, printed into "
            f"{batch['output_dir']}: a number is never printed twice, so it is not printed here; rerun it "
            "with that --out folder to finish or check it, or give a new holder file for new certificates",
            register=self.reg.name,
        )

    def _tidy(self, batch: dict[str, Any] | None, *, stale: Sequence[Path] | None = None) -> None:
        """What a failed or killed run left: recorded files still at their temporary names are
        renamed, other temporary files deleted (those in *stale* only, when given)."""
        if batch is not None:
            self._finish_renames(int(batch["id"]))
        for path in self._stale_temporaries() if stale is None else stale:
            path.unlink(missing_ok=True)

    def start_early(self, renderer: _Renderer, register: str | PathLike[str]) -> _Dispatch | None:
        """A new job's first files, sent to the workers before the register is open, on the
        numbers the register will most likely allocate (:func:`_sequence_guess`).  None when
        the job cannot start early: one worker (it renders in this process), a job the
        register may know, a folder holding other files or a spec with errors (the register's
        answer and the errors come in their turn).

        A guess, never a number: the register allocates the numbers when the files are
        recorded, and a file printed with others is printed again (:meth:`_plan`)."""
        if renderer.workers <= 1 or self._spec_errors():
            return None
        first = _sequence_guess(
            register, self.out_dir, self.key, self.security_key, self.spec.security.certificate_prefix
        )
        if first is None:
            return None
        try:
            self._refuse_other_jobs()
        except RenderError:
            return None
        # What tidying will delete for a job the register does not know, found before this run
        # writes any, and deleted only once the register's record of the running job gives this
        # run the folder (:meth:`run`): a job whose lock file was deleted under it may still be
        # writing them.
        self._stale = self._stale_temporaries()
        return self._dispatch(renderer, first, now=True)

    def drop_early_leftovers(self) -> None:
        """The temporary files of this job's early start that no result names (a worker stopped
        mid-file: SIGTERM to the process group), once the run has ended before the job ran."""
        before = set(self._stale)
        for path in self._stale_temporaries():
            if path not in before and f".{self.tag}-" in path.name:
                path.unlink(missing_ok=True)

    def _run(
        self,
        batch: dict[str, Any] | None,
        renderer: _Renderer,
        progress: Progress | None,
        early: _Dispatch | None,
    ) -> BatchResult:
        if batch is None:
            self._refuse_other_jobs()
            batch, rendered, span = self._plan(renderer, progress, early)
            if span is not None:  # every file printed and recorded
                batch_id = int(batch["id"])
                written = self._rename(rendered)
                renderer.release()
                self._close(batch_id, span.count)
                plan = chunks(span.count, self.options.chunk_size)
                return self._result(batch_id, span, plan, written=written, adopted=0, done=False)
            # Another print station allocated numbers meanwhile: the files rendered carry the
            # wrong numbers.  The batch prints from its reserved ones, as a resumed job does.
            _discard(rendered)
        batch_id = int(batch["id"])
        with self.reg.transaction() as conn:
            numbers = self.reg._batch_numbers(conn, batch_id)
            recorded = self.reg._recorded_files(conn, batch_id)
        if (
            recorded
            and not (self.out_dir / "manifest.json").exists()
            and not any((self.out_dir / name).is_file() for name in recorded)
        ):
            # Not a file lost from the job's folder: the folder is another (moved, wiped, or the
            # same path on another machine).  Printing every file again would issue its numbers twice.
            raise RenderError(
                f"the register records batch {batch_id} as printed into this folder, but none of its "
                f"{len(recorded)} file{'s' if len(recorded) > 1 else ''} nor its manifest.json is here: printing them "
                "again would issue their numbers twice; put the job's files back (from where they were moved, or a "
                "backup), or void lost certificates in the register (certgen register void) and print new ones",
                str(self.out_dir),
            )
        plan = chunks(len(numbers), self.options.chunk_size)
        written, adopted = 0, 0
        if batch["state"] == "done":
            missing = self._check_recorded(plan, recorded)
            if not missing:
                return self._result(batch_id, _Span.of(numbers), plan, written=0, adopted=0, done=True)
            written = self._restore(missing, recorded, numbers, len(plan), renderer)
            return self._result(batch_id, _Span.of(numbers), plan, written=written, adopted=0, done=False)
        missing = self._check_recorded([c for c in plan if c.name in recorded], recorded)
        written = self._restore(missing, recorded, numbers, len(plan), renderer)
        todo = [c for c in plan if c.name not in recorded]
        done = sum(c.count for c in plan if c.name in recorded)
        with contextlib.closing(renderer.run(self._tasks(todo, numbers, len(plan)))) as results:
            for chunk, outcome in results:
                if outcome.findings:  # the spec or the templates changed under a reserved batch
                    raise ValidationError(outcome.findings)
                w, a = self._publish(batch_id, [(chunk, outcome)], numbers)
                written, adopted = written + w, adopted + a
                done += chunk.count
                if progress is not None:
                    progress(done, len(numbers), chunk.name)
        renderer.release()
        self._close(batch_id, len(numbers))
        return self._result(batch_id, _Span.of(numbers), plan, written=written, adopted=adopted, done=False)

    def _publish(
        self, batch_id: int, rendered: Sequence[tuple[Chunk, _Rendered]], numbers: Sequence[str]
    ) -> tuple[int, int]:
        """Give rendered files of a reserved batch their names, then record them, their
        certificates issued, in one transaction.  Killed in between, the rerun finds the files
        unrecorded and adopts them (their bytes are what the job prints).  Returns how many were
        written and how many adopted."""
        if not rendered:
            return 0, 0
        self._rename(rendered)
        with self.reg.transaction() as conn:
            for chunk, outcome in rendered:
                self.reg._record_file(
                    conn,
                    batch_id,
                    chunk.name,
                    outcome.sha256,
                    outcome.size,
                    outcome.pages,
                    numbers[chunk.start : chunk.stop],
                    chunk.start,
                )
        written = sum(outcome.temporary is not None for _, outcome in rendered)
        return written, len(rendered) - written

    def _rename(self, rendered: Sequence[tuple[Chunk, _Rendered]]) -> int:
        """Give rendered files their names (durably); returns how many were renamed."""
        count = 0
        for chunk, outcome in rendered:
            if outcome.temporary is not None:
                os.replace(outcome.temporary, self.out_dir / chunk.name)
                count += 1
        fsync_dir(self.out_dir)
        return count

    def _finish_renames(self, batch_id: int) -> None:
        """Files the register records but a killed run had not yet renamed: their temporary
        copies (fsynced before the record was committed) take their names."""
        with self.reg.transaction() as conn:
            recorded = self.reg._recorded_files(conn, batch_id)
        renamed = False
        for name, entry in sorted(recorded.items()):
            path = self.out_dir / name
            if path.exists():
                continue
            for temporary in sorted(self.out_dir.glob(f".{name}.*.tmp")):
                if sha256_of(temporary.read_bytes()) == entry["sha256"]:
                    os.replace(temporary, path)
                    renamed = True
                    break
        if renamed:
            fsync_dir(self.out_dir)

    def _stale_temporaries(self) -> list[Path]:
        """Temporary files a killed or failed run left (never renamed, so never part of the job).

        Only batch jobs' temporaries are touched (named with their job's key), and only while
        this job holds the folder (its lock and the register's record): any job that wrote them
        has ended.  Other programs' temporary files in the folder are left alone."""
        return [path for path in self.out_dir.glob(".*.tmp") if _BATCH_TEMPORARY.fullmatch(path.name)]

    def _refuse_other_jobs(self) -> None:
        """A new job needs an output folder that holds no other job's files."""
        leftovers = sorted(p.name for p in self.out_dir.glob("certificates-*.pdf")) + sorted(
            p.name for p in self.out_dir.glob("manifest.json")
        )
        if leftovers:
            raise RenderError(
                f"the output folder holds another job's files ({', '.join(leftovers[:3])}"
                f"{', ...' if len(leftovers) > 3 else ''}): the spec, the holder file or the print options "
                "differ from that job's; rerun with that job's files to finish it, or give a new --out folder",
                str(self.out_dir),
            )

    def _refuse_unfinished_job(self) -> None:
        """A new job needs an output folder that no unfinished job of the register was printing
        into: a run killed after the register recorded it may have left its recorded files at
        their temporary names (which this job would delete as a dead run's), or only its numbers
        reserved (its rerun would print over this job's files)."""
        from sqlalchemy import select

        from ..register import batches

        with self.reg.transaction() as conn:
            other = conn.execute(
                select(batches.c.id)
                .where(batches.c.output_dir == str(self.out_dir), batches.c.state != "done")
                .order_by(batches.c.id)
            ).first()
        if other is not None:
            raise RenderError(
                f"the output folder belongs to batch {other[0]}, another job, not finished (its run was "
                "stopped after the register recorded it; its certificates are issued or reserved, some of its "
                "files perhaps still at temporary names): rerun that job (the same spec, holder file and print "
                "options) to finish it, or give a new --out folder",
                str(self.out_dir),
            )

    def _rows(self) -> Iterator[tuple[int, Holder | None, list[Any]]]:
        return scan_holders(self.holders_path, numbered=self.numbered)

    def _plan(
        self, renderer: _Renderer, progress: Progress | None, early: _Dispatch | None = None
    ) -> tuple[dict[str, Any], list[tuple[Chunk, _Rendered]], _Span | None]:
        """Check every row while its file is rendered to a temporary name, then reserve the
        numbers and record the files, in one transaction.

        Returns the new batch, its rendered files (still at their temporary names), and its
        numbers' count, first and last when the files were recorded (None when the register
        allocated other numbers than they print).

        Nothing is kept in memory per certificate: the rows checked are kept on disk until the
        register records them (:class:`_Spool`), repeated numbers are found on disk
        (:class:`_Seen`), and the manifest's entries are written as the files come back.

        The holder rules run here as the rows are read; the fit of each row's
        fields is checked by rendering it (in the workers).  With any error the
        temporary files are deleted and nothing is reserved or published.

        *early*: the files started before the register was open; kept when they print the
        numbers its sequence gives next (or the file's own), else stopped and printed again.
        """
        spec = self.spec
        security = spec.security
        errors = self._spec_errors()
        if errors:
            raise ValidationError(errors)
        with self.reg.transaction() as conn:
            security_id = self.reg._security_id(
                conn, self.security_key, spec.issuer.name, security.title, security.certificate_prefix
            )
            next_number = self.reg._next_number(conn, security_id)
        if early is not None and not self.numbered and early.first != next_number:
            early.results.close()  # its files print other numbers: stopped, their files deleted
            early = None
        dispatch = early if early is not None else self._dispatch(renderer, next_number)
        self._planned_first = dispatch.first  # the first number the files print, when allocated
        count, findings = dispatch.count, dispatch.findings
        # Repeated numbers are found by _Seen (allocated numbers cannot repeat): the checker
        # keeps nothing per row.
        checker = HolderChecker(spec, numbers=False, legends=self.issue.legends)
        seen = _Seen() if self.numbered else None
        entries = _Spool(self.out_dir)
        total = 0

        rendered: list[tuple[Chunk, _Rendered]] = []
        # The manifest's entries, made as the files come back (they are what the register will
        # hold when the files are recorded at once): an unnamed file, so memory stays flat.
        lines = tempfile.TemporaryFile(dir=self.out_dir)  # noqa: SIM115 (closed by _close, or on failure)
        try:
            with contextlib.closing(dispatch.results) as results:
                for chunk, outcome in results:
                    rendered.append((chunk, outcome))
                    findings.extend(outcome.findings)
                    if seen is not None and seen.repeated(e[6] for e in outcome.entries):
                        # Found again, with where each number was first, once the printing stops.
                        findings.append(DUPLICATE.finding(chunk.name, "a certificate number is used twice"))
                    if checker.runs_idle:
                        total += sum(entry[2] for entry in outcome.entries)
                    else:
                        for number, registration, shares, issued, source, row, _ in outcome.entries:
                            holder = Holder(number, registration, shares, issued, {}, source)
                            findings.extend(f for f in checker.check_run(holder, row) if f.severity == ERROR)
                            total += shares
                    if findings:
                        break  # nothing will be printed: the rest is checked without printing it
                    entries.add([(*entry[:3], entry[6]) for entry in outcome.entries])
                    lines.write(
                        manifest_lines(outcome.entries, "issued", chunk.name, self._pages(chunk.count))
                    )
                    outcome.entries.clear()  # on disk now: not kept in memory on a long run
                    if progress is not None:
                        progress(chunk.stop, count, chunk.name)
            if findings:
                findings = self._every_bad_row(next_number) or findings
            else:
                findings.extend(f for f in checker.finish() if f.severity == ERROR)
            if findings:
                ordered = sorted(findings, key=lambda f: (f.row or 0, f.rule))
                raise ValidationError(ordered)
            if not entries.count:
                raise RenderError("the holder data has no rows: nothing to print", str(self.holders_path))
            try:
                batch, span = self._reserve(security_id, entries, rendered)
            except CertgenError:
                # The same job, started at the same moment into another folder, recorded first.
                with self.reg.transaction() as conn:
                    other = self.reg._find_batch(conn, self.key)
                if other is not None and other["output_dir"] != str(self.out_dir):
                    raise self._elsewhere(other) from None
                raise
        except BaseException:
            lines.close()
            _discard(rendered)
            raise
        finally:
            entries.close()
            if seen is not None:
                seen.close()
        if span is not None:
            tally = Tally({"issued": span.count}, total, span.first, span.last, ())
            self._fresh = _Fresh(
                [(c, o.sha256, o.size, o.pages) for c, o in rendered], batch["created_at"], lines, tally
            )
        else:
            lines.close()
        return batch, rendered, span

    def _spec_errors(self) -> list[Finding]:
        """The spec's errors for issued certificates (worked out once)."""
        if self._errors is None:
            self._errors = [f for f in spec_findings(self.spec, form=False) if f.severity == ERROR]
        return self._errors

    def _dispatch(self, renderer: _Renderer, first: int, *, now: bool = False) -> _Dispatch:
        """The new job's files, rendered from the holder file's rows as they are read, numbered
        from *first* when the register allocates them; *now*: the first ones sent to the
        workers at once (else as the results are asked for)."""
        count = count_rows(self.holders_path)
        files = max(1, -(-count // self.options.chunk_size))
        findings: list[Finding] = []

        def tasks() -> Iterator[tuple[Chunk, _Task]]:
            """Raw rows (a CSV file's as lists of cells); the workers parse and number them (the
            main process only reads)."""
            current: list[tuple[int, Any]] = []
            index = 0
            count = 0
            header: tuple[str, ...] | None = None
            try:
                name, header, rows = read_cells(self.holders_path, numbered=self.numbered)
                for item in rows:
                    current.append(item)
                    count += 1
                    if len(current) == self.options.chunk_size:
                        chunk = Chunk(index, count - len(current), count)
                        yield (
                            chunk,
                            self._task(chunk, files, rows=current, header=header, source=name, first=first),
                        )
                        current, index = [], index + 1
            except HolderDataError as exc:
                findings.append(loader_finding(exc))
            if current:
                chunk = Chunk(index, count - len(current), count)
                yield (
                    chunk,
                    self._task(chunk, files, rows=current, header=header, source=name, first=first),
                )

        run = renderer.begin if now else renderer.run
        return _Dispatch(first, count, findings, run(tasks()))

    def _every_bad_row(self, first: int) -> list[Finding]:
        """Every finding of the holder file, found without printing (a bad row stopped the
        printing): each row checked as the workers check it, fit included, then the run-wide
        rules.  *first*: the first number allocated, for a file without numbers."""
        spec = self.spec
        checker = HolderChecker(spec, legends=self.issue.legends)
        prefix, width = spec.security.certificate_prefix, self.options.number_width
        findings: list[Finding] = []
        try:
            name, rows = read_rows(self.holders_path, numbered=self.numbered)
            for position, (number, cells) in enumerate(rows):
                holder, problems = parse_row(cells, name, number, self.numbered)
                findings.extend(loader_finding(p) for p in problems)
                if holder is None:
                    if problems:
                        findings.extend(_cell_errors(checker, cells, problems[0]))
                    continue
                if not self.numbered:
                    holder = _numbered(holder, format_number(prefix, first + position, width))
                row = source_row(holder)
                findings.extend(f for f in checker.check(holder, row) if f.severity == ERROR)
                findings.extend(fit_findings(self.issue, holder))
        except HolderDataError as exc:
            findings.append(loader_finding(exc))
        findings.extend(f for f in checker.finish() if f.severity == ERROR)
        return findings

    def _reserve(
        self, security_id: int, entries: _Spool, rendered: Sequence[tuple[Chunk, _Rendered]]
    ) -> tuple[dict[str, Any], _Span | None]:
        """The register transaction of a new batch: numbers allocated or checked, then reserved,
        and the rendered files recorded with their certificates issued (when the numbers they
        print are the ones allocated).  Returns the batch, and its numbers' count, first and
        last when the files were recorded.

        The files are renamed after the commit; a run killed in between finds them under their
        temporary names (:meth:`_finish_renames`)."""
        count = entries.count
        plan = chunks(count, self.options.chunk_size)
        with self.reg.transaction() as conn:
            renumber: tuple[str, int] | None = None
            if self.numbered:
                # In any spelling: PB-5 or pb 000005 is PB-000005 (canonical_number).
                taken = self.reg._taken(conn, security_id, (e[0] for e in entries))
                if taken:
                    shown = dict(list(taken.items())[:5])
                    sources = {
                        h.certificate_number: h.source
                        for _, h, _ in self._rows()
                        if h is not None and h.certificate_number in shown
                    }
                    listed = [
                        f"{_shown(n)} ({'' if held == n else f'in the register as {_shown(held)}, '}{state}, {sources.get(n, '?')})"
                        for n, (held, state) in shown.items()
                    ]
                    more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
                    from ..register import RegisterError

                    raise RegisterError(
                        f"{len(taken)} certificate number{'s are' if len(taken) > 1 else ' is'} already in the register: "
                        f"{'; '.join(listed)}{more}. A number is never used twice: give these rows new numbers, "
                        "or leave out the certificate_number column to have numbers allocated; nothing printed",
                        register=self.reg.name,
                    )
            else:
                prefix, first = self.reg._allocate_range(conn, security_id, count)
                if first != self._planned_first or prefix != self.spec.security.certificate_prefix:
                    renumber = (prefix, first)
            written = None if renumber else {chunk.name: outcome.sha256 for chunk, outcome in rendered}
            batch_id = self.reg._add_batch(
                conn,
                security_id=security_id,
                job_key=self.key,
                output_dir=str(self.out_dir),
                spec_file=str(self.spec_path),
                holders_file=str(self.holders_path),
                certificates=count,
                files=len(plan),
            )
            ends: list[str] = []  # the first number and the last

            def rows() -> Iterator[tuple[str, str, int, str, int, str | None]]:
                read = iter(entries)
                width = self.options.number_width
                for chunk in plan:
                    pages = self._pages(chunk.count)
                    name = chunk.name
                    for offset in range(chunk.count):
                        number, registration, amount, key = next(read)
                        if renumber is not None:
                            number = format_number(renumber[0], renumber[1] + chunk.start + offset, width)
                            key = None  # the register makes the new number's form
                        if not ends:
                            ends.append(number)
                        yield number, registration, amount, name, pages[offset][0], key
                ends.append(number)

            self.reg._reserve(
                conn, security_id, batch_id, rows(), check_sequence=self.numbered, written=written
            )
            if written is not None:
                for chunk, outcome in rendered:
                    self.reg._add_file(
                        conn, batch_id, chunk.name, outcome.sha256, outcome.size, outcome.pages, chunk.count
                    )
            batch = self.reg._find_batch(conn, self.key)
        assert batch is not None
        return batch, None if written is None else _Span(count, ends[0], ends[-1])

    def _check_recorded(self, plan: Sequence[Chunk], recorded: dict[str, dict[str, Any]]) -> list[Chunk]:
        """Files the register records must be on disk with their recorded digests; returns those
        missing (printed again by :meth:`_restore`)."""
        missing = []
        for chunk in plan:
            entry = recorded.get(chunk.name)
            path = self.out_dir / chunk.name
            if entry is None:
                raise RenderError(
                    f"{chunk.name} is not recorded in the register: the job was changed", str(self.out_dir)
                )
            if not path.is_file():
                missing.append(chunk)
                continue
            if sha256_of(path.read_bytes()) != entry["sha256"]:
                raise RenderError(
                    f"{chunk.name} differs from what the register recorded (SHA-256 {entry['sha256'][:16]}…): "
                    "the file was changed after printing; restore it, or void the batch",
                    str(self.out_dir),
                )
        return missing

    def _restore(
        self,
        missing: Sequence[Chunk],
        recorded: dict[str, dict[str, Any]],
        numbers: Sequence[str],
        files: int,
        renderer: _Renderer,
    ) -> int:
        """Print again the recorded files that are missing, from the register's record (the batch's
        numbers, the holder file its job key names); each must come out with the bytes recorded
        (rendering is deterministic), else it is refused and nothing is put in its place.
        The register is not changed.  Returns how many were written."""
        if not missing:
            return 0
        written = 0
        with contextlib.closing(renderer.run(self._tasks(missing, numbers, files))) as results:
            for chunk, outcome in results:
                expected = recorded[chunk.name]["sha256"]
                if outcome.findings or outcome.sha256 != expected:
                    _discard([(chunk, outcome)])
                    got = f"SHA-256 {outcome.sha256[:16]}…" if outcome.sha256 else "no file"
                    raise RenderError(
                        f"{chunk.name} is recorded in the register but missing, and printing it again gives other bytes "
                        f"({got}, recorded {expected[:16]}…): the spec, its templates or keys changed since; "
                        "restore the file from the job's copy, or void the batch",
                        str(self.out_dir),
                    )
                written += self._rename([(chunk, outcome)])
        return written

    def _tasks(
        self, todo: Sequence[Chunk], numbers: Sequence[str], files: int
    ) -> Iterator[tuple[Chunk, _Task]]:
        """Each file still to print with its holders, read again from the holder file (memory
        stays flat), with their reserved numbers."""
        wanted = {c.index: c for c in todo}
        if not wanted:
            return
        size = self.options.chunk_size
        current: list[Holder] = []
        index = 0
        position = 0
        for _, holder, problems in self._rows():
            if problems or holder is None or position >= len(numbers):
                raise RenderError(
                    "the holder file changed while the job was printing: rerun it", str(self.holders_path)
                )
            if index in wanted:
                current.append(_numbered(holder, numbers[position]) if not self.numbered else holder)
            position += 1
            if position % size == 0 or position == len(numbers):
                if index in wanted:
                    chunk = wanted[index]
                    yield chunk, self._task(chunk, files, holders=current)
                current = []
                index += 1
        if position != len(numbers):
            raise RenderError(
                "the holder file changed while the job was printing: rerun it", str(self.holders_path)
            )

    def _task(
        self,
        chunk: Chunk,
        files: int,
        *,
        holders: list[Holder] | None = None,
        rows: list[tuple[int, Any]] | None = None,
        header: tuple[str, ...] | None = None,
        source: str = "",
        first: int = 0,
    ) -> _Task:
        """One file's work: its holders (parsed), or its raw rows to parse in the worker (numbered
        from the sequence's *first* number when the register allocates them)."""
        spec = self.spec
        banner = (
            f"{spec.issuer.name} — {spec.security.title}",
            f"CUSIP {spec.security.primary_cusip}" if spec.security.primary_cusip else "",
            f"Job {self.key[:12]}, file {chunk.index + 1} of {files}: {chunk.name}",
            f"Certificates {_FIRST} to {_LAST} ({_COUNT})",
            f"Order: {self.options.order}" + (", overlay on security paper" if self.options.overlay else ""),
            f"certgen {__version__}: {BANNER_MARK}",
        )
        return _Task(
            path=str(self.out_dir / chunk.name),
            tag=self.tag,
            holders=holders,
            rows=rows,
            header=header,
            source=source,
            numbered=self.numbered,
            numbers=None
            if self.numbered or rows is None
            else (self.spec.security.certificate_prefix, first + chunk.start, self.options.number_width),
            print_options=self.options.print_options(tuple(line for line in banner if line)),
        )

    def _close(self, batch_id: int, count: int) -> None:
        """The manifest and control report from the register (or, for a batch printed and recorded
        in one go, from what this run recorded: the same), then the batch is done."""
        fresh, self._fresh = self._fresh, None
        summary = self._summary(batch_id) if fresh is None else self._fresh_summary(batch_id, fresh)
        size = self.options.chunk_size

        def pages(index: int) -> list[int]:
            return self._pages(min(size, count - index // size * size))[index % size]

        try:
            write_manifest(
                self.out_dir / "manifest.json",
                summary,
                pages,
                None if fresh is None else fresh.lines,
                tag=self.tag,
            )
        finally:
            if fresh is not None:
                fresh.lines.close()
        write_control_report(self.out_dir, summary, self.issue.sign_pdf, tag=self.tag)
        with self.reg.transaction() as conn:
            self.reg._finish_batch(conn, batch_id)

    def _pages(self, count: int) -> list[list[int]]:
        """Each certificate's page numbers in a file of *count* certificates (the same for every
        full file: computed once per size)."""
        if count not in self._layouts:
            banner = ("banner",)  # a banner's text does not move the pages
            self._layouts[count] = page_numbers(
                count, len(self.issue.pages), self.options.print_options(banner)
            )[1]
        return self._layouts[count]

    def _summary(self, batch_id: int) -> BatchSummary:
        with self.reg.transaction() as conn:
            batch = self.reg._find_batch(conn, self.key)
            recorded = self.reg._recorded_files(conn, batch_id)
        assert batch is not None
        return self._summary_of(
            batch_id,
            batch["created_at"],
            [recorded[name] for name in sorted(recorded)],
            self.reg.batch_entries(batch_id),
        )

    def _fresh_summary(self, batch_id: int, fresh: _Fresh) -> BatchSummary:
        """What :meth:`_summary` reads from the register, from what this run recorded in it."""
        files = [
            {"name": c.name, "sha256": sha256, "bytes": size, "pages": pages, "certificates": c.count}
            for c, sha256, size, pages in sorted(fresh.files, key=lambda f: f[0].name)
        ]
        return self._summary_of(batch_id, fresh.created_at, files, [], fresh.tally)

    def _summary_of(
        self,
        batch_id: int,
        created: Any,
        files: list[dict[str, Any]],
        records: list[BatchEntry],
        tally: Tally | None = None,
    ) -> BatchSummary:
        if isinstance(created, dt.datetime) and created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        return BatchSummary(
            batch=batch_id,
            security=self.security_key,
            issuer=self.spec.issuer.name,
            title=self.spec.security.title,
            unit=self.spec.security.unit,
            job_key=self.key,
            spec_file=str(self.spec_path),
            holders_file=str(self.holders_path),
            created_at=created.isoformat() if isinstance(created, dt.datetime) else str(created),
            options=asdict(self.options),
            files=files,
            certificates=records,
            tally=tally,
        )

    def _result(
        self,
        batch_id: int,
        numbers: _Span,
        plan: Sequence[Chunk],
        *,
        written: int,
        adopted: int,
        done: bool,
    ) -> BatchResult:
        return BatchResult(
            batch=batch_id,
            output_dir=self.out_dir,
            register=self.reg.name,
            certificates=numbers.count,
            files=len(plan),
            written=written,
            adopted=adopted,
            already_done=done,
            first_number=numbers.first,
            last_number=numbers.last,
        )


#: A batch job's temporary file: what :func:`temporary_tag` marks, in the folder's lock holder's care.
_BATCH_TEMPORARY = re.compile(
    r"\.(certificates-\d+\.pdf|manifest\.json|control\.csv|control\.pdf)\.job-[0-9a-f]{12}-[0-9a-f]{12}\.tmp"
)


def temporary_tag(key: str) -> str:
    """The mark of a job's temporary files (its key's first twelve digits)."""
    return f"job-{key[:12]}"


#: Banner placeholders, filled in the worker once the file's rows are parsed.
_FIRST, _LAST, _COUNT = "\x00first\x00", "\x00last\x00", "\x00count\x00"


@dataclass(frozen=True)
class _Task:
    path: str
    #: The job's mark in its temporary files' names.
    tag: str
    #: The file's holders, parsed (a resumed batch) ...
    holders: list[Holder] | None
    #: ... or its raw rows: (row number, mapping or CSV cells) ...
    rows: list[tuple[int, Any]] | None
    #: ... the CSV header, for cells ...
    header: tuple[str, ...] | None
    #: The holder file's name, for messages.
    source: str
    numbered: bool
    #: ... and, when the register allocates the numbers: (prefix, first, width) of the file's first row.
    numbers: tuple[str, int, int] | None
    print_options: Any


@dataclass(frozen=True)
class _Fresh:
    """A new batch printed and recorded in one go: what the register now holds of it."""

    #: (chunk, SHA-256, bytes, pages) of each file, in print order.
    files: list[tuple[Chunk, str, int, int]]
    created_at: Any
    #: The manifest's certificate entries (see write_manifest).
    lines: Any
    #: What the control report counts of its certificates.
    tally: Tally


@dataclass(frozen=True)
class _Span:
    """A batch's numbers as its result gives them: how many, the first and the last."""

    count: int
    first: str
    last: str

    @staticmethod
    def of(numbers: Sequence[str]) -> _Span:
        return _Span(len(numbers), numbers[0] if numbers else "", numbers[-1] if numbers else "")


class _Spool:
    """Rows kept on disk, in the order added (a long run's checked rows, until the register
    records them): each file's rows pickled as one record of an unnamed temporary file."""

    def __init__(self, folder: Path) -> None:
        self.file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by close)
        self.count = 0

    def add(self, rows: list[Any]) -> None:
        pickle.dump(rows, self.file, pickle.HIGHEST_PROTOCOL)
        self.count += len(rows)

    def __iter__(self) -> Iterator[Any]:
        self.file.seek(0)
        while True:
            try:
                rows = pickle.load(self.file)  # noqa: S301 (this run's own temporary file)
            except EOFError:
                return
            yield from rows

    def close(self) -> None:
        self.file.close()


class _Seen:
    """The numbers a run has read, in their canonical form (:func:`canonical_number`), kept in
    a temporary SQLite database rather than in memory: whether a file's numbers repeat one."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # a private temporary database, deleted when closed
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID")

    def repeated(self, forms: Iterable[str]) -> bool:
        """Add numbers' canonical *forms*; True when one was there already (or comes twice among them)."""
        keys = [(form,) for form in forms]
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", keys)
        return self.db.total_changes - before != len(keys)

    def close(self) -> None:
        self.db.close()


def _security_key(spec: Spec) -> str:
    """The register's key of the spec's security: its CUSIP, or ``issuer|title`` without one."""
    return spec.security.primary_cusip or f"{spec.issuer.name}|{spec.security.title}"


def _refuse_a_second_register(out_dir: Path, security_key: str, named: Path | None = None) -> None:
    """A run given no register would make a new, empty ``out_dir/register.sqlite``: refused when
    a register near it already numbers the security (the usual ``run1/``, ``run2/``), which this
    new register would not know of, so its numbers would be printed again (allocated from 1, or
    taken from the holder file unchecked).  A run still printing there numbers it too: its
    certificates are recorded only when its files are printed.  Naming a register, even the
    new one, is the operator's choice and is not second-guessed; registers it cannot read are
    passed over.  *named*: the folder as given (absolute), when it is a link to *out_dir*."""
    own = out_dir / "register.sqlite"
    if own.exists() and _numbering(own, security_key) is not None:
        return  # the folder's register numbers the security: its job's, resumed or run again
    # A register there that does not (a run refused for a bad row made it) protects nothing.
    fix = f"(every run of a security uses one register), or --register {own} to start a new one on purpose"
    near = _folders_near(out_dir, named or out_dir)
    for folder, _ in near:
        running = running_beside(folder, security_key)
        if running is None:
            continue
        other = running.get("register")
        from ..register import RegisterError  # here only: the register's imports are 0.1 s

        raise RegisterError(
            f"the batch running in {folder} (pid {running.get('pid')}) prints this security; a new register here "
            "would not know its numbers and would print them again: "
            f"give --register {other if other else 'with the register it uses'} {fix}",
            register=str(own),
        )
    for folder, where in near:
        path = folder / "register.sqlite"
        numbering = _numbering(path, security_key) if path.is_file() else None
        if numbering is None:
            continue
        from ..register import RegisterError

        raise RegisterError(
            f"the register {path} {where} {numbering}; a new register here would not know them and would "
            f"print their numbers again: give --register {path} {fix}",
            register=str(own),
        )


def _folders_near(out_dir: Path, named: Path) -> list[tuple[Path, str]]:
    """The folders where an earlier run of the security may be (holding a register or a run's
    lock), and where they are: beside the output folder (beside the folder as named too, when
    that is a link to a folder elsewhere), the folder holding it, and the folders inside it."""
    places: list[tuple[Path, str]] = []
    for folder in dict.fromkeys((named, out_dir)):
        places += [(place, "beside this folder") for place in _subfolders(folder.parent)]
    places += [
        (folder.parent, "in the folder holding this one") for folder in dict.fromkeys((named, out_dir))
    ]
    places += [(place, "in a folder inside this one") for place in _subfolders(out_dir)]
    seen = {out_dir}
    out = []
    for place, where in places:
        if not any(os.path.isfile(place / name) for name in ("register.sqlite", LOCK_NAME)):
            continue  # the common case, of thousands of folders beside it: nothing to read
        try:
            real = place.resolve()
        except OSError:
            continue
        if real not in seen:
            seen.add(real)
            out.append((place, where))
    return out


def _subfolders(folder: Path) -> list[Path]:
    """The folders in *folder* (links to folders too), by name; none when it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            return [Path(path) for path in sorted(e.path for e in entries if e.is_dir())]
    except OSError:
        return []


def _read_only(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """An SQLite register opened to read with Python's own sqlite3, changing nothing.  One
    closed cleanly (no -wal beside it) is read as immutable: no -wal or -shm file is made beside
    it, even if the run stops at once.  One in use is read through its write-ahead log."""
    wal = path.with_name(path.name + "-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro{'' if wal else '&immutable=1'}"
    return contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0.2))


def _numbering(path: Path, security_key: str) -> str | None:
    """How the SQLite register at *path* numbers the security (its certificates, or a run
    printing it whose certificates are not recorded yet), or None: not at all, or unreadable."""
    try:
        with _read_only(path) as db:
            row = db.execute(
                "SELECT count(c.id) FROM securities s LEFT JOIN certificates c ON c.security_id = s.id "
                "WHERE s.key = ? GROUP BY s.id",
                (security_key,),
            ).fetchone()
            if row is None:  # the security is not in it
                return None
            if row[0]:
                count = int(row[0])
                return f"already numbers this security ({count} certificate{'' if count == 1 else 's'})"
            # The security added by a run that has not recorded its certificates: still printing
            # (or stopped, to be finished), or one that ended with an error (no job running).
            try:
                running = db.execute("SELECT count(*) FROM running_jobs").fetchone()[0]
            except sqlite3.OperationalError:  # a register older than its record of running jobs
                return None
    except (sqlite3.Error, OSError, ValueError):
        return None
    return "is printing this security (its certificates not recorded yet)" if running else None


def _sequence_guess(
    register: str | PathLike[str], out_dir: Path, job_key: str, security_key: str, prefix: str
) -> int | None:
    """The number an SQLite register's sequence would give a new job's first certificate,
    read with Python's own sqlite3 (the register opens through SQLAlchemy, a tenth of a
    second to import): 1 for a register not made yet.  None when it cannot tell, or the job
    may not be new: a database URL, a register that knows the job, a job running in
    *out_dir*, another prefix, a file it cannot read.

    It reads the register's tables by name (:mod:`certgen.register`'s ``securities``,
    ``batches`` and ``running_jobs``).  Only a guess: the register allocates the numbers."""
    text = str(register)
    if "://" in text:
        return None
    path = Path(text)
    # Every step inside: a name the system refuses (too long, a folder it may not search)
    # or a value that is not a number is no guess, and the register gives its own answer.
    try:
        if not path.exists():
            return 1 if path.parent.is_dir() else None
        with _read_only(path) as db:
            if db.execute("SELECT 1 FROM running_jobs WHERE output_dir = ?", (str(out_dir),)).fetchone():
                return None
            if db.execute("SELECT 1 FROM batches WHERE job_key = ?", (job_key,)).fetchone():
                return None
            row = db.execute(
                "SELECT prefix, next_number FROM securities WHERE key = ?", (security_key,)
            ).fetchone()
        if row is None:
            return 1
        return int(row[1]) if row[0] == prefix and isinstance(row[1], int) else None
    except (sqlite3.Error, OSError, ValueError):
        return None


@dataclass(frozen=True)
class _Dispatch:
    """A new job's files as they are rendered (:meth:`_Job._dispatch`)."""

    #: The number the first row prints, when the register allocates them.
    first: int
    #: The holder file's rows.
    count: int
    #: The holder file's findings as it is read (filled while *results* are read).
    findings: list[Finding]
    #: Each file rendered, in order.
    results: Generator[tuple[Chunk, _Rendered], None, None]


@dataclass(frozen=True)
class _Rendered:
    """A rendered print file: at a temporary name (None: the same bytes are already at its name),
    or the findings of rows whose fields do not fit (then no file)."""

    temporary: str | None
    sha256: str
    size: int
    pages: int
    findings: list[Finding]
    #: Each parsed row: (number, registration, amount, issue date, source, row, the number's
    #: canonical form), for the run-wide rules and the register.
    entries: list[tuple[str, str, int, Any, str | None, int | None, str]] = field(default_factory=list)


def _render_file(issue: PreparedIssue, task: _Task) -> _Rendered:
    """Render one print file to a temporary name beside its final one (fsynced).

    A row whose fields do not fit fails the file: every such row of it is
    reported, and nothing is written.
    """
    findings: list[Finding] = []
    checker = HolderChecker(issue.spec, legends=issue.legends)
    if task.rows is not None:
        holders = []
        prefix, first, width = task.numbers or ("", 0, 0)
        for position, (row, raw) in enumerate(task.rows):
            cells = row_mapping(task.header, raw)
            holder, problems = parse_row(cells, task.source, row, task.numbered)
            findings.extend(loader_finding(p) for p in problems)
            if problems and holder is None:  # the row's other problems, reported with these
                findings.extend(_cell_errors(checker, cells, problems[0]))
            if holder is not None:
                if task.numbers is not None:
                    holder = _numbered(holder, format_number(prefix, first + position, width))
                holders.append(holder)
    else:
        holders = list(task.holders or ())
    # Each number's canonical form is made here, in the workers, for the register's one
    # transaction at the end of the run (which the main process makes alone).
    entries = [
        (
            h.certificate_number,
            h.registration,
            h.shares,
            h.issue_date,
            h.source,
            source_row(h),
            canonical_number(h.certificate_number),
        )
        for h in holders
    ]
    findings.extend(
        f for holder in holders for f in checker.check_row(holder, source_row(holder)) if f.severity == ERROR
    )
    if findings or not holders:
        return _Rendered(None, "", 0, 0, findings, entries)
    options = task.print_options
    if options.banner:
        fill = {
            _FIRST: holders[0].certificate_number,
            _LAST: holders[-1].certificate_number,
            _COUNT: str(len(holders)),
        }
        lines = []
        for line in options.banner:
            for token, value in fill.items():
                line = line.replace(token, value)
            lines.append(line)
        options = replace(options, banner=tuple(lines))
    buffer = io.BytesIO()
    try:
        issue.write(buffer, holders, options=options)
    except CertgenError:
        findings = [f for holder in holders for f in fit_findings(issue, holder)]
        if not findings:
            raise
        return _Rendered(None, "", 0, 0, findings, entries)
    data = buffer.getvalue()
    digest = sha256_of(data)
    path = Path(task.path)
    pages, _ = page_numbers(len(holders), len(issue.pages), options)
    if path.is_file() and sha256_of(path.read_bytes()) == digest:
        return _Rendered(None, digest, len(data), pages, [], entries)
    temporary = path.parent / f".{path.name}.{task.tag}-{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    return _Rendered(str(temporary), digest, len(data), pages, [], entries)


def _cell_errors(checker: HolderChecker, cells: Any, problem: HolderDataError) -> list[Finding]:
    """The errors of a row that could not be read whole (its other problems)."""
    return [f for f in checker.check_unread(cells, problem) if f.severity == ERROR]


def _shown(number: str) -> str:
    """A number in a message: as it is, or quoted with its invisible characters and unusual
    spaces escaped (``'PB\\xa0000005'``), so that two spellings never look alike."""
    if re.fullmatch(r"[!-~]+( [!-~]+)*", number):
        return number
    shown = repr(number)
    return shown.replace(" ", "\\x20") if "  " in number else shown  # a message keeps one space of a run


def _numbered(holder: Holder, number: str) -> Holder:
    """The holder with its allocated number (dataclasses.replace, without its cost on a long run)."""
    return Holder(number, holder.registration, holder.shares, holder.issue_date, holder.extra, holder.source)


def _discard(rendered: Iterable[tuple[Chunk | None, _Rendered]]) -> None:
    """Delete rendered files not published."""
    for _, outcome in rendered:
        if outcome.temporary is not None:
            Path(outcome.temporary).unlink(missing_ok=True)


class _Renderer:
    """Renders print files in this process (one worker) or in a pool of worker processes.

    Workers are forked where the platform allows (they inherit the prepared
    issue), else spawned (each prepares it once).  Results come back in
    submission order; at most two files per worker are in flight, so memory
    stays flat.  Workers die with the batch process, even on SIGKILL.
    """

    def __init__(self, issue: PreparedIssue, spec_path: Path, workers: int) -> None:
        self.issue = replace(issue, validated=False)
        self.spec_path = spec_path
        self.workers = workers
        self.pool: cf.ProcessPoolExecutor | None = None
        self._released: list[threading.Thread] = []

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        # The pool's manager thread is joined before the interpreter's exit handlers run: one
        # still closing its wake-up pipe as concurrent.futures' own exit handler writes to it
        # printed "Exception ignored ... Bad file descriptor" after the command's last line
        # (a shut-down pool forgets its thread, so a second shutdown(wait=True) joins nothing).
        for thread in self._released:
            thread.join()

    def release(self) -> None:
        """Let the workers go (the batch has nothing more to render): they exit while this
        process records and reports; the pool is joined on leaving."""
        if self.pool is not None:
            thread = getattr(self.pool, "_executor_manager_thread", None)
            self.pool.shutdown(wait=False, cancel_futures=True)
            if isinstance(thread, threading.Thread):
                self._released.append(thread)
            self.pool = None

    def start(self) -> None:
        """Start the workers now (not at the first file), each encoding the static pages."""
        if self.workers > 1:
            for _ in range(self.workers):
                self._submit(_ready)

    def _submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        into: tuple[list[tuple[Any, cf.Future[Any]]], Any] | None = None,
    ) -> None:
        """A task for the pool, listed (*into*: the list, and the key it goes in with) before Ctrl-C or SIGTERM can stop
        this process: a file sent to a worker but not yet listed was not waited for and deleted
        when the run stopped.  A worker process it starts begins with both signals blocked, until
        it sets its own handling (:func:`_init_worker`): Ctrl-C is for the batch process alone."""
        pool = self._start()
        held = hasattr(signal, "pthread_sigmask")
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING) if held else set()
        try:
            future = pool.submit(fn, *args)
            if into is not None:
                into[0].append((into[1], future))
        finally:
            if held:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _start(self) -> cf.ProcessPoolExecutor:
        global _WORKER_ISSUE
        if self.pool is None:
            if "fork" in multiprocessing.get_all_start_methods():
                _WORKER_ISSUE = self.issue  # inherited by the forked workers
                context: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
                initargs: tuple[Any, ...] = (None, os.getpid())
            else:
                context = multiprocessing.get_context("spawn")
                initargs = (str(self.spec_path), os.getpid())
            self.pool = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_init_worker, initargs=initargs
            )
        return self.pool

    def run(self, tasks: Iterable[tuple[Chunk, _Task]]) -> Generator[tuple[Chunk, _Rendered], None, None]:
        """Each file rendered, in order.  Closed early (the caller stops, or fails), the files
        still in flight are waited for and their temporary files deleted: none is left behind."""
        flight = self._flight(tasks)
        next(flight)
        yield from flight  # type: ignore[misc]  # past the first (None), only files come

    def begin(self, tasks: Iterable[tuple[Chunk, _Task]]) -> Generator[tuple[Chunk, _Rendered], None, None]:
        """:meth:`run`, with the first files sent to the workers now (not when the first result
        is asked for): they render while this process goes on.  Close it if it is not read to
        the end."""
        flight = self._flight(tasks)
        next(flight)
        return flight  # type: ignore[return-value]  # past the first (None), only files come

    def _flight(
        self, tasks: Iterable[tuple[Chunk, _Task]]
    ) -> Generator[tuple[Chunk, _Rendered] | None, None, None]:
        """None once the first files are with the workers, then each file rendered, in order."""
        if self.workers <= 1:
            yield None
            for chunk, task in tasks:
                yield chunk, _render_file(self.issue, task)
            return
        pending: list[tuple[Chunk, cf.Future[_Rendered]]] = []
        try:
            started = False
            for chunk, task in tasks:
                self._submit(_render_in_worker, task, into=(pending, chunk))
                if not started and len(pending) >= 2 * self.workers:
                    started = True
                    yield None
                while len(pending) >= 2 * self.workers:
                    yield self._first_done(pending)
            if not started:
                yield None
            while pending:
                yield self._first_done(pending)
        finally:
            for _, future in pending:
                if not future.cancel():
                    with contextlib.suppress(Exception):
                        _discard([(None, future.result())])

    @staticmethod
    def _first_done(pending: list[tuple[Chunk, cf.Future[_Rendered]]]) -> tuple[Chunk, _Rendered]:
        """The first file in flight, once rendered: taken out of *pending* only then, so a file
        waited for when the run is interrupted (Ctrl-C, SIGTERM) is still deleted with the others."""
        chunk, future = pending[0]
        try:
            rendered = future.result()
        except cf.process.BrokenProcessPool:
            # A worker killed (the out-of-memory killer, kill -9): one line, not the pool's traceback.
            raise RenderError(
                f"a rendering process ended abruptly while printing {chunk.name} (killed, or out of memory): "
                "nothing of the unfinished files is kept; rerun the same command to finish the job"
            ) from None
        del pending[0]
        return chunk, rendered


_WORKER_ISSUE: PreparedIssue | None = None

#: The signals that stop a run (Ctrl-C; a service manager's stop, which certgen.cli raises as an
#: exception): held while a file is handed to a worker and listed.
_STOPPING = {signal.SIGINT, signal.SIGTERM}


def _init_worker(spec_path: str | None, parent: int) -> None:
    global _WORKER_ISSUE
    # A forked worker may inherit the command's SIGTERM handler (certgen.cli): it ends as a worker does.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Ctrl-C at a terminal signals the whole process group: the batch process stops the run, waits
    # for the files in flight and deletes them.  A worker stopped by it mid-file raised the
    # interrupt into the batch's wait (the files after it were left behind) or printed a traceback.
    # The worker started with SIGINT and SIGTERM blocked (_Renderer._submit) until now.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    _die_with_parent(parent)
    # What the worker inherits (or prepares) lives as long as it does: the garbage collector
    # need not go through it again and again (in a forked worker, that would also copy every
    # page of the parent's memory it touches).  Only this worker process is affected.
    gc.freeze()
    if spec_path is not None:
        _WORKER_ISSUE = replace(prepare(spec_path), validated=False)
    assert _WORKER_ISSUE is not None
    _WORKER_ISSUE.static_shell()  # each worker encodes it once, in parallel
    gc.freeze()


def _ready() -> None:
    """A task that only starts a worker."""


def _die_with_parent(parent: int) -> None:
    """A worker ends when the batch process does, even killed with SIGKILL (no orphans left
    rendering or waiting): the kernel signals it (Linux), or a watcher thread sees the parent gone."""
    import signal
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:  # PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the batch process died while this worker started
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _render_in_worker(task: _Task) -> _Rendered:
    assert _WORKER_ISSUE is not None
    return _render_file(_WORKER_ISSUE, task)
