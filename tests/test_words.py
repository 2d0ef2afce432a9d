"""Test certgen.words: amounts in words and figures (US convention), money in its currency."""

from __future__ import annotations

import datetime as dt

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


@pytest.mark.parametrize(
    ("amount", "currency", "figures", "words"),
    [
        (50_000_000, "USD", "$50,000,000", "FIFTY MILLION DOLLARS"),
        (50_000_000, "EUR", "€50,000,000", "FIFTY MILLION EUROS"),
        (1_500_000_000, "EUR", "€1,500,000,000", "ONE BILLION FIVE HUNDRED MILLION EUROS"),
        (250_000, "GBP", "£250,000", "TWO HUNDRED FIFTY THOUSAND POUNDS STERLING"),
        (1_000, "CHF", "CHF 1,000", "ONE THOUSAND SWISS FRANCS"),
        (25_000, "CAD", "CAD 25,000", "TWENTY-FIVE THOUSAND CANADIAN DOLLARS"),
    ],
)
def test_money_in_its_currency(amount: int, currency: str, figures: str, words: str) -> None:
    from certgen.model.certificate import Holder, certificate_values, specimen_values
    from certgen.words import money_in_figures, money_in_words

    assert money_in_figures(amount, currency) == figures
    assert money_in_words(amount, currency) == words
    values = certificate_values(Holder("R-1", "CEDE & CO.", amount, dt.date(2026, 1, 2)), currency)
    assert (values["principal"], values["principal_words"]) == (figures, words)
    assert words.startswith(values["shares_words"] + " ")  # the number, then the currency's name
    specimen = specimen_values("R", currency)
    assert specimen["principal_words"].startswith("ZERO ") and specimen["principal"].endswith("000,000")
