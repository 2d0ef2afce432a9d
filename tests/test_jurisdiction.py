"""Issuers of any country and kind of entity, unit certificates, notes in other currencies.

The spec keys ``issuer.jurisdiction``, ``issuer.incorporated_under`` and ``issuer.entity``
(beside ``issuer.state``), ``security.kind: units`` and ``security.currency`` (docs/spec.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import certgen
from certgen import SpecError, load_spec, prepare, validate
from certgen.signing import Payload
from certgen.signing.verify import signed_values
from conftest import ROOT, SAMPLE_SPEC, load_sample, pdf_text

NOTES = ROOT / "samples" / "thornburg-notes-global" / "spec.yaml"
MARYLAND = sorted(
    p for p in (ROOT / "samples").glob("*/spec.yaml") if "\n  state: MD\n" in p.read_text(encoding="utf-8")
)


def _issuer(**keys: Any) -> certgen.Spec:
    data = load_sample(SAMPLE_SPEC)
    del data["issuer"]["state"]
    data["issuer"].update(keys)
    return load_spec(data)


# -- the issuer's jurisdiction ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "line", "description"),
    [
        ({"state": "MD"}, "INCORPORATED UNDER THE LAWS OF THE STATE OF MARYLAND", "a Maryland corporation"),
        (
            {"jurisdiction": {"country": "CA"}},
            "INCORPORATED UNDER THE LAWS OF CANADA",
            "a corporation incorporated under the laws of Canada",
        ),
        (
            {"jurisdiction": {"country": "US", "subdivision": "Delaware"}, "entity": "limited partnership"},
            "ORGANIZED UNDER THE LAWS OF THE STATE OF DELAWARE",
            "a Delaware limited partnership",
        ),
        (
            {"jurisdiction": {"country": "NL"}, "entity": "limited liability company"},
            "ORGANIZED UNDER THE LAWS OF THE NETHERLANDS",
            "a limited liability company organized under the laws of the Netherlands",
        ),
        (
            {"jurisdiction": {"country": "Canada", "subdivision": "ON"}},
            "INCORPORATED UNDER THE LAWS OF THE PROVINCE OF ONTARIO",
            "a corporation incorporated under the laws of the Province of Ontario",
        ),
        (
            {"jurisdiction": {"country": "DE"}, "entity": "GmbH"},
            "INCORPORATED UNDER THE LAWS OF GERMANY",
            "a GmbH incorporated under the laws of Germany",
        ),
        (
            {"incorporated_under": "the Canada Business Corporations Act"},
            "INCORPORATED UNDER THE CANADA BUSINESS CORPORATIONS ACT",
            "a corporation incorporated under the Canada Business Corporations Act",
        ),
        ({"state": "OH"}, "INCORPORATED UNDER THE LAWS OF THE STATE OF OHIO", "an Ohio corporation"),
    ],
)
def test_the_issuer_is_described_by_its_jurisdiction_and_entity(
    keys: dict[str, Any], line: str, description: str
) -> None:
    issuer = _issuer(**keys).issuer
    assert issuer.incorporated_line == line
    assert issuer.description == description


def test_a_us_state_as_a_jurisdiction_is_the_issuers_state() -> None:
    issuer = _issuer(jurisdiction={"country": "us", "subdivision": "Delaware"}).issuer
    assert (issuer.state, issuer.country, issuer.state_name) == ("DE", "US", "Delaware")
    assert _issuer(state="Maryland").issuer.place == certgen.spec.schema.Jurisdiction(
        country="US", subdivision="MD"
    )
    canadian = _issuer(jurisdiction={"country": "CA"}).issuer
    assert (canadian.state, canadian.country, canadian.state_name) == (None, "CA", "Canada")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"jurisdiction": {"country": "XX"}}, "issuer.jurisdiction.country: 'XX' is not a country"),
        (
            {"jurisdiction": {"country": "US", "subdivision": "Ontario"}},
            "issuer.jurisdiction.subdivision: 'Ontario' is not a US state",
        ),
        (
            {"jurisdiction": {"country": "CA", "subdivision": "Texas"}},
            "issuer.jurisdiction.subdivision: 'Texas' is not a Canadian province",
        ),
        (
            {"state": "MD", "jurisdiction": {"country": "CA"}},
            "issuer.jurisdiction: give issuer.state (a US state) or issuer.jurisdiction, not both",
        ),
        ({}, "issuer.state: is required but missing: give the US state (state: MD), or jurisdiction"),
        ({"incorporated_under": " "}, "issuer.incorporated_under: must not be empty"),
        ({"state": "MD", "entity": ""}, "issuer.entity: must not be empty"),
    ],
)
def test_a_bad_jurisdiction_is_a_one_line_error(
    keys: dict[str, Any], message: str, spec_data: dict, write_spec
) -> None:
    del spec_data["issuer"]["state"]
    spec_data["issuer"].update(keys)
    path = write_spec(spec_data)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(f"{path}, line ")
    assert message in text, text


def test_a_canadian_issuer_validates_without_us_state_findings(tmp_path: Path, write_spec) -> None:
    """The Series B sample as a Canadian corporation with one signing officer: no state rule
    (Maryland's two officers and their titles, its statement of designations) is applied; a note
    says so, and the face says where the issuer is incorporated."""
    data = load_sample(SAMPLE_SPEC)
    del data["issuer"]["state"]
    data["issuer"]["jurisdiction"] = {"country": "CA"}
    data["issuer"]["officers"] = [{"title": "Director"}]
    data["face"].pop("incorporated")  # the sample's Maryland statement: the default follows the issuer
    data["legends"] = [legend for legend in data["legends"] if legend.get("name") != "designations"]
    path = write_spec(data)
    report = validate(path)
    assert report.ok(strict=True), [str(f) for f in report]
    ids = report.ids()
    assert not ids & {"signatures.count", "signatures.titles", "legend.designations", "face.jurisdiction"}
    [note] = [f for f in report if f.rule == "issuer.state-law"]
    assert note.severity == "info" and note.field == "issuer.jurisdiction"
    assert "state-law checks were not applied" in note.message
    assert "a corporation incorporated under the laws of Canada" in note.message
    # The same spec as a Maryland corporation is held to Maryland's rules.
    data["issuer"].pop("jurisdiction")
    data["issuer"]["state"] = "MD"
    maryland = validate(write_spec(data, "maryland.yaml")).ids()
    assert {"signatures.count", "legend.designations"} <= maryland and "issuer.state-law" not in maryland
    face = " ".join(pdf_text(certgen.render(path))[0].split())
    assert "INCORPORATED UNDER THE LAWS OF CANADA" in face


def test_a_face_that_names_another_country_is_reported(write_spec) -> None:
    data = load_sample(SAMPLE_SPEC)
    del data["issuer"]["state"]
    data["issuer"]["jurisdiction"] = {"country": "NL"}
    data["face"] = {"incorporated": "INCORPORATED UNDER THE LAWS OF CANADA"}
    [finding] = [f for f in validate(write_spec(data)) if f.rule == "face.jurisdiction"]
    assert finding.severity == "error" and "does not name Netherlands" in finding.message


@pytest.mark.parametrize("sample", MARYLAND, ids=lambda p: p.parent.name)
def test_maryland_samples_print_the_same_bytes_with_state_or_jurisdiction(sample: Path) -> None:
    """issuer.state: MD is jurisdiction {country: US, subdivision: Maryland}: the same form, byte
    for byte, as the sample renders (its blank form)."""
    assert MARYLAND, "no Maryland sample"
    data = load_sample(sample)
    before = certgen.render(load_spec(data, base_dir=sample.parent))
    del data["issuer"]["state"]
    data["issuer"]["jurisdiction"] = {"country": "US", "subdivision": "Maryland"}
    after = certgen.render(load_spec(data, base_dir=sample.parent))
    assert before == after
    assert before == certgen.render(sample)
    face = " ".join(pdf_text(before)[0].split())
    assert "THE STATE OF MARYLAND" in face or "a Maryland corporation" in face


# -- units -----------------------------------------------------------------------------------


def _units_spec() -> dict[str, Any]:
    """A limited partnership's common units (after the Crosstex Energy, L.P. form)."""
    data = load_sample(SAMPLE_SPEC)
    issuer = data["issuer"]
    del issuer["state"]
    issuer.update(
        name="CROSSTEX ENERGY, L.P.",
        jurisdiction={"country": "US", "subdivision": "DE"},
        entity="limited partnership",
        officers=[
            {"title": "Chief Executive Officer of the General Partner"},
            {"title": "Secretary of the General Partner"},
        ],
        reit=False,
        seal={"show": False},
    )
    for key in ("ownership_limit", "classes"):
        issuer.pop(key, None)
    data["security"] = {
        "kind": "units",
        "title": "Common Units Representing Limited Partner Interests",
        "unit": "Common Units",
        "cusip": "22765U102",
        "certificate_prefix": "CU",
    }
    data["legends"] = [{"name": "lost-certificate", "template": "lost-certificate"}]
    data["face"] = {
        "title": "Common Units",
        "transfer_clause": "transferable on the books of the Partnership, in person or by duly authorized "
        "attorney, upon surrender of this Certificate properly endorsed. This Certificate is not valid "
        "until countersigned by the Transfer Agent and registered by the Registrar.",
        "witness_clause": "WITNESS the facsimile signatures of the duly authorized officers of the "
        "General Partner.",
    }
    return data


def test_units_default_to_counting_units() -> None:
    data = _units_spec()
    del data["security"]["unit"]
    spec = load_spec(data)
    assert spec.security.unit == "Units" and spec.is_units and not spec.is_stock
    assert spec.page_templates() == [("face", "stock/face"), ("reverse", "stock/reverse")]


def test_a_units_certificate_renders_signs_and_validates(tmp_path: Path, write_spec) -> None:
    path = write_spec(_units_spec())
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "certificate_number,registration,shares,issue_date\nCU 0001,Jane Q. Public,50000,2026-11-23\n",
        encoding="utf-8",
    )
    report = validate(path, holders)
    assert report.ok(strict=True), [str(f) for f in report]
    # Stock's rules (par value, fully paid) and Delaware corporation law do not apply to units.
    assert report.ids() == {"issuer.state-law"}
    assert "a Delaware limited partnership" in next(iter(report)).message
    issue = prepare(path)
    [holder] = certgen.load_holders(holders)
    payload = issue.payload(holder)
    assert (payload.unit, payload.amount) == ("UN", 50_000)
    assert Payload.decode(payload.encode()).describe().startswith("certificate CU 0001, 50,000 units of")
    pdf = tmp_path / "units.pdf"
    issue.save(pdf, [holder])
    face = " ".join(pdf_text(pdf.read_bytes())[0].split())
    for printed in (
        "ORGANIZED UNDER THE LAWS OF THE STATE OF DELAWARE",
        "COMMON UNITS",
        "50,000",
        "FIFTY THOUSAND",
        "COMMON UNITS REPRESENTING LIMITED PARTNER INTERESTS IN CROSSTEX ENERGY, L.P.",
    ):
        assert printed in face, printed
    assert "FULLY PAID" not in face and "PAR VALUE" not in face
    assert validate(path, holders, pdf=pdf).ok(strict=True)


def test_a_units_certificate_verifies_authentic(tmp_path: Path, write_spec, run_cli) -> None:
    path = write_spec(_units_spec())
    pdf = tmp_path / "units.pdf"
    holder = certgen.Holder("CU 0001", "Jane Q. Public", 50_000, dt.date(2026, 11, 23))
    prepare(path).save(pdf, [holder])
    result = run_cli("verify", pdf, "--spec", path, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    [answer] = json.loads(result.stdout)["results"]
    assert answer["status"] == "authentic" and answer["payload"]["unit"] == "UN"
    assert {"shares", "shares_words", "ink", "qr"} <= set(answer["compared"])


# -- currencies ------------------------------------------------------------------------------


def _note(currency: str | None, **issuer: Any) -> dict[str, Any]:
    data = load_sample(NOTES)
    if currency is not None:
        data["security"]["currency"] = currency
    if issuer:
        del data["issuer"]["state"]
        data["issuer"].update(issuer)
    return data


@pytest.mark.parametrize(
    ("currency", "figures", "words"),
    [
        ("EUR", "€50,000,000", "FIFTY MILLION EUROS"),
        ("gbp", "£50,000,000", "FIFTY MILLION POUNDS STERLING"),
        (None, "$50,000,000", "FIFTY MILLION DOLLARS"),
    ],
)
def test_a_note_prints_and_signs_its_principal_in_its_currency(
    currency: str | None, figures: str, words: str, tmp_path: Path
) -> None:
    spec = load_spec(
        _note(currency, jurisdiction={"country": "US", "subdivision": "Delaware"}), base_dir=NOTES.parent
    )
    holder = certgen.Holder("R-1", "CEDE & CO.", 50_000_000, dt.date(2004, 11, 26))  # before maturity, 2013
    issue = prepare(spec)
    face = " ".join(pdf_text(issue.render([holder]))[0].split())
    assert figures in face and words in face
    assert 'THORNBURG MORTGAGE, INC., a Delaware corporation (the "Company")' in face
    payload = issue.payload(holder)
    code = (currency or "USD").upper()
    assert payload.unit == code
    decoded = Payload.decode(payload.encode())
    values = signed_values(decoded)  # what certgen verify expects the face to print
    assert (values["principal"], values["principal_words"]) == (figures, words)
    specimen = " ".join(pdf_text(issue.render(specimen=True))[0].split())
    assert f"ZERO {words.split(' ', 2)[2]}" in specimen


def test_a_euro_note_describes_itself_in_euros() -> None:
    spec = load_spec(_note("EUR"), base_dir=NOTES.parent)
    payload = prepare(spec).payload(certgen.Holder("R-1", "CEDE & CO.", 1_500, dt.date(2026, 1, 2)))
    assert "1,500 EUR of principal" in payload.describe()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["security"].update(currency="XYZ"), "security.currency: 'XYZ' is not a currency"),
        (
            lambda d: d["security"].update(kind="common_stock", currency="EUR"),
            "security.currency: applies to notes only (global_note, definitive_note), not to common_stock",
        ),
    ],
)
def test_a_bad_currency_is_a_one_line_error(mutate: Any, message: str, write_spec) -> None:
    data = copy.deepcopy(_note(None))
    mutate(data)
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(data))
    assert "\n" not in str(info.value) and message in str(info.value), str(info.value)


def test_note_holder_findings_speak_the_notes_currency(write_spec, tmp_path: Path) -> None:
    data = _note("EUR")
    data["security"]["kind"] = "definitive_note"
    data["legends"] = [legend for legend in data["legends"] if legend.get("placement") != "face"]
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "certificate_number,registration,principal_amount,issue_date\nR-1,Jane Q. Public,1500,2026-01-02\n",
        encoding="utf-8",
    )
    [finding] = [f for f in validate(write_spec(data), holders) if f.rule == "note.denomination"]
    assert (
        "€1,500 is not an authorized denomination (€1,000 and integral multiples of €1,000" in finding.message
    )
