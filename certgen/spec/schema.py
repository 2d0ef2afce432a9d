"""The spec: one YAML file describing an issue of securities.

Every field is declared here, with its description; ``certgen schema``
prints the JSON Schema built from these models so editors can check spec
files.  Unknown keys are errors (a misspelt key must not be silently
ignored on a legal document).

Keys other tools rely on: ``issuer.name``, ``issuer.state`` (the US state, also when the
issuer gives ``issuer.jurisdiction``), ``security.title``, ``security.cusip``,
``security.par_value``.  docs/spec.md describes the keys of the issuer's jurisdiction,
units and currencies.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..model.identifiers import compact_cusip
from ..words import CURRENCIES
from .jurisdictions import (
    US_STATES,
    country_code,
    country_name,
    laws_of,
    province_code,
    state_code,
    subdivision_name,
    with_article,
)

__all__ = [
    "Abbreviation",
    "Agent",
    "Art",
    "AssignmentWording",
    "FaceWording",
    "Fonts",
    "FormOptions",
    "Identifier",
    "Issuer",
    "Jurisdiction",
    "Legend",
    "Officer",
    "PdfSignature",
    "QRCode",
    "Seal",
    "Security",
    "Spec",
    "Style",
    "Templates",
    "MAX_LEGEND_CHARS",
    "US_STATES",
    "state_code",
]

#: Most identifiers a face prints (security.identifiers): the identifier boxes hold three lines.
MAX_IDENTIFIERS = 3

#: Longest legend, in characters (given as text, or each parameter of a named legend).  The
#: longest legends of filed forms are some 4,000 characters; a certificate's whole reverse
#: holds about 10,000.
MAX_LEGEND_CHARS = 65_536


class KeyedValueError(ValueError):
    """A validator's error about *key* under the field it validates (a legend's
    ``params.ownership_limit``): the message names ``field.key``.  *key* may be dotted
    (``security.currency``, from a check of the whole spec)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def nearest_line(path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> int | None:
    """The line of the spec key at *path*, or of its nearest parent that has one."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")

Text = Annotated[str, Field(min_length=1)]
Color = Annotated[str, Field(pattern=_COLOR.pattern, description="#rrggbb")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Wording(_Model):
    """Fixed phrases of a form.  A phrase set to ``""`` (or left empty in YAML) is a
    part this form does not print; the template leaves it out."""

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_omitted(cls, value: Any, info: Any) -> Any:
        field = cls.model_fields[info.field_name]
        if value is None and isinstance(field.default, str):
            return ""
        return value


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value


class Officer(_Model):
    """An officer whose (facsimile) signature the certificate bears."""

    title: Text = Field(description='Title printed under the signature, e.g. "Secretary".')
    name: str | None = Field(
        None,
        description="The officer's name (printed by a composed face when show_name or conformed is set).",
    )
    label: str = Field(
        "", description='A word before the signature line, e.g. "By:" or "Attest:" (composed face).'
    )
    show_name: bool = Field(False, description="Print the name under the title (composed face).")
    conformed: bool = Field(
        False,
        description='Print "/s/ Name" on the signature line, as a filed (conformed) copy does (composed face).',
    )
    signature: str | None = Field(
        None,
        description="Facsimile signature image (PNG/JPEG), relative to the spec file: in its folder or "
        "a subfolder, or in a folder named in $CERTGEN_ASSET_PATH.",
    )
    term_ended: dt.date | None = Field(
        None, description="Last day in office, when the officer has left (ISO date)."
    )


class Seal(_Model):
    """The corporate seal, drawn as vector art between the signatures."""

    show: bool = Field(True, description="Draw the seal.")
    text: str | None = Field(None, description="Text around the rim; default: the issuer's name.")
    inner: list[str] = Field(
        default_factory=lambda: ["CORPORATE", "SEAL"],
        description="Lines inside the seal, top to bottom (e.g. the year and state).",
    )


class Jurisdiction(_Model):
    """Where the issuer is organized: a country and, where its law is a subdivision's, the
    state, province or other subdivision."""

    country: Text = Field(
        description="ISO 3166-1 alpha-2 code (US, CA, NL, GB) or the country's English name."
    )
    subdivision: str | None = Field(
        None,
        description="State, province or other subdivision whose law governs: a US state or Canadian "
        "province by code or name (DE, Delaware; ON, Ontario), any other as printed "
        '(e.g. "England and Wales").',
    )

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = country_code(value)
        if code is None:
            raise ValueError(f"{value!r} is not a country: give its ISO 3166 code, e.g. US, CA, NL or GB")
        return code

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None) -> str | None:
        return _not_blank(value)

    @model_validator(mode="after")
    def _known_subdivision(self) -> Jurisdiction:
        sub = self.subdivision
        if sub is None:
            return self
        if self.country == "US" and state_code(sub) is None:
            raise KeyedValueError(
                f"{sub!r} is not a US state (use a two-letter code such as DE or MD)", "subdivision"
            )
        if self.country == "CA" and province_code(sub) is None:
            raise KeyedValueError(
                f"{sub!r} is not a Canadian province or territory (use a code such as ON or QC, "
                "or omit it for a federal corporation)",
                "subdivision",
            )
        return self

    @property
    def name(self) -> str:
        """The place's name: ``Delaware``, ``Ontario``, ``Canada``, ``the Netherlands``."""
        if self.subdivision is not None:
            return subdivision_name(self.country, self.subdivision)
        return country_name(self.country)

    @property
    def laws_of(self) -> str:
        """What follows "the laws of": ``the State of Delaware``, ``Canada``."""
        return laws_of(self.country, self.subdivision)


#: Entities that are formed or organized rather than incorporated (the face says "ORGANIZED
#: UNDER THE LAWS OF ..."): words found in issuer.entity.
_ORGANIZED = ("partnership", "limited liability company", "llc", "trust", "fund")


class Issuer(_Model):
    """The entity that issues the securities: a corporation by default, of a US state
    (``state``) or of any country (``jurisdiction``, ``incorporated_under``)."""

    name: Text = Field(description="Exact legal name, as printed on the face.")
    state: str | None = Field(
        None,
        description="US state of incorporation: two-letter code or full name (MD, Maryland). "
        "Give this, or jurisdiction for an issuer of any country.",
    )
    jurisdiction: Jurisdiction | None = Field(
        None,
        description="Where the issuer is organized, for any country: {country: CA}, "
        "{country: US, subdivision: Delaware}, {country: NL}. Instead of state.",
    )
    incorporated_under: str | None = Field(
        None,
        description='What the face prints after "incorporated under", verbatim, e.g. "the laws of '
        'Canada" or "the Canada Business Corporations Act"; default: the laws of the state or '
        "jurisdiction.",
    )
    entity: Text = Field(
        "corporation",
        description='Kind of entity, as printed in "a Delaware limited partnership": corporation, '
        "limited partnership, limited liability company, cooperative, GmbH, ...",
    )
    officers: list[Officer] = Field(
        default_factory=list,
        description="Officers who sign, left to right on the face (rule signatures.count "
        "asks for as many as the state's law).",
    )
    seal: Seal = Field(default_factory=Seal)
    ownership_limit: float | None = Field(
        None,
        gt=0,
        le=100,
        description="The charter's ownership limit in percent (e.g. 9.8), when there is one; "
        "the ownership legend must state the same figure.",
    )
    reit: bool = Field(
        False, description="The issuer is a REIT: its stock carries an ownership-limit legend."
    )
    classes: list[Text] = Field(
        default_factory=list,
        description="Every class and series of stock the charter authorizes, e.g. "
        '["Common Stock", "Series B Preferred Stock"]; more than one requires the statement '
        "of designations, preferences and rights.",
    )
    close_corporation: bool = Field(
        False, description="A statutory close corporation (Md. 4-202, Cal. 418(a)(6))."
    )
    listed: bool = Field(False, description="The shares are listed on a national securities exchange.")

    _check_name = field_validator("name")(_not_blank)
    _check_text = field_validator("incorporated_under")(_not_blank)

    @model_validator(mode="before")
    @classmethod
    def _one_place(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if data.get("state") is not None and data.get("jurisdiction") is not None:
            raise KeyedValueError(
                "give issuer.state (a US state) or issuer.jurisdiction, not both "
                "(state: DE is jurisdiction: {country: US, subdivision: DE})",
                "jurisdiction",
            )
        if all(data.get(key) is None for key in ("state", "jurisdiction", "incorporated_under")):
            raise KeyedValueError(
                "is required but missing: give the US state (state: MD), or jurisdiction: {country: CA} "
                "for an issuer of another country",
                "state",
            )
        place = data.get("jurisdiction")
        if data.get("state") is None and isinstance(place, dict):
            # A US state given as a jurisdiction is the issuer's state (rules by state apply).
            country, sub = place.get("country"), place.get("subdivision")
            if isinstance(country, str) and country_code(country) == "US" and isinstance(sub, str):
                code = state_code(sub)
                if code is not None:
                    data = {**data, "state": code}
        return data

    @field_validator("state")
    @classmethod
    def _state_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = state_code(value)
        if code is not None:
            return code
        raise ValueError(f"{value!r} is not a US state (use a two-letter code such as MD or DE)")

    @property
    def place(self) -> Jurisdiction | None:
        """Where the issuer is organized (``state`` as a US jurisdiction); None when only
        ``incorporated_under`` says it."""
        if self.jurisdiction is not None:
            return self.jurisdiction
        if self.state is not None:
            return Jurisdiction(country="US", subdivision=self.state)
        return None

    @property
    def country(self) -> str | None:
        """ISO code of the issuer's country (``US`` for a state), None when not known."""
        place = self.place
        return place.country if place is not None else None

    @property
    def state_name(self) -> str:
        """Full name of the state of incorporation (``Maryland``); for an issuer outside the
        United States, its jurisdiction's name (``Canada``, ``Ontario``)."""
        if self.state is not None:
            return US_STATES[self.state]
        place = self.place
        return place.name if place is not None else self.laws

    @property
    def is_corporation(self) -> bool:
        """The issuer is a corporation (of any kind: business, cooperative, professional)."""
        return "corporation" in self.entity.lower().split()

    @property
    def organized(self) -> bool:
        """A partnership, LLC or trust: organized (formed) rather than incorporated."""
        entity = f" {self.entity.lower()} "
        return any(f" {word} " in entity for word in _ORGANIZED)

    @property
    def laws(self) -> str:
        """The law the issuer exists under, after "incorporated under": ``the laws of the
        State of Maryland``, ``the laws of Canada``, or issuer.incorporated_under verbatim."""
        if self.incorporated_under is not None:
            return self.incorporated_under
        place = self.place
        assert place is not None  # one of state, jurisdiction, incorporated_under is given
        return f"the laws of {place.laws_of}"

    @property
    def incorporated_line(self) -> str:
        """The face's statement of jurisdiction: ``INCORPORATED UNDER THE LAWS OF THE STATE OF
        MARYLAND``; ``ORGANIZED UNDER ...`` for a partnership or LLC."""
        verb = "ORGANIZED" if self.organized else "INCORPORATED"
        return f"{verb} UNDER {self.laws.upper()}"

    @property
    def description(self) -> str:
        """The issuer as the text of a note or warrant describes it: ``a Maryland corporation``,
        ``a Delaware limited partnership``, ``a corporation incorporated under the laws of Canada``."""
        if self.state is not None and self.incorporated_under is None:
            return with_article(f"{US_STATES[self.state]} {self.entity}")
        verb = "organized" if self.organized else "incorporated"
        return with_article(f"{self.entity} {verb} under {self.laws}")


#: The label an identifier prints with when the spec gives none.
IDENTIFIER_LABELS = {"cusip": "CUSIP", "isin": "ISIN", "common_code": "COMMON CODE"}


class Identifier(_Model):
    """One identifier of the security, as the face prints it: ``LABEL value``.

    Examples: ``{scheme: cusip, value: 02079KAQ0, label: "CUSIP:", grouping: "6-3"}`` prints
    ``CUSIP: 02079K AQ0``; ``{scheme: isin, value: XS3064423174, label: "ISIN NUMBER:"}``;
    ``{scheme: common_code, value: "306442317", label: "COMMON CODE:"}``;
    ``{scheme: cusip, label: Cusip, blank: true}`` prints ``Cusip __________`` on a form.
    """

    scheme: Literal["cusip", "isin", "common_code", "other"] = Field(
        description="What the identifier is: cusip (check digit verified), isin (check digit "
        "verified; a US or CA ISIN embeds a listed CUSIP), common_code (Euroclear and Clearstream: "
        "9 digits), or other (printed as given, not checked)."
    )
    value: str | None = Field(
        None,
        description='The identifier, e.g. "02079KAQ0" (spaces and dashes of a cusip, isin or '
        "common_code are dropped); omit it for a blank to be filled in on the form.",
    )
    label: str | None = Field(
        None,
        description='Printed before the value, verbatim: "CUSIP NO.", "Cusip", "ISIN No.:", '
        '"COMMON CODE:"; default: CUSIP, ISIN, COMMON CODE (required for other).',
    )
    grouping: Literal["6-2-1", "6-3", "none"] | None = Field(
        None,
        description='How a CUSIP is grouped: "6-2-1" (885218 10 7, the default), "6-3" '
        '(02079K AQ0) or "none" (885218107); other identifiers print as given.',
    )
    blank: bool = Field(
        False,
        description="Print the label with a blank to be filled in (a form's CUSIP NO. ______); "
        "the same as leaving out the value.",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # an unquoted all-digit CUSIP or Common Code in YAML
        return value

    @field_validator("value")
    @classmethod
    def _compact(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return value
        # Format and check digit are the rules' (cusip.*, isin.*, common-code.format).
        return value if info.data.get("scheme") == "other" else compact_cusip(value)

    @model_validator(mode="after")
    def _consistent(self) -> Identifier:
        if self.value is not None:
            if not self.value.strip():
                raise KeyedValueError("must not be empty: give the identifier, or blank: true", "value")
            if self.blank:
                raise KeyedValueError(
                    "blank: true prints a blank, but a value is given: give the value or blank: true", "blank"
                )
        if self.label is not None and not self.label.strip():
            raise KeyedValueError("must not be empty: leave it out for the default label", "label")
        if self.scheme == "other" and self.label is None:
            raise KeyedValueError('an identifier of scheme other needs its label, e.g. "WKN"', "label")
        if self.grouping not in (None, "none") and self.scheme != "cusip":
            raise KeyedValueError(
                f"grouping {self.grouping} is a CUSIP's: a {self.scheme} prints as given (leave grouping out)",
                "grouping",
            )
        return self

    @property
    def is_blank(self) -> bool:
        """The form prints a blank for it (no value)."""
        return self.value is None

    @property
    def printed_label(self) -> str:
        """The label as printed: the spec's, else the scheme's (CUSIP, ISIN, COMMON CODE)."""
        return self.label if self.label is not None else IDENTIFIER_LABELS[self.scheme]

    @property
    def printed_grouping(self) -> str:
        """The grouping: the spec's, else 6-2-1 for a CUSIP, none for the others."""
        if self.grouping is not None:
            return self.grouping
        return "6-2-1" if self.scheme == "cusip" else "none"


class Security(_Model):
    """The class (and series) of securities the certificates represent."""

    kind: Literal["common_stock", "preferred_stock", "global_note", "definitive_note", "warrant", "units"] = (
        Field(
            description="Kind of security; selects the default templates and rules. units: units of a "
            "limited partnership or LLC (printed on the stock face and reverse)."
        )
    )
    title: Text = Field(description='Class and series, e.g. "Series B Cumulative Preferred Stock".')
    par_value: str | None = Field(
        None, description='Par value as printed, e.g. "$.01"; omit for no-par stock.'
    )
    cusip: str | None = Field(
        None,
        description="CUSIP: 9 characters, or the 6-character issuer number on a form "
        "(check digit verified by certgen validate).",
    )
    isin: str | None = Field(None, description="ISIN (12 characters); for a US issue it embeds the CUSIP.")
    identifiers: list[Identifier] | None = Field(
        None,
        min_length=1,
        max_length=MAX_IDENTIFIERS,
        description="The identifiers the face prints, in order, each with its label and grouping "
        "(two CUSIPs, an ISIN beginning XS, a Common Code, a blank CUSIP NO. on a form); "
        "default: security.cusip and security.isin. With the list, security.cusip (and isin), "
        "when given, must be one of it: it names the CUSIP the QR code signs and the register "
        "keeps (default: the first CUSIP listed).",
    )
    certificate_prefix: str = Field("", description='Prefix of certificate numbers, e.g. "PB".')
    unit: Text = Field(
        "Shares",
        description='What the amount counts, printed in the amount box; default "Shares" ("Units" for '
        'kind units, e.g. "Common Units").',
    )
    depositary: Literal["dtc", "common_depositary", "common_safekeeper", "none"] = Field(
        "dtc",
        description="Who holds a global note: dtc (The Depository Trust Company, registered to Cede & Co.), "
        "common_depositary (for Euroclear and Clearstream, a classic global note), common_safekeeper "
        "(a new global note held for Euroclear and Clearstream), none (a bearer or definitive note). "
        "Which legends, registration and CUSIP rules apply follows from it.",
    )
    currency: str = Field(
        "USD",
        description="Currency of a note's principal, ISO 4217 code (USD, EUR, GBP, JPY, CHF, ...): "
        "the principal prints in figures with its sign (€50,000,000) and in words (FIFTY MILLION EUROS).",
    )
    authorized_shares: int | None = Field(
        None, gt=0, description="Shares of this class the charter authorizes."
    )
    outstanding_shares: int | None = Field(
        None,
        ge=0,
        description="Shares of this class already issued and outstanding, before this run.",
    )
    restricted: bool = Field(
        False,
        description="Restricted securities (not registered under the Securities Act): "
        "a Securities Act legend is required.",
    )
    transfer_restricted: bool = Field(
        False,
        description="Subject to a transfer restriction imposed by the issuer or an agreement "
        "(right of first refusal, lock-up): a legend stating it is required (UCC 8-204).",
    )
    rights_plan: bool = Field(
        False, description="Each share carries rights under a shareholder rights agreement."
    )
    regulation_s: bool = Field(
        False,
        description="Equity of a domestic issuer sold under Regulation S (Category 3): the "
        "Regulation S legend is required.",
    )
    redeemable: bool = Field(
        False, description="The shares are redeemable (Cal. Corp. Code 418(a)(4) statement)."
    )
    convertible: bool = Field(
        False, description="The shares are convertible (Cal. Corp. Code 418(a)(5) statement)."
    )
    assessable: bool = Field(
        False,
        description="The shares are assessable or not fully paid (Cal. Corp. Code 418(a)(2)).",
    )

    _check_title = field_validator("title")(_not_blank)

    @model_validator(mode="before")
    @classmethod
    def _units_count_units(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "units" and data.get("unit") is None:
            return {**data, "unit": "Units"}
        return data

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.upper()
        if code not in CURRENCIES:
            raise ValueError(
                f"{value!r} is not a currency certgen writes out: give an ISO 4217 code, one of "
                f"{', '.join(CURRENCIES)}"
            )
        return code

    @field_validator("cusip", "isin", mode="before")
    @classmethod
    def _identifier(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # an unquoted all-digit CUSIP in YAML
        if not isinstance(value, str):
            raise ValueError("must be a string such as '885218107'")
        return compact_cusip(value)  # format and check digit: rules cusip.* and isin.*

    @model_validator(mode="after")
    def _listed(self) -> Security:
        if self.identifiers is None:
            return self
        for key, value in (("cusip", self.cusip), ("isin", self.isin)):
            listed = [i.value for i in self.identifiers if i.scheme == key]
            if value is not None and value not in listed:
                raise KeyedValueError(
                    f"{value} is not among security.identifiers: list it there (scheme {key}), "
                    f"or leave security.{key} out",
                    key,
                )
        return self

    @property
    def cusips(self) -> list[str]:
        """Every CUSIP the face prints (none for a blank), in order."""
        if self.identifiers is None:
            return [self.cusip] if self.cusip else []
        return [i.value for i in self.identifiers if i.scheme == "cusip" and i.value]

    @property
    def primary_cusip(self) -> str | None:
        """The CUSIP that names the issue (the QR code signs it, the register keys the issue by
        it): security.cusip, else the first CUSIP of security.identifiers."""
        if self.cusip is not None:
            return self.cusip
        return next(iter(self.cusips), None)


class Agent(_Model):
    """The transfer agent (and registrar) that countersigns."""

    name: Text = Field(description="Legal name, as printed in the countersignature block.")
    role: Text = Field("Transfer Agent and Registrar", description="Role printed under the name.")
    location: str | None = Field(
        None, description='Printed under the name, verbatim, e.g. "(NEW YORK, N.Y.)".'
    )


class Legend(_Model):
    """A legend printed on the certificate, verbatim.

    Give either ``text`` (the full text) or ``template`` (a named legend in
    ``templates/legends/``) with its ``params``.
    """

    name: str | None = Field(None, description="Identifier, e.g. reit-ownership (for validation).")
    text: str | None = Field(None, description="Full text, printed verbatim.")
    template: str | None = Field(None, description="Named legend template, e.g. reit-ownership.")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of the template.")
    placement: Literal["reverse", "face"] = Field("reverse", description="Side it is printed on.")

    @field_validator("text", mode="before")
    @classmethod
    def _text_length(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) > MAX_LEGEND_CHARS:
            raise ValueError(
                f"is {len(value):,} characters long; a legend may have at most {MAX_LEGEND_CHARS:,} "
                "(64 KB): check that the right text was given, or split it into several legends"
            )
        return value

    @field_validator("params", mode="before")
    @classmethod
    def _params(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for key, item in value.items():
            if isinstance(item, str) and len(item) > MAX_LEGEND_CHARS:
                raise KeyedValueError(
                    f"is {len(item):,} characters long; a legend's parameter may have at most "
                    f"{MAX_LEGEND_CHARS:,} (64 KB)",
                    str(key),
                )
        if "ownership_limit" in value:
            value = {**value, "ownership_limit": _percentage(value["ownership_limit"])}
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Legend:
        if (self.text is None) == (self.template is None):
            raise ValueError("give exactly one of 'text' or 'template'")
        if self.text is not None and not self.text.strip():
            raise ValueError("text must not be empty")
        if self.template is not None and not _TEMPLATE_NAME.match(self.template):
            raise ValueError(f"{self.template!r} is not a template name (e.g. reit-ownership)")
        return self


_DECIMAL = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,6})?$")


def _percentage(value: Any) -> Any:
    """A legend's ownership limit: a percentage greater than 0 and at most 100 (``9.8``, or
    the text ``"9.8"``)."""
    what = "must be a percentage greater than 0 and at most 100, e.g. 9.8"
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.match(text) or not 0 < float(text) <= 100:
            raise KeyedValueError(f"{what} (not {text[:40]!r})", "ownership_limit")
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KeyedValueError(f"{what} (not {type(value).__name__} {str(value)[:40]!r})", "ownership_limit")
    if isinstance(value, float) and not math.isfinite(value):
        raise KeyedValueError(f"{what} (not {value})", "ownership_limit")
    if not 0 < value <= 100:
        shown = f"{value:g}" if isinstance(value, float) or abs(value) < 10**12 else "a number that large"
        raise KeyedValueError(f"{what} (not {shown})", "ownership_limit")
    return value


class Abbreviation(_Model):
    """One entry of the abbreviations table on the reverse."""

    code: Text = Field(description="TEN COM, JT TEN, ...")
    meaning: Text = Field(description="What it stands for.")


_ABBREVIATIONS = [
    Abbreviation(code="TEN COM", meaning="as tenants in common"),
    Abbreviation(code="TEN ENT", meaning="as tenants by the entireties"),
    Abbreviation(
        code="JT TEN",
        meaning="as joint tenants with right of survivorship and not as tenants in common",
    ),
]


class AbbreviationsTable(_Model):
    """An abbreviations table of its own, as a part of the reverse (a second language's)."""

    intro: str = Field("", description="The paragraph before the table.")
    rows: list[Abbreviation] = Field(description="The abbreviations, in the order printed.")
    outro: str = Field("", description="The paragraph after the table.")
    order: Literal["columns", "rows"] = Field("columns", description="Reading order of the table's text.")


#: The reverse's parts named by a word (see :class:`ReversePart` for those with content).
REVERSE_PART_NAMES = ("legends", "abbreviations", "column", "assignment", "notice", "guarantee")


class ReversePart(_Model):
    """A part of the reverse with content of its own: exactly one of its keys."""

    legend: str | None = Field(None, description="The name of one of the spec's legends, printed here.")
    text: str | None = Field(None, description="A paragraph of free text, verbatim.")
    heading: str | None = Field(None, description="A centred heading line (bold).")
    abbreviations: AbbreviationsTable | None = Field(None, description="An abbreviations table of its own.")

    @model_validator(mode="after")
    def _one_key(self) -> ReversePart:
        given = [
            name for name in ("legend", "text", "heading", "abbreviations") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a reverse part has exactly one of legend, text, heading, abbreviations"
                + (f" (not {', '.join(given)})" if given else "")
            )
        return self


#: The face's parts named by a word (see :class:`FacePart` for those with content).
FACE_PART_NAMES = (
    "header",
    "issuer",
    "title",
    "legends",
    "holder",
    "registration",
    "amount_words",
    "shares_clause",
    "body",
    "dated",
    "signatures",
)


class Term(_Model):
    """One entry of a terms table: its label, and its value or a blank to fill in."""

    label: str = Field(description='The label, verbatim, e.g. "Original Issue Date:".')
    value: str = Field(
        "", description='The value printed after it (e.g. "/ / U.S. Dollars / / Other"); none: a blank line.'
    )


class TermsTable(_Model):
    """A table of terms: labelled entries in columns, read row by row (a note's face)."""

    columns: int = Field(2, ge=1, le=3, description="Columns of entries, filled row by row.")
    rows: list[Term] = Field(description="The entries, in reading order.", min_length=1)


class FacePart(_Model):
    """A part of the face with content of its own: exactly one of its keys."""

    legend: str | None = Field(None, description="The name of one of the spec's face legends, printed here.")
    text: str | None = Field(None, description="A paragraph of free text, verbatim (justified, body size).")
    heading: str | None = Field(None, description="A centred heading line, large and bold (a name, a title).")
    title: str | None = Field(None, description="A centred line in spaced small capitals (a class, a kind).")
    caption: str | None = Field(
        None, description="A centred line in small type (a note, a stationer's line)."
    )
    space: float | None = Field(None, ge=0, le=200, description="Blank space, in points.")
    terms: TermsTable | None = Field(None, description="A table of terms: labels with values or blanks.")

    @model_validator(mode="after")
    def _one_key(self) -> FacePart:
        keys = ("legend", "text", "heading", "title", "caption", "space", "terms")
        given = [name for name in keys if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a face part has exactly one of {', '.join(keys)}"
                + (f" (not {', '.join(given)})" if given else "")
            )
        return self


def _checked_parts(value: Any, names: tuple[str, ...], model: type[_Model], keys: str) -> Any:
    """A side's parts: each one of *names*, or a mapping with one key (*model*); one clear
    message naming the part's index otherwise."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            if item not in names:
                raise KeyedValueError(
                    f"unknown part {item!r}: give one of {', '.join(names)}, or a mapping ({keys})",
                    str(index),
                )
            out.append(item)
        elif isinstance(item, dict):
            try:
                out.append(model.model_validate(item))
            except ValidationError as exc:
                problem = exc.errors()[0]
                where = ".".join(str(p) for p in problem["loc"])
                message = str(problem["msg"]).removeprefix("Value error, ")
                raise KeyedValueError(f"{where + ': ' if where else ''}{message}", str(index)) from None
        else:
            raise KeyedValueError(
                f"a part is a name ({', '.join(names[:3])}, ...) or a mapping ({keys})", str(index)
            )
    return out


class FaceWording(_Wording):
    """The fixed phrases of the face, verbatim. Defaults follow the common form.

    ``order`` sets the order in which the heading parts are drawn, which is the
    order a reader of the PDF's text (a screen reader, text extraction, the
    validator) meets them: put them in the order of the issuer's filed form.
    """

    temporary_banner: str = (
        "Temporary Certificate - Exchangeable for Definitive Engraved Certificate When Ready for Delivery"
    )
    see_reverse: str = "SEE REVERSE FOR CERTAIN DEFINITIONS"
    title: str | None = Field(
        None, description='Title line under the number boxes; default: the security\'s title; "" for none.'
    )
    order: (
        list[
            Literal[
                "banner",
                "incorporated",
                "number",
                "amount",
                "title",
                "name",
                "see_reverse",
                "cusip",
                "transferable",
                "certifies",
                "void_after",
            ]
        ]
        | None
    ) = Field(
        None,
        description="Order in which the face's heading parts are drawn (and read); default: "
        "the template's. A template draws each part it has at its own place, and ignores the others.",
    )
    parts: list[str | FacePart] | None = Field(
        None,
        description="The face composed from parts, in reading order, below the header (number and amount boxes): "
        "header (where the header is read; first by default), issuer, title, legends (the face legends no part names), holder, registration, amount_words, "
        "shares_clause, body, dated, signatures, and parts with content: {legend: NAME}, {text: ...}, "
        "{heading: ...}, {title: ...}, {caption: ...}, {space: POINTS}. With parts, the face is drawn by "
        "the composed face template (see docs/parts.md).",
    )
    header: (
        list[Literal["banner", "number", "amount", "incorporated", "cusip", "see_reverse", "transferable"]]
        | None
    ) = Field(
        None,
        description="With parts: the header's items, each at its place (default: banner, number, amount, "
        "incorporated, cusip, see_reverse).",
    )

    @field_validator("parts", mode="before")
    @classmethod
    def _parts(cls, value: Any) -> Any:
        return _checked_parts(
            value, FACE_PART_NAMES, FacePart, "legend:, text:, heading:, title:, caption:, space:, terms:"
        )

    number_label: str = "NUMBER"
    amount_heading: str = Field("", description='Line above the amount box, e.g. "WARRANT TO PURCHASE".')
    incorporated: str | None = Field(
        None,
        description='Default: "INCORPORATED UNDER THE LAWS OF THE STATE OF <STATE>" (of the issuer\'s '
        'jurisdiction; "ORGANIZED UNDER ..." for a partnership or LLC).',
    )
    transferable: str | None = Field(
        None, description='Default: "THIS CERTIFICATE IS TRANSFERABLE IN <cities>".'
    )
    certifies: str = "This Certifies that"
    record_holder: str = "is the record holder of"
    shares_clause: str | None = Field(
        None,
        description='Default: "FULLY PAID AND NON-ASSESSABLE SHARES OF THE <TITLE>, <PAR> PAR VALUE, OF"; '
        'for units "<TITLE> IN <ISSUER>".',
    )
    transfer_clause: str = (
        "transferable on the books of the Corporation by the holder hereof in person or by "
        "duly authorized attorney upon the surrender of this Certificate properly endorsed. "
        "This Certificate is not valid until countersigned by a Transfer Agent and "
        "registered by the Registrar."
    )
    witness_clause: str = (
        "WITNESS the facsimile Corporate Seal of this Corporation and the facsimile "
        "signatures of its duly authorized officers."
    )
    dated: str = "Dated:"
    countersigned: str = "Countersigned and Registered:"
    by: str = "By"
    authorized_signature: str = "Authorized Signature"


class AssignmentWording(_Wording):
    """The reverse: abbreviations table, assignment form, notice, signature guarantee."""

    heading: str = Field("", description="Heading at the top of the reverse, e.g. the issuer's name.")
    parts: list[str | ReversePart] | None = Field(
        None,
        description="The reverse's parts in reading order, in two columns (`column` starts the second): "
        "legends (the reverse legends no part names), abbreviations, assignment, notice, guarantee, "
        "and parts with content: {legend: NAME}, {text: ...}, {heading: ...}, {abbreviations: {intro, rows, outro}}. "
        "Default: [legends, abbreviations, column, assignment, notice, guarantee].",
    )

    @field_validator("parts", mode="before")
    @classmethod
    def _parts(cls, value: Any) -> Any:
        return _checked_parts(
            value, REVERSE_PART_NAMES, ReversePart, "legend:, text:, heading:, abbreviations:"
        )

    abbreviations_intro: str = (
        "The following abbreviations, when used in the inscription on the face of this "
        "certificate, shall be construed as though they were written out in full according "
        "to applicable laws or regulations:"
    )
    abbreviations: list[Abbreviation] = Field(default_factory=lambda: list(_ABBREVIATIONS))
    abbreviations_order: Literal["columns", "rows"] = Field(
        "columns",
        description="Reading order of the abbreviations table's text: each column in turn, "
        "or row by row (as some filed forms read).",
    )
    gift_act: str = "UNIF GIFT MIN ACT"
    gift_act_text: str = "under Uniform Gifts to Minors Act"
    transfers_act: str = "UNIF TRF MIN ACT"
    transfers_act_text: str = "under Uniform Transfers to Minors Act"
    abbreviations_outro: str = "Additional abbreviations may also be used though not in the above list."
    assignment_title: str = Field("", description='Title of the assignment form, e.g. "ASSIGNMENT".')
    assignment_text: str = Field(
        "",
        description="The whole assignment as one paragraph, verbatim, blanks as ____ "
        "(older forms); replaces the boxed form from for_value to attorney.",
    )
    for_value: str = "FOR VALUE RECEIVED,"
    hereby_assign: str = "hereby sell, assign and transfer unto"
    tin_box: str = "PLEASE INSERT SOCIAL SECURITY OR OTHER IDENTIFYING NUMBER OF ASSIGNEE"
    name_address: str = "(PLEASE PRINT OR TYPEWRITE NAME AND ADDRESS, INCLUDING ZIP CODE, OF ASSIGNEE)"
    shares_line: str = (
        "of the capital stock represented by the within Certificate, and do hereby "
        "irrevocably constitute and appoint"
    )
    shares_label: str = "Shares"
    attorney_label: str = "Attorney"
    attorney: str = (
        "to transfer the said stock on the books of the within named Corporation with full "
        "power of substitution in the premises."
    )
    dated: str = "Dated"
    witness: str = Field("", description='Witness line under the signature, e.g. "In presence of".')
    notice_label: str = "NOTICE:"
    notice: str = (
        "THE SIGNATURE(S) TO THIS ASSIGNMENT MUST CORRESPOND WITH THE NAME(S) AS WRITTEN UPON "
        "THE FACE OF THE CERTIFICATE IN EVERY PARTICULAR, WITHOUT ALTERATION OR ENLARGEMENT "
        "OR ANY CHANGE WHATEVER."
    )
    guaranteed: str = "Signature(s) Guaranteed"
    guarantee: str = (
        "THE SIGNATURE(S) MUST BE GUARANTEED BY AN ELIGIBLE GUARANTOR INSTITUTION (BANKS, "
        "STOCKBROKERS, SAVINGS AND LOAN ASSOCIATIONS AND CREDIT UNIONS WITH MEMBERSHIP IN AN "
        "APPROVED SIGNATURE GUARANTEE MEDALLION PROGRAM), PURSUANT TO S.E.C. RULE 17Ad-15."
    )


class Templates(_Model):
    """Which layout templates draw each page; unset: the kind's defaults (stock/..., notes/...)."""

    face: str | None = Field(None, description="Template of the face (page 1), e.g. stock/face.")
    reverse: str | None = Field(
        None, description="Template of the reverse (page 2), e.g. stock/reverse; null for none."
    )
    schedule: str | None = Field(
        None,
        description="Template of a schedule page after the reverse (global notes: "
        "notes/schedule, the schedule of exchanges of interests); null for none.",
    )
    search_path: list[str] = Field(
        default_factory=list,
        description="Extra template folders, relative to the spec file, searched first; each must be a folder "
        "in the spec's folder or in one named in $CERTGEN_ASSET_PATH.",
    )

    @field_validator("face", "reverse", "schedule")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not _TEMPLATE_NAME.match(value):
            raise ValueError(f"{value!r} is not a template name (e.g. stock/face)")
        return value


#: Default page templates by kind of security: face, reverse, schedule.
DEFAULT_TEMPLATES: dict[str, tuple[str, str | None, str | None]] = {
    "common_stock": ("stock/face", "stock/reverse", None),
    "preferred_stock": ("stock/face", "stock/reverse", None),
    "global_note": ("notes/face", "notes/reverse", "notes/schedule"),
    "definitive_note": ("notes/face", "notes/reverse", None),
    "warrant": ("warrants/face", "warrants/reverse", None),
    "units": ("stock/face", "stock/reverse", None),
}


class TermParagraph(_Model):
    """One headed paragraph of the terms printed on a note's reverse, verbatim."""

    heading: str = Field("", description='Run-in heading, e.g. "Optional Redemption."')
    text: Text = Field(description="The paragraph, verbatim from the indenture or its summary.")


class Note(_Model):
    """The terms of a note (global or definitive) printed on its face and reverse."""

    interest_rate: Text = Field(description='Rate as printed, e.g. "8.00%".')
    maturity: dt.date = Field(description="Maturity date (ISO).")
    interest_payment_dates: list[Text] = Field(min_length=1, description='e.g. ["May 15", "November 15"].')
    record_dates: list[Text] = Field(min_length=1, description='e.g. ["May 1", "November 1"].')
    interest_from: dt.date | None = Field(
        None, description="Date from which interest accrues, when no interest has been paid."
    )
    first_payment: dt.date | None = Field(None, description="First interest payment date.")
    indenture: Text = Field(
        description='The indenture, as the note names it: "an Indenture, dated as of May 15, '
        '2003, as supplemented".'
    )
    trustee: Text = Field(description="The trustee, as it signs the certificate of authentication.")
    denomination: int = Field(
        1000, gt=0, description="Smallest authorized denomination, in the currency (security.currency)."
    )
    multiple: int = Field(
        1000, gt=0, description="Authorized denominations are multiples of this above the smallest."
    )
    max_principal: int = Field(
        500_000_000,
        gt=0,
        description="Largest principal one global certificate may carry (DTC practice; split above it).",
    )
    terms: list[TermParagraph] = Field(
        default_factory=list, description="The reverse: the indenture's terms, verbatim, in order."
    )


class NoteWording(_Wording):
    """The fixed phrases of a note, verbatim; defaults follow the common indenture form."""

    promise: str = Field(
        '{issuer}, {description} (the "Company"), for value received, promises to pay to',
        description="Start of the promise to pay; {issuer}, {description} (a Maryland corporation, a "
        "corporation incorporated under the laws of Canada) and {state} (its state or jurisdiction) "
        "are filled in.",
    )
    number_label: str = "No."
    principal_label: str = "PRINCIPAL AMOUNT"
    isin_label: str = "ISIN"
    registered_assigns: str = "or registered assigns, the principal sum of"
    schedule_reference: str = (
        "or such other principal amount as may be set forth in the records of the Trustee as "
        "reflected on the Schedule of Exchanges of Interests in the Global Note attached hereto,"
    )
    on_maturity: str = "on {maturity}."
    interest: str = (
        "Interest Payment Dates: {payment_dates}. Record Dates: {record_dates}. Reference is made to "
        "the further provisions of this Note set forth on the reverse hereof, which shall have the "
        "same effect as if set forth at this place."
    )
    witness: str = "IN WITNESS WHEREOF, the Company has caused this instrument to be duly executed."
    authentication_title: str = "TRUSTEE'S CERTIFICATE OF AUTHENTICATION"
    authentication: str = "This is one of the Notes referred to in the within-mentioned Indenture."
    as_trustee: str = "as Trustee"
    authorized_signatory: str = "Authorized Signatory"
    assignment_title: str = "ASSIGNMENT FORM"
    assignment: str = (
        "To assign this Note, fill in the form below: (I) or (we) assign and transfer this Note to"
    )
    assignee_tin: str = "(Insert assignee's soc. sec. or tax I.D. no.)"
    assignee_name: str = "(Print or type assignee's name, address and zip code)"
    appoint: str = (
        "and irrevocably appoint ______ agent to transfer this Note on the books of the Company. "
        "The agent may substitute another to act for him."
    )
    your_signature: str = "Your Signature:"
    sign_exactly: str = "(Sign exactly as your name appears on the face of this Note)"
    option_title: str = "OPTION OF HOLDER TO ELECT PURCHASE"
    option: str = (
        "If you want to elect to have this Note purchased by the Company pursuant to the Change of "
        "Control provisions of the Indenture, state the amount you elect to have purchased: $______"
    )
    schedule_title: str = "SCHEDULE OF EXCHANGES OF INTERESTS IN THE GLOBAL NOTE"
    schedule_intro: str = (
        "The following exchanges of a part of this Global Note for an interest in another Global "
        "Note or for a Definitive Note, or exchanges of a part of another Global Note or Definitive "
        "Note for an interest in this Global Note, have been made:"
    )
    schedule_columns: list[str] = Field(
        default_factory=lambda: [
            "Date of Exchange",
            "Amount of decrease in Principal Amount of this Global Note",
            "Amount of increase in Principal Amount of this Global Note",
            "Principal Amount of this Global Note following such decrease (or increase)",
            "Signature of authorized officer of Trustee or Custodian",
        ]
    )


class Warrant(_Model):
    """The terms of a warrant certificate (from the warrant agreement)."""

    agent: Text = Field(description="The warrant agent, which countersigns and receives exercises.")
    agent_office: Text = Field(description='Where warrants are exercised, e.g. "New York, New York".')
    agreement: Text = Field(
        description='The warrant agreement, as the certificate names it: "the Warrant Agreement, dated as '
        'of ..., between the Company and the Warrant Agent".'
    )
    underlying: Text = Field(description='The security purchasable, e.g. "Common Stock, $.01 par value".')
    shares_per_warrant: Text = Field(
        "one", description="Shares each warrant entitles its holder to buy, in words."
    )
    exercise_price: Text = Field(description='Price per share, as printed: "$25.00".')
    exercisable_from: dt.date = Field(description="First day the warrants may be exercised.")
    expires: dt.date | None = Field(
        description="Expiration date; null on a blank form that leaves it blank (printed as a blank line), "
        "never on issued certificates (rule warrant.terms)."
    )
    expiry_time: Text = Field("5:00 p.m., New York City time", description="Time of day they expire.")


class WarrantWording(_Wording):
    """The fixed phrases of a warrant certificate, verbatim; defaults follow the common form."""

    void_after: str = "VOID AFTER {time} ON {date}"
    certifies: str = Field(
        'FOR VALUE RECEIVED, {issuer} (the "Company"), {description}, hereby certifies that',
        description="{issuer}, {description} (a Delaware corporation) and {state} are filled in.",
    )
    entitled: str = (
        'the registered holder hereof or registered assigns (the "Holder"), is the owner of the number of '
        "Warrants set forth above, each of which entitles the Holder, subject to the terms and conditions "
        "hereinafter set forth, to purchase from the Company {per} fully paid and non-assessable share(s) of "
        '{underlying} (the "Shares") at any time on or after {start} and on or before {time} on {end}, at a '
        'price of {price} per Share (the "Exercise Price"), upon surrender of this Warrant Certificate with '
        "the Election to Purchase on the reverse hereof duly executed, at the office of the Warrant Agent in "
        "{office}, and payment of the Exercise Price in lawful money of the United States of America."
    )
    agreement: str = (
        "This Warrant Certificate is issued under and in accordance with {agreement}, and is subject to the "
        "terms and provisions contained in said Warrant Agreement, to all of which terms and provisions the "
        "Holder consents by acceptance hereof. Copies of said Warrant Agreement are on file at the office of "
        "the Warrant Agent."
    )
    exchange: str = (
        "This Warrant Certificate, with or without other Warrant Certificates, upon surrender at the office of "
        "the Warrant Agent, may be exchanged for another Warrant Certificate or Certificates evidencing in the "
        "aggregate a like number of Warrants. If this Warrant Certificate is exercised in part, the Holder is "
        "entitled to receive upon surrender hereof another Warrant Certificate for the number of Warrants not "
        "exercised. No fractional Shares will be issued upon exercise. This Warrant Certificate does not entitle "
        "the Holder to any of the rights of a stockholder of the Company. This Warrant Certificate shall not be "
        "valid unless countersigned by the Warrant Agent."
    )
    witness: str = "IN WITNESS WHEREOF, the Company has caused this Warrant Certificate to be duly executed."
    countersigned: str = "Countersigned:"
    as_agent: str = "as Warrant Agent"
    election_title: str = "ELECTION TO PURCHASE"
    election: str = (
        "(To be executed upon exercise of Warrants.) The undersigned hereby irrevocably elects to exercise "
        "______ of the Warrants represented by this Warrant Certificate to purchase the Shares issuable upon "
        "their exercise, and tenders herewith payment of the Exercise Price in full in cash or by certified or "
        "official bank check. The undersigned requests that a certificate for such Shares be registered in "
        "the name of, and delivered to, the person below, and, if that number of Warrants is not all the "
        "Warrants evidenced by this Warrant Certificate, that a new Warrant Certificate for the balance be "
        "registered in the name of the undersigned and delivered to the address below."
    )
    tin: str = "Social security or other taxpayer identification number"
    name_address: str = "Name and address (please print)"
    signature_note: str = (
        "(Signature must conform in all respects to the name of the holder as specified on the face of this "
        "Warrant Certificate.)"
    )
    medallion: str = (
        "Signature(s) must be guaranteed by an eligible guarantor institution (banks, stockbrokers, savings and "
        "loan associations and credit unions with membership in an approved signature guarantee medallion "
        "program), pursuant to S.E.C. Rule 17Ad-15. A notary public is not sufficient."
    )
    assignment_title: str = "ASSIGNMENT"
    assignment: str = (
        "(To be executed only upon assignment of Warrant Certificate.) For value received, the undersigned "
        "hereby sells, assigns and transfers unto ______ the within Warrant Certificate, together with all "
        "right, title and interest therein, and does hereby irrevocably constitute and appoint ______ attorney "
        "to transfer said Warrant Certificate on the books of the within-named Company, with full power of "
        "substitution in the premises."
    )


class FormOptions(_Model):
    """How the blank "form of" certificate prints (``certgen render`` without holders)."""

    values: dict[str, str] = Field(
        default_factory=dict,
        description="What the blank form prints in the variable fields, e.g. "
        "{certificate_number: SPECIMEN, shares: SPECIMEN}; default: nothing.",
    )
    excerpt: str | None = Field(
        None,
        description="This spec reproduces a filed form of which only part survives: say what "
        "is missing. An excerpt prints as a form only (never with holders), and the "
        "validator does not ask for the parts it lacks.",
    )
    pages: list[Literal["face", "reverse", "schedule"]] | None = Field(
        None, description="Sides an excerpt has (default: all), e.g. [reverse]."
    )

    @field_validator("values")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        from ..model.certificate import CERTIFICATE_FIELDS

        unknown = sorted(set(value) - set(CERTIFICATE_FIELDS))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} (fields: {', '.join(CERTIFICATE_FIELDS)})")
        return value

    @model_validator(mode="after")
    def _pages_of_excerpt(self) -> FormOptions:
        if self.pages is not None and self.excerpt is None:
            raise ValueError("pages: only an excerpt (form.excerpt) prints some sides only")
        if self.pages is not None and not self.pages:
            raise ValueError("pages: name at least one side")
        return self


class Style(_Model):
    """Ink and paper."""

    ink: Color = Field("#1e5b3c", description="Ink of border, vignette and boxes.")
    text: Color = Field("#1b1d1c", description="Ink of the text.")
    paper: Literal["letter", "a4", "certificate"] = Field("letter", description="Sheet size.")
    seed: int | None = Field(
        None, description="Seed of the ornament's patterns; default: derived from the CUSIP/name."
    )


class Art(_Model):
    """The security art printed with the static part (drawn once per issue, never in overlay mode)."""

    enabled: bool = Field(
        True,
        description="Draw the guilloche border, rosettes, the ground pattern behind the amount and "
        "the microprint; false: plain rules instead (a proof, or paper that carries its own art).",
    )
    seed: int | None = Field(
        None,
        description="Seed of the art's patterns; default: style.seed, else derived from the issuer and CUSIP.",
    )
    guilloche: Color | None = Field(
        None, description="Ink of the guilloche border and rosettes; default: style.ink."
    )
    ground: Color | None = Field(
        None, description="Ink of the fine ground pattern behind the amount; default: style.ink, pale."
    )
    microprint: Color | None = Field(None, description="Ink of the microprint rules; default: style.ink.")
    density: float = Field(
        1.0,
        ge=0.5,
        le=2.0,
        description="Lines of the ground pattern and strands of the guilloche, relative to the default.",
    )
    microprint_text: str | None = Field(
        None, description="Text the microprint repeats; default: the issuer's name."
    )


class QRCode(_Model):
    """The signed QR code on the face: certificate fields signed with the issuer's or agent's Ed25519 key."""

    public_key: Text = Field(
        description="PEM file of the Ed25519 public key that verifies the code (relative to the spec; "
        "make a pair with certgen keys generate)."
    )
    private_key_file: str | None = Field(
        None,
        description="PEM file of the private key (relative to the spec). The variable named by "
        "private_key_env, when set, is used instead. The key is never printed or logged.",
    )
    private_key_env: str = Field(
        "CERTGEN_SIGNING_KEY", description="Environment variable that may hold the private key's PEM text."
    )


class PdfSignature(_Model):
    """A PAdES digital signature on each output PDF (pyHanko), with the issuer's X.509 certificate."""

    certificate: Text = Field(
        description="The signer's X.509 certificate, a PEM or DER file (relative to the spec); its key is RSA (2048 bits or more) or EC."
    )
    chain: list[str] = Field(
        default_factory=list,
        description="Certificate files (PEM or DER) of the CAs that chain the certificate to a root; embedded in each signature.",
    )
    key_file: str | None = Field(
        None,
        description="PEM file of the certificate's private key (relative to the spec); the variable key_env, when set, "
        "is used instead. The key is never printed or logged.",
    )
    key_env: str = Field(
        "CERTGEN_PDF_SIGNING_KEY", description="Environment variable that may hold the key's PEM text."
    )
    passphrase_env: str | None = Field(
        None, description="Environment variable holding the key's passphrase, if the key is encrypted."
    )
    reason: str = Field(
        "Certificate issued by the transfer agent", description="Reason recorded in the signature."
    )
    location: str | None = Field(None, description="Location recorded in the signature.")


class IssueDates(_Model):
    """How the holder data's issue dates are checked."""

    days_ahead: int = Field(
        31,
        ge=0,
        le=366,
        description="Days after today a certificate may be dated (certificates prepared for a closing); "
        "a later issue_date is refused as a typing error (rule holder.issue-date-future).",
    )


class Fonts(_Model):
    """Fonts of the spec's own, beside certgen's bundled ones."""

    fallback: list[str] = Field(
        default_factory=list,
        description="TrueType font file(s) (.ttf with glyf outlines; not OpenType/CFF .otf, not a .ttc "
        "collection), relative to the spec file, in its folder or one named in $CERTGEN_ASSET_PATH: "
        "a field whose text the bundled faces cannot print (CJK: 王小明, 山田太郎) is set whole in the first "
        "of these that has every character. Without one, such text is refused before printing (rule "
        "fields.printable). Scripts that need shaping or right-to-left ordering are refused either way.",
    )

    @field_validator("fallback", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("fallback")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        for entry in value:
            if not entry.strip():
                raise ValueError("a font file's path must not be empty")
        return value


class Spec(_Model):
    """An issue of securities: everything that is the same on each certificate."""

    issuer: Issuer
    security: Security
    transfer_agent: Agent | None = Field(None, description="Transfer agent and registrar.")
    transferable_in: list[Text] = Field(
        default_factory=list, description='Cities where transferable, e.g. "NEW YORK, NEW YORK".'
    )
    temporary: bool = Field(False, description="Print the temporary-certificate banner.")
    legends: list[Legend] = Field(default_factory=list, description="Legends, in print order.")
    face: FaceWording = Field(default_factory=FaceWording)
    reverse: AssignmentWording = Field(default_factory=AssignmentWording)
    note: Note | None = Field(None, description="Note terms (global_note, definitive_note).")
    note_wording: NoteWording = Field(default_factory=NoteWording)
    warrant: Warrant | None = Field(None, description="Warrant terms (kind warrant).")
    warrant_wording: WarrantWording = Field(default_factory=WarrantWording)
    templates: Templates = Field(default_factory=Templates)
    form: FormOptions = Field(default_factory=FormOptions)
    style: Style = Field(default_factory=Style)
    art: Art = Field(default_factory=Art)
    qr: QRCode | None = Field(
        None, description="Print a signed QR code on the face (certgen verify checks it)."
    )
    pdf_signature: PdfSignature | None = Field(None, description="Sign each output PDF (PAdES).")
    issue_dates: IssueDates = Field(
        default_factory=IssueDates, description="How far ahead of today certificates may be dated."
    )
    fonts: Fonts = Field(
        default_factory=Fonts,
        description="Fonts of the spec's own: fallback, TrueType faces for holder text (CJK) the bundled fonts lack.",
    )

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _source: str | None = PrivateAttr(None)
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths in the spec are resolved against."""
        return self._base_dir

    @property
    def source(self) -> str | None:
        """The spec file's path as given to :func:`load_spec`, ``None`` for a mapping."""
        return self._source

    @property
    def is_note(self) -> bool:
        """A global or definitive note (principal in its currency, trustee, indenture)."""
        return self.security.kind in ("global_note", "definitive_note")

    def page_templates(self) -> list[tuple[str, str]]:
        """The pages of each certificate: (side, template), the kind's defaults where unset."""
        defaults = dict(
            zip(("face", "reverse", "schedule"), DEFAULT_TEMPLATES[self.security.kind], strict=True)
        )
        chosen = self.templates.model_fields_set
        out = []
        for side in ("face", "reverse", "schedule"):
            name = getattr(self.templates, side) if side in chosen else defaults[side]
            if side == "face" and name is None:
                name = defaults["face"]
            if side == "face" and "face" not in chosen and self.face.parts:
                name = "composed/face"
            if name is not None and (self.form.pages is None or side in self.form.pages):
                out.append((side, name))
        return out

    @property
    def is_excerpt(self) -> bool:
        """The spec reproduces only part of a filed form (``form.excerpt``)."""
        return self.form.excerpt is not None

    @model_validator(mode="after")
    def _note_terms(self) -> Spec:
        # An excerpt of a note gives only the terms its filed copy shows (the note templates
        # leave out the parts that need the others).
        if self.is_note and self.note is None and not self.is_excerpt:
            raise ValueError(
                f"security.kind {self.security.kind} needs the note: section (rate, maturity, trustee, ...)"
            )
        if "currency" in self.security.model_fields_set and not self.is_note:
            raise KeyedValueError(
                f"applies to notes only (global_note, definitive_note), not to {self.security.kind}: "
                "remove it (write a par value in another currency in security.par_value)",
                "security.currency",
            )
        if self.security.kind == "warrant" and self.warrant is None:
            raise ValueError(
                "security.kind warrant needs the warrant: section (agent, exercise price, expiry, ...)"
            )
        return self

    @property
    def is_stock(self) -> bool:
        """A share certificate (common or preferred stock)."""
        return self.security.kind in ("common_stock", "preferred_stock")

    @property
    def is_units(self) -> bool:
        """A unit certificate of a limited partnership or LLC (kind units): printed like shares."""
        return self.security.kind == "units"

    def locate(self, field: str | None = None) -> str:
        """Where *field* (``security.cusip``, ``legends[0].text``) is: ``spec.yaml, line 12: security.cusip``."""
        name = self._source or "spec"
        if field:
            line = self._line_of(field)
            if line is not None and self._source:
                name = f"{name}, line {line}"
            return f"{name}: {field}"
        return name

    def _line_of(self, field: str) -> int | None:
        path: list[str | int] = []
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
            path.append(int(part[1:-1]) if part.startswith("[") else part)
        return nearest_line(tuple(path), self._lines) if path else None
