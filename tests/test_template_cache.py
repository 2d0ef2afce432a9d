"""Compiled templates are kept between runs, in a cache that never changes what is printed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

#: Each test starts Python in subprocesses (a cold cache, then a warm one): out of the fast loop.
pytestmark = pytest.mark.slow

SAMPLE = ROOT / "samples" / "thornburg-series-b" / "spec.yaml"
SCRIPT = (
    "import sys, hashlib, certgen; sys.stdout.write(hashlib.sha256(certgen.render(sys.argv[1])).hexdigest())"
)


def _render(cache: str) -> str:
    env = {**os.environ, "CERTGEN_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_templates_are_compiled_once_and_the_output_does_not_change(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _render(str(cache))
    entries = sorted(cache.glob("templates-*/*.cache"))
    assert entries, "no compiled template was kept"
    stamps = {p: p.stat().st_mtime_ns for p in entries}
    assert _render(str(cache)) == first  # read from the cache: the same bytes
    assert {p: p.stat().st_mtime_ns for p in sorted(cache.glob("templates-*/*.cache"))} == stamps
    assert _render("off") == first


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _render(str(blocked / "cache")) == _render("off")


def test_a_damaged_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _render(str(cache))
    for entry in cache.glob("templates-*/*.cache"):
        entry.write_bytes(b"garbage" + hashlib.sha256(entry.read_bytes()).digest())
    assert _render(str(cache)) == first


# -- a cache someone else can write is not trusted ---------------------------------------------


def _plant(cache: Path, marker: Path) -> None:
    """Replace every compiled template in *cache* by code that writes *marker*: what another
    user who can write the folder could plant (the entry's header and checksum kept, so Jinja
    would load it)."""
    import marshal
    import pickle

    from jinja2.bccache import bc_magic

    code = marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('planted')", "<planted>", "exec"))
    entries = sorted(cache.glob("templates-*/*.cache"))
    assert entries
    for entry in entries:
        with entry.open("rb") as f:
            assert f.read(len(bc_magic)) == bc_magic
            checksum = pickle.load(f)
        entry.write_bytes(bc_magic + pickle.dumps(checksum, 2) + code)


def _render_full(cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CERTGEN_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def _foreign_owner(cache: Path) -> None:
    for path in (cache, *cache.iterdir()):
        os.chown(path, 65534, 65534)


def _world_writable(cache: Path) -> None:
    cache.chmod(0o777)


def _group_writable_subfolder(cache: Path) -> None:
    for path in cache.iterdir():
        path.chmod(0o770)


def _symlinked_subfolder(cache: Path) -> None:
    for path in list(cache.iterdir()):
        moved = cache.parent / "elsewhere"
        path.rename(moved)
        path.symlink_to(moved)


def _inside_a_shared_folder(cache: Path) -> None:
    shared = cache.parent / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # writable by anyone, not sticky: anyone can put another folder in its place
    cache.rename(shared / "cache")
    cache.symlink_to(shared / "cache")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_foreign_owner, "belongs to another user (uid 65534"),
        (_world_writable, "can be written by other users (mode 777"),
        (_group_writable_subfolder, "can be written by other users (mode 770"),
        (_symlinked_subfolder, "is a symbolic link"),
        (_inside_a_shared_folder, "is inside a folder other users can write (mode 777"),
    ],
)
def test_a_cache_another_user_can_write_is_passed_over(tmp_path: Path, damage, reason: str) -> None:
    if damage is _foreign_owner and os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")  # the CI runs the tests as root
    cache, marker = tmp_path / "cache", tmp_path / "marker"
    off = _render("off")
    _render(str(cache))
    _plant(cache, marker)
    _render_full(cache)  # the planted entries are code that Jinja runs from a cache of our own ...
    assert marker.exists()
    marker.unlink()
    damage(cache)  # ... and not from one another user can write
    done = _render_full(cache)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "code planted in the cache ran"
    assert done.stdout == off  # compiled afresh: the same bytes as without a cache
    [line] = done.stderr.strip().splitlines()  # one line, once
    assert line.startswith("certgen: warning: template cache ") and reason in line, line
    assert "not used" in line and "CERTGEN_CACHE_DIR" in line


def test_the_cache_folders_are_made_private(tmp_path: Path) -> None:
    base = tmp_path / "a" / "b" / "cache"
    old = os.umask(0o022)
    try:
        _render(str(base))
    finally:
        os.umask(old)
    for path in (tmp_path / "a", tmp_path / "a" / "b", base, *base.iterdir()):
        assert path.is_dir() and (path.stat().st_mode & 0o777) == 0o700, path
