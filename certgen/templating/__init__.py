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
import itertools
import logging
import os
import stat
import sys
import traceback
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import TemplateError
from ..resources import templates_dir
from .filters import FILTERS

__all__ = [
    "LAYOUT_SUFFIX",
    "LEGEND_SUFFIX",
    "OutsideFolderError",
    "TemplateNotFound",
    "available_templates",
    "environment",
    "expand",
]

LAYOUT_SUFFIX = ".xml.j2"
LEGEND_SUFFIX = ".txt.j2"
TemplateNotFound = jinja2.TemplateNotFound

log = logging.getLogger("certgen")


#: The options every environment is made with (part of the bytecode cache's name).
_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": False}


@lru_cache(maxsize=16)
def environment(search_path: tuple[str, ...] = ()) -> jinja2.Environment:
    """The sandboxed environment for a search path (user folders first)."""
    folders = [*search_path, str(templates_dir())]
    env = ImmutableSandboxedEnvironment(
        loader=_LineMarkingLoader(folders),
        autoescape=lambda name: bool(name and name.endswith(LAYOUT_SUFFIX)),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(),
        **_OPTIONS,
    )
    env.filters.update(FILTERS)
    return env


#: The processing instruction that marks, in an expanded layout, where each template line's
#: elements begin: ``<?certgen-line stock/face.xml.j2 56?>``.  XML parsers pass over it; the
#: layout reads it, so that an error names the template's own file and line.
LINE_MARK = "certgen-line"


def mark_lines(source: str, name: str) -> str:
    """*source* (a layout template) with a line mark before each line's first element tag."""
    out = []
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.lstrip()
        if stripped.startswith("<") and not stripped.startswith(("<?", "<!")):
            indent = line[: len(line) - len(stripped)]
            line = f"{indent}<?{LINE_MARK} {name} {number}?>{stripped}"
        out.append(line)
    return "\n".join(out)


class OutsideFolderError(TemplateError):
    """A template (or one it includes) is a link to a file outside its template folder: the
    spec's templates are wrong, whatever the values given them."""


class _LineMarkingLoader(jinja2.FileSystemLoader):
    """Jinja's file loader; a layout template's lines are marked (:func:`mark_lines`).  A
    template must be a file of the folder it is found in, links followed: one that is a link
    leading out (to a file anywhere the user running certgen can read) is refused."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.join(os.path.realpath(folder), "")) for folder in self.searchpath):
            raise OutsideFolderError(
                f"{template!r} ({filename}) is a link to a file outside its template folder: keep templates, "
                "and what they include, in the template folders",
                template=template,
            )
        if template.endswith(LAYOUT_SUFFIX):
            source = mark_lines(source, template)
        return source, filename, uptodate


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
    (``~/.cache/certgen``); ``CERTGEN_CACHE_DIR=off`` turns it off.

    A compiled template is code that runs when it is loaded, so the cache is used only when
    nobody else can have written it (:func:`_trusted_cache`); otherwise it is passed over, with a
    warning once per process."""
    from ..version import __version__

    base = os.environ.get("CERTGEN_CACHE_DIR", "")
    if base.lower() in ("off", "0", "none"):
        return None
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = os.path.join(xdg or os.path.join(os.path.expanduser("~"), ".cache"), "certgen")
        if not os.path.isabs(base):  # no home folder: no cache, rather than one in the working folder
            return None
    # The real folder: checked, then used, by a path that no link can later turn elsewhere.
    base = os.path.realpath(base)
    tag = hashlib.sha256(
        repr((__version__, jinja2.__version__, sys.version_info[:2], sorted(_OPTIONS.items()))).encode()
    ).hexdigest()[:16]
    folder = os.path.join(base, f"templates-{tag}")
    try:
        _make_private_folders(folder)
    except OSError:
        return None  # cannot be made (a read-only home folder): compiled each run
    problem = _trusted_cache(base, folder)
    if problem is not None:
        log.warning(
            "certgen: warning: template cache %s %s: not used (set CERTGEN_CACHE_DIR to a folder of your own, or to off)",
            base,
            problem,
        )
        return None
    return _QuietCache(folder)


def _make_private_folders(folder: str) -> None:
    """Create *folder* and any missing parent, each with mode 0700 (``os.makedirs`` gives
    the missing parents the umask's mode)."""
    missing = []
    path = folder
    while not os.path.lexists(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass


def _trusted_cache(base: str, folder: str) -> str | None:
    """Why the cache folder cannot be trusted, or None when only the current user can have
    written it: *base* and *folder* are real folders (not symbolic links) owned by the current
    user and not writable by group or others, and every folder above *base* is owned by the
    current user or root and is not writable by others (unless sticky, as ``/tmp``), so that
    nobody else can put another folder in its place."""
    uid = os.geteuid()
    for path in (base, folder):
        try:
            info = os.lstat(path)
        except OSError as exc:
            return f"cannot be checked ({exc.strerror})"
        if stat.S_ISLNK(info.st_mode):
            return f"is a symbolic link ({path})"
        if not stat.S_ISDIR(info.st_mode):
            return f"is not a folder ({path})"
        if info.st_uid != uid:
            return f"belongs to another user (uid {info.st_uid}: {path})"
        if info.st_mode & 0o022:
            return f"can be written by other users (mode {stat.S_IMODE(info.st_mode):o}: {path})"
    path = os.path.dirname(base)
    while True:
        try:
            info = os.stat(path)
        except OSError as exc:
            return f"cannot be checked ({exc.strerror})"
        if info.st_uid not in (uid, 0):
            return f"is inside a folder of another user (uid {info.st_uid}: {path})"
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            return f"is inside a folder other users can write (mode {stat.S_IMODE(info.st_mode):o}: {path})"
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def expand(env: jinja2.Environment, filename: str, context: Mapping[str, Any]) -> str:
    """Render template *filename* with *context*.

    :raises TemplateNotFound: when no folder has the template.
    :raises TemplateError: on a syntax error or a failure inside the template,
        naming the template file and line.
    """
    try:
        template = env.get_template(filename)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            exc.message or "syntax error", template=exc.name or filename, line=exc.lineno
        ) from None
    try:
        return template.render(context)
    except jinja2.TemplateNotFound:
        raise
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        line = _template_line(template.filename)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise TemplateError(message, template=filename, line=line) from None


#: Folder entries :func:`available_templates` looks at in each search folder (a search path of
#: ``/`` must not walk the whole disk to say which templates there are).
_LIST_BUDGET = 2_000


def available_templates(search_path: Sequence[str], suffix: str) -> list[str]:
    """Names of the templates with *suffix* (without it), for messages: those directly in each
    search folder or in its subfolders (``stock/face``), not deeper, links not followed, and
    no more than :data:`_LIST_BUDGET` folder entries looked at per search folder."""
    names = set()
    for folder in [*search_path, str(templates_dir())]:
        budget = _LIST_BUDGET
        pending: list[tuple[str, str]] = [(folder, "")]
        while pending and budget > 0:
            path, prefix = pending.pop(0)
            try:
                with os.scandir(path) as entries:
                    for entry in itertools.islice(entries, budget):
                        budget -= 1
                        try:
                            if entry.is_file(follow_symlinks=False) and entry.name.endswith(suffix):
                                names.add(prefix + entry.name[: -len(suffix)])
                            elif not prefix and entry.is_dir(follow_symlinks=False):
                                pending.append((entry.path, f"{entry.name}/"))
                        except OSError:
                            continue
            except OSError:
                continue
    return sorted(names)


def _template_line(filename: str | None) -> int | None:
    """Line of the innermost traceback frame that runs inside the template."""
    tb = sys.exc_info()[2]
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if filename and frame.f_code.co_filename == filename:
            line = lineno
    return line
