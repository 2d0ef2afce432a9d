"""Where the bundled templates and fonts are.

In an installed wheel they sit inside the package (``certgen/templates``,
``certgen/fonts``: the build copies them there); in a source checkout or an
editable install they are the repository's top-level ``templates/`` and
``fonts/`` folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["font_path", "fonts_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"certgen's {name}/ folder is missing from the installation")


def templates_dir() -> Path:
    """The folder of the bundled layout and legend templates."""
    return _find("templates")


def fonts_dir() -> Path:
    """The folder of the bundled fonts."""
    return _find("fonts")


def font_path(filename: str) -> Path:
    """Path of one bundled font file."""
    return fonts_dir() / filename
