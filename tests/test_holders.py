"""Test certgen.spec.holders: reading holder rows from CSV, JSON and JSONL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from certgen import HolderDataError, load_holders
from certgen.spec.holders import scan_holders
from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC

HEADER = "certificate_number,registration,shares,issue_date\n"


def test_sample_holders() -> None:
    holders = load_holders(SAMPLE_HOLDERS)
    assert [h.certificate_number for h in holders] == ["PB 0001", "PB 0002", "PB 0003", "PB 0004"]
    assert holders[0].registration == "María José García-López"
    assert holders[1].registration == "CEDE & CO."
    assert holders[1].shares == 1_234_567
    assert holders[0].issue_date == dt.date(2026, 11, 23)
    assert holders[0].source == f"{SAMPLE_HOLDERS}, row 2"


def test_extra_columns_are_kept(write_holders) -> None:
    path = write_holders(
        "certificate_number,registration,shares,issue_date,address\nA1,X,1,2026-01-02,Baltimore\n"
    )
    assert load_holders(path)[0].extra == {"address": "Baltimore"}


def _error(path: Path) -> str:
    with pytest.raises(HolderDataError) as info:
        load_holders(path)
    text = str(info.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize(
    "header",
    ["registration,shares,issue_date,Certificate", "registration,shares,issue_date,Address; City"],
    ids=["certificate-column", "semicolon-in-a-name"],
)
def test_a_column_of_the_users_own_is_not_taken_for_a_mistake(tmp_path: Path, header: str) -> None:
    """A comma-separated file with certgen's columns and one of the user's own for a template: a
    column 'Certificate' (Original, Replacement) was refused as a misspelt certificate_number,
    and a column whose name holds a semicolon ('Address; City') as a file saved with semicolons."""
    import certgen

    path = tmp_path / "holders.csv"
    path.write_text(f'{header}\nJOHN DOE,100,2026-11-23,"Original; 1"\n', encoding="utf-8")
    [(_, holder, problems)] = scan_holders(path, numbered=False)
    assert not problems and holder is not None and holder.registration == "JOHN DOE"
    assert holder.extra == {header.rsplit(",", 1)[1]: "Original; 1"}
    assert not certgen.validate(SAMPLE_SPEC, path).errors


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "A1,Jane Doe,12.5,2026-11-23",
            "row 2 (certificate A1), column shares: '12.5' is not a whole number of shares (e.g. 100 or 1,234,567)",
        ),
        (
            "A1,Jane Doe,-5,2026-11-23",
            "row 2 (certificate A1), column shares: must be a positive number of shares, not -5",
        ),
        (
            "A1,Jane Doe,0,2026-11-23",
            "row 2 (certificate A1), column shares: must be a positive number of shares, not 0",
        ),
        ("A1,Jane Doe,ten,2026-11-23", "row 2 (certificate A1), column shares: 'ten' is not a whole number"),
        (
            "A1,Jane Doe,10,23/11/2026",
            "row 2 (certificate A1), column issue_date: '23/11/2026' is not an ISO date",
        ),
        ("A1,,10,2026-11-23", "row 2 (certificate A1), column registration: is empty"),
        (",Jane Doe,10,2026-11-23", "row 2, column certificate_number: is empty"),
        ("A1,Jane Doe, Esq.,10,2026-11-23", "row 2: has 5 cells but the header has 4"),
    ],
    ids=["fraction", "negative", "zero", "word", "date", "registration", "number", "extra-cell"],
)
def test_bad_rows(write_holders, row: str, expected: str) -> None:
    path = write_holders(HEADER + row + "\n")
    assert _error(path).startswith(f"{path}, {expected}")


def test_missing_column(write_holders) -> None:
    path = write_holders("certificate_number,registration,issue_date\nA1,X,2026-11-23\n")
    assert "row 1: missing column shares in the header row" in _error(path)


def test_missing_column_says_the_fix(write_holders) -> None:
    path = write_holders("certificate_number,holder_name,shares,issue_date\nA1,X,1,2026-11-23\n")
    assert _error(path).endswith(
        "missing column registration in the header row (it has: certificate_number, holder_name, shares, "
        "issue_date): add it, or rename the column that holds it (certgen reads columns by their exact names)"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Certificate Number,registration,shares,issue_date",
            "rename the column 'Certificate Number' to certificate_number",
        ),
        (
            "certificate_no,registration,shares,issue_date",
            "rename the column 'certificate_no' to certificate_number",
        ),
        (
            "certificate_number,Registration,Shares,Issue Date",
            "rename the column 'Registration' to registration; rename the column 'Shares' to shares; "
            "rename the column 'Issue Date' to issue_date",
        ),
    ],
    ids=["spaced", "abbreviated", "capitalised"],
)
def test_a_column_spelt_otherwise_is_refused_naming_the_rename(
    write_holders, header: str, expected: str
) -> None:
    """A header that spells certgen's columns otherwise is refused, saying which to rename; above
    all an optional certificate_number column spelt otherwise, which the register's allocated
    numbers replaced without a word (`certgen validate` passed such a file)."""
    import certgen

    path = write_holders(header + "\nPB 0100,Jane Doe,10,2026-11-23\n")
    report = certgen.validate(SAMPLE_SPEC, path)
    [finding] = report.errors
    assert finding.rule == "holder.columns" and finding.row == 1
    assert expected in finding.message and "\n" not in finding.message


def test_an_excel_csv_with_semicolons_says_to_save_with_commas(tmp_path: Path) -> None:
    """A CSV saved by a spreadsheet set for a comma-decimal region: BOM, CRLF and semicolons."""
    path = tmp_path / "holders.csv"
    path.write_bytes(
        b"\xef\xbb\xbfcertificate_number;registration;shares;issue_date\r\nA1;Jane Doe;10;2026-11-23\r\n"
    )
    text = _error(path)
    assert text.startswith(
        f"{path}, row 1: the header row (certificate_number;registration;shares;issue_date)"
    )
    assert "its cells are separated by semicolons, not commas: save it as CSV with commas" in text


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "A1,Jane Doe,10",
            "row 2 (certificate A1), column issue_date: has 3 cells but the header has 4: no cell for issue_date",
        ),
        (
            'A1,"Jane Doe,10,2026-11-23\nA2,John Roe,5,2026-11-23',
            'row 2: a quote (") opened in this row is never closed',
        ),
        (
            'A1,"Jane" Doe,10,2026-11-23',
            "row 2: a quote ends a cell before the cell ends: quote the whole cell",
        ),
    ],
    ids=["short-row", "unclosed-quote", "quote-inside"],
)
def test_broken_csv_rows_say_what_is_wrong(write_holders, row: str, expected: str) -> None:
    """A row short of a required cell is named as short (it was "'' is not an ISO date"); a CSV
    quoting error says which quote to fix (it was "not valid CSV (unexpected end of data)")."""
    path = write_holders(HEADER + row + "\n")
    assert _error(path).startswith(f"{path}, {expected}")


def test_duplicate_numbers(write_holders) -> None:
    path = write_holders(HEADER + "A1,X,1,2026-11-23\nA1,Y,2,2026-11-23\n")
    text = _error(path)
    assert text.startswith(f"{path}, row 3, column certificate_number")
    assert "'A1' is used twice" in text


def test_json_and_jsonl(tmp_path: Path) -> None:
    rows = [{"certificate_number": "A1", "registration": "X", "shares": 5, "issue_date": "2026-11-23"}]
    (tmp_path / "h.json").write_text(json.dumps({"holders": rows}), encoding="utf-8")
    (tmp_path / "h.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert load_holders(tmp_path / "h.json")[0].shares == 5
    assert load_holders(tmp_path / "h.jsonl")[0].registration == "X"


def test_jsonl_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text('{"certificate_number": "A1"\n', encoding="utf-8")
    assert _error(path).startswith(f"{path}, row 1: not valid JSON")


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "h.xlsx"
    path.write_text("x", encoding="utf-8")
    assert "unknown holder file type" in _error(path)


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ("\u00b2", "'\u00b2' is not a whole number of shares (e.g. 100 or 1,234,567)"),
        (
            "\u0661\u0662\u0663",
            "'\u0661\u0662\u0663' is not a whole number of shares (e.g. 100 or 1,234,567)",
        ),
        (
            "\uff11\uff10\uff10",
            "'\uff11\uff10\uff10' is not a whole number of shares (e.g. 100 or 1,234,567)",
        ),
        ("9" * 5000, "99999999999999999999... (5000 digits) is too large a number of shares"),
    ],
    ids=["superscript", "arabic-indic", "fullwidth", "5000-digits"],
)
def test_shares_are_ascii_digits_of_sane_length(write_holders, shares: str, expected: str) -> None:
    path = write_holders(HEADER + f"A1,Jane Doe,{shares},2026-11-23\n")
    assert _error(path) == f"{path}, row 2 (certificate A1), column shares: {expected}"
    # the largest number, and leading zeros, still read
    path = write_holders(
        HEADER + 'A1,X,"999,999,999,999,999,999",2026-11-23\nA2,Y,000000000000000000000000007,2026-11-23\n'
    )
    assert [h.shares for h in load_holders(path)] == [999_999_999_999_999_999, 7]


def test_a_column_named_twice_is_refused(write_holders) -> None:
    path = write_holders(
        "certificate_number,registration,shares,issue_date,registration\nA1,Jane Doe,10,2026-11-23,John Roe\n"
    )
    assert _error(path) == (
        f"{path}, row 1, column registration: the column registration is named twice in the header row: "
        "which one holds the data is unclear, so remove or rename the other"
    )


def test_a_deeply_nested_json_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert (
        _error(path)
        == f"{path}: not valid holder data (lists or objects nested too deeply): a holder file is a list of flat rows"
    )
    path = tmp_path / "h.jsonl"
    path.write_text(
        '{"certificate_number": "A1", "registration": "X", "shares": 5, "issue_date": "2026-11-23"}\n'
        + "[" * 100_000
        + "]" * 100_000
        + "\n",
        encoding="utf-8",
    )
    assert _error(path).startswith(
        f"{path}, row 2: not valid holder data (lists or objects nested too deeply)"
    )


def test_a_json_number_of_5000_digits_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text(
        '[{"certificate_number": "A1", "registration": "X", "shares": '
        + "9" * 5000
        + ', "issue_date": "2026-11-23"}]',
        encoding="utf-8",
    )
    assert _error(path) == f"{path}: not valid holder data (a number of more than 4,300 digits)"


def test_deep_and_duplicate_columns_from_the_command_line(run_cli, tmp_path: Path) -> None:
    from conftest import SAMPLE_SPEC

    deep = tmp_path / "h.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    twice = tmp_path / "h.csv"
    twice.write_text(
        "certificate_number,registration,shares,issue_date,shares\nA1,X,1,2026-11-23,2\n", encoding="utf-8"
    )
    for holders, message in ((deep, "nested too deeply"), (twice, "the column shares is named twice")):
        out = tmp_path / "out.pdf"
        result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
        assert result.exit_code == 1 and not out.exists()
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"certgen: error: {holders}") and message in line, line
        result = run_cli("validate", SAMPLE_SPEC, "--holders", holders)
        assert result.exit_code == 1 and message in result.stdout
