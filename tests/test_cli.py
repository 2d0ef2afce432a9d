"""Test the certgen command: rendering, and one clear line for every bad input."""

from __future__ import annotations

import io
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pypdf
import pytest

from certgen import load_holders
from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC, page_images, pdf_text

HEADER = "certificate_number,registration,shares,issue_date\n"


def assert_clean_failure(result, output: Path, *expected: str) -> None:
    """Exit status 1, one line on stderr naming the problem, no traceback, no file left."""
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("certgen: error: ")
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0]
    assert not output.exists()
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".") and p.suffix == ".tmp"] == []


def test_render_blank_form(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    result = run_cli("render", SAMPLE_SPEC, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "blank form" in result.stderr
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    assert "THORNBURG MORTGAGE, INC." in reader.pages[0].extract_text()


def test_render_holders_into_one_pdf(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", SAMPLE_HOLDERS, "-o", out)
    assert result.exit_code == 0, result.stderr
    pages = pdf_text(out.read_bytes())
    assert len(pages) == 8
    assert "CEDE & CO." in pages[2]
    assert "**1,234,567**" in pages[2]


def test_render_one_pdf_per_certificate(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "certs"
    result = run_cli("render", SAMPLE_SPEC, "--holders", SAMPLE_HOLDERS, "-o", f"{out}/")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "PB-0001.pdf",
        "PB-0002.pdf",
        "PB-0003.pdf",
        "PB-0004.pdf",
    ]
    assert "María José García-López" in pdf_text((out / "PB-0001.pdf").read_bytes())[0]


def test_empty_issuer_name(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    spec_data["issuer"]["name"] = ""
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(run_cli("render", spec, "-o", out), out, str(spec), "issuer.name: must not be empty")


def test_missing_issuer_name(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    del spec_data["issuer"]["name"]
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(run_cli("render", spec, "-o", out), out, "issuer.name: is required but missing")


def test_unknown_template(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    spec_data["templates"]["face"] = "stock/fase"
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", spec, "-o", out),
        out,
        "templates.face",
        "no layout template named 'stock/fase'",
        "stock/face",
    )


def test_unknown_legend_template(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    spec_data["legends"][0]["template"] = "reit-ownershp"
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(run_cli("render", spec, "-o", out), out, "legends[0].template", "reit-ownership")


def test_legend_template_missing_param(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    spec_data["legends"][0]["params"] = {}
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(run_cli("render", spec, "-o", out), out, "legends[0].params", "ownership_limit")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "PB 9,Jane Doe,12.5,2026-11-23",
            "row 2 (certificate PB 9), column shares: '12.5' is not a whole number",
        ),
        (
            "PB 9,Jane Doe,-3,2026-11-23",
            "row 2 (certificate PB 9), column shares: must be a positive number of shares, not -3",
        ),
    ],
    ids=["non-integer", "negative"],
)
def test_bad_share_count(run_cli, tmp_path: Path, write_holders, row: str, expected: str) -> None:
    holders = write_holders(HEADER + "PB 8,John Roe,10,2026-11-23\n" + row.replace("row 2", "") + "\n")
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out),
        out,
        str(holders),
        expected.replace("row 2", "row 3"),
    )


def test_missing_column(run_cli, tmp_path: Path, write_holders) -> None:
    holders = write_holders("certificate_number,registration,issue_date\nPB 1,Jane Doe,2026-11-23\n")
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out), out, "missing column shares"
    )


def test_name_that_cannot_fit(run_cli, tmp_path: Path, write_holders) -> None:
    holders = write_holders(HEADER + "PB 1,Jane Doe,10,2026-11-23\nPB 2," + "W" * 300 + ",10,2026-11-23\n")
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out),
        out,
        f"{holders}, row 3",
        "(certificate PB 2), field registration",
        "does not fit",
    )


def test_name_that_cannot_fit_leaves_no_per_certificate_files(run_cli, tmp_path: Path, write_holders) -> None:
    holders = write_holders(HEADER + "PB 1,Jane Doe,10,2026-11-23\nPB 2," + "W" * 300 + ",10,2026-11-23\n")
    out = tmp_path / "certs"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", f"{out}/")
    assert result.exit_code == 1
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_spec_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", tmp_path / "none.yaml", "-o", out), out, "none.yaml: file not found"
    )


def test_output_folder_missing(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "out.pdf"
    result = run_cli("render", SAMPLE_SPEC, "-o", out)
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_error_exit_code(run_cli) -> None:
    result = run_cli("render", SAMPLE_SPEC)
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.stderr


def test_schema_command(run_cli) -> None:
    import json

    result = run_cli("schema")
    assert result.exit_code == 0
    assert "Issuer" in json.loads(result.stdout)["$defs"]


def test_module_entry_point(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "form.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "certgen", "render", str(SAMPLE_SPEC), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages


def test_legend_the_template_cannot_print_is_refused(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    spec_data["legends"][2]["placement"] = "face"
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert_clean_failure(
        run_cli("render", spec, "-o", out),
        out,
        "legends[2].placement",
        "legend 'lost-certificate' is not printed",
    )


def test_signature_image_is_drawn(run_cli, tmp_path: Path, spec_data, write_spec) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([0, 0, 0] * 8) for _ in range(4))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    (tmp_path / "sig.png").write_bytes(png)
    spec_data["issuer"]["officers"][0]["signature"] = "sig.png"
    spec = write_spec(spec_data)
    out = tmp_path / "out.pdf"
    assert run_cli("render", spec, "-o", out).exit_code == 0
    assert page_images(out) == 1

    spec_data["issuer"]["officers"][0]["signature"] = "missing.png"
    spec = write_spec(spec_data)
    out.unlink()
    assert_clean_failure(run_cli("render", spec, "-o", out), out, "issuer.officers[0].signature", "not found")


def test_a_recursion_or_memory_error_from_a_library_is_one_line(
    run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import certgen.cli

    for error in (RecursionError("maximum recursion depth exceeded"), MemoryError()):

        def fail(*args: object, error: BaseException = error, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(certgen.cli.cli, "main", fail)
        result = run_cli("render", "spec.yaml", "-o", "out.pdf")
        assert result.exit_code == 1
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("certgen: error: an input file is ") and line.endswith(
            "to be processed: check the files given"
        )


# -- certgen render: open files, signals, a bad row ------------------------------------------


def _fast_spec(spec_data, write_spec) -> Path:
    """The sample without security art and QR code: the same pages, many times faster to print."""
    spec_data["art"] = {**spec_data.get("art", {}), "enabled": False}
    spec_data.pop("qr", None)
    return write_spec(spec_data, "fast.yaml")


def _holders(path: Path, count: int, bad_row: int | None = None) -> Path:
    lines = [HEADER.strip()]
    for i in range(1, count + 1):
        shares = "many" if i == bad_row else str(100 * i)
        lines.append(f'PB {i:05d},"HOLDER {i} & CO.",{shares},2026-11-23')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _certgen(*args: object, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "certgen", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.slow
def test_one_pdf_per_certificate_does_not_keep_a_file_open_per_certificate(
    tmp_path: Path, spec_data, write_spec
) -> None:
    """5,000 certificates with 256 open files at most (each file is closed once written)."""

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    spec = _fast_spec(spec_data, write_spec)
    out = tmp_path / "certs"
    process = _certgen(
        "render", spec, "--holders", _holders(tmp_path / "h.csv", 5000), "-o", f"{out}/", preexec_fn=few_files
    )
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 5000 and names[0] == "PB-00001.pdf" and names[-1] == "PB-05000.pdf"
    assert "PB 04321" in pdf_text((out / "PB-04321.pdf").read_bytes())[0]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["folder", "one PDF"])
def test_sigterm_leaves_no_temporary_file(tmp_path: Path, spec_data, write_spec, mode: str) -> None:
    spec = _fast_spec(spec_data, write_spec)
    out = tmp_path / "out"
    out.mkdir()
    target = f"{out}/" if mode == "folder" else out / "certs.pdf"
    process = _certgen("render", spec, "--holders", _holders(tmp_path / "h.csv", 20000), "-o", target)
    deadline = time.monotonic() + 120
    # Mid-way: temporary files written (folder), or the one PDF's temporary file being written.
    while time.monotonic() < deadline and process.poll() is None:
        temporaries = [p for p in out.iterdir() if p.name.endswith(".tmp")]
        if len(temporaries) > (50 if mode == "folder" else 0):
            break
        time.sleep(0.02)
    time.sleep(0.5)
    assert process.poll() is None, "the render ended before it was signalled"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143 and stderr.strip().splitlines()[-1] == "certgen: terminated", stderr
    assert "Traceback" not in stderr
    assert list(out.iterdir()) == []  # no temporary file, and no certificate


@pytest.mark.slow
def test_a_bad_row_is_reported_before_any_certificate_is_rendered(
    run_cli, tmp_path: Path, monkeypatch
) -> None:
    """Row 2 of 20,000 is bad: reported at once, not after 19,999 certificates."""
    from certgen.pipeline import PreparedIssue

    drawn = []
    write = PreparedIssue.write
    monkeypatch.setattr(PreparedIssue, "write", lambda self, *a, **k: drawn.append(1) or write(self, *a, **k))
    holders = _holders(tmp_path / "h.csv", 20000, bad_row=2)
    for target in (tmp_path / "certs.pdf", f"{tmp_path / 'each'}/"):
        result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", target)
        assert result.exit_code == 1 and "row 3 (certificate PB 00002), column shares" in result.stderr, (
            result.stderr
        )
        assert drawn == []
    assert not (tmp_path / "certs.pdf").exists() and not (tmp_path / "each").exists()


def test_an_interrupt_as_the_file_is_being_renamed_leaves_no_temporary_file(
    run_cli, tmp_path: Path, monkeypatch
) -> None:
    """Ctrl-C or SIGTERM can come at any moment, even as the finished file's ``with`` block ends,
    before its own clean-up starts: the command still deletes the temporary file on its way out."""
    from certgen.pipeline import atomic_output

    def interrupted(self, *exc) -> None:
        self._stream.close()  # the file written and closed; the signal comes before it is renamed
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_output, "__exit__", interrupted)
    result = run_cli("render", SAMPLE_SPEC, "--holders", SAMPLE_HOLDERS, "-o", tmp_path / "certs.pdf")
    assert result.exit_code == 130 and result.stderr.strip() == "certgen: aborted", result.stderr
    assert list(tmp_path.iterdir()) == []


def test_control_characters_from_input_are_escaped_in_error_lines(run_cli, tmp_path: Path) -> None:
    """A holder file is data from outside: an escape sequence or a bidi override in it must not
    reach the operator's terminal raw (it could clear the screen or reverse what a line says)."""
    holders = tmp_path / "holders.csv"
    holders.write_text(HEADER + "PB\x1b[2J 1,\u202eJANE DOE,many,2026-11-23\n", encoding="utf-8")
    out = tmp_path / "certs.pdf"
    result = run_cli("render", str(SAMPLE_SPEC), "--holders", str(holders), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "PB\\x1b[2J 1" in result.stderr
    report = run_cli("validate", str(SAMPLE_SPEC), "--holders", str(holders))
    assert report.exit_code == 1
    assert "\x1b" not in report.stdout and "PB\\x1b[2J 1" in report.stdout


def test_render_with_holders_prepares_the_issue_once(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """certgen render --holders validates and prints one prepared issue: the spec file is read
    and parsed once, the legends resolved once, the holder file read once."""
    import sys as _sys

    import certgen.issue
    import certgen.spec
    import certgen.spec.holders

    calls: dict[str, int] = {}

    def counted(module: Any, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return original(*args, **kwargs)

        # Every module that imported the function by name calls it through its own binding.
        for mod in [m for key, m in _sys.modules.items() if key == "certgen" or key.startswith("certgen.")]:
            if getattr(mod, name, None) is original:
                monkeypatch.setattr(mod, name, wrapper)

    counted(certgen.spec, "_read_spec_file")
    counted(certgen.issue, "resolve_legends")
    counted(certgen.spec.holders, "_read_text")
    out = tmp_path / "certs.pdf"
    result = run_cli("render", str(SAMPLE_SPEC), "--holders", str(SAMPLE_HOLDERS), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert calls == {"_read_spec_file": 1, "resolve_legends": 1, "_read_text": 1}


# -- what a command imports --------------------------------------------------------

_IMPORTS_OF = """
import sys
from certgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
heavy = ("reportlab", "pypdf", "pydantic", "sqlalchemy", "jinja2", "pdfminer", "zxingcpp", "rich")
print("imported:", *(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


def _heavy_imports(*args: str | Path) -> set[str]:
    """The heavy libraries a certgen command, run in a fresh process, has imported when it ends."""
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTS_OF, *map(str, args)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stderr.splitlines()[-1].split()[1:])


def test_help_imports_no_heavy_library() -> None:
    """`certgen --help` (and a command's --help) starts without the PDF, spec, register or
    template libraries: the command line imports each where a command needs it."""
    assert _heavy_imports("--help") == set()
    assert _heavy_imports("batch", "--help") == set()


def test_a_blank_form_and_a_batch_without_artwork_import_no_pypdf(tmp_path: Path) -> None:
    """pypdf (some 50 ms to import) reads artwork and checks PDFs; drawing an issue without
    artwork reads ReportLab's static part back without it, in a blank form and in a batch."""
    form = tmp_path / "form.pdf"
    assert "pypdf" not in _heavy_imports("render", SAMPLE_SPEC, "-o", form)
    assert pdf_text(form.read_bytes())  # the form was written
    out = tmp_path / "batch"
    batch = ("batch", SAMPLE_SPEC, "--holders", SAMPLE_HOLDERS, "--out", out, "--workers", "1")
    assert "pypdf" not in _heavy_imports(*batch)
    assert len(pdf_text((out / "certificates-0001.pdf").read_bytes())) == 2 * len(
        load_holders(SAMPLE_HOLDERS)
    )


def test_a_command_collects_garbage_rarely_and_gives_the_collector_back(tmp_path: Path) -> None:
    """While a command runs, the collector's young generation is collected every 100,000
    objects, not 700 (a blank form went through everything imported 125 times); a caller of
    main() gets its own thresholds back.  The console script leaves the collector off as the
    process ends, and leaves without taking its modules apart: the exit handlers registered
    during the command still run, the output is flushed, and the status is the command's (0,
    1 for an error, 1 with Python's traceback for a bug)."""
    import gc

    import click

    from certgen.cli import COMMAND_GC_THRESHOLD, cli, main

    seen: list[tuple[int, int, int]] = []
    before = gc.get_threshold()
    probe = click.Command("probe", callback=lambda: seen.append(gc.get_threshold()))
    cli.add_command(probe)
    try:
        main(["probe"])
    finally:
        del cli.commands["probe"]
    assert seen == [COMMAND_GC_THRESHOLD] and COMMAND_GC_THRESHOLD[0] >= 50_000
    assert gc.get_threshold() == before
    # The console script: exit handlers registered during the command run (then the process
    # leaves without taking its modules apart), output is flushed, and the status is the command's.
    script = (
        "import atexit, gc, sys\n"
        "import certgen.cli\n"
        "command = certgen.cli.main\n"
        "def main(argv=None):\n"
        "    atexit.register(lambda: print('handler ran; collector', gc.isenabled(), file=sys.stderr))\n"
        "    if sys.argv[1] == 'crash':\n"
        "        raise RuntimeError('a bug')\n"
        "    command(argv)\n"
        "certgen.cli.main = main\n"
        "certgen.cli.run()\n"
    )

    def console(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=False
        )

    version = console("--version")
    assert version.returncode == 0 and version.stdout.startswith("certgen, version"), version
    assert version.stderr.strip() == "handler ran; collector False"
    missing = console("render", tmp_path / "missing.yaml", "-o", tmp_path / "x.pdf")
    assert missing.returncode == 1 and "certgen: error:" in missing.stderr, missing
    assert missing.stderr.strip().endswith("handler ran; collector False")
    crash = console("crash")
    assert crash.returncode == 1 and "RuntimeError: a bug" in crash.stderr, crash
    assert crash.stderr.strip().endswith("handler ran; collector False")
    module = subprocess.run(
        [sys.executable, "-m", "certgen", "render", SAMPLE_SPEC, "-o", tmp_path / "form.pdf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0 and (tmp_path / "form.pdf").stat().st_size > 10_000, module.stderr


def test_batch_workers_start_before_the_register_library_is_imported() -> None:
    """The batch module (what the workers fork from) imports no SQLAlchemy: the register is
    imported once the workers run, so its 0.1 s of imports overlaps their rendering, and a
    blank render never pays it."""
    code = "import sys, certgen.batch, certgen.pipeline; print('sqlalchemy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
    import certgen.register
    from certgen.model.identifiers import format_number

    assert certgen.register.format_number is format_number  # still importable from the register
    assert format_number("PB", 123) == "PB-000123"


_WORKERS_FIRST = """
import sys, tempfile
from pathlib import Path
import certgen.batch as b
start, seen = b._Renderer.start, []
def started(self):
    seen.append('sqlalchemy' in sys.modules)
    start(self)
b._Renderer.start = started
with tempfile.TemporaryDirectory() as work:
    holders = Path(work) / "holders.csv"
    holders.write_text("registration,shares,issue_date\\nJOHN DOE,100,2026-01-05\\n", encoding="utf-8")
    b.render_batch(sys.argv[1], holders, Path(work) / "run1", workers=2)
print(seen)
"""


def test_a_new_batch_starts_its_workers_before_the_register_library_is_imported() -> None:
    """In a run, too: the checks before the workers start (the folder's lock, the registers of
    earlier runs beside it) import no SQLAlchemy (0.1 s in which two cores would sit idle)."""
    proc = subprocess.run(
        [sys.executable, "-c", _WORKERS_FIRST, str(SAMPLE_SPEC)], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[False]", proc.stderr


def test_register_void_spoil_and_cancel_have_help(run_cli: Any) -> None:
    """`certgen register --help` says what void, spoil and cancel do, and so does each one's --help."""
    listing = run_cli("register", "--help")
    assert listing.exit_code == 0
    for action, words in (("void", "never delivered"), ("spoil", "misprinted"), ("cancel", "surrendered")):
        line = next(line for line in listing.stdout.splitlines() if line.strip().startswith(action + " "))
        assert line.split(action, 1)[1].strip(), line
        own = run_cli("register", action, "--help")
        assert (
            own.exit_code == 0
            and words in own.stdout
            and "the numbers stay used" in " ".join(own.stdout.split())
        )


_THIRD = """
import os, signal, sys, time
from certgen import cli
with cli._signals_handled():
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    except KeyboardInterrupt:
        os.kill(os.getpid(), signal.SIGINT)  # the second: the tidying goes on
        time.sleep(0.1)
        print("tidied", flush=True)
        os.kill(os.getpid(), signal.SIGINT)  # the third: at once
        time.sleep(5)
        print("not reached", flush=True)
"""


def test_a_second_signal_while_the_command_stops_lets_it_tidy_and_a_third_quits() -> None:
    """Ctrl-C pressed twice (or a service manager's stop sent twice): the second came while the
    command deleted its temporary files and cut that short, leaving some (and a traceback).  It
    is now let pass while the command stops; a third quits at once (exit 130)."""
    import signal

    from certgen import cli

    with cli._signals_handled():
        with pytest.raises(KeyboardInterrupt):
            cli._on_signal(signal.SIGINT, None)
        cli._on_signal(signal.SIGTERM, None)  # while stopping: no second interrupt (a third would quit)
    with cli._signals_handled(), pytest.raises(cli._Terminated):  # the next command starts afresh
        cli._on_signal(signal.SIGTERM, None)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _THIRD], capture_output=True, text=True, timeout=20)
    assert (proc.returncode, proc.stdout.split()) == (130, ["tidied"]), proc.stderr
    assert time.monotonic() - started < 4
