"""Crash safety: a batch killed (SIGKILL) at random points, then rerun, ends consistent.

After every kill and rerun: the command succeeds; the register holds exactly
the run's numbers, each once, all issued, allocated without a gap; every file
of the manifest is on disk with its digest; each certificate's face in its
file carries its number; no temporary file is left; a further rerun changes
nothing.  More trials run locally than in CI (CERTGEN_KILL_TRIALS overrides).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from certgen.register import Register
from conftest import SAMPLE_SPEC, create_database
from test_batch import holders_file

COUNT = 24
CHUNK = 2
TRIALS = int(os.environ.get("CERTGEN_KILL_TRIALS", "6" if os.environ.get("CI") == "true" else "20"))

#: Each test runs certgen batch in subprocesses and kills them: out of the fast loop (-m "not slow").
pytestmark = pytest.mark.slow


def _command(holders: Path, out: Path, register: str | None, workers: int) -> list[str]:
    command = [
        sys.executable, "-m", "certgen", "batch", str(SAMPLE_SPEC), "--holders", str(holders), "--out", str(out),
        "--chunk-size", str(CHUNK), "--workers", str(workers), "--banner",
    ]
    if register is not None:
        command += ["--register", register]
    return command


def _check_consistent(out: Path, register: str | None) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    numbers = [c["number"] for c in manifest["certificates"]]
    assert numbers == [f"PB-{i:06d}" for i in range(1, COUNT + 1)]  # none lost, none twice, no gap
    assert len(manifest["files"]) == COUNT // CHUNK
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    # Text extraction is slow (a second a file): one certificate of each run is read back.
    cert = manifest["certificates"][int(hashlib.sha256(str(out).encode()).hexdigest(), 16) % COUNT]
    reader = pypdf.PdfReader(io.BytesIO((out / cert["file"]).read_bytes()))
    assert cert["number"] in reader.pages[cert["pages"][0] - 1].extract_text()
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    with Register(register or out / "register.sqlite") as reg:
        records = list(reg.records())
    assert [r.number for r in records] == numbers
    assert {r.state for r in records} == {"issued"}
    digests = {e["name"]: e["sha256"] for e in manifest["files"]}
    assert all(r.sha256 == digests[r.file] for r in records)


def _trial(tmp_path: Path, seed: int, register: str | None, full: float) -> None:
    rng = random.Random(seed)
    out = tmp_path / f"out{seed}"
    holders = holders_file(tmp_path, COUNT, name=f"holders{seed}.csv")
    workers = 2 if seed % 4 == 3 else 1
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # One or two kills at random moments of the run, then a rerun to the end.
    for _ in range(rng.choice((1, 1, 2))):
        process = subprocess.Popen(_command(holders, out, register, workers), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.3 * full, full))  # before that, mostly interpreter start-up
        process.send_signal(signal.SIGKILL)
        process.wait()
    rerun = subprocess.run(_command(holders, out, register, workers), capture_output=True, text=True, env=env)
    assert rerun.returncode == 0, rerun.stderr
    _check_consistent(out, register)
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith("register")}
    again = subprocess.run(_command(holders, out, register, workers), capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "nothing changed" in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith("register")} == before


def _full_run_seconds(tmp_path: Path) -> float:
    holders = holders_file(tmp_path, COUNT, name="timing.csv")
    started = time.monotonic()
    subprocess.run(_command(holders, tmp_path / "timing", None, 1), check=True, capture_output=True)
    return time.monotonic() - started


def _spawned_workers() -> set[int]:
    """PIDs of multiprocessing worker processes on this machine."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if b"multiprocessing.spawn" in (proc / "cmdline").read_bytes():
                    found.add(int(proc.name))
            except OSError:
                pass
    return found


def test_killed_batches_resume_consistently(tmp_path: Path) -> None:
    before = _spawned_workers()
    full = _full_run_seconds(tmp_path)
    for seed in range(TRIALS):
        _trial(tmp_path, seed, None, full)
    # The workers of killed runs (every fourth trial runs two) die with their batch process.
    deadline = time.monotonic() + 10
    while _spawned_workers() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _spawned_workers() - before == set()


def test_killed_batches_resume_consistently_with_postgresql(tmp_path: Path, postgres_server: Path) -> None:
    full = _full_run_seconds(tmp_path)
    for seed in range(max(2, TRIALS // 4)):
        _trial(tmp_path, seed, create_database(postgres_server), full)


@pytest.mark.parametrize("how", ["killed", "interrupted"])
def test_files_recorded_but_not_yet_renamed_are_renamed_on_rerun(tmp_path: Path, how: str) -> None:
    """The window between the commit that records a new batch's files and their renames."""
    holders = holders_file(tmp_path, COUNT)
    out = tmp_path / "out"
    stop = "os._exit(9)" if how == "killed" else "raise KeyboardInterrupt"
    script = (
        "import os, sys\n"
        "from certgen.batch import _Job\n"
        f"def stop(self, rendered): {stop}\n"
        "_Job._rename = stop\n"
        "from certgen.cli import main\n"
        "sys.argv = ['certgen'] + sys.argv[1:]\n"
        "main()\n"
    )
    first = subprocess.run([sys.executable, "-c", script, *_command(holders, out, None, 1)[3:]], capture_output=True, text=True)
    assert first.returncode != 0
    with Register(out / "register.sqlite") as reg:
        assert len(list(reg.records())) == COUNT  # recorded ...
    temporaries = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    if how == "killed":
        assert len(temporaries) == COUNT // CHUNK and not list(out.glob("certificates-*.pdf"))  # ... not renamed
    else:
        assert temporaries == [] and len(list(out.glob("certificates-*.pdf"))) == COUNT // CHUNK  # renamed on the way out
    rerun = subprocess.run(_command(holders, out, None, 1), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    _check_consistent(out, None)
