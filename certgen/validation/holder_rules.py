"""Rules on holder data: each row, and the run as a whole.

:class:`HolderChecker` reads rows one at a time (a 10,000-row file is never
held twice) and keeps what the run-wide rules need: certificate numbers
seen, the running share total, officers whose term ended before an issue
date.  Findings name the file, the row and the certificate number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import Any

from ..errors import CertgenError, HolderDataError, describe_char
from ..model.certificate import Holder, tidy_text
from ..model.identifiers import canonical_number
from ..spec.schema import Spec
from ..words import money_in_figures
from .engine import ERROR, WARNING, Finding, Rule, Scope, rule
from .text import classify_legend, is_state, parse_registration

__all__ = ["HolderChecker", "restricting_legend"]

_H: Scope = "holders"

HOLDER_FORMAT = rule(
    "holder.format",
    ERROR,
    _H,
    "The holder file is readable CSV (header row), JSON or JSONL, in UTF-8.",
    "certgen holder data format (README: Holder data)",
)
HOLDER_COLUMNS = rule(
    "holder.columns",
    ERROR,
    _H,
    "Every row has the columns certificate_number, registration, shares and issue_date.",
    "17 CFR 240.17Ad-9(a) (certificate detail: number, registration, amount, date)",
    ("TA-001",),
)
NUMBER = rule(
    "certificate.number",
    ERROR,
    _H,
    "Every certificate has a number.",
    "17 CFR 240.17Ad-9(a)(1) (certificate number is part of the certificate detail)",
    ("ALL-004", "TA-001"),
)
DUPLICATE = rule(
    "certificate.duplicate-number",
    ERROR,
    _H,
    "No certificate number is used twice, in any spelling: numbers are compared in their canonical form "
    "(case, spaces, hyphens, leading zeros and invisible characters do not make another number).",
    "17 CFR 240.17Ad-9(a); 17 CFR 240.17Ad-19 (numbers are never reused)",
    ("ALL-004", "TA-003"),
)
PREFIX = rule(
    "certificate.prefix",
    WARNING,
    _H,
    "Certificate numbers carry the issue's prefix (security.certificate_prefix).",
    "Transfer agent practice; filed specimen certificates ('PB 0001', 'R-1', 'W-1')",
    ("ALL-004",),
)
SHARES = rule(
    "shares.positive",
    ERROR,
    _H,
    "Shares are a positive whole number.",
    "DGCL §158; MBCA §6.25(b)(3); Md. Code, Corps. & Ass'ns §2-211(a)(3) (number of shares on the face)",
    ("STK-001",),
)
AUTHORIZED = rule(
    "shares.authorized",
    ERROR,
    _H,
    "Shares issued (outstanding plus this run) never exceed the shares authorized: no overissue.",
    "17 CFR 240.17Ad-10(e) (control book); UCC §8-210 (overissue)",
    ("TA-002",),
    applies="when the spec gives security.authorized_shares",
)
ISSUE_DATE = rule(
    "holder.issue-date",
    ERROR,
    _H,
    "Every certificate has an issue date, written as an ISO date (2026-11-23).",
    "17 CFR 240.17Ad-9(a) (certificate detail); filed specimens ('Dated')",
    ("ALL-013", "TA-001"),
)
EMPTY = rule(
    "registration.empty",
    ERROR,
    _H,
    "Every certificate names its registered holder.",
    "MBCA §6.25(b)(2); Md. Code, Corps. & Ass'ns §2-211(a)(2); N.Y. Bus. Corp. Law §508(c)(2)",
    ("ALL-003",),
)
PLACEHOLDER = rule(
    "registration.placeholder",
    ERROR,
    _H,
    "A registration is a holder's name, not a placeholder (TBD, N/A, UNKNOWN, [NAME], XXX).",
    "MBCA §6.25(b)(2); 17 CFR 240.17Ad-9(a)",
    ("ALL-003",),
)
TENANCY = rule(
    "registration.joint-tenancy",
    ERROR,
    _H,
    "TEN COM, TEN ENT and JT TEN name two or more owners (TEN ENT: exactly two, spouses).",
    "Fla. Stat. §717.12406 (statutory meanings); filed specimen certificates",
    ("ASG-002",),
)
MINOR_ACT = rule(
    "registration.minor-act",
    ERROR,
    _H,
    "UNIF GIFT MIN ACT / UNIF TRF MIN ACT registrations name a custodian (CUST), a minor and a state.",
    "Uniform Gifts to Minors Act; Uniform Transfers to Minors Act; filed specimen certificates",
    ("ASG-002",),
)
TOD = rule(
    "registration.tod",
    ERROR,
    _H,
    "A TOD or POD registration names a beneficiary, and only for a sole owner or owners with right of "
    "survivorship (not TEN COM).",
    "Uniform TOD Security Registration Act (12 Del. C. §805; 18-A M.R.S. §6-303)",
    ("ASG-003",),
)
FITS = rule(
    "fields.fit",
    ERROR,
    _H,
    "Each certificate's variable text (registration, shares in words, number) fits its box on the "
    "template at no less than the template's minimum size.",
    "certgen templates: text is never clipped or overprinted",
)
OFFICER_TERM = rule(
    "signatures.officer-term",
    WARNING,
    _H,
    "Certificates are dated while their signing officers are in office.",
    "Cal. Corp. Code §416(a); MBCA §6.25(e); N.Y. Bus. Corp. Law §508(a) (valid even so: flag, do not fail)",
    ("ALL-007",),
)

CHARACTERS = rule(
    "holder.characters",
    ERROR,
    _H,
    "Holder data holds no control characters, bidirectional controls (overrides, embeddings, isolates, "
    "marks: U+202A-202E, U+2066-2069, U+200E/200F, U+061C), zero-width or other invisible characters "
    "(U+200B-200D, U+2060, U+FEFF, soft hyphen; Unicode Cc, Cf, Co, Cn, Zl, Zp); a registration may hold "
    "line breaks. They reorder or hide what the certificate, the register and the control report show.",
    "Unicode Technical Report #36 (Unicode Security Considerations) §3.3; CVE-2021-42574 (Trojan Source); "
    "17 CFR 240.17Ad-9(a) (the registration as inscribed)",
    ("ALL-003",),
)
FORMULA = rule(
    "holder.formula",
    ERROR,
    _H,
    "No text of a holder row begins as a spreadsheet formula does: '=', '@', or '+' or '-' before "
    "anything but a number (-5, +1 212 555 0100). The register export and the control report are "
    "opened in spreadsheets.",
    "OWASP, CSV Injection; CWE-1236 (improper neutralization of formula elements in a CSV file)",
)
MIXED_SCRIPT = rule(
    "holder.mixed-script",
    WARNING,
    _H,
    "No word mixes Latin, Greek and Cyrillic letters: a Cyrillic 'а' in a Latin name prints the same but "
    "is another name to the register and to a search.",
    "Unicode Technical Standard #39 (Unicode Security Mechanisms) §5.1, mixed-script detection",
)
PRINTABLE = rule(
    "fields.printable",
    ERROR,
    _H,
    "Every character of every field a certificate prints has a glyph in the field's font, or in its "
    "fallback face (Old Standard, then EB Garamond: Latin with Vietnamese, Greek, Cyrillic), or in a "
    "TrueType font the spec names (fonts.fallback: a CJK face); other characters are refused, never "
    "printed as empty boxes, and so are scripts that need shaping or right-to-left ordering.",
    "17 CFR 240.17Ad-9(a) (the registration as inscribed); certgen verify reads a field's ink, so a "
    "box printed for a missing glyph makes a genuine certificate look altered",
)
FUTURE_DATE = rule(
    "holder.issue-date-future",
    ERROR,
    _H,
    "A certificate is not dated more than issue_dates.days_ahead days (default 31) after today: a later "
    "date is a typing error (2062 for 2026), or certificates printed long before they are issued.",
    "17 CFR 240.17Ad-9(a) and 240.17Ad-10 (the date of issuance is part of the certificate detail and "
    "the control book); transfer agent practice (a certificate is dated when it is issued or at closing)",
    ("ALL-013",),
)
LIFE = rule(
    "holder.issue-date-life",
    ERROR,
    _H,
    "A certificate is dated within the security's life: a warrant on or before it expires "
    "(warrant.expires), a note before it matures (note.maturity).",
    "The warrant agreement (warrants not exercised by the expiration date become void); the indenture "
    "(principal is due at maturity)",
    applies="warrants and notes",
)
CEDE_RESTRICTED = rule(
    "registration.cede-restricted",
    WARNING,
    _H,
    "Legended (restricted) stock is rarely registered to CEDE & CO.: DTC takes only eligible securities, "
    "and restricted shares are most often held by the holder of record, not through DTC.",
    "DTC Operational Arrangements (eligibility; restricted securities); 17 CFR 230.144 (restricted "
    "securities); UCC §8-204 (legended restrictions)",
    applies="certificates other than notes, when the spec is restricted or a legend restricts transfer",
)

CEDE = rule(
    "note.cede",
    ERROR,
    _H,
    "A global note deposited with DTC is registered in the name of Cede & Co., DTC's nominee.",
    "DTC Letter of Representations; filed global notes ('promises to pay to CEDE & CO., or registered assigns')",
    ("GN-001",),
    applies="global notes",
)
MAX_PRINCIPAL = rule(
    "note.max-principal",
    ERROR,
    _H,
    "One global certificate carries at most note.max_principal (default $500,000,000); a larger issue is "
    "split into several certificates.",
    "DTC practice (one certificate per $500,000,000; $400,000,000 in the 2007 Letter of Representations)",
    ("GN-004",),
    applies="global notes",
)
DENOMINATION = rule(
    "note.denomination",
    ERROR,
    _H,
    "A definitive note's principal is an authorized denomination: note.denomination and integral multiples "
    "of note.multiple above it.",
    "The indenture's denominations clause (e.g. $1,000 and integral multiples thereof)",
    ("DN-001",),
    applies="definitive notes",
)

_LOADER_RULES: dict[str, Rule] = {
    r.id: r for r in (HOLDER_FORMAT, HOLDER_COLUMNS, NUMBER, SHARES, ISSUE_DATE, EMPTY, DUPLICATE)
}
_PLACEHOLDER = re.compile(
    r"^(TBD|TBA|N/?A|NONE|UNKNOWN|NAME|HOLDER|TEST|X+|-+|\?+)$|\[[^\]]*\]|<[^>]*>|_{3,}", re.IGNORECASE
)


def _may_be_placeholder(text: str) -> bool:
    """What :data:`_PLACEHOLDER` needs of a match, asked first (a regular expression search of a
    long name costs ten times more): a word of at most seven letters, a run of x, - or ?, a
    bracket or three underscores (each letter of its words matches one character, even
    case-folded, and only x, -, ? themselves begin its runs)."""
    return len(text) <= 7 or text[:1] in ("x", "X", "-", "?") or "[" in text or "<" in text or "___" in text


def loader_finding(error: HolderDataError) -> Finding:
    """A finding for a problem the holder reader found (unreadable file, bad row)."""
    checked = _LOADER_RULES.get(error.rule or "", HOLDER_FORMAT)
    return checked.finding(
        str(error.where or error.file or "holder data"),
        error.message,
        file=error.file,
        row=error.row,
        field=error.column,
        certificate=error.certificate,
    )


class HolderChecker:
    """Checks holder rows one at a time; :meth:`finish` adds the run-wide findings."""

    def __init__(
        self,
        spec: Spec | None,
        *,
        today: dt.date | None = None,
        legends: Sequence[Any] | None = None,
        numbers: bool = True,
    ) -> None:
        """*today*: the date issue dates are compared with; *legends*: the spec's legends already
        resolved (each with ``name`` and ``text``), if at hand, so that they are not resolved again;
        *numbers*: check each number against the numbers before it (it keeps every number seen);
        ``False`` for a caller whose numbers cannot repeat (allocated in sequence) or who finds
        repeated numbers itself: then nothing is kept per row."""
        self.spec = spec
        self.numbers = numbers
        self._legends = legends
        today = today or dt.date.today()
        #: The latest issue date allowed (issue_dates.days_ahead after *today*).
        self.latest = today + dt.timedelta(days=spec.issue_dates.days_ahead if spec is not None else 31)
        self._today = today
        #: Each number seen, by its canonical form: where it was first, and how it was spelt.
        self.seen: dict[str, str] = {}
        self._spelt: dict[str, str] = {}
        self.total = 0
        self.crossed: tuple[Holder, int] | None = None
        self.late: dict[int, tuple[Holder, int]] = {}
        # What check_run compares every row with, looked up once.
        security = spec.security if spec is not None else None
        self._available: int | None = None
        if security is not None and security.authorized_shares is not None:
            self._available = security.authorized_shares - (security.outstanding_shares or 0)
        self._terms = (
            [(i, o.term_ended) for i, o in enumerate(spec.issuer.officers) if o.term_ended]
            if spec is not None
            else []
        )

    def check(self, holder: Holder, row: int | None = None) -> list[Finding]:
        """Findings for one well-formed row: :meth:`check_run` and :meth:`check_row`."""
        return self.check_run(holder, row) + self.check_row(holder, row)

    @property
    def runs_idle(self) -> bool:
        """True when :meth:`check_run` has nothing to find or count: numbers not compared, no
        authorized shares to total, no officer's term ended (a batch then need not make each
        row's holder again to ask it)."""
        return not self.numbers and self._available is None and not self._terms

    def check_run(self, holder: Holder, row: int | None = None) -> list[Finding]:
        """The findings that depend on the rows before this one (duplicate numbers); keeps the
        running totals that :meth:`finish` reports on."""
        out: list[Finding] = []
        number = holder.certificate_number
        key = canonical_number(number) if self.numbers else ""
        first = self.seen.get(key) if key else None
        if first is not None:
            spelt = self._spelt.get(key, number)
            same = "" if spelt == number else f", spelt {spelt!r}: the same number"
            out.append(
                DUPLICATE.finding(
                    f"{_locate(holder)}, column certificate_number",
                    f"certificate number {number!r} is used twice (first at {first}{same}): every certificate "
                    "needs its own number",
                    field="certificate_number",
                    file=_file(holder),
                    row=row,
                    certificate=number,
                )
            )
        elif key:  # an empty number is allocated by the register later: nothing to compare yet
            self.seen[key] = holder.source or number
            self._spelt[key] = number
        if self._available is not None:
            self.total += holder.shares
            if self.crossed is None and self.total > self._available:
                self.crossed = (holder, row or 0)
        for index, ended in self._terms:
            if holder.issue_date > ended:
                first_late, count = self.late.get(index, (holder, 0))
                self.late[index] = (first_late, count + 1)
        return out

    def check_row(self, holder: Holder, row: int | None = None) -> list[Finding]:
        """The findings of one row on its own (prefix, denomination, registration): they keep no
        state, so a batch checks them in its worker processes."""
        out: list[Finding] = []
        number = holder.certificate_number
        where: dict[str, Any] = {"file": _file(holder), "row": row, "certificate": number}
        loc = _locate(holder)
        spec = self.spec
        out.extend(self.check_cells(_cells(holder), loc=loc, **where))
        out.extend(self._dates(holder.issue_date, loc, where))
        if spec is not None:
            prefix = spec.security.certificate_prefix
            if prefix and number and not number.upper().startswith(prefix.upper()):
                out.append(
                    PREFIX.finding(
                        f"{loc}, column certificate_number",
                        f"{number!r} does not start with the issue's prefix {prefix!r} "
                        "(security.certificate_prefix)",
                        field="certificate_number",
                        **where,
                    )
                )
            if spec.note is not None:
                out.extend(self._note(spec, holder, loc, where))
        out.extend(self._registration(holder.registration, loc, where))
        return out

    def check_unread(self, cells: Any, problem: HolderDataError) -> list[Finding]:
        """The findings on a row that could not be read whole (a bad amount or date; *problem*
        is the first of its problems), so that each of its problems is reported at once:
        :meth:`check_cells`, the rules on its registration and on its date when it is one."""
        if not isinstance(cells, Mapping):
            return []
        where: dict[str, Any] = {"file": problem.file, "row": problem.row, "certificate": problem.certificate}
        loc = f"{problem.file or 'holder data'}, row {problem.row}"
        if problem.certificate:
            loc += f" (certificate {problem.certificate})"
        out = self.check_cells(raw_cells(cells), loc=loc, **where)
        registration = cells.get("registration")
        if isinstance(registration, str) and registration.strip():
            out.extend(self._registration(tidy_text(registration.strip()), loc, where))
        issued = cells.get("issue_date")
        if isinstance(issued, str):
            try:
                out.extend(self._dates(dt.date.fromisoformat(issued.strip()), loc, where))
            except ValueError:
                pass  # the reader reported it
        return out

    def check_cells(self, cells: Iterable[tuple[str, Any]], *, loc: str, **where: Any) -> list[Finding]:
        """The findings on the text of a row's cells, each ``(column, value)``: characters that
        must not be printed or registered, spreadsheet formulas, words mixing scripts.  Also run
        on a row that could not be read whole, so that each of its problems is reported at once."""
        out: list[Finding] = []

        def add(found: Rule, column: str, message: str) -> None:  # a finding's place, made only for one
            out.append(found.finding(f"{loc}, column {column}", message, **{**where, "field": column}))

        for column, value in cells:
            if not isinstance(value, str) or not value:
                continue
            value = tidy_text(value)
            ascii = value.isascii()
            if not (ascii and value.isprintable()):
                bad = [
                    c
                    for c in dict.fromkeys(value)
                    if unicodedata.category(c) in INVISIBLE and not (c == "\n" and column == "registration")
                ]
                if bad:
                    add(CHARACTERS, column, _invisible_message(value, bad))
            first = value[0]
            if first in _FORMULA_START or first.isspace():  # most values begin with a letter or digit
                stripped = value.lstrip()
                if stripped[:1] in ("=", "@") or (
                    stripped[:1] in ("+", "-") and len(stripped) > 1 and not _NUMBER_LIKE.fullmatch(stripped)
                ):
                    add(
                        FORMULA,
                        column,
                        f"{value[:60]!r} begins with {stripped[0]!r}, as a spreadsheet formula does: opened in "
                        "a spreadsheet, the register export or the control report would run it. Give the text "
                        f"as it is to be inscribed, without the leading {stripped[0]!r}",
                    )
            if not ascii:
                mixed = _mixed_script(value)
                if mixed:
                    word, odd, scripts = mixed
                    add(
                        MIXED_SCRIPT,
                        column,
                        f"the word {word!r} mixes {' and '.join(scripts)} letters ({', '.join(map(describe_char, odd))}): "
                        "it prints like another name but is not the same to the register; retype the word "
                        "in one script",
                    )
        return out

    def _dates(self, issued: dt.date, loc: str, where: dict[str, Any]) -> Iterator[Finding]:
        at = {**where, "field": "issue_date"}
        place = f"{loc}, column issue_date"
        if issued > self.latest:
            days = self.spec.issue_dates.days_ahead if self.spec is not None else 31
            yield FUTURE_DATE.finding(
                place,
                f"dated {issued.isoformat()}, {(issued - self._today).days} days from today ({self._today.isoformat()}); "
                f"a certificate may be dated at most {days} days ahead (issue_dates.days_ahead): correct the "
                "date, or raise issue_dates.days_ahead for a later closing",
                **at,
            )
        spec = self.spec
        if spec is None or spec.is_excerpt:  # an excerpt's terms may be partial: it prints no holders
            return
        # (a blank expiry is a form's: issued certificates are refused it by warrant.expires)
        if spec.warrant is not None and spec.warrant.expires is not None and issued > spec.warrant.expires:
            yield LIFE.finding(
                place,
                f"dated {issued.isoformat()}, after the warrants expire ({spec.warrant.expires.isoformat()}, "
                "warrant.expires): an expired warrant cannot be issued; correct the date or the expiry",
                **at,
            )
        if spec.note is not None and issued >= spec.note.maturity:
            yield LIFE.finding(
                place,
                f"dated {issued.isoformat()}, on or after the notes mature ({spec.note.maturity.isoformat()}, "
                "note.maturity): correct the date or the maturity",
                **at,
            )

    @cached_property
    def _restricting_legend(self) -> str | None:
        """What makes the spec's certificates restricted (asked once per checker), or None."""
        return restricting_legend(self.spec, self._legends) if self.spec is not None else None

    def _note(self, spec: Spec, holder: Holder, loc: str, where: dict[str, Any]) -> Iterator[Finding]:
        note = spec.note
        assert note is not None
        amount = holder.shares
        currency = spec.security.currency

        def money(value: int) -> str:
            return money_in_figures(value, currency)

        if spec.security.kind == "global_note" and spec.security.depositary == "dtc":
            if not _is_cede(holder.registration):
                yield CEDE.finding(
                    f"{loc}, column registration",
                    f"{holder.registration!r}: a global note held at DTC is registered to CEDE & CO.",
                    field="registration",
                    **where,
                )
            if amount > note.max_principal:
                yield MAX_PRINCIPAL.finding(
                    f"{loc}, column principal_amount",
                    f"{money(amount)} is more than one global certificate may carry ({money(note.max_principal)}, "
                    "note.max_principal): split it into several certificates",
                    field="principal_amount",
                    **where,
                )
        elif amount < note.denomination or (amount - note.denomination) % note.multiple:
            yield DENOMINATION.finding(
                f"{loc}, column principal_amount",
                f"{money(amount)} is not an authorized denomination ({money(note.denomination)} and integral "
                f"multiples of {money(note.multiple)} above it)",
                field="principal_amount",
                **where,
            )

    def _registration(self, text: str, loc: str, where: dict[str, Any]) -> Iterator[Finding]:
        at = {"field": "registration", **where}
        loc = f"{loc}, column registration"
        spec = self.spec
        upper = text.upper()
        if spec is not None and not spec.is_note and "CEDE" in upper and _is_cede(text):
            why = self._restricting_legend
            if why:
                yield CEDE_RESTRICTED.finding(
                    loc,
                    f"registered to {text!r}, but the certificates are restricted ({why}): legended stock is "
                    "rarely DTC-eligible; check that DTC has accepted the deposit, or register the holder of record",
                    **at,
                )
        stripped = text.strip()
        if _may_be_placeholder(stripped) and _PLACEHOLDER.search(stripped):
            yield PLACEHOLDER.finding(
                loc, f"{text!r} is a placeholder, not a holder's name: give the name(s) as inscribed", **at
            )
            return
        if not _ABBREVIATED.search(upper):
            return  # the common case: no abbreviations to check
        reg = parse_registration(text)
        if reg.tenancy:
            if reg.owners == 1 or (reg.owners is None and reg.name_words < 4):
                yield TENANCY.finding(
                    loc,
                    f"{reg.tenancy} needs two or more owners, but {text!r} names one: add the co-owner(s), "
                    "or drop the abbreviation",
                    **at,
                )
            elif reg.tenancy == "TEN ENT" and reg.owners is not None and reg.owners > 2:
                yield TENANCY.finding(
                    loc,
                    f"TEN ENT (tenants by the entireties) is for two spouses, but {text!r} names "
                    f"{reg.owners} owners: use JT TEN or TEN COM",
                    **at,
                )
        if reg.minor_act:
            missing = [
                what
                for what, value in (
                    ("a custodian before CUST", reg.custodian),
                    ("the minor after CUST", reg.minor),
                )
                if not value
            ]
            if not reg.custodian and not reg.minor and "CUST" not in text.upper():
                missing = ["a custodian and the minor (CUSTODIAN CUST MINOR)"]
            if not is_state(reg.act_state):
                missing.append(f"the state after {reg.minor_act} (e.g. NY)")
            if missing:
                yield MINOR_ACT.finding(
                    loc,
                    f"{reg.minor_act} registration {text!r} lacks {', '.join(missing)}: write it as "
                    f"'JANE DOE CUST JOHN DOE {reg.minor_act} NY'",
                    **at,
                )
        if reg.tod:
            if not reg.beneficiary:
                yield TOD.finding(loc, f"{text!r}: TOD/POD must be followed by the beneficiary's name", **at)
            elif reg.tenancy == "TEN COM":
                yield TOD.finding(
                    loc,
                    f"{text!r}: a TOD beneficiary is allowed only for a sole owner or joint tenants with right "
                    "of survivorship, not tenants in common (TEN COM)",
                    **at,
                )

    def finish(self) -> list[Finding]:
        """The run-wide findings: overissue, officers out of office."""
        out: list[Finding] = []
        spec = self.spec
        if spec is None:
            return out
        security = spec.security
        if self.crossed is not None and security.authorized_shares is not None:
            holder, row = self.crossed
            outstanding = security.outstanding_shares or 0
            out.append(
                AUTHORIZED.finding(
                    f"{_locate(holder)}, column shares",
                    f"these certificates total {self.total:,} shares; with {outstanding:,} outstanding that is "
                    f"{outstanding + self.total - security.authorized_shares:,} more than the "
                    f"{security.authorized_shares:,} authorized (security.authorized_shares); the run "
                    f"exceeds it from certificate {holder.certificate_number}",
                    file=_file(holder),
                    row=row,
                    certificate=holder.certificate_number,
                    field="shares",
                )
            )
        for index, (holder, count) in sorted(self.late.items()):
            officer = spec.issuer.officers[index]
            out.append(
                OFFICER_TERM.finding(
                    _locate(holder),
                    f"dated {holder.issue_date.isoformat()}, after the term of the {officer.title} ended "
                    f"({officer.term_ended}); {count} certificate(s) so dated. Valid under most states' law, "
                    "but check that the signature should be used",
                    file=_file(holder),
                    certificate=holder.certificate_number,
                )
            )
        return out


#: Characters refused in holder data: control, format (bidi controls, zero-width characters, soft
#: hyphen), private use, surrogates, unassigned, line and paragraph separators.
INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: A number, a telephone number: what may begin with + or - without being a formula.
_NUMBER_LIKE = re.compile(r"[+-][0-9][0-9 .,()/-]*")
#: What a formula begins with (after any spaces).
_FORMULA_START = "=@+-"
_CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
_WORD = re.compile(r"[^\W\d_]+")


def _invisible_message(value: str, bad: list[str]) -> str:
    shown = ", ".join(f"{describe_char(c)} (character {value.index(c) + 1})" for c in bad[:3]) + (
        ", ..." if len(bad) > 3 else ""
    )
    if any(c in _BIDI for c in bad):
        why = "a bidirectional control reorders the text, so the certificate, the register and a screen would show different names"
    elif any(unicodedata.category(c) == "Cf" for c in bad):
        why = "an invisible character makes two names that look the same differ"
    else:
        why = "a control character is not text and prints as nothing or a box"
    return f"{value[:60]!r} holds {shown}: {why}; remove it and retype the value"


def _mixed_script(value: str) -> tuple[str, list[str], list[str]] | None:
    """The first word mixing Latin, Greek and Cyrillic letters: the word, its letters of the
    less used script(s), and the scripts; None when no word does."""
    if max(value) < _BEFORE_GREEK:  # ASCII and Latin letters only (accented names): one script
        return None
    for word in _WORD.findall(value):
        if word.isascii():
            continue
        mixed = _mixed_word(word)
        if mixed is not None:
            return word, list(mixed[0]), list(mixed[1])
    return None


#: No character before U+0370 is Greek or Cyrillic (Latin, IPA, modifiers, combining marks).
_BEFORE_GREEK = "\u0370"


@lru_cache(maxsize=4096)
def _mixed_word(word: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A word's letters of the less used script(s) and its scripts, when it mixes Latin, Greek
    and Cyrillic; else None (names recur: each word is asked once)."""
    scripts: dict[str, list[str]] = {}
    for char in word:
        script = unicodedata.name(char, "").split(" ", 1)[0]
        if script in _CONFUSABLE_SCRIPTS:
            scripts.setdefault(script, []).append(char)
    if len(scripts) > 1:
        main = max(scripts, key=lambda s: len(scripts[s]))
        odd = tuple(c for s, chars in scripts.items() if s != main for c in dict.fromkeys(chars))
        return odd, tuple(s.title() for s in scripts)
    return None


#: What a registration's abbreviations contain (any of them, anywhere in the upper-cased text):
#: only such a registration is parsed for its tenancy, minor's act or beneficiary.
_ABBREVIATED = re.compile("|".join(("TEN", "JT", "MIN ACT", "UGMA", "UTMA", "TOD", "POD", "JTWROS", "CUST")))


def _is_cede(registration: str) -> bool:
    """Registered to DTC's nominee, CEDE & CO."""
    return " ".join(registration.upper().split()) in ("CEDE & CO.", "CEDE & CO")


def restricting_legend(spec: Spec, legends: Sequence[Any] | None = None) -> str | None:
    """Why the spec's certificates are restricted securities, or None: the spec says so
    (``security.restricted``, ``security.transfer_restricted``, ``security.regulation_s``), or a
    legend restricts resale or transfer.  The one place the holder rules ask what a legend is
    about (:func:`~certgen.validation.text.classify_legend`)."""
    security = spec.security
    for flag in ("restricted", "transfer_restricted", "regulation_s"):
        if getattr(security, flag, False):
            return f"security.{flag}"
    if not spec.legends:
        return None
    if legends is None:
        from ..issue import resolve_legends

        try:
            legends = resolve_legends(spec)
        except CertgenError:
            return None  # reported by the spec rules
    for index, legend in enumerate(legends):
        kinds = classify_legend(legend.text) & {
            "securities-act",
            "transfer-restriction",
            "regulation-s",
        }
        if kinds:
            return f"legend {legend.name!r}, legends[{index}]"
    return None


def _cells(holder: Holder) -> Iterator[tuple[str, str]]:
    yield "certificate_number", holder.certificate_number
    yield "registration", holder.registration
    yield from holder.extra.items()


def raw_cells(row: Any) -> list[tuple[str, Any]]:
    """The text cells of a row that could not be read whole (a mapping from the holder file),
    for :meth:`HolderChecker.check_cells`: every column but the amount and the date."""
    if not isinstance(row, Mapping):
        return []
    return [
        (str(key), value)
        for key, value in row.items()
        if key is not None and key not in ("shares", "principal_amount", "issue_date")
    ]


def _locate(holder: Holder) -> str:
    base = holder.source or "holder data"
    return f"{base} (certificate {holder.certificate_number})" if holder.certificate_number else base


def _file(holder: Holder) -> str | None:
    if holder.source and ", row " in holder.source:
        return holder.source.rsplit(", row ", 1)[0]
    return holder.source
