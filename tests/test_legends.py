"""The legend library: named legends, their parameters, and their verbatim sources."""

from __future__ import annotations

import re
from pathlib import Path

import certgen
from certgen.pipeline import resolve_legends
from conftest import DATA

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
    assert _folded(text) == _example_paragraph("worldcom-notes-global.txt", "THIS CERTIFICATE IS ONE OF THE GLOBAL")


def test_dtc_legend_parameters(spec_data: dict) -> None:
    text = _legend(spec_data, "dtc", because="SINCE", defined_term='THE "ISSUER"')
    assert 'TO THORNBURG MORTGAGE, INC. (THE "ISSUER") OR ITS AGENT' in text
    assert "IS WRONGFUL SINCE THE REGISTERED OWNER HEREOF, CEDE & CO., HAS AN INTEREST HEREIN." in text


def test_rights_plan_legend(spec_data: dict) -> None:
    text = _legend(spec_data, "rights-plan", agreement="SHAREHOLDER RIGHTS AGREEMENT", date="JANUARY 25, 2001")
    assert 'DATED AS OF JANUARY 25, 2001, AS AMENDED (THE "SHAREHOLDER RIGHTS AGREEMENT"), BETWEEN THORNBURG MORTGAGE, INC. AND THE RIGHTS AGENT NAMED THEREIN' in text
    named = _legend(spec_data, "rights-plan", date="MAY 1, 2001", rights_agent="AMERICAN STOCK TRANSFER & TRUST COMPANY")
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
