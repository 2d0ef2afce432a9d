"""The reverse as a composition of parts (reverse.parts): any order, two columns, legends and
tables where the issuer's form has them, nothing dropped."""

from __future__ import annotations

from typing import Any

import pytest

import certgen
from conftest import SAMPLE_SPEC, pdf_text


def _reverse(spec: Any) -> str:
    return " ".join(pdf_text(certgen.render(spec))[1].split())


def test_the_default_parts_are_the_usual_reverse(spec_data: dict[str, Any]) -> None:
    """Spelling out the default composition prints the same reverse, byte for byte."""
    spelt = {
        **spec_data,
        "reverse": {
            **spec_data.get("reverse", {}),
            "parts": ["legends", "abbreviations", "column", "assignment", "notice", "guarantee"],
        },
    }
    assert certgen.render(spelt) == certgen.render(SAMPLE_SPEC)


def test_parts_print_in_the_order_given(spec_data: dict[str, Any]) -> None:
    """A legend after the assignment, a heading and free text, a second abbreviations table in
    another language: each where the list puts it, in reading order."""
    legend = "transfer-note"
    spec_data["legends"].append({"name": legend, "text": "A SHORT LEGEND PRINTED AFTER THE ASSIGNMENT."})
    spec_data["reverse"] = {
        **spec_data.get("reverse", {}),
        "parts": [
            "legends",
            "abbreviations",
            {"heading": "EN FRANÇAIS"},
            {
                "abbreviations": {
                    "intro": "Les abréviations suivantes doivent être interprétées comme si les expressions étaient écrites en toutes lettres:",
                    "rows": [
                        {"code": "TEN COM", "meaning": "à titre de propriétaires en commun"},
                        {
                            "code": "(Name) CUST (Name) UNIF GIFT MIN ACT (State)",
                            "meaning": "(Name) as Custodian for (Name) under the (State) Uniform Gifts to Minors Act",
                        },
                    ],
                    "outro": "D'autres abréviations peuvent aussi être utilisées.",
                }
            },
            "column",
            "assignment",
            {"legend": legend},
            {"text": "A free paragraph printed verbatim after the legend."},
            "notice",
            "guarantee",
        ],
    }
    text = _reverse(spec_data)
    order = [
        "The following abbreviations",
        "EN FRANÇAIS",
        "Les abréviations suivantes",
        "(Name) CUST (Name) UNIF GIFT MIN ACT (State)",
        "D'autres abréviations",
        "FOR VALUE RECEIVED",
        "A SHORT LEGEND PRINTED AFTER THE ASSIGNMENT.",
        "A free paragraph printed verbatim",
        "THE SIGNATURE(S) TO THIS ASSIGNMENT",
    ]
    positions = [text.find(phrase) for phrase in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert text.count("A SHORT LEGEND PRINTED AFTER THE ASSIGNMENT.") == 1  # where the part puts it, once
    report = certgen.validate(spec_data, pdf=certgen.render(spec_data))
    assert report.ok(), [str(f) for f in report.errors]


def test_a_part_naming_no_legend_is_refused(spec_data: dict[str, Any]) -> None:
    spec_data["reverse"] = {
        **spec_data.get("reverse", {}),
        "parts": ["abbreviations", {"legend": "no-such-legend"}],
    }
    with pytest.raises(certgen.SpecError, match=r"no legend named 'no-such-legend'") as caught:
        certgen.prepare(spec_data, validate=False)
    assert caught.value.field == "reverse.parts[1].legend"


def test_a_part_with_two_keys_is_refused(spec_data: dict[str, Any]) -> None:
    spec_data["reverse"] = {**spec_data.get("reverse", {}), "parts": [{"text": "a", "heading": "b"}]}
    with pytest.raises(
        certgen.SpecError,
        match=r"reverse\.parts\.0: a reverse part has exactly one of legend, text, heading, abbreviations \(not text, heading\)",
    ):
        certgen.load_spec(spec_data)
    spec_data["reverse"]["parts"] = ["assignment", "signatures"]
    with pytest.raises(certgen.SpecError, match=r"reverse\.parts\.1: unknown part 'signatures'"):
        certgen.load_spec(spec_data)


def test_a_legend_left_out_of_the_parts_is_still_refused(spec_data: dict[str, Any]) -> None:
    """Without the legends part, a reverse legend no part names has no place: refused, never dropped."""
    spec_data["reverse"] = {
        **spec_data.get("reverse", {}),
        "parts": ["abbreviations", "column", "assignment"],
    }
    with pytest.raises(certgen.SpecError, match="is not printed"):
        certgen.prepare(spec_data, validate=False)


def test_parts_on_a_template_without_parts_are_refused(tmp_path: Any) -> None:
    from conftest import ROOT, load_sample

    data = load_sample(ROOT / "samples" / "thornburg-warrants" / "spec.yaml")
    data["reverse"] = {"parts": ["assignment"]}
    with pytest.raises(certgen.SpecError, match="has no parts") as caught:
        certgen.prepare(data, validate=False, sign=False)
    assert caught.value.field == "reverse.parts"


def _composed(spec_data: dict[str, Any], parts: list[Any]) -> dict[str, Any]:
    spec_data.pop("templates", None)
    spec_data["face"] = {**spec_data.get("face", {}), "parts": parts}
    return spec_data


def test_a_face_composed_from_parts_reads_in_their_order(spec_data: dict[str, Any]) -> None:
    """A legend before the heading, free lines, the holder, the body: the face's text extracts in
    the order of the parts, fill-ins included, and validates without an overlap."""
    from conftest import SAMPLE_HOLDERS

    spec_data["legends"].append(
        {
            "name": "restricted",
            "text": "THE SECURITIES REPRESENTED HEREBY HAVE NOT BEEN REGISTERED.",
            "placement": "face",
        }
    )
    parts = [
        {"legend": "restricted"},
        "issuer",
        {"title": "SERIES B CUMULATIVE PREFERRED STOCK"},
        {"caption": "A corporation incorporated under the laws of the State of Maryland"},
        "holder",
        "shares_clause",
        {"text": "This certificate and the shares it represents are subject to the charter."},
        "body",
        "dated",
        "signatures",
        {"caption": "PRINTED BY A SECURITY PRINTER"},
    ]
    data = _composed(spec_data, parts)
    holders = certgen.load_holders(SAMPLE_HOLDERS)[:1]
    pdf = certgen.render(data, holders)
    face = " ".join(pdf_text(pdf)[0].split())
    order = [
        "THE SECURITIES REPRESENTED HEREBY HAVE NOT BEEN REGISTERED.",
        "THORNBURG MORTGAGE, INC.",
        "A corporation incorporated under the laws of the State of Maryland",
        "This Certifies that",
        "FULLY PAID AND NON-ASSESSABLE SHARES",
        "This certificate and the shares it represents are subject to the charter.",
        "WITNESS the facsimile",
        "PRINTED BY A SECURITY PRINTER",
    ]
    positions = [face.find(phrase) for phrase in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert holders[0].registration in face and "PB 0001" in face
    report = certgen.validate(data, holders, pdf=pdf)
    assert report.ok(), [str(f) for f in report.errors]


def test_text_that_grows_shrinks_the_face_together_then_fails_naming_it(spec_data: dict[str, Any]) -> None:
    """A body of 150 words wraps and the face's text shrinks to hold it; ten times that is refused
    with the frame named, never clipped."""
    words = "The Holder, by accepting this Certificate, is deemed to have agreed to the terms. " * 10
    data = _composed(spec_data, ["issuer", "holder", {"text": words}, "dated", "signatures"])
    face = " ".join(pdf_text(certgen.render(data))[0].split())
    assert face.count("is deemed to have agreed to the terms.") == 10
    data = _composed(spec_data, ["issuer", "holder", {"text": words * 10}, "dated", "signatures"])
    with pytest.raises(certgen.FitError, match="frame needs more than"):
        certgen.render(data)


def test_face_parts_with_a_face_template_without_parts_are_refused(spec_data: dict[str, Any]) -> None:
    spec_data["face"] = {**spec_data.get("face", {}), "parts": ["issuer", "holder"]}
    spec_data["templates"] = {"face": "stock/face"}
    with pytest.raises(certgen.SpecError, match="has no parts") as caught:
        certgen.prepare(spec_data, validate=False)
    assert caught.value.field == "face.parts"


def test_a_face_part_naming_a_reverse_legend_is_refused(spec_data: dict[str, Any]) -> None:
    name = spec_data["legends"][0]["name"]
    data = _composed(spec_data, ["issuer", {"legend": name}, "holder"])
    with pytest.raises(certgen.SpecError, match="is placed on the reverse") as caught:
        certgen.prepare(data, validate=False)
    assert caught.value.field == "face.parts[1].legend"


def test_text_that_would_overprint_is_refused_before_printing(
    spec_data: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout whose lines print over each other is refused when the issue is laid out, naming
    both texts; a line off the page too."""
    folder = tmp_path / "tpl" / "stock"
    folder.mkdir(parents=True)
    from conftest import ROOT

    source = (ROOT / "templates" / "stock" / "face.xml.j2").read_text(encoding="utf-8")
    crowded = source.replace(
        "</page>", '<text x="96" y="332" font="garamond" size="13">OVERPRINTED WORDS</text>\n</page>'
    )
    (folder / "face.xml.j2").write_text(crowded, encoding="utf-8")
    spec_data["templates"] = {
        "face": "stock/face",
        "reverse": "stock/reverse",
        "search_path": [str(tmp_path / "tpl")],
    }
    monkeypatch.setenv("CERTGEN_ASSET_PATH", str(tmp_path))  # a template folder outside the spec's
    with pytest.raises(
        certgen.RenderError, match=r"'OVERPRINTED WORDS' would print over 'This Certifies that'"
    ):
        certgen.prepare(spec_data, validate=False)
    off = source.replace(
        "</page>", '<text x="780" y="300" font="garamond" size="13">RUNS OFF THE EDGE</text>\n</page>'
    )
    (folder / "face.xml.j2").write_text(off, encoding="utf-8")
    with pytest.raises(certgen.CertgenError, match="runs off the page"):
        certgen.prepare(spec_data, validate=False)


def test_fill_ins_are_read_where_their_parts_stand(spec_data: dict[str, Any]) -> None:
    """On a composed face the holder's name and amount extract between their labels, in the
    form's order (each run of the static part is its own form, the fields drawn after it); a
    face whose fields all come last stays one form, byte for byte as before."""
    from conftest import SAMPLE_HOLDERS

    data = _composed(spec_data, ["issuer", "holder", "shares_clause", "body", "dated", "signatures"])
    holder = certgen.load_holders(SAMPLE_HOLDERS)[0]
    face = " ".join(pdf_text(certgen.render(data, [holder]))[0].split())
    order = [
        "This Certifies that",
        holder.registration,
        "is the record holder of",
        "ONE HUNDRED",
        "FULLY PAID",
        "Dated:",
        "November 23, 2026",
        "WITNESS",
    ]
    positions = [face.find(phrase) for phrase in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    # Dated comes after WITNESS in the parts: check the order of the rest.
    assert positions[:5] == sorted(positions[:5]) and positions[5] < positions[6]
    laid = certgen.prepare(data, validate=False)
    from certgen.drawing.document import static_segments

    assert len(static_segments(laid.pages[0])) > 1


def test_long_reverse_legends_spread_over_both_columns_before_they_shrink_below_7pt() -> None:
    """The common stock's four legends do not fit one column at 7 pt: the last opens the second
    column, and every legend keeps 7 pt or more (it was 6.75 pt in one column)."""
    from certgen.layout.elements import Text
    from conftest import ROOT

    issue = certgen.prepare(ROOT / "samples" / "thornburg-common" / "spec.yaml", validate=False, sign=False)
    reverse = issue.pages[1]
    sizes = {e.role: e.size for e in reverse.static if isinstance(e, Text) and e.role.startswith("legend:")}
    assert len(sizes) == 4 and min(sizes.values()) >= 7.0
    left = {
        e.role for e in reverse.static if isinstance(e, Text) and e.role.startswith("legend:") and e.x < 396
    }
    assert "legend:lost-certificate" not in left and "legend:reit-ownership" in left


@pytest.mark.parametrize(
    ("sample", "order"),
    [
        (
            "thornburg-series-b",
            [
                "NUMBER",
                "{number}",
                "SHARES",
                "{figures}",
                "This Certifies that",
                "{registration}",
                "is the record holder of",
                "{words}",
                "FULLY PAID",
                "Dated:",
                "{date}",
                "Secretary",
            ],
        ),
        (
            "thornburg-notes-global",
            [
                "No.",
                "{number}",
                "PRINCIPAL AMOUNT",
                "{figures}",
                "promises to pay to",
                "{registration}",
                "or registered assigns",
                "{words}",
                "Dated:",
                "{date}",
            ],
        ),
        (
            "thornburg-warrants",
            [
                "NUMBER",
                "{number}",
                "WARRANTS",
                "{figures}",
                "hereby certifies that",
                "{registration}",
                "the registered holder hereof",
                "Dated:",
                "{date}",
                "Chairman",
            ],
        ),
    ],
)
def test_fixed_faces_read_their_fill_ins_where_they_stand(sample: str, order: list[str]) -> None:
    """The stock, note and warrant faces draw each fill-in after the words before it on the
    page (pypdf reads a page's content in drawing order): the number after its label, the holder
    after "This Certifies that", the amount in words after "record holder of", the date after
    "Dated:"."""
    from conftest import ROOT

    folder = ROOT / "samples" / sample
    holder = certgen.load_holders(folder / "holders.csv")[0]
    spec = certgen.load_spec(folder / "spec.yaml")
    amount = holder.shares
    values = {
        "{number}": holder.certificate_number,
        "{registration}": holder.registration.splitlines()[0],
        "{figures}": certgen.in_figures(amount),
        "{words}": certgen.in_words(amount).upper(),
        "{date}": f"{holder.issue_date:%B} {holder.issue_date.day}, {holder.issue_date.year}",
    }
    face = " ".join(pdf_text(certgen.render(spec, [holder]))[0].split())
    positions, at = [], 0
    for phrase in order:
        text = values.get(phrase, phrase)
        found = face.find(text, at)
        assert found >= 0, f"{text!r} not after {face[max(0, at - 80) : at]!r}"
        positions.append(found)
        at = found + len(text)
