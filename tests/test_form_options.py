"""The spec's form options: parts a form does not print, the reading order of the heading,
the blank form's values, the sides of an excerpt, and the wording keys the filed forms need."""

from __future__ import annotations

from typing import Any

import pytest

import certgen
from certgen.layout.elements import Text
from conftest import pdf_text, words


def _face_reverse(spec_data: dict[str, Any]) -> tuple[str, str]:
    face, reverse = (" ".join(t.split()) for t in pdf_text(certgen.render(spec_data)))
    return face, reverse


def _texts(spec_data: dict[str, Any], page: int) -> list[Text]:
    issue = certgen.prepare(spec_data)
    return [e for e in issue.pages[page].static if isinstance(e, Text)]


def test_an_empty_phrase_is_a_part_the_form_does_not_print(spec_data: dict) -> None:
    face, reverse = _face_reverse(spec_data)
    assert "SEE REVERSE FOR CERTAIN DEFINITIONS" in face and "Dated:" in face
    assert "Signature(s) Guaranteed" in reverse and "UNIF TRF MIN ACT" in reverse
    spec_data["face"].update(see_reverse="", dated=None)
    spec_data["reverse"].update(guaranteed="", transfers_act="")
    face, reverse = _face_reverse(spec_data)
    assert "SEE REVERSE" not in face and "Dated" not in face
    assert "Guaranteed" not in reverse and "UNIF TRF MIN ACT" not in reverse
    assert "UNIF GIFT MIN ACT" in reverse  # only the parts set empty go


def test_face_order_sets_the_reading_order_not_the_places(spec_data: dict) -> None:
    before = {t.text: (t.x, t.y) for t in _texts(spec_data, 0)}
    default = words(pdf_text(certgen.render(spec_data))[0])
    assert default.index("cusip") < default.index("incorporated")
    spec_data["face"]["order"] = [
        "incorporated",
        "number",
        "amount",
        "cusip",
        "name",
        "title",
        "see_reverse",
        "banner",
        "transferable",
    ]
    after = {t.text: (t.x, t.y) for t in _texts(spec_data, 0)}
    assert after == before  # every part stays where it was
    reordered = words(pdf_text(certgen.render(spec_data))[0])
    assert (
        reordered.index("incorporated")
        < reordered.index("number")
        < reordered.index("cusip")
        < reordered.index("thornburg")
    )


def test_an_unknown_part_in_face_order_is_a_spec_error(spec_data: dict) -> None:
    spec_data["face"]["order"] = ["number", "vignette"]
    with pytest.raises(certgen.SpecError, match=r"face\.order"):
        certgen.load_spec(spec_data)


def test_abbreviations_read_row_by_row(spec_data: dict) -> None:
    columns = words(pdf_text(certgen.render(spec_data))[1])
    assert columns.index("jt") < columns.index("unif")  # the left column first
    spec_data["reverse"]["abbreviations_order"] = "rows"
    rows = words(pdf_text(certgen.render(spec_data))[1])
    assert (
        rows.index("com") < rows.index("unif") < rows.index("ent")
    )  # TEN COM | UNIF GIFT MIN ACT, then TEN ENT


def test_transfer_agent_location_and_labels(spec_data: dict) -> None:
    spec_data["transfer_agent"]["location"] = "(NEW YORK, N.Y.)"
    spec_data["face"]["number_label"] = "No."
    spec_data["reverse"].update(
        notice_label="NOTE:", heading="THORNBURG MORTGAGE, INC.", witness="In presence of"
    )
    face, reverse = _face_reverse(spec_data)
    assert "CONTINENTAL STOCK TRANSFER & TRUST COMPANY (NEW YORK, N.Y.) Transfer Agent and Registrar" in face
    assert "No." in face and "NUMBER" not in face
    assert reverse.startswith("THORNBURG MORTGAGE, INC.")
    assert "NOTE: THE SIGNATURE(S) TO THIS ASSIGNMENT" in reverse and "In presence of" in reverse


def test_assignment_as_one_paragraph(spec_data: dict) -> None:
    text = "For Value Received, ______ hereby sell, assign and transfer unto ______ shares represented by the within certificate."
    spec_data["reverse"]["assignment_text"] = text
    _, reverse = _face_reverse(spec_data)
    assert text in reverse
    assert "PLEASE INSERT SOCIAL SECURITY" not in reverse  # the boxed form is replaced


def test_form_values_fill_the_blank_form_only(spec_data: dict) -> None:
    spec_data["form"] = {"values": {"certificate_number": "SPECIMEN", "registration": "SPECIMEN"}}
    face, _ = _face_reverse(spec_data)
    assert face.count("SPECIMEN") == 2
    issued = pdf_text(
        certgen.render(
            spec_data,
            [
                {
                    "certificate_number": "PB 0007",
                    "registration": "JANE DOE",
                    "shares": "10",
                    "issue_date": "2026-11-23",
                }
            ],
        )
    )[0]
    assert "SPECIMEN" not in issued and "PB 0007" in issued


def test_form_values_name_known_fields(spec_data: dict) -> None:
    spec_data["form"] = {"values": {"holder": "SPECIMEN"}}
    with pytest.raises(certgen.SpecError, match=r"form\.values: .*unknown field 'holder'"):
        certgen.load_spec(spec_data)


def test_form_pages_only_for_an_excerpt(spec_data: dict) -> None:
    spec_data["form"] = {"pages": ["reverse"]}
    with pytest.raises(certgen.SpecError, match=r"form.*only an excerpt"):
        certgen.load_spec(spec_data)
    spec_data["form"] = {"pages": ["reverse"], "excerpt": "The filed copy has the reverse only."}
    pages = pdf_text(certgen.render(spec_data))
    assert len(pages) == 1 and "FOR VALUE RECEIVED" in pages[0]


def test_excerpt_notes_missing_parts_but_not_wrong_content(spec_data: dict) -> None:
    spec_data["reverse"]["guarantee"] = ""
    spec_data["face"]["incorporated"] = "INCORPORATED UNDER THE LAWS OF THE"
    report = certgen.validate(spec_data)
    assert {"reverse.signature-guarantee", "face.jurisdiction"} <= {f.rule for f in report.errors}
    spec_data["form"] = {"excerpt": "The filed copy ends before the guarantee; the state is in the artwork."}
    report = certgen.validate(spec_data)
    assert report.ok(), [str(f) for f in report.errors]
    notes = {f.rule: f.message for f in report if f.severity == "info"}
    assert notes["reverse.signature-guarantee"].startswith("not in the excerpt: ")
    assert notes["face.jurisdiction"].startswith("not in the excerpt: ")
    # A wrong state, or a wrong CUSIP, is an error in an excerpt too.
    spec_data["face"]["incorporated"] = "INCORPORATED UNDER THE LAWS OF THE STATE OF DELAWARE"
    spec_data["security"]["cusip"] = "885218306"
    errors = {f.rule for f in certgen.validate(spec_data).errors}
    assert errors == {"face.jurisdiction", "cusip.check-digit"}


def test_preferred_designated_by_its_rate_needs_no_series(spec_data: dict) -> None:
    spec_data["security"]["title"] = "8% Cumulative Redeemable Preferred Stock"
    assert "security.series" not in certgen.validate(spec_data).ids()
    spec_data["security"]["title"] = "Cumulative Redeemable Preferred Stock"
    assert "security.series" in certgen.validate(spec_data).ids()
