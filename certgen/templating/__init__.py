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

import hashlib
import os
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


#: The options every environment is made with (part of the bytecode cache's name).
_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": False}


@lru_cache(maxsize=16)
def environment(search_path: tuple[str, ...] = ()) -> jinja2.Environment:
    """The sandboxed environment for a search path (user folders first)."""
    folders = [*search_path, str(templates_dir())]
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=lambda name: bool(name and name.endswith(LAYOUT_SUFFIX)),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(),
        **_OPTIONS,
    )
    env.filters.update(FILTERS)
    return env


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, which a cache that cannot be written (a read-only
    home folder) or read does not stop: the template is compiled again."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (compiling the bundled templates is half of the time
    to prepare an issue).  Jinja checks each entry against the template's source; the folder's
    name holds what else the compiled code depends on (certgen's and Jinja's versions, the
    environment's options).  In ``$CERTGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/certgen``
    (``~/.cache/certgen``); ``CERTGEN_CACHE_DIR=off`` turns it off."""
    from .. import __version__

    base = os.environ.get("CERTGEN_CACHE_DIR", "")
    if base.lower() in ("off", "0", "none"):
        return None
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = os.path.join(xdg or os.path.join(os.path.expanduser("~"), ".cache"), "certgen")
        if not os.path.isabs(base):  # no home folder: no cache, rather than one in the working folder
            return None
    tag = hashlib.sha256(repr((__version__, jinja2.__version__, sys.version_info[:2], sorted(_OPTIONS.items()))).encode()).hexdigest()[:16]
    folder = os.path.join(base, f"templates-{tag}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return _QuietCache(folder)


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
