"""The legend library: named legends, their parameters, and their verbatim sources."""

from __future__ import annotations

import re
from pathlib import Path

import certgen
from certgen.pipeline import resolve_legends
from conftest import DATA, load_sample

#: Real certificate forms filed by other issuers (copied from the project's reference set).
EXAMPLES = DATA / "examples"


def _legend(spec_data: dict, template: str, **params: object) -> str:
    spec_data["legends"] = [{"name": template, "template": template, "params": params}]
    return resolve_legends(certgen.load_spec(spec_data))[0].text


def _folded(text: str) -> str:
    return " ".join(text.split())


def _example_paragraph(name: str, starts: str) -> str:
    body = (EXAMPLES / name).read_text(encoding="utf-8").split("---", 1)[1]
    for paragraph in re.split(r"\n\s*\n", body):
        if paragraph.strip().startswith(starts):
            return _folded(paragraph)
    raise AssertionError(f"no paragraph starting {starts!r} in {name}")


def test_dtc_legend_reproduces_a_filed_global_note(spec_data: dict) -> None:
    text = _legend(spec_data, "dtc", issuer="WORLDCOM, INC.")
    assert _folded(text) == _example_paragraph("worldcom-notes-global.txt", "UNLESS THIS CERTIFICATE")


def test_global_security_legend_reproduces_a_filed_global_note(spec_data: dict) -> None:
    text = _legend(spec_data, "global-security")
    assert _folded(text) == _example_paragraph(
        "worldcom-notes-global.txt", "THIS CERTIFICATE IS ONE OF THE GLOBAL"
    )


def test_dtc_legend_parameters(spec_data: dict) -> None:
    text = _legend(spec_data, "dtc", because="SINCE", defined_term='THE "ISSUER"')
    assert 'TO THORNBURG MORTGAGE, INC. (THE "ISSUER") OR ITS AGENT' in text
    assert "IS WRONGFUL SINCE THE REGISTERED OWNER HEREOF, CEDE & CO., HAS AN INTEREST HEREIN." in text


def test_rights_plan_legend(spec_data: dict) -> None:
    text = _legend(
        spec_data, "rights-plan", agreement="SHAREHOLDER RIGHTS AGREEMENT", date="JANUARY 25, 2001"
    )
    assert (
        'DATED AS OF JANUARY 25, 2001, AS AMENDED (THE "SHAREHOLDER RIGHTS AGREEMENT"), BETWEEN THORNBURG MORTGAGE, INC. AND THE RIGHTS AGENT NAMED THEREIN'
        in text
    )
    named = _legend(
        spec_data, "rights-plan", date="MAY 1, 2001", rights_agent="AMERICAN STOCK TRANSFER & TRUST COMPANY"
    )
    assert "BETWEEN THORNBURG MORTGAGE, INC. AND AMERICAN STOCK TRANSFER & TRUST COMPANY, THE TERMS" in named


def test_rights_plan_legend_needs_its_date(spec_data: dict, tmp_path: Path) -> None:
    spec_data["legends"].append({"name": "rights-plan", "template": "rights-plan"})
    report = certgen.validate(spec_data)
    [finding] = [f for f in report if f.rule == "layout.template"]
    assert "'date' is undefined" in finding.message and finding.field == "legends[3].params"


def test_tefra_legend(spec_data: dict) -> None:
    assert _legend(spec_data, "tefra") == (
        "ANY UNITED STATES PERSON WHO HOLDS THIS OBLIGATION WILL BE SUBJECT TO LIMITATIONS UNDER THE UNITED "
        "STATES INCOME TAX LAWS, INCLUDING THE LIMITATIONS PROVIDED IN SECTIONS 165(j) AND 1287(a) OF THE "
        "INTERNAL REVENUE CODE."
    )


def test_securities_act_legend_and_its_parameters(spec_data: dict) -> None:
    text = _folded(_legend(spec_data, "securities-act"))
    assert text.startswith(
        'THE SECURITIES REPRESENTED BY THIS CERTIFICATE HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933, AS AMENDED (THE "SECURITIES ACT"), OR THE SECURITIES LAWS OF ANY STATE,'
    )
    assert '"RESTRICTED SECURITIES" AS DEFINED IN RULE 144' in text
    assert text.endswith(
        "IN WHICH CASE THE CORPORATION MAY REQUIRE AN OPINION OF COUNSEL REASONABLY SATISFACTORY TO IT THAT SUCH REGISTRATION IS NOT REQUIRED."
    )
    bare = _folded(
        _legend(spec_data, "securities-act", state_laws=False, opinion=False, securities="THESE SHARES")
    )
    assert bare.startswith("THESE SHARES HAVE NOT BEEN REGISTERED")
    assert "ANY STATE" not in bare and "STATE SECURITIES LAWS" not in bare and "OPINION" not in bare
    assert bare.endswith("PURSUANT TO AN AVAILABLE EXEMPTION FROM SUCH REGISTRATION.")


def test_regulation_s_legend_states_each_element_of_rule_903(spec_data: dict) -> None:
    text = _folded(_legend(spec_data, "regulation-s"))
    # 17 CFR 230.903(b)(3)(iii)(B)(3): transfer only under Regulation S, registration or an exemption;
    # hedging only in compliance with the Act.
    assert (
        "TRANSFER OF THESE SECURITIES IS PROHIBITED EXCEPT IN ACCORDANCE WITH THE PROVISIONS OF REGULATION S, PURSUANT TO REGISTRATION UNDER THE SECURITIES ACT, OR PURSUANT TO AN AVAILABLE EXEMPTION FROM REGISTRATION."
        in text
    )
    assert text.endswith(
        "HEDGING TRANSACTIONS INVOLVING THESE SECURITIES MAY NOT BE CONDUCTED UNLESS IN COMPLIANCE WITH THE SECURITIES ACT."
    )


def test_rule_144a_legend_and_its_parameters(spec_data: dict) -> None:
    text = _folded(_legend(spec_data, "rule-144a"))
    assert '"QUALIFIED INSTITUTIONAL BUYER" (AS DEFINED IN RULE 144A UNDER THE SECURITIES ACT)' in text
    assert "IN AN OFFSHORE TRANSACTION MEETING THE REQUIREMENTS OF REGULATION S" in text
    assert "BEFORE THE DATE THAT IS ONE YEAR AFTER THE LATER OF THE ORIGINAL ISSUE DATE HEREOF" in text
    assert "(F) PURSUANT TO ANOTHER AVAILABLE EXEMPTION" in text and "ACCREDITED INVESTOR" in text
    short = _folded(
        _legend(
            spec_data,
            "rule-144a",
            accredited=False,
            termination="THE 40TH DAY AFTER THE ORIGINAL ISSUE DATE",
            instrument="THIS SECURITY",
        )
    )
    assert "ACCREDITED" not in short and "(E) PURSUANT TO ANOTHER AVAILABLE EXEMPTION" in short
    assert "BEFORE THE 40TH DAY AFTER THE ORIGINAL ISSUE DATE, OFFER, SELL" in short
    assert short.startswith("THIS SECURITY HAS NOT BEEN REGISTERED")


def test_restricted_legends_satisfy_the_rules_that_ask_for_them(spec_data: dict) -> None:
    spec_data["security"].update(restricted=True, regulation_s=True)
    spec_data["legends"] = [
        legend for legend in spec_data["legends"] if legend.get("name") != "securities-act"
    ]
    ids = certgen.validate(spec_data).ids()
    assert {"legend.securities-act", "legend.regulation-s"} <= ids
    spec_data["legends"].insert(0, {"name": "regulation-s", "template": "regulation-s"})
    ids = certgen.validate(spec_data).ids()
    assert not {"legend.securities-act", "legend.regulation-s"} & ids


def test_restricted_sample_prints_its_legend_first_on_the_reverse() -> None:
    sample = Path(__file__).resolve().parent.parent / "samples" / "thornburg-common-restricted"
    from conftest import pdf_text

    reverse = _folded(pdf_text(certgen.render(sample / "spec.yaml", sample / "holders.csv"))[1])
    assert reverse.startswith(
        "THE SECURITIES REPRESENTED BY THIS CERTIFICATE HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933"
    )
    assert "IN EXCESS OF 9.8% (SUBJECT TO CERTAIN EXCEPTIONS)" in reverse


def test_a_definitive_144a_note_prints_the_private_placement_legend_on_its_face() -> None:

    notes = Path(__file__).resolve().parent.parent / "samples" / "thornburg-notes-global"
    data = load_sample(notes / "spec.yaml")
    data["security"].update(kind="definitive_note", restricted=True)
    data["templates"] = {"schedule": None}
    data["legends"] = [
        {
            "name": "private-placement",
            "template": "rule-144a",
            "placement": "face",
            "params": {"accredited": False},
        }
    ]
    report = certgen.validate(data)
    assert "note.private-placement" not in report.ids() and report.ok(), [str(f) for f in report.errors]
    from conftest import pdf_text

    face = _folded(pdf_text(certgen.render(data))[0])
    assert face.startswith("THIS NOTE HAS NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933")
