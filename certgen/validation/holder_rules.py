"""Rules on holder data: each row, and the run as a whole.

:class:`HolderChecker` reads rows one at a time (a 10,000-row file is never
held twice) and keeps what the run-wide rules need: certificate numbers
seen, the running share total, officers whose term ended before an issue
date.  Findings name the file, the row and the certificate number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import HolderDataError
from ..model.certificate import Holder
from ..model.identifiers import canonical_number
from ..spec.schema import Spec
from ..words import money_in_figures
from .engine import ERROR, WARNING, Finding, Rule, Scope, rule
from .text import is_state, parse_registration

__all__ = ["HolderChecker"]

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

    def __init__(self, spec: Spec | None, *, numbers: bool = True) -> None:
        """:param numbers: check each number against the numbers before it (it keeps every
        number seen); ``False`` for a caller whose numbers cannot repeat (allocated in
        sequence) or who finds repeated numbers itself: then nothing is kept per row."""
        self.spec = spec
        self.numbers = numbers
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

    def check_run(self, holder: Holder, row: int | None = None) -> list[Finding]:
        """The findings that depend on the rows before this one (duplicate numbers); keeps the
        running totals that :meth:`finish` reports on."""
        out: list[Finding] = []
        number = holder.certificate_number
        key = canonical_number(number) if self.numbers else None
        first = self.seen.get(key) if key is not None else None
        if key is not None and first is not None:
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
        elif key is not None:
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
        if spec is not None:
            prefix = spec.security.certificate_prefix
            if prefix and not number.upper().startswith(prefix.upper()):
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
        out.extend(self._registration(holder, loc, where))
        return out

    def _note(self, spec: Spec, holder: Holder, loc: str, where: dict[str, Any]) -> Iterator[Finding]:
        note = spec.note
        assert note is not None
        amount = holder.shares
        currency = spec.security.currency

        def money(value: int) -> str:
            return money_in_figures(value, currency)

        if spec.security.kind == "global_note" and spec.security.depositary == "dtc":
            if " ".join(holder.registration.upper().split()) not in ("CEDE & CO.", "CEDE & CO"):
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

    def _registration(self, holder: Holder, loc: str, where: dict[str, Any]) -> Iterator[Finding]:
        text = holder.registration
        at = {"field": "registration", **where}
        loc = f"{loc}, column registration"
        if _PLACEHOLDER.search(text.strip()):
            yield PLACEHOLDER.finding(
                loc, f"{text!r} is a placeholder, not a holder's name: give the name(s) as inscribed", **at
            )
            return
        if not any(
            word in text.upper()
            for word in ("TEN", "JT", "MIN ACT", "UGMA", "UTMA", "TOD", "POD", "JTWROS", "CUST")
        ):
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


def _locate(holder: Holder) -> str:
    base = holder.source or "holder data"
    return f"{base} (certificate {holder.certificate_number})"


def _file(holder: Holder) -> str | None:
    if holder.source and ", row " in holder.source:
        return holder.source.rsplit(", row ", 1)[0]
    return holder.source
