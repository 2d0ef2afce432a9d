"""Writing output files whole or not at all.

:class:`atomic_output` writes a file under a temporary name beside it, fsyncs it and renames it
into place only when it is complete; the temporary files a process is writing are listed in
:data:`temporary_files`, so that a command stopped by a signal can delete them on its way out.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, BinaryIO

from .errors import RenderError

__all__ = ["atomic_output", "fsync_dir", "remove_temporary_files", "temporary_files"]


class atomic_output:
    """Context manager: a temporary file beside *path*, renamed to it on success (removed on
    failure, an interrupt included).

    :param tag: marks the temporary file's name, ``.NAME.TAG-RANDOM.tmp`` (a batch job's key: its
        temporaries are its own to clean); without it ``.NAME.RANDOM.tmp``.
    """

    def __init__(self, path: Path, *, tag: str = "") -> None:
        self.path = path
        self.tag = tag
        self._tmp: str | None = None
        self._stream: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        folder = self.path.parent
        if not folder.is_dir():
            raise RenderError(f"the output folder {str(folder)!r} does not exist", str(self.path))
        # os.open with 0o666 lets the umask decide the final file's permissions.
        mark = f"{self.tag}-" if self.tag else ""
        self._tmp = str(folder / f".{self.path.name}.{mark}{secrets.token_hex(6)}.tmp")
        temporary_files.add(self._tmp)  # before it exists: an interrupt cannot leave it unlisted
        try:
            fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except BaseException:
            temporary_files.discard(self._tmp)
            raise
        self._stream = os.fdopen(fd, "wb")
        return self._stream

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self._stream is not None and self._tmp is not None
        try:
            if exc_type is None:
                self._stream.flush()
                os.fsync(self._stream.fileno())
            self._stream.close()
            if exc_type is None:
                os.replace(self._tmp, self.path)
                temporary_files.discard(self._tmp)
                self._tmp = None
        finally:
            if self._tmp is not None:
                if os.path.exists(self._tmp):
                    os.unlink(self._tmp)
                temporary_files.discard(self._tmp)


#: The temporary files this process is writing (:class:`atomic_output`, certgen render's one file
#: per certificate): what a command stopped by a signal deletes on its way out, wherever the
#: signal came (even as a file was being renamed, when a ``with`` block's own clean-up may not run).
temporary_files: set[str] = set()


def remove_temporary_files() -> None:
    """Delete the temporary files this process is still writing (a command's last step when it
    is interrupted or fails)."""
    for name in list(temporary_files):
        with contextlib.suppress(OSError):
            os.unlink(name)
        temporary_files.discard(name)


def fsync_dir(folder: Path) -> None:
    """Make renames in *folder* durable: fsync the folder (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
