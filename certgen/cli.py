"""The ``certgen`` command: a thin layer over the library.

Every bad input ends in one line on stderr, ``certgen: error: <where>: <what>``,
and a non-zero exit status (1 for bad data, 2 for a bad command line); no
traceback, and no output file left behind.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from . import __version__
from .errors import CertgenError, RenderError
from .pipeline import atomic_output, prepare
from .spec import load_spec, spec_json_schema
from .spec.holders import load_holders
from .validation import ERROR, INFO, WARNING, Report, validate as run_rules
from .validation.catalogue import rules_json, rules_markdown, rules_text

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
    output = Path(output_arg)
    to_folder = output_arg.endswith(("/", os.sep)) or output.is_dir()
    if to_folder and holders is None:
        raise RenderError("writing one PDF per certificate needs --holders", str(output))
    report = run_rules(spec, holders)
    for finding in report:  # errors first: one line each, then warnings
        if finding.severity != INFO:
            click.echo(f"certgen: {finding.severity}: {finding}", err=True)
    if report.errors:
        sys.exit(1)  # nothing printed
    issue = prepare(load_spec(spec), validate=False)
    rows = load_holders(holders) if holders is not None else None
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
    # Every file goes to a temporary name, renamed only once all are written:
    # a failure on any certificate leaves none behind.
    with ExitStack() as stack:
        for holder, name in zip(rows, names):
            issue.write(stack.enter_context(atomic_output(output / f"{name}.pdf")), [holder], specimen=specimen)
    click.echo(f"wrote {len(names)} certificate PDFs to {output}", err=True)


@cli.command(name="validate")
@click.argument("spec", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--spec", "spec_option", type=click.Path(dir_okay=False, path_type=Path), help="The spec (instead of the SPEC argument), e.g. with --pdf.")
@click.option("--holders", type=click.Path(dir_okay=False, path_type=Path), help="Holder data to check as issued certificates.")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="A certificate PDF to check (made by certgen or not).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: a list of findings for registry systems.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate_command(
    spec: Path | None, spec_option: Path | None, holders: Path | None, pdf: Path | None, fmt: str, strict: bool
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

    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))
    colors = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}
    for finding in report:
        label = click.style(f"{finding.severity:<8}", fg=colors[finding.severity], bold=finding.severity == ERROR)
        click.echo(f"{label}{click.style(finding.rule, bold=True)}  {finding.location}")
        for line in textwrap.wrap(finding.message, width - 8):
            click.echo(f"        {line}")
        for line in textwrap.wrap(f"source: {finding.reference}", width - 8):
            click.echo(click.style(f"        {line}", dim=True))
    verdict = "fails" if not report.ok(strict) else "passes"
    click.echo(f"{report.summary()}: {verdict}" + (" (--strict)" if strict else ""))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the validation rules: id, severity, what each checks and its source."""
    click.echo({"text": rules_text, "markdown": rules_markdown, "json": rules_json}[fmt]().rstrip("\n"))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of spec files (for editors)."""
    click.echo(spec_json_schema())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``certgen`` console script."""
    # pdfminer reports what it repairs in damaged PDFs as warnings; the findings say what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        cli.main(args=argv, prog_name="certgen", standalone_mode=False)
    except CertgenError as exc:
        click.echo(f"certgen: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("certgen: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        target = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"certgen: error: {target}{exc.strerror or exc}", err=True)
        sys.exit(1)
