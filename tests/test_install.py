"""Test the package as users get it: a built wheel carries templates and fonts.

A plain ``pip install .`` builds a wheel; certgen must find its templates
and fonts inside the installed package, not in the source tree.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pypdf
import pytest

from conftest import ROOT, SAMPLE_SPEC

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("certgen-*.whl")
    return path


def test_wheel_contains_templates_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "certgen/templates/stock/face.xml.j2" in names
    assert "certgen/templates/legends/reit-ownership.txt.j2" in names
    assert "certgen/fonts/EBGaramond12-Regular.ttf" in names
    assert "certgen/fonts/OFL-OldStandard.txt" in names
    assert "certgen/py.typed" in names


def test_installed_wheel_renders_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The test environment's site-packages supply the dependencies (a .pth line adds
    # the folder without running its own .pth files, so an editable certgen stays out);
    # certgen itself comes from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    out = tmp_path / "form.pdf"
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run(
        [str(env_dir / "bin" / "certgen"), "render", str(SAMPLE_SPEC), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert proc.returncode == 0, proc.stderr
    located = subprocess.run(
        [str(python), "-c", "import certgen.resources as r; print(r.templates_dir())"],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert str(env_dir) in located.stdout, "templates must come from the installed package"
    assert "THORNBURG MORTGAGE, INC." in pypdf.PdfReader(out).pages[0].extract_text()
