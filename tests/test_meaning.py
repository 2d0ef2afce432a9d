"""The validator judges what a certificate says, not how its spec names things.

Legends are recognised by their words (:func:`certgen.validation.text.classify_legend`), whatever
the spec calls them; a form (the blank form, an excerpt of a filed form, a specimen) may keep its
blanks and lack what its copy does not reach; what the face prints agrees with the spec's facts;
and ``certgen validate --pdf`` passes every sample's form and certificates, with or without the
spec.  Each case is a defective variant that is caught and its clean twin that passes, most of
them taken from the filed forms the samples reproduce (tests/data/examples/).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml

import certgen
from certgen.pipeline import resolve_legends
from certgen.validation.text import classify_legend
from conftest import ROOT, SAMPLE_HOLDERS, SAMPLE_SPEC, load_sample, pdf_text

SAMPLES = ROOT / "samples"


def _report(data: dict[str, Any], tmp_path: Path, holders: Any = None) -> certgen.Report:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return certgen.validate(spec, holders)


def _sample(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_sample(SAMPLES / name / "spec.yaml"))


def _found(report: certgen.Report, rule: str) -> list[certgen.Finding]:
    return [f for f in report if f.rule == rule]


# -- legends recognised by what they say ------------------------------------------------------

ERISA = (
    "BY ITS ACQUISITION OF THIS NOTE, EACH HOLDER REPRESENTS THAT EITHER (1) IT IS NOT ACQUIRING THIS NOTE WITH "
    "THE ASSETS OF AN EMPLOYEE BENEFIT PLAN SUBJECT TO TITLE I OF ERISA OR A PLAN SUBJECT TO SECTION 4975 OF THE "
    "CODE, OR (2) ITS ACQUISITION AND HOLDING OF THIS NOTE WILL NOT CONSTITUTE A NON-EXEMPT PROHIBITED TRANSACTION."
)
QIB_SENTENCE_CASE = (
    "This Security has not been registered under the U.S. Securities Act of 1933. Neither this Security nor any "
    "interest herein may be offered, sold or otherwise transferred except to a person whom the seller "
    "reasonably believes is a qualified institutional buyer within the meaning of Rule 144A."
)
NOL = (
    "THE TRANSFER OF THE SECURITIES REPRESENTED HEREBY IS SUBJECT TO RESTRICTIONS PURSUANT TO ARTICLE FIFTH OF "
    "THE CERTIFICATE OF INCORPORATION, WHICH PROHIBITS ANY PERSON FROM BECOMING A 5-PERCENT SHAREHOLDER WITHIN "
    "THE MEANING OF SECTION 382 OF THE INTERNAL REVENUE CODE."
)
REG_S_NO_HEDGING = (
    "THE SHARES HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT AND WERE SOLD IN RELIANCE ON REGULATION S. "
    "TRANSFER IS PROHIBITED EXCEPT IN ACCORDANCE WITH REGULATION S, PURSUANT TO REGISTRATION OR AN EXEMPTION."
)
REG_S = (
    REG_S_NO_HEDGING
    + " NO HEDGING TRANSACTIONS MAY BE CONDUCTED UNLESS IN COMPLIANCE WITH THE SECURITIES ACT."
)


def _example_legend(sample: str, name: str) -> str:
    [text] = [legend["text"] for legend in _sample(sample)["legends"] if legend.get("name") == name]
    return str(text)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # the statement of designations in the words of five filed forms (and the French of one)
        (lambda: _example_legend("acorda-computershare-common", "designations"), {"designations"}),
        (lambda: _example_legend("supportsoft-common-reverse", "designations"), {"designations"}),
        (lambda: _example_legend("cenex-coop-preferred", "designations"), {"designations"}),
        (lambda: _example_legend("canadian-bilingual-common-reverse", "rights-en"), {"designations"}),
        (lambda: _example_legend("canadian-bilingual-common-reverse", "rights-fr"), {"designations"}),
        # restrictions, depositaries
        (lambda: _example_legend("capital-1347-restricted-warrant", "securities-act"), {"securities-act"}),
        (
            lambda: _example_legend("auction-rate-fund-preferred", "auction-transfer"),
            {"transfer-restriction"},
        ),
        (lambda: _example_legend("alphabet-euro-global-note", "depositary"), {"common-depositary"}),
        (lambda: _example_legend("alphabet-euro-global-note", "global-security"), {"global-security"}),
        (lambda: ERISA, {"erisa"}),
        (lambda: QIB_SENTENCE_CASE, {"securities-act", "rule-144a"}),
        (lambda: NOL, {"nol"}),
        (lambda: REG_S, {"securities-act", "regulation-s"}),
        (
            lambda: (
                "Any United States person who holds this obligation will be subject to limitations under the "
                "United States income tax laws, including the limitations provided in Sections 165(j) and 1287(a) "
                "of the Internal Revenue Code."
            ),
            {"tefra"},
        ),
        (
            lambda: (
                "Transfer of these shares is subject to the restrictions set forth in the Stockholders "
                "Agreement dated as of May 1, 2020."
            ),
            {"transfer-restriction"},
        ),
        (
            lambda: "THE SHARES OF SERIES A PREFERRED STOCK ARE REDEEMABLE AT THE OPTION OF THE CORPORATION.",
            {"redemption"},
        ),
    ],
)
def test_legends_are_classified_by_their_words(text: Callable[[], str], kinds: set[str]) -> None:
    assert classify_legend(text()) == frozenset(kinds)


def test_the_will_furnish_statement_makes_no_class_redeemable() -> None:
    """Maryland's statement lists 'terms and conditions of redemption of the stock of each class'."""
    [text] = [
        legend.text
        for legend in resolve_legends(certgen.load_spec(SAMPLE_SPEC))
        if legend.name == "designations"
    ]
    assert "REDEMPTION" in text and "CONVERSION" in text
    assert classify_legend(text) == {"designations"}


def test_restricted_stock_legend_is_recognised_whatever_its_name(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["security"]["restricted"] = True
    # The Securities Act legend of a purchase agreement, called "private".
    data["legends"].append({"name": "private", "text": QIB_SENTENCE_CASE.upper()})
    report = _report(data, tmp_path)
    assert "legend.securities-act" not in report.ids(), [str(f) for f in report]
    # An ERISA legend named securities-act is not a Securities Act legend.
    data["legends"][-1] = {"name": "securities-act", "text": ERISA}
    assert _found(_report(data, tmp_path), "legend.securities-act")


def test_private_placement_legend_of_notes_whatever_its_name(tmp_path: Path) -> None:
    data = _sample("thornburg-notes-144a")
    data["legends"][0] = {"name": "qib", "text": QIB_SENTENCE_CASE.upper(), "placement": "face"}
    assert "note.private-placement" not in _report(data, tmp_path).ids()
    data["legends"][0] = {"name": "rule-144a", "text": ERISA, "placement": "face"}
    found = _found(_report(data, tmp_path), "note.private-placement")
    assert found and found[0].severity == "error"


def test_the_dtc_legend_belongs_on_the_face_of_a_dtc_global_note(tmp_path: Path) -> None:
    data = _sample("thornburg-notes-global")
    data["legends"][0]["name"] = "depository"  # any name
    assert "note.dtc-legend" not in _report(data, tmp_path).ids()
    data["legends"][0]["placement"] = "reverse"
    [finding] = _found(_report(data, tmp_path), "note.dtc-legend")
    assert "'depository' is printed on the reverse" in finding.message
    assert finding.field == "legends[0].placement"


def test_a_global_note_without_a_depositary_needs_no_global_legend(tmp_path: Path) -> None:
    data = _sample("thornburg-notes-global")
    data["legends"] = [legend for legend in data["legends"] if legend["name"] != "global-security"]
    assert _found(_report(data, tmp_path), "note.global-legend")
    data["security"]["depositary"] = "none"
    report = _report(data, tmp_path)
    assert not {"note.global-legend", "note.dtc-legend", "note.cusip"} & report.ids(), [
        str(f) for f in report
    ]


def test_california_redeemable_class_needs_its_own_statement(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["issuer"]["state"] = "CA"
    data["security"]["redeemable"] = True
    data["face"]["incorporated"] = None
    # The generic statement ("... TERMS AND CONDITIONS OF REDEMPTION OF THE STOCK OF EACH CLASS ...") is no
    # statement that these shares are redeemable.
    [finding] = _found(_report(data, tmp_path), "legend.california-418")
    assert "redeemable" in finding.message
    data["legends"].append(
        {
            "name": "terms",
            "text": "THE SERIES B PREFERRED STOCK IS REDEEMABLE AT THE OPTION OF THE CORPORATION.",
        }
    )
    assert "legend.california-418" not in _report(data, tmp_path).ids()


def test_regulation_s_legend_needs_both_elements(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["security"]["regulation_s"] = True
    data["legends"].append({"name": "offshore", "text": REG_S_NO_HEDGING})
    [finding] = _found(_report(data, tmp_path), "legend.regulation-s")
    assert "hedging" in finding.message and finding.field == "legends[3].text"
    data["legends"][-1]["text"] = REG_S
    assert "legend.regulation-s" not in _report(data, tmp_path).ids()


def test_restriction_legends_are_conspicuous_whatever_they_are_called(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["legends"].append({"name": "article-fifth", "text": NOL.capitalize()})
    [finding] = _found(_report(data, tmp_path), "legend.conspicuous")
    assert finding.severity == "warning" and "'article-fifth'" in finding.message
    data["legends"][-1]["text"] = NOL
    assert "legend.conspicuous" not in _report(data, tmp_path).ids()


def test_an_excerpts_sentence_case_restriction_is_a_note(tmp_path: Path) -> None:
    """The auction rate fund's restriction is in sentence case in the copy, whose type is not known."""
    report = certgen.validate(SAMPLES / "auction-rate-fund-preferred" / "spec.yaml")
    [finding] = _found(report, "legend.conspicuous")
    assert finding.severity == "info" and "type is not known" in finding.message


# -- forms are not certificates -----------------------------------------------------------------


def test_drafting_brackets_are_a_note_on_a_form_and_an_error_when_issued(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["security"]["title"] = "SERIES [G/H] Cumulative Preferred Stock"
    [note] = _found(_report(data, tmp_path), "spec.placeholder")
    assert note.severity == "info" and "'[G/H]'" in note.message
    [error] = _found(_report(data, tmp_path, SAMPLE_HOLDERS), "spec.placeholder")
    assert error.severity == "error"
    data["security"]["title"] = "Series B Cumulative Preferred Stock"
    assert "spec.placeholder" not in _report(data, tmp_path, SAMPLE_HOLDERS).ids()


def test_without_par_value_in_the_title_is_a_par_value_statement(tmp_path: Path) -> None:
    data = _sample("thornburg-common")
    data["security"]["par_value"] = None
    data["face"] = {**data.get("face", {}), "shares_clause": "FULLY PAID AND NON-ASSESSABLE SHARES OF THE"}
    assert _found(_report(data, tmp_path), "face.par-value")
    data["security"]["title"] = "Common Stock, Without Par Value"
    assert "face.par-value" not in _report(data, tmp_path).ids()


def test_par_value_is_a_us_rule(tmp_path: Path) -> None:
    """Canada's shares have no par value (CBCA s. 24(1)): the Canadian form is not asked for one."""
    report = certgen.validate(SAMPLES / "canadian-bilingual-common-reverse" / "spec.yaml")
    assert "face.par-value" not in report.ids()
    data = _sample("canadian-bilingual-common-reverse")
    data["issuer"] = {**data["issuer"], "jurisdiction": None, "state": "DE"}
    data["issuer"].pop("jurisdiction")
    assert _found(_report(data, tmp_path), "face.par-value")


def test_a_countersignature_printed_as_captions_counts(tmp_path: Path) -> None:
    """The auction rate fund's form prints 'As Transfer Agent and Registrar / By: / Authorized Signature'."""
    assert (
        "countersignature.agent"
        not in certgen.validate(SAMPLES / "auction-rate-fund-preferred" / "spec.yaml").ids()
    )
    data = _sample("auction-rate-fund-preferred")
    data["face"]["parts"] = [
        p for p in data["face"]["parts"] if not (isinstance(p, dict) and "Authorized Signature" in str(p))
    ]
    assert _found(_report(data, tmp_path), "countersignature.agent")


def test_a_date_in_the_witness_clause_is_the_dated_line(tmp_path: Path) -> None:
    """'... this ___ day of ___, ___ A.D.': the auction rate fund's and Cenex's forms are dated."""
    report = certgen.validate(SAMPLES / "auction-rate-fund-preferred" / "spec.yaml")
    assert not {"face.dated", "face.witness"} & report.ids()
    data = _sample("auction-rate-fund-preferred")
    data["face"]["parts"] = [
        p for p in data["face"]["parts"] if not (isinstance(p, dict) and "WITNESS" in str(p.get("text", "")))
    ]
    assert {"face.dated", "face.witness"} <= _report(data, tmp_path).ids()


def test_cusip_is_not_asked_of_a_note_held_for_euroclear(tmp_path: Path, spec_data: dict) -> None:
    data = _sample("thornburg-notes-global")
    data["security"]["cusip"] = None
    data["security"]["isin"] = None
    holders = [{"certificate_number": "R-1", "registration": "CEDE & CO.", "principal_amount": "1,000,000",
                "issue_date": "2004-11-26"}]  # fmt: skip
    assert _found(_report(data, tmp_path, holders), "note.cusip")
    data["security"]["depositary"] = "common_depositary"
    data["security"]["isin"] = "XS0000000009"
    report = _report(data, tmp_path, holders)
    assert not {"cusip.missing", "note.cusip"} & report.ids()


# -- the face agrees with the spec ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("THE SHARES ARE $.10 PAR VALUE SHARES.", "'$.10 PAR VALUE' is not the par value"),
        ("THORNBURG MORTGAGE, INC., A DELAWARE CORPORATION, WILL FURNISH ...", "A DELAWARE CORPORATION"),
        ("THE CORPORATION IS INCORPORATED UNDER THE LAWS OF THE STATE OF DELAWARE.", "STATE OF DELAWARE"),
    ],
)
def test_a_legend_that_contradicts_the_spec_is_caught(text: str, fragment: str, tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["legends"].append({"name": "other", "text": text})
    found = [f for f in _report(data, tmp_path) if f.rule in ("face.facts", "face.jurisdiction")]
    assert found and found[0].severity == "error" and fragment in found[0].message, [str(f) for f in found]
    data["legends"][-1]["text"] = text.replace("$.10", "$.01").replace("DELAWARE", "MARYLAND")
    assert not {"face.facts", "face.jurisdiction"} & _report(data, tmp_path).ids()


def test_the_shares_clause_names_the_spec_s_class(tmp_path: Path) -> None:
    data = _sample("thornburg-series-b")
    data["face"]["shares_clause"] = (
        "FULLY PAID AND NON-ASSESSABLE SHARES OF THE SERIES A CUMULATIVE PREFERRED STOCK"
    )
    [finding] = _found(_report(data, tmp_path), "face.facts")
    assert "series A" in finding.message
    data["face"]["shares_clause"] = "FULLY PAID AND NON-ASSESSABLE SHARES OF THE COMMON STOCK, $.01 PAR VALUE"
    [finding] = _found(_report(data, tmp_path), "face.facts")
    assert "'SHARES OF THE COMMON STOCK'" in finding.message and "preferred_stock" in finding.message
    data["face"]["shares_clause"] = (
        "FULLY PAID AND NON-ASSESSABLE SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK"
    )
    assert "face.facts" not in _report(data, tmp_path).ids()


def test_the_pdf_face_agrees_with_the_spec(tmp_path: Path) -> None:
    data = load_sample(SAMPLE_SPEC)
    data["face"]["incorporated"] = "INCORPORATED UNDER THE LAWS OF THE STATE OF DELAWARE"
    data["face"]["shares_clause"] = (
        "FULLY PAID AND NON-ASSESSABLE SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK, $.10 PAR VALUE, OF"
    )
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(certgen.prepare(data, validate=False).render())
    found = _found(certgen.validate(SAMPLE_SPEC, pdf=pdf), "pdf.facts")
    assert [f.severity for f in found] == ["error"] * len(found) and found
    assert any("'$.10 PAR VALUE'" in f.message for f in found), [str(f) for f in found]
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(certgen.render(SAMPLE_SPEC))
    assert "pdf.facts" not in certgen.validate(SAMPLE_SPEC, pdf=clean).ids()


def _twice(pdf: bytes) -> bytes:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for _ in range(2):
        for page in reader.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_two_certificates_with_one_number_in_a_pdf(tmp_path: Path) -> None:
    rows = certgen.load_holders(SAMPLE_HOLDERS)
    one = certgen.render(SAMPLE_SPEC, rows[:1])
    pdf = tmp_path / "twice.pdf"
    pdf.write_bytes(_twice(one))
    for spec in (SAMPLE_SPEC, None):
        [finding] = _found(certgen.validate(spec, pdf=pdf), "pdf.duplicate-number")
        assert finding.severity == "error" and finding.page == 3 and "page 1" in finding.message
    two = tmp_path / "two.pdf"
    two.write_bytes(certgen.render(SAMPLE_SPEC, rows[:2]))
    assert "pdf.duplicate-number" not in certgen.validate(pdf=two).ids()
    # A form's or specimen's number is no certificate's: two blank forms are no duplicate.
    forms = tmp_path / "forms.pdf"
    forms.write_bytes(_twice(certgen.render(SAMPLE_SPEC)))
    assert "pdf.duplicate-number" not in certgen.validate(pdf=forms).ids()


# -- validate --pdf without a spec -----------------------------------------------------------------


@pytest.mark.parametrize("title", ["Chief Executive Officer", "General Counsel", "Clerk"])
def test_one_officer_of_any_title_signs_without_a_spec(title: str, tmp_path: Path) -> None:
    from test_validation import _legends

    from handmade import handmade_certificate

    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(handmade_certificate(_legends(), officers=(title,)))
    assert "pdf.signatures" not in certgen.validate(pdf=pdf).ids()
    pdf.write_bytes(handmade_certificate(_legends(), officers=()))
    [finding] = _found(certgen.validate(pdf=pdf), "pdf.signatures")
    assert finding.severity == "error"


SAMPLE_DIRS = sorted(p.parent for p in SAMPLES.glob("*/spec.yaml"))


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_validate_pdf_passes_every_sample_with_and_without_its_spec(
    sample: Path, tmp_path: Path, run_cli
) -> None:
    spec = sample / "spec.yaml"
    form = tmp_path / "form.pdf"
    assert run_cli("render", spec, "-o", form).exit_code == 0
    pdfs = [form]
    if (sample / "holders.csv").exists():
        certs = tmp_path / "certs.pdf"
        assert run_cli("render", spec, "--holders", sample / "holders.csv", "-o", certs).exit_code == 0
        pdfs.append(certs)
    for pdf in pdfs:
        for extra in ((), ("--spec", spec)):
            result = run_cli("validate", "--pdf", pdf, *extra)
            assert result.exit_code == 0, (pdf.name, extra, result.stdout, result.stderr)


def test_a_warrant_form_may_leave_its_expiry_blank(tmp_path: Path) -> None:
    data = _sample("thornburg-warrants")
    data["warrant"]["expires"] = None
    [note] = _found(_report(data, tmp_path), "warrant.terms")
    assert note.severity == "info" and "leaves the expiration date blank" in note.message
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(certgen.render(tmp_path / "spec.yaml"))
    assert "ON ____________" in " ".join(pdf_text(pdf.read_bytes())[0].split())
    assert certgen.validate(pdf=pdf).ok() and certgen.validate(tmp_path / "spec.yaml", pdf=pdf).ok()
    holders = [
        {"certificate_number": "W-9", "registration": "Jane Doe", "shares": "5", "issue_date": "2004-12-01"}
    ]
    [error] = _found(_report(data, tmp_path, holders), "warrant.terms")
    assert error.severity == "error" and "no expiration date" in error.message
    with pytest.raises(certgen.ValidationError, match="warrant.terms"):
        certgen.render(tmp_path / "spec.yaml", holders)


def test_a_certificate_missing_a_run_of_its_forms_text_is_refused(tmp_path: Path) -> None:
    """A forger drops the static run that prints "FULLY PAID AND NON-ASSESSABLE SHARES ..., $.01
    PAR VALUE", the transfer clause, the witness clause and "Dated:" (verify compares only the
    signed fields): validate --pdf --spec finds the page lacks lines of the form.  The genuine
    file, and the fields printed alone onto security paper, pass."""
    from certgen.drawing import PrintOptions

    holders = certgen.load_holders(SAMPLE_HOLDERS)
    issue = certgen.prepare(SAMPLE_SPEC)
    genuine = issue.render(holders)
    assert certgen.validate(SAMPLE_SPEC, pdf=genuine).ok(strict=True)

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(genuine))
    page = writer.pages[0]
    content = page.get_contents()
    data = content.get_data()
    run = next(name for name in page["/Resources"]["/XObject"] if name.endswith("static0x4"))
    assert data.count(f"{run} Do".encode()) == 1
    content.set_data(data.replace(f"{run} Do".encode(), b""))
    page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    forged = buffer.getvalue()
    assert "FULLY PAID" not in pdf_text(forged)[0] and "FULLY PAID" in pdf_text(forged)[2]
    report = certgen.validate(SAMPLE_SPEC, pdf=forged)
    found = [f for f in report if f.rule == "pdf.form-text"]
    assert len(found) == 1 and found[0].severity == "error", [str(f) for f in report]
    assert "page 1" in str(found[0]) and "'FULLYPAIDANDNON-ASSESSABLE" in found[0].message
    assert "lines of fixed text" in found[0].message

    overlay = io.BytesIO()
    issue.write(overlay, holders, options=PrintOptions(order="pages", fields_only=True))
    assert not [f for f in certgen.validate(SAMPLE_SPEC, pdf=overlay.getvalue()) if f.rule == "pdf.form-text"]
