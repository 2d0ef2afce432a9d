"""Expand Jinja templates: page layouts (``*.xml.j2``) and legends (``*.txt.j2``).

In: a template name and the issue's context (the spec).  Out: the expanded
text — layout XML for a page, or the verbatim text of a legend.

Templates run in Jinja's immutable sandbox with ``StrictUndefined`` (a
misspelt variable is an error, not a blank on a legal document), and layout
templates autoescape, so a registration such as ``CEDE & CO.`` stays text.
Templates are looked up in the spec's ``templates.search_path`` folders
first, then in certgen's bundled ``templates/``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import TemplateError
from ..resources import templates_dir
from .filters import FILTERS

__all__ = [
    "LAYOUT_SUFFIX",
    "LEGEND_SUFFIX",
    "TemplateNotFound",
    "available_templates",
    "environment",
    "expand",
]

LAYOUT_SUFFIX = ".xml.j2"
LEGEND_SUFFIX = ".txt.j2"
TemplateNotFound = jinja2.TemplateNotFound


@lru_cache(maxsize=16)
def environment(search_path: tuple[str, ...] = ()) -> jinja2.Environment:
    """The sandboxed environment for a search path (user folders first)."""
    folders = [*search_path, str(templates_dir())]
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=lambda name: bool(name and name.endswith(LAYOUT_SUFFIX)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


def expand(env: jinja2.Environment, filename: str, context: Mapping[str, Any]) -> str:
    """Render template *filename* with *context*.

    :raises TemplateNotFound: when no folder has the template.
    :raises TemplateError: on a syntax error or a failure inside the template,
        naming the template file and line.
    """
    try:
        template = env.get_template(filename)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.message or "syntax error", template=exc.name or filename, line=exc.lineno) from None
    try:
        return template.render(context)
    except jinja2.TemplateNotFound:
        raise
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        line = _template_line(template.filename)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise TemplateError(message, template=filename, line=line) from None


def available_templates(search_path: Sequence[str], suffix: str) -> list[str]:
    """Names of the templates with *suffix* (without it), for messages."""
    names = set()
    for folder in [*search_path, str(templates_dir())]:
        root = Path(folder)
        for path in root.rglob(f"*{suffix}"):
            names.add(path.relative_to(root).as_posix()[: -len(suffix)])
    return sorted(names)


def _template_line(filename: str | None) -> int | None:
    """Line of the innermost traceback frame that runs inside the template."""
    tb = sys.exc_info()[2]
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if filename and frame.f_code.co_filename == filename:
            line = lineno
    return line
