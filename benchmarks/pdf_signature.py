"""What PAdES PDF signatures (spec ``pdf_signature:``) cost.

Usage: python benchmarks/pdf_signature.py [N] [--repeat R]

With a throw-away test CA (``tests/pki.py``: an RSA-2048 signer under an EC
issuing CA), on N synthetic holders of the Thornburg Series B sample (art on,
no QR code), one worker, fastest of R runs:

* one PDF per certificate (``PreparedIssue.render_each``), unsigned and signed:
  each file carries its own signature, so this is the cost per signature;
* a batch (``certgen.render_batch``: print files, manifest, register, control
  report), unsigned and signed: one signature per print file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from batch import write_holders  # noqa: E402
from specs import variant  # noqa: E402

import certgen  # noqa: E402
from pki import make_pki  # noqa: E402


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def signed_variant(folder: Path) -> Path:
    pki = make_pki(folder)
    cert, key = pki.signer("benchmark-agent")
    data = yaml.safe_load(variant(art=True).read_text(encoding="utf-8"))
    data["pdf_signature"] = {
        "certificate": str(cert),
        "chain": [str(p) for p in pki.chain_files],
        "key_file": str(key),
    }
    path = folder / "spec-signed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def batch(spec: Path, holders: Path) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as out:
            return certgen.render_batch(spec, holders, out, workers=1)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.n
    when = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        plain_spec, signed_spec = variant(art=True), signed_variant(folder)
        holders_file = folder / "holders.csv"
        write_holders(holders_file, n)
        rows = holders_file.read_text(encoding="utf-8").splitlines()
        numbered = folder / "numbered.csv"
        numbered.write_text(
            "certificate_number,"
            + rows[0]
            + "\n"
            + "".join(f"PB {i:06d},{row}\n" for i, row in enumerate(rows[1:], 1)),
            encoding="utf-8",
        )
        holders = certgen.load_holders(numbered)
        plain, signed = certgen.prepare(plain_spec), certgen.prepare(signed_spec, signing_time=when)
        singles = min(n, 200)
        list(signed.render_each(holders[:2]))  # imports, the signature's size measured
        each_plain = best_of(args.repeat, lambda: [item.pdf for item in plain.render_each(holders[:singles])])
        each_signed = best_of(
            args.repeat, lambda: [item.pdf for item in signed.render_each(holders[:singles])]
        )
        size_plain = len(next(plain.render_each(holders[:1])).pdf)
        size_signed = len(next(signed.render_each(holders[:1])).pdf)
        batch_plain = best_of(args.repeat, batch(plain_spec, holders_file))
        batch_signed = best_of(args.repeat, batch(signed_spec, holders_file))
    print(f"one worker, fastest of {args.repeat} runs; RSA-2048 signer, SHA-256, PAdES B-B")
    print(
        f"  {singles} one-certificate PDFs: unsigned {each_plain:6.2f} s, signed {each_signed:6.2f} s"
        f"   {(each_signed - each_plain) / singles * 1000:+.1f} ms and {size_signed - size_plain:+,} bytes a signed file"
    )
    print(
        f"  batch of {n} certificates:  unsigned {batch_plain:6.2f} s, signed {batch_signed:6.2f} s"
        f"   {100 * (batch_signed / batch_plain - 1):+.1f}% time"
    )


if __name__ == "__main__":
    main()
