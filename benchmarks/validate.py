"""Validation time: a 10,000-row holder file, end to end.

Usage: python benchmarks/validate.py [N]

Writes a CSV of N synthetic holders (default 10,000) for the Thornburg
Series B sample — individual names, joint tenants, custodians under the
gift-to-minors act, TOD registrations, long trust names — and times
``certgen.validate(spec, holders_csv)`` as ``certgen validate`` runs it:
reading the spec and the file, laying out the issue once, every spec rule,
every holder rule and the fit of each row's fields on the template.  Prints
the best of three runs and the time per row.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from specs import variant  # noqa: E402

import certgen  # noqa: E402

SPEC = variant(art=True, qr=False)  # the sample as the reference draws it: no QR code
NAMES = [
    "María José García-López {i}",
    "CEDE & CO.",
    "John S Brown {i} & Mary B Brown JT TEN",
    "Jane Doe {i} CUST John Doe Jr UNIF GIFT MIN ACT NY",
    "Robert Smith {i} TOD Alice Smith",
    "First Fiduciary Trust Company of Baltimore, N.A., as Trustee of the Whitcombe Family Trust {i}",
]


def write_holders(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["certificate_number", "registration", "shares", "issue_date"])
        for i in range(1, n + 1):
            out.writerow(
                [
                    f"PB {i:05d}",
                    NAMES[i % len(NAMES)].format(i=i),
                    f"{(i * 7919) % 2_000_000 + 1:,}",
                    "2026-11-23",
                ]
            )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        holders = Path(folder) / "holders.csv"
        write_holders(holders, n)
        certgen.validate(SPEC)  # warm: imports, font registration
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            report = certgen.validate(SPEC, holders)
            times.append(time.perf_counter() - t0)
        best = min(times)
    print(
        f"validate {n:,} holders: {best:.2f} s (best of 3; runs {', '.join(f'{t:.2f}' for t in times)} s), "
        f"{best / n * 1e6:.0f} µs per row; {len(report)} finding(s): {report.summary()}"
    )


if __name__ == "__main__":
    main()
