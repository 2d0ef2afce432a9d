"""Per-certificate render time: 1,000 certificates into one PDF, and into separate PDFs.

Usage: python benchmarks/render.py [N]

Renders N synthetic holders (default 1000) of the Thornburg Series B sample,
one worker, and prints milliseconds per certificate and bytes per
certificate for both modes.  The static part of each page is drawn once per
document (a Form XObject), so the one-PDF figure measures the per-certificate
path alone; the separate-PDF figure adds one document's fixed cost (fonts,
forms, ornament tiles) to every certificate.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from specs import variant  # noqa: E402

import certgen  # noqa: E402

SPEC = variant(art=True, qr=False)  # the sample as the reference draws it: no QR code
NAMES = [
    "María José García-López",
    "CEDE & CO.",
    "John S Brown Mary B Brown JT TEN",
    "First Fiduciary Trust Company of Baltimore, N.A., as Trustee of the Whitcombe Family Trust",
]


def holders(n: int) -> list[certgen.Holder]:
    return [
        certgen.Holder(
            f"PB {i:05d}", f"{NAMES[i % len(NAMES)]} {i}", (i * 7919) % 2_000_000 + 1, dt.date(2026, 11, 23)
        )
        for i in range(1, n + 1)
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rows = holders(n)
    t0 = time.perf_counter()
    issue = certgen.prepare(SPEC)
    prepare_s = time.perf_counter() - t0
    issue.render(rows[:5])  # warm caches (font registration, ornament tiles)

    t0 = time.perf_counter()
    one = issue.render(rows)
    one_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    total = 0
    for item in issue.render_each(rows):
        total += len(item.pdf)
    each_s = time.perf_counter() - t0

    print(f"certificates: {n} (2 pages each), one worker, Python {sys.version.split()[0]}")
    print(f"prepare (once per issue): {prepare_s * 1000:.1f} ms")
    print(
        f"one PDF:        {one_s / n * 1000:.2f} ms/certificate, {len(one) / n / 1024:.1f} KiB/certificate, total {one_s:.2f} s"
    )
    print(
        f"separate PDFs:  {each_s / n * 1000:.2f} ms/certificate, {total / n / 1024:.1f} KiB/certificate, total {each_s:.2f} s"
    )


if __name__ == "__main__":
    main()
