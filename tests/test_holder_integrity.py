"""Holder data that must not be printed or registered: refused (or flagged) before anything is.

Each defective case has a clean twin that passes, through the library (typed exception or
finding) and the command line (validate, render, batch: exit status, one line naming file,
row, column, the code point and the fix).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml

import certgen
from certgen import GlyphError, Holder, prepare, validate
from certgen.model.identifiers import canonical_number
from certgen.register import Register
from conftest import SAMPLE_SPEC, load_sample, pdf_text, require_tool

ROOT = Path(__file__).resolve().parent.parent
WARRANTS = ROOT / "samples" / "thornburg-warrants"
NOTES = ROOT / "samples" / "thornburg-notes-global"
RESTRICTED = ROOT / "samples" / "thornburg-common-restricted"

HEADER = "certificate_number,registration,shares,issue_date\n"
TODAY = dt.date.today().isoformat()


def _write(tmp_path: Path, text: str, name: str = "holders.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.strip().splitlines() if line]


# -- registration integrity ---------------------------------------------------------------


def test_a_number_with_two_spaces_is_the_same_number(tmp_path: Path, run_cli: Any) -> None:
    holders = _write(tmp_path, HEADER + f"TMA 000102,Jane Doe,100,{TODAY}\nTMA  000102,John Roe,5,{TODAY}\n")
    found = [f for f in validate(SAMPLE_SPEC, holders) if f.rule == "certificate.duplicate-number"]
    assert [(f.row, f.certificate) for f in found] == [(3, "TMA 000102")]
    result = run_cli("validate", SAMPLE_SPEC, "--holders", holders)
    assert result.exit_code == 1 and "used twice (first at" in result.stdout
    # A no-break space is a space too; one space is a clean twin of neither.
    clean = _write(
        tmp_path,
        HEADER + f"TMA 000102,Jane Doe,100,{TODAY}\nTMA\u00a0000103,John Roe,5,{TODAY}\n",
        "clean.csv",
    )
    assert "certificate.duplicate-number" not in validate(SAMPLE_SPEC, clean).ids()
    # The batch refuses it too, and the register holds nothing.
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1 and any(
        "row 3" in line and "used twice" in line for line in _lines(result.stderr)
    )


def test_a_number_in_cyrillic_or_greek_look_alikes_is_the_same_number(tmp_path: Path, run_cli: Any) -> None:
    """'РВ 0001' in Cyrillic letters (Er, Ve) and 'ΡΒ 0001' in Greek (Rho, Beta) print as PB 0001: the
    same number, whatever the holder file or the register holds."""
    cyrillic, greek = "\u0420\u0412 0001", "\u03a1\u0392-000001"
    assert canonical_number(cyrillic) == canonical_number(greek) == canonical_number("PB 0001") == "pb1"
    assert canonical_number("\u0410\u0412\u0421-7") == canonical_number("abc 7")  # АВС
    holders = _write(tmp_path, HEADER + f"PB 0001,Jane Doe,100,{TODAY}\n{cyrillic},John Roe,5,{TODAY}\n")
    found = [f for f in validate(SAMPLE_SPEC, holders) if f.rule == "certificate.duplicate-number"]
    assert [(f.row, f.certificate) for f in found] == [(3, cyrillic)]
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1 and any(
        "row 3" in line and "used twice" in line for line in _lines(result.stderr)
    )
    assert not list((tmp_path / "out").glob("certificates-*.pdf"))
    # PB 0001 printed and registered; the Greek spelling in a later run is refused by the register.
    first = _write(tmp_path, HEADER + f"PB 0001,Jane Doe,100,{TODAY}\n", "first.csv")
    register = tmp_path / "register.sqlite"
    args = ("--register", register, "--workers", "1")
    assert run_cli("batch", SAMPLE_SPEC, "--holders", first, "--out", tmp_path / "run1", *args).exit_code == 0
    later = _write(tmp_path, HEADER + f"{greek},John Roe,5,{TODAY}\n", "later.csv")
    result = run_cli("batch", SAMPLE_SPEC, "--holders", later, "--out", tmp_path / "run2", *args)
    assert result.exit_code == 1 and "PB 0001" in result.stderr
    with Register(register) as reg:
        assert [record.number for record in reg.records()] == ["PB 0001"]


def test_holder_text_is_nfc_with_single_spaces() -> None:
    decomposed = "Nguye\u0302\u0303n  Va\u0306n\u00a0An"
    holder = Holder("PB  0001", decomposed, 1, dt.date(2026, 11, 23), {"note": "a\u00a0\u00a0b"})
    assert holder.registration == "Nguy\u1ec5n V\u0103n An"
    assert unicodedata.is_normalized("NFC", holder.registration)
    assert (holder.certificate_number, holder.extra["note"]) == ("PB 0001", "a b")
    line_break = Holder("PB 0002", "JANE DOE\r\nTRUSTEE", 1, dt.date(2026, 11, 23))
    assert line_break.registration == "JANE DOE\nTRUSTEE"


def test_a_bidi_override_is_refused_by_validate_render_and_batch(tmp_path: Path, run_cli: Any) -> None:
    # "Jane Doe" and a right-to-left override that shows the rest of the name reversed.
    holders = _write(tmp_path, HEADER + f"PB 0001,Jane Doe,100,{TODAY}\nPB 0002,John \u202eeoR,5,{TODAY}\n")
    [finding] = [f for f in validate(SAMPLE_SPEC, holders) if f.severity == "error"]
    assert (finding.rule, finding.row, finding.field) == ("holder.characters", 3, "registration")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (character 6)" in finding.message
    assert "remove it" in finding.message

    result = run_cli("validate", SAMPLE_SPEC, "--holders", holders)
    assert result.exit_code == 1 and "holder.characters" in result.stdout
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout  # shown escaped, never obeyed

    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = [line for line in _lines(result.stderr) if "error" in line]
    assert line.startswith(f"certgen: error: {holders}, row 3 (certificate PB 0002), column registration: ")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in line and line.endswith("[holder.characters]")

    folder = tmp_path / "out"
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", folder, "--workers", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert any("row 3" in line and "U+202E" in line for line in _lines(result.stderr))
    assert not list(folder.glob("certificates-*")) and not (folder / "control.csv").exists()
    with Register(folder / "register.sqlite") as reg:
        assert list(reg.records()) == []

    # The library: a typed exception before a byte is written.
    with pytest.raises(
        certgen.ValidationError, match=r"U\+202E RIGHT-TO-LEFT OVERRIDE.*\[holder\.characters\]"
    ):
        prepare(SAMPLE_SPEC).render([Holder("PB 0002", "John \u202eeoR", 5, dt.date.today())])

    clean = _write(
        tmp_path, HEADER + f"PB 0001,Jane Doe,100,{TODAY}\nPB 0002,John Roe,5,{TODAY}\n", "clean.csv"
    )
    assert run_cli("render", SAMPLE_SPEC, "--holders", clean, "-o", out).exit_code == 0


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u200d", "ZERO WIDTH JOINER"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
        ("\u2060", "WORD JOINER"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\u200f", "RIGHT-TO-LEFT MARK"),
        ("\x1b", "ESCAPE"),
    ],
)
def test_invisible_and_control_characters_are_named(tmp_path: Path, char: str, name: str) -> None:
    holders = _write(tmp_path, HEADER + f'PB 0001,"Jane{char} Doe",100,{TODAY}\n')
    [finding] = [f for f in validate(SAMPLE_SPEC, holders) if f.severity == "error"]
    assert finding.rule == "holder.characters"
    assert f"U+{ord(char):04X} {name} (character 5)" in finding.message


def test_a_formula_in_any_column_never_reaches_the_register(tmp_path: Path, run_cli: Any) -> None:
    holders = _write(
        tmp_path,
        HEADER.replace("\n", ",account\n")
        + f"PB 0001,Jane Doe,100,{TODAY},-2+3+cmd|' /C calc'!A0\n"
        + f"PB 0002,@SUM(A1:A9),5,{TODAY},77-1\n",
    )
    report = validate(SAMPLE_SPEC, holders)
    found = [(f.rule, f.row, f.field) for f in report.errors]
    assert found == [("holder.formula", 2, "account"), ("holder.formula", 3, "registration")]
    folder = tmp_path / "out"
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", folder, "--workers", "1")
    assert result.exit_code == 1
    assert sum("[holder.formula]" in line for line in _lines(result.stderr)) == 2
    assert not (folder / "control.csv").exists()
    # Numbers and telephone numbers may begin with - or +.
    clean = _write(
        tmp_path,
        HEADER.replace("\n", ",account\n")
        + f"PB 0001,Jane Doe,100,{TODAY},-2\nPB 0002,John Roe,5,{TODAY},+44 20 7946 0000\n",
        "clean.csv",
    )
    assert validate(SAMPLE_SPEC, clean).ok(strict=True)


def test_only_a_value_past_latin_is_searched_for_mixed_scripts() -> None:
    """The mixed-script rule passes over values whose characters all come before U+0370 (ASCII
    and accented Latin: most names), as none of them is Greek or Cyrillic; past it each word is
    still looked at, and a word met again is reported again; a formula after spaces is found."""
    from certgen.validation.holder_rules import _BEFORE_GREEK, HolderChecker

    scripts = {unicodedata.name(chr(c), "").split(" ", 1)[0] for c in range(ord(_BEFORE_GREEK))}
    assert not scripts & {"GREEK", "CYRILLIC"}
    checker = HolderChecker(None)

    def rules(value: str) -> list[str]:
        return [f.rule for f in checker.check_cells([("registration", value)], loc="x")]

    assert rules("Mar\u00eda Jos\u00e9 Garc\u00eda-L\u00f3pez \u0152uvre") == []
    for _ in range(2):
        assert rules("Jos\u00e9 \u0391lpha") == ["holder.mixed-script"]  # a Greek capital alpha
    assert rules("\u0391\u03bb\u03c6\u03b1 Jos\u00e9") == []  # each word in one script
    assert rules(" \t =SUM(A1)") == ["holder.formula"]
    assert rules("+1 212 555 0100") == []


def test_a_long_registration_is_searched_for_placeholders_only_when_it_may_be_one() -> None:
    """The placeholder rule's regular expression runs only on a registration that may match it
    (short, a run of x, - or ?, a bracket, three underscores): every placeholder is still found."""
    from certgen.validation.holder_rules import _PLACEHOLDER, HolderChecker, _may_be_placeholder

    checker = HolderChecker(None)

    def placeholder(text: str) -> bool:
        return any(f.rule == "registration.placeholder" for f in checker._registration(text, "x", {}))

    for text in (
        "TBD",
        "n/a",
        "unknown",
        "X" * 12,
        "-" * 9,
        "?" * 8,
        "[HOLDER TO COME]",
        "Jane <name>",
        "Jane ___",
    ):
        assert placeholder(text), text
    for text in ("First Fiduciary Trust Company of Baltimore, N.A., as Trustee", "Xavier Roe", "John Doe Jr"):
        assert not placeholder(text), text
    # Each character class the expression matches: short words (case-folded ones too), the runs.
    alphabet = "xX-?[]<>_ TBDNAMEUKOWſKı/"
    texts = {alphabet[i:j] for i in range(len(alphabet)) for j in range(i + 1, len(alphabet) + 1)}
    texts |= {c * n for c in alphabet for n in (1, 7, 8, 20)}
    assert all(_may_be_placeholder(t) for t in texts if _PLACEHOLDER.search(t))


# -- printability -------------------------------------------------------------------------


def test_vietnamese_prints_in_the_fallback_face(tmp_path: Path, run_cli: Any) -> None:
    name = "Nguy\u1ec5n Th\u1ecb Minh Khai"  # Old Standard has no ễ or ị: EB Garamond has
    holders = _write(tmp_path, HEADER + f"PB 0001,{name},100,{TODAY}\n")
    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert name in pdf_text(out.read_bytes())[0]
    fonts = {str(f["/BaseFont"]) for f in _fonts(out.read_bytes())}
    assert any(f.endswith("+EBGaramond12-Regular") for f in fonts)
    # Every glyph set is a real one (no .notdef, glyph 0, in the registration's line).
    content = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].get_contents().get_data()
    assert b"<0000" not in content


def _fonts(data: bytes) -> list[Any]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        out.extend(f.get_object() for f in fonts.values())
        for xobject in page["/Resources"].get_object().get("/XObject", {}).values():
            resources = xobject.get_object().get("/Resources", {})
            out.extend(f.get_object() for f in resources.get_object().get("/Font", {}).values())
    return out


@pytest.mark.slow  # rasterises the certificate to compare each field's ink
def test_a_vietnamese_certificate_verifies_as_authentic(tmp_path: Path, run_cli: Any) -> None:
    require_tool("pdftoppm")
    holders = _write(tmp_path, HEADER + f"PB 0001,Nguy\u1ec5n V\u0103n An,100,{TODAY}\n")
    out = tmp_path / "certs.pdf"
    assert run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out).exit_code == 0
    result = run_cli("verify", out, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(f"{out}: authentic: certificate PB 0001")


def test_a_chinese_name_is_refused_before_printing(tmp_path: Path, run_cli: Any) -> None:
    holders = _write(tmp_path, HEADER + f"PB 0001,\u5f20\u4f1f,100,{TODAY}\n")
    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = _lines(result.stderr)
    assert line.startswith(f"certgen: error: {holders}, row 2 (certificate PB 0001), field registration: ")
    assert "U+5F20 CJK UNIFIED IDEOGRAPH-5F20" in line and "give the name in Latin letters" in line
    assert "in the spec's fonts.fallback" in line  # the other fix: a CJK font of the spec's (test_cjk.py)
    assert line.endswith("[fields.printable]")
    # The library: a typed exception, before a byte is written.
    holder = Holder("PB 0001", "\u5f20\u4f1f", 100, dt.date.today())
    with pytest.raises(GlyphError) as caught:
        prepare(SAMPLE_SPEC, validate=False).render([holder])
    assert caught.value.field == "registration" and caught.value.chars == "\u5f20\u4f1f"
    assert isinstance(caught.value, certgen.FitError)
    # Greek and Cyrillic print.
    clean = _write(
        tmp_path,
        HEADER
        + f"PB 0001,\u0393\u03b9\u03ce\u03c1\u03b3\u03bf\u03c2 \u041f\u0435\u0442\u0440\u043e\u0432,100,{TODAY}\n",
        "clean.csv",
    )
    assert run_cli("render", SAMPLE_SPEC, "--holders", clean, "-o", out).exit_code == 0


# -- dates --------------------------------------------------------------------------------


def test_a_date_far_ahead_is_refused_unless_the_spec_allows_it(
    tmp_path: Path, run_cli: Any, spec_data: dict, write_spec: Any
) -> None:
    ahead = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    holders = _write(tmp_path, HEADER + f"PB 0001,Jane Doe,100,{ahead}\n")
    result = run_cli("validate", SAMPLE_SPEC, "--holders", holders, "--format", "json")
    assert result.exit_code == 1
    assert [f["id"] for f in yaml.safe_load(result.stdout) if f["severity"] == "error"] == [
        "holder.issue-date-future"
    ]
    spec_data["issue_dates"] = {"days_ahead": 120}
    assert run_cli("validate", write_spec(spec_data), "--holders", holders).exit_code == 0


def test_a_warrant_dated_after_it_expires_is_refused(tmp_path: Path, run_cli: Any) -> None:
    holders = _write(tmp_path, HEADER + "W-1,Jane Doe,100,2009-12-01\nW-2,John Roe,100,2009-11-30\n")
    [finding] = [f for f in validate(WARRANTS / "spec.yaml", holders) if f.severity == "error"]
    assert (finding.rule, finding.row, finding.field) == ("holder.issue-date-life", 2, "issue_date")
    assert "after the warrants expire (2009-11-30, warrant.expires)" in finding.message
    result = run_cli("render", WARRANTS / "spec.yaml", "--holders", holders, "-o", tmp_path / "w.pdf")
    assert result.exit_code == 1 and "[holder.issue-date-life]" in result.stderr


def test_a_note_dated_at_or_after_maturity_is_refused(tmp_path: Path) -> None:
    text = 'certificate_number,registration,principal_amount,issue_date\nR-1,CEDE & CO.,"50,000,000",{}\n'
    late = _write(tmp_path, text.format("2013-05-15"))
    assert [f.rule for f in validate(NOTES / "spec.yaml", late).errors] == ["holder.issue-date-life"]
    assert validate(NOTES / "spec.yaml", _write(tmp_path, text.format("2004-11-26"), "ok.csv")).ok()


# -- one report per row -------------------------------------------------------------------


def test_every_finding_of_a_row_is_reported(tmp_path: Path, run_cli: Any) -> None:
    ahead = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    holders = _write(tmp_path, HEADER + f"PB 0001,Jane Doe,100,{TODAY}\nPB 0002,=TBD,12.5,{ahead}\n")
    rules = sorted(f.rule for f in validate(SAMPLE_SPEC, holders).errors)
    assert rules == ["holder.formula", "holder.issue-date-future", "shares.positive"]
    assert all(f.row == 3 for f in validate(SAMPLE_SPEC, holders).errors)
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1
    lines = _lines(result.stderr)
    for rule in rules:
        assert any(f"[{rule}]" in line and "row 3" in line for line in lines), lines


def test_validate_reads_a_file_without_numbers_as_batch_does(tmp_path: Path, run_cli: Any) -> None:
    holders = _write(tmp_path, f"registration,shares,issue_date\nJane Doe,100,{TODAY}\nJohn Roe,5,{TODAY}\n")
    result = run_cli("validate", SAMPLE_SPEC, "--holders", holders, "--strict")
    assert result.exit_code == 0, result.stdout
    # render prints the numbers the file gives: it has none to print.
    out = tmp_path / "certs.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert "missing column certificate_number" in result.stderr
    bad = _write(
        tmp_path, f"registration,shares,issue_date\nJane Doe,100,{TODAY}\n+cmd|calc,5,{TODAY}\n", "bad.csv"
    )
    result = run_cli("validate", SAMPLE_SPEC, "--holders", bad)
    assert result.exit_code == 1
    assert f"holder.formula  {bad}, row 3, column registration" in result.stdout


# -- restricted shares at DTC -------------------------------------------------------------


def test_restricted_stock_registered_to_cede_is_a_warning(tmp_path: Path, run_cli: Any) -> None:
    spec = RESTRICTED / "spec.yaml"
    holders = _write(tmp_path, HEADER + f'TMR 000001,CEDE & CO.,"250,000",{TODAY}\n')
    [finding] = [f for f in validate(spec, holders) if f.rule == "registration.cede-restricted"]
    assert finding.severity == "warning" and "(security.restricted)" in finding.message
    out = tmp_path / "certs.pdf"
    result = run_cli("render", spec, "--holders", holders, "-o", out)
    assert result.exit_code == 0 and "certgen: warning:" in result.stderr and out.exists()
    assert run_cli("validate", spec, "--holders", holders, "--strict").exit_code == 1
    # The same registration on unrestricted stock is DTC's ordinary case.
    assert "registration.cede-restricted" not in validate(SAMPLE_SPEC, holders).ids()


def test_a_legend_alone_makes_the_stock_restricted(tmp_path: Path) -> None:
    data = load_sample(RESTRICTED / "spec.yaml")
    data["security"]["restricted"] = False
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    holders = _write(tmp_path, HEADER + f'TMR 000001,CEDE & CO.,"250,000",{TODAY}\n')
    [finding] = [f for f in validate(spec, holders) if f.rule == "registration.cede-restricted"]
    assert "legend 'securities-act', legends[0]" in finding.message


def test_a_json_value_that_is_a_list_or_an_object_is_refused(tmp_path: Path, run_cli) -> None:
    """A JSON holder file whose registration or extra column is a list or an object: refused
    naming the row and column (it used to print as Python's "['=cmd']"); a scalar twin passes."""
    import json

    rows = [
        {
            "certificate_number": "PB 0001",
            "registration": "Jane Doe",
            "shares": 100,
            "issue_date": "2026-11-23",
        },
        {
            "certificate_number": "PB 0002",
            "registration": ["=cmd"],
            "shares": 100,
            "issue_date": "2026-11-23",
        },
        {
            "certificate_number": "PB 0003",
            "registration": "John Roe",
            "shares": 100,
            "issue_date": "2026-11-23",
            "note": {"a": 1},
        },
    ]
    bad = tmp_path / "holders.json"
    bad.write_text(json.dumps(rows), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = run_cli("render", SAMPLE_SPEC, "--holders", bad, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert "row 2" in result.stderr and "column registration: is a list, not a value" in result.stderr
    assert "row 3" in result.stderr and "column note: is an object, not a value" in result.stderr
    assert "['=cmd']" not in result.stderr
    good = tmp_path / "good.json"
    good.write_text(json.dumps([rows[0]]), encoding="utf-8")
    assert run_cli("render", SAMPLE_SPEC, "--holders", good, "-o", out).exit_code == 0
