"""The QR encoder: the symbols drawn from tables are zint's, module for module, and decoders read them."""

from __future__ import annotations

import random

import pytest
import zxingcpp
from PIL import Image, ImageOps

from certgen.drawing import qr
from certgen.drawing.qr import qr_matrix, qr_operators, qr_version
from certgen.drawing.qr_encoder import _LEVELS, MAX_VERSION, _bits, _group, _segments, data_codewords, encode

#: A signed payload as certgen prints it (CG2, 188 bytes, version 10: two groups of blocks, version
#: information): an issuer in capitals, a CUSIP, a date and the signature's runs leave byte mode.
SIGNED = (
    "CG2|bcfedb59|THORNBURG MORTGAGE, INC.|885218305|PB 0001|100|SH|20261123|D8h_sd2q7i16J9qu|"
    "EUqKxv1iVFGj|GSEIPo-hJh5u3VwnHFTpvOLWH4OQveDZlTXWoUFkPBOdZRLT7Nd9I0pwmTPCmhZe-TK-nFmAwTegwbSBbdi2Dw"
)
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
LATIN = "ÀÉÎÕÜàéîõüßçñøÆ¿«»°µ"


def _bytes_for(version: int) -> int:
    """The most bytes a symbol of *version* holds at level M."""
    return max(size for size in range(1, 2332) if qr_version(size) == version)


def _payload(rng: random.Random, size: int, kind: int) -> str:
    if kind == 0:  # printable ASCII
        return "".join(chr(rng.randrange(32, 127)) for _ in range(size))
    if kind == 1:  # the alphanumeric set only: numeric and alphanumeric segments, often the whole text
        return "".join(rng.choice(ALNUM) for _ in range(size))
    if kind == 2:  # runs of digits and capitals of every length between byte-only characters
        parts: list[str] = []
        while sum(map(len, parts)) < size:
            alphabet = rng.choice(["0123456789", "ABCXYZ $./", "abc|_,"])
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))))
        return "".join(parts)[:size]
    if kind == 3:  # ISO 8859-1 beyond ASCII, and control characters
        return "".join(
            rng.choice([chr(rng.randrange(32, 127)), rng.choice(LATIN), chr(rng.randrange(1, 32))])
            for _ in range(size)
        )
    if kind == 5:  # printable ISO 8859-1
        return "".join(rng.choice([chr(rng.randrange(32, 127)), rng.choice(LATIN)]) for _ in range(size))
    return (SIGNED * (size // len(SIGNED) + 1))[: max(0, size - 7)] + "".join(
        rng.choice("0123456789") for _ in range(min(size, 7))
    )  # a signed payload's shape, digits varying at its end


def _cases() -> list[str]:
    """Payloads of every version the tables serve, of 1 to ~400 bytes, of each kind (seeded)."""
    rng = random.Random(18004)
    cases = ["1", "12", "A", "PB 0001", "a", "Zz", SIGNED, SIGNED.lower()]
    low = 0
    for version in range(1, MAX_VERSION + 1):
        high = _bytes_for(version)
        for kind in range(5):
            for size in {low + 1, high, rng.randint(low + 1, high)}:
                cases.append(_payload(rng, size, kind))
        low = high
    for run in range(3, 12):  # digits and capitals around zint's thresholds, inside and at either end
        for fill in ("7" * run, "Q" * run, "4Q" * (run // 2), "7" + "Q" * run):
            for pad in ("x" * 30, "x" * 200):  # versions below 10, and 10 and up (other heads)
                cases += [f"ab|{fill}|cd" * 3 + pad, f"{fill}|" + pad, pad + f"|{fill}"]
    return cases


def _from_zint(text: str) -> tuple[int, str]:
    """The symbol zint (through zxing-cpp) makes, as the image mask qr_operators draws."""
    return qr._zint_mask(text)


def _level(text: str) -> str:
    raw = text.encode("latin-1")
    version = qr_version(len(raw))
    length = _bits(raw, version)[1]
    return next(level for level, capacity in _LEVELS[version - 1] if length <= capacity)


def test_symbols_are_zints_module_for_module() -> None:
    """For ~300 payloads (1 to ~400 bytes, ASCII, Latin-1 and control characters, capitals and digits
    around the lengths where zint leaves byte mode, signed payloads) the image drawn from the tables
    is zint's, bit for bit: every version 1-15 (one and two groups of blocks, version information),
    levels H, Q and M as zint raises them, numeric, alphanumeric and byte segments."""
    cases = _cases()
    versions, levels, modes = set(), set(), set()
    for text in cases:
        raw = text.encode("latin-1")
        version = qr_version(len(raw))
        assert encode(raw, version) == _from_zint(text), (version, text)
        versions.add(version)
        levels.add(_level(text))
        modes.update(mode for _, _, mode in _segments(raw, _group(version)))
    assert versions == set(range(1, MAX_VERSION + 1))
    assert levels == {"H", "Q", "M"} and modes == {"N", "A"}


def _image(side: int, packed: str, scale: int = 3) -> Image.Image:
    """The symbol as a greyscale image, *scale* pixels a module, with its quiet zone."""
    width = (side + 7) // 8 * 8
    symbol = Image.frombytes("1", (width, side), bytes.fromhex(packed)).crop((0, 0, side, side)).convert("L")
    symbol = ImageOps.expand(symbol, border=4, fill=255)
    return symbol.resize((symbol.width * scale, symbol.height * scale), Image.Resampling.NEAREST)


def test_zxing_reads_each_version_back() -> None:
    """zxing-cpp's reader finds the exact text in a symbol of each version 1-15, at the level zint
    chose, with data mask 0 (printable ASCII, capitals and digits, accented Latin)."""
    rng = random.Random(7)
    for version in range(1, MAX_VERSION + 1):
        size = _bytes_for(version) - rng.randrange(0, 3)
        text = _payload(rng, size, (0, 1, 5, 4)[version % 4])
        raw = text.encode("latin-1")
        symbol = encode(raw, qr_version(len(raw)))
        assert symbol is not None
        [found] = zxingcpp.read_barcodes(_image(*symbol))
        assert found.text == text
        assert found.extra["Version"] == str(qr_version(len(raw))) and found.extra["DataMask"] == 0
        assert found.ec_level == _level(text)


def test_latin_text_is_never_sent_to_zint(monkeypatch: pytest.MonkeyPatch) -> None:
    """A certificate's payload (ISO 8859-1, version 15 or less) is encoded from the tables alone;
    other text, and larger codes, are still zint's."""

    def refuse(text: str) -> tuple[int, str]:
        raise AssertionError(f"zint was asked for {text!r}")

    expected = {text: _from_zint(text) for text in ("Łódź 株式会社", "q" * 500, SIGNED)}
    monkeypatch.setattr(qr, "_zint_mask", refuse)
    ops = qr_operators(SIGNED, 36, 36, 72, (0.1, 0.1, 0.3))
    assert ops.endswith(f"BI /W 57 /H 57 /IM true /BPC 1 /F /AHx ID {expected[SIGNED][1]}> EI Q")
    assert ops.startswith("q 0.1 0.1 0.3 rg 72 0 0 72 36 36 cm ")
    with pytest.raises(AssertionError, match="zint was asked"):
        qr_operators("Łódź 株式会社", 36, 36, 72, (0, 0, 0))
    with pytest.raises(AssertionError, match="zint was asked"):
        qr_operators("q" * 500, 36, 36, 72, (0, 0, 0))
    monkeypatch.undo()
    for text in ("Łódź 株式会社", "q" * 500):
        assert f"ID {expected[text][1]}> EI Q" in qr_operators(text, 36, 36, 72, (0, 0, 0))


def test_matrix_is_zints() -> None:
    """qr_matrix (true is dark) gives zint's modules, from the tables and from zint alike."""
    for text in (SIGNED, "PB 0001", "Łódź"):
        side, modules = qr._zint_symbol(text)
        assert qr_matrix(text) == [[modules[r * side + c] < 128 for c in range(side)] for r in range(side)]


def test_capacities_are_the_standards() -> None:
    """The block table gives ISO/IEC 18004's data capacities (table 7) and the level M ones qr_version uses."""
    assert [data_codewords(v, "M") * 8 for v in range(1, 41)] == list(qr._CAPACITY_M)
    assert (data_codewords(1, "H"), data_codewords(10, "Q"), data_codewords(40, "L")) == (9, 154, 2956)
