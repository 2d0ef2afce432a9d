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

from ..cidfont import pdf_number as _n

__all__ = ["MODULES_QUIET", "qr_matrix", "qr_operators", "qr_version"]

#: Modules of blank paper a reader needs around the symbol.
MODULES_QUIET = 4


def qr_version(size: int) -> int:
    """The smallest version (1-40) whose byte-mode capacity at level M holds *size* bytes."""
    from qrcode import util
    from qrcode.constants import ERROR_CORRECT_M

    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]
    for version in range(1, 41):
        bits = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, version) + 8 * size
        if bits <= limits[version]:
            return version
    raise ValueError(f"{size} bytes is more than a QR code holds")


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of *data*'s symbol, row by row from the top; true is dark."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    raw = data.encode("utf-8")
    code = qrcode.QRCode(
        version=qr_version(len(raw)), error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0
    )
    code.add_data(raw, optimize=0)
    code.make(fit=False)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def qr_operators(data: str, x: float, y: float, size: float, color: tuple[float, float, float]) -> str:
    """PDF operators filling *data*'s symbol into the square at (x, y) of side *size* points.

    The symbol is drawn in module units (one ``cm`` scales them), so each run is four small
    integers; a run that continues the same run of the row above grows it instead of
    starting a rectangle (a finder pattern's sides are one rectangle each).
    """
    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / count
    # (column, width) -> [row it starts on, rows]; rows counted from the bottom.
    open_runs: dict[tuple[int, int], list[int]] = {}
    rects: list[tuple[int, int, int, int]] = []
    for row_index, row in enumerate(matrix):
        bottom = count - 1 - row_index
        runs = set()
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            runs.add((start, column - start))
        for run in list(open_runs):
            if run not in runs:
                first, rows = open_runs.pop(run)
                rects.append((run[0], first - rows + 1, run[1], rows))
        for run in runs:
            if run in open_runs:
                open_runs[run][1] += 1
            else:
                open_runs[run] = [bottom, 1]
    for run, (first, rows) in open_runs.items():
        rects.append((run[0], first - rows + 1, run[1], rows))
    rects.sort(key=lambda r: (-r[1], r[0]))  # top to bottom, left to right: the same order every time
    ops = [
        f"q {_n(color[0])} {_n(color[1])} {_n(color[2])} rg {_n(module)} 0 0 {_n(module)} {_n(x)} {_n(y)} cm"
    ]
    ops.extend(f"{c} {r} {w} {h} re" for c, r, w, h in rects)
    ops.append("f Q")
    return " ".join(ops)
