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
import socket
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa
from test_batch import holders_file

from certgen.register import Register
from conftest import SAMPLE_SPEC, certgen_command, create_database

COUNT = 24
CHUNK = 2
TRIALS = int(os.environ.get("CERTGEN_KILL_TRIALS", "6" if os.environ.get("CI") == "true" else "20"))

#: Each test runs certgen batch in subprocesses and kills them: out of the fast loop (-m "not slow").
pytestmark = pytest.mark.slow


def _command(holders: Path, out: Path, register: str | None, workers: int) -> list[str]:
    command = certgen_command(
        "batch",
        SAMPLE_SPEC,
        "--holders",
        holders,
        "--out",
        out,
        "--chunk-size",
        str(CHUNK),
        "--workers",
        str(workers),
        "--banner",
    )
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
    out = tmp_path / f"trial{seed}" / "out"  # a folder of its own: each trial has its own register
    holders = holders_file(tmp_path, COUNT, name=f"holders{seed}.csv")
    workers = 2 if seed % 4 == 3 else 1
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # One or two kills at random moments of the run, then a rerun to the end.
    for _ in range(rng.choice((1, 1, 2))):
        process = subprocess.Popen(
            _command(holders, out, register, workers),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
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
    subprocess.run(_command(holders, tmp_path / "timing" / "out", None, 1), check=True, capture_output=True)
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
    first = subprocess.run(
        [sys.executable, "-c", script, *_command(holders, out, None, 1)[3:]], capture_output=True, text=True
    )
    assert first.returncode != 0
    with Register(out / "register.sqlite") as reg:
        assert len(list(reg.records())) == COUNT  # recorded ...
    temporaries = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    if how == "killed":
        assert len(temporaries) == COUNT // CHUNK and not list(
            out.glob("certificates-*.pdf")
        )  # ... not renamed
        assert (out / ".certgen-batch.lock").exists()  # the dead run's lock file: its lock went with it
        with Register(out / "register.sqlite") as reg, reg.transaction() as conn:
            assert reg._running_job(conn, str(out.resolve())) is not None
    else:
        assert (
            temporaries == [] and len(list(out.glob("certificates-*.pdf"))) == COUNT // CHUNK
        )  # renamed on the way out
    rerun = subprocess.run(_command(holders, out, None, 1), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    _check_consistent(out, None)
    assert not (out / ".certgen-batch.lock").exists()
    with Register(out / "register.sqlite") as reg, reg.transaction() as conn:
        assert reg._running_job(conn, str(out.resolve())) is None


def _batch(spec: Path, holders: Path, out: Path, *extra: str) -> list[str]:
    return certgen_command("batch", spec, "--holders", holders, "--out", out, "--workers", "1", *extra)


def test_the_same_batch_run_twice_at_once_finishes_once_and_refuses_once(tmp_path: Path) -> None:
    """Two runs of one job in one folder at once: one prints the job, the other is refused at
    once with one line naming the first; neither disturbs the other, and a rerun finds it done."""
    spec, count = SAMPLE_SPEC, 3000  # seconds of printing: the second run starts well before the first ends
    holders = holders_file(tmp_path, count)
    out = tmp_path / "out"
    command = _batch(spec, holders, out, "--chunk-size", "100")
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(run.pid, *run.communicate(timeout=600), run.returncode) for run in runs]
    codes = sorted(code for *_, code in results)
    assert codes == [0, 1], results
    (winner, *_), (_, _, refusal, _) = sorted(results, key=lambda r: r[3])
    lines = refusal.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("certgen: error: "), refusal
    assert f"in use by another certgen batch (pid {winner} on {socket.gethostname()}, started 20" in lines[0]
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0 and "nothing changed" in rerun.stderr, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in manifest["certificates"]] == [f"PB-{i:06d}" for i in range(1, count + 1)]
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    with Register(out / "register.sqlite") as reg:
        records = list(reg.records())
    assert [r.number for r in records] == [c["number"] for c in manifest["certificates"]]
    assert {r.state for r in records} == {"issued"}
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary, no lock file


def test_a_recorded_file_that_is_missing_is_printed_again_with_its_digest(tmp_path: Path) -> None:
    holders = holders_file(tmp_path, COUNT)
    out = tmp_path / "out"
    command = _command(holders, out, None, 1)
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    manifest = (out / "manifest.json").read_bytes()
    lost = out / "certificates-0005.pdf"
    digest = hashlib.sha256(lost.read_bytes()).hexdigest()
    lost.unlink()
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0 and "1 written" in rerun.stderr, rerun.stderr
    assert hashlib.sha256(lost.read_bytes()).hexdigest() == digest
    assert (out / "manifest.json").read_bytes() == manifest
    _check_consistent(out, None)
    # Printed again with other bytes (here: the register's record altered), it is refused, naming it.
    lost.unlink()
    with Register(out / "register.sqlite") as reg, reg.transaction() as conn:
        conn.execute(
            sa.text("UPDATE files SET sha256 = :d WHERE name = 'certificates-0005.pdf'"), {"d": "0" * 64}
        )
    refused = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 1 and len(lines) == 1, refused.stderr
    assert (
        "certificates-0005.pdf is recorded in the register but missing, and printing it again gives other bytes"
        in lines[0]
    )
    assert not lost.exists() and not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("stopped", ["recorded", "reserved"])
def test_another_job_is_refused_in_the_folder_of_a_job_killed_before_it_finished(
    tmp_path: Path, stopped: str
) -> None:
    """A job killed after the register recorded it: its files still at their temporary names
    (killed between the record and the renames), or its numbers only reserved (another station
    allocated meanwhile, killed before its first file).  Another job run in that folder is refused
    before it touches anything: it used to delete the first job's recorded files as a dead run's
    temporaries, or print its own files where the first job's rerun then overwrote them."""
    holders = holders_file(tmp_path, COUNT)
    other = holders_file(tmp_path, 3, name="other.csv", start=100)
    out = tmp_path / "out"
    if stopped == "recorded":
        stop = "import certgen.batch as b\nb._Job._rename = lambda self, rendered: os._exit(9)\n"
    else:  # the files print other numbers than the register allocates: reserved, then printed again
        stop = (
            "import certgen.batch as b\n"
            "dispatch = b._Job._dispatch\n"
            "b._Job._dispatch = lambda self, renderer, first, now=False: dispatch(self, renderer, first + 100, now=now)\n"
            "b._Job._publish = lambda self, *args: os._exit(9)\n"
        )
    script = (
        f"import os, sys\n{stop}from certgen.cli import main\nsys.argv = ['certgen'] + sys.argv[1:]\nmain()\n"
    )
    first = subprocess.run(
        [sys.executable, "-c", script, *_command(holders, out, None, 1)[3:]], capture_output=True, text=True
    )
    assert first.returncode == 9, first.stderr

    def files() -> dict[str, bytes]:  # the job's, not the register's nor the lock's
        return {
            p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(("register", ".certgen"))
        }

    left = files()
    assert left or stopped == "reserved"
    refused = subprocess.run(_command(other, out, None, 1), capture_output=True, text=True)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 1 and len(lines) == 1, refused.stderr
    assert "the output folder belongs to batch 1, another job, not finished" in lines[0]
    assert files() == left  # nothing touched: the job's files kept
    rerun = subprocess.run(_command(holders, out, None, 1), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    _check_consistent(out, None)


@pytest.mark.parametrize(
    ("how", "code", "said"), [("SIGINT", 130, "aborted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_to_the_process_group_stops_the_run_quietly_and_leaves_no_temporary_file(
    tmp_path: Path, how: str, code: int, said: str
) -> None:
    """Ctrl-C at a terminal (SIGINT) or a service manager's stop (SIGTERM) signals the whole
    process group, the rendering workers too, here while a worker writes a file of the job's
    early start (the register not yet open).  A worker stopped by SIGINT raised it into the
    batch's wait, which left the files after it behind (and printed tracebacks); one killed by
    SIGTERM mid-file left its partial file.  Now: one line, no traceback, no temporary file; the
    same command then prints the job."""
    holders = holders_file(tmp_path, COUNT)
    out = tmp_path / "out"
    script = (
        "import os, signal, sys, time\n"
        "import certgen.batch as b, certgen.register as r\n"
        "render, opening = b._render_file, r.Register.__init__\n"
        "def stopped(issue, task):\n"  # in a worker, as it writes the second file
        "    if task.path.endswith('certificates-0002.pdf'):\n"
        "        name = os.path.join(os.path.dirname(task.path), f'.certificates-0002.pdf.{task.tag}-0123456789ab.tmp')\n"
        "        with open(name, 'wb') as partial:\n"
        "            partial.write(b'%PDF-1.7')\n"
        f"        os.killpg(0, signal.{how})\n"
        "        time.sleep(0.5)\n"
        "    return render(issue, task)\n"
        "def slowly(self, *args, **kwargs):\n"  # the signal comes before the register is open
        "    time.sleep(1.0)\n"
        "    opening(self, *args, **kwargs)\n"
        "b._render_file, r.Register.__init__ = stopped, slowly\n"
        "from certgen.cli import main\n"
        "sys.argv = ['certgen'] + sys.argv[1:]\n"
        "main()\n"
    )
    first = subprocess.run(
        [sys.executable, "-c", script, *_command(holders, out, None, 2)[3:]],
        capture_output=True,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    assert first.returncode == code and first.stderr.strip().splitlines() == [f"certgen: {said}"], (
        first.stderr
    )
    time.sleep(1.0)  # a worker still writing has written by now
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    rerun = subprocess.run(_command(holders, out, None, 2), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    _check_consistent(out, None)
