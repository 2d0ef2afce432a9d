"""Shared fixtures: the sample spec, holder rows, and an in-process CLI runner."""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml

from certgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "thornburg-series-b"
SAMPLE_SPEC = SAMPLE / "spec.yaml"
SAMPLE_HOLDERS = SAMPLE / "holders.csv"
DATA = Path(__file__).resolve().parent / "data"

#: A 160-character trust registration, as a transfer agent would inscribe it.
LONG_REGISTRATION = (
    "First Fiduciary Trust Company of Baltimore, N.A., as Trustee of the Margaret Eleanor "
    "Whitcombe-Harrington Irrevocable Family Trust u/a/d March 4, 1998 FBO Issue"
)
assert len(LONG_REGISTRATION) == 160


@pytest.fixture
def spec_data() -> dict[str, Any]:
    """The sample spec as a mutable mapping."""
    return copy.deepcopy(_sample_spec_data())


_cache: dict[str, Any] = {}


def _sample_spec_data() -> dict[str, Any]:
    if "spec" not in _cache:
        _cache["spec"] = load_sample(SAMPLE_SPEC)
    return _cache["spec"]


def load_sample(spec: Path) -> dict[str, Any]:
    """A sample spec as a mapping, its key files named by absolute path (so a copy written
    anywhere finds the sample key pair)."""
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    for key in ("public_key", "private_key_file"):
        if key in data.get("qr", {}):
            data["qr"][key] = str((spec.parent / data["qr"][key]).resolve())
    return data


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write a spec mapping to a YAML file in tmp_path and return its path."""

    def write(data: dict[str, Any], name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def write_holders(tmp_path: Path) -> Callable[[str], Path]:
    """Write holder CSV text to tmp_path/holders.csv."""

    def write(text: str, name: str = "holders.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``certgen ARGS`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str | os.PathLike[str]) -> CliResult:
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return CliResult(code, out.out, out.err)

    return run


def page_png(pdf: Path, stem: Path, *, dpi: int = 150, page: int = 1) -> Path:
    """Page *page* of *pdf* rendered by pdftoppm at *dpi* into ``stem.png`` (as a scan would be)."""
    pdftoppm = require_tool("pdftoppm")
    flags = ["-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([pdftoppm, *flags, str(pdf), str(stem)], check=True)
    return stem.with_name(stem.name + ".png")


def certgen_command(*args: str | os.PathLike[str]) -> list[str]:
    """``python -m certgen ARGS`` as a subprocess's command (the command as a user runs it)."""
    return [sys.executable, "-m", "certgen", *map(str, args)]


def pdf_text(data: bytes, *, microprint: bool = False) -> list[str]:
    """Text of each page, extracted with pypdf; without the microprint (text under one point,
    its name repeated along the rules) unless *microprint*."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    if microprint:
        return [page.extract_text() for page in reader.pages]
    out = []
    for page in reader.pages:
        parts: list[str] = []

        def visit(
            text: str, cm: list[float], tm: list[float], font: object, size: float, parts: list[str] = parts
        ) -> None:
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            if size * abs(a * d - b * c) ** 0.5 >= 1.0 or not text.strip():
                parts.append(text)

        page.extract_text(visitor_text=visit)
        out.append("".join(parts))
    return out


def page_images(pdf: Path | bytes, page: int = 0) -> int:
    """How many images page *page* draws through its static forms (each run of the static part
    is a Form XObject of its own when fields come between them)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    seen: set[int] = set()

    def count(resources: Any) -> int:
        total = 0
        for ref in resources.get("/XObject", {}).values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            obj = ref.get_object()
            if obj["/Subtype"] == "/Image":
                total += 1
            elif "/Resources" in obj:
                total += count(obj["/Resources"])
        return total

    return count(reader.pages[page]["/Resources"])


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits), for comparing texts."""
    return re.findall(r"[a-z0-9]+", text.lower())


def require_tool(name: str) -> str:
    """Path of an external tool; in CI a missing tool fails the test instead of skipping it."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


#: A TrueType CJK face (Debian fonts-droid-fallback, Apache 2.0): a spec's fonts.fallback in tests.
CJK_FONT = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def require_font(path: Path = CJK_FONT, package: str = "fonts-droid-fallback") -> Path:
    """A system font file the test needs; in CI a missing font fails the test instead of skipping it."""
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is not installed (.ci/run installs {package})")
        pytest.skip(f"{path} is not installed (apt-get install {package})")
    return path


# -- PostgreSQL, for the register ---------------------------------------------------


def _pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    return versions[-1].parent if versions else None


@pytest.fixture(scope="session")
def postgres_server() -> Any:
    """A throw-away PostgreSQL server on a Unix socket, started for the test session.

    Its socket folder; the tests connect as the superuser ``certgen``.  Without
    PostgreSQL installed the tests that need it skip, and fail in CI (.ci/run
    installs it).
    """
    import subprocess
    import tempfile

    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (.ci/run installs it)")
        pytest.skip("PostgreSQL is not installed")
    base = Path(tempfile.mkdtemp(prefix="certgen-pg-"))
    as_root = os.geteuid() == 0
    if as_root:  # the server refuses to run as root: it runs as the postgres user
        os.chmod(base, 0o755)
        shutil.chown(base, "postgres", "postgres")

    def run(*cmd: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            pytest.fail(f"{' '.join(cmd)} failed: {result.stderr.strip() or result.stdout.strip()}")

    data = base / "data"
    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "certgen", "-E", "UTF8", "--no-sync")
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "log"),
        "-w",
        "start",
        "-o",
        f"-k {base} -c listen_addresses='' -F -c max_connections=40",
    )
    try:
        yield base
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the PostgreSQL server is slow (the server starts in a few seconds): the
    fast loop, ``python -m pytest -m "not slow"``, leaves it out.  Tests that reach the server
    through a parametrised fixture mark that parameter themselves (test_batch.register_url)."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def create_database(server: Path) -> str:
    """A new, empty database on the test server, as an SQLAlchemy URL."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=str(server), user="certgen", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://certgen@/{name}?host={server}"


@pytest.fixture
def postgres_url(postgres_server: Path) -> Any:
    """A new, empty database on the session's server (dropped with the server)."""
    return create_database(postgres_server)
