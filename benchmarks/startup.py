"""How long the command line takes to start: whole processes, timed from outside.

Usage: python benchmarks/startup.py [--runs R]

Each command is run R times (after one run not counted, which warms the disk cache
and the compiled-template cache); the median wall time and the spread are printed:

- ``certgen --help``
- ``certgen render SAMPLE -o OUT.pdf``: the blank form of the Thornburg Series B
  sample (the README's first command)
- ``certgen batch --help``
- ``python -c "import certgen.cli"``

and, for the last one, what ``python -X importtime`` says the heaviest imports cost.
Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "thornburg-series-b" / "spec.yaml"


def certgen_command() -> list[str]:
    script = Path(sys.executable).parent / "certgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "certgen"]


#: As a user's environment: compiled modules kept (see benchmarks/whole.py).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return times


def heaviest_imports(count: int = 8) -> list[tuple[int, str]]:
    """The top-level packages whose import (cumulative, µs) costs most in ``import certgen.cli``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import certgen.cli"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    costs: dict[str, int] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if not name.startswith(" ") and "." not in name.strip():
            costs[name.strip()] = max(costs.get(name.strip(), 0), int(cumulative))
        elif name.strip().startswith("certgen.") and name.strip().count(".") == 1:
            costs[name.strip()] = int(cumulative)
    return sorted(((us, name) for name, us in costs.items()), reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cmd = certgen_command()
    print(f"Python {sys.version.split()[0]}; whole process, seconds, {args.runs} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "form.pdf")
        cases = [
            ("certgen --help", [*cmd, "--help"]),
            ("certgen render SAMPLE -o OUT.pdf", [*cmd, "render", str(SAMPLE), "-o", out]),
            ("certgen batch --help", [*cmd, "batch", "--help"]),
            ("python -c 'import certgen.cli'", [sys.executable, "-c", "import certgen.cli"]),
            ("python -c 'pass'", [sys.executable, "-c", "pass"]),
        ]
        for name, command in cases:
            times = timed(command, args.runs)
            print(
                f"  {name:34} median {statistics.median(times):.3f} "
                f"(min {min(times):.3f}, max {max(times):.3f})"
            )
    print("heaviest imports of 'import certgen.cli' (python -X importtime, cumulative):")
    for us, name in heaviest_imports():
        print(f"  {name:24} {us / 1000:6.1f} ms")


if __name__ == "__main__":
    main()
