"""A QR code as vector PDF operators: its dark modules as rectangles, one fill.

The symbol is encoded by the ``qrcode`` package at error-correction level M
(15% of the code can be lost: a fold, a stain, a staple hole), in byte mode,
with the smallest version that holds the payload.  The data mask is fixed
(pattern 0, which every reader accepts) instead of chosen by qrcode's
penalty search: the search is four fifths of the encoding time and a
certificate's code is printed and scanned cleanly.  Each row's runs of dark
modules become one rectangle, so a version-10 symbol is about a thousand
``re`` operators, filled at once; no raster image, so it stays sharp at
any resolution.  The quiet zone (four modules of paper round the symbol)
is the layout's to keep clear.
"""

from __future__ import annotations

from .cidfont import pdf_number as _n

__all__ = ["MODULES_QUIET", "qr_matrix", "qr_operators", "qr_version"]

#: Modules of blank paper a reader needs around the symbol.
MODULES_QUIET = 4


def qr_version(size: int) -> int:
    """The smallest version (1-40) whose byte-mode capacity at level M holds *size* bytes."""
    from qrcode import util  # type: ignore[import-untyped]
    from qrcode.constants import ERROR_CORRECT_M  # type: ignore[import-untyped]

    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]
    for version in range(1, 41):
        bits = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, version) + 8 * size
        if bits <= limits[version]:
            return version
    raise ValueError(f"{size} bytes is more than a QR code holds")


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of *data*'s symbol, row by row from the top; True is dark."""
    import qrcode  # type: ignore[import-untyped]
    from qrcode.constants import ERROR_CORRECT_M  # type: ignore[import-untyped]

    raw = data.encode("utf-8")
    code = qrcode.QRCode(version=qr_version(len(raw)), error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(raw, optimize=0)
    code.make(fit=False)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_operators(data: str, x: float, y: float, size: float, color: tuple[float, float, float]) -> str:
    """PDF operators filling *data*'s symbol into the square at (x, y) of side *size* points."""
    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / count
    ops = [f"q {_n(color[0])} {_n(color[1])} {_n(color[2])} rg"]
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            ops.append(f"{_n(x + start * module)} {_n(top)} {_n((column - start) * module)} {_n(module)} re")
    ops.append("f Q")
    return " ".join(ops)
