"""Whole processes, as a user runs them: process start, imports, the work, the last byte.

Usage: python benchmarks/whole.py [N] [--runs R] [--only NAME,...]

Each scenario is a command run in its own process; the scenarios' runs are
interleaved (one of each, R times), so a slow minute of the machine falls on
all of them alike.  Printed: the median wall time of the R runs with the
fastest and slowest, peak RSS (the child's own), and each batch beside the
hand-written reference of the same run.

- ``reference``: ``benchmarks/reference.py`` drawing N certificates of the
  Thornburg Series B sample (no QR code, no validation, no register) into
  files of 500, whole process.
- ``qr-off``: ``certgen batch`` on N synthetic holders of the sample without
  its QR code, one worker (validation, register, manifest, control report).
- ``qr-on``: the same with the sample as shipped (signed QR code).
- ``qr-off-2``, ``qr-on-2``: the same with ``--workers 2`` (the default on two cores).
- ``blank``: ``certgen render SPEC -o FILE`` of the sample's blank form.
- ``help``: ``certgen --help``.
- ``import``: ``python -c "import reportlab.pdfgen.canvas"``, the floor of any
  ReportLab program's start.
- ``machine-1``, ``machine-2``: the same pure-Python work in one process, and
  split over two running at once: how far the machine's cores scale in this
  run, the ceiling of any speed-up from a second worker.

Each scenario runs once untimed first (Python writes its compiled modules, as
at a user's first run), then R times timed.

Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from batch import write_holders  # noqa: E402
from specs import SAMPLE, variant  # noqa: E402

SCENARIOS = (
    "reference",
    "qr-off",
    "qr-on",
    "qr-off-2",
    "qr-on-2",
    "blank",
    "help",
    "import",
    "machine-1",
    "machine-2",
)

#: Pure-Python work (about a second here), for the machine's own scaling: all of it in one
#: process, or half of it in each of two processes at once.
WORK = "x = 0\nfor i in range({n}):\n    x += i * i\n"
TWO = (
    "import subprocess, sys\n"
    "children = [subprocess.Popen([sys.executable, '-c', sys.argv[1]]) for _ in range(2)]\n"
    "sys.exit(max(child.wait() for child in children))\n"
)


def certgen() -> list[str]:
    script = Path(sys.executable).parent / "certgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "certgen"]


#: The children's environment: as a user's, whose installed modules are compiled once (pip
#: compiles them at install; Python writes ``__pycache__`` at first import).  A machine that
#: sets ``PYTHONDONTWRITEBYTECODE`` would compile every certgen module again in every run.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float]:
    """Seconds of wall time and the child's peak RSS in MB."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode() if child.stderr else ""
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}: {error[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    args = parser.parse_args()
    only = [name for name in SCENARIOS if name in args.only.split(",")]
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        holders = work / "holders.csv"
        write_holders(holders, n)
        out = work / "out"
        off, on = str(variant(art=True, qr=False)), str(variant(art=True, qr=True))

        def batch(spec: str, workers: int) -> list[str]:
            return [
                *certgen(),
                "batch",
                spec,
                "--holders",
                str(holders),
                "--out",
                str(out),
                "--workers",
                str(workers),
            ]

        commands = {
            "reference": [sys.executable, str(HERE / "reference.py"), str(n), str(out)],
            "qr-off": batch(off, 1),
            "qr-on": batch(on, 1),
            "qr-off-2": batch(off, 2),
            "qr-on-2": batch(on, 2),
            "blank": [*certgen(), "render", str(SAMPLE), "-o", str(work / "blank.pdf")],
            "help": [*certgen(), "--help"],
            "import": [sys.executable, "-c", "import reportlab.pdfgen.canvas"],
            "machine-1": [sys.executable, "-c", WORK.format(n=16_000_000)],
            "machine-2": [sys.executable, "-c", TWO, WORK.format(n=8_000_000)],
        }
        for name in only:  # once, untimed: compiled modules written, files in the page cache
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            run(commands[name])
        times: dict[str, list[float]] = {name: [] for name in only}
        rss: dict[str, list[float]] = {name: [] for name in only}
        sizes: dict[str, float] = {}
        for _ in range(args.runs):
            for name in only:
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                seconds, peak = run(commands[name])
                times[name].append(seconds)
                rss[name].append(peak)
                pdfs = [*out.glob("certificates-*.pdf"), *out.glob("reference-*.pdf")]
                if pdfs:
                    sizes[name] = sum(p.stat().st_size for p in pdfs) / n
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; Thornburg Series B sample, "
        f"{n:,} certificates for the batches; {args.runs} runs of each, interleaved; wall seconds"
    )
    reference = statistics.median(times["reference"]) if "reference" in times else None
    for name in only:
        values = times[name]
        line = (
            f"  {name:10} median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f}),"
            f" peak RSS {max(rss[name]):.0f} MB"
        )
        if name in sizes:
            line += f", {sizes[name]:,.0f} bytes/certificate"
        if reference and name.startswith("qr"):
            line += f"; {statistics.median(values) / reference:.2f}x the reference"
        print(line)
    if "qr-on" in times and "qr-off" in times:
        print(
            f"  QR code on / off, one worker: {statistics.median(times['qr-on']) / statistics.median(times['qr-off']):.2f}x"
        )
    if "machine-1" in times and "machine-2" in times:
        print(
            f"  this machine: two processes / one, pure-Python work: "
            f"{statistics.median(times['machine-1']) / statistics.median(times['machine-2']):.2f}x the throughput"
        )
    for mode in ("off", "on"):
        one, two = times.get(f"qr-{mode}"), times.get(f"qr-{mode}-2")
        if one and two:
            print(
                f"  two workers / one, QR {mode}: {statistics.median(one) / statistics.median(two):.2f}x the throughput"
            )


if __name__ == "__main__":
    main()
