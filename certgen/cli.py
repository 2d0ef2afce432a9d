"""The ``certgen`` command: a thin layer over the library.

Every bad input ends in one line on stderr, ``certgen: error: <where>: <what>``,
and a non-zero exit status (1 for bad data, 2 for a bad command line); no
traceback, and no output file left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .errors import CertgenError, RenderError, SpecError, ValidationError, printable
from .files import atomic_output, fsync_dir, remove_temporary_files, temporary_files
from .version import __version__

if TYPE_CHECKING:
    from .model.certificate import Holder
    from .validation import Report

# Each command imports what it needs when it runs (the spec models, the layout, the PDF
# writer, the register): `certgen --help` and a blank form start without the rest.

__all__ = ["main"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="certgen")
def cli() -> None:
    """Generate print-ready PDF security certificates from a spec and holder data."""


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_arg",
    required=True,
    type=click.Path(),  # a str: Path() would drop the trailing "/" that asks for a folder
    help="Output PDF; or a folder (ending in /) for one PDF per certificate.",
)
@click.option(
    "--holders",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Holder data (.csv, .json, .jsonl): one certificate per row. Without it: the blank form.",
)
@click.option(
    "--specimen",
    is_flag=True,
    help="Print SPECIMEN across each face; without --holders, one specimen with zero-filled numbers.",
)
def render(spec: Path, output_arg: str, holders: Path | None, specimen: bool) -> None:
    """Render the certificates of SPEC (or its blank form) to PDF.

    The validation rules run first (certgen validate): any error, and nothing is printed.
    """
    from .drawing import PrintOptions
    from .pipeline import prepare
    from .spec import load_spec
    from .validation import check_issue
    from .validation import validate as run_rules

    output = Path(output_arg)
    to_folder = output_arg.endswith(("/", os.sep)) or output.is_dir()
    if to_folder and holders is None:
        raise RenderError("writing one PDF per certificate needs --holders", str(output))
    try:
        loaded = load_spec(spec)
    except SpecError:
        _report_and_exit(run_rules(spec))  # every problem of the spec, one line each
    # Prepared once: the rules run on the laid-out issue (its legends resolved once), and the
    # holder file is read once, its well-formed rows kept for printing.
    issue = prepare(loaded, validate=False)
    collected: list[Holder] = []
    _report_and_exit(check_issue(issue, holders, collect=collected))
    rows = collected if holders is not None else None
    if not to_folder:
        count = issue.save(output, rows, specimen=specimen)
        what = "blank form" if rows is None else f"{count} certificate{'s' if count != 1 else ''}"
        if specimen:
            what = "specimen" if rows is None else f"{what}, marked SPECIMEN"
        click.echo(f"wrote {output} ({what})", err=True)
        return
    assert rows is not None
    output.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for holder in rows:
        name = _UNSAFE.sub("-", holder.certificate_number).strip("-.") or "certificate"
        if name in names:
            raise RenderError(
                f"certificate numbers {names[name]!r} and {holder.certificate_number!r} give the same "
                f"file name {name}.pdf",
                str(output),
            )
        names[name] = holder.certificate_number
    each = (
        None if specimen else PrintOptions(order="pages")
    )  # the static part encoded once, reused by every file
    _write_each(
        output,
        ((f"{name}.pdf", holder) for holder, name in zip(rows, names, strict=False)),
        lambda stream, holder: issue.write(stream, [holder], specimen=specimen, options=each),
    )
    click.echo(f"wrote {len(names)} certificate PDFs to {output}", err=True)


def _report_and_exit(report: Report) -> None:
    """Print the report's errors and warnings, one line each (errors first); exit 1 if it has
    errors (nothing is printed)."""
    from .validation import INFO

    for finding in report:
        if finding.severity != INFO:
            click.echo(f"certgen: {finding.severity}: {printable(str(finding))}", err=True)
    if report.errors:
        sys.exit(1)


def _write_each(folder: Path, items: Any, write: Any) -> None:
    """Write one file per item into *folder*, all or none: each to a temporary name, closed as
    soon as it is written, then all put on disk and renamed at the end (with SIGTERM and SIGINT
    held off).  On any failure, SIGTERM or SIGINT before the renames, every temporary file is deleted
    and nothing is left."""
    import secrets

    made: list[tuple[Path, Path]] = []
    renamed: list[Path] = []
    done = False
    try:
        for name, item in items:
            temporary = folder / f".{name}.{secrets.token_hex(6)}.tmp"
            made.append((temporary, folder / name))  # before it exists: a signal cannot leave it unlisted
            temporary_files.add(str(temporary))  # (main deletes these when the command is stopped)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(fd, "wb") as stream:
                write(stream, item)
        _sync_files(folder, [temporary for temporary, _ in made])
        with _signals_held():
            for temporary, final in made:
                os.replace(temporary, final)
                renamed.append(final)
            fsync_dir(folder)
            done = True
    except BaseException:
        if not done:
            for temporary, _ in made:
                temporary.unlink(missing_ok=True)
            for final in renamed:
                final.unlink(missing_ok=True)
        raise
    finally:
        temporary_files.difference_update(str(temporary) for temporary, _ in made)


def _sync_files(folder: Path, paths: list[Path]) -> None:
    """Put the files written in *folder* on disk before they are renamed: the folder's file system
    synced at once (Linux syncfs: one journal commit, where a thousand fsyncs took a second each
    8 ms), or each file fsynced."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        syncfs = None
    if syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _Terminated(BaseException):
    """SIGTERM: the command stops as for Ctrl-C, its temporary files deleted on the way out."""


#: While above 0, SIGTERM and SIGINT wait (a step that must not stop half-way); those that came meanwhile.
_holding = [0]
_held_signals: list[int] = []


#: Signals since the command began to stop: it is deleting its temporary files, which a second
#: Ctrl-C (or a service manager's second SIGTERM) would cut short; a third quits at once.
_stopping = [0]


def _on_signal(signum: int, frame: Any) -> None:
    if _stopping[0]:
        _stopping[0] += 1
        if _stopping[0] > 2:
            os._exit(128 + signum)  # insisted on: the temporary files are left to the next run
        return
    if _holding[0]:
        _held_signals.append(signum)
        return
    _raise_for(signum)


def _raise_for(signum: int) -> NoReturn:
    _stopping[0] = 1
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise _Terminated(signum)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT that come inside the block take effect at its end."""
    _holding[0] += 1
    try:
        yield
    finally:
        _holding[0] -= 1
    if not _holding[0] and _held_signals:
        signum = _held_signals[0]
        _held_signals.clear()
        _raise_for(signum)


@contextmanager
def _signals_handled() -> Iterator[None]:
    """For the command's run: SIGTERM raises :class:`_Terminated` (so that temporary files are
    deleted as on Ctrl-C), and both can be held off (:func:`_signals_held`).  A signal the
    process was told to ignore stays ignored; the handlers are restored at the end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    _stopping[0] = 0
    for signum, default in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler)):
        if signal.getsignal(signum) is default:
            previous[signum] = signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@cli.command(name="validate")
@click.argument("spec", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--spec",
    "spec_option",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The spec (instead of the SPEC argument), e.g. with --pdf.",
)
@click.option(
    "--holders",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Holder data to check as issued certificates.",
)
@click.option(
    "--pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A certificate PDF to check (made by certgen or not).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: a list of findings for registry systems.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate_command(
    spec: Path | None,
    spec_option: Path | None,
    holders: Path | None,
    pdf: Path | None,
    fmt: str,
    strict: bool,
) -> None:
    """Check SPEC, its holder data and/or a certificate PDF against certgen's rules.

    Exit status: 0 without errors, 1 with errors (or warnings, with --strict), 2 for a bad command line.
    """
    if spec is not None and spec_option is not None:
        raise click.UsageError("give the spec once: as SPEC or as --spec")
    spec = spec or spec_option
    if spec is None and pdf is None:
        raise click.UsageError("give a SPEC, a --pdf FILE, or both")
    if holders is not None and spec is None:
        raise click.UsageError("--holders needs the SPEC they belong to")
    from .validation import validate as run_rules

    report = run_rules(spec, holders, pdf=pdf)
    if fmt == "json":
        click.echo(report.to_json())
    else:
        _print_report(report, strict)
    if not report.ok(strict):
        sys.exit(1)


def _print_report(report: Report, strict: bool) -> None:
    import shutil
    import textwrap

    from .validation import ERROR, INFO, WARNING

    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))
    colors = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}
    for finding in report:
        label = click.style(
            f"{finding.severity:<8}", fg=colors[finding.severity], bold=finding.severity == ERROR
        )
        click.echo(f"{label}{click.style(finding.rule, bold=True)}  {printable(str(finding.location))}")
        for line in textwrap.wrap(printable(finding.message), width - 8):
            click.echo(f"        {line}")
        for line in textwrap.wrap(f"source: {finding.reference}", width - 8):
            click.echo(click.style(f"        {line}", dim=True))
    verdict = "fails" if not report.ok(strict) else "passes"
    click.echo(f"{report.summary()}: {verdict}" + (" (--strict)" if strict else ""))


def _offset(value: str | None) -> tuple[float, float]:
    if not value:
        return (0.0, 0.0)
    parts = value.replace(" ", "").split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: give X,Y in millimetres, e.g. 1.5,-0.8", param_hint="--offset"
        ) from None
    return (x, y)


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--holders",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Holder data (.csv, .json, .jsonl). Without a certificate_number column, numbers are allocated by the register.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: print files, manifest.json, control report (and the register, by default).",
)
@click.option(
    "--register",
    "register_url",
    help="Register: an SQLAlchemy URL (postgresql+psycopg://...) or SQLite file; every run of a security "
    "uses the same one. Default: OUT/register.sqlite (refused when a folder beside, above or in OUT has one numbering "
    "the security).",
)
@click.option(
    "--chunk-size",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Certificates per print file.",
)
@click.option(
    "--order",
    type=click.Choice(["duplex", "simplex"]),
    default="duplex",
    show_default=True,
    help="duplex: face then reverse of each sheet; simplex: all faces, then all reverses.",
)
@click.option("--crop-marks", is_flag=True, help="A quarter-inch margin with crop marks round each page.")
@click.option("--banner", is_flag=True, help="A job banner page at the start of each file.")
@click.option(
    "--overlay", is_flag=True, help="Print only the variable fields, for pre-printed security paper."
)
@click.option(
    "--offset",
    "offset",
    metavar="X,Y",
    help="Calibration offset in mm (x right, y up), measured with certgen calibrate.",
)
@click.option(
    "--number-width",
    default=6,
    show_default=True,
    type=click.IntRange(0, 12),
    help="Digits of an allocated certificate number (PB-000123).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), help="Rendering processes. Default: the number of cores."
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def batch(
    spec: Path,
    holders: Path,
    out: Path,
    register_url: str | None,
    chunk_size: int,
    order: str,
    crop_marks: bool,
    banner: bool,
    overlay: bool,
    offset: str | None,
    number_width: int,
    workers: int | None,
    as_json: bool,
) -> None:
    """Print a run of certificates into OUT, every number recorded in the register.

    Killed at any point, the same command finishes the job; rerun on a finished
    job, it changes nothing.
    """
    import json
    import time

    from .batch import BatchOptions, render_batch

    options = BatchOptions(
        chunk_size=chunk_size,
        order=order,
        crop_marks=crop_marks,
        banner=banner,
        overlay=overlay,
        offset_mm=_offset(offset),
        number_width=number_width,
    )
    started = time.monotonic()
    with _progress(as_json) as progress:
        try:
            result = render_batch(
                spec, holders, out, register=register_url, options=options, workers=workers, progress=progress
            )
        except ValidationError as exc:
            for finding in exc.findings:  # every bad row, one line each
                click.echo(f"certgen: error: {printable(str(finding))}", err=True)
            click.echo(
                f"certgen: error: {len(exc.findings)} error{'s' if len(exc.findings) != 1 else ''}: nothing printed",
                err=True,
            )
            sys.exit(1)
    seconds = time.monotonic() - started
    if as_json:
        click.echo(json.dumps({**result.as_dict(), "seconds": round(seconds, 3)}, indent=1))
        return
    if result.already_done:
        click.echo(
            f"batch {result.batch} is already finished: {_count(result.certificates, 'certificate')} in "
            f"{_count(result.files, 'file')} in {result.output_dir}; nothing changed",
            err=True,
        )
        return
    click.echo(
        f"batch {result.batch}: {_count(result.certificates, 'certificate')} ({result.first_number} to "
        f"{result.last_number}) in {_count(result.files, 'file')} in {result.output_dir}; {result.written} written"
        + (f", {result.adopted} recorded after an interruption" if result.adopted else "")
        + f" ({seconds:.1f} s)",
        err=True,
    )


def _count(number: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _progress:
    """A progress bar on a terminal (certificates per second, time left), plain log lines elsewhere."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("printing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.__enter__()
            self.task = None
            started = [0.0]

            def update(done: int, total: int, name: str) -> None:
                import time

                if self.task is None:
                    started[0] = time.monotonic()
                    self.task = self.bar.add_task("print", total=total, rate="")
                elapsed = max(time.monotonic() - started[0], 1e-6)
                self.bar.update(self.task, completed=done, rate=f"{done / elapsed:,.0f} cert/s")

            return update

        def log(done: int, total: int, name: str) -> None:
            click.echo(f"certgen: rendered {name} ({done}/{_count(total, 'certificate')})", err=True)

        return log

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The calibration sheet PDF.",
)
@click.option(
    "--spec",
    "spec",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Outline this spec's variable fields, one page per certificate page, at its page size.",
)
@click.option(
    "--paper",
    default="letter",
    show_default=True,
    help="Paper without --spec: letter, a4, legal, certificate.",
)
@click.option(
    "--orientation", type=click.Choice(["portrait", "landscape"]), default="portrait", show_default=True
)
@click.option(
    "--offset",
    "offset",
    metavar="X,Y",
    help="A trial offset in mm, applied to the sheet (as --overlay --offset applies it).",
)
def calibrate(output: Path, spec: Path | None, paper: str, orientation: str, offset: str | None) -> None:
    """Print a ruled test sheet to measure the printer's offset for overlay printing.

    Print it as the run will be printed, measure the lower-left crosshair from the
    paper's edges, and give the difference from 20 mm to certgen batch --offset.
    """
    from .batch.calibrate import calibration_sheet
    from .pipeline import prepare
    from .spec import load_spec

    pages = prepare(load_spec(spec), validate=False).pages if spec is not None else None
    try:
        data = calibration_sheet(pages, paper=paper, orientation=orientation, offset_mm=_offset(offset))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--paper") from None
    with atomic_output(output) as stream:
        stream.write(data)
    click.echo(f"wrote {output} (calibration sheet)", err=True)


@cli.group(name="register")
def register_group() -> None:
    """Read, check and change the certificate register (list, check, void, spoil, cancel, export)."""


_REGISTER_OPTION = click.option(
    "--register",
    "register_url",
    required=True,
    help="The register: an SQLAlchemy URL or an SQLite file (OUT/register.sqlite).",
)
_SECURITY_OPTION = click.option(
    "--security", help="The security's CUSIP (or issuer|title), when the register holds several."
)


@register_group.command(name="list")
@_REGISTER_OPTION
@_SECURITY_OPTION
@click.option("--state", type=click.Choice(["pending", "issued", "voided", "spoiled", "cancelled"]))
@click.option("--batch", "batch_id", type=int)
def register_list(register_url: str, security: str | None, state: str | None, batch_id: int | None) -> None:
    """One line per certificate: security, number, state, amount, registration, file and page.

    Control and invisible characters (escape sequences, bidi overrides, zero-width spaces)
    are shown escaped (\\x1b, \\u202e): the terminal shows what the register holds.
    """
    from .register import Register

    with Register(register_url, verify="full") as reg:
        for record in reg.records(security=security, state=state, batch=batch_id):
            fields = [
                record.security,
                record.number,
                record.state,
                str(record.amount),
                record.registration.replace("\n", " / "),
                f"{record.file or ''}:{record.page or ''}",
            ]
            click.echo("\t".join(printable(field) for field in fields))


@register_group.command(name="check")
@_REGISTER_OPTION
def register_check(register_url: str) -> None:
    """Check the register: the database file (SQLite integrity_check) and certgen's rules (each
    number once in its canonical form, each security's sequence past its numbers).

    Exit status 0 when it is whole, 1 when it is damaged or inconsistent (one line saying how).
    """
    from .register import Register

    with Register(register_url) as reg:
        click.echo(reg.check())


def _change(action: str) -> Any:
    @register_group.command(name=action)
    @_REGISTER_OPTION
    @_SECURITY_OPTION
    @click.option("--note", help="Why (kept in the register).")
    @click.argument("numbers", nargs=-1, required=True)
    def command(register_url: str, security: str | None, note: str | None, numbers: tuple[str, ...]) -> None:
        from .register import Register

        with Register(register_url) as reg:
            count = reg.change(action, list(numbers), security=security, note=note)
        target = {"void": "voided", "spoil": "spoiled", "cancel": "cancelled"}[action]
        click.echo(f"{count} certificate{'s' if count != 1 else ''} {target}", err=True)

    # The decorators made the click command already: its help is the command's, not __doc__.
    command.help = {
        "void": "Void certificates (pending or issued, never delivered) by number: the numbers stay used.",
        "spoil": "Mark issued certificates spoiled (a misprinted sheet): the numbers stay used.",
        "cancel": "Cancel issued certificates (surrendered on a transfer): the numbers stay used.",
    }[action]
    return command


for _action in ("void", "spoil", "cancel"):
    _change(_action)


@register_group.command(name="export")
@_REGISTER_OPTION
@_SECURITY_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def register_export(register_url: str, security: str | None, fmt: str, output: Path | None) -> None:
    """Every certificate of the register with all its fields, as CSV or JSON."""
    import csv
    import io
    import json

    from .register import Register

    with Register(register_url, verify="full") as reg:
        rows = [r.as_dict() for r in reg.records(security=security)]
    if fmt == "json":
        text = json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
    else:
        from .batch.outputs import csv_cell

        buffer = io.StringIO(newline="")
        columns = [
            "security",
            "number",
            "state",
            "registration",
            "amount",
            "batch",
            "file",
            "page",
            "sha256",
            "note",
            "created_at",
            "updated_at",
        ]
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        # Opened in a spreadsheet: a registration or note beginning "=" is text, not a formula.
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        text = buffer.getvalue()
    if output is None:
        click.echo(text, nl=False)
    else:
        with atomic_output(output) as stream:
            stream.write(text.encode("utf-8"))


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
def rules(fmt: str) -> None:
    """List the validation rules: id, severity, what each checks and its source."""
    from .validation.catalogue import rules_json, rules_markdown, rules_text

    click.echo({"text": rules_text, "markdown": rules_markdown, "json": rules_json}[fmt]().rstrip("\n"))


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--payload", help="A payload string (what a QR scanner shows), instead of FILE.")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Ed25519 public key (PEM) that signs the certificates.",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The issue's spec: its qr.public_key, its layout to compare each printed field of a PDF, and its "
    "form to compare the face's design and each reverse.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the verdicts for registry systems.",
)
def verify(
    file: Path | None, payload: str | None, key_path: Path | None, spec_path: Path | None, fmt: str
) -> None:
    """Check a certificate's signed QR code: FILE is a certificate PDF or a scanned image.

    Answers authentic; altered (naming the field that differs); wrong-key (not signed by
    this key); or unreadable.  Exit status: 0 authentic, 1 altered or wrong key, 2 unreadable.
    For a PDF, the payload stored, the code drawn and the text and ink in each field's box
    must agree, and the face must print the payload's issuer and CUSIP (--key and --spec compare
    the same fields; --spec also compares the face's design and each reverse with the spec's
    form, which --key lists as not compared); a scan or a payload proves the code only, and
    says the printed fields were not compared.
    A PDF's digital signature, if it has one, must hold too (and with --spec, be by the
    spec's pdf_signature.certificate); a spec without qr: checks the signature alone.
    """
    from .pipeline import verify as verify_certificate
    from .spec import load_spec

    if (file is None) == (payload is None):
        raise click.UsageError("give FILE (a PDF or an image) or --payload STRING")
    if (key_path is None) == (spec_path is None):
        raise click.UsageError("give the public key: --key PEM, or --spec SPEC (its qr.public_key)")
    if payload is not None and spec_path is not None and load_spec(spec_path).qr is None:
        raise click.UsageError(
            "the spec prints no QR code (no qr: section), so there is no payload to verify: give a PDF"
        )
    _answer(verify_certificate(file, spec=spec_path, key=key_path, payload=payload), fmt)


def _answer(verdicts: Any, fmt: str) -> NoReturn:
    """Print the verdicts and exit with the worst one's status."""
    import json

    from .signing.verify import verdicts_json, worst

    if fmt == "json":
        click.echo(json.dumps(verdicts_json(verdicts), indent=2))
    else:
        for verdict in verdicts:
            click.echo(printable(str(verdict)))
    sys.exit(worst(verdicts))


@cli.group(name="keys")
def keys_group() -> None:
    """Ed25519 key pairs that sign the QR codes."""


@keys_group.command(name="generate")
@click.option(
    "--private",
    "private_path",
    default="signing-key.pem",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the private key (PKCS#8 PEM, readable by you only).",
)
@click.option(
    "--public",
    "public_path",
    default="public-key.pem",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the public key (name it in the spec's qr.public_key).",
)
def keys_generate(private_path: Path, public_path: Path) -> None:
    """Make a new Ed25519 key pair; neither file may exist already."""
    from .signing import generate_key_pair, key_id, load_public_key

    for path in (private_path, public_path):
        if path.exists():
            raise CertgenError(
                "already exists: certgen does not overwrite a key (move it away first)", str(path)
            )
        if not path.parent.is_dir():
            raise CertgenError(f"the folder {str(path.parent)!r} does not exist", str(path))
    private, public = generate_key_pair()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(private)
    public_path.write_bytes(public)
    kid = key_id(load_public_key(public, str(public_path)))
    click.echo(
        f"wrote {private_path} (private: keep it secret) and {public_path} (public), key id {kid}", err=True
    )


@cli.command()
def schema() -> None:
    """Print the JSON Schema of spec files (for editors)."""
    from .spec import spec_json_schema

    click.echo(spec_json_schema())


#: The garbage collector's thresholds while a command runs.  A command makes its objects once
#: (modules, the spec, the layout) and frees most of them by reference counting: at Python's
#: default (a collection every 700 new objects) a blank form went through everything imported
#: 125 times.  A young collection every 50,000 objects keeps cyclic garbage bounded all the same.
COMMAND_GC_THRESHOLD = (100_000, 50, 100)


def run() -> None:
    """The ``certgen`` console script: :func:`main` in a process that ends with it.

    A process that is ending need not take its objects apart one by one: once the command is
    done, the collector is off, and after Python's exit steps (threads joined, every exit
    handler run but the logging's, which this one runs) the process leaves with the command's
    status without tearing down its modules (a tenth of a blank form's time, 70 ms of a batch's).
    """
    status = [1]  # an exception that escapes main() is reported by Python, and the status is 1

    def leave() -> None:  # registered first, so run last of the exit handlers registered since
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(status[0])

    atexit.register(leave)
    try:
        main()
        status[0] = 0
    except SystemExit as exc:
        code = exc.code
        status[0] = 0 if code is None else code if isinstance(code, int) else 1
        raise
    except KeyboardInterrupt:
        status[0] = 128 + signal.SIGINT
        raise
    finally:
        gc.disable()


def main(argv: list[str] | None = None) -> None:
    """Run a ``certgen`` command (*argv*: its arguments; default ``sys.argv``), as the console
    script does; exits with the command's status."""
    # pdfminer reports what it repairs in damaged PDFs as warnings; the findings say what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    threshold = gc.get_threshold()
    gc.set_threshold(*COMMAND_GC_THRESHOLD)
    try:
        _main(argv)
    finally:
        gc.set_threshold(*threshold)


def _main(argv: list[str] | None) -> None:
    try:
        try:
            with _signals_handled():
                cli.main(args=argv, prog_name="certgen", standalone_mode=False)
        finally:
            remove_temporary_files()  # none is left when the command ends, however it ends
    except _Terminated:
        click.echo("certgen: terminated", err=True)
        sys.exit(128 + signal.SIGTERM)
    except CertgenError as exc:
        click.echo(f"certgen: error: {printable(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("certgen: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        target = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"certgen: error: {printable(target + str(exc.strerror or exc))}", err=True)
        sys.exit(1)
    except (RecursionError, MemoryError) as exc:
        # A last line of defence: certgen bounds what it reads, but a library it calls may not.
        what = "nested too deeply" if isinstance(exc, RecursionError) else "too large"
        click.echo(
            f"certgen: error: an input file is {what} to be processed: check the files given", err=True
        )
        sys.exit(1)
