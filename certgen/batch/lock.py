"""One running job per output folder.

A batch job holds two things for its whole life:

* an operating-system lock (``fcntl.flock``) on ``.certgen-batch.lock`` in
  the output folder, whose text names the job's process (pid, host, start
  time, job key).  The kernel releases it when the process ends, however it
  ends (SIGKILL included), so a killed job never blocks its rerun.  The file
  is removed when the job ends; a process that locked a file that was
  meanwhile removed or replaced tries again on the file now there.
* the register's record of the job running in the folder (the same
  figures): it refuses a second process on this host whose lock file was
  deleted under the first, and names the running job when its lock file
  cannot be read.  A record left by a process that has ended (on this host) is
  replaced; one from another host is trusted only as far as the lock is (a
  folder shared between hosts needs a file system whose locks span them,
  as NFSv4's do).

Everything a job leaves in the folder (temporary files, the lock file)
belongs to the job that holds the lock.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RenderError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the register's record alone
    fcntl = None  # type: ignore[assignment]  # no fcntl (Windows): the register's record alone


if TYPE_CHECKING:  # the register (SQLAlchemy) is imported when a job opens one
    from ..register import Register

__all__ = ["LOCK_NAME", "FolderLock", "running_beside"]

#: The lock file in the output folder (removed when the job ends).
LOCK_NAME = ".certgen-batch.lock"

#: Lock descriptors held by this process: a forked child (a rendering worker) closes its copies,
#: so that only the job's own process holds the lock.
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


class FolderLock:
    """The output folder's lock and the register's record of the running job (see the module docs)."""

    def __init__(
        self, folder: Path, job_key: str, *, security: str | None = None, register: str | None = None
    ) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.owner: dict[str, Any] = {
            "job_key": job_key,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
        }
        #: In the lock file only: the security the job prints and its register (an SQLite file),
        #: so that a run of the security starting beside it finds it before its register exists.
        self.printing = {"security": security, "register": register}
        self._fd: int | None = None
        self._register: Register | None = None

    # -- the lock file ----------------------------------------------------------------

    def acquire(self) -> None:
        """Take the folder's lock, or refuse naming the job that holds it."""
        if fcntl is None:
            return
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise RenderError(
                    f"cannot create the lock file {LOCK_NAME} ({exc.strerror})", str(self.folder)
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_owner(fd)
                os.close(fd)
                raise _busy(self.folder, holder) from None
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                    return  # a file system without locks: the register's record alone
                raise RenderError(f"cannot lock {LOCK_NAME} ({exc.strerror})", str(self.folder)) from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the file was removed by the job that held it: lock the one there now
        self._fd = fd
        _HELD.add(fd)
        figures = {**self.owner, "started_at": self.owner["started_at"].isoformat(), **self.printing}
        text = json.dumps(figures).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, text + b"\n", 0)

    def release(self) -> None:
        """Give up the lock (the lock file removed first, while it is still held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        _HELD.discard(fd)
        os.close(fd)

    # -- the register's record ---------------------------------------------------------

    def record(self, register: Register) -> None:
        """Record the job as running in the folder, or refuse: the register names another one
        that is still running."""
        folder = str(self.folder)
        with register.transaction() as conn:
            other = register._running_job(conn, folder)
            if other is not None and _still_running(other):
                raise _busy(self.folder, other)
            register._set_running_job(conn, folder, self.owner)
        self._register = register

    def forget(self) -> None:
        """Remove the register's record of the job (at its end)."""
        register, self._register = self._register, None
        if register is not None:
            with register.transaction() as conn:
                register._set_running_job(conn, str(self.folder), None)


def running_beside(folder: Path, security: str) -> dict[str, Any] | None:
    """The figures of a batch running in *folder* (a live process, on this host) that prints
    *security*, from its lock file; None when there is none."""
    try:
        with open(folder / LOCK_NAME, "rb") as file:
            owner = json.loads(file.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(owner, dict) or owner.get("security") != security:
        return None
    try:
        started = dt.datetime.fromisoformat(str(owner.get("started_at")))
    except ValueError:
        return None
    return owner if _still_running({**owner, "started_at": started}) else None


def _read_owner(fd: int) -> dict[str, Any] | None:
    """The lock holder's figures from the lock file (it writes them just after locking: wait
    a moment for them)."""
    deadline = time.monotonic() + 2.0
    while True:
        try:
            data = os.pread(fd, 4096, 0)
            owner = json.loads(data) if data.strip() else None
        except (OSError, ValueError):
            owner = None
        if isinstance(owner, dict) or time.monotonic() > deadline:
            return owner if isinstance(owner, dict) else None
        time.sleep(0.05)


def _busy(folder: Path, owner: dict[str, Any] | None) -> RenderError:
    if owner is None:
        who = "another certgen batch"
    else:
        started = owner.get("started_at")
        if isinstance(started, dt.datetime):
            started = (started if started.tzinfo else started.replace(tzinfo=dt.UTC)).isoformat()
        job = str(owner.get("job_key") or "")[:12]
        who = f"another certgen batch (pid {owner.get('pid')} on {owner.get('host')}, started {started}, job {job})"
    return RenderError(
        f"the output folder is in use by {who}: one job runs in a folder at a time; wait for it to end "
        "(rerun then to finish or check the job), or give another --out folder",
        str(folder),
    )


def _still_running(owner: dict[str, Any]) -> bool:
    """Whether the process a register record names still runs (as far as this host can tell:
    one on another host is judged by the lock alone, which this process holds)."""
    if owner.get("host") != socket.gethostname():
        return False
    pid = int(owner.get("pid") or 0)
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = _process_start(pid)
    recorded = owner.get("started_at")
    if started is not None and isinstance(recorded, dt.datetime):
        recorded = recorded if recorded.tzinfo else recorded.replace(tzinfo=dt.UTC)
        if started > recorded.timestamp() + 1:  # the pid was reused by a later process
            return False
    return True


def _process_start(pid: int) -> float | None:
    """When process *pid* started (Unix time), on Linux; None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
