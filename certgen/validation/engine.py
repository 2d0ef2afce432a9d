"""The rule engine: rules, findings, reports.

A :class:`Rule` is a stable id (``cusip.check-digit``), a default severity,
a one-line title, the source of the requirement (statute, SEC rule, DTC or
transfer agent practice) and the ids of ``REQUIREMENTS.md`` it implements.
Checking code makes :class:`Finding` objects with :meth:`Rule.finding`; a
:class:`Report` is the list of findings of one validation run.

Every rule is registered in :data:`RULES` when its module is imported, so the
catalogue (``certgen rules``, ``docs/rules.md``) is built from the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..errors import ValidationError

__all__ = [
    "ERROR",
    "INFO",
    "RULES",
    "WARNING",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "as_excerpt",
    "rule",
]

Severity = Literal["error", "warning", "info"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
INFO: Severity = "info"
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

Scope = Literal["spec", "holders", "pdf"]


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about a spec, a holder row or a PDF."""

    #: The rule's id, e.g. ``cusip.check-digit``.
    rule: str
    severity: Severity
    #: Where: ``spec.yaml, line 19: security.cusip``, ``holders.csv, row 4 (certificate PB 0003), column shares``, ``certs.pdf, page 2``.
    location: str
    #: What is wrong, and how to fix it.
    message: str
    #: The source of the requirement.
    reference: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    row: int | None = None
    certificate: str | None = None
    page: int | None = None
    #: The finding is about a part the form lacks (an excerpt may lack it).
    missing: bool = False

    def __str__(self) -> str:
        return " ".join(f"{self.location}: {self.message} [{self.rule}]".split())

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data: id, severity, location, message, reference, and the parts of the location."""
        return {
            "id": self.rule,
            "severity": self.severity,
            "location": self.location,
            "message": self.message,
            "reference": self.reference,
            "file": self.file,
            "field": self.field,
            "row": self.row,
            "certificate": self.certificate,
            "page": self.page,
        }


@dataclass(frozen=True)
class Rule:
    """A check, with its stable id, severity and source."""

    id: str
    severity: Severity
    scope: Scope
    #: What the rule requires, in one line.
    title: str
    #: Where the requirement comes from.
    reference: str
    #: Ids in REQUIREMENTS.md this rule implements (ALL-001, ASG-004, ...).
    requirements: tuple[str, ...] = ()
    #: When the rule applies, or how its severity varies (state profiles).
    applies: str = ""
    #: The rule asks for a part of the form (a clause, a block, a legend): an
    #: excerpt of a filed form (``form.excerpt``) may lack it, and gets a note.
    parts: bool = False

    def finding(
        self,
        location: str,
        message: str,
        *,
        severity: Severity | None = None,
        reference: str | None = None,
        **where: Any,
    ) -> Finding:
        """A finding of this rule at *location*."""
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            location=location,
            message=message,
            reference=reference or self.reference,
            **where,
        )


#: Every rule, by id, in the order the modules define them.
RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    scope: Scope,
    title: str,
    reference: str,
    requirements: Iterable[str] = (),
    applies: str = "",
    *,
    parts: bool = False,
) -> Rule:
    """Define and register a rule; ids are unique and stable."""
    if id in RULES:
        raise ValueError(f"rule {id!r} is defined twice")
    defined = Rule(id, severity, scope, title, reference, tuple(requirements), applies, parts)
    RULES[id] = defined
    return defined


def as_excerpt(finding: Finding) -> Finding:
    """*finding* as it stands for an excerpt of a filed form (``form.excerpt``): a part
    the excerpt lacks (a rule with ``parts``, or a finding marked ``missing``) is a note."""
    if finding.severity == INFO or not (finding.missing or RULES[finding.rule].parts):
        return finding
    return replace(finding, severity=INFO, message=f"not in the excerpt: {finding.message}")


@dataclass(frozen=True)
class Report:
    """The findings of one validation run, most severe first (stable within a severity)."""

    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Report:
        return cls(tuple(sorted(findings, key=lambda f: _ORDER[f.severity])))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def ok(self, strict: bool = False) -> bool:
        """No errors (and, when *strict*, no warnings)."""
        return not self.errors and not (strict and self.warnings)

    def ids(self) -> set[str]:
        """The ids of the rules that found something."""
        return {f.rule for f in self.findings}

    def raise_for_errors(self, strict: bool = False) -> None:
        """Raise :class:`~certgen.errors.ValidationError` unless :meth:`ok`."""
        if not self.ok(strict):
            failing = self.errors + (self.warnings if strict else [])
            raise ValidationError(failing)

    def to_json(self) -> str:
        """The findings as a JSON list (what ``certgen validate --format json`` prints)."""
        return json.dumps([f.to_dict() for f in self.findings], indent=2, ensure_ascii=False)

    def summary(self) -> str:
        """``2 errors, 1 warning`` (or ``no problems found``)."""
        counts = [(len(self.errors), "error"), (len(self.warnings), "warning")]
        infos = len(self.findings) - counts[0][0] - counts[1][0]
        counts.append((infos, "note"))
        parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n]
        return ", ".join(parts) if parts else "no problems found"
