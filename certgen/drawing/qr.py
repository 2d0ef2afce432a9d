"""A QR code as PDF operators: its modules as one stencil mask, filled in the text's ink.

The symbol is the one zxing-cpp's writer (zint, in C) makes at error-correction
level M (15% of the code can be lost: a fold, a stain, a staple hole; zint
raises the level where the symbol has room for more), in the smallest version
that holds the payload in byte mode (zint still puts runs of digits or
capitals in numeric or alphanumeric segments where they are shorter).  The
text is in the standard's default character set, ISO 8859-1, when it can be
(every certgen payload of ASCII text, and accented Latin names: readers show
them right, where UTF-8 bytes without a character-set mark were guessed at and
misread); otherwise zint marks it with an ECI (UTF-8).  The data mask is fixed
(pattern 0, which every reader accepts) instead of chosen by the penalty
search: the search is nine tenths of zint's encoding time and a certificate's
code is printed and scanned cleanly.

Text in ISO 8859-1 up to version 15 (about 400 bytes) is encoded by
:mod:`certgen.drawing.qr_encoder`, module for module as zint does, from tables
built once per version: about 22 µs a code of a signed payload's 190 bytes,
with the operators, where the call to zint took 60-75 µs (the pure-Python
``qrcode`` package took 1.5 ms).  Other text and larger codes are still zint's.

The modules are drawn as a stencil mask, one bit a module (PDF 1.7 §8.9.6.2):
about 460 bytes for a version-10 symbol, where its rows drawn as ``re``
rectangles were about 12 KB of operators a face to compress (four fifths of a
signed certificate's cost).  The mask is scaled without smoothing, so each
module prints as a sharp square at the press's resolution.  The quiet zone
(four modules of paper round the symbol) is the layout's to keep clear.
"""

from __future__ import annotations

from functools import lru_cache

from ..cidfont import pdf_number as _n
from .qr_encoder import encode

__all__ = ["MODULES_QUIET", "qr_matrix", "qr_operators", "qr_version"]

#: Modules of blank paper a reader needs around the symbol.
MODULES_QUIET = 4

# Data bits (in byte mode, level M) each version holds: ISO/IEC 18004 table 7.
_CAPACITY_M = (
    128, 224, 352, 512, 688, 864, 992, 1232, 1456, 1728,
    2032, 2320, 2672, 2920, 3320, 3624, 4056, 4504, 5016, 5352,
    5712, 6256, 6880, 7312, 8000, 8496, 9024, 9544, 10136, 10984,
    11640, 12328, 13048, 13800, 14496, 15312, 15936, 16816, 17728, 18672,
)  # fmt: skip

#: zint's 8-bit image (0 is a dark module) as the bits of a PDF image mask, where 0 paints.
_AS_BITS = bytes(0x30 if value < 128 else 0x31 for value in range(256))


def qr_version(size: int) -> int:
    """The smallest version (1-40) whose byte-mode capacity at level M holds *size* bytes."""
    for version, bits in enumerate(_CAPACITY_M, start=1):
        if 4 + (8 if version < 10 else 16) + 8 * size <= bits:
            return version
    raise ValueError(f"{size} bytes is more than a QR code holds")


def _zint_symbol(data: str) -> tuple[int, bytes]:
    """*data*'s symbol from zint: its side in modules and its modules row by row, one byte each (0 dark)."""
    import zxingcpp

    try:
        size = len(data.encode("latin-1"))
    except UnicodeEncodeError:  # zint adds an ECI (12 bits) naming the character set, or uses Kanji mode
        size = len(data.encode("utf-8")) + 2
    options = f"ecLevel=M,version={qr_version(size)},dataMask=0"
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, options=options)
    image = code.to_image(add_quiet_zones=False)
    side = int(image.shape[0])
    return side, bytes(memoryview(image))  # type: ignore[arg-type]  # zxingcpp.Image has the buffer protocol


def _zint_mask(data: str) -> tuple[int, str]:
    """*data*'s symbol from zint as the image mask's bits in hex (rows padded to bytes, 1 light)."""
    side, modules = _zint_symbol(data)
    bits = modules.translate(_AS_BITS)
    pad = b"1" * (-side % 8)
    rows = b"".join(bits[row * side : (row + 1) * side] + pad for row in range(side))
    return side, int(rows, 2).to_bytes(len(rows) // 8, "big").hex()


def _mask(data: str) -> tuple[int, str]:
    """*data*'s symbol: its side in modules, and its image mask's bits in hex (rows padded to bytes, 1 light)."""
    try:
        raw = data.encode("latin-1")
    except UnicodeEncodeError:
        return _zint_mask(data)
    return encode(raw, qr_version(len(raw))) or _zint_mask(data)


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of *data*'s symbol, row by row from the top; true is dark."""
    side, packed = _mask(data)
    width = (side + 7) // 8 * 8
    bits = format(int(packed, 16), f"0{width * side}b")
    return [[bit == "0" for bit in bits[row * width : row * width + side]] for row in range(side)]


def qr_operators(data: str, x: float, y: float, size: float, color: tuple[float, float, float]) -> str:
    """PDF operators filling *data*'s symbol into the square at (x, y) of side *size* points.

    The symbol is one stencil mask (an inline image of one bit per module, ``/ImageMask``):
    the fill colour is painted where a bit is 0, each module a square of the page's
    resolution, never smoothed (``/Interpolate`` is off).  Its bits are written in hex
    (``/ASCIIHexDecode``), so no byte of them can be read as the image's end.
    """
    side, packed = _mask(data)
    return f"{_placed(color[0], color[1], color[2], size, x, y)} /W {side} /H {side} /IM true /BPC 1 /F /AHx ID {packed}> EI Q"


@lru_cache(maxsize=64)
def _placed(red: float, green: float, blue: float, size: float, x: float, y: float) -> str:
    """The operators before a code's image: its colour and its square (the same for every face of a batch)."""
    return f"q {_n(red)} {_n(green)} {_n(blue)} rg {_n(size)} 0 0 {_n(size)} {_n(x)} {_n(y)} cm BI"
