"""Reading certificate text: what a legend is about, numbers in words, registrations.

Pure functions over strings, shared by the spec rules (legends as the spec
gives them) and the PDF rules (text extracted from a certificate).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..spec.schema import state_code

__all__ = [
    "LEGEND_KINDS",
    "Registration",
    "compact",
    "legend_kinds",
    "parse_registration",
    "percentages",
    "words_to_number",
]

#: What a legend can be about, as the rules ask for it.
LEGEND_KINDS = (
    "ownership",
    "designations",
    "securities-act",
    "transfer-restriction",
    "rights-plan",
    "close-corporation",
    "lost-certificate",
    "regulation-s",
    "redemption",
    "conversion",
    "assessable",
)

_TRANSFER_RESTRICTION = re.compile(
    r"RESTRICT\w*\s+(?:ON|UPON)\s+(?:THE\s+)?(?:SALE\s+OR\s+)?TRANSFER|TRANSFER\w*\s+(?:IS|ARE)\s+RESTRICTED"
    r"|RIGHT\s+OF\s+FIRST\s+REFUSAL|LOCK-?\s?UP|MAY\s+NOT\s+BE\s+(?:SOLD|TRANSFERRED)"
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|PER\s*CENT|PERCENT)", re.IGNORECASE)


def legend_kinds(text: str, name: str | None = None) -> set[str]:
    """The kinds of a legend, from its name (``reit-ownership``) and its words."""
    upper = " ".join(text.upper().split())
    kinds: set[str] = set()
    tag = (name or "").lower()
    if "ownership" in tag or ("OWNERSHIP" in upper and ("LIMIT" in upper or "IN EXCESS OF" in upper)):
        kinds.add("ownership")
    if "designation" in tag or ("DESIGNATIONS" in upper and ("PREFERENCES" in upper or "RIGHTS" in upper)):
        kinds.add("designations")
    if (
        "securities-act" in tag
        or "restricted" in tag
        or ("SECURITIES ACT" in upper and ("NOT BEEN REGISTERED" in upper or "RESTRICTED" in upper))
    ):
        kinds.add("securities-act")
    if "rights" in tag and "plan" in tag or "RIGHTS AGREEMENT" in upper:
        kinds.add("rights-plan")
    if "close" in tag or "CLOSE CORPORATION" in upper:
        kinds.add("close-corporation")
    if "lost" in tag or ("LOST" in upper and ("BOND" in upper or "INDEMNITY" in upper)):
        kinds.add("lost-certificate")
    if "REGULATION S" in upper and ("HEDGING" in upper or "TRANSFER" in upper):
        kinds.add("regulation-s")
    if re.search(r"\bREDEEM(?:ABLE|ED)?\b|\bREDEMPTION\b", upper):
        kinds.add("redemption")
    if re.search(r"\bCONVERTIBLE\b|\bCONVERSION\b", upper):
        kinds.add("conversion")
    if (
        "ASSESSABLE" in upper.replace("NON-ASSESSABLE", "").replace("NONASSESSABLE", "")
        or "NOT FULLY PAID" in upper
    ):
        kinds.add("assessable")
    restricts = _TRANSFER_RESTRICTION.search(upper) is not None
    if "transfer-restriction" in tag or (
        restricts and not kinds & {"ownership", "securities-act", "designations"}
    ):
        kinds.add("transfer-restriction")
    return kinds


def percentages(text: str) -> list[str]:
    """Percentages a text states, as written: ``['9.9']`` for "IN EXCESS OF 9.9%"."""
    return _PERCENT.findall(text)


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u00ad": "",
    }
)


def compact(text: str) -> str:
    """Text for verbatim comparison: compatibility-normalised (ligatures), quotes and dashes
    unified, upper case, and every white space removed (line breaks fall anywhere)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return "".join(text.upper().split())


_UNITS = {
    "ZERO": 0, "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6, "SEVEN": 7,
    "EIGHT": 8, "NINE": 9, "TEN": 10, "ELEVEN": 11, "TWELVE": 12, "THIRTEEN": 13,
    "FOURTEEN": 14, "FIFTEEN": 15, "SIXTEEN": 16, "SEVENTEEN": 17, "EIGHTEEN": 18,
    "NINETEEN": 19, "TWENTY": 20, "THIRTY": 30, "FORTY": 40, "FIFTY": 50, "SIXTY": 60,
    "SEVENTY": 70, "EIGHTY": 80, "NINETY": 90,
}  # fmt: skip
_SCALES = {"THOUSAND": 10**3, "MILLION": 10**6, "BILLION": 10**9, "TRILLION": 10**12}
NUMBER_WORDS = re.compile(
    r"\b(?:(?:"
    + "|".join(sorted([*_UNITS, *_SCALES, "HUNDRED"], key=len, reverse=True))
    + r")(?:[\s-]+(?:AND[\s-]+)?|\b))+",
    re.IGNORECASE,
)


def words_to_number(text: str) -> int | None:
    """The number an amount in words states (``ONE THOUSAND FIVE HUNDRED`` → 1500); None if it is not one."""
    tokens = [t for t in re.split(r"[\s-]+", text.upper()) if t and t != "AND"]
    if not tokens:
        return None
    total = current = 0
    for token in tokens:
        if token in _UNITS:
            current += _UNITS[token]
        elif token == "HUNDRED":
            current = (current or 1) * 100
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        else:
            return None
    return total + current


# -- registrations ---------------------------------------------------------------------------

_TENANCY = re.compile(r"\b(TEN\s+COM|TEN\s+ENT|JT\s+TEN|JTWROS)\b")
_MINOR_ACT = re.compile(r"\b(UNIF\s+GIFT\s+MIN\s+ACT|UNIF\s+TRF\s+MIN\s+ACT|UGMA|UTMA)\b")
_CUST = re.compile(r"\b(CUST|CUSTODIAN)\b")
_TOD = re.compile(r"\b(TOD|POD)\b")
_SEPARATORS = re.compile(r"\s*(?:\n|&|\bAND\b|;)\s*")


@dataclass(frozen=True)
class Registration:
    """What a registration (the name(s) as inscribed) says about its form of ownership."""

    text: str
    #: TEN COM, TEN ENT, JT TEN (normalised), or None.
    tenancy: str | None
    #: Owners named, when the inscription separates them (``&``, ``and``, lines); else None.
    owners: int | None
    #: Name words before any abbreviation (a rough measure when owners is None).
    name_words: int
    minor_act: str | None
    custodian: str
    minor: str
    act_state: str
    tod: bool
    beneficiary: str


def parse_registration(text: str) -> Registration:
    """Split an inscription into owners, tenancy, gift/transfer-to-minors and TOD parts.

    >>> r = parse_registration("John S Brown Mary B Brown JT TEN TOD John S Brown Jr")
    >>> r.tenancy, r.tod, r.beneficiary
    ('JT TEN', True, 'JOHN S BROWN JR')
    """
    upper = " ".join(text.upper().replace("\n", " \n ").split(" "))
    upper = re.sub(r"[ \t]+", " ", upper)
    owner_part = upper
    beneficiary = ""
    tod_match = _TOD.search(upper)
    if tod_match:
        owner_part = upper[: tod_match.start()]
        beneficiary = " ".join(upper[tod_match.end() :].split())
    tenancy_match = _TENANCY.search(owner_part)
    tenancy = None
    if tenancy_match:
        tenancy = " ".join(tenancy_match.group(1).split())
        if tenancy == "JTWROS":
            tenancy = "JT TEN"
    act = _MINOR_ACT.search(owner_part)
    custodian = minor = act_state = ""
    minor_act = None
    if act:
        minor_act = " ".join(act.group(1).split())
        before = owner_part[: act.start()]
        act_state = " ".join(owner_part[act.end() :].split()).strip(" .,()")
        cust = _CUST.search(before)
        if cust:
            custodian = " ".join(before[: cust.start()].split()).strip(" ,")
            minor = " ".join(before[cust.end() :].split()).strip(" ,")
            minor = re.sub(r"\bUNTIL AGE \d+\b", "", minor).strip(" ,")
    names = owner_part
    for match in (tenancy_match, act):
        if match:
            names = names.replace(match.group(0), " ")
    parts = [p for p in _SEPARATORS.split(names.strip()) if p.strip()]
    owners = len(parts) if len(parts) > 1 else None
    name_words = len(re.findall(r"[A-Z][A-Z'.-]*", names))
    return Registration(
        text=text,
        tenancy=tenancy,
        owners=owners,
        name_words=name_words,
        minor_act=minor_act,
        custodian=custodian,
        minor=minor,
        act_state=act_state,
        tod=tod_match is not None,
        beneficiary=beneficiary,
    )


def is_state(text: str) -> bool:
    """A two-letter state code or a state's name (``NY``, ``New York``)."""
    return state_code(text) is not None
