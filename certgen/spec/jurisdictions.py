"""Where an issuer is organized: countries (ISO 3166-1), US states, Canadian provinces.

A certificate's face says under which law its issuer exists ("INCORPORATED UNDER THE LAWS OF
THE STATE OF MARYLAND", "a corporation incorporated under the laws of Canada", "a Delaware
limited partnership").  This module names the places: a country by its ISO 3166-1 alpha-2
code (``CA``, ``NL``), a US state or Canadian province by its code or name, any other
subdivision as written (``England and Wales``).

>>> country_code("Canada"), country_name("NL")
('CA', 'the Netherlands')
>>> laws_of("US", "DE"), laws_of("CA", "ON"), laws_of("NL", None)
('the State of Delaware', 'the Province of Ontario', 'the Netherlands')
"""

from __future__ import annotations

__all__ = [
    "CA_PROVINCES",
    "COUNTRIES",
    "US_STATES",
    "country_code",
    "country_name",
    "laws_of",
    "province_code",
    "state_code",
    "subdivision_name",
    "with_article",
]

#: Two-letter codes of the states (and D.C.) -> the name printed on certificates.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

#: Canada's provinces and territories (ISO 3166-2:CA) -> the name printed.
CA_PROVINCES: dict[str, str] = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
    "NT": "Northwest Territories", "NU": "Nunavut", "YT": "Yukon",
}  # fmt: skip
_CA_TERRITORIES = {"NT": "the Northwest Territories", "NU": "Nunavut", "YT": "Yukon"}

#: ISO 3166-1 alpha-2 codes -> the English short name as a legal text writes it after "the
#: laws of" (with its article: "the Netherlands", "Canada").
COUNTRIES: dict[str, str] = {
    "AD": "Andorra", "AE": "the United Arab Emirates", "AF": "Afghanistan", "AG": "Antigua and Barbuda",
    "AI": "Anguilla", "AL": "Albania", "AM": "Armenia", "AO": "Angola", "AQ": "Antarctica",
    "AR": "Argentina", "AS": "American Samoa", "AT": "Austria", "AU": "Australia", "AW": "Aruba",
    "AX": "Åland Islands", "AZ": "Azerbaijan", "BA": "Bosnia and Herzegovina", "BB": "Barbados",
    "BD": "Bangladesh", "BE": "Belgium", "BF": "Burkina Faso", "BG": "Bulgaria", "BH": "Bahrain",
    "BI": "Burundi", "BJ": "Benin", "BL": "Saint Barthélemy", "BM": "Bermuda",
    "BN": "Brunei Darussalam", "BO": "Bolivia", "BQ": "Bonaire, Sint Eustatius and Saba",
    "BR": "Brazil", "BS": "the Bahamas", "BT": "Bhutan", "BV": "Bouvet Island", "BW": "Botswana",
    "BY": "Belarus", "BZ": "Belize", "CA": "Canada", "CC": "the Cocos (Keeling) Islands",
    "CD": "the Democratic Republic of the Congo", "CF": "the Central African Republic",
    "CG": "the Republic of the Congo", "CH": "Switzerland", "CI": "Côte d'Ivoire",
    "CK": "the Cook Islands", "CL": "Chile", "CM": "Cameroon", "CN": "China", "CO": "Colombia",
    "CR": "Costa Rica", "CU": "Cuba", "CV": "Cabo Verde", "CW": "Curaçao", "CX": "Christmas Island",
    "CY": "Cyprus", "CZ": "the Czech Republic", "DE": "Germany", "DJ": "Djibouti", "DK": "Denmark",
    "DM": "Dominica", "DO": "the Dominican Republic", "DZ": "Algeria", "EC": "Ecuador", "EE": "Estonia",
    "EG": "Egypt", "EH": "Western Sahara", "ER": "Eritrea", "ES": "Spain", "ET": "Ethiopia",
    "FI": "Finland", "FJ": "Fiji", "FK": "the Falkland Islands",
    "FM": "the Federated States of Micronesia", "FO": "the Faroe Islands", "FR": "France",
    "GA": "Gabon", "GB": "the United Kingdom", "GD": "Grenada", "GE": "Georgia", "GF": "French Guiana",
    "GG": "Guernsey", "GH": "Ghana", "GI": "Gibraltar", "GL": "Greenland", "GM": "the Gambia",
    "GN": "Guinea", "GP": "Guadeloupe", "GQ": "Equatorial Guinea", "GR": "Greece",
    "GS": "the South Georgia and the South Sandwich Islands", "GT": "Guatemala", "GU": "Guam",
    "GW": "Guinea-Bissau", "GY": "Guyana", "HK": "Hong Kong",
    "HM": "the Heard Island and McDonald Islands", "HN": "Honduras", "HR": "Croatia", "HT": "Haiti",
    "HU": "Hungary", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IM": "the Isle of Man",
    "IN": "India", "IO": "the British Indian Ocean Territory", "IQ": "Iraq", "IR": "Iran",
    "IS": "Iceland", "IT": "Italy", "JE": "Jersey", "JM": "Jamaica", "JO": "Jordan", "JP": "Japan",
    "KE": "Kenya", "KG": "Kyrgyzstan", "KH": "Cambodia", "KI": "Kiribati", "KM": "the Comoros",
    "KN": "Saint Kitts and Nevis", "KP": "the Democratic People's Republic of Korea",
    "KR": "the Republic of Korea", "KW": "Kuwait", "KY": "the Cayman Islands", "KZ": "Kazakhstan",
    "LA": "Laos", "LB": "Lebanon", "LC": "Saint Lucia", "LI": "Liechtenstein", "LK": "Sri Lanka",
    "LR": "Liberia", "LS": "Lesotho", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia",
    "LY": "Libya", "MA": "Morocco", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
    "MF": "Saint Martin", "MG": "Madagascar", "MH": "the Marshall Islands", "MK": "North Macedonia",
    "ML": "Mali", "MM": "Myanmar", "MN": "Mongolia", "MO": "Macao",
    "MP": "the Northern Mariana Islands", "MQ": "Martinique", "MR": "Mauritania", "MS": "Montserrat",
    "MT": "Malta", "MU": "Mauritius", "MV": "the Maldives", "MW": "Malawi", "MX": "Mexico",
    "MY": "Malaysia", "MZ": "Mozambique", "NA": "Namibia", "NC": "New Caledonia", "NE": "Niger",
    "NF": "Norfolk Island", "NG": "Nigeria", "NI": "Nicaragua", "NL": "the Netherlands", "NO": "Norway",
    "NP": "Nepal", "NR": "Nauru", "NU": "Niue", "NZ": "New Zealand", "OM": "Oman", "PA": "Panama",
    "PE": "Peru", "PF": "French Polynesia", "PG": "Papua New Guinea", "PH": "the Philippines",
    "PK": "Pakistan", "PL": "Poland", "PM": "Saint Pierre and Miquelon", "PN": "the Pitcairn Islands",
    "PR": "Puerto Rico", "PS": "the State of Palestine", "PT": "Portugal", "PW": "Palau",
    "PY": "Paraguay", "QA": "Qatar", "RE": "Réunion", "RO": "Romania", "RS": "Serbia",
    "RU": "the Russian Federation", "RW": "Rwanda", "SA": "Saudi Arabia", "SB": "the Solomon Islands",
    "SC": "the Seychelles", "SD": "Sudan", "SE": "Sweden", "SG": "Singapore",
    "SH": "Saint Helena, Ascension and Tristan da Cunha", "SI": "Slovenia",
    "SJ": "Svalbard and Jan Mayen", "SK": "Slovakia", "SL": "Sierra Leone", "SM": "San Marino",
    "SN": "Senegal", "SO": "Somalia", "SR": "Suriname", "SS": "South Sudan",
    "ST": "Sao Tome and Principe", "SV": "El Salvador", "SX": "Sint Maarten", "SY": "Syria",
    "SZ": "Eswatini", "TC": "the Turks and Caicos Islands", "TD": "Chad",
    "TF": "the French Southern Territories", "TG": "Togo", "TH": "Thailand", "TJ": "Tajikistan",
    "TK": "Tokelau", "TL": "Timor-Leste", "TM": "Turkmenistan", "TN": "Tunisia", "TO": "Tonga",
    "TR": "Türkiye", "TT": "Trinidad and Tobago", "TV": "Tuvalu", "TW": "Taiwan", "TZ": "Tanzania",
    "UA": "Ukraine", "UG": "Uganda", "UM": "the United States Minor Outlying Islands",
    "US": "the United States", "UY": "Uruguay", "UZ": "Uzbekistan", "VA": "the Holy See",
    "VC": "Saint Vincent and the Grenadines", "VE": "Venezuela", "VG": "the British Virgin Islands",
    "VI": "the United States Virgin Islands", "VN": "Viet Nam", "VU": "Vanuatu",
    "WF": "Wallis and Futuna", "WS": "Samoa", "YE": "Yemen", "YT": "Mayotte", "ZA": "South Africa",
    "ZM": "Zambia", "ZW": "Zimbabwe",
}  # fmt: skip


def _key(value: str) -> str:
    return " ".join(value.upper().replace("\u2019", "'").split())


_STATE_BY_NAME = {name.upper(): code for code, name in US_STATES.items()}
_PROVINCE_BY_NAME = {name.upper(): code for code, name in CA_PROVINCES.items()} | {"QUÉBEC": "QC"}
_COUNTRY_BY_NAME = {_key(name.removeprefix("the ")): code for code, name in COUNTRIES.items()} | {
    "UNITED STATES OF AMERICA": "US", "USA": "US", "UK": "GB", "GREAT BRITAIN": "GB",
    "HOLLAND": "NL", "SOUTH KOREA": "KR", "KOREA": "KR", "RUSSIA": "RU", "CZECHIA": "CZ",
    "TURKEY": "TR", "VIETNAM": "VN", "IVORY COAST": "CI", "CAPE VERDE": "CV", "SWAZILAND": "SZ",
}  # fmt: skip


def state_code(value: str) -> str | None:
    """The two-letter code of a state given by code or name (``MD``, ``Maryland``); None if it is not one."""
    key = _key(value)
    if key in US_STATES:
        return key
    return _STATE_BY_NAME.get(key)


def province_code(value: str) -> str | None:
    """The code of a Canadian province or territory given by code or name (``ON``, ``Ontario``)."""
    key = _key(value).removeprefix("CA-")
    if key in CA_PROVINCES:
        return key
    return _PROVINCE_BY_NAME.get(key)


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country given by code or English name; None if unknown."""
    key = _key(value)
    if key in COUNTRIES:
        return key
    return _COUNTRY_BY_NAME.get(key.removeprefix("THE "))


def country_name(code: str) -> str:
    """A country's name as written after "the laws of" (``Canada``, ``the Netherlands``)."""
    return COUNTRIES[code]


def subdivision_name(country: str, subdivision: str) -> str:
    """A subdivision's name: a US state's or Canadian province's full name, else as written."""
    if country == "US" and (code := state_code(subdivision)):
        return US_STATES[code]
    if country == "CA" and (code := province_code(subdivision)):
        return CA_PROVINCES[code]
    return subdivision


def laws_of(country: str, subdivision: str | None) -> str:
    """What follows "under the laws of": ``the State of Delaware``, ``the Province of Ontario``,
    ``Canada``, ``the Netherlands``, ``England and Wales`` (a subdivision as written)."""
    if subdivision is None:
        return country_name(country)
    if country == "US" and (code := state_code(subdivision)):
        return "the District of Columbia" if code == "DC" else f"the State of {US_STATES[code]}"
    if country == "CA" and (code := province_code(subdivision)):
        return _CA_TERRITORIES.get(code) or f"the Province of {CA_PROVINCES[code]}"
    return subdivision


def with_article(phrase: str) -> str:
    """*phrase* after "a" or "an" (``an Ohio corporation``, ``a Utah corporation``, ``an exempted company``)."""
    return f"{'an' if phrase[:1].upper() in 'AEIO' else 'a'} {phrase}"
