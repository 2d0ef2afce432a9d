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
    "import sys, hashlib, certgen; "
    "sys.stdout.write(hashlib.sha256(certgen.render(sys.argv[1])).hexdigest())"
)


def _render(cache: str) -> str:
    env = {**os.environ, "CERTGEN_CACHE_DIR": cache}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(SAMPLE)], check=False, env=env, capture_output=True, text=True, cwd=ROOT)
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
