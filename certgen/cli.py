"""The ``certgen`` command: a thin layer over the library.

Every bad input ends in one line on stderr, ``certgen: error: <where>: <what>``,
and a non-zero exit status (1 for bad data, 2 for a bad command line); no
traceback, and no output file left behind.
"""

from __future__ import annotations

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
def render(spec: Path, output_arg: str, holders: Path | None) -> None:
    """Render the certificates of SPEC (or its blank form) to PDF."""
    output = Path(output_arg)
    to_folder = output_arg.endswith(("/", os.sep)) or output.is_dir()
    issue = prepare(load_spec(spec))
    rows = load_holders(holders) if holders is not None else None
    if not to_folder:
        count = issue.save(output, rows)
        what = "blank form" if rows is None else f"{count} certificate{'s' if count != 1 else ''}"
        click.echo(f"wrote {output} ({what})", err=True)
        return
    if rows is None:
        raise RenderError("writing one PDF per certificate needs --holders", str(output))
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
            issue.write(stack.enter_context(atomic_output(output / f"{name}.pdf")), [holder])
    click.echo(f"wrote {len(names)} certificate PDFs to {output}", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of spec files (for editors)."""
    click.echo(spec_json_schema())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``certgen`` console script."""
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
