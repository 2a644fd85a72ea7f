"""The output file: written beside its target, published by one atomic rename, or not at all.

Everything about replacing a file safely lives here, once, for every writer:

* the new text goes to a temporary file in the target's own folder (``.bibx-*.tmp``) and replaces
  the target by ``os.replace`` only when the export decides to publish it; until then, and after
  any error or interrupt, the old file is untouched and the temporary file is removed;
* a symbolic link is followed: its target is replaced, the link stays a link;
* the replaced file's permission bits, and its owner and group where the user may set them, are kept;
* a device or pipe (``-o /dev/stdout``, a FIFO) is written into, never renamed over;
* two exports to one file cannot interleave: each holds an advisory lock (``flock``) on the file it
  replaces from before it reads its inputs until it has published. A second export waits, then
  reads the file the first one published. A target that does not exist yet is not locked: of two
  exports creating it at once, the last rename wins, and the file is always one whole export.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the atomic rename still keeps every file whole
    fcntl = None  # type: ignore[assignment]

# The output is written to its file a megabyte at a time: one system call for some hundreds of entries, not four.
WRITE_BUFFER = 1 << 20
# What a failing output file raises from a write, rather than a writer's own bug.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


class OutputProblem(Exception):
    """The output cannot be written (a full disk, a read-only folder); the old file is kept."""


@dataclass(frozen=True)
class OutputTarget:
    """Where ``-o`` writes: ``path`` as the user named it, ``real`` the file that is replaced (links followed)."""

    path: str
    real: Path

    @property
    def replaceable(self) -> bool:
        """A regular file, or nothing yet: replaced by a rename. Devices and pipes are written into."""
        return self.real.is_file() or not self.real.exists()

    @property
    def exists(self) -> bool:
        return self.real.is_file()


def standard_output() -> TextIO:
    """Standard output as the UTF-8 stream every bibliography format is written in, whatever the
    locale (``PYTHONIOENCODING=latin-1`` would otherwise make a CJK title the writer's failure)."""
    stream = sys.stdout
    if stream is None:
        raise OutputProblem("standard output is closed: give -o FILE")
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
        stream.flush()
        reconfigure(encoding="utf-8")
    return stream


def resolve_target(path: str) -> OutputTarget:
    """The target of ``-o path``, checked before anything is read: its folder must exist and be writable."""
    real = Path(os.path.realpath(path))
    target = OutputTarget(path, real)
    if target.replaceable:
        folder = real.parent
        if not folder.is_dir():
            raise OutputProblem(f"cannot write {path}: {os.strerror(errno.ENOENT)}")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputProblem(f"cannot write {path}: {os.strerror(errno.EACCES)}")
    return target


@contextmanager
def locked(target: OutputTarget) -> Iterator[None]:
    """Holds the advisory lock of an existing regular target; waits for another export holding it.

    The lock is on the file's inode, which a finished export replaces: after waiting, the path is
    checked again, so the lock taken is always on the file that is there now.
    """
    if fcntl is None:
        yield
        return
    while target.exists:
        try:
            handle = open(target.real, "rb")  # noqa: SIM115 - held for the whole block
        except OSError:  # gone meanwhile, or not readable by this user: the rename alone keeps it whole
            break
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.exists(target.real) and os.path.samestat(os.fstat(handle.fileno()), os.stat(target.real)):
                yield
                return
        finally:
            handle.close()  # closing releases the lock
    yield


class PendingOutput:
    """A temporary file that becomes the target only through :meth:`publish`."""

    def __init__(self, target: OutputTarget | None) -> None:
        self.target = target
        folder = target.real.parent if target and target.replaceable else None
        try:
            self.name, self.file = _open_temporary(folder)
        except OSError as error:
            raise OutputProblem(f"cannot write {target.path if target else '<stdout>'}: {error.strerror or error}") from None

    def close(self) -> None:
        """Flushes and closes the temporary file; a full disk shows here if not before."""
        try:
            self.file.close()
        except OSError as error:
            raise self.failure(error) from None

    def failure(self, error: OSError) -> OutputProblem:
        where = self.target.path if self.target else "<stdout>"
        return OutputProblem(f"cannot write {where}: {error.strerror or error}; nothing was replaced")

    def publish(self) -> None:
        """Puts the written text in place: a rename over a file, or a copy into a device or stdout."""
        self.close()
        target = self.target
        if target is None:
            stdout = standard_output()
            with open(self.name, encoding="utf-8") as written:
                shutil.copyfileobj(written, stdout)
            stdout.flush()
        elif target.replaceable:
            _keep_attributes(self.name, target.real)
            os.replace(self.name, target.real)
        else:
            with open(self.name, encoding="utf-8") as written, open(target.real, "w", encoding="utf-8", newline="\n") as out:
                shutil.copyfileobj(written, out)

    def discard(self) -> None:
        if not self.file.closed:
            try:
                self.file.close()
            except OSError:
                pass  # a full disk: the file is removed anyway
        if os.path.exists(self.name):
            os.unlink(self.name)


def _open_temporary(folder: Path | None) -> tuple[str, TextIO]:
    """The temporary file's name and the file object itself (not tempfile's wrapper, which would
    add a Python-level call to every write)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".bibx-", suffix=".tmp")
    return name, open(fd, "w", buffering=WRITE_BUFFER, encoding="utf-8", newline="\n")


def _keep_attributes(temporary: str, target: Path) -> None:
    """The replaced file's mode, owner and group (as far as this user may set them), or a new file's mode."""
    try:
        status = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        return
    if hasattr(os, "chown"):
        for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
            try:
                os.chown(temporary, uid, gid)
                break
            except PermissionError:
                continue  # another user's file: keep at least its group if we belong to it
    os.chmod(temporary, status.st_mode & 0o7777)
