"""Rules on the spec: what every certificate of the issue prints, checked before printing.

Each ``_check_*`` function reads the spec (and the legends' final text) and
yields findings; :func:`check_spec` runs them all.  ``form`` says whether the
certificates are the blank "form of" certificate (holder fields blank) or
issued certificates, which some rules treat differently (a 6-character
CUSIP is fine on a form, not on an issued certificate).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model.certificate import format_date
from ..model.identifiers import BLANK, common_code_problem, cusip_problem, isin_problem
from ..spec.schema import US_STATES, Identifier, Spec
from .engine import ERROR, INFO, WARNING, Finding, Scope, as_excerpt, rule
from .profiles import StateProfile, profile_for
from .text import classify_legend, par_value_of, par_values, percentages, stated_jurisdictions

__all__ = ["LegendText", "check_spec"]

_S: Scope = "spec"

SPEC_VALID = rule(
    "spec.valid",
    ERROR,
    _S,
    "The spec file is readable YAML; every key is known and every value has the right type.",
    "certgen spec schema (certgen schema)",
)
PLACEHOLDER = rule(
    "spec.placeholder",
    ERROR,
    _S,
    "No value is a placeholder left from a precedent (TBD, <NAME>, XXX); blanks (____) and drafting "
    "brackets ([ISSUER], SERIES [G/H]) only on a form (the blank form, an excerpt, a specimen), where the "
    "filed form has them.",
    "17 CFR 240.17Ad-9(a) (certificate detail must be accurate); a certificate states facts, not blanks",
    ("ALL-001",),
    applies="placeholders: always; blanks and brackets: an error on issued certificates, a note on a form",
)
QR_KEYS = rule(
    "qr.keys",
    ERROR,
    _S,
    "The QR code's public key is an Ed25519 key; issued certificates have a private key to sign "
    "them with ($CERTGEN_SIGNING_KEY or qr.private_key_file), and it is the public key's pair.",
    "certgen signed QR payload (certgen verify checks it against the public key)",
    applies="specs with a qr: section; the private key for issued certificates only",
)
PDF_SIGNATURE_KEYS = rule(
    "pdf_signature.keys",
    ERROR,
    _S,
    "The PDF signature's certificate and chain are readable X.509 certificates; the certificate "
    "is valid now and allows signing; its private key ($CERTGEN_PDF_SIGNING_KEY or "
    "pdf_signature.key_file) is readable (RSA of 2048 bits or more, or EC) and is the certificate's.",
    "ETSI EN 319 142-1 (PAdES baseline signatures); NIST SP 800-131A (key sizes)",
    applies="specs with a pdf_signature: section",
)
EXCERPT = rule(
    "form.excerpt",
    ERROR,
    _S,
    "An excerpt of a filed form (form.excerpt) prints only as the blank form: it lacks parts "
    "an issued certificate needs, so it never issues certificates.",
    "certgen: an excerpt reproduces a partial filing, not a complete certificate",
    applies="issued certificates",
)
LAYOUT = rule(
    "layout.template",
    ERROR,
    _S,
    "The spec's templates expand and lay out: legend templates exist with their parameters, "
    "every legend has a place, static text fits.",
    "certgen templates (docs/layout.md)",
)
CUSIP_FORMAT = rule(
    "cusip.format",
    ERROR,
    _S,
    "The CUSIP is 9 letters or digits (or the 6-character issuer number on a form).",
    "CUSIP standard, ANSI X9.6 (structure: issuer 6, issue 2, check digit 1)",
    ("ID-001",),
)
CUSIP_CHECK = rule(
    "cusip.check-digit",
    ERROR,
    _S,
    "The CUSIP's 9th character is its check digit (modulus 10 double-add-double).",
    "CUSIP standard, ANSI X9.6; check digit as computed by python-stdnum",
    ("ID-001",),
)
CUSIP_ISSUER_ONLY = rule(
    "cusip.issuer-only",
    ERROR,
    _S,
    "An issued certificate prints the full 9-character CUSIP, not the 6-character issuer number.",
    "CUSIP standard, ANSI X9.6; DTC identifies an issue by its full CUSIP",
    ("ID-001", "ALL-012"),
    applies="warning on a blank form (the issue number may not be assigned yet); error on issued certificates",
)
CUSIP_MISSING = rule(
    "cusip.missing",
    WARNING,
    _S,
    "Issued certificates of an issue with a CUSIP print it on the face.",
    "Filed specimen certificates (CUSIP printed on the face, e.g. 'CUSIP 949475 10 7')",
    ("ALL-012",),
    applies="issued certificates of US and Canadian issuers; not notes held for Euroclear and Clearstream "
    "(security.depositary)",
    parts=True,
)
ISIN_FORMAT = rule(
    "isin.format",
    ERROR,
    _S,
    "The ISIN is a 2-letter country code, a 9-character national number and a check digit.",
    "ISO 6166",
    ("ID-002",),
)
ISIN_CHECK = rule(
    "isin.check-digit",
    ERROR,
    _S,
    "The ISIN's 12th character is its Luhn check digit.",
    "ISO 6166; check digit as computed by python-stdnum",
    ("ID-002",),
)
ISIN_CUSIP = rule(
    "isin.cusip-mismatch",
    ERROR,
    _S,
    "A US or Canadian ISIN embeds the CUSIP: ISIN characters 3-11 equal the CUSIP.",
    "ISO 6166 (the NSIN of US/CA securities is the CUSIP)",
    ("ID-002",),
)
COMMON_CODE_FORMAT = rule(
    "common-code.format",
    ERROR,
    _S,
    "A Common Code is 9 digits (it has no check digit).",
    "Euroclear and Clearstream: the Common Code, the 9-digit number the two ICSDs assign to an issue",
)
JURISDICTION = rule(
    "face.jurisdiction",
    ERROR,
    _S,
    "The face states the state of incorporation ('INCORPORATED UNDER THE LAWS OF THE STATE OF ...'), "
    "and it is the issuer's state (or, outside the United States, the issuer's jurisdiction); no face or "
    "legend text says the issuer is organized under another state's or country's law.",
    "MBCA §6.25(b)(1); N.Y. Bus. Corp. Law §508(c)(1); filed specimen certificates",
    ("ALL-002",),
    applies="a wrong state (or country) is always an error; a missing statement is an error in MBCA states "
    "and NY, a warning elsewhere (and outside the United States)",
)
STATE_LAW = rule(
    "issuer.state-law",
    INFO,
    _S,
    "The state corporation-law rules (officers' signatures and titles, facsimile signatures, the face's "
    "statutory statements, the statement of designations) apply to a corporation of a known US state; "
    "for any other issuer (of another country, a partnership or LLC, a state not given) they are not "
    "applied, and a note says so.",
    "The state corporation statutes the state profiles cite (see State profiles below)",
    applies="stock and unit certificates of an issuer that is not a corporation of a known US state",
)
SERIES = rule(
    "security.series",
    WARNING,
    _S,
    "Preferred stock is designated by class and series ('Series B Cumulative Preferred Stock'), or by its dividend rate ('8% Cumulative Preferred Stock').",
    "MBCA §6.25(b)(3); N.Y. Bus. Corp. Law §508(c)",
    ("PRF-001",),
    applies="preferred stock",
)
PAR_VALUE = rule(
    "face.par-value",
    WARNING,
    _S,
    "The face states the par value, or that the shares have no par value (in the shares clause, the title "
    "or any other face text: 'Common Stock, Without Par Value').",
    "Filed specimen certificates; NRS 78.235 (Nevada, secondary source)",
    ("STK-003",),
    applies="stock of issuers of a US state: error for Nevada issuers; warning elsewhere",
    parts=True,
)
FACE_FACTS = rule(
    "face.facts",
    ERROR,
    _S,
    "What the face and the legends print of the security agrees with the spec: the par value "
    "(security.par_value, or no par value) and the class and kind of the shares (security.title, "
    "security.kind).",
    "17 CFR 240.17Ad-9(a) and 17Ad-10 (the certificate agrees with the certificate detail of record); "
    "MBCA §6.25(b)(3); Md. Code, Corps. & Ass'ns §2-211(a)(3) (the class and series on the face)",
    ("STK-002", "STK-003", "PRF-001"),
    applies="stock and units",
)
FULLY_PAID = rule(
    "face.fully-paid",
    WARNING,
    _S,
    "The shares clause says the shares are fully paid and non-assessable.",
    "Filed specimen certificates; Cal. Corp. Code §418(a)(2) where shares are assessable",
    ("STK-004",),
    applies="stock (not units)",
    parts=True,
)
TRANSFER_CLAUSE = rule(
    "face.transfer-clause",
    WARNING,
    _S,
    "The face says the shares are transferable on the books by the holder on surrender of the "
    "certificate properly endorsed.",
    "Filed specimen certificates (SEC Exhibit 4.1)",
    ("STK-005",),
    parts=True,
)
SEE_REVERSE = rule(
    "face.see-reverse",
    WARNING,
    _S,
    "When legends are printed on the reverse, the face refers to them ('SEE REVERSE FOR CERTAIN "
    "DEFINITIONS').",
    "Filed specimen certificates; Cal. Corp. Code §174 (reverse only with a reference on the face)",
    ("ALL-014", "REIT-003"),
    parts=True,
)
WITNESS = rule(
    "face.witness",
    WARNING,
    _S,
    "The face attests the signatures: 'WITNESS the facsimile seal of the Corporation and the facsimile "
    "signatures of its duly authorized officers'.",
    "Filed specimen certificates (SEC Exhibit 4.1)",
    ("STK-006",),
    parts=True,
)
DATED = rule(
    "face.dated",
    WARNING,
    _S,
    "The face has a 'Dated' line for the issue date.",
    "Filed specimen certificates; indentures (notes dated the date of authentication)",
    ("ALL-013",),
    parts=True,
)
TRANSFERABLE_IN = rule(
    "face.transferable-in",
    WARNING,
    _S,
    "A certificate countersigned by a transfer agent names the city where it is transferable.",
    "Filed specimen certificates ('THIS CERTIFICATE IS TRANSFERABLE IN NEW YORK, NEW YORK')",
    ("STK-007",),
    parts=True,
)
SIGNERS = rule(
    "signatures.count",
    ERROR,
    _S,
    "The certificate carries the signatures of as many officers as the state's law requires "
    "(two; one in Arizona).",
    "8 Del. C. §158; MBCA §6.25(d); N.Y. Bus. Corp. Law §508(a); Cal. Corp. Code §416(a); "
    "Md. Code, Corps. & Ass'ns §2-212",
    ("ALL-005",),
    applies="per issuer.state profile; not applied to other issuers (issuer.state-law)",
    parts=True,
)
TITLES = rule(
    "signatures.titles",
    ERROR,
    _S,
    "The signing officers' titles are the ones the state's law names (NY, CA: a president or chair "
    "and a secretary or treasurer).",
    "N.Y. Bus. Corp. Law §508(a); Cal. Corp. Code §416(a); Md. (predecessor art. 23 §27(b)); NRS 78.235",
    ("ALL-005",),
    applies="NY and CA: error; MD and NV: warning (statute text unconfirmed or secondary source); "
    "other states: no title rule",
)
FACSIMILE = rule(
    "signatures.facsimile",
    ERROR,
    _S,
    "Facsimile signatures are used only where the state allows them (NY: only with a countersignature "
    "by an independent transfer agent or registrar, or an exchange listing).",
    "N.Y. Bus. Corp. Law §508(a)",
    ("ALL-006",),
    applies="New York issuers",
)
COUNTERSIGN = rule(
    "countersignature.block",
    ERROR,
    _S,
    "With a transfer agent, the face carries its countersignature block: 'Countersigned and "
    "Registered', the agent's name and role, 'By' and 'Authorized Signature'.",
    "UCC §8-205; filed specimen certificates",
    ("ALL-009",),
    applies="when the spec names a transfer_agent",
    parts=True,
)
NOT_VALID_UNTIL = rule(
    "countersignature.validity",
    ERROR,
    _S,
    "With a transfer agent, the face says the certificate is not valid until countersigned (and registered).",
    "UCC §8-205; filed specimen certificates",
    ("ALL-009",),
    applies="when the spec names a transfer_agent",
    parts=True,
)
NO_AGENT = rule(
    "countersignature.agent",
    WARNING,
    _S,
    "A stock certificate is countersigned by a transfer agent and registrar.",
    "Transfer agent practice; N.Y. Bus. Corp. Law §508(a) (facsimiles)",
    ("ALL-009",),
    parts=True,
)
DESIGNATIONS = rule(
    "legend.designations",
    ERROR,
    _S,
    "An issuer with more than one class or series (every preferred-stock issuer) prints the statement "
    "of designations, preferences and rights, or that it will be furnished on request without charge.",
    "8 Del. C. §151(f); MBCA §6.25(c); Md. Code, Corps. & Ass'ns §2-211(b)-(c); N.Y. Bus. Corp. Law "
    "§508(b); Cal. Corp. Code §417",
    ("ALL-011", "PRF-002", "REIT-002"),
    applies="preferred stock, issuer.classes with more than one class, Maryland REITs; corporations of a "
    "US state",
    parts=True,
)
OWNERSHIP = rule(
    "legend.ownership",
    ERROR,
    _S,
    "A REIT, or an issuer whose charter limits ownership, prints the ownership-restriction legend.",
    "UCC §8-204; 8 Del. C. §202(a); Md. Code, Corps. & Ass'ns §2-211(d); IRC §856(h)",
    ("REIT-001", "ALL-010"),
    applies="issuer.reit or issuer.ownership_limit",
)
OWNERSHIP_LIMIT = rule(
    "legend.ownership-limit",
    ERROR,
    _S,
    "The ownership legend states the charter's ownership limit (issuer.ownership_limit), and no other.",
    "UCC §8-204 (a restriction not noted on the certificate is ineffective against a purchaser "
    "without knowledge); the issuer's charter",
    ("REIT-001",),
    applies="issuer.ownership_limit",
)
LIMIT_UNKNOWN = rule(
    "issuer.ownership-limit",
    INFO,
    _S,
    "The charter's ownership limit is stated (issuer.ownership_limit), so the legend's figure can be checked.",
    "The issuer's charter",
    ("REIT-001",),
    applies="an ownership legend without issuer.ownership_limit",
)
SECURITIES_ACT = rule(
    "legend.securities-act",
    ERROR,
    _S,
    "Restricted securities print a Securities Act legend (not registered; resale only under "
    "registration or an exemption).",
    "17 CFR 230.502(d) (reasonable care: legends); transfer agent practice",
    ("RST-001",),
    applies="security.restricted",
)
TRANSFER_RESTRICTION = rule(
    "legend.transfer-restriction",
    ERROR,
    _S,
    "A transfer restriction imposed by the issuer or an agreement is noted on the certificate.",
    "UCC §8-204; 8 Del. C. §202(a); Md. Code, Corps. & Ass'ns §2-211(d); Cal. Corp. Code §418",
    ("ALL-010", "RST-003"),
    applies="security.transfer_restricted",
)
RIGHTS_PLAN = rule(
    "legend.rights-plan",
    ERROR,
    _S,
    "Shares that carry rights under a shareholder rights agreement print the rights legend.",
    "Rights agreements (the rights are evidenced by the share certificates); filed specimens",
    ("STK-008",),
    applies="security.rights_plan",
)
CLOSE_CORPORATION = rule(
    "legend.close-corporation",
    ERROR,
    _S,
    "A statutory close corporation says so on each certificate.",
    "Md. Code, Corps. & Ass'ns §4-202; Cal. Corp. Code §418(a)(6)",
    ("STK-008",),
    applies="issuer.close_corporation",
)
REGULATION_S = rule(
    "legend.regulation-s",
    ERROR,
    _S,
    "Equity of a domestic issuer sold under Regulation S (Category 3) prints the Regulation S legend: "
    "transfer only under Regulation S, registration or an exemption; hedging only in compliance with the Act "
    "(both elements, in any words to that effect).",
    "17 CFR 230.903(b)(3)(iii)(B)(3)",
    ("RST-002",),
    applies="security.regulation_s",
)
CALIFORNIA_418 = rule(
    "legend.california-418",
    ERROR,
    _S,
    "A California corporation's certificate states that the shares are assessable, redeemable or "
    "convertible (with the conversion period) when they are: a statement of its own, not the generic "
    "statement that the rights of each class will be furnished on request.",
    "Cal. Corp. Code §418(a)(2), (4), (5); §174 (on the face, or the reverse with a reference on the face)",
    ("PRF-003", "STK-004"),
    applies="issuer.state CA with security.assessable, redeemable or convertible",
)
CONSPICUOUS = rule(
    "legend.conspicuous",
    WARNING,
    _S,
    "Restriction legends (ownership limits, Securities Act, agreements, NOL 5% holders, whatever they are "
    "called) are conspicuous: set in capitals.",
    "UCC §1-201(b)(10) ('conspicuous'); UCC §8-204",
    ("ALL-010",),
    applies="a warning; a note on an excerpt of a filed form (its copy does not show the form's type)",
)
ASSIGNMENT = rule(
    "reverse.assignment-form",
    ERROR,
    _S,
    "The reverse carries the assignment form: 'For value received … hereby sell, assign and transfer "
    "unto', the assignee's identifying-number box, name and address, shares, attorney, date.",
    "UCC §8-304 (endorsement); filed specimen certificates",
    ("ASG-004",),
    parts=True,
)
NOTICE = rule(
    "reverse.signature-notice",
    ERROR,
    _S,
    "Under the assignment signature: the signature must correspond with the name as written upon the "
    "face in every particular, without alteration or enlargement or any change whatever.",
    "Filed specimen certificates; historic NYSE delivery rules (rule 8)",
    ("ASG-005",),
    parts=True,
)
GUARANTEE = rule(
    "reverse.signature-guarantee",
    ERROR,
    _S,
    "The reverse has a signature-guarantee block for an eligible guarantor institution in a medallion "
    "program (SEC Rule 17Ad-15).",
    "17 CFR 240.17Ad-15; UCC §8-402(a)(1)",
    ("ASG-006",),
    parts=True,
)
ABBREVIATIONS = rule(
    "reverse.abbreviations",
    WARNING,
    _S,
    "The reverse explains the abbreviations: TEN COM, TEN ENT, JT TEN, UNIF GIFT MIN ACT, UNIF TRF MIN ACT.",
    "Filed specimen certificates; Fla. Stat. §717.12406 (statutory meanings)",
    ("ASG-001",),
    parts=True,
)
LOST = rule(
    "reverse.lost-certificate",
    WARNING,
    _S,
    "The reverse says a lost certificate is replaced only against a bond of indemnity.",
    "UCC §8-405; Md. Code, Corps. & Ass'ns §2-213; filed specimen certificates",
    ("ASG-008",),
    parts=True,
)


NOTE_DTC = rule(
    "note.dtc-legend",
    ERROR,
    _S,
    "A global note held at DTC prints the DTC legend on its face (transfer wrongful unless presented by "
    "DTC; registered owner Cede & Co.), whatever the legend is called: a DTC legend only on the reverse "
    "is a finding.",
    "DTC Letter of Representations and Operational Arrangements (the legend on the face of each "
    "certificate deposited); filed global notes",
    ("GN-002",),
    applies="global notes held at DTC (security.depositary: dtc)",
    parts=True,
)
NOTE_ICSD = rule(
    "note.common-depositary",
    ERROR,
    _S,
    "A global note held for Euroclear and Clearstream (security.depositary: common_depositary or "
    "common_safekeeper) says so in a face legend and carries an ISIN.",
    "Euroclear and Clearstream issuance procedures (ICSD global notes); filed global notes held by a "
    "common depositary",
    ("GN-006",),
    applies="global notes held for Euroclear and Clearstream",
    parts=True,
)
NOTE_GLOBAL = rule(
    "note.global-legend",
    ERROR,
    _S,
    "A global note prints the global-security legend: transferable only as a whole, to the depositary "
    "or its nominee or a successor.",
    "Indenture forms of global security; filed global notes",
    ("GN-005",),
    applies="global notes held by a depositary (security.depositary other than none)",
    parts=True,
)
NOTE_CUSIP = rule(
    "note.cusip",
    ERROR,
    _S,
    "A global note deposited with DTC carries its CUSIP.",
    "DTC Letter of Representations (the issue is identified by CUSIP); filed global notes",
    ("GN-003",),
    applies="global notes",
    parts=True,
)
NOTE_PRIVATE_PLACEMENT = rule(
    "note.private-placement",
    ERROR,
    _S,
    "Restricted notes (sold under Rule 144A or Regulation S) print the private placement legend: "
    "who may hold them (qualified institutional buyers, non-U.S. persons offshore) and how they may be resold "
    "(a Rule 144A or Regulation S legend, whatever it is called).",
    "17 CFR 230.144A(d)(2) (notice of the resale exemption); indenture forms of restricted global notes",
    ("GN-008", "DN-005"),
    applies="notes with security.restricted",
    parts=True,
)
NOTE_SCHEDULE = rule(
    "note.schedule",
    ERROR,
    _S,
    "A global note carries the Schedule of Exchanges of Interests on which increases and decreases of "
    "its principal amount are recorded.",
    "Indenture forms of global note; filed global notes",
    ("GN-006",),
    applies="global notes",
    parts=True,
)
NOTE_AUTHENTICATION = rule(
    "note.authentication",
    ERROR,
    _S,
    "A note carries the trustee's certificate of authentication ('This is one of the Notes referred to "
    "in the within-mentioned Indenture', the trustee, By, Authorized Signatory).",
    "Trust Indenture practice: a note is not valid until authenticated by the trustee",
    ("GN-007", "DN-003"),
    applies="notes",
    parts=True,
)
NOTE_ASSIGNMENT = rule(
    "note.assignment-form",
    ERROR,
    _S,
    "A note's reverse carries its assignment form and the signature guarantee.",
    "Indenture forms of note; 17 CFR 240.17Ad-15",
    ("DN-006", "ASG-006"),
    applies="notes",
    parts=True,
)


WARRANT_TERMS = rule(
    "warrant.terms",
    ERROR,
    _S,
    "A warrant certificate states the security purchasable, the exercise price, and an exercise period "
    "that ends after it begins (a warrant form may leave its expiration date blank: a note).",
    "Warrant agreement forms (number of shares, exercise price, expiration date and time)",
    ("WT-003",),
    applies="warrants",
)
WARRANT_NUMBERING = rule(
    "warrant.numbering",
    WARNING,
    _S,
    "Warrant certificates are numbered serially with the letter W (security.certificate_prefix).",
    "Warrant agreement forms ('numbered serially with the letter W')",
    ("WT-003",),
    applies="warrants",
)
WARRANT_COUNTERSIGN = rule(
    "warrant.countersignature",
    ERROR,
    _S,
    "A warrant certificate is countersigned by the warrant agent and says it is not valid until countersigned.",
    "Warrant agreement forms (execution and countersignature)",
    ("WT-002",),
    applies="warrants",
    parts=True,
)
WARRANT_EXERCISE = rule(
    "warrant.exercise-form",
    ERROR,
    _S,
    "The reverse carries the election to purchase: warrants exercised, payment, registration and taxpayer "
    "number for the shares, a new certificate for the balance, the signature note and a medallion guarantee "
    "('a notary public is not sufficient').",
    "Warrant agreement forms (form of election to purchase); 17 CFR 240.17Ad-15",
    ("WT-004",),
    applies="warrants",
    parts=True,
)


@dataclass(frozen=True)
class LegendText:
    """A legend of the spec with its final (expanded) text."""

    index: int
    name: str
    text: str
    placement: str

    @property
    def field(self) -> str:
        return f"legends[{self.index}]"


@dataclass(frozen=True)
class _Context:
    spec: Spec
    #: The state's profile; None when the issuer is not a corporation of a known US state.
    profile: StateProfile | None
    legends: tuple[LegendText, ...]
    form: bool

    @property
    def is_form(self) -> bool:
        """A form, not an issued certificate: the blank form, an excerpt of a filed form, or a
        specimen (the spec's form.values print SPECIMEN in place of a holder's values)."""
        return self.form or self.spec.is_excerpt

    def at(self, field: str | None) -> dict[str, Any]:
        return {"file": self.spec.source, "field": field}

    def loc(self, field: str | None) -> str:
        return self.spec.locate(field)

    def kinds(self) -> dict[str, list[LegendText]]:
        out: dict[str, list[LegendText]] = {}
        for legend in self.legends:
            for kind in classify_legend(legend.text):
                out.setdefault(kind, []).append(legend)
        return out


def check_spec(spec: Spec, legends: list[LegendText] | None, *, form: bool) -> Iterator[Finding]:
    """Every spec rule's findings, for a blank form (*form*) or issued certificates.

    *legends* is ``None`` when the legends could not be resolved (that is
    reported by ``layout.template``): the rules about legends are skipped
    rather than report legends as missing.
    """
    issuer = spec.issuer
    profile = profile_for(issuer.state) if issuer.state is not None and issuer.is_corporation else None
    ctx = _Context(spec, profile, tuple(legends or ()), form)
    for check in _CHECKS:
        if legends is None and check in _NEED_LEGENDS:
            continue
        if not (spec.is_stock or spec.is_units) and check in _STOCK_ONLY:
            continue
        for finding in check(ctx):
            # An excerpt reproduces what survives of a filed form: a part it lacks is noted.
            yield as_excerpt(finding) if spec.is_excerpt else finding


# -- checks ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\bTBD\b|\bTBA\b|\bX{3,}\b|<[A-Za-z][A-Za-z _-]*>|\{\{|\bLOREM\b")
#: A blank line to be written in by hand, or a drafting bracket ("SERIES [G/H]", "[ISSUER]",
#: "[ ]", "[•]"): part of a filed "form of" certificate, not of an issued one.
_BLANK = re.compile(r"\[?_{3,}\]?|\[(?:[A-Z0-9][A-Za-z0-9 _/.,&'-]*|\s*|\s*[•●*]\s*)\]")


def _check_placeholders(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    values: list[tuple[str, str | None]] = [
        ("issuer.name", spec.issuer.name),
        ("security.title", spec.security.title),
        ("security.par_value", spec.security.par_value),
    ]
    values += [(f"issuer.officers[{i}].title", o.title) for i, o in enumerate(spec.issuer.officers)]
    if spec.transfer_agent:
        values.append(("transfer_agent.name", spec.transfer_agent.name))
    values += [(f"transferable_in[{i}]", city) for i, city in enumerate(spec.transferable_in)]
    values += [(f"{legend.field}", legend.text) for legend in ctx.legends]
    for field, value in values:
        if not value:
            continue
        if match := _PLACEHOLDER.search(value):
            yield PLACEHOLDER.finding(
                ctx.loc(field),
                f"{match.group(0)!r} looks like a placeholder left in {value[:60]!r}: "
                "replace it with the real value",
                **ctx.at(field),
            )
        elif match := _BLANK.search(value):
            if ctx.is_form and match.group(0).startswith("[") and "_" not in match.group(0):
                # a drafting bracket on a form: noted (a blank line on a form is what a form is)
                yield PLACEHOLDER.finding(
                    ctx.loc(field),
                    f"the form leaves {match.group(0)!r} in {value[:60]!r} to be filled in: fill it in "
                    "before certificates are issued",
                    severity=INFO,
                    **ctx.at(field),
                )
            elif not ctx.is_form:
                yield PLACEHOLDER.finding(
                    ctx.loc(field),
                    f"the blank {match.group(0)!r} in {value[:60]!r} is left to be filled in: fill it in "
                    "before certificates are issued (blanks belong on the blank form only)",
                    **ctx.at(field),
                )


def _listed(ctx: _Context, scheme: str) -> list[tuple[str, Identifier]]:
    """The identifiers of *scheme* in security.identifiers, with their fields."""
    identifiers = ctx.spec.security.identifiers or []
    return [
        (f"security.identifiers[{i}]", ident) for i, ident in enumerate(identifiers) if ident.scheme == scheme
    ]


def _check_cusip(ctx: _Context) -> Iterator[Finding]:
    security = ctx.spec.security
    if security.identifiers is None:
        cusips = [("security.cusip", security.cusip)] if security.cusip is not None else []
    else:
        listed = _listed(ctx, "cusip")
        cusips = [(f"{field}.value", ident.value) for field, ident in listed if ident.value is not None]
        yield from _blanks(ctx)
    if not cusips:
        if (
            not ctx.form
            and _cusip_expected(ctx.spec)
            and not (security.identifiers and _listed(ctx, "cusip"))
        ):
            field = "security.cusip" if security.identifiers is None else "security.identifiers"
            add = "security.cusip" if security.identifiers is None else "a cusip to security.identifiers"
            yield CUSIP_MISSING.finding(
                ctx.loc(field),
                f"no CUSIP: issued certificates of a CUSIP-eligible issue print it on the face (add {add})",
                **ctx.at(field),
            )
        return
    for field, value in cusips:
        yield from _check_one_cusip(ctx, field, value)


def _cusip_expected(spec: Spec) -> bool:
    """A CUSIP identifies securities of US and Canadian issuers, and notes held at DTC; a note held
    for Euroclear and Clearstream is identified by its ISIN (and Common Code), a foreign issuer's
    securities by theirs."""
    if spec.is_note and spec.security.depositary in ("common_depositary", "common_safekeeper"):
        return False
    return spec.issuer.country in (None, "US", "CA")


def _blanks(ctx: _Context) -> Iterator[Finding]:
    """Identifiers left blank: part of the form, filled in before certificates are issued."""
    if ctx.form:
        return
    for index, ident in enumerate(ctx.spec.security.identifiers or []):
        if ident.is_blank:
            field = f"security.identifiers[{index}].value"
            yield PLACEHOLDER.finding(
                ctx.loc(field),
                f"{ident.printed_label} {BLANK} is left to be filled in: give the {ident.scheme} "
                "before certificates are issued (blanks belong on the blank form only)",
                **ctx.at(field),
            )


def _check_one_cusip(ctx: _Context, field: str, value: str) -> Iterator[Finding]:
    where = ctx.at(field)
    if len(value) == 6:
        if not value.isalnum():
            yield CUSIP_FORMAT.finding(
                ctx.loc(field), f"CUSIP issuer number {value!r} must be 6 letters or digits", **where
            )
            return
        if ctx.form:
            yield CUSIP_ISSUER_ONLY.finding(
                ctx.loc(field),
                f"{value!r} is the 6-character issuer number only: give the full 9-character CUSIP "
                "before certificates are issued",
                severity=WARNING,
                **where,
            )
        else:
            yield CUSIP_ISSUER_ONLY.finding(
                ctx.loc(field),
                f"{value!r} is the 6-character issuer number only: an issued certificate needs the "
                "full 9-character CUSIP (issuer number, issue number, check digit)",
                **where,
            )
        return
    problem = cusip_problem(value)
    if problem is not None and problem.kind == "check":
        yield CUSIP_CHECK.finding(
            ctx.loc(field),
            f"CUSIP {value!r} has check digit {value[8]!r}, but {value[:8]} gives {problem.expected!r}: "
            "check the number against the CUSIP assignment",
            **where,
        )
    elif problem is not None:
        yield CUSIP_FORMAT.finding(
            ctx.loc(field),
            f"{value!r} is not a CUSIP: give 9 letters or digits (or the 6-character issuer number on a form)",
            **where,
        )


def _check_isin(ctx: _Context) -> Iterator[Finding]:
    security = ctx.spec.security
    if security.identifiers is None:
        isins = [("security.isin", security.isin)] if security.isin is not None else []
        cusips = [("security.cusip", security.cusip)] if security.cusip else []
    else:
        isins = [(f"{f}.value", i.value) for f, i in _listed(ctx, "isin") if i.value is not None]
        cusips = [(f"{f}.value", i.value) for f, i in _listed(ctx, "cusip") if i.value]
    for field, value in isins:
        yield from _check_one_isin(ctx, field, value, cusips)


def _check_common_code(ctx: _Context) -> Iterator[Finding]:
    for field, ident in _listed(ctx, "common_code"):
        if ident.value is not None and common_code_problem(ident.value) is not None:
            yield COMMON_CODE_FORMAT.finding(
                ctx.loc(f"{field}.value"),
                f"{ident.value!r} is not a Common Code: give its 9 digits (e.g. 306442317)",
                **ctx.at(f"{field}.value"),
            )


def _check_one_isin(
    ctx: _Context, field: str, value: str, cusips: list[tuple[str, str]]
) -> Iterator[Finding]:
    where = ctx.at(field)
    problem = isin_problem(value)
    if problem is not None and problem.kind == "check":
        yield ISIN_CHECK.finding(
            ctx.loc(field),
            f"ISIN {value!r} has check digit {value[11]!r}, but {value[:11]} gives {problem.expected!r}",
            **where,
        )
        return
    if problem is not None:
        yield ISIN_FORMAT.finding(
            ctx.loc(field),
            f"{value!r} is not an ISIN: 2-letter country code, 9-character national number, check digit "
            "(e.g. US0378331005)",
            **where,
        )
        return
    # Only a US or Canadian ISIN embeds a CUSIP (an XS ISIN's national number is not one).
    if not cusips or value[:2] not in ("US", "CA"):
        return
    embedded = value[2:11]
    if any(len(c) == 9 and embedded == c or len(c) == 6 and embedded.startswith(c) for _, c in cusips):
        return
    named = ", ".join(f"{f} is {c}" for f, c in cusips)
    yield ISIN_CUSIP.finding(
        ctx.loc(field),
        f"ISIN {value} embeds CUSIP {embedded}, but {named}: one of them is wrong",
        **where,
    )


def _incorporated(spec: Spec) -> str:
    if spec.face.incorporated is not None:
        return spec.face.incorporated
    return spec.issuer.incorporated_line


def _check_state_law(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    if ctx.profile is not None or not (spec.is_stock or spec.is_units):
        return
    issuer = spec.issuer
    field = (
        "issuer.entity"
        if issuer.state is not None
        else "issuer.jurisdiction"
        if issuer.jurisdiction is not None
        else "issuer.incorporated_under"
    )
    hint = (
        ""
        if issuer.country not in (None, "US") or issuer.state is not None
        else "; give issuer.state if it is a corporation of a US state"
    )
    yield STATE_LAW.finding(
        ctx.loc(field),
        f"state-law checks were not applied: certgen's state profiles are of corporations of US states, "
        f"and the issuer is {issuer.description} (its own law's requirements for signatures and "
        f"statements on the certificate are for its counsel to check){hint}",
        **ctx.at(field),
    )


def _check_face(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    face = spec.face
    profile = ctx.profile
    issuer = spec.issuer
    incorporated = _incorporated(spec)
    law = profile.jurisdiction_law if profile else "convention on filed specimen certificates"
    if not incorporated.strip():
        what = "the state of incorporation" if issuer.state else "where the issuer is organized"
        yield JURISDICTION.finding(
            ctx.loc("face.incorporated"),
            f"the face does not state {what}: print '{issuer.incorporated_line}' ({law})",
            missing=True,
            severity=ERROR if profile is not None and profile.jurisdiction_required else WARNING,
            reference=law,
            **ctx.at("face.incorporated"),
        )
    elif issuer.state is not None:
        state = issuer.state_name
        if state.upper() not in incorporated.upper():
            named = any(name.upper() in incorporated.upper() for name in US_STATES.values())
            yield JURISDICTION.finding(
                ctx.loc("face.incorporated"),
                f"{incorporated!r} does not name {state}, the issuer's state (issuer.state: "
                f"{issuer.state}): make them agree",
                missing=not named,
                **ctx.at("face.incorporated"),
            )
    elif issuer.place is not None and issuer.incorporated_under is None:
        name = issuer.place.name.removeprefix("the ")
        if name.upper() not in incorporated.upper():
            yield JURISDICTION.finding(
                ctx.loc("face.incorporated"),
                f"{incorporated!r} does not name {name}, the issuer's jurisdiction (issuer.jurisdiction): "
                "make them agree",
                **ctx.at("face.incorporated"),
            )
    yield from _check_stated_jurisdictions(ctx)
    security = spec.security
    # A preferred class is designated by its series or class, or by its dividend rate ("8% Cumulative").
    if security.kind == "preferred_stock" and not re.search(
        r"\b(SERIES|CLASS)\b|\d%", security.title.upper()
    ):
        yield SERIES.finding(
            ctx.loc("security.title"),
            f"{security.title!r} names no series or class: preferred stock is designated by its "
            "series (e.g. 'Series B Cumulative Preferred Stock')",
            **ctx.at("security.title"),
        )
    clause = face.shares_clause or ""
    # Par value and "fully paid and non-assessable" are of shares of stock, not of units.
    stock = spec.is_stock
    no_par = any(
        re.search(r"\b(NO|WITHOUT)\s+PAR\b|\bNO-PAR\b", text.upper()) for _, text in _face_texts(spec)
    )
    # A par value is a US statute's notion (Canada's CBCA shares have none, s. 24(1)): the rule is of
    # issuers of a US state, or of unknown place.
    if stock and security.par_value is None and not no_par and issuer.country in (None, "US"):
        yield PAR_VALUE.finding(
            ctx.loc("security.par_value"),
            "no par value and no 'without par value' statement: give security.par_value (e.g. \"$.01\") "
            "or say 'NO PAR VALUE' in face.shares_clause or the title",
            severity=ERROR if profile is not None and profile.par_value_required else WARNING,
            reference=profile.par_value_law if profile is not None else PAR_VALUE.reference,
            **ctx.at("security.par_value"),
        )
    if (
        stock
        and face.shares_clause is not None
        and not (_FULLY_PAID.search(clause.upper()) and "ASSESSABLE" in clause.upper())
    ):
        yield FULLY_PAID.finding(
            ctx.loc("face.shares_clause"),
            "the shares clause does not say 'FULLY PAID AND NON-ASSESSABLE'",
            **ctx.at("face.shares_clause"),
        )
    if spec.is_stock or spec.is_units:
        yield from _check_face_facts(ctx)
    transfer = face.transfer_clause.lower()
    if not ("transferable" in transfer and "surrender" in transfer):
        yield TRANSFER_CLAUSE.finding(
            ctx.loc("face.transfer_clause"),
            "the face does not say how the shares are transferred ('transferable on the books of the "
            "Corporation … upon surrender of this Certificate properly endorsed')",
            **ctx.at("face.transfer_clause"),
        )
    # The attestation and the date may stand in any face text (a composed face's {text:} part,
    # "this ___ day of ___, ___ A.D." in the witness clause): what the face says counts.
    printed = [" ".join(text.upper().split()) for _, text in _face_texts(spec)]
    witness = " ".join(printed)
    if not re.search(r"\bWITNESS\b[^.]{0,200}?\b(?:SIGNATURES?|SIGNED)\b", witness):
        yield WITNESS.finding(
            ctx.loc("face.witness_clause"),
            "the face does not attest the officers' signatures ('WITNESS the facsimile signatures of its duly "
            "authorized officers')",
            **ctx.at("face.witness_clause"),
        )
    if not face.dated.strip() and not any(re.search(r"\bDATED\b|\bDAY\s+OF\b", text) for text in printed):
        yield DATED.finding(
            ctx.loc("face.dated"),
            "face.dated is empty: the face needs a 'Dated' line",
            **ctx.at("face.dated"),
        )
    on_reverse = [legend for legend in ctx.legends if legend.placement == "reverse"]
    if on_reverse and not face.see_reverse.strip():
        yield SEE_REVERSE.finding(
            ctx.loc("face.see_reverse"),
            f"{len(on_reverse)} legend(s) are printed on the reverse, but the face does not refer to "
            "them: set face.see_reverse (e.g. 'SEE REVERSE FOR CERTAIN DEFINITIONS AND RESTRICTIONS')",
            **ctx.at("face.see_reverse"),
        )
    if spec.transfer_agent and not spec.transferable_in and not (face.transferable or "").strip():
        yield TRANSFERABLE_IN.finding(
            ctx.loc("transferable_in"),
            "the face does not say where the certificate is transferable: list the cities in "
            "transferable_in (e.g. NEW YORK, NEW YORK)",
            **ctx.at("transferable_in"),
        )


def _face_texts(spec: Spec) -> list[tuple[str, str]]:
    """What the face prints of the spec's own words, with their fields: the title, the
    incorporation line, the clauses, and the text of its parts."""
    face = spec.face
    out: list[tuple[str, str]] = [("security.title", spec.security.title)]
    if face.title:
        out.append(("face.title", face.title))
    out.append(("face.incorporated" if face.incorporated is not None else "issuer", _incorporated(spec)))
    for key in (
        "certifies",
        "record_holder",
        "shares_clause",
        "see_reverse",
        "transferable",
        "transfer_clause",
        "witness_clause",
        "amount_heading",
    ):
        value = getattr(face, key)
        if value:
            out.append((f"face.{key}", value))
    for index, part in enumerate(face.parts or []):
        if isinstance(part, str):
            continue
        for key in ("text", "heading", "title", "caption"):
            value = getattr(part, key)
            if value:
                out.append((f"face.parts[{index}].{key}", value))
    return out


def _printed_texts(ctx: _Context) -> list[tuple[str, str]]:
    """The face's texts and every legend's."""
    return _face_texts(ctx.spec) + [(_legend_field(ctx.spec, legend), legend.text) for legend in ctx.legends]


def _check_stated_jurisdictions(ctx: _Context) -> Iterator[Finding]:
    """No face or legend text says the issuer is organized under another law than its own."""
    issuer = ctx.spec.issuer
    place = issuer.place
    if place is None or issuer.incorporated_under is not None:
        return
    wanted_sub = place.subdivision or ""
    if place.country == "US" and issuer.state is not None:
        wanted_sub = issuer.state
    elif place.country == "CA" and wanted_sub:
        from ..spec.jurisdictions import province_code

        wanted_sub = province_code(wanted_sub) or wanted_sub
    seen: set[str] = set()
    for field, text in _printed_texts(ctx):
        if field in ("issuer", "face.incorporated"):
            continue  # the incorporation line: checked above
        for statement, readings in stated_jurisdictions(text, issuer.name):
            # A statement agrees when it names the issuer's subdivision, or only its country.
            if any(country == place.country and sub in (wanted_sub, "") for country, sub in readings):
                continue
            if statement in seen:
                continue
            seen.add(statement)
            yield JURISDICTION.finding(
                ctx.loc(field),
                f"{statement!r} names another law than the issuer's ({issuer.laws}, issuer."
                f"{'state' if issuer.state else 'jurisdiction'}): make the text and the spec agree",
                **ctx.at(field),
            )


_SERIES_NAMED = re.compile(r"\bSERIES\s+([A-Z0-9]{1,4}(?:-\d+)?)\b(?!\s*\])")
#: "SHARES OF THE (SERIES B CUMULATIVE) PREFERRED STOCK": the class the shares clause names.
_CLASS_NAMED = re.compile(
    r"\bSHARES\s+OF\s+(?:THE\s+)?(?:[\w%.-]+\s+){0,5}?(COMMON|PREFERRED)\s+(?:STOCK|SHARES)\b"
)


def _check_face_facts(ctx: _Context) -> Iterator[Finding]:
    """The par value and the class the face and legends print agree with the spec."""
    spec = ctx.spec
    security = spec.security
    spec_par = par_value_of(security.par_value) if security.par_value else None
    if spec.is_stock and security.par_value is not None and spec_par is not None:
        for field, text in _printed_texts(ctx):
            for written, amount in par_values(text):
                if amount != spec_par:
                    yield FACE_FACTS.finding(
                        ctx.loc(field),
                        f"{written!r} is not the par value of the spec ({security.par_value}, "
                        "security.par_value): make them agree",
                        **ctx.at(field),
                    )
    title = security.title.upper()
    series = set(_SERIES_NAMED.findall(title))
    kind = {"common_stock": "COMMON", "preferred_stock": "PREFERRED"}.get(security.kind)
    for field, text in _face_texts(spec):
        if field in ("security.title", "issuer", "face.incorporated"):
            continue
        upper = " ".join(text.upper().split())
        named = set(_SERIES_NAMED.findall(upper)) - series
        if series and named:
            yield FACE_FACTS.finding(
                ctx.loc(field),
                f"the face names series {', '.join(sorted(named))}, but the shares are {security.title!r} "
                "(security.title): make them agree",
                **ctx.at(field),
            )
        if field != "face.shares_clause":
            continue
        for match in _CLASS_NAMED.finditer(upper):
            if kind is not None and match.group(1) != kind and match.group(1) not in title:
                yield FACE_FACTS.finding(
                    ctx.loc(field),
                    f"the shares clause says {' '.join(match.group(0).split())!r}, but the certificate is of "
                    f"{security.title!r} ({security.kind}, security.kind): make them agree",
                    **ctx.at(field),
                )
        if spec.is_units and re.search(r"\bSHARES\b", upper) and not re.search(r"\bUNITS?\b", upper):
            yield FACE_FACTS.finding(
                ctx.loc(field),
                "the shares clause speaks of shares, but the certificate is of units (security.kind: units): "
                "make them agree",
                **ctx.at(field),
            )


def _check_signatures(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    profile = ctx.profile
    if profile is None:  # no state's law to apply (issuer.state-law)
        return
    officers = spec.issuer.officers
    state = spec.issuer.state
    if len(officers) < profile.signers:
        yield SIGNERS.finding(
            ctx.loc("issuer.officers"),
            f"{len(officers)} officer signature(s), but {state} requires {profile.signers} "
            f"({profile.signing_law}): add the other officer under issuer.officers",
            reference=profile.signing_law,
            **ctx.at("issuer.officers"),
        )
    if profile.title_groups and officers:
        titles = [o.title for o in officers]
        if not _covers(profile, titles):
            wanted = " and ".join("a " + " or ".join(group) for group in profile.title_groups)
            yield TITLES.finding(
                ctx.loc("issuer.officers"),
                f"officers {', '.join(titles)} do not include {wanted}, as {state} requires "
                f"({profile.signing_law})",
                severity=ERROR if profile.titles_confirmed else WARNING,
                reference=profile.signing_law,
                **ctx.at("issuer.officers"),
            )
    facsimile = any(o.signature for o in officers) or "facsimile" in spec.face.witness_clause.lower()
    if profile.facsimile_needs_countersignature and facsimile:
        agent = spec.transfer_agent
        independent = agent is not None and agent.name.strip().upper() != spec.issuer.name.strip().upper()
        if not independent and not spec.issuer.listed:
            yield FACSIMILE.finding(
                ctx.loc("issuer.officers"),
                "facsimile signatures need a countersignature by a transfer agent or registrar other "
                "than the corporation, or an exchange listing (N.Y. Bus. Corp. Law §508(a)): add "
                "transfer_agent, or set issuer.listed",
                **ctx.at("issuer.officers"),
            )


def _covers(profile: StateProfile, titles: list[str]) -> bool:
    """One distinct officer per title group (a small bipartite match: try every assignment)."""
    groups = profile.title_groups

    def assign(index: int, used: frozenset[int]) -> bool:
        if index == len(groups):
            return True
        return any(
            i not in used and profile.matches(groups[index], title) and assign(index + 1, used | {i})
            for i, title in enumerate(titles)
        )

    return assign(0, frozenset())


def _check_countersignature(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    face = spec.face
    if spec.transfer_agent is None:
        # The face may print its countersignature block in its own words (captions, text parts).
        parts = [text for field, text in _face_texts(spec) if field.startswith("face.parts")]
        if any(_COUNTERSIGNATURE_BLOCK.search(" ".join(text.upper().split())) for text in parts) or (
            _COUNTERSIGNATURE_BLOCK.search(" ".join(" | ".join(parts).upper().split()))
        ):
            return
        yield NO_AGENT.finding(
            ctx.loc("transfer_agent"),
            "no transfer agent: the certificate has no countersignature; name the transfer agent and "
            "registrar under transfer_agent",
            **ctx.at("transfer_agent"),
        )
        return
    for key in ("countersigned", "by", "authorized_signature"):
        if not getattr(face, key).strip():
            yield COUNTERSIGN.finding(
                ctx.loc(f"face.{key}"),
                f"face.{key} is empty: the countersignature block needs it",
                **ctx.at(f"face.{key}"),
            )
    if not _NOT_VALID_UNTIL.search(" ".join(face.transfer_clause.lower().split())):
        yield NOT_VALID_UNTIL.finding(
            ctx.loc("face.transfer_clause"),
            "the face does not say 'This Certificate is not valid until countersigned' by the transfer "
            "agent (and registered by the registrar)",
            **ctx.at("face.transfer_clause"),
        )


#: A countersignature block printed as the face's own text: "COUNTERSIGNED AND REGISTERED: ...", or
#: the agent's role over "Authorized Signature" ("As Transfer Agent and Registrar / By: / Authorized
#: Signature"); not the statement that the certificate is not valid until countersigned.
_COUNTERSIGNATURE_BLOCK = re.compile(
    r"^\s*COUNTERSIGNED\b|\bAGENT\b[^.]{0,80}\bAUTHORI[SZ]ED\s+(?:SIGNATURE|SIGNATORY|OFFICER)"
)
#: "not valid until (or unless) countersigned": the two wordings of filed forms say the same.
_NOT_VALID_UNTIL = re.compile(r"not valid (until|unless) (it is )?countersigned")
#: "FULLY PAID", "FULLY-PAID", "FULLY PAID-UP".
_FULLY_PAID = re.compile(r"FULLY[\s-]+PAID")


def _check_legends(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    issuer = spec.issuer
    security = spec.security
    kinds = ctx.kinds()
    profile = ctx.profile
    stock = spec.is_stock  # designations and ownership limits concern share certificates
    multi = (
        security.kind == "preferred_stock"
        or len(issuer.classes) > 1
        or (issuer.reit and issuer.state == "MD")
    )
    if stock and multi and profile is not None and "designations" not in kinds:
        why = (
            "preferred stock"
            if security.kind == "preferred_stock"
            else "issuer.classes lists more than one class"
            if len(issuer.classes) > 1
            else "a Maryland REIT"
        )
        yield DESIGNATIONS.finding(
            ctx.loc("legends"),
            f"{why}: the certificate must print the statement of designations, preferences and rights, "
            f"or that the corporation will furnish it on request without charge ({profile.statement_law}); "
            "add the designations-on-request legend",
            reference=profile.statement_law,
            **ctx.at("legends"),
        )
    ownership = kinds.get("ownership", [])
    limit = issuer.ownership_limit
    if stock and (issuer.reit or limit is not None) and not ownership:
        why = "the issuer is a REIT" if issuer.reit else f"the charter limits ownership to {_pct(limit)}"
        yield OWNERSHIP.finding(
            ctx.loc("legends"),
            f"{why}, but no legend states the ownership restriction: add the reit-ownership legend",
            **ctx.at("legends"),
        )
    for legend in ownership:
        stated = percentages(legend.text)
        field = _legend_field(spec, legend)
        if limit is None:
            if stated:
                yield LIMIT_UNKNOWN.finding(
                    ctx.loc(field),
                    f"legend {legend.name!r} states an ownership limit of {stated[0]}%; set "
                    "issuer.ownership_limit to the charter's figure so that it can be checked",
                    **ctx.at(field),
                )
            continue
        if not stated:
            yield OWNERSHIP_LIMIT.finding(
                ctx.loc(field),
                f"legend {legend.name!r} states no percentage, but the charter's ownership limit is "
                f"{_pct(limit)} (issuer.ownership_limit): state it in the legend",
                **ctx.at(field),
            )
        for figure in stated:
            if abs(float(figure) - limit) > 1e-9:
                yield OWNERSHIP_LIMIT.finding(
                    ctx.loc(field),
                    f"legend {legend.name!r} states an ownership limit of {figure}%, but the charter's "
                    f"limit (issuer.ownership_limit) is {_pct(limit)}: make the legend say {_pct(limit)}",
                    **ctx.at(field),
                )
    required = [
        (security.restricted, "securities-act", SECURITIES_ACT, "security.restricted",
         "restricted securities: add a Securities Act legend (not registered under the Securities Act of "
         "1933; no transfer without registration or an exemption)"),
        (security.transfer_restricted, "transfer-restriction", TRANSFER_RESTRICTION, "security.transfer_restricted",
         f"the shares are subject to a transfer restriction, but no legend states it ({profile.restriction_law if profile else 'UCC §8-204'}): "
         "add a legend that notes the restriction conspicuously"),
        (security.rights_plan, "rights-plan", RIGHTS_PLAN, "security.rights_plan",
         "the shares carry rights under a rights agreement, but no legend refers to the Rights Agreement"),
        (issuer.close_corporation, "close-corporation", CLOSE_CORPORATION, "issuer.close_corporation",
         "a close corporation must say so on each certificate: add a legend stating it is a close corporation"),
        (security.regulation_s, "regulation-s", REGULATION_S, "security.regulation_s",
         "equity sold under Regulation S: add the Regulation S legend (transfers only under Regulation S, "
         "registration or an exemption; no hedging except in compliance with the Securities Act)"),
    ]  # fmt: skip
    if issuer.state == "CA" and profile is not None:
        required += [
            (security.assessable, "assessable", CALIFORNIA_418, "security.assessable",
             "the shares are assessable: a California certificate must say so conspicuously (§418(a)(2))"),
            (security.redeemable, "redemption", CALIFORNIA_418, "security.redeemable",
             "the shares are redeemable: a California certificate must say so (§418(a)(4))"),
            (security.convertible, "conversion", CALIFORNIA_418, "security.convertible",
             "the shares are convertible: a California certificate must say so, with the conversion period (§418(a)(5))"),
        ]  # fmt: skip
    for applies, kind, checked, field, message in required:
        if applies and kind not in kinds:
            yield checked.finding(ctx.loc(field), message, **ctx.at(field))
    if spec.is_stock and security.regulation_s:
        # Rule 903(b)(3)(iii)(B)(3): "a legend to the effect that" transfer is prohibited except under
        # Regulation S, registration or an exemption, AND that hedging may be conducted only in
        # compliance with the Act: both elements, in any words.
        for legend in kinds.get("regulation-s", []):
            if not re.search(r"\bHEDG", legend.text.upper()):
                field = _legend_field(spec, legend)
                yield REGULATION_S.finding(
                    ctx.loc(field),
                    f"the Regulation S legend {legend.name!r} does not say that hedging transactions may be "
                    "conducted only in compliance with the Securities Act (Rule 903(b)(3)(iii)(B)(3)): add it",
                    **ctx.at(field),
                )
    restricting = (
        "ownership",
        "nol",
        "securities-act",
        "transfer-restriction",
        "close-corporation",
        "regulation-s",
    )
    flagged: set[int] = set()
    for kind in restricting:
        for legend in kinds.get(kind, []):
            letters = [c for c in legend.text if c.isalpha()]
            if (
                legend.index in flagged
                or not letters
                or sum(c.isupper() for c in letters) / len(letters) >= 0.9
            ):
                continue
            flagged.add(legend.index)
            field = _legend_field(spec, legend)
            if spec.is_excerpt:
                # A copy of a filed form gives its words, not its type (capitals, bold, size).
                yield CONSPICUOUS.finding(
                    ctx.loc(field),
                    f"legend {legend.name!r} restricts ownership or transfer and is not in capitals here; the "
                    "filed form's type is not known from its copy: print it conspicuously on certificates",
                    severity=INFO,
                    **ctx.at(field),
                )
                continue
            yield CONSPICUOUS.finding(
                ctx.loc(field),
                f"legend {legend.name!r} restricts ownership or transfer but is not in capitals: set "
                "it in capitals so that it is conspicuous",
                **ctx.at(field),
            )


def _legend_field(spec: Spec, legend: LegendText) -> str:
    source = spec.legends[legend.index]
    if source.template is not None and "ownership_limit" in source.params:
        return f"{legend.field}.params.ownership_limit"
    return f"{legend.field}.text" if source.text is not None else legend.field


def _pct(value: float | None) -> str:
    return f"{value:g}%"


def _check_reverse(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    reverse = spec.reverse
    if "reverse" not in dict(spec.page_templates()):
        yield ASSIGNMENT.finding(
            ctx.loc("templates.reverse"),
            "no reverse: a stock certificate carries the assignment form on its reverse (set "
            "templates.reverse, e.g. stock/reverse)",
            **ctx.at("templates.reverse"),
        )
        return
    for key in ("for_value", "hereby_assign", "tin_box", "name_address", "shares_line", "attorney", "dated"):
        if not getattr(reverse, key).strip():
            yield ASSIGNMENT.finding(
                ctx.loc(f"reverse.{key}"),
                f"reverse.{key} is empty: the assignment form needs it",
                **ctx.at(f"reverse.{key}"),
            )
    notice = " ".join(reverse.notice.upper().split())
    if not all(
        p in notice
        for p in ("MUST CORRESPOND WITH THE NAME", "EVERY PARTICULAR", "WITHOUT ALTERATION OR ENLARGEMENT")
    ):
        yield NOTICE.finding(
            ctx.loc("reverse.notice"),
            "the notice must say the signature 'MUST CORRESPOND WITH THE NAME AS WRITTEN UPON THE FACE OF "
            "THE CERTIFICATE IN EVERY PARTICULAR, WITHOUT ALTERATION OR ENLARGEMENT OR ANY CHANGE WHATEVER'",
            **ctx.at("reverse.notice"),
        )
    if not _calls_for_medallion(spec):
        yield GUARANTEE.finding(
            ctx.loc("reverse.guarantee"),
            "the signature-guarantee block must call for an eligible guarantor institution in a medallion "
            "program, pursuant to S.E.C. Rule 17Ad-15",
            **ctx.at("reverse.guarantee"),
        )
    codes = {" ".join(a.code.upper().split()) for a in reverse.abbreviations}
    missing = [c for c in ("TEN COM", "TEN ENT", "JT TEN") if c not in codes]
    if not reverse.gift_act.strip():
        missing.append("UNIF GIFT MIN ACT")
    if not reverse.transfers_act.strip():
        missing.append("UNIF TRF MIN ACT")
    if missing:
        yield ABBREVIATIONS.finding(
            ctx.loc("reverse.abbreviations"),
            f"the abbreviations table lacks {', '.join(missing)}",
            **ctx.at("reverse.abbreviations"),
        )
    if not any("lost-certificate" in classify_legend(legend.text) for legend in ctx.legends):
        yield LOST.finding(
            ctx.loc("legends"),
            "no lost-certificate notice: add the lost-certificate legend (a replacement requires a bond "
            "of indemnity)",
            **ctx.at("legends"),
        )


def _calls_for_medallion(spec: Spec) -> bool:
    """The signature-guarantee block names a medallion program or Rule 17Ad-15."""
    guarantee = " ".join(f"{spec.reverse.guaranteed} {spec.reverse.guarantee}".upper().split())
    return "GUARANTEE" in guarantee and ("17AD-15" in guarantee or "MEDALLION" in guarantee)


def _check_shares(ctx: _Context) -> Iterator[Finding]:
    from .holder_rules import AUTHORIZED  # the same rule, checked on the spec's own figures

    security = ctx.spec.security
    if (
        security.authorized_shares is not None
        and security.outstanding_shares is not None
        and security.outstanding_shares > security.authorized_shares
    ):
        yield AUTHORIZED.finding(
            ctx.loc("security.outstanding_shares"),
            f"{security.outstanding_shares:,} shares outstanding exceed the {security.authorized_shares:,} "
            "authorized (security.authorized_shares): correct the figures from the control book",
            **ctx.at("security.outstanding_shares"),
        )


def _check_note(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    if not spec.is_note:
        return
    words = spec.note_wording
    kinds = ctx.kinds()
    depositary = spec.security.depositary
    if spec.security.kind == "global_note" and depositary in ("common_depositary", "common_safekeeper"):
        if not any(legend.placement == "face" for legend in kinds.get("common-depositary", [])):
            yield NOTE_ICSD.finding(
                ctx.loc("legends"),
                "a global note held for Euroclear and Clearstream names them (or its common depositary or "
                "safekeeper) in a face legend: add the legend of the indenture's form of global note",
                **ctx.at("legends"),
            )
        if spec.security.isin is None and not _listed(ctx, "isin"):
            yield NOTE_ICSD.finding(
                ctx.loc("security.isin"),
                "a global note held for Euroclear and Clearstream is identified by its ISIN: add security.isin "
                "(or an isin to security.identifiers)",
                **ctx.at("security.isin"),
            )
    if spec.security.kind == "global_note":
        dtc = depositary == "dtc"
        dtc_legends = kinds.get("dtc", [])
        if dtc and not dtc_legends:
            yield NOTE_DTC.finding(
                ctx.loc("legends"),
                "a global note held at DTC needs the DTC legend on its face: add the dtc legend (placement: face), "
                "or say who holds it (security.depositary)",
                **ctx.at("legends"),
            )
        elif dtc and not any(legend.placement == "face" for legend in dtc_legends):
            field = f"{dtc_legends[0].field}.placement"
            yield NOTE_DTC.finding(
                ctx.loc(field),
                f"the DTC legend {dtc_legends[0].name!r} is printed on the reverse: a global note held at DTC "
                "carries it on its face (placement: face)",
                **ctx.at(field),
            )
        if depositary != "none" and "global-security" not in kinds:
            yield NOTE_GLOBAL.finding(
                ctx.loc("legends"),
                "a global note needs the global-security legend: add the global-security legend (placement: face)",
                **ctx.at("legends"),
            )
        if dtc and spec.security.primary_cusip is None and not _listed(ctx, "cusip"):
            yield NOTE_CUSIP.finding(
                ctx.loc("security.cusip"),
                "a global note held at DTC needs its CUSIP: add security.cusip (or a cusip to "
                "security.identifiers)",
                **ctx.at("security.cusip"),
            )
        if "schedule" not in dict(spec.page_templates()):
            yield NOTE_SCHEDULE.finding(
                ctx.loc("templates.schedule"),
                "a global note needs its Schedule of Exchanges of Interests: leave templates.schedule unset "
                "(notes/schedule) or name a schedule template",
                **ctx.at("templates.schedule"),
            )
    if spec.security.restricted:
        # The legend says who may hold the notes (qualified institutional buyers, non-U.S. persons
        # offshore): a Rule 144A or Regulation S legend, whatever it is called.
        if not kinds.keys() & {"rule-144a", "regulation-s"}:
            yield NOTE_PRIVATE_PLACEMENT.finding(
                ctx.loc("legends"),
                "restricted notes need the private placement legend (Rule 144A / Regulation S resale "
                "restrictions): add the rule-144a legend (placement: face), or the indenture's legend as text",
                **ctx.at("legends"),
            )
    for key in ("authentication", "as_trustee", "authorized_signatory"):
        if not getattr(words, key).strip():
            yield NOTE_AUTHENTICATION.finding(
                ctx.loc(f"note_wording.{key}"),
                f"note_wording.{key} is empty: the trustee's certificate of authentication needs it",
                **ctx.at(f"note_wording.{key}"),
            )
    if "reverse" not in dict(spec.page_templates()):
        yield NOTE_ASSIGNMENT.finding(
            ctx.loc("templates.reverse"),
            "no reverse: a note carries its assignment form and signature guarantee there",
            **ctx.at("templates.reverse"),
        )
        return
    for key in ("assignment", "appoint", "sign_exactly"):
        if not getattr(words, key).strip():
            yield NOTE_ASSIGNMENT.finding(
                ctx.loc(f"note_wording.{key}"),
                f"note_wording.{key} is empty: the assignment form needs it",
                **ctx.at(f"note_wording.{key}"),
            )
    if not _calls_for_medallion(spec):
        yield NOTE_ASSIGNMENT.finding(
            ctx.loc("reverse.guarantee"),
            "the signature guarantee must call for a medallion program guarantor (S.E.C. Rule 17Ad-15)",
            **ctx.at("reverse.guarantee"),
        )


def _check_warrant(ctx: _Context) -> Iterator[Finding]:
    spec = ctx.spec
    w = spec.warrant
    if spec.security.kind != "warrant" or w is None:
        return
    words = spec.warrant_wording
    if w.expires is None:
        # A form may leave the expiry blank (a line to be written in); a certificate may not.
        yield WARRANT_TERMS.finding(
            ctx.loc("warrant.expires"),
            "the form leaves the expiration date blank: give warrant.expires before certificates are issued"
            if ctx.is_form
            else "no expiration date: an issued warrant certificate states when the warrants expire (give "
            "warrant.expires)",
            severity=INFO if ctx.is_form else ERROR,
            **ctx.at("warrant.expires"),
        )
    elif w.expires <= w.exercisable_from:
        yield WARRANT_TERMS.finding(
            ctx.loc("warrant.expires"),
            f"the warrants expire on {w.expires} but become exercisable only on {w.exercisable_from}",
            **ctx.at("warrant.expires"),
        )
    if not re.search(r"\d", w.exercise_price):
        yield WARRANT_TERMS.finding(
            ctx.loc("warrant.exercise_price"),
            f"{w.exercise_price!r} states no price",
            **ctx.at("warrant.exercise_price"),
        )
    entitled = " ".join(words.entitled.split())
    stated = (
        ("{price}", w.exercise_price, "exercise price"),
        ("{end}", format_date(w.expires) if w.expires else "{end}", "expiration date"),
        ("{underlying}", w.underlying, "security purchasable"),
    )
    for placeholder, value, what in stated:
        # The wording prints the term through its placeholder, or states it verbatim.
        if placeholder not in entitled and value.lower() not in entitled.lower():
            yield WARRANT_TERMS.finding(
                ctx.loc("warrant_wording.entitled"),
                f"warrant_wording.entitled does not print the {what} ({placeholder}, or {value!r} as written)",
                missing=not entitled,
                **ctx.at("warrant_wording.entitled"),
            )
    if "W" not in spec.security.certificate_prefix.upper():
        yield WARRANT_NUMBERING.finding(
            ctx.loc("security.certificate_prefix"),
            f"certificate prefix {spec.security.certificate_prefix!r}: warrant certificates are numbered W-1, W-2, ...",
            **ctx.at("security.certificate_prefix"),
        )
    if (
        not words.countersigned.strip()
        or "valid unless countersigned" not in " ".join(words.exchange.lower().split())
        and "valid until countersigned" not in " ".join(words.exchange.lower().split())
    ):
        yield WARRANT_COUNTERSIGN.finding(
            ctx.loc("warrant_wording.countersigned"),
            "the face needs the warrant agent's countersignature and the statement that the certificate is not "
            "valid unless countersigned by the Warrant Agent",
            **ctx.at("warrant_wording.countersigned"),
        )
    election = " ".join(words.election.lower().split())
    medallion = " ".join(words.medallion.lower().split())
    missing = [
        what
        for what, ok in (
            ("the election to exercise", "elects to exercise" in election),
            ("a new certificate for the balance", "balance" in election),
            ("the taxpayer number", bool(words.tin.strip())),
            ("the signature note", "name of the holder" in " ".join(words.signature_note.lower().split())),
            ("the medallion guarantee", "medallion" in medallion or "17ad-15" in medallion),
            ("'a notary public is not sufficient'", "notary" in medallion),
        )
        if not ok
    ]
    if missing:
        yield WARRANT_EXERCISE.finding(
            ctx.loc("warrant_wording.election"),
            f"the election to purchase lacks {', '.join(missing)}",
            **ctx.at("warrant_wording.election"),
        )


def _check_excerpt(ctx: _Context) -> Iterator[Finding]:
    if ctx.spec.is_excerpt and not ctx.form:
        yield EXCERPT.finding(
            ctx.loc("form.excerpt"),
            "this spec is an excerpt of a filed form and prints only as the blank form: "
            "render it without holders, or complete the form and remove form.excerpt",
            **ctx.at("form.excerpt"),
        )


def _check_qr(ctx: _Context) -> Iterator[Finding]:
    from ..signing import SigningKeyError
    from ..signing.signers import load_signer, missing_private_key

    if ctx.spec.qr is None:
        return
    try:
        signer = load_signer(ctx.spec)
    except SigningKeyError as exc:
        yield QR_KEYS.finding(str(exc.where or ctx.loc(exc.field)), exc.message, **ctx.at(exc.field))
        return
    if signer is None and not ctx.form:
        yield QR_KEYS.finding(ctx.loc("qr"), missing_private_key(ctx.spec), **ctx.at("qr"))


def _check_pdf_signature(ctx: _Context) -> Iterator[Finding]:
    from ..signing import SigningKeyError
    from ..signing.pades import load_document_signer

    if ctx.spec.pdf_signature is None:
        return
    try:
        load_document_signer(ctx.spec)
    except SigningKeyError as exc:
        yield PDF_SIGNATURE_KEYS.finding(
            str(exc.where or ctx.loc(exc.field)), exc.message, **ctx.at(exc.field)
        )


_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_excerpt,
    _check_qr,
    _check_pdf_signature,
    _check_placeholders,
    _check_cusip,
    _check_isin,
    _check_common_code,
    _check_state_law,
    _check_face,
    _check_signatures,
    _check_countersignature,
    _check_legends,
    _check_reverse,
    _check_shares,
    _check_note,
    _check_warrant,
)

#: Checks of what a stock (or unit) certificate prints; notes and warrants have their own.
_STOCK_ONLY = (_check_face, _check_signatures, _check_countersignature, _check_reverse)

_NEED_LEGENDS = (_check_placeholders, _check_legends, _check_reverse, _check_face, _check_note)
