"""Global and definitive notes: the Thornburg 8.00% Senior Notes due 2013, and their rules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from stdnum import cusip as stdnum_cusip
from stdnum import isin as stdnum_isin

import certgen
from conftest import ROOT, load_sample, pdf_text

SAMPLE = ROOT / "samples" / "thornburg-notes-global"
HEADER = "certificate_number,registration,principal_amount,issue_date\n"


@pytest.fixture
def note_data() -> dict[str, Any]:
    return copy.deepcopy(load_sample(SAMPLE / "spec.yaml"))


def _write(tmp_path: Path, data: dict[str, Any], rows: str | None = None) -> tuple[Path, Path | None]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    holders = None
    if rows is not None:
        holders = tmp_path / "holders.csv"
        holders.write_text(HEADER + rows, encoding="utf-8")
    return spec, holders


def _definitive(data: dict[str, Any]) -> dict[str, Any]:
    data["security"]["kind"] = "definitive_note"
    data["legends"] = []
    return data


def test_global_note_identifiers_are_valid_and_agree() -> None:
    spec = certgen.load_spec(SAMPLE / "spec.yaml")
    assert stdnum_cusip.is_valid(spec.security.cusip)
    assert stdnum_isin.is_valid(spec.security.isin)
    assert spec.security.isin[2:11] == spec.security.cusip
    assert spec.security.cusip.startswith("885218")


def test_global_note_prints_amount_in_figures_and_words_and_the_schedule() -> None:
    pages = [
        " ".join(t.split()) for t in pdf_text(certgen.render(SAMPLE / "spec.yaml", SAMPLE / "holders.csv"))
    ]
    face, reverse, schedule = pages
    assert "R-1" in face and "$50,000,000" in face and "FIFTY MILLION DOLLARS" in face
    assert (
        "for value received, promises to pay to" in face
        and "or registered assigns, the principal sum of" in face
    )
    assert (
        "UNLESS THIS CERTIFICATE IS PRESENTED BY AN AUTHORIZED REPRESENTATIVE OF THE DEPOSITORY TRUST COMPANY"
        in face
    )
    assert "THIS CERTIFICATE IS ONE OF THE GLOBAL NOTES REFERRED TO IN THE INDENTURE" in face
    assert "CUSIP 885218 AB 3" in face and "ISIN US885218AB33" in face
    assert (
        "TRUSTEE'S CERTIFICATE OF AUTHENTICATION" in face
        and "DEUTSCHE BANK TRUST COMPANY AMERICAS, as Trustee" in face
    )
    assert "Interest Payment Dates: May 15 and November 15. Record Dates: May 1 and November 1." in face
    assert "SCHEDULE OF EXCHANGES OF INTERESTS IN THE GLOBAL NOTE" in schedule
    for column in ("Date of Exchange", "Signature of authorized officer of Trustee or Custodian"):
        assert column in schedule
    assert "OPTION OF HOLDER TO ELECT PURCHASE" in reverse and "ASSIGNMENT FORM" in reverse


def test_reverse_terms_are_the_prospectus_words() -> None:
    spec = certgen.load_spec(SAMPLE / "spec.yaml")
    seed = (ROOT / "tests" / "data" / "thornburg-notes-terms.txt").read_text(encoding="utf-8")
    reverse = " ".join(pdf_text(certgen.render(SAMPLE / "spec.yaml"))[1].split())
    for term in spec.note.terms:
        assert term.text in seed, term.text[:60]  # verbatim from the prospectus
        assert term.text in reverse, term.text[:60]


def test_definitive_note_in_an_unauthorized_denomination_is_refused(
    run_cli, note_data: dict, tmp_path: Path
) -> None:
    spec, holders = _write(tmp_path, _definitive(note_data), 'R-7,Jane Q. Public,"1,500",2004-11-26\n')
    out = tmp_path / "note.pdf"
    result = run_cli("render", spec, "--holders", holders, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert line == (
        f"certgen: error: {holders}, row 2 (certificate R-7), column principal_amount: $1,500 is not an "
        "authorized denomination ($1,000 and integral multiples of $1,000 above it) [note.denomination]"
    )


def test_definitive_note_renders_without_dtc_legend_or_schedule(note_data: dict, tmp_path: Path) -> None:
    spec, holders = _write(tmp_path, _definitive(note_data), 'R-7,Jane Q. Public,"25,000",2004-11-26\n')
    pages = pdf_text(certgen.render(spec, holders))
    assert len(pages) == 2
    assert "Jane Q. Public" in pages[0] and "TWENTY-FIVE THOUSAND DOLLARS" in pages[0]
    assert "DEPOSITORY TRUST COMPANY" not in pages[0]
    assert certgen.validate(spec, holders).ok(strict=True)


def test_a_note_spec_needs_its_terms(note_data: dict) -> None:
    del note_data["note"]
    with pytest.raises(certgen.SpecError) as info:
        certgen.load_spec(note_data)
    assert "needs the note: section" in str(info.value)


def _ids(report: certgen.Report) -> set[str]:
    return report.ids()


def _drop_legend(data: dict, name: str) -> dict:
    data["legends"] = [legend for legend in data["legends"] if legend["name"] != name]
    return data


#: rule id -> (break the sample, rows), the sample (with its holders) passes each.
NOTE_CASES = {
    "note.dtc-legend": (lambda d: _drop_legend(d, "dtc"), None),
    "note.global-legend": (lambda d: _drop_legend(d, "global-security"), None),
    # held for Euroclear and Clearstream, and no legend says so (the sample's legends are DTC's)
    "note.common-depositary": (lambda d: (d["security"].update(depositary="common_depositary"), d)[-1], None),
    "note.cusip": (lambda d: (d["security"].pop("cusip"), d["security"].pop("isin"), d)[-1], None),
    "note.schedule": (lambda d: (d.setdefault("templates", {}).update(schedule=None), d)[-1], None),
    "note.authentication": (
        lambda d: (d.setdefault("note_wording", {}).update(authentication=""), d)[-1],
        None,
    ),
    "note.assignment-form": (lambda d: (d.setdefault("note_wording", {}).update(appoint=""), d)[-1], None),
    "note.private-placement": (
        lambda d: (
            d["security"].update(restricted=True),
            d["legends"].append(
                {"name": "securities-act", "template": "securities-act", "placement": "reverse"}
            ),
            d,
        )[-1],
        None,
    ),
    "note.cede": (lambda d: d, 'R-1,Jane Q. Public,"50,000,000",2004-11-26\n'),
    "note.max-principal": (lambda d: d, 'R-1,CEDE & CO.,"600,000,000",2004-11-26\n'),
    "note.denomination": (_definitive, 'R-1,Jane Q. Public,"1,500",2004-11-26\n'),
}


@pytest.mark.parametrize("rule_id", sorted(NOTE_CASES))
def test_note_rule_breaks_and_passes(rule_id: str, note_data: dict, tmp_path: Path) -> None:
    mutate, rows = NOTE_CASES[rule_id]
    good = certgen.validate(SAMPLE / "spec.yaml", SAMPLE / "holders.csv")
    assert rule_id not in good.ids()
    spec, holders = _write(tmp_path, mutate(copy.deepcopy(note_data)), rows)
    found = [f for f in certgen.validate(spec, holders) if f.rule == rule_id]
    assert found and found[0].severity == "error", rule_id
    if holders is None:
        assert found[0].location.startswith(str(spec))
    else:
        assert found[0].location.startswith(f"{holders}, row 2 (certificate R-1)")


def test_pdf_schedule_rule(tmp_path: Path) -> None:
    full = tmp_path / "gn.pdf"
    full.write_bytes(certgen.render(SAMPLE / "spec.yaml", SAMPLE / "holders.csv"))
    report = certgen.validate(SAMPLE / "spec.yaml", SAMPLE / "holders.csv", pdf=full)
    assert report.ok(strict=True), [str(f) for f in report]
    import pypdf

    reader = pypdf.PdfReader(full)
    writer = pypdf.PdfWriter()
    for page in reader.pages[:2]:
        writer.add_page(page)
    cut = tmp_path / "cut.pdf"
    with cut.open("wb") as handle:
        writer.write(handle)
    found = [f for f in certgen.validate(SAMPLE / "spec.yaml", pdf=cut) if f.rule == "pdf.schedule"]
    assert [f.page for f in found] == [1]


def test_run_in_headings_are_italic_and_read_before_their_paragraph() -> None:
    from certgen.layout.elements import Text

    issue = certgen.prepare(SAMPLE / "spec.yaml")
    texts = [e for e in issue.pages[1].static if isinstance(e, Text) and e.role == "term-6"]
    heading, first = texts[0], texts[1]
    assert heading.text == "Optional Redemption." and heading.font == "garamond-italic"
    assert first.font == "garamond" and first.y == heading.y
    assert first.x >= heading.x + heading.width  # the first line starts after the heading
    assert max(t.x + t.width for t in texts[1:]) <= 62 + 488 + 0.01  # and every line stays in the column
    reverse = " ".join(pdf_text(certgen.render(SAMPLE / "spec.yaml"))[1].split())
    assert "Optional Redemption. At any time on or after May 15, 2008" in reverse


RESTRICTED = ROOT / "samples" / "thornburg-notes-144a"


def _face_texts(spec: Path) -> dict[str, list[Any]]:
    from certgen.layout.elements import Text

    texts: dict[str, list[Any]] = {}
    for element in certgen.prepare(spec).pages[0].static:
        if isinstance(element, Text):
            texts.setdefault(element.role, []).append(element)
    return texts


def test_a_144a_global_note_has_its_own_valid_identifiers() -> None:
    restricted = certgen.load_spec(RESTRICTED / "spec.yaml").security
    registered = certgen.load_spec(SAMPLE / "spec.yaml").security
    assert (
        restricted.restricted
        and stdnum_cusip.is_valid(restricted.cusip)
        and stdnum_isin.is_valid(restricted.isin)
    )
    assert restricted.isin[2:11] == restricted.cusip
    assert restricted.cusip[:6] == registered.cusip[:6] and restricted.cusip != registered.cusip  # GN-003


def test_a_144a_global_note_face_makes_room_for_its_legends() -> None:
    usual = _face_texts(SAMPLE / "spec.yaml")
    roomy = _face_texts(RESTRICTED / "spec.yaml")
    legends = [t for role, texts in roomy.items() if role.startswith("legend:") for t in texts]
    assert {t.role for t in legends} == {"legend:rule-144a", "legend:global-security", "legend:dtc"}
    assert min(t.size for t in legends) >= 7  # LOOK: legends 7-8.5pt
    name = roomy["issuer-name"][0]
    assert usual["issuer-name"][0].y == 548 and name.y == 548 - 88  # the body moved down
    assert min(t.y - 0.25 * t.size for t in legends) > name.y + 0.75 * name.size  # and clears the legends
    # The officers sign beside the trustee's certificate, not over it.
    box_top = roomy["authentication-title"][0].y + 14
    assert roomy["dated"][0].y - 3 > box_top and roomy["witness"][0].y > roomy["dated"][0].y + 10
    assert roomy["interest"][-1].y - 3 > roomy["witness"][0].y + 10
    face = " ".join(pdf_text(certgen.render(RESTRICTED / "spec.yaml"))[0].split())
    assert face.startswith("THIS NOTE HAS NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933")
    assert (
        face.index("QUALIFIED INSTITUTIONAL BUYER")
        < face.index("UNLESS THIS CERTIFICATE IS PRESENTED")
        < face.index("THORNBURG MORTGAGE, INC. 8.00% SENIOR NOTES DUE 2013")
    )


def test_face_legends_too_long_for_either_arrangement_are_refused(
    run_cli, note_data: dict, tmp_path: Path
) -> None:
    note_data["legends"].append(
        {"name": "extra", "text": "AN EXTRA LEGEND OF MANY WORDS. " * 120, "placement": "face"}
    )
    spec, _ = _write(tmp_path, note_data)
    result = run_cli("render", spec, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1 and not (tmp_path / "out.pdf").exists()
    assert (
        "field face-legends: the text of this frame needs more than its 238pt height even at 6.5pt"
        in result.stderr
    )
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_global_note_held_for_euroclear_and_clearstream_needs_no_dtc_legend(note_data: dict) -> None:
    """The depositary is a fact of the spec: a note held by a common depositary asks for its own
    legend and an ISIN, not DTC's legend, CUSIP or Cede & Co.; DTC stays the default."""
    note_data["legends"] = [legend for legend in note_data["legends"] if legend.get("name") != "dtc"]
    assert "note.dtc-legend" in _ids(certgen.validate(note_data))  # held at DTC by default
    note_data["security"]["depositary"] = "common_depositary"
    report = certgen.validate(note_data)
    assert "note.dtc-legend" not in _ids(report)
    assert [f.field for f in report if f.rule == "note.common-depositary"] == ["legends"]
    note_data["legends"].append(
        {
            "name": "icsd",
            "placement": "face",
            "text": "THIS GLOBAL NOTE IS HELD BY THE COMMON DEPOSITARY FOR EUROCLEAR BANK SA/NV AND CLEARSTREAM BANKING, S.A.",
        }
    )
    assert "note.common-depositary" not in _ids(certgen.validate(note_data))
    holder = {
        "certificate_number": "R-9",
        "registration": "CITIVIC NOMINEES LIMITED",
        "principal_amount": 600000000,
        "issue_date": "2004-11-26",
    }
    rules = _ids(certgen.validate(note_data, [holder]))
    assert "note.cede" not in rules and "note.max-principal" not in rules


def test_a_note_phrase_that_needs_the_terms_is_refused_without_them(note_data: dict) -> None:
    """Nothing the spec gives is dropped silently: a note face prints its maturity phrase with the
    note's terms, so giving the phrase without a note: section is refused, naming the key."""
    note_data.pop("note")
    note_data["form"] = {"excerpt": "the copy ends before the note's terms"}  # only an excerpt may lack them
    note_data.setdefault("note_wording", {})["on_maturity"] = "on the Maturity Date."
    with pytest.raises(certgen.SpecError) as caught:
        certgen.prepare(note_data, validate=False, sign=False)
    assert caught.value.field == "note_wording.on_maturity" and "no note: section" in caught.value.message
