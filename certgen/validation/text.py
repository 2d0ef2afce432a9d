"""Reading certificate text: what a legend is about, numbers in words, registrations.

Pure functions over strings, shared by the spec rules (legends as the spec
gives them) and the PDF rules (text extracted from a certificate).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..spec.schema import state_code

__all__ = [
    "LEGEND_KINDS",
    "Registration",
    "classify_legend",
    "compact",
    "par_values",
    "parse_registration",
    "percentages",
    "stated_jurisdictions",
    "words_to_number",
]

#: What a legend can be about, as :func:`classify_legend` recognises it by its words.
LEGEND_KINDS = (
    # restrictions on resale and transfer
    "securities-act",  # not registered under the Securities Act; resale only under registration or an exemption
    "rule-144",  # "restricted securities" under Rule 144
    "rule-144a",  # sold to qualified institutional buyers under Rule 144A
    "regulation-s",  # sold offshore under Regulation S
    "transfer-restriction",  # a restriction by agreement, the charter or the bylaws (not the ownership limit)
    "erisa",  # employee benefit plan representations (ERISA, Code section 4975)
    "ownership",  # a charter's ownership limit (a REIT's 9.8%)
    "nol",  # 5% holders of an issuer preserving its net operating losses (Code section 382)
    "close-corporation",
    # depositaries and global securities
    "dtc",  # the DTC legend: transfer wrongful unless presented by DTC; Cede & Co.
    "common-depositary",  # held for Euroclear and Clearstream by a common depositary or safekeeper
    "global-security",  # a global security, transferable only as a whole to the depositary or its nominee
    "tefra",  # bearer obligations: the TEFRA legend (Code sections 165(j) and 1287(a))
    # rights and statements
    "rights-plan",
    "lost-certificate",
    "designations",  # the statement of designations, or that it will be furnished on request
    "redemption",  # the shares are redeemable (said of this class, not of "each class")
    "conversion",  # the shares are convertible
    "assessable",  # the shares are assessable
)


_TRANSFER_RESTRICTION = re.compile(
    r"RESTRICT\w*\s+(?:ON|UPON|OF)\s+(?:THE\s+)?(?:\w+\s+(?:AND|OR)\s+)?(?:SALE|TRANSFER|DISPOSITION)"
    r"|(?:TRANSFER|SALE|DISPOSITION)\w*\s+(?:OF\s+(?:[\w-]+\s+){1,8})?(?:IS|ARE|SHALL\s+BE|WILL\s+BE)\s+"
    r"(?:\w+\s+)?(?:RESTRICTED|PROHIBITED|SUBJECT\s+TO|LIMITED)"
    r"|RIGHT\s+OF\s+FIRST\s+REFUSAL|LOCK-?\s?UP|MAY\s+NOT\s+BE\s+(?:\w+,?\s+){0,6}(?:SOLD|TRANSFERRED|ASSIGNED)"
    r"|NO\s+(?:REGISTRATION\s+OF\s+)?TRANSFER\s+(?:OF\s+.{0,200}?)?SHALL\s+BE\s+(?:MADE|REGISTERED|VALID)"
    r"|WILL\s+NOT\s+(?:\w+,?\s+){0,6}TRANSFER"
)
#: A restriction that comes from an agreement, the charter or the bylaws (the rights agreement,
#: the indenture and the warrant agreement are no such thing).
_BY_AGREEMENT = re.compile(
    r"(?<!RIGHTS\s)(?<!WARRANT\s)\bAGREEMENT\b|RIGHT\s+OF\s+FIRST\s+(?:REFUSAL|OFFER)|LOCK-?\s?UP|BY-?LAWS"
    r"|CO-SALE|DRAG-ALONG|TAG-ALONG|REPURCHASE\s+OPTION|OPTION\s+TO\s+(?:RE)?PURCHASE"
    r"|ARTICLES\s+OF\s+INCORPORATION|CERTIFICATE\s+OF\s+INCORPORATION|\bCHARTER\b|DECLARATION\s+OF\s+TRUST"
)
_UNREGISTERED = re.compile(
    r"\bNOT\s+(?:BEEN\s+|BE\s+)?REGISTERED\b|\bUNREGISTERED\b|\bRESTRICTED\s+SECURITIES\b"
    r"|\bEXEMPT\w*\s+FROM\s+(?:THE\s+)?REGISTRATION"
)
_SECURITIES_ACT = re.compile(r"SECURITIES\s+ACT|ACT\s+OF\s+1933|\b1933\s+ACT\b")
_RULE_144 = re.compile(r"\bRULE\s+144\b(?!\s*A\b|A)|\bRESTRICTED\s+SECURITIES\b")
_RULE_144A = re.compile(r"\bRULE\s+144\s?A\b|QUALIFIED\s+INSTITUTIONAL\s+BUYERS?\b|\bQIBS?\b")
_REGULATION_S = re.compile(r"\bREGULATION\s+S\b|DISTRIBUTION\s+COMPLIANCE\s+PERIOD")
_ERISA = re.compile(
    r"\bERISA\b|EMPLOYEE\s+RETIREMENT\s+INCOME\s+SECURITY\s+ACT|EMPLOYEE\s+BENEFIT\s+PLAN"
    r"|SECTION\s+4975|PLAN\s+ASSETS"
)
_NOL = re.compile(
    r"SECTION\s+382|NET\s+OPERATING\s+LOSS|\bNOLS?\b|TAX\s+BENEFITS?\s+PRESERVATION"
    r"|(?:5|FIVE)\s*(?:-|\s)?\s*(?:PERCENT|%|PER\s+CENT)\s+(?:SHARE|STOCK)HOLDER|\b4\.99\s*%"
)
_OWNERSHIP = re.compile(
    r"OWNERSHIP\s+LIMIT|(?:BENEFICIALLY|CONSTRUCTIVELY)\s+OWN|(?:BENEFICIAL|CONSTRUCTIVE)\s+(?:AND\s+\w+\s+)?OWNERSHIP"
    r"|OWN\w*\s+(?:OF\s+)?(?:\w+\s+){0,4}IN\s+EXCESS\s+OF|RESTRICTIONS?\s+ON\s+OWNERSHIP"
)
_REIT = re.compile(r"REAL\s+ESTATE\s+INVESTMENT\s+TRUST|\bREIT\b")
_DTC = re.compile(r"DEPOSITORY\s+TRUST\s+COMPANY|\bDTC\b")
_CEDE = re.compile(r"\bCEDE\s*(?:&|AND)\s*CO\b")
_ICSD = re.compile(r"EUROCLEAR|CLEARSTREAM|COMMON\s+DEPOSITARY|COMMON\s+SAFEKEEPER")
_GLOBAL = re.compile(
    r"\bGLOBAL\s+(?:NOTES?|SECURIT(?:Y|IES)|CERTIFICATES?|BONDS?|DEBENTURES?|WARRANTS?|SHARES?|UNITS?)\b"
)
_DEPOSITARY = re.compile(r"\bDEPOSIT[AO]RY\b|\bNOMINEE\b")
_TEFRA = re.compile(r"165\s*\(\s*J\s*\)|1287\s*\(\s*A\s*\)|\bTEFRA\b")
_RIGHTS_PLAN = re.compile(
    r"RIGHTS\s+AGREEMENT|RIGHTS\s+PLAN|(?:STOCK|SHARE)HOLDERS?'?\s+RIGHTS\s+(?:AGREEMENT|PLAN)"
    r"|TAX\s+BENEFITS?\s+PRESERVATION\s+(?:PLAN|AGREEMENT)"
)
_LOST = re.compile(r"\bLOST\b|\bPERDU")
_INDEMNITY = re.compile(r"\bBOND\b|INDEMNI|CAUTIONNEMENT|\bGARANTIE\b")
#: "will furnish ... on request (without charge) ... designations, preferences ... rights": the
#: statement of designations given on request (DGCL §151(f), MBCA §6.25(c)), in the words of
#: filed forms ("may be obtained ... upon request", "on demand", "with out charge"; French).
_FURNISH = re.compile(r"\bFURNISH|\bPROVIDE|\bSEND\b|\bMAY\s+BE\s+OBTAINED|\bFOURNIR")
_ON_REQUEST = re.compile(
    r"REQUEST|\bDEMAND|WITH\s?OUT\s+CHARGE|FREE\s+OF\s+CHARGE|WITHOUT\s+COST|SANS\s+FRAIS|SUR\s+DEMANDE"
)
_RIGHTS_OF_CLASSES = re.compile(
    r"DESIGNATIONS|PREFERENCES|RELATIVE\s+RIGHTS|SPECIAL\s+RIGHTS|RIGHTS,\s+PRIVILEGES|DROITS,\s+PRIVIL"
)
_CLOSE = re.compile(r"CLOSE\s+CORPORATION")
_REDEEMABLE = re.compile(
    r"\bREDEEMABLE\b|\bSUBJECT\s+TO\s+(?:\w+\s+){0,2}REDEMPTION|\bMAY\s+BE\s+(?:\w+\s+){0,2}REDEEMED"
    r"|\bSHALL\s+BE\s+(?:\w+\s+){0,2}REDEEMED|\bARE\s+(?:\w+\s+){0,2}REDEEMED|\bREDEMPTION\s+PRICE"
)
_CONVERTIBLE = re.compile(
    r"\bCONVERTIBLE\b|\bMAY\s+BE\s+CONVERTED|\bSHALL\s+BE\s+CONVERTED|\bCONVERSION\s+(?:PRICE|RATE|PERIOD)"
    r"|\bRIGHT\s+TO\s+CONVERT"
)
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|PER\s*CENT|PERCENT)", re.IGNORECASE)


def _upper(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).upper().split())


def _furnishes(sentence: str) -> bool:
    """A statement that the rights of the classes will be furnished (or are printed in full)."""
    return bool(_RIGHTS_OF_CLASSES.search(sentence)) and (
        bool(_FURNISH.search(sentence) and _ON_REQUEST.search(sentence))
        or ("DESIGNATIONS" in sentence and "PREFERENCES" in sentence)
    )


def classify_legend(text: str) -> frozenset[str]:
    """What a legend says, recognised by its words whatever it is called (:data:`LEGEND_KINDS`).

    A legend may say several things: a Rule 144A legend is also a Securities Act legend, a
    REIT's legend restricts ownership and transfer.  Equivalent wordings of filed forms are
    recognised ("will furnish", "may be obtained ... upon request"; "DEPOSITORY"/"DEPOSITARY";
    sentence case); the generic statement that the rights of each class will be furnished
    does not make a class redeemable or convertible.

    >>> sorted(classify_legend("This Note has not been registered under the Securities Act of 1933 "
    ...     "and may be resold only to a qualified institutional buyer under Rule 144A."))
    ['rule-144a', 'securities-act']
    """
    upper = _upper(text)
    kinds: set[str] = set()
    securities_act = bool(_SECURITIES_ACT.search(upper)) or bool(re.search(r"\bTHE\s+ACT\b", upper))
    unregistered = bool(_UNREGISTERED.search(upper))
    if securities_act and unregistered:
        kinds.add("securities-act")
        if _RULE_144.search(upper):
            kinds.add("rule-144")
    if _RULE_144A.search(upper) and (securities_act or unregistered):
        kinds.add("rule-144a")
    restricts = bool(_TRANSFER_RESTRICTION.search(upper))
    if _REGULATION_S.search(upper) and (restricts or "HEDGING" in upper or "OFFSHORE" in upper):
        kinds.add("regulation-s")
    if _ERISA.search(upper):
        kinds.add("erisa")
    if _NOL.search(upper) and ("TRANSFER" in upper or "OWNERSHIP" in upper or "ACQUI" in upper):
        kinds.add("nol")
    elif _OWNERSHIP.search(upper) and (
        _REIT.search(upper) or _PERCENT.search(upper) or "LIMIT" in upper or "IN EXCESS OF" in upper
    ):
        kinds.add("ownership")
    if _DTC.search(upper) and (_CEDE.search(upper) or "WRONGFUL" in upper):
        kinds.add("dtc")
    if _ICSD.search(upper):
        kinds.add("common-depositary")
    if _GLOBAL.search(upper) and _DEPOSITARY.search(upper):
        kinds.add("global-security")
    if _TEFRA.search(upper) or ("BEARER" in upper and "UNITED STATES" in upper and "TAX" in upper):
        kinds.add("tefra")
    if _RIGHTS_PLAN.search(upper):
        kinds.add("rights-plan")
    if _LOST.search(upper) and _INDEMNITY.search(upper):
        kinds.add("lost-certificate")
    if _CLOSE.search(upper):
        kinds.add("close-corporation")
    # Redemption, conversion and assessability are said of this class: not by the statement that
    # the rights of every class (their "terms and conditions of redemption") will be furnished.
    own = [s for s in _SENTENCE.split(upper) if not _furnishes(s)]
    if any(_furnishes(s) for s in _SENTENCE.split(upper)):
        kinds.add("designations")
    if any(_REDEEMABLE.search(s) for s in own):
        kinds.add("redemption")
    if any(_CONVERTIBLE.search(s) for s in own):
        kinds.add("conversion")
    assessable = " ".join(own).replace("NON-ASSESSABLE", "").replace("NONASSESSABLE", "")
    if "ASSESSABLE" in assessable or "NOT FULLY PAID" in assessable:
        kinds.add("assessable")
    explained = kinds - {"redemption", "conversion", "assessable", "close-corporation"}
    # A charter's ownership limit (REIT, NOL) is its own kind: the charter it cites makes it no
    # restriction "by agreement".
    by_agreement = bool(_BY_AGREEMENT.search(upper)) and not (
        kinds & {"ownership", "nol"}
        and not re.search(r"(?<!RIGHTS\s)\bAGREEMENT\b|RIGHT\s+OF\s+FIRST|BY-?LAWS", upper)
    )
    if restricts and (by_agreement or not explained):
        kinds.add("transfer-restriction")
    return frozenset(kinds)


# -- what a face states: par value, the law the issuer is organized under, its class ---------------

_PAR = re.compile(
    r"(?:U\.?S\.?\s*)?\$\s?(\d*\.?\d+)\s+(?:PER\s+SHARE\s+)?PAR\s+VALUE"
    r"|PAR\s+VALUE\s*(?:OF\s+|:\s*|IS\s+)?(?:U\.?S\.?\s*)?\$\s?(\d*\.?\d+)"
    r"|\b(?:NO|WITHOUT)\s+(?:NOMINAL\s+OR\s+)?PAR\s+VALUE\b|\bNO[- ]PAR\b"
)


def par_value_of(text: str) -> Decimal | None:
    """The amount a par value names (``$.01`` → 0.01); None when it names none (``no par``)."""
    found = re.search(r"\d*\.?\d+", text.replace(",", ""))
    if found is None or re.search(r"\bNO\b|\bWITHOUT\b", text.upper()):
        return None
    try:
        return Decimal(found.group(0))
    except InvalidOperation:  # pragma: no cover - the pattern reads a decimal number
        return None


def par_values(text: str) -> list[tuple[str, Decimal | None]]:
    """The par values a text states, as written and as an amount (None: "WITHOUT PAR VALUE")."""
    out: list[tuple[str, Decimal | None]] = []
    for match in _PAR.finditer(_upper(text)):
        amount = match.group(1) or match.group(2)
        out.append((match.group(0), Decimal(amount) if amount else None))
    return out


#: Where a text says under which law the issuer exists: "INCORPORATED UNDER THE LAWS OF THE
#: STATE OF MARYLAND", "organized and existing under the laws of Canada", "organized as a
#: Minnesota corporation" (not a governing-law clause: "governed by the laws of New York").
_ORGANIZED_UNDER = re.compile(
    r"(?:INCORPORATED|ORGANI[SZ]ED|EXISTING|FORMED|CONTINUED|CONSTITUTED)\s+(?:AND\s+EXISTING\s+)?"
    r"UNDER\s+THE\s+LAWS\s+OF\s+(?:THE\s+)?(?:STATE\s+OF\s+|COMMONWEALTH\s+OF\s+|PROVINCE\s+OF\s+)?(.{1,60})"
    r"|(?:ORGANI[SZ]ED|INCORPORATED|FORMED)\s+AS\s+AN?\s+(.{1,40}?)\s+"
    r"(?:CORPORATION|LIMITED\s+PARTNERSHIP|LIMITED\s+LIABILITY\s+COMPANY|STATUTORY\s+TRUST|TRUST|COMPANY)\b"
)
_ENTITY = (
    r"(?:CORPORATION|LIMITED\s+PARTNERSHIP|LIMITED\s+LIABILITY\s+COMPANY|STATUTORY\s+TRUST"
    r"|REAL\s+ESTATE\s+INVESTMENT\s+TRUST|BUSINESS\s+TRUST)\b"
)


def _places() -> list[tuple[str, str, str]]:
    from ..spec.jurisdictions import CA_PROVINCES, COUNTRIES, US_STATES

    names = [(name.upper(), "US", code) for code, name in US_STATES.items()]
    names += [(name.upper(), "CA", code) for code, name in CA_PROVINCES.items()]
    names += [(name.upper().removeprefix("THE "), code, "") for code, name in COUNTRIES.items()]
    names += [("UNITED STATES OF AMERICA", "US", ""), ("ENGLAND AND WALES", "GB", "")]
    return sorted(names, key=lambda n: -len(n[0]))


_PLACES: list[tuple[str, str, str]] = []


def _readings(phrase: str) -> frozenset[tuple[str, str]]:
    """The places (country, subdivision code or '') a phrase begins with; several when a name is
    ambiguous (Georgia the state and the country); none when it names no place."""
    if not _PLACES:
        _PLACES.extend(_places())
    phrase = phrase.strip().removeprefix("THE ").strip()
    found: set[tuple[str, str]] = set()
    length = 0
    for name, country, sub in _PLACES:
        if len(name) < length:
            break
        if phrase.startswith(name) and (len(phrase) == len(name) or not phrase[len(name)].isalpha()):
            found.add((country, sub))
            length = len(name)
    return frozenset(found)


def stated_jurisdictions(
    text: str, issuer: str | None = None
) -> list[tuple[str, frozenset[tuple[str, str]]]]:
    """Where a text says the issuer is organized: each statement as written, with the places it
    may name (country, subdivision code or '').  With the issuer's name, "ISSUER, a Delaware
    corporation" counts too (not "THE DEPOSITORY TRUST COMPANY, A NEW YORK CORPORATION")."""
    upper = _upper(text)
    out = []
    for match in _ORGANIZED_UNDER.finditer(upper):
        phrase = match.group(1) or match.group(2) or ""
        readings = _readings(phrase)
        if readings:
            out.append((" ".join(match.group(0).split()[:12]), readings))
    if issuer:
        name = re.escape(_upper(issuer).rstrip(".,"))
        for match in re.finditer(
            rf"{name}\.?,?\s*(?:\([^)]*\)\s*,?\s*)?AN?\s+(.{{1,40}}?)\s+{_ENTITY}", upper
        ):
            readings = _readings(match.group(1))
            if readings:
                out.append((" ".join(match.group(0).split()), readings))
    return out


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
