"""Rules on a certificate PDF, made by certgen or by anything else.

The PDF is read into glyphs and text (:mod:`.pdftext`), split into
certificates (a face page and the pages after it up to the next face), and
each certificate is checked: identifiers, number, holder, shares in figures
and in words, legends verbatim, signature captions, countersignature,
assignment form; then each page's geometry: no text off the page and no
glyphs printed over each other.

With the spec, the checks know what must be printed (legend texts, officer
titles, the CUSIP, the transfer agent); without it they check what any
stock certificate needs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..model.certificate import Holder
from ..model.identifiers import canonical_number, cusip_check_digit
from ..pdftext import Glyph, PageText
from ..spec.schema import Spec
from ..words import in_figures
from .engine import ERROR, INFO, WARNING, Finding, Scope, as_excerpt, rule
from .text import NUMBER_WORDS, compact, par_value_of, par_values, stated_jurisdictions, words_to_number

__all__ = ["check_pdf", "form_text_problem", "split_certificates"]

_P: Scope = "pdf"

READABLE = rule(
    "pdf.readable", ERROR, _P, "The file is a PDF whose pages and text can be read.", "ISO 32000 (PDF)"
)
ISSUER = rule(
    "pdf.issuer-name",
    ERROR,
    _P,
    "The face prints the issuer's exact legal name (issuer.name).",
    "MBCA §6.25(b)(1); Md. Code, Corps. & Ass'ns §2-211(a)(1)",
    ("ALL-001",),
    applies="with --spec",
    parts=True,
)
TITLE = rule(
    "pdf.security-title",
    ERROR,
    _P,
    "The face prints the class and series of the shares (security.title).",
    "MBCA §6.25(b)(3); Md. Code, Corps. & Ass'ns §2-211(a)(3); Cal. Corp. Code §416",
    ("STK-002", "PRF-001"),
    applies="with --spec",
    parts=True,
)
CUSIP = rule(
    "pdf.cusip",
    ERROR,
    _P,
    "The face prints the spec's CUSIPs (labelled CUSIP, CUSIP NO., Cusip, ...; grouped 6-2-1, 6-3 "
    "or not at all); each printed CUSIP has a valid check digit.",
    "CUSIP standard, ANSI X9.6; filed specimen certificates",
    ("ID-001", "ALL-012", "GN-003"),
    applies="missing CUSIP: error when the spec has one, warning without a spec",
)
NUMBER = rule(
    "pdf.certificate-number",
    ERROR,
    _P,
    "An issued certificate prints its certificate number.",
    "17 CFR 240.17Ad-9(a)(1)",
    ("ALL-004",),
)
HOLDER = rule(
    "pdf.holder",
    ERROR,
    _P,
    "The face names the registered holder ('This Certifies that … is the record holder of').",
    "MBCA §6.25(b)(2); Md. Code, Corps. & Ass'ns §2-211(a)(2)",
    ("ALL-003",),
)
SHARES = rule(
    "pdf.shares",
    ERROR,
    _P,
    "An issued certificate prints the number of shares in figures.",
    "DGCL §158; MBCA §6.25(b)(3); Md. Code, Corps. & Ass'ns §2-211(a)(3)",
    ("STK-001",),
)
SHARES_WORDS = rule(
    "pdf.shares-words",
    WARNING,
    _P,
    "An issued certificate also prints the number of shares in words.",
    "Filed specimen certificates (amount in words resists alteration)",
    ("STK-001",),
)
SHARES_AGREE = rule(
    "pdf.shares-agree",
    ERROR,
    _P,
    "The number of shares in words states the same number as the figures.",
    "Filed specimen certificates; historic NYSE delivery rules (amount in words and figures)",
    ("STK-001", "ASG-007"),
)
LEGEND = rule(
    "pdf.legend",
    ERROR,
    _P,
    "Every legend of the spec is printed verbatim (white space and line breaks aside).",
    "UCC §8-204 (restrictions noted conspicuously on the certificate); the spec's legends",
    ("ALL-010", "ALL-011", "REIT-001"),
    applies="with --spec",
)
SIGNATURES = rule(
    "pdf.signatures",
    ERROR,
    _P,
    "The face prints a signature caption for each signing officer of the spec; without a spec, at least "
    "one officer's caption (any title: President, Chief Executive Officer, General Counsel, Clerk, ...).",
    "8 Del. C. §158; MBCA §6.25(d); N.Y. Bus. Corp. Law §508(a)",
    ("ALL-005",),
    applies="without a spec: a note on a form (no holder, amount or number filled in)",
)
FACTS = rule(
    "pdf.facts",
    ERROR,
    _P,
    "What the face prints of the issue agrees with the spec: the par value (security.par_value) and the "
    "state or country under whose law the issuer is organized (issuer.state, issuer.jurisdiction).",
    "17 CFR 240.17Ad-9(a) and 17Ad-10 (the certificate agrees with the certificate detail of record); "
    "MBCA §6.25(b)(1); N.Y. Bus. Corp. Law §508(c)(1)",
    ("ALL-002", "STK-003"),
    applies="with --spec",
)
DUPLICATE = rule(
    "pdf.duplicate-number",
    ERROR,
    _P,
    "No two certificates in one PDF print the same certificate number (compared in its canonical form: "
    "case, spaces, hyphens and leading zeros aside).",
    "17 CFR 240.17Ad-9(a)(1); 17 CFR 240.17Ad-19 (a certificate number identifies one certificate)",
    ("ALL-004", "TA-003"),
    applies="issued certificates (a specimen's or form's number is not a certificate's)",
)
FORM_TEXT = rule(
    "pdf.form-text",
    ERROR,
    _P,
    "Each page of a certificate printed from the spec's form prints every line of the form's fixed "
    "text (the legends, the holder clause, the body, the captions): a page that lacks some of them was "
    "altered after printing, or printed from another form.",
    "17 CFR 240.17Ad-9(a) and 17Ad-10 (the certificate agrees with the certificate detail of record); "
    "the issuer's form of certificate as adopted (e.g. MBCA §6.25)",
    ("ALL-002",),
    applies="with --spec, on a PDF certgen made (its /Producer), on pages that print most of the "
    "form's text (fields printed alone onto security paper are not compared)",
)
COUNTERSIGNATURE = rule(
    "pdf.countersignature",
    ERROR,
    _P,
    "With a transfer agent, the face prints the countersignature block: 'Countersigned', the agent's "
    "name, 'Authorized Signature'.",
    "UCC §8-205; filed specimen certificates",
    ("ALL-009",),
)
ASSIGNMENT = rule(
    "pdf.assignment-form",
    ERROR,
    _P,
    "The reverse prints the assignment form (assign and transfer unto, identifying number of assignee, attorney).",
    "UCC §8-304; filed specimen certificates",
    ("ASG-004",),
    parts=True,
)
NOTICE = rule(
    "pdf.signature-notice",
    ERROR,
    _P,
    "The reverse prints the notice that the signature must correspond with the name on the face in every particular.",
    "Filed specimen certificates; historic NYSE delivery rules (rule 8)",
    ("ASG-005",),
    parts=True,
)
GUARANTEE = rule(
    "pdf.signature-guarantee",
    ERROR,
    _P,
    "The reverse prints the signature-guarantee block (eligible guarantor institution, medallion program, Rule 17Ad-15).",
    "17 CFR 240.17Ad-15; UCC §8-402(a)(1)",
    ("ASG-006",),
    parts=True,
)
MATCHES_HOLDERS = rule(
    "pdf.holder-data",
    ERROR,
    _P,
    "Each certificate in the PDF prints its holder row's certificate number, registration and shares "
    "(certificate n is row n).",
    "17 CFR 240.17Ad-9(a), 17Ad-10 (the certificate agrees with the certificate detail on record)",
    ("TA-001",),
    applies="with --holders",
)
SCHEDULE = rule(
    "pdf.schedule",
    ERROR,
    _P,
    "A global note's PDF includes the Schedule of Exchanges of Interests (or of Increases and Decreases) "
    "with its columns.",
    "Indenture forms of global note; filed global notes",
    ("GN-006",),
    applies="global notes (with --spec)",
    parts=True,
)
OFF_PAGE = rule(
    "pdf.off-page",
    ERROR,
    _P,
    "No text is printed outside the page.",
    "certgen: nothing clipped",
)
OVERLAP = rule(
    "pdf.overlap",
    ERROR,
    _P,
    "No text is printed over other text (upright glyphs of different text runs do not overlap).",
    "certgen: nothing overprinted",
)

_FACE = re.compile(r"CERTIF(?:IES|Y)THAT|ISTHE(?:RECORD|REGISTERED)?(?:HOLDER|OWNER)OF|PROMISES?TOPAYTO")
#: The holder clause: a share certificate's "This Certifies that <holder> is the record holder of", a
#: warrant's "hereby certifies that <holder>, the registered holder hereof or registered assigns", a
#: note's "promises to pay to <holder> or registered assigns".
_HOLDER = re.compile(
    r"CERTIF(?:IES|Y)\s+THAT\s*[:,]?\s*(.*?)\s*(?:,?\s*(?:IS|ARE)\s+THE\s+(?:RECORD\s+|REGISTERED\s+)?"
    r"(?:HOLDERS?|OWNERS?)\b|,?\s*THE\s+REGISTERED\s+HOLDER\b|,?\s*OR\s+(?:ITS\s+)?REGISTERED\s+ASSIGNS)"
    r"|PROMISES?\s+TO\s+PAY\s+TO\s*(.*?)\s*,?\s*OR\s+REGISTERED\s+ASSIGNS",  # a note
    re.IGNORECASE | re.DOTALL,
)
#: What a form prints where the holder's name goes: a blank line, SPECIMEN, sample names.
_NO_HOLDER = re.compile(r"^[\s_.,:;*()\[\]-]*$|^\W*SPECIMEN\W*$", re.IGNORECASE)
#: An officer's signature caption: any officer's title (a state's law may name others, and a
#: company may give its officers any title).
_OFFICER = re.compile(
    r"\b(?:(?:VICE\s+|EXECUTIVE\s+VICE\s+|SENIOR\s+VICE\s+)?PRESIDENT|(?:ASSISTANT\s+|CORPORATE\s+)?SECRETARY"
    r"|(?:ASSISTANT\s+)?TREASURER|(?:VICE\s+)?CHAIR(?:MAN|WOMAN|PERSON)?|CLERK|CONTROLLER|COMPTROLLER"
    r"|GENERAL\s+COUNSEL|CHIEF\s+(?:[A-Z]+\s+){1,3}OFFICER|CEO|CFO|COO|DIRECTOR|MANAGING\s+MEMBER|MANAGER"
    r"|GENERAL\s+PARTNER|ATTEST)\b"
)
#: A printed CUSIP, in the upper-cased text: the label (CUSIP, CUSIP NO., CUSIP NUMBER:, Cusip,
#: CUSIP (144A):), then 9 characters grouped 6-2-1 (885218 10 7), 6-3 (02079K AB3) or not at
#: all, ending in the check digit; or a form's 6-character issuer number.  The number has a
#: digit among its first six (a form's "CUSIP NO." followed by a word is a blank, not a CUSIP).
_CUSIP = re.compile(
    r"CUSIP\s*(?:NO\.?|NUMBER)?\s*(?:\([^()]{1,20}\)\s*)?:?\s*"
    r"((?=[0-9A-Z*@#]{0,5}\d)[0-9A-Z*@#]{6}(?:\s?[0-9A-Z*@#]{2}\s?\d)?)\b"
)
_FIGURES = re.compile(r"(?<![\w./,-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%/-]|[.,]\d)")
_DATE = re.compile(
    r"\b(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\s+\d{1,2},?\s+\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\bOF\s+(?:19|20)\d\d\b|\bSECTION\s+\S+|\bRULE\s+\S+",
    re.IGNORECASE,
)
_BANNER = "JOBBANNERPAGE,NOTACERTIFICATE"  # compact(certgen.batch.BANNER_MARK)
#: Rules whose findings on a form (nothing filled in) checked without a spec are notes: a form,
#: an excerpt of a filed form or one side of it may lack the parts an issued certificate has.
_FORM_NOTES = {
    "pdf.holder",
    "pdf.signatures",
    "pdf.assignment-form",
    "pdf.signature-notice",
    "pdf.signature-guarantee",
}


@dataclass(frozen=True)
class Certificate:
    """The pages of one certificate in the PDF: its face, then the rest."""

    face: PageText
    others: tuple[PageText, ...]

    @property
    def pages(self) -> tuple[PageText, ...]:
        return (self.face, *self.others)


def split_certificates(pages: Sequence[PageText], per_certificate: int | None = None) -> list[Certificate]:
    """Group pages into certificates: *per_certificate* pages each, or at each face page."""
    if not pages:
        return []
    if per_certificate:
        return [
            Certificate(pages[i], tuple(pages[i + 1 : i + per_certificate]))
            for i in range(0, len(pages), per_certificate)
        ]
    groups: list[list[PageText]] = []
    for page in pages:
        if not groups or _FACE.search(compact(page.text)):
            groups.append([page])
        else:
            groups[-1].append(page)
    return [Certificate(g[0], tuple(g[1:])) for g in groups]


def check_pdf(
    name: str,
    pages: Sequence[PageText],
    spec: Spec | None,
    legends: Sequence[tuple[str, str, str]] = (),
    holders: Sequence[Holder] | None = None,
    form: Sequence[Sequence[str]] = (),
) -> Iterator[Finding]:
    """Findings for a PDF's pages; *legends* are the spec's (name, text, placement);
    *holders*, when given, are the rows the certificates should print, in order; *form*, the
    fixed lines of text of each page of the spec's form, in page order."""
    # A print file's job banner and the blank pages that keep duplex sheets aligned are no
    # part of any certificate.
    pages = [p for p in pages if p.glyphs and _BANNER not in compact(p.text)]
    per = None
    if spec is not None:
        per = len(spec.page_templates())
        if len(pages) % per:
            per = None
    certificates = split_certificates(pages, per)
    # The form's lines as they are compared (without white space), made once for every certificate.
    form_lines = [_compared_lines(lines) for lines in form]
    excerpt = spec is not None and spec.is_excerpt
    numbers: dict[str, tuple[str, PageText]] = {}
    for certificate in certificates:
        face = _read_face(certificate.face, spec)
        if form_lines and per == len(form_lines):
            yield from _check_form_text(name, certificate, form_lines)
        for finding in _check_certificate(name, certificate, spec, legends, face):
            if excerpt:
                finding = as_excerpt(finding)
            elif spec is None and not face.issued:
                finding = _on_a_form(finding)
            yield finding
        if face.issued and face.number:
            key = canonical_number(face.number)
            if key in numbers:
                first, page = numbers[key]
                yield DUPLICATE.finding(
                    _where(name, certificate.face),
                    f"certificate number {face.number!r} is printed on two certificates (the first, "
                    f"{first!r}, on page {page.number}): a number identifies one certificate",
                    certificate=face.number,
                    **_loc(name, certificate.face),
                )
            else:
                numbers[key] = (face.number, certificate.face)
    if holders is not None:
        yield from _check_against_holders(name, certificates, holders)
    for page in pages:
        yield from _check_geometry(name, page)


def _compared_lines(lines: Sequence[str]) -> list[str]:
    """A page's fixed lines of text as the rule pdf.form-text compares them (without white space)."""
    return [line for line in map(compact, lines) if len(line) >= 3]


def form_text_problem(name: str, page: PageText, lines: Sequence[str]) -> str | None:
    """What the rule pdf.form-text finds on one page that should print the fixed *lines* of
    the form's page (``certgen verify --spec`` on a certificate's face), if anything."""
    finding = next(_check_form_text(name, Certificate(page, ()), [_compared_lines(lines)]), None)
    return None if finding is None else finding.message


def _check_form_text(name: str, certificate: Certificate, form: Sequence[Sequence[str]]) -> Iterator[Finding]:
    """Every fixed line of the form (each page's, compacted) is on the certificate's page: lines
    are compared without white space (a letter-spaced caption extracts letter by letter), each as
    a whole."""
    for page, wanted in zip(certificate.pages, form, strict=False):
        if not wanted:
            continue
        printed = compact(page.text)
        missing = [line for line in wanted if line not in printed]
        if not missing or len(missing) * 2 > len(wanted):
            continue  # all there; or not this design at all (another printer's, or fields alone)
        shown = "; ".join(repr(line[:48]) for line in missing[:2])
        yield FORM_TEXT.finding(
            _where(name, page),
            f"the page lacks {len(missing)} of the form's {len(wanted)} lines of fixed text ({shown}"
            f"{', ...' if len(missing) > 2 else ''}, without spaces): it was altered after printing, or "
            "printed from another form; print it again from the spec",
            **_loc(name, page),
        )


def _check_against_holders(
    name: str, certificates: Sequence[Certificate], holders: Sequence[Holder]
) -> Iterator[Finding]:
    if len(certificates) != len(holders):
        yield MATCHES_HOLDERS.finding(
            name,
            f"the PDF has {len(certificates)} certificate(s) but the holder data has {len(holders)} row(s): "
            "render the PDF again from this holder file",
            file=name,
        )
    for cert, holder in zip(certificates, holders, strict=False):  # a count mismatch is reported above
        face = cert.face
        text = compact(face.text) + compact(face.reading)
        missing = []
        if compact(holder.certificate_number) not in text:
            missing.append(f"certificate number {holder.certificate_number!r}")
        if compact(holder.registration) not in text:
            missing.append(f"registration {holder.registration!r}")
        if compact(in_figures(holder.shares)) not in text:
            missing.append(f"{in_figures(holder.shares)} shares")
        if missing:
            yield MATCHES_HOLDERS.finding(
                _where(name, face),
                f"this certificate does not print {', '.join(missing)} of {holder.source or 'its holder row'}",
                certificate=holder.certificate_number,
                **_loc(name, face),
            )


def _on_a_form(finding: Finding) -> Finding:
    """A finding on a form checked without a spec: the parts a form may lack are noted."""
    if finding.severity == INFO or not (finding.rule in _FORM_NOTES or finding.missing):
        return finding
    return replace(finding, severity=INFO, message=f"not on this form: {finding.message}")


@dataclass(frozen=True)
class _Face:
    """What a face's fill-ins say: the holder clause and holder, the amount in words, the number,
    and whether it is an issued certificate (anything filled in, no SPECIMEN)."""

    holder_clause: re.Match[str] | None
    holder: str | None
    words: re.Match[str] | None
    specimen: bool
    issued: bool
    number: str | None


def _read_face(face: PageText, spec: Spec | None) -> _Face:
    reading = " ".join(face.reading.split())
    match = _HOLDER.search(reading)
    holder = " ".join((match.group(1) or match.group(2) or "").split()) if match else None
    if holder is not None and _NO_HOLDER.match(holder):
        holder = ""
    words = _amount_in_words(face.reading)
    number = _certificate_number(_CUSIP.sub(" ", face.reading.upper()), spec)
    # A specimen is a form, not an issued certificate: SPECIMEN across the face, or a transfer
    # agent's zero-filled number and amount (ZQ00000000, "ZERO HUNDRED THOUSAND ZERO").
    specimen = (
        "SPECIMEN" in compact(face.text)
        or (words is not None and "ZERO" in words.group(0).split())
        or (number is not None and set(re.sub(r"\D", "", number)) == {"0"})
    )
    # Issued: an amount in words, or a holder and a number, filled in (a form may print its holder,
    # CEDE & CO., and leave the rest blank). An excerpt of a filed form prints only as a form.
    issued = (
        (words is not None or (bool(holder) and number is not None))
        and not specimen
        and not (spec is not None and spec.is_excerpt)
    )
    return _Face(match, holder, words, specimen, issued, number if issued else None)


def _loc(name: str, page: PageText) -> dict[str, Any]:
    return {"file": name, "page": page.number}


def _where(name: str, page: PageText) -> str:
    return f"{name}, page {page.number}"


def _check_certificate(
    name: str,
    cert: Certificate,
    spec: Spec | None,
    legends: Sequence[tuple[str, str, str]],
    read: _Face,
) -> Iterator[Finding]:
    face = cert.face
    here = _where(name, face)
    at = _loc(name, face)
    face_compact = compact(face.text)
    match, holder, words_match, issued = read.holder_clause, read.holder, read.words, read.issued

    if spec is not None and compact(spec.issuer.name) not in face_compact:
        yield ISSUER.finding(here, f"the face does not print the issuer's name {spec.issuer.name!r}", **at)

    if spec is not None and compact(spec.security.title) not in face_compact:
        yield TITLE.finding(
            here, f"the face does not print the class and series {spec.security.title!r}", **at
        )

    yield from _check_cusip(here, at, face.reading, spec, issued)

    if spec is not None:
        yield from _check_facts(here, at, face.reading, spec)

    if issued:
        number = read.number
        if not number:
            prefix = spec.security.certificate_prefix if spec else ""
            yield NUMBER.finding(
                here,
                "no certificate number found on the face"
                + (f" (a number starting with {prefix!r})" if prefix else " (e.g. 'No. PB 0001')"),
                **at,
            )
        if match is None:
            yield HOLDER.finding(
                here,
                "no holder clause found on the face ('This Certifies that <holder> is the record holder of', "
                "'promises to pay to <holder> or registered assigns')",
                **at,
            )
        elif not holder:
            yield HOLDER.finding(here, "the holder's name is missing from the holder clause", **at)
        # A warrant certificate states its number of warrants in figures only.
        warrant = (
            spec.security.kind == "warrant" if spec is not None else "WARRANTCERTIFICATE" in face_compact
        )
        counted = None if warrant else words_match
        yield from _check_shares(here, at, face.reading, counted, number, words_expected=not warrant)
    elif match is None and spec is None:
        yield HOLDER.finding(
            here,
            "no holder clause found on the face ('This Certifies that … is the record holder of', "
            "'promises to pay to … or registered assigns')",
            **at,
        )

    yield from _check_signatures(here, at, face, spec)

    every = "".join(compact(p.text) for p in cert.pages)
    every_reading = "".join(compact(p.reading) for p in cert.pages)
    for legend_name, text, placement in legends:
        wanted = compact(text)
        if wanted in every or wanted in every_reading:
            continue
        page = face if placement == "face" or not cert.others else cert.others[0]
        yield LEGEND.finding(
            _where(name, page),
            f"legend {legend_name!r} is not printed verbatim: {_difference(wanted, compact(page.text))}",
            **_loc(name, page),
        )

    if spec is not None and spec.security.kind == "global_note":
        # The face refers to "the Schedule of Exchanges ... attached hereto": the schedule itself is a
        # later page with the title and its Date and Signature columns.
        schedules = [
            text
            for text in (compact(p.text) for p in cert.others)
            if any(k in text for k in ("SCHEDULEOFEXCHANGES", "SCHEDULEOFINCREASESANDDECREASES"))
            and "DATE" in text
            and "SIGNATURE" in text
        ]
        if not schedules:
            yield SCHEDULE.finding(
                here, "no Schedule of Exchanges of Interests in the Global Note among its pages", **at
            )

    back = cert.others[0] if cert.others else face
    back_compact = "".join(compact(p.text) for p in (cert.others or (face,)))
    bhere, bat = _where(name, back), _loc(name, back)
    if not (
        ("ASSIGNANDTRANSFER" in back_compact or "ASSIGNSANDTRANSFERS" in back_compact)
        and ("ATTORNEY" in back_compact or "AGENTTOTRANSFER" in back_compact)
        and any(
            k in back_compact
            for k in ("IDENTIFYINGNUMBER", "TAXPAYER", "SOCIALSECURITY", "SOC.SEC.", "TAXI.D.")
        )
    ):
        yield ASSIGNMENT.finding(
            bhere,
            "no assignment form found ('… hereby sell, assign and transfer unto', the assignee's identifying "
            "number, 'Attorney')",
            **bat,
        )
    if not (
        "MUSTCORRESPONDWITHTHENAME" in back_compact
        and "EVERYPARTICULAR" in back_compact
        or "SIGNEXACTLYASYOURNAMEAPPEARS" in back_compact  # the note form's wording
        or "MUSTCONFORMINALLRESPECTSTOTHENAME" in back_compact  # the warrant form's
    ):
        yield NOTICE.finding(
            bhere,
            "no notice that the signature 'MUST CORRESPOND WITH THE NAME AS WRITTEN UPON THE FACE … IN EVERY "
            "PARTICULAR'",
            **bat,
        )
    if not ("GUARANTEE" in back_compact and ("17AD-15" in back_compact or "MEDALLION" in back_compact)):
        yield GUARANTEE.finding(
            bhere, "no signature-guarantee block (medallion program, S.E.C. Rule 17Ad-15)", **bat
        )


def _check_cusip(
    here: str, at: dict[str, Any], text: str, spec: Spec | None, issued: bool
) -> Iterator[Finding]:
    found = list(_CUSIP.finditer(text.upper()))
    expected = spec.security.cusips if spec is not None else []
    if not found:
        if expected:
            yield CUSIP.finding(here, f"the face does not print the CUSIP {' or '.join(expected)}", **at)
        elif spec is None:
            yield CUSIP.finding(here, "no CUSIP printed on the face", severity=WARNING, missing=True, **at)
        return
    printed = []
    for match in found:
        number = "".join(match.group(1).split())
        printed.append(number)
        if len(number) == 9:
            expected_digit = cusip_check_digit(number[:8])
            if expected_digit != number[8]:
                yield CUSIP.finding(
                    here,
                    f"the printed CUSIP {match.group(1)} has check digit {number[8]!r}; {number[:8]} gives {expected_digit!r}",
                    **at,
                )
        elif issued:
            yield CUSIP.finding(
                here,
                f"the printed CUSIP {number} is the 6-character issuer number only, on an issued certificate",
                **at,
            )
    for cusip in expected:
        if cusip in printed:
            continue
        if len(expected) == 1 and len(printed) == 1:
            yield CUSIP.finding(here, f"the face prints CUSIP {printed[0]}, but the spec's is {cusip}", **at)
        else:
            yield CUSIP.finding(
                here, f"the face does not print the CUSIP {cusip} (it prints {', '.join(printed)})", **at
            )


def _certificate_number(text: str, spec: Spec | None) -> str | None:
    prefix = spec.security.certificate_prefix if spec is not None else ""
    if prefix:
        found = re.search(rf"(?<![A-Z0-9]){re.escape(prefix.upper())}\s*-?\s*\d+", text.upper())
        return found.group(0) if found else None
    found = re.search(r"\b(?:NO\.|NUMBER|CERTIFICATE\s+NO\.?)\s*:?\s*([A-Z]{0,4}\s?-?\s?\d+)", text.upper())
    if found:
        return found.group(1)
    found = re.search(r"(?m)^\s*([A-Z]{1,4}[ -]?\d{1,10})\b", text.upper())
    return found.group(1) if found else None


_TENANCY = re.compile(r"\b(?:JT\s+TEN|TEN\s+COM|TEN\s+ENT)\b")


#: What may follow an amount in words: its unit (SHARES, DOLLARS, WARRANTS, ...).
_UNIT_AFTER = re.compile(
    r"[\s*]*(?:\(|SHARES?\b|DOLLARS?\b|EUROS?\b|POUNDS?\b|WARRANTS?\b|UNITS?\b|\$|$)", re.MULTILINE
)


def _amount_in_words(text: str) -> re.Match[str] | None:
    """The longest run of number words on the face: the amount in words (TEN of JT TEN aside).
    One word counts only standing alone on its line or before its unit ("FIVE", "ONE SHARE"),
    not in the face's prose ("one of the Global Notes", "one fully paid share")."""
    best: re.Match[str] | None = None
    best_len = 0
    upper = _TENANCY.sub(lambda m: " " * len(m.group(0)), text.upper())
    for match in NUMBER_WORDS.finditer(upper):
        tokens = [t for t in re.split(r"[\s-]+", match.group(0)) if t and t != "AND"]
        if not tokens or len(tokens) <= best_len or not words_to_number(match.group(0)):
            continue
        if len(tokens) == 1:
            line_start = upper.rfind("\n", 0, match.start()) + 1
            alone = not upper[line_start : match.start()].strip(" *")
            end = match.start() + len(match.group(0).rstrip(" \t\n-"))
            if not (alone and _UNIT_AFTER.match(upper, end)):
                continue
        best, best_len = match, len(tokens)
    return best


def _check_shares(
    here: str,
    at: dict[str, Any],
    text: str,
    words: re.Match[str] | None,
    number: str | None,
    words_expected: bool = True,
) -> Iterator[Finding]:
    upper = _CUSIP.sub(" ", text.upper())
    upper = _DATE.sub(" ", upper)
    if number:
        upper = upper.replace(number.upper(), " ")
    figures = [
        int(m.group(1).replace(",", ""))
        for m in _FIGURES.finditer(upper)
        if not (m.group(1).startswith("0") and len(m.group(1)) > 1)  # 0007: a serial number, not an amount
    ]
    figures = [n for n in figures if n > 0]
    if not figures:
        yield SHARES.finding(here, "no number of shares in figures found on the face", **at)
    if words is None:
        if words_expected:
            yield SHARES_WORDS.finding(here, "the number of shares is not also printed in words", **at)
        return
    stated = words_to_number(words.group(0))
    phrase = " ".join(words.group(0).split())
    if figures and stated not in figures:
        listed = ", ".join(f"{n:,}" for n in sorted(set(figures)))
        yield SHARES_AGREE.finding(
            here,
            f"the shares in words, {phrase!r} ({stated:,}), do not match the figures ({listed}): "
            "one of them was altered or mistyped",
            **at,
        )


def _check_signatures(here: str, at: dict[str, Any], face: PageText, spec: Spec | None) -> Iterator[Finding]:
    face_compact = compact(face.text)
    if spec is not None:
        missing = [o.title for o in spec.issuer.officers if compact(o.title) not in face_compact]
        if missing:
            yield SIGNATURES.finding(here, f"no signature caption for {', '.join(missing)} on the face", **at)
        agent = spec.transfer_agent
        if agent is not None:
            needed = [
                ("'Countersigned'", "COUNTERSIGNED" in face_compact),
                (repr(agent.name), compact(agent.name) in face_compact),
                ("'Authorized Signature'", "AUTHORIZED" in face_compact),
            ]
            absent = [what for what, ok in needed if not ok]
            if absent:
                yield COUNTERSIGNATURE.finding(
                    here, f"the countersignature block lacks {', '.join(absent)}", **at
                )
        return
    upper = " ".join(face.reading.upper().split())
    if not _OFFICER.search(upper):
        yield SIGNATURES.finding(
            here,
            "no officer's signature caption found on the face (President, Secretary, Chief Executive "
            "Officer, Clerk, ...): a certificate is signed by the issuer's officers",
            **at,
        )
    if "TRANSFERAGENT" in face_compact and not (
        "COUNTERSIGNED" in face_compact and "AUTHORIZED" in face_compact
    ):
        yield COUNTERSIGNATURE.finding(
            here,
            "a transfer agent is named, but there is no 'Countersigned … Authorized Signature' block",
            **at,
        )


def _check_facts(here: str, at: dict[str, Any], text: str, spec: Spec) -> Iterator[Finding]:
    """The par value and the issuer's law that the face prints agree with the spec."""
    security = spec.security
    if spec.is_stock and security.par_value is not None and (wanted := par_value_of(security.par_value)):
        for written, amount in par_values(text):
            if amount != wanted:
                yield FACTS.finding(
                    here,
                    f"the face prints {written!r}, but the par value is {security.par_value} (the spec's)",
                    **at,
                )
    issuer = spec.issuer
    place = issuer.place
    if place is None or issuer.incorporated_under is not None:
        return
    sub = issuer.state or (place.subdivision or "")
    if place.country == "CA" and sub:
        from ..spec.jurisdictions import province_code

        sub = province_code(sub) or sub
    for written, readings in stated_jurisdictions(text, issuer.name):
        if not any(country == place.country and named in (sub, "") for country, named in readings):
            yield FACTS.finding(
                here,
                f"the face says {written!r}, but the issuer exists under {issuer.laws} (the spec's)",
                **at,
            )


def _difference(wanted: str, page: str) -> str:
    """Say where the closest passage of *page* departs from *wanted* (both compacted)."""
    if not page:
        return "the page has no text"
    matcher = difflib.SequenceMatcher(None, page, wanted, autojunk=False)
    block = max(matcher.get_matching_blocks(), key=lambda b: b.size)
    if block.size < min(20, len(wanted) // 2):
        return "it is not on the page"
    start = max(0, block.a - block.b - 20)
    window = page[start : block.a - block.b + len(wanted) + 40]
    matcher = difflib.SequenceMatcher(None, window, wanted, autojunk=False)
    matched = sum(b.size for b in matcher.get_matching_blocks())
    if matched < 0.6 * len(wanted):
        return "it is not on the page"
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "delete" and (j1 == 0 or j1 == len(wanted))):
            continue
        context = wanted[max(0, j1 - 25) : j1]
        printed = window[i1:i2][:40]
        spec_text = wanted[j1:j2][:40]
        if tag == "insert":
            return f"after '…{context}' the PDF lacks {spec_text!r}"
        if tag == "delete":
            return f"after '…{context}' the PDF adds {printed!r}"
        return f"after '…{context}' the PDF has {printed!r} where the spec has {spec_text!r}"
    return "its text differs from the spec"


def _check_geometry(name: str, page: PageText) -> Iterator[Finding]:
    here, at = _where(name, page), _loc(name, page)
    outside = [
        g
        for g in page.glyphs
        if not g.text.isspace()
        and (
            g.x0 < page.x0 - 1
            or g.y0 < page.y0 - 1
            or g.x1 > page.x0 + page.width + 1
            or g.y1 > page.y0 + page.height + 1
        )
    ]
    if outside:
        sample = "".join(g.text for g in outside[:30])
        yield OFF_PAGE.finding(
            here,
            f"{len(outside)} glyph(s) fall outside the page ({sample!r} …): move or shrink that text",
            **at,
        )
    collisions = _overlaps(page.glyphs)
    if collisions:
        a, b = collisions[0]
        yield OVERLAP.finding(
            here,
            f"{len(collisions)} glyph(s) overprint other text, e.g. {a.text!r} at ({a.x0:.0f}, {a.y0:.0f}) "
            f"over {b.text!r}: move one of the texts",
            **at,
        )


def _overlaps(glyphs: Sequence[Glyph]) -> list[tuple[Glyph, Glyph]]:
    """Pairs of glyphs of different runs whose cores (the middle of each glyph box) intersect."""
    cell = 12.0
    grid: dict[tuple[int, int], list[tuple[Glyph, tuple[float, float, float, float]]]] = {}
    found: list[tuple[Glyph, Glyph]] = []
    for glyph in glyphs:
        if not glyph.upright or glyph.text.isspace() or not glyph.text:
            continue
        w, h = glyph.x1 - glyph.x0, glyph.y1 - glyph.y0
        core = (glyph.x0 + 0.15 * w, glyph.y0 + 0.3 * h, glyph.x1 - 0.15 * w, glyph.y1 - 0.3 * h)
        cells = {
            (cx, cy)
            for cx in range(int(core[0] // cell), int(core[2] // cell) + 1)
            for cy in range(int(core[1] // cell), int(core[3] // cell) + 1)
        }
        hit = None
        for key in cells:
            for other, box in grid.get(key, ()):
                if (
                    other.run != glyph.run
                    and core[0] < box[2]
                    and box[0] < core[2]
                    and core[1] < box[3]
                    and box[1] < core[3]
                ):
                    hit = other
                    break
            if hit:
                break
        if hit is not None:
            found.append((glyph, hit))
        for key in cells:
            grid.setdefault(key, []).append((glyph, core))
    return found
