"""Test certgen.words: amounts in words and figures (US convention)."""

from __future__ import annotations

import pytest

from certgen import in_figures, in_words


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "ZERO"),
        (7, "SEVEN"),
        (13, "THIRTEEN"),
        (20, "TWENTY"),
        (21, "TWENTY-ONE"),
        (100, "ONE HUNDRED"),
        (101, "ONE HUNDRED ONE"),
        (1000, "ONE THOUSAND"),
        (2500, "TWO THOUSAND FIVE HUNDRED"),
        (75000, "SEVENTY-FIVE THOUSAND"),
        (1_000_000, "ONE MILLION"),
        (1_000_001, "ONE MILLION ONE"),
        (1_234_567, "ONE MILLION TWO HUNDRED THIRTY-FOUR THOUSAND FIVE HUNDRED SIXTY-SEVEN"),
        (50_000_000, "FIFTY MILLION"),
        (
            999_999_999_999,
            "NINE HUNDRED NINETY-NINE BILLION NINE HUNDRED NINETY-NINE MILLION "
            "NINE HUNDRED NINETY-NINE THOUSAND NINE HUNDRED NINETY-NINE",
        ),
    ],
)
def test_in_words(number: int, expected: str) -> None:
    assert in_words(number) == expected
    assert " AND " not in in_words(number)
    assert "," not in in_words(number)


@pytest.mark.parametrize("bad", [-1, 1.5, "12", True, 10**21])
def test_in_words_rejects(bad: object) -> None:
    with pytest.raises(ValueError):
        in_words(bad)  # type: ignore[arg-type]


def test_in_figures() -> None:
    assert in_figures(1_234_567) == "1,234,567"
    assert in_figures(100) == "100"
