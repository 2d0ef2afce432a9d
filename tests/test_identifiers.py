"""security.identifiers: the identifiers a face prints, each with its label and grouping
(CUSIP NO., Cusip, 6-3, two CUSIPs, an XS ISIN and a Common Code, a form's blank), checked
by the spec rules (naming the list's index) and found again by the PDF rules."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import certgen
from certgen.model.identifiers import format_cusip, format_identifier
from certgen.pdftext import read_pdf
from certgen.signing.signers import certificate_payload
from certgen.spec.holders import Holder
from certgen.validation.pdf_rules import check_pdf
from conftest import ROOT, SAMPLE_SPEC, load_sample
from handmade import handmade_certificate

NOTES = ROOT / "samples" / "thornburg-notes-global" / "spec.yaml"
WARRANTS = ROOT / "samples" / "thornburg-warrants" / "spec.yaml"

#: Alphabet's euro global note: CUSIP printed 6+3, an ISIN beginning XS, the Common Code.
ALPHABET = [
    {"scheme": "cusip", "value": "02079K AQ0", "label": "CUSIP:", "grouping": "6-3"},
    {"scheme": "isin", "value": "XS3064423174", "label": "ISIN NUMBER:"},
    {"scheme": "common_code", "value": 306442317, "label": "COMMON CODE:"},
]


def _with(sample: Path, identifiers: list[dict[str, Any]] | None, **security: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_sample(sample))
    data["security"].pop("cusip", None)
    data["security"].pop("isin", None)
    if identifiers is not None:
        data["security"]["identifiers"] = identifiers
    data["security"].update(security)
    return data


def _face(data: dict[str, Any], tmp_path: Path) -> str:
    """The face of the spec's blank form, in reading order, on one line."""
    pdf = certgen.render(certgen.load_spec(data, base_dir=tmp_path))
    return " ".join(read_pdf(pdf)[0].reading.split())


def _findings(data: dict[str, Any], write_spec: Any, holders: Path | None = None) -> list[certgen.Finding]:
    return list(certgen.validate(write_spec(data), holders))


# -- printing ---------------------------------------------------------------------------------


def test_groupings() -> None:
    assert format_cusip("885218305") == "885218 30 5"
    assert format_cusip("02079KAB3", "6-3") == "02079K AB3"
    assert format_cusip("885218305", "none") == "885218305"
    assert format_cusip("885218", "6-3") == "885218"  # a form's issuer number prints as it is
    assert format_identifier("isin", "XS3064423174") == "XS3064423174"
    assert format_identifier("cusip", None, "6-2-1") == "__________"


@pytest.mark.parametrize(
    ("identifier", "printed"),
    [
        ({"scheme": "cusip", "value": "885218305"}, "CUSIP 885218 30 5"),
        ({"scheme": "cusip", "value": "885218305", "label": "CUSIP NO."}, "CUSIP NO. 885218 30 5"),
        ({"scheme": "cusip", "value": "885218305", "label": "Cusip", "grouping": "6-3"}, "Cusip 885218 305"),
        ({"scheme": "cusip", "value": "885218 30 5", "grouping": "none"}, "CUSIP 885218305"),
        ({"scheme": "cusip", "label": "CUSIP NO.", "blank": True}, "CUSIP NO. __________"),
        ({"scheme": "cusip", "label": "Cusip"}, "Cusip __________"),  # no value: a blank too
        ({"scheme": "other", "value": "A0B1C2", "label": "WKN"}, "WKN A0B1C2"),
    ],
)
def test_each_label_and_grouping_prints_on_the_stock_face(
    identifier: dict[str, Any], printed: str, tmp_path: Path
) -> None:
    face = _face(_with(SAMPLE_SPEC, [identifier]), tmp_path)
    assert printed in face, face
    assert face.count("CUSIP") + face.count("Cusip") <= 1


def test_notes_face_prints_cusip_xs_isin_and_common_code(tmp_path: Path) -> None:
    face = _face(_with(NOTES, ALPHABET), tmp_path)
    assert "CUSIP: 02079K AQ0 ISIN NUMBER: XS3064423174 COMMON CODE: 306442317" in face, face


@pytest.mark.parametrize("sample", [SAMPLE_SPEC, NOTES, WARRANTS], ids=["stock", "notes", "warrants"])
def test_two_cusips_print_in_order_on_every_face(sample: Path, tmp_path: Path) -> None:
    ids = [
        {"scheme": "cusip", "value": "885218AB3", "label": "144A CUSIP"},
        {"scheme": "cusip", "value": "U8852AAA4", "label": "Reg S CUSIP"},
        {"scheme": "isin", "value": "US885218AB33"},
    ]
    face = _face(_with(sample, ids), tmp_path)
    first, second = face.find("144A CUSIP 885218 AB 3"), face.find("Reg S CUSIP U8852A AA 4")
    assert 0 <= first < second, face
    assert "ISIN US885218AB33" in face


def test_without_the_list_the_face_prints_security_cusip_as_before(tmp_path: Path) -> None:
    data = load_sample(SAMPLE_SPEC)
    spec = certgen.load_spec(data, base_dir=tmp_path)
    assert spec.security.identifiers is None and spec.security.cusips == ["885218305"]
    assert "CUSIP 885218 30 5" in _face(data, tmp_path)


# -- the spec ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifiers", "security", "field", "fragment"),
    [
        ([{"scheme": "cusip", "value": "885218305", "blank": True}], {}, "security.identifiers[0].blank",
         "give the value or blank: true"),
        ([{"scheme": "other", "value": "A0B1C2"}], {}, "security.identifiers[0].label", "needs its label"),
        ([{"scheme": "isin", "value": "XS3064423174", "grouping": "6-3"}], {},
         "security.identifiers[0].grouping", "prints as given"),
        ([{"scheme": "cusip", "value": "885218AB3"}], {"cusip": "885218305"}, "security.cusip",
         "885218305 is not among security.identifiers"),
        ([{"scheme": "cusip", "value": "885218305"}] * 4, {}, "security.identifiers", "at most 3"),
        ([{"scheme": "sedol", "value": "2046251"}], {}, "security.identifiers[0].scheme", "must be"),
    ],
)  # fmt: skip
def test_bad_identifier_is_a_one_line_spec_error_naming_its_field(
    identifiers: list[dict[str, Any]], security: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(certgen.SpecError) as info:
        certgen.load_spec(_with(SAMPLE_SPEC, identifiers, **security))
    assert info.value.field == field, str(info.value)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_wrong_check_digit_in_the_second_identifier_is_named_with_its_index(write_spec: Any) -> None:
    ids = [{"scheme": "cusip", "value": "885218305"}, {"scheme": "cusip", "value": "885218AB4"}]
    found = [f for f in _findings(_with(SAMPLE_SPEC, ids), write_spec) if f.rule == "cusip.check-digit"]
    assert len(found) == 1
    assert found[0].field == "security.identifiers[1].value"
    assert "line " in found[0].location and found[0].location.endswith("security.identifiers[1].value")
    assert "gives '3'" in found[0].message

    ids = [{"scheme": "cusip", "value": "885218305"}, {"scheme": "isin", "value": "XS3064423175"}]
    [isin] = [f for f in _findings(_with(SAMPLE_SPEC, ids), write_spec) if f.rule == "isin.check-digit"]
    assert isin.field == "security.identifiers[1].value" and "gives '4'" in isin.message


def test_an_xs_isin_need_not_embed_the_cusip_but_a_us_isin_must_embed_a_listed_one(write_spec: Any) -> None:
    ids = [{"scheme": "cusip", "value": "885218305"}, *ALPHABET[1:]]
    assert not {"isin.cusip-mismatch", "isin.check-digit", "common-code.format"} & {
        f.rule for f in _findings(_with(SAMPLE_SPEC, ids), write_spec)
    }
    two = [
        {"scheme": "cusip", "value": "885218AB3"},
        {"scheme": "cusip", "value": "885218305"},
        {"scheme": "isin", "value": "US8852183057"},  # embeds the second CUSIP: fine
        {"scheme": "isin", "value": "US0378331005"},
    ]
    found = [f for f in _findings(_with(SAMPLE_SPEC, two[:3]), write_spec) if f.rule == "isin.cusip-mismatch"]
    assert found == []
    two[2] = two[3]
    [mismatch] = [
        f for f in _findings(_with(SAMPLE_SPEC, two[:3]), write_spec) if f.rule == "isin.cusip-mismatch"
    ]
    assert mismatch.field == "security.identifiers[2].value"
    assert "security.identifiers[0].value is 885218AB3, security.identifiers[1].value is 885218305" in (
        mismatch.message
    )


def test_a_blank_is_fine_on_the_form_and_an_error_on_issued_certificates(write_spec: Any) -> None:
    data = _with(SAMPLE_SPEC, [{"scheme": "cusip", "label": "CUSIP NO.", "blank": True}])
    assert not [f for f in _findings(data, write_spec) if f.severity == "error"]
    holders = SAMPLE_SPEC.parent / "holders.csv"
    [blank] = [f for f in _findings(data, write_spec, holders) if f.rule == "spec.placeholder"]
    assert blank.severity == "error" and blank.field == "security.identifiers[0].value"
    assert "CUSIP NO. __________ is left to be filled in" in blank.message


def test_the_qr_code_signs_security_cusip_or_the_first_listed_cusip() -> None:
    holder = Holder("PB 0001", "JANE Q. PUBLIC", 100, dt.date(2026, 11, 23))
    ids = [
        {"scheme": "isin", "value": "XS3064423174"},
        {"scheme": "cusip", "value": "885218AB3"},
        {"scheme": "cusip", "value": "885218305"},
    ]
    first = certgen.load_spec(_with(SAMPLE_SPEC, ids))
    assert certificate_payload(first, holder).cusip == "885218AB3"
    chosen = certgen.load_spec(_with(SAMPLE_SPEC, ids, cusip="885218 30 5"))
    assert certificate_payload(chosen, holder).cusip == "885218305"
    blank = certgen.load_spec(_with(SAMPLE_SPEC, [{"scheme": "cusip", "blank": True}]))
    assert certificate_payload(blank, holder).cusip == ""


# -- the PDF rules ----------------------------------------------------------------------------


def _legends() -> list[str]:
    from certgen.pipeline import resolve_legends

    return [legend.text for legend in resolve_legends(certgen.load_spec(SAMPLE_SPEC))]


def test_validate_pdf_passes_a_face_printed_cusip_6_3(run_cli: Any, write_spec: Any, tmp_path: Path) -> None:
    ids = [{"scheme": "cusip", "value": "02079KAB3", "label": "Cusip", "grouping": "6-3"}]
    spec = write_spec(_with(SAMPLE_SPEC, ids))
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(handmade_certificate(_legends(), cusip="02079K AB3", cusip_label="Cusip"))
    result = run_cli("validate", spec, "--pdf", pdf)
    assert result.exit_code == 0, result.stdout
    assert "pdf.cusip" not in result.stdout

    pdf.write_bytes(handmade_certificate(_legends(), cusip="02079K AB4", cusip_label="Cusip"))
    result = run_cli("validate", spec, "--pdf", pdf)
    assert result.exit_code == 1
    assert "the printed CUSIP 02079K AB4 has check digit '4'; 02079KAB gives '3'" in " ".join(
        result.stdout.split()
    )


def test_pdf_rule_reads_each_label_and_grouping() -> None:
    labels = ["CUSIP NO.", "Cusip", "CUSIP No.:", "CUSIP NUMBER", "CUSIP (Rule 144A):", "Reg S CUSIP"]
    for label in labels:
        for printed in ("885218 306", "885218 30 6", "885218306"):
            pdf = handmade_certificate(_legends(), cusip=printed, cusip_label=label)
            found = [f.message for f in check_pdf("x.pdf", read_pdf(pdf), None) if f.rule == "pdf.cusip"]
            assert found == [f"the printed CUSIP {printed} has check digit '6'; 88521830 gives '5'"], label


def test_a_forms_blank_cusip_is_not_read_from_the_next_words() -> None:
    # The form's CUSIP NO. has its blank drawn as a rule: the words after it are not a CUSIP.
    for after in ("PRINCIPAL AMOUNT", "SERIES B", "______"):
        pdf = handmade_certificate(_legends(), cusip=after, cusip_label="CUSIP NO.")
        found = [f for f in check_pdf("x.pdf", read_pdf(pdf), None) if f.rule == "pdf.cusip"]
        assert [(f.severity, f.message) for f in found] == [("warning", "no CUSIP printed on the face")], (
            after
        )


def test_pdf_rule_wants_every_listed_cusip(tmp_path: Path) -> None:
    ids = [
        {"scheme": "cusip", "value": "885218305", "label": "144A CUSIP"},
        {"scheme": "cusip", "value": "885218AB3", "label": "Reg S CUSIP"},
    ]
    spec = certgen.load_spec(_with(SAMPLE_SPEC, ids), base_dir=tmp_path)
    pdf = handmade_certificate(_legends(), cusip="885218 30 5", cusip_label="144A CUSIP")
    found = [f.message for f in check_pdf("x.pdf", read_pdf(pdf), spec) if f.rule == "pdf.cusip"]
    assert found == ["the face does not print the CUSIP 885218AB3 (it prints 885218305)"]
    assert not [f for f in check_pdf("x.pdf", read_pdf(certgen.render(spec)), spec) if f.rule == "pdf.cusip"]
