"""The signed QR code: its encoder alone, and what it costs a whole batch.

Usage: python benchmarks/qr.py [N] [--runs R] [--codes C] [--only encoder,batch]

- ``encoder``: C different payloads of each length (payloads of the Thornburg
  Series B sample's length, ~190 bytes, and others), encoded to the module
  matrix (``certgen.drawing.qr``) and to the PDF operators that draw it; the
  same image mask from zint (through zxing-cpp: what every code cost before
  the table encoder, and still what other text costs), and the older encoder
  (the pure-Python ``qrcode`` package, mask fixed as certgen used it) where it
  is installed.  R runs; the median per code and the spread.  Then the time to
  build each version's tables (paid once a process, by its first code).
- ``batch``: the whole ``certgen batch`` command (process start, imports,
  validation, register, files) on N synthetic holders of the sample, with the
  signed QR code as shipped and without it (``qr:`` removed), runs
  interleaved; the median wall time of R runs of each, the spread, the ratio.

Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import base64
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import write_holders  # noqa: E402
from specs import variant  # noqa: E402

#: A signed payload of the sample as printed (CG2, 188 bytes); the benchmark varies its digits.
SAMPLE_PAYLOAD = (
    "CG2|bcfedb59|THORNBURG MORTGAGE, INC.|885218305|PB 0001|100|SH|20261123|D8h_sd2q7i16J9qu|"
    "EUqKxv1iVFGj|GSEIPo-hJh5u3VwnHFTpvOLWH4OQveDZlTXWoUFkPBOdZRLT7Nd9I0pwmTPCmhZe-TK-nFmAwTegwbSBbdi2Dw"
)


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs)"


def payloads(length: int, count: int) -> list[str]:
    base = (SAMPLE_PAYLOAD * (length // len(SAMPLE_PAYLOAD) + 1))[:length]
    return [base[: length - 7] + f"{i:07d}" for i in range(count)]


def signed_payloads(count: int) -> list[str]:
    """Signed payloads of the sample's shape (~190 bytes) as a batch prints them: certificate
    numbers and amounts vary, and the digests and the signature are random base64url."""
    rng = random.Random(190)

    def b64(size: int) -> str:
        return base64.urlsafe_b64encode(rng.randbytes(size)).decode().rstrip("=")

    return [
        f"CG2|bcfedb59|THORNBURG MORTGAGE, INC.|885218305|PB {i:04d}|{rng.randrange(1, 100_000)}|SH|20261123|"
        f"{b64(12)}|{b64(9)}|{b64(64)}"
        for i in range(count)
    ]


def old_matrix(data: str) -> object:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    from certgen.drawing.qr import qr_version

    raw = data.encode("utf-8")
    code = qrcode.QRCode(
        version=qr_version(len(raw)), error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0
    )
    code.add_data(raw, optimize=0)
    code.make(fit=False)
    return code.get_matrix()


def per_code_ms(encode: Callable[[str], object], data: list[str], runs: int) -> list[float]:
    encode(data[0])  # imports and tables
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in data:
            encode(text)
        times.append((time.perf_counter() - start) / len(data) * 1e3)
    return times


def bench_encoder(codes: int, runs: int) -> None:
    from certgen.drawing import qr_encoder
    from certgen.drawing.qr import _zint_mask, qr_matrix, qr_operators, qr_version

    try:
        import qrcode  # noqa: F401
    except ImportError:
        have_old = False
    else:
        have_old = True
    print(f"encoder: {codes} different payloads of each length, ms per code, {runs} runs")
    for length in (20, 100, 190, 400):
        data = payloads(length, codes)
        version = qr_version(len(data[0].encode()))
        print(f"  {length} bytes (version {version}):")
        print(f"    qr_matrix (lists of bools): {spread(per_code_ms(qr_matrix, data, runs))}")
        draw = per_code_ms(lambda t: qr_operators(t, 400.0, 60.0, 72.0, (0.0, 0.0, 0.0)), data, runs)
        print(f"    qr_operators (encode and draw, what a certificate costs): {spread(draw)}")
        print(
            f"    zint's image mask (the call every code made before): {spread(per_code_ms(_zint_mask, data, runs))}"
        )
        if have_old:
            old = per_code_ms(old_matrix, data[: max(1, codes // 10)], runs)
            print(f"    qrcode package (previous encoder), matrix: {spread(old)}")
    signed = signed_payloads(codes)
    draw = per_code_ms(lambda t: qr_operators(t, 400.0, 60.0, 72.0, (0.0, 0.0, 0.0)), signed, runs)
    print(f"  signed payloads, {len(signed[0])} bytes, random digests and signatures (version 10):")
    print(f"    qr_operators: {spread(draw)}")
    print(f"    zint's image mask: {spread(per_code_ms(_zint_mask, signed, runs))}")
    builds = []
    for version in (1, 5, 7, 10, 11, 12, 15):
        start = time.perf_counter()
        qr_encoder._Tables(version, "M")
        builds.append(f"v{version} {(time.perf_counter() - start) * 1e3:.1f}")
    print(f"  tables built once a version (level M), ms: {', '.join(builds)}")


def certgen_command() -> list[str]:
    script = Path(sys.executable).parent / "certgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "certgen"]


def bench_batch(n: int, runs: int) -> None:
    with_qr, without_qr = variant(art=True, qr=True), variant(art=True, qr=False)
    times: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory() as tmp:
        holders = Path(tmp) / "holders.csv"
        write_holders(holders, n)
        for _ in range(runs):
            for name, spec in (("with", with_qr), ("without", without_qr)):
                out = Path(tmp) / "out"
                shutil.rmtree(out, ignore_errors=True)
                start = time.perf_counter()
                subprocess.run(
                    [*certgen_command(), "batch", str(spec), "--holders", str(holders), "--out", str(out)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                times[name].append(time.perf_counter() - start)
                size = sum(p.stat().st_size for p in out.glob("certificates-*.pdf"))
                times.setdefault(f"{name}-bytes", []).append(size / n)
    print(f"certgen batch, {n:,} certificates, whole process, seconds ({runs} runs each, interleaved):")
    for name in ("with", "without"):
        print(
            f"  QR code {name + ':':8} {spread(times[name])}, {times[name + '-bytes'][0]:.0f} bytes/certificate"
        )
    ratio = statistics.median(times["with"]) / statistics.median(times["without"])
    print(f"  ratio of medians: {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--codes", type=int, default=2000)
    parser.add_argument("--only", default="encoder,batch")
    args = parser.parse_args()
    only = set(args.only.split(","))
    print(f"Python {sys.version.split()[0]}")
    if "encoder" in only:
        bench_encoder(args.codes, args.runs)
    if "batch" in only:
        bench_batch(args.n, args.runs)


if __name__ == "__main__":
    main()
