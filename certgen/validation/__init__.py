"""Validate an issue before printing: the spec, the holder data, and any certificate PDF.

>>> report = validate("samples/thornburg-series-b/spec.yaml")  # doctest: +SKIP
>>> report.ok()                                                   # doctest: +SKIP
True

:func:`validate` never raises on bad input: a spec that cannot be read, a
holder row that cannot be parsed, a PDF that cannot be opened all become
findings (``spec.valid``, ``holder.format``, ``pdf.readable``) next to the
rest, so a registry system gets the whole picture in one call.

The rules live in three modules, one per thing checked: :mod:`.spec_rules`,
:mod:`.holder_rules`, :mod:`.pdf_rules`; :data:`RULES` is their catalogue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

from ..errors import CertgenError, FitError, GlyphError, HolderDataError, SpecError
from ..issue import IssueLayout, ResolvedLegend, lay_out, resolve_legends
from ..layout.elements import Text
from ..model.certificate import Holder
from ..pdftext import PageText, PdfReadError, producer, read_pdf
from ..spec import load_spec
from ..spec.holders import gives_numbers, parse_row, read_rows, source_row
from ..spec.schema import Spec
from .engine import ERROR, INFO, RULES, WARNING, Finding, Report, Rule, Severity
from .holder_rules import FITS, INVISIBLE, PRINTABLE, HolderChecker, loader_finding
from .pdf_rules import READABLE, check_pdf, form_text_problem
from .spec_rules import LAYOUT, SPEC_VALID, LegendText, check_spec

__all__ = [
    "ERROR",
    "INFO",
    "RULES",
    "WARNING",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "check_holders",
    "check_issue",
    "check_spec_rules",
    "page_form_text",
    "spec_findings",
    "validate",
]

SpecSource = Spec | str | PathLike[str] | Mapping[str, Any]


class _Fits(Protocol):
    """What the fit checks need of an issue: :class:`~certgen.issue.IssueLayout` and
    :class:`~certgen.PreparedIssue` both have it."""

    def check_fit(self, holder: Holder) -> None: ...


HolderSource = str | PathLike[str] | Iterable[Holder | Mapping[str, Any]]


def validate(
    spec: SpecSource | None = None,
    holders: HolderSource | None = None,
    *,
    pdf: bytes | str | PathLike[str] | None = None,
) -> Report:
    """Check a spec, its holder data and/or a certificate PDF; return every finding.

    :param spec: the issue's spec (file, mapping or :class:`~certgen.Spec`).
        Without holders it is checked as the blank form; with holders, as
        issued certificates.
    :param holders: holder data (file, rows, or :class:`~certgen.Holder` objects).
    :param pdf: a certificate PDF (path or bytes), made by certgen or not;
        with *spec*, it is checked against the spec (legends, CUSIP, officers).
    """
    if spec is None and pdf is None:
        raise TypeError("validate() needs a spec, a PDF, or both")
    findings: list[Finding] = []
    loaded: Spec | None = None
    legends: list[LegendText] | None = []
    issue = None
    if spec is not None:
        loaded, errors = _load_spec(spec)
        findings += errors
    if loaded is not None:
        legends, issue, errors = _prepare(loaded)
        findings += errors
        findings += check_spec(loaded, legends, form=holders is None)
    rows: list[Holder] | None = None
    if holders is not None:
        rows = [] if pdf is not None else None
        # A file without numbers is checked as certgen batch reads it (numbers allocated then).
        holder_findings = list(check_holders(loaded, holders, issue=issue, collect=rows, numbered=None))
        findings += holder_findings
        if any(f.severity == ERROR for f in holder_findings):
            rows = None  # rows missing or unread: the PDF is not compared with part of the file
    if pdf is not None:
        findings += _check_pdf(pdf, loaded, legends, rows, _form_lines(issue))
    return Report.of(findings)


def spec_findings(spec: Spec, *, form: bool) -> list[Finding]:
    """The spec rules' findings for a loaded spec (as the blank form, or for issued certificates)."""
    return check_spec_rules(spec, form=form)[1]


def check_spec_rules(
    spec: Spec, *, form: bool, legends: Sequence[ResolvedLegend] | None = None
) -> tuple[list[ResolvedLegend] | None, list[Finding]]:
    """The spec's legends, resolved once (unless given), and the spec rules' findings; the
    legends are None when they cannot be resolved (a finding says why)."""
    if legends is None:
        try:
            legends = resolve_legends(spec)
        except CertgenError as exc:
            return None, [_layout_finding(spec, exc)] + list(check_spec(spec, None, form=form))
    return list(legends), list(check_spec(spec, _legend_texts(legends), form=form))


def check_issue(
    issue: IssueLayout, holders: HolderSource | None = None, *, collect: list[Holder] | None = None
) -> Report:
    """:func:`validate` for an issue already laid out (its legends are not resolved again): the
    spec rules (as the blank form without *holders*), and each holder row with the fit of its
    fields; well-formed rows are appended to *collect* when given."""
    findings = check_spec_rules(issue.spec, form=holders is None, legends=issue.legends)[1]
    if holders is not None:
        findings += check_holders(issue.spec, holders, issue=issue, collect=collect)
    return Report.of(findings)


def _legend_texts(legends: Sequence[ResolvedLegend]) -> list[LegendText]:
    return [
        LegendText(index, legend.name, legend.text, legend.placement) for index, legend in enumerate(legends)
    ]


def check_holders(
    spec: Spec | None,
    holders: HolderSource,
    *,
    issue: _Fits | None = None,
    collect: list[Holder] | None = None,
    numbered: bool | None = True,
) -> Iterator[Finding]:
    """Findings for every holder row (streamed); *issue* (a PreparedIssue) adds the fit checks;
    well-formed rows are appended to *collect* when given.  *numbered*: every row must give its
    certificate number (to print it); ``None``: a holder file without a certificate_number column
    is read as certgen batch reads it, its numbers to be allocated when it is printed."""
    yield from check_rows(spec, _rows(holders, numbered), issue=issue, collect=collect)


def check_rows(
    spec: Spec | None,
    rows: Iterable[tuple[Any, ...]],
    *,
    issue: _Fits | None = None,
    collect: list[Holder] | None = None,
) -> Iterator[Finding]:
    """:func:`check_holders` for rows already read (``(row, holder, problems)``, as
    :func:`~certgen.spec.holders.scan_holders` yields them, or ``(row, holder, problems, cells)``
    with the row's cells as read, checked when the row could not be read whole)."""
    checker = HolderChecker(spec, legends=getattr(issue, "legends", None))
    try:
        for row, holder, problems, *raw in rows:
            for problem in problems:
                yield loader_finding(problem)
            if holder is None:
                if problems and raw:  # the row's other problems, reported with these
                    yield from checker.check_unread(raw[0], problems[0])
                continue
            if collect is not None:
                collect.append(holder)
            yield from checker.check(holder, row)
            if issue is not None:
                yield from fit_findings(issue, holder, row)
    except HolderDataError as exc:
        yield loader_finding(exc)
    yield from checker.finish()


def fit_findings(issue: _Fits, holder: Holder, row: int | None = None) -> list[Finding]:
    """The fit finding of one holder's certificate on a prepared issue (none when every field fits)."""
    if row is None:
        row = source_row(holder)
    try:
        issue.check_fit(holder)
    except FitError as exc:
        if isinstance(exc, GlyphError) and all(unicodedata.category(c) in INVISIBLE for c in exc.chars):
            return []  # holder.characters names them, in every column
        return [
            (PRINTABLE if isinstance(exc, GlyphError) else FITS).finding(
                f"{_where(holder)}, field {exc.field}",
                exc.message,
                file=holder.source.rsplit(", row ", 1)[0] if holder.source else None,
                row=row,
                certificate=holder.certificate_number,
                field=exc.field,
            )
        ]
    except CertgenError as exc:
        return [
            FITS.finding(
                str(exc.where or holder.source), exc.message, row=row, certificate=holder.certificate_number
            )
        ]
    return []


def _where(holder: Holder) -> str:
    number = f" (certificate {holder.certificate_number})" if holder.certificate_number else ""
    return f"{holder.source or 'holder data'}{number}"


def _rows(holders: HolderSource, numbered: bool | None = True) -> Iterator[tuple[Any, ...]]:
    """``(row, holder, problems, cells)`` for each row; with *numbered* None, a holder file
    without a certificate_number column is read as certgen batch reads it."""
    if isinstance(holders, (str, PathLike)):
        yield from _scan(holders, numbered=gives_numbers(holders) if numbered is None else numbered)
        return
    rows = list(holders)
    if rows and all(isinstance(row, Holder) for row in rows):
        for index, holder in enumerate(rows, start=1):
            yield index, holder, [], None
        return
    yield from _scan(rows)  # type: ignore[arg-type]  # not all Holders: mappings, which parse_row checks


def _scan(
    source: str | PathLike[str] | Iterable[Mapping[str, Any]], numbered: bool = True
) -> Iterator[tuple[Any, ...]]:
    """:func:`~certgen.spec.holders.scan_holders`, with each row's cells as read."""
    name, rows = read_rows(source, numbered=numbered)
    for number, row in rows:
        holder, problems = parse_row(row, name, number, numbered)
        yield number, holder, problems, row


def _load_spec(spec: SpecSource) -> tuple[Spec | None, list[Finding]]:
    if isinstance(spec, Spec):
        return spec, []
    try:
        return load_spec(spec), []
    except SpecError as exc:
        return None, [
            SPEC_VALID.finding(str(p.where or "spec"), p.message, file=p.file, field=p.field)
            for p in exc.problems
        ]


def _prepare(spec: Spec) -> tuple[list[LegendText] | None, IssueLayout | None, list[Finding]]:
    """The legends' final text (None if they cannot be resolved) and the laid-out issue;
    failures become findings."""
    try:
        resolved = resolve_legends(spec)
    except CertgenError as exc:
        return None, None, [_layout_finding(spec, exc)]
    try:
        issue = lay_out(spec, resolved)
    except CertgenError as exc:
        return _legend_texts(resolved), None, [_layout_finding(spec, exc)]
    return _legend_texts(resolved), issue, []


def _layout_finding(spec: Spec, exc: CertgenError) -> Finding:
    field = getattr(exc, "field", None) if isinstance(exc, SpecError) else None
    location = spec.locate(field) if field else str(exc.where or spec.locate())
    return LAYOUT.finding(location, exc.message, file=spec.source, field=field)


def _form_lines(issue: IssueLayout | None) -> list[list[str]]:
    """The fixed lines of text of each page of the issue's form (what every certificate prints)."""
    if issue is None:
        return []
    return [[e.text for e in page.static if isinstance(e, Text)] for page in issue.pages]


def page_form_text(issue: IssueLayout, index: int) -> Callable[[PageText], str | None]:
    """The rule pdf.form-text on page *index* of a certificate (0: the face; 1 and on: its
    reverse): what the page lacks of that page of the form's fixed lines of text, if anything
    (``certgen verify --spec``)."""
    pages = _form_lines(issue)
    lines = pages[index] if index < len(pages) else []
    name = "face" if index == 0 else "reverse"

    def problem(page: PageText) -> str | None:
        return form_text_problem(name, page, lines)

    return problem


def _check_pdf(
    pdf: bytes | str | PathLike[str],
    spec: Spec | None,
    legends: list[LegendText] | None,
    holders: list[Holder] | None = None,
    form: Sequence[Sequence[str]] = (),
) -> list[Finding]:
    name = "PDF" if isinstance(pdf, bytes) else str(pdf)
    try:
        pages = read_pdf(pdf if isinstance(pdf, bytes) else Path(pdf))
    except FileNotFoundError:
        return [READABLE.finding(name, "file not found", file=name)]
    except (PdfReadError, OSError) as exc:
        return [READABLE.finding(name, f"cannot read it as a PDF ({exc})", file=name)]
    if not pages:
        return [READABLE.finding(name, "the PDF has no pages", file=name)]
    if not any(page.glyphs for page in pages):
        return [
            READABLE.finding(name, "the PDF has no text (a scanned image?): it cannot be checked", file=name)
        ]
    # The form's fixed text is certgen's: another program's certificate words it its own way.
    ours = bool(form) and producer(pdf if isinstance(pdf, bytes) else Path(pdf)) == "certgen"
    return list(
        check_pdf(
            name,
            pages,
            spec,
            [(legend.name, legend.text, legend.placement) for legend in legends or ()],
            holders,
            form if ours else (),
        )
    )
