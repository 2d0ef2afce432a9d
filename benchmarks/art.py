"""What the security art and the signed QR code cost a batch.

Usage: python benchmarks/art.py [N] [--repeat R]

Runs ``certgen.render_batch`` (one worker, so the machine's second core does not
blur the comparison) on N synthetic holders of the Thornburg Series B sample,
three ways: without the art (``art: {enabled: false}``), with it (guilloche
border, rosettes, ground, microprint), and with it and the signed QR code.
Each is timed R times; the fastest run counts.  The art is drawn once per issue
as Form XObjects, so it should cost next to nothing per certificate; the QR
code is made per certificate (encoding, signing, drawing).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from batch import write_holders  # noqa: E402
from specs import variant  # noqa: E402

import certgen  # noqa: E402


def run(spec: Path, holders: Path, repeat: int) -> tuple[float, int]:
    best = float("inf")
    size = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            certgen.render_batch(spec, holders, out, workers=1)
            best = min(best, time.perf_counter() - start)
            size = sum(p.stat().st_size for p in Path(out).glob("certificates-*.pdf"))
    return best, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        holders = Path(work) / "holders.csv"
        write_holders(holders, args.n)
        certgen.render_batch(variant(art=True), holders, Path(work) / "warm", workers=1)  # imports, caches
        plain, plain_size = run(variant(art=False), holders, args.repeat)
        art, art_size = run(variant(art=True), holders, args.repeat)
        code, code_size = run(variant(art=True, qr=True), holders, args.repeat)
    n = args.n
    print(f"{n} certificates, one worker, fastest of {args.repeat} runs")
    print(
        f"  without art        {plain:6.2f} s  {plain / n * 1000:5.2f} ms a certificate  {plain_size / n / 1024:5.2f} KiB a certificate"
    )
    print(
        f"  with art           {art:6.2f} s  {art / n * 1000:5.2f} ms a certificate  {art_size / n / 1024:5.2f} KiB a certificate"
        f"   art: {100 * (art / plain - 1):+.1f}% time"
    )
    print(
        f"  with art, QR code  {code:6.2f} s  {code / n * 1000:5.2f} ms a certificate  {code_size / n / 1024:5.2f} KiB a certificate"
        f"   QR code: {(code - art) / n * 1000:+.2f} ms a certificate"
    )


if __name__ == "__main__":
    main()
