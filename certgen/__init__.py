"""certgen: print-ready PDF security certificates, from a spec and holder data.

The public API is what is accessible from this root package without
importing sub-modules; everything else may change.

>>> import certgen
>>> issue = certgen.prepare("samples/thornburg-series-b/spec.yaml")  # doctest: +SKIP
>>> form_pdf = issue.render()                                           # doctest: +SKIP
>>> holders = certgen.load_holders("samples/thornburg-series-b/holders.csv")  # doctest: +SKIP
>>> issue.save("certificates.pdf", holders)                            # doctest: +SKIP

The pipeline: :func:`load_spec` → :func:`prepare` (legends, templates,
layout, once per issue) → :meth:`PreparedIssue.render` (per certificate:
fill the fields, draw the PDF).  :func:`validate` checks a spec, holder
data and certificate PDFs against the rules in :data:`RULES`; rendering
runs the same rules first and raises :class:`ValidationError` on errors.

The modules are stages, each importing only the stages below it (``tests/test_architecture.py``
checks it), lowest first:

| stage | modules | what it does |
|---|---|---|
| base | errors, units, words, resources, version, files, pdftext | helpers with no certgen stage beneath: errors, units, numbers in words, bundled files, atomic output, PDF text reading |
| model | model | identifiers (CUSIP, ISIN, certificate numbers), a certificate's holder and values |
| spec | spec, assets | spec and holder files read and checked; where a spec's images may come from |
| templating | templating | Jinja (sandboxed) expands layout and legend templates |
| fonts | fonts, cidfont | certgen's fonts: metrics, CID subsets |
| layout | layout | XML layouts to positioned elements; text broken into lines and fitted; the field map |
| drawing | drawing | the PDF: static parts as Form XObjects, each certificate's page |
| signing | signing | QR payloads and keys, PDF signatures, ``certgen verify`` |
| issue | issue | an issue laid out: legends resolved, templates expanded, pages laid out |
| validation | validation | the rules on specs, holder data and PDFs |
| pipeline | pipeline | :func:`prepare`: a validated, laid-out issue that prints |
| register | register | the certificate register |
| batch | batch | a transfer agent's run: print files, manifest, control report |
| cli | cli, __main__ | the command line |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

from .errors import (
    CertgenError as CertgenError,
)
from .errors import (
    FitError as FitError,
)
from .errors import (
    GlyphError as GlyphError,
)
from .errors import (
    HolderDataError as HolderDataError,
)
from .errors import (
    RenderError as RenderError,
)
from .errors import (
    SpecError as SpecError,
)
from .errors import (
    TemplateError as TemplateError,
)
from .errors import (
    ValidationError as ValidationError,
)
from .version import __version__ as __version__
from .words import in_figures as in_figures
from .words import in_words as in_words

__all__ = [
    "RULES",
    "BatchOptions",
    "BatchResult",
    "Register",
    "RegisterError",
    "open_register",
    "render_batch",
    "CertgenError",
    "Finding",
    "FitError",
    "GlyphError",
    "Holder",
    "HolderDataError",
    "PreparedIssue",
    "PrintOptions",
    "RenderError",
    "RenderedCertificate",
    "Report",
    "SigningKeyError",
    "Verdict",
    "Rule",
    "Spec",
    "SpecError",
    "TemplateError",
    "ValidationError",
    "__version__",
    "in_figures",
    "in_words",
    "iter_holders",
    "load_holders",
    "load_spec",
    "prepare",
    "render",
    "spec_json_schema",
    "validate",
    "verify",
    "verify_file",
    "verify_payload",
    "verify_signed_pdf",
]


# Everything else is imported when first used: the spec models (pydantic), the layout, the
# PDF writer (reportlab), the register (SQLAlchemy) cost a third of a second together, and
# `import certgen.cli` (the command line's start) needs none of them.
_LAZY = {
    "PrintOptions": "drawing",
    "Holder": "model.certificate",
    "PreparedIssue": "pipeline",
    "RenderedCertificate": "pipeline",
    "prepare": "pipeline",
    "verify": "pipeline",
    "load_spec": "spec",
    "spec_json_schema": "spec",
    "iter_holders": "spec.holders",
    "load_holders": "spec.holders",
    "Spec": "spec.schema",
    "RULES": "validation",
    "Finding": "validation",
    "Report": "validation",
    "Rule": "validation",
    "validate": "validation",
    "BatchOptions": "batch",
    "BatchResult": "batch",
    "render_batch": "batch",
    "Register": "register",
    "RegisterError": "register",
    "open_register": "register",
    "SigningKeyError": "signing",
    "Verdict": "signing.verify",
    "verify_file": "signing.verify",
    "verify_payload": "signing.verify",
    "verify_signed_pdf": "signing.verify",
}

if TYPE_CHECKING:
    from .batch import BatchOptions as BatchOptions
    from .batch import BatchResult as BatchResult
    from .batch import render_batch as render_batch
    from .drawing import PrintOptions as PrintOptions
    from .model.certificate import Holder as Holder
    from .pipeline import PreparedIssue as PreparedIssue
    from .pipeline import RenderedCertificate as RenderedCertificate
    from .pipeline import prepare as prepare
    from .pipeline import verify as verify
    from .register import Register as Register
    from .register import RegisterError as RegisterError
    from .register import open_register as open_register
    from .signing import SigningKeyError as SigningKeyError
    from .signing.verify import (
        Verdict as Verdict,
    )
    from .signing.verify import (
        verify_file as verify_file,
    )
    from .signing.verify import (
        verify_payload as verify_payload,
    )
    from .signing.verify import (
        verify_signed_pdf as verify_signed_pdf,
    )
    from .spec import load_spec as load_spec
    from .spec import spec_json_schema as spec_json_schema
    from .spec.holders import iter_holders as iter_holders
    from .spec.holders import load_holders as load_holders
    from .spec.schema import Spec as Spec
    from .validation import RULES as RULES
    from .validation import Finding as Finding
    from .validation import Report as Report
    from .validation import Rule as Rule
    from .validation import validate as validate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'certgen' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found at once next time
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def render(
    spec: Spec | str | PathLike[str] | Mapping[str, Any],
    holders: str | PathLike[str] | Iterable[Holder | Mapping[str, Any]] | None = None,
) -> bytes:
    """Render a PDF in one call: the blank form, or one certificate per holder.

    :param spec: a :class:`Spec`, a spec file path, or a mapping.
    :param holders: a holder file (CSV/JSON/JSONL), rows as mappings, or
        :class:`Holder` objects; ``None`` for the blank form.
    :raises ValidationError: when the spec or a holder row breaks a rule.
    :raises CertgenError: on any bad input (see :mod:`certgen.errors`).
    """
    from .pipeline import prepare

    issue = prepare(spec)
    if holders is None:
        return issue.render()
    return issue.render(_holders(holders))


def _holders(holders: str | PathLike[str] | Iterable[Holder | Mapping[str, Any]]) -> list[Holder]:
    from .model.certificate import Holder
    from .spec.holders import load_holders

    if isinstance(holders, (str, PathLike)):
        return load_holders(holders)
    rows = list(holders)
    objects = sum(isinstance(row, Holder) for row in rows)
    if objects == len(rows):
        return rows  # type: ignore[return-value]  # every row is a Holder (counted above)
    if objects:
        raise TypeError("holders must be all Holder objects or all mappings, not a mix")
    return load_holders(rows)  # type: ignore[arg-type]  # no row is a Holder (counted above): all mappings
