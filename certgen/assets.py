"""Where a spec's images and artwork may come from.

A spec (or a template it names) may draw a raster image -- a facsimile signature, a logo -- or a
page of a security printer's artwork PDF.  Those files are read from the spec's folder and its
subfolders (a spec given as a mapping: the current working folder, or ``load_spec(base_dir=)``),
or from a folder the operator names in ``$CERTGEN_ASSET_PATH`` (folders separated by ``:``, as in
``$PATH``).  A path that leads anywhere else -- an absolute path, ``..``, a link to a file outside
-- is refused: a spec must not be able to copy any file the user running certgen can read into
the certificates it prints.  The asset folders are the operator's choice, not the spec's, so that
a spec cannot widen them.

Templates name certgen's bundled fonts only (:data:`certgen.fonts.FONTS`); a spec's
``fonts.fallback`` TrueType faces come from the same folders as its images (:data:`MAX_FONT_BYTES`).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

__all__ = [
    "ASSET_PATH_ENV",
    "MAX_FONT_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "asset_folders",
    "check_image",
    "check_pdf",
    "confine",
]

#: The variable that names further folders images and artwork may be read from.
ASSET_PATH_ENV = "CERTGEN_ASSET_PATH"
#: Largest image file read (a 600 dpi signature is some 100 KB).
MAX_IMAGE_BYTES = 20_000_000
#: Largest font file read (``fonts.fallback``): a TrueType CJK face is 4 to 20 MB.
MAX_FONT_BYTES = 40_000_000
#: Most pixels of an image (a 1,200 dpi seal of 2 by 2 inches has 5.8 million); decoding is
#: three or four bytes a pixel, so a small file must not stand for a huge picture.
MAX_IMAGE_PIXELS = 25_000_000


def asset_folders(base_dir: Path) -> list[Path]:
    """The folders assets may come from: *base_dir*, then those of ``$CERTGEN_ASSET_PATH``."""
    folders = [base_dir.resolve()]
    for entry in os.environ.get(ASSET_PATH_ENV, "").split(os.pathsep):
        if entry.strip():
            folders.append(Path(entry).expanduser().resolve())
    return folders


def confine(value: str, base_dir: Path, what: str = "file", kept: str = "images and artwork") -> Path:
    """The real path of asset *value* (relative to *base_dir*), which must exist and lie in an
    asset folder (*kept* says what such files are, in the message of one outside).

    :raises ValueError: with a message that names *value* and says what to do.
    """
    given = Path(value)
    path = given if given.is_absolute() else base_dir / given
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise ValueError(f"{what} {value!r} not found") from None
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise ValueError(
            f"{what} {value!r} cannot be read ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    folders = asset_folders(base_dir)
    if not any(real.is_relative_to(folder) for folder in folders):
        # Inside as written, outside once links are followed: a link leads out.
        written = Path(os.path.normpath(path))
        how = (
            "is a link to a file outside"
            if any(written.is_relative_to(folder) for folder in folders)
            else "is outside"
        )
        raise ValueError(
            f"{what} {value!r} {how} the spec's folder: keep {kept} in the spec's folder "
            f"(or its subfolders), or name their folder in ${ASSET_PATH_ENV}"
        )
    if not real.is_file():
        raise ValueError(f"{what} {value!r} is not a file")
    return real


def check_image(path: Path, value: str, what: str = "image") -> None:
    """*path* must be a PNG or JPEG image of sane size.

    :raises ValueError: naming *value*.
    """
    from PIL import Image

    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise ValueError(
            f"{what} {value!r} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB: give a smaller image (300-600 dpi)"
        )
    too_large = (
        f"{what} {value!r} has more than {MAX_IMAGE_PIXELS:,} pixels: give a smaller image (300-600 dpi)"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind, (width, height) = image.format, image.size
                if kind not in ("PNG", "JPEG"):
                    raise ValueError(f"{what} {value!r} is a {kind} image: give a PNG or JPEG")
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValueError(too_large)
                image.verify()
    except Image.DecompressionBombError:
        raise ValueError(too_large) from None
    except ValueError:
        raise
    except (OSError, SyntaxError, EOFError):  # UnidentifiedImageError is an OSError
        raise ValueError(f"{what} {value!r} is not a PNG or JPEG image: give the image file") from None


def check_pdf(path: Path, value: str, what: str = "artwork file") -> None:
    """*path* must start as a PDF does.

    :raises ValueError: naming *value*.
    """
    with path.open("rb") as stream:
        if stream.read(5) != b"%PDF-":
            raise ValueError(f"{what} {value!r} is not a PDF")
