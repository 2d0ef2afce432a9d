"""QR symbols encoded exactly as zint encodes them, from tables built once per version.

With its version, error-correction level and data mask fixed, a QR symbol is an affine
function over GF(2) of its data codewords: the Reed-Solomon codewords are linear in them,
the placement of every codeword bit is a fixed permutation, and the function patterns,
format and version information and the mask are a constant.  So the symbol's image mask
(the bits ``qr_operators`` draws: rows padded to whole bytes, 1 a light module) is a base
image XOR one table entry for each digit of the data codewords, each entry a Python int
holding the image bits that digit's value flips.  The digits are base64's (six bits, one
``binascii.b2a_base64`` call) up to version 11 and hex (four bits) above, where tables of
six bits would pass 11 MB.  A version-10 code is 288 XORs of 456-byte ints, about 12 µs;
its whole encoding about 21 µs, where zint (through zxing-cpp) took 60-75 µs.

The tables of a (version, level) are built on first use from what each single data bit
flips (its own module, and its block's check codewords through the generator
polynomial's remainders): about 13 ms and 9 MB for version 10, 17 ms and 11 MB for
version 11, 23 ms and 11 MB for version 15 (in hex digits).  Versions above
:data:`MAX_VERSION` (over about 400 bytes) are left to zint.

What the codewords are is zint's choice, reproduced here:

- The text is in ISO 8859-1 without an ECI (zint's default character set); other text is
  not encoded here.
- zint splits the text into numeric, alphanumeric and byte segments by a dynamic program
  over costs in sixths of a bit (``qr_define_mode`` in its ``qr.c``, adapted from Project
  Nayuki): :func:`zint_modes` is that program.  Only maximal runs of the alphanumeric set
  can leave byte mode (every other character is byte-only and ends a segment), and a run
  whose best possible saving (28 sixths a digit, 15 a letter) is below the heads of the
  segments it would need stays in bytes; the others are decided by the program on the
  run alone, cached by the run's pattern of digits and letters.
- The version is the caller's; zint raises the level from M to Q or H when the encoded
  bits fit that level in the version.
- Terminator (up to four zero bits), zero bits to a whole byte, pad codewords 0xEC, 0x11;
  blocks interleaved as ISO/IEC 18004 §7.6 (short blocks first).
"""

from __future__ import annotations

import re
from binascii import b2a_base64, hexlify
from functools import lru_cache, reduce
from operator import getitem, xor

__all__ = ["MAX_VERSION", "data_codewords", "encode", "zint_modes"]

#: The highest version encoded from tables (about 400 bytes at level M); larger codes go to zint.
MAX_VERSION = 15

# ISO/IEC 18004 table 9, versions 1-40: check codewords in each block, and the number of blocks.
_ECC_PER_BLOCK = {
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
          28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}  # fmt: skip
_BLOCKS = {
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
          8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
          23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
          25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}  # fmt: skip
#: The level's two bits in the format information.
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}

# GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
_EXP = [0] * 510
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _EXP[_power + 255] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


#: ``_TIMES_BIT[t]`` maps a byte b to 2**t × b in GF(256), for ``bytes.translate``.
_TIMES_BIT = [bytes(_gf_mul(1 << t, b) for b in range(256)) for t in range(8)]
_HIGH = bytes(b >> 4 for b in range(256))
_LOW = bytes(b & 15 for b in range(256))
#: The value (0-15) of each hex digit, and (0-63) of each base64 digit, for ``bytes.translate``.
_HEX_VALUE = bytes(b"0123456789abcdef".find(bytes([b])) % 16 for b in range(256))
_BASE64_VALUE = bytes(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".find(bytes([b])) % 64
    for b in range(256)
)


def _raw_codewords(version: int) -> int:
    """Codewords (data and check) a symbol of *version* holds: its modules outside the function patterns."""
    modules = (16 * version + 128) * version + 64
    if version >= 2:
        aligns = version // 7 + 2
        modules -= (25 * aligns - 10) * aligns - 55
        if version >= 7:
            modules -= 36
    return modules // 8


def data_codewords(version: int, level: str) -> int:
    """Data codewords of a symbol of *version* at error-correction *level* (``L``, ``M``, ``Q``, ``H``)."""
    return _raw_codewords(version) - _ECC_PER_BLOCK[level][version - 1] * _BLOCKS[level][version - 1]


def _alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6] + sorted(version * 4 + 10 - i * step for i in range(count - 1))


# -- segmentation: zint's choice of modes --------------------------------------------------

_DIGITS = frozenset("0123456789")
_ALNUM_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM = frozenset(_ALNUM_CHARS)
#: Alphanumeric code of each character, as bytes.translate maps Latin-1 bytes.
_ALNUM_VALUE = bytes(_ALNUM_CHARS.index(chr(b)) if chr(b) in _ALNUM else 0 for b in range(256))
#: A run's pattern, as bytes.translate maps it: N a digit, A another alphanumeric character.
_PATTERN = bytes(ord("N") if chr(b) in _DIGITS else ord("A") for b in range(256))
#: Segment heads (mode indicator and count) in sixths of a bit, numeric, alphanumeric, byte,
#: for versions 1-9, 10-26, 27-40: what zint's program charges to start (or switch to) a mode.
_HEADS = ((84, 78, 72), (96, 90, 120), (108, 102, 120))
#: Count-indicator bits of numeric, alphanumeric and byte segments, by the same version groups.
_COUNT_BITS = ((10, 9, 8), (12, 11, 16), (14, 13, 16))
#: A maximal run of the alphanumeric set at the start of a text; and inside one (any run, once long enough
#: to repay the heads of the segments leaving byte mode would need, by version group).
_ALNUM_CLASS = rb"[0-9A-Z $%*+\-./:]"
_RUN = re.compile(_ALNUM_CLASS + b"+")
_LONG_RUNS = tuple(re.compile(_ALNUM_CLASS + b"{%d,}" % least) for least in (6, 8, 8))
#: The shortest run at either end of the text that may leave byte mode (its one head), by version group.
_LEAST_AT_END = (3, 4, 4)


def _group(version: int) -> int:
    return 0 if version < 10 else 1 if version < 27 else 2


def zint_modes(text: str, version: int) -> str:
    """zint's mode for each character of *text* (ISO 8859-1) in a symbol of *version*: N, A or B.

    The dynamic program of zint's ``qr_define_mode`` (no Kanji, no GS1), step by step and
    with its ties: ``prev[j]`` is the least cost (in sixths of a bit) of the text so far
    ending in mode j, a numeric digit costs 20, 21 or 24 sixths by the size of its group of
    three, an alphanumeric character 33 in a pair and 36 alone (or last), a byte 48.
    """
    heads = _HEADS[_group(version)]
    length = len(text)
    prev = list(heads)
    numeric_end = numeric_cost = alpha_end = alpha_cost = 0
    chosen: list[list[str]] = []
    for i, char in enumerate(text):
        cur = [0, 0, 0]
        came = ["", "", ""]
        if i < numeric_end:
            cur[0], came[0] = prev[0] + numeric_cost, "N"
        else:
            end = i
            while end < length and end < i + 3 and text[end] in _DIGITS:
                end += 1
            if end == i:
                numeric_end = 0
            else:
                numeric_end = end
                numeric_cost = (24, 21, 20)[end - i - 1]
                cur[0], came[0] = prev[0] + numeric_cost, "N"
        last = i + 1 == length
        if i < alpha_end:
            alpha_cost = 36 if last else 33
            cur[1], came[1] = prev[1] + alpha_cost, "A"
        elif char in _ALNUM:
            pair = not last and text[i + 1] in _ALNUM
            alpha_end = i + 2 if pair else i + 1
            alpha_cost = 33 if pair else 36
            cur[1], came[1] = prev[1] + alpha_cost, "A"
        else:
            alpha_end = 0
        cur[2], came[2] = prev[2] + 48, "B"
        for to in range(3):  # a new segment after this character, in zint's order of modes
            for source in range(3):
                if to != source and came[source]:
                    cost = cur[source] + heads[to]
                    if not came[to] or cost < cur[to]:
                        cur[to], came[to] = cost, "NAB"[source]
        chosen.append(came)
        prev = cur
    best = 0
    for j in (1, 2):
        if prev[j] < prev[best]:
            best = j
    mode = "NAB"[best]
    modes = []
    for came in reversed(chosen):
        mode = came["NAB".index(mode)]
        modes.append(mode)
    return "".join(reversed(modes))


@lru_cache(maxsize=4096)
def _run_segments(
    pattern: bytes, at_start: bool, at_end: bool, group: int
) -> tuple[tuple[int, int, str], ...]:
    """The non-byte segments (start, end, mode) zint makes of a maximal alphanumeric run.

    A byte-only character before and after the run (unless it starts or ends the text) makes
    the program's states there depend on the byte state alone, so the run is decided by its
    pattern of digits (N) and letters (A) and where it stands; ``x`` stands for the bytes around it.
    """
    text = ("" if at_start else "x") + pattern.decode().replace("N", "0") + ("" if at_end else "x")
    modes = zint_modes(text, (1, 10, 27)[group])[0 if at_start else 1 :][: len(pattern)]
    segments = []
    start = 0
    for end in range(1, len(modes) + 1):
        if end == len(modes) or modes[end] != modes[start]:
            if modes[start] != "B":
                segments.append((start, end, modes[start]))
            start = end
    return tuple(segments)


def _segments(raw: bytes, group: int) -> list[tuple[int, int, str]]:
    """The numeric and alphanumeric segments (start, end, mode) zint makes of *raw*; the rest is bytes.

    Only maximal runs of the alphanumeric set can leave byte mode, and only those whose best
    saving (28 sixths of a bit a digit, 15 a letter) reaches the heads they would add: one
    at either end of the text, two (the mode's, and byte mode's again) inside it.
    """
    size = len(raw)
    spans = [match.span() for match in _LONG_RUNS[group].finditer(raw)]
    least = _LEAST_AT_END[group]
    first = _RUN.match(raw)
    if first is not None and (first.end() >= least or first.end() == size) and (not spans or spans[0][0]):
        spans.insert(0, first.span())
    last = _RUN.match(raw[::-1])
    if last is not None and least <= last.end() < size and (not spans or spans[-1][1] != size):
        spans.append((size - last.end(), size))
    if not spans:
        return []
    heads = _HEADS[group]
    least_head = min(heads[0], heads[1])
    found: list[tuple[int, int, str]] = []
    for start, end in spans:
        pattern = raw[start:end].translate(_PATTERN)
        at_start, at_end = start == 0, end == size
        if not (at_start and at_end):
            digits = pattern.count(b"N")
            if 28 * digits + 15 * (end - start - digits) < least_head + (
                0 if at_start or at_end else heads[2]
            ):
                continue
        for s, e, mode in _run_segments(pattern, at_start, at_end, group):
            found.append((start + s, start + e, mode))
    return found


@lru_cache(maxsize=1024)
def _segment_bits(chars: bytes, mode: str, count_bits: int) -> tuple[int, int]:
    """A numeric (N) or alphanumeric (A) segment of *chars*, its head included: (value, length in bits)."""
    size = len(chars)
    if mode == "N":
        value, length = 1 << count_bits | size, 4 + count_bits
        for start in range(0, size, 3):
            digits = chars[start : start + 3]
            width = 3 * len(digits) + 1
            value = (value << width) | int(digits)
            length += width
        return value, length
    value, length = 2 << count_bits | size, 4 + count_bits
    codes = chars.translate(_ALNUM_VALUE)
    for pair in range(0, size - 1, 2):
        value = (value << 11) | codes[pair] * 45 + codes[pair + 1]
    if size % 2:
        value = (value << 6) | codes[-1]
    return value, length + 11 * (size // 2) + 6 * (size % 2)


def _bits(raw: bytes, version: int) -> tuple[int, int]:
    """The data bits zint writes for *raw* (ISO 8859-1) in a symbol of *version*, before the terminator.

    (value, length): the segments in order, each its mode indicator, count and characters.
    """
    group = _group(version)
    segments = _segments(raw, group)
    byte_count = _COUNT_BITS[group][2]
    if not segments:
        size = len(raw)
        return ((4 << byte_count | size) << 8 * size) | int.from_bytes(raw, "big"), 4 + byte_count + 8 * size
    value = length = position = 0
    for start, end, mode in segments:
        if start > position:  # the bytes before this segment
            size = start - position
            value = (value << 4 + byte_count + 8 * size) | (4 << byte_count | size) << 8 * size
            value |= int.from_bytes(raw[position:start], "big")
            length += 4 + byte_count + 8 * size
        bits, width = _segment_bits(raw[start:end], mode, _COUNT_BITS[group][mode == "A"])
        value = (value << width) | bits
        length += width
        position = end
    if position < len(raw):
        size = len(raw) - position
        value = (value << 4 + byte_count + 8 * size) | (4 << byte_count | size) << 8 * size
        value |= int.from_bytes(raw[position:], "big")
        length += 4 + byte_count + 8 * size
    return value, length


# -- the tables ------------------------------------------------------------------------------


class _Tables:
    """One (version, level)'s image: its base, and the bits each digit of the data codewords flips."""

    def __init__(self, version: int, level: str) -> None:
        side = 17 + 4 * version
        row_bits = (side + 7) // 8 * 8
        total = side * row_bits
        self.side = side
        self.size = total // 8
        self.data_codewords = data = data_codewords(version, level)
        self._pad_bases: dict[int, int] = {}

        function, dark = _function_patterns(version, level)
        # The image with every data bit 0: function patterns, and the data modules as the mask left them.
        light = []
        data_shifts = []  # the image bit of each module of the data region, in placement order
        for row in range(side):
            for column in range(side):
                if function[row][column]:
                    light.append("0" if dark[row][column] else "1")
                else:
                    light.append("0" if (row + column) % 2 == 0 else "1")  # data mask 0
            light.append("1" * (row_bits - side))
        self.base = int("".join(light), 2)
        for column_right in _placement_columns(side):
            for step in range(side):
                row = side - 1 - step if ((column_right + 1) & 2) == 0 else step  # upward, downward, ...
                for column in (column_right, column_right - 1):
                    if not function[row][column]:
                        data_shifts.append(total - 1 - (row * row_bits + column))

        blocks = _BLOCKS[level][version - 1]
        check = _ECC_PER_BLOCK[level][version - 1]
        short = data // blocks
        short_blocks = blocks - data % blocks

        def byte_tables(stream_index: int) -> tuple[list[int], list[int]]:
            """The image bits each value of the high and low half of the codeword at *stream_index* sets."""
            bits = [1 << data_shifts[8 * stream_index + 7 - t] for t in range(8)]
            return _nibble_table(bits[4:]), _nibble_table(bits[:4])

        check_tables = [[byte_tables(data + e * blocks + b) for e in range(check)] for b in range(blocks)]
        check_high = [[high for high, _ in tables] for tables in check_tables]
        check_low = [[low for _, low in tables] for tables in check_tables]
        remainders = _remainders(check, short + 1)

        units: list[int] = []  # what each data bit flips, the first codeword's high bit first
        for block in range(blocks):
            length = short + (block >= short_blocks)
            for j in range(length):
                stream_index = j * blocks + block if j < short else short * blocks + block - short_blocks
                remainder = remainders[length - 1 - j]
                for t in range(7, -1, -1):
                    parity = remainder.translate(_TIMES_BIT[t])
                    unit = 1 << data_shifts[8 * stream_index + 7 - t]
                    unit = reduce(xor, map(getitem, check_high[block], parity.translate(_HIGH)), unit)
                    units.append(reduce(xor, map(getitem, check_low[block], parity.translate(_LOW)), unit))
        #: Bits of the data codewords a table entry covers: six (a base64 digit) while the tables stay
        #: small, about 11 MB at version 11; four (a hex digit) above, in a third of the memory.
        self.width = width = 6 if version <= 11 else 4
        self.group = 3 if width == 6 else 1  # whole bytes of whole digits
        units += [0] * (-len(units) % width)
        #: For each digit of the data codewords, the image bits each of its values flips.
        self.chunks = [_nibble_table(units[k : k + width][::-1]) for k in range(0, len(units), width)]

    def image(self, codewords: bytes, base: int) -> int:
        """*base* with the bits *codewords* (data codewords from the first, the rest 0, whole digits) flip."""
        if self.width == 6:
            digits = b2a_base64(codewords, newline=False).translate(_BASE64_VALUE)
        else:
            digits = hexlify(codewords).translate(_HEX_VALUE)
        return reduce(xor, map(getitem, self.chunks, digits), base)

    def base_for(self, first_pad: int) -> int:
        """The base image with the pad codewords 0xEC, 0x11, ... from codeword *first_pad* on."""
        base = self._pad_bases.get(first_pad)
        if base is None:
            pads = (b"\xec\x11" * self.data_codewords)[: self.data_codewords - first_pad]
            codewords = bytes(first_pad) + pads
            base = self._pad_bases[first_pad] = self.image(
                codewords + bytes(-len(codewords) % self.group), self.base
            )
        return base


def _nibble_table(bits: list[int]) -> list[int]:
    """The XOR of the entries of *bits* (bit 0's first) each value below ``2 ** len(bits)`` selects."""
    table = [0] * (1 << len(bits))
    for value in range(1, len(table)):
        low = value & -value
        table[value] = table[value ^ low] ^ bits[low.bit_length() - 1]
    return table


def _remainders(check: int, count: int) -> list[bytes]:
    """``x**(d + check)`` modulo the generator polynomial of *check* codewords, for d in 0..count-1.

    The check codewords a data codeword of value 1 makes when d codewords of its block follow it,
    first transmitted first; a value v makes v times them (the code is linear over GF(256)).
    """
    generator = [1]  # (x - 1)(x - 2)(x - 4)... highest power first
    for i in range(check):
        generator = [a ^ _gf_mul(b, _EXP[i]) for a, b in zip([*generator, 0], [0, *generator], strict=True)]
    remainder = generator[1:]  # x**check, reduced
    first = list(remainder)
    found = [bytes(remainder)]
    for _ in range(count - 1):
        top = remainder[0]
        remainder = [*remainder[1:], 0]
        if top:
            remainder = [r ^ _gf_mul(top, g) for r, g in zip(remainder, first, strict=True)]
        found.append(bytes(remainder))
    return found


def _placement_columns(side: int) -> list[int]:
    """The right-hand column of each pair of columns the codewords fill, right to left (column 6 skipped)."""
    columns = []
    right = side - 1
    while right >= 1:
        if right == 6:
            right = 5
        columns.append(right)
        right -= 2
    return columns


def _function_patterns(version: int, level: str) -> tuple[list[list[bool]], list[list[bool]]]:
    """Which modules are function patterns, and which of them are dark (format bits of mask 0 included)."""
    side = 17 + 4 * version
    function = [[False] * side for _ in range(side)]
    dark = [[False] * side for _ in range(side)]

    def put(column: int, row: int, is_dark: bool) -> None:
        function[row][column] = True
        dark[row][column] = is_dark

    for i in range(side):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (side - 4, 3), (3, side - 4)):  # finders and their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= cx + dx < side and 0 <= cy + dy < side:
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
    centres = _alignment_centres(version)
    for cx in centres:
        for cy in centres:
            if (cx, cy) in ((6, 6), (6, centres[-1]), (centres[-1], 6)):
                continue
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
    data = _LEVEL_BITS[level] << 3 | 0  # data mask 0
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    bits = (data << 10 | remainder) ^ 0x5412
    for i in range(15):
        on = bool(bits >> i & 1)
        if i < 6:
            put(8, i, on)
        elif i < 8:
            put(8, i + 1, on)  # past the timing pattern
        else:
            put(7 if i == 8 else 14 - i, 8, on)
        if i < 8:
            put(side - 1 - i, 8, on)
        else:
            put(8, side - 15 + i, on)
    put(8, side - 8, True)  # the dark module
    if version >= 7:
        remainder = version
        for _ in range(12):
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        bits = version << 12 | remainder
        for i in range(18):
            on = bool(bits >> i & 1)
            put(side - 11 + i % 3, i // 3, on)
            put(i // 3, side - 11 + i % 3, on)
    return function, dark


@lru_cache(maxsize=4)
def _tables(version: int, level: str) -> _Tables:
    return _Tables(version, level)


#: Each version's levels as zint raises them (H, Q, then M), with the data bits each holds.
_LEVELS = tuple(
    tuple((level, 8 * data_codewords(version, level)) for level in "HQM") for version in range(1, 41)
)


def encode(raw: bytes, version: int) -> tuple[int, str] | None:
    """The symbol of version *version* zint makes of *raw* (text in ISO 8859-1), as ``qr_operators`` draws it.

    (side, image mask bits in hex): rows from the top, each padded to whole bytes, 1 a light
    module.  None where this encoder does not answer for zint: a version above
    :data:`MAX_VERSION`, an empty text, or a text whose bits do not fit level M (zint would refuse it).
    """
    if version > MAX_VERSION or not raw:
        return None
    value, length = _bits(raw, version)
    for level, capacity in _LEVELS[version - 1]:  # zint raises the level while the bits fit
        if length <= capacity:
            tables = _tables(version, level)
            first_pad = (min(length + 4, capacity) + 7) >> 3  # after the terminator, and zero bits to a byte
            whole = first_pad + (-first_pad % tables.group)  # zero bytes to whole digits
            image = tables.image(
                (value << 8 * whole - length).to_bytes(whole, "big"), tables.base_for(first_pad)
            )
            return tables.side, image.to_bytes(tables.size, "big").hex()
    return None
