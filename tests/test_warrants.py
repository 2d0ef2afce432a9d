"""Warrant certificates: the face, the election to purchase, and their rules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import certgen
from conftest import ROOT, load_sample, pdf_text

SAMPLE = ROOT / "samples" / "thornburg-warrants"


@pytest.fixture
def warrant_data() -> dict[str, Any]:
    return copy.deepcopy(load_sample(SAMPLE / "spec.yaml"))


def test_warrant_certificate_prints_its_terms() -> None:
    face, reverse = (
        " ".join(t.split())
        for t in pdf_text(
            certgen.render(
                SAMPLE / "spec.yaml",
                [
                    {
                        "certificate_number": "W-9",
                        "registration": "Jane Q. Public",
                        "shares": "250",
                        "issue_date": "2004-12-01",
                    }
                ],
            )
        )
    )
    assert "VOID AFTER 5:00 P.M., NEW YORK CITY TIME ON NOVEMBER 30, 2009" in face
    assert "W-9" in face and "250" in face and "Jane Q. Public" in face
    assert "at a price of $25.00 per Share" in face
    assert (
        "at any time on or after December 1, 2004 and on or before 5:00 p.m., New York City time on November 30, 2009"
        in face
    )
    assert "Common Stock, $.01 par value, of the Company" in face
    assert "AMERICAN STOCK TRANSFER & TRUST COMPANY, as Warrant Agent" in face
    assert "shall not be valid unless countersigned by the Warrant Agent" in face
    assert "ELECTION TO PURCHASE" in reverse and "A notary public is not sufficient." in reverse
    assert "ASSIGNMENT" in reverse and "attorney to transfer said Warrant Certificate" in reverse


def test_warrant_pdf_passes_with_and_without_the_spec(tmp_path: Path) -> None:
    pdf = tmp_path / "w.pdf"
    pdf.write_bytes(certgen.render(SAMPLE / "spec.yaml", SAMPLE / "holders.csv"))
    assert certgen.validate(SAMPLE / "spec.yaml", SAMPLE / "holders.csv", pdf=pdf).ok(strict=True)
    alone = [f for f in certgen.validate(pdf=pdf) if f.severity == "error"]
    assert alone == [], [str(f) for f in alone]


def _set(path: str, value: Any):
    def mutate(d: dict) -> dict:
        *parents, last = path.split(".")
        node = d
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
        return d

    return mutate


#: rule id -> (mutation that breaks the sample, severity); the sample passes each.
WARRANT_CASES = {
    "warrant.terms": (_set("warrant.expires", "2004-06-30"), "error"),
    "warrant.numbering": (_set("security.certificate_prefix", "C-"), "warning"),
    "warrant.countersignature": (_set("warrant_wording.countersigned", ""), "error"),
    "warrant.exercise-form": (_set("warrant_wording.medallion", "Signatures must be guaranteed."), "error"),
}


@pytest.mark.parametrize("rule_id", sorted(WARRANT_CASES))
def test_warrant_rule_breaks_and_passes(rule_id: str, warrant_data: dict, tmp_path: Path) -> None:
    assert rule_id not in certgen.validate(SAMPLE / "spec.yaml", SAMPLE / "holders.csv").ids()
    mutate, severity = WARRANT_CASES[rule_id]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(mutate(warrant_data), sort_keys=False), encoding="utf-8")
    found = [f for f in certgen.validate(spec) if f.rule == rule_id]
    assert found and found[0].severity == severity, [str(f) for f in certgen.validate(spec)]
    assert found[0].location.startswith(f"{spec}, line ")


def test_a_warrant_spec_needs_its_terms(warrant_data: dict) -> None:
    del warrant_data["warrant"]
    with pytest.raises(certgen.SpecError) as info:
        certgen.load_spec(warrant_data)
    assert "needs the warrant: section" in str(info.value)


def test_wording_may_state_the_terms_verbatim_instead_of_placeholders(warrant_data: dict) -> None:
    w = warrant_data["warrant"]
    verbatim = (
        f"the registered holder hereof is entitled to purchase shares of {w['underlying']} at {w['exercise_price']} "
        "per share on or before November 30, 2009."
    )
    warrant_data.setdefault("warrant_wording", {})["entitled"] = verbatim
    assert "warrant.terms" not in certgen.validate(warrant_data).ids()
    warrant_data["warrant_wording"]["entitled"] = verbatim.replace(w["exercise_price"], "$26.00")
    found = [f for f in certgen.validate(warrant_data) if f.rule == "warrant.terms"]
    assert len(found) == 1 and "exercise price ({price}, or '$25.00' as written)" in found[0].message


def test_a_warrant_excerpt_needs_its_terms_too(warrant_data: dict) -> None:
    """Only a note's excerpt may leave out its terms (the note templates do without them)."""
    del warrant_data["warrant"]
    warrant_data["form"] = {"excerpt": "The copy has the face only."}
    with pytest.raises(certgen.SpecError, match="needs the warrant: section"):
        certgen.load_spec(warrant_data)
