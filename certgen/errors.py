"""Exceptions raised by certgen.

Every error certgen raises on bad input derives from :class:`CertgenError`
and renders as **one line** that says where the problem is (file, spec field,
holder row and column, template line) and how to fix it.  The command line
prints that line and exits non-zero; a library caller catches the class it
cares about.

Policy (after pypdf's ``_utils.logger_warning``): raise when the caller must
handle the problem (bad spec, bad holder row, text that cannot fit); log with
the ``certgen`` logger when certgen handled it itself (a field shrunk to fit).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "CertgenError",
    "FitError",
    "GlyphError",
    "HolderDataError",
    "RenderError",
    "SpecError",
    "TemplateError",
    "ValidationError",
    "describe_char",
    "printable",
]


class CertgenError(Exception):
    """Base class of every error certgen raises on bad input.

    :param message: what is wrong, and how to fix it.
    :param where: the place, e.g. ``"spec.yaml: issuer.name"`` or
        ``"holders.csv, row 4, column shares"``; printed before the message.
    """

    #: Exit status of the ``certgen`` command for this kind of error.
    exit_code: int = 1

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        # One line, always: a message built from user data must not break it.
        return " ".join(text.split())


class SpecError(CertgenError):
    """The spec file is unreadable, malformed, or a field has a bad value."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None) -> None:
        self.file = file
        self.field = field
        #: Every problem found, this one first (a malformed spec may have several).
        self.problems: list[SpecError] = [self]
        where = ": ".join(part for part in (file, field) if part) or None
        super().__init__(message, where)


class HolderDataError(CertgenError):
    """A holder file (CSV, JSON, JSONL) is unreadable or a row is invalid."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        source: str | None = None,
        certificate: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.certificate = certificate
        #: Id of the validation rule the row breaks (``shares.positive``), when it is one.
        self.rule = rule
        parts = [source or file or "holder data"]
        if row is not None:
            parts.append(f"row {row}" + (f" (certificate {certificate})" if certificate else ""))
        if column is not None:
            parts.append(f"column {column}")
        super().__init__(message, ", ".join(parts))


class TemplateError(CertgenError):
    """A layout template is missing, fails to expand, or describes a bad layout."""

    def __init__(self, message: str, *, template: str | None = None, line: int | None = None) -> None:
        self.template = template
        self.line = line
        where = None
        if template:
            where = f"template {template}" + (f", line {line}" if line else "")
        super().__init__(message, where)


class RenderError(CertgenError):
    """The PDF could not be produced."""


class FitError(RenderError):
    """A text does not fit its box even at the template's minimum size.

    :param field: the layout field (``registration``, ``shares_words``, ...)
        or static element that overflows.
    :param certificate: the certificate number (or holder row) concerned,
        ``None`` for the issue's static text.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        certificate: str | None = None,
        template: str | None = None,
    ) -> None:
        self.field = field
        self.certificate = certificate
        self.template = template
        parts = []
        if template:
            parts.append(f"template {template}")
        if certificate:
            parts.append(f"certificate {certificate}")
        parts.append(f"field {field}")
        super().__init__(message, ", ".join(parts))


class GlyphError(FitError):
    """A field's text has characters that no font able to print the field has a glyph for
    (they would print as empty boxes): refused before anything is printed.

    :param chars: the characters without a glyph, in the order they first occur.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        chars: str,
        certificate: str | None = None,
        template: str | None = None,
    ) -> None:
        self.chars = chars
        super().__init__(message, field=field, certificate=certificate, template=template)


class FindingLike(Protocol):
    """What an error needs of a validation finding (:class:`certgen.validation.Finding`, a
    stage above this one)."""

    @property
    def message(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def location(self) -> str: ...


class ValidationError(CertgenError):
    """Validation found errors: certgen refuses to print.

    :param findings: the failing findings (:class:`certgen.validation.Finding`),
        most severe first; the message is the first one's, with a count of the rest.
    """

    def __init__(self, findings: Sequence[FindingLike]) -> None:
        self.findings = list(findings)
        first = self.findings[0]
        message = f"{first.message} [{first.rule}]"
        more = len(self.findings) - 1
        if more:
            message += f" (and {more} more: run certgen validate to list them)"
        super().__init__(message, first.location)


def printable(value: str) -> str:
    """*value* safe to print on a terminal: control characters (C0, C1), format characters
    (bidi overrides, zero-width spaces: Unicode Cf) and line or paragraph separators escaped
    as ``\\x1b``, ``\\u202e``; other text as it is."""
    if value.isascii() and value.isprintable():
        return value
    return "".join(_escape(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in value)


_UNPRINTABLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def describe_char(char: str) -> str:
    """A character as a message names it: ``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+0009 TAB``."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = {"\t": "TAB", "\r": "CARRIAGE RETURN", "\n": "LINE FEED", "\x1b": "ESCAPE"}.get(
            char, "CONTROL CHARACTER"
        )
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")
